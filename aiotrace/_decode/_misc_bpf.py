# SPDX-License-Identifier: GPL-2.0-or-later
"""bpf, as strace 6.1 prints it: the command, its union bpf_attr, the size.

The attributes are read whole (as many bytes as the size says, at most a page) and
printed field by field as far as the size reaches: a field is printed when the size
goes past the offset where its group of fields starts (the fields a kernel version added
together), the bytes past the structure known, when not all zero, as ``...`` (``-v``:
their hex). A command is a table of fields, ``_COMMANDS``; a command without one (only
BPF_PROG_LOAD has one so far) prints the address of its attributes. A command that makes a program or a map returns
a descriptor.
"""

from __future__ import annotations

import struct
from typing import Callable, NamedTuple

from . import _xlat_bpf as XB
from ._ctx import Ctx
from ._kinds import R_DEC, Spec
from ._misc import bounded_str
from ._quote import quote
from ._sockaddr import ifindex
from ._style import composite
from ._xlat import flags, hexa, ptr, s32, u32, xval

Show = Callable[[Ctx, int, "_Attr"], str]   # (ctx, the field's value, all of them)
PAGE_SIZE = 4096


class _Attr(NamedTuple):
    data: bytes     # the structure, zero-padded to its size
    length: int     # the bytes the caller gave of it


class _Field(NamedTuple):
    name: str
    offset: int
    fmt: str        # its struct format: "I", "Q", "16s"
    show: Show
    since: int      # printed when the size given is past this offset


@composite(hexa)
def kernel_version(v: int) -> str:
    """``KERNEL_VERSION(5, 10, 0)``."""
    return "KERNEL_VERSION(%d, %d, %d)" % (v >> 16, (v >> 8) & 0xFF, v & 0xFF)


def _name(c: Ctx, raw: bytes, a: _Attr, offset: int) -> str:
    """A name in a fixed array: up to its NUL, or the bytes given and ``...``."""
    data = raw[:max(0, min(len(raw), a.length - offset))]
    nul = data.find(b"\0")
    if nul >= 0:
        return quote(data[:nul], xflag=c.xflag)
    return quote(data, xflag=c.xflag) + "..."


def _u(c: Ctx, v: int, a: _Attr) -> str:
    return str(v)


def _fd(c: Ctx, v: int, a: _Attr) -> str:
    return c.fd(s32(v))


def _addr(c: Ctx, v: int, a: _Attr) -> str:
    return ptr(v)


def _names(table: str, unknown: str) -> Show:
    return lambda c, v, a: xval(v, getattr(XB, table), unknown)


def _flags(table: str, unknown: str) -> Show:
    return lambda c, v, a: flags(v, getattr(XB, table), unknown)


def _log_buf(c: Ctx, v: int, a: _Attr) -> str:
    log_size = struct.unpack_from("<I", a.data, 28)[0]
    if not v or not log_size:
        return "NULL" if not v else '""'
    return bounded_str(c, v, log_size)


_PROG_LOAD = (
    _Field("prog_type", 0, "I", _names("BPF_PROG_TYPES", "BPF_PROG_TYPE_???"), 0),
    _Field("insn_cnt", 4, "I", _u, 0),
    _Field("insns", 8, "Q", _addr, 0),   # (strace -v decodes the instructions: not yet)
    _Field("license", 16, "Q", lambda c, v, a: c.cstr(v), 0),
    _Field("log_level", 24, "I", _u, 24),
    _Field("log_size", 28, "I", _u, 24),
    _Field("log_buf", 32, "Q", _log_buf, 24),
    _Field("kern_version", 40, "I", lambda c, v, a: kernel_version(v), 40),
    _Field("prog_flags", 44, "I", _flags("BPF_PROG_FLAGS", "BPF_F_???"), 44),
    _Field("prog_name", 48, "16s", lambda c, v, a: "", 48),   # (see _text)
    _Field("prog_ifindex", 64, "I", lambda c, v, a: ifindex(v), 64),
    _Field("expected_attach_type", 68, "I", _names("BPF_ATTACH_TYPES", "BPF_???"), 68),
    _Field("prog_btf_fd", 72, "I", _fd, 72),
    _Field("func_info_rec_size", 76, "I", _u, 72),
    _Field("func_info", 80, "Q", _addr, 72),
    _Field("func_info_cnt", 88, "I", _u, 72),
    _Field("line_info_rec_size", 92, "I", _u, 72),
    _Field("line_info", 96, "Q", _addr, 72),
    _Field("line_info_cnt", 104, "I", _u, 72),
    _Field("attach_btf_id", 108, "I", _u, 108),
    _Field("attach_prog_fd", 112, "I", _fd, 112),
    _Field("fd_array", 120, "Q", _addr, 120),
)
PROG_LOAD_SIZE = 128

# command -> (its fields, the size of its structure, whether it returns a descriptor)
_COMMANDS: dict[str, tuple[tuple[_Field, ...], int, bool]] = {
    "BPF_PROG_LOAD": (_PROG_LOAD, PROG_LOAD_SIZE, True),
}


def _extra(c: Ctx, data: bytes, size: int) -> list[str]:
    """The bytes past the structure known, when any is not zero."""
    extra = data[size:]
    if not extra.strip(b"\0"):
        return []
    if c.abbrev:
        return ["..."]
    return ["extra_data=%s /* bytes %d..%d */" % (quote(extra, hex=True), size,
                                                  len(data) - 1)]


def _text(c: Ctx, fields: tuple[_Field, ...], size: int, data: bytes) -> str:
    a = _Attr(data[:size].ljust(size, b"\0"), min(len(data), size))
    out = []
    for f in fields:
        if f.since and a.length <= f.since:
            break
        v = struct.unpack_from("<" + f.fmt, a.data, f.offset)[0]
        if isinstance(v, bytes):
            out.append("%s=%s" % (f.name, _name(c, v, a, f.offset)))
        else:
            out.append("%s=%s" % (f.name, f.show(c, v, a)))
    return "{%s}" % ", ".join(out + _extra(c, data, size))


def _command(c: Ctx) -> str:
    return XB.BPF_COMMANDS.get(u32(c.args[0]), "")


def _entry(c: Ctx) -> str:
    cmd, addr, size = u32(c.args[0]), c.args[1], u32(c.args[2])
    head = xval(cmd, XB.BPF_COMMANDS, "BPF_???")
    known = _COMMANDS.get(_command(c))
    data = c.read(addr, size) if known and 0 < size <= PAGE_SIZE and addr else None
    if known is None or data is None:
        return "%s, %s, %d" % (head, ptr(addr), size)
    return "%s, %s, %d" % (head, _text(c, known[0], known[1], data), size)


def _ret(c: Ctx) -> str:
    known = _COMMANDS.get(_command(c))
    if known is not None and known[2] and 0 <= (c.retval or 0) <= 0x7FFFFFFF:
        return c.fd(c.retval or 0)
    return R_DEC(c)


DECODERS = {"bpf": Spec(entry=_entry, ret=_ret)}
