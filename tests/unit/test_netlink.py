# SPDX-License-Identifier: GPL-2.0-or-later
"""Netlink messages as strace 6.1 prints the data of sendto/recvfrom/sendmsg on a netlink
socket (the lines its tests netlink_*.c and nlattr_*.c expect). Tables, no tracee: the
decoder is given the registers, a fake memory (data at A) and what the descriptor is."""

from __future__ import annotations

import errno
import struct

import pytest

from fake_memory import A, Memory
from aiotrace._decode import format_entry, format_exit, format_syscall_line

AUDIT, SELINUX, NETFILTER, XFRM, SOCK_DIAG, KOBJECT, ROUTE = 9, 7, 12, 6, 4, 15, 0
DONTWAIT = 0x40


def hdr(length: int, kind: int, flags: int = 1, seq: int = 0, pid: int = 0) -> bytes:
    return struct.pack("<IHHII", length, kind, flags, seq, pid)


def sendto(data: bytes, protocol: int | None, *, length: int | None = None, addr: int = A,
           strsize: int = 32) -> str:
    """The arguments strace prints for sendto(3, addr, length, MSG_DONTWAIT, NULL, 0)."""
    n = len(data) if length is None else length
    text = format_entry("sendto", (3, addr, n, DONTWAIT, 0, 0), Memory(data), strsize=strsize,
                        netlink=lambda fd: protocol)
    tail = ", %d, MSG_DONTWAIT, NULL, 0" % n
    assert text.startswith("3, ") and text.endswith(tail), text
    return text[3:-len(tail)]


NOOP_DUMP = "{nlmsg_len=%d, nlmsg_type=NLMSG_NOOP, nlmsg_flags=NLM_F_REQUEST|0x300, " \
    "nlmsg_seq=%d, nlmsg_pid=0}"
REQ = hdr(20, 1, 0x301) + b"abcd"

# (data, the descriptor's protocol, what strace prints of the buffer)
MESSAGES = [
    # a message without payload: bare; with one: [header, payload]
    (hdr(16, 1000, 1, 0, 1234), AUDIT, "{nlmsg_len=16, nlmsg_type=AUDIT_GET, "
     "nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, nlmsg_pid=1234}"),
    (REQ, -1, "[%s, \"\\x61\\x62\\x63\\x64\"]" % (NOOP_DUMP % (20, 0))),
    # nlmsg_len beyond the buffer, or under a header's size
    (hdr(28, 1, 0x301) + b"abcd", -1, "[%s, \"\\x61\\x62\\x63\\x64\"]"
     % NOOP_DUMP.replace("%d", "28", 1).replace("%d", "0")),
    (hdr(8, 1, 0x301) + b"abcd", -1, NOOP_DUMP.replace("%d", "8", 1).replace("%d", "0")),
    # shorter than a header: in hex
    (b"abcd", -1, '"\\x61\\x62\\x63\\x64"'),
    # two messages: a list of them
    (REQ + REQ, -1, "[[%s, \"\\x61\\x62\\x63\\x64\"], [%s, \"\\x61\\x62\\x63\\x64\"]]"
     % (NOOP_DUMP % (20, 0), NOOP_DUMP % (20, 0))),
    # the second one's length under a header's: its header alone
    (REQ + hdr(4, 1, 0x301), -1, "[[%s, \"\\x61\\x62\\x63\\x64\"], %s]"
     % (NOOP_DUMP % (20, 0), NOOP_DUMP.replace("%d", "4", 1).replace("%d", "0"))),
    # the types and flags of each protocol
    (hdr(16, 0x10, 1), XFRM, "{nlmsg_len=16, nlmsg_type=XFRM_MSG_NEWSA, "
     "nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, nlmsg_pid=0}"),
    (hdr(16, 0x12, 0x300), XFRM, "{nlmsg_len=16, nlmsg_type=XFRM_MSG_GETSA, "
     "nlmsg_flags=NLM_F_DUMP, nlmsg_seq=0, nlmsg_pid=0}"),
    (hdr(16, 0x11, 0x108), XFRM, "{nlmsg_len=16, nlmsg_type=XFRM_MSG_DELSA, "
     "nlmsg_flags=NLM_F_ECHO|NLM_F_NONREC, nlmsg_seq=0, nlmsg_pid=0}"),
    (hdr(16, 0x16, 0x108), XFRM, "{nlmsg_len=16, nlmsg_type=XFRM_MSG_ALLOCSPI, "
     "nlmsg_flags=NLM_F_ECHO|0x100, nlmsg_seq=0, nlmsg_pid=0}"),
    (hdr(16, 0x10), NETFILTER, "{nlmsg_len=16, nlmsg_type=NFNL_MSG_BATCH_BEGIN, "
     "nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, nlmsg_pid=0}"),
    (hdr(16, 0x1FF), NETFILTER, "{nlmsg_len=16, nlmsg_type=NFNL_SUBSYS_CTNETLINK<<8|0xff "
     "/* IPCTNL_MSG_CT_??? */, nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, nlmsg_pid=0}"),
    (hdr(16, 0xFFFF), SELINUX, "{nlmsg_len=16, nlmsg_type=0xffff /* SELNL_MSG_??? */, "
     "nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, nlmsg_pid=0}"),
    # payloads: SELinux's, netfilter's header and attributes, NLMSG_DONE's int
    (hdr(20, 0x10) + struct.pack("<i", -69410901), SELINUX,
     "[{nlmsg_len=20, nlmsg_type=SELNL_MSG_SETENFORCE, nlmsg_flags=NLM_F_REQUEST, "
     "nlmsg_seq=0, nlmsg_pid=0}, {val=-69410901}]"),
    (hdr(19, 0x11) + b"abc", SELINUX, "[{nlmsg_len=19, nlmsg_type=SELNL_MSG_POLICYLOAD, "
     "nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, nlmsg_pid=0}, \"\\x61\\x62\\x63\"]"),
    (hdr(20, 3) + struct.pack("<i", -1412567123), NETFILTER, "[{nlmsg_len=20, "
     "nlmsg_type=NLMSG_DONE, nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, nlmsg_pid=0}, "
     "-1412567123]"),
    (hdr(20, 0xA00) + struct.pack("<BBH", 1, 0, 10), NETFILTER, "[{nlmsg_len=20, "
     "nlmsg_type=NFNL_SUBSYS_NFTABLES<<8|NFT_MSG_NEWTABLE, nlmsg_flags=NLM_F_REQUEST, "
     "nlmsg_seq=0, nlmsg_pid=0}, {nfgen_family=AF_UNIX, version=NFNETLINK_V0, "
     "res_id=NFNL_SUBSYS_NFTABLES}]"),
    (hdr(24, 0xAFF) + struct.pack("<BBH", 1, 0, 0xA00) + struct.pack("<HH", 4, 0xBCD),
     NETFILTER, "[{nlmsg_len=24, nlmsg_type=NFNL_SUBSYS_NFTABLES<<8|0xff /* NFT_MSG_??? */, "
     "nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, nlmsg_pid=0}, {nfgen_family=AF_UNIX, "
     "version=NFNETLINK_V0, res_id=htons(NFNL_SUBSYS_NFTABLES)}, {nla_len=4, "
     "nla_type=0xbcd}]"),
    # an error: the header of the message it answers, then attributes
    (hdr(36, 2) + struct.pack("<i", -errno.EACCES) + hdr(16, 1, 0x301, 42, 1234), -1,
     "[{nlmsg_len=36, nlmsg_type=NLMSG_ERROR, nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, "
     "nlmsg_pid=0}, {error=-EACCES, msg=%s}]"
     % NOOP_DUMP.replace("%d", "16", 1).replace("%d", "42").replace("pid=0", "pid=1234")),
    (hdr(42, 2, 0x101) + struct.pack("<i", -errno.EACCES) + hdr(20, 1) + struct.pack(
        "<HH", 6, 3) + bytes([171, 254]), -1,
     "[{nlmsg_len=42, nlmsg_type=NLMSG_ERROR, nlmsg_flags=NLM_F_REQUEST|NLM_F_CAPPED, "
     "nlmsg_seq=0, nlmsg_pid=0}, [{error=-EACCES, msg={nlmsg_len=20, "
     "nlmsg_type=NLMSG_NOOP, nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, nlmsg_pid=0}}, "
     "[{nla_len=6, nla_type=NLMSGERR_ATTR_COOKIE}, [171, 254]]]]"),
    (hdr(22, 2) + b"42", -1, "[{nlmsg_len=22, nlmsg_type=NLMSG_ERROR, "
     "nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, nlmsg_pid=0}, \"\\x34\\x32\"]"),
    # a udev monitor message on NETLINK_KOBJECT_UEVENT; the kernel's own, a string
    (b"libudev\0" + struct.pack(">I", 0xFEEDCAFE) + struct.pack("<III", 40, 40, 299)
     + struct.pack(">IIII", 0xC370B302, 0x10800000, 0x2000400, 0x10800000) + b"12345678",
     KOBJECT, "[{prefix=\"libudev\", magic=htonl(0xfeedcafe), header_size=40, "
     "properties_off=40, properties_len=299, filter_subsystem_hash=htonl(0xc370b302), "
     "filter_devtype_hash=htonl(0x10800000), filter_tag_bloom_hi=htonl(0x2000400), "
     "filter_tag_bloom_lo=htonl(0x10800000)}, \"12345678\"]"),
    (b"add@/devices\0ACTION=add", KOBJECT, '"add@/devices\\0ACTION=add"'),
    # NETLINK_ROUTE: each type's fixed header, then its attributes
    (hdr(32, 16) + struct.pack("<BxHiII", 1, 772, 0, 1, 0xFABCDEBA), ROUTE,
     "[{nlmsg_len=32, nlmsg_type=RTM_NEWLINK, nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, "
     "nlmsg_pid=0}, {ifi_family=AF_UNIX, ifi_type=ARPHRD_LOOPBACK, ifi_index=0, "
     "ifi_flags=IFF_UP, ifi_change=0xfabcdeba}]"),
    (hdr(27, 29) + b"\1abcdefghij", ROUTE, "[{nlmsg_len=27, nlmsg_type=RTM_DELNEIGH, "
     "nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, nlmsg_pid=0}, {ndm_family=AF_UNIX, ...}]"),
    (hdr(17, 0x39) + b"\2", ROUTE, "[{nlmsg_len=17, nlmsg_type=0x39 /* RTM_??? */, "
     "nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, nlmsg_pid=0}, {family=AF_INET}]"),
    (hdr(20, 0x23) + b"\2\x81\x82\x83", ROUTE, "[{nlmsg_len=20, nlmsg_type=0x23 "
     "/* RTM_??? */, nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, nlmsg_pid=0}, "
     "{family=AF_INET, data=\"\\x81\\x82\\x83\"}]"),
    (hdr(28, 90) + b"\1\0\0\0" + struct.pack("<HH", 8, 0x3FFF) + b"abcd", ROUTE,
     "[{nlmsg_len=28, nlmsg_type=RTM_GETNSID, nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, "
     "nlmsg_pid=0}, {rtgen_family=AF_UNIX}, [{nla_len=8, nla_type=0x3fff /* NETNSA_??? */}, "
     "\"\\x61\\x62\\x63\\x64\"]]"),
    # their attributes' data
    (hdr(32, 22, 0x300) + struct.pack("<BBBBI", 2, 0, 1, 0, 0) + struct.pack("<HH", 8, 1)
     + bytes([12, 34, 56, 78]), ROUTE, "[{nlmsg_len=32, nlmsg_type=RTM_GETADDR, "
     "nlmsg_flags=NLM_F_DUMP, nlmsg_seq=0, nlmsg_pid=0}, {ifa_family=AF_INET, "
     "ifa_prefixlen=0, ifa_flags=IFA_F_SECONDARY, ifa_scope=RT_SCOPE_UNIVERSE, "
     "ifa_index=0}, [{nla_len=8, nla_type=IFA_ADDRESS}, inet_addr(\"12.34.56.78\")]]"),
    (hdr(36, 26, 0x300) + struct.pack("<BBBBBBBBI", 1, 0, 0, 0x10, 0xFD, 2, 0, 2, 0x100)
     + struct.pack("<HHHH", 8, 8, 4, 1), ROUTE, "[{nlmsg_len=36, nlmsg_type=RTM_GETROUTE, "
     "nlmsg_flags=NLM_F_DUMP, nlmsg_seq=0, nlmsg_pid=0}, {rtm_family=AF_UNIX, rtm_dst_len=0, "
     "rtm_src_len=0, rtm_tos=IPTOS_LOWDELAY, rtm_table=RT_TABLE_DEFAULT, "
     "rtm_protocol=RTPROT_KERNEL, rtm_scope=RT_SCOPE_UNIVERSE, rtm_type=RTN_LOCAL, "
     "rtm_flags=RTM_F_NOTIFY}, [{nla_len=8, nla_type=RTA_METRICS}, {nla_len=4, "
     "nla_type=RTAX_LOCK}]]"),
    (hdr(26, 90) + b"\1\0\0\0" + struct.pack("<HH", 6, 1) + b"ab", ROUTE,
     "[{nlmsg_len=26, nlmsg_type=RTM_GETNSID, nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, "
     "nlmsg_pid=0}, {rtgen_family=AF_UNIX}, [{nla_len=6, nla_type=NETNSA_NSID}, "
     "\"\\x61\\x62\"]]"),
    (hdr(28, 90) + b"\1\0\0\0" + struct.pack("<HHi", 8, 1, -2), ROUTE,
     "[{nlmsg_len=28, nlmsg_type=RTM_GETNSID, nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, "
     "nlmsg_pid=0}, {rtgen_family=AF_UNIX}, [{nla_len=8, nla_type=NETNSA_NSID}, -2]]"),
    # NETLINK_SOCK_DIAG: a request or an answer by the flags, by address family
    (hdr(17, 20) + b"\0", SOCK_DIAG, "[{nlmsg_len=17, nlmsg_type=SOCK_DIAG_BY_FAMILY, "
     "nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, nlmsg_pid=0}, {family=AF_UNSPEC}]"),
    (hdr(36, 20) + struct.pack("<BBxxIIII", 16, 255, 0, 3, 1, 2), SOCK_DIAG,
     "[{nlmsg_len=36, nlmsg_type=SOCK_DIAG_BY_FAMILY, nlmsg_flags=NLM_F_REQUEST, "
     "nlmsg_seq=0, nlmsg_pid=0}, {sdiag_family=AF_NETLINK, sdiag_protocol=NDIAG_PROTO_ALL, "
     "ndiag_ino=0, ndiag_show=NDIAG_SHOW_MEMINFO|NDIAG_SHOW_GROUPS, ndiag_cookie=[1, 2]}]"),
    # (bytes after a request whose kind has no attributes: strace ignores them)
    (hdr(44, 20) + struct.pack("<BBxxIIII", 16, 255, 0, 3, 1, 2) + bytes(8), SOCK_DIAG,
     "[{nlmsg_len=44, nlmsg_type=SOCK_DIAG_BY_FAMILY, nlmsg_flags=NLM_F_REQUEST, "
     "nlmsg_seq=0, nlmsg_pid=0}, {sdiag_family=AF_NETLINK, sdiag_protocol=NDIAG_PROTO_ALL, "
     "ndiag_ino=0, ndiag_show=NDIAG_SHOW_MEMINFO|NDIAG_SHOW_GROUPS, ndiag_cookie=[1, 2]}]"),
    (hdr(32, 20, 0x300) + struct.pack("<BBBxIII", 1, 1, 1, 7, 0, 0), SOCK_DIAG,
     "[{nlmsg_len=32, nlmsg_type=SOCK_DIAG_BY_FAMILY, nlmsg_flags=NLM_F_DUMP, nlmsg_seq=0, "
     "nlmsg_pid=0}, {udiag_family=AF_UNIX, udiag_type=SOCK_STREAM, "
     "udiag_state=TCP_ESTABLISHED, udiag_ino=7, udiag_cookie=[0, 0]}]"),
    # inet_diag: the socket id, its ports big-endian, its addresses of the family
    (hdr(72, 20) + struct.pack("<BBBxI", 2, 6, 8, 0x80) + struct.pack(">HH", 52730, 44510)
     + bytes([12, 34, 56, 78]).ljust(16, b"\0") * 2 + struct.pack("<III", 0, 1, 2), SOCK_DIAG,
     "[{nlmsg_len=72, nlmsg_type=SOCK_DIAG_BY_FAMILY, nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, "
     "nlmsg_pid=0}, {sdiag_family=AF_INET, sdiag_protocol=IPPROTO_TCP, "
     "idiag_ext=1<<(INET_DIAG_CONG-1), idiag_states=1<<TCP_CLOSE, id={idiag_sport=htons(52730), "
     "idiag_dport=htons(44510), idiag_src=inet_addr(\"12.34.56.78\"), "
     "idiag_dst=inet_addr(\"12.34.56.78\"), idiag_if=0, idiag_cookie=[1, 2]}}]"),
    (hdr(72, 20) + struct.pack("<BBBxI", 10, 6, 8, 0x80) + struct.pack(">HH", 1, 2)
     + bytes(15) + b"\1" + bytes(16) + struct.pack("<III", 0, 1, 2), SOCK_DIAG,
     "[{nlmsg_len=72, nlmsg_type=SOCK_DIAG_BY_FAMILY, nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, "
     "nlmsg_pid=0}, {sdiag_family=AF_INET6, sdiag_protocol=IPPROTO_TCP, "
     "idiag_ext=1<<(INET_DIAG_CONG-1), idiag_states=1<<TCP_CLOSE, id={idiag_sport=htons(1), "
     "idiag_dport=htons(2), inet_pton(AF_INET6, \"::1\", &idiag_src), "
     "inet_pton(AF_INET6, \"::\", &idiag_dst), idiag_if=0, idiag_cookie=[1, 2]}}]"),
    (hdr(21, 18) + b"\2abcd", SOCK_DIAG, "[{nlmsg_len=21, nlmsg_type=TCPDIAG_GETSOCK, "
     "nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, nlmsg_pid=0}, {idiag_family=AF_INET, ...}]"),
    # not a netlink socket: a string
    (hdr(16, 1000), None, '"\\20\\0\\0\\0\\350\\3\\1\\0\\0\\0\\0\\0\\0\\0\\0\\0"'),
]


@pytest.mark.parametrize("data,protocol,expected", MESSAGES)
def test_messages(data: bytes, protocol: int | None, expected: str) -> None:
    assert sendto(data, protocol) == expected


def test_unreadable() -> None:
    """A header that cannot be read: its address (NULL for 0); a second one:
    ``... /* ADDR */`` after the first."""
    assert sendto(b"", -1, length=16, addr=0) == "NULL"
    assert sendto(b"", -1, length=16, addr=A + 64) == "%#x" % (A + 64)
    assert sendto(REQ, -1, length=40) == "[[%s, \"\\x61\\x62\\x63\\x64\"], ... /* %#x */]" % (
        NOOP_DUMP % (20, 0), A + 20)


@pytest.mark.parametrize("tail", [b"", struct.pack("<Q", 11)])
def test_struct_with_a_newer_field(tail: bytes) -> None:
    """NDTA_STATS: ndts_table_fulls only when the attribute holds it."""
    stats = struct.pack("<10Q", *range(1, 11)) + tail
    n = 20 + 4 + len(stats)
    got = sendto(hdr(n, 66) + b"\20\0\0\0" + struct.pack("<HH", 4 + len(stats), 7) + stats,
                 ROUTE)
    assert got.endswith("ndts_periodic_gc_runs=9, ndts_forced_gc_runs=10%s}]]"
                        % (", ndts_table_fulls=11" if tail else "")), got


def test_abbreviated() -> None:
    """Up to -s messages, then ``...``."""
    data = b"".join(hdr(16, 1, 0x301, i) for i in range(5))
    got = sendto(data, -1, strsize=4)
    assert got == "[" + ", ".join(NOOP_DUMP % (16, i) for i in range(4)) + ", ...]"


def test_recvfrom_and_sendmsg() -> None:
    """recvfrom shows what the call returned (up to its size); sendmsg to a netlink
    address decodes its iovecs' data."""
    mem = Memory(hdr(16, 1000) + bytes(16))
    args = (3, A, 64, 0, 0, 0)
    entry = format_entry("recvfrom", args, mem, netlink=lambda fd: AUDIT)
    text, ret = format_exit("recvfrom", args, 16, mem, entry_text=entry,
                            netlink=lambda fd: AUDIT)
    assert format_syscall_line("recvfrom", text, ret, column=0) == (
        "recvfrom(3, {nlmsg_len=16, nlmsg_type=AUDIT_GET, nlmsg_flags=NLM_F_REQUEST, "
        "nlmsg_seq=0, nlmsg_pid=0}, 64, 0, NULL, NULL) = 16")
    # struct msghdr at A+64, its sockaddr_nl at A+128, its iovec at A+160
    name = struct.pack("<HHII", 16, 0, 0, 0)
    msg = struct.pack("<QI4xQQQQi4x", A + 128, 12, A + 160, 1, 0, 0, 0)
    iov = struct.pack("<QQ", A, 16)
    mem = Memory(hdr(16, 1000) + bytes(48) + msg.ljust(64, b"\0") + name.ljust(32, b"\0") + iov)
    got = format_entry("sendmsg", (3, A + 64, 0), mem, netlink=lambda fd: AUDIT)
    assert "msg_iov=[{iov_base={nlmsg_len=16, nlmsg_type=AUDIT_GET," in got, got


def test_errors_nested_deep() -> None:
    """An error answering an error answering... 400 deep: all of it, as strace prints
    (no recursion limit in the way)."""
    data = hdr(16, 1, 1)
    text = "{nlmsg_len=16, nlmsg_type=NLMSG_NOOP, nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0, " \
        "nlmsg_pid=0}"
    for _ in range(400):
        data = hdr(20 + len(data), 2, 1) + struct.pack("<i", -errno.EACCES) + data
        text = "[{nlmsg_len=%d, nlmsg_type=NLMSG_ERROR, nlmsg_flags=NLM_F_REQUEST, " \
            "nlmsg_seq=0, nlmsg_pid=0}, {error=-EACCES, msg=%s}]" % (len(data), text)
    assert sendto(data, -1, strsize=1 << 20) == text


def test_generic_families_asked_again_a_second_after_a_failure(monkeypatch) -> None:
    """A failed query of the generic netlink families is not kept, but not asked again
    before a second has passed (each may wait up to a second): the messages in between
    print the family id as unknown."""
    from aiotrace._decode import _netlink_genl as G
    answers = [OSError("no descriptor"), {}, {0x1234: "demo"}]
    asked_at = []
    clock = [100.0]

    def ask() -> dict[int, str]:
        asked_at.append(clock[0])
        got = answers.pop(0)
        if isinstance(got, Exception):
            raise got
        return got

    monkeypatch.setattr(G, "_families", None)
    monkeypatch.setattr(G, "_failed_at", None, raising=False)
    monkeypatch.setattr(G, "_ask", ask)
    monkeypatch.setattr(G, "_clock", lambda: clock[0], raising=False)
    for now in (100.0, 100.5, 100.999, 101.0, 101.5, 102.0, 102.1, 500.0):
        clock[0] = now
        text = sendto(hdr(16, 0x1234), 16)
        assert ("nlmsg_type=demo" in text) == (now >= 102.0), (now, text)
        assert ("GENERIC_FAMILY_???" in text) == (now < 102.0), (now, text)
    # a failure, then an empty answer (a failure too), then the names, kept
    assert asked_at == [100.0, 101.0, 102.0] and answers == []


def test_generic_families_a_query_that_timed_out_is_not_asked_again_at_once(monkeypatch):
    """The second is counted from the failure's end: a query that waited its whole
    timeout (a second) is not asked again by the next message (a stall per message)."""
    from aiotrace._decode import _netlink_genl as G
    clock = [100.0]
    asked_at = []

    def ask() -> dict[int, str]:
        asked_at.append(clock[0])
        clock[0] += 1.0   # (the socket's timeout)
        raise OSError("timed out")

    monkeypatch.setattr(G, "_families", None)
    monkeypatch.setattr(G, "_failed_at", None, raising=False)
    monkeypatch.setattr(G, "_ask", ask)
    monkeypatch.setattr(G, "_clock", lambda: clock[0], raising=False)
    for _ in range(3):
        assert "GENERIC_FAMILY_???" in sendto(hdr(16, 0x1234), 16)
    assert asked_at == [100.0]
