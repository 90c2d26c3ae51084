# SPDX-License-Identifier: GPL-2.0-or-later
"""More of NETLINK_ROUTE's attribute decoders, rows of the form of ``_netlink_rtattr``'s
``ATTRS`` (table -> type -> how its data prints), for the tables added after it: the
attributes of a multicast routing cache report (RTM_NEWCACHEREPORT, by the message's
family: RTNL_FAMILY_IPMR's or RTNL_FAMILY_IP6MR's) and of a next hop (RTM_NEWNEXTHOP).

Besides ``_netlink_rtattr``'s kinds of data, a row may be a function ``(ctx, addr,
length, family) -> text`` (None: in hex), as ``struct_array`` makes. Layouts from the
kernel's uapi headers (linux/mroute.h, mroute6.h, nexthop.h)."""

from __future__ import annotations

import struct
from typing import Any, Callable, Optional

from ._ctx import Ctx

Data = Any
Custom = Callable[[Ctx, int, int, int], Optional[str]]


def struct_array(fmt: str, *fields: tuple[str, Any]) -> Custom:
    """The data as an array of structures of layout *fmt* (little-endian), each field
    printed as ``_netlink_route.field`` does (a field of "x?" only when not 0); the bytes
    after the last whole element are not shown; no whole element: in hex."""
    size = struct.calcsize(fmt)

    def render(data: bytes) -> str:
        from ._netlink_route import field
        parts = []
        for (name, how), v in zip(fields, struct.unpack(fmt, data), strict=True):
            text = field(how, v)
            if text is not None:
                parts.append("%s=%s" % (name, text))
        return "{" + ", ".join(parts) + "}"

    def decode(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
        from ._misc import array
        if length < size:
            return None
        return array(ctx, addr, length // size, size, render)

    return decode


def _multipath(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
    """RTA_MULTIPATH: struct rtnexthop each (8 bytes: u16 length, u8 flags, u8 hops, an
    interface index), followed by route attributes up to its length; a list when the
    first does not fill the data. As strace: an element that cannot be read is its
    address, with no separator before it."""
    from ._netlink_route import field
    from ._sockaddr import ifindex
    from ._xlat import ptr
    if length < 8:
        return None
    out: list[str] = []
    cur, left = addr, length
    first = length   # (the first element's length: a list when under the data's)
    while True:
        nh = ctx.unpack("<HBBi", cur)
        if nh is None:
            out.append(ptr(cur))
            break
        n = min(left, nh[0])
        if cur == addr:
            first = nh[0]
        text = "{rtnh_len=%d, rtnh_flags=%s, rtnh_hops=%d, rtnh_ifindex=%s}" % (
            nh[0], field(("f", "RTNH_FLAGS", "RTNH_F_???"), nh[1]), nh[2], ifindex(nh[3]))
        if n > 8:
            text = "[%s, %s]" % (text, _nexthop_attrs(ctx, cur + 8, n - 8, family))
        out.append((", " if out else "") + text)
        step = (n + 3) & ~3
        if step >= left:
            break
        cur, left = cur + step, left - step
    whole = "".join(out)
    return "[" + whole + "]" if first < length else whole


# how deep RTA_MULTIPATH attributes nested in a next hop's own attributes are decoded
# (each level is a recursion of a few Python frames: a message of a few KB nesting them
# would reach the recursion limit, and its whole line would print undecoded); deeper,
# in hex. strace decodes any depth (on the C stack); no kernel accepts such a nesting.
MULTIPATH_DEPTH = 16


def _nexthop_attrs(ctx: Ctx, addr: int, length: int, family: int) -> str:
    """The route attributes after a struct rtnexthop."""
    from ._netlink import hexbuf, nlattr
    from ._netlink_route import names_of
    from ._netlink_rtattr import decoders
    depth = ctx.saved.get("multipath_depth", 0)
    if depth >= MULTIPATH_DEPTH:
        return hexbuf(ctx, addr, length)
    ctx.saved["multipath_depth"] = depth + 1
    try:
        return nlattr(ctx, addr, length, names_of("RTA_ATTRS"), "RTA_???",
                      decoders("RTA_ATTRS", family))
    finally:
        if depth:
            ctx.saved["multipath_depth"] = depth
        else:
            del ctx.saved["multipath_depth"]


def _rtvia(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
    """struct rtvia: an address family (u16), then an address of that family."""
    from . import _xlat_net as XN
    from ._netlink import inet_field
    from ._xlat import ptr
    if length < 2:
        return None
    data = ctx.read(addr, length)
    if data is None:
        return ptr(addr)
    via = int.from_bytes(data[:2], "little")
    text = "{rtvia_family=%s" % XN.sockaddr_family(via)
    if length > 2:
        text += ", " + inet_field(via, data[2:], "rtvia_addr")
    return text + "}"


def hwaddr(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
    """A hardware address of any length, ``ab:cd:...`` (-X raw: its bytes)."""
    from ._netlink_ifla import mac
    from ._xlat import ptr
    if length > 32:   # (MAX_ADDR_LEN)
        return None
    data = ctx.read(addr, length)
    return ptr(addr) if data is None else mac(ctx, addr, data)


def _then_attrs(size: int, head: Custom, table: str, unknown: str) -> Custom:
    """*head* of the first *size* bytes (shorter data: in hex), then the attributes of
    *table* from the next 4-byte boundary."""

    def decode(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
        from ._netlink import nlattr
        from ._netlink_route import names_of
        from ._netlink_rtattr import decoders
        if length < size:
            return None
        text = head(ctx, addr, size, family)
        off = (size + 3) & ~3
        if length > off:
            text = "%s, %s" % (text, nlattr(ctx, addr + off, length - off, names_of(table),
                                            unknown, decoders(table, family)))
        return text

    return decode


def _mdb_entry(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
    """struct br_mdb_entry: ifindex, state, flags, vid, then the group address (16
    bytes, of the big-endian protocol after it)."""
    from . import _xlat_net as XN
    from ._netlink import inet_field
    from ._netlink_route import field
    from ._sockaddr import ifindex
    from ._xlat import ptr, xval
    vals = ctx.unpack("<IBBH16sH2x", addr)   # (28 bytes, padded)
    if vals is None:
        return ptr(addr)
    proto = struct.unpack(">H", struct.pack("<H", vals[5]))[0]
    return ("{ifindex=%s, state=%s, flags=%s, vid=%d, addr={%s, proto=htons(%s)}}" % (
        ifindex(vals[0]), field(("e", "RM.MDB_STATES", "MDB_???"), vals[1]),
        field(("f", "RM.MDB_FLAGS", "MDB_FLAGS_???"), vals[2]), vals[3],
        inet_field(proto, vals[4], "u"), xval(proto, XN.ADDRESS_FAMILIES, "AF_???")))


def _ifindex(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
    from ._sockaddr import ifindex
    from ._xlat import ptr
    v = ctx.unpack("<I", addr)
    return ptr(addr) if v is None else ifindex(v[0])


def _u16_array(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
    """An array of u16 (the bytes after the last whole one not shown)."""
    from ._misc import array
    if length < 2:
        return None
    return array(ctx, addr, length // 2, 2, lambda data: str(struct.unpack("<H", data)[0]))


_NH_GRP = struct_array("<IBBH", ("id", "u"), ("weight", "u"), ("resvd1", "x?"),
                       ("resvd2", "x?"))


def _mr_msgtype(table: str, unknown: str) -> Data:
    return ("e", table, unknown, "u8")


def _u32s_struct(*names: str) -> Data:
    return ("struct", "<" + "I" * len(names), *((n, "u") for n in names))


_GNET_BASIC = ("struct", "<QI", ("bytes", "u"), ("packets", "u"))

# RTM_NEWCACHEREPORT's attributes, by the message's family
CACHEREPORT_TABLES: dict[int, tuple[str, str]] = {
    0x80: ("RM.IPMRA_CREPORT_ATTRS", "IPMRA_CREPORT_???"),
    0x81: ("RM.IP6MRA_CREPORT_ATTRS", "IP6MRA_CREPORT_???"),
}

# attribute table -> type -> how its data prints
ATTRS: dict[str, dict[int, Data]] = {
    "RM.IPMRA_CREPORT_ATTRS": {1: _mr_msgtype("RM.IGMPMSG_TYPES", "IGMPMSG_???"),
                               2: "u32", 3: "in_addr", 4: "in_addr", 6: "u32"},
    "RM.IP6MRA_CREPORT_ATTRS": {1: _mr_msgtype("RM.MRT6MSG_TYPES", "MRT6MSG_???"),
                                2: "u32", 3: "in6_addr", 4: "in6_addr"},
    "NHA_ATTRS": {2: _NH_GRP,
                  3: ("e", "RM.NEXTHOP_GRP_TYPES", "NEXTHOP_GRP_TYPE_???", "u16"),
                  6: "inet", 7: ("e", "RM.LWTUNNEL_ENCAP_TYPES", "LWTUNNEL_ENCAP_???", "u16"),
                  12: ("nested", "RM.NHA_RES_GROUP_ATTRS", "NHA_RES_GROUP_???"),
                  13: ("nested", "RM.NHA_RES_BUCKET_ATTRS", "NHA_RES_BUCKET_???")},
    "RTA_ATTRS": {9: _multipath,
                  12: ("struct", "<8I", *((n, "u") for n in (
                      "rta_clntref", "rta_lastuse", "rta_expires", "rta_error", "rta_used")),
                      ("rta_id", "x"), ("rta_ts", "u"), ("rta_tsage", "u")),
                  17: ("struct", "<3Q", ("mfcs_packets", "u"), ("mfcs_bytes", "u"),
                       ("mfcs_wrong_if", "u")),
                  18: _rtvia, 21: ("e", "RM.LWTUNNEL_ENCAP_TYPES", "LWTUNNEL_ENCAP_???", "u16")},
    "NDA_ATTRS": {1: "inet", 2: hwaddr, 3: _u32s_struct("ndm_confirmed", "ndm_used",
                                                      "ndm_updated", "ndm_refcnt"),
                  4: "u32", 5: "u16", 6: "be16", 7: "u32", 8: "ifindex", 9: "ifindex",
                  10: "u32", 11: "u32", 12: "ipproto", 13: "u32",
                  14: ("nested", "RM.NFEA_ATTRS", "NFEA_???"),
                  15: ("f", "RM.NTF_EXT_FLAGS", "NTF_EXT_???", "u32"),
                  16: ("f", "NUD_STATES", "NUD_???", "u16"),
                  17: ("f", "NTF_FLAGS", "NTF_???", "u8")},
    "RM.NFEA_ATTRS": {1: ("f", "RM.FDB_NOTIFY_FLAGS", "FDB_NOTIFY_???", "u8")},
    "MDBA_ATTRS": {1: ("nested", "RM.MDBA_MDB_ATTRS", "MDBA_MDB_???"),
                   2: ("nested", "RM.MDBA_ROUTER_ATTRS", "MDBA_ROUTER_???")},
    "RM.MDBA_MDB_ATTRS": {1: ("nested", "RM.MDBA_MDB_ENTRY_ATTRS", "MDBA_MDB_ENTRY_???")},
    "RM.MDBA_MDB_ENTRY_ATTRS": {1: _then_attrs(28, _mdb_entry, "RM.MDBA_MDB_EATTR_ATTRS",
                                               "MDBA_MDB_EATTR_???")},
    "RM.MDBA_MDB_EATTR_ATTRS": {1: "clock_t"},
    "RM.MDBA_ROUTER_ATTRS": {1: _then_attrs(4, _ifindex, "RM.MDBA_ROUTER_PATTR_ATTRS",
                                            "MDBA_ROUTER_PATTR_???")},
    "RM.MDBA_ROUTER_PATTR_ATTRS": {1: "clock_t", 3: "clock_t", 4: "clock_t",
                                   2: ("e", "RM.MULTICAST_ROUTER_TYPES", "MDB_RTR_TYPE_???",
                                       "u8")},
    "TCA_ATTRS": {5: ("struct", "<bB", ("interval", "u"), ("ewma_log", "u")),
                  7: ("nested", "RM.TCA_STATS_ATTRS", "TCA_STATS_???"),
                  8: ("nested", "RM.TCA_STAB_ATTRS", "TCA_STAB_???")},
    "RM.TCA_STATS_ATTRS": {1: _GNET_BASIC, 7: _GNET_BASIC,
                           2: ("struct", "<II", ("bps", "u"), ("pps", "u")),
                           3: _u32s_struct("qlen", "backlog", "drops", "requeues",
                                           "overlimits"),
                           5: ("struct", "<QQ", ("bps", "u"), ("pps", "u")), 8: "u64"},
    "RM.TCA_STAB_ATTRS": {1: ("struct", "<BBhiIIII", *((n, "u") for n in (
        "cell_log", "size_log", "cell_align", "overhead", "linklayer", "mpu", "mtu", "tsize"))),
                          2: _u16_array},
    "RM.NHA_RES_GROUP_ATTRS": {1: "u16", 2: "clock_t", 3: "clock_t", 4: "clock_t"},
    "RM.NHA_RES_BUCKET_ATTRS": {1: "u16", 2: "clock_t", 3: "u32"},
}
