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
from . import _style
from ._style import RAW as _RAW
from ._style import combine, composite

_style_now = _style.get

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
    ``unknown`` is None, for sets that follow another field).  *zero*: the text of 0
    (the name of the zero value, where it has one).  In the ``-X`` style of the moment
    (see ``_style``)."""
    st = _style_now()
    if st:
        if st == _RAW:
            return hexa(v)
        if not v:   # verbose
            return zero if zero == "0" else "0 /* %s */" % zero
        text = _flags(v, table, unknown, zero)
        num = hexa(v)
        if text == num or text.startswith(num + " /* "):
            return text
        return "%s /* %s */" % (num, text)
    return _flags(v, table, unknown, zero)


def _flags(v: int, table: Flags, unknown: str | None, zero: str) -> str:
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
        return combine(hexa(v), name) if _style_now() else name
    if _style_now() == _RAW:
        return hexa(v)
    return "%s /* %s */" % (hexa(v), unknown)


@composite(lambda v: hexa(u32(v)))
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
    """Signal number as strace prints it (``SIGTERM``, ``SIGRT_3``, ``0``, ``65``; raw
    ``15``, verbose ``15 /* SIGTERM */``)."""
    v = s32(v)
    name = SIGNAL_NAMES.get(v)
    if name is None:
        return str(v)
    return combine(str(v), name) if _style_now() else name


def sigset_bits(mask: int, nbits: int = 64) -> str:
    """``[INT TERM]``, or ``~[...]`` listing the absent signals when most are present."""
    present = [i + 1 for i in range(nbits) if mask >> i & 1]
    inverted = len(present) * 2 > nbits
    if inverted:
        listed = [i + 1 for i in range(nbits) if not mask >> i & 1]
    else:
        listed = present
    st = _style_now()
    if st:   # raw: the numbers; verbose: each number and its name in a comment
        names = [str(s) if st == _RAW or s not in SIGNAL_NAMES
                 else "%d /* %s */" % (s, SIGNAL_NAMES[s][3:]) for s in listed]
    else:
        names = [SIGNAL_NAMES[s][3:] if s in SIGNAL_NAMES else str(s) for s in listed]
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


@composite(lambda v: hexa(u32(v)))
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


@composite(lambda v: hexa(u32(v)))
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
    if fmt and fmt not in S_IFMT_NAMES:
        return octal(v)
    st = _style_now()
    if st:   # (verbose: "0644 /* 0644 */" too, as strace prints it)
        if st == _RAW:
            return octal(v)
        with _style.using(_style.ABBREV):
            return "%s /* %s */" % (octal(v), file_mode(v))
    if fmt:
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

# the execution domains strace 6.1 names by the low byte alone (PER_SVR4 and the others
# are that byte with flags: their low byte alone is 0x1 /* PER_??? */)
PER_DOMAINS = {
    0x00: "PER_LINUX", 0x06: "PER_BSD", 0x08: "PER_LINUX32", 0x0C: "PER_RISCOS",
    0x0F: "PER_OSF4", 0x10: "PER_HPUX", 0xFF: "PER_MASK",
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
    """The execution domain (the low byte), then the flags of the other bits, each in
    the -X style (``PER_LINUX|ADDR_NO_RANDOMIZE``; verbose ``0 /* PER_LINUX */|0x40000 /*
    ADDR_NO_RANDOMIZE */``); 0xffffffff (the query) in hex."""
    v = u32(v)
    if v == 0xFFFFFFFF:
        return "0xffffffff"
    domain = xval(v & 0xFF, PER_DOMAINS, "PER_???")
    rest = v & ~0xFF
    return domain if not rest else domain + "|" + flags(rest, PER_FLAGS, None)


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


@composite(lambda v: hexa(u32(v)))
def sched_policy(v: int) -> str:
    v = u32(v)
    name = SCHED_POLICIES.get(v & ~0x40000000)
    if name is None:
        return "%s /* SCHED_??? */" % hexa(v)
    return name + ("|SCHED_RESET_ON_FORK" if v & 0x40000000 else "")


SUID_DUMP = {0: "SUID_DUMP_DISABLE", 1: "SUID_DUMP_USER", 2: "SUID_DUMP_ROOT"}
GRND_FLAGS: Flags = (("GRND_NONBLOCK", 1), ("GRND_RANDOM", 2), ("GRND_INSECURE", 4))


def lookup(table: Mapping[int, str], v: int, default: str) -> str:
    return table.get(v, default)


__all__ = [n for n in dir() if not n.startswith("_")]
