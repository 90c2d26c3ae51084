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
* each descriptor argument (not a dirfd that goes with a path) as the thread's
  ``/proc/TID/fd/N`` reads: a path, or ``socket:[INODE]``, ``pipe:[INODE]``,
  ``anon_inode:[...]`` (what strace's ``-y`` prints; ``aiotrace.fd_text(pid, fd,
  details=True)`` gives ``-yy``'s).

Which argument is a path or a descriptor comes from the syscall table (the words path,
target, dirfd and fd of the calls it decodes), as for ``aiotrace run -P``, so the library
and the command agree (``_core/_pathrules.plan``). It is read while the thread is
stopped, and the filter decides there, before the event is made: on the Python loop by
the stream's ``take_paths`` (``taker``: from the registers, before any event object is
made, each path argument resolved by the C loop's own ``at_path_arg`` when the library is
built, else by the same steps in Python), or its ``select`` (for a stop that other
streams want too, or an engine's) on the tracer thread; on the C loop, for a call
that ``paths=`` observers want (of exact paths, directory prefixes and ASCII globs), by
the C loop itself, from the same rules (``_core/_pathrules.py``, ``_accel_paths.c``): a
call whose paths match none of the family's patterns makes no record at all (unless an
observer without ``paths=`` wants it too), and one that matches makes a record that
carries its paths. Any other such stop (a glob with a character beyond ASCII, an
engine, another stream that reads memory at the stop) is Python's.

Patterns: ``"/build/"`` (ends with ``/``) is that directory and everything under it;
``"/etc/*.conf"`` (has ``*``, ``?`` or ``[``) a glob, whose ``*`` also crosses ``/``
(``fnmatch``); anything else one exact path, as strace's ``-P``. A call is delivered when
one of its paths matches; a call with no path nor descriptor argument never is, and the
stream does not even stop for it (its syscalls are narrowed to the calls that have one).
Other events (signals, exec, exit...) are not filtered.
"""

from __future__ import annotations

import ctypes
import fnmatch
import os
import re
import sys
from collections.abc import Callable, Iterable
from typing import Any

from ._core import _ffi
from ._core._args import Args, Memory
from ._core._cloop import _binding as _accel
from ._core._events import SyscallEntry, SyscallExit, TraceEvent
from ._core._pathrules import join, plan
from ._core._syscalls import SYSCALL_NAMES, syscall_name
from ._fdinfo import fd_details

_AT_FDCWD = -100
# whether taker() resolves path arguments with the C loop's helper when it is built (tests
# turn it off: the Python loop must work the same without a C compiler)
COMPILED = True
_FS_ENCODING, _FS_ERRORS = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()
_PATH_MAX = 4096


def path_syscalls() -> frozenset[str]:
    """The x86-64 calls that take a path or a descriptor."""
    return frozenset(n for n in SYSCALL_NAMES.values() if plan(n, "x86_64"))


def _int32(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


def _link(pid: int, what: str) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/{what}")
    except OSError:
        return None


# (call's key, abi) -> (it is chdir, its plan): resolve()'s look-up, made once per call
_BY_KEY: dict[tuple[int, str], tuple[bool, tuple[tuple[str, int, int], ...]]] = {}


def _read_path(tid: int, addr: int) -> bytes:
    """read_cstring's answer (OSError if its first read fails) with one read when the
    string ends in its page, as most do (the Python loop reads each path at the stop)."""
    data = _ffi.vm_read(tid, addr, 4096 - addr % 4096)
    nul = data.find(b"\0")
    if nul >= 0:
        return data[:nul]
    return Memory._create(tid).read_string(addr, _PATH_MAX)


def resolve(ev: TraceEvent) -> tuple[str, ...]:
    """The paths a syscall event uses (see the module's docstring), read now: its thread
    must be stopped for the answer to be the call's."""
    if not isinstance(ev, (SyscallEntry, SyscallExit)):
        return ()
    args = ev.args
    return stop_paths(ev.pid, ev.tid, ev.nr, ev.abi,
                      args._v if isinstance(args, Args) else tuple(args),
                      ev.retval if isinstance(ev, SyscallExit) else None)


def stop_paths(pid: int, tid: int, nr: int, abi: str, args: tuple[int, ...],
               retval: int | None, path_arg: Callable[[int, int, int, int], str | None] | None = None,
               link: Callable[[int, str], str | None] = _link) -> tuple[str, ...]:
    """resolve() of a call stopped now, from what the stop knows before its event is made:
    its number in its ABI's table, the argument registers, and at an exit (else None) its
    return value. *path_arg* resolves a path argument (see _path_arg), *link* reads a
    /proc link (see taker). The working directory and descriptors are the thread's own,
    read through /proc/TID (the process's /proc/PID is its leader's: gone once the leader
    has ended while other threads go on, and not this thread's after unshare(CLONE_FS))."""
    pid = tid   # (see above: every link is the thread's)
    key = (nr, abi)
    known = _BY_KEY.get(key)
    if known is None:
        name = syscall_name(nr, abi)
        known = _BY_KEY[key] = (name == "chdir", plan(name, abi))
    is_chdir, steps = known
    if is_chdir and retval == 0:
        # (the one call that changes what its own relative path is relative to: at its
        # exit the directory it named is the working directory)
        cwd = link(pid, "cwd")
        return (cwd,) if cwd is not None else ()
    if not steps:
        return ()
    out: list[str] = []
    n = len(args)   # (an exit whose entry was not seen, execve's at spawn: none)
    for what, i, dirfd_at in steps:
        if i >= n or dirfd_at >= n:
            continue
        if what == "fd":
            fd = _int32(args[i])
            if fd >= 0:
                target = link(pid, f"fd/{fd}")
                if target is not None:
                    out.append(target)
            continue
        dirfd = _int32(args[dirfd_at]) if dirfd_at >= 0 else _AT_FDCWD
        got = (path_arg or _path_arg)(pid, tid, args[i], dirfd)
        if got is not None:
            out.append(got)
    return tuple(out)


def _path_arg(pid: int, tid: int, addr: int, dirfd: int,
              read_path: Callable[[int, int], bytes] = _read_path,
              link: Callable[[int, str], str | None] = _link) -> str | None:
    """The path argument at *addr*, relative to *dirfd* (AT_FDCWD: the working directory),
    made absolute and normalised; None when it is skipped (it cannot be read, or the
    directory it is relative to is not known). (The C loop's at_path_arg is the same.)"""
    try:
        raw = read_path(tid, addr)
    except OSError:
        return None
    path = raw.decode(_FS_ENCODING, _FS_ERRORS)   # (os.fsdecode's, without its calls)
    if path.startswith("/"):
        return join("", path)
    base = link(pid, "cwd" if dirfd == _AT_FDCWD else f"fd/{dirfd}")
    if base is None or not base.startswith("/"):
        return None
    return join(base, path)


def fd_text(pid: int, fd: int, *, details: bool = False) -> str | None:
    """What descriptor *fd* of process *pid* is open on, as strace's ``-y`` prints it
    (``/etc/passwd``, ``socket:[1234]``, ``pipe:[99]``), or with *details* as ``-yy``
    does (``TCP:[127.0.0.1:80->127.0.0.1:4242]``, ``/dev/null<char 1:3>``, ``pid:42``);
    None when it is not open (or the process is gone)."""
    link = _link(pid, f"fd/{fd}")
    if link is None or not details:
        return link
    text = fd_details(pid, fd, link, thread=pid)
    return link if text is None else str(text)


class PathFilter:
    """``paths=`` patterns, checked: exact paths, directory prefixes, globs."""

    __slots__ = ("exact", "prefixes", "globs", "glob")

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
                globs.append(p)
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
        self.globs = tuple(globs)   # (as given: see _pathrules.glob_program)
        self.glob = re.compile("|".join(map(fnmatch.translate, globs))) if globs else None

    def matches(self, path: str) -> bool:
        if path in self.exact or path.startswith(self.prefixes):
            return True
        return self.glob is not None and self.glob.match(path) is not None


def selector(patterns: PathFilter | None) -> Callable[[TraceEvent], bool]:
    """The stream's ``select`` (tracer thread, at the stop): sets ``event.paths`` and, with
    *patterns*, takes the syscall events that use a path that matches (as
    ``patterns.matches``, inlined)."""
    take = taker(patterns)

    def select(ev: TraceEvent) -> bool:
        if not isinstance(ev, (SyscallEntry, SyscallExit)):
            return True
        args = ev.args
        paths = take(ev.pid, ev.tid, ev.nr, ev.abi,
                     args._v if isinstance(args, Args) else tuple(args),
                     ev.retval if isinstance(ev, SyscallExit) else None)
        if paths is None:
            return False
        object.__setattr__(ev, "_paths", paths)
        return True

    return select


def taker(patterns: PathFilter | None) -> Callable[
        [int, int, int, str, tuple[int, ...], int | None], tuple[str, ...] | None]:
    """The decision of ``select`` made before the event is (the stream's ``take_paths``,
    tracer thread, at a syscall stop): from what ``stop_paths`` takes, the call's paths if
    the stream takes it, else None."""
    if patterns is not None:
        exact, prefixes, glob = patterns.exact, patterns.prefixes, patterns.glob
    # (the stream's own: it is only ever used by its tracer's thread)
    reader = _ffi.StopReader()
    string, readlink = reader.string, reader.link

    def read_path(tid: int, addr: int) -> bytes:
        got = string(tid, addr)
        return got if got is not None else Memory._create(tid).read_string(addr, _PATH_MAX)

    def link(pid: int, what: str) -> str | None:
        got = readlink(b"/proc/%d/%s" % (pid, what.encode()))
        return None if got is None else os.fsdecode(got)

    lib = _accel.helpers() if COMPILED else None
    if lib is not None:
        # the C loop's own at_path_arg, when the library is built (one call: about 2 us
        # less per path argument than the same steps in Python, on one CPU)
        resolve_arg = lib.path_arg
        buf = ctypes.create_string_buffer(_PATH_MAX + _PATH_MAX + 2)
        at = ctypes.addressof(buf)

        def path_arg(pid: int, tid: int, addr: int, dirfd: int) -> str | None:
            if resolve_arg(pid, tid, addr, dirfd, at) < 0:
                return None
            text: bytes = buf.value
            return text.decode(_FS_ENCODING, _FS_ERRORS)
    else:
        def path_arg(pid: int, tid: int, addr: int, dirfd: int) -> str | None:
            return _path_arg(pid, tid, addr, dirfd, read_path, link)

    def take(pid: int, tid: int, nr: int, abi: str, args: tuple[int, ...],
             retval: int | None) -> tuple[str, ...] | None:
        try:
            paths = stop_paths(pid, tid, nr, abi, args, retval, path_arg, link)
        except Exception:   # noqa: BLE001 - (on the tracer thread, which must go on)
            paths = ()
        if patterns is None:
            return paths
        for p in paths:
            if p in exact or p.startswith(prefixes) or (glob is not None and glob.match(p)):
                return paths
        return None

    return take


__all__ = ["PathFilter", "fd_text", "path_syscalls", "resolve", "selector", "stop_paths",
           "taker"]
