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


_NH_GRP = struct_array("<IBBH", ("id", "u"), ("weight", "u"), ("resvd1", "x?"),
                       ("resvd2", "x?"))


def _mr_msgtype(table: str, unknown: str) -> Data:
    return ("e", table, unknown, "u8")


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
    "RM.NHA_RES_GROUP_ATTRS": {1: "u16", 2: "clock_t", 3: "clock_t", 4: "clock_t"},
    "RM.NHA_RES_BUCKET_ATTRS": {1: "u16", 2: "clock_t", 3: "u32"},
}
