# SPDX-License-Identifier: GPL-2.0-or-later
"""NETLINK_ROUTE's attributes of _netlink_rtattr_more (cache reports, next hops) and the
addresses of attributes in each -X style, as strace 6.1 prints them: tables, no tracee."""

from __future__ import annotations

import struct

import pytest

from fake_memory import A, Memory
from aiotrace._decode import format_entry

ROUTE, DONTWAIT = 0, 0x40
RTM_NEWCACHEREPORT, RTM_GETNEXTHOP = 0x60, 0x6a


def attr(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", 4 + len(data), kind) + data + bytes(-len(data) % 4)


def message(kind: int, flags: int, payload: bytes) -> bytes:
    return struct.pack("<IHHII", 16 + len(payload), kind, flags, 0, 0) + payload


def payload(data: bytes, xstyle: str = "abbrev") -> str:
    """What strace prints after the netlink header of sendto's buffer *data*."""
    style = {"abbrev": 0, "raw": 1, "verbose": 2}[xstyle]
    text = format_entry("sendto", (3, A, len(data), DONTWAIT, 0, 0), Memory(data),
                        netlink=lambda fd: ROUTE, xstyle=style)
    start = text.index("}, ") + 3
    return text[start:text.rindex("]", 0, text.index(", %d, " % len(data)))]


NH = struct.pack("<BBBxI", 1, 255, 0, 0x22)   # struct nhmsg: AF_UNIX, RT_SCOPE_NOWHERE
NH_HEAD = ("{nh_family=AF_UNIX, nh_scope=RT_SCOPE_NOWHERE, nh_protocol=RTPROT_UNSPEC, "
           "nh_flags=RTNH_F_PERVASIVE|RTNH_F_UNRESOLVED}, ")

CASES = [
    # a cache report: its family RTNL_FAMILY_... or AF_..., then that family's attributes
    (RTM_NEWCACHEREPORT, b"\x80\0\0\0" + attr(1, b"\x02"),
     "{rtgen_family=RTNL_FAMILY_IPMR}, [{nla_len=5, nla_type=IPMRA_CREPORT_MSGTYPE}, "
     "IGMPMSG_WRONGVIF]"),
    (RTM_NEWCACHEREPORT, b"\x80\0\0\0" + attr(3, bytes([1, 2, 3, 4])),
     '{rtgen_family=RTNL_FAMILY_IPMR}, [{nla_len=8, nla_type=IPMRA_CREPORT_SRC_ADDR}, '
     'inet_addr("1.2.3.4")]'),
    (RTM_NEWCACHEREPORT, b"\x81\0\0\0" + attr(1, b"\x09") + attr(2, struct.pack("<I", 7)),
     "{rtgen_family=RTNL_FAMILY_IP6MR}, [[{nla_len=5, nla_type=IP6MRA_CREPORT_MSGTYPE}, "
     "0x9 /* MRT6MSG_??? */], [{nla_len=8, nla_type=IP6MRA_CREPORT_MIF_ID}, 7]]"),
    (RTM_NEWCACHEREPORT, b"\x2e\0\0\0", "{rtgen_family=0x2e /* RTNL_FAMILY_??? */}"),
    (RTM_NEWCACHEREPORT, b"\x02\0\0\0abcd", '{rtgen_family=AF_INET}, "\\x61\\x62\\x63\\x64"'),
    # next hops: a group (an array; reserved fields when not 0), its type, resilient groups
    (RTM_GETNEXTHOP, NH + attr(2, struct.pack("<IBBH", 5, 1, 0, 0) + struct.pack(
        "<IBBH", 6, 2, 3, 0xdead) + b"xyz"),
     NH_HEAD + "[{nla_len=23, nla_type=NHA_GROUP}, [{id=5, weight=1}, "
     "{id=6, weight=2, resvd1=0x3, resvd2=0xdead}]]"),
    (RTM_GETNEXTHOP, NH + attr(2, b"xyz"),
     NH_HEAD + '[{nla_len=7, nla_type=NHA_GROUP}, "\\x78\\x79\\x7a"]'),
    (RTM_GETNEXTHOP, NH + attr(3, b"\1\0"),
     NH_HEAD + "[{nla_len=6, nla_type=NHA_GROUP_TYPE}, NEXTHOP_GRP_TYPE_RES]"),
    (RTM_GETNEXTHOP, NH + attr(12, attr(2, b"\x64\0\0")),
     NH_HEAD + "[{nla_len=12, nla_type=NHA_RES_GROUP}, [{nla_len=7, "
     "nla_type=NHA_RES_GROUP_IDLE_TIMER}, 100 /* 1.00 s */]]"),
    (RTM_GETNEXTHOP, NH + attr(13, attr(1, b"\x03\0")),
     NH_HEAD + "[{nla_len=12, nla_type=NHA_RES_BUCKET}, [{nla_len=6, "
     "nla_type=NHA_RES_BUCKET_INDEX}, 3]]"),
]


@pytest.mark.parametrize("kind,data,expected", CASES)
def test_attributes(kind: int, data: bytes, expected: str) -> None:
    assert payload(message(kind, 0x300, data)) == expected


@pytest.mark.parametrize("xstyle,expected", [
    ("abbrev", 'inet_addr("1.2.3.4")'),
    ("raw", '"\\x01\\x02\\x03\\x04"'),
    ("verbose", '"\\x01\\x02\\x03\\x04" /* inet_addr("1.2.3.4") */'),
])
def test_address_in_each_style(xstyle: str, expected: str) -> None:
    """An address attribute: the bytes in hex with -X raw, and the address too verbose."""
    nh = struct.pack("<BBBxI", 2, 0, 0, 0)   # AF_INET
    got = payload(message(RTM_GETNEXTHOP, 0x300, nh + attr(6, bytes([1, 2, 3, 4]))), xstyle)
    assert got.endswith("nla_type=%s}, %s]" % (
        {"abbrev": "NHA_GATEWAY", "raw": "0x6", "verbose": "0x6 /* NHA_GATEWAY */"}[xstyle],
        expected)), got


RT = struct.pack("<BBBBBBBBI", 2, 0, 0, 0, 254, 4, 0, 1, 0)   # struct rtmsg: AF_INET, main
RT_HEAD = ("{rtm_family=AF_INET, rtm_dst_len=0, rtm_src_len=0, rtm_tos=0, "
           "rtm_table=RT_TABLE_MAIN, rtm_protocol=RTPROT_STATIC, rtm_scope=RT_SCOPE_UNIVERSE, "
           "rtm_type=RTN_UNICAST, rtm_flags=0}, ")
NH1 = struct.pack("<HBBi", 8, 1, 2, 0)   # rtnexthop without attributes
NH2 = struct.pack("<HBBi", 16, 0, 0, 0) + attr(5, bytes([1, 2, 3, 4]))   # with RTA_GATEWAY

ROUTES = [
    (attr(9, NH1), "[{nla_len=12, nla_type=RTA_MULTIPATH}, {rtnh_len=8, "
     "rtnh_flags=RTNH_F_DEAD, rtnh_hops=2, rtnh_ifindex=0}]"),
    (attr(9, NH1 + NH2), "[{nla_len=28, nla_type=RTA_MULTIPATH}, [{rtnh_len=8, "
     "rtnh_flags=RTNH_F_DEAD, rtnh_hops=2, rtnh_ifindex=0}, [{rtnh_len=16, rtnh_flags=0, "
     'rtnh_hops=0, rtnh_ifindex=0}, [{nla_len=8, nla_type=RTA_GATEWAY}, '
     'inet_addr("1.2.3.4")]]]]'),
    (attr(18, struct.pack("<H", 2) + bytes([5, 6, 7, 8])),
     '[{nla_len=10, nla_type=RTA_VIA}, {rtvia_family=AF_INET, '
     'rtvia_addr=inet_addr("5.6.7.8")}]'),
    (attr(21, struct.pack("<H", 4)), "[{nla_len=6, nla_type=RTA_ENCAP_TYPE}, "
     "LWTUNNEL_ENCAP_IP6]"),
    (attr(17, struct.pack("<3Q", 1, 2, 3)), "[{nla_len=28, nla_type=RTA_MFC_STATS}, "
     "{mfcs_packets=1, mfcs_bytes=2, mfcs_wrong_if=3}]"),
]


@pytest.mark.parametrize("data,expected", ROUTES)
def test_route_attributes(data: bytes, expected: str) -> None:
    assert payload(message(26, 0x300, RT + data)) == RT_HEAD + expected


ND = struct.pack("<BxxxiHBB", 2, 0, 0, 0, 0)   # struct ndmsg: AF_INET
ND_HEAD = ("{ndm_family=AF_INET, ndm_ifindex=0, ndm_state=NUD_NONE, ndm_flags=0, "
           "ndm_type=RTN_UNSPEC}, ")

NEIGHBOURS = [
    (attr(2, bytes([0xf8, 0xc2, 0x49])), "[{nla_len=7, nla_type=NDA_LLADDR}, f8:c2:49]"),
    (attr(6, b"\x12\x34"), "[{nla_len=6, nla_type=NDA_PORT}, htons(4660)]"),
    (attr(3, struct.pack("<4I", 1, 2, 3, 4)), "[{nla_len=20, nla_type=NDA_CACHEINFO}, "
     "{ndm_confirmed=1, ndm_used=2, ndm_updated=3, ndm_refcnt=4}]"),
    (attr(16, b"\0\0"), "[{nla_len=6, nla_type=NDA_NDM_STATE_MASK}, NUD_NONE]"),
    (attr(17, b"\x08"), "[{nla_len=5, nla_type=NDA_NDM_FLAGS_MASK}, NTF_PROXY]"),
    (attr(15, struct.pack("<I", 3)), "[{nla_len=8, nla_type=NDA_FLAGS_EXT}, "
     "NTF_EXT_MANAGED|0x2]"),
    (attr(14, attr(1, b"\x02")), "[{nla_len=12, nla_type=NDA_FDB_EXT_ATTRS}, [{nla_len=5, "
     "nla_type=NFEA_ACTIVITY_NOTIFY}, FDB_NOTIFY_INACTIVE_BIT]]"),
]


@pytest.mark.parametrize("data,expected", NEIGHBOURS)
def test_neighbour_attributes(data: bytes, expected: str) -> None:
    assert payload(message(30, 0x300, ND + data)) == ND_HEAD + expected


BPM = struct.pack("<BxxxI", 7, 0)   # struct br_port_msg: AF_BRIDGE
BPM_HEAD = "{family=AF_BRIDGE, ifindex=0}, "
# (strace takes the entry's big-endian protocol for an address family: 2, AF_INET)
ENTRY = struct.pack("<IBBH", 0, 1, 1, 5) + bytes([224, 0, 0, 1]).ljust(16, b"\0") + b"\0\x02\0\0"

MDB = [
    (attr(1, attr(1, attr(1, ENTRY))),
     "[{nla_len=40, nla_type=MDBA_MDB}, [{nla_len=36, nla_type=MDBA_MDB_ENTRY}, "
     "[{nla_len=32, nla_type=MDBA_MDB_ENTRY_INFO}, {ifindex=0, state=MDB_PERMANENT, "
     'flags=MDB_FLAGS_OFFLOAD, vid=5, addr={u=inet_addr("224.0.0.1"), '
     "proto=htons(AF_INET)}}]]]"),
    (attr(2, attr(1, struct.pack("<I", 0) + attr(2, b"\x02"))),
     "[{nla_len=20, nla_type=MDBA_ROUTER}, [{nla_len=16, nla_type=MDBA_ROUTER_PORT}, 0, "
     "[{nla_len=5, nla_type=MDBA_ROUTER_PATTR_TYPE}, MDB_RTR_TYPE_PERM]]]"),
    (attr(2, attr(1, b"abc")),
     '[{nla_len=12, nla_type=MDBA_ROUTER}, [{nla_len=7, nla_type=MDBA_ROUTER_PORT}, '
     '"\\x61\\x62\\x63"]]'),
]


@pytest.mark.parametrize("data,expected", MDB)
def test_multicast_database_attributes(data: bytes, expected: str) -> None:
    assert payload(message(86, 0x300, BPM + data)) == BPM_HEAD + expected


TC = struct.pack("<BxxxiIII", 1, 0, 0, 0, 0)   # struct tcmsg: AF_UNIX
TC_HEAD = "{tcm_family=AF_UNIX, tcm_ifindex=0, tcm_handle=0, tcm_parent=0, tcm_info=0}, "

TRAFFIC_CONTROL = [
    (attr(5, b"\xfe\x03"), "[{nla_len=6, nla_type=TCA_RATE}, {interval=-2, ewma_log=3}]"),
    (attr(7, attr(1, struct.pack("<QI", 5, 6))), "[{nla_len=20, nla_type=TCA_STATS2}, "
     "[{nla_len=16, nla_type=TCA_STATS_BASIC}, {bytes=5, packets=6}]]"),
    (attr(7, attr(3, struct.pack("<5I", 1, 2, 3, 4, 5))), "[{nla_len=28, "
     "nla_type=TCA_STATS2}, [{nla_len=24, nla_type=TCA_STATS_QUEUE}, {qlen=1, backlog=2, "
     "drops=3, requeues=4, overlimits=5}]]"),
    (attr(8, attr(2, struct.pack("<HH", 7, 8) + b"x")), "[{nla_len=16, nla_type=TCA_STAB}, "
     "[{nla_len=9, nla_type=TCA_STAB_DATA}, [7, 8]]]"),
    (attr(8, attr(1, struct.pack("<BBhiIIII", 1, 2, -3, -4, 5, 6, 7, 8))),
     "[{nla_len=32, nla_type=TCA_STAB}, [{nla_len=28, nla_type=TCA_STAB_BASE}, {cell_log=1, "
     "size_log=2, cell_align=-3, overhead=-4, linklayer=5, mpu=6, mtu=7, tsize=8}]]"),
]


@pytest.mark.parametrize("data,expected", TRAFFIC_CONTROL)
def test_traffic_control_attributes(data: bytes, expected: str) -> None:
    assert payload(message(38, 0x300, TC + data)) == TC_HEAD + expected


def test_multipath_nested_deeply_is_decoded_to_a_depth_then_in_hex() -> None:
    """RTA_MULTIPATH inside a next hop's attributes, nested a thousand times (a message
    of 12 KB): the first levels decoded, the deeper ones in hex, never the recursion
    limit (which left the whole call undecoded)."""
    from aiotrace._decode._netlink_rtattr_more import MULTIPATH_DEPTH
    inner = b""
    for _ in range(1000):
        inner = attr(9, struct.pack("<HBBi", 8 + len(inner), 0, 0, 0) + inner)
    got = payload(message(26, 0x300, RT + inner))
    assert got.startswith(RT_HEAD + "[{nla_len=12000, nla_type=RTA_MULTIPATH}, [{rtnh_len=11996")
    assert got.count("nla_type=RTA_MULTIPATH") == MULTIPATH_DEPTH + 1
    assert got.endswith('"...]' + "]" * (2 * MULTIPATH_DEPTH + 1))
