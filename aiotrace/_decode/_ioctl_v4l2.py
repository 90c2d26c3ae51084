# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: Video4Linux2 ('V', linux/videodev2.h), as strace 6.1 decodes it -- a first
part of its requests: the inputs (VIDIOC_ENUMINPUT, VIDIOC_G_INPUT, VIDIOC_S_INPUT),
streaming on and off, the video standard. The others are still printed in hex. As
strace, nothing is decoded under -e verbose=none."""

from __future__ import annotations

import struct
from typing import Optional

from . import _ioctl as I
from ._ctx import Ctx
from ._xlat import hexa, xval
from ._xlat_ioctl_names import code
from . import _xlat_ioctl_more as XM

_INPUT = "<I32sI40x"   # struct v4l2_input: index, name, type (and what strace leaves out)
_INPUT_SIZE = 80


def _input(c: Ctx, arg: int) -> str:
    """VIDIOC_ENUMINPUT: the index at entry, the name and type at exit (nothing more when
    the call failed)."""
    if not c.exiting:
        data = I.fetch(c, arg, _INPUT_SIZE)
        if isinstance(data, str):
            return I.done(c, ", " + data)
        return ", {index=%d" % struct.unpack_from("<I", data)[0]
    out = None if c.failed else c.read(arg, _INPUT_SIZE)
    if out is None:
        return "}"
    _, name, typ = struct.unpack(_INPUT, out)
    return ", name=%s, type=%s}" % (I.cstring(c, name), xval(typ, XM.V4L2_INPUT_TYPES,
                                                              "V4L2_INPUT_TYPE_???"))


def _buf_type(d: bytes) -> str:
    return "[%s]" % xval(struct.unpack("<I", d)[0], XM.V4L2_BUF_TYPES, "V4L2_BUF_TYPE_???")


def _v4l2(c: Ctx, req: int, arg: int) -> Optional[str]:
    if not c.verbose:
        return None
    if req == code("VIDIOC_ENUMINPUT"):
        return _input(c, arg)
    if req in (code("VIDIOC_STREAMON"), code("VIDIOC_STREAMOFF")):
        return I.at_entry(c, arg, 4, _buf_type)
    if req == code("VIDIOC_G_INPUT"):
        return I.at_exit(c, arg, 4, lambda d: "[%d]" % struct.unpack("<I", d)[0])
    if req == code("VIDIOC_S_INPUT"):
        return I.at_entry(c, arg, 4, lambda d: "[%d]" % struct.unpack("<I", d)[0])
    if req == code("VIDIOC_G_STD"):
        return I.at_exit(c, arg, 8, lambda d: "[%s]" % hexa(struct.unpack("<Q", d)[0]))
    if req == code("VIDIOC_S_STD"):
        return I.at_entry(c, arg, 8, lambda d: "[%s]" % hexa(struct.unpack("<Q", d)[0]))
    return None


I.FAMILIES[ord("V")] = _v4l2
