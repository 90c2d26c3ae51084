# SPDX-License-Identifier: GPL-2.0-or-later
"""The pieces bpf's attributes are printed with (``_misc_bpf``, ``_bpf_cmds``,
``_bpf_info``): a structure is a table of fields, each with its offset, its struct format
and its printer, printed as far as the size given reaches (a field is printed when the
size goes past the offset where its group of fields starts: the fields one kernel version
added together); the bytes past the structure known, when not all zero, as ``...``
(``-v``: ``extra_data=`` and their hex).

A printer is given the field's value and the whole structure (``Attr``); it returns its
text, or None when the field is not printed (a field only some flag or type has)."""

from __future__ import annotations

import struct
from typing import Callable, NamedTuple, Optional

from . import _xlat_bpf as XB
from ._ctx import Ctx
from ._quote import quote
from ._style import RAW
from ._style import get as _style_now
from ._xlat import flags, hexa, ptr, s32, xval

PAGE_SIZE = 4096


class Attr(NamedTuple):
    data: bytes     # the structure, zero-padded to its size
    length: int     # the bytes the caller gave of it


Show = Callable[[Ctx, int, Attr], Optional[str]]   # (ctx, the field's value, all of them)


class Field(NamedTuple):
    name: str       # "" : the printer's text is printed as it is (several fields)
    offset: int
    fmt: str        # its struct format: "I", "Q", "16s"
    show: Show
    since: int      # printed when the size given is past this offset


def u(c: Ctx, v: int, a: Attr) -> str:
    return str(v)


def fd(c: Ctx, v: int, a: Attr) -> str:
    return c.fd(s32(v))


def addr(c: Ctx, v: int, a: Attr) -> str:
    return ptr(v)


def hexv(c: Ctx, v: int, a: Attr) -> str:
    return hexa(v)


def names(table: str, unknown: str) -> Show:
    return lambda c, v, a: xval(v, getattr(XB, table), unknown)


def bits(table: str, unknown: str) -> Show:
    return lambda c, v, a: flags(v, getattr(XB, table), unknown)


def bits_any(table: str) -> Show:
    """Flags whose 0 has a name (``BPF_ANY``)."""
    return lambda c, v, a: flags(v, getattr(XB, table), "BPF_???", zero="BPF_ANY")


def decimal_named(v: int, table: dict[int, str]) -> str:
    """A value in decimal, its name (when it has one) in a comment in every -X style but
    raw: ``4294967295 /* NUMA_NO_NODE */``."""
    name = table.get(v)
    if name is None or _style_now() == RAW:
        return str(v)
    return "%d /* %s */" % (v, name)


def name_at(c: Ctx, raw: bytes, a: Attr, offset: int) -> str:
    """A name in a fixed array, of which the bytes the size given reaches: up to its
    NUL, or without one all but the last byte and ``...``."""
    return cstring(c, raw[:max(0, min(len(raw), a.length - offset))])


def cstring(c: Ctx, data: bytes) -> str:
    """The string in a char array: up to its NUL, else all but its last byte and
    ``...``."""
    nul = data.find(b"\0")
    if nul >= 0:
        return quote(data[:nul], xflag=c.xflag)
    return quote(data[:-1], xflag=c.xflag) + "..."


def value(a: Attr, f: Field) -> int:
    """The value of field *f* (a fixed array's bytes are not asked for)."""
    got = struct.unpack_from("<" + f.fmt, a.data, f.offset)[0]
    return 0 if isinstance(got, bytes) else int(got)


def field_texts(c: Ctx, fields: tuple[Field, ...], a: Attr) -> list[str]:
    """The texts of the fields the size given reaches."""
    out = []
    for f in fields:
        if f.since and a.length <= f.since:
            break
        v = struct.unpack_from("<" + f.fmt, a.data, f.offset)[0]
        if isinstance(v, bytes):
            out.append("%s=%s" % (f.name, name_at(c, v, a, f.offset)))
            continue
        text = f.show(c, v, a)
        if text is not None:
            out.append("%s=%s" % (f.name, text) if f.name else text)
    return out


def extra(c: Ctx, data: bytes, size: int) -> list[str]:
    """The bytes past the structure known, when any is not zero."""
    rest = data[size:]
    if not rest.strip(b"\0"):
        return []
    if c.abbrev:
        return ["..."]
    return ["extra_data=%s /* bytes %d..%d */" % (quote(rest, hex=True), size,
                                                  len(data) - 1)]


def attr(data: bytes, size: int) -> Attr:
    """The structure of *size* bytes known made of the *data* given."""
    return Attr(data[:size].ljust(size, b"\0"), min(len(data), size))
