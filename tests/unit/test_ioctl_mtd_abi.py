"""MTD's ioctl requests ('M', mtd/mtd-abi.h) as strace 6.1 prints them (its test
ioctl_mtd.c), with and without -v. Tables, no tracee: the decoder is given the
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


def line(args: tuple[int, ...], ret: int, data: bytes = b"", **kw: object) -> str:
    mem = Memory(data)
    entry = format_entry("ioctl", args, mem, **kw)
    full, rtext = format_exit("ioctl", args, ret, mem, entry_text=entry, **kw)
    return format_syscall_line("ioctl", full, rtext, column=0)


ECCPOS = list(range(0x100, 0x140))
LAYOUT = struct.pack("<I64II16I", 6, *ECCPOS, 7, *range(16))
OOBFREE = "[{offset=0, length=0x1}, {offset=0x2, length=0x3}, {offset=0x4, length=0x5}," \
          " {offset=0x6, length=0x7}, {offset=0x8, length=0x9}, {offset=0xa, length=0xb}," \
          " {offset=0xc, length=0xd}, {offset=0xe, length=0xf}]"
INFO = struct.pack("<B3xIIIIIQ", 4, 0x8C00, 1, 2, 3, 4, 0)

LINES = [
    # read at entry: whatever the call returns
    ((3, code("MEMERASE"), A), EBADF, struct.pack("<II", 0x1000, 0x2000), {},
     "ioctl(3, MIXER_WRITE(2) or MEMERASE, {start=0x1000, length=0x2000}) = " + EBADF_TEXT),
    ((3, code("MEMERASE"), 0), EBADF, b"", {},
     "ioctl(3, MIXER_WRITE(2) or MEMERASE, NULL) = " + EBADF_TEXT),
    ((3, code("MEMREADOOB64"), A), 0, struct.pack("<Q4xIQ", 1, 2, 0), {},
     "ioctl(3, MEMREADOOB64, {start=0x1, length=0x2, usr_ptr=NULL}) = 0"),
    ((3, code("MEMWRITE"), A), 0, struct.pack("<5QB7x", 1, 2, 3, 4, 5, 2), {},
     "ioctl(3, MEMWRITE, {start=0x1, len=0x2, ooblen=0x3, usr_data=0x4, usr_oob=0x5,"
     " mode=MTD_OPS_RAW}) = 0"),
    ((3, code("OTPSELECT"), A), 0, struct.pack("<I", 7), {},
     "ioctl(3, MIXER_READ(13) or OTPSELECT, [0x7 /* MTD_OTP_??? */]) = 0"),
    ((3, code("MEMSETBADBLOCK"), A), 0, struct.pack("<Q", 1 << 63), {},
     "ioctl(3, MIXER_WRITE(12) or MEMSETBADBLOCK, [9223372036854775808]) = 0"),
    ((3, code("MTDFILEMODE"), 3), 0, b"", {}, "ioctl(3, MTDFILEMODE, MTD_FILE_MODE_RAW) = 0"),
    ((3, code("MTDFILEMODE"), 9), 0, b"", {},
     "ioctl(3, MTDFILEMODE, 0x9 /* MTD_FILE_MODE_??? */) = 0"),
    # written at exit: the address when the call failed
    ((3, code("MEMGETINFO"), A), 0, INFO, {},
     "ioctl(3, MIXER_READ(1) or MEMGETINFO, {type=MTD_NANDFLASH, flags=MTD_WRITEABLE|"
     "MTD_BIT_WRITEABLE|0x8000, size=0x1, erasesize=0x2, writesize=0x3, oobsize=0x4,"
     " padding=0}) = 0"),
    ((3, code("MEMGETINFO"), A), EBADF, INFO, {},
     "ioctl(3, MIXER_READ(1) or MEMGETINFO, 0x10000) = " + EBADF_TEXT),
    ((3, code("ECCGETLAYOUT"), A), 0, LAYOUT, {},
     "ioctl(3, MIXER_READ(17) or ECCGETLAYOUT, {eccbytes=0x6, eccpos=[%s, ...], oobavail=0x7,"
     " oobfree=%s}) = 0" % (", ".join(hex(v) for v in ECCPOS[:32]), OOBFREE)),
    ((3, code("ECCGETLAYOUT"), A), 0, LAYOUT, {"abbrev": False},
     "ioctl(3, MIXER_READ(17) or ECCGETLAYOUT, {eccbytes=0x6, eccpos=[%s], oobavail=0x7,"
     " oobfree=%s}) = 0" % (", ".join(hex(v) for v in ECCPOS), OOBFREE)),
    ((3, code("MEMGETREGIONCOUNT"), A), 0, struct.pack("<i", -1), {},
     "ioctl(3, MIXER_READ(7) or MEMGETREGIONCOUNT, [-1]) = 0"),
    # the index at entry, the region at exit
    ((3, code("MEMGETREGIONINFO"), A), 0, struct.pack("<4I", 1, 2, 3, 4), {},
     "ioctl(3, MEMGETREGIONINFO, {regionindex=0x4, offset=0x1, erasesize=0x2,"
     " numblocks=0x3}) = 0"),
    ((3, code("MEMGETREGIONINFO"), A), EBADF, struct.pack("<4I", 1, 2, 3, 4), {},
     "ioctl(3, MEMGETREGIONINFO, {regionindex=0x4}) = " + EBADF_TEXT),
    ((3, code("MEMGETREGIONINFO"), A + 4), EBADF, struct.pack("<4I", 1, 2, 3, 4), {},
     "ioctl(3, MEMGETREGIONINFO, 0x10004) = " + EBADF_TEXT),
    # the mixer's requests of the same type are left as they were
    ((3, 0x40044D00, A), 0, b"", {}, "ioctl(3, MIXER_WRITE(0), 0x10000) = 0"),
]


@pytest.mark.parametrize("args, ret, data, kw, text", LINES)
def test_mtd(args, ret, data, kw, text):
    assert line(args, ret, data, **kw) == text
