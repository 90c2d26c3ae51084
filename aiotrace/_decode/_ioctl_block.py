# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: the block devices (0x12, linux/fs.h, linux/blkpg.h, linux/blktrace_api.h), as
strace 6.1 decodes them: values, pointers to values (the getters' read at exit),
partition requests and block trace setup."""

from __future__ import annotations

import struct
from typing import Optional

from . import _ioctl as I
from . import _pidns
from ._ctx import Ctx
from ._xlat import s32, xval
from ._xlat_ioctl import BLKPG_OPS
from ._xlat_ioctl_names import code


def _codes(*names: str) -> frozenset[int]:
    return frozenset(code(n) for n in names)


_VALUES = _codes("BLKRASET", "BLKFRASET")
_NO_ARG = _codes("BLKRRPART", "BLKFLSBUF", "BLKTRACESTART", "BLKTRACESTOP", "BLKTRACETEARDOWN")
_SETTERS = {code("BLKROSET"): "<i", code("BLKBSZSET"): "<i",
            code("BLKDISCARD"): "<2Q", code("BLKSECDISCARD"): "<2Q", code("BLKZEROOUT"): "<2Q"}
# read at exit: the format of the value
_GETTERS = {code(n): fmt for fmt, names in (
    ("<H", ("BLKSECTGET", "BLKROTATIONAL")),
    ("<i", ("BLKROGET", "BLKBSZGET", "BLKSSZGET", "BLKALIGNOFF")),
    ("<I", ("BLKPBSZGET", "BLKIOMIN", "BLKIOOPT", "BLKDISCARDZEROES", "BLKGETZONESZ",
            "BLKGETNRZONES")),
    ("<q", ("BLKRAGET", "BLKFRAGET")),
    ("<Q", ("BLKGETSIZE", "BLKGETSIZE64", "BLKGETDISKSEQ"))) for n in names}


def _values(c: Ctx, arg: int, fmt: str) -> str:
    return I.struct(c, arg, fmt, lambda *v: "[%s]" % ", ".join(str(x) for x in v))


def _blkpg(c: Ctx, arg: int) -> str:
    def partition(d: bytes) -> str:
        start, length, pno = struct.unpack_from("<qqi", d)
        return "{start=%d, length=%d, pno=%d, devname=%s, volname=%s}" % (
            start, length, pno, I.cstring(c, d[20:84]), I.cstring(c, d[84:148]))

    def render(op: int, pflags: int, datalen: int, data: int) -> str:
        got = I.fetch(c, data, 152)
        return "{op=%s, flags=%d, datalen=%d, data=%s}" % (
            xval(op & 0xFFFFFFFF, BLKPG_OPS, "BLKPG_???"), pflags, datalen,
            got if isinstance(got, str) else partition(got))
    return I.struct(c, arg, "<iii4xQ", render)


def _trace_setup(c: Ctx, arg: int) -> str:
    """The setup at entry (the struct left open), the name the kernel gave at exit."""
    if not c.exiting:
        data = I.fetch(c, arg, 72)
        if isinstance(data, str):
            return I.done(c, ", " + data)
        mask, size, nr, start, end, pid = struct.unpack_from("<H2xII4xQQI", data, 32)
        return ", {act_mask=%d, buf_size=%d, buf_nr=%d, start_lba=%d, end_lba=%d, pid=%s" % (
            mask, size, nr, start, end, _pidns.pid(s32(pid), _pidns.TGID))
    got = None if c.failed else c.read(arg, 72)
    return "}" if got is None else ", name=%s}" % I.cstring(c, got[:32])


def _block(c: Ctx, req: int, arg: int) -> Optional[str]:
    if req in _VALUES:
        return I.done(c, ", %d" % arg)
    if req in _NO_ARG:
        return I.done(c, "")
    fmt = _SETTERS.get(req)
    if fmt is not None:
        return I.done(c, ", " + _values(c, arg, fmt))
    fmt = _GETTERS.get(req)
    if fmt is not None:
        return ", " + _values(c, arg, fmt) if c.exiting else ""
    if req == code("BLKPG"):
        return I.done(c, ", " + _blkpg(c, arg))
    if req == code("BLKTRACESETUP"):
        return _trace_setup(c, arg)
    return None


I.FAMILIES[0x12] = _block
