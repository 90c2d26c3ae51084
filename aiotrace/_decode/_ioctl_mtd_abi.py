# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: MTD, the memory technology devices ('M', mtd/mtd-abi.h; the OSS mixer shares
the type, its names are the request's), as strace 6.1 decodes them. Each request is a
row: the structure (a format, its fields' names and printers), and whether the call
reads it (printed at entry) or writes it (at exit)."""

from __future__ import annotations

import struct
from typing import Callable, NamedTuple, Optional, Sequence

from . import _ioctl as I
from ._ctx import Ctx
from ._xlat import flags, hexa, ptr, xval
from ._xlat_ioctl_names import code
from . import _xlat_ioctl_more as XM

Show = Callable[[Ctx, tuple[int, ...]], str]


def _fields(names: Sequence[str], *show: Callable[[int], str]) -> Show:
    """``{name=value, ...}``, each value as its printer shows it (hex when none is
    given)."""
    def fn(c: Ctx, v: tuple[int, ...]) -> str:
        return I.fields(*((n, (show[i] if i < len(show) else hexa)(x))
                          for i, (n, x) in enumerate(zip(names, v, strict=True))))
    return fn


def _hex_items(c: Ctx, values: Sequence[int]) -> str:
    return I.array(c, [hexa(v) for v in values])


def _oobinfo(c: Ctx, v: tuple[int, ...]) -> str:
    """struct nand_oobinfo: 8 free areas (offset, length), 32 ECC positions."""
    pairs = ["[%s, %s]" % (hexa(v[i]), hexa(v[i + 1])) for i in range(2, 18, 2)]
    return "{useecc=%s, eccbytes=%s, oobfree=%s, eccpos=%s}" % (
        xval(v[0], XM.MTD_NANDECC, "MTD_NANDECC_???"), hexa(v[1]), I.array(c, pairs),
        _hex_items(c, v[18:]))


def _ecclayout(c: Ctx, v: tuple[int, ...]) -> str:
    """struct nand_ecclayout_user: 64 ECC positions, 8 free areas."""
    free = ["{offset=%s, length=%s}" % (hexa(v[i]), hexa(v[i + 1])) for i in range(66, 82, 2)]
    return "{eccbytes=%s, eccpos=%s, oobavail=%s, oobfree=%s}" % (
        hexa(v[0]), _hex_items(c, v[1:65]), hexa(v[65]), I.array(c, free))


class _Row(NamedTuple):
    fmt: str
    show: Show
    at_exit: bool = False


_ERASE = _Row("<II", _fields(("start", "length")))
_OOB = _Row("<IIQ", _fields(("start", "length", "ptr"), hexa, hexa, ptr))
_OOB64 = _Row("<Q4xIQ", _fields(("start", "length", "usr_ptr"), hexa, hexa, ptr))
_U64 = _Row("<Q", lambda c, v: "[%d]" % v[0])
_ROWS = {
    "MEMERASE": _ERASE, "MEMLOCK": _ERASE, "MEMUNLOCK": _ERASE, "MEMISLOCKED": _ERASE,
    "MEMERASE64": _Row("<QQ", _fields(("start", "length"))),
    "MEMWRITEOOB": _OOB, "MEMREADOOB": _OOB, "MEMWRITEOOB64": _OOB64, "MEMREADOOB64": _OOB64,
    "MEMWRITE": _Row("<5QB7x", _fields(
        ("start", "len", "ooblen", "usr_data", "usr_oob", "mode"), hexa, hexa, hexa, ptr, ptr,
        lambda m: xval(m, XM.MTD_OPS, "MTD_OPS_???"))),
    "OTPLOCK": _Row("<III", _fields(("start", "length", "locked"), hexa, hexa, str)),
    "OTPGETREGIONINFO": _Row("<III", _fields(("start", "length", "locked"), hexa, hexa, str),
                             True),
    "OTPSELECT": _Row("<I", lambda c, v: "[%s]" % xval(v[0], XM.MTD_OTP, "MTD_OTP_???")),
    "MEMGETBADBLOCK": _U64, "MEMSETBADBLOCK": _U64,
    "MEMGETINFO": _Row("<B3xIIIIIQ", _fields(
        ("type", "flags", "size", "erasesize", "writesize", "oobsize", "padding"),
        lambda t: xval(t, XM.MTD_TYPES, "MTD_???"),
        lambda f: flags(f, XM.MTD_FLAGS, "MTD_???")), True),
    "MEMGETOOBSEL": _Row("<2I16I32I", _oobinfo, True),
    "ECCGETLAYOUT": _Row("<I64II16I", _ecclayout, True),
    "ECCGETSTATS": _Row("<4I", _fields(("corrected", "failed", "badblocks", "bbtblocks")), True),
    "OTPGETREGIONCOUNT": _Row("<I", lambda c, v: "[%d]" % v[0], True),
    "MEMGETREGIONCOUNT": _Row("<i", lambda c, v: "[%d]" % v[0], True),
}
_BY_CODE: dict[int, _Row] = {}
_REGION = "<4I"   # struct region_info_user: offset, erasesize, numblocks, regionindex


def _region_info(c: Ctx, arg: int) -> str:
    """MEMGETREGIONINFO: the index at entry, the rest at exit (nothing when it failed)."""
    if not c.exiting:
        data = I.fetch(c, arg, 16)
        if isinstance(data, str):
            return I.done(c, ", " + data)
        return ", {regionindex=%s" % hexa(struct.unpack(_REGION, data)[3])
    out = None if c.failed else c.read(arg, 16)
    if out is None:
        return "}"
    offset, erasesize, numblocks, _ = struct.unpack(_REGION, out)
    return ", offset=%s, erasesize=%s, numblocks=%s}" % (hexa(offset), hexa(erasesize),
                                                          hexa(numblocks))


def _mtd(c: Ctx, req: int, arg: int) -> Optional[str]:
    if not _BY_CODE:
        _BY_CODE.update((code(name), row) for name, row in _ROWS.items())
    if req == code("MTDFILEMODE"):
        return I.done(c, ", " + xval(arg, XM.MTD_FILE_MODES, "MTD_FILE_MODE_???"))
    if req == code("MEMGETREGIONINFO"):
        return _region_info(c, arg)
    row = _BY_CODE.get(req)
    if row is None:
        return None
    size = struct.calcsize(row.fmt)
    how = I.at_exit if row.at_exit else I.at_entry
    return how(c, arg, size, lambda d: row.show(c, struct.unpack(row.fmt, d)))


I.FAMILIES[ord("M")] = _mtd
