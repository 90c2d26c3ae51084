"""Process context: which program made an event (``comm``, ``exe``, ``argv``, ``cwd``, the
parent), as bpftrace's ``comm`` or strace's ``--decode-pids=comm`` give it, and the tree
of a traced family.

Asked for per stream (``Process.events(context=True)``), it costs nothing otherwise: no
field is read, no file opened. When asked, each event's ``context`` is a snapshot taken
while its thread is still stopped (for an observer on the tracer thread, at the stop; for
an intercepting engine when it takes the event, the thread being held), so that it is
right for that event even if the program changes its name (``prctl(PR_SET_NAME)``), its
directory (``chdir``) or its program (``execve``) right after:

* ``comm`` (the thread's name, 15 bytes at most, as the kernel keeps it) and ``cwd`` are
  read at every snapshot: they change without a stop we would see;
* ``exe``, ``argv`` and the parent's pid change only at exec (or when the parent dies):
  they are read once per process and per exec, and kept. The tracer thread counts each
  process's exec stops (``Proc.execs``, an exec from a non-leader thread included) and
  notes the program's path there, so the keeper knows when what it kept is stale.

Facts from proc(5): ``/proc/PID/task/TID/comm`` is the thread's name (``PR_SET_NAME``
changes the calling thread's only; exec sets every thread's to the program's basename);
``/proc/PID/cmdline`` is the argv the program sees (NUL-separated, as it may have
rewritten it); ``/proc/PID/stat``'s fourth field (after the name in parentheses, which
may hold spaces and parentheses itself) is the parent's pid; ``/proc/PID/cwd`` a symlink
to the working directory. A process that is gone (a ``Death`` event) keeps what was kept
for it, and its ``comm`` and ``cwd`` are None.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ._core._events import Death, TraceEvent


@dataclass(frozen=True, slots=True)
class ProcessContext:
    """The context of the process that made an event, at its stop (``event.context``).

    ``comm`` is the name of the thread (*tid*) that made it; ``exe`` the program's path,
    ``argv`` its arguments as the program sees them, ``cwd`` its working directory,
    ``ppid`` its parent's pid. A field that could not be read (the process is gone) is
    None."""

    pid: int
    tid: int
    comm: str | None
    exe: str | None
    argv: tuple[str, ...] | None
    cwd: str | None
    ppid: int | None

    def __repr__(self) -> str:
        return (f"<ProcessContext pid={self.pid} tid={self.tid} comm={self.comm!r} "
                f"exe={self.exe!r} cwd={self.cwd!r} ppid={self.ppid}>")


def _read(path: str) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        return os.read(fd, 65536)
    except OSError:
        return None
    finally:
        os.close(fd)


def _ppid(pid: int) -> int | None:
    stat = _read(f"/proc/{pid}/stat")
    if not stat:
        return None
    try:
        return int(stat[stat.rindex(b")") + 2:].split(b" ", 2)[1])
    except (ValueError, IndexError):
        return None


def _argv(pid: int) -> tuple[str, ...] | None:
    raw = _read(f"/proc/{pid}/cmdline")
    if raw is None:
        return None
    return tuple(os.fsdecode(a) for a in raw.split(b"\0")[:-1]) if raw else ()


class Contexts:
    """One tracer's keeper of process contexts. *procs* is the tracer thread's table of
    processes (pid -> Proc), read (never changed) from either thread."""

    __slots__ = ("_procs", "_kept")

    def __init__(self, procs: dict[int, Any]) -> None:
        self._procs = procs
        # pid -> (its Proc, Proc.execs then, exe, argv, ppid)
        self._kept: dict[int, tuple[Any, int, str | None, tuple[str, ...] | None, int | None]] = {}

    def snapshot(self, pid: int, tid: int, dead: bool = False) -> ProcessContext:
        """The context of thread *tid* of process *pid* now (its thread is stopped), or,
        *dead*, what was kept of it (its pid may be another process's already)."""
        if dead:
            kept = self._kept.get(pid)
            if kept is None:
                return ProcessContext(pid, tid, None, None, None, None, None)
            return ProcessContext(pid, tid, None, kept[2], kept[3], None, kept[4])
        proc = self._procs.get(pid)
        kept = self._kept.get(pid)
        if proc is not None and (kept is None or kept[0] is not proc or kept[1] != proc.execs):
            exe = proc.exe or None
            if exe is None:
                try:
                    exe = os.readlink(f"/proc/{pid}/exe")
                except OSError:
                    exe = None
            kept = (proc, proc.execs, exe, _argv(pid), _ppid(pid))
            self._kept[pid] = kept
            if len(self._kept) > 2 * len(self._procs) + 64:
                # (forget the processes that are gone: a long build makes thousands)
                for gone in [p for p in self._kept if p not in self._procs]:
                    del self._kept[gone]
        raw = _read(f"/proc/{pid}/task/{tid}/comm")
        comm = raw.rstrip(b"\n").decode("utf-8", "backslashreplace") if raw else None
        try:
            cwd: str | None = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            cwd = None
        if kept is None:
            return ProcessContext(pid, tid, comm, None, None, cwd, None)
        return ProcessContext(pid, tid, comm, kept[2], kept[3], cwd, kept[4])

    def forget(self, pid: int) -> None:
        self._kept.pop(pid, None)

    def add_to(self, ev: TraceEvent) -> TraceEvent:
        """Set *ev*'s ``context`` (in place: the event is not handed out yet)."""
        if ev.context is None:
            object.__setattr__(ev, "_context", self.snapshot(ev.pid, ev.tid, type(ev) is Death))
        return ev


def tree(pids: list[int]) -> dict[int, list[int]]:
    """The parent -> children map of the processes *pids* (from /proc, now): every pid of
    *pids* is a key; a process whose parent is not in *pids* is a root (under key 0)."""
    out: dict[int, list[int]] = {pid: [] for pid in pids}
    out.setdefault(0, [])
    for pid in pids:
        ppid = _ppid(pid)
        out[ppid if ppid in out and ppid != pid else 0].append(pid)
    return out


__all__ = ["Contexts", "ProcessContext", "tree"]
