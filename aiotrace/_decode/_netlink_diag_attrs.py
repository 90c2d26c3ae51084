# SPDX-License-Identifier: GPL-2.0-or-later
"""The attributes of NETLINK_SOCK_DIAG's answers, as strace 6.1 prints them: rows of the
form of ``_netlink_rtattr``'s ``ATTRS`` (table -> type -> how its data prints), for
``_netlink_diag``'s answers of each family (``SD_..._ATTRS``). Layouts from the kernel's
uapi headers (linux/unix_diag.h, netlink_diag.h, sock_diag.h)."""

from __future__ import annotations

import struct
from typing import Any, Callable, Optional

from ._ctx import Ctx
from ._netlink_ifla import Custom, indexed

Data = Any


def _array(fmt: str, render: Callable[[int], str]) -> Custom:
    """An array of integers (*fmt*, one) each printed by *render*; the bytes after the
    last whole one not shown; no whole one: in hex."""
    size = struct.calcsize(fmt)

    def decode(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
        from ._misc import array
        if length < size:
            return None
        return array(ctx, addr, length // size, size,
                     lambda data: render(struct.unpack(fmt, data)[0]))

    return decode


def _vfs(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
    """struct unix_diag_vfs: an inode (u32), then a device (u32)."""
    from ._structs import makedev
    from ._xlat import ptr
    if length < 8:
        return None
    vals = ctx.unpack("<II", addr)
    if vals is None:
        return ptr(addr)
    return "{udiag_vfs_dev=%s, udiag_vfs_ino=%d}" % (makedev(vals[1]), vals[0])


def _hex(v: int) -> str:
    from ._xlat import hexa
    return hexa(v)


MEMINFO = indexed("<I", "SD_SK_MEMINFO", "SK_MEMINFO_???")
_RING = ("struct", "<4I", *((n, "u") for n in ("ndr_block_size", "ndr_block_nr",
                                               "ndr_frame_size", "ndr_frame_nr")))

# attribute table -> type -> how its data prints
ATTRS: dict[str, dict[int, Data]] = {
    "SD_UNIX_ATTRS": {0: "str", 1: _vfs, 2: "u32", 3: _array("<I", str),
                      4: ("struct", "<II", ("udiag_rqueue", "u"), ("udiag_wqueue", "u")),
                      5: MEMINFO, 6: "u8", 7: "u32"},
    "SD_NETLINK_ATTRS": {0: MEMINFO, 1: _array("<Q", _hex), 2: _RING, 3: _RING,
                         4: ("f", "SD_NDIAG_FLAGS", "NDIAG_FLAG_???", "u32")},
}
