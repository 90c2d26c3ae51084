# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: Video4Linux2 ('V', linux/videodev2.h), as strace 6.1 decodes it -- the
capabilities, the formats, the buffers, the frame buffer, the streaming parameters and
the standard (the controls and the rest are in ``_ioctl_v4l2_ctrl``). As strace,
nothing is decoded under -e verbose=none."""

from __future__ import annotations

import struct
from typing import Callable, Optional

from . import _ioctl as I
from . import _style
from . import _xlat_v4l2 as V
from ._ctx import Ctx
from ._ioctl_v4l2_ctrl import HANDLERS as CTRL_HANDLERS
from ._ioctl_v4l2_ctrl import buf_type, fourcc, rect, staged, u32_at as _u32
from ._misc import array
from ._structs import timeval_vals
from ._xlat import flags, hexa, ptr, xval
from ._xlat_ioctl_names import code


def _kernel_version(v: int) -> str:
    text = "KERNEL_VERSION(%d, %d, %d)" % (v >> 16, v >> 8 & 0xFF, v & 0xFF)
    return _style.combine(hexa(v), text)


def _caps(v: int) -> str:
    return flags(v, V.V4L2_DEVICE_CAPABILITIES_FLAGS, "V4L2_CAP_???")


def _querycap(c: Ctx, req: int, arg: int) -> str:
    """VIDIOC_QUERYCAP: all at exit (the ", " too)."""
    if not c.exiting:
        return ""
    data = I.fetch(c, arg, 104)
    if isinstance(data, str):
        return ", " + data
    driver, card, bus, version, caps, dev_caps = struct.unpack_from("<16s32s32sIII", data)
    text = ", {driver=%s, card=%s, bus_info=%s, version=%s, capabilities=%s" % (
        I.cstring(c, driver), I.cstring(c, card), I.cstring(c, bus), _kernel_version(version),
        _caps(caps))
    return text + (", device_caps=" + _caps(dev_caps) if dev_caps else "") + "}"


def _enum_fmt(c: Ctx, req: int, arg: int) -> str:
    def rest(d: bytes) -> str:
        return ", flags=%s, description=%s, pixelformat=%s" % (
            flags(_u32(d, 8), V.V4L2_FORMAT_DESCRIPTION_FLAGS, "V4L2_FMT_FLAG_???"),
            I.cstring(c, d[12:44]), fourcc(_u32(d, 44), V.V4L2_PIX_FMTS))
    return staged(c, arg, 64, lambda d: "index=%d, type=%s" % (
        _u32(d, 0), buf_type(_u32(d, 4))), rest)


# -- the formats ------------------------------------------------------------------

def _field(v: int) -> str:
    return xval(v, V.V4L2_FIELDS, "V4L2_FIELD_???")


def _colorspace(v: int) -> str:
    return xval(v, V.V4L2_COLORSPACES, "V4L2_COLORSPACE_???")


def _pix(c: Ctx, d: bytes) -> tuple[str, bool]:
    w, h, pf, field, bpl, size, cs = struct.unpack_from("<7I", d)
    return ("fmt.pix={width=%d, height=%d, pixelformat=%s, field=%s, bytesperline=%d,"
            " sizeimage=%d, colorspace=%s}" % (w, h, fourcc(pf, V.V4L2_PIX_FMTS), _field(field),
                                               bpl, size, _colorspace(cs))), True


def _pix_mp(c: Ctx, d: bytes) -> tuple[str, bool]:
    w, h, pf, field, cs = struct.unpack_from("<5I", d)
    n = d[180]
    planes = ["{sizeimage=%d, bytesperline=%d}" % struct.unpack_from("<II", d, 20 + 20 * k)
              for k in range(min(n, 8))]
    return ("fmt.pix_mp={width=%d, height=%d, pixelformat=%s, field=%s, colorspace=%s,"
            " plane_fmt=%s, num_planes=%d}" % (w, h, fourcc(pf, V.V4L2_PIX_FMTS), _field(field),
                                               _colorspace(cs), I.array(c, planes), n)), True


def _win(c: Ctx, d: bytes) -> tuple[str, bool]:
    field, key, clips, count, bitmap = struct.unpack_from("<IIQI4xQ", d, 16)
    shown = array(c, clips, count, 24, lambda e: "{c=%s}" % rect(e))
    alpha = d[48]
    text = "fmt.win={w=%s, field=%s, chromakey=%s, clips=%s, clipcount=%d, bitmap=%s%s}" % (
        rect(d), _field(field), hexa(key), shown, count, ptr(bitmap),
        ", global_alpha=" + hexa(alpha) if alpha else "")
    return text, shown.startswith("[") and shown != "[]" and not shown.endswith("*/]")


def _vbi(c: Ctx, d: bytes) -> tuple[str, bool]:
    rate, offset, spl, fmt, s0, s1, n0, n1, fl = struct.unpack_from("<4I2i3I", d)
    return ("fmt.vbi={sampling_rate=%d, offset=%d, samples_per_line=%d, sample_format=%s,"
            " start=[%d, %d], count=[%d, %d], flags=%s}" % (
                rate, offset, spl, fourcc(fmt, V.V4L2_PIX_FMTS), s0, s1, n0, n1,
                flags(fl, V.V4L2_VBI_FLAGS, "V4L2_VBI_???"))), True


def _sliced(c: Ctx, d: bytes) -> tuple[str, bool]:
    service = struct.unpack_from("<H", d)[0]
    lines = struct.unpack_from("<48H", d, 2)
    return ("fmt.sliced={service_set=%s, service_lines=[%s, %s], io_size=%d}" % (
        flags(service, V.V4L2_SLICED_FLAGS, "V4L2_SLICED_???"), I.hex_array(lines[:24]),
        I.hex_array(lines[24:]), _u32(d, 100))), True


def _sdr(c: Ctx, d: bytes) -> tuple[str, bool]:
    pf, size = struct.unpack_from("<II", d)
    return "fmt.sdr={pixelformat=%s%s}" % (fourcc(pf, V.V4L2_SDR_FMTS),
                                          ", buffersize=%d" % size if size else ""), True


def _meta(c: Ctx, d: bytes) -> tuple[str, bool]:
    pf, size = struct.unpack_from("<II", d)
    return "fmt.meta={dataformat=%s, buffersize=%d}" % (fourcc(pf, V.V4L2_META_FMTS),
                                                       size), True


# the buffer type -> the member of the union it selects
_FORMATS: dict[int, Callable[[Ctx, bytes], tuple[str, bool]]] = {
    1: _pix, 2: _pix, 9: _pix_mp, 10: _pix_mp, 3: _win, 8: _win, 4: _vbi, 5: _vbi,
    6: _sliced, 7: _sliced, 11: _sdr, 12: _sdr, 13: _meta, 14: _meta}


def format_fmt(c: Ctx, d: bytes) -> Optional[tuple[str, bool]]:
    """The union of struct v4l2_format (at 8) its type (at 0) selects, and whether it
    was shown whole (an array of clips that could be read); None: an unknown type."""
    fn = _FORMATS.get(_u32(d, 0))
    return None if fn is None else fn(c, d[8:])


def _typed(c: Ctx, arg: int, size: int) -> tuple[Optional[bytes], str]:
    """At entry, a structure that starts with a buffer type: its bytes and ``, {type=``
    the type; None and its address when it cannot be read."""
    data = I.fetch(c, arg, size)
    if isinstance(data, str):
        return None, I.done(c, ", " + data)
    return data, ", {type=" + buf_type(_u32(data, 0))


def _format(c: Ctx, req: int, arg: int) -> str:
    """VIDIOC_G_FMT, VIDIOC_S_FMT, VIDIOC_TRY_FMT: the type; the format set, `` => `` the
    format as it is at exit."""
    get = req == code("VIDIOC_G_FMT")
    if not c.exiting:
        data, text = _typed(c, arg, 208)
        if data is None or get:
            return text
        got = format_fmt(c, data)
        if got is None or not got[1]:
            return I.done(c, text + ("" if got is None else ", " + got[0]) + "}")
        return text + ", " + got[0]
    out = None if c.failed else c.read(arg, 208)
    got = None if out is None else format_fmt(c, out)
    return ("" if got is None else (", " if get else "} => {") + got[0]) + "}"


def _reqbufs(c: Ctx, req: int, arg: int) -> str:
    return staged(c, arg, 20, lambda d: "type=%s, memory=%s, count=%d" % (
        buf_type(_u32(d, 4)), _memory(_u32(d, 8)), _u32(d, 0)),
        lambda d: " => %d" % _u32(d, 0))


def _memory(v: int) -> str:
    return xval(v, V.V4L2_MEMORIES, "V4L2_MEMORY_???")


# -- the buffers ----------------------------------------------------------------

_TS_TYPE_MASK, _TS_SRC_MASK = 0xE000, 0x70000


def _buf_flags(v: int) -> str:
    if _style.get() == _style.RAW:
        return hexa(v)
    rest = v & ~_TS_TYPE_MASK & ~_TS_SRC_MASK
    text = flags(rest, V.V4L2_BUF_FLAGS, "V4L2_BUF_FLAG_???") + "|" if rest else ""
    return text + "%s|%s" % (
        xval(v & _TS_TYPE_MASK, V.V4L2_BUF_FLAGS_TS_TYPE, "V4L2_BUF_FLAG_TIMESTAMP_???"),
        xval(v & _TS_SRC_MASK, V.V4L2_BUF_FLAGS_TS_SRC, "V4L2_BUF_FLAG_TSTAMP_SRC_???"))


def _buffer(c: Ctx, req: int, arg: int) -> str:
    """VIDIOC_QUERYBUF, VIDIOC_QBUF, VIDIOC_DQBUF: struct v4l2_buffer (the index at exit
    for the one that dequeues)."""
    dq = req == code("VIDIOC_DQBUF")

    def first(d: bytes) -> str:
        return "type=" + buf_type(_u32(d, 4)) + ("" if dq else ", index=%d" % _u32(d, 0))

    def rest(d: bytes) -> str:
        memory = _u32(d, 60)
        text = (", index=%d" % _u32(d, 0) if dq else "") + ", memory=" + _memory(memory)
        if memory == 1:
            text += ", m.offset=" + hexa(_u32(d, 64))
        elif memory == 2:
            text += ", m.userptr=" + ptr(struct.unpack_from("<Q", d, 64)[0])
        text += ", length=%d, bytesused=%d, flags=%s" % (_u32(d, 72), _u32(d, 8),
                                                         _buf_flags(_u32(d, 12)))
        if dq:
            text += ", timestamp=" + timeval_vals(*struct.unpack_from("<qq", d, 24))
        return text + ", ..."
    return staged(c, arg, 88, first, rest)


def _fbuf(c: Ctx, req: int, arg: int) -> str:
    """VIDIOC_G_FBUF (at exit, the ", " too), VIDIOC_S_FBUF."""
    if req == code("VIDIOC_G_FBUF") and not c.exiting:
        return ""

    def show(d: bytes) -> str:
        cap, fl, base = struct.unpack_from("<IIQ", d)
        return "{capability=%s, flags=%s, base=%s}" % (hexa(cap), hexa(fl), ptr(base))
    data = I.fetch(c, arg, 48)
    return I.done(c, ", " + (data if isinstance(data, str) else show(data)))


# -- the streaming parameters -------------------------------------------------------

def _parm(d: bytes) -> str:
    capture = _u32(d, 0) == 1
    cap, mode, num, den, ext, nbuf = struct.unpack_from("<6I", d, 4)
    return "parm.%s={capability=%s, %s=%s, timeperframe=%d/%d, extendedmode=%s, %s=%d}" % (
        "capture" if capture else "output",
        flags(cap, V.V4L2_STREAMING_CAPABILITIES, "V4L2_CAP_???"),
        "capturemode" if capture else "outputmode",
        flags(mode, V.V4L2_CAPTURE_MODES, "V4L2_MODE_???"), num, den, hexa(ext),
        "readbuffers" if capture else "writebuffers", nbuf)


def _streamparm(c: Ctx, req: int, arg: int) -> str:
    """VIDIOC_G_PARM, VIDIOC_S_PARM: the type; the parameters of a video capture or
    output, `` => `` as they are at exit."""
    get = req == code("VIDIOC_G_PARM")
    if not c.exiting:
        data, text = _typed(c, arg, 204)
        if data is None:
            return text
        if _u32(data, 0) not in (1, 2):
            return I.done(c, text + "}")
        return text if get else text + ", " + _parm(data)
    out = None if c.failed else c.read(arg, 204)
    return ("" if out is None else (", " if get else "} => {") + _parm(out)) + "}"


def _number(fmt: str, show: Callable[[int], str], get: bool) -> I.Handler:
    """A number the call reads (at entry) or writes (*get*: at exit, the ", " too)."""
    def decode(c: Ctx, req: int, arg: int) -> str:
        if get and not c.exiting:
            return ""
        data = I.fetch(c, arg, struct.calcsize(fmt))
        text = data if isinstance(data, str) else "[%s]" % show(struct.unpack(fmt, data)[0])
        return I.done(c, ", " + text)
    return decode


def _create_bufs(c: Ctx, req: int, arg: int) -> str:
    """VIDIOC_CREATE_BUFS: the request at entry; at exit, the buffers created follow
    the return value."""
    if c.exiting:
        return ""
    data = I.fetch(c, arg, 256)
    if isinstance(data, str):
        return I.done(c, ", " + data)
    got = format_fmt(c, data[16:224])
    fmt = "type=" + buf_type(_u32(data, 16)) + ("" if got is None else ", " + got[0])
    return ", {count=%d, memory=%s, format={%s}}" % (_u32(data, 4), _memory(_u32(data, 8)),
                                                      fmt)


def _created(c: Ctx) -> str:
    # (nothing when the request was not read at entry)
    out = None if I.DONE in c.saved or not c.verbose else c.read(c.args[2], 8)
    ret = str(c.retval)
    return ret if out is None else ret + " ({index=%d, count=%d})" % struct.unpack("<II", out)


_FAMILY = I.family({
    **CTRL_HANDLERS,
    "VIDIOC_QUERYCAP": _querycap, "VIDIOC_ENUM_FMT": _enum_fmt,
    "VIDIOC_G_FMT": _format, "VIDIOC_S_FMT": _format, "VIDIOC_TRY_FMT": _format,
    "VIDIOC_REQBUFS": _reqbufs,
    "VIDIOC_QUERYBUF": _buffer, "VIDIOC_QBUF": _buffer, "VIDIOC_DQBUF": _buffer,
    "VIDIOC_G_FBUF": _fbuf, "VIDIOC_S_FBUF": _fbuf,
    "VIDIOC_STREAMON": _number("<I", buf_type, False),
    "VIDIOC_STREAMOFF": _number("<I", buf_type, False),
    "VIDIOC_G_PARM": _streamparm, "VIDIOC_S_PARM": _streamparm,
    "VIDIOC_G_STD": _number("<Q", hexa, True), "VIDIOC_S_STD": _number("<Q", hexa, False),
    "VIDIOC_G_INPUT": _number("<I", str, True), "VIDIOC_S_INPUT": _number("<I", str, False),
    "VIDIOC_CREATE_BUFS": _create_bufs,
})


def _v4l2(c: Ctx, req: int, arg: int) -> Optional[str]:
    return _FAMILY(c, req, arg) if c.verbose else None


I.FAMILIES[ord("V")] = _v4l2
I.RETURNS[code("VIDIOC_CREATE_BUFS")] = _created
