# SPDX-License-Identifier: GPL-2.0-or-later
"""getsockopt and setsockopt, as strace 6.1 prints them (the lines of its tests
sockopt-sol_socket.c, so_linger.c, so_peercred.c, so_error.c, ip_mreq.c, group_req.c,
net-icmp_filter.c, net-packet_mreq.c, net-tpacket_req.c, net-tpacket_stats.c): tables,
no tracee; the decoder is given the registers and a fake memory (the value at A, the
length at L), the one of the call's entry and the one of its exit."""

from __future__ import annotations

import errno
import socket
import struct

import pytest

from fake_memory import A, Memory
from aiotrace._decode import _style, format_entry, format_exit, format_syscall_line

L = A + 0x200        # where getsockopt's length is
EBADF = -errno.EBADF
EBADF_TEXT = "-1 EBADF (Bad file descriptor)"
STYLES = {"abbrev": _style.ABBREV, "raw": _style.RAW, "verbose": _style.VERBOSE}


def _mem(value: bytes, length: int | None) -> Memory:
    buf = bytearray(0x204)
    buf[:len(value)] = value
    if length is not None:
        buf[0x200:0x204] = struct.pack("<i", length)
    return Memory(bytes(buf))


def line(name: str, args: tuple[int, ...], ret: int, entry_mem: Memory, exit_mem: Memory,
         style: str = "abbrev") -> str:
    kw = {"xstyle": STYLES[style]}
    entry = format_entry(name, args, entry_mem, **kw)
    full, rtext = format_exit(name, args, ret, exit_mem, entry_text=entry, **kw)
    return format_syscall_line(name, full, rtext, column=0)


def setsockopt(level: int, opt: int, value: bytes, length: int, ret: int = 0,
               addr: int = A, style: str = "abbrev") -> str:
    mem = _mem(value, None)
    return line("setsockopt", (3, level, opt, addr, length), ret, mem, mem, style)


def getsockopt(level: int, opt: int, value: bytes, ulen: int, rlen: int, ret: int = 0,
               style: str = "abbrev") -> str:
    return line("getsockopt", (3, level, opt, A, L), ret, _mem(b"", ulen), _mem(value, rlen),
                style)


def i32(*v: int) -> bytes:
    return struct.pack("<%di" % len(v), *v)


SET = [
    # levels and names; unknown ones, and a level whose options are numbers
    ((0xFFFFFFFF, 1, b"", 0, EBADF, 0),
     "setsockopt(3, 0xffffffff /* SOL_?? */, 1, NULL, 0) = " + EBADF_TEXT),
    ((263, 0xFFFFFFFF, b"", 0, EBADF, 0),
     "setsockopt(3, SOL_PACKET, 0xffffffff /* PACKET_??? */, NULL, 0) = " + EBADF_TEXT),
    ((1, 26, b"", 0, EBADF, 0), "setsockopt(3, SOL_SOCKET, SO_ATTACH_FILTER, NULL, 0) = "
     + EBADF_TEXT),
    ((6, 1, i32(1), 4), "setsockopt(3, SOL_TCP, TCP_NODELAY, [1], 4) = 0"),
    # an int option: shorter than an int, its address; a negative length too
    ((1, 1, i32(0), 5), "setsockopt(3, SOL_SOCKET, SO_DEBUG, [0], 5) = 0"),
    ((1, 1, i32(0), 3), "setsockopt(3, SOL_SOCKET, SO_DEBUG, 0x10000, 3) = 0"),
    ((1, 3, i32(0), -1), "setsockopt(3, SOL_SOCKET, SO_TYPE, 0x10000, -1) = 0"),
    ((1, 3, b"abcde", 5), 'setsockopt(3, SOL_SOCKET, SO_TYPE, "abcde", 5) = 0'),
    ((1, 13, i32(-15, -42), 9), "setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=-15, "
     "l_linger=-42}, 9) = 0"),
    ((1, 13, i32(-15, -42), 7), "setsockopt(3, SOL_SOCKET, SO_LINGER, 0x10000, 7) = 0"),
    ((1, 74, i32(1), 4), "setsockopt(3, SOL_SOCKET, SO_TXREHASH, [SOCK_TXREHASH_ENABLED], 4)"
     " = 0"),
    ((1, 74, i32(7), 4), "setsockopt(3, SOL_SOCKET, SO_TXREHASH, [7 /* SOCK_TXREHASH_??? */],"
     " 4) = 0"),
    # multicast groups
    ((0, 35, socket.inet_aton("224.0.0.3") + socket.inet_aton("127.0.0.1"), 8),
     'setsockopt(3, SOL_IP, IP_ADD_MEMBERSHIP, {imr_multiaddr=inet_addr("224.0.0.3"), '
     'imr_interface=inet_addr("127.0.0.1")}, 8) = 0'),
    ((0, 35, b"\xe0\0\0\3\x7f\0\0", 7),
     "setsockopt(3, SOL_IP, IP_ADD_MEMBERSHIP, 0x10000, 7) = 0"),
    ((41, 20, socket.inet_pton(socket.AF_INET6, "ff01::c") + struct.pack("<I", 0), 20),
     'setsockopt(3, SOL_IPV6, IPV6_ADD_MEMBERSHIP, {inet_pton(AF_INET6, "ff01::c", '
     '&ipv6mr_multiaddr), ipv6mr_interface=0}, 20) = 0'),
    ((0, 42, struct.pack("<I4xHH4s", 0, 2, 0xFFFF, socket.inet_aton("224.0.0.3")), 136),
     "setsockopt(3, SOL_IP, MCAST_JOIN_GROUP, {gr_interface=0, gr_group={sa_family=AF_INET,"
     ' sin_port=htons(65535), sin_addr=inet_addr("224.0.0.3")}}, 136) = 0'),
    ((0, 42, b"", 135), "setsockopt(3, SOL_IP, MCAST_JOIN_GROUP, 0x10000, 135) = 0"),
    # packet sockets: the structures must have their exact size
    ((263, 5, i32(-1, -1, -1, -1), 16), "setsockopt(3, SOL_PACKET, PACKET_RX_RING, "
     "{tp_block_size=4294967295, tp_block_nr=4294967295, tp_frame_size=4294967295, "
     "tp_frame_nr=4294967295}, 16) = 0"),
    ((263, 5, i32(-1, -1, -1, -1), 17), "setsockopt(3, SOL_PACKET, PACKET_RX_RING, 0x10000,"
     " 17) = 0"),
    ((263, 1, struct.pack("<iHH", 0, 0xFFFF, 9) + b"\xff" * 8, 16),
     "setsockopt(3, SOL_PACKET, PACKET_ADD_MEMBERSHIP, {mr_ifindex=0, mr_type=0xffff /* "
     "PACKET_MR_??? */, mr_alen=9, mr_address=ff:ff:ff:ff:ff:ff:ff:ff}, 16) = 0"),
    ((263, 1, struct.pack("<iHH", 0, 1, 3) + b"\x01\x02\x03" + b"\0" * 5, 16),
     "setsockopt(3, SOL_PACKET, PACKET_ADD_MEMBERSHIP, {mr_ifindex=0, mr_type="
     "PACKET_MR_PROMISC, mr_alen=3, mr_address=01:02:03}, 16) = 0"),
    # ICMP_FILTER: the bits set, or those not set after a ~
    ((255, 1, struct.pack("<I", 1 << 0 | 1 << 8), 4),
     "setsockopt(3, SOL_RAW, ICMP_FILTER, [ICMP_ECHOREPLY ICMP_ECHO], 4) = 0"),
    ((255, 1, struct.pack("<I", ~(1 << 3) & 0xFFFFFFFF), 4),
     "setsockopt(3, SOL_RAW, ICMP_FILTER, ~[ICMP_DEST_UNREACH], 4) = 0"),
    ((255, 1, struct.pack("<I", 1 << 20), 4),
     "setsockopt(3, SOL_RAW, ICMP_FILTER, [0x14 /* ICMP_??? */], 4) = 0"),
    ((255, 1, b"\x01", 1),   # (the bytes not given are set: more than half of them)
     "setsockopt(3, SOL_RAW, ICMP_FILTER, ~[0x1 /* ICMP_??? */ 0x2 /* ICMP_??? */ "
     "ICMP_DEST_UNREACH ICMP_SOURCE_QUENCH ICMP_REDIRECT 0x6 /* ICMP_??? */ "
     "0x7 /* ICMP_??? */], 1) = 0"),
    ((255, 1, b"", 0), "setsockopt(3, SOL_RAW, ICMP_FILTER, 0x10000, 0) = 0"),
    ((270, 11, i32(1), 4), "setsockopt(3, SOL_NETLINK, NETLINK_EXT_ACK, [1], 4) = 0"),
]


@pytest.mark.parametrize("case, expected", SET)
def test_setsockopt(case: tuple, expected: str) -> None:
    level, opt, value, length, *rest = case
    ret = rest[0] if rest else 0
    addr = rest[1] if len(rest) > 1 else A
    text = setsockopt(level, opt, value, length, ret, addr)
    assert text == expected


GET = [
    ((1, 4, i32(111), 4, 4), "getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0"),
    ((1, 4, b"\x6f\0\0", 3, 3), 'getsockopt(3, SOL_SOCKET, SO_ERROR, "\\x6f\\x00\\x00", [3])'
     " = 0"),
    ((1, 4, b"", 0, 0), "getsockopt(3, SOL_SOCKET, SO_ERROR, 0x10000, [0]) = 0"),
    ((1, 1, b"\0\0\0", 3, 3), 'getsockopt(3, SOL_SOCKET, SO_DEBUG, "\\x00\\x00\\x00", [3])'
     " = 0"),
    ((1, 1, i32(0), 5, 4), "getsockopt(3, SOL_SOCKET, SO_DEBUG, [0], [5 => 4]) = 0"),
    ((1, 13, i32(0, 0), 8, 8), "getsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=0, "
     "l_linger=0}, [8]) = 0"),
    ((1, 13, i32(1, 2), 8, 6), 'getsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, '
     'l_linger="\\x02\\x00"}, [8 => 6]) = 0'),
    ((1, 17, struct.pack("<iII", 31120, 0, 0), 13, 12), "getsockopt(3, SOL_SOCKET, "
     "SO_PEERCRED, {pid=31120, uid=0, gid=0}, [13 => 12]) = 0"),
    ((1, 17, struct.pack("<iII", 0x7990, 0, 0), 3, 3), "getsockopt(3, SOL_SOCKET, "
     'SO_PEERCRED, {pid="\\x90\\x79\\x00"}, [3]) = 0'),
    ((1, 17, struct.pack("<iII", 1, 2, 0xFFFFFFFF), 12, 12), "getsockopt(3, SOL_SOCKET, "
     "SO_PEERCRED, {pid=1, uid=2, gid=-1}, [12]) = 0"),
    ((263, 6, i32(1, 2, 3), 12, 12), "getsockopt(3, SOL_PACKET, PACKET_STATISTICS, "
     "{tp_packets=1, tp_drops=2, tp_freeze_q_cnt=3}, [12]) = 0"),
    ((263, 6, i32(1, 2, 3), 12, 4), "getsockopt(3, SOL_PACKET, PACKET_STATISTICS, "
     "{tp_packets=1}, [12 => 4]) = 0"),
    ((255, 1, struct.pack("<I", 1 << 8), 4, 4),
     "getsockopt(3, SOL_RAW, ICMP_FILTER, [ICMP_ECHO], [4]) = 0"),
    ((270, 9, struct.pack("<II", 1, 0x80), 8, 8),
     "getsockopt(3, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, [1, 128], [8]) = 0"),
    ((1, 3, b"abcde", 5, 5), 'getsockopt(3, SOL_SOCKET, SO_TYPE, "abcde", [5]) = 0'),
    # a failed call: the value's address and the length given
    ((263, 6, b"", 12, 12, EBADF), "getsockopt(3, SOL_PACKET, PACKET_STATISTICS, 0x10000, "
     "[12]) = " + EBADF_TEXT),
]


@pytest.mark.parametrize("case, expected", GET)
def test_getsockopt(case: tuple, expected: str) -> None:
    level, opt, value, ulen, rlen, *rest = case
    assert getsockopt(level, opt, value, ulen, rlen, rest[0] if rest else 0) == expected


@pytest.mark.parametrize("style, expected", [
    ("raw", 'setsockopt(3, 0x107, 0x1, {mr_ifindex=0, mr_type=0x1, mr_alen=2, '
     'mr_address="\\x0a\\x0b"}, 16) = 0'),
    ("verbose", "setsockopt(3, 0x107 /* SOL_PACKET */, 0x1 /* PACKET_ADD_MEMBERSHIP */, "
     "{mr_ifindex=0, mr_type=0x1 /* PACKET_MR_PROMISC */, mr_alen=2, "
     'mr_address="\\x0a\\x0b" /* 0a:0b */}, 16) = 0'),
])
def test_styles(style: str, expected: str) -> None:
    value = struct.pack("<iHH", 0, 1, 2) + b"\x0a\x0b" + b"\0" * 6
    assert setsockopt(263, 1, value, 16, style=style) == expected


@pytest.mark.parametrize("style, expected", [
    ("abbrev", "[SOCK_TXREHASH_DEFAULT]"), ("raw", "[255]"),
    ("verbose", "[255 /* SOCK_TXREHASH_DEFAULT */]")])
def test_txrehash_styles(style: str, expected: str) -> None:
    text = setsockopt(1, 74, i32(255), 4, style=style)
    assert expected + ", 4) = 0" in text


def test_odd_memory_is_never_an_error() -> None:
    """Unreadable values and lengths print addresses."""
    for level, opt in [(1, 13), (1, 17), (263, 6), (255, 1), (270, 9), (0, 42), (263, 1)]:
        text = line("getsockopt", (3, level, opt, A + 0x1000, A + 0x2000), 0,
                    Memory(b""), Memory(b""))
        assert "0x11000, 0x12000" in text
        text = setsockopt(level, opt, b"", 200, addr=A + 0x1000)
        assert ", 0x11000, 200)" in text


def test_socket_filter() -> None:
    """A socket filter's loads from the special offsets (SKF_*), with -v."""
    insns = struct.pack("<HBBI", 0x30, 0, 0, 0xFFE00004) + struct.pack(
        "<HBBI", 0x30, 0, 0, 0xFFFFF000) + struct.pack("<HBBI", 0x20, 0, 0, 0xFFF00008) + (
        struct.pack("<HBBI", 0x06, 0, 0, 0xFFFF))
    value = struct.pack("<H6xQ", 4, A + 16) + insns
    mem = _mem(value, None)
    entry = format_entry("setsockopt", (3, 1, 26, A, 16), mem, abbrev=False)
    assert entry == (
        "3, SOL_SOCKET, SO_ATTACH_FILTER, {len=4, filter=[BPF_STMT(BPF_LD|BPF_B|BPF_ABS, "
        "SKF_LL_OFF+4), BPF_STMT(BPF_LD|BPF_B|BPF_ABS, SKF_AD_OFF+SKF_AD_PROTOCOL), "
        "BPF_STMT(BPF_LD|BPF_W|BPF_ABS, SKF_NET_OFF+8), BPF_STMT(BPF_RET|BPF_K, 0xffff)]}, 16")
    raw = format_entry("setsockopt", (3, 1, 26, A, 16), mem, abbrev=False,
                       xstyle=_style.RAW)
    assert "BPF_STMT(0|0x10|0x20, 0xffe00000+4), BPF_STMT(0|0x10|0x20, 0xfffff000+0)" in raw
    # without -v, the filter's address
    assert format_entry("setsockopt", (3, 1, 26, A, 16), mem) == (
        "3, SOL_SOCKET, SO_ATTACH_FILTER, {len=4, filter=0x10010}, 16")
