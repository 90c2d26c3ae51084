"""The V4L2 requests ('V') as strace 6.1 prints them (its test ioctl_v4l2.c): the
capabilities, formats, buffers, streaming parameters, controls, tuners, cropping and
frame sizes. Tables, no tracee: the decoder is given the registers and a fake memory
(data at A)."""

from __future__ import annotations

import struct

import pytest

from fake_memory import EBADF, EBADF_TEXT, M32, A
from fake_memory import ioctl_line as line
from aiotrace._decode._style import RAW, VERBOSE
from aiotrace._decode._xlat_ioctl_names import code

OK = ") = 42"
FAIL = ") = " + EBADF_TEXT
B = A + 0x200     # (a second buffer, in the same fake memory)
YUYV = 0x56595559   # v4l2_fourcc('Y', 'U', 'Y', 'V')


def at_b(head: bytes, tail: bytes) -> bytes:
    return head.ljust(0x200, b"\0") + tail


def fmt(typ: int, body: bytes) -> bytes:
    return struct.pack("<I4x", typ) + body.ljust(200, b"\0")


PIX = struct.pack("<7I", 640, 480, YUYV, 1, 1280, 614400, 8)
PIX_TEXT = ("fmt.pix={width=640, height=480, pixelformat=v4l2_fourcc('Y', 'U', 'Y', 'V')"
            " /* V4L2_PIX_FMT_YUYV */, field=V4L2_FIELD_NONE, bytesperline=1280,"
            " sizeimage=614400, colorspace=V4L2_COLORSPACE_SRGB}")
def buf(index: int, flags: int, memory: int, m: bytes, length: int) -> bytes:
    """A struct v4l2_buffer of type VIDEO_CAPTURE, 10 bytes used, at 5.000006 s."""
    data = bytearray(88)
    struct.pack_into("<IIII", data, 0, index, 1, 10, flags)
    struct.pack_into("<qq", data, 24, 5, 6)
    struct.pack_into("<I", data, 60, memory)
    data[64:64 + len(m)] = m
    struct.pack_into("<I", data, 72, length)
    return bytes(data)


CAP = struct.pack("<16s32s32sIII12x", b"uvcvideo", b"Cam", b"usb-1", 0x60112, 0x84200001, 0)


@pytest.mark.parametrize("name, data, ret, kw, text", [
    # the capabilities, at exit
    ("VIDIOC_QUERYCAP", CAP, 42, {},
     '{driver="uvcvideo", card="Cam", bus_info="usb-1", version=KERNEL_VERSION(6, 1, 18),'
     " capabilities=V4L2_CAP_VIDEO_CAPTURE|V4L2_CAP_EXT_PIX_FORMAT|V4L2_CAP_STREAMING|"
     "V4L2_CAP_DEVICE_CAPS}" + OK),
    ("VIDIOC_QUERYCAP", CAP, 42, {"xstyle": VERBOSE},
     '{driver="uvcvideo", card="Cam", bus_info="usb-1", version=0x60112 /* KERNEL_VERSION('
     "6, 1, 18) */, capabilities=0x84200001 /* V4L2_CAP_VIDEO_CAPTURE|V4L2_CAP_EXT_PIX_FORMAT|"
     "V4L2_CAP_STREAMING|V4L2_CAP_DEVICE_CAPS */}" + OK),
    ("VIDIOC_QUERYCAP", CAP, EBADF, {}, "0x10000" + FAIL),
    # the formats: the type's member of the union
    ("VIDIOC_G_FMT", fmt(1, PIX), 42, {}, "{type=V4L2_BUF_TYPE_VIDEO_CAPTURE, " + PIX_TEXT + "}"
     + OK),
    ("VIDIOC_G_FMT", fmt(1, PIX), EBADF, {}, "{type=V4L2_BUF_TYPE_VIDEO_CAPTURE}" + FAIL),
    ("VIDIOC_S_FMT", fmt(1, PIX), 42, {}, "{type=V4L2_BUF_TYPE_VIDEO_CAPTURE, " + PIX_TEXT
     + "} => {" + PIX_TEXT + "}" + OK),
    ("VIDIOC_S_FMT", fmt(0, PIX), 42, {}, "{type=0 /* V4L2_BUF_TYPE_??? */}" + OK),
    ("VIDIOC_TRY_FMT", fmt(1, PIX), 42, {"xstyle": RAW},
     "{type=0x1, fmt.pix={width=640, height=480, pixelformat=0x56595559, field=0x1,"
     " bytesperline=1280, sizeimage=614400, colorspace=0x8}} => {fmt.pix={width=640,"
     " height=480, pixelformat=0x56595559, field=0x1, bytesperline=1280, sizeimage=614400,"
     " colorspace=0x8}}" + OK),
    # overlay windows: their clips (none: the request is all at entry)
    ("VIDIOC_S_FMT", fmt(3, struct.pack("<iiIIIIQI4xQB", -1, 2, 3, 4, 0, 0xFF, 0, 0, 0, 0)), 42,
     {}, "{type=V4L2_BUF_TYPE_VIDEO_OVERLAY, fmt.win={w={left=-1, top=2, width=3, height=4},"
     " field=V4L2_FIELD_ANY, chromakey=0xff, clips=NULL, clipcount=0, bitmap=NULL}}" + OK),
    ("VIDIOC_S_FMT", at_b(fmt(8, struct.pack("<iiIIIIQI4xQB", 0, 0, 0, 0, 0, 0, B, 1, 0, 7)),
                          struct.pack("<iiII8x", 1, 2, 3, 4)), EBADF, {},
     "{type=V4L2_BUF_TYPE_VIDEO_OUTPUT_OVERLAY, fmt.win={w={left=0, top=0, width=0, height=0},"
     " field=V4L2_FIELD_ANY, chromakey=0, clips=[{c={left=1, top=2, width=3, height=4}}],"
     " clipcount=1, bitmap=NULL, global_alpha=0x7}}" + FAIL),
    ("VIDIOC_S_FMT", fmt(11, struct.pack("<II", 0x38305543, 0)), EBADF, {},
     "{type=V4L2_BUF_TYPE_SDR_CAPTURE, fmt.sdr={pixelformat=v4l2_fourcc('C', 'U', '0', '8')"
     " /* V4L2_SDR_FMT_CU8 */}}" + FAIL),
    ("VIDIOC_S_FMT", fmt(9, struct.pack("<5I", 1, 2, 0x0DDEADEF, 0, 0).ljust(180, b"\0")
                         + b"\x01"), EBADF, {},
     "{type=V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE, fmt.pix_mp={width=1, height=2,"
     " pixelformat=v4l2_fourcc('\\xef', '\\xad', '\\xde', '\\x0d'), field=V4L2_FIELD_ANY,"
     " colorspace=V4L2_COLORSPACE_DEFAULT, plane_fmt=[{sizeimage=0, bytesperline=0}],"
     " num_planes=1}}" + FAIL),
    # buffers
    ("VIDIOC_REQBUFS", struct.pack("<IIII4x", 4, 1, 1, 0), 42, {},
     "{type=V4L2_BUF_TYPE_VIDEO_CAPTURE, memory=V4L2_MEMORY_MMAP, count=4 => 4}" + OK),
    ("VIDIOC_DQBUF", buf(3, 0x2001, 1, struct.pack("<I", 0x100), 4096), 42, {},
     "{type=V4L2_BUF_TYPE_VIDEO_CAPTURE, index=3, memory=V4L2_MEMORY_MMAP, m.offset=0x100,"
     " length=4096, bytesused=10, flags=V4L2_BUF_FLAG_MAPPED|"
     "V4L2_BUF_FLAG_TIMESTAMP_MONOTONIC|V4L2_BUF_FLAG_TSTAMP_SRC_EOF,"
     " timestamp={tv_sec=5, tv_usec=6}, ...}" + OK),
    ("VIDIOC_QBUF", buf(3, 0, 2, struct.pack("<Q", 0xBEEF), 1), 42, {"xstyle": RAW},
     "{type=0x1, index=3, memory=0x2, m.userptr=0xbeef, length=1, bytesused=10, flags=0,"
     " ...}" + OK),
    ("VIDIOC_QBUF", bytes(88), EBADF, {}, "{type=0 /* V4L2_BUF_TYPE_??? */, index=0}" + FAIL),
    # the frame buffer, the streaming parameters
    ("VIDIOC_G_FBUF", struct.pack("<IIQ32x", 1, 2, 0), 42, {},
     "{capability=0x1, flags=0x2, base=NULL}" + OK),
    ("VIDIOC_S_PARM", struct.pack("<7I", 2, 0x1000, 1, 1, 30, 0, 3).ljust(204, b"\0"), 42, {},
     "{type=V4L2_BUF_TYPE_VIDEO_OUTPUT, parm.output={capability=V4L2_CAP_TIMEPERFRAME,"
     " outputmode=V4L2_MODE_HIGHQUALITY, timeperframe=1/30, extendedmode=0, writebuffers=3}}"
     " => {parm.output={capability=V4L2_CAP_TIMEPERFRAME, outputmode=V4L2_MODE_HIGHQUALITY,"
     " timeperframe=1/30, extendedmode=0, writebuffers=3}}" + OK),
    ("VIDIOC_G_PARM", struct.pack("<7I", 4, 0, 0, 0, 0, 0, 0).ljust(204, b"\0"), 42, {},
     "{type=V4L2_BUF_TYPE_VBI_CAPTURE}" + OK),
    ("VIDIOC_G_STD", struct.pack("<Q", 0xFF), 42, {}, "[0xff]" + OK),
])
def test_v4l2(name, data, ret, kw, text):
    assert line((M32, code(name), A), ret, data, **kw).split(", ", 2)[2] == text


CTRL = struct.pack("<II32s", 0x980900 | 0x80000000, 1, b"Brightness").ljust(68, b"\0")


@pytest.mark.parametrize("name, data, ret, kw, text", [
    # the controls: their names, else their class and offset
    ("VIDIOC_G_CTRL", struct.pack("<Ii", 0x980901, -5), 42, {},
     "{id=V4L2_CID_CONTRAST, value=-5}" + OK),
    ("VIDIOC_S_CTRL", struct.pack("<Ii", 0x9A0903, 7), 42, {},
     "{id=V4L2_CID_EXPOSURE_AUTO_PRIORITY, value=7 => 7}" + OK),
    ("VIDIOC_S_CTRL", struct.pack("<Ii", 0x9A0FFF, 7), EBADF, {},
     "{id=V4L2_CTRL_CLASS_CAMERA+0xfff, value=7}" + FAIL),
    ("VIDIOC_G_CTRL", struct.pack("<Ii", 0x97ABCD, 7), EBADF, {},
     "{id=0x97abcd /* V4L2_CID_??? */}" + FAIL),
    ("VIDIOC_QUERYCTRL", CTRL, 42, {},
     "{id=V4L2_CTRL_FLAG_NEXT_CTRL|V4L2_CID_BRIGHTNESS,"
     ' type=V4L2_CTRL_TYPE_INTEGER, name="Brightness", ...}' + OK),
    ("VIDIOC_QUERYCTRL", CTRL[:40] + struct.pack("<iiiiI2I", 0, 255, 1, 128, 0x10, 0, 0), 42,
     {"abbrev": False},
     "{id=V4L2_CTRL_FLAG_NEXT_CTRL|V4L2_CID_BRIGHTNESS,"
     ' type=V4L2_CTRL_TYPE_INTEGER, name="Brightness", minimum=0, maximum=255, step=1,'
     " default_value=128, flags=V4L2_CTRL_FLAG_INACTIVE}" + OK),
    # the extended controls: read again at exit, with the index of the one that failed
    ("VIDIOC_S_EXT_CTRLS", at_b(struct.pack("<IIIiI4xQ", 0x990000, 1, 7, 0, 0, B),
                                struct.pack("<IIIq", 0x980900, 0, 0, -1)), EBADF, {},
     "{ctrl_class=V4L2_CTRL_CLASS_CODEC, count=1, controls=[{id=V4L2_CID_BRIGHTNESS, size=0,"
     " value=-1, value64=-1}]} => {controls=[{id=V4L2_CID_BRIGHTNESS, size=0, value=-1,"
     " value64=-1}], error_idx=7}" + FAIL),
    ("VIDIOC_G_EXT_CTRLS", at_b(struct.pack("<IIIiI4xQ", 0x980000, 2, 0, 0, 0, B),
                                struct.pack("<IIIQ", 0x980901, 2, 0, B + 20) + b"ab"), 42, {},
     "{ctrl_class=V4L2_CTRL_CLASS_USER, count=2, controls=[{id=V4L2_CID_CONTRAST, size=2,"
     ' string="ab"}, ... /* 0x10214 */]}' + OK),
    ("VIDIOC_TRY_EXT_CTRLS", struct.pack("<IIIiI4xQ", 0x980000, 0, 0, 0, 0, B), 42, {},
     "{ctrl_class=V4L2_CTRL_CLASS_USER, count=0}" + OK),
    # the tuners, the standards, the cropping, the frame sizes
    ("VIDIOC_S_TUNER", struct.pack("<I32sIIIIIIii16x", 0, b"FM", 1, 0x10, 1, 2, 2, 1, -1, 0),
     42, {}, '{index=0, name="FM", type=V4L2_TUNER_RADIO, capability=V4L2_TUNER_CAP_STEREO,'
     " rangelow=1, rangehigh=2, rxsubchans=V4L2_TUNER_SUB_STEREO, audmode=V4L2_TUNER_MODE_STEREO,"
     ' signal=-1, afc=0} => {name="FM", type=V4L2_TUNER_RADIO,'
     " capability=V4L2_TUNER_CAP_STEREO, rangelow=1, rangehigh=2,"
     " rxsubchans=V4L2_TUNER_SUB_STEREO, audmode=V4L2_TUNER_MODE_STEREO, signal=-1, afc=0}"
     + OK),
    ("VIDIOC_ENUMSTD", struct.pack("<I4xQ24sIII20x", 2, 0xFF, b"PAL", 1, 25, 625), 42, {},
     '{index=2, name="PAL", frameperiod=1/25, framelines=625}' + OK),
    ("VIDIOC_CROPCAP", struct.pack("<I4i4i2I", 1, 0, 0, 640, 480, 1, 1, 2, 2, 1, 1), 42, {},
     "{type=V4L2_BUF_TYPE_VIDEO_CAPTURE, bounds={left=0, top=0, width=640, height=480},"
     " defrect={left=1, top=1, width=2, height=2}, pixelaspect=1/1}" + OK),
    ("VIDIOC_S_CROP", struct.pack("<I4i", 1, -1, -2, 3, 4), EBADF, {},
     "{type=V4L2_BUF_TYPE_VIDEO_CAPTURE, c={left=-1, top=-2, width=3, height=4}}" + FAIL),
    ("VIDIOC_ENUM_FRAMESIZES", struct.pack("<IIIII24x", 0, YUYV, 1, 640, 480), 42, {},
     "{index=0, pixel_format=v4l2_fourcc('Y', 'U', 'Y', 'V') /* V4L2_PIX_FMT_YUYV */,"
     " type=V4L2_FRMSIZE_TYPE_DISCRETE, discrete={width=640, height=480}}" + OK),
    ("VIDIOC_ENUM_FRAMEINTERVALS", struct.pack("<5I6I8x", 0, YUYV, 640, 480, 2, 1, 30, 1, 5,
                                               1, 30), 42, {},
     "{index=0, pixel_format=v4l2_fourcc('Y', 'U', 'Y', 'V') /* V4L2_PIX_FMT_YUYV */,"
     " width=640, height=480, type=V4L2_FRMIVAL_TYPE_CONTINUOUS, stepwise={min=1/30, max=1/5,"
     " step=1/30}}" + OK),
])
def test_v4l2_controls(name, data, ret, kw, text):
    assert line((M32, code(name), A), ret, data, **kw).split(", ", 2)[2] == text


def test_create_bufs():
    data = struct.pack("<III4x", 9, 2, 1) + fmt(1, PIX) + bytes(32)
    assert line((M32, code("VIDIOC_CREATE_BUFS"), A), 42, data) == (
        "ioctl(-1, VIDIOC_CREATE_BUFS, {count=2, memory=V4L2_MEMORY_MMAP,"
        " format={type=V4L2_BUF_TYPE_VIDEO_CAPTURE, " + PIX_TEXT + "}}) = 42 ({index=9,"
        " count=2})")
    # (not read at entry: nothing after the return value)
    assert line((M32, code("VIDIOC_CREATE_BUFS"), A), 42, data[:200]) == (
        "ioctl(-1, VIDIOC_CREATE_BUFS, 0x10000) = 42")
