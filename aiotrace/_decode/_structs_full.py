# SPDX-License-Identifier: GPL-2.0-or-later
"""Structures printed in full, as ``strace -v`` prints them (``_structs`` prints the
abbreviated forms and calls these when the call is not abbreviated, ``Ctx.abbrev``)."""

from __future__ import annotations

import struct
import time

from . import _xlat as X
from ._quote import quote
from ._style import combine
from ._style import get as _style_now
from ._xlat import flags, hexa


def date_comment(sec: int, nsec: int) -> str:
    """`` /* 2026-12-07T07:26:59.338391699+0000 */`` (local time; no fraction when
    *nsec* is 0), or nothing for 0 or a time that cannot be dated."""
    if not sec and not nsec:
        return ""
    try:
        lt = time.localtime(sec)
    except (OverflowError, OSError, ValueError):
        return ""
    if not 0 <= nsec < 1000000000:
        return ""
    frac = ".%09d" % nsec if nsec else ""
    return " /* %s%s%s */" % (time.strftime("%Y-%m-%dT%H:%M:%S", lt), frac,
                              time.strftime("%z", lt))


def dev_t(dev: int) -> str:
    """A dev_t: ``makedev(0x8, 0x1)`` (raw: the number; verbose: both)."""
    major = ((dev >> 8) & 0xFFF) | ((dev >> 32) & 0xFFFFF000)
    minor = (dev & 0xFF) | ((dev >> 12) & 0xFFFFFF00)
    text = "makedev(%s, %s)" % (hexa(major), hexa(minor))
    return combine(hexa(dev), text) if _style_now() else text


# struct stat (x86-64): dev ino nlink mode uid gid rdev size blksize blocks, then the
# three times (seconds, nanoseconds)
STAT_FULL_FMT = "<QQQIII4xQqqq6q"


def stat_full(dev: int, ino: int, nlink: int, mode: int, uid: int, gid: int, rdev: int,
              size: int, blksize: int, blocks: int, asec: int, ansec: int, msec: int,
              mnsec: int, csec: int, cnsec: int) -> str:
    fmt = mode & 0o170000
    last = ("st_rdev=%s" % dev_t(rdev) if fmt in (0o020000, 0o060000)
            else "st_size=%d" % size)
    return ("{st_dev=%s, st_ino=%d, st_mode=%s, st_nlink=%d, st_uid=%d, st_gid=%d, "
            "st_blksize=%d, st_blocks=%d, %s, st_atime=%d%s, st_atime_nsec=%d, "
            "st_mtime=%d%s, st_mtime_nsec=%d, st_ctime=%d%s, st_ctime_nsec=%d}" % (
                dev_t(dev), ino, X.file_mode(mode), nlink, uid, gid, blksize, blocks, last,
                asec, date_comment(asec, ansec), ansec, msec, date_comment(msec, mnsec),
                mnsec, csec, date_comment(csec, cnsec), cnsec))


# struct statx up to stx_dio_offset_align: the fields of _structs.STATX_FMT, then the
# four timestamps (atime btime ctime mtime), the device numbers, the mount id and the
# two direct I/O alignments
STATX_FULL_FMT = "<IIQIIIH2xQQQQ" + "qI4x" * 4 + "IIIIQII"
_STATX_NLINK, _STATX_UID, _STATX_GID, _STATX_INO, _STATX_SIZE = 0x4, 0x8, 0x10, 0x100, 0x200
_STATX_TYPE_MODE, _STATX_BLOCKS, _STATX_MNT_ID, _STATX_DIOALIGN = 0x3, 0x400, 0x1000, 0x2000
_STATX_TIMES = (("stx_atime", 0x20), ("stx_btime", 0x800), ("stx_ctime", 0x80),
                ("stx_mtime", 0x40))


def _statx_time(sec: int, nsec: int) -> str:
    return "{tv_sec=%d, tv_nsec=%d}%s" % (sec, nsec, date_comment(sec, nsec))


def statx_full(mask: int, blksize: int, attrs: int, nlink: int, uid: int, gid: int,
               mode: int, ino: int, size: int, blocks: int, attrs_mask: int,
               *rest: int) -> str:
    """struct statx with -v: the fields its mask says the kernel filled (strace 6.1's)."""
    times, (rmaj, rmin, dmaj, dmin, mnt_id, dio_mem, dio_off) = rest[:8], rest[8:]
    parts = ["stx_mask=%s" % flags(mask, X.STATX_MASK, "STATX_???"), "stx_blksize=%d" % blksize,
             "stx_attributes=%s" % flags(attrs, X.STATX_ATTRS, "STATX_ATTR_???")]
    parts += ["%s=%d" % (name, v) for name, bit, v in (
        ("stx_nlink", _STATX_NLINK, nlink), ("stx_uid", _STATX_UID, uid),
        ("stx_gid", _STATX_GID, gid)) if mask & bit]
    if mask & _STATX_TYPE_MODE:
        parts.append("stx_mode=%s" % X.file_mode(mode))
    parts += ["%s=%d" % (name, v) for name, bit, v in (
        ("stx_ino", _STATX_INO, ino), ("stx_size", _STATX_SIZE, size),
        ("stx_blocks", _STATX_BLOCKS, blocks)) if mask & bit]
    parts.append("stx_attributes_mask=%s" % flags(attrs_mask, X.STATX_ATTRS, "STATX_ATTR_???"))
    parts += ["%s=%s" % (name, _statx_time(times[2 * k], times[2 * k + 1]))
              for k, (name, bit) in enumerate(_STATX_TIMES) if mask & bit]
    parts += ["stx_rdev_major=%d" % rmaj, "stx_rdev_minor=%d" % rmin,
              "stx_dev_major=%d" % dmaj, "stx_dev_minor=%d" % dmin]
    if mask & _STATX_MNT_ID:
        parts.append("stx_mnt_id=%s" % hexa(mnt_id))
    if mask & _STATX_DIOALIGN:
        parts += ["stx_dio_mem_align=%d" % dio_mem, "stx_dio_offset_align=%d" % dio_off]
    return "{%s}" % ", ".join(parts)


_RUSAGE_LONGS = ("ru_maxrss", "ru_ixrss", "ru_idrss", "ru_isrss", "ru_minflt", "ru_majflt",
                 "ru_nswap", "ru_inblock", "ru_oublock", "ru_msgsnd", "ru_msgrcv",
                 "ru_nsignals", "ru_nvcsw", "ru_nivcsw")


def rusage_full(us: int, uu: int, ss: int, su: int, *rest: int) -> str:
    """(the microseconds and the counts unsigned, as strace prints them)"""
    return "{ru_utime={tv_sec=%d, tv_usec=%d}, ru_stime={tv_sec=%d, tv_usec=%d}, %s}" % (
        us, uu & _M64, ss, su & _M64,
        ", ".join("%s=%d" % (k, v & _M64) for k, v in zip(_RUSAGE_LONGS, rest, strict=True)))


_M64 = (1 << 64) - 1


_UTS_FIELDS = ("sysname", "nodename", "release", "version", "machine", "domainname")


def utsname_full(data: bytes) -> str:
    parts = []
    for i, name in enumerate(_UTS_FIELDS):
        raw = data[65 * i: 65 * (i + 1)]
        nul = raw.find(b"\0")
        parts.append("%s=%s" % (name, quote(raw if nul < 0 else raw[:nul])))
    return "{" + ", ".join(parts) + "}"


DIRENT_TYPES = {0: "DT_UNKNOWN", 1: "DT_FIFO", 2: "DT_CHR", 4: "DT_DIR", 6: "DT_BLK",
                8: "DT_REG", 10: "DT_LNK", 12: "DT_SOCK", 14: "DT_WHT"}


def dirents(data: bytes, is64: bool, xflag: int = 0) -> str:
    """getdents' (or getdents64's) entries in full, from the *data* the call wrote:
    ``[{d_ino=..., d_off=..., d_reclen=24, d_name=".", d_type=DT_DIR}, ...]``
    (getdents64 prints d_type before d_name, where its record has it)."""
    head = 19 if is64 else 18
    items = []
    off = 0
    while len(data) - off >= head:
        ino, d_off, reclen = struct.unpack_from("<QqH", data, off)
        reclen = max(min(reclen, len(data) - off), head)
        rec = data[off: off + reclen]
        name_area = rec[head:] if is64 else rec[head: reclen - 1]
        name = name_area.split(b"\0", 1)[0]
        parts = ["d_ino=%d" % ino, "d_off=%d" % (d_off & _M64), "d_reclen=%d" % reclen]
        dtype = rec[18] if is64 else (rec[reclen - 1] if reclen > head else None)
        dtext = None if dtype is None else X.xval(dtype, DIRENT_TYPES, "DT_???")
        if is64:
            parts.append("d_type=%s" % dtext)
            parts.append("d_name=%s" % quote(name, xflag=xflag))
        else:
            if reclen - head > 1:
                parts.append("d_name=%s" % quote(name, xflag=xflag))
            if dtext is not None:
                parts.append("d_type=%s" % dtext)
        items.append("{" + ", ".join(parts) + "}")
        off += reclen
    rest = data[off:]
    text = "[" + ", ".join(items)
    if rest:   # (a piece too short for an entry: strace shows its bytes in hex)
        text += (", " if items else "") + quote(rest, hex=True)
    return text + "]"
