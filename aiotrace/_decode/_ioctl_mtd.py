# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: UBI ('o' for the control device, 'O' for volumes; mtd/ubi-user.h), as strace
6.1 decodes it."""

from __future__ import annotations

import struct
from typing import Callable, Optional

from . import _ioctl as I
from ._ctx import Ctx
from ._xlat import flags, hexa, xval
from ._xlat_ioctl import (UBI_DATA_TYPES, UBI_VOLUME_FLAGS, UBI_VOLUME_PROPS,
                          UBI_VOLUME_TYPES)
from ._xlat_ioctl_names import code

_NAME = 128                # UBI_MAX_VOLUME_NAME + 1
_MAX_RNVOL = 32


def _name(c: Ctx, data: bytes, length: int) -> str:
    """A name of *length* characters (clamped to the array), as strace prints it."""
    return I.cstring(c, data[:1 + min(max(length, 0), _NAME - 1)])


def _mkvol(c: Ctx, d: bytes) -> str:
    vol_id, alignment, nbytes, vol_type, vflags, name_len = struct.unpack_from("<iiqBBh", d)
    return ("{vol_id=%d, alignment=%d, bytes=%d, vol_type=%s, flags=%s, name_len=%d, name=%s}"
            % (vol_id, alignment, nbytes, xval(vol_type, UBI_VOLUME_TYPES, "UBI_???_VOLUME"),
               flags(vflags, UBI_VOLUME_FLAGS, "UBI_VOL_???"), name_len,
               _name(c, d[24:24 + _NAME], name_len)))


def _rnvol(c: Ctx, d: bytes) -> str:
    count = struct.unpack_from("<i", d)[0]
    ents = []
    for i in range(max(0, min(count, _MAX_RNVOL))):
        base = 16 + 136 * i
        vol_id, name_len = struct.unpack_from("<ih", d, base)
        ents.append("{vol_id=%d, name_len=%d, name=%s}" % (
            vol_id, name_len, _name(c, d[base + 8:base + 8 + _NAME], name_len)))
    return "{count=%d, ents=%s}" % (count, I.array(c, ents))


def _dtype(v: int) -> str:
    return xval(v, UBI_DATA_TYPES, "UBI_???")


_Show = Callable[[Ctx, bytes], str]
# the structures read at entry: (size, how they are shown)
_IN: dict[int, tuple[int, _Show]] = {
    code("UBI_IOCRSVOL"): (12, lambda c, d: "{bytes=%d, vol_id=%d}" % struct.unpack_from("<qi", d)),
    code("UBI_IOCRNVOL"): (4368, _rnvol),
    code("UBI_IOCEBCH"): (16, lambda c, d: "{lnum=%d, bytes=%d, dtype=%s}" % (
        *struct.unpack_from("<ii", d), _dtype(d[8]))),
    code("UBI_IOCEBMAP"): (8, lambda c, d: "{lnum=%d, dtype=%s}" % (
        struct.unpack_from("<i", d)[0], _dtype(d[4]))),
    code("UBI_IOCSETVOLPROP"): (16, lambda c, d: "{property=%s, value=%s}" % (
        xval(d[0], UBI_VOLUME_PROPS, "UBI_VOL_PROP_???"), hexa(struct.unpack_from("<Q", d, 8)[0]))),
}
# read at entry, then the number the call wrote back at exit
_IN_OUT: dict[int, tuple[int, _Show]] = {
    code("UBI_IOCMKVOL"): (152, _mkvol),
    code("UBI_IOCATT"): (24, lambda c, d: "{ubi_num=%d, mtd_num=%d, vid_hdr_offset=%d,"
                         " max_beb_per1024=%d}" % struct.unpack_from("<iiih", d)),
}
_INTS = {code("UBI_" + n) for n in (
    "IOCDET", "IOCEBER", "IOCEBISMAP", "IOCEBUNMAP", "IOCRMVOL", "IOCRPEB", "IOCSPEB")}
_NO_ARG = {code("UBI_IOCVOLCRBLK"), code("UBI_IOCVOLRMBLK")}


def _ubi(c: Ctx, req: int, arg: int) -> Optional[str]:
    got = _IN.get(req)
    if got is not None:
        data = I.fetch(c, arg, got[0])
        return I.done(c, ", " + (data if isinstance(data, str) else got[1](c, data)))
    got = _IN_OUT.get(req)
    if got is not None:
        if c.exiting:
            return "" if c.failed else " => " + I.struct(c, arg, "<i", lambda v: "[%d]" % v)
        data = I.fetch(c, arg, got[0])
        return I.done(c, ", " + data) if isinstance(data, str) else ", " + got[1](c, data)
    if req == code("UBI_IOCVOLUP"):
        return I.done(c, ", " + I.struct(c, arg, "<q", lambda v: "[%d]" % v))
    if req in _INTS:
        return I.done(c, ", " + I.struct(c, arg, "<i", lambda v: "[%d]" % v))
    if req in _NO_ARG:
        return I.done(c, "")
    return None


I.FAMILIES[ord("o")] = _ubi
I.FAMILIES[ord("O")] = _ubi
