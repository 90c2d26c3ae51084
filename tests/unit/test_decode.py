# SPDX-License-Identifier: GPL-2.0-or-later
"""Table-driven tests of aiotrace._decode against lines printed by strace 6.1.

Every expected line below was printed by /usr/bin/strace (6.1, x86-64) while
tracing small C programs and Python ctypes scripts; the test rebuilds the
registers and the tracee memory that produced it and checks that the decoder
prints the same line.  No tracee is involved: these are pure functions.
"""

from __future__ import annotations

import errno
import os
import struct
import time

import pytest

from aiotrace._decode import (
    format_entry,
    format_exit,
    format_return,
    format_syscall_line,
)

M64 = (1 << 64) - 1
AT_FDCWD = M64 - 99  # -100 as an unsigned register


def neg(n: int) -> int:
    """A negative value as the unsigned 64-bit register holds it."""
    return n & M64


class FakeMemory:
    """Tracee memory backed by a dict of address -> bytes; EFAULT elsewhere."""

    def __init__(self, regions: dict[int, bytes] | None = None) -> None:
        self.regions = dict(regions or {})

    def _find(self, addr: int) -> tuple[int, bytes]:
        for base, data in self.regions.items():
            if base <= addr < base + len(data):
                return base, data
        raise OSError(errno.EFAULT, "Bad address")

    def read(self, addr: int, n: int) -> bytes:
        base, data = self._find(addr)
        return data[addr - base: addr - base + n]

    def read_string(self, addr: int, limit: int) -> bytes:
        chunk = self.read(addr, limit)
        nul = chunk.find(b"\0")
        return chunk if nul < 0 else chunk[:nul]


# Addresses used for the buffers of the cases.
A = 0x10000
B = 0x20000
C = 0x30000
D = 0x40000
E = 0x50000


def z(s: bytes) -> bytes:
    return s + b"\0"


def u64s(*vals: int) -> bytes:
    return struct.pack("<%dQ" % len(vals), *vals)


def i32s(*vals: int) -> bytes:
    return struct.pack("<%di" % len(vals), *vals)


def stat_buf(mode: int, size: int = 0, rdev: int = 0) -> bytes:
    b = bytearray(144)
    struct.pack_into("<I", b, 24, mode)
    struct.pack_into("<Q", b, 40, rdev)
    struct.pack_into("<q", b, 48, size)
    return bytes(b)


def statx_buf(mask: int, mode: int, size: int, attributes: int = 0) -> bytes:
    b = bytearray(256)
    struct.pack_into("<I", b, 0, mask)
    struct.pack_into("<Q", b, 8, attributes)
    struct.pack_into("<H", b, 28, mode)
    struct.pack_into("<Q", b, 40, size)
    return bytes(b)


def timespec(sec: int, nsec: int) -> bytes:
    return struct.pack("<qq", sec, nsec)


def kernel_sigaction(handler: int, flags: int, restorer: int, mask: int) -> bytes:
    return struct.pack("<QQQQ", handler, flags, restorer, mask)


def sigmask(*signals: int) -> int:
    m = 0
    for s in signals:
        m |= 1 << (s - 1)
    return m


def sockaddr_in(port: int, ip: str) -> bytes:
    return struct.pack("<H", 2) + struct.pack(">H", port) + bytes(int(x) for x in ip.split(".")) + bytes(8)


def sockaddr_in6(port: int, addr16: bytes, flowinfo: int = 0, scope: int = 0) -> bytes:
    return struct.pack("<H", 10) + struct.pack(">HI", port, flowinfo) + addr16 + struct.pack("<I", scope)


def sockaddr_un(path: bytes, size: int = 110) -> bytes:
    return (struct.pack("<H", 1) + path).ljust(size, b"\0")[:size]


def iovecs(*pairs: tuple[int, int]) -> bytes:
    return b"".join(struct.pack("<QQ", base, n) for base, n in pairs)


def pollfds(*fds: tuple[int, int, int]) -> bytes:
    return b"".join(struct.pack("<ihh", fd, ev, rev) for fd, ev, rev in fds)


def dirents64(*names: bytes) -> bytes:
    out = b""
    for i, name in enumerate(names):
        reclen = (19 + len(name) + 1 + 7) // 8 * 8
        out += struct.pack("<QqHB", i + 1, i + 1, reclen, 8) + name.ljust(reclen - 19, b"\0")
    return out


def ifreq(name: bytes, value: bytes = b"") -> bytes:
    return name.ljust(16, b"\0") + value.ljust(24, b"\0")


def termios(iflag: int, oflag: int, cflag: int, lflag: int) -> bytes:
    return struct.pack("<4IB19s", iflag, oflag, cflag, lflag, 0, bytes(19))


def ptrs(*vals: int) -> bytes:
    return u64s(*vals)


def L(line: str, args: tuple[int, ...], ret: int = 0, mem: dict[int, bytes] | None = None, **kw):
    """One case: a line strace printed, the registers, the return value, the memory."""
    return pytest.param(line, args, ret, mem or {}, kw, id=line[:60])


def _run(line: str, args, ret, mem, kw) -> str:
    prefix = kw.get("prefix", "")
    assert line.startswith(prefix)
    name = line[len(prefix): line.index("(")]
    m = FakeMemory(mem)
    m_exit = FakeMemory(kw["mem_exit"]) if "mem_exit" in kw else m
    fd_path = kw.get("fd_path")
    strsize = kw.get("strsize", 32)
    abi = kw.get("abi", "x86_64")
    entry = format_entry(name, args, m, strsize=strsize, fd_path=fd_path, abi=abi)
    fd_path = kw.get("fd_path_exit", fd_path)
    full, rtext = format_exit(name, args, ret, m_exit, strsize=strsize, fd_path=fd_path,
                              entry_text=entry, abi=abi)
    assert full.startswith(entry)
    return format_syscall_line(name, full, rtext, prefix=prefix)


# ---------------------------------------------------------------------------
# strings: escaping and truncation (write's buffer is decoded at entry)

STRINGS = [
    L('write(3, "hello\\n", 6)                  = 6', (3, A, 6), 6, {A: b"hello\n"}),
    L('write(3, "tab\\there\\r\\v\\f\\"q\\\\", 14)    = 14', (3, A, 14), 14, {A: b'tab\there\r\v\f"q\\'}),
    L('write(3, "a\\0b\\0001\\177\\377\\2009z", 10) = 10', (3, A, 10), 10, {A: b"a\0b\x001\x7f\xff\x809z"}),
    L('write(3, "0123456789abcdefghijklmnopqrstuv"..., 36) = 36', (3, A, 36), 36,
      {A: b"0123456789abcdefghijklmnopqrstuvwxyz"}),
    L('write(3, "0123456789abcdefghijklmnopqrstuv", 32) = 32', (3, A, 32), 32,
      {A: b"0123456789abcdefghijklmnopqrstuv"}),
    L('write(3, "0123456789abcdefghijklmnopqrstuv"..., 33) = 33', (3, A, 33), 33,
      {A: b"0123456789abcdefghijklmnopqrstuvw"}),
    L('write(3, "", 0)                         = 0', (3, A, 0), 0, {A: b"x"}),
    L('write(3, "\\1\\2\\3\\4\\5\\6\\7\\10\\16\\37 ~", 12) = 12', (3, A, 12), 12,
      {A: b"\1\2\3\4\5\6\7\10\16\37 ~"}),
    L('write(3, "\\303\\251t\\303\\251\\0", 6)      = 6', (3, A, 6), 6, {A: b"\xc3\xa9t\xc3\xa9\0"}),
    L('write(-1, "x", 1)                       = -1 EBADF (Bad file descriptor)', (neg(-1), A, 1), -9, {A: b"x"}),
    L('write(3, 0x10, 4)                       = 4', (3, 0x10, 4), 4),
    L('write(-1, "\\18", 2)                     = -1 EBADF (Bad file descriptor)', (neg(-1), A, 2), -9, {A: b"\x018"}),
    L('write(-1, "\\0017", 2)                   = -1 EBADF (Bad file descriptor)', (neg(-1), A, 2), -9, {A: b"\x017"}),
    L('write(-1, "\\09", 2)                     = -1 EBADF (Bad file descriptor)', (neg(-1), A, 2), -9, {A: b"\x009"}),
    L('write(-1, "\\33[0m", 4)                  = -1 EBADF (Bad file descriptor)', (neg(-1), A, 4), -9, {A: b"\x1b[0m"}),
    L('write(-1, "\\1770", 2)                   = -1 EBADF (Bad file descriptor)', (neg(-1), A, 2), -9, {A: b"\x7f0"}),
    L('write(-1, "\\0101", 2)                   = -1 EBADF (Bad file descriptor)', (neg(-1), A, 2), -9, {A: b"\x081"}),
    L('write(-1, "\\0\\1\\2\\3\\4\\5\\6\\7\\10\\t\\n\\v\\f\\r\\16\\17\\20\\21\\22\\23\\24\\25\\26\\27\\30\\31\\32\\33\\34\\35\\36\\37", 32) = -1 EBADF (Bad file descriptor)',
      (neg(-1), A, 32), -9, {A: bytes(range(32))}),
    L('write(-1, "\\351\\351\\351abcdefghijklmnop", 19) = -1 EBADF (Bad file descriptor)',
      (neg(-1), A, 19), -9, {A: b"\xe9\xe9\xe9abcdefghijklmnop"}),
    # strace -s 10
    L('write(3, "0123456789"..., 36)           = 36', (3, A, 36), 36,
      {A: b"0123456789abcdefghijklmnopqrstuvwxyz"}, strsize=10),
    L('write(3, "tab\\there\\r\\v"..., 14)        = 14', (3, A, 14), 14, {A: b'tab\there\r\v\f"q\\'}, strsize=10),
    L('write(3, "\\1\\2\\3\\4\\5\\6\\7\\10\\16\\37"..., 12) = 12', (3, A, 12), 12,
      {A: b"\1\2\3\4\5\6\7\10\16\37 ~"}, strsize=10),
    L('15956 write(-1, "0123456789A", 11)      = -1 EBADF (Bad file descriptor)', (neg(-1), A, 11), -9,
      {A: b"0123456789A"}, prefix="15956 "),
    # read's buffer is decoded at exit, as long as the return value
    L('read(4, "root:x:0:0", 10)               = 10', (4, A, 10), 10, {A: b"root:x:0:0:root"}),
    L('read(4, 0x10, 10)                       = -1 EFAULT (Bad address)', (4, 0x10, 10), -14),
    L('read(3, "", 4096)                       = 0', (3, A, 4096), 0, {A: bytes(4096)}),
    L('read(3, "\\177ELF\\2\\1\\1\\0\\0\\0\\0\\0\\0\\0\\0\\0\\3\\0>\\0\\1\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0"..., 832) = 832',
      (3, A, 832), 832, {A: b"\x7fELF\2\1\1" + bytes(9) + b"\3\0>\0\1" + bytes(815)}),
    L('pread64(4, "ot:x:", 5, 2)               = 5', (4, A, 5, 2), 5, {A: b"ot:x:"}),
    L('read(4</etc/passwd>, "root:x:0:0", 10)  = 10', (4, A, 10), 10, {A: b"root:x:0:0:root"},
      fd_path={4: "/etc/passwd"}.get),
    L('read(4</etc/passwd>, 0x10, 10)          = -1 EFAULT (Bad address)', (4, 0x10, 10), -14,
      fd_path={4: "/etc/passwd"}.get),
]

# ---------------------------------------------------------------------------
# open and its flags

OPEN = [
    L('openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 4', (AT_FDCWD, A, 0), 4, {A: z(b"/etc/passwd")}),
    L('openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3', (AT_FDCWD, A, 0o2000000), 3,
      {A: z(b"/etc/ld.so.cache")}),
    L('openat(AT_FDCWD, "/nonexistent/x", O_RDONLY) = -1 ENOENT (No such file or directory)',
      (AT_FDCWD, A, 0), -2, {A: z(b"/nonexistent/x")}),
    L('openat(AT_FDCWD, "/tmp/st/newfile", O_WRONLY|O_CREAT|O_TRUNC|O_APPEND, 0644) = 4',
      (AT_FDCWD, A, 0o3101, 0o644), 4, {A: z(b"/tmp/st/newfile")}),
    L('openat(AT_FDCWD, "/tmp/st/newfile", O_RDWR|O_CREAT|O_EXCL, 0600) = -1 EEXIST (File exists)',
      (AT_FDCWD, A, 0o302, 0o600), -17, {A: z(b"/tmp/st/newfile")}),
    L('openat(AT_FDCWD, "/tmp", O_RDONLY|O_NOFOLLOW|O_PATH|O_DIRECTORY) = 5',
      (AT_FDCWD, A, 0o200000 | 0o400000 | 0o10000000), 5, {A: z(b"/tmp")}),
    L('openat(AT_FDCWD, "/tmp/st", O_RDWR|O_TMPFILE, 0700) = 6', (AT_FDCWD, A, 0o20200002, 0o700), 6,
      {A: z(b"/tmp/st")}),
    L('openat(AT_FDCWD, "/tmp/st/newfile", O_WRONLY|O_NOCTTY|O_NONBLOCK|O_SYNC|O_NOATIME|FASYNC) = 7',
      (AT_FDCWD, A, 1 | 0o4000 | 0o4010000 | 0o400 | 0o10000 | 0o1000000 | 0o20000), 7, {A: z(b"/tmp/st/newfile")}),
    L('openat(AT_FDCWD, "/tmp/\\n\\"\\\\x", O_RDONLY) = -1 ENOENT (No such file or directory)',
      (AT_FDCWD, A, 0), -2, {A: z(b'/tmp/\n"\\x')}),
    L('openat(AT_FDCWD, 0x10, O_RDONLY)        = -1 EFAULT (Bad address)', (AT_FDCWD, 0x10, 0), -14),
    L('openat(AT_FDCWD, "/etc/passwd", O_RDONLY|0x40000000) = 8', (AT_FDCWD, A, 0x40000000), 8,
      {A: z(b"/etc/passwd")}),
    L('openat(AT_FDCWD, NULL, O_ACCMODE|O_CREAT|O_EXCL|O_NOCTTY|O_TRUNC|O_APPEND|O_NONBLOCK|O_SYNC|O_DIRECT|O_LARGEFILE|O_NOFOLLOW|O_NOATIME|O_CLOEXEC|O_PATH|O_TMPFILE|FASYNC|0xff80003c, 000) = -1 EFAULT (Bad address)',
      (AT_FDCWD, 0, 0xFFFFFFFF, 0), -14),
    L('openat(AT_FDCWD, NULL, O_RDONLY|O_CREAT|O_NONBLOCK, 07777) = -1 EFAULT (Bad address)',
      (AT_FDCWD, 0, 0o4100, 0o7777), -14),
    L('openat(AT_FDCWD, NULL, O_RDONLY|O_CREAT, 0107777) = -1 EFAULT (Bad address)',
      (AT_FDCWD, 0, 0o100, 0o107777), -14),
    L('openat(5, NULL, O_RDONLY|__O_TMPFILE, 017) = -1 EINVAL (Invalid argument)',
      (5, 0, 0o20000000, 0o17), -22),
    L('openat(AT_FDCWD, NULL, O_RDONLY|__O_SYNC|O_DIRECTORY) = -1 EFAULT (Bad address)',
      (AT_FDCWD, 0, 0o4000000 | 0o200000), -14),
    L('openat(AT_FDCWD, NULL, O_RDONLY|O_CLOEXEC|O_PATH|__O_TMPFILE, 000) = -1 EFAULT (Bad address)',
      (AT_FDCWD, 0, 0o10000000 | 0o20000000 | 0o2000000), -14),
    L('openat(AT_FDCWD, NULL, O_RDONLY|O_NONBLOCK|__O_SYNC) = -1 EFAULT (Bad address)',
      (AT_FDCWD, 0, 0o4000000 | 0o4000), -14),
    L('openat(AT_FDCWD, NULL, O_RDONLY|__O_SYNC|O_DIRECT) = -1 EFAULT (Bad address)',
      (AT_FDCWD, 0, 0o4000000 | 0o40000), -14),
    L('openat(AT_FDCWD, NULL, O_RDONLY|O_DIRECTORY|FASYNC) = -1 EFAULT (Bad address)',
      (AT_FDCWD, 0, 0o200000 | 0o20000), -14),
    L('openat(AT_FDCWD, "/tmp/\\351\\1", O_RDONLY) = -1 ENOENT (No such file or directory)',
      (AT_FDCWD, A, 0), -2, {A: z(b"/tmp/\xe9\x01")}),
    # paths are not limited by -s
    L('openat(AT_FDCWD, "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", O_RDONLY) = -1 ENOENT (No such file or directory)',
      (AT_FDCWD, A, 0), -2, {A: z(b"/" + b"a" * 60)}),
    L('open("/etc/passwd", O_RDONLY|O_CLOEXEC) = 4', (A, 0o2000000), 4, {A: z(b"/etc/passwd")}),
    L('close(3)                                = 0', (3,), 0),
    L('close(999)                              = -1 EBADF (Bad file descriptor)', (999,), -9),
    # -y
    L('openat(AT_FDCWD</tmp/st>, "/tmp/st/we>ird\\nna me\\303\\251", O_RDWR|O_CREAT|O_CLOEXEC, 0644) = 3</tmp/st/we\\76ird\\nna me\\303\\251>',
      (AT_FDCWD, A, 0o2000102, 0o644), 3, {A: z(b"/tmp/st/we>ird\nna me\xc3\xa9")},
      fd_path={-100: "/tmp/st", 3: "/tmp/st/we>ird\nna me\udcc3\udca9"}.get),
    L('openat(AT_FDCWD</tmp/st>, "/tmp/st/a<b\\"c\\\\d", O_RDWR|O_CREAT|O_CLOEXEC, 0644) = 3</tmp/st/a\\74b\\"c\\\\d>',
      (AT_FDCWD, A, 0o2000102, 0o644), 3, {A: z(b'/tmp/st/a<b"c\\d')},
      fd_path={-100: "/tmp/st", 3: '/tmp/st/a<b"c\\d'}.get),
    L('newfstatat(4</tmp>, "nope", 0x7ffce5516150, 0) = -1 ENOENT (No such file or directory)',
      (4, A, 0x7FFCE5516150, 0), -2, {A: z(b"nope")}, fd_path={-100: "/tmp/st", 4: "/tmp"}.get),
]

# ---------------------------------------------------------------------------
# stat family

STAT = [
    L('newfstatat(AT_FDCWD, "/etc/passwd", {st_mode=S_IFREG|0644, st_size=1221, ...}, 0) = 0',
      (AT_FDCWD, A, B, 0), 0, {A: z(b"/etc/passwd"), B: stat_buf(0o100644, 1221)}),
    L('newfstatat(AT_FDCWD, "/dev/null", {st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}, 0) = 0',
      (AT_FDCWD, A, B, 0), 0, {A: z(b"/dev/null"), B: stat_buf(0o20666, 0, 0x103)}),
    L('newfstatat(AT_FDCWD, "/nonexistent", 0x7ffc7f40cd70, AT_SYMLINK_NOFOLLOW) = -1 ENOENT (No such file or directory)',
      (AT_FDCWD, A, 0x7FFC7F40CD70, 0x100), -2, {A: z(b"/nonexistent")}),
    L('newfstatat(3, "", {st_mode=S_IFREG|0644, st_size=34547, ...}, AT_EMPTY_PATH) = 0',
      (3, A, B, 0x1000), 0, {A: b"\0", B: stat_buf(0o100644, 34547)}),
    L('newfstatat(AT_FDCWD, "/tmp", {st_mode=S_IFDIR|S_ISVTX|0777, st_size=16384, ...}, AT_SYMLINK_NOFOLLOW) = 0',
      (AT_FDCWD, A, B, 0x100), 0, {A: z(b"/tmp"), B: stat_buf(0o41777, 16384)}),
    L('newfstatat(AT_FDCWD, "/tmp/st/mode0", {st_mode=S_IFREG|000, st_size=0, ...}, 0) = 0',
      (AT_FDCWD, A, B, 0), 0, {A: z(b"/tmp/st/mode0"), B: stat_buf(0o100000, 0)}),
    L('newfstatat(AT_FDCWD, "/tmp/st/mode0", {st_mode=S_IFREG|S_ISUID|S_ISGID|0644, st_size=0, ...}, 0) = 0',
      (AT_FDCWD, A, B, 0), 0, {A: z(b"/tmp/st/mode0"), B: stat_buf(0o106644, 0)}),
    L('newfstatat(1, NULL, NULL, AT_SYMLINK_NOFOLLOW|AT_REMOVEDIR|AT_SYMLINK_FOLLOW|AT_NO_AUTOMOUNT|AT_EMPTY_PATH|AT_RECURSIVE|0xffff60ff) = -1 EFAULT (Bad address)',
      (1, 0, 0, 0xFFFFFFFF), -14),
    L('newfstatat(1, NULL, NULL, 0x80000000 /* AT_??? */) = -1 EINVAL (Invalid argument)',
      (1, 0, 0, 0x80000000), -22),
    L('stat("/etc/passwd", {st_mode=S_IFREG|0644, st_size=1221, ...}) = 0', (A, B), 0,
      {A: z(b"/etc/passwd"), B: stat_buf(0o100644, 1221)}),
    L('lstat("/etc/passwd", {st_mode=S_IFREG|0644, st_size=1221, ...}) = 0', (A, B), 0,
      {A: z(b"/etc/passwd"), B: stat_buf(0o100644, 1221)}),
    L('fstat(3, {st_mode=S_IFREG|0644, st_size=1221, ...}) = 0', (3, B), 0, {B: stat_buf(0o100644, 1221)}),
    L('15956 fstat(3, 0x8)                     = -1 EFAULT (Bad address)', (3, 8), -14, prefix="15956 "),
    L('statx(AT_FDCWD, "/etc/passwd", AT_STATX_SYNC_AS_STAT, STATX_BASIC_STATS, {stx_mask=STATX_BASIC_STATS|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=1221, ...}) = 0',
      (AT_FDCWD, A, 0, 0x7FF, B), 0, {A: z(b"/etc/passwd"), B: statx_buf(0x17FF, 0o100644, 1221)}),
    L('statx(AT_FDCWD, "/etc/passwd", AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW, STATX_MODE|STATX_SIZE, {stx_mask=STATX_TYPE|STATX_MODE|STATX_NLINK|STATX_UID|STATX_GID|STATX_ATIME|STATX_INO|STATX_SIZE|STATX_BLOCKS|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFREG|0644, stx_size=1221, ...}) = 0',
      (AT_FDCWD, A, 0x100, 0x202, B), 0, {A: z(b"/etc/passwd"), B: statx_buf(0x173F, 0o100644, 1221)}),
    L('statx(AT_FDCWD, "/", AT_STATX_SYNC_AS_STAT|AT_NO_AUTOMOUNT, STATX_MODE, {stx_mask=STATX_TYPE|STATX_MODE|STATX_NLINK|STATX_UID|STATX_GID|STATX_ATIME|STATX_INO|STATX_SIZE|STATX_BLOCKS|STATX_MNT_ID, stx_attributes=STATX_ATTR_MOUNT_ROOT, stx_mode=S_IFDIR|0755, stx_size=4096, ...}) = 0',
      (AT_FDCWD, A, 0x800, 0x2, B), 0, {A: z(b"/"), B: statx_buf(0x173F, 0o40755, 4096, 0x2000)}),
    L('statx(AT_FDCWD, "/dev/null", AT_STATX_SYNC_AS_STAT, STATX_ALL, {stx_mask=STATX_ALL|STATX_MNT_ID, stx_attributes=0, stx_mode=S_IFCHR|0666, stx_size=0, ...}) = 0',
      (AT_FDCWD, A, 0, 0xFFF, B), 0, {A: z(b"/dev/null"), B: statx_buf(0x1FFF, 0o20666, 0)}),
    L('2659  statfs("/selinux", 0x7ffdbfde1f70) = -1 ENOENT (No such file or directory)',
      (A, 0x7FFDBFDE1F70), -2, {A: z(b"/selinux")}, prefix="2659  "),
]

# ---------------------------------------------------------------------------
# access, readlink, getcwd, getdents, lseek, misc file calls

FILES = [
    L('access("/etc/passwd", R_OK|W_OK)        = 0', (A, 6), 0, {A: z(b"/etc/passwd")}),
    L('access("/etc/passwd", X_OK)             = -1 EACCES (Permission denied)', (A, 1), -13, {A: z(b"/etc/passwd")}),
    L('access("/etc/ld.so.preload", R_OK)      = -1 ENOENT (No such file or directory)', (A, 4), -2,
      {A: z(b"/etc/ld.so.preload")}),
    L('2659  access("/etc/selinux/config", F_OK) = -1 ENOENT (No such file or directory)', (A, 0), -2,
      {A: z(b"/etc/selinux/config")}, prefix="2659  "),
    L('access(NULL, R_OK|W_OK|X_OK|0x8)        = -1 EINVAL (Invalid argument)', (0, 0xF), -22),
    L('access(NULL, 0x10 /* ?_OK */)           = -1 EINVAL (Invalid argument)', (0, 0x10), -22),
    L('faccessat2(AT_FDCWD, "/etc/shadow", R_OK, 0) = 0', (AT_FDCWD, A, 4, 0), 0, {A: z(b"/etc/shadow")}),
    L('faccessat2(AT_FDCWD, "/etc", X_OK, AT_EACCESS) = 0', (AT_FDCWD, A, 1, 0x200), 0, {A: z(b"/etc")}),
    L('faccessat(5, NULL, R_OK|W_OK|X_OK)      = -1 EFAULT (Bad address)', (5, 0, 7, 0x200), -14),
    L('readlink("/proc/self/exe", "/tmp/st/t1", 4096) = 10', (A, B, 4096), 10,
      {A: z(b"/proc/self/exe"), B: b"/tmp/st/t1" + bytes(100)}),
    L('readlink("/proc/self/exe", "/tmp", 4)   = 4', (A, B, 4), 4, {A: z(b"/proc/self/exe"), B: b"/tmp"}),
    L('readlink("/etc/passwd", 0x7ffc7f40ce00, 100) = -1 EINVAL (Invalid argument)',
      (A, 0x7FFC7F40CE00, 100), -22, {A: z(b"/etc/passwd")}),
    L('readlinkat(AT_FDCWD, "/proc/self/cwd", "/tmp/st", 100) = 7', (AT_FDCWD, A, B, 100), 7,
      {A: z(b"/proc/self/cwd"), B: b"/tmp/st\0\0"}),
    L('readlink("/proc/self/exe", "/tmp/"..., 4096) = 10', (A, B, 4096), 10,
      {A: z(b"/proc/self/exe"), B: b"/tmp/st/t3"}, strsize=5),
    L('getcwd("/tmp/st", 100)                  = 8', (A, 100), 8, {A: z(b"/tmp/st")}, strsize=5),
    L('getcwd(0x7ffd9e11b350, 2)               = -1 ERANGE (Numerical result out of range)', (0x7FFD9E11B350, 2), -34),
    L('getdents64(3, 0x55b8168782a0 /* 28 entries */, 32768) = 744', (3, 0x55B8168782A0, 32768), 744,
      {0x55B8168782A0: dirents64(*[b"n%02d" % i for i in range(19)], *[b"name%02d" % i for i in range(9)])}),
    L('getdents64(3, 0x55b8168782a0 /* 0 entries */, 32768) = 0', (3, 0x55B8168782A0, 32768), 0,
      {0x55B8168782A0: bytes(64)}),
    L('getdents64(19</tmp/st/dir>, 0x7ffeb1f80a00 /* 0 entries */, 4096) = 0', (19, 0x7FFEB1F80A00, 4096), 0,
      {}, fd_path={19: "/tmp/st/dir"}.get),
    L('lseek(4, 0, SEEK_SET)                   = 0', (4, 0, 0), 0),
    L('lseek(4, -3, SEEK_END)                  = 1218', (4, neg(-3), 2), 1218),
    L('lseek(0, 0, SEEK_DATA)                  = 0', (0, 0, 3), 0),
    L('lseek(0, 0, 0x5 /* SEEK_??? */)         = -1 EINVAL (Invalid argument)', (0, 0, 5), -22),
    L('15956 mkdir("/tmp/st/d2", 0755)         = 0', (A, 0o755), 0, {A: z(b"/tmp/st/d2")}, prefix="15956 "),
    L('unlinkat(AT_FDCWD, "/tmp/st/nonexist", AT_REMOVEDIR) = -1 ENOENT (No such file or directory)',
      (AT_FDCWD, A, 0x200), -2, {A: z(b"/tmp/st/nonexist")}),
    L('15956 rename("/tmp/st/a", "/tmp/st/b")  = -1 ENOENT (No such file or directory)', (A, B), -2,
      {A: z(b"/tmp/st/a"), B: z(b"/tmp/st/b")}, prefix="15956 "),
    L('15956 chmod("/tmp/st/nonexist", 04755)  = -1 ENOENT (No such file or directory)', (A, 0o4755), -2,
      {A: z(b"/tmp/st/nonexist")}, prefix="15956 "),
    L('15956 ftruncate(3, 10)                  = -1 EINVAL (Invalid argument)', (3, 10), -22, prefix="15956 "),
    L('umask(022)                              = 022', (0o22,), 0o22),
    L('15956 chdir("/tmp")                     = 0', (A,), 0, {A: z(b"/tmp")}, prefix="15956 "),
]

# ---------------------------------------------------------------------------
# memory

MEMORY = [
    L('mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f0466492000',
      (0, 8192, 3, 0x22, neg(-1), 0), 0x7F0466492000),
    L('mmap(0x7f0466462000, 110592, PROT_READ|PROT_EXEC, MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE, 3, 0x7000) = 0x7f0466462000',
      (0x7F0466462000, 110592, 5, 0x812, 3, 0x7000), 0x7F0466462000),
    L('mmap(NULL, 34547, PROT_READ, MAP_PRIVATE, 3, 0) = 0x7f0466489000', (0, 34547, 1, 2, 3, 0), 0x7F0466489000),
    L('mmap(NULL, 27028, PROT_READ, MAP_SHARED, 3, 0) = 0x7f046648a000', (0, 27028, 1, 1, 3, 0), 0x7F046648A000),
    L('mmap(NULL, 4096, PROT_READ, MAP_SHARED|MAP_POPULATE|MAP_FIXED_NOREPLACE, 12345, 0) = -1 EBADF (Bad file descriptor)',
      (0, 4096, 1, 0x108001, 12345, 0), -9),
    L('mmap(0x10000, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE|MAP_GROWSDOWN|MAP_STACK, -1, 0) = 0x10000',
      (0x10000, 8192, 3, 0x2 | 0x20 | 0x4000 | 0x100 | 0x20000, neg(-1), 0), 0x10000),
    L('mmap(NULL, 4096, PROT_READ|PROT_WRITE|PROT_EXEC|PROT_SEM|PROT_GROWSDOWN|PROT_GROWSUP|0xfcfffff0, 0xf /* MAP_??? */|MAP_FIXED|MAP_ANONYMOUS|MAP_32BIT|MAP_NORESERVE|MAP_POPULATE|MAP_NONBLOCK|MAP_GROWSDOWN|MAP_DENYWRITE|MAP_EXECUTABLE|MAP_LOCKED|MAP_STACK|MAP_HUGETLB|MAP_SYNC|MAP_FIXED_NOREPLACE|0x3e00680|63<<MAP_HUGE_SHIFT, -1, 0x1000) = -1 EINVAL (Invalid argument)',
      (0, 4096, 0xFFFFFFFF, 0xFFFFFFFF, neg(-1), 0x1000), -22),
    L('mmap(NULL, 4096, PROT_SEM, MAP_SHARED_VALIDATE, -1, 0) = -1 EBADF (Bad file descriptor)',
      (0, 4096, 8, 3, neg(-1), 0), -9),
    L('mmap(NULL, 4096, PROT_NONE, MAP_FILE, -1, 0) = -1 EBADF (Bad file descriptor)', (0, 4096, 0, 0, neg(-1), 0), -9),
    L('mmap(NULL, 4096, PROT_GROWSDOWN|PROT_GROWSUP, 0x6 /* MAP_??? */|MAP_ANONYMOUS, -1, 0) = -1 EINVAL (Invalid argument)',
      (0, 4096, 0x3000000, 0x26, neg(-1), 0), -22),
    L('mmap(NULL, 4096, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS|21<<MAP_HUGE_SHIFT, -1, 0) = 0x7f3b356ff000',
      (0, 4096, 3, 0x22 | (21 << 26), neg(-1), 0), 0x7F3B356FF000),
    L('mmap(NULL, 34547, PROT_READ, MAP_PRIVATE, 3</etc/ld.so.cache>, 0) = 0x7f2b7967d000',
      (0, 34547, 1, 2, 3, 0), 0x7F2B7967D000, fd_path={3: "/etc/ld.so.cache"}.get),
    L('mprotect(0x7f36a8c02000, 4096, PROT_NONE) = 0', (0x7F36A8C02000, 4096, 0), 0),
    L('mprotect(0x7f36a8c02000, 4096, PROT_READ|PROT_WRITE|PROT_EXEC) = 0', (0x7F36A8C02000, 4096, 7), 0),
    L('mprotect(NULL, 4096, 0x80000000 /* PROT_??? */) = -1 EINVAL (Invalid argument)', (0, 4096, 0x80000000), -22),
    L('2659  munmap(0x7f0466489000, 34547)     = 0', (0x7F0466489000, 34547), 0, prefix="2659  "),
    L('munmap(0x1001, 4096)                    = -1 EINVAL (Invalid argument)', (0x1001, 4096), -22),
    L('2659  brk(NULL)                         = 0x55b81686f000', (0,), 0x55B81686F000, prefix="2659  "),
    L('2659  brk(0x55b816890000)               = 0x55b816890000', (0x55B816890000,), 0x55B816890000, prefix="2659  "),
    L('madvise(0x7fd580eaf000, 8368128, MADV_DONTNEED) = 0', (0x7FD580EAF000, 8368128, 4), 0),
]

# ---------------------------------------------------------------------------
# file descriptors

FDS = [
    L('dup(1)                                  = 4', (1,), 4),
    L('dup2(4, 10)                             = 10', (4, 10), 10),
    L('dup3(4, 11, O_CLOEXEC)                  = 11', (4, 11, 0o2000000), 11),
    L('dup2(-5, 10)                            = -1 EBADF (Bad file descriptor)', (neg(-5), 10), -9),
    L('dup2(4</dev/null>, 10</dev/null>)       = 10</dev/null>', (4, 10), 10,
      fd_path={4: "/dev/null", 10: "/dev/null"}.get),
    # the new descriptor at the entry, with the file it referred to before the call
    L('dup2(4</dev/null>, 1</tmp/out>)         = 1</dev/null>', (4, 1), 1,
      fd_path={4: "/dev/null", 1: "/tmp/out"}.get,
      fd_path_exit={4: "/dev/null", 1: "/dev/null"}.get),
    L('dup3(4</dev/null>, 11, O_CLOEXEC)       = 11</dev/null>', (4, 11, 0o2000000), 11,
      fd_path={4: "/dev/null"}.get, fd_path_exit={4: "/dev/null", 11: "/dev/null"}.get),
    L('openat(AT_FDCWD</tmp/st>, "/tmp/st", O_RDWR|O_TMPFILE, 0700) = 6</tmp/st/#2156123>(deleted)',
      (AT_FDCWD, A, 0o20200002, 0o700), 6, {A: z(b"/tmp/st")},
      fd_path={-100: "/tmp/st", 6: "/tmp/st/#2156123 (deleted)"}.get),
    L('poll([{fd=15<pipe:[47174]>, events=POLLIN}, {fd=1</dev/null>, events=POLLPRI|POLLOUT}], 2, 0) = 1 ([{fd=1, revents=POLLOUT}])',
      (A, 2, 0), 1, {A: pollfds((15, 1, 0), (1, 6, 4))}, fd_path={15: "pipe:[47174]", 1: "/dev/null"}.get),
    L('dup(1</dev/null>)                       = 4</dev/null>', (1,), 4, fd_path={1: "/dev/null", 4: "/dev/null"}.get),
    L('pipe2([9, 12], O_NONBLOCK|O_CLOEXEC)    = 0', (A, 0o2004000), 0, {A: i32s(9, 12)}),
    L('pipe2([13, 14], 0)                      = 0', (A, 0), 0, {A: i32s(13, 14)}),
    L('15956 pipe([5, 6])                      = 0', (A,), 0, {A: i32s(5, 6)}, prefix="15956 "),
    L('pipe2([9<pipe:[47168]>, 12<pipe:[47168]>], O_NONBLOCK|O_CLOEXEC) = 0', (A, 0o2004000), 0,
      {A: i32s(9, 12)}, fd_path={9: "pipe:[47168]", 12: "pipe:[47168]"}.get),
    L('fcntl(4, F_GETFD)                       = 0', (4, 1), 0),
    L('16438 fcntl(5, F_GETFD)                 = 0x1 (flags FD_CLOEXEC)', (5, 1), 1, prefix="16438 "),
    L('fcntl(4, F_SETFD, FD_CLOEXEC)           = 0', (4, 2, 1), 0),
    L('fcntl(4, F_GETFL)                       = 0x8001 (flags O_WRONLY|O_LARGEFILE)', (4, 3), 0x8001),
    L('fcntl(255, F_GETFL)                     = 0x8000 (flags O_RDONLY|O_LARGEFILE)', (255, 3), 0x8000),
    L('fcntl(4, F_SETFL, O_RDONLY|O_APPEND|O_NONBLOCK) = 0', (4, 4, 0o6000), 0),
    L('fcntl(4, F_DUPFD, 20)                   = 20', (4, 0, 20), 20),
    L('fcntl(4, F_DUPFD_CLOEXEC, 0)            = 17', (4, 1030, 0), 17),
    L('fcntl(15, F_GETPIPE_SZ)                 = 65536', (15, 1032), 65536),
    L('fcntl(255, F_GETFD)                     = -1 EBADF (Bad file descriptor)', (255, 1), -9),
    L('fcntl(5, F_SETLK, {l_type=F_RDLCK, l_whence=SEEK_SET, l_start=0, l_len=100}) = 0', (5, 6, A), 0,
      {A: struct.pack("<hh4xqqi4x", 0, 0, 0, 100, 0)}),
    L('fcntl(5, F_GETLK, {l_type=F_UNLCK, l_whence=SEEK_SET, l_start=0, l_len=100, l_pid=0}) = 0', (5, 5, A), 0,
      {A: struct.pack("<hh4xqqi4x", 2, 0, 0, 100, 0)}),
    L('16438 fcntl(5, F_SETOWN, 1234)          = -1 ESRCH (No such process)', (5, 8, 1234), -3, prefix="16438 "),
    L('fcntl(4</dev/null>, F_DUPFD, 20)        = 20</dev/null>', (4, 0, 20), 20,
      fd_path={4: "/dev/null", 20: "/dev/null"}.get),
]

# ---------------------------------------------------------------------------
# iovec

IOV = [
    L('writev(3, [{iov_base="abc", iov_len=3}, {iov_base="defgh", iov_len=5}, {iov_base="", iov_len=0}], 3) = 8',
      (3, A, 3), 8, {A: iovecs((B, 3), (C, 5), (D, 0)), B: b"abc", C: b"defgh", D: b"\0"}),
    L('readv(18, [{iov_base="vm\\n", iov_len=4}, {iov_base="", iov_len=100}], 2) = 3',
      (18, A, 2), 3, {A: iovecs((B, 4), (C, 100)), B: b"vm\n\0", C: bytes(100)}),
    L('sendmsg(9, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="msg", iov_len=3}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, 0) = -1 EPIPE (Broken pipe)',
      (9, A, 0), -32, {A: struct.pack("<QI4xQQQQi4x", 0, 0, B, 1, 0, 0, 0), B: iovecs((C, 3)), C: b"msg"}),
]

# ---------------------------------------------------------------------------
# time

TIME = [
    L('nanosleep({tv_sec=0, tv_nsec=1000}, 0x7ffd8df8b780) = 0', (A, 0x7FFD8DF8B780), 0, {A: timespec(0, 1000)}),
    L('nanosleep({tv_sec=0, tv_nsec=1000}, NULL) = 0', (A, 0), 0, {A: timespec(0, 1000)}),
    L('nanosleep({tv_sec=1, tv_nsec=2000000000}, NULL) = -1 EINVAL (Invalid argument)', (A, 0), -22,
      {A: timespec(1, 2000000000)}),
    L('15956 nanosleep(0x8, NULL)              = -1 EFAULT (Bad address)', (8, 0), -14, prefix="15956 "),
    L('clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=0, tv_nsec=1000}, 0x7ffc7f40cb80) = 0',
      (0, 0, A, 0x7FFC7F40CB80), 0, {A: timespec(0, 1000)}),
    L('clock_nanosleep(CLOCK_MONOTONIC, 0, {tv_sec=0, tv_nsec=2000000}, NULL) = 0', (1, 0, A, 0), 0,
      {A: timespec(0, 2000000)}),
    L('clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, {tv_sec=0, tv_nsec=2000000}, NULL) = 0', (0, 1, A, 0), 0,
      {A: timespec(0, 2000000)}),
    L('clock_gettime(CLOCK_MONOTONIC, {tv_sec=1388, tv_nsec=320052280}) = 0', (1, A), 0, {A: timespec(1388, 320052280)}),
    L('clock_getres(CLOCK_REALTIME, {tv_sec=0, tv_nsec=1}) = 0', (0, A), 0, {A: timespec(0, 1)}),
    L('gettimeofday({tv_sec=1795678046, tv_usec=695881}, NULL) = 0', (A, 0), 0,
      {A: struct.pack("<qq", 1795678046, 695881)}),
    L('getrusage(RUSAGE_SELF, {ru_utime={tv_sec=0, tv_usec=0}, ru_stime={tv_sec=0, tv_usec=4454}, ...}) = 0',
      (0, A), 0, {A: struct.pack("<qqqq14q", 0, 0, 0, 4454, *([0] * 14))}),
    L('times({tms_utime=0, tms_stime=0, tms_cutime=0, tms_cstime=0}) = 1718095729', (A,), 1718095729,
      {A: bytes(32)}),
    L('times({tms_utime=29 /* 0.29 s */, tms_stime=0, tms_cutime=0, tms_cstime=0}) = 1723056262', (A,), 1723056262,
      {A: struct.pack("<4q", 29, 0, 0, 0)}),
]

# ---------------------------------------------------------------------------
# signals

RESTORER = 0x7F36A8A54050
SA_RESTORER = 0x04000000
SIGS = [
    L('rt_sigaction(SIGUSR1, {sa_handler=0x556e98d60579, sa_mask=[INT TERM], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7f36a8a54050}, NULL, 8) = 0',
      (10, A, 0, 8), 0, {A: kernel_sigaction(0x556E98D60579, SA_RESTORER | 0x10000000, RESTORER, sigmask(2, 15))}),
    L('rt_sigaction(SIGUSR1, NULL, {sa_handler=0x556e98d60579, sa_mask=[INT TERM], sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=0x7f36a8a54050}, 8) = 0',
      (10, 0, A, 8), 0, {A: kernel_sigaction(0x556E98D60579, SA_RESTORER | 0x10000000, RESTORER, sigmask(2, 15))}),
    L('rt_sigaction(SIGPIPE, {sa_handler=SIG_IGN, sa_mask=[], sa_flags=SA_RESTORER, sa_restorer=0x7f36a8a54050}, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8) = 0',
      (13, A, B, 8), 0, {A: kernel_sigaction(1, SA_RESTORER, RESTORER, 0), B: kernel_sigaction(0, 0, 0, 0)}),
    L('rt_sigaction(SIGCHLD, {sa_handler=SIG_DFL, sa_mask=~[RTMIN RT_1], sa_flags=SA_RESTORER|SA_ONSTACK|SA_NODEFER|SA_RESETHAND|SA_SIGINFO|0xffffffff00000000, sa_restorer=0x7f36a8a54050}, NULL, 8) = 0',
      (17, A, 0, 8), 0,
      {A: kernel_sigaction(0, 0xFFFFFFFF00000000 | SA_RESTORER | 0x08000000 | 0x40000000 | 0x80000000 | 4,
                           RESTORER, M64 & ~sigmask(32, 33))}),
    L('rt_sigaction(SIGUSR1, {sa_handler=0x1234, sa_mask=~[], sa_flags=SA_RESTORER|SA_ONSTACK|SA_RESTART|SA_INTERRUPT|SA_NODEFER|SA_RESETHAND|SA_SIGINFO|SA_NOCLDSTOP|SA_NOCLDWAIT|0x3fffff8, sa_restorer=NULL}, NULL, 8) = 0',
      (10, A, 0, 8), 0, {A: kernel_sigaction(0x1234, 0xFFFFFFFF, 0, M64)}),
    L('rt_sigaction(SIGUSR1, {sa_handler=SIG_DFL, sa_mask=[HUP RT_32], sa_flags=0}, NULL, 8) = 0',
      (10, A, 0, 8), 0, {A: kernel_sigaction(0, 0, 0, 1 | (1 << 63))}),
    L('rt_sigaction(SIGUSR2, {sa_handler=SIG_ERR, sa_mask=[], sa_flags=SA_RESTORER, sa_restorer=0x7f3b247a0050}, NULL, 8) = 0',
      (12, A, 0, 8), 0, {A: kernel_sigaction(M64, SA_RESTORER, 0x7F3B247A0050, 0)}),
    L('rt_sigaction(SIGUSR1, 0x8, NULL, 8)     = -1 EFAULT (Bad address)', (10, 8, 0, 8), -14),
    L('rt_sigaction(SIGRT_1, {sa_handler=0x7fd581739720, sa_mask=[], sa_flags=SA_RESTORER|SA_ONSTACK|SA_RESTART|SA_SIGINFO, sa_restorer=0x7fd5816ef050}, NULL, 8) = 0',
      (33, A, 0, 8), 0, {A: kernel_sigaction(0x7FD581739720, 0x1C000004, 0x7FD5816EF050, 0)}),
    L('rt_sigprocmask(SIG_BLOCK, [HUP RT_4], NULL, 8) = 0', (0, A, 0, 8), 0, {A: u64s(sigmask(1, 36))}),
    L('rt_sigprocmask(SIG_SETMASK, [HUP RT_4], [HUP RT_4], 8) = 0', (2, A, B, 8), 0,
      {A: u64s(sigmask(1, 36)), B: u64s(sigmask(1, 36))}),
    L('rt_sigprocmask(SIG_BLOCK, ~[], NULL, 8) = 0', (0, A, 0, 8), 0, {A: u64s(M64)}),
    L('rt_sigprocmask(0x5 /* SIG_??? */, [RTMIN RT_1 RT_2 RT_32], NULL, 8) = -1 EINVAL (Invalid argument)',
      (5, A, 0, 8), -22, {A: u64s(sigmask(32, 33, 34, 64))}),
    L('rt_sigprocmask(SIG_SETMASK, ~[KILL], NULL, 8) = 0', (2, A, 0, 8), 0, {A: u64s(M64 & ~sigmask(9))}),
    L('rt_sigprocmask(SIG_BLOCK, NULL, [], 8)  = 0', (0, 0, A, 8), 0, {A: u64s(0)}),
    L('15956 rt_sigprocmask(SIG_BLOCK, ~[], [], 8) = 0', (0, A, B, 8), 0, {A: u64s(M64), B: u64s(0)},
      prefix="15956 "),
    L('kill(14584, 0)                          = 0', (14584, 0), 0),
    L('kill(999999, SIGTERM)                   = -1 ESRCH (No such process)', (999999, 15), -3),
    L('kill(2147483647, SIGSTKFLT)             = -1 ESRCH (No such process)', (2147483647, 16), -3),
    L('kill(2147483647, SIGRTMIN)              = -1 ESRCH (No such process)', (2147483647, 32), -3),
    L('kill(2147483647, SIGRT_32)              = -1 ESRCH (No such process)', (2147483647, 64), -3),
    L('kill(2147483647, 65)                    = -1 ESRCH (No such process)', (2147483647, 65), -3),
    L('kill(2147483647, -1)                    = -1 ESRCH (No such process)', (2147483647, neg(-1)), -3),
    L('16439 tgkill(16439, 16439, SIGSTOP)     = 0', (16439, 16439, 19), 0, prefix="16439 "),
]

# ---------------------------------------------------------------------------
# poll / select / epoll

POLL = [
    L('poll([{fd=15, events=POLLIN}, {fd=1, events=POLLPRI|POLLOUT}], 2, 0) = 1 ([{fd=1, revents=POLLOUT}])',
      (A, 2, 0), 1, {A: pollfds((15, 1, 0), (1, 6, 4))}),
    L('poll([{fd=15, events=POLLIN}], 1, 10)   = 0 (Timeout)', (A, 1, 10), 0, {A: pollfds((15, 1, 0))}),
    L('poll([{fd=-1}, {fd=0, events=0}, {fd=1, events=POLLOUT}], 3, 0) = 1 ([{fd=1, revents=POLLOUT}])',
      (A, 3, 0), 1, {A: pollfds((-1, 1, 0), (0, 0, 0), (1, 4, 4))}),
    L('16438 poll(NULL, 0, 1)                  = 0 (Timeout)', (0, 0, 1), 0, prefix="16438 "),
    L('select(4, [0 3], NULL, NULL, {tv_sec=1, tv_usec=500}) = 2 (in [0 3], left {tv_sec=1, tv_usec=497})',
      (4, A, 0, 0, B), 2, {A: u64s(0b1001), B: struct.pack("<qq", 1, 500)},
      mem_exit={A: u64s(0b1001), B: struct.pack("<qq", 1, 497)}),
    L('16438 select(4, [3], NULL, NULL, NULL)  = 1 (in [3])', (4, A, 0, 0, 0), 1, {A: u64s(0b1000)}, prefix="16438 "),
    # strace 6.1 -y: the sets passed in are annotated, the result's are not
    L('pselect6(4, [3</dev/null>], NULL, NULL, {tv_sec=0, tv_nsec=0}, NULL) = 1 (in [3], left {tv_sec=0, tv_nsec=0})',
      (4, A, 0, 0, B, 0), 1, {A: u64s(0b1000), B: timespec(0, 0)}, fd_path={3: "/dev/null"}.get),
    L('pselect6(6, [0 5], NULL, NULL, {tv_sec=0, tv_nsec=0}, NULL) = 0 (Timeout)', (6, A, 0, 0, B, 0), 0,
      {A: u64s(0b100001), B: timespec(0, 0)}),
    L('15956 epoll_create1(EPOLL_CLOEXEC)      = 8', (0o2000000,), 8, prefix="15956 "),
    L('epoll_ctl(8, EPOLL_CTL_ADD, 5, {events=EPOLLIN|EPOLLET, data={u32=7, u64=7}}) = 0', (8, 1, 5, A), 0,
      {A: struct.pack("<IQ", 0x80000001, 7)}),
    L('15956 epoll_wait(8, [], 4, 0)           = 0', (8, A, 4, 0), 0, {A: bytes(48)}, prefix="15956 "),
    L('epoll_wait(8, [{events=EPOLLIN, data={u32=7, u64=7}}], 4, 0) = 1', (8, A, 4, 0), 1,
      {A: struct.pack("<IQ", 1, 7) + bytes(36)}),
]

# ---------------------------------------------------------------------------
# resources, random, ioctl, futex, misc

MISC = [
    L('getpid()                                = 14584', (), 14584),
    L('getuid()                                = 0', (), 0),
    L('15956 sched_yield()                     = 0', (), 0, prefix="15956 "),
    L('prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0', (0, 3, 0, A), 0,
      {A: u64s(8192 * 1024, M64)}),
    L('prlimit64(0, RLIMIT_NOFILE, NULL, {rlim_cur=20000, rlim_max=20000}) = 0', (0, 7, 0, A), 0, {A: u64s(20000, 20000)}),
    L('prlimit64(0, RLIMIT_NOFILE, {rlim_cur=1024, rlim_max=3072*1024}, NULL) = -1 EPERM (Operation not permitted)',
      (0, 7, A, 0), -1, {A: u64s(1024, 3 * 1024 * 1024)}),
    L('prlimit64(0, 0x64 /* RLIMIT_??? */, {rlim_cur=1023, rlim_max=18446744073709551614}, NULL) = -1 EINVAL (Invalid argument)',
      (0, 100, A, 0), -22, {A: u64s(1023, M64 - 1)}),
    L('prlimit64(0, RLIMIT_STACK, {rlim_cur=2*1024, rlim_max=1025}, NULL) = -1 EINVAL (Invalid argument)',
      (0, 3, A, 0), -22, {A: u64s(2048, 1025)}),
    L('getrandom("\\x91\\x25\\x63\\xd6", 4, 0)     = 4', (A, 4, 0), 4, {A: bytes.fromhex("912563d6")}),
    L('getrandom("\\xae\\x07\\xb2\\xb8\\x52\\x15\\x2c\\xbe\\x7f\\x6a\\x37\\xa6\\x61\\x4d\\x05\\xd6\\x2e\\xac\\x64\\x92\\x10\\xce\\xa0\\x0f\\x26\\xc2\\xc1\\x6a\\x37\\x0c\\x6a\\xd3"..., 40, GRND_NONBLOCK|GRND_RANDOM) = 40',
      (A, 40, 3), 40, {A: bytes.fromhex("ae07b2b852152cbe7f6a37a6614d05d62eac649210cea00f26c2c16a370c6ad3") + bytes(8)}),
    L('getrandom(0x7fd85f7f14e0, 4, 0x100 /* GRND_??? */) = -1 EINVAL (Invalid argument)',
      (0x7FD85F7F14E0, 4, 0x100), -22),
    L('ioctl(1, TCGETS, 0x7ffc7f40ce00)        = -1 ENOTTY (Inappropriate ioctl for device)',
      (1, 0x5401, 0x7FFC7F40CE00), -25),
    L('ioctl(3, _IOC(_IOC_NONE, 0xab, 0xcd, 0x1234), 0x42) = -1 ENOTTY (Inappropriate ioctl for device)',
      (3, 0x1234ABCD, 0x42), -25),
    L('ioctl(3, FIONBIO, [4])                  = 0', (3, 0x5421, A), 0, {A: i32s(4)}),
    L('ioctl(3, FIOCLEX)                       = 0', (3, 0x5451), 0),
    L('ioctl(2, TIOCGPGRP, 0x7f08491314e0)     = -1 ENOTTY (Inappropriate ioctl for device)', (2, 0x540F, 0x7F08491314E0), -25),
    L('ioctl(0, TCGETS, {c_iflag=ICRNL|IXON, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST|ONLCR, c_cflag=B38400|CS8|CREAD, c_lflag=ISIG|ICANON|ECHO|ECHOE|ECHOK|IEXTEN|ECHOCTL|ECHOKE, ...}) = 0',
      (0, 0x5401, A), 0, {A: termios(0o2400, 0o5, 0o277, 0o105073)}),
    L('ioctl(0, TIOCGWINSZ, {ws_row=0, ws_col=0, ws_xpixel=0, ws_ypixel=0}) = 0', (0, 0x5413, A), 0, {A: bytes(8)}),
    # struct ifreq (strace 6.1 on a C program): the name at entry, the value at exit
    L('ioctl(3, SIOCGIFFLAGS, {ifr_name="lo", ifr_flags=IFF_UP|IFF_LOOPBACK|IFF_RUNNING}) = 0', (3, 0x8913, A), 0,
      {A: ifreq(b"lo")}, mem_exit={A: ifreq(b"lo", struct.pack("<H", 0x49))}),
    L('ioctl(3, SIOCSIFFLAGS, {ifr_name="lo", ifr_flags=IFF_UP|IFF_LOOPBACK|IFF_RUNNING}) = 0', (3, 0x8914, A), 0,
      {A: ifreq(b"lo", struct.pack("<H", 0x49))}),
    L('ioctl(3, SIOCGIFINDEX, {ifr_name="lo", ifr_ifindex=1}) = 0', (3, 0x8933, A), 0,
      {A: ifreq(b"lo")}, mem_exit={A: ifreq(b"lo", i32s(1))}),
    L('ioctl(3, SIOCGIFMTU, {ifr_name="lo", ifr_mtu=65536}) = 0', (3, 0x8921, A), 0,
      {A: ifreq(b"lo")}, mem_exit={A: ifreq(b"lo", i32s(65536))}),
    L('ioctl(3, SIOCGIFNAME, {ifr_ifindex=1, ifr_name="lo"}) = 0', (3, 0x8910, A), 0,
      {A: ifreq(b"", i32s(1))}, mem_exit={A: ifreq(b"lo", i32s(1))}),
    L('ioctl(3, SIOCGIFADDR, {ifr_name="lo", ifr_addr={sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("127.0.0.1")}}) = 0',
      (3, 0x8915, A), 0, {A: ifreq(b"lo")}, mem_exit={A: ifreq(b"lo", sockaddr_in(0, "127.0.0.1"))}),
    L('ioctl(3, SIOCGIFNETMASK, {ifr_name="lo", ifr_netmask={sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("255.0.0.0")}}) = 0',
      (3, 0x891B, A), 0, {A: ifreq(b"lo")}, mem_exit={A: ifreq(b"lo", sockaddr_in(0, "255.0.0.0"))}),
    L('ioctl(3, SIOCGIFHWADDR, {ifr_name="eth0", ifr_hwaddr={sa_family=ARPHRD_ETHER, sa_data=02:fc:00:00:00:01}}) = 0',
      (3, 0x8927, A), 0, {A: ifreq(b"eth0")},
      mem_exit={A: ifreq(b"eth0", struct.pack("<H6s", 1, bytes.fromhex("02fc00000001")))}),
    L('ioctl(3, SIOCGIFFLAGS, {ifr_name="nosuch0"}) = -1 ENODEV (No such device)', (3, 0x8913, A), -19,
      {A: ifreq(b"nosuch0")}),
    L('ioctl(3, SIOCGIFNAME, {ifr_ifindex=999}) = -1 ENODEV (No such device)', (3, 0x8910, A), -19,
      {A: ifreq(b"", i32s(999))}),
    L('ioctl(3, SIOCGIFTXQLEN, {ifr_name="lo", ifr_qlen=1000}) = 0', (3, 0x8942, A), 0,
      {A: ifreq(b"lo")}, mem_exit={A: ifreq(b"lo", i32s(1000))}),
    L('ioctl(3, SIOCGIFFLAGS, 0x10)            = -1 EFAULT (Bad address)', (3, 0x8913, 0x10), -14),
    L('ioctl(3, SIOCGIFCONF, {ifc_len=80 /* 2 * sizeof(struct ifreq) */, ifc_buf=NULL}) = 0', (3, 0x8912, A), 0,
      {A: struct.pack("<i4xQ", 0, 0)}, mem_exit={A: struct.pack("<i4xQ", 80, 0)}),
    L('ioctl(3, SIOCGIFCONF, {ifc_len=512 => 80 /* 2 * sizeof(struct ifreq) */, ifc_buf=[{ifr_name="lo", ifr_addr={sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("127.0.0.1")}}, {ifr_name="eth0", ifr_addr={sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("192.0.2.2")}}]}) = 0',
      (3, 0x8912, A), 0, {A: struct.pack("<i4xQ", 512, B)},
      mem_exit={A: struct.pack("<i4xQ", 80, B),
                B: ifreq(b"lo", sockaddr_in(0, "127.0.0.1")) + ifreq(b"eth0", sockaddr_in(0, "192.0.2.2"))}),
    L('ioctl(3, SIOCGIFCONF, {ifc_len=0, ifc_buf=[]}) = 0', (3, 0x8912, A), 0,
      {A: struct.pack("<i4xQ", 0, B), B: bytes(100)}),
    L('ioctl(-1, SIOCGIFCONF, {ifc_len=80 /* 2 * sizeof(struct ifreq) */, ifc_buf=0x10}) = -1 EBADF (Bad file descriptor)',
      (neg(-1), 0x8912, A), -9, {A: struct.pack("<i4xQ", 80, 0x10)}),
    L('ioctl(3, SIOCGIFCONF, 0x10)             = -1 EFAULT (Bad address)', (3, 0x8912, 0x10), -14),
    L('ioctl(0, SNDCTL_TMR_START or TCSETS, {c_iflag=IGNBRK|BRKINT|IGNPAR|PARMRK|INPCK|ISTRIP|INLCR|IGNCR|ICRNL|IUCLC|IXON|IXANY|IXOFF|IMAXBEL|IUTF8|0xffff8000, c_oflag=NL1|CR3|XTABS|BS1|VT1|FF1|OPOST|OLCUC|ONLCR|OCRNL|ONOCR|ONLRET|OFILL|OFDEL|0xffff0000, c_cflag=B4000000|B4000000<<IBSHIFT|CS8|CSTOPB|CREAD|PARENB|PARODD|HUPCL|CLOCAL|CMSPAR|CRTSCTS|0x2ff0e000, c_lflag=ISIG|ICANON|XCASE|ECHO|ECHOE|ECHOK|ECHONL|NOFLSH|IEXTEN|ECHOCTL|ECHOPRT|ECHOKE|FLUSHO|PENDIN|TOSTOP|EXTPROC|0xfffe2000, ...}) = -1 ENOTTY (Inappropriate ioctl for device)',
      (0, 0x5402, A), -25, {A: termios(0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF)}),
    L('futex(0x7f046644da4c, FUTEX_WAKE_PRIVATE, 2147483647) = 0', (0x7F046644DA4C, 129, 2147483647), 0),
    L('futex(0x7ffc7f40c99c, FUTEX_WAIT_PRIVATE, 1, NULL) = -1 EAGAIN (Resource temporarily unavailable)',
      (0x7FFC7F40C99C, 128, 1, 0), -11),
    L('futex(0x7ffc7f40c99c, FUTEX_WAIT, 0, {tv_sec=0, tv_nsec=1000}) = -1 ETIMEDOUT (Connection timed out)',
      (0x7FFC7F40C99C, 0, 0, A), -110, {A: timespec(0, 1000)}),
    L('futex(0x7ffc7f40c99c, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 1, NULL, FUTEX_BITSET_MATCH_ANY) = -1 EAGAIN (Resource temporarily unavailable)',
      (0x7FFC7F40C99C, 9 | 128 | 256, 1, 0, 0, 0xFFFFFFFF), -11),
    L('futex(NULL, FUTEX_FD|FUTEX_PRIVATE_FLAG, 1) = -1 ENOSYS (Function not implemented)', (0, 130, 1), -38),
    L('futex(NULL, FUTEX_CMP_REQUEUE_PRIVATE, 1, 0, NULL, 0) = -1 EFAULT (Bad address)', (0, 132, 1), -14),
    L('futex(NULL, FUTEX_WAKE_OP, 1, 0, NULL, FUTEX_OP_SET<<28|0<<12|FUTEX_OP_CMP_EQ<<24|0) = -1 EFAULT (Bad address)',
      (0, 5, 1), -14),
    L('futex(NULL, FUTEX_UNLOCK_PI_PRIVATE)    = -1 EFAULT (Bad address)', (0, 135, 1), -14),
    L('futex(NULL, FUTEX_WAKE_BITSET, 1, 0)    = -1 EINVAL (Invalid argument)', (0, 10, 1), -22),
    L('futex(NULL, FUTEX_LOCK_PI2, NULL)       = -1 EFAULT (Bad address)', (0, 13, 1), -14),
    L('futex(NULL, 0x63 /* FUTEX_??? */, 1, 0x2, 0x3, 0x4) = -1 ENOSYS (Function not implemented)',
      (0, 99, 1, 2, 3, 4), -38),
    L('arch_prctl(ARCH_SET_FS, 0x7f04661ddc40) = 0', (0x1002, 0x7F04661DDC40), 0),
    L('arch_prctl(ARCH_GET_FS, [0x7fd5816b0740]) = 0', (0x1003, A), 0, {A: u64s(0x7FD5816B0740)}),
    L('15956 arch_prctl(0x1234 /* ARCH_??? */, 0) = -1 EINVAL (Invalid argument)', (0x1234, 0), -22, prefix="15956 "),
    L('2659  set_tid_address(0x7f04661ddf10)   = 2659', (0x7F04661DDF10,), 2659, prefix="2659  "),
    L('2659  set_robust_list(0x7f04661ddf20, 24) = 0', (0x7F04661DDF20, 24), 0, prefix="2659  "),
    L('rseq(0x7f04661de560, 0x20, 0, 0x53053053) = 0', (0x7F04661DE560, 0x20, 0, 0x53053053), 0),
    L('uname({sysname="Linux", nodename="vm", ...}) = 0', (A,), 0, {A: b"Linux".ljust(65, b"\0") + b"vm".ljust(65 * 5, b"\0")}),
    L('sysinfo({uptime=1389, loads=[0, 13696, 31872], totalram=25276510208, freeram=25047556096, sharedram=9068544, bufferram=1183744, totalswap=0, freeswap=0, procs=94, totalhigh=0, freehigh=0, mem_unit=1}) = 0',
      (A,), 0, {A: struct.pack("<qQQQQQQQQQH6xQQI4x", 1389, 0, 13696, 31872, 25276510208, 25047556096,
                               9068544, 1183744, 0, 0, 94, 0, 0, 1)}),
    L('16438 time(NULL)                        = 1795678046 (2026-11-26T07:27:26+0000)', (0,), 1795678046, prefix="16438 "),
    L('syscall_0x14f(0x1, 0x2, 0x3, 0, 0xffffffffffffffff, 0x6) = -1 EPERM (Operation not permitted)',
      (1, 2, 3, 0, M64, 6), -1),
]

# ---------------------------------------------------------------------------
# sockets

SOCK = [
    L('socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 21', (1, 0o2000001, 0), 21),
    L('socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = 22', (2, 1, 6), 22),
    L('socket(AF_INET, SOCK_DGRAM|SOCK_NONBLOCK, IPPROTO_IP) = 23', (2, 0o4002, 0), 23),
    L('socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE) = 3', (16, 3, 0), 3),
    L('socket(AF_PACKET, SOCK_PACKET, htons(ETH_P_ALL)) = 4', (17, 10, 0x300), 4),
    L('socket(0x63 /* AF_??? */, SOCK_SEQPACKET, 0) = -1 EAFNOSUPPORT (Address family not supported by protocol)',
      (99, 5, 0), -97),
    L('socket(AF_INET, 0xf /* SOCK_??? */, IPPROTO_IP) = -1 EINVAL (Invalid argument)', (2, 15, 0), -22),
    L('connect(21, {sa_family=AF_UNIX, sun_path="/tmp/st/nosock"}, 110) = -1 ENOENT (No such file or directory)',
      (21, A, 110), -2, {A: sockaddr_un(b"/tmp/st/nosock")}),
    L('connect(21, {sa_family=AF_UNIX, sun_path="/tmp/st/nosock"}, 17) = -1 ENOENT (No such file or directory)',
      (21, A, 17), -2, {A: sockaddr_un(b"/tmp/st/nosock")}),
    L('bind(21, {sa_family=AF_UNIX, sun_path=@"abstract"}, 11) = 0', (21, A, 11), 0, {A: sockaddr_un(b"\0abstract")}),
    L('16438 bind(11, {sa_family=AF_UNIX}, 2)  = 0', (11, A, 2), 0, {A: sockaddr_un(b"")}, prefix="16438 "),
    L('connect(22, {sa_family=AF_INET, sin_port=htons(1), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 ECONNREFUSED (Connection refused)',
      (22, A, 16), -111, {A: sockaddr_in(1, "127.0.0.1")}),
    L('bind(23, {sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("0.0.0.0")}, 16) = 0',
      (23, A, 16), 0, {A: sockaddr_in(0, "0.0.0.0")}),
    L('getsockname(23, {sa_family=AF_INET, sin_port=htons(52767), sin_addr=inet_addr("0.0.0.0")}, [16]) = 0',
      (23, A, B), 0, {A: sockaddr_in(52767, "0.0.0.0"), B: i32s(16)}),
    L('connect(24, {sa_family=AF_INET6, sin6_port=htons(8080), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "::1", &sin6_addr), sin6_scope_id=0}, 28) = -1 ECONNREFUSED (Connection refused)',
      (24, A, 28), -111, {A: sockaddr_in6(8080, bytes(15) + b"\1")}),
    L('connect(3, {sa_family=AF_INET6, sin6_port=htons(1), sin6_flowinfo=htonl(5), inet_pton(AF_INET6, "::ffff:127.0.0.1", &sin6_addr), sin6_scope_id=0}, 28) = -1 ECONNREFUSED (Connection refused)',
      (3, A, 28), -111, {A: sockaddr_in6(1, bytes(10) + b"\xff\xff\x7f\0\0\1", flowinfo=5)}),
    L('accept(25, {sa_family=AF_INET, sin_port=htons(42696), sin_addr=inet_addr("127.0.0.1")}, [16]) = 27',
      (25, A, B), 27, {A: sockaddr_in(42696, "127.0.0.1"), B: i32s(16)}),
    L('accept4(25, NULL, NULL, SOCK_NONBLOCK)  = -1 EAGAIN (Resource temporarily unavailable)', (25, 0, 0, 0o4000), -11),
    L('listen(25, 5)                           = 0', (25, 5), 0),
    L('sendto(9, "hello", 5, MSG_DONTWAIT, NULL, 0) = 5', (9, A, 5, 0x40, 0, 0), 5, {A: b"hello"}),
    L('recvfrom(4, "HTTP/1.0 200 OK\\r\\nServer: SimpleH"..., 100, 0, 0x7ffdb5f3e410, [4096 => 0]) = 100',
      (4, A, 100, 0, 0x7FFDB5F3E410, B), 100, {A: b"HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6" + bytes(60), B: i32s(4096)},
      mem_exit={A: b"HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6" + bytes(60), B: i32s(0)}),
    L('recvfrom(11, "hi", 100, MSG_PEEK, NULL, NULL) = 2', (11, A, 100, 2, 0, 0), 2, {A: b"hi" + bytes(98)}),
    L('sendto(9, "ping", 4, 0, {sa_family=AF_INET, sin_port=htons(50311), sin_addr=inet_addr("127.0.0.1")}, 16) = 4',
      (9, A, 4, 0, B, 16), 4, {A: b"ping", B: sockaddr_in(50311, "127.0.0.1")}),
    L('sendmmsg(3, [{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="hello", iov_len=5}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=5}, {msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="world!", iov_len=6}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=6}], 2, MSG_NOSIGNAL) = 2',
      (3, A, 2, 0x4000), 2,
      {A: struct.pack("<QI4xQQQQi4xI4x", 0, 0, B, 1, 0, 0, 0, 5) + struct.pack("<QI4xQQQQi4xI4x", 0, 0, C, 1, 0, 0, 0, 6),
       B: iovecs((D, 5)), C: iovecs((E, 6)), D: b"hello", E: b"world!"}),
    L('recvmmsg(4, [{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="hello", iov_len=10}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=5}], 2, MSG_DONTWAIT, {tv_sec=0, tv_nsec=0}) = 1 (left {tv_sec=0, tv_nsec=0})',
      (4, A, 2, 0x40, C), 1,
      {A: struct.pack("<QI4xQQQQi4xI4x", 0, 0, B, 1, 0, 0, 0, 5) + bytes(64), B: iovecs((D, 10)),
       D: b"hello" + bytes(5), C: timespec(0, 0)}),
    L('recvmmsg(4, [{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="world!", iov_len=10}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=6}], 2, MSG_DONTWAIT, NULL) = 1',
      (4, A, 2, 0x40, 0), 1,
      {A: struct.pack("<QI4xQQQQi4xI4x", 0, 0, B, 1, 0, 0, 0, 6) + bytes(64), B: iovecs((D, 10)), D: b"world!" + bytes(4)}),
    L('15956 shutdown(9, SHUT_WR)              = 0', (9, 1), 0, prefix="15956 "),
    L('setsockopt(9, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0', (9, 1, 2, A, 4), 0, {A: i32s(1)}),
    L('getsockopt(9, SOL_SOCKET, SO_TYPE, [1], [4]) = 0', (9, 1, 3, A, B), 0, {A: i32s(1), B: i32s(4)}),
    # strace 6.1 on curl (a refused connect) and ip addr
    L('getsockopt(5, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0', (5, 1, 4, A, B), 0, {A: i32s(111), B: i32s(4)}),
    L('getsockopt(5, SOL_SOCKET, SO_ERROR, [0], [4]) = 0', (5, 1, 4, A, B), 0, {A: i32s(0), B: i32s(4)}),
    L('setsockopt(3, SOL_NETLINK, NETLINK_EXT_ACK, [1], 4) = 0', (3, 270, 11, A, 4), 0, {A: i32s(1)}),
    L('setsockopt(3, SOL_NETLINK, NETLINK_GET_STRICT_CHK, [1], 4) = 0', (3, 270, 12, A, 4), 0, {A: i32s(1)}),
    L('socketpair(AF_UNIX, SOCK_STREAM, 0, [9, 11]) = 0', (1, 1, 0, A), 0, {A: i32s(9, 11)}),
    L('socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 21<socket:[47181]>', (1, 0o2000001, 0), 21,
      fd_path={21: "socket:[47181]"}.get),
]


def _accept_cases():
    """accept/recvfrom/getpeername: the length is in-out; strace shows [in => out]."""
    m_entry = {A: bytes(128), B: i32s(128)}
    m_exit = {A: sockaddr_in(42474, "127.0.0.1") + bytes(112), B: i32s(16)}
    yield ('accept(6, {sa_family=AF_INET, sin_port=htons(42474), sin_addr=inet_addr("127.0.0.1")}, [128 => 16]) = 8',
           (6, A, B), 8, m_entry, m_exit)
    m_entry = {A: bytes(4), B: i32s(4)}
    m_exit = {A: struct.pack("<H", 2) + b"\xa5\xea", B: i32s(16)}
    yield ('getpeername(8, {sa_family=AF_INET, sa_data="\\245\\352"}, [4 => 16]) = 0', (8, A, B), 0, m_entry, m_exit)
    m_entry = {A: bytes(4096), B: bytes(128), C: i32s(128)}
    m_exit = {A: b"ping" + bytes(4092), B: sockaddr_in(50311, "127.0.0.1") + bytes(112), C: i32s(16)}
    yield ('recvfrom(9, "ping", 4096, 0, {sa_family=AF_INET, sin_port=htons(50311), sin_addr=inet_addr("127.0.0.1")}, [128 => 16]) = 4',
           (9, A, 4096, 0, B, C), 4, m_entry, m_exit)


@pytest.mark.parametrize("line,args,ret,m_entry,m_exit", list(_accept_cases()), ids=lambda v: str(v)[:30])
def test_inout_socklen(line, args, ret, m_entry, m_exit):
    name = line[: line.index("(")]
    entry = format_entry(name, args, FakeMemory(m_entry))
    full, rtext = format_exit(name, args, ret, FakeMemory(m_exit), entry_text=entry)
    assert format_syscall_line(name, full, rtext) == line


# ---------------------------------------------------------------------------
# processes

ENVP = 0x7FFD8DF8D998
PROC = [
    L('clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f36a8a15a10) = 14585',
      (0x01200011, 0, 0, 0x7F36A8A15A10, 0), 14585),
    L('clone(child_stack=NULL, flags=CLONE_CHILD_SETTID|CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNET|CLONE_IO|0x400000, child_tidptr=NULL) = 16212',
      (0xFF400000, 0, 0, 0, 0), 16212),
    L('clone(child_stack=0x1000, flags=CLONE_PARENT_SETTID|CLONE_IO|SIGCHLD, parent_tid=0x2000) = 16217',
      (0x80100011, 0x1000, 0x2000, 0x3000, 0x4000), 16217),
    L('clone(child_stack=NULL, flags=CLONE_SETTLS|SIGCHLD, tls=0x4000) = 16219', (0x80011, 0, 0x2000, 0x3000, 0x4000), 16219),
    L('clone(child_stack=NULL, flags=SIGCHLD)  = 16942', (0x11, 0, 0, 0, 0), 16942),
    L('clone(child_stack=0x7000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|SIGKILL) = 15981',
      (0xF09, 0x7000, 0, 0, 0), 15981),
    L('clone(child_stack=0x1000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_PIDFD|CLONE_PTRACE|CLONE_VFORK|CLONE_PARENT|CLONE_THREAD|CLONE_NEWNS|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID|CLONE_UNTRACED|0xffffffff00400000|255, parent_tid=0x2000, tls=0x4000, child_tidptr=0x3000) = -1 EINVAL (Invalid argument)',
      (0xFFFFFFFF00FFFFFF, 0x1000, 0x2000, 0x3000, 0x4000), -22),
    L('clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7fd5816af990, parent_tid=0x7fd5816af990, exit_signal=0, stack=0x7fd580eaf000, stack_size=0x7fff80, tls=0x7fd5816af6c0} => {parent_tid=[15957]}, 88) = 15957',
      (A, 88), 15957,
      {A: u64s(0x3D0F00, 0, 0x7FD5816AF990, 0x7FD5816AF990, 0, 0x7FD580EAF000, 0x7FFF80, 0x7FD5816AF6C0, 0, 0, 0),
       0x7FD5816AF990: i32s(15957)}),
    L('clone(child_stack=NULL, flags=CLONE_PARENT_SETTID|SIGCHLD, parent_tid=[27744]) = 27744',
      (0x100011, 0, A, 0, 0), 27744, {}, mem_exit={A: i32s(27744)}),
    L('clone3({flags=CLONE_PARENT_SETTID, parent_tid=0x7fbda0d118d0, exit_signal=SIGCHLD, stack=NULL, stack_size=0} => {parent_tid=[27745]}, 88) = 27745',
      (A, 88), 27745, {A: u64s(0x100000, 0, 0, 0x7FBDA0D118D0, 17, 0, 0, 0, 0, 0, 0)},
      mem_exit={A: u64s(0x100000, 0, 0, 0x7FBDA0D118D0, 17, 0, 0, 0, 0, 0, 0), 0x7FBDA0D118D0: i32s(27745)}),
    L('clone3({flags=0, exit_signal=SIGCHLD, stack=NULL, stack_size=0}, 88) = 27746',
      (A, 88), 27746, {A: u64s(0, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0)}),
    L('wait4(14585, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL) = 14585', (14585, A, 0, 0), 14585, {A: i32s(3 << 8)}),
    L('wait4(14586, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGKILL}], 0, NULL) = 14586', (14586, A, 0, 0), 14586, {A: i32s(9)}),
    L('wait4(-1, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], WNOHANG|WSTOPPED, NULL) = 14587', (neg(-1), A, 3, 0), 14587,
      {A: i32s(0)}),
    L('wait4(-1, 0x7ffc7f40c85c, 0, NULL)      = -1 ECHILD (No child processes)', (neg(-1), 0x7FFC7F40C85C, 0, 0), -10),
    L('wait4(16925, 0x7ffd43bf0ebc, WCONTINUED, NULL) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)',
      (16925, 0x7FFD43BF0EBC, 8, 0), -512),
    L('wait4(16926, [{WIFSIGNALED(s) && WTERMSIG(s) == SIGABRT && WCOREDUMP(s)}], 0, NULL) = 16926',
      (16926, A, 0, 0), 16926, {A: i32s(0x86)}),
    L('wait4(16925, [{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}], WSTOPPED, {ru_utime={tv_sec=0, tv_usec=98}, ru_stime={tv_sec=0, tv_usec=0}, ...}) = 16925',
      (16925, A, 2, B), 16925, {A: i32s(0x137F), B: struct.pack("<qqqq14q", 0, 98, 0, 0, *([0] * 14))}),
    # statuses of ptrace stops and odd bits, as strace 6.1 prints them
    L('wait4(22786, [{WIFSTOPPED(s) && WSTOPSIG(s) == SIGTRAP | 0x80}], 0, NULL) = 22786',
      (22786, A, 0, 0), 22786, {A: i32s(0x857F)}),
    L('wait4(22786, [{WIFSTOPPED(s) && WSTOPSIG(s) == SIGTRAP}|PTRACE_EVENT_EXEC<<16], 0, NULL) = 22786',
      (22786, A, 0, 0), 22786, {A: i32s(0x4057F)}),
    L('wait4(22786, [{WIFSTOPPED(s) && WSTOPSIG(s) == SIGTRAP}|0x9 /* PTRACE_EVENT_??? */<<16], 0, NULL) = 22786',
      (22786, A, 0, 0), 22786, {A: i32s(0x9057F)}),
    L('wait4(22786, [{WIFEXITED(s) && WEXITSTATUS(s) == 1}|0x80], 0, NULL) = 22786',
      (22786, A, 0, 0), 22786, {A: i32s(0x180)}),
    L('wait4(22786, [0x1ff], 0, NULL)          = 22786', (22786, A, 0, 0), 22786, {A: i32s(0x1FF)}),
    L('wait4(16927, 0x7ffd43bf0ebc, WNOHANG, NULL) = 0', (16927, 0x7FFD43BF0EBC, 1, 0), 0, {0x7FFD43BF0EBC: i32s(0)}),
    L('wait4(-1, NULL, WNOHANG|WEXITED|WSTOPPED|WCONTINUED|WNOWAIT|__WCLONE|__WALL|__WNOTHREAD|0x1efffff0, NULL) = -1 EINVAL (Invalid argument)',
      (neg(-1), 0, 0xFFFFFFFF, 0), -22),
    L('exit_group(0)                           = ?', (0,), 0),
    L('15957 exit(0)                           = ?', (0,), 0, prefix="15957 "),
    L('execve("/tmp/st/t2", ["t2", "child", "arg with space", "tab\\there"], 0x7ffd8df8d998 /* 38 vars */) = 0',
      (A, B, ENVP), 0,
      {A: z(b"/tmp/st/t2"), B: ptrs(C, C + 3, C + 9, C + 24, 0),
       C: b"t2\0child\0arg with space\0tab\there\0", ENVP: ptrs(*([D] * 38), 0), D: b"A=1\0"}),
    # envp's pointers run into unmapped memory before a NULL: strace says so
    L('execve("/tmp/x", ["x"], 0x7ffd8df8cfd8 /* 5 vars, unterminated */) = -1 EACCES (Permission denied)',
      (A, B, 0x7FFD8DF8CFD8), -13,
      {A: z(b"/tmp/x"), B: ptrs(C, 0), C: b"x\0", 0x7FFD8DF8CFD8: ptrs(*([D] * 5)), D: b"A=1\0"}),
    L('execve("/tmp/x", ["x"], 0x7ffd8df8cff8 /* 1 var, unterminated */) = -1 EACCES (Permission denied)',
      (A, B, 0x7FFD8DF8CFF8), -13,
      {A: z(b"/tmp/x"), B: ptrs(C, 0), C: b"x\0", 0x7FFD8DF8CFF8: ptrs(D), D: b"A=1\0"}),
    L('execve("/nonexistent", ["a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", "a", ...], 0x7ffd8df8b300 /* 1 var */) = -1 ENOENT (No such file or directory)',
      (A, B, 0x7FFD8DF8B300), -2,
      {A: z(b"/nonexistent"), B: ptrs(*([C] * 39), 0), C: b"a\0", 0x7FFD8DF8B300: ptrs(D, 0), D: b"A=1\0"}),
    L('15956 execve("/nonexistent", NULL, NULL) = -1 ENOENT (No such file or directory)', (A, 0, 0), -2,
      {A: z(b"/nonexistent")}, prefix="15956 "),
    L('execve("/nonexistent", ["01234"..., "x"], NULL) = -1 ENOENT (No such file or directory)', (A, B, 0), -2,
      {A: z(b"/nonexistent"), B: ptrs(C, C + 17, 0), C: b"0123456789abcdef\0x\0"}, strsize=5),
    L('execve("/nonexistent", ["0123456789abcdef", "x"], NULL) = -1 ENOENT (No such file or directory)', (A, B, 0), -2,
      {A: z(b"/nonexistent"), B: ptrs(C, C + 17, 0), C: b"0123456789abcdef\0x\0"}),
]

# ---------------------------------------------------------------------------
# more calls (t4.c)

def itimerspec(a: int, b: int, c: int, d: int) -> bytes:
    return struct.pack("<qqqq", a, b, c, d)


def sigevent(value: int, signo: int, notify: int, a: int = 0, b: int = 0) -> bytes:
    return struct.pack("<QiiQQ", value, signo, notify, a, b).ljust(64, b"\0")


def siginfo_chld(pid: int, status: int, code: int = 1) -> bytes:
    return struct.pack("<iii4xiIi4xqq", 17, 0, code, pid, 0, status, 0, 0).ljust(128, b"\0")


def statfs_buf(ftype, bsize, blocks, bfree, bavail, files, ffree, fsid, namelen, frsize, flags):
    return struct.pack("<qqQQQQQIIqqq4q", ftype, bsize, blocks, bfree, bavail, files, ffree,
                       fsid[0], fsid[1], namelen, frsize, flags, 0, 0, 0, 0)


MORE = [
    L('eventfd2(3, EFD_CLOEXEC|EFD_NONBLOCK)   = 3', (3, 0o2004000), 3),
    L('read(3, "\\3\\0\\0\\0\\0\\0\\0\\0", 8)          = 8', (3, A, 8), 8, {A: u64s(3)}),
    L('timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC) = 4', (1, 0o2000000), 4),
    L('timerfd_settime(4, 0, {it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=0, tv_nsec=1000000}}, {it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=0, tv_nsec=0}}) = 0',
      (4, 0, A, B), 0, {A: itimerspec(0, 0, 0, 1000000), B: itimerspec(0, 0, 0, 0)}),
    L('timerfd_gettime(4, {it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=0, tv_nsec=987601}}) = 0',
      (4, A), 0, {A: itimerspec(0, 0, 0, 987601)}),
    L('signalfd4(-1, [USR1], 8, SFD_NONBLOCK)  = 5', (neg(-1), A, 8, 0o4000), 5, {A: u64s(sigmask(10))}),
    L('inotify_init1(IN_CLOEXEC)               = 6', (0o2000000,), 6),
    L('inotify_add_watch(6, "/tmp", IN_CREATE|IN_DELETE) = 1', (6, A, 0x300), 1, {A: z(b"/tmp")}),
    L('memfd_create("myfd", MFD_CLOEXEC|MFD_ALLOW_SEALING) = 7', (A, 3), 7, {A: z(b"myfd")}),
    L('fcntl(7, F_ADD_SEALS, F_SEAL_SHRINK|F_SEAL_GROW) = 0', (7, 1033, 6), 0),
    L('fcntl(7, F_GET_SEALS)                   = 0x6 (seals F_SEAL_SHRINK|F_SEAL_GROW)', (7, 1034), 6),
    L('prctl(PR_SET_NAME, "worker")            = 0', (15, A), 0, {A: z(b"worker")}),
    L('prctl(PR_GET_NAME, "worker")            = 0', (16, A), 0, {A: z(b"worker") + bytes(9)}),
    L('prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)  = 0', (38, 1, 0, 0, 0), 0),
    L('prctl(PR_GET_DUMPABLE)                  = 1 (SUID_DUMP_USER)', (3,), 1),
    L('prctl(PR_SET_PDEATHSIG, SIGTERM)        = 0', (1, 15), 0),
    L('getresuid([0], [0], [0])                = 0', (A, B, C), 0, {A: i32s(0), B: i32s(0), C: i32s(0)}),
    L('getgroups(10, [])                       = 0', (10, A), 0, {A: bytes(40)}),
    L('getgroups(0, NULL)                      = 0', (0, 0), 0),
    L('getgroups(0, [])                        = 0', (0, 0x7FFD1C5E3A40), 0),
    L('sched_getaffinity(0, 128, [0 1])        = 32', (0, 128, A), 32, {A: u64s(3, 0, 0, 0)}),
    L('setitimer(ITIMER_REAL, {it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=5, tv_usec=0}}, {it_interval={tv_sec=0, tv_usec=0}, it_value={tv_sec=0, tv_usec=0}}) = 0',
      (0, A, B), 0, {A: itimerspec(0, 0, 5, 0), B: itimerspec(0, 0, 0, 0)}),
    L('alarm(0)                                = 5', (0,), 5),
    L('sigaltstack({ss_sp=0x559462e052a0, ss_flags=0, ss_size=65536}, {ss_sp=NULL, ss_flags=SS_DISABLE, ss_size=0}) = 0',
      (A, B), 0, {A: struct.pack("<Qi4xQ", 0x559462E052A0, 0, 65536), B: struct.pack("<Qi4xQ", 0, 2, 0)}),
    L('rt_sigpending([], 8)                    = 0', (A, 8), 0, {A: u64s(0)}),
    L('rt_sigtimedwait([USR1], NULL, {tv_sec=0, tv_nsec=1000}, 8) = -1 EAGAIN (Resource temporarily unavailable)',
      (A, 0, B, 8), -11, {A: u64s(sigmask(10)), B: timespec(0, 1000)}),
    L('utimensat(AT_FDCWD, "/tmp/st/work/f", [UTIME_OMIT, {tv_sec=1, tv_nsec=2} /* 1970-01-01T00:00:01.000000002+0000 */], 0) = 0',
      (AT_FDCWD, A, B, 0), 0, {A: z(b"/tmp/st/work/f"), B: timespec(0, (1 << 30) - 2) + timespec(1, 2)}),
    L('fchownat(AT_FDCWD, "/tmp/st/work/f", 0, -1, AT_SYMLINK_NOFOLLOW) = 0', (AT_FDCWD, A, 0, 0xFFFFFFFF, 0x100), 0,
      {A: z(b"/tmp/st/work/f")}),
    L('linkat(AT_FDCWD, "/tmp/st/work/f", AT_FDCWD, "/tmp/st/work/g", 0) = 0', (AT_FDCWD, A, AT_FDCWD, B, 0), 0,
      {A: z(b"/tmp/st/work/f"), B: z(b"/tmp/st/work/g")}),
    L('symlinkat("f", AT_FDCWD, "/tmp/st/work/h") = 0', (A, AT_FDCWD, B), 0, {A: z(b"f"), B: z(b"/tmp/st/work/h")}),
    L('renameat2(AT_FDCWD, "/tmp/st/work/g", AT_FDCWD, "/tmp/st/work/h", RENAME_NOREPLACE) = -1 EEXIST (File exists)',
      (AT_FDCWD, A, AT_FDCWD, B, 1), -17, {A: z(b"/tmp/st/work/g"), B: z(b"/tmp/st/work/h")}),
    L('mknodat(AT_FDCWD, "/tmp/st/work/fifo", S_IFIFO|0600) = 0', (AT_FDCWD, A, 0o10600, 0), 0,
      {A: z(b"/tmp/st/work/fifo")}),
    L('mknodat(AT_FDCWD, "/tmp/st/work/dev", S_IFCHR|0600, makedev(0x1, 0x3)) = 0', (AT_FDCWD, A, 0o20600, 0x103), 0,
      {A: z(b"/tmp/st/work/dev")}),
    L('fallocate(8, FALLOC_FL_KEEP_SIZE, 0, 4096) = 0', (8, 1, 0, 4096), 0),
    L('flock(8, LOCK_EX|LOCK_NB)               = 0', (8, 6), 0),
    L('sendfile(9, 8, [0] => [4], 4)           = 4', (9, 8, A, 4), 4, {A: u64s(0)}, mem_exit={A: u64s(4)}),
    L('sendfile(9, 8, NULL, 4)                 = 4', (9, 8, 0, 4), 4),
    # strace 6.1: the offset unsigned, and after '=>' whenever bytes were sent
    L('sendfile(9, 8, [14627392582579060461], 1) = -1 EINVAL (Invalid argument)', (9, 8, A, 1),
      -22, {A: u64s(14627392582579060461)}),
    L('sendfile(9, 8, [4] => [4], 4)           = 4', (9, 8, A, 4), 4, {A: u64s(4)}),
    L('getpriority(PRIO_PROCESS, 0)            = 20', (0, 0), 20),
    L('msync(0x7f9ad1b4d000, 4096, MS_ASYNC|MS_INVALIDATE) = 0', (0x7F9AD1B4D000, 4096, 3), 0),
    L('mincore(0x7f9ad1b4d000, 8192, [1, 0])   = 0', (0x7F9AD1B4D000, 8192, A), 0, {A: b"\1\0"}),
    L('mremap(0x7f9ad1b4d000, 8192, 16384, MREMAP_MAYMOVE) = 0x7f9ad1b49000', (0x7F9AD1B4D000, 8192, 16384, 1, 0),
      0x7F9AD1B49000),
    L('madvise(0x7f9ad1b49000, 4096, MADV_WILLNEED) = 0', (0x7F9AD1B49000, 4096, 3), 0),
    L('getcpu([1], [0], NULL)                  = 0', (A, B, 0), 0, {A: i32s(1), B: i32s(0)}),
    L('statfs("/tmp", {f_type=EXT2_SUPER_MAGIC, f_bsize=4096, f_blocks=66053021, f_bfree=60366695, f_bavail=20911402, f_files=16777216, f_ffree=16365539, f_fsid={val=[0xf48e237c, 0xb5b9e7bf]}, f_namelen=255, f_frsize=4096, f_flags=ST_VALID|ST_RELATIME}) = 0',
      (A, B), 0, {A: z(b"/tmp"), B: statfs_buf(0xEF53, 4096, 66053021, 60366695, 20911402, 16777216, 16365539,
                                                (0xF48E237C, 0xB5B9E7BF), 255, 4096, 0x1020)}),
    # strace 6.1 on df -h: ST_VALID comes first
    L('statfs("/mnt/sandboxing/model_tools_env/v1/python", {f_type=TMPFS_MAGIC, f_bsize=4096, f_blocks=1, f_bfree=1, f_bavail=1, f_files=3085511, f_ffree=3085510, f_fsid={val=[0xacec4c54, 0xa21d16d7]}, f_namelen=255, f_frsize=4096, f_flags=ST_VALID|ST_RDONLY|ST_NOSUID|ST_NODEV|ST_RELATIME}) = 0',
      (A, B), 0, {A: z(b"/mnt/sandboxing/model_tools_env/v1/python"),
                  B: statfs_buf(0x01021994, 4096, 1, 1, 1, 3085511, 3085510, (0xACEC4C54, 0xA21D16D7), 255, 4096,
                                0x20 | 1 | 2 | 4 | 0x1000)}),
    L('epoll_pwait(11, [], 2, 0, [USR1], 8)    = 0', (11, A, 2, 0, B, 8), 0, {A: bytes(24), B: u64s(sigmask(10))}),
    L('ppoll([{fd=3, events=POLLIN}], 1, {tv_sec=0, tv_nsec=0}, [USR1], 8) = 1 ([{fd=3, revents=POLLIN}], left {tv_sec=0, tv_nsec=0})',
      (A, 1, B, C, 8), 1, {A: pollfds((3, 1, 1)), B: timespec(0, 0), C: u64s(sigmask(10))}),
    L('recvmsg(13, {msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="abc", iov_len=3}, {iov_base="de", iov_len=10}], msg_iovlen=2, msg_controllen=0, msg_flags=0}, 0) = 5',
      (13, A, 0), 5, {A: struct.pack("<QI4xQQQQi4x", 0, 0, B, 2, 0, 0, 0), B: iovecs((C, 3), (D, 10)),
                      C: b"abc", D: b"de" + bytes(8)}),
    L('personality(0xffffffff)                 = 0 (PER_LINUX)', (0xFFFFFFFF,), 0),
    L('openat2(AT_FDCWD, "/etc/passwd", {flags=O_RDONLY|O_CLOEXEC, resolve=RESOLVE_NO_SYMLINKS}, 24) = 14',
      (AT_FDCWD, A, B, 24), 14, {A: z(b"/etc/passwd"), B: u64s(0o2000000, 0, 4)}),
    L('getxattr("/tmp", "user.x", 0x7ffc27748f10, 10) = -1 ENODATA (No data available)', (A, B, 0x7FFC27748F10, 10), -61,
      {A: z(b"/tmp"), B: z(b"user.x")}),
    L('setxattr("/tmp/st/work/f", "user.k", "val", 3, 0) = 0', (A, B, C, 3, 0), 0,
      {A: z(b"/tmp/st/work/f"), B: z(b"user.k"), C: b"val"}),
    L('copy_file_range(8, NULL, 9, NULL, 4, 0) = -1 EINVAL (Invalid argument)', (8, 0, 9, 0, 4, 0), -22),
    L('pidfd_open(21905, 0)                    = 15', (21905, 0), 15),
    # POSIX timers (strace 6.1 on a C program)
    L('timer_create(CLOCK_REALTIME, {sigev_signo=SIGALRM, sigev_notify=SIGEV_SIGNAL}, [0]) = 0', (0, A, B), 0,
      {A: sigevent(0, 14, 0), B: i32s(0)}),
    L('timer_create(CLOCK_MONOTONIC, {sigev_value={sival_int=42, sival_ptr=0x2a}, sigev_signo=SIGUSR1, sigev_notify=SIGEV_SIGNAL}, [1]) = 0',
      (1, A, B), 0, {A: sigevent(42, 10, 0), B: i32s(1)}),
    L('timer_create(CLOCK_BOOTTIME, {sigev_signo=0, sigev_notify=SIGEV_NONE}, [2]) = 0', (7, A, B), 0,
      {A: sigevent(0, 0, 1), B: i32s(2)}),
    L('timer_create(0xfffffffa /* CLOCK_??? */, {sigev_signo=SIGRT_2, sigev_notify=SIGEV_THREAD_ID, sigev_notify_thread_id=26564}, [3]) = 0',
      (neg(-6), A, B), 0, {A: sigevent(0, 34, 4, 26564), B: i32s(3)}),
    L('timer_create(CLOCK_REALTIME, NULL, [4]) = 0', (0, 0, B), 0, {B: i32s(4)}),
    L('timer_create(CLOCK_REALTIME, {sigev_value={sival_int=4660, sival_ptr=0x1234}, sigev_signo=SIGUSR2, sigev_notify=SIGEV_THREAD, sigev_notify_function=0x4000, sigev_notify_attributes=0x5000}, [5]) = 0',
      (0, A, B), 0, {A: sigevent(0x1234, 12, 2, 0x4000, 0x5000), B: i32s(5)}),
    L('timer_create(CLOCK_TAI, {sigev_signo=0, sigev_notify=0x9 /* SIGEV_??? */}, 0x7ffe8b210880) = -1 EINVAL (Invalid argument)',
      (11, A, 0x7FFE8B210880), -22, {A: sigevent(0, 0, 9)}),
    L('timer_create(0x63 /* CLOCK_??? */, 0x10, 0x10) = -1 EFAULT (Bad address)', (99, 0x10, 0x10), -14),
    L('timer_settime(0, 0, {it_interval={tv_sec=1, tv_nsec=0}, it_value={tv_sec=0, tv_nsec=200000000}}, NULL) = 0',
      (0, 0, A, 0), 0, {A: itimerspec(1, 0, 0, 200000000)}),
    L('timer_settime(1, TIMER_ABSTIME, {it_interval={tv_sec=1, tv_nsec=0}, it_value={tv_sec=0, tv_nsec=200000000}}, {it_interval={tv_sec=0, tv_nsec=0}, it_value={tv_sec=0, tv_nsec=0}}) = 0',
      (1, 1, A, B), 0, {A: itimerspec(1, 0, 0, 200000000), B: itimerspec(0, 0, 0, 0)}),
    L('timer_gettime(0, {it_interval={tv_sec=1, tv_nsec=0}, it_value={tv_sec=0, tv_nsec=199648470}}) = 0', (0, A), 0,
      {A: itimerspec(1, 0, 0, 199648470)}),
    L('timer_getoverrun(0)                     = 0', (0,), 0),
    # NUMA memory policies (strace 6.1 on a C program)
    L('get_mempolicy([MPOL_DEFAULT], [0000000000000000, 0000000000000000, 0000000000000000, 0000000000000000, 0000000000000000, 0000000000000000, 0000000000000000, 0000000000000000, 0000000000000000, 0000000000000000, 0000000000000000, 0000000000000000, 0000000000000000, 0000000000000000, 0000000000000000, 0000000000000000], 1025, NULL, 0) = 0', (A, B, 1025, 0, 0), 0,
      {A: i32s(0), B: bytes(128)}),
    L('set_mempolicy(MPOL_BIND|MPOL_F_STATIC_NODES, [0x00000000000001], 65) = 0', (2 | 1 << 15, B, 65), 0,
      {B: u64s(1)}),
    L('set_mempolicy(MPOL_DEFAULT, NULL, 0)    = 0', (0, 0, 0), 0),
    L('get_mempolicy([MPOL_DEFAULT], NULL, 0, NULL, MPOL_F_MEMS_ALLOWED) = 0', (A, 0, 0, 0, 4), 0, {A: i32s(0)}),
    L('set_mempolicy(0x63 /* MPOL_??? */, NULL, 0) = -1 EINVAL (Invalid argument)', (99, 0, 0), -22),
    L('mbind(0x7fe3a78f9000, 4096, MPOL_PREFERRED, [0x00000000000001], 65, MPOL_MF_MOVE) = 0',
      (0x7FE3A78F9000, 4096, 1, B, 65, 2), 0, {B: u64s(1)}),
    L('mbind(0x7fe3a78f9000, 4096, MPOL_DEFAULT, NULL, 0, 0) = 0', (0x7FE3A78F9000, 4096, 0, 0, 0, 0), 0),
    L('timer_delete(1)                         = 0', (1,), 0),
    L('close_range(100, 4294967295, 0)         = 0', (100, 0xFFFFFFFF, 0), 0),
    L('waitid(P_PID, 21906, {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=21906, si_uid=0, si_status=2, si_utime=0, si_stime=0}, WEXITED, NULL) = 0',
      (1, 21906, A, 4, 0), 0, {A: siginfo_chld(21906, 2)}),
    L('rt_sigqueueinfo(21905, 0, {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=21906, si_uid=0, si_status=2, si_utime=0, si_stime=0}) = 0',
      (21905, 0, A), 0, {A: siginfo_chld(21906, 2)}),
    L('clock_settime(CLOCK_REALTIME, {tv_sec=0, tv_nsec=1000}) = -1 EINVAL (Invalid argument)', (0, A), -22,
      {A: timespec(0, 1000)}),
    L('sched_getparam(0, [0])                  = 0', (0, A), 0, {A: i32s(0)}),
    L('sched_getscheduler(0)                   = 0 (SCHED_OTHER)', (0,), 0),
    L('sched_get_priority_max(SCHED_FIFO)      = 99', (1,), 99),
    L('umask(000)                              = 022', (0,), 0o22),
    L('getdents64(12345, 0x7ffc27748f10, 100)  = -1 EBADF (Bad file descriptor)', (12345, 0x7FFC27748F10, 100), -9),
    L('membarrier(MEMBARRIER_CMD_QUERY, 0)     = 0x3ff (MEMBARRIER_CMD_GLOBAL|MEMBARRIER_CMD_GLOBAL_EXPEDITED|MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED|MEMBARRIER_CMD_PRIVATE_EXPEDITED|MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED|MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE|MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE|MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ|MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ|0x200)',
      (0, 0, 0), 0x3FF),
    L('setresuid(-1, -1, -1)                   = 0', (0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF), 0),
    L('chown("/nonexistent", 1000, 1000)       = -1 ENOENT (No such file or directory)', (A, 1000, 1000), -2,
      {A: z(b"/nonexistent")}),
    L('fchmodat(AT_FDCWD, "/tmp/st/work/f", 0644) = 0', (AT_FDCWD, A, 0o644, 0), 0, {A: z(b"/tmp/st/work/f")}),
    L('faccessat2(AT_FDCWD, "/tmp", W_OK, AT_EACCESS) = 0', (AT_FDCWD, A, 2, 0x200), 0, {A: z(b"/tmp")}),
    L('fchdir(8)                               = -1 ENOTDIR (Not a directory)', (8,), -20),
    L('sync()                                  = 0', (), 0),
    L('creat("/tmp/st/work/cr", 0600)          = 16', (A, 0o600), 16, {A: z(b"/tmp/st/work/cr")}),
    L('setsid()                                = 21905', (), 21905),
    L('prctl(PR_CAPBSET_READ, CAP_MAC_OVERRIDE) = 1', (23, 32), 1),
    L('prctl(PR_CAPBSET_READ, 0x30 /* CAP_??? */) = -1 EINVAL (Invalid argument)', (23, 48), -22),
    L('setsockopt(3, SOL_IP, IP_RECVERR, [1], 4) = 0', (3, 0, 11, A, 4), 0, {A: i32s(1)}),
    L('socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 3', (2, 0o6004002 & ~0o4000000, 0), 3),
]

# i386 calls (a 32-bit program without C library, strace 6.1): their own table, 32-bit
# registers, 64-bit values in two of them, pointer arrays of 4-byte pointers
I386 = [
    L('open("/etc/hostname", O_RDONLY)         = 3', (A, 0, 0), 3, {A: z(b"/etc/hostname")},
      abi="i386"),
    L('read(3, "vm\\n", 256)                    = 3', (3, A, 256), 3, {A: b"vm\n"}, abi="i386"),
    L('pread64(3, "m\\n", 2, 1)                 = 2', (3, A, 2, 1, 0), 2, {A: b"m\n"},
      abi="i386"),
    L('_llseek(3, 2, [2], SEEK_SET)            = 0', (3, 0, 2, A, 0), 0, {A: struct.pack("<q", 2)},
      abi="i386"),
    L('mmap2(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0xf7fc5000',
      (0, 8192, 3, 0x22, 0xFFFFFFFF, 0), 0xF7FC5000, abi="i386"),
    L('brk(NULL)                               = 0x8480000', (0,), 0x8480000, abi="i386"),
    L('fcntl64(3, F_GETFD)                     = 0', (3, 1, 0), 0, abi="i386"),
    L('ioctl(1, TCGETS, 0x804b040)             = -1 ENOTTY (Inappropriate ioctl for device)',
      (1, 0x5401, 0x804B040), -25, abi="i386"),
    L('setuid32(-1)                            = -1 EINVAL (Invalid argument)', (0xFFFFFFFF,), -22,
      abi="i386"),
    L('setuid(-1)                              = -1 EINVAL (Invalid argument)', (0xFFFF,), -22,
      abi="i386"),
    L('lchown("/nonexistent", -1, 1000)        = -1 ENOENT (No such file or directory)',
      (A, 0xFFFF, 1000), -2, {A: z(b"/nonexistent")}, abi="i386"),
    L('truncate64("/nonexistent", 5)           = -1 ENOENT (No such file or directory)',
      (A, 5, 0), -2, {A: z(b"/nonexistent")}, abi="i386"),
    L('ftruncate64(-1, 4294967303)             = -1 EBADF (Bad file descriptor)',
      (0xFFFFFFFF, 7, 1), -9, abi="i386"),
    L('clock_gettime64(CLOCK_MONOTONIC, {tv_sec=2620, tv_nsec=396688154}) = 0', (1, A), 0,
      {A: struct.pack("<qq", 2620, 396688154)}, abi="i386"),
    L('waitpid(24197, NULL, 0)                 = 24197', (24197, 0, 0), 24197, abi="i386"),
    L('execve("/nonexistent/x", ["/nonexistent/x", "a1"], 0x804b000 /* 2 vars */) = -1 ENOENT (No such file or directory)',
      (A, B, 0x804B000), -2, {A: z(b"/nonexistent/x"), B: struct.pack("<III", A, A + 0x100, 0),
                             A + 0x100: z(b"a1"), 0x804B000: struct.pack("<III", 1, 2, 0)},
      abi="i386"),
    L('syscall_0xffffffffffffffff(0x1, 0x2, 0x3, 0, 0, 0) = -1 ENOSYS (Function not implemented)',
      (1, 2, 3, 0, 0, 0), -38, abi="i386"),
    L('exit_group(0)                           = ?', (0,), 0, abi="i386"),
    # x32 calls below 512 run x86-64's handlers: x86-64's decoding (strace 6.1's lines)
    L('open("/dev/null", O_RDONLY)             = -1 ENOSYS (Function not implemented)', (A, 0, 0),
      -38, {A: z(b"/dev/null")}, abi="x32"),
]

ALL = STRINGS + OPEN + STAT + FILES + MEMORY + FDS + IOV + TIME + SIGS + POLL + MISC + SOCK + PROC + MORE
ALL += I386


@pytest.mark.parametrize("line,args,ret,mem,kw", ALL)
def test_strace_line(line, args, ret, mem, kw):
    if "+0000" in line and time.localtime(1795678046).tm_gmtoff != 0:
        pytest.skip("time() prints the local time; the reference was taken in UTC")
    assert _run(line, args, ret, mem, kw) == line


# ---------------------------------------------------------------------------
# entry texts, unfinished/resumed splits, no memory

def test_entry_text_stops_before_outputs():
    m = FakeMemory({A: z(b"/etc/passwd")})
    assert format_entry("read", (3, B, 100), m) == "3, "
    assert format_entry("pipe2", (A, 0), m) == ""
    assert format_entry("dup2", (4, 1), m) == "4, 1"   # strace: no output argument
    assert format_entry("wait4", (neg(-1), A, 0, 0), m) == "-1, "
    assert format_entry("newfstatat", (AT_FDCWD, A, B, 0x1000), m) == 'AT_FDCWD, "/etc/passwd", '
    assert format_entry("openat", (AT_FDCWD, A, 0), m) == 'AT_FDCWD, "/etc/passwd", O_RDONLY'


def test_resumed_suffix_matches_strace():
    """15956 wait4(15958,  <unfinished ...> / <... wait4 resumed>[{...}], 0, NULL) = 15958"""
    args = (15958, A, 0, 0)
    m = FakeMemory({A: i32s(0)})
    entry = format_entry("wait4", args, m)
    assert "wait4(%s <unfinished ...>" % entry == "wait4(15958,  <unfinished ...>"
    full, ret = format_exit("wait4", args, 15958, m, entry_text=entry)
    assert "<... wait4 resumed>%s) = %s" % (full[len(entry):], ret) == \
        "<... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 15958"


RESUMED = [
    # (unfinished line, resumed line, name, args, retval, entry memory, exit memory)
    ("16441 clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=5, tv_nsec=0},  <unfinished ...>",
     "16441 <... clock_nanosleep resumed>{tv_sec=5, tv_nsec=48458}) = ? ERESTART_RESTARTBLOCK (Interrupted by signal)",
     "clock_nanosleep", (0, 0, A, B), -516, {A: timespec(5, 0)}, {A: timespec(5, 0), B: timespec(5, 48458)}),
    ("16438 wait4(16439,  <unfinished ...>",
     "16438 <... wait4 resumed>[{WIFCONTINUED(s)}], WCONTINUED, NULL) = 16439",
     "wait4", (16439, A, 8, 0), 16439, {}, {A: i32s(0xFFFF)}),
    ("16438 wait4(16441,  <unfinished ...>",
     "16438 <... wait4 resumed>0x7ffecf8437dc, WNOHANG, NULL) = 0",
     "wait4", (16441, 0x7FFECF8437DC, 1, 0), 0, {}, {0x7FFECF8437DC: i32s(0)}),
    ("16438 waitid(P_PID, 16441,  <unfinished ...>",
     "16438 <... waitid resumed>NULL, WEXITED, NULL) = 0",
     "waitid", (1, 16441, 0, 4, 0), 0, {}, {}),
    ("15957 rseq(0x7fd5816affe0, 0x20, 0, 0x53053053 <unfinished ...>",
     "15957 <... rseq resumed>)               = 0",
     "rseq", (0x7FD5816AFFE0, 0x20, 0, 0x53053053), 0, {}, {}),
    ("15956 futex(0x7fd5816af990, FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME, 15957, NULL, FUTEX_BITSET_MATCH_ANY <unfinished ...>",
     "15956 <... futex resumed>)              = 0",
     "futex", (0x7FD5816AF990, 9 | 256, 15957, 0, 0, 0xFFFFFFFF), 0, {}, {}),
]


@pytest.mark.parametrize("unfinished,resumed,name,args,ret,m_entry,m_exit", RESUMED, ids=[r[2] for r in RESUMED])
def test_unfinished_and_resumed(unfinished, resumed, name, args, ret, m_entry, m_exit):
    """With -f strace splits a blocked call in two lines: entry text, then the rest."""
    pid = unfinished.split(" ")[0]
    entry = format_entry(name, args, FakeMemory(m_entry))
    assert "%s %s(%s <unfinished ...>" % (pid, name, entry) == unfinished
    full, rtext = format_exit(name, args, ret, FakeMemory(m_exit), entry_text=entry)
    assert full.startswith(entry)
    head = "%s <... %s resumed>%s)" % (pid, name, full[len(entry):])
    assert (head.ljust(39) if len(head) < 39 else head) + " = " + rtext == resumed


def test_exit_without_entry_text():
    m = FakeMemory({A: b"root:x:0:0"})
    assert format_exit("read", (4, A, 10), 10, m) == ('4, "root:x:0:0", 10', "10")


def test_execve_keeps_entry_arguments():
    """After a successful exec the old memory is gone: the entry text is reused."""
    args = (A, B, 0)
    entry = format_entry("execve", args, FakeMemory({A: z(b"/bin/ls"), B: ptrs(C, 0), C: b"ls\0"}))
    full, ret = format_exit("execve", args, 0, FakeMemory({}), entry_text=entry)
    assert (full, ret) == ('"/bin/ls", ["ls"], NULL', "0")


def test_no_memory_prints_addresses():
    assert format_entry("openat", (AT_FDCWD, 0x7F00, 0), None) == "AT_FDCWD, 0x7f00, O_RDONLY"
    assert format_exit("read", (3, 0x7F00, 10), 5, None) == ("3, 0x7f00, 10", "5")
    assert format_exit("fstat", (3, 0x7F00), 0, None) == ("3, 0x7f00", "0")
    assert format_exit("read", (3, 0, 10), -14, None) == ("3, NULL, 10", "-1 EFAULT (Bad address)")


@pytest.mark.parametrize("data,x1,x2,x3", [
    # strace 6.1 -x, -xx and --strings-in-hex=non-ascii-chars on write(2)
    (b"hello\n", '"hello\\n"', '"\\x68\\x65\\x6c\\x6c\\x6f\\x0a"', '"hello\\n"'),
    (b"x\x01y", '"\\x78\\x01\\x79"', '"\\x78\\x01\\x79"', '"x\\x01y"'),
    (b'a"b\\c', '"a\\"b\\\\c"', '"\\x61\\x22\\x62\\x5c\\x63"', '"a\\"b\\\\c"'),
    (b"\x80\xff", '"\\x80\\xff"', '"\\x80\\xff"', '"\\x80\\xff"'),
    (b"a\x012", '"\\x61\\x01\\x32"', '"\\x61\\x01\\x32"', '"a\\x012"'),
])
def test_strings_in_hex(data, x1, x2, x3):
    from aiotrace._decode._quote import quote
    assert [quote(data, xflag=x) for x in (1, 2, 3)] == [x1, x2, x3]
    m = FakeMemory({A: data})
    assert format_entry("write", (3, A, len(data)), m, xflag=1) == "3, %s, %d" % (x1, len(data))


def test_short_read_prints_address():
    m = FakeMemory({A: b"\0" * 10})  # struct stat is 144 bytes
    assert format_exit("fstat", (3, A), 0, m)[0] == "3, 0x10000"


def test_unknown_syscall_uses_known_argument_count():
    assert format_exit("shmdt", (0x1234, 9, 9, 9, 9, 9), 0, None) == ("0x1234", "0")
    assert format_exit("brand_new_call", (0, 1, 2, 3, 4, 5), 7, None) == ("0, 0x1, 0x2, 0x3, 0x4, 0x5", "7")


SIGINFO_LINES = [
    ("--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=14585, si_uid=0, si_status=3, si_utime=0, si_stime=0} ---",
     struct.pack("<iii4xiIi4xqq", 17, 0, 1, 14585, 0, 3, 0, 0)),
    ("--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_KILLED, si_pid=14586, si_uid=0, si_status=SIGKILL, si_utime=0, si_stime=0} ---",
     struct.pack("<iii4xiIi4xqq", 17, 0, 2, 14586, 0, 9, 0, 0)),
    ("--- SIGSTOP {si_signo=SIGSTOP, si_code=SI_TKILL, si_pid=16439, si_uid=0} ---",
     struct.pack("<iii4xiI", 19, 0, -6, 16439, 0)),
    ("--- SIGPIPE {si_signo=SIGPIPE, si_code=SI_USER, si_pid=15956, si_uid=0} ---",
     struct.pack("<iii4xiI", 13, 0, 0, 15956, 0)),
    ("--- SIGILL {si_signo=SIGILL, si_code=SI_KERNEL, si_addr=NULL} ---",
     struct.pack("<iii4xQ", 4, 0, 0x80, 0)),
    # the lines below: strace 6.1 on small C programs (setitimer, timer_create, a busy
    # child, sigqueue, rt_sigqueueinfo and a seccomp filter's SECCOMP_RET_TRAP)
    ("--- SIGALRM {si_signo=SIGALRM, si_code=SI_KERNEL} ---",
     struct.pack("<iii4xQ", 14, 0, 0x80, 0)),
    ("--- SIGALRM {si_signo=SIGALRM, si_code=SI_TIMER, si_timerid=0, si_overrun=0, si_int=0, si_ptr=NULL} ---",
     struct.pack("<iii4xiiQ", 14, 0, -2, 0, 0, 0)),
    ("--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=16267, si_uid=0, si_status=0, si_utime=23 /* 0.23 s */, si_stime=0} ---",
     struct.pack("<iii4xiIi4xqq", 17, 0, 1, 16267, 0, 0, 23, 0)),
    ("--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_QUEUE, si_pid=23248, si_uid=0} ---",
     struct.pack("<iii4xiIQ", 10, 0, -1, 23248, 0, 0)),
    ("--- SIGUSR2 {si_signo=SIGUSR2, si_code=SI_QUEUE, si_pid=22232, si_uid=0, si_int=7, si_ptr=0x7} ---",
     struct.pack("<iii4xiIQ", 12, 0, -1, 22232, 0, 7)),
    ("--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_QUEUE, si_errno=EPERM, si_pid=23248, si_uid=0, si_int=3, si_ptr=0x3} ---",
     struct.pack("<iii4xiIQ", 10, 1, -1, 23248, 0, 3)),
    ("--- SIGIO {si_signo=SIGIO, si_code=SI_SIGIO, si_band=5, si_fd=3} ---",
     struct.pack("<iii4xqi", 29, 0, -5, 5, 3)),
    ("--- SIGSYS {si_signo=SIGSYS, si_code=SYS_SECCOMP, si_errno=E2BIG, si_call_addr=0x7f0a38101829, si_syscall=__NR_getppid, si_arch=AUDIT_ARCH_X86_64} ---",
     struct.pack("<iii4xQiI", 31, 7, 1, 0x7F0A38101829, 110, 0xC000003E)),
]


@pytest.mark.parametrize("line,raw", SIGINFO_LINES, ids=[x[0][4:12] for x in SIGINFO_LINES])
def test_siginfo(line, raw):
    from aiotrace._decode import format_siginfo

    name = line.split()[1]
    assert "--- %s %s ---" % (name, format_siginfo(raw)) == line


def test_ipv6_scope_id_names_the_interface():
    import socket

    try:
        if socket.if_indextoname(1) != "lo":
            pytest.skip("interface 1 is not lo here")
    except OSError:
        pytest.skip("no interface 1")
    line = ('connect(4, {sa_family=AF_INET6, sin6_port=htons(7), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, '
            '"fe80::1:2:3", &sin6_addr), sin6_scope_id=if_nametoindex("lo")}, 28) = -1 ENETUNREACH (Network is unreachable)')
    addr = bytes.fromhex("fe800000000000000000000100020003")
    assert _run(line, (4, A, 28), -101, {A: sockaddr_in6(7, addr, scope=1)}, {}) == line


class RandomMemory:
    """Every address is readable and holds pseudo-random bytes (or faults)."""

    def __init__(self, seed: int) -> None:
        import random

        self.rng = random.Random(seed)

    def read(self, addr: int, n: int) -> bytes:
        if self.rng.random() < 0.1:
            raise OSError(errno.EFAULT, "Bad address")
        n = min(n, 1 << 16)
        return bytes(self.rng.getrandbits(8) for _ in range(self.rng.choice((n, n, n // 2))))

    def read_string(self, addr: int, limit: int) -> bytes:
        data = self.read(addr, min(limit, 64))
        return data.split(b"\0", 1)[0]


def test_every_decoder_survives_garbage():
    import random

    from aiotrace._decode import known_syscalls

    rng = random.Random(1234)
    interesting = [0, 1, 2, 3, 8, 0x10, 0x1000, M64, M64 - 99, 0x7FFF0000, 1 << 31, 0xFFFFFFFF]
    for name in sorted(known_syscalls()):
        for seed in range(20):
            args = tuple(rng.choice(interesting + [rng.getrandbits(64)]) for _ in range(6))
            mem = RandomMemory(seed)
            entry = format_entry(name, args, mem, fd_path=lambda fd: None if fd % 2 else "/x")
            for ret in (0, 1, 5, -2, -512, 0x7F0000001000):
                full, rtext = format_exit(name, args, ret, mem, entry_text=entry, sp=0x7FFF0000)
                assert isinstance(full, str) and isinstance(rtext, str)
                assert full.startswith(entry)


def test_syscall_names():
    from aiotrace._decode import syscall_name

    assert syscall_name(0) == "read"
    assert syscall_name(283) == "timerfd_create"
    assert syscall_name(435) == "clone3"
    assert syscall_name(335) == "syscall_0x14f"


def test_alignment_and_prefix():
    assert format_syscall_line("close", "3", "0") == "close(3)" + " " * 31 + " = 0"
    assert format_syscall_line("arch_prctl", "ARCH_SET_FS, 0x7f04661ddc40", "0") == \
        "arch_prctl(ARCH_SET_FS, 0x7f04661ddc40) = 0"
    assert format_syscall_line("exit_group", "0", "?", prefix="2659  ") == \
        "2659  exit_group(0)                     = ?"


# ---------------------------------------------------------------------------
# errno names and messages: strace's "= -1 ENAME (message)", from a seccomp
# filter that made getppid() fail with every errno value.

ERRNO_LINES = {
    1: "-1 EPERM (Operation not permitted)",
    11: "-1 EAGAIN (Resource temporarily unavailable)",
    35: "-1 EDEADLK (Resource deadlock avoided)",
    41: "-1 (errno 41)",
    58: "-1 (errno 58)",
    85: "-1 ERESTART (Interrupted system call should be restarted)",
    95: "-1 EOPNOTSUPP (Operation not supported)",
    133: "-1 EHWPOISON (Memory page has hardware error)",
    134: "-1 (errno 134)",
    512: "? ERESTARTSYS (To be restarted if SA_RESTART is set)",
    513: "? ERESTARTNOINTR (To be restarted)",
    514: "? ERESTARTNOHAND (To be restarted if no handler)",
    515: "-1 ENOIOCTLCMD (Unknown error 515)",
    516: "? ERESTART_RESTARTBLOCK (Interrupted by signal)",
    519: "-1 (errno 519)",
    524: "-1 ENOTSUPP (Unknown error 524)",
    530: "-1 ERECALLCONFLICT (Unknown error 530)",
    4095: "-1 (errno 4095)",
}


@pytest.mark.parametrize("err,text", sorted(ERRNO_LINES.items()))
def test_errno_return(err, text):
    assert format_return("getppid", (err,), -err) == text
    assert format_exit("getppid", (err,), -err, None) == ("", text)


@pytest.mark.parametrize("name, retval, abi, text", [
    ("geteuid", -(1 << 63), "x86_64", "9223372036854775808"),   # retval=0x8000000000000000
    ("geteuid", -1, "x86_64", "18446744073709551615"),
    ("geteuid", 0x7FFFFFFF, "x86_64", "2147483647"),
    ("geteuid32", -1, "i386", "4294967295"),                     # i386's long: 32 bits
    ("syscall_0x1c3", -5000, "x86_64", "18446744073709546616"),  # undecoded: the same
    ("getppid", -1, "x86_64", "-1"),                             # a pid: signed
])
def test_injected_return_is_unsigned_as_strace_prints_it(name, retval, abi, text):
    """A value -e inject=...:retval= set (a success whatever its value) is printed as
    strace's default, an unsigned decimal of the ABI's long; a pid stays signed."""
    assert format_exit(name, (), retval, None, success=True, abi=abi)[1] == text


def test_all_errno_names_have_messages():
    """Every named errno 1..133 prints "-1 NAME (strerror)"."""
    from aiotrace._decode._xlat import ERRNO_NAMES

    for err in range(1, 134):
        text = format_return("close", (3,), -err)
        if err in (41, 58):
            assert text == "-1 (errno %d)" % err
        else:
            assert text == "-1 %s (%s)" % (ERRNO_NAMES[err], os.strerror(err))


@pytest.mark.parametrize("data, extra, text", [
    (b"/usr/include/stdio.h", b"", "/usr/include/stdio.h"),          # nothing to escape
    (b"", b"", ""),
    (b" ~", b"", " ~"),                                              # the plain range's ends
    (b'a"b', b"", 'a\\"b'),
    (b"a\\b", b"", "a\\\\b"),
    (b"a\x7fb", b"", "a\\177b"),
    (b"\x1f", b"", "\\37"),
    (b"/tmp/a<b>", b"<>", "/tmp/a\\74b\\76"),                        # -y's annotations
    (b"/tmp/ab", b"<>", "/tmp/ab"),
    (b"/tmp/a<b>", b"", "/tmp/a<b>"),
    (bytearray(b"x\ny"), b"", "x\\ny"),
])
def test_escape(data, extra, text):
    from aiotrace._decode._quote import escape
    assert escape(data, extra=extra) == text


@pytest.mark.parametrize("name, entry, exit", [
    ("getppid", True, True),
    ("openat", True, True),         # a path the kernel only reads; the fd it returns
    ("newfstatat", True, False),    # the struct stat is written by the call
    ("read", True, False),          # the buffer is written by the call
    ("write", True, True),
    ("close", True, True),
    ("mmap", True, True),
    ("rt_sigaction", True, False),  # the new action is read, the old one written
    ("execve", False, True),        # exec replaces the memory its arguments are in
    ("rt_sigreturn", False, True),  # it consumes the signal frame it reads
    ("select", False, False),       # the fd sets and the timeout are written back
    ("pselect6", False, False),
    ("ppoll", False, False),
    ("nanosleep", False, False),    # (its timespec kind is also select's: not marked)
    ("recvfrom", False, False),     # a pre-hook reads the in/out length at entry
    ("accept4", False, False),
    ("clone", False, False),        # decoders of its own
    ("ioctl", False, False),
])
def test_late_captures(name, entry, exit):
    """Which stops the CLI may decode after resuming the thread: at an entry only inputs
    the kernel does not write, at an exit nothing read at all."""
    from aiotrace._decode import late_captures

    late = late_captures()
    assert (name in late.entries, name in late.exits) == (entry, exit)
    assert late.quiet <= late.entries


def test_a_decoder_of_its_own_is_copied_as_it_says():
    """fcntl (a decoder of its own) reads its struct flock at the entry and, for F_GETLK,
    at the exit: never late without its copies, which Spec.copies names (32 bytes at the
    third argument, at both stops)."""
    from aiotrace._decode import late_captures

    late = late_captures()
    assert "fcntl" not in late.entries and "fcntl" not in late.exits
    assert late.copied_entries["fcntl"] == late.copied["fcntl"] == ((2, "fixed", 32),)
    assert "ioctl" not in late.copied and "ioctl" not in late.copied_entries


@pytest.mark.parametrize("name, quiet", [
    ("getppid", True),     # no arguments
    ("close", True),       # an fd
    ("mmap", True),        # scalars and flags
    ("fstat", True),       # its entry prints the fd alone
    ("write", False),      # the buffer is read
    ("openat", False),     # the path is read
    ("rt_sigaction", False),
])
def test_late_entries_that_read_nothing(name, quiet):
    """The late entries the CLI prints from the registers alone: their decoding may run at
    any time, so the C loop never holds the thread for it (Capture(reads_nothing=...))."""
    from aiotrace._decode import late_captures

    late = late_captures()
    assert (name in late.quiet) == quiet


@pytest.mark.parametrize("name, args, ret, mem, text", [
    # structures whose i386 layout differs from x86-64's: their address, never decoded
    # with x86-64's layout (strace decodes them: see KNOWN_DIFFERENCES)
    ("fstat64", (3, 0x804C000), 0, {0x804C000: b"\xff" * 144}, "3, 0x804c000"),
    ("stat64", (A, 0x804C000), 0, {A: z(b"/etc/hostname")}, '"/etc/hostname", 0x804c000'),
    ("clock_gettime", (1, 0x804B040), 0, {0x804B040: b"\1" * 16}, "CLOCK_MONOTONIC, 0x804b040"),
    ("rt_sigaction", (17, 0, 0x804B040, 8), 0, {}, "SIGCHLD, NULL, 0x804b040, 8"),
    ("readv", (3, 0x804B040, 2), 0, {}, "3, 0x804b040, 2"),
    ("socketcall", (1, 0x804B040), 3, {}, "1, 0x804b040"),
])
def test_i386_structures_are_shown_raw(name, args, ret, mem, text):
    m = FakeMemory(mem)
    entry = format_entry(name, args, m, abi="i386")
    assert format_exit(name, args, ret, m, entry_text=entry, abi="i386")[0] == text


def test_x32_calls_of_their_own_numbers_print_in_hex():
    """x32's readv (515) takes 32-bit iovecs: not decoded with x86-64's layout."""
    m = FakeMemory({B: struct.pack("<QQ", A, 5), A: b"hello"})
    assert format_exit("readv", (3, B, 1), 5, m, abi="x32")[0] == "0x3, 0x20000, 0x1"
    assert format_exit("readv", (3, B, 1), 5, m)[0] == '3, [{iov_base="hello", iov_len=5}], 1'


def test_every_i386_decoder_survives_garbage():
    import random

    from aiotrace._core._syscalls import I386_NAMES

    rng = random.Random(4321)
    interesting = [0, 1, 2, 3, 8, 0x10, 0x1000, 0xFFFFFFFF, 0xFFFFFF9C, 0x7FFF0000, 1 << 31]
    for name in sorted(set(I386_NAMES.values())):
        for seed in range(5):
            args = tuple(rng.choice(interesting + [rng.getrandbits(32)]) for _ in range(6))
            mem = RandomMemory(seed)
            entry = format_entry(name, args, mem, abi="i386")
            for ret in (0, 1, -2, 0xF7F00000):
                full, rtext = format_exit(name, args, ret, mem, entry_text=entry, abi="i386")
                assert isinstance(rtext, str) and full.startswith(entry)
