# SPDX-License-Identifier: GPL-2.0-or-later
"""/proc when it is not the tracer's PID namespace's: ``unshare -Urpf aiotrace run ...``
runs the tracer in a new PID namespace with the /proc of the old one mounted. The ids the
kernel gives the tracer (fork's, wait's, ptrace's) are then the new namespace's, and
/proc/N is another process: the tracer must find the directory of each of its tracees.

``/proc/P/status`` lists P's ids in each PID namespace from /proc's down to P's own
(``NSpid``, ``NStgid``...): the tracer's namespace is a level in those lists (its own
``NSpid`` count less one), and thread T of the tracer's is the one whose ``NSpid`` has T at
that level, in the tracer's namespace there (``/proc/P/ns/pid``, then
``ioctl(NS_GET_PARENT)`` as many levels up: namespaces at one level may be siblings).
When /proc is the tracer's (the usual case), every function here is the identity.
"""

from __future__ import annotations

import fcntl
import os
from typing import Iterator

TID, TGID, PGID, SID = 0, 1, 2, 3
_FIELDS = (b"NSpid:", b"NStgid:", b"NSpgid:", b"NSsid:")
_NS_GET_PARENT = 0xB702   # _IO(0xb7, 0x2)


def ns_ids(proc: int | str) -> list[list[int]] | None:
    """The NSpid, NStgid, NSpgid and NSsid lists of /proc/*proc*/status, or None."""
    try:
        with open("/proc/%s/status" % proc, "rb") as f:
            text = f.read()
    except OSError:
        return None
    out: list[list[int]] = [[], [], [], []]
    for line in text.splitlines():
        for k, field in enumerate(_FIELDS):
            if line.startswith(field):
                out[k] = [int(x) for x in line[len(field):].split()]
    return out if out[TID] else None


def ns_up(proc: int | str, up: int) -> int | None:
    """The inode of the PID namespace *up* levels above process *proc*'s own."""
    try:
        fd = os.open("/proc/%s/ns/pid" % proc, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        for _ in range(up):
            parent = fcntl.ioctl(fd, _NS_GET_PARENT)
            os.close(fd)
            fd = parent
        return os.fstat(fd).st_ino
    except OSError:
        return None
    finally:
        os.close(fd)


def numbered(path: str) -> Iterator[str]:
    """The entries of /proc (or of a task directory) that are ids."""
    try:
        names = os.listdir(path)
    except OSError:
        return
    for name in names:
        if name.isdigit():
            yield name


def everyone(threads: bool) -> Iterator[str]:
    """Every process's /proc directory (``P``) and, with *threads*, every other thread's
    (``P/task/T``)."""
    for p in numbered("/proc"):
        if threads:
            for t in numbered("/proc/%s/task" % p):
                if t != p:
                    yield "%s/task/%s" % (p, t)
        yield p


class _Me:
    level = -1          # the tracer's level in /proc's lists (-1: not read yet)
    ns: int | None = None
    found: dict[tuple[int, int, int], str] = {}   # (ns, id, kind) -> /proc directory


def me() -> type[_Me]:
    """The tracer's level and namespace, read once (a process never changes its own
    PID namespace)."""
    if _Me.level < 0:
        ids = ns_ids("self")
        _Me.ns = ns_up("self", 0)
        _Me.level = len(ids[TID]) - 1 if ids else 0
    return _Me


def matches(proc: str, ns: int, level: int, pid: int, kind: int) -> list[list[int]] | None:
    """The ids of process *proc* if it is *pid* (an id of type *kind*) of namespace *ns*
    (at *level*), else None."""
    ids = ns_ids(proc)
    if ids is None:
        return None
    got = ids[kind]
    if len(got) <= level or got[level] != pid or len(got) != len(ids[TID]):
        return None
    if ns_up(proc, len(got) - 1 - level) != ns:
        return None
    return ids


def find(ns: int, level: int, pid: int, kind: int,
         first: tuple[str, ...] = ()) -> tuple[str, list[list[int]]] | None:
    """The /proc directory and ids of id *pid* of type *kind* of namespace *ns* (at
    *level*): the directories *first*, the one found last time, then all of /proc."""
    key = (ns, pid, kind)
    last = _Me.found.get(key)

    def candidates() -> Iterator[str]:
        yield from first
        if last is not None:
            yield last
        yield from everyone(kind == TID)

    for p in candidates():
        ids = matches(p, ns, level, pid, kind)
        if ids is not None:
            _Me.found[key] = p
            return p, ids
    return None


def proc_dir(tid: int) -> str | None:
    """The /proc directory of thread *tid* of the tracer's namespace (``str(tid)`` when
    /proc is the tracer's), or None when it is not there."""
    m = me()
    if m.level == 0 or m.ns is None:
        return str(tid)
    got = find(m.ns, m.level, tid, TID)
    return None if got is None else got[0]


def status_fields(tid: int, names: tuple[bytes, ...]) -> dict[bytes, int]:
    """Numeric fields of thread *tid*'s /proc status when /proc is another namespace's:
    ``Tgid``, ``Pid``, ``PPid`` and ``TracerPid``, which /proc gives in its own namespace,
    are given in the tracer's (0: not in it)."""
    got = dict.fromkeys(names, 0)
    m = me()
    proc = proc_dir(tid)
    if proc is None:
        return got
    try:
        with open("/proc/%s/status" % proc, "rb") as f:
            lines = f.read().splitlines()
    except OSError:
        return got
    for line in lines:
        name, _, value = line.partition(b":")
        if name in got:
            got[name] = int(value.split()[0]) if name.startswith(b"NS") else int(value)
    ids = ns_ids(proc)
    for name in (b"Tgid", b"Pid"):
        if name in got:
            own = ids[TGID if name == b"Tgid" else TID] if ids else []
            got[name] = own[m.level] if len(own) > m.level else 0
    for name in (b"PPid", b"TracerPid"):
        if got.get(name):   # an id of /proc's namespace: the process's in ours
            other = ns_ids(got[name])
            got[name] = other[TID][m.level] if other and len(other[TID]) > m.level else 0
    return got
