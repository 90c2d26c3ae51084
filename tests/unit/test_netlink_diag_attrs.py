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
