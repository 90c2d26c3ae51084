# SPDX-License-Identifier: GPL-2.0-or-later
"""Symbolic names of the Linux x86-64 constants of processes, memory, time and
futexes, and the helpers that print them (``_xlat`` says how a flag table is read)."""

from __future__ import annotations

from . import _style
from ._style import combine, composite
from ._xlat import Flags, flags, hexa, u64, xval

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


@composite(lambda v: hexa(u64(v)))
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

# XSAVE features (arch_prctl's ARCH_*_XCOMP_*): the numbers, and the masks as strace 6.1
# prints them (the groups first)
XFEATURE_BITS = {0: "XFEATURE_FP", 1: "XFEATURE_SSE", 2: "XFEATURE_YMM", 3: "XFEATURE_BNDREGS",
                 4: "XFEATURE_BNDCSR", 5: "XFEATURE_OPMASK", 6: "XFEATURE_ZMM_Hi256",
                 7: "XFEATURE_Hi16_ZMM", 8: "XFEATURE_PT_UNIMPLEMENTED_SO_FAR",
                 9: "XFEATURE_PKRU", 10: "XFEATURE_PASID", 15: "XFEATURE_LBR",
                 17: "XFEATURE_XTILE_CFG", 18: "XFEATURE_XTILE_DATA"}
XFEATURE_MASKS: Flags = (
    ("XFEATURE_MASK_FPSSE", 0x3), ("XFEATURE_MASK_FP", 1 << 0), ("XFEATURE_MASK_SSE", 1 << 1),
    ("XFEATURE_MASK_YMM", 1 << 2), ("XFEATURE_MASK_BNDREGS", 1 << 3),
    ("XFEATURE_MASK_BNDCSR", 1 << 4), ("XFEATURE_MASK_AVX512", 0xE0),
    ("XFEATURE_MASK_OPMASK", 1 << 5), ("XFEATURE_MASK_ZMM_Hi256", 1 << 6),
    ("XFEATURE_MASK_Hi16_ZMM", 1 << 7), ("XFEATURE_MASK_PT", 1 << 8),
    ("XFEATURE_MASK_PKRU", 1 << 9), ("XFEATURE_MASK_PASID", 1 << 10),
    ("XFEATURE_MASK_LBR", 1 << 15), ("XFEATURE_MASK_XTILE", 0x60000),
    ("XFEATURE_MASK_XTILE_CFG", 1 << 17), ("XFEATURE_MASK_XTILE_DATA", 1 << 18),
)

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

CLOCKS = {
    0: "CLOCK_REALTIME", 1: "CLOCK_MONOTONIC", 2: "CLOCK_PROCESS_CPUTIME_ID",
    3: "CLOCK_THREAD_CPUTIME_ID", 4: "CLOCK_MONOTONIC_RAW",
    5: "CLOCK_REALTIME_COARSE", 6: "CLOCK_MONOTONIC_COARSE", 7: "CLOCK_BOOTTIME",
    8: "CLOCK_REALTIME_ALARM", 9: "CLOCK_BOOTTIME_ALARM", 11: "CLOCK_TAI",
}
TIMER_FLAGS: Flags = (("TIMER_ABSTIME", 1),)
# (strace 6.1's: MPOL_WEIGHTED_INTERLEAVE, 6, came later and prints as 0x6 /* MPOL_??? */)
MPOL_MODES = {0: "MPOL_DEFAULT", 1: "MPOL_PREFERRED", 2: "MPOL_BIND", 3: "MPOL_INTERLEAVE",
              4: "MPOL_LOCAL", 5: "MPOL_PREFERRED_MANY"}
MPOL_MODE_FLAGS: Flags = (("MPOL_F_STATIC_NODES", 1 << 15), ("MPOL_F_RELATIVE_NODES", 1 << 14),
                          ("MPOL_F_NUMA_BALANCING", 1 << 13))
MPOL_F_FLAGS: Flags = (("MPOL_F_NODE", 1), ("MPOL_F_ADDR", 2), ("MPOL_F_MEMS_ALLOWED", 4))
MPOL_MF_FLAGS: Flags = (("MPOL_MF_STRICT", 1), ("MPOL_MF_MOVE", 2), ("MPOL_MF_MOVE_ALL", 4))


_MPOL_FLAGS_MASK = 0xE000


def mpol_mode(v: int) -> str:
    """A memory policy with its mode flags: ``MPOL_BIND|MPOL_F_STATIC_NODES`` (the
    whole register: the mode is what the flags leave); an unknown mode with flags: the
    flags and the rest in hex."""
    v = u64(v)
    fl = v & _MPOL_FLAGS_MASK
    mode = v & ~_MPOL_FLAGS_MASK
    if not fl:
        return xval(mode, MPOL_MODES, "MPOL_???")
    name = MPOL_MODES.get(mode)
    if name is None:
        return flags(v, MPOL_MODE_FLAGS, "MPOL_???")
    with _style.using(_style.ABBREV):
        text = name + "|" + flags(fl, MPOL_MODE_FLAGS, None)
    return combine(hexa(v), text)


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

