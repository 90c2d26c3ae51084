# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: the virtual terminals' fonts and Unicode maps ('K', linux/kd.h), as strace 6.1
decodes them (GIO_UNIMAP, PIO_UNIMAP, GIO_FONTX, PIO_FONTX, KDFONTOP); and the
registration of the family, with the other requests of ``_ioctl_kd``."""

from __future__ import annotations

import struct
from . import _ioctl as I
from . import _ioctl_kd as KD
from . import _xlat_kd as K
from ._ctx import Ctx
from ._misc import array
from ._quote import quote
from ._xlat import flags, hexa, ptr, xval
from ._xlat_ioctl_names import code

_OP_SET, _OP_GET, _OP_SET_DEFAULT, _OP_COPY = 0, 1, 2, 3
_MAX_FONT_NAME = 32


def _unipair(d: bytes) -> str:
    return "{unicode=%s, fontpos=%s}" % tuple(map(hexa, struct.unpack("<2H", d)))


def _unimap(c: Ctx, req: int, arg: int) -> str:
    """GIO_UNIMAP, PIO_UNIMAP: struct unimapdesc, a count and the pairs; the getter's
    count again at exit (`` => ``), and its pairs."""
    get = req == code("GIO_UNIMAP")
    if not c.exiting:
        data: bytes | str | None = I.fetch(c, arg, 16)
        if isinstance(data, str):
            return I.done(c, ", " + data)
    else:    # (read even when the call failed: the count it wrote)
        data = c.read(arg, 16) if c.verbose else None
        if data is None:
            return hexa(arg) + "}"
    assert isinstance(data, bytes)
    count, entries = struct.unpack("<H6xQ", data)
    if not c.exiting:
        c.saved["kd_count"] = count
        text = ", {entry_ct=%d" % count
        if get:
            return text
    else:
        text = " => %d" % count
        if c.failed:     # (the pairs are not read, whatever the error)
            return text + ", entries=%s}" % ptr(entries)
        count = c.saved.get("kd_count", count)
    text += ", entries=%s}" % array(c, entries, count, 4, _unipair)
    return text if c.exiting else I.done(c, text)


def _fontdesc(c: Ctx, d: bytes, pointer: bool) -> str:
    count, height, data = struct.unpack("<HH4xQ", d)
    shown = ptr(data) if pointer else KD.hex_string(c, data, min(count, 512) * 32)
    return "{charcount=%d, charheight=%d, chardata=%s}" % (count, height, shown)


def _fontx(c: Ctx, req: int, arg: int) -> str:
    """GIO_FONTX, PIO_FONTX: struct consolefontdesc; the getter's data at exit."""
    get = req == code("GIO_FONTX")
    if not c.exiting:
        data = I.fetch(c, arg, 16)
        if isinstance(data, str):
            return I.done(c, ", " + data)
        text = ", " + _fontdesc(c, data, get)
        return text if get else I.done(c, text)
    out = None if c.failed else c.read(arg, 16)
    return "" if out is None else " => " + _fontdesc(c, out, False)


def _font_name(c: Ctx, addr: int) -> str:
    """The name of a default font: a string of at most 31 characters and its NUL."""
    if addr == 0:
        return "NULL"
    size = min(c.strsize + 1, _MAX_FONT_NAME)
    raw = c.read_cstr(addr, size)
    if raw is None:
        return hexa(addr)
    shown = min(size, c.strsize) - (size == _MAX_FONT_NAME)
    cut = len(raw) >= shown and not (len(raw) == shown and shown < size)
    return quote(raw[:shown], truncated=cut, xflag=c.xflag)


def _font_op(c: Ctx, d: bytes) -> str:
    op, fflags, width, height, count, data = struct.unpack("<5I4xQ", d)
    out = []
    if not c.exiting:
        out.append("op=" + xval(op, K.KD_FONT_OPS, "KD_FONT_OP_???"))
        if op not in (_OP_SET_DEFAULT, _OP_COPY):
            out.append("flags=" + flags(fflags, K.KD_FONT_FLAGS, "KD_FONT_FLAG_???"))
    if op != _OP_COPY:
        out.append("width=%d" % width)
    out.append("height=%d" % height)
    if op not in (_OP_SET_DEFAULT, _OP_COPY):
        out.append("charcount=%d" % count)
    if op == _OP_GET and not c.exiting:
        out.append("data=" + ptr(data))
    elif op in (_OP_GET, _OP_SET):
        size = (min(width, 32) + 7) // 8 * 32 * min(count, 512)
        out.append("data=" + KD.hex_string(c, data, size))
    elif op == _OP_SET_DEFAULT:
        if not c.exiting:
            out.append("data=" + _font_name(c, data))
    elif op != _OP_COPY:
        out.append("data=" + ptr(data))
    return "{" + ", ".join(out) + "}"


def _fontop(c: Ctx, req: int, arg: int) -> str:
    """KDFONTOP: struct console_font_op; `` => `` what the call wrote, but for the
    operations that only set."""
    if not c.exiting:
        data = I.fetch(c, arg, 32)
        if isinstance(data, str):
            return I.done(c, ", " + data)
        text = ", " + _font_op(c, data)
        op = struct.unpack_from("<I", data)[0]
        return I.done(c, text) if op in (_OP_SET, _OP_COPY) else text
    out = None if c.failed else c.read(arg, 32)
    return "" if out is None else " => " + _font_op(c, out)


_FAMILY = I.family({
    **KD.HANDLERS,
    "GIO_UNIMAP": _unimap, "PIO_UNIMAP": _unimap,
    "GIO_FONTX": _fontx, "PIO_FONTX": _fontx,
    "KDFONTOP": _fontop,
})
I.FAMILIES[ord("K")] = _FAMILY
