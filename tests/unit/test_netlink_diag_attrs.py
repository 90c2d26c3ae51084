# SPDX-License-Identifier: GPL-2.0-or-later
"""The attributes of NETLINK_SOCK_DIAG's answers (_netlink_diag_attrs), as strace 6.1
prints them: tables, no tracee."""

from __future__ import annotations

import struct

import pytest

from fake_memory import A, Memory
from aiotrace._decode import format_entry

SOCK_DIAG, DONTWAIT, SOCK_DIAG_BY_FAMILY = 4, 0x40, 20


def attr(kind: int, data: bytes) -> bytes:
    return struct.pack("<HH", 4 + len(data), kind) + data + bytes(-len(data) % 4)


def attrs(head: bytes, data: bytes, after: str) -> str:
    """What strace prints of the attributes of an answer of fixed header *head* (whose
    text ends with *after*)."""
    msg = struct.pack("<IHHII", 16 + len(head) + len(data), SOCK_DIAG_BY_FAMILY, 0x300, 0,
                      0) + head + data
    text = format_entry("sendto", (3, A, len(msg), DONTWAIT, 0, 0), Memory(msg),
                        netlink=lambda fd: SOCK_DIAG)
    start = text.index(after) + len(after)
    return text[start:text.rindex("], %d, " % len(msg))]


UNIX = struct.pack("<BBBxIII", 1, 1, 1, 0, 0, 0)
NETLINK = struct.pack("<BBBBIIIIII", 16, 3, 0, 1, 0, 0, 0, 0, 0, 0)

CASES = [
    (UNIX, attr(1, struct.pack("<II", 7, (8 << 8) | 1)),
     "[{nla_len=12, nla_type=UNIX_DIAG_VFS}, {udiag_vfs_dev=makedev(0x8, 0x1), "
     "udiag_vfs_ino=7}]"),
    (UNIX, attr(3, struct.pack("<II", 5, 6)), "[{nla_len=12, nla_type=UNIX_DIAG_ICONS}, [5, 6]]"),
    (UNIX, attr(4, struct.pack("<II", 1, 2)), "[{nla_len=12, nla_type=UNIX_DIAG_RQLEN}, "
     "{udiag_rqueue=1, udiag_wqueue=2}]"),
    (UNIX, attr(5, struct.pack("<II", 9, 8)), "[{nla_len=12, nla_type=UNIX_DIAG_MEMINFO}, "
     "[[SK_MEMINFO_RMEM_ALLOC]=9, [SK_MEMINFO_RCVBUF]=8]]"),
    (NETLINK, attr(1, struct.pack("<Q", 0xabc)), "[{nla_len=12, nla_type=NETLINK_DIAG_GROUPS}, "
     "[0xabc]]"),
    (NETLINK, attr(4, struct.pack("<I", 0x41)), "[{nla_len=8, nla_type=NETLINK_DIAG_FLAGS}, "
     "NDIAG_FLAG_CB_RUNNING|0x40]"),
    (NETLINK, attr(2, struct.pack("<4I", 1, 2, 3, 4)), "[{nla_len=20, "
     "nla_type=NETLINK_DIAG_RX_RING}, {ndr_block_size=1, ndr_block_nr=2, ndr_frame_size=3, "
     "ndr_frame_nr=4}]"),
]


@pytest.mark.parametrize("head,data,expected", CASES)
def test_answer_attributes(head: bytes, data: bytes, expected: str) -> None:
    assert attrs(head, data, "_cookie=[0, 0]}, ") == expected


def request(data: bytes) -> str:
    """What strace prints of the attributes of an inet_diag_req_v2 (AF_INET, TCP)."""
    head = struct.pack("<BBBxI", 2, 6, 0, 0) + bytes(48)
    msg = struct.pack("<IHHII", 72 + len(data), SOCK_DIAG_BY_FAMILY, 1, 0, 0) + head + data
    text = format_entry("sendto", (3, A, len(msg), DONTWAIT, 0, 0), Memory(msg),
                        netlink=lambda fd: SOCK_DIAG)
    start = text.index("idiag_cookie=[0, 0]}}, ") + len("idiag_cookie=[0, 0]}}, ")
    return text[start:text.rindex("], %d, " % len(msg))]


REQUESTS = [
    (attr(1, struct.pack("<BBH", 7, 1, 2) + struct.pack("<BBxxi", 2, 8, 80) + bytes([1, 2, 3, 4])),
     '[{nla_len=20, nla_type=INET_DIAG_REQ_BYTECODE}, {code=INET_DIAG_BC_S_COND, yes=1, no=2}, '
     '{family=AF_INET, prefix_len=8, port=80, addr=inet_addr("1.2.3.4")}]'),
    (attr(1, struct.pack("<BBH", 10, 0, 0) + struct.pack("<II", 1, 2)),
     "[{nla_len=16, nla_type=INET_DIAG_REQ_BYTECODE}, {code=INET_DIAG_BC_MARK_COND, yes=0, "
     "no=0}, {mark=1, mask=2}]"),
    (attr(1, struct.pack("<BBH", 3, 0, 0) + struct.pack("<BBH", 9, 1, 2)),
     "[{nla_len=12, nla_type=INET_DIAG_REQ_BYTECODE}, {code=INET_DIAG_BC_S_LE, yes=0, no=0}, "
     "{code=INET_DIAG_BC_DEV_COND, yes=1, no=2}]"),
    (attr(1, struct.pack("<BBH", 6, 0, 0) + b"ab"),
     '[{nla_len=10, nla_type=INET_DIAG_REQ_BYTECODE}, {code=INET_DIAG_BC_AUTO, yes=0, no=0}, '
     '"\\x61\\x62"]'),
    # a protocol of any size up to 8 bytes; longer: in hex
    (attr(3, struct.pack("<I", 262)), "[{nla_len=8, nla_type=INET_DIAG_REQ_PROTOCOL}, "
     "IPPROTO_MPTCP]"),
    (attr(3, b"\x06"), "[{nla_len=5, nla_type=INET_DIAG_REQ_PROTOCOL}, IPPROTO_TCP]"),
    (attr(3, bytes(9)), '[{nla_len=13, nla_type=INET_DIAG_REQ_PROTOCOL}, "%s"]' % ("\\x00" * 9)),
]


@pytest.mark.parametrize("data,expected", REQUESTS)
def test_request_attributes(data: bytes, expected: str) -> None:
    assert request(data) == expected


PACKET = struct.pack("<BBHIII", 17, 1, 3, 0, 0, 0)   # struct packet_diag_msg
MCLIST = struct.pack("<IIHH", 0, 5, 6, 2) + b"\xab\xcd".ljust(32, b"\0")

PACKET_CASES = [
    (attr(0, struct.pack("<6I", 0, 2, 1, 2, 3, 1)), "[{nla_len=28, nla_type=PACKET_DIAG_INFO}, "
     "{pdi_index=0, pdi_version=TPACKET_V3, pdi_reserve=1, pdi_copy_thresh=2, pdi_tstamp=3, "
     "pdi_flags=PDI_RUNNING}]"),
    (attr(1, MCLIST), '[{nla_len=48, nla_type=PACKET_DIAG_MCLIST}, [{pdmc_index=0, '
     'pdmc_count=5, pdmc_type=6, pdmc_alen=2, pdmc_addr="\\xab\\xcd"}]]'),
    (attr(7, struct.pack("<HBBI", 0x30, 0, 0, 0xfffff004)), "[{nla_len=12, "
     "nla_type=PACKET_DIAG_FILTER}, [BPF_STMT(BPF_LD|BPF_B|BPF_ABS, "
     "SKF_AD_OFF+SKF_AD_PKTTYPE)]]"),
]


@pytest.mark.parametrize("data,expected", PACKET_CASES)
def test_packet_answer_attributes(data: bytes, expected: str) -> None:
    msg = struct.pack("<IHHII", 16 + len(PACKET) + len(data), SOCK_DIAG_BY_FAMILY, 0x300, 0,
                      0) + PACKET + data
    text = format_entry("sendto", (3, A, len(msg), DONTWAIT, 0, 0), Memory(msg),
                        netlink=lambda fd: SOCK_DIAG, abbrev=False)   # (-v)
    after = "pdiag_cookie=[0, 0]}, "
    assert text[text.index(after) + len(after):text.rindex("], %d, " % len(msg))] == expected


SMC = struct.pack("<BBBB", 43, 1, 0, 0) + bytes(48) + struct.pack("<IQ", 0, 0)   # smc_diag_msg
SMC_CASES = [
    (attr(3, b"\x23"), "[{nla_len=5, nla_type=SMC_DIAG_SHUTDOWN}, RCV_SHUTDOWN|SEND_SHUTDOWN|0x20]"),
    (attr(5, struct.pack("<II", 0x3020000, 7)), "[{nla_len=12, nla_type=SMC_DIAG_FALLBACK}, "
     "{reason=0x3020000 /* SMC_CLC_DECL_IPSEC */, peer_diagnosis=0x7 /* SMC_CLC_DECL_??? */}]"),
    (attr(2, struct.pack("<B64sB40s40sB", 1, b"mlx", 2, b"g" * 40, b"p", 1)),
     '[{nla_len=151, nla_type=SMC_DIAG_LGRINFO}, {lnk=[{link_id=1, ibname="mlx", ibport=2, '
     'gid="%s"..., peer_gid="p"}], role=SMC_SERV}]' % ("g" * 40)),   # (no NUL: ...)
]


@pytest.mark.parametrize("data,expected", SMC_CASES)
def test_smc_answer_attributes(data: bytes, expected: str) -> None:
    assert attrs(SMC, data, "diag_inode=0}, ") == expected


INET = struct.pack("<BBBB", 2, 1, 0, 0) + bytes(48) + bytes(20)   # struct inet_diag_msg

def md5sig(fam: int, prefix: int, keylen: int, addr: bytes) -> bytes:
    return struct.pack("<BBH16s", fam, prefix, keylen, addr) + b"\x4f" * 80


MD5_V4 = md5sig(2, 66, 1, bytes([222, 173, 250, 206]))
MD5_V6 = md5sig(10, 190, 2, bytes.fromhex("deadfacecafe00000000facebadc0ded"))
MD5_ODD = md5sig(0x2e, 0, 45067, b"\x01" * 16)

INET_CASES = [
    (attr(8, b"\x17"), 0, "[{nla_len=5, nla_type=INET_DIAG_SHUTDOWN}, "
     "0x17 /* RCV_SHUTDOWN|SEND_SHUTDOWN|0x14 */]"),
    (attr(8, b"\x17"), 1, "[{nla_len=5, nla_type=0x8}, 0x17]"),
    (attr(8, b"\0"), 0, "[{nla_len=5, nla_type=INET_DIAG_SHUTDOWN}, 0]"),
    (attr(1, struct.pack("<4I", 1, 2, 3, 4)), 0, "[{nla_len=20, nla_type=INET_DIAG_MEMINFO}, "
     "{idiag_rmem=1, idiag_wmem=2, idiag_fmem=3, idiag_tmem=4}]"),
    (attr(16, struct.pack("<5I", 0xab, 0, 1, 2, 3)), 0, "[{nla_len=24, "
     "nla_type=INET_DIAG_BBRINFO}, {bbr_bw_lo=0xab, bbr_bw_hi=0, bbr_min_rtt=1, "
     "bbr_pacing_gain=2, bbr_cwnd_gain=3}]"),
    (attr(4, b"cubic\0"), 0, '[{nla_len=10, nla_type=INET_DIAG_CONG}, "cubic"]'),
    # INET_DIAG_MD5SIG: struct tcp_diag_md5sig's (100 bytes), the address by family, the
    # key up to tcpm_keylen (80 bytes at most); fewer than 100 bytes: in hex
    (attr(18, MD5_V4 + MD5_V6 + MD5_ODD), 0, "[{nla_len=304, nla_type=INET_DIAG_MD5SIG}, "
     '[{tcpm_family=AF_INET, tcpm_prefixlen=66, tcpm_keylen=1, tcpm_addr=inet_addr('
     '"222.173.250.206"), tcpm_key="\\x4f"}, {tcpm_family=AF_INET6, tcpm_prefixlen=190, '
     'tcpm_keylen=2, inet_pton(AF_INET6, "dead:face:cafe::face:badc:ded", &tcpm_addr), '
     'tcpm_key="\\x4f\\x4f"}, {tcpm_family=0x2e /* AF_??? */, tcpm_prefixlen=0, '
     'tcpm_keylen=45067, tcpm_addr="%s", tcpm_key="%s"}]]' % ("\\x01" * 16, "\\x4f" * 80)),
    (attr(18, b"abcd"), 0, '[{nla_len=8, nla_type=INET_DIAG_MD5SIG}, "\\x61\\x62\\x63\\x64"]'),
]


@pytest.mark.parametrize("data,xstyle,expected", INET_CASES)
def test_inet_answer_attributes(data: bytes, xstyle: int, expected: str) -> None:
    """inet_diag answers' attributes; INET_DIAG_SHUTDOWN's flags with their number."""
    msg = struct.pack("<IHHII", 16 + len(INET) + len(data), SOCK_DIAG_BY_FAMILY, 0x300, 0,
                      0) + INET + data
    text = format_entry("sendto", (3, A, len(msg), DONTWAIT, 0, 0), Memory(msg),
                        netlink=lambda fd: SOCK_DIAG, xstyle=xstyle)
    after = "idiag_inode=0}, "
    assert text[text.index(after) + len(after):text.rindex("], %d, " % len(msg))] == expected
