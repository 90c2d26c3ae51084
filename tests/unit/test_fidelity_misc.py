# SPDX-License-Identifier: GPL-2.0-or-later
"""The smaller system calls as strace 6.1 prints them (found by running strace's own
test suite, conformance/): each expected line is one that strace 6.1's test programs
expect, for the registers and the memory they pass. Tables, no tracee."""

from __future__ import annotations

import errno
import struct

import pytest

from fake_memory import A, Memory
from aiotrace._decode import _style, format_entry, format_exit, format_syscall_line

M64 = (1 << 64) - 1
STYLE = {"abbrev": _style.ABBREV, "raw": _style.RAW, "verbose": _style.VERBOSE}


def line(name: str, args: tuple[int, ...], ret: int, data: bytes = b"", *,
         strsize: int = 32, style: str = "abbrev") -> str:
    mem = Memory(data)
    kw = {"strsize": strsize, "xstyle": STYLE[style]}
    entry = format_entry(name, args, mem, **kw)
    full, rtext = format_exit(name, args, ret, mem, entry_text=entry, **kw)
    return format_syscall_line(name, full, rtext, column=0)   # (as strace -a0)


def err(code: int) -> str:
    return "-1 %s (%s)" % (errno.errorcode[code], __import__("os").strerror(code))


EINVAL = -errno.EINVAL


def ca(*fields: int) -> bytes:
    """A struct clone_args (88 bytes) of these first fields."""
    return struct.pack("<11Q", *(fields + (0,) * (11 - len(fields))))


def how(fl: int, mode: int, resolve: int) -> bytes:
    return struct.pack("<QQQ", fl, mode, resolve)


SAMPLE = b"openat2.sample\0\0"   # 16 bytes: the struct follows at A + 16
TAIL = bytes(range(0x80, 0x88))

# (call, arguments, return value, memory at A, what strace prints)
CALLS = [
    # tv_nsec is unsigned
    ("clock_settime", (3, A), EINVAL, struct.pack("<qq", -3819351491602432273, -4982091772012331283),
     "clock_settime(CLOCK_THREAD_CPUTIME_ID, {tv_sec=-3819351491602432273, "
     "tv_nsec=13464652301697220333}) = " + err(errno.EINVAL)),
    # clock_nanosleep: the time left only for an interrupted relative sleep
    ("clock_nanosleep", (0, 1, A, A + 16), -514, struct.pack("<qq", 1796629694, 656701932),
     "clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, {tv_sec=1796629694, tv_nsec=656701932}, "
     "0x10010) = ? ERESTARTNOHAND (To be restarted if no handler)"),
    ("clock_nanosleep", (0, 0, A, A), -514, struct.pack("<qq", 1, 2),
     "clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=1, tv_nsec=2}, {tv_sec=1, tv_nsec=2}) = "
     "? ERESTARTNOHAND (To be restarted if no handler)"),
    # futex: a clock only for the waits that take one
    ("futex", (A, 0x101, 0xDEADBEE1), -errno.ENOSYS, bytes(4),   # (0xdeadbee1: 3735928545)
     "futex(0x10000, 0x101 /* FUTEX_??? */, 3735928545) = " + err(errno.ENOSYS)),
    ("futex", (A, 0x189, 1, 0, 0, 0xFFFFFFFF), -errno.EAGAIN, bytes(4),
     "futex(0x10000, FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME, 1, NULL, "
     "FUTEX_BITSET_MATCH_ANY) = " + err(errno.EAGAIN)),
    # an unknown command: val3 is an unsigned int, the pointers addresses
    ("futex", (A, 0xE, 1, 0, 0x1000, 0xBADDA7A09CAFFEE1), -errno.ENOSYS, bytes(4),
     "futex(0x10000, 0xe /* FUTEX_??? */, 1, NULL, 0x1000, 0x9caffee1) = " + err(errno.ENOSYS)),
    # FUTEX_WAKE_OP's operation: the shift flag as <<28, unknown operations and comparisons
    ("futex", (A, 5, 1, 8, A, 0x50000000), -errno.ENOSYS, bytes(4),
     "futex(0x10000, FUTEX_WAKE_OP, 1, 8, 0x10000, 0x5<<28 /* FUTEX_OP_??? */|0<<12|"
     "FUTEX_OP_CMP_EQ<<24|0) = " + err(errno.ENOSYS)),
    ("futex", (A, 5, 1, 8, A, 0xA0CAFFEE), -errno.ENOSYS, bytes(4),
     "futex(0x10000, FUTEX_WAKE_OP, 1, 8, 0x10000, FUTEX_OP_OPARG_SHIFT<<28|FUTEX_OP_OR<<28|"
     "0xcaf<<12|FUTEX_OP_CMP_EQ<<24|0xfee) = " + err(errno.ENOSYS)),
    ("futex", (A, 5, 1, 8, A, 0x06000000), -errno.ENOSYS, bytes(4),
     "futex(0x10000, FUTEX_WAKE_OP, 1, 8, 0x10000, FUTEX_OP_SET<<28|0<<12|"
     "0x6<<24 /* FUTEX_OP_CMP_??? */|0) = " + err(errno.ENOSYS)),
    # a sigevent's signal is one only for the notifications that send one
    ("mq_notify", (3, A), -errno.EFAULT, struct.pack("<QiiQQ", 0, -87097619, 1, 0, 0),
     "mq_notify(3, {sigev_signo=4207869677, sigev_notify=SIGEV_NONE}) = " + err(errno.EFAULT)),
    ("mq_notify", (3, A), -errno.EFAULT, struct.pack("<QiiQQ", 0, 10, 0, 0, 0),
     "mq_notify(3, {sigev_signo=SIGUSR1, sigev_notify=SIGEV_SIGNAL}) = " + err(errno.EFAULT)),
    # ioprio
    ("ioprio_get", (0xDEADFACEFA57BEEF, 0xBADC0DEDDA7A1057), EINVAL, b"",
     "ioprio_get(0xfa57beef /* IOPRIO_WHO_??? */, -629534633) = " + err(errno.EINVAL)),
    ("ioprio_get", (1, 11056), 0x4003, b"",
     "ioprio_get(IOPRIO_WHO_PROCESS, 11056) = 16387 (IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 3))"),
    ("ioprio_set", (2, 11016, 8191), EINVAL, b"",
     "ioprio_set(IOPRIO_WHO_PGRP, 11016, IOPRIO_PRIO_VALUE(IOPRIO_CLASS_NONE, 8191)) = "
     + err(errno.EINVAL)),
    ("ioprio_set", (0xDEADFACEFA57BEEF, 0xBADC0DEDDA7A1057, 0xDEC0DED1FACEFEED), EINVAL, b"",
     "ioprio_set(0xfa57beef /* IOPRIO_WHO_??? */, -629534633, "
     "IOPRIO_PRIO_VALUE(0x7d677 /* IOPRIO_CLASS_??? */, 7917)) = " + err(errno.EINVAL)),
    # protection keys
    ("pkey_alloc", (0, 0xBADC0DED00000002), EINVAL, b"",
     "pkey_alloc(0, PKEY_DISABLE_WRITE|0xbadc0ded00000000) = " + err(errno.EINVAL)),
    ("pkey_alloc", (0, 7), EINVAL, b"",
     "pkey_alloc(0, PKEY_DISABLE_ACCESS|PKEY_DISABLE_WRITE|PKEY_DISABLE_EXECUTE) = "
     + err(errno.EINVAL)),
    ("pkey_free", (0xBBBBBBBBBB4D2A4D,), EINVAL, b"", "pkey_free(-1152570803) = " + err(errno.EINVAL)),
    # memfd
    ("memfd_secret", (0o2000000 | 0xDE97FACE,), EINVAL, b"",
     "memfd_secret(O_CLOEXEC|0xde97face) = " + err(errno.EINVAL)),
    ("memfd_secret", (0xDE97FACE,), EINVAL, b"",   # (no O_CLOEXEC bit: no name)
     "memfd_secret(0xde97face) = " + err(errno.EINVAL)),
    ("memfd_create", (0, M64), EINVAL, b"",
     "memfd_create(NULL, MFD_CLOEXEC|MFD_ALLOW_SEALING|MFD_HUGETLB|0x3fffff8|63<<MFD_HUGE_SHIFT)"
     " = " + err(errno.EINVAL)),
    ("memfd_create", (A, 30 << 26), EINVAL, b"x\0", 'memfd_create("x", 30<<MFD_HUGE_SHIFT) = '
     + err(errno.EINVAL)),
    # kcmp
    ("kcmp", (0xDEADCA75FACE1057, 0xDEFACED1DEFACED2, 0xBADC0DEDDA7ADEAD, 0xDEC0DED3DEC0DED4,
              0xBA5E1E55DEADC0DE), -errno.ESRCH, b"",
     "kcmp(-87158697, -553988398, 0xda7adead /* KCMP_??? */, 0xdec0ded3dec0ded4, "
     "0xba5e1e55deadc0de) = " + err(errno.ESRCH)),
    ("kcmp", (-1 & M64, -1 & M64, 1, 5, 6), -errno.ESRCH, b"",
     "kcmp(-1, -1, KCMP_VM) = " + err(errno.ESRCH)),
    ("kcmp", (3141592653, 2718281828, 0, 0xDEC0DED3DEC0DED4, 0xBA5E1E55DEADC0DE), -errno.ESRCH,
     b"", "kcmp(-1153374643, -1576685468, KCMP_FILE, -557785388, -559038242) = "
     + err(errno.ESRCH)),
    ("kcmp", (1, 2, 7, 3, A), -errno.ESRCH, struct.pack("<III", 4, 5, 6),   # (12 bytes)
     "kcmp(1, 2, KCMP_EPOLL_TFD, 3, {efd=4, tfd=5, toff=6}) = " + err(errno.ESRCH)),
    # mount
    ("mount", (A, A, A, 0x200, A), EINVAL, b"x\0",
     'mount("x", "x", "x", 0x200 /* MS_??? */, "x") = ' + err(errno.EINVAL)),
    ("mount", (A, A, A, 0xC0ED0000 | 0xF, A), EINVAL, b"x\0",
     'mount("x", "x", "x", MS_MGC_VAL|MS_RDONLY|MS_NOSUID|MS_NODEV|MS_NOEXEC, "x") = '
     + err(errno.EINVAL)),
    ("mount", (A, A, A, 1 << 12, A), EINVAL, b"x\0",
     'mount("x", "x", 0x10000, MS_BIND, 0x10000) = ' + err(errno.EINVAL)),
    ("mount", (A, A, A, 1 << 5, A), EINVAL, b"x\0",
     'mount("x", "x", 0x10000, MS_REMOUNT, "x") = ' + err(errno.EINVAL)),
    # dup3, inotify_init1
    ("dup3", (M64 - 1, M64, 0o1000 | 0o2000000), EINVAL, b"",
     "dup3(-2, -1, O_TRUNC|O_CLOEXEC) = " + err(errno.EINVAL)),
    ("inotify_init1", (0o4000 | 0o2000000,), 3, b"", "inotify_init1(IN_NONBLOCK|IN_CLOEXEC) = 3"),
    # openat2: struct open_how only for a valid size, its tail when not zero
    ("openat2", (M64, A, A + 16, 11), EINVAL, SAMPLE + how(0o200, 0, 0),
     'openat2(-1, "openat2.sample", 0x10010, 11) = ' + err(errno.EINVAL)),
    ("openat2", (M64, A, A + 16, 32), -errno.EFAULT, SAMPLE + how(0o200, 0, 0),
     'openat2(-1, "openat2.sample", {flags=O_RDONLY|O_EXCL, resolve=0, ???}, 32) = '
     + err(errno.EFAULT)),
    ("openat2", (M64, A, A + 16, 32), -errno.E2BIG, SAMPLE + how(0o200, 0, 0) + TAIL,
     'openat2(-1, "openat2.sample", {flags=O_RDONLY|O_EXCL, resolve=0, /* bytes 24..31 */ '
     '"\\x80\\x81\\x82\\x83\\x84\\x85\\x86\\x87"}, 32) = ' + err(errno.E2BIG)),
    ("openat2", (M64, A, A + 16, 32), -errno.EBADF, SAMPLE + how(0o200, 0, 0) + bytes(8),
     'openat2(-1, "openat2.sample", {flags=O_RDONLY|O_EXCL, resolve=0}, 32) = '
     + err(errno.EBADF)),
    ("openat2", (M64, A, A + 16, 24), EINVAL,
     SAMPLE + how(0xDEADFACE80000000, 0o777, 0xDEC0DEDBEEFFFFC0),
     'openat2(-1, "openat2.sample", {flags=O_RDONLY|0xdeadface80000000, mode=0777, '
     'resolve=0xdec0dedbeeffffc0 /* RESOLVE_??? */}, 24) = ' + err(errno.EINVAL)),
    # the mount API
    ("fsconfig", (3, 8, 0x1000, 0x2000, M64 - 99), EINVAL, b"",
     "fsconfig(3, 0x8 /* FSCONFIG_??? */, 0x1000, 0x2000, -100) = " + err(errno.EINVAL)),
    ("fsconfig", (3, 1, A, A + 4, M64 - 99), EINVAL, b"key\0val\0",
     'fsconfig(3, FSCONFIG_SET_STRING, "key", "val", -100) = ' + err(errno.EINVAL)),
    ("fsconfig", (3, 2, A, A + 4, 3), EINVAL, b"key\0val\0",
     'fsconfig(3, FSCONFIG_SET_BINARY, "key", "\\x76\\x61\\x6c", 3) = ' + err(errno.EINVAL)),
    ("fsconfig", (3, 4, A, A + 4, M64 - 99), EINVAL, b"key\0val\0",
     'fsconfig(3, FSCONFIG_SET_PATH_EMPTY, "key", "val", AT_FDCWD) = ' + err(errno.EINVAL)),
    ("fsconfig", (3, 6, A, A + 4, 3), EINVAL, b"key\0val\0",
     "fsconfig(3, FSCONFIG_CMD_CREATE, 0x10000, 0x10004, 3) = " + err(errno.EINVAL)),
    ("fsopen", (0, 2), EINVAL, b"", "fsopen(NULL, 0x2 /* FSOPEN_??? */) = " + err(errno.EINVAL)),
    ("fsmount", (M64, 0, 1), -errno.EBADF, b"",
     "fsmount(-1, 0, MOUNT_ATTR_RDONLY) = " + err(errno.EBADF)),
    ("fspick", (M64, A, 0xFFFFFFFF), EINVAL, b"\0",
     'fspick(-1, "", FSPICK_CLOEXEC|FSPICK_SYMLINK_NOFOLLOW|FSPICK_NO_AUTOMOUNT|'
     'FSPICK_EMPTY_PATH|0xfffffff0) = ' + err(errno.EINVAL)),
    ("open_tree", (M64, A, 0xFFFFFFFF), EINVAL, b"\0",
     'open_tree(-1, "", OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC|AT_SYMLINK_NOFOLLOW|AT_REMOVEDIR|'
     'AT_SYMLINK_FOLLOW|AT_NO_AUTOMOUNT|AT_EMPTY_PATH|AT_RECURSIVE|0xfff760fe) = '
     + err(errno.EINVAL)),
    ("move_mount", (M64, 0, M64 - 99, 0x1000, 0x4), -errno.EFAULT, b"",
     "move_mount(-1, NULL, AT_FDCWD, 0x1000, MOVE_MOUNT_F_EMPTY_PATH) = " + err(errno.EFAULT)),
    ("mount_setattr", (M64, 0, 0x100, 0x1000, 0xFFFFFFFF), -errno.E2BIG, b"",
     "mount_setattr(-1, NULL, AT_SYMLINK_NOFOLLOW, 0x1000, 4294967295) = " + err(errno.E2BIG)),
    ("mount_setattr", (M64, A, 0, A + 16, 32), EINVAL,
     b"/dev/full".ljust(16, b"\0") + struct.pack("<QQQQ", 0x3000BF, 0xFFFFFFFFFFCFFF40,
                                                 0x140000, 9),
     'mount_setattr(-1, "/dev/full", 0, {attr_set=MOUNT_ATTR_RDONLY|MOUNT_ATTR_NOSUID|'
     "MOUNT_ATTR_NODEV|MOUNT_ATTR_NOEXEC|MOUNT_ATTR_NOATIME|MOUNT_ATTR_STRICTATIME|"
     "MOUNT_ATTR_NODIRATIME|MOUNT_ATTR_IDMAP|MOUNT_ATTR_NOSYMFOLLOW, attr_clr="
     "0xffffffffffcfff40 /* MOUNT_ATTR_??? */, propagation=0x140000 /* MS_??? */, "
     "userns_fd=9}, 32) = " + err(errno.EINVAL)),
    # move_pages: arrays; the status at the exit; migrate_pages
    ("move_pages", (13996, 0, A, 0, A, 2), 0, bytes(8),
     "move_pages(13996, 0, [], NULL, [], MPOL_MF_MOVE) = 0"),
    ("move_pages", (13996, 2, A, 0, A + 16, 2), 0,
     struct.pack("<QQii", 0x7F4DA0640000, 0x7F4DA063F000, -errno.EFAULT, 0),
     "move_pages(13996, 2, [0x7f4da0640000, 0x7f4da063f000], NULL, [-EFAULT, 0], "
     "MPOL_MF_MOVE) = 0"),
    ("move_pages", (13996, 2, A, 0, A + 8, 4), -errno.ENODEV, struct.pack("<Q", 0x7F4DA063F000),
     "move_pages(13996, 2, [0x7f4da063f000, ... /* 0x10008 */], NULL, 0x10008, "
     "MPOL_MF_MOVE_ALL) = " + err(errno.ENODEV)),
    # (a failed call: the status is an address, but an empty one)
    ("move_pages", (1, 0, A, A, A, 4), -errno.EPERM, b"",
     "move_pages(1, 0, [], [], [], MPOL_MF_MOVE_ALL) = " + err(errno.EPERM)),
    ("move_pages", (13996, 1, A, A, A + 8, 4), -errno.ENODEV, bytes(12),
     "move_pages(13996, 1, [NULL], [0], 0x10008, MPOL_MF_MOVE_ALL) = " + err(errno.ENODEV)),
    ("migrate_pages", (0xFACEFEED000032E0, 0, 0, 0), EINVAL, b"",
     "migrate_pages(13024, 0, NULL, NULL) = " + err(errno.EINVAL)),
    # sched_getattr, sched_setattr, sched_rr_get_interval; pidfd_getfd, epoll_pwait2
    ("sched_getattr", (0xDEFACEDFACEFEED, 0, 0, 0), EINVAL, b"",
     "sched_getattr(-87097619, NULL, 0, 0) = " + err(errno.EINVAL)),
    ("sched_getattr", (0, A, 48, 0), 0, struct.pack("<IIQiIQQQ", 48, 0, 0, 0, 0, 1400000, 0, 0),
     "sched_getattr(0, {size=48, sched_policy=SCHED_OTHER, sched_flags=0, sched_nice=0, "
     "sched_priority=0, sched_runtime=1400000, sched_deadline=0, sched_period=0}, 48, 0) = 0"),
    ("sched_getattr", (0, A, 48, 0), -errno.EFAULT, bytes(48),
     "sched_getattr(0, 0x10000, 48, 0) = " + err(errno.EFAULT)),
    ("sched_setattr", (25500, A, 0), 0, struct.pack("<IIQiIQQQII", 56, 0, 1, 0, 0, 1400000, 0, 0,
                                                    0, 0),
     "sched_setattr(25500, {size=56, sched_policy=SCHED_OTHER, sched_flags="
     "SCHED_FLAG_RESET_ON_FORK, sched_nice=0, sched_priority=0, sched_runtime=1400000, "
     "sched_deadline=0, sched_period=0, sched_util_min=0, sched_util_max=0}, 0) = 0"),
    ("sched_setattr", (0, A, 0), -errno.E2BIG, struct.pack("<I", 10) + bytes(60),
     "sched_setattr(0, {size=10} => {size=10}, 0) = " + err(errno.E2BIG)),
    ("sched_rr_get_interval", (0, 0), -errno.EFAULT, b"",
     "sched_rr_get_interval(0, NULL) = " + err(errno.EFAULT)),
    ("sched_rr_get_interval", (M64, A), EINVAL, bytes(16),
     "sched_rr_get_interval(-1, 0x10000) = " + err(errno.EINVAL)),
    ("pidfd_getfd", (0, 0, 0xBADC0DED), EINVAL, b"", "pidfd_getfd(0, 0, 0xbadc0ded) = "
     + err(errno.EINVAL)),
    # (its timeout and mask are printed at the exit: addresses when it failed)
    ("epoll_pwait2", (M64, A, 3, A, A, 8), EINVAL, bytes(16),
     "epoll_pwait2(-1, 0x10000, 3, 0x10000, 0x10000, 8) = " + err(errno.EINVAL)),
    # futex_waitv
    ("futex_waitv", (0, 1, 0xFFFFFFFF, 0, 1), EINVAL, b"",
     "futex_waitv(NULL, 1, 0xffffffff, NULL, CLOCK_MONOTONIC) = " + err(errno.EINVAL)),
    ("futex_waitv", (A, 1, 0, 0, 1), EINVAL, struct.pack("<QQII", M64, 0, 0xFFFFFFFF, 0xFFFFFFFF),
     "futex_waitv([{val=0xffffffffffffffff, uaddr=NULL, flags=FUTEX_32|FUTEX_PRIVATE_FLAG|"
     "0xffffff7d, __reserved=0xffffffff}], 1, 0, NULL, CLOCK_MONOTONIC) = " + err(errno.EINVAL)),
    ("futex_waitv", (A, 0, 1, 0x1000, 0xFFFFFFFF), EINVAL, b"",
     "futex_waitv([], 0, 0x1, 0x1000, 0xffffffff /* CLOCK_??? */) = " + err(errno.EINVAL)),
    # kexec_load, kexec_file_load
    ("kexec_load", (0, 0, 0, 0xBADC0DEDDA7A1054), -errno.ENOSYS, b"",
     "kexec_load(NULL, 0, NULL, 0xda7a0000 /* KEXEC_ARCH_??? */|0xbadc0ded00001054 "
     "/* KEXEC_??? */) = " + err(errno.ENOSYS)),
    ("kexec_load", (1, 17, A, 0x2A0003), -errno.ENOSYS, b"",
     "kexec_load(0x1, 17, 0x10000, KEXEC_ARCH_SH|KEXEC_ON_CRASH|KEXEC_PRESERVE_CONTEXT) = "
     + err(errno.ENOSYS)),
    ("kexec_load", (1, 2, A, 0x3E0000), -errno.ENOSYS, struct.pack("<8Q", 0, 5, 0, 6, 2, 7, 3, 8),
     "kexec_load(0x1, 2, [{buf=NULL, bufsz=5, mem=NULL, memsz=6}, {buf=0x2, bufsz=7, mem=0x3, "
     "memsz=8}], KEXEC_ARCH_X86_64) = " + err(errno.ENOSYS)),
    ("kexec_file_load", (M64, 3, 6, A, 6), -errno.ENOSYS, b"abcdef",
     'kexec_file_load(-1, 3, 6, "abcdef", KEXEC_FILE_ON_CRASH|KEXEC_FILE_NO_INITRAMFS) = '
     + err(errno.ENOSYS)),
    # clone3
    ("clone3", (A, 96), -errno.EFAULT, ca(),
     "clone3({flags=0, exit_signal=0, stack=NULL, stack_size=0, ???}, 96) = "
     + err(errno.EFAULT)),
    ("clone3", (A, 88), EINVAL, ca(0, 0, 0, 0, 0, 0, 0, 0, A + 88, 2) + struct.pack("<ii", -1, 2),
     "clone3({flags=0, exit_signal=0, stack=NULL, stack_size=0, set_tid=[-1, 2], "
     "set_tid_size=2}, 88) = " + err(errno.EINVAL)),
    ("clone3", (A, 88), 17222, ca(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 18072662651680067053),
     "clone3({flags=0, exit_signal=0, stack=NULL, stack_size=0, cgroup=18072662651680067053},"
     " 88) = 17222"),
    ("clone3", (A, 96), -errno.E2BIG, ca(0, 0, 0, 0, 0xDEADFACEFEEDC0DE) + TAIL,
     "clone3({flags=0, exit_signal=16045756814338146526, stack=NULL, stack_size=0, "
     '/* bytes 88..95 */ "\\x80\\x81\\x82\\x83\\x84\\x85\\x86\\x87"}, 96) = ' + err(errno.E2BIG)),
    ("clone3", (A, 88), 17228, ca(0x100000),
     "clone3({flags=CLONE_PARENT_SETTID, parent_tid=NULL, exit_signal=0, stack=NULL, "
     "stack_size=0} => {parent_tid=NULL}, 88) = 17228"),
    ("clone3", (A, 88), 17228, ca(0x101000, A + 88, 0, A + 92) + struct.pack("<ii", 5, 17228),
     "clone3({flags=CLONE_PIDFD|CLONE_PARENT_SETTID, pidfd=0x10058, parent_tid=0x1005c, "
     "exit_signal=0, stack=NULL, stack_size=0} => {pidfd=[5], parent_tid=[17228]}, 88) = 17228"),
    ("clone3", (A, 88), EINVAL, ca(0x380),
     "clone3({flags=CLONE_VM|CLONE_FS|CLONE_NEWTIME, exit_signal=0, stack=NULL, "
     "stack_size=0}, 88) = " + err(errno.EINVAL)),
]


@pytest.mark.parametrize("name, args, ret, data, want", CALLS,
                         ids=["%s-%d" % (c[0], k) for k, c in enumerate(CALLS)])
def test_calls(name: str, args: tuple[int, ...], ret: int, data: bytes, want: str) -> None:
    assert line(name, args, ret, data) == want


MQ_ATTR = struct.pack("<Qqqq32x", 0o4000, 10, 8192, 0)
PERM = struct.pack("<iIIIII", 0, 0, 0, 0, 0, 0o600) + bytes(24)   # struct ipc64_perm
IPC = [
    ("msgget", (0xFDB9F531, 0xFACE1C00 | 0o125), -errno.ENOENT, b"",
     "msgget(0xfdb9f531, IPC_EXCL|IPC_NOWAIT|0xface1000|0125) = " + err(errno.ENOENT)),
    ("msgget", (0, 0o600), 983041, b"", "msgget(IPC_PRIVATE, 0600) = 983041"),
    ("msgctl", (0xDEADBEEFFDB9F531, 0x101, M64), EINVAL, b"",
     "msgctl(-38144719, IPC_64|IPC_SET, 0xffffffffffffffff) = " + err(errno.EINVAL)),
    ("msgctl", (983041, 2, A), 0, PERM + struct.pack("<6Q2i2Q", 0, 0, 1796630018, 0, 0, 16384,
                                                    0, 0, 0, 0),
     "msgctl(983041, IPC_STAT, {msg_perm={uid=0, gid=0, mode=0600, key=0, cuid=0, cgid=0}, "
     "msg_stime=0, msg_rtime=0, msg_ctime=1796630018, msg_qnum=0, msg_qbytes=16384, "
     "msg_lspid=0, msg_lrpid=0}) = 0"),
    ("msgctl", (983041, 1, A), 0, PERM + struct.pack("<6Q2i2Q", 0, 0, 0, 0, 0, 16384, 0, 0, 0, 0),
     "msgctl(983041, IPC_SET, {msg_perm={uid=0, gid=0, mode=0600}, msg_qbytes=16384}) = 0"),
    ("msgctl", (983041, 12, A), 1, struct.pack("<7iH2x", 1, 0, 8192, 16384, 32000, 16, 0, 65535),
     "msgctl(983041, MSG_INFO, {msgpool=1, msgmap=0, msgmax=8192, msgmnb=16384, msgmni=32000, "
     "msgssz=16, msgtql=0, msgseg=65535}) = 1"),
    ("msgctl", (983041, 0, 0), 0, b"", "msgctl(983041, IPC_RMID, NULL) = 0"),
    ("msgsnd", (983054, A, 14, 0), 0, struct.pack("<q", 9199991941521739245) + b"STRACE_STRING\0",
     'msgsnd(983054, {mtype=9199991941521739245, mtext="STRACE_STRING\\0"}, 14, 0) = 0'),
    ("msgrcv", (983054, A, 14, -9199991941521739245 & M64, 0), 14,
     struct.pack("<q", 9199991941521739245) + b"STRACE_STRING\0",
     'msgrcv(983054, {mtype=9199991941521739245, mtext="STRACE_STRING\\0"}, 14, '
     "-9199991941521739245, 0) = 14"),
    ("semget", (0xFDB97531, 0xDEADBEEFDEC0DED1, 0xFACE1E00 | 0o125), EINVAL, b"",
     "semget(0xfdb97531, -557785391, IPC_CREAT|IPC_EXCL|IPC_NOWAIT|0xface1000|0125) = "
     + err(errno.EINVAL)),
    ("semctl", (491537, 0, 0x102, A), 0, PERM + struct.pack("<7Q", 0, 0, 1796630022, 0, 1, 0, 0),
     "semctl(491537, 0, IPC_64|IPC_STAT, {sem_perm={uid=0, gid=0, mode=0600, key=0, cuid=0, "
     "cgid=0}, sem_otime=0, sem_ctime=1796630022, sem_nsems=1}) = 0"),
    ("semop", (0xDEADBEEFFDB9F531, A, 2), -errno.EFAULT, struct.pack("<HhH", 64206, -4083, 0xFFFF),
     "semop(-38144719, [{sem_num=64206, sem_op=-4083, sem_flg=SEM_UNDO|IPC_NOWAIT|0xe7ff}, "
     "... /* 0x10006 */], 2) = " + err(errno.EFAULT)),
    ("semtimedop", (1, A, 1, A + 8), 0, struct.pack("<HhH2xqq", 0, -1, 0x1000, 1, 2),
     "semtimedop(1, [{sem_num=0, sem_op=-1, sem_flg=SEM_UNDO}], 1, {tv_sec=1, tv_nsec=2}) = 0"),
    ("shmget", (0xFDB97531, 16051074064915160786, 21 << 26), 0, b"",
     "shmget(0xfdb97531, 16051074064915160786, 21<<SHM_HUGE_SHIFT|000) = 0"),
    ("shmget", (0xFDB97531, 1, 0x2CE0000 | 0o17125 | 21 << 26), -errno.EEXIST, b"",
     "shmget(0xfdb97531, 1, IPC_CREAT|IPC_EXCL|SHM_HUGETLB|SHM_NORESERVE|0x2ce0000|"
     "21<<SHM_HUGE_SHIFT|0125) = " + err(errno.EEXIST)),
    ("shmctl", (491543, 14, A), 23, struct.pack("<i4x5Q", 2, 3918719254129679, 0, 0, 0, 0),
     "shmctl(491543, SHM_INFO, {used_ids=2, shm_tot=3918719254129679, shm_rss=0, shm_swp=0, "
     "swap_attempts=0, swap_successes=0}) = 23"),
    ("shmctl", (491543, 2, A), 0, PERM + struct.pack("<4Q2i3Q", 1, 0, 0, 1796630024, 11535, 0,
                                                    0, 0, 0),
     "shmctl(491543, IPC_STAT, {shm_perm={uid=0, gid=0, mode=0600, key=0, cuid=0, cgid=0}, "
     "shm_segsz=1, shm_cpid=11535, shm_lpid=0, shm_nattch=0, shm_atime=0, shm_dtime=0, "
     "shm_ctime=1796630024}) = 0"),
    ("shmat", (491551, 0, 0o10000), 0x7F820982A000, b"",
     "shmat(491551, NULL, SHM_RDONLY) = 0x7f820982a000"),
    ("shmdt", (0,), EINVAL, b"", "shmdt(NULL) = " + err(errno.EINVAL)),
    # POSIX message queues
    ("mq_open", (0, 0), -errno.EFAULT, b"", "mq_open(NULL, O_RDONLY) = " + err(errno.EFAULT)),
    ("mq_open", (0x1000, 0o103, 0xBADC0DED0003FBED, A), -errno.EFAULT, MQ_ATTR,
     "mq_open(0x1000, O_ACCMODE|O_CREAT, 0175755, {mq_flags=0x800, mq_maxmsg=10, "
     "mq_msgsize=8192, mq_curmsgs=0}) = " + err(errno.EFAULT)),
    ("mq_getsetattr", (0, A, 0), 0, MQ_ATTR,
     "mq_getsetattr(0, {mq_flags=O_NONBLOCK, mq_maxmsg=10, mq_msgsize=8192, mq_curmsgs=0}, "
     "NULL) = 0"),
    ("mq_getsetattr", (0, 0, A), -errno.EBADF, MQ_ATTR,
     "mq_getsetattr(0, NULL, 0x10000) = " + err(errno.EBADF)),
    ("mq_timedsend", (0xFFFFFFFFDEADBEEF, A, 2, 0xDEFACED0DEADBEEF, 0), EINVAL, b"ab",
     'mq_timedsend(-559038737, "ab", 2, 3735928559, NULL) = ' + err(errno.EINVAL)),
    ("mq_timedreceive", (3, A, 2, A + 8, A + 16), -errno.ETIMEDOUT,
     b"ab".ljust(8, b"\0") + struct.pack("<I4xqq", 5, 1, 2),
     "mq_timedreceive(3, 0x10000, 2, 0x10008, {tv_sec=1, tv_nsec=2}) = " + err(errno.ETIMEDOUT)),
    ("mq_timedreceive", (3, A, 2, A + 8, A + 16), 2,
     b"ab".ljust(8, b"\0") + struct.pack("<I4xqq", 5, 1, 2),
     'mq_timedreceive(3, "ab", 2, [5], {tv_sec=1, tv_nsec=2}) = 2'),
]


@pytest.mark.parametrize("name, args, ret, data, want", IPC,
                         ids=["%s-%d" % (c[0], k) for k, c in enumerate(IPC)])
def test_sysv_ipc(name: str, args: tuple[int, ...], ret: int, data: bytes, want: str) -> None:
    assert line(name, args, ret, data) == want


def test_a_path_is_cut_at_path_max() -> None:
    """PATH_MAX bytes are read: without a NUL in them, PATH_MAX - 1 of them and "..."."""
    long_path = b"0" * 4096
    assert line("chdir", (A,), -errno.ENAMETOOLONG, long_path) == 'chdir("%s"...) = %s' % (
        "0" * 4095, err(errno.ENAMETOOLONG))
    assert line("chdir", (A,), -errno.ENOENT, long_path[:4095] + b"\0") == (
        'chdir("%s") = %s' % ("0" * 4095, err(errno.ENOENT)))


IOCB = "<QIiHhIQQqQII"   # struct iocb
AIO = [
    ("io_setup", (3735928559, 0), -errno.EFAULT, b"", "io_setup(3735928559, NULL) = "
     + err(errno.EFAULT)),
    ("io_setup", (2, A), 0, struct.pack("<Q", 0x7F25D454A000), "io_setup(2, [0x7f25d454a000]) = 0"),
    ("io_destroy", (0,), EINVAL, b"", "io_destroy(NULL) = " + err(errno.EINVAL)),
    ("io_submit", (0xFACE1E55DEADBEEF, 0xCA7FACEDDEADF00D, 0), EINVAL, b"",
     "io_submit(0xface1e55deadbeef, -3855172618362687475, NULL) = " + err(errno.EINVAL)),
    ("io_submit", (0x7F25D454A000, 2, A), 2,
     struct.pack("<QQ", A + 16, A + 80)
     + struct.pack(IOCB, 0xFEEDFACE11111111, 0, 0, 0, 11, 0, 0x7F25D4547000, 4096, 5, 0, 0, 0)
     + struct.pack(IOCB, 1, 3740978896, 0, 61453, 0, 0xDEFACED1, 0, 0, 0, 0, 0, 0),
     "io_submit(0x7f25d454a000, 2, [{aio_data=0xfeedface11111111, aio_lio_opcode=IOCB_CMD_PREAD,"
     " aio_reqprio=11, aio_fildes=0, aio_buf=0x7f25d4547000, aio_nbytes=4096, aio_offset=5}, "
     "{aio_data=0x1, aio_key=3740978896, aio_lio_opcode=61453 /* IOCB_CMD_??? */, "
     "aio_fildes=-553988399}]) = 2"),
    ("io_submit", (1, 1, A), 1, struct.pack("<Q", A + 8)
     + struct.pack(IOCB, 0, 0, 0, 1, 0x4000 | 7, 3, A + 72, 2, 0, 0, 3, 4) + b"ab",
     'io_submit(0x1, 1, [{aio_data=0, aio_lio_opcode=IOCB_CMD_PWRITE, aio_reqprio='
     'IOPRIO_PRIO_VALUE(IOPRIO_CLASS_BE, 7), aio_fildes=3, aio_buf="ab", aio_nbytes=2, '
     'aio_offset=0, aio_flags=IOCB_FLAG_RESFD|IOCB_FLAG_IOPRIO, aio_resfd=4}]) = 1'),
    # (a NULL iocb pointer among them)
    ("io_submit", (1, 2, A), -errno.EFAULT, struct.pack("<QQ", 0, 0xFFFFFFFFFFFFFFFF),
     "io_submit(0x1, 2, [NULL, 0xffffffffffffffff]) = " + err(errno.EFAULT)),
    # (a negative aio_reqprio: its 16 bits)
    ("io_submit", (1, 1, A), -errno.EINVAL, struct.pack("<Q", A + 8)
     + struct.pack(IOCB, 0, 0, 0, 6, -16657, 3, 0, 0, 0, 0, 2, 0),
     "io_submit(0x1, 1, [{aio_data=0, aio_lio_opcode=IOCB_CMD_NOOP, aio_reqprio="
     "IOPRIO_PRIO_VALUE(0x5 /* IOPRIO_CLASS_??? */, 7919), aio_fildes=3}]) = " + err(errno.EINVAL)),
    ("io_getevents", (0xFACE1E55DEADBEEF, 0, 0, A, A + 32), EINVAL,
     bytes(32) + struct.pack("<qq", 3735928559, 4207869677),
     "io_getevents(0xface1e55deadbeef, 0, 0, 0x10000, {tv_sec=3735928559, tv_nsec=4207869677})"
     " = " + err(errno.EINVAL)),
    ("io_getevents", (1, 1, 1, A, 0), 1, struct.pack("<QQqq", 0xFEED, 0x7F25D4352F80, 4096, 0),
     "io_getevents(0x1, 1, 1, [{data=0xfeed, obj=0x7f25d4352f80, res=4096, res2=0}], NULL) = 1"),
    ("io_cancel", (0x7F25D454A000, A, 0x1000), EINVAL,
     struct.pack(IOCB, 0xDEADBEEFBADC0DED, 0, 0, 0, 99, 2**32 - 42, 0, 0, 0, 0, 0, 0),
     "io_cancel(0x7f25d454a000, {aio_data=0xdeadbeefbadc0ded, aio_lio_opcode=IOCB_CMD_PREAD, "
     "aio_reqprio=99, aio_fildes=-42}, 0x1000) = " + err(errno.EINVAL)),
    ("io_pgetevents", (1, 0, 0, 0, 0, A), EINVAL, struct.pack("<QQ", A + 16, 8) + b"\xff" * 8,
     "io_pgetevents(0x1, 0, 0, NULL, NULL, {sigmask=~[], sigsetsize=8}) = " + err(errno.EINVAL)),
]


@pytest.mark.parametrize("name, args, ret, data, want", AIO,
                         ids=["%s-%d" % (c[0], k) for k, c in enumerate(AIO)])
def test_aio(name: str, args: tuple[int, ...], ret: int, data: bytes, want: str) -> None:
    assert line(name, args, ret, data) == want


# (call, arguments, return value, memory, {style: what strace prints})
STYLED = [
    ("ioprio_set", (2, 11016, 8191), EINVAL, b"", {
        "raw": "ioprio_set(0x2, 11016, 8191) = " + err(errno.EINVAL),
        "verbose": "ioprio_set(0x2 /* IOPRIO_WHO_PGRP */, 11016, 8191 /* IOPRIO_PRIO_VALUE("
                   "0 /* IOPRIO_CLASS_NONE */, 8191) */) = " + err(errno.EINVAL)}),
    ("ioprio_get", (1, 5), 0, b"", {
        "raw": "ioprio_get(0x1, 5) = 0",
        "verbose": "ioprio_get(0x1 /* IOPRIO_WHO_PROCESS */, 5) = 0 (IOPRIO_PRIO_VALUE("
                   "0 /* IOPRIO_CLASS_NONE */, 0))"}),
    ("move_pages", (1, 1, A, 0, A + 8, 2), 0, struct.pack("<Qi", 0x1000, -errno.EFAULT), {
        "raw": "move_pages(1, 1, [0x1000], NULL, [-14], 0x2) = 0",
        "verbose": "move_pages(1, 1, [0x1000], NULL, [-14 /* -EFAULT */], 0x2 /* MPOL_MF_MOVE */)"
                   " = 0"}),
    ("shmget", (1, 1, 21 << 26 | 0o600), 0, b"", {
        "raw": "shmget(0x1, 1, 21<<26|0600) = 0",
        "verbose": "shmget(0x1, 1, 21<<26 /* SHM_HUGE_SHIFT */|0600) = 0"}),
    ("msgget", (0, 0xFACE1C00 | 0o125), 0, b"", {
        "raw": "msgget(0, 0xface1c00|0125) = 0",
        "verbose": "msgget(0 /* IPC_PRIVATE */, 0xface1c00 /* IPC_EXCL|IPC_NOWAIT|0xface1000 */"
                   "|0125) = 0"}),
    ("memfd_create", (A, 30 << 26), EINVAL, b"x\0", {
        "raw": 'memfd_create("x", 0x78000000) = ' + err(errno.EINVAL),
        "verbose": 'memfd_create("x", 0x78000000 /* 30<<MFD_HUGE_SHIFT */) = '
                   + err(errno.EINVAL)}),
]


@pytest.mark.parametrize("style", ["raw", "verbose"])
@pytest.mark.parametrize("name, args, ret, data, want", STYLED, ids=[c[0] for c in STYLED])
def test_styles(style: str, name: str, args: tuple[int, ...], ret: int, data: bytes,
                want: dict[str, str]) -> None:
    assert line(name, args, ret, data, style=style) == want[style]


def test_a_bounded_name_is_cut_where_the_kernel_stops_reading() -> None:
    """memfd_create's name: at most 250 bytes are read; without a NUL in them, "..."."""
    name = b"0123456789" * 25
    assert line("memfd_create", (A, 0), EINVAL, name + b"\0", strsize=256) == (
        'memfd_create("%s"..., 0) = %s' % (name.decode(), err(errno.EINVAL)))
    assert line("memfd_create", (A, 0), EINVAL, name[:-1] + b"\0", strsize=256) == (
        'memfd_create("%s", 0) = %s' % (name[:-1].decode(), err(errno.EINVAL)))
    assert line("memfd_create", (A, 0), EINVAL, name[:-1] + b"\0", strsize=4) == (
        'memfd_create("0123"..., 0) = %s' % err(errno.EINVAL))


def test_kcmp_descriptors_of_the_second_process() -> None:
    """-y: kcmp's descriptors are the tracee's (pid1's); those of another pid2 are numbers."""
    mem = Memory(struct.pack("<III", 23, 42, 0))

    def text(args: tuple[int, ...]) -> str:
        return format_entry("kcmp", args, mem, fd_path=lambda fd: "/dev/null")

    assert text((5, M64, 7, 23, A)) == "5, -1, KCMP_EPOLL_TFD, 23</dev/null>, {efd=23, tfd=42, toff=0}"
    assert text((5, 5, 7, 23, A)) == (
        "5, 5, KCMP_EPOLL_TFD, 23</dev/null>, {efd=23</dev/null>, tfd=42</dev/null>, toff=0}")
    assert text((5, 5, 0, 23, 42)) == "5, 5, KCMP_FILE, 23</dev/null>, 42</dev/null>"


def test_an_array_unreadable_at_the_abbreviation_says_where_it_stops():
    """strace's print_array reads an element before it checks the -s limit: an array
    whose element at the limit cannot be read ends with "... /* address */", not "..."
    (the ioctl decoders print their arrays with the same printer)."""
    from aiotrace._decode._ctx import Ctx
    from aiotrace._decode._ioctl import mem_array
    from aiotrace._decode._misc import array

    c = Ctx("ioctl", (0,) * 6, Memory(struct.pack("<2I", 7, 8)), 2, lambda fd: None)
    show = lambda d: str(struct.unpack("<I", d)[0])   # noqa: E731
    assert array(c, A, 3, 4, show) == "[7, 8, ... /* %#x */]" % (A + 8)
    assert mem_array(c, A, 3, 4, show) == array(c, A, 3, 4, show)
    c = Ctx("ioctl", (0,) * 6, Memory(struct.pack("<3I", 7, 8, 9)), 2, lambda fd: None)
    assert mem_array(c, A, 3, 4, show) == "[7, 8, ...]"
