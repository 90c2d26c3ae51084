# SPDX-License-Identifier: GPL-2.0-or-later
"""The names of the generic netlink families (NETLINK_GENERIC's message types are
family ids the kernel hands out at run time): asked of the kernel once, as strace does,
with a dump of genetlink's controller (linux/genetlink.h: CTRL_CMD_GETFAMILY; each answer
carries CTRL_ATTR_FAMILY_ID, a u16, and CTRL_ATTR_FAMILY_NAME, a string)."""

from __future__ import annotations

import struct
import time

_GENL_ID_CTRL, _CTRL_CMD_GETFAMILY = 0x10, 3
_CTRL_ATTR_FAMILY_ID, _CTRL_ATTR_FAMILY_NAME = 1, 2

# a failed query is asked again at most once a _RETRY_AFTER seconds: each may wait up to
# the socket's timeout, and a trace may send many NETLINK_GENERIC messages
_RETRY_AFTER = 1.0
_families: dict[int, str] | None = None
_failed_at: float | None = None   # (_clock() of the last failed query)
_clock = time.monotonic


def families() -> dict[int, str]:
    """id -> name of the families the kernel knows (empty when it cannot be asked: then
    asked again on a later message, since a failure, say for want of a descriptor, may
    pass, but not within _RETRY_AFTER seconds of the failure)."""
    global _families, _failed_at
    if _families is not None:
        return _families
    if _failed_at is not None and _clock() - _failed_at < _RETRY_AFTER:
        return {}
    try:
        got = _ask()
    except (OSError, ValueError, struct.error):
        got = {}
    if not got:
        _failed_at = _clock()   # (from its end: a query may have waited its timeout)
        return got
    _families = got
    return _families


def _ask() -> dict[int, str]:
    from ._nldump import NLM_F_DUMP, NLM_F_REQUEST, dump
    req = struct.pack("<IHHIIBBH", 20, _GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_DUMP, 1, 0,
                      _CTRL_CMD_GETFAMILY, 1, 0)
    out: dict[int, str] = {}
    for payload in dump(16, req):   # (NETLINK_GENERIC)
        out.update(_family(payload[4:]))   # (after genlmsghdr)
    return out


def _family(attrs: bytes) -> dict[int, str]:
    fid, name = None, None
    off = 0
    while off + 4 <= len(attrs):
        alen, atype = struct.unpack_from("<HH", attrs, off)
        if alen < 4:
            break
        body = attrs[off + 4: off + alen]
        if atype & 0x3FFF == _CTRL_ATTR_FAMILY_ID and len(body) >= 2:
            fid = struct.unpack_from("<H", body)[0]
        elif atype & 0x3FFF == _CTRL_ATTR_FAMILY_NAME:
            name = body.split(b"\0", 1)[0].decode("ascii", "replace")
        off += (alen + 3) & ~3
    return {fid: name} if fid is not None and name else {}
