# SPDX-License-Identifier: GPL-2.0-or-later
"""Symbolic names of Linux x86-64 constants and the helpers that print them.

The values are the kernel's ABI (uapi headers); the printing order of flag
sets was chosen to match what strace 6.1 prints.  A flag table is a sequence
of ``(name, value)`` pairs tried in order; a value with several bits is only
used when all of them are present, and consumed bits are not reused.  The tables
themselves are in ``xlat/xlat.in`` (``_tables`` says how they are written and read).
"""

from __future__ import annotations

import os
from typing import Mapping

from .._core._events import SIGNAL_NAMES as _core_signal_names
from . import _style
from ._style import RAW as _RAW
from ._style import combine, composite
from ._tables import Flags as Flags, Names as Names, Tables

_style_now = _style.get

MASK64 = (1 << 64) - 1

_T = Tables("xlat", globals())   # the tables declared below: xlat/xlat.in


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


# ---------------------------------------------------------------------------
# errno

ERRNO_NAMES: Names

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


SIGPROCMASK_HOW: Names

SA_FLAGS: Flags
SA_RESTORER = 0x04000000

# ---------------------------------------------------------------------------
# open(2) and friends

O_ACCMODE_NAMES: Names
O_CREAT = 0o100
O_TMPFILE_BIT = 0o20000000  # __O_TMPFILE
O_FLAGS: Flags


@composite(lambda v: hexa(u32(v)))
def open_flags(v: int) -> str:
    v = u32(v)
    acc = _T.names("O_ACCMODE_NAMES")[v & 3]
    rest = v & ~3
    if not rest:
        return acc
    return acc + "|" + flags(rest, _T.flags("O_FLAGS"), None)


# fcntl(F_SETFL)/F_GETFL print the same bits with O_APPEND before O_NONBLOCK
# (already the case above), so open_flags serves both.

AT_FDCWD = -100

AT_FLAGS: Flags
AT_FACCESS_FLAGS: Flags
AT_STATX_SYNC_TYPE: Names
AT_STATX_FLAGS: Flags

ACCESS_MODES: Flags


@composite(lambda v: hexa(u32(v)))
def access_mode(v: int) -> str:
    v = u32(v)
    if v == 0:
        return "F_OK"
    return flags(v, _T.flags("ACCESS_MODES"), "?_OK")


SEEK_WHENCE: Names

# ---------------------------------------------------------------------------
# file modes

S_IFMT_NAMES: Names


def file_mode(v: int) -> str:
    """st_mode: ``S_IFREG|0644``, ``S_IFDIR|S_ISVTX|0777``; a file type that has no name:
    the whole mode in octal (``0177777``)."""
    parts = []
    fmt = v & 0o170000
    if fmt and fmt not in _T.names("S_IFMT_NAMES"):
        return octal(v)
    st = _style_now()
    if st:   # (verbose: "0644 /* 0644 */" too, as strace prints it)
        if st == _RAW:
            return octal(v)
        with _style.using(_style.ABBREV):
            return "%s /* %s */" % (octal(v), file_mode(v))
    if fmt:
        parts.append(_T.names("S_IFMT_NAMES")[fmt])
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

FCNTL_CMDS: Names
FD_FLAGS: Flags
FLOCK_OPS: Flags
LOCK_TYPES: Names
F_SEALS: Flags

# ---------------------------------------------------------------------------
# poll / epoll / eventfd ...

POLL_EVENTS: Flags
EPOLL_EVENTS: Flags
EPOLL_CTL_OPS: Names
EPOLL_CREATE_FLAGS: Flags
EFD_FLAGS: Flags
TFD_FLAGS: Flags
TFD_SETTIME_FLAGS: Flags
SFD_FLAGS: Flags
IN_INIT_FLAGS: Flags
MFD_FLAGS: Flags
CLOSE_RANGE_FLAGS: Flags
RENAME_FLAGS: Flags
UMOUNT_FLAGS: Flags
RESOLVE_FLAGS: Flags

# ---------------------------------------------------------------------------
# stat / statx

STATX_MASK: Flags
STATX_ATTRS: Flags

# ---------------------------------------------------------------------------
# misc

CAPABILITIES: Names

PER_DOMAINS: Names
PER_FLAGS: Flags


def personality(v: int) -> str:
    """The execution domain (the low byte), then the flags of the other bits, each in
    the -X style (``PER_LINUX|ADDR_NO_RANDOMIZE``; verbose ``0 /* PER_LINUX */|0x40000 /*
    ADDR_NO_RANDOMIZE */``); 0xffffffff (the query) in hex."""
    v = u32(v)
    if v == 0xFFFFFFFF:
        return "0xffffffff"
    domain = xval(v & 0xFF, _T.names("PER_DOMAINS"), "PER_???")
    rest = v & ~0xFF
    return domain if not rest else domain + "|" + flags(rest, _T.flags("PER_FLAGS"), None)


IN_EVENTS: Flags

FS_MAGIC: Names
ST_FLAGS: Flags

SI_CODES: Names
# the codes of one signal (CLD_EXITED...): si_code_names(signo)
SI_CODES_SIGCHLD: Names
SI_CODES_SIGSEGV: Names
SI_CODES_SIGBUS: Names
SI_CODES_SIGILL: Names
SI_CODES_SIGFPE: Names
SI_CODES_SIGTRAP: Names
SI_CODES_SIGIO: Names
SI_CODES_SIGSYS: Names


def si_code_names(signo: int) -> Names:
    """The names of the si_codes of one signal (SIGCHLD's CLD_EXITED...), ``{}`` for a
    signal that has none of its own."""
    table = "SI_CODES_" + SIGNAL_NAMES.get(signo, "")
    return _T.names(table) if table in _T.declared() else {}


SCHED_POLICIES: Names


@composite(lambda v: hexa(u32(v)))
def sched_policy(v: int) -> str:
    v = u32(v)
    name = _T.names("SCHED_POLICIES").get(v & ~0x40000000)
    if name is None:
        return "%s /* SCHED_??? */" % hexa(v)
    return name + ("|SCHED_RESET_ON_FORK" if v & 0x40000000 else "")


SUID_DUMP: Names
GRND_FLAGS: Flags


def lookup(table: Mapping[int, str], v: int, default: str) -> str:
    return table.get(v, default)


__all__ = [n for n in [*dir(), *_T.declared()] if not n.startswith("_")]
