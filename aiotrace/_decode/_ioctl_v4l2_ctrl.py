# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: Video4Linux2 ('V', linux/videodev2.h), as strace 6.1 decodes it -- the
controls (VIDIOC_G_CTRL, VIDIOC_QUERYCTRL, the extended ones), the tuners, the
standards, the inputs, the cropping and the frame sizes and intervals; and the printers
``_ioctl_v4l2`` shares (rectangles, fractions, pixel formats)."""

from __future__ import annotations

import struct
from typing import Callable

from . import _ioctl as I
from . import _style
from . import _xlat_ioctl_more as XM
from . import _xlat_v4l2 as V
from ._ctx import Ctx
from ._ioctl_kd import char, hex_string
from ._misc import array
from ._tables import Names
from ._xlat import flags, hexa, xval
from ._xlat_ioctl_names import code

Fields = Callable[[bytes], str]


def staged(c: Ctx, arg: int, size: int, first: Fields, rest: Fields) -> str:
    """A structure the call reads and fills: ``{`` and the *first* fields at entry
    (its address when it cannot be read), the *rest* at exit when the call succeeded,
    then ``}``."""
    if not c.exiting:
        data = I.fetch(c, arg, size)
        if isinstance(data, str):
            return I.done(c, ", " + data)
        return ", {" + first(data)
    out = None if c.failed else c.read(arg, size)
    return ("" if out is None else rest(out)) + "}"


def fourcc(v: int, table: Names | None) -> str:
    """A pixel format: ``v4l2_fourcc('Y', 'U', 'Y', 'V')``, its name in a comment."""
    if _style.get() == _style.RAW:
        return hexa(v)
    text = "v4l2_fourcc(%s)" % ", ".join(char(v >> s & 0xFF, False) for s in (0, 8, 16, 24))
    name = None if table is None else table.get(v)
    return text if name is None else "%s /* %s */" % (text, name)


def rect(d: bytes, at: int = 0) -> str:
    return "{left=%d, top=%d, width=%d, height=%d}" % struct.unpack_from("<iiII", d, at)


def fract(d: bytes, at: int) -> str:
    return "%d/%d" % struct.unpack_from("<II", d, at)


def buf_type(v: int) -> str:
    return xval(v, XM.V4L2_BUF_TYPES, "V4L2_BUF_TYPE_???")


def u32_at(d: bytes, at: int) -> int:
    value: int = struct.unpack_from("<I", d, at)[0]
    return value


# -- the controls ---------------------------------------------------------------

_NEXT_MASK = 0xC0000000       # V4L2_CTRL_FLAG_NEXT_CTRL|V4L2_CTRL_FLAG_NEXT_COMPOUND


def cid(v: int, next_flags: bool) -> str:
    """A control's id: its name, else its class and offset, else ``V4L2_CID_???``;
    *next_flags*: the flags of the enumeration first."""
    if _style.get() == _style.RAW:
        return hexa(v)
    head = ""
    if next_flags and v & _NEXT_MASK:
        head = flags(v & _NEXT_MASK, V.V4L2_CONTROL_QUERY_FLAGS,
                     "V4L2_CTRL_FLAG_NEXT_???") + "|"
        v &= ~_NEXT_MASK
    name = V.V4L2_CONTROL_IDS.get(v)
    if name is None:
        base = max((b for b in V.V4L2_CONTROL_CLASSES if b <= v), default=None)
        if base is None or v - base >= 0x10000:
            return head + "%s /* V4L2_CID_??? */" % hexa(v)
        name = "%s+%s" % (V.V4L2_CONTROL_CLASSES[base], hexa(v - base))
    return head + _style.combine(hexa(v), name)


def _control(c: Ctx, req: int, arg: int) -> str:
    """VIDIOC_G_CTRL, VIDIOC_S_CTRL: the id, the value set (`` => `` as it is now)."""
    get = req == code("VIDIOC_G_CTRL")

    def first(d: bytes) -> str:
        ident, value = struct.unpack("<Ii", d)
        return "id=" + cid(ident, False) + ("" if get else ", value=%d" % value)

    def rest(d: bytes) -> str:
        fmt = ", value=%d" if get else " => %d"
        return fmt % struct.unpack_from("<i", d, 4)
    return staged(c, arg, 8, first, rest)


def _query_id(c: Ctx, d: bytes) -> str:
    ident = u32_at(d, 0)
    c.saved["v4l2_id"] = ident
    return "id=" + cid(ident, True)


def _query_head(c: Ctx, d: bytes) -> str:
    ident, typ, name = struct.unpack_from("<II32s", d)
    text = "" if ident == c.saved.get("v4l2_id") else " => " + cid(ident, False)
    return text + ", type=%s, name=%s" % (
        xval(typ, V.V4L2_CONTROL_TYPES, "V4L2_CTRL_TYPE_???"), I.cstring(c, name))


def _reserved(values: tuple[int, ...]) -> str:
    return ", reserved=" + I.hex_array(values) if any(values) else ""


def _queryctrl(c: Ctx, req: int, arg: int) -> str:
    def rest(d: bytes) -> str:
        if c.abbrev:
            return _query_head(c, d) + ", ..."
        lo, hi, step, dflt, fl, *res = struct.unpack_from("<iiiiI2I", d, 40)
        return _query_head(c, d) + ", minimum=%d, maximum=%d, step=%d, default_value=%d," \
            " flags=%s%s" % (lo, hi, step, dflt, flags(
                fl, V.V4L2_CONTROL_FLAGS, "V4L2_CTRL_FLAG_???"), _reserved(tuple(res)))
    return staged(c, arg, 68, lambda d: _query_id(c, d), rest)


def _query_ext_ctrl(c: Ctx, req: int, arg: int) -> str:
    def rest(d: bytes) -> str:
        if c.abbrev:
            return _query_head(c, d) + ", ..."
        lo, hi, step, dflt, fl, esize, elems, ndims = struct.unpack_from("<qqQqIIII", d, 40)
        dims = struct.unpack_from("<4I", d, 88)[:ndims]
        res = struct.unpack_from("<32I", d, 104)
        return _query_head(c, d) + ", minimum=%d, maximum=%d, step=%d, default_value=%d," \
            " flags=%s, elem_size=%d, elems=%d, nr_of_dims=%d, dims=[%s]%s" % (
                lo, hi, step, dflt, flags(fl, V.V4L2_CONTROL_FLAGS, "V4L2_CTRL_FLAG_???"),
                esize, elems, ndims, ", ".join(map(str, dims)), _reserved(res))
    return staged(c, arg, 232, lambda d: _query_id(c, d), rest)


def _ext_control(c: Ctx, d: bytes) -> str:
    ident, size = struct.unpack_from("<II", d)
    text = "{id=%s, size=%d" % (xval(ident, V.V4L2_CONTROL_IDS, "V4L2_CID_???"), size)
    if size:
        return text + ", string=%s}" % hex_string(c, struct.unpack_from("<Q", d, 12)[0],
                                                  size, False)
    # (value and value64: one union)
    return text + ", value=%d, value64=%d}" % (struct.unpack_from("<i", d, 12)[0],
                                                struct.unpack_from("<q", d, 12)[0])


def _ext_controls(c: Ctx, req: int, arg: int) -> str:
    """VIDIOC_S_EXT_CTRLS, VIDIOC_TRY_EXT_CTRLS, VIDIOC_G_EXT_CTRLS: the class and the
    count; the controls set, `` => `` as they are at exit (read even when the call
    failed, with the index of the one that failed)."""
    get = req == code("VIDIOC_G_EXT_CTRLS")

    def controls(d: bytes) -> tuple[str, bool]:
        count, addr = u32_at(d, 4), struct.unpack_from("<Q", d, 24)[0]
        text = array(c, addr, count, 20, lambda e: _ext_control(c, e))
        return "controls=" + text, text.startswith("[") and not text.endswith("*/]")

    if not c.exiting:
        data = I.fetch(c, arg, 32)
        if isinstance(data, str):
            return I.done(c, ", " + data)
        text = ", {ctrl_class=%s, count=%d" % (xval(u32_at(data, 0), V.V4L2_CONTROL_CLASSES,
                                                    "V4L2_CTRL_CLASS_???"), u32_at(data, 4))
        if not u32_at(data, 4):
            return I.done(c, text + "}")
        if get:
            return text
        shown, whole = controls(data)
        return text + ", " + shown if whole else I.done(c, text + ", " + shown + "}")
    out = c.read(arg, 32)
    if out is None:
        return "}"
    shown = controls(out)[0]
    if c.failed:
        shown += ", error_idx=%d" % u32_at(out, 8)
    return (", " if get else "} => {") + shown + "}"


# -- the tuners, the standards, the inputs ------------------------------------------

def _tuner_fields(c: Ctx, d: bytes) -> str:
    name, typ, cap, low, high, sub, mode, sig, afc = struct.unpack_from("<32sIIIIIIii", d, 4)
    return ("name=%s, type=%s, capability=%s, rangelow=%d, rangehigh=%d, rxsubchans=%s,"
            " audmode=%s, signal=%d, afc=%d") % (
        I.cstring(c, name), xval(typ, V.V4L2_TUNER_TYPES, "V4L2_TUNER_???"),
        flags(cap, V.V4L2_TUNER_CAPABILITIES, "V4L2_TUNER_CAP_???"), low, high,
        flags(sub, V.V4L2_TUNER_RXSUBCHANSES, "V4L2_TUNER_SUB_???"),
        xval(mode, V.V4L2_TUNER_AUDMODES, "V4L2_TUNER_MODE_???"), sig, afc)


def _tuner(c: Ctx, req: int, arg: int) -> str:
    get = req == code("VIDIOC_G_TUNER")

    def first(d: bytes) -> str:
        return "index=%d" % u32_at(d, 0) + ("" if get else ", " + _tuner_fields(c, d))

    def rest(d: bytes) -> str:
        return (", " if get else "} => {") + _tuner_fields(c, d)
    return staged(c, arg, 84, first, rest)


def _enumstd(c: Ctx, req: int, arg: int) -> str:
    def rest(d: bytes) -> str:
        return ", name=%s, frameperiod=%s, framelines=%d" % (
            I.cstring(c, d[16:40]), fract(d, 40), u32_at(d, 48))
    return staged(c, arg, 72, lambda d: "index=%d" % u32_at(d, 0), rest)


def _enuminput(c: Ctx, req: int, arg: int) -> str:
    def rest(d: bytes) -> str:
        return ", name=%s, type=%s" % (I.cstring(c, d[4:36]), xval(
            u32_at(d, 36), XM.V4L2_INPUT_TYPES, "V4L2_INPUT_TYPE_???"))
    return staged(c, arg, 80, lambda d: "index=%d" % u32_at(d, 0), rest)


# -- cropping, frame sizes and intervals ---------------------------------------------

def _cropcap(c: Ctx, req: int, arg: int) -> str:
    return staged(c, arg, 44, lambda d: "type=" + buf_type(u32_at(d, 0)), lambda d: (
        ", bounds=%s, defrect=%s, pixelaspect=%s" % (rect(d, 4), rect(d, 20), fract(d, 36))))


def _crop(c: Ctx, req: int, arg: int) -> str:
    if req == code("VIDIOC_G_CROP"):
        return staged(c, arg, 20, lambda d: "type=" + buf_type(u32_at(d, 0)),
                      lambda d: ", c=" + rect(d, 4))
    return I.at_entry(c, arg, 20, lambda d: "{type=%s, c=%s}" % (buf_type(u32_at(d, 0)),
                                                                 rect(d, 4)))


def _frmsize(c: Ctx, req: int, arg: int) -> str:
    def rest(d: bytes) -> str:
        typ = u32_at(d, 8)
        text = ", type=" + xval(typ, V.V4L2_FRAMESIZE_TYPES, "V4L2_FRMSIZE_TYPE_???")
        if typ == 1:
            return text + ", discrete={width=%d, height=%d}" % struct.unpack_from("<II", d, 12)
        if typ == 3:
            return text + (", stepwise={min_width=%d, max_width=%d, step_width=%d,"
                           " min_height=%d, max_height=%d, step_height=%d}"
                           % struct.unpack_from("<6I", d, 12))
        return text
    return staged(c, arg, 44, lambda d: "index=%d, pixel_format=%s" % (
        u32_at(d, 0), fourcc(u32_at(d, 4), V.V4L2_PIX_FMTS)), rest)


def _frmival(c: Ctx, req: int, arg: int) -> str:
    def rest(d: bytes) -> str:
        typ = u32_at(d, 16)
        text = ", type=" + xval(typ, V.V4L2_FRAMEINTERVAL_TYPES, "V4L2_FRMIVAL_TYPE_???")
        if typ == 1:
            return text + ", discrete=" + fract(d, 20)
        if typ in (2, 3):
            return text + ", stepwise={min=%s, max=%s, step=%s}" % (
                fract(d, 20), fract(d, 28), fract(d, 36))
        return text
    return staged(c, arg, 52, lambda d: "index=%d, pixel_format=%s, width=%d, height=%d" % (
        u32_at(d, 0), fourcc(u32_at(d, 4), V.V4L2_PIX_FMTS), u32_at(d, 8), u32_at(d, 12)), rest)


HANDLERS: dict[str, I.Handler] = {
    "VIDIOC_G_CTRL": _control, "VIDIOC_S_CTRL": _control,
    "VIDIOC_QUERYCTRL": _queryctrl, "VIDIOC_QUERY_EXT_CTRL": _query_ext_ctrl,
    "VIDIOC_S_EXT_CTRLS": _ext_controls, "VIDIOC_TRY_EXT_CTRLS": _ext_controls,
    "VIDIOC_G_EXT_CTRLS": _ext_controls,
    "VIDIOC_G_TUNER": _tuner, "VIDIOC_S_TUNER": _tuner,
    "VIDIOC_ENUMSTD": _enumstd, "VIDIOC_ENUMINPUT": _enuminput,
    "VIDIOC_CROPCAP": _cropcap, "VIDIOC_G_CROP": _crop, "VIDIOC_S_CROP": _crop,
    "VIDIOC_ENUM_FRAMESIZES": _frmsize, "VIDIOC_ENUM_FRAMEINTERVALS": _frmival,
}
