# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl families of devices and file systems, as strace 6.1 decodes them: the 'X'
file-system requests (FITRIM, FIFREEZE, FS_IOC_FS[GS]ETXATTR), the 'f' ones (inode
flags, FIEMAP), the counter character devices ('>') and the old IDE disks (HDIO_*,
0x03), registered in ``_ioctl.FAMILIES``."""

from __future__ import annotations

import struct
from typing import Optional

from . import _ioctl as I
from ._ctx import Ctx
from ._xlat import flags, hexa, ptr, xval
from ._xlat_ioctl import (ATA_CMDS, COUNTER_COMPONENT_TYPES, COUNTER_EVENT_TYPES,
                          COUNTER_SCOPES, FIEMAP_EXTENT_FLAGS, FIEMAP_FLAGS, FS_IOC_FLAGS,
                          FS_XFLAGS, HDIO_BUSSTATES, HDIO_IDE_NICE)
from ._xlat_ioctl_names import code

# -- 'X': file systems (linux/fs.h) -------------------------------------------

_FIFREEZE, _FITHAW, _FITRIM = 0xC0045877, 0xC0045878, 0xC0185879
_FS_IOC_FSGETXATTR, _FS_IOC_FSSETXATTR = 0x801C581F, 0x401C5820


def _fsxattr(c: Ctx, arg: int, get: bool) -> str:
    def render(xflags: int, extsize: int, nextents: int, projid: int, cow: int) -> str:
        out = [("fsx_xflags", flags(xflags, FS_XFLAGS, "FS_XFLAG_???")),
               ("fsx_extsize", extsize)]
        if get:
            out.append(("fsx_nextents", nextents))
        out += [("fsx_projid", hexa(projid)), ("fsx_cowextsize", cow)]
        return I.fields(*out)
    return I.struct(c, arg, "<5I8x", render)


def _fs_x(c: Ctx, code: int, arg: int) -> Optional[str]:
    if code in (_FIFREEZE, _FITHAW):
        return I.done(c, "")
    if code == _FITRIM:
        return I.done(c, ", " + I.struct(c, arg, "<3Q", lambda start, n, minlen: I.fields(
            ("start", hexa(start)), ("len", n), ("minlen", minlen))))
    if code == _FS_IOC_FSSETXATTR:
        return I.done(c, ", " + _fsxattr(c, arg, False))
    if code == _FS_IOC_FSGETXATTR:
        return ", " + _fsxattr(c, arg, True) if c.exiting else ""
    return None


# -- 'f': inode flags and extent maps (linux/fs.h, linux/fiemap.h) ----------------

_FS_IOC_FIEMAP = code("FS_IOC_FIEMAP")
_FS_IOC_GETFLAGS = (code("FS_IOC_GETFLAGS"), code("FS_IOC32_GETFLAGS"))
_FS_IOC_SETFLAGS = (code("FS_IOC_SETFLAGS"), code("FS_IOC32_SETFLAGS"))
_FIEMAP_HEAD, _FIEMAP_EXTENT = 32, 56


def _fiemap_flags(v: int) -> str:
    return flags(v, FIEMAP_FLAGS, "FIEMAP_FLAG_???")


def _fiemap_extent(data: bytes) -> str:
    logical, physical, length = struct.unpack_from("<3Q", data)
    return I.fields(("fe_logical", logical), ("fe_physical", physical), ("fe_length", length),
                    ("fe_flags", flags(struct.unpack_from("<I", data, 40)[0],
                                       FIEMAP_EXTENT_FLAGS, "FIEMAP_EXTENT_???")))


def _fiemap_out(c: Ctx, arg: int, data: bytes) -> str:
    fm_flags, mapped = struct.unpack_from("<II", data, 16)
    out: list[tuple[str, object]] = [("fm_flags", _fiemap_flags(fm_flags)),
                                      ("fm_mapped_extents", mapped)]
    if c.abbrev:
        return I.fields(*out)[:-1] + ", ...}"
    out.append(("fm_extents", I.mem_array(c, arg + _FIEMAP_HEAD, mapped, _FIEMAP_EXTENT,
                                          _fiemap_extent)))
    return I.fields(*out)


def _fiemap_in(data: bytes) -> str:
    start, length, fm_flags, _mapped, count = struct.unpack_from("<QQIII", data)
    return I.fields(("fm_start", start), ("fm_length", length),
                    ("fm_flags", _fiemap_flags(fm_flags)), ("fm_extent_count", count))


def _fs_f(c: Ctx, code: int, arg: int) -> Optional[str]:
    if code == _FS_IOC_FIEMAP:
        return I.in_out(c, arg, _FIEMAP_HEAD, _fiemap_in, lambda d: _fiemap_out(c, arg, d))
    if code in _FS_IOC_SETFLAGS:
        return I.done(c, ", " + I.struct(c, arg, "<I", _inode_flags))
    if code in _FS_IOC_GETFLAGS:
        return ", " + I.struct(c, arg, "<I", _inode_flags) if c.exiting else ""
    return None


def _inode_flags(v: int) -> str:
    return "[%s]" % flags(v, FS_IOC_FLAGS, "FS_???_FL")


# -- '>': counter devices (linux/counter.h) -----------------------------------

_COUNTER_ADD_WATCH = 0x40063E00
_COUNTER_ENABLE_EVENTS, _COUNTER_DISABLE_EVENTS = 0x3E01, 0x3E02


def _counter_watch(typ: int, scope: int, parent: int, cid: int, event: int,
                   channel: int) -> str:
    component = I.fields(("type", xval(typ, COUNTER_COMPONENT_TYPES, "COUNTER_COMPONENT_???")),
                         ("scope", xval(scope, COUNTER_SCOPES, "COUNTER_SCOPE_???")),
                         ("parent", parent), ("id", cid))
    return I.fields(("component", component),
                    ("event", xval(event, COUNTER_EVENT_TYPES, "COUNTER_EVENT_???")),
                    ("channel", channel))


def _counter(c: Ctx, code: int, arg: int) -> Optional[str]:
    if code == _COUNTER_ADD_WATCH:
        return I.done(c, ", " + I.struct(c, arg, "<6B", _counter_watch))
    if code in (_COUNTER_ENABLE_EVENTS, _COUNTER_DISABLE_EVENTS):
        return I.done(c, "")
    return None


# -- 0x03: IDE disks (linux/hdreg.h) -------------------------------------------

_SECTOR_SIZE = 512
_HDIO_GETGEO, _HDIO_DRIVE_CMD = code("HDIO_GETGEO"), code("HDIO_DRIVE_CMD")
# (strace names these bits by the expression that makes them: "1 << IDE_NICE_0")
_IDE_NICE = tuple(("1 << " + name, bit) for name, bit in HDIO_IDE_NICE)
# the argument is a pointer to an unsigned long, written by the call: how it is shown
_HDIO_GETTERS = {code("HDIO_GET_" + name): show for name, show in (
    ("32BIT", str), ("ACOUSTIC", str), ("ADDRESS", str), ("DMA", str),
    ("KEEPSETTINGS", str), ("MULTCOUNT", str), ("NOWERR", str), ("UNMASKINTR", str),
    ("WCACHE", str), ("BUSSTATE", lambda v: xval(v, HDIO_BUSSTATES, "BUSSTATE_???")),
    ("NICE", lambda v: flags(v, _IDE_NICE, "IDE_NICE_???")))}
# the argument is the value
_HDIO_SETTERS = {code("HDIO_" + name): show for name, show in (
    ("SET_32BIT", str), ("SET_ACOUSTIC", str), ("SET_ADDRESS", str), ("SET_DMA", str),
    ("SET_KEEPSETTINGS", str), ("SET_MULTCOUNT", str), ("SET_NOWERR", str),
    ("SET_PIO_MODE", str), ("SET_UNMASKINTR", str), ("SET_WCACHE", str),
    ("UNREGISTER_HWIF", str),
    ("SET_BUSSTATE", lambda v: xval(v, HDIO_BUSSTATES, "BUSSTATE_???")),
    ("SET_NICE", lambda v: flags(v, _IDE_NICE, "IDE_NICE_???")))}
# the argument is a buffer the call fills: its size
_HDIO_STRINGS = {code("HDIO_GET_IDENTITY"): 512, code("HDIO_OBSOLETE_IDENTITY"): 142}
# the argument is an array of three ints the call reads
_HDIO_ARRAYS = (code("HDIO_DRIVE_RESET"), code("HDIO_SCAN_HWIF"))


def _hdio_drive_cmd(c: Ctx, arg: int) -> str:
    if not c.exiting:
        text = I.struct(c, arg, "<4B", lambda cmd, num, feature, count: I.fields(
            ("command", xval(cmd, ATA_CMDS, "ATA_CMD_???")), ("sector_number", num),
            ("feature", feature), ("sector_count", count)))
        return ", " + text if text.startswith("{") else I.done(c, ", " + text)
    got = c.unpack("<4B", arg) if not c.failed or c.errno == 5 else None   # EIO
    if got is None:
        return ""
    status, error, nsector, count = got
    out = [("status", hexa(status)), ("error", error), ("nsector", nsector)]
    if count:
        out.append(("buf", c.buf(arg + 4, count * _SECTOR_SIZE, hex=True)))
    return " => " + I.fields(*out)


def _hdio(c: Ctx, code: int, arg: int) -> Optional[str]:
    show = _HDIO_SETTERS.get(code)
    if show is not None:
        return I.done(c, ", " + show(arg))
    if code in _HDIO_ARRAYS:
        return I.done(c, ", " + I.struct(c, arg, "<3I", lambda *v: "[%s]" % ", ".join(
            hexa(x) for x in v)))
    if code == _HDIO_DRIVE_CMD:
        return _hdio_drive_cmd(c, arg)
    if code == _HDIO_GETGEO:
        return I.struct(c, arg, "<BBH4xQ", lambda heads, sectors, cyl, start: I.fields(
            ("heads", heads), ("sectors", sectors), ("cylinders", cyl),
            ("start", start))) if c.exiting else ", "
    getter = _HDIO_GETTERS.get(code)
    if getter is not None:
        return I.struct(c, arg, "<Q", lambda v: "[%s]" % getter(v)) if c.exiting else ", "
    size = _HDIO_STRINGS.get(code)
    if size is not None:
        if not c.exiting:
            return ", "
        return ptr(arg) if c.failed else c.buf(arg, size)
    return None


I.FAMILIES[0x03] = _hdio
I.FAMILIES[ord("X")] = _fs_x
I.FAMILIES[ord("f")] = _fs_f
I.FAMILIES[ord(">")] = _counter
