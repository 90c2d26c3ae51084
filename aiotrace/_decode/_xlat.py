# SPDX-License-Identifier: GPL-2.0-or-later
"""Symbolic names of Linux x86-64 constants and the helpers that print them.

The values are the kernel's ABI (uapi headers); the printing order of flag
sets was chosen to match what strace 6.1 prints.  A flag table is a sequence
of ``(name, value)`` pairs tried in order; a value with several bits is only
used when all of them are present, and consumed bits are not reused.
"""

from __future__ import annotations

import os
from typing import Mapping, Sequence

from .._core._events import SIGNAL_NAMES as _core_signal_names

Flags = Sequence[tuple[str, int]]

MASK64 = (1 << 64) - 1


def s32(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


def u32(v: int) -> int:
    return v & 0xFFFFFFFF


def s64(v: int) -> int:
    v &= MASK64
    return v - (1 << 64) if v & (1 << 63) else v


def u64(v: int) -> int:
    return v & MASK64


def hexa(v: int) -> str:
    """``%#lx``: 0 is printed as ``0``."""
    v = u64(v)
    return "0x%x" % v if v else "0"


def ptr(v: int) -> str:
    v = u64(v)
    return "0x%x" % v if v else "NULL"


def octal(v: int) -> str:
    """``%#03o``: 0 -> ``000``, 0644 -> ``0644``."""
    s = "0%o" % v if v else "0"
    return s.rjust(3, "0")


def flags(v: int, table: Flags, unknown: str | None = "???", *, zero: str = "0") -> str:
    """Print a bit set.  Unknown bits only: ``0x80 /* UNKNOWN */`` (plain hex when
    ``unknown`` is None, for sets that follow another field)."""
    parts: list[str] = []
    rest = v
    for name, bit in table:
        if bit and rest & bit == bit:
            parts.append(name)
            rest &= ~bit
    if rest:
        if not parts and unknown is not None:
            return "%s /* %s */" % (hexa(rest), unknown)
        parts.append(hexa(rest))
    if not parts:
        return zero
    return "|".join(parts)


def xval(v: int, table: Mapping[int, str], unknown: str = "???") -> str:
    name = table.get(v)
    if name is not None:
        return name
    return "%s /* %s */" % (hexa(v), unknown)


def _rev(d: Mapping[str, int]) -> dict[int, str]:
    return {v: k for k, v in d.items()}


# ---------------------------------------------------------------------------
# errno

ERRNO_NAMES: dict[int, str] = {
    1: "EPERM", 2: "ENOENT", 3: "ESRCH", 4: "EINTR", 5: "EIO", 6: "ENXIO",
    7: "E2BIG", 8: "ENOEXEC", 9: "EBADF", 10: "ECHILD", 11: "EAGAIN",
    12: "ENOMEM", 13: "EACCES", 14: "EFAULT", 15: "ENOTBLK", 16: "EBUSY",
    17: "EEXIST", 18: "EXDEV", 19: "ENODEV", 20: "ENOTDIR", 21: "EISDIR",
    22: "EINVAL", 23: "ENFILE", 24: "EMFILE", 25: "ENOTTY", 26: "ETXTBSY",
    27: "EFBIG", 28: "ENOSPC", 29: "ESPIPE", 30: "EROFS", 31: "EMLINK",
    32: "EPIPE", 33: "EDOM", 34: "ERANGE", 35: "EDEADLK", 36: "ENAMETOOLONG",
    37: "ENOLCK", 38: "ENOSYS", 39: "ENOTEMPTY", 40: "ELOOP", 42: "ENOMSG",
    43: "EIDRM", 44: "ECHRNG", 45: "EL2NSYNC", 46: "EL3HLT", 47: "EL3RST",
    48: "ELNRNG", 49: "EUNATCH", 50: "ENOCSI", 51: "EL2HLT", 52: "EBADE",
    53: "EBADR", 54: "EXFULL", 55: "ENOANO", 56: "EBADRQC", 57: "EBADSLT",
    59: "EBFONT", 60: "ENOSTR", 61: "ENODATA", 62: "ETIME", 63: "ENOSR",
    64: "ENONET", 65: "ENOPKG", 66: "EREMOTE", 67: "ENOLINK", 68: "EADV",
    69: "ESRMNT", 70: "ECOMM", 71: "EPROTO", 72: "EMULTIHOP", 73: "EDOTDOT",
    74: "EBADMSG", 75: "EOVERFLOW", 76: "ENOTUNIQ", 77: "EBADFD",
    78: "EREMCHG", 79: "ELIBACC", 80: "ELIBBAD", 81: "ELIBSCN", 82: "ELIBMAX",
    83: "ELIBEXEC", 84: "EILSEQ", 85: "ERESTART", 86: "ESTRPIPE", 87: "EUSERS",
    88: "ENOTSOCK", 89: "EDESTADDRREQ", 90: "EMSGSIZE", 91: "EPROTOTYPE",
    92: "ENOPROTOOPT", 93: "EPROTONOSUPPORT", 94: "ESOCKTNOSUPPORT",
    95: "EOPNOTSUPP", 96: "EPFNOSUPPORT", 97: "EAFNOSUPPORT", 98: "EADDRINUSE",
    99: "EADDRNOTAVAIL", 100: "ENETDOWN", 101: "ENETUNREACH", 102: "ENETRESET",
    103: "ECONNABORTED", 104: "ECONNRESET", 105: "ENOBUFS", 106: "EISCONN",
    107: "ENOTCONN", 108: "ESHUTDOWN", 109: "ETOOMANYREFS", 110: "ETIMEDOUT",
    111: "ECONNREFUSED", 112: "EHOSTDOWN", 113: "EHOSTUNREACH",
    114: "EALREADY", 115: "EINPROGRESS", 116: "ESTALE", 117: "EUCLEAN",
    118: "ENOTNAM", 119: "ENAVAIL", 120: "EISNAM", 121: "EREMOTEIO",
    122: "EDQUOT", 123: "ENOMEDIUM", 124: "EMEDIUMTYPE", 125: "ECANCELED",
    126: "ENOKEY", 127: "EKEYEXPIRED", 128: "EKEYREVOKED", 129: "EKEYREJECTED",
    130: "EOWNERDEAD", 131: "ENOTRECOVERABLE", 132: "ERFKILL",
    133: "EHWPOISON",
    # kernel-internal codes that can leak to a tracer
    512: "ERESTARTSYS", 513: "ERESTARTNOINTR", 514: "ERESTARTNOHAND",
    515: "ENOIOCTLCMD", 516: "ERESTART_RESTARTBLOCK", 517: "EPROBE_DEFER",
    518: "EOPENSTALE", 521: "EBADHANDLE", 522: "ENOTSYNC", 523: "EBADCOOKIE",
    524: "ENOTSUPP", 525: "ETOOSMALL", 526: "ESERVERFAULT", 527: "EBADTYPE",
    528: "EJUKEBOX", 529: "EIOCBQUEUED", 530: "ERECALLCONFLICT",
}

# Restart codes: the call did not really return, strace prints "? NAME (text)".
RESTART_ERRNO: dict[int, str] = {
    512: "To be restarted if SA_RESTART is set",
    513: "To be restarted",
    514: "To be restarted if no handler",
    516: "Interrupted by signal",
}


def strerror(err: int) -> str:
    return os.strerror(err)


# ---------------------------------------------------------------------------
# signals

# strace's names, in the kernel's numbering (32 is SIGRTMIN, 34 SIGRT_2): see the core
SIGNAL_NAMES: Mapping[int, str] = _core_signal_names


def signame(v: int) -> str:
    """Signal number as strace prints it (``SIGTERM``, ``SIGRT_3``, ``0``, ``65``)."""
    v = s32(v)
    return SIGNAL_NAMES.get(v, str(v))


def sigset_bits(mask: int, nbits: int = 64) -> str:
    """``[INT TERM]``, or ``~[...]`` listing the absent signals when most are present."""
    present = [i + 1 for i in range(nbits) if mask >> i & 1]
    inverted = len(present) * 2 > nbits
    if inverted:
        listed = [i + 1 for i in range(nbits) if not mask >> i & 1]
    else:
        listed = present
    names = [SIGNAL_NAMES.get(s, str(s))[3:] if s in SIGNAL_NAMES else str(s) for s in listed]
    return ("~[" if inverted else "[") + " ".join(names) + "]"


SIGPROCMASK_HOW = {0: "SIG_BLOCK", 1: "SIG_UNBLOCK", 2: "SIG_SETMASK"}

SA_FLAGS: Flags = (
    ("SA_RESTORER", 0x04000000),
    ("SA_ONSTACK", 0x08000000),
    ("SA_RESTART", 0x10000000),
    ("SA_INTERRUPT", 0x20000000),
    ("SA_NODEFER", 0x40000000),
    ("SA_RESETHAND", 0x80000000),
    ("SA_SIGINFO", 0x4),
    ("SA_NOCLDSTOP", 0x1),
    ("SA_NOCLDWAIT", 0x2),
)
SA_RESTORER = 0x04000000

# ---------------------------------------------------------------------------
# open(2) and friends

O_ACCMODE_NAMES = {0: "O_RDONLY", 1: "O_WRONLY", 2: "O_RDWR", 3: "O_ACCMODE"}
O_CREAT = 0o100
O_TMPFILE_BIT = 0o20000000  # __O_TMPFILE
O_FLAGS: Flags = (
    ("O_CREAT", 0o100),
    ("O_EXCL", 0o200),
    ("O_NOCTTY", 0o400),
    ("O_TRUNC", 0o1000),
    ("O_APPEND", 0o2000),
    ("O_NONBLOCK", 0o4000),
    ("O_SYNC", 0o4010000),
    ("O_DSYNC", 0o10000),
    ("__O_SYNC", 0o4000000),
    ("O_DIRECT", 0o40000),
    ("O_LARGEFILE", 0o100000),
    ("O_NOFOLLOW", 0o400000),
    ("O_NOATIME", 0o1000000),
    ("O_CLOEXEC", 0o2000000),
    ("O_PATH", 0o10000000),
    ("O_TMPFILE", 0o20200000),
    ("O_DIRECTORY", 0o200000),
    ("__O_TMPFILE", 0o20000000),
    ("FASYNC", 0o20000),
)


def open_flags(v: int) -> str:
    v = u32(v)
    acc = O_ACCMODE_NAMES[v & 3]
    rest = v & ~3
    if not rest:
        return acc
    return acc + "|" + flags(rest, O_FLAGS, None)


# fcntl(F_SETFL)/F_GETFL print the same bits with O_APPEND before O_NONBLOCK
# (already the case above), so open_flags serves both.

AT_FDCWD = -100

AT_FLAGS: Flags = (
    ("AT_SYMLINK_NOFOLLOW", 0x100),
    ("AT_REMOVEDIR", 0x200),
    ("AT_SYMLINK_FOLLOW", 0x400),
    ("AT_NO_AUTOMOUNT", 0x800),
    ("AT_EMPTY_PATH", 0x1000),
    ("AT_RECURSIVE", 0x8000),
)
AT_FACCESS_FLAGS: Flags = (
    ("AT_SYMLINK_NOFOLLOW", 0x100),
    ("AT_EACCESS", 0x200),
    ("AT_EMPTY_PATH", 0x1000),
)
AT_STATX_SYNC_TYPE = {0: "AT_STATX_SYNC_AS_STAT", 0x2000: "AT_STATX_FORCE_SYNC",
                      0x4000: "AT_STATX_DONT_SYNC", 0x6000: "AT_STATX_SYNC_TYPE"}
AT_STATX_FLAGS: Flags = (
    ("AT_SYMLINK_NOFOLLOW", 0x100),
    ("AT_NO_AUTOMOUNT", 0x800),
    ("AT_EMPTY_PATH", 0x1000),
)

ACCESS_MODES: Flags = (("R_OK", 4), ("W_OK", 2), ("X_OK", 1))


def access_mode(v: int) -> str:
    v = u32(v)
    if v == 0:
        return "F_OK"
    return flags(v, ACCESS_MODES, "?_OK")


SEEK_WHENCE = {0: "SEEK_SET", 1: "SEEK_CUR", 2: "SEEK_END", 3: "SEEK_DATA", 4: "SEEK_HOLE"}

# ---------------------------------------------------------------------------
# file modes

S_IFMT_NAMES = {
    0o140000: "S_IFSOCK", 0o120000: "S_IFLNK", 0o100000: "S_IFREG",
    0o060000: "S_IFBLK", 0o040000: "S_IFDIR", 0o020000: "S_IFCHR",
    0o010000: "S_IFIFO",
}


def file_mode(v: int) -> str:
    """st_mode: ``S_IFREG|0644``, ``S_IFDIR|S_ISVTX|0777``; a file type that has no name:
    the whole mode in octal (``0177777``)."""
    parts = []
    fmt = v & 0o170000
    if fmt:
        if fmt not in S_IFMT_NAMES:
            return octal(v)
        parts.append(S_IFMT_NAMES[fmt])
    if v & 0o4000:
        parts.append("S_ISUID")
    if v & 0o2000:
        parts.append("S_ISGID")
    if v & 0o1000:
        parts.append("S_ISVTX")
    parts.append(octal(v & ~0o177000))
    return "|".join(parts)


# ---------------------------------------------------------------------------
# memory

PROT_FLAGS: Flags = (
    ("PROT_READ", 0x1),
    ("PROT_WRITE", 0x2),
    ("PROT_EXEC", 0x4),
    ("PROT_SEM", 0x8),
    ("PROT_GROWSDOWN", 0x01000000),
    ("PROT_GROWSUP", 0x02000000),
)


def prot(v: int) -> str:
    v = u64(v)
    return flags(v, PROT_FLAGS, "PROT_???", zero="PROT_NONE")


MAP_TYPES = {0: "MAP_FILE", 1: "MAP_SHARED", 2: "MAP_PRIVATE", 3: "MAP_SHARED_VALIDATE"}
MAP_FLAGS: Flags = (
    ("MAP_FIXED", 0x10),
    ("MAP_ANONYMOUS", 0x20),
    ("MAP_32BIT", 0x40),
    ("MAP_NORESERVE", 0x4000),
    ("MAP_POPULATE", 0x8000),
    ("MAP_NONBLOCK", 0x10000),
    ("MAP_GROWSDOWN", 0x100),
    ("MAP_DENYWRITE", 0x800),
    ("MAP_EXECUTABLE", 0x1000),
    ("MAP_LOCKED", 0x2000),
    ("MAP_STACK", 0x20000),
    ("MAP_HUGETLB", 0x40000),
    ("MAP_SYNC", 0x80000),
    ("MAP_FIXED_NOREPLACE", 0x100000),
)
MAP_HUGE_SHIFT = 26
MAP_HUGE_MASK = 0x3F


def map_flags(v: int) -> str:
    v = u64(v)
    typ = v & 0xF
    parts = [MAP_TYPES.get(typ) or "%#x /* MAP_??? */" % typ]
    huge = (v >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK
    rest = v & ~0xF & ~(MAP_HUGE_MASK << MAP_HUGE_SHIFT)
    if rest:
        parts.append(flags(rest, MAP_FLAGS, None))
    if huge:
        parts.append("%d<<MAP_HUGE_SHIFT" % huge)
    return "|".join(parts)


MADVISE = {
    0: "MADV_NORMAL", 1: "MADV_RANDOM", 2: "MADV_SEQUENTIAL", 3: "MADV_WILLNEED",
    4: "MADV_DONTNEED", 8: "MADV_FREE", 9: "MADV_REMOVE", 10: "MADV_DONTFORK",
    11: "MADV_DOFORK", 12: "MADV_MERGEABLE", 13: "MADV_UNMERGEABLE",
    14: "MADV_HUGEPAGE", 15: "MADV_NOHUGEPAGE", 16: "MADV_DONTDUMP",
    17: "MADV_DODUMP", 18: "MADV_WIPEONFORK", 19: "MADV_KEEPONFORK",
    20: "MADV_COLD", 21: "MADV_PAGEOUT", 22: "MADV_POPULATE_READ",
    23: "MADV_POPULATE_WRITE", 24: "MADV_DONTNEED_LOCKED", 25: "MADV_COLLAPSE",
    100: "MADV_HWPOISON", 101: "MADV_SOFT_OFFLINE",
}

MREMAP_FLAGS: Flags = (("MREMAP_MAYMOVE", 1), ("MREMAP_FIXED", 2), ("MREMAP_DONTUNMAP", 4))
MSYNC_FLAGS: Flags = (("MS_ASYNC", 1), ("MS_INVALIDATE", 2), ("MS_SYNC", 4))

# ---------------------------------------------------------------------------
# processes

CLONE_FLAGS: Flags = (
    ("CLONE_VM", 0x00000100),
    ("CLONE_FS", 0x00000200),
    ("CLONE_FILES", 0x00000400),
    ("CLONE_SIGHAND", 0x00000800),
    ("CLONE_PIDFD", 0x00001000),
    ("CLONE_PTRACE", 0x00002000),
    ("CLONE_VFORK", 0x00004000),
    ("CLONE_PARENT", 0x00008000),
    ("CLONE_THREAD", 0x00010000),
    ("CLONE_NEWNS", 0x00020000),
    ("CLONE_SYSVSEM", 0x00040000),
    ("CLONE_SETTLS", 0x00080000),
    ("CLONE_PARENT_SETTID", 0x00100000),
    ("CLONE_CHILD_CLEARTID", 0x00200000),
    ("CLONE_UNTRACED", 0x00800000),
    ("CLONE_CHILD_SETTID", 0x01000000),
    ("CLONE_NEWCGROUP", 0x02000000),
    ("CLONE_NEWUTS", 0x04000000),
    ("CLONE_NEWIPC", 0x08000000),
    ("CLONE_NEWUSER", 0x10000000),
    ("CLONE_NEWPID", 0x20000000),
    ("CLONE_NEWNET", 0x40000000),
    ("CLONE_IO", 0x80000000),
    ("CLONE_CLEAR_SIGHAND", 0x100000000),
    ("CLONE_INTO_CGROUP", 0x200000000),
)
CLONE3_FLAGS: Flags = CLONE_FLAGS
CLONE_FLAGS = CLONE_FLAGS[:-2]  # the 64-bit ones only exist for clone3
CLONE_PARENT_SETTID = 0x00100000
CLONE_CHILD_SETTID = 0x01000000
CLONE_CHILD_CLEARTID = 0x00200000
CLONE_SETTLS = 0x00080000
CLONE_PIDFD = 0x00001000

# strace prints these in this order: WNOHANG|WEXITED|WSTOPPED|WCONTINUED|WNOWAIT|__WCLONE|__WALL|__WNOTHREAD
WAIT_OPTIONS: Flags = (
    ("WNOHANG", 1),
    ("WEXITED", 4),
    ("WSTOPPED", 2),
    ("WCONTINUED", 8),
    ("WNOWAIT", 0x01000000),
    ("__WCLONE", 0x80000000),
    ("__WALL", 0x40000000),
    ("__WNOTHREAD", 0x20000000),
)

IDTYPES = {0: "P_ALL", 1: "P_PID", 2: "P_PGID", 3: "P_PIDFD"}

PTRACE_EVENTS = {
    1: "PTRACE_EVENT_FORK", 2: "PTRACE_EVENT_VFORK", 3: "PTRACE_EVENT_CLONE",
    4: "PTRACE_EVENT_EXEC", 5: "PTRACE_EVENT_VFORK_DONE", 6: "PTRACE_EVENT_EXIT",
    7: "PTRACE_EVENT_SECCOMP", 128: "PTRACE_EVENT_STOP",
}

ARCH_PRCTL = {
    0x1001: "ARCH_SET_GS", 0x1002: "ARCH_SET_FS", 0x1003: "ARCH_GET_FS",
    0x1004: "ARCH_GET_GS", 0x1011: "ARCH_GET_CPUID", 0x1012: "ARCH_SET_CPUID",
    0x1021: "ARCH_GET_XCOMP_SUPP", 0x1022: "ARCH_GET_XCOMP_PERM",
    0x1023: "ARCH_REQ_XCOMP_PERM", 0x1024: "ARCH_GET_XCOMP_GUEST_PERM",
    0x1025: "ARCH_REQ_XCOMP_GUEST_PERM", 0x2001: "ARCH_MAP_VDSO_X32",
    0x2002: "ARCH_MAP_VDSO_32", 0x2003: "ARCH_MAP_VDSO_64",
}

RLIMIT_RESOURCES = {
    0: "RLIMIT_CPU", 1: "RLIMIT_FSIZE", 2: "RLIMIT_DATA", 3: "RLIMIT_STACK",
    4: "RLIMIT_CORE", 5: "RLIMIT_RSS", 6: "RLIMIT_NPROC", 7: "RLIMIT_NOFILE",
    8: "RLIMIT_MEMLOCK", 9: "RLIMIT_AS", 10: "RLIMIT_LOCKS",
    11: "RLIMIT_SIGPENDING", 12: "RLIMIT_MSGQUEUE", 13: "RLIMIT_NICE",
    14: "RLIMIT_RTPRIO", 15: "RLIMIT_RTTIME",
}

RUSAGE_WHO = {0: "RUSAGE_SELF", -1: "RUSAGE_CHILDREN", 1: "RUSAGE_THREAD"}

PRIO_WHICH = {0: "PRIO_PROCESS", 1: "PRIO_PGRP", 2: "PRIO_USER"}

GRND_FLAGS: Flags = (("GRND_NONBLOCK", 1), ("GRND_RANDOM", 2), ("GRND_INSECURE", 4))

CLOCKS = {
    0: "CLOCK_REALTIME", 1: "CLOCK_MONOTONIC", 2: "CLOCK_PROCESS_CPUTIME_ID",
    3: "CLOCK_THREAD_CPUTIME_ID", 4: "CLOCK_MONOTONIC_RAW",
    5: "CLOCK_REALTIME_COARSE", 6: "CLOCK_MONOTONIC_COARSE", 7: "CLOCK_BOOTTIME",
    8: "CLOCK_REALTIME_ALARM", 9: "CLOCK_BOOTTIME_ALARM", 11: "CLOCK_TAI",
}
TIMER_FLAGS: Flags = (("TIMER_ABSTIME", 1),)
IFF_FLAGS: Flags = (
    ("IFF_UP", 0x1), ("IFF_BROADCAST", 0x2), ("IFF_DEBUG", 0x4), ("IFF_LOOPBACK", 0x8),
    ("IFF_POINTOPOINT", 0x10), ("IFF_NOTRAILERS", 0x20), ("IFF_RUNNING", 0x40),
    ("IFF_NOARP", 0x80), ("IFF_PROMISC", 0x100), ("IFF_ALLMULTI", 0x200),
    ("IFF_MASTER", 0x400), ("IFF_SLAVE", 0x800), ("IFF_MULTICAST", 0x1000),
    ("IFF_PORTSEL", 0x2000), ("IFF_AUTOMEDIA", 0x4000), ("IFF_DYNAMIC", 0x8000),
)
ARPHRD = {0: "ARPHRD_NETROM", 1: "ARPHRD_ETHER", 512: "ARPHRD_PPP", 768: "ARPHRD_TUNNEL",
          769: "ARPHRD_TUNNEL6", 772: "ARPHRD_LOOPBACK", 776: "ARPHRD_SIT",
          778: "ARPHRD_IPGRE", 65534: "ARPHRD_NONE"}
MPOL_MODES = {0: "MPOL_DEFAULT", 1: "MPOL_PREFERRED", 2: "MPOL_BIND", 3: "MPOL_INTERLEAVE",
              4: "MPOL_LOCAL", 5: "MPOL_PREFERRED_MANY", 6: "MPOL_WEIGHTED_INTERLEAVE"}
MPOL_MODE_FLAGS: Flags = (("MPOL_F_STATIC_NODES", 1 << 15), ("MPOL_F_RELATIVE_NODES", 1 << 14),
                          ("MPOL_F_NUMA_BALANCING", 1 << 13))
MPOL_F_FLAGS: Flags = (("MPOL_F_NODE", 1), ("MPOL_F_ADDR", 2), ("MPOL_F_MEMS_ALLOWED", 4))
MPOL_MF_FLAGS: Flags = (("MPOL_MF_STRICT", 1), ("MPOL_MF_MOVE", 2), ("MPOL_MF_MOVE_ALL", 4))


def low_byte_with_flags(v: int, names: Mapping[int, str], flag_table: Flags,
                        unknown: str | None) -> str:
    """A value named by its low byte, then the flags of the other bits
    (``MPOL_BIND|MPOL_F_STATIC_NODES``, ``PER_LINUX|ADDR_NO_RANDOMIZE``). An unknown low
    byte: the hex value, with ``/* unknown */`` when *unknown* is given."""
    v = u32(v)
    name = names.get(v & 0xFF)
    if name is None:
        return hexa(v) if unknown is None else "%s /* %s */" % (hexa(v), unknown)
    rest = v & ~0xFF
    return name if not rest else name + "|" + flags(rest, flag_table, None)


def mpol_mode(v: int) -> str:
    """A memory policy with its mode flags: ``MPOL_BIND|MPOL_F_STATIC_NODES``."""
    return low_byte_with_flags(v, MPOL_MODES, MPOL_MODE_FLAGS, "MPOL_???")


SIGEV_NOTIFY = {0: "SIGEV_SIGNAL", 1: "SIGEV_NONE", 2: "SIGEV_THREAD", 4: "SIGEV_THREAD_ID"}

ITIMERS = {0: "ITIMER_REAL", 1: "ITIMER_VIRTUAL", 2: "ITIMER_PROF"}

FUTEX_CMDS = {
    0: "FUTEX_WAIT", 1: "FUTEX_WAKE", 2: "FUTEX_FD", 3: "FUTEX_REQUEUE",
    4: "FUTEX_CMP_REQUEUE", 5: "FUTEX_WAKE_OP", 6: "FUTEX_LOCK_PI",
    7: "FUTEX_UNLOCK_PI", 8: "FUTEX_TRYLOCK_PI", 9: "FUTEX_WAIT_BITSET",
    10: "FUTEX_WAKE_BITSET", 11: "FUTEX_WAIT_REQUEUE_PI",
    12: "FUTEX_CMP_REQUEUE_PI", 13: "FUTEX_LOCK_PI2",
}
FUTEX_PRIVATE_FLAG = 128
FUTEX_CLOCK_REALTIME = 256
FUTEX_WAKE_OP_OPS = {0: "FUTEX_OP_SET", 1: "FUTEX_OP_ADD", 2: "FUTEX_OP_OR",
                     3: "FUTEX_OP_ANDN", 4: "FUTEX_OP_XOR"}
FUTEX_WAKE_OP_CMPS = {0: "FUTEX_OP_CMP_EQ", 1: "FUTEX_OP_CMP_NE", 2: "FUTEX_OP_CMP_LT",
                      3: "FUTEX_OP_CMP_LE", 4: "FUTEX_OP_CMP_GT", 5: "FUTEX_OP_CMP_GE"}

# ---------------------------------------------------------------------------
# fcntl

FCNTL_CMDS = {
    0: "F_DUPFD", 1: "F_GETFD", 2: "F_SETFD", 3: "F_GETFL", 4: "F_SETFL",
    5: "F_GETLK", 6: "F_SETLK", 7: "F_SETLKW", 8: "F_SETOWN", 9: "F_GETOWN",
    10: "F_SETSIG", 11: "F_GETSIG", 15: "F_SETOWN_EX", 16: "F_GETOWN_EX",
    17: "F_GETOWNER_UIDS", 36: "F_OFD_GETLK", 37: "F_OFD_SETLK",
    38: "F_OFD_SETLKW", 1024: "F_SETLEASE", 1025: "F_GETLEASE",
    1026: "F_NOTIFY", 1029: "F_CANCELLK", 1030: "F_DUPFD_CLOEXEC",
    1031: "F_SETPIPE_SZ", 1032: "F_GETPIPE_SZ", 1033: "F_ADD_SEALS",
    1034: "F_GET_SEALS", 1035: "F_GET_RW_HINT", 1036: "F_SET_RW_HINT",
    1037: "F_GET_FILE_RW_HINT", 1038: "F_SET_FILE_RW_HINT",
}
FD_FLAGS: Flags = (("FD_CLOEXEC", 1),)
FLOCK_OPS: Flags = (("LOCK_SH", 1), ("LOCK_EX", 2), ("LOCK_NB", 4), ("LOCK_UN", 8))
LOCK_TYPES = {0: "F_RDLCK", 1: "F_WRLCK", 2: "F_UNLCK"}
F_SEALS: Flags = (("F_SEAL_SEAL", 1), ("F_SEAL_SHRINK", 2), ("F_SEAL_GROW", 4),
                  ("F_SEAL_WRITE", 8), ("F_SEAL_FUTURE_WRITE", 16))

# ---------------------------------------------------------------------------
# poll / epoll / eventfd ...

POLL_EVENTS: Flags = (
    ("POLLIN", 0x1), ("POLLPRI", 0x2), ("POLLOUT", 0x4), ("POLLERR", 0x8),
    ("POLLHUP", 0x10), ("POLLNVAL", 0x20), ("POLLRDNORM", 0x40),
    ("POLLRDBAND", 0x80), ("POLLWRNORM", 0x100), ("POLLWRBAND", 0x200),
    ("POLLMSG", 0x400), ("POLLREMOVE", 0x1000), ("POLLRDHUP", 0x2000),
)
EPOLL_EVENTS: Flags = (
    ("EPOLLIN", 0x1), ("EPOLLPRI", 0x2), ("EPOLLOUT", 0x4), ("EPOLLERR", 0x8),
    ("EPOLLHUP", 0x10), ("EPOLLNVAL", 0x20), ("EPOLLRDNORM", 0x40),
    ("EPOLLRDBAND", 0x80), ("EPOLLWRNORM", 0x100), ("EPOLLWRBAND", 0x200),
    ("EPOLLMSG", 0x400), ("EPOLLRDHUP", 0x2000), ("EPOLLURING_WAKE", 1 << 27),
    ("EPOLLEXCLUSIVE", 1 << 28), ("EPOLLWAKEUP", 1 << 29),
    ("EPOLLONESHOT", 1 << 30), ("EPOLLET", 1 << 31),
)
EPOLL_CTL_OPS = {1: "EPOLL_CTL_ADD", 2: "EPOLL_CTL_DEL", 3: "EPOLL_CTL_MOD"}
EPOLL_CREATE_FLAGS: Flags = (("EPOLL_CLOEXEC", 0o2000000),)
EFD_FLAGS: Flags = (("EFD_SEMAPHORE", 1), ("EFD_CLOEXEC", 0o2000000), ("EFD_NONBLOCK", 0o4000))
PIPE_FLAGS: Flags = (("O_NONBLOCK", 0o4000), ("O_CLOEXEC", 0o2000000), ("O_DIRECT", 0o40000),
                     ("O_NOTIFICATION_PIPE", 0o40000))
DUP3_FLAGS: Flags = (("O_CLOEXEC", 0o2000000),)
TFD_FLAGS: Flags = (("TFD_CLOEXEC", 0o2000000), ("TFD_NONBLOCK", 0o4000))
TFD_SETTIME_FLAGS: Flags = (("TFD_TIMER_ABSTIME", 1), ("TFD_TIMER_CANCEL_ON_SET", 2))
SFD_FLAGS: Flags = (("SFD_CLOEXEC", 0o2000000), ("SFD_NONBLOCK", 0o4000))
IN_INIT_FLAGS: Flags = (("IN_CLOEXEC", 0o2000000), ("IN_NONBLOCK", 0o4000))
MFD_FLAGS: Flags = (("MFD_CLOEXEC", 1), ("MFD_ALLOW_SEALING", 2), ("MFD_HUGETLB", 4),
                    ("MFD_NOEXEC_SEAL", 8), ("MFD_EXEC", 16))
CLOSE_RANGE_FLAGS: Flags = (("CLOSE_RANGE_UNSHARE", 2), ("CLOSE_RANGE_CLOEXEC", 4))
RENAME_FLAGS: Flags = (("RENAME_NOREPLACE", 1), ("RENAME_EXCHANGE", 2), ("RENAME_WHITEOUT", 4))
UMOUNT_FLAGS: Flags = (("MNT_FORCE", 1), ("MNT_DETACH", 2), ("MNT_EXPIRE", 4),
                       ("UMOUNT_NOFOLLOW", 8))

# ---------------------------------------------------------------------------
# sockets

ADDRESS_FAMILIES = {
    0: "AF_UNSPEC", 1: "AF_UNIX", 2: "AF_INET", 3: "AF_AX25", 4: "AF_IPX",
    5: "AF_APPLETALK", 6: "AF_NETROM", 7: "AF_BRIDGE", 8: "AF_ATMPVC",
    9: "AF_X25", 10: "AF_INET6", 11: "AF_ROSE", 12: "AF_DECnet",
    13: "AF_NETBEUI", 14: "AF_SECURITY", 15: "AF_KEY", 16: "AF_NETLINK",
    17: "AF_PACKET", 18: "AF_ASH", 19: "AF_ECONET", 20: "AF_ATMSVC",
    21: "AF_RDS", 22: "AF_SNA", 23: "AF_IRDA", 24: "AF_PPPOX",
    25: "AF_WANPIPE", 26: "AF_LLC", 27: "AF_IB", 28: "AF_MPLS", 29: "AF_CAN",
    30: "AF_TIPC", 31: "AF_BLUETOOTH", 32: "AF_IUCV", 33: "AF_RXRPC",
    34: "AF_ISDN", 35: "AF_PHONET", 36: "AF_IEEE802154", 37: "AF_CAIF",
    38: "AF_ALG", 39: "AF_NFC", 40: "AF_VSOCK", 41: "AF_KCM", 42: "AF_QIPCRTR",
    43: "AF_SMC", 44: "AF_XDP", 45: "AF_MCTP",
}
SOCK_TYPES = {1: "SOCK_STREAM", 2: "SOCK_DGRAM", 3: "SOCK_RAW", 4: "SOCK_RDM",
              5: "SOCK_SEQPACKET", 6: "SOCK_DCCP", 10: "SOCK_PACKET"}
SOCK_TYPE_FLAGS: Flags = (("SOCK_CLOEXEC", 0o2000000), ("SOCK_NONBLOCK", 0o4000))
IPPROTOS = {
    0: "IPPROTO_IP", 1: "IPPROTO_ICMP", 2: "IPPROTO_IGMP", 4: "IPPROTO_IPIP",
    6: "IPPROTO_TCP", 8: "IPPROTO_EGP", 12: "IPPROTO_PUP", 17: "IPPROTO_UDP",
    22: "IPPROTO_IDP", 29: "IPPROTO_TP", 33: "IPPROTO_DCCP", 41: "IPPROTO_IPV6",
    46: "IPPROTO_RSVP", 47: "IPPROTO_GRE", 50: "IPPROTO_ESP", 51: "IPPROTO_AH",
    58: "IPPROTO_ICMPV6", 92: "IPPROTO_MTP", 94: "IPPROTO_BEETPH",
    98: "IPPROTO_ENCAP", 103: "IPPROTO_PIM", 108: "IPPROTO_COMP",
    132: "IPPROTO_SCTP", 136: "IPPROTO_UDPLITE", 137: "IPPROTO_MPLS",
    143: "IPPROTO_ETHERNET", 255: "IPPROTO_RAW", 262: "IPPROTO_MPTCP",
}
NETLINK_PROTOS = {
    0: "NETLINK_ROUTE", 1: "NETLINK_UNUSED", 2: "NETLINK_USERSOCK",
    3: "NETLINK_FIREWALL", 4: "NETLINK_SOCK_DIAG", 5: "NETLINK_NFLOG",
    6: "NETLINK_XFRM", 7: "NETLINK_SELINUX", 8: "NETLINK_ISCSI",
    9: "NETLINK_AUDIT", 10: "NETLINK_FIB_LOOKUP", 11: "NETLINK_CONNECTOR",
    12: "NETLINK_NETFILTER", 13: "NETLINK_IP6_FW", 14: "NETLINK_DNRTMSG",
    15: "NETLINK_KOBJECT_UEVENT", 16: "NETLINK_GENERIC", 18: "NETLINK_SCSITRANSPORT",
    19: "NETLINK_ECRYPTFS", 20: "NETLINK_RDMA", 21: "NETLINK_CRYPTO",
    22: "NETLINK_SMC",
}
ETH_P = {0x0003: "ETH_P_ALL", 0x0800: "ETH_P_IP", 0x0806: "ETH_P_ARP", 0x86DD: "ETH_P_IPV6"}

MSG_FLAGS: Flags = (
    ("MSG_OOB", 0x1), ("MSG_PEEK", 0x2), ("MSG_DONTROUTE", 0x4), ("MSG_CTRUNC", 0x8),
    ("MSG_PROXY", 0x10), ("MSG_TRUNC", 0x20), ("MSG_DONTWAIT", 0x40), ("MSG_EOR", 0x80),
    ("MSG_WAITALL", 0x100), ("MSG_FIN", 0x200), ("MSG_SYN", 0x400), ("MSG_CONFIRM", 0x800),
    ("MSG_RST", 0x1000), ("MSG_ERRQUEUE", 0x2000), ("MSG_NOSIGNAL", 0x4000),
    ("MSG_MORE", 0x8000), ("MSG_WAITFORONE", 0x10000), ("MSG_SENDPAGE_NOPOLICY", 0x10000),
    ("MSG_BATCH", 0x40000), ("MSG_ZEROCOPY", 0x4000000), ("MSG_FASTOPEN", 0x20000000),
    ("MSG_CMSG_CLOEXEC", 0x40000000),
)
SHUTDOWN_HOW = {0: "SHUT_RD", 1: "SHUT_WR", 2: "SHUT_RDWR"}
SOCKOPT_LEVELS = {0: "SOL_IP", 1: "SOL_SOCKET", 6: "SOL_TCP", 17: "SOL_UDP",
                  41: "SOL_IPV6", 58: "SOL_ICMPV6", 255: "SOL_RAW", 263: "SOL_PACKET",
                  270: "SOL_NETLINK"}
SOL_SOCKET_OPTS = {
    1: "SO_DEBUG", 2: "SO_REUSEADDR", 3: "SO_TYPE", 4: "SO_ERROR", 5: "SO_DONTROUTE",
    6: "SO_BROADCAST", 7: "SO_SNDBUF", 8: "SO_RCVBUF", 9: "SO_KEEPALIVE",
    10: "SO_OOBINLINE", 11: "SO_NO_CHECK", 12: "SO_PRIORITY", 13: "SO_LINGER",
    14: "SO_BSDCOMPAT", 15: "SO_REUSEPORT", 16: "SO_PASSCRED", 17: "SO_PEERCRED",
    18: "SO_RCVLOWAT", 19: "SO_SNDLOWAT", 20: "SO_RCVTIMEO_OLD", 21: "SO_SNDTIMEO_OLD",
    25: "SO_BINDTODEVICE", 26: "SO_ATTACH_FILTER", 27: "SO_DETACH_FILTER",
    28: "SO_PEERNAME", 29: "SO_TIMESTAMP_OLD", 30: "SO_ACCEPTCONN", 31: "SO_PEERSEC",
    32: "SO_SNDBUFFORCE", 33: "SO_RCVBUFFORCE", 34: "SO_PASSSEC", 35: "SO_TIMESTAMPNS_OLD",
    36: "SO_MARK", 37: "SO_TIMESTAMPING_OLD", 38: "SO_PROTOCOL", 39: "SO_DOMAIN",
    40: "SO_RXQ_OVFL", 41: "SO_WIFI_STATUS", 42: "SO_PEEK_OFF", 43: "SO_NOFCS",
    44: "SO_LOCK_FILTER", 45: "SO_SELECT_ERR_QUEUE", 46: "SO_BUSY_POLL",
    47: "SO_MAX_PACING_RATE", 48: "SO_BPF_EXTENSIONS", 49: "SO_INCOMING_CPU",
    50: "SO_ATTACH_BPF", 51: "SO_ATTACH_REUSEPORT_CBPF", 52: "SO_ATTACH_REUSEPORT_EBPF",
    53: "SO_CNX_ADVICE", 55: "SO_MEMINFO", 56: "SO_INCOMING_NAPI_ID", 57: "SO_COOKIE",
    59: "SO_PEERGROUPS", 60: "SO_ZEROCOPY", 61: "SO_TXTIME", 62: "SO_BINDTOIFINDEX",
    63: "SO_TIMESTAMP_NEW", 64: "SO_TIMESTAMPNS_NEW", 65: "SO_TIMESTAMPING_NEW",
    66: "SO_RCVTIMEO_NEW", 67: "SO_SNDTIMEO_NEW",
}
IP_OPTS = {1: "IP_TOS", 2: "IP_TTL", 3: "IP_HDRINCL", 4: "IP_OPTIONS", 6: "IP_RECVOPTS",
           7: "IP_RETOPTS", 8: "IP_PKTINFO", 9: "IP_PKTOPTIONS", 10: "IP_MTU_DISCOVER",
           11: "IP_RECVERR", 12: "IP_RECVTTL", 13: "IP_RECVTOS", 14: "IP_MTU",
           15: "IP_FREEBIND", 16: "IP_IPSEC_POLICY", 17: "IP_XFRM_POLICY",
           18: "IP_PASSSEC", 19: "IP_TRANSPARENT", 20: "IP_ORIGDSTADDR",
           21: "IP_MINTTL", 22: "IP_NODEFRAG", 23: "IP_CHECKSUM",
           24: "IP_BIND_ADDRESS_NO_PORT", 25: "IP_RECVFRAGSIZE", 26: "IP_RECVERR_RFC4884",
           32: "IP_MULTICAST_IF", 33: "IP_MULTICAST_TTL", 34: "IP_MULTICAST_LOOP",
           35: "IP_ADD_MEMBERSHIP", 36: "IP_DROP_MEMBERSHIP", 49: "IP_MULTICAST_ALL"}
IPV6_OPTS = {1: "IPV6_ADDRFORM", 2: "IPV6_2292PKTINFO", 16: "IPV6_UNICAST_HOPS",
             17: "IPV6_MULTICAST_IF", 18: "IPV6_MULTICAST_HOPS", 19: "IPV6_MULTICAST_LOOP",
             20: "IPV6_ADD_MEMBERSHIP", 21: "IPV6_DROP_MEMBERSHIP", 23: "IPV6_MTU_DISCOVER",
             24: "IPV6_MTU", 25: "IPV6_RECVERR", 26: "IPV6_V6ONLY", 49: "IPV6_RECVPKTINFO",
             50: "IPV6_PKTINFO", 51: "IPV6_RECVHOPLIMIT", 52: "IPV6_HOPLIMIT",
             66: "IPV6_RECVTCLASS", 67: "IPV6_TCLASS"}
NETLINK_OPTS = {1: "NETLINK_ADD_MEMBERSHIP", 2: "NETLINK_DROP_MEMBERSHIP",
                3: "NETLINK_PKTINFO", 4: "NETLINK_BROADCAST_ERROR", 5: "NETLINK_NO_ENOBUFS",
                6: "NETLINK_RX_RING", 7: "NETLINK_TX_RING", 8: "NETLINK_LISTEN_ALL_NSID",
                9: "NETLINK_LIST_MEMBERSHIPS", 10: "NETLINK_CAP_ACK", 11: "NETLINK_EXT_ACK",
                12: "NETLINK_GET_STRICT_CHK"}
TCP_OPTS = {1: "TCP_NODELAY", 2: "TCP_MAXSEG", 3: "TCP_CORK", 4: "TCP_KEEPIDLE",
            5: "TCP_KEEPINTVL", 6: "TCP_KEEPCNT", 7: "TCP_SYNCNT", 8: "TCP_LINGER2",
            9: "TCP_DEFER_ACCEPT", 10: "TCP_WINDOW_CLAMP", 11: "TCP_INFO",
            12: "TCP_QUICKACK", 13: "TCP_CONGESTION", 18: "TCP_USER_TIMEOUT",
            23: "TCP_FASTOPEN"}

# ---------------------------------------------------------------------------
# stat / statx

STATX_MASK: Flags = (
    ("STATX_ALL", 0xFFF),
    ("STATX_BASIC_STATS", 0x7FF),
    ("STATX_TYPE", 0x1), ("STATX_MODE", 0x2), ("STATX_NLINK", 0x4),
    ("STATX_UID", 0x8), ("STATX_GID", 0x10), ("STATX_ATIME", 0x20),
    ("STATX_MTIME", 0x40), ("STATX_CTIME", 0x80), ("STATX_INO", 0x100),
    ("STATX_SIZE", 0x200), ("STATX_BLOCKS", 0x400), ("STATX_BTIME", 0x800),
    ("STATX_MNT_ID", 0x1000), ("STATX_DIOALIGN", 0x2000),
    ("STATX_MNT_ID_UNIQUE", 0x4000),
)
STATX_ATTRS: Flags = (
    ("STATX_ATTR_COMPRESSED", 0x4), ("STATX_ATTR_IMMUTABLE", 0x10),
    ("STATX_ATTR_APPEND", 0x20), ("STATX_ATTR_NODUMP", 0x40),
    ("STATX_ATTR_ENCRYPTED", 0x800), ("STATX_ATTR_AUTOMOUNT", 0x1000),
    ("STATX_ATTR_MOUNT_ROOT", 0x2000), ("STATX_ATTR_VERITY", 0x100000),
    ("STATX_ATTR_DAX", 0x200000),
)

# ---------------------------------------------------------------------------
# misc

CAPABILITIES = {
    0: "CAP_CHOWN", 1: "CAP_DAC_OVERRIDE", 2: "CAP_DAC_READ_SEARCH", 3: "CAP_FOWNER",
    4: "CAP_FSETID", 5: "CAP_KILL", 6: "CAP_SETGID", 7: "CAP_SETUID", 8: "CAP_SETPCAP",
    9: "CAP_LINUX_IMMUTABLE", 10: "CAP_NET_BIND_SERVICE", 11: "CAP_NET_BROADCAST",
    12: "CAP_NET_ADMIN", 13: "CAP_NET_RAW", 14: "CAP_IPC_LOCK", 15: "CAP_IPC_OWNER",
    16: "CAP_SYS_MODULE", 17: "CAP_SYS_RAWIO", 18: "CAP_SYS_CHROOT", 19: "CAP_SYS_PTRACE",
    20: "CAP_SYS_PACCT", 21: "CAP_SYS_ADMIN", 22: "CAP_SYS_BOOT", 23: "CAP_SYS_NICE",
    24: "CAP_SYS_RESOURCE", 25: "CAP_SYS_TIME", 26: "CAP_SYS_TTY_CONFIG", 27: "CAP_MKNOD",
    28: "CAP_LEASE", 29: "CAP_AUDIT_WRITE", 30: "CAP_AUDIT_CONTROL", 31: "CAP_SETFCAP",
    32: "CAP_MAC_OVERRIDE", 33: "CAP_MAC_ADMIN", 34: "CAP_SYSLOG", 35: "CAP_WAKE_ALARM",
    36: "CAP_BLOCK_SUSPEND", 37: "CAP_AUDIT_READ", 38: "CAP_PERFMON", 39: "CAP_BPF",
    40: "CAP_CHECKPOINT_RESTORE",
}

PRCTL_OPTIONS = {
    1: "PR_SET_PDEATHSIG", 2: "PR_GET_PDEATHSIG", 3: "PR_GET_DUMPABLE",
    4: "PR_SET_DUMPABLE", 15: "PR_SET_NAME", 16: "PR_GET_NAME",
    21: "PR_GET_SECCOMP", 22: "PR_SET_SECCOMP", 23: "PR_CAPBSET_READ",
    24: "PR_CAPBSET_DROP", 35: "PR_SET_MM", 36: "PR_SET_CHILD_SUBREAPER",
    37: "PR_GET_CHILD_SUBREAPER", 38: "PR_SET_NO_NEW_PRIVS",
    39: "PR_GET_NO_NEW_PRIVS", 40: "PR_GET_TID_ADDRESS", 41: "PR_SET_THP_DISABLE",
    42: "PR_GET_THP_DISABLE", 47: "PR_CAP_AMBIENT", 0x59616d61: "PR_SET_PTRACER",
    0x53564d41: "PR_SET_VMA",
}

PER_DOMAINS = {
    0x00: "PER_LINUX", 0x01: "PER_SVR4", 0x02: "PER_SVR3", 0x03: "PER_SCOSVR3",
    0x04: "PER_OSR5", 0x05: "PER_WYSEV386", 0x06: "PER_ISCR4", 0x07: "PER_BSD",
    0x08: "PER_SUNOS", 0x09: "PER_XENIX", 0x0A: "PER_LINUX32", 0x0B: "PER_IRIX32",
    0x0C: "PER_IRIXN32", 0x0D: "PER_IRIX64", 0x0E: "PER_RISCOS", 0x0F: "PER_SOLARIS",
    0x10: "PER_UW7", 0x11: "PER_OSF4", 0x12: "PER_HPUX",
}
PER_FLAGS: Flags = (
    ("UNAME26", 0x0020000), ("ADDR_NO_RANDOMIZE", 0x0040000),
    ("FDPIC_FUNCPTRS", 0x0080000), ("MMAP_PAGE_ZERO", 0x0100000),
    ("ADDR_COMPAT_LAYOUT", 0x0200000), ("READ_IMPLIES_EXEC", 0x0400000),
    ("ADDR_LIMIT_32BIT", 0x0800000), ("SHORT_INODE", 0x1000000),
    ("WHOLE_SECONDS", 0x2000000), ("STICKY_TIMEOUTS", 0x4000000),
    ("ADDR_LIMIT_3GB", 0x8000000),
)


def personality(v: int) -> str:
    if u32(v) == 0xFFFFFFFF:
        return "0xffffffff"
    return low_byte_with_flags(v, PER_DOMAINS, PER_FLAGS, None)


IN_EVENTS: Flags = (
    ("IN_ACCESS", 0x1), ("IN_MODIFY", 0x2), ("IN_ATTRIB", 0x4), ("IN_CLOSE_WRITE", 0x8),
    ("IN_CLOSE_NOWRITE", 0x10), ("IN_OPEN", 0x20), ("IN_MOVED_FROM", 0x40),
    ("IN_MOVED_TO", 0x80), ("IN_CREATE", 0x100), ("IN_DELETE", 0x200),
    ("IN_DELETE_SELF", 0x400), ("IN_MOVE_SELF", 0x800), ("IN_UNMOUNT", 0x2000),
    ("IN_Q_OVERFLOW", 0x4000), ("IN_IGNORED", 0x8000), ("IN_ONLYDIR", 0x1000000),
    ("IN_DONT_FOLLOW", 0x2000000), ("IN_EXCL_UNLINK", 0x4000000),
    ("IN_MASK_CREATE", 0x10000000), ("IN_MASK_ADD", 0x20000000),
    ("IN_ISDIR", 0x40000000), ("IN_ONESHOT", 0x80000000),
)

FS_MAGIC = {
    0xEF53: "EXT2_SUPER_MAGIC", 0x01021994: "TMPFS_MAGIC", 0x9FA0: "PROC_SUPER_MAGIC",
    0x62656572: "SYSFS_MAGIC", 0x794C7630: "OVERLAYFS_SUPER_MAGIC",
    0x9123683E: "BTRFS_SUPER_MAGIC", 0x58465342: "XFS_SUPER_MAGIC", 0x6969: "NFS_SUPER_MAGIC",
    0x63677270: "CGROUP2_SUPER_MAGIC", 0x27E0EB: "CGROUP_SUPER_MAGIC",
    0x1CD1: "DEVPTS_SUPER_MAGIC", 0x858458F6: "RAMFS_MAGIC", 0x73636673: "SECURITYFS_MAGIC",
    0xF97CFF8C: "SELINUX_MAGIC", 0x64626720: "DEBUGFS_MAGIC", 0x74726163: "TRACEFS_MAGIC",
    0x6E736673: "NSFS_MAGIC", 0x50495045: "PIPEFS_MAGIC", 0x534F434B: "SOCKFS_MAGIC",
    0x42494E4D: "BINFMTFS_MAGIC", 0xCAFE4A11: "BPF_FS_MAGIC", 0x65735546: "FUSE_SUPER_MAGIC",
    0x4D44: "MSDOS_SUPER_MAGIC", 0x9660: "ISOFS_SUPER_MAGIC", 0x73717368: "SQUASHFS_MAGIC",
    0x01021997: "V9FS_MAGIC", 0xFF534D42: "CIFS_MAGIC_NUMBER", 0x2FC12FC1: "ZFS_SUPER_MAGIC",
    0xF2F52010: "F2FS_SUPER_MAGIC", 0x5346544E: "NTFS_SB_MAGIC", 0x958458F6: "HUGETLBFS_MAGIC",
    0x19800202: "MQUEUE_MAGIC", 0x62646576: "BDEVFS_MAGIC", 0x454D444D: "DEVMEM_MAGIC",
    0x6165676C: "PSTOREFS_MAGIC", 0x1373: "DEVFS_SUPER_MAGIC", 0x09041934: "ANON_INODE_FS_MAGIC",
    0xABBA1974: "XENFS_SUPER_MAGIC", 0x47504653: "GPFS_SUPER_MAGIC",
}
ST_FLAGS: Flags = (   # (strace prints ST_VALID first)
    ("ST_VALID", 32), ("ST_RDONLY", 1), ("ST_NOSUID", 2), ("ST_NODEV", 4), ("ST_NOEXEC", 8),
    ("ST_SYNCHRONOUS", 16), ("ST_MANDLOCK", 64), ("ST_NOATIME", 0x400),
    ("ST_NODIRATIME", 0x800), ("ST_RELATIME", 0x1000), ("ST_NOSYMFOLLOW", 0x2000),
)

SI_CODES = {
    0: "SI_USER", 0x80: "SI_KERNEL", -1: "SI_QUEUE", -2: "SI_TIMER", -3: "SI_MESGQ",
    -4: "SI_ASYNCIO", -5: "SI_SIGIO", -6: "SI_TKILL", -7: "SI_DETHREAD", -60: "SI_ASYNCNL",
}
SI_CODES_BY_SIGNAL = {
    17: {1: "CLD_EXITED", 2: "CLD_KILLED", 3: "CLD_DUMPED", 4: "CLD_TRAPPED",
         5: "CLD_STOPPED", 6: "CLD_CONTINUED"},
    11: {1: "SEGV_MAPERR", 2: "SEGV_ACCERR", 3: "SEGV_BNDERR", 4: "SEGV_PKUERR"},
    7: {1: "BUS_ADRALN", 2: "BUS_ADRERR", 3: "BUS_OBJERR", 4: "BUS_MCEERR_AR", 5: "BUS_MCEERR_AO"},
    4: {1: "ILL_ILLOPC", 2: "ILL_ILLOPN", 3: "ILL_ILLADR", 4: "ILL_ILLTRP", 5: "ILL_PRVOPC",
        6: "ILL_PRVREG", 7: "ILL_COPROC", 8: "ILL_BADSTK"},
    8: {1: "FPE_INTDIV", 2: "FPE_INTOVF", 3: "FPE_FLTDIV", 4: "FPE_FLTOVF", 5: "FPE_FLTUND",
        6: "FPE_FLTRES", 7: "FPE_FLTINV", 8: "FPE_FLTSUB"},
    5: {1: "TRAP_BRKPT", 2: "TRAP_TRACE", 3: "TRAP_BRANCH", 4: "TRAP_HWBKPT"},
    29: {1: "POLL_IN", 2: "POLL_OUT", 3: "POLL_MSG", 4: "POLL_ERR", 5: "POLL_PRI", 6: "POLL_HUP"},
    31: {1: "SYS_SECCOMP"},
}

SCHED_POLICIES = {0: "SCHED_OTHER", 1: "SCHED_FIFO", 2: "SCHED_RR", 3: "SCHED_BATCH",
                  5: "SCHED_IDLE", 6: "SCHED_DEADLINE"}


def sched_policy(v: int) -> str:
    v = u32(v)
    name = SCHED_POLICIES.get(v & ~0x40000000)
    if name is None:
        return "%s /* SCHED_??? */" % hexa(v)
    return name + ("|SCHED_RESET_ON_FORK" if v & 0x40000000 else "")


SUID_DUMP = {0: "SUID_DUMP_DISABLE", 1: "SUID_DUMP_USER", 2: "SUID_DUMP_ROOT"}


def sockaddr_family(v: int) -> str:
    return xval(v, ADDRESS_FAMILIES, "AF_???")


def lookup(table: Mapping[int, str], v: int, default: str) -> str:
    return table.get(v, default)


__all__ = [n for n in dir() if not n.startswith("_")]
