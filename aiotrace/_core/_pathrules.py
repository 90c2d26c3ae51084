"""The rules of ``paths=`` at a stop, stated once: which arguments of each call are paths or
descriptors (its *steps*), how a path argument is made absolute and normalised (``join``),
and the patterns the resolved paths are matched with (``c_paths``: exact paths and
directory prefixes, as ``aiotrace._paths.PathFilter.matches`` takes them).

``aiotrace/_paths.py`` resolves a call's paths with them, reading the tracee at the stop
(the reference: on the Python loop, and for any stop the C loop leaves to Python). The C
loop follows the same rules at the stops of a call that a family's streams want only for
its paths (``W_PATHS``, see ``_policy.want_tables``): it resolves the paths in C
(``_accel_paths.c``), makes the record only if one matches, and hands the paths over with
it. ``tests/unit/test_pathrules.py`` gives both many inputs (the C side through
``at_path_join`` and ``at_path_match``, the Python side ``join`` and ``PathFilter.matches``)
and checks that they answer the same; the steps and the patterns are data, made here and
read by C (``struct at_paths``).

Pure: nothing here makes a system call or touches a tracee.
"""

from __future__ import annotations

import ctypes
import os
import posixpath
from typing import Any, Iterable

from ._cloop._binding import COPIES, NR, Paths, Pattern
from ._syscalls import ABI_CODES, SYSCALL_NAMES, row

__all__ = ["C_CALLS", "STEPS", "c_decidable", "c_paths", "join", "plan", "steps_table"]

_PATH_WORDS = ("path", "target")   # (the syscall table's: symlink's target is a path too)
# a step's kind, as struct at_paths has it: a path argument; a descriptor; chdir's path,
# whose successful exit names the working directory it went to
P_PATH, P_FD, P_CHDIR = 1, 2, 3

# (name, abi) -> what to resolve: ("path", i, dirfd index or -1) / ("fd", i, -1)
_PLANS: dict[tuple[str, str], tuple[tuple[str, int, int], ...]] = {}


def plan(name: str, abi: str) -> tuple[tuple[str, int, int], ...]:
    """What to resolve of call *name* of ABI *abi*, in argument order: ``("path", i,
    dirfd)``, a path argument *i* (relative to the descriptor in argument *dirfd*, or -1:
    to the working directory), or ``("fd", i, -1)``, a descriptor. From the syscall table
    (the words path, target, dirfd and fd of the calls it decodes)."""
    got = _PLANS.get((name, abi))
    if got is not None:
        return got
    r = row(name, ABI_CODES[abi])
    steps: list[tuple[str, int, int]] = []
    if r is not None and r.decoder != "raw":   # (the calls printed in hex: none, as -P)
        words = r.kinds.split()
        for i, word in enumerate(words):
            if word in _PATH_WORDS:
                steps.append(("path", i, i - 1 if i and words[i - 1] == "dirfd" else -1))
            elif word == "fd" or (word == "dirfd" and not (i + 1 < len(words)
                                                           and words[i + 1] in _PATH_WORDS)):
                steps.append(("fd", i, -1))
    got = _PLANS[(name, abi)] = tuple(steps)
    return got


def steps_table() -> bytes:
    """``struct at_paths``'s steps: per x86-64 call below NR, up to COPIES bytes, each
    ``kind << 6 | (dirfd + 1) << 3 | arg``, 0 after the last."""
    out = bytearray(NR * COPIES)
    for nr, name in SYSCALL_NAMES.items():
        if not 0 <= nr < NR:
            continue
        for j, (what, i, dirfd) in enumerate(plan(name, "x86_64")[:COPIES]):
            kind = P_FD if what == "fd" else P_CHDIR if name == "chdir" else P_PATH
            out[nr * COPIES + j] = kind << 6 | (dirfd + 1) << 3 | i
    return bytes(out)


STEPS = steps_table()
# the x86-64 calls whose paths the C loop can resolve: every one with a plan (no call has
# more steps than a record has copies; one that had would be Python's)
C_CALLS = frozenset(nr for nr, name in SYSCALL_NAMES.items()
                    if 0 <= nr < NR and len(plan(name, "x86_64")) <= COPIES)


def join(base: str, raw: str) -> str:
    """*raw* (a path argument) made absolute against *base* (the directory of its dirfd,
    or the working directory; absolute), then normalised lexically (``a/./b/../c`` is
    ``a/c``; symbolic links are not followed). An empty *raw* is *base* (``AT_EMPTY_PATH``);
    an absolute one is itself."""
    path = raw if raw.startswith("/") else (posixpath.join(base, raw) if raw else base)
    return posixpath.normpath(path) if path != "/" else path


def c_decidable(patterns: Any) -> bool:
    """Whether the C loop can decide a stream's ``paths=`` (a ``_paths.PathFilter``): exact
    paths and directory prefixes only (a glob is Python's)."""
    return patterns is not None and patterns.glob is None


def c_paths(filters: Iterable[Any]) -> Paths:
    """``struct at_paths`` for a family whose C-decided ``paths=`` streams have *filters*:
    the steps, and every pattern of theirs (a record is made when one matches; each stream
    then takes the events that match its own). The patterns' memory is kept on it."""
    pats: list[tuple[bytes, bool]] = []
    for f in filters:
        pats += [(os.fsencode(p), False) for p in sorted(f.exact)]
        pats += [(os.fsencode(p), True) for p in f.prefixes]
    text = b"".join(p for p, _ in pats)
    table = (Pattern * max(len(pats), 1))()
    at = 0
    for k, (p, prefix) in enumerate(pats):
        table[k].at, table[k].len, table[k].prefix = at, len(p), int(prefix)
        at += len(p)
    buf = ctypes.create_string_buffer(text, max(len(text), 1))
    out = Paths()
    ctypes.memmove(out.steps, STEPS, len(STEPS))
    out.npat = len(pats)
    out.pat = ctypes.addressof(table)
    out.text = ctypes.addressof(buf)
    out._keep = (table, buf)   # (the C loop reads them)
    return out
