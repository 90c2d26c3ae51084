# SPDX-License-Identifier: GPL-2.0-or-later
"""IFLA_LINKINFO, as strace 6.1 prints it: its IFLA_INFO_DATA (and IFLA_INFO_XSTATS,
IFLA_INFO_SLAVE_DATA) are decoded by the kind of link that the IFLA_INFO_KIND (or
IFLA_INFO_SLAVE_KIND) before them names: a bridge's IFLA_BR_* attributes, a tun
device's IFLA_TUN_*, a CAN device's statistics, a bridge port's IFLA_BRPORT_*; other
kinds' data in hex. Layouts from the kernel's uapi headers (linux/if_link.h,
if_bridge.h, can/netlink.h)."""

from __future__ import annotations

from typing import Any, Optional

from ._ctx import Ctx
from ._netlink_ifla import bridge_id, fixed
from ._netlink_rtattr_more import hwaddr

Data = Any
_KIND_MAX = 16   # (strace keeps a kind of fewer bytes, NUL included; else none)


def _kind(ctx: Ctx, addr: int, length: int) -> str:
    """The kind an IFLA_INFO_KIND names (empty: too long, unreadable, no NUL)."""
    if length >= _KIND_MAX:
        return ""
    data = ctx.read(addr, length)
    if data is None or b"\0" not in data:
        return ""
    return data.split(b"\0", 1)[0].decode("latin-1")


def linkinfo(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
    from ._netlink import AttrData, nla_str, nlattr
    from ._netlink_route import names_of
    from ._netlink_rtattr import decoders
    seen = {"kind": "", "slave": ""}

    def kind_of(which: str) -> AttrData:
        def decode(c: Ctx, a: int, n: int) -> Optional[str]:
            seen[which] = _kind(c, a, n)
            return nla_str(c, a, n)
        return decode

    def data_of(which: str, tables: dict[str, tuple[str, str]]) -> AttrData:
        def decode(c: Ctx, a: int, n: int) -> Optional[str]:
            known = tables.get(seen[which])
            if known is None:
                return None
            if known[0] == "can":
                return _CAN_STATS(c, a, n, family)
            return nlattr(c, a, n, names_of(known[0]), known[1], decoders(known[0], family))
        return decode

    decs = {1: kind_of("kind"), 4: kind_of("slave"),
            2: data_of("kind", {"bridge": ("IF.IFLA_BR_ATTRS", "IFLA_BR_???"),
                                "tun": ("IF.IFLA_TUN_ATTRS", "IFLA_TUN_???")}),
            3: data_of("kind", {"can": ("can", "")}),
            5: data_of("slave", {"bridge": ("IF.IFLA_BRPORT_ATTRS", "IFLA_BRPORT_???")})}
    return nlattr(ctx, addr, length, names_of("IF.IFLA_INFO_ATTRS"), "IFLA_INFO_???", decs)


@fixed("<6I")
def _CAN_STATS(ctx: Ctx, addr: int, length: int, v: tuple[Any, ...]) -> str:
    """struct can_device_stats."""
    return ("{bus_error=%d, error_warning=%d, error_passive=%d, bus_off=%d, "
            "arbitration_lost=%d, restarts=%d}" % v)


@fixed("<II")
def _boolopt(ctx: Ctx, addr: int, length: int, v: tuple[Any, ...]) -> str:
    """struct br_boolopt_multi: two sets of 1<<BR_BOOLOPT_* flags."""
    from ._netlink_route import field
    how = ("f", "IF.BR_BOOLOPT_FLAGS", "1<<BR_BOOLOPT_???")
    return "{optval=%s, optmask=%s}" % (field(how, v[0]), field(how, v[1]))


def _ether_proto(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
    """An ethernet protocol, big-endian: ``htons(ETH_P_IP)`` (2 to 8 bytes of data)."""
    from ._netlink_route import names_of
    from ._xlat import ptr, xval
    if not 2 <= length <= 8:
        return None
    data = ctx.read(addr, 2)
    if data is None:
        return ptr(addr)
    return "htons(%s)" % xval(int.from_bytes(data, "big"), names_of("IF.ETHERNET_PROTOCOLS"),
                              "ETHER_P_???")


@fixed("<i")
def _uid(ctx: Ctx, addr: int, length: int, v: tuple[Any, ...]) -> str:
    """A user or group id: -1 as -1, the others unsigned."""
    return str(v[0]) if v[0] == -1 else str(v[0] & 0xFFFFFFFF)


def _ids(kind: Data, *types: int) -> dict[int, Data]:
    return {t: kind for t in types}


# attribute table -> type -> how its data prints
ATTRS: dict[str, dict[int, Data]] = {
    "IF.IFLA_BR_ATTRS": {
        **_ids("clock_t", 1, 2, 3, 4, 0x10, 0x11, 0x12, 0x13, 0x1e, 0x1f, 0x20, 0x21, 0x22,
               0x23),
        **_ids("u32", 5, 0xd, 0x1a, 0x1b, 0x1c, 0x1d),
        **_ids("u16", 6, 0xc, 0x27),
        **_ids("u8", 7, 0xe, 0xf, 0x16, 0x17, 0x18, 0x19, 0x24, 0x25, 0x26, 0x29, 0x2a, 0x2b,
               0x2c, 0x2d),
        8: _ether_proto, 9: "x16", 0xa: bridge_id, 0xb: bridge_id, 0x14: hwaddr,
        0x2e: _boolopt,
        0x2f: ("nested", "IF.BRIDGE_QUERIER_ATTRS", "BRIDGE_QUERIER_???")},
    "IF.BRIDGE_QUERIER_ATTRS": {1: "in_addr", 2: "ifindex", 3: "clock_t", 5: "in6_addr",
                                6: "ifindex", 7: "clock_t"},
    "IF.IFLA_TUN_ATTRS": {1: _uid, 2: _uid,
                          3: ("e", "IF.TUN_DEVICE_TYPES", "IFF_???", "u8"),
                          **_ids("u8", 4, 5, 6, 7), 8: "u32", 9: "u32"},
}
