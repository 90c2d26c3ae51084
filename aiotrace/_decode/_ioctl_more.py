# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: small families, as strace 6.1 decodes them: the namespaces' (0xb7,
linux/nsfs.h), and of the terminals' ('T') the modem lines (TIOCM*) and the structures
termios, termios2 and termio (TCGETS, TCSETS2, TCGETA...): the other terminal requests
are left to ``_files``."""

from __future__ import annotations

import struct
from typing import Optional

from . import _ioctl as I
from ._ctx import Ctx
from ._kinds import R_FD
from ._structs_tty import termios_flags
from ._xlat import flags, hexa, s64, xval
from ._xlat_ioctl_names import code
from . import _xlat_ioctl_more as XM


def _uid(v: int) -> str:
    return "-1" if v == 0xFFFFFFFF else str(v)


def _nsfs(c: Ctx, req: int, arg: int) -> Optional[str]:
    """The namespace requests: a descriptor (printed as the return value), the type (its
    name after the return value), the owner's uid (at exit)."""
    if req in (code("NS_GET_USERNS"), code("NS_GET_PARENT"), code("NS_GET_NSTYPE")):
        return I.done(c, "")
    if req == code("NS_GET_OWNER_UID"):
        return I.at_exit(c, arg, 4, lambda d: "[%s]" % _uid(int.from_bytes(d, "little")))
    return None


def _nstype(c: Ctx) -> str:
    r = s64(c.retval or 0)
    name = XM.NS_TYPES.get(r)
    return str(r) if name is None else "%d (%s)" % (r, name)


def _modem(d: bytes) -> str:
    return "[%s]" % flags(int.from_bytes(d, "little"), XM.TIOCM_FLAGS, "TIOCM_???")


def _term(c: Ctx, fmt: str, ncc: int, speeds: bool, d: bytes) -> str:
    """struct termios, termios2 (*speeds*) or termio: the flags, and with -v the line
    discipline, the control characters and the speeds."""
    v = struct.unpack(fmt, d)
    out = [termios_flags(*v[:4])]
    if c.abbrev:
        out.append("...")
    else:
        out.append("c_line=" + xval(v[4], XM.LINE_DISCS, "N_???"))
        out.append("c_cc=[%s]" % ", ".join("[%s]=%s" % (XM.TERMIOS_CC.get(i, str(i)), hexa(b))
                                           for i, b in enumerate(v[5][:ncc])))
        if speeds:
            out += ["c_ispeed=%d" % v[6], "c_ospeed=%d" % v[7]]
    return "{" + ", ".join(out) + "}"


# the structures: (format, its size, how many control characters, with the speeds)
_TERMIOS = ("<4IB19s", 36, 19, False)
_TERMIOS2 = ("<4IB19sII", 44, 19, True)
_TERMIO = ("<4HB8sx", 18, 8, False)
_TERM_GET = {code("TCGETS"): _TERMIOS, code("TIOCGLCKTRMIOS"): _TERMIOS,
             code("TCGETS2"): _TERMIOS2, code("TCGETA"): _TERMIO}
_TERM_SET = {code(n): _TERMIOS for n in ("TCSETS", "TCSETSW", "TCSETSF", "TIOCSLCKTRMIOS")}
_TERM_SET.update({code(n): _TERMIOS2 for n in ("TCSETS2", "TCSETSW2", "TCSETSF2")})
_TERM_SET.update({code(n): _TERMIO for n in ("TCSETA", "TCSETAW", "TCSETAF")})


def _tty(c: Ctx, req: int, arg: int) -> Optional[str]:
    """TIOCMGET writes the modem lines, the others read them; the termios structures,
    read (the setters) or written (the getters)."""
    if req == code("TIOCMGET"):
        return I.at_exit(c, arg, 4, _modem)
    if req in (code("TIOCMBIS"), code("TIOCMBIC"), code("TIOCMSET")):
        return I.at_entry(c, arg, 4, _modem)
    got = _TERM_GET.get(req) or _TERM_SET.get(req)
    if got is None:
        return None
    fmt, size, ncc, speeds = got
    how = I.at_exit if req in _TERM_GET else I.at_entry
    return how(c, arg, size, lambda d: _term(c, fmt, ncc, speeds, d))


I.FAMILIES[0xB7] = _nsfs
I.FAMILIES[ord("T")] = _tty
I.RETURNS.update({code("NS_GET_USERNS"): R_FD, code("NS_GET_PARENT"): R_FD,
                  code("NS_GET_NSTYPE"): _nstype})
