# SPDX-License-Identifier: GPL-2.0-or-later
"""How calls of the other ABIs are printed: i386 (``int $0x80``, a 32-bit program) and x32.

An i386 call's arguments are 32-bit registers (the tracer hands them over cut to their low
32 bits), its pointers are 32 bits, and many of its structures are laid out otherwise than
x86-64's (``struct stat64``, ``timespec`` of the calls without ``_time64``, ``iovec``,
``sigaction``, ``siginfo``...). So the i386 table below decodes what does not depend on
that layout, as strace does: integers, descriptors, strings and paths, flags, buffers,
socket addresses, and the structures whose layout is the same (``statx``, ``open_how``,
``epoll_event``, ``pollfd``, ``rlimit64``, the ``_time64`` calls' 64-bit times); a
structure it does not decode is shown as its address (``fstat64(3, 0xffd2c0a0)``), never
decoded with x86-64's layout. A call without an entry here prints its arguments in hex.

An x32 call with a number below 512 runs x86-64's own handler, with x86-64's structures:
it is printed as x86-64 prints it. The x32 calls from 512 on (``readv``, ``execve``,
``rt_sigaction``...) use the 32-bit structures: their arguments are shown in hex.
"""

from __future__ import annotations

from typing import Optional

from . import _structs as S
from . import _xlat as X
from ._ctx import Ctx
from ._kinds import (
    BUF_IN, BUF_OUT, CLOCKID, DIRFD, FD, HEX, HEX32, INT, LONG, MAP_FLAGS, PATH, PID, PROT,
    PTR, RESOURCE, SIGNAL, UID, UINT, ULONG, WHENCE, Kind, out,
)
from ._table import (
    AT_FLAGS, R_HEX, SIGHOW, STATUS_OUT, SYSCALLS, WAIT_OPTS, Spec, _clone_entry, _clone_exit,
    _fcntl_entry, _fcntl_exit, _fcntl_ret, ioctl_request, sc,
)
from ._xlat import hexa, ptr, s32, u32

__all__ = ["compat_spec"]

# the output of a structure not decoded: its address, at the exit (as strace splits the line)
RAW_OUT = out(lambda c, i: ptr(c.args[i]))
# a 16-bit uid or gid (chown, setuid... without 32): -1 is 0xffff
UID16 = Kind(lambda c, i: "-1" if c.args[i] & 0xFFFF == 0xFFFF else str(c.args[i] & 0xFFFF))
ARGV32 = Kind(lambda c, i: S.string_array(c, c.args[i], word=4))
ENVP32 = Kind(lambda c, i: S.count_array(c, c.args[i], "var", word=4))
_LEFT_OUT = Kind(lambda c, i: None)


def _off64(low_first: bool) -> Kind:
    """A 64-bit offset in two registers, this one and the next (left out)."""
    def fn(c: Ctx, i: int) -> str:
        a, b = u32(c.args[i]), u32(c.args[i + 1])
        v = (b << 32 | a) if low_first else (a << 32 | b)
        return str(v - (1 << 64) if v >> 63 else v)
    return Kind(fn)


OFF64_LO_HI = _off64(True)
OFF64_HI_LO = _off64(False)
# _llseek's result: a loff_t the kernel writes
LOFF_OUT = out(lambda c, i: c.struct(c.args[i], "<q", lambda v: "[%d]" % v))

_F_LOCKS = {5, 6, 7, 36, 37, 38}   # F_GETLK... F_OFD_SETLKW: struct flock, 32-bit layouts


def _fcntl32_entry(c: Ctx) -> str:
    cmd = s32(c.args[1])
    if cmd in _F_LOCKS:
        head = "%s, %s" % (c.fd(c.args[0]), X.xval(cmd, X.FCNTL_CMDS, "F_???"))
        return head + (", " if cmd in (5, 36) else ", " + ptr(c.args[2]))
    return _fcntl_entry(c)


def _fcntl32_exit(c: Ctx, entry: str) -> str:
    if s32(c.args[1]) in (5, 36):
        return entry + ptr(c.args[2])
    return _fcntl_exit(c, entry)


def _ioctl32_entry(c: Ctx) -> str:
    # the request's name, which is a number; its argument's layout may differ: raw
    return "%s, %s, %s" % (c.fd(c.args[0]), ioctl_request(c.args[1]), hexa(c.args[2]))


def _clone32_exit(c: Ctx, entry: str) -> str:
    # i386's clone(flags, stack, parent_tid, tls, child_tid): x86-64 swaps the last two
    a = c.args
    c.args = (a[0], a[1], a[2], a[4], a[3], a[5])
    try:
        return _clone_exit(c, entry)
    finally:
        c.args = a


def _narrow(spec: Spec) -> Spec:
    """An x86-64 spec for a call whose arguments mean the same on i386, longs being 32 bits."""
    if spec.entry is not None or spec.exit is not None:
        return spec
    kinds = tuple(INT if k is LONG else UINT if k is ULONG else k for k in spec.args)
    return Spec(kinds, spec.ret)


# i386 calls decoded as x86-64 decodes the call of the same name (once longs are 32 bits)
_SAME = """
    read write open openat openat2 creat close close_range statx lseek access faccessat
    faccessat2 readlink readlinkat getdents64 getcwd chdir fchdir chroot rename renameat
    renameat2 mkdir mkdirat rmdir link linkat unlink unlinkat symlink symlinkat chmod
    fchmod fchmodat fchownat umask truncate ftruncate fsync fdatasync sync syncfs flock dup
    dup2 dup3 pipe pipe2 splice copy_file_range inotify_init inotify_init1
    inotify_add_watch inotify_rm_watch memfd_create eventfd eventfd2 signalfd signalfd4
    timerfd_create pidfd_open pidfd_getfd pidfd_send_signal mount umount2 getxattr
    lgetxattr fgetxattr setxattr lsetxattr fsetxattr listxattr llistxattr flistxattr
    removexattr lremovexattr fremovexattr mprotect pkey_mprotect munmap mremap brk madvise
    msync mlock munlock mlockall munlockall mincore membarrier clone3 fork vfork exit
    exit_group kill tkill tgkill getpid getppid gettid getuid geteuid getgid getegid
    getpgrp setsid getpgid getsid setpgid sched_yield sched_getscheduler sched_setscheduler
    sched_getparam sched_setparam sched_get_priority_max sched_get_priority_min getpriority
    setpriority unshare setns set_tid_address set_robust_list rseq personality prlimit64
    uname getrandom getcpu restart_syscall pause rt_sigprocmask rt_sigpending rt_sigsuspend
    alarm time poll epoll_create epoll_create1 epoll_ctl epoll_wait epoll_pwait epoll_pwait2
    socket socketpair connect bind listen accept accept4 getsockname getpeername sendto
    recvfrom shutdown
""".split()

# the _time64 calls of i386 take x86-64's 64-bit time structures
_TIME64 = {
    "clock_gettime64": "clock_gettime", "clock_settime64": "clock_settime",
    "clock_getres_time64": "clock_getres", "clock_nanosleep_time64": "clock_nanosleep",
    "timer_settime64": "timer_settime", "timer_gettime64": "timer_gettime",
    "timerfd_settime64": "timerfd_settime", "timerfd_gettime64": "timerfd_gettime",
    "utimensat_time64": "utimensat", "ppoll_time64": "ppoll", "futex_time64": "futex",
}

_OWN: dict[str, Spec] = {
    "execve": sc(PATH, ARGV32, ENVP32),
    "execveat": sc(DIRFD, PATH, ARGV32, ENVP32, AT_FLAGS),
    "waitpid": sc(PID, STATUS_OUT, WAIT_OPTS),
    "wait4": sc(PID, STATUS_OUT, WAIT_OPTS, RAW_OUT),
    "clone": Spec(entry=_clone_entry, exit=_clone32_exit),
    "mmap2": sc(PTR, UINT, PROT, MAP_FLAGS, FD, HEX, ret=R_HEX),
    "mmap": sc(PTR, ret=R_HEX),   # (old_mmap: its arguments are in a structure)
    "_llseek": sc(FD, OFF64_HI_LO, _LEFT_OUT, LOFF_OUT, WHENCE),
    "pread64": sc(FD, BUF_OUT, UINT, OFF64_LO_HI, _LEFT_OUT),
    "pwrite64": sc(FD, BUF_IN(2), UINT, OFF64_LO_HI, _LEFT_OUT),
    "truncate64": sc(PATH, OFF64_LO_HI, _LEFT_OUT),
    "ftruncate64": sc(FD, OFF64_LO_HI, _LEFT_OUT),
    "stat": sc(PATH, RAW_OUT), "lstat": sc(PATH, RAW_OUT), "fstat": sc(FD, RAW_OUT),
    "stat64": sc(PATH, RAW_OUT), "lstat64": sc(PATH, RAW_OUT), "fstat64": sc(FD, RAW_OUT),
    "fstatat64": sc(DIRFD, PATH, RAW_OUT, AT_FLAGS),
    "oldstat": sc(PATH, RAW_OUT), "oldlstat": sc(PATH, RAW_OUT), "oldfstat": sc(FD, RAW_OUT),
    "statfs": sc(PATH, RAW_OUT), "fstatfs": sc(FD, RAW_OUT),
    "statfs64": sc(PATH, UINT, RAW_OUT), "fstatfs64": sc(FD, UINT, RAW_OUT),
    "readv": sc(FD, PTR, INT), "writev": sc(FD, PTR, INT),
    "getdents": sc(FD, RAW_OUT, UINT),
    "fcntl": Spec(ret=_fcntl_ret, entry=_fcntl32_entry, exit=_fcntl32_exit),
    "fcntl64": Spec(ret=_fcntl_ret, entry=_fcntl32_entry, exit=_fcntl32_exit),
    "ioctl": Spec(entry=_ioctl32_entry),
    "sendfile64": SYSCALLS["sendfile"],
    "umount": sc(PATH),
    "chown": sc(PATH, UID16, UID16), "lchown": sc(PATH, UID16, UID16),
    "fchown": sc(FD, UID16, UID16),
    "chown32": sc(PATH, UID, UID), "lchown32": sc(PATH, UID, UID), "fchown32": sc(FD, UID, UID),
    "setuid": sc(UID16), "setgid": sc(UID16), "setfsuid": sc(UID16), "setfsgid": sc(UID16),
    "setreuid": sc(UID16, UID16), "setregid": sc(UID16, UID16),
    "setresuid": sc(UID16, UID16, UID16), "setresgid": sc(UID16, UID16, UID16),
    "setuid32": sc(UID), "setgid32": sc(UID), "setfsuid32": sc(UID), "setfsgid32": sc(UID),
    "setreuid32": sc(UID, UID), "setregid32": sc(UID, UID),
    "setresuid32": sc(UID, UID, UID), "setresgid32": sc(UID, UID, UID),
    "getuid32": sc(), "geteuid32": sc(), "getgid32": sc(), "getegid32": sc(),
    "rt_sigaction": sc(SIGNAL, PTR, RAW_OUT, UINT),
    "sigaction": sc(SIGNAL, PTR, RAW_OUT),
    "sigprocmask": sc(SIGHOW, PTR, RAW_OUT),
    "signal": sc(SIGNAL, PTR, ret=R_HEX),
    "rt_sigreturn": sc(), "sigreturn": sc(), "sgetmask": sc(), "idle": sc(),
    "nice": sc(INT),
    "gettimeofday": sc(RAW_OUT, PTR), "nanosleep": sc(PTR, RAW_OUT),
    "clock_gettime": sc(CLOCKID, RAW_OUT), "clock_getres": sc(CLOCKID, RAW_OUT),
    "getrlimit": sc(RESOURCE, RAW_OUT), "ugetrlimit": sc(RESOURCE, RAW_OUT),
    "setrlimit": sc(RESOURCE, PTR),
    "socketcall": sc(INT, PTR),
    "sendmsg": sc(FD, PTR, HEX32), "recvmsg": sc(FD, PTR, HEX32),
}

_cache: dict[int, dict[str, Spec]] = {}


def _i386() -> dict[str, Spec]:
    from .._core._syscalls import I386_NAMES

    names = set(I386_NAMES.values())
    table = {n: _narrow(SYSCALLS[n]) for n in _SAME if n in names and n in SYSCALLS}
    table.update({n: SYSCALLS[x86] for n, x86 in _TIME64.items() if n in names})
    table.update({n: spec for n, spec in _OWN.items() if n in names})
    return table


def _x32() -> dict[str, Spec]:
    from .._core._syscalls import X32_NAMES

    return {name: SYSCALLS[name] for nr, name in X32_NAMES.items()
            if nr < 512 and name in SYSCALLS}


def compat_spec(name: str, abi: str) -> Optional[Spec]:
    """How call *name* of ABI *abi* ("i386" or "x32") is printed; None: in hex."""
    code = 1 if abi == "i386" else 2
    table = _cache.get(code)
    if table is None:
        table = _cache[code] = _i386() if code == 1 else _x32()
    return table.get(name)

