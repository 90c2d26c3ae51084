# SPDX-License-Identifier: GPL-2.0-or-later
"""NETLINK_ROUTE's link attributes (RTM_*LINK: ``IFLA_...`` and the tables nested in
them), as strace 6.1 prints them: rows of the form of ``_netlink_rtattr``'s ``ATTRS``
(table -> type -> how its data prints), with the functions ``(ctx, addr, length,
family) -> text`` (None: in hex) of the data that are not one value: link statistics
(whose size says which fields they hold), arrays indexed by names (``[[DEVCONF_MTU6]=1,
...]``), a bridge id, attributes whose table depends on the message's family
(IFLA_PROTINFO: a bridge port's of AF_BRIDGE, IPv6's of AF_INET6).

Layouts and sizes from the kernel's uapi headers (linux/if_link.h, if_bridge.h)."""

from __future__ import annotations

import struct
from typing import Any, Callable, Optional

from ._ctx import Ctx

Data = Any
Custom = Callable[[Ctx, int, int, int], Optional[str]]


Render = Callable[[Ctx, int, int, tuple[Any, ...]], str]


def fixed(fmt: str) -> Callable[[Render], Custom]:
    """A decoder (a decorator of its *render*) of data that starts with a structure of
    layout *fmt*: shorter data in hex, unreadable its address, else ``render(ctx, addr,
    length, values)``."""
    size = struct.calcsize(fmt)

    def wrap(render: Render) -> Custom:
        def decode(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
            from ._xlat import ptr
            if length < size:
                return None
            vals = ctx.unpack(fmt, addr)
            return ptr(addr) if vals is None else render(ctx, addr, length, vals)

        return decode

    return wrap


def mac(ctx: Ctx, addr: int, data: bytes) -> str:
    """A hardware address, ``ab:cd:...`` (raw: its bytes; verbose: both)."""
    from ._style import combine
    return combine(ctx.buf(addr, len(data), hex=True), ":".join("%02x" % b for b in data))


def bridge_id(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
    """struct ifla_bridge_id: u8 prio[2], u8 addr[6]."""
    from ._xlat import ptr
    if length < 8:
        return None
    data = ctx.read(addr, 8)
    if data is None:
        return ptr(addr)
    return "{prio=[%d, %d], addr=%s}" % (data[0], data[1], mac(ctx, addr + 2, data[2:]))


def _port_vsi(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
    """struct ifla_port_vsi: u8 vsi_mgr_id, u8 vsi_type_id[3], u8 vsi_type_version,
    u8 pad[3] (shown when not all 0)."""
    from ._xlat import ptr
    if length < 8:
        return None
    data = ctx.read(addr, 8)
    if data is None:
        return ptr(addr)
    text = "{vsi_mgr_id=%d, vsi_type_id=%s, vsi_type_version=%d" % (
        data[0], ctx.buf(addr + 1, 3, hex=True), data[4])
    if any(data[5:]):
        text += ", pad=%s" % ctx.buf(addr + 5, 3, hex=True)
    return text + "}"


def index_text(k: int, names: dict[int, str], unknown: str) -> str:
    """An array's index *k* in decimal, with its name from *names* as -X says."""
    from ._style import RAW, combine, get
    name = names.get(k)
    if name is None:
        return str(k) if get() == RAW else "%d /* %s */" % (k, unknown)
    return combine(str(k), name)


def indexed(fmt: str, table: str, unknown: str) -> Custom:
    """An array of integers (*fmt*, one), each shown with its index named from *table*:
    ``[[NAME]=value, ...]`` (the index in decimal, with its name as -X says); the bytes
    after the last whole element are not shown; no whole element: in hex."""
    size = struct.calcsize(fmt)

    def decode(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
        from ._misc import array
        from ._netlink_route import names_of
        if length < size:
            return None
        names = names_of(table)
        count = [0]

        def render(data: bytes) -> str:
            k = count[0]
            count[0] += 1
            return "[%s]=%d" % (index_text(k, names, unknown), struct.unpack(fmt, data)[0])

        return array(ctx, addr, length // size, size, render)

    return decode


def _stats(fmt: str, names: tuple[str, ...], *sizes: int) -> Custom:
    """struct rtnl_link_stats(64): the whole structure when the data holds it, else
    the fields of one of its older *sizes* (in elements) when the data is that long,
    else in hex."""
    width = struct.calcsize(fmt)

    def decode(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
        from ._xlat import ptr
        n = len(names) if length >= len(names) * width else \
            next((k for k in sizes if length == k * width), 0)
        if not n:
            return None
        vals = ctx.unpack("<%d%s" % (n, fmt), addr)
        if vals is None:
            return ptr(addr)
        return "{" + ", ".join("%s=%d" % nv for nv in zip(names, vals, strict=False)) + "}"

    return decode


def by_family(tables: dict[int, tuple[str, str]]) -> Custom:
    """Attributes of the table of the message's family (other families: in hex)."""

    def decode(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
        from ._netlink import nlattr
        from ._netlink_route import names_of
        from ._netlink_rtattr import decoders
        known = tables.get(family)
        if known is None:
            return None
        return nlattr(ctx, addr, length, names_of(known[0]), known[1],
                      decoders(known[0], family))

    return decode


def _af_spec(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
    """IFLA_AF_SPEC: a bridge's IFLA_BRIDGE_* (of an AF_BRIDGE message), else attributes
    whose types are address families, each holding that family's attributes."""
    from ._netlink import nlattr
    from ._netlink_route import names_of
    from ._netlink_rtattr import decoders
    if family == 7:
        table, unknown = "IF.IFLA_BRIDGE_ATTRS", "IFLA_BRIDGE_???"
        return nlattr(ctx, addr, length, names_of(table), unknown, decoders(table, family))
    return nlattr(ctx, addr, length, names_of("XN.ADDRESS_FAMILIES"), "AF_???",
                  decoders("IF.IFLA_AF", family))


@fixed("<HH")
def _vlan_info(ctx: Ctx, addr: int, length: int, v: tuple[Any, ...]) -> str:
    """struct bridge_vlan_info (u16 flags, u16 vid), then the bytes after it in hex."""
    from ._netlink_route import field
    text = "{flags=%s, vid=%d}" % (
        field(("f", "IF.BRIDGE_VLAN_INFO_FLAGS", "BRIDGE_VLAN_INFO_???"), v[0]), v[1])
    if length > 4:
        text += ", " + ctx.buf(addr + 4, length - 4, hex=True)
    return text


def _linkinfo(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
    from ._netlink_linkinfo import linkinfo
    return linkinfo(ctx, addr, length, family)


_STATS_NAMES = tuple((
    "rx_packets tx_packets rx_bytes tx_bytes rx_errors tx_errors rx_dropped tx_dropped "
    "multicast collisions rx_length_errors rx_over_errors rx_crc_errors rx_frame_errors "
    "rx_fifo_errors rx_missed_errors tx_aborted_errors tx_carrier_errors tx_fifo_errors "
    "tx_heartbeat_errors tx_window_errors rx_compressed tx_compressed rx_nohandler").split())
_STATS = _stats("I", _STATS_NAMES, 23)
STATS64 = _stats("Q", _STATS_NAMES + ("rx_otherhost_dropped",), 23, 24)
_IFMAP = ("struct", "<QQQHBB", ("mem_start", "x"), ("mem_end", "x"), ("base_addr", "x"),
          ("irq", "u"), ("dma", "u"), ("port", "u"))
_PROTINFO = by_family({7: ("IF.IFLA_BRPORT_ATTRS", "IFLA_BRPORT_???"),
                       10: ("IF.IFLA_INET6_ATTRS", "IFLA_INET6_???")})


def _u32s(*types: int) -> dict[int, Data]:
    return {t: "u32" for t in types}


def _strs(*types: int) -> dict[int, Data]:
    return {t: "str" for t in types}


def _flags32(table: str, unknown: str) -> Data:
    return ("f", table, unknown, "u32")


def _flags16(table: str, unknown: str) -> Data:
    return ("f", table, unknown, "u16")


# attribute table -> type -> how its data prints
ATTRS: dict[str, dict[int, Data]] = {
    "IFLA_ATTRS": {
        **_strs(3, 6, 0x14, 0x26, 0x35, 0x38, 0x39),
        **_u32s(4, 5, 0xa, 0xd, 0xf, 0x13, 0x15, 0x1b, 0x1e, 0x1f, 0x20, 0x23, 0x28, 0x29,
                0x2f, 0x30, 0x32, 0x33, 0x3a, 0x3b, 0x3c, 0x3d),
        **{t: "u8" for t in (0x10, 0x11, 0x21, 0x27)},
        **{t: "s32" for t in (0x25, 0x2d, 0x2e)},
        7: _STATS, 0xc: _PROTINFO, 0xe: _IFMAP, 0x17: STATS64, 0x31: "ifindex",
        0x12: _linkinfo,
        0x18: ("nested", "IF.IFLA_VF_PORT_ATTRS", "IFLA_VF_PORT_???"),
        0x19: ("nested", "IF.IFLA_PORT_ATTRS", "IFLA_PORT_???"), 0x1a: _af_spec,
        0x1d: _flags32("IF.RTEXT_FILTER", "RTEXT_FILTER_???"),
        0x2b: ("nested", "IF.IFLA_XDP_ATTRS", "IFLA_XDP_???"),
        0x2c: ("e", "IF.IFLA_EVENTS", "IFLA_EVENT_???", "u32"),
        0x34: ("nested", "IFLA_ATTRS", "IFLA_???", "IF.IFLA_PROP_LIST"),
        0x37: ("nested", "IF.IFLA_PROTO_DOWN_REASON_ATTRS", "IFLA_PROTO_DOWN_REASON_???"),
    },
    "IF.IFLA_PROP_LIST": _strs(0x35),   # (IFLA_PROP_LIST: alternative names only)
    # IFLA_AF_SPEC's attributes, by address family: AF_INET's, AF_INET6's, AF_MCTP's
    "IF.IFLA_AF": {2: ("nested", "IF.IFLA_INET_ATTRS", "IFLA_INET_???"),
                   10: ("nested", "IF.IFLA_INET6_ATTRS", "IFLA_INET6_???"),
                   45: ("nested", "IF.IFLA_MCTP_ATTRS", "IFLA_MCTP_???")},
    "IF.IFLA_INET_ATTRS": {1: indexed("<i", "IF.IPV4_DEVCONF", "IPV4_DEVCONF_???")},
    "IF.IFLA_MCTP_ATTRS": {1: "u32"},
    "IF.IFLA_BRIDGE_ATTRS": {
        0: _flags16("IF.IFLA_BRIDGE_FLAGS", "BRIDGE_FLAGS_???"),
        1: ("e", "IF.BRIDGE_MODES", "BRIDGE_MODE_???", "u16"), 2: _vlan_info,
        3: ("nested", "IF.IFLA_BRIDGE_VLAN_TUNNEL_ATTRS", "IFLA_BRIDGE_VLAN_TUNNEL_???")},
    "IF.IFLA_BRIDGE_VLAN_TUNNEL_ATTRS": {
        1: "u32", 2: "u16", 3: _flags16("IF.BRIDGE_VLAN_INFO_FLAGS", "BRIDGE_VLAN_INFO_???")},   # (IFLA_PROP_LIST: alternative names only)
    "IF.IFLA_VF_PORT_ATTRS": {1: ("nested", "IF.IFLA_PORT_ATTRS", "IFLA_PORT_???")},
    "IF.IFLA_PORT_ATTRS": {1: "u32", 2: "str", 3: _port_vsi, 6: "u8", 7: "u16"},
    "IF.IFLA_XDP_ATTRS": {**_u32s(4, 5, 6, 7), 1: "fd", 8: "fd",
                          2: ("e", "IF.XDP_ATTACHED", "XDP_ATTACHED_???", "u8"),
                          3: _flags32("IF.XDP_FLAGS", "XDP_FLAGS_???")},
    "IF.IFLA_PROTO_DOWN_REASON_ATTRS": {1: "x32", 2: "x32"},
    "IF.IFLA_BRPORT_ATTRS": {
        **{t: "u8" for t in (1, 4, 5, 6, 7, 8, 9, 0xa, 0xb, 0xc, 0x13, 0x14, 0x19, 0x1b,
                             0x1c, 0x1d, 0x1e, 0x20, 0x21, 0x23, 0x24, 0x27)},
        **{t: "u16" for t in (2, 0xf, 0x10, 0x11, 0x12)},
        **_u32s(3, 0x25, 0x26),
        **{t: "clock_t" for t in (0x15, 0x16, 0x17)},
        0xd: bridge_id, 0xe: bridge_id, 0x1f: "x16", 0x22: "ifindex"},
    "IF.IFLA_INET6_ATTRS": {
        1: _flags32("IF.INET6_IF_FLAGS", "IF_???"),
        2: indexed("<i", "IF.DEVCONF", "DEVCONF_???"),
        3: indexed("<Q", "IF.IPSTATS_MIB", "IPSTATS_MIB_???"),
        5: ("struct", "<IIII", ("max_reasm_len", "u"), ("tstamp", "u"),
            ("reachable_time", "u"), ("retrans_time", "u")),
        6: indexed("<Q", "IF.ICMP6_MIB", "ICMP6_MIB_???"),
        7: "in6_addr",
        8: ("e", "IF.IN6_ADDR_GEN_MODE", "IN6_ADDR_GEN_MODE_???", "u8"),
        9: "u32"},
}
