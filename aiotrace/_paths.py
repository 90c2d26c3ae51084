"""Paths: what file a call uses, as an absolute path, and ``events(paths=...)``, strace's
``-P`` with prefixes and globs.

For each syscall event of a stream that asks (``paths=``), ``event.paths`` holds, in the
order of the arguments:

* each path argument resolved at the stop: an absolute path as it is; a relative one
  joined to its directory descriptor (``openat(dirfd, "x")``: the directory ``dirfd`` is
  open on) or to the working directory (``AT_FDCWD``, or a call without a dirfd); an
  empty path (``AT_EMPTY_PATH``) is the descriptor's own. The result is normalised
  lexically (``a/./b/../c`` is ``a/c``); symbolic links are not followed: it is the file
  the call names, as a path that no longer depends on the process's directory;
* each descriptor argument (not a dirfd that goes with a path) as ``/proc/PID/fd/N``
  reads: a path, or ``socket:[INODE]``, ``pipe:[INODE]``, ``anon_inode:[...]`` (what
  strace's ``-y`` prints; ``aiotrace.fd_text(pid, fd, details=True)`` gives ``-yy``'s).

Which argument is a path or a descriptor comes from the syscall table (the words path,
target, dirfd and fd of the calls it decodes), as for ``aiotrace run -P``, so the library
and the command agree. It is read on
the tracer thread while the thread is stopped (the filter must decide before the event
is made), so a stream with ``paths=`` makes each of its calls a stop that Python handles.

Patterns: ``"/build/"`` (ends with ``/``) is that directory and everything under it;
``"/etc/*.conf"`` (has ``*``, ``?`` or ``[``) a glob, whose ``*`` also crosses ``/``
(``fnmatch``); anything else one exact path, as strace's ``-P``. A call is delivered when
one of its paths matches; a call with no path nor descriptor argument never is, and the
stream does not even stop for it (its syscalls are narrowed to the calls that have one).
Other events (signals, exec, exit...) are not filtered.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterable
from typing import Any

from ._core._args import Memory
from ._core._events import SyscallEntry, SyscallExit, TraceEvent
from ._core._syscalls import ABI_CODES, SYSCALL_NAMES, row
from ._fdinfo import fd_details

_AT_FDCWD = -100
_PATH_MAX = 4096
_PATH_WORDS = ("path", "target")   # (the syscall table's: symlink's target is a path too)

# (name, abi) -> what to resolve: ("path", i, dirfd index or -1) / ("fd", i)
_PLANS: dict[tuple[str, str], tuple[tuple[str, int, int], ...]] = {}


def _plan(name: str, abi: str) -> tuple[tuple[str, int, int], ...]:
    plan = _PLANS.get((name, abi))
    if plan is not None:
        return plan
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
    plan = _PLANS[(name, abi)] = tuple(steps)
    return plan


def path_syscalls() -> frozenset[str]:
    """The x86-64 calls that take a path or a descriptor."""
    return frozenset(n for n in SYSCALL_NAMES.values() if _plan(n, "x86_64"))


def _int32(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


def _link(pid: int, what: str) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/{what}")
    except OSError:
        return None


def resolve(ev: TraceEvent) -> tuple[str, ...]:
    """The paths a syscall event uses (see the module's docstring), read now: its thread
    must be stopped for the answer to be the call's."""
    if not isinstance(ev, (SyscallEntry, SyscallExit)):
        return ()
    name = ev.name
    if name == "chdir" and isinstance(ev, SyscallExit) and ev.retval == 0:
        # (the one call that changes what its own relative path is relative to: at its
        # exit the directory it named is the working directory)
        cwd = _link(ev.pid, "cwd")
        return (cwd,) if cwd is not None else ()
    plan = _plan(name, ev.abi)
    if not plan:
        return ()
    args = ev.args
    pid, tid = ev.pid, ev.tid
    out: list[str] = []
    mem = None
    n = len(args)   # (an exit whose entry was not seen, execve's at spawn: none)
    for what, i, dirfd_at in plan:
        if i >= n or dirfd_at >= n:
            continue
        if what == "fd":
            fd = _int32(args[i])
            if fd >= 0:
                target = _link(pid, f"fd/{fd}")
                if target is not None:
                    out.append(target)
            continue
        if mem is None:
            mem = Memory._create(tid)
        try:
            raw = mem.read_string(args[i], _PATH_MAX)
        except OSError:
            continue
        path = os.fsdecode(raw)
        if not path.startswith("/"):
            dirfd = _int32(args[dirfd_at]) if dirfd_at >= 0 else _AT_FDCWD
            base = _link(pid, "cwd" if dirfd == _AT_FDCWD else f"fd/{dirfd}")
            if base is None or not base.startswith("/"):
                continue
            path = os.path.join(base, path) if path else base
        out.append(os.path.normpath(path) if path != "/" else path)
    return tuple(out)


def fd_text(pid: int, fd: int, *, details: bool = False) -> str | None:
    """What descriptor *fd* of process *pid* is open on, as strace's ``-y`` prints it
    (``/etc/passwd``, ``socket:[1234]``, ``pipe:[99]``), or with *details* as ``-yy``
    does (``TCP:[127.0.0.1:80->127.0.0.1:4242]``, ``/dev/null<char 1:3>``, ``pid:42``);
    None when it is not open (or the process is gone)."""
    link = _link(pid, f"fd/{fd}")
    if link is None or not details:
        return link
    text = fd_details(pid, fd, link)
    return link if text is None else str(text)


class PathFilter:
    """``paths=`` patterns, checked: exact paths, directory prefixes, globs."""

    __slots__ = ("exact", "prefixes", "glob")

    def __init__(self, patterns: Any) -> None:
        if isinstance(patterns, (str, bytes)) or not isinstance(patterns, Iterable):
            raise TypeError(f"paths takes a list of absolute paths or patterns, such as "
                            f"['/build/', '/etc/*.conf'], not {patterns!r}")
        exact: set[str] = set()
        prefixes: list[str] = []
        globs: list[str] = []
        for p in patterns:
            if isinstance(p, bytes):
                p = os.fsdecode(p)
            if not isinstance(p, str):
                raise TypeError(f"paths: {p!r} is not a path (a str)")
            if not p.startswith("/") or "\0" in p:
                raise ValueError(
                    f"paths: {p!r} can never match: the paths a call uses are absolute "
                    "(resolved against its directory), so a pattern starts with '/' (and "
                    "holds no NUL byte)")
            if any(c in p for c in "*?["):
                globs.append(fnmatch.translate(p))
            elif p.endswith("/"):
                prefixes.append(p)
                exact.add(p.rstrip("/") or "/")
            else:
                exact.add(os.path.normpath(p) if p != "/" else p)
        if not (exact or prefixes or globs):
            raise ValueError("paths is empty: pass at least one path, or leave paths out "
                             "for every call")
        self.exact = frozenset(exact)
        self.prefixes = tuple(prefixes)
        self.glob = re.compile("|".join(globs)) if globs else None

    def matches(self, path: str) -> bool:
        if path in self.exact or path.startswith(self.prefixes):
            return True
        return self.glob is not None and self.glob.match(path) is not None


def selector(patterns: PathFilter | None) -> Callable[[TraceEvent], bool]:
    """The stream's ``select`` (tracer thread, at the stop): sets ``event.paths`` and, with
    *patterns*, takes the syscall events that use a path that matches."""

    def select(ev: TraceEvent) -> bool:
        if not isinstance(ev, (SyscallEntry, SyscallExit)):
            return True
        try:
            paths = resolve(ev)
        except Exception:   # noqa: BLE001 - (on the tracer thread, which must go on)
            paths = ()
        object.__setattr__(ev, "_paths", paths)
        if patterns is None:
            return True
        match = patterns.matches
        return any(match(p) for p in paths)

    return select


__all__ = ["PathFilter", "fd_text", "path_syscalls", "resolve", "selector"]
