# SPDX-License-Identifier: GPL-2.0-or-later
"""Control messages (a msghdr's ``msg_control``), as strace 6.1 prints them:
``[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, cmsg_data=[3]}]``.

The whole buffer is read (at most the host's ``net.core.optmem_max``, as strace); each
message shows its length, level and type, and its data when the level and type are
known and the data is long enough (``_PRINTERS``); a buffer the messages do not fill
ends with ``...`` and the address of the rest.
"""

from __future__ import annotations

import struct
from typing import Callable

from . import _pidns
from . import _sockaddr as SA
from . import _xlat_sockopt as XS
from ._ctx import Ctx
from ._structs import array_limit, timespec_vals, timeval_vals
from ._xlat import hexa, ptr, xval

CMSG_SIZE = 16   # struct cmsghdr: cmsg_len (size_t), cmsg_level, cmsg_type
_optmem_max: int | None = None


def optmem_max() -> int:
    """The most control data strace reads: the host's net.core.optmem_max, rounded up to
    8 bytes (or its default where it cannot be read)."""
    global _optmem_max
    if _optmem_max is None:
        try:
            with open("/proc/sys/net/core/optmem_max") as f:
                v = int(f.read().strip())
        except (OSError, ValueError):
            v = 0
        _optmem_max = (v + 7) & ~7 if v > 0 else 8 * (2 * 1024 + 512)
    return _optmem_max


def _array(ctx: Ctx, items: list[str]) -> str:
    limit = array_limit(ctx)
    if len(items) > limit:
        items = items[:limit] + ["..."]
    return "[" + ", ".join(items) + "]"


def _rights(ctx: Ctx, data: bytes) -> str:
    n = len(data) // 4
    return _array(ctx, [ctx.fd(v) for v in struct.unpack("<%di" % n, data[:4 * n])])


def _creds(ctx: Ctx, data: bytes) -> str:
    pid, uid, gid = struct.unpack_from("<iii", data)
    return "{pid=%s, uid=%d, gid=%d}" % (_pidns.pid(pid, _pidns.TGID), uid, gid)


def _security(ctx: Ctx, data: bytes) -> str:
    from ._quote import quote
    return quote(data, xflag=ctx.xflag)


def _timeval(ctx: Ctx, data: bytes) -> str:
    return timeval_vals(*struct.unpack_from("<qq", data)) if len(data) >= 16 else "???"


def _timespec(ctx: Ctx, data: bytes) -> str:
    return timespec_vals(*struct.unpack_from("<qq", data)) if len(data) >= 16 else "???"


def _timespecs(ctx: Ctx, data: bytes) -> str:
    if len(data) < 48:
        return "???"
    return "[" + ", ".join(timespec_vals(*struct.unpack_from("<qq", data, 16 * i))
                           for i in range(3)) + "]"


def _pktinfo(ctx: Ctx, data: bytes) -> str:
    index = struct.unpack_from("<I", data)[0]
    return "{ipi_ifindex=%s, ipi_spec_dst=%s, ipi_addr=%s}" % (
        SA.ifindex(index), SA.inet_addr(data[4:8]), SA.inet_addr(data[8:12]))


def _uints(ctx: Ctx, data: bytes) -> str:
    n = len(data) // 4
    return _array(ctx, [str(v) for v in struct.unpack("<%dI" % n, data[:4 * n])])


def _bytes_hex(ctx: Ctx, data: bytes) -> str:
    return _array(ctx, [hexa(v) for v in data])


def _recverr(ctx: Ctx, data: bytes) -> str:
    err, origin, kind, code, info, edata = struct.unpack_from("<IBBBxII", data)
    return ("{ee_errno=%d, ee_origin=%d, ee_type=%d, ee_code=%d, ee_info=%d, ee_data=%d, "
            "offender=%s}" % (err, origin, kind, code, info, edata,
                              SA.sockaddr_bytes(ctx, data[16:32])))


def _origdstaddr(ctx: Ctx, data: bytes) -> str:
    return SA.sockaddr_bytes(ctx, data[:SA.STORAGE])


Printer = Callable[[Ctx, bytes], str]
# (level, type) -> (the least data printed, its printer)
_PRINTERS: dict[tuple[int, int], tuple[int, Printer]] = {
    (1, 1): (4, _rights), (1, 2): (12, _creds), (1, 3): (1, _security),
    (1, 29): (1, _timeval), (1, 35): (1, _timespec), (1, 37): (1, _timespecs),
    (1, 63): (1, _timeval), (1, 64): (1, _timespec), (1, 65): (1, _timespecs),
    (0, 8): (12, _pktinfo), (0, 2): (4, _uints), (0, 1): (1, _bytes_hex),
    (0, 6): (1, _bytes_hex), (0, 7): (1, _bytes_hex), (0, 11): (32, _recverr),
    (0, 20): (16, _origdstaddr), (0, 23): (4, _uints), (0, 3): (1, _security),
}


def _message(ctx: Ctx, length: int, level: int, kind: int, data: bytes) -> str:
    out = "{cmsg_len=%d, cmsg_level=%s, cmsg_type=" % (
        length, xval(level & 0xFFFFFFFF, XS.SOCKOPT_LEVELS, "SOL_???"))
    if level == 1:
        out += xval(kind & 0xFFFFFFFF, XS.SCM_TYPES, "SCM_???")
    elif level == 0:
        out += xval(kind & 0xFFFFFFFF, XS.IP_CMSG_TYPES, "IP_???")
    else:
        return out + hexa(kind & 0xFFFFFFFF) + "}"
    got = _PRINTERS.get((level, kind))
    if got is not None and len(data) >= got[0]:
        out += ", cmsg_data=" + got[1](ctx, data)
    return out + "}"


def msg_control(ctx: Ctx, addr: int, controllen: int) -> str:
    """The control messages of *controllen* bytes at *addr*."""
    control_len = min(controllen, optmem_max())
    buf = ctx.read(addr, control_len) if control_len >= CMSG_SIZE else None
    if buf is None:
        return ptr(addr)
    items = []
    pos = 0
    left = control_len
    while left >= CMSG_SIZE:
        length, level, kind = struct.unpack_from("<Qii", buf, pos)
        n = min(length, left)
        data = buf[pos + CMSG_SIZE:pos + n] if n > CMSG_SIZE else b""
        items.append(_message(ctx, length, level, kind, data))
        if n < CMSG_SIZE:
            left -= CMSG_SIZE
            break
        step = (length + 7) & ~7
        if step >= left:
            left = 0
            break
        pos += step
        left -= step
    if left:
        items.append("... /* %s */" % hexa(addr + control_len - left))
    elif control_len < controllen:
        items.append("...")
    return "[" + ", ".join(items) + "]"
