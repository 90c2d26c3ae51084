# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: the request number and its argument, as strace 6.1 prints them.

The request: its names (``TCGETS``; several names of one number joined with ``or``),
or, for families whose numbers carry a parameter, a name with that parameter
(``EVIOCGNAME(128)``, ``EVIOCGBIT(EV_KEY, 96)``), else ``_IOC(dir, type, nr, size)``.
``-X raw`` prints the number, ``-X verbose`` the number and that text in a comment.

The argument: each family (chosen by the request's type byte, ``_IOC_TYPE``) has a
decoder in a module of its own, registered in ``FAMILIES``; a family that does not know
the request leaves it to the printers of ``_files`` (terminals, sockets), which print
the argument in hex when they do not know it either.

A family decoder is ``(ctx, code, arg) -> str | None`` and is called at entry and
again at exit (``ctx.exiting``).  At entry it returns the argument's text, complete
(``DONE`` in ``ctx.saved``) or to be continued at exit; None: not decoded (the
argument is printed in hex).  At exit, called only when the entry did not say
``DONE``, it returns the rest of the text.
"""

from __future__ import annotations

from typing import Callable, Mapping, Optional, Sequence

from . import _style
from ._ctx import Ctx
from ._misc import array as _print_array
from ._quote import quote
from ._style import RAW, VERBOSE
from ._xlat import hexa, s64, u32, xval
from . import _xlat_ioctl as XI
from . import _xlat_ioctl_names as XN

#: *n* items of *size* bytes at an address: strace's print_array, the one printer of both
mem_array = _print_array

# the fields of a request number (asm-generic/ioctl.h)
_IOC_NONE, _IOC_WRITE, _IOC_READ = 0, 1, 2
_DIR_NAMES = {0: "_IOC_NONE", 1: "_IOC_WRITE", 2: "_IOC_READ", 3: "_IOC_READ|_IOC_WRITE"}


def ioc_dir(code: int) -> int:
    return code >> 30 & 3


def ioc_type(code: int) -> int:
    return code >> 8 & 0xFF


def ioc_nr(code: int) -> int:
    return code & 0xFF


def ioc_size(code: int) -> int:
    return code >> 16 & 0x3FFF


def ioc(d: int, typ: int, nr: int, size: int) -> int:
    return d << 30 | size << 16 | typ << 8 | nr


# -- request numbers with a parameter ---------------------------------------

def _sized(name: str) -> Callable[[int], str]:
    return lambda code: "%s(%d)" % (name, ioc_size(code))


def _named(v: int, table: dict[int, str], unknown: str) -> str:
    # the value's name in abbrev style even under -X verbose (the whole request is
    # already in a comment, and an unknown value gets none of its own)
    st = _style.get()
    if st == RAW or (st == VERBOSE and v not in table):
        return hexa(v)
    with _style.using(_style.ABBREV):
        return xval(v, table, unknown)


def _evdev(code: int) -> Optional[str]:
    d, nr = ioc_dir(code), ioc_nr(code)
    if d == _IOC_WRITE and 0xC0 <= nr <= 0xFF:
        return "EVIOCSABS(%s)" % _named(nr - 0xC0, XI.ABS_AXES, "ABS_???")
    if d != _IOC_READ:
        return None
    if 0x20 <= nr <= 0x3F:
        ev = "0" if nr == 0x20 else _named(nr - 0x20, XI.EV_TYPES, "EV_???")
        return "EVIOCGBIT(%s, %d)" % (ev, ioc_size(code))
    if 0x40 <= nr <= 0x7F:
        return "EVIOCGABS(%s)" % _named(nr - 0x40, XI.ABS_AXES, "ABS_???")
    fn = _EVDEV_SIZED.get(nr)
    return fn(code) if fn is not None else None


_EVDEV_SIZED = {nr: _sized(name) for nr, name in (
    (0x06, "EVIOCGNAME"), (0x07, "EVIOCGPHYS"), (0x08, "EVIOCGUNIQ"), (0x09, "EVIOCGPROP"),
    (0x0A, "EVIOCGMTSLOTS"), (0x18, "EVIOCGKEY"), (0x19, "EVIOCGLED"), (0x1A, "EVIOCGSND"),
    (0x1B, "EVIOCGSW"))}

# (type, dir, nr) -> name of a request whose size is its parameter
_SIZED = {
    (ord("H"), _IOC_READ, 0x04): "HIDIOCGRAWNAME",
    (ord("H"), _IOC_READ, 0x05): "HIDIOCGRAWPHYS",
    (ord("H"), _IOC_READ, 0x06): "HIDIOCSFEATURE",
    (ord("H"), _IOC_READ, 0x08): "HIDIOCGRAWUNIQ",
    (ord("H"), _IOC_READ, 0x12): "HIDIOCGPHYS",
    (ord("H"), _IOC_READ | _IOC_WRITE, 0x06): "HIDIOCSFEATURE",
    (ord("H"), _IOC_READ | _IOC_WRITE, 0x07): "HIDIOCGFEATURE",
    (ord("U"), _IOC_READ, 0x2C): "UI_GET_SYSNAME",
    (ord("j"), _IOC_READ, 0x13): "JSIOCGNAME",
    (ord("k"), _IOC_WRITE, 0x00): "SPI_IOC_MESSAGE",
}
_SECCOMP_ID_VALID_WRONG_DIR = ioc(_IOC_READ, ord("!"), 2, 8)


def _with_parameter(code: int) -> Optional[str]:
    typ = ioc_type(code)
    if typ == ord("E"):
        return _evdev(code)
    if typ == ord("M"):   # the OSS mixer: the channel is the number
        d = ioc_dir(code)
        if d in (_IOC_READ, _IOC_WRITE):
            return "MIXER_%s(%d)" % ("READ" if d == _IOC_READ else "WRITE", ioc_nr(code))
        return None
    if code == _SECCOMP_ID_VALID_WRONG_DIR:
        return "SECCOMP_IOCTL_NOTIF_ID_VALID_WRONG_DIR"
    name = _SIZED.get((typ, ioc_dir(code), ioc_nr(code)))
    return None if name is None else "%s(%d)" % (name, ioc_size(code))


def _ioc(code: int) -> str:
    with _style.using(_style.ABBREV):
        return "_IOC(%s, %s, %s, %s)" % (_DIR_NAMES[ioc_dir(code)], hexa(ioc_type(code)),
                                         hexa(ioc_nr(code)), hexa(ioc_size(code)))


def request_names(code: int) -> str:
    """The request's symbolic text, without its number."""
    code = u32(code)
    special = _with_parameter(code)
    name = XN.request_names().get(code)
    if special is not None:
        return special if name is None else special + " or " + name
    return name if name is not None else _ioc(code)


def request(code: int) -> str:
    """The request as the -X style of the moment prints it."""
    code = u32(code)
    st = _style.get()
    if st == RAW:
        return hexa(code)
    if st == VERBOSE:
        return "%s /* %s */" % (hexa(code), request_names(code))
    return request_names(code)


# -- the arguments ----------------------------------------------------------

Family = Callable[[Ctx, int, int], Optional[str]]
# the type byte -> its decoder (each family module adds its own, when it is imported:
# on the first ioctl decoded, see _families)
FAMILIES: dict[int, Family] = {}
DONE = "ioctl_done"


def _families() -> dict[int, Family]:
    if not FAMILIES:
        from . import (  # noqa: F401  (each registers its families)
            _ioctl_block, _ioctl_btrfs_rw, _ioctl_dev, _ioctl_dm, _ioctl_evdev, _ioctl_gpio,
            _ioctl_kd_font, _ioctl_kvm, _ioctl_loop, _ioctl_misc, _ioctl_more, _ioctl_mtd,
            _ioctl_mtd_abi, _ioctl_ptp, _ioctl_rtc, _ioctl_scsi, _ioctl_seccomp, _ioctl_sock,
            _ioctl_tee, _ioctl_uffd, _ioctl_v4l2,
        )
    return FAMILIES


#: request -> the printer of its return value, where it is not a decimal number (each
#: family module adds its own)
RETURNS: dict[int, Callable[[Ctx], str]] = {}


def return_value(c: Ctx) -> str:
    """The return value of a successful call, as its request prints it."""
    _families()
    fn = RETURNS.get(u32(c.args[1]))
    return str(s64(c.retval or 0)) if fn is None else fn(c)


def argument_entry(c: Ctx) -> Optional[str]:
    """The argument's text at entry, or None when no family decodes the request."""
    code = u32(c.args[1])
    fn = _families().get(ioc_type(code))
    if fn is None:
        return None
    got = fn(c, code, c.args[2])
    if got is None:
        return None
    c.saved["ioctl"] = True
    return got


def argument_exit(c: Ctx) -> Optional[str]:
    """The rest of the argument's text at exit; None when the entry did not decode it."""
    if "ioctl" not in c.saved:
        return None
    if DONE in c.saved:
        return ""
    code = u32(c.args[1])
    return FAMILIES[ioc_type(code)](c, code, c.args[2]) or ""


# -- helpers of the family decoders -------------------------------------------

def struct(c: Ctx, addr: int, fmt: str, render: Callable[..., str]) -> str:
    """The structure at *addr*, rendered; its address when it cannot be read (or the
    call failed and this is its exit), NULL for 0 (strace's umove_or_printaddr)."""
    if c.exiting and c.failed and addr:
        return hexa(addr)
    return c.struct(addr, fmt, render)


def fetch(c: Ctx, addr: int, size: int) -> bytes | str:
    """*size* bytes at *addr*, or the text of the address when they cannot be read (as
    ``struct`` prints it)."""
    if addr == 0:
        return "NULL"
    if not c.verbose or (c.exiting and c.failed):
        return hexa(addr)
    data = c.read(addr, size)
    return hexa(addr) if data is None else data


def in_out(c: Ctx, arg: int, size: int, show_in: Callable[[bytes], str],
           show_out: Callable[[bytes], str]) -> str:
    """A structure the call reads and writes: its input fields at entry, `` => `` and
    its output fields at exit (nothing more when the call failed)."""
    if not c.exiting:
        data = fetch(c, arg, size)
        if isinstance(data, str):
            return done(c, ", " + data)
        return ", " + show_in(data)
    if c.failed:
        return ""
    out = c.read(arg, size)
    return " => " + (hexa(arg) if out is None else show_out(out))


def at_entry(c: Ctx, arg: int, size: int, show: Callable[[bytes], str]) -> str:
    """A structure the call reads: shown at entry (its address when it cannot be read)."""
    data = fetch(c, arg, size)
    return done(c, ", " + (data if isinstance(data, str) else show(data)))


def at_exit(c: Ctx, arg: int, size: int, show: Callable[[bytes], str],
            comma_first: bool = False) -> str:
    """A structure the call writes: shown at exit (its address when the call failed);
    *comma_first*: the ", " before it is printed at entry (seen in an unfinished call)."""
    if not c.exiting:
        return ", " if comma_first else ""
    data = fetch(c, arg, size)
    text = data if isinstance(data, str) else show(data)
    return text if comma_first else ", " + text


# a request's decoder: (ctx, request number, argument) -> text, as a Family's
Handler = Callable[[Ctx, int, int], str]


def family(handlers: Mapping[str, Handler]) -> Family:
    """The decoder of a family from its requests' handlers, by request name."""
    by_code = {XN.code(name): fn for name, fn in handlers.items()}

    def decode(c: Ctx, req: int, arg: int) -> Optional[str]:
        fn = by_code.get(req)
        return None if fn is None else fn(c, req, arg)
    return decode


def done(c: Ctx, text: str) -> str:
    """*text* is the whole of the argument: nothing is added at exit."""
    c.saved[DONE] = True
    return text


def fields(*pairs: tuple[str, object]) -> str:
    return "{" + ", ".join("%s=%s" % p for p in pairs) + "}"


def array(c: Ctx, items: Sequence[object]) -> str:
    """``[a, b, ...]``: without -v, the first strsize items then ``...``."""
    shown = items[:c.strsize] if c.abbrev else items
    more = ", ..." if len(shown) < len(items) else ""
    return "[" + ", ".join(str(x) for x in shown) + more + "]"


def hex_array(values: Sequence[int]) -> str:
    return "[" + ", ".join(hexa(v) for v in values) + "]"


def cstring(c: Ctx, data: bytes) -> str:
    """A char array holding a NUL-terminated string; without a NUL, all but its last
    byte (the place of the NUL), then ``...``."""
    nul = data.find(b"\0")
    if nul < 0:
        return quote(data[:-1], xflag=c.xflag) + "..."
    return quote(data[:nul], xflag=c.xflag)

