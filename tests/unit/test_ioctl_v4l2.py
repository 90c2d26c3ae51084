"""The V4L2 requests decoded so far ('V': inputs, streaming, the standard) as strace 6.1
prints them (its test ioctl_v4l2.c). Tables, no tracee: the decoder is given the
registers and a fake memory (data at A)."""

from __future__ import annotations

import errno
import struct

import pytest

from fake_memory import A, Memory
from aiotrace._decode import format_entry, format_exit, format_syscall_line
from aiotrace._decode._xlat_ioctl_names import code

EBADF = -errno.EBADF
EBADF_TEXT = "-1 EBADF (Bad file descriptor)"
M32 = 0xFFFFFFFF
INPUT = struct.pack("<I32sI40x", 5, b"Camera 1", 2)


def line(args: tuple[int, ...], ret: int, data: bytes = b"", **kw: object) -> str:
    mem = Memory(data)
    entry = format_entry("ioctl", args, mem, **kw)
    full, rtext = format_exit("ioctl", args, ret, mem, entry_text=entry, **kw)
    return format_syscall_line("ioctl", full, rtext, column=0)


@pytest.mark.parametrize("args, ret, data, kw, text", [
    # the index at entry, the rest at exit
    ((3, code("VIDIOC_ENUMINPUT"), A), 0, INPUT, {},
     'ioctl(3, VIDIOC_ENUMINPUT, {index=5, name="Camera 1", type=V4L2_INPUT_TYPE_CAMERA})'
     " = 0"),
    ((M32, code("VIDIOC_ENUMINPUT"), A), EBADF, INPUT, {},
     "ioctl(-1, VIDIOC_ENUMINPUT, {index=5}) = " + EBADF_TEXT),
    ((M32, code("VIDIOC_ENUMINPUT"), 0), EBADF, b"", {},
     "ioctl(-1, VIDIOC_ENUMINPUT, NULL) = " + EBADF_TEXT),
    ((M32, code("VIDIOC_ENUMINPUT"), A), EBADF, INPUT[:76], {},
     "ioctl(-1, VIDIOC_ENUMINPUT, 0x10000) = " + EBADF_TEXT),
    ((3, code("VIDIOC_ENUMINPUT"), A), 0, INPUT[:36] + struct.pack("<I", 9) + bytes(40), {},
     'ioctl(3, VIDIOC_ENUMINPUT, {index=5, name="Camera 1", type=0x9 /* V4L2_INPUT_TYPE_??? */})'
     " = 0"),
    # the buffer type, the input, the standard
    ((M32, code("VIDIOC_STREAMON"), A), EBADF, struct.pack("<I", 0xFFFEFDFC), {},
     "ioctl(-1, VIDIOC_STREAMON, [0xfffefdfc /* V4L2_BUF_TYPE_??? */]) = " + EBADF_TEXT),
    ((3, code("VIDIOC_STREAMOFF"), A), 0, struct.pack("<I", 9), {},
     "ioctl(3, VIDIOC_STREAMOFF, [V4L2_BUF_TYPE_VIDEO_CAPTURE_MPLANE]) = 0"),
    ((3, code("VIDIOC_G_INPUT"), A), 0, struct.pack("<I", M32), {},
     "ioctl(3, VIDIOC_G_INPUT, [4294967295]) = 0"),
    ((3, code("VIDIOC_S_INPUT"), A), 0, struct.pack("<I", 2), {},
     "ioctl(3, VIDIOC_S_INPUT, [2]) = 0"),
    ((3, code("VIDIOC_G_STD"), A), 0, struct.pack("<Q", 0xFF), {},
     "ioctl(3, VIDIOC_G_STD, [0xff]) = 0"),
    ((3, code("VIDIOC_S_STD"), A), EBADF, struct.pack("<Q", 0), {},
     "ioctl(3, VIDIOC_S_STD, [0]) = " + EBADF_TEXT),
    # -e verbose=none: nothing decoded
    ((3, code("VIDIOC_S_INPUT"), A), 0, struct.pack("<I", 2), {"verbose": False},
     "ioctl(3, VIDIOC_S_INPUT, 0x10000) = 0"),
])
def test_v4l2(args, ret, data, kw, text):
    assert line(args, ret, data, **kw) == text
