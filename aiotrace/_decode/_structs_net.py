# SPDX-License-Identifier: GPL-2.0-or-later
"""The structures of sockets and network interfaces, as strace prints them: an
interface request (the SIOC*IF* ioctls), a socket address, a message header."""

from __future__ import annotations

import struct
from typing import Callable

from . import _cmsg, _sockaddr
from . import _xlat_net as XN
from ._ctx import Ctx
from ._quote import quote
from ._structs import array_limit, iovec_array
from ._xlat import flags, hexa, s32, xval

# ---------------------------------------------------------------------------
# sockets


# struct ifreq (the SIOC*IF* ioctls): the interface's name, then one union member
IFREQ_SIZE = 40
_IFR_FIELDS = {   # request -> (field, how it is printed)
    0x8913: ("ifr_flags", "flags"), 0x8914: ("ifr_flags", "flags"),
    0x8915: ("ifr_addr", "addr"), 0x8917: ("ifr_dstaddr", "addr"),
    0x8919: ("ifr_broadaddr", "addr"), 0x891B: ("ifr_netmask", "addr"),
    0x8921: ("ifr_mtu", "int"), 0x8922: ("ifr_mtu", "int"),
    0x8927: ("ifr_hwaddr", "hwaddr"), 0x8933: ("ifr_ifindex", "int"),
    0x8942: ("ifr_qlen", "int"),
    # the setters of the same fields, and the metric, the slave, the new name, the map
    0x8916: ("ifr_addr", "addr"), 0x8918: ("ifr_dstaddr", "addr"),
    0x891A: ("ifr_broadaddr", "addr"), 0x891C: ("ifr_netmask", "addr"),
    0x8924: ("ifr_hwaddr", "hwaddr"), 0x8931: ("ifr_hwaddr", "hwaddr"),
    0x8932: ("ifr_hwaddr", "hwaddr"), 0x8937: ("ifr_hwaddr", "hwaddr"),
    0x8943: ("ifr_qlen", "int"), 0x891D: ("ifr_metric", "int"),
    0x891E: ("ifr_metric", "int"), 0x8929: ("ifr_slave", "name"),
    0x8930: ("ifr_slave", "name"), 0x8923: ("ifr_newname", "name"),
    0x8970: ("ifr_map", "map"), 0x8971: ("ifr_map", "map"),
}
SIOCGIFNAME = 0x8910


def _ifname(name: bytes) -> str:
    """An interface name (IFNAMSIZ bytes): without a NUL, all but its last byte and
    ``...``."""
    nul = name.find(b"\0")
    return quote(name[:nul]) if nul >= 0 else quote(name[:-1]) + "..."


def ifr_name(data: bytes) -> str:
    return "ifr_name=" + _ifname(data[:16])


def ifr_value(ctx: Ctx, req: int, data: bytes, addr: int) -> str:
    """``field=value`` of the union member that *req* uses."""
    field, how = _IFR_FIELDS[req]
    if how == "flags":
        v = struct.unpack_from("<H", data, 16)[0]
        return "%s=%s" % (field, flags(v, XN.IFF_FLAGS, "IFF_???"))
    if how == "int":
        return "%s=%d" % (field, struct.unpack_from("<i", data, 16)[0])
    if how == "name":
        return "%s=%s" % (field, _ifname(data[16:32]))
    if how == "map":
        start, end, base, irq, dma, port = struct.unpack_from("<QQHBBB", data, 16)
        return "%s={mem_start=%s, mem_end=%s, base_addr=%s, irq=%s, dma=%s, port=%s}" % (
            field, hexa(start), hexa(end), hexa(base), hexa(irq), hexa(dma), hexa(port))
    if how == "hwaddr":
        fam = struct.unpack_from("<H", data, 16)[0]
        return "%s={sa_family=%s, sa_data=%s}" % (
            field, xval(fam, XN.ARPHRD, "ARPHRD_???"), ":".join("%02x" % b for b in data[18:24]))
    return "%s=%s" % (field, sockaddr(ctx, addr + 16, 16))


def sockaddr(ctx: Ctx, addr: int, length: int) -> str:
    return _sockaddr.sockaddr(ctx, addr, length)


def msghdr(ctx: Ctx, addr: int, data_budget: int | None,
           user_namelen: int | None = None) -> str:
    return ctx.fields(addr, "<QI4xQQQQi4x",
                      lambda *vals: _msghdr_vals(ctx, vals, data_budget, user_namelen))


def mmsghdr_array(ctx: Ctx, addr: int, count: int, with_len: int,
                  namelens: list[int] | None = None) -> str:
    """sendmmsg/recvmmsg: ``[{msg_hdr={...}, msg_len=5}, ...]``: *count* messages, the
    first *with_len* with their msg_len. *namelens*: recvmmsg's, the msg_namelen of each
    message at entry (its data then shows msg_len bytes, and there are no more messages
    than names); sendmmsg's show their whole data."""
    if addr == 0:
        return "NULL"
    items = []
    most = 1024 if namelens is None else min(len(namelens), 1024)
    for i in range(max(count, 0)):
        if i >= array_limit(ctx) or i >= most:
            items.append("...")
            break
        vals = ctx.unpack("<QI4xQQQQi4xI4x", addr + 64 * i)
        if vals is None:
            if i == 0:
                return hexa(addr)
            items.append("... /* %s */" % hexa(addr + 64 * i))
            break
        msg_len = vals[7]
        hdr = _msghdr_vals(ctx, vals[:7], None if namelens is None else msg_len,
                           None if namelens is None else namelens[i])
        items.append("{msg_hdr=%s%s}" % (hdr, ", msg_len=%d" % msg_len if i < with_len else ""))
    return "[" + ", ".join(items) + "]"


def _netlink_data(ctx: Ctx, name: int, namelen: int) -> Callable[[int, int], str] | None:
    """With a netlink address (msg_name), the data prints as netlink messages."""
    if not name or namelen < 2 or not ctx.verbose:
        return None
    fam = ctx.unpack("<H", name)
    if fam is None or fam[0] != 16:   # AF_NETLINK
        return None
    from ._netlink import sockbuf
    return lambda base, n: sockbuf(ctx, ctx.args[0], base, n, netlink_only=True)


def _msghdr_vals(ctx: Ctx, vals: tuple[int, ...], data_budget: int | None,
                 user_namelen: int | None = None) -> str:
    """*user_namelen*: recvmsg's msg_namelen at entry (``N => M``; at most N bytes of the
    address are shown)."""
    name, namelen, iov, iovlen, control, controllen, fl = vals
    namelen = s32(namelen)
    shown, namelen_text = namelen, str(namelen)
    if user_namelen is not None and s32(user_namelen) != namelen:
        shown = min(namelen, s32(user_namelen))
        namelen_text = "%d => %d" % (s32(user_namelen), namelen)
    parts = [
        "msg_name=%s" % (sockaddr(ctx, name, shown) if name else "NULL"),
        "msg_namelen=%s" % namelen_text,
        "msg_iov=%s" % iovec_array(ctx, iov, iovlen, data_budget,
                                   _netlink_data(ctx, name, shown)),
        "msg_iovlen=%d" % iovlen,
    ]
    if controllen:
        parts.append("msg_control=%s" % _cmsg.msg_control(ctx, control, controllen))
    parts.append("msg_controllen=%d" % controllen)
    parts.append("msg_flags=%s" % flags(fl & 0xFFFFFFFF, XN.MSG_FLAGS, "MSG_???"))
    return "{" + ", ".join(parts) + "}"
