# SPDX-License-Identifier: GPL-2.0-or-later
"""The smaller system calls aiotrace printed in hex (module loading, splice's relatives,
swapon, reboot, syslog, utime, ustat, process_vm_readv...) and argument kinds that
printed wrong, as strace 6.1 prints them: each expected line is one that strace 6.1's
test programs expect (conformance/), for the registers and memory they pass. Tables,
no tracee."""

from __future__ import annotations

import errno
import os
import struct
import time
from typing import Iterator

import pytest

from fake_memory import A
from test_fidelity_misc import err, line

M64 = (1 << 64) - 1
ENOSYS, EINVAL, EFAULT = -errno.ENOSYS, -errno.EINVAL, -errno.EFAULT
NAME = b"0123456789:;<=>?@ABCDEFGHIJKLMNO\0"
HIGH = bytes(range(0x80, 0x87)) + b"\0"


@pytest.fixture(autouse=True)
def utc() -> Iterator[None]:
    """Dates in UTC, as the expected lines have them."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


def iov(*pairs: tuple[int, int]) -> bytes:
    return b"".join(struct.pack("<QQ", base, n) for base, n in pairs)


# (call, arguments, return value, memory at A, what strace prints)
CALLS = [
    ("acct", (A,), -errno.ENOENT, b"acct_sample\0", 'acct("acct_sample") = ' + err(errno.ENOENT)),
    ("iopl", (4,), ENOSYS, b"", "iopl(4) = " + err(errno.ENOSYS)),
    ("ioperm", (0x3F8, 8, 1), ENOSYS, b"", "ioperm(0x3f8, 0x8, 1) = " + err(errno.ENOSYS)),
    ("sethostname", (0, 64 | 0xFFFFFFFF00000000), EFAULT, b"",
     "sethostname(NULL, 64) = " + err(errno.EFAULT)),
    ("sethostname", (A, 65), EINVAL, b"x" * 65, "sethostname(0x10000, 65) = " + err(errno.EINVAL)),
    ("setdomainname", (A, 3), 0, b"abc", 'setdomainname("abc", 3) = 0'),
    ("delete_module", (A, 0o4000), ENOSYS, NAME,
     'delete_module("0123456789:;<=>?@ABCDEFGHIJKLMNO", O_NONBLOCK) = ' + err(errno.ENOSYS)),
    ("delete_module", (A, 0xFACEF157), ENOSYS, b"",
     "delete_module(0x10000, 0xfacef157 /* O_??? */) = " + err(errno.ENOSYS)),
    ("delete_module", (A, 0xFFFFFFFF), ENOSYS, HIGH,
     'delete_module("\\200\\201\\202\\203\\204\\205\\206", O_NONBLOCK|O_TRUNC|0xfffff5ff) = '
     + err(errno.ENOSYS)),
    ("init_module", (0, 0xFFFFFFFF00000000, 0), ENOSYS, b"",
     "init_module(NULL, 18446744069414584320, NULL) = " + err(errno.ENOSYS)),
    ("finit_module", (0xBEEFF00D, A, 0xFFFFFFFF), ENOSYS, HIGH,
     'finit_module(-1091571699, "\\200\\201\\202\\203\\204\\205\\206", MODULE_INIT_IGNORE_MODVERSIONS|'
     'MODULE_INIT_IGNORE_VERMAGIC|MODULE_INIT_COMPRESSED_FILE|0xfffffff8) = ' + err(errno.ENOSYS)),
    ("mlock2", (0xFACEFEEDDEADBEEF, 0xCAFEF00DBADC0DED, M64), EINVAL, b"",
     "mlock2(0xfacefeeddeadbeef, 14627392581506174445, MLOCK_ONFAULT|0xfffffffe) = "
     + err(errno.EINVAL)),
    ("tee", (M64, M64 - 1, 0xDEADBEF3FACEFED3, 0xF), -errno.EBADF, b"",
     "tee(-1, -2, 16045691002485145299, SPLICE_F_MOVE|SPLICE_F_NONBLOCK|SPLICE_F_MORE|"
     "SPLICE_F_GIFT) = " + err(errno.EBADF)),
    ("splice", (M64, A, M64 - 1, A + 8, 5, 1), -errno.EBADF, struct.pack("<qq", -1, -2),
     "splice(-1, [-1], -2, [-2], 5, SPLICE_F_MOVE) = " + err(errno.EBADF)),
    # copy_file_range's offsets are loff_t: signed, as splice's
    ("copy_file_range", (M64, A, M64 - 1, A + 8, 0xDEADBEEFCAFEF00D, 0), -errno.EBADF,
     struct.pack("<qq", -2401053079814340911, -2), "copy_file_range(-1, "
     "[-2401053079814340911], -2, [-2], 16045690984503111693, 0) = " + err(errno.EBADF)),
    ("sync_file_range", (M64, 0xDEADBEEFBADC0DED, 0xFACEFEEDCAFEF00D, M64), -errno.EBADF, b"",
     "sync_file_range(-1, -2401053089477161491, -374081421758762995, SYNC_FILE_RANGE_WAIT_BEFORE|"
     "SYNC_FILE_RANGE_WRITE|SYNC_FILE_RANGE_WAIT_AFTER|0xfffffff8) = " + err(errno.EBADF)),
    # the offset signed, the length unsigned, the advice an int
    ("fadvise64", (0xBEEFCAFE, 0xBADC0DEDDEADBEEF, 0xBADEFACEDEADC0E5, 0xDEADCA75), -errno.EBADF,
     b"", "fadvise64(-1091581186, -4982091772484272401, 13465475702290497765, "
     "0xdeadca75 /* POSIX_FADV_??? */) = " + err(errno.EBADF)),
    ("getitimer", (0xDEADBEEF, A), EINVAL, b"",
     "getitimer(0xdeadbeef /* ITIMER_??? */, 0x10000) = " + err(errno.EINVAL)),
    ("fsetxattr", (M64, A, A + 16, 8, 2), -errno.EBADF, b"strace.test\0\0\0\0\0foo\0bar\0",
     'fsetxattr(-1, "strace.test", "foo\\0bar", 8, XATTR_REPLACE) = ' + err(errno.EBADF)),
    ("fsetxattr", (M64, A, A, 65537, 1), -errno.E2BIG, b"strace.test\0",
     'fsetxattr(-1, "strace.test", 0x10000, 65537, XATTR_CREATE) = ' + err(errno.E2BIG)),
    ("listxattr", (A, A + 2, 0), 0, b".\0", 'listxattr(".", 0x10002, 0) = 0'),
    ("swapon", (A, 0x8000 | 42), -errno.ENOENT, b"swap.sample\0",
     'swapon("swap.sample", SWAP_FLAG_PREFER|42) = ' + err(errno.ENOENT)),
    ("swapon", (A, 42), -errno.ENOENT, b"swap.sample\0",
     'swapon("swap.sample", 42) = ' + err(errno.ENOENT)),
    ("swapon", (A, M64), EINVAL, b"swap.sample\0",
     'swapon("swap.sample", SWAP_FLAG_PREFER|SWAP_FLAG_DISCARD|SWAP_FLAG_DISCARD_ONCE|'
     'SWAP_FLAG_DISCARD_PAGES|0xfff80000|32767) = ' + err(errno.EINVAL)),
    ("reboot", (0, 0, 0, 0), EINVAL, b"",
     "reboot(0 /* LINUX_REBOOT_MAGIC_??? */, 0 /* LINUX_REBOOT_MAGIC_??? */, "
     "LINUX_REBOOT_CMD_CAD_OFF) = " + err(errno.EINVAL)),
    ("reboot", (0xFEE1DEAD, 0x13111992, 0xA1B2C3D4, A), EINVAL, b"reboot\0",
     'reboot(LINUX_REBOOT_MAGIC1, 0x13111992 /* LINUX_REBOOT_MAGIC_??? */, '
     'LINUX_REBOOT_CMD_RESTART2, "reboot") = ' + err(errno.EINVAL)),
    ("syslog", (9, 0, 0), 132917, b"", "syslog(9 /* SYSLOG_ACTION_SIZE_UNREAD */) = 132917"),
    ("syslog", (0xFEEDBEEF, 0xFACEFEEDDEADBEEF, M64), EINVAL, b"",
     "syslog(-17973521 /* SYSLOG_ACTION_??? */, 0xfacefeeddeadbeef, -1) = " + err(errno.EINVAL)),
    ("syslog", (8, 0xFACEFEEDDEADBEEF, 8), 0, b"",
     "syslog(8 /* SYSLOG_ACTION_CONSOLE_LEVEL */, 0xfacefeeddeadbeef, "
     "8 /* LOGLEVEL_DEBUG+1 */) = 0"),
    ("syslog", (3, A, 16), 3, b"abc", 'syslog(3 /* SYSLOG_ACTION_READ_ALL */, "abc", 16) = 3'),
    ("ustat", (0xFACEFEEDFFFFFFFF, 0), EINVAL, b"",
     "ustat(makedev(0xfff, 0xfffff), NULL) = " + err(errno.EINVAL)),
    ("ustat", (0x801, A), 0, struct.pack("<I4xQ", 7, 9),
     "ustat(makedev(0x8, 0x1), {f_tfree=7, f_tinode=9}) = 0"),
    ("utime", (A, A + 15), -errno.ENOENT, b"utime\nfilename\0" + struct.pack("<qq", 1492350678,
                                                                           1492350678),
     'utime("utime\\nfilename", {actime=1492350678 /* 2017-04-16T13:51:18+0000 */, '
     'modtime=1492350678 /* 2017-04-16T13:51:18+0000 */}) = ' + err(errno.ENOENT)),
    ("utimes", (A, A + 16), -errno.ENOENT,
     b"utimes_sample\0\0\0" + struct.pack("<4q", 1492358607, 345678, 1492356078, 456789),
     'utimes("utimes_sample", [{tv_sec=1492358607, tv_usec=345678} /* 2017-04-16T16:03:27.345678'
     '+0000 */, {tv_sec=1492356078, tv_usec=456789} /* 2017-04-16T15:21:18.456789+0000 */]) = '
     + err(errno.ENOENT)),
    ("futimesat", (0xFFFFFF9C, A, A + 17), EINVAL,
     b"futimesat_sample\0" + struct.pack("<4q", 1492356708, 567891234, 1492357086, 678902345),
     'futimesat(AT_FDCWD, "futimesat_sample", [{tv_sec=1492356708, tv_usec=567891234}, '
     '{tv_sec=1492357086, tv_usec=678902345}]) = ' + err(errno.EINVAL)),
    ("lookup_dcookie", (0, 0, 0), ENOSYS, b"", "lookup_dcookie(0, NULL, 0) = " + err(errno.ENOSYS)),
    ("set_mempolicy_home_node", (M64, M64 - 1, M64 - 2, M64 - 3), EINVAL, b"",
     "set_mempolicy_home_node(0xffffffffffffffff, 18446744073709551614, 18446744073709551613, "
     "0xfffffffffffffffc) = " + err(errno.EINVAL)),
    ("process_mrelease", (M64, 0), -errno.EBADF, b"", "process_mrelease(-1, 0) = " + err(errno.EBADF)),
    ("landlock_restrict_self", (M64, 0xFFFFFFFF), EINVAL, b"",
     "landlock_restrict_self(-1, 0xffffffff) = " + err(errno.EINVAL)),
    ("process_madvise", (M64, A, 2, 0xDEADC0DE, 0), EINVAL, iov((0x9796959493929190, 5)),
     "process_madvise(-1, [{iov_base=0x9796959493929190, iov_len=5}, ... /* 0x10010 */], 2, "
     "0xdeadc0de /* MADV_??? */, 0) = " + err(errno.EINVAL)),
    ("vmsplice", (1, A, 2, 2), 5, iov((A + 32, 2), (A + 34, 3)) + b"01234",
     'vmsplice(1, [{iov_base="01", iov_len=2}, {iov_base="234", iov_len=3}], 2, '
     'SPLICE_F_NONBLOCK) = 5'),
    # the data read; the addresses when the call failed, the remote ones always
    ("process_vm_readv", (42, A, 2, A + 32, 1, 0), 3, iov((A + 48, 2), (A + 50, 2), (0x1000, 4))
     + b"abcd",
     'process_vm_readv(42, [{iov_base="ab", iov_len=2}, {iov_base="c", iov_len=2}], 2, '
     '[{iov_base=0x1000, iov_len=4}], 1, 0) = 3'),
    ("process_vm_readv", (42, A, 1, A, 0xDEADBEEFCAFEF00D, 0), EFAULT, iov((A + 48, 2)),
     "process_vm_readv(42, [{iov_base=0x10030, iov_len=2}], 1, 0x10000, 16045690984503111693, 0)"
     " = " + err(errno.EFAULT)),
    ("process_vm_writev", (0xDEADBEEF, 0, 0, 0, 0, 0), EINVAL, b"",
     "process_vm_writev(-559038737, NULL, 0, NULL, 0, 0) = " + err(errno.EINVAL)),
    ("process_vm_writev", (42, A, 1, A + 16, 1, 0), 2, iov((A + 32, 2), (0x1000, 2)) + b"xy",
     'process_vm_writev(42, [{iov_base="xy", iov_len=2}], 1, [{iov_base=0x1000, iov_len=2}], '
     '1, 0) = 2'),
]


@pytest.mark.parametrize("name, args, ret, data, want", CALLS,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CALLS)])
def test_calls(name: str, args: tuple[int, ...], ret: int, data: bytes, want: str) -> None:
    assert line(name, args, ret, data) == want


def test_an_iovec_array_unreadable_at_the_abbreviation_says_where_it_stops() -> None:
    """strace reads the element past -s before it writes "...": its address when that
    element cannot be read."""
    data = iov(*[(0x1000 + k, k) for k in range(2)])
    got = line("process_madvise", (M64, A, 3, 0, 0), EINVAL, data, strsize=2)
    assert got == ("process_madvise(-1, [{iov_base=0x1000, iov_len=0}, {iov_base=0x1001, "
                   "iov_len=1}, ... /* 0x10020 */], 3, MADV_NORMAL, 0) = " + err(errno.EINVAL))
    got = line("process_madvise", (M64, A, 3, 0, 0), EINVAL, data + iov((0, 0)), strsize=2)
    assert got.startswith("process_madvise(-1, [{iov_base=0x1000, iov_len=0}, "
                          "{iov_base=0x1001, iov_len=1}, ...], 3,")


ALL_ACCESS = ("LANDLOCK_ACCESS_FS_EXECUTE|LANDLOCK_ACCESS_FS_READ_FILE|LANDLOCK_ACCESS_FS_READ_DIR|"
              "LANDLOCK_ACCESS_FS_REMOVE_FILE|LANDLOCK_ACCESS_FS_MAKE_CHAR|"
              "LANDLOCK_ACCESS_FS_MAKE_DIR|LANDLOCK_ACCESS_FS_MAKE_SOCK|"
              "LANDLOCK_ACCESS_FS_MAKE_FIFO|LANDLOCK_ACCESS_FS_MAKE_BLOCK|"
              "LANDLOCK_ACCESS_FS_MAKE_SYM|LANDLOCK_ACCESS_FS_REFER|0xdebeefeddecac000")
LANDLOCK = [
    ("landlock_create_ruleset", (0, 0, 1), 7, b"",
     "landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION) = 7"),
    ("landlock_create_ruleset", (A, 13465671548506144750, 0xBADCAFFE), EINVAL, b"",
     "landlock_create_ruleset(0x10000, 13465671548506144750, "
     "0xbadcaffe /* LANDLOCK_CREATE_RULESET_??? */) = " + err(errno.EINVAL)),
    ("landlock_create_ruleset", (A, 7, 0), EINVAL, struct.pack("<Q", 1),
     "landlock_create_ruleset(0x10000, 7, 0) = " + err(errno.EINVAL)),
    ("landlock_create_ruleset", (A, 8, 0), 3, struct.pack("<Q", 1),
     "landlock_create_ruleset({handled_access_fs=LANDLOCK_ACCESS_FS_EXECUTE}, 8, 0) = 3"),
    ("landlock_create_ruleset", (A, 16, 0), EFAULT, struct.pack("<Q", 0xDEBEEFEDDECAFEED),
     "landlock_create_ruleset({handled_access_fs=%s, ...}, 16, 0) = %s" % (
         ALL_ACCESS, err(errno.EFAULT))),
    ("landlock_add_rule", (0, 0, 0, 0), -errno.EBADFD, b"",
     "landlock_add_rule(0, 0 /* LANDLOCK_RULE_??? */, NULL, 0) = " + err(errno.EBADFD)),
    ("landlock_add_rule", (1729, 2, A, 0xFFFFFFFF), EINVAL, b"",
     "landlock_add_rule(1729, 0x2 /* LANDLOCK_RULE_??? */, 0x10000, 0xffffffff) = "
     + err(errno.EINVAL)),
    ("landlock_add_rule", (M64, 1, A, 0), -errno.EBADF, struct.pack("<Qi", 1, 11630),
     "landlock_add_rule(-1, LANDLOCK_RULE_PATH_BENEATH, {allowed_access=LANDLOCK_ACCESS_FS_EXECUTE,"
     " parent_fd=11630}, 0) = " + err(errno.EBADF)),
    ("landlock_add_rule", (M64, 1, A, 0), -errno.EBADF, struct.pack("<Qi", 0xDEBEEFEDDECAC000, -1),
     "landlock_add_rule(-1, LANDLOCK_RULE_PATH_BENEATH, {allowed_access=0xdebeefeddecac000 "
     "/* LANDLOCK_ACCESS_FS_??? */, parent_fd=-1}, 0) = " + err(errno.EBADF)),
]


@pytest.mark.parametrize("name, args, ret, data, want", LANDLOCK,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(LANDLOCK)])
def test_landlock(name: str, args: tuple[int, ...], ret: int, data: bytes, want: str) -> None:
    assert line(name, args, ret, data) == want


FANOTIFY = [
    ("fanotify_init", (0, 0), 3, b"", "fanotify_init(FAN_CLASS_NOTIF, O_RDONLY) = 3"),
    ("fanotify_init", (0xC, 0x80000001), EINVAL, b"",
     "fanotify_init(0xc /* FAN_CLASS_??? */, O_WRONLY|0x80000000) = " + err(errno.EINVAL)),
    ("fanotify_init", (0xEFACE004, 0), EINVAL, b"",
     "fanotify_init(FAN_CLASS_CONTENT|0xeface000 /* FAN_??? */, O_RDONLY) = " + err(errno.EINVAL)),
    ("fanotify_mark", (305419896, 0, 0xFFFFFFFFA7F02000, 0xFFFFFFFF, 0), EINVAL, b"",
     "fanotify_mark(305419896, 0, 0xffffffffa7f02000 /* FAN_??? */, FAN_NOFD, NULL) = "
     + err(errno.EINVAL)),
    ("fanotify_mark", (3, 1, 0x40000002, 0xFFFFFF9C, A), 0, b".\0",
     'fanotify_mark(3, FAN_MARK_ADD, FAN_MODIFY|FAN_ONDIR, AT_FDCWD, ".") = 0'),
    ("fanotify_mark", (305419896, 0xEFACE800, 0, 0xBEEFF00D, 0), EINVAL, b"",
     "fanotify_mark(305419896, 0xeface800 /* FAN_MARK_??? */, 0, -1091571699, NULL) = "
     + err(errno.EINVAL)),
]


@pytest.mark.parametrize("name, args, ret, data, want", FANOTIFY,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(FANOTIFY)])
def test_fanotify(name: str, args: tuple[int, ...], ret: int, data: bytes, want: str) -> None:
    assert line(name, args, ret, data) == want


@pytest.mark.parametrize("style, want", [
    ("raw", "fanotify_mark(305419896, 0, 0xdeadfeed00000003, -1, NULL)"),
    ("verbose", "fanotify_mark(305419896, 0, 0xdeadfeed00000003 /* FAN_ACCESS|FAN_MODIFY|"
                "0xdeadfeed00000000 */, -1 /* FAN_NOFD */, NULL)"),
])
def test_fanotify_mark_styles(style: str, want: str) -> None:
    got = line("fanotify_mark", (305419896, 0, 0xDEADFEED00000003, M64, 0), EINVAL, style=style)
    assert got == want + " = " + err(errno.EINVAL)


def statx_buf(mask: int) -> bytes:
    """A struct statx (256 bytes) of this mask, mode 0100640, size 7, mount id 0x1b."""
    head = struct.pack("<IIQIIIH2xQQQQ", mask, 4096, 0, 1, 0, 0, 0o100640, 42, 7, 8, 0)
    times = struct.pack("<qI4x", 0, 0) * 4
    return (head + times + struct.pack("<IIIIQII", 0, 0, 254, 0, 0x1B, 0, 0)).ljust(256, b"\0")


ARGS = [
    # setns' types, not clone's flags
    ("setns", (0xFACEFEEDDEADC0DE, 0x80), -errno.EBADF, b"",
     "setns(-559038242, CLONE_NEWTIME) = " + err(errno.EBADF)),
    ("setns", (0xFACEFEDE, 0x81FDFF7F), -errno.EBADF, b"",
     "setns(-87097634, 0x81fdff7f /* CLONE_NEW??? */) = " + err(errno.EBADF)),
    # preadv2's count unsigned, its flags those of argument 5
    ("preadv2", (M64, 0, 18069003361555037940, 8846757241787236088, 0xDEADBEEF, 1), -errno.EBADF,
     b"", "preadv2(-1, NULL, 18069003361555037940, 8846757241787236088, RWF_HIPRI) = "
     + err(errno.EBADF)),
    # a failed read: the addresses of its iovecs
    ("preadv", (0, A, 1, M64), EINVAL, iov((A + 0x100, 8)),
     "preadv(0, [{iov_base=0x10100, iov_len=8}], 1, -1) = " + err(errno.EINVAL)),
    ("preadv", (0, A, 0, M64 - 2), EINVAL, b"", "preadv(0, [], 0, -3) = " + err(errno.EINVAL)),
    ("gettimeofday", (A, A + 16), 0, struct.pack("<qqii", 1, 2, 0, 0),
     "gettimeofday({tv_sec=1, tv_usec=2}, {tz_minuteswest=0, tz_dsttime=0}) = 0"),
    ("settimeofday", (A, A + 16), EINVAL, struct.pack("<qqii", -1, 1000000, 60, 1),
     "settimeofday({tv_sec=-1, tv_usec=1000000}, {tz_minuteswest=60, tz_dsttime=1}) = "
     + err(errno.EINVAL)),
    # statx's synchronisation bits as flags, then every AT_ flag
    ("statx", (0xFFFFFF9C, A, 0xFFFF0400, 0xFFF, A), EINVAL, b".\0",
     'statx(AT_FDCWD, ".", AT_STATX_SYNC_AS_STAT|AT_SYMLINK_FOLLOW|0xffff0000, STATX_ALL, '
     '0x10000) = ' + err(errno.EINVAL)),
    ("statx", (0xFFFFFF9C, A, 0x6000, 0xFFFFC000, A), EINVAL, b".\0",
     'statx(AT_FDCWD, ".", AT_STATX_FORCE_SYNC|AT_STATX_DONT_SYNC, 0xffffc000 /* STATX_??? */, '
     '0x10000) = ' + err(errno.EINVAL)),
    # the fields of the mask only
    ("statx", (0xFFFFFF9C, A + 256, 0, 0, A), 0, statx_buf(0x1) + b".\0",
     'statx(AT_FDCWD, ".", AT_STATX_SYNC_AS_STAT, 0, {stx_mask=STATX_TYPE, stx_attributes=0, '
     'stx_mode=S_IFREG|0640, ...}) = 0'),
    ("statx", (0xFFFFFF9C, A + 256, 0, 0, A), 0, statx_buf(0x1000) + b".\0",
     'statx(AT_FDCWD, ".", AT_STATX_SYNC_AS_STAT, 0, {stx_mask=STATX_MNT_ID, stx_attributes=0, '
     '...}) = 0'),
]


@pytest.mark.parametrize("name, args, ret, data, want", ARGS,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(ARGS)])
def test_argument_kinds(name: str, args: tuple[int, ...], ret: int, data: bytes,
                        want: str) -> None:
    assert line(name, args, ret, data) == want


def test_statx_verbose_shows_what_the_mask_says() -> None:
    from aiotrace._decode import _structs_full as F
    values = struct.unpack(F.STATX_FULL_FMT, statx_buf(0x3 | 0x200 | 0x1000)[
        :struct.calcsize(F.STATX_FULL_FMT)])
    assert F.statx_full(*values) == (
        "{stx_mask=STATX_TYPE|STATX_MODE|STATX_SIZE|STATX_MNT_ID, stx_blksize=4096, "
        "stx_attributes=0, stx_mode=S_IFREG|0640, stx_size=7, stx_attributes_mask=0, "
        "stx_rdev_major=0, stx_rdev_minor=0, stx_dev_major=254, stx_dev_minor=0, "
        "stx_mnt_id=0x1b}")


SELECT = [
    # (one set passed as all three: the kernel's last write, nothing, is what is read)
    ("select", (5, A, A, A, 0), 1, struct.pack("<Q", 0), None,
     "select(5, [], [], [], NULL) = 1 ()"),
    # the descriptors up to the count returned
    ("select", (10, A, A + 8, 0, A + 16), 2, struct.pack("<QQqq", 0x200, 0x16, 0, 7), None,
     "select(10, [9], [1 2 4], NULL, {tv_sec=0, tv_usec=7}) = 2 (in [9], out [1], "
     "left {tv_sec=0, tv_usec=7})"),
    # select(2**31 - 1, ...): the first 2**20 descriptors
    ("select", (0x7FFFFFFF, A, 0, 0, 0), 1, struct.pack("<Q", 0x208).ljust(1 << 17, b"\0"),
     None, "select(2147483647, [3 9], NULL, NULL, NULL) = 1 (in [3])"),
    ("select", (0, A, 0, 0, 0), 0, b"", None, "select(0, 0x10000, NULL, NULL, NULL) = 0 (Timeout)"),
]


@pytest.mark.parametrize("name, args, ret, data, _, want", SELECT,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(SELECT)])
def test_select(name: str, args: tuple[int, ...], ret: int, data: bytes, _: None,
                want: str) -> None:
    assert line(name, args, ret, data) == want


def pollfds(*fds: tuple[int, int, int]) -> bytes:
    return b"".join(struct.pack("<ihH", *f) for f in fds)


POLL = [
    # an array unreadable from its second pollfd on
    ("poll", (A + 0x10 - 8, 2, 0), EFAULT, b"\0" * 8 + pollfds((-5, 0, 0)), {},
     "poll([{fd=-5}, ... /* 0x10010 */], 2, 0) = " + err(errno.EFAULT)),
    # the ready ones, at most -s of them
    ("poll", (A, 3, 42), 3, pollfds((1, 4, 4), (5, 4, 4), (2, 4, 4)), {"strsize": 2},
     "poll([{fd=1, events=POLLOUT}, {fd=5, events=POLLOUT}, ...], 3, 42) = 3 "
     "([{fd=1, revents=POLLOUT}, {fd=5, revents=POLLOUT}, ...])"),
    ("poll", (A, 2, 42), 1, pollfds((1, 4, 0), (5, 4, 4)), {},
     "poll([{fd=1, events=POLLOUT}, {fd=5, events=POLLOUT}], 2, 42) = 1 "
     "([{fd=5, revents=POLLOUT}])"),
    # ppoll's time left, with no descriptor ready
    ("ppoll", (A, 1, A + 8, 0, 8), 1, pollfds((1, 4, 0)) + struct.pack("<qq", 1, 2), {},
     "ppoll([{fd=1, events=POLLOUT}], 1, {tv_sec=1, tv_nsec=2}, NULL, 8) = 1 "
     "(left {tv_sec=1, tv_nsec=2})"),
]


@pytest.mark.parametrize("name, args, ret, data, kw, want", POLL,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(POLL)])
def test_poll(name: str, args: tuple[int, ...], ret: int, data: bytes, kw: dict[str, int],
              want: str) -> None:
    assert line(name, args, ret, data, **kw) == want  # type: ignore[arg-type]


V3 = struct.pack("<Ii", 0x20080522, 0)
CAPS = [
    ("capget", (0, 0), EFAULT, b"", {}, "capget(NULL, NULL) = " + err(errno.EFAULT)),
    ("capset", (A, A + 8), EINVAL, struct.pack("<Ii", 0xBADC0DED, -1576685468), {},
     "capset({version=0xbadc0ded /* _LINUX_CAPABILITY_VERSION_??? */, pid=-1576685468}, 0x10008)"
     " = " + err(errno.EINVAL)),
    ("capset", (A, A + 8), -errno.EPERM, V3 + struct.pack("<6I", 2, 4, 0, 8, 16, 0), {},
     "capset({version=_LINUX_CAPABILITY_VERSION_3, pid=0}, {effective=1<<CAP_DAC_OVERRIDE|"
     "1<<CAP_WAKE_ALARM, permitted=1<<CAP_DAC_READ_SEARCH|1<<CAP_BLOCK_SUSPEND, "
     "inheritable=0}) = " + err(errno.EPERM)),
    ("capset", (A, A + 8), -errno.EPERM, struct.pack("<Ii", 0x19980330, 0) + struct.pack(
        "<3I", 2, 4, 0), {}, "capset({version=_LINUX_CAPABILITY_VERSION_1, pid=0}, "
     "{effective=1<<CAP_DAC_OVERRIDE, permitted=1<<CAP_DAC_READ_SEARCH, inheritable=0}) = "
     + err(errno.EPERM)),
    ("capget", (A, A + 8), 0, V3 + struct.pack("<6I", 0, 0, 0, 0xFFFFFE00, 0, 0), {},
     "capget({version=_LINUX_CAPABILITY_VERSION_3, pid=0}, {effective=0xfffffe00 /* CAP_??? */, "
     "permitted=0, inheritable=0}) = 0"),
    ("capget", (A, A + 8), EFAULT, V3, {},
     "capget({version=_LINUX_CAPABILITY_VERSION_3, pid=0}, 0x10008) = " + err(errno.EFAULT)),
]


@pytest.mark.parametrize("name, args, ret, data, kw, want", CAPS,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CAPS)])
def test_caps(name: str, args: tuple[int, ...], ret: int, data: bytes, kw: dict[str, int],
              want: str) -> None:
    assert line(name, args, ret, data, **kw) == want  # type: ignore[arg-type]


TIMEX = struct.pack("<I4x4qi4x3q2q3qi4x5qi", 0, 0, 0, 16000000, 16000000, 0x40, 2, 1, 32768000,
                    1796660361, 543119, 10000, 0, 0, 0, 0, 0, 0, 0, 0, 0).ljust(208, b"\0")
TIMEX_TEXT = ("{modes=0, offset=0, freq=0, maxerror=16000000, esterror=16000000, "
              "status=STA_UNSYNC, constant=2, precision=1, tolerance=32768000, "
              "time={tv_sec=1796660361, tv_usec=543119}, tick=10000, ppsfreq=0, jitter=0, "
              "shift=0, stabil=0, jitcnt=0, calcnt=0, errcnt=0, stbcnt=0, tai=0}")


@pytest.mark.parametrize("name, args, ret, want", [
    ("adjtimex", (0,), EFAULT, "adjtimex(NULL) = " + err(errno.EFAULT)),
    ("adjtimex", (A,), 5, "adjtimex(%s) = 5 (TIME_ERROR)" % TIMEX_TEXT),
    ("adjtimex", (A,), 0, "adjtimex(%s) = 0 (TIME_OK)" % TIMEX_TEXT),
    ("clock_adjtime", (0, A), 5, "clock_adjtime(CLOCK_REALTIME, %s) = 5 (TIME_ERROR)" % TIMEX_TEXT),
    ("clock_adjtime", (1, A + 207), EFAULT,
     "clock_adjtime(CLOCK_MONOTONIC, 0x100cf) = " + err(errno.EFAULT)),
])
def test_timex(name: str, args: tuple[int, ...], ret: int, want: str) -> None:
    assert line(name, args, ret, TIMEX) == want


@pytest.mark.parametrize("args, ret, data, kw, want", [
    ((M64, 0), EINVAL, b"", {}, "setgroups(-1, NULL) = " + err(errno.EINVAL)),
    ((0, A), 0, b"", {}, "setgroups(0, []) = 0"),
    ((2, A + 4), EINVAL, struct.pack("<II", 0, 0xFFFFFFFF), {},
     "setgroups(2, [-1, ... /* 0x10008 */]) = " + err(errno.EINVAL)),
    ((2, A), 0, struct.pack("<II", 4294967294, 4294967293), {},
     "setgroups(2, [4294967294, 4294967293]) = 0"),
    ((3, A), EINVAL, struct.pack("<3I", 0, 1, 2), {"strsize": 2},
     "setgroups(3, [0, 1, ...]) = " + err(errno.EINVAL)),
    ((65537, A), EINVAL, b"", {}, "setgroups(65537, 0x10000) = " + err(errno.EINVAL)),
])
def test_setgroups(args: tuple[int, ...], ret: int, data: bytes, kw: dict[str, int],
                   want: str) -> None:
    assert line("setgroups", args, ret, data, **kw) == want  # type: ignore[arg-type]


@pytest.mark.parametrize("args, data, want", [
    ((A,), bytes(80), "_sysctl({name=NULL, nlen=0, oldval=NULL, oldlenp=NULL, newval=NULL, "
                      "newlen=0})"),
    ((A,), struct.pack("<Qi4xQQQQ32x", A, 1818978921, 0x7877767574737271, 8, 9, 2 ** 63 + 1),
     "_sysctl({name=0x10000, nlen=1818978921, oldval=0x7877767574737271, oldlenp=0x8, "
     "newval=0x9, newlen=9223372036854775809})"),
    ((A + 8,), bytes(80), "_sysctl(0x10008)"),    # (the whole struct is read)
])
def test_sysctl(args: tuple[int, ...], data: bytes, want: str) -> None:
    assert line("_sysctl", args, ENOSYS, data) == want + " = " + err(errno.ENOSYS)


def dumped(name: str, args: tuple[int, ...], ret: int, data: bytes) -> str | None:
    """-e read=all -e write=all: the dump lines of a call, None for no dump."""
    from fake_memory import Memory
    from aiotrace._cli._dump import dump_call
    every = (True, frozenset())
    dump = dump_call((every, every), name, args, ret, Memory(data))
    return None if dump is None else b"".join(dump.chunks()).decode()


def test_a_write_is_dumped_as_given_whatever_it_returned() -> None:
    """strace dumps the buffer of a write (its size argument's bytes) after the call, also
    when it failed or wrote less; a read's, only what it read."""
    line_of = " | 00000  61 62 63 64 65" + " " * 36 + "abcde" + " " * 12 + "|\n"
    assert dumped("pwrite64", (1, A, 5, M64 - 2), EINVAL, b"abcde") == line_of
    assert dumped("write", (1, A, 5), 2, b"abcde") == line_of
    assert not dumped("read", (0, A, 5), EINVAL, b"abcde")
    assert not dumped("write", (1, A, 0), 0, b"abcde")


def test_a_vectored_write_is_dumped_only_when_its_iovecs_can_be_read() -> None:
    data = iov((A + 32, 2), (A + 34, 3)) + b"01234"
    text = dumped("pwritev2", (1, A, 2, 0, 0, 0), EFAULT, data)
    assert text is not None and text.startswith(" * 2 bytes in buffer 0\n")
    assert " * 3 bytes in buffer 1\n" in text
    assert not dumped("pwritev2", (1, A + 16, 2, 0, 0, 0), EFAULT, iov((A + 32, 2)) + b"01")
