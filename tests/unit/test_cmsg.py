# SPDX-License-Identifier: GPL-2.0-or-later
"""Control messages (msg_control), as strace 6.1 prints them (the lines its tests
msg_control.c, inet-cmsg.c, sockopt-timestamp.c and scm_rights-fd.test expect): tables,
no tracee; sendmsg's msghdr and its control buffer in a fake memory."""

from __future__ import annotations

import socket
import struct

import pytest

from fake_memory import A, Memory
from aiotrace._decode import format_entry

CONTROL = A + 0x100


def cmsg(level: int, kind: int, data: bytes, length: int | None = None) -> bytes:
    n = 16 + len(data) if length is None else length
    body = struct.pack("<Qii", n, level, kind) + data
    return body + bytes(-len(body) % 8)


def sendmsg(control: bytes, controllen: int | None = None, fd_path=None) -> str:
    n = len(control) if controllen is None else controllen
    hdr = struct.pack("<QI4xQQQQi4x", 0, 0, 0, 0, CONTROL if control or n else 0, n, 0)
    mem = Memory(hdr.ljust(0x100, b"\0") + control)
    text = format_entry("sendmsg", (3, A, 0), mem, fd_path=fd_path)
    head = "{msg_name=NULL, msg_namelen=0, msg_iov=NULL, msg_iovlen=0, "
    assert head in text
    return text.split(head, 1)[1]


LINES = [
    (cmsg(1, 1, struct.pack("<ii", 0, 1)), None,
     "msg_control=[{cmsg_len=24, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, "
     "cmsg_data=[0, 1]}], msg_controllen=24"),
    (cmsg(1, 2, struct.pack("<iII", 42, 0, 0xFFFFFFFF)), None,
     "msg_control=[{cmsg_len=28, cmsg_level=SOL_SOCKET, cmsg_type=SCM_CREDENTIALS, "
     "cmsg_data={pid=42, uid=0, gid=-1}}], msg_controllen=32"),
    (cmsg(1, 29, struct.pack("<qq", 1, 2)), None,
     "msg_control=[{cmsg_len=32, cmsg_level=SOL_SOCKET, cmsg_type=SO_TIMESTAMP_OLD, "
     "cmsg_data={tv_sec=1, tv_usec=2}}], msg_controllen=32"),
    (cmsg(1, 64, struct.pack("<qq", 1, 2)), None,
     "msg_control=[{cmsg_len=32, cmsg_level=SOL_SOCKET, cmsg_type=SO_TIMESTAMPNS_NEW, "
     "cmsg_data={tv_sec=1, tv_nsec=2}}], msg_controllen=32"),
    (cmsg(1, 29, b"\0" * 8), None,
     "msg_control=[{cmsg_len=24, cmsg_level=SOL_SOCKET, cmsg_type=SO_TIMESTAMP_OLD, "
     "cmsg_data=???}], msg_controllen=24"),
    (cmsg(0, 8, struct.pack("<I", 0) + socket.inet_aton("127.0.0.1") * 2), None,
     "msg_control=[{cmsg_len=28, cmsg_level=SOL_IP, cmsg_type=IP_PKTINFO, "
     'cmsg_data={ipi_ifindex=0, ipi_spec_dst=inet_addr("127.0.0.1"), '
     'ipi_addr=inet_addr("127.0.0.1")}}], msg_controllen=32'),
    (cmsg(0, 2, struct.pack("<I", 42)) + cmsg(0, 1, b"\x10"), None,
     "msg_control=[{cmsg_len=20, cmsg_level=SOL_IP, cmsg_type=IP_TTL, cmsg_data=[42]}, "
     "{cmsg_len=17, cmsg_level=SOL_IP, cmsg_type=IP_TOS, cmsg_data=[0x10]}], "
     "msg_controllen=48"),
    # other levels: the type in hex, no data
    (cmsg(6, 1, b"abcd"), None,
     "msg_control=[{cmsg_len=20, cmsg_level=SOL_TCP, cmsg_type=0x1}], msg_controllen=24"),
    # a message longer than the buffer; a buffer the messages do not fill
    (cmsg(1, 1, struct.pack("<i", 0), length=100), None,
     "msg_control=[{cmsg_len=100, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, "
     "cmsg_data=[0, 0]}], msg_controllen=24"),
    (cmsg(1, 1, struct.pack("<i", 0)) + b"\0" * 8, None,
     "msg_control=[{cmsg_len=20, cmsg_level=SOL_SOCKET, cmsg_type=SCM_RIGHTS, "
     "cmsg_data=[0]}, ... /* 0x10118 */], msg_controllen=32"),
    # shorter than a header: the address
    (b"\0" * 8, None, "msg_control=0x10100, msg_controllen=8"),
]


@pytest.mark.parametrize("control, controllen, expected", LINES)
def test_msg_control(control: bytes, controllen: int | None, expected: str) -> None:
    assert sendmsg(control, controllen) == expected + ", msg_flags=0}, 0"


def test_rights_with_paths() -> None:
    text = sendmsg(cmsg(1, 1, struct.pack("<i", 5)), fd_path=lambda fd: "/dev/null")
    assert "cmsg_data=[5</dev/null>]" in text


def test_unreadable_control() -> None:
    hdr = struct.pack("<QI4xQQQQi4x", 0, 0, 0, 0, A + 0x1000, 32, 0)
    text = format_entry("sendmsg", (3, A, 0), Memory(hdr))
    assert "msg_control=0x11000, msg_controllen=32" in text
