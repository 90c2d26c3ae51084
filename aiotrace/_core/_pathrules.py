"""The rules of ``paths=`` at a stop, stated once: which arguments of each call are paths or
descriptors (its *steps*), how a path argument is made absolute and normalised (``join``),
and the patterns the resolved paths are matched with (``c_paths``: exact paths, directory
prefixes and globs, as ``aiotrace._paths.PathFilter.matches`` takes them; a glob as a
program of ``glob_program``).

``aiotrace/_paths.py`` resolves a call's paths with them, reading the tracee at the stop
(the reference: on the Python loop, and for any stop the C loop leaves to Python). The C
loop follows the same rules at the stops of a call that a family's streams want for its
paths (``W_PATHS``, see ``_policy.want_tables``): it resolves the paths in C
(``_accel_paths.c``), makes the record only if one matches (or whatever they are, for
another observer that wants the call, ``W_KEEP``), and hands the paths over with it. ``tests/unit/test_pathrules.py`` gives both many inputs (the C side through
``at_path_join`` and ``at_path_match``, the Python side ``join`` and ``PathFilter.matches``)
and checks that they answer the same; the steps and the patterns are data, made here and
read by C (``struct at_paths``).

Pure: nothing here makes a system call or touches a tracee.
"""

from __future__ import annotations

import ctypes
import fnmatch
import functools
import os
import posixpath
import sys
from typing import Any, Iterable

from ._cloop._binding import COPIES, NR, Paths, Pattern
from ._syscalls import ABI_CODES, SYSCALL_NAMES, row

# (and STEPS, C_CALLS: see __getattr__)
__all__ = ["c_calls", "c_decidable", "c_paths", "glob_program", "join", "plan", "steps_table"]

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


@functools.cache
def c_calls() -> frozenset[int]:
    """``C_CALLS``: the x86-64 calls whose paths the C loop can resolve: every one with a
    plan (no call has more steps than a record has copies; one that had would be
    Python's)."""
    return frozenset(nr for nr, name in SYSCALL_NAMES.items()
                     if 0 <= nr < NR and len(plan(name, "x86_64")) <= COPIES)


_steps = functools.cache(steps_table)
_MADE_ON_USE = {"STEPS": _steps, "C_CALLS": c_calls}


def __getattr__(name: str) -> Any:
    """``STEPS`` (``steps_table()``) and ``C_CALLS`` (``c_calls()``), made on first use:
    only ``paths=`` streams need them (start-up time, issue 24)."""
    make = _MADE_ON_USE.get(name)
    if make is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return make()


def join(base: str, raw: str) -> str:
    """*raw* (a path argument) made absolute against *base* (the directory of its dirfd,
    or the working directory; absolute), then normalised lexically (``a/./b/../c`` is
    ``a/c``; symbolic links are not followed). An empty *raw* is *base* (``AT_EMPTY_PATH``);
    an absolute one is itself."""
    if raw.startswith("/"):
        path = raw
    elif not raw:
        path = base
    else:   # (posixpath.join's answer, for a *raw* that is not absolute)
        path = base + raw if not base or base.endswith("/") else base + "/" + raw
    if path.startswith("/") and "//" not in path and "/." not in path \
            and not path.endswith("/"):
        return path   # (normpath's answer: no empty, "." nor ".." component to take away)
    return posixpath.normpath(path) if path != "/" else path


# a glob as the C loop's matcher takes it (see glob_program)
G_STAR, G_ANY, G_CLASS = 0x80, 0x81, 0x82
# (and the kinds of struct at_pattern)
PK_PATH, PK_PREFIX, PK_GLOB = 0, 1, 2
_OTHERS = ("\u00e9", "\udcff")   # (a character beyond ASCII; a byte that is not UTF-8)


@functools.lru_cache(maxsize=1024)
def glob_program(pattern: str) -> bytes | None:
    """A glob of ``paths=`` (as ``fnmatch.fnmatchcase`` takes it: ``*`` any characters,
    ``/`` too; ``?`` one; ``[...]`` one of a set, ``[!...]`` one not in it; a ``[`` that no
    ``]`` closes is itself; no escapes) as the C loop's matcher takes it: each ASCII
    character is its byte, ``*`` G_STAR, ``?`` G_ANY, a set G_CLASS, 16 bytes (a bit per
    ASCII character) and one (whether any other character is in it). Where a set ends is
    found as fnmatch finds it; what is in it is what fnmatch answers for each character.
    None for a pattern the C loop leaves to Python: one with a character beyond ASCII
    (whose sets could hold characters beyond ASCII), or where paths are not decoded from
    UTF-8 (os.fsdecode, which cuts a path into the characters that ``?`` takes)."""
    if not pattern.isascii() or sys.getfilesystemencoding() != "utf-8" \
            or sys.getfilesystemencodeerrors() != "surrogateescape":
        return None
    out = bytearray()
    i, n, star = 0, len(pattern), False
    while i < n:
        c = pattern[i]
        i += 1
        if c == "*":
            if not star:
                out.append(G_STAR)
            star = True
            continue
        star = False
        if c == "?":
            out.append(G_ANY)
            continue
        if c == "[":
            j = i + (i < n and pattern[i] == "!")
            j += j < n and pattern[j] == "]"
            while j < n and pattern[j] != "]":
                j += 1
            if j < n:
                bracket = pattern[i - 1:j + 1]
                bits = sum(1 << k for k in range(128) if fnmatch.fnmatchcase(chr(k), bracket))
                others = {fnmatch.fnmatchcase(o, bracket) for o in _OTHERS}
                if len(others) != 1:
                    return None   # (cannot be, with an ASCII pattern: Python's, if it were)
                out += bytes([G_CLASS]) + bits.to_bytes(16, "little") + bytes([others.pop()])
                i = j + 1
                continue
        out.append(ord(c))   # (a "[" that no "]" closes is itself)
    return bytes(out)


def c_decidable(patterns: Any) -> bool:
    """Whether the C loop can decide a stream's ``paths=`` (a ``_paths.PathFilter``): exact
    paths, directory prefixes, and globs that ``glob_program`` takes."""
    return patterns is not None and all(glob_program(g) is not None for g in patterns.globs)


def c_paths(filters: Iterable[Any]) -> Paths:
    """``struct at_paths`` for a family whose C-decided ``paths=`` streams have *filters*:
    the steps, and every pattern of theirs (a record is made when one matches; each stream
    then takes the events that match its own). The patterns' memory is kept on it."""
    pats: list[tuple[bytes, int]] = []
    for f in filters:
        pats += [(os.fsencode(p), PK_PATH) for p in sorted(f.exact)]
        pats += [(os.fsencode(p), PK_PREFIX) for p in f.prefixes]
        for g in f.globs:
            prog = glob_program(g)
            assert prog is not None   # (c_decidable)
            pats.append((prog, PK_GLOB))
    text = b"".join(p for p, _ in pats)
    table = (Pattern * max(len(pats), 1))()
    at = 0
    for k, (p, kind) in enumerate(pats):
        table[k].at, table[k].len, table[k].prefix = at, len(p), kind
        at += len(p)
    buf = ctypes.create_string_buffer(text, max(len(text), 1))
    out = Paths()
    steps = _steps()
    ctypes.memmove(out.steps, steps, len(steps))
    out.npat = len(pats)
    out.pat = ctypes.addressof(table)
    out.text = ctypes.addressof(buf)
    out._keep = (table, buf)   # (the C loop reads them)
    return out
