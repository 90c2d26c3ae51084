# SPDX-License-Identifier: GPL-2.0-or-later
"""sendmmsg, recvmmsg and recvmsg's message headers, as strace 6.1 prints them (the lines
its tests mmsg.c, mmsg_name.c, mmsg-silent.c, recvmmsg-timeout.c and msg_name.c expect),
and the -e read=/write= dump of mmsghdrs: tables, no tracee; the messages in a fake
memory, the one of the call's entry and the one of its exit."""

from __future__ import annotations

import errno
import struct

from fake_memory import A, Memory
from aiotrace._cli._dump import dump_call
from aiotrace._decode import format_entry, format_exit, format_syscall_line

EBADF = -errno.EBADF
EINVAL = -errno.EINVAL
IOV = A + 0x200      # the iovecs
DATA = A + 0x300     # their data
NAME = A + 0x400     # the addresses
TS = A + 0x500       # recvmmsg's timeout


def mmsghdr(iov: int, iovlen: int, msg_len: int, name: int = 0, namelen: int = 0) -> bytes:
    return struct.pack("<QI4xQQQQi4xI4x", name, namelen, iov, iovlen, 0, 0, 0, msg_len)


def memory(msgs: bytes, *, names: bytes = b"", ts: bytes = b"") -> Memory:
    buf = bytearray(0x600)
    buf[:len(msgs)] = msgs
    for i, text in enumerate((b"abc", b"defgh")):   # one iovec each, 8 bytes apart
        buf[0x200 + 16 * i:0x210 + 16 * i] = struct.pack("<QQ", DATA + 8 * i, len(text))
        buf[0x300 + 8 * i:0x300 + 8 * i + len(text)] = text
    buf[0x400:0x400 + len(names)] = names
    buf[0x500:0x500 + len(ts)] = ts
    return Memory(bytes(buf))


def line(name: str, args: tuple[int, ...], ret: int, entry_mem: Memory, exit_mem: Memory,
         **kw: object) -> str:
    entry = format_entry(name, args, entry_mem, **kw)
    full, rtext = format_exit(name, args, ret, exit_mem, entry_text=entry, **kw)
    return format_syscall_line(name, full, rtext, column=0)


MSGS = mmsghdr(IOV, 1, 3) + mmsghdr(IOV + 16, 1, 5)
SENT = ('[{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="abc", iov_len=3}], '
        "msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=3}, {msg_hdr={msg_name=NULL, "
        'msg_namelen=0, msg_iov=[{iov_base="defgh", iov_len=5}], msg_iovlen=1, '
        "msg_controllen=0, msg_flags=0}%s}]")


def test_sendmmsg() -> None:
    mem = memory(MSGS)
    assert line("sendmmsg", (4, A, 2, 0x40), 2, mem, mem) == (
        "sendmmsg(4, %s, 2, MSG_DONTWAIT) = 2" % (SENT % ", msg_len=5"))
    # the messages not sent have no msg_len; a failed call shows them all the same
    assert line("sendmmsg", (4, A, 2, 0x40), 1, mem, mem) == (
        "sendmmsg(4, %s, 2, MSG_DONTWAIT) = 1" % (SENT % ""))
    text = line("sendmmsg", (-1, A, 2, 0x40), EBADF, mem, mem)
    assert text.startswith('sendmmsg(-1, [{msg_hdr={msg_name=NULL, msg_namelen=0, '
                           'msg_iov=[{iov_base="abc", iov_len=3}], msg_iovlen=1, '
                           'msg_controllen=0, msg_flags=0}}, {msg_hdr=')
    # the first message that cannot be read ends the array
    text = line("sendmmsg", (4, A + 0x5D0, 2, 0), EBADF, mem, mem)
    assert text == "sendmmsg(4, 0x105d0, 2, 0) = -1 EBADF (Bad file descriptor)"


def test_recvmmsg() -> None:
    names = struct.pack("<H", 1) + b"sock\0"
    entry = memory(mmsghdr(IOV, 1, 0, NAME, 0) + mmsghdr(IOV + 16, 1, 0, NAME, 16),
                   ts=struct.pack("<qq", 0, 12345678))
    exit_ = memory(mmsghdr(IOV, 1, 3, NAME, 7) + mmsghdr(IOV + 16, 1, 2, NAME, 7),
                   names=names, ts=struct.pack("<qq", 0, 1000))
    assert line("recvmmsg", (3, A, 2, 0, TS), 2, entry, exit_) == (
        "recvmmsg(3, [{msg_hdr={msg_name=0x10400, msg_namelen=0 => 7, msg_iov=[{iov_base="
        '"abc", iov_len=3}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=3}, '
        '{msg_hdr={msg_name={sa_family=AF_UNIX, sun_path="sock"}, msg_namelen=16 => 7, '
        'msg_iov=[{iov_base="de", iov_len=5}], msg_iovlen=1, msg_controllen=0, '
        "msg_flags=0}, msg_len=2}], 2, 0, {tv_sec=0, tv_nsec=12345678}) = 2 "
        "(left {tv_sec=0, tv_nsec=1000})")
    assert line("recvmmsg", (-1, A, 1, 0, TS), EBADF, entry, exit_) == (
        "recvmmsg(-1, 0x10000, 1, 0, {tv_sec=0, tv_nsec=12345678}) = "
        "-1 EBADF (Bad file descriptor)")
    assert line("recvmmsg", (3, A, 1, 0, 0), 0, entry, exit_) == (
        "recvmmsg(3, [], 1, 0, NULL) = 0 (Timeout)")


def test_verbose_none() -> None:
    mem = memory(MSGS, ts=struct.pack("<qq", 1, 2))
    assert line("sendmmsg", (4, A, 1, 0x40), 1, mem, mem, verbose=False) == (
        "sendmmsg(4, 0x10000, 1, MSG_DONTWAIT) = 1")
    assert line("recvmmsg", (3, A, 1, 0x40, TS), 1, mem, mem, verbose=False) == (
        "recvmmsg(3, 0x10000, 1, MSG_DONTWAIT, 0x10500) = 1")


def test_recvmsg_namelen() -> None:
    names = struct.pack("<H", 1) + b"sock\0"
    hdr = struct.pack("<QI4xQQQQi4x", NAME, 4, IOV, 1, 0, 0, 0)
    entry = memory(hdr)
    exit_ = memory(struct.pack("<QI4xQQQQi4x", NAME, 7, IOV, 1, 0, 0, 0), names=names)
    assert line("recvmsg", (3, A, 0), 3, entry, exit_) == (
        'recvmsg(3, {msg_name={sa_family=AF_UNIX, sun_path="so"}, msg_namelen=4 => 7, '
        'msg_iov=[{iov_base="abc", iov_len=3}], msg_iovlen=1, msg_controllen=0, '
        "msg_flags=0}, 0) = 3")
    assert line("recvmsg", (3, A, 0), EINVAL, entry, exit_) == (
        "recvmsg(3, {msg_namelen=4}, 0) = -1 EINVAL (Invalid argument)")


def test_dump_of_mmsghdrs() -> None:
    mem = memory(mmsghdr(IOV, 2, 8) + mmsghdr(IOV + 16, 1, 2))
    dump = dump_call((None, (True, frozenset())), "sendmmsg", (1, A, 2, 0), 2, mem)
    assert dump is not None
    text = b"".join(dump.chunks()).decode()
    assert text.startswith(" = 2 buffers in vector 0\n * 3 bytes in buffer 0\n | 00000  61 62 63")
    assert " * 5 bytes in buffer 1\n" in text
    assert " = 1 buffers in vector 1\n * 2 bytes in buffer 0\n | 00000  64 65 " in text
