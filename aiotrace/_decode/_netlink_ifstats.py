# SPDX-License-Identifier: GPL-2.0-or-later
"""NETLINK_ROUTE's link statistics (RTM_GETSTATS, RTM_NEWSTATS: ``IFLA_STATS_...`` and
the tables nested in them), as strace 6.1 prints them: rows of the form of
``_netlink_rtattr``'s ``ATTRS``. The structures of extended statistics print their
fields, then the bytes after them in hex (``{rx_bytes=1, ...}, "\\x..."``); a bridge's
multicast counters are pairs indexed by direction (``[[BR_MCAST_DIR_RX]=1,
[BR_MCAST_DIR_TX]=2]``). Layouts from the kernel's uapi headers (linux/if_link.h,
if_bridge.h, mpls.h)."""

from __future__ import annotations

import struct
from typing import Any, Optional

from ._ctx import Ctx
from ._netlink_ifla import STATS64, Custom, fixed, index_text

Data = Any

_MCAST = "mcast"   # a field of two u64, indexed by direction


def _struct_then_rest(fmt: str, *fields: tuple[str, Any]) -> Custom:
    """A structure of layout *fmt* (fields printed as ``_netlink_route.field`` does, or
    _MCAST pairs), then the bytes after it in hex; shorter data: in hex."""
    size = struct.calcsize(fmt)

    @fixed(fmt)
    def decode(ctx: Ctx, addr: int, length: int, got: tuple[Any, ...]) -> str:
        from ._netlink_route import field, names_of
        vals = iter(got)
        parts = []
        for name, how in fields:
            if how == _MCAST:
                dirs = names_of("IF.BR_MCAST_DIR")
                text: Optional[str] = "[%s]" % ", ".join(
                    "[%s]=%d" % (index_text(k, dirs, "BR_MCAST_DIR_???"), next(vals))
                    for k in range(2))
            else:
                text = field(how, next(vals))
            if text is not None:
                parts.append("%s=%s" % (name, text))
        out = "{" + ", ".join(parts) + "}"
        if length > size:
            out += ", " + ctx.buf(addr + size, length - size, hex=True)
        return out

    return decode


def _u(*names: str) -> tuple[tuple[str, str], ...]:
    return tuple((n, "u") for n in names)


_VLAN = _struct_then_rest("<QQQQHHI", *_u("rx_bytes", "rx_packets", "tx_bytes", "tx_packets",
                                          "vid"),
                          ("flags", ("f", "IF.BRIDGE_VLAN_INFO_FLAGS", "BRIDGE_VLAN_INFO_???")),
                          ("pad2", "x?"))
_MCAST_STATS = _struct_then_rest(
    "<30Q", *((n, _MCAST) for n in ("igmp_v1queries", "igmp_v2queries", "igmp_v3queries",
                                    "igmp_leaves", "igmp_v1reports", "igmp_v2reports",
                                    "igmp_v3reports")),
    ("igmp_parse_errors", "u"),
    *((n, _MCAST) for n in ("mld_v1queries", "mld_v2queries", "mld_leaves", "mld_v1reports",
                            "mld_v2reports")),
    ("mld_parse_errors", "u"), ("mcast_bytes", _MCAST), ("mcast_packets", _MCAST))
_STP = _struct_then_rest("<6Q", *_u("transition_blk", "transition_fwd", "rx_bpdu", "tx_bpdu",
                                    "rx_tcn", "tx_tcn"))
_MPLS_LINK = _struct_then_rest("<9Q", *_u("rx_packets", "tx_packets", "rx_bytes", "tx_bytes",
                                          "rx_errors", "tx_errors", "rx_dropped",
                                          "tx_dropped", "rx_noroute"))
_XSTATS = ("nested", "IF.LINK_XSTATS_TYPE_ATTRS", "LINK_XSTATS_TYPE_???")
_AF_MPLS = 28

# attribute table -> type -> how its data prints
ATTRS: dict[str, dict[int, Data]] = {
    "IFLA_STATS_ATTRS": {
        1: STATS64, 2: _XSTATS, 3: _XSTATS,
        4: ("nested", "IF.IFLA_OFFLOAD_XSTATS_ATTRS", "IFLA_OFFLOAD_XSTATS_???"),
        # (its attributes' types are address families: AF_MPLS's statistics are known)
        5: ("nested", "XN.ADDRESS_FAMILIES", "AF_???", "IF.IFSTATS_AF")},
    "IF.IFSTATS_AF": {_AF_MPLS: ("nested", "IF.IFSTATS_MPLS_ATTRS", "MPLS_STATS_???")},
    "IF.IFSTATS_MPLS_ATTRS": {1: _MPLS_LINK},
    "IF.IFLA_OFFLOAD_XSTATS_ATTRS": {1: STATS64},
    "IF.LINK_XSTATS_TYPE_ATTRS": {
        1: ("nested", "IF.BRIDGE_XSTATS_ATTRS", "BRIDGE_XSTATS_???"),
        2: ("nested", "IF.BOND_XSTATS_ATTRS", "BOND_XSTATS_???")},
    "IF.BRIDGE_XSTATS_ATTRS": {1: _VLAN, 2: _MCAST_STATS, 4: _STP},
    # (strace 6.1 names an unknown 3AD counter BOND_XSTATS_???)
    "IF.BOND_XSTATS_ATTRS": {1: ("nested", "IF.BOND_3AD_STAT_ATTRS", "BOND_XSTATS_???")},
    "IF.BOND_3AD_STAT_ATTRS": {t: "u64" for t in range(9)},
}
