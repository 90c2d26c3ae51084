# SPDX-License-Identifier: GPL-2.0-or-later
"""Socket addresses of each family, as strace 6.1 prints them (the lines its tests
net-sockaddr.c and sockaddr_xlat.c expect): tables, no tracee; connect's arguments
decoded from a fake memory (the address at A)."""

from __future__ import annotations

import socket
import struct

import pytest

from fake_memory import A, Memory
from aiotrace._decode import _style, format_entry

STYLES = {"abbrev": _style.ABBREV, "raw": _style.RAW, "verbose": _style.VERBOSE}


def connect(data: bytes, length: int | None = None, style: str = "abbrev") -> str:
    n = len(data) if length is None else length
    return format_entry("connect", (-1, A, n), Memory(data), xstyle=STYLES[style])


def fam(family: int, rest: bytes) -> bytes:
    return struct.pack("<H", family) + rest


def ax25(call: str, ssid: int) -> bytes:
    return bytes(ord(c) << 1 for c in call.ljust(6)) + bytes([ssid << 1])


IN6 = socket.inet_pton(socket.AF_INET6, "12:34:56:78:90:ab:cd:ef")
IN6_ARGS = struct.pack(">HI", 12345, 123456890) + IN6 + struct.pack("<I", 0xFACEFEED)
LINES = [
    # AF_UNIX: the path up to its NUL, at most what the length holds (108 bytes)
    (fam(1, b"0" * 108), 110, '{sa_family=AF_UNIX, sun_path="' + "0" * 108 + '"}'),
    (fam(1, b"0" * 110), 112, '{sa_family=AF_UNIX, sun_path="' + "0" * 108 + '"}'),
    (fam(1, b"\0" + b"0" * 109), 112, '{sa_family=AF_UNIX, sun_path=@"' + "0" * 107 + '"}'),
    (fam(1, b"0\0" + b"0" * 106), 110, '{sa_family=AF_UNIX, sun_path="0"}'),
    (fam(1, b"0"), 3, '{sa_family=AF_UNIX, sun_path="0"}'),
    (fam(1, b""), 2, "{sa_family=AF_UNIX}"),
    # AF_INET, AF_INET6: shorter than their structure, the bytes
    (fam(2, struct.pack(">H", 12345) + socket.inet_aton("12.34.56.78") + bytes(8)), 16,
     '{sa_family=AF_INET, sin_port=htons(12345), sin_addr=inet_addr("12.34.56.78")}'),
    (fam(2, bytes(6) + b"\xff" * 4), 12, '{sa_family=AF_INET, sa_data="\\0\\0\\0\\0\\0\\0'
     '\\377\\377\\377\\377"}'),
    (fam(10, IN6_ARGS), 28, "{sa_family=AF_INET6, sin6_port=htons(12345), sin6_flowinfo="
     'htonl(123456890), inet_pton(AF_INET6, "12:34:56:78:90:ab:cd:ef", &sin6_addr), '
     "sin6_scope_id=4207869677}"),
    (fam(10, IN6_ARGS), 24, "{sa_family=AF_INET6, sin6_port=htons(12345), sin6_flowinfo="
     'htonl(123456890), inet_pton(AF_INET6, "12:34:56:78:90:ab:cd:ef", &sin6_addr)}'),
    # AF_IPX
    (fam(4, struct.pack(">HI", 12345, 0xFACEFEED) + b"ABCDEF\xff\x42"), 16,
     "{sa_family=AF_IPX, sipx_port=htons(12345), sipx_network=htonl(0xfacefeed), "
     "sipx_node=[0x41, 0x42, 0x43, 0x44, 0x45, 0x46], sipx_type=0xff, sipx_zero=0x42}"),
    # AF_AX25: a valid call sign by its name, another by its bytes too, digipeaters
    (fam(3, ax25("VALID", 13) + bytes(3) + struct.pack("<i", 0)), 16,
     "{sa_family=AF_AX25, sax25_call=VALID-13, sax25_ndigis=0}"),
    (fam(3, ax25("VALID", 13) + bytes(3) + struct.pack("<i", 8)), 16,
     "{sa_family=AF_AX25, fsa_ax25={sax25_call=VALID-13, sax25_ndigis=8}, "
     "fsa_digipeater=[...]}"),
    (fam(3, ax25("VALID", 13) + bytes(3) + struct.pack("<i", 2) + ax25("OK", 15)
         + ax25("", 0) + ax25("a", 1) + b"\0"), 38,
     "{sa_family=AF_AX25, fsa_ax25={sax25_call=VALID-13, sax25_ndigis=2}, "
     'fsa_digipeater=[OK-15, *], ...}'),
    (fam(3, ax25("SPA CE", 0) + bytes(3) + struct.pack("<i", 0)), 16,
     '{sa_family=AF_AX25, sax25_call={ax25_call="\\xa6\\xa0\\x82\\x40\\x86\\x8a\\x00"} '
     "/* SPA CE-0 */, sax25_ndigis=0}"),
    # AF_X25: the address up to its NUL, cut at 15 characters
    (fam(9, b"0123456789abcdef"), 18, '{sa_family=AF_X25, sx25_addr={x25_addr='
     '"0123456789abcde"...}}'),
    (fam(9, b"0123456789\0bcdef"), 18, '{sa_family=AF_X25, sx25_addr={x25_addr='
     '"0123456789"}}'),
    # AF_NETLINK: nl_groups as C's %#010x prints it
    (fam(16, struct.pack("<HII", 0xFFFF, 1234567890, 0xFACEFEED)), 12,
     "{sa_family=AF_NETLINK, nl_pad=0xffff, nl_pid=1234567890, nl_groups=0xfacefeed}"),
    (fam(16, struct.pack("<HII", 0, 1, 0)), 12,
     "{sa_family=AF_NETLINK, nl_pid=1, nl_groups=00000000}"),
    # AF_PACKET: the hardware address as long as sll_halen says, what the length holds
    (fam(17, struct.pack(">H", 3) + struct.pack("<IHBB", 0xFACEFEED, 1, 0, 9) + b"abcdefgh"),
     20, "{sa_family=AF_PACKET, sll_protocol=htons(ETH_P_ALL), sll_ifindex=4207869677, "
     "sll_hatype=ARPHRD_ETHER, sll_pkttype=PACKET_HOST, sll_halen=9, sll_addr=[0x61, 0x62,"
     " 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, ...]}"),
    # Bluetooth: which structure, by the length
    (fam(31, struct.pack("<HH", 1, 2)), 6,
     "{sa_family=AF_BLUETOOTH, hci_dev=htobs(1), hci_channel=HCI_CHANNEL_MONITOR}"),
    (fam(31, bytes.fromhex("0102030405067f")), 9,
     "{sa_family=AF_BLUETOOTH, rc_bdaddr=01:02:03:04:05:06, rc_channel=127}"),
    (fam(31, struct.pack("<H", 0x1003) + bytes(6) + struct.pack("<HBx", 0x41, 1)), 14,
     "{sa_family=AF_BLUETOOTH, l2_psm=htobs(L2CAP_PSM_DYN_START+2), "
     "l2_bdaddr=00:00:00:00:00:00, l2_cid=htobs(L2CAP_CID_DYN_START+1), "
     "l2_bdaddr_type=BDADDR_LE_PUBLIC}"),
    (fam(31, b"0"), 3, '{sa_family=AF_BLUETOOTH, sa_data="0"}'),
    # vsock, qrtr, xdp, mctp
    (fam(40, struct.pack("<HIIB3x", 0, 0xFFFFFFFF, 2, 1)), 16,
     "{sa_family=AF_VSOCK, svm_cid=VMADDR_CID_HOST, svm_port=VMADDR_PORT_ANY, "
     "svm_flags=VMADDR_FLAG_TO_HOST}"),
    (fam(42, struct.pack("<HII", 0, 0xFFFFFFFF, 5)), 12,
     "{sa_family=AF_QIPCRTR, sq_node=QRTR_NODE_BCAST, sq_port=0x5}"),
    (fam(44, struct.pack("<HIII", 6, 0, 3, 9)), 16,
     "{sa_family=AF_XDP, sxdp_flags=XDP_COPY|XDP_ZEROCOPY, sxdp_ifindex=0, "
     "sxdp_queue_id=3, sxdp_shared_umem_fd=0x9}"),
    (fam(45, struct.pack("<HIBBBB", 0, 0, 0xFF, 1, 8, 0)), 12,
     "{sa_family=AF_MCTP, smctp_network=MCTP_NET_ANY, smctp_addr={s_addr=MCTP_ADDR_ANY}, "
     "smctp_type=0x1, smctp_tag=0x8}"),
    # rxrpc: its transport address; ieee802154, alg, nfc
    (fam(33, struct.pack("<HHHH", 2500, 1, 16, 2) + struct.pack(">H", 44510)
         + socket.inet_aton("237.254.206.250") + bytes(20)), 36,
     "{sa_family=AF_RXRPC, srx_service=0x9c4 /* YFS_FS_SERVICE */, transport_type="
     "SOCK_STREAM, transport_len=16, transport={sin={sin_family=AF_INET, "
     'sin_port=htons(44510), sin_addr=inet_addr("237.254.206.250")}}}'),
    (fam(33, struct.pack("<HHHH", 2, 2, 5, 1) + b"\xad\xde\xed" + bytes(25)), 36,
     "{sa_family=AF_RXRPC, srx_service=0x2 /* ???_SERVICE */, transport_type=SOCK_DGRAM, "
     'transport_len=5, transport={family=AF_UNIX, "\\255\\336\\355"}}'),
    (fam(36, struct.pack("<HIHH", 0, 2, 0xFFFF, 0xFFFE) + bytes(8)), 20,
     "{sa_family=AF_IEEE802154, addr={addr_type=0x2 /* IEEE802154_ADDR_SHORT */, "
     "pan_id=0xffff /* IEEE802154_PANID_BROADCAST */, short_addr=0xfffe /* "
     "IEEE802154_ADDR_UNDEF */}}"),
    (fam(36, struct.pack("<HIH", 0, 3, 0) + b"\xad\xde" + bytes(8)), 20,
     "{sa_family=AF_IEEE802154, addr={addr_type=0x3 /* IEEE802154_ADDR_LONG */, pan_id=0, "
     "hwaddr=ad:de:00:00:00:00:00:00}}"),
    (fam(38, b"hash".ljust(14, b"\0") + struct.pack("<II", 0x1001, 0) + b"sha256\0\0"), 32,
     '{sa_family=AF_ALG, salg_type="hash", salg_feat=0x1001 /* '
     'CRYPTO_ALG_KERN_DRIVER_ONLY|0x1 */, salg_mask=0, salg_name="sha256"}'),
    (fam(38, b"x" * 14 + bytes(8) + b"12"), 26,
     '{sa_family=AF_ALG, salg_type="xxxxxxxxxxxxx"..., salg_feat=0, salg_mask=0, '
     'salg_name="1"...}'),
    (fam(39, struct.pack("<HIII", 0, 0, 1, 1)), 16,
     "{sa_family=AF_NFC, dev_idx=0, target_idx=0x1, nfc_protocol=NFC_PROTO_JEWEL}"),
    (fam(39, struct.pack("<HIII", 0, 0, 1, 9) + b"\1"), 17,
     "{sa_family=AF_NFC, dev_idx=0, target_idx=0x1, nfc_protocol=0x9 /* NFC_PROTO_??? */, "
     "...}"),
    (fam(39, struct.pack("<HIIIBB", 0, 0, 1, 1, 1, 5) + b"ab".ljust(70, b"\0")
         + struct.pack("<Q", 2)), 96,
     "{sa_family=AF_NFC, dev_idx=0, target_idx=0x1, nfc_protocol=NFC_PROTO_JEWEL, "
     'dsap=0x1 /* LLCP_SAP_SDP */, ssap=0x5, service_name="ab", service_name_len=2}'),
    # unknown families, lengths too short for a family
    (fam(0xFF, b"0" * 126), 128, '{sa_family=0xff /* AF_??? */, sa_data="' + "0" * 126
     + '"}'),
    (fam(0, b"0"), 3, '{sa_family=AF_UNSPEC, sa_data="0"}'),
]


@pytest.mark.parametrize("data, length, expected", LINES)
def test_sockaddr(data: bytes, length: int, expected: str) -> None:
    assert connect(data, length) == "-1, %s, %d" % (expected, length)


@pytest.mark.parametrize("style, expected", [
    ("raw", '{sa_family=0xa, sin6_port="\\x30\\x39", sin6_flowinfo="\\x07\\x5b\\xcd\\x7a", '
     'sin6_addr="\\x00\\x12\\x00\\x34\\x00\\x56\\x00\\x78\\x00\\x90\\x00\\xab\\x00\\xcd\\x00'
     '\\xef", sin6_scope_id=4207869677}'),
    ("verbose", '{sa_family=0xa /* AF_INET6 */, sin6_port="\\x30\\x39" /* htons(12345) */, '
     'sin6_flowinfo="\\x07\\x5b\\xcd\\x7a" /* htonl(123456890) */, sin6_addr="\\x00\\x12'
     '\\x00\\x34\\x00\\x56\\x00\\x78\\x00\\x90\\x00\\xab\\x00\\xcd\\x00\\xef" /* inet_pton('
     'AF_INET6, "12:34:56:78:90:ab:cd:ef") */, sin6_scope_id=4207869677}'),
])
def test_styles(style: str, expected: str) -> None:
    assert connect(fam(10, IN6_ARGS), 28, style) == "-1, %s, 28" % expected


def test_unreadable_or_short() -> None:
    assert connect(b"", 16) == "-1, 0x10000, 16"
    assert connect(fam(2, b""), 1) == "-1, 0x10000, 1"
    assert format_entry("connect", (-1, 0, 16), Memory(b"")) == "-1, NULL, 16"
