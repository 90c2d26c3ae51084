# SPDX-License-Identifier: GPL-2.0-or-later
"""NETLINK_ROUTE's link attributes (_netlink_ifla), as strace 6.1 prints them: tables,
no tracee."""

from __future__ import annotations

import struct

import pytest

from fake_memory import A, Memory
from aiotrace._decode import format_entry

ROUTE, DONTWAIT, RTM_GETLINK = 0, 0x40, 18


def attr(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", 4 + len(data), kind) + data + bytes(-len(data) % 4)


def attrs(family: int, data: bytes, xstyle: int = 0) -> str:
    """What strace prints of the attributes of an RTM_GETLINK message of *family*."""
    ifi = struct.pack("<BxHiII", family, 772, 1, 1, 0)
    msg = struct.pack("<IHHII", 32 + len(data), RTM_GETLINK, 0x300, 0, 0) + ifi + data
    text = format_entry("sendto", (3, A, len(msg), DONTWAIT, 0, 0), Memory(msg),
                        netlink=lambda fd: ROUTE, xstyle=xstyle)
    start = text.index("ifi_change=0}, ") + len("ifi_change=0}, ")
    return text[start:text.rindex("], %d, " % len(msg))]


AF_UNIX, AF_BRIDGE, AF_INET6 = 1, 7, 10
STATS = tuple(range(1, 25))

CASES = [
    (AF_UNIX, attr(0x25, struct.pack("<i", -5)), "[{nla_len=8, nla_type=IFLA_LINK_NETNSID}, -5]"),
    (AF_UNIX, attr(0x1d, struct.pack("<I", 0x81)),
     "[{nla_len=8, nla_type=IFLA_EXT_MASK}, RTEXT_FILTER_VF|0x80]"),
    (AF_UNIX, attr(0x2c, struct.pack("<I", 9)),
     "[{nla_len=8, nla_type=IFLA_EVENT}, 0x9 /* IFLA_EVENT_??? */]"),
    # statistics: the whole structure, or an older one of that exact size, or in hex
    (AF_UNIX, attr(7, struct.pack("<24I", *STATS)),
     "[{nla_len=100, nla_type=IFLA_STATS}, {rx_packets=1, tx_packets=2, rx_bytes=3, "
     "tx_bytes=4, rx_errors=5, tx_errors=6, rx_dropped=7, tx_dropped=8, multicast=9, "
     "collisions=10, rx_length_errors=11, rx_over_errors=12, rx_crc_errors=13, "
     "rx_frame_errors=14, rx_fifo_errors=15, rx_missed_errors=16, tx_aborted_errors=17, "
     "tx_carrier_errors=18, tx_fifo_errors=19, tx_heartbeat_errors=20, "
     "tx_window_errors=21, rx_compressed=22, tx_compressed=23, rx_nohandler=24}]"),
    (AF_UNIX, attr(7, b"\1" * 93), None),   # (neither size: in hex)
    (AF_UNIX, attr(0xe, struct.pack("<QQQHBBxx", 1, 2, 0xab, 3, 4, 5)),
     "[{nla_len=34, nla_type=IFLA_MAP}, {mem_start=0x1, mem_end=0x2, base_addr=0xab, "
     "irq=3, dma=4, port=5}]"),
    (AF_UNIX, attr(0x34, attr(0x35, b"eth0\0") + attr(3, b"lo\0")),
     '[{nla_len=24, nla_type=IFLA_PROP_LIST}, [[{nla_len=9, nla_type=IFLA_ALT_IFNAME}, '
     '"eth0"], [{nla_len=7, nla_type=IFLA_IFNAME}, "\\x6c\\x6f\\x00"]]]'),
    (AF_UNIX, attr(0x2b, attr(2, b"\3") + attr(3, struct.pack("<I", 3))),
     "[{nla_len=20, nla_type=IFLA_XDP}, [[{nla_len=5, nla_type=IFLA_XDP_ATTACHED}, "
     "XDP_ATTACHED_HW], [{nla_len=8, nla_type=IFLA_XDP_FLAGS}, "
     "XDP_FLAGS_UPDATE_IF_NOEXIST|XDP_FLAGS_SKB_MODE]]]"),
    (AF_UNIX, attr(0x19, attr(3, bytes([1, 2, 3, 4, 5, 0, 0, 9]))),
     '[{nla_len=16, nla_type=IFLA_PORT_SELF}, [{nla_len=12, nla_type=IFLA_PORT_VSI_TYPE}, '
     '{vsi_mgr_id=1, vsi_type_id="\\x02\\x03\\x04", vsi_type_version=5, '
     'pad="\\x00\\x00\\x09"}]]'),
    # IFLA_PROTINFO: a bridge port's attributes, or IPv6's, or in hex
    (AF_BRIDGE, attr(0xc, attr(0x15, b"\x64\0\0\0\0")),
     "[{nla_len=16, nla_type=IFLA_PROTINFO}, [{nla_len=9, "
     "nla_type=IFLA_BRPORT_MESSAGE_AGE_TIMER}, 100 /* 1.00 s */]]"),
    (AF_BRIDGE, attr(0xc, attr(0xd, bytes([1, 2, 0xab, 0xcd, 0xef, 1, 2, 3]))),
     "[{nla_len=16, nla_type=IFLA_PROTINFO}, [{nla_len=12, nla_type=IFLA_BRPORT_ROOT_ID}, "
     "{prio=[1, 2], addr=ab:cd:ef:01:02:03}]]"),
    (AF_BRIDGE, attr(0xc, attr(0x1f, b"\0\0")),
     "[{nla_len=12, nla_type=IFLA_PROTINFO}, [{nla_len=6, "
     "nla_type=IFLA_BRPORT_GROUP_FWD_MASK}, 0]]"),
    (AF_INET6, attr(0xc, attr(2, struct.pack("<ii", -1, 64) + b"xy")),
     "[{nla_len=20, nla_type=IFLA_PROTINFO}, [{nla_len=14, nla_type=IFLA_INET6_CONF}, "
     "[[DEVCONF_FORWARDING]=-1, [DEVCONF_HOPLIMIT]=64]]]"),
    (AF_INET6, attr(0xc, attr(8, b"\x07")),
     "[{nla_len=12, nla_type=IFLA_PROTINFO}, [{nla_len=5, nla_type=IFLA_INET6_ADDR_GEN_MODE}, "
     "0x7 /* IN6_ADDR_GEN_MODE_??? */]]"),
    (AF_UNIX, attr(0xc, b"ab"), '[{nla_len=6, nla_type=IFLA_PROTINFO}, "\\x61\\x62"]'),
]


@pytest.mark.parametrize("family,data,expected", CASES)
def test_attributes(family: int, data: bytes, expected: str | None) -> None:
    got = attrs(family, data)
    if expected is None:
        assert got.startswith("[{nla_len=97, nla_type=IFLA_STATS}, \"\\x01"), got
    else:
        assert got == expected


@pytest.mark.parametrize("xstyle,expected", [
    (1, "[{nla_len=16, nla_type=0xc}, [{nla_len=12, nla_type=0x2}, [[0]=-1, [1]=64]]]"),
    (2, "[{nla_len=16, nla_type=0xc /* IFLA_PROTINFO */}, [{nla_len=12, nla_type=0x2 "
        "/* IFLA_INET6_CONF */}, [[0 /* DEVCONF_FORWARDING */]=-1, "
        "[1 /* DEVCONF_HOPLIMIT */]=64]]]"),
])
def test_indices_in_each_style(xstyle: int, expected: str) -> None:
    """An indexed array: the index's number raw, with its name verbose."""
    got = attrs(AF_INET6, attr(0xc, attr(2, struct.pack("<ii", -1, 64))), xstyle)
    assert got == expected


def vfinfo(kind: int, data: bytes) -> bytes:   # IFLA_VFINFO_LIST > IFLA_VF_INFO > *kind*
    return attr(0x16, attr(1, attr(kind, data)))


VF_CASES = [
    (vfinfo(5, struct.pack("<II", 7, 1)), "{vf=7, link_state=IFLA_VF_LINK_STATE_ENABLE}"),
    (vfinfo(6, struct.pack("<III", 1, 2, 3)), "{vf=1, min_tx_rate=2, max_tx_rate=3}"),
    (vfinfo(10, struct.pack("<IQ", 1, 0xab)), "{vf=1, guid=0xab}"),
    (vfinfo(10, struct.pack("<I4xQ", 1, 0xab)), "{vf=1, guid=0xab}"),
    (vfinfo(10, struct.pack("<IQ", 1, 0xab) + b"x"), '"\\x01\\x00'),   # (neither size)
    (vfinfo(1, struct.pack("<I", 2) + bytes(range(0x80, 0xa0))),
     "{vf=2, mac=" + ":".join("%02x" % b for b in range(0x80, 0xa0)) + "}"),
    (vfinfo(12, attr(1, struct.pack("<III", 1, 2, 3) + b"\x08\x00\0\0")),
     "[{nla_len=20, nla_type=IFLA_VF_VLAN_INFO}, {vf=1, vlan=2, qos=3, "
     "vlan_proto=htons(ETH_P_IP)}]"),
    (vfinfo(8, attr(7, struct.pack("<Q", 5))),
     "[{nla_len=12, nla_type=IFLA_VF_STATS_RX_DROPPED}, 5]"),
]


@pytest.mark.parametrize("data,expected", VF_CASES)
def test_virtual_functions(data: bytes, expected: str) -> None:
    got = attrs(AF_UNIX, data)
    assert got.startswith("[{nla_len=%d, nla_type=IFLA_VFINFO_LIST}, [{nla_len=%d, "
                          "nla_type=IFLA_VF_INFO}, [{nla_len=" % (len(data), len(data) - 4)), got
    assert expected in got, got


def test_virtual_function_mac_raw() -> None:
    """-X raw: a hardware address as its bytes."""
    got = attrs(AF_UNIX, vfinfo(13, bytes([0xab] * 32)), xstyle=1)
    assert got.endswith('{broadcast="%s"}]]]' % ("\\xab" * 32)), got


AF_SPEC_CASES = [
    (AF_UNIX, attr(0x1a, attr(2, attr(1, struct.pack("<i", 1)))),
     "[{nla_len=16, nla_type=IFLA_AF_SPEC}, [{nla_len=12, nla_type=AF_INET}, "
     "[{nla_len=8, nla_type=IFLA_INET_CONF}, [[IPV4_DEVCONF_FORWARDING-1]=1]]]]"),
    (AF_UNIX, attr(0x1a, attr(45, attr(1, struct.pack("<I", 3)))),
     "[{nla_len=16, nla_type=IFLA_AF_SPEC}, [{nla_len=12, nla_type=AF_MCTP}, "
     "[{nla_len=8, nla_type=IFLA_MCTP_NET}, 3]]]"),
    (AF_UNIX, attr(0x1a, attr(1, b"ab")),
     '[{nla_len=12, nla_type=IFLA_AF_SPEC}, [{nla_len=6, nla_type=AF_UNIX}, "\\x61\\x62"]]'),
    (AF_BRIDGE, attr(0x1a, attr(2, struct.pack("<HH", 2, 5) + b"z")),
     '[{nla_len=16, nla_type=IFLA_AF_SPEC}, [{nla_len=9, nla_type=IFLA_BRIDGE_VLAN_INFO}, '
     '{flags=BRIDGE_VLAN_INFO_PVID, vid=5}, "\\x7a"]]'),
    (AF_BRIDGE, attr(0x1a, attr(1, struct.pack("<H", 0xffff))),
     "[{nla_len=12, nla_type=IFLA_AF_SPEC}, [{nla_len=6, nla_type=IFLA_BRIDGE_MODE}, "
     "BRIDGE_MODE_UNDEF]]"),
]


@pytest.mark.parametrize("family,data,expected", AF_SPEC_CASES)
def test_af_spec(family: int, data: bytes, expected: str) -> None:
    """IFLA_AF_SPEC: a bridge's attributes, or each address family's."""
    assert attrs(family, data) == expected


def linkinfo(*parts: bytes) -> bytes:
    return attr(0x12, b"".join(parts))


LINKINFO_CASES = [
    (linkinfo(attr(1, b"bridge\0"), attr(2, attr(7, b"\x01"))),
     '[{nla_len=28, nla_type=IFLA_LINKINFO}, [[{nla_len=11, nla_type=IFLA_INFO_KIND}, '
     '"bridge"], [{nla_len=12, nla_type=IFLA_INFO_DATA}, [{nla_len=5, '
     'nla_type=IFLA_BR_VLAN_FILTERING}, 1]]]]'),
    (linkinfo(attr(1, b"tun\0"), attr(2, attr(3, b"\x02"))),
     '[{nla_len=24, nla_type=IFLA_LINKINFO}, [[{nla_len=8, nla_type=IFLA_INFO_KIND}, "tun"], '
     '[{nla_len=12, nla_type=IFLA_INFO_DATA}, [{nla_len=5, nla_type=IFLA_TUN_TYPE}, '
     'IFF_TAP]]]]'),
    # data before its kind, or of a kind not known: in hex
    (linkinfo(attr(2, b"ab"), attr(1, b"tun\0")),
     '[{nla_len=20, nla_type=IFLA_LINKINFO}, [[{nla_len=6, nla_type=IFLA_INFO_DATA}, '
     '"\\x61\\x62"], [{nla_len=8, nla_type=IFLA_INFO_KIND}, "tun"]]]'),
    (linkinfo(attr(4, b"bridge\0"), attr(5, attr(1, b"\x03"))),
     '[{nla_len=28, nla_type=IFLA_LINKINFO}, [[{nla_len=11, nla_type=IFLA_INFO_SLAVE_KIND}, '
     '"bridge"], [{nla_len=12, nla_type=IFLA_INFO_SLAVE_DATA}, [{nla_len=5, '
     'nla_type=IFLA_BRPORT_STATE}, 3]]]]'),
    (linkinfo(attr(1, b"bridge\0"), attr(2, attr(8, b"\x08\x00"))),
     '[{nla_len=28, nla_type=IFLA_LINKINFO}, [[{nla_len=11, nla_type=IFLA_INFO_KIND}, '
     '"bridge"], [{nla_len=12, nla_type=IFLA_INFO_DATA}, [{nla_len=6, '
     'nla_type=IFLA_BR_VLAN_PROTOCOL}, htons(ETH_P_IP)]]]]'),
]


@pytest.mark.parametrize("data,expected", LINKINFO_CASES)
def test_linkinfo(data: bytes, expected: str) -> None:
    """IFLA_LINKINFO: the data of the kind named before them."""
    assert attrs(AF_UNIX, data) == expected
