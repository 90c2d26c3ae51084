# SPDX-License-Identifier: GPL-2.0-or-later
"""The structures of sockets and network interfaces, as strace prints them: an
interface request (the SIOC*IF* ioctls), a socket address, a message header."""

from __future__ import annotations

import struct
from typing import Callable

from . import _pidns
from . import _xlat_net as XN
from ._ctx import Ctx
from ._quote import quote
from ._structs import array_limit, iovec_array
from ._xlat import flags, hexa, ptr, xval

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
}
SIOCGIFNAME = 0x8910


def ifr_name(data: bytes) -> str:
    name = data[:16]
    nul = name.find(b"\0")
    return "ifr_name=%s" % quote(name if nul < 0 else name[:nul])


def ifr_value(ctx: Ctx, req: int, data: bytes, addr: int) -> str:
    """``field=value`` of the union member that *req* uses."""
    field, how = _IFR_FIELDS[req]
    if how == "flags":
        v = struct.unpack_from("<H", data, 16)[0]
        return "%s=%s" % (field, flags(v, XN.IFF_FLAGS, "IFF_???"))
    if how == "int":
        return "%s=%d" % (field, struct.unpack_from("<i", data, 16)[0])
    if how == "hwaddr":
        fam = struct.unpack_from("<H", data, 16)[0]
        return "%s={sa_family=%s, sa_data=%s}" % (
            field, xval(fam, XN.ARPHRD, "ARPHRD_???"), ":".join("%02x" % b for b in data[18:24]))
    return "%s=%s" % (field, sockaddr(ctx, addr + 16, 16))


def sockaddr(ctx: Ctx, addr: int, length: int) -> str:
    import socket   # (on use: start-up time)
    if addr == 0:
        return "NULL"
    if length <= 0:
        return hexa(addr)
    length = min(length, 128)
    data = ctx.read(addr, length)
    if data is None:
        return hexa(addr)
    if len(data) < 2:
        return "{sa_family=%s}" % hexa(data[0]) if data else "{}"
    family = struct.unpack_from("<H", data)[0]
    fam = XN.sockaddr_family(family)
    body = data[2:]
    if family == 1:  # AF_UNIX
        if not body:
            return "{sa_family=AF_UNIX}"
        if body[0] == 0:
            return "{sa_family=AF_UNIX, sun_path=@%s}" % quote(body[1:])
        nul = body.find(b"\0")
        path = body if nul < 0 else body[:nul]
        return "{sa_family=AF_UNIX, sun_path=%s}" % quote(path)
    if family == 2 and len(data) >= 16:
        port = struct.unpack_from(">H", data, 2)[0]
        ip = socket.inet_ntop(socket.AF_INET, data[4:8])
        return '{sa_family=AF_INET, sin_port=htons(%d), sin_addr=inet_addr("%s")}' % (port, ip)
    if family == 10 and len(data) >= 24:
        port, flowinfo = struct.unpack_from(">HI", data, 2)
        ip6 = socket.inet_ntop(socket.AF_INET6, data[8:24])
        out = '{sa_family=AF_INET6, sin6_port=htons(%d), sin6_flowinfo=htonl(%d), inet_pton(AF_INET6, "%s", &sin6_addr)' % (
            port, flowinfo, ip6)
        if len(data) >= 28:
            scope = struct.unpack_from("<I", data, 24)[0]
            out += ", sin6_scope_id=%s" % _scope_id(scope)
        return out + "}"
    if family == 16 and len(data) >= 12:  # AF_NETLINK
        pid, groups = struct.unpack_from("<II", data, 4)
        return "{sa_family=AF_NETLINK, nl_pid=%s, nl_groups=%08x}" % (
            _pidns.pid(pid, _pidns.TGID), groups)
    return "{sa_family=%s, sa_data=%s}" % (fam, quote(body))


def _scope_id(index: int) -> str:
    """strace names the interface (on the tracer's host) when it can."""
    import socket   # (on use: start-up time)
    if index:
        try:
            return 'if_nametoindex("%s")' % socket.if_indextoname(index)
        except (OSError, OverflowError, ValueError):
            pass
    return str(index)


def msghdr(ctx: Ctx, addr: int, data_budget: int | None) -> str:
    return ctx.fields(addr, "<QI4xQQQQi4x", lambda *vals: _msghdr_vals(ctx, vals, data_budget))


def mmsghdr_array(ctx: Ctx, addr: int, count: int) -> str:
    """sendmmsg/recvmmsg: ``[{msg_hdr={...}, msg_len=5}, ...]``; each message shows
    msg_len bytes of data."""
    if addr == 0:
        return "NULL"
    items = []
    for i in range(max(count, 0)):
        if i >= array_limit(ctx):
            items.append("...")
            break
        vals = ctx.unpack("<QI4xQQQQi4xI4x", addr + 64 * i)
        if vals is None:
            if i == 0:
                return hexa(addr)
            items.append("... /* %s */" % hexa(addr + 64 * i))
            break
        msg_len = vals[7]
        items.append("{msg_hdr=%s, msg_len=%d}" % (_msghdr_vals(ctx, vals[:7], msg_len), msg_len))
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


def _msghdr_vals(ctx: Ctx, vals: tuple[int, ...], data_budget: int | None) -> str:
    name, namelen, iov, iovlen, control, controllen, fl = vals
    parts = [
        "msg_name=%s" % (sockaddr(ctx, name, namelen) if name else "NULL"),
        "msg_namelen=%d" % namelen,
        "msg_iov=%s" % iovec_array(ctx, iov, iovlen, data_budget,
                                   _netlink_data(ctx, name, namelen)),
        "msg_iovlen=%d" % iovlen,
    ]
    if controllen:
        parts.append("msg_control=%s" % ptr(control))
    parts.append("msg_controllen=%d" % controllen)
    parts.append("msg_flags=%s" % flags(fl & 0xFFFFFFFF, XN.MSG_FLAGS, "MSG_???"))
    return "{" + ", ".join(parts) + "}"
