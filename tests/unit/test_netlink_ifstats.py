# SPDX-License-Identifier: GPL-2.0-or-later
"""NETLINK_ROUTE's link statistics (_netlink_ifstats), as strace 6.1 prints them: tables,
no tracee."""

from __future__ import annotations

import struct

import pytest

from fake_memory import A, Memory
from aiotrace._decode import format_entry

ROUTE, DONTWAIT, RTM_GETSTATS = 0, 0x40, 94


def attr(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", 4 + len(data), kind) + data + bytes(-len(data) % 4)


def attrs(data: bytes, xstyle: int = 0) -> str:
    """What strace prints of the attributes of an RTM_GETSTATS message."""
    head = struct.pack("<BxxxII", 1, 1, 0)
    msg = struct.pack("<IHHII", 28 + len(data), RTM_GETSTATS, 0x300, 0, 0) + head + data
    text = format_entry("sendto", (3, A, len(msg), DONTWAIT, 0, 0), Memory(msg),
                        netlink=lambda fd: ROUTE, xstyle=xstyle)
    start = text.index("filter_mask=0}, ") + len("filter_mask=0}, ")
    return text[start:text.rindex("], %d, " % len(msg))]


def xstats(kind: int, inner: bytes) -> bytes:   # IFLA_STATS_LINK_XSTATS, of *kind*
    return attr(2, attr(kind, inner))


CASES = [
    (xstats(1, attr(4, struct.pack("<6Q", *range(1, 7)) + b"\xff")),
     "[{nla_len=64, nla_type=IFLA_STATS_LINK_XSTATS}, [{nla_len=60, "
     "nla_type=LINK_XSTATS_TYPE_BRIDGE}, [{nla_len=53, nla_type=BRIDGE_XSTATS_STP}, "
     "{transition_blk=1, transition_fwd=2, rx_bpdu=3, tx_bpdu=4, rx_tcn=5, tx_tcn=6}, "
     '"\\xff"]]]'),
    (xstats(1, attr(1, struct.pack("<QQQQHHI", 1, 2, 3, 4, 5, 2, 7))),
     "[{nla_len=52, nla_type=IFLA_STATS_LINK_XSTATS}, [{nla_len=48, "
     "nla_type=LINK_XSTATS_TYPE_BRIDGE}, [{nla_len=44, nla_type=BRIDGE_XSTATS_VLAN}, "
     "{rx_bytes=1, rx_packets=2, tx_bytes=3, tx_packets=4, vid=5, "
     "flags=BRIDGE_VLAN_INFO_PVID, pad2=0x7}]]]"),
    (xstats(1, attr(1, b"abc")),
     "[{nla_len=16, nla_type=IFLA_STATS_LINK_XSTATS}, [{nla_len=12, "
     "nla_type=LINK_XSTATS_TYPE_BRIDGE}, [{nla_len=7, nla_type=BRIDGE_XSTATS_VLAN}, "
     '"\\x61\\x62\\x63"]]]'),
    (xstats(2, attr(1, attr(9, b"") + attr(12, b""))),
     "[{nla_len=20, nla_type=IFLA_STATS_LINK_XSTATS}, [{nla_len=16, "
     "nla_type=LINK_XSTATS_TYPE_BOND}, [{nla_len=12, nla_type=BOND_XSTATS_3AD}, "
     "[{nla_len=4, nla_type=BOND_3AD_STAT_PAD}, {nla_len=4, "
     "nla_type=0xc /* BOND_XSTATS_??? */}]]]]"),
    (attr(5, attr(28, attr(1, b"x"))),
     "[{nla_len=16, nla_type=IFLA_STATS_AF_SPEC}, [{nla_len=12, nla_type=AF_MPLS}, "
     '[{nla_len=5, nla_type=MPLS_STATS_LINK}, "\\x78"]]]'),
    (attr(5, attr(2, b"x")),
     '[{nla_len=12, nla_type=IFLA_STATS_AF_SPEC}, [{nla_len=5, nla_type=AF_INET}, "\\x78"]]'),
]


@pytest.mark.parametrize("data,expected", CASES)
def test_attributes(data: bytes, expected: str) -> None:
    assert attrs(data) == expected


@pytest.mark.parametrize("xstyle,index", [(0, "[BR_MCAST_DIR_RX]"), (1, "[0]"),
                                          (2, "[0 /* BR_MCAST_DIR_RX */]")])
def test_multicast_pairs(xstyle: int, index: str) -> None:
    """A bridge's multicast counters: pairs indexed by direction, as -X says."""
    got = attrs(xstats(1, attr(2, struct.pack("<30Q", *range(30)))), xstyle)
    assert "{igmp_v1queries=[%s=0, [" % index in got, got
    assert "igmp_parse_errors=14, mld_v1queries=[%s=15, " % index in got, got
    assert got.endswith("mcast_packets=[%s=28, %s=29]}]]]" % (index, index.replace(
        "0", "1", 1).replace("RX", "TX"))), got
