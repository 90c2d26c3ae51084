# SPDX-License-Identifier: GPL-2.0-or-later
"""Symbolic names of the Linux x86-64 constants of processes, memory, time and
futexes, and the helpers that print them (``_xlat`` says how a flag table is read)."""

from __future__ import annotations

from . import _style
from ._style import combine, composite
from ._tables import Flags, Names, Tables
from ._xlat import flags, hexa, u64, xval

_T = Tables("xlat_proc", globals())   # the tables declared below: xlat/xlat_proc.in

# ---------------------------------------------------------------------------
# memory

PROT_FLAGS: Flags


def prot(v: int) -> str:
    v = u64(v)
    return flags(v, _T.flags("PROT_FLAGS"), "PROT_???", zero="PROT_NONE")


MAP_TYPES: Names
MAP_FLAGS: Flags
MAP_HUGE_SHIFT = 26
MAP_HUGE_MASK = 0x3F


@composite(lambda v: hexa(u64(v)))
def map_flags(v: int) -> str:
    v = u64(v)
    typ = v & 0xF
    parts = [_T.names("MAP_TYPES").get(typ) or "%#x /* MAP_??? */" % typ]
    huge = (v >> MAP_HUGE_SHIFT) & MAP_HUGE_MASK
    rest = v & ~0xF & ~(MAP_HUGE_MASK << MAP_HUGE_SHIFT)
    if rest:
        parts.append(flags(rest, _T.flags("MAP_FLAGS"), None))
    if huge:
        parts.append("%d<<MAP_HUGE_SHIFT" % huge)
    return "|".join(parts)


MADVISE: Names

MREMAP_FLAGS: Flags
MSYNC_FLAGS: Flags

# ---------------------------------------------------------------------------
# processes

CLONE3_FLAGS: Flags
# clone's: without CLONE_NEWTIME (a bit of clone's exit signal) and clone3's own two
CLONE_FLAGS = _T.flags("CLONE3_FLAGS")[:-3]
CLONE_PARENT_SETTID = 0x00100000
CLONE_CHILD_SETTID = 0x01000000
CLONE_CHILD_CLEARTID = 0x00200000
CLONE_SETTLS = 0x00080000
CLONE_PIDFD = 0x00001000

WAIT_OPTIONS: Flags

IDTYPES: Names

PTRACE_EVENTS: Names

XFEATURE_BITS: Names
XFEATURE_MASKS: Flags

ARCH_PRCTL: Names

RLIMIT_RESOURCES: Names

RUSAGE_WHO: Names

PRIO_WHICH: Names

CLOCKS: Names
TIMER_FLAGS: Flags
MPOL_MODES: Names
MPOL_MODE_FLAGS: Flags
MPOL_F_FLAGS: Flags
MPOL_MF_FLAGS: Flags


_MPOL_FLAGS_MASK = 0xE000


def mpol_mode(v: int) -> str:
    """A memory policy with its mode flags: ``MPOL_BIND|MPOL_F_STATIC_NODES`` (the
    whole register: the mode is what the flags leave); an unknown mode with flags: the
    flags and the rest in hex."""
    v = u64(v)
    fl = v & _MPOL_FLAGS_MASK
    mode = v & ~_MPOL_FLAGS_MASK
    if not fl:
        return xval(mode, _T.names("MPOL_MODES"), "MPOL_???")
    name = _T.names("MPOL_MODES").get(mode)
    if name is None:
        return flags(v, _T.flags("MPOL_MODE_FLAGS"), "MPOL_???")
    with _style.using(_style.ABBREV):
        text = name + "|" + flags(fl, _T.flags("MPOL_MODE_FLAGS"), None)
    return combine(hexa(v), text)


SIGEV_NOTIFY: Names

ITIMERS: Names

FUTEX_CMDS: Names
FUTEX_PRIVATE_FLAG = 128
FUTEX_CLOCK_REALTIME = 256
FUTEX_WAKE_OP_OPS: Names
FUTEX_WAKE_OP_CMPS: Names
