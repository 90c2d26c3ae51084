"""Process context: which program made an event (``comm``, ``exe``, ``argv``, ``cwd``, the
parent), as bpftrace's ``comm`` or strace's ``--decode-pids=comm`` give it, and the tree
of a traced family.

Asked for per stream (``Process.events(context=True)``), it costs nothing otherwise: no
field is read, no file opened. When asked, each event's ``context`` is a snapshot taken
while its thread is still stopped (for an observer on the tracer thread, at the stop; for
an intercepting engine when it takes the event, the thread being held), so that it is
right for that event even if the program changes its name (``prctl(PR_SET_NAME)``), its
directory (``chdir``) or its program (``execve``) right after:

* ``exe``, ``argv`` and the parent's pid change only at exec (or when the parent dies):
  they are read once per process and per exec, and kept. The tracer thread counts each
  process's exec stops (``Proc.execs``, an exec from a non-leader thread included) and
  notes the program's path there, so the keeper knows when what it kept is stale.
* ``comm`` (the thread's name, 15 bytes at most, as the kernel keeps it) and ``cwd`` are
  kept too, per thread and per process, and read again at the stops that change them:
  the exit of ``prctl(PR_SET_NAME)``, ``chdir`` and ``fchdir``, exec, and clone (the new
  thread's or process's). A family with an observer of ``context=True`` has a stream of
  the keeper's own for those stops (``watch``: a ``select`` that notes them on the tracer
  thread and delivers nothing). So an observer's context is a look-up, made where its
  event is made: on the C loop, when its record becomes an event, after the thread went
  on (the stop stays on the C loop's fast path). It is right for its event all the same,
  since every stop that changes a context is handled by Python, which first turns every
  record made before it into an event. What it does not see: a name written to
  ``/proc/PID/task/TID/comm`` (``pthread_setname_np`` on another thread) shows from that
  thread's next clone, exec or ``PR_SET_NAME``. Where a seccomp prefilter
  (``spawn(syscalls=)``) lets those calls run without a stop, the keeper is not used:
  each event's ``comm`` and ``cwd`` are read at its stop, as an engine's are (when it
  takes the event) and ``Process.context()``'s (now).

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
from typing import Any, Callable

from ._core._cloop._binding import NR
from ._core._events import Clone, Death, Exec, SyscallEntry, SyscallExit, TraceEvent
from ._core._model import Family, Subscription

#: the calls after which a process's context changes without an exec (see watch)
CHANGERS = ("prctl", "chdir", "fchdir")
_PR_SET_NAME = 15
#: a context-only capture reads nothing of the tracee: it may run once the thread went on
#: (the C loop's W_RECORD), for every call of its tables (see Capture(reads_nothing=))
ANY_TIME = {SyscallEntry: frozenset(range(NR)), SyscallExit: frozenset(range(NR))}


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


def _comm(pid: int, tid: int) -> str | None:
    raw = _read(f"/proc/{pid}/task/{tid}/comm")
    return raw.rstrip(b"\n").decode("utf-8", "backslashreplace") if raw else None


def _cwd(pid: int) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return None


def _exe(pid: int) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return None


def _argv(pid: int) -> tuple[str, ...] | None:
    raw = _read(f"/proc/{pid}/cmdline")
    if raw is None:
        return None
    return tuple(os.fsdecode(a) for a in raw.split(b"\0")[:-1]) if raw else ()


class Contexts:
    """One tracer's keeper of process contexts. *procs* is the tracer thread's table of
    processes (pid -> Proc), read (never changed) from either thread."""

    __slots__ = ("_procs", "_kept", "_names", "_cwds", "_watched", "_made", "_gen")

    def __init__(self, procs: dict[int, Any]) -> None:
        self._procs = procs
        # pid -> (its Proc, Proc.execs then, exe, argv, ppid); the Proc is None for a child
        # noted at its parent's clone stop, before its Proc is known
        self._kept: dict[int, tuple[Any, int, str | None, tuple[str, ...] | None, int | None]] = {}
        # (kept from the stops that change them: see watch)
        self._names: dict[int, dict[int, str]] = {}   # pid -> tid -> comm
        self._cwds: dict[int, str] = {}               # pid -> cwd
        self._watched: dict[int, Family] = {}         # id -> the families watched
        # tid -> (its Proc, Proc.execs then, its context as kept): what kept() made, until
        # a note changes it (see _set_name, _set_cwd) or the process execs
        self._made: dict[int, tuple[Any, int, ProcessContext]] = {}
        # bumped by each note that changes a name or a cwd, after the change and before
        # the contexts made from the old value are forgotten: kept() runs on the loop's
        # thread too, and forgets what it made if a note came while it made it
        self._gen = 0

    # -- the keeper's own stream (tracer thread) --------------------------------------

    def watch(self, fam: Family, syscalls: frozenset[int],
              subscribe: Callable[[Subscription], None]) -> bool:
        """Keep *fam*'s names and directories from its stops, by a stream of the keeper's
        own (*syscalls*: the keys of CHANGERS), subscribed once per family before the
        observer that asks (so that it sees an Exec first). False where a prefilter lets
        those calls run without a stop: the observer then reads them at each stop."""
        if fam.seccomp is not None and not syscalls <= fam.seccomp:
            return False
        for key in [k for k, f in self._watched.items() if f.ended]:
            del self._watched[key]
        if id(fam) not in self._watched:
            self._watched[id(fam)] = fam
            sub = Subscription(frozenset({SyscallExit, Exec, Clone}), syscalls, None, False,
                               1, True)
            sub.family = fam
            sub.select = self._note
            subscribe(sub)
            # What the family's threads are now, read once it is subscribed (so that a
            # change after this read is noted at its stop); kept only where no note came
            # first. Not at the first event, which is made once its thread went on: by
            # then the thread may have renamed itself (a spawned family is held here).
            for pid in list(fam.procs):
                self._fill(pid)
        return True

    def _fill(self, pid: int) -> None:
        try:
            tids = [int(t) for t in os.listdir(f"/proc/{pid}/task")]
        except (OSError, ValueError):
            return
        names = self._names.setdefault(pid, {})
        for tid in tids:
            comm = _comm(pid, tid)
            if comm is not None:
                names.setdefault(tid, comm)
        cwd = _cwd(pid)
        if cwd is not None:
            self._cwds.setdefault(pid, cwd)

    def _note(self, ev: TraceEvent) -> bool:
        """A stop that changes a context (tracer thread, the thread stopped): read again
        what it changed. Delivers nothing."""
        pid, tid = ev.pid, ev.tid
        if isinstance(ev, SyscallExit):
            if ev.retval == 0:
                if ev.name == "prctl":
                    if ev.args[0] == _PR_SET_NAME:
                        self._set_name(pid, tid, _comm(pid, tid))
                else:   # chdir, fchdir
                    self._set_cwd(pid, _cwd(pid))
        elif isinstance(ev, Exec):
            self._names.pop(pid, None)   # (the other threads are gone)
            self._set_name(pid, tid, _comm(pid, tid))
            self._kept.pop(pid, None)
            self._process(pid)
        elif isinstance(ev, Clone):
            cpid, ctid = ev.child_pid, ev.child_tid
            self._set_name(cpid, ctid, _comm(cpid, ctid))
            if ev.clone_type != "thread":   # (the child waits in its first stop)
                self._set_cwd(cpid, _cwd(cpid))
                self._kept[cpid] = (None, 0, _exe(cpid), _argv(cpid), _ppid(cpid))
        return False

    def _set_name(self, pid: int, tid: int, comm: str | None) -> None:
        names = self._names.setdefault(pid, {})
        if comm is None:
            names.pop(tid, None)
        else:
            names[tid] = comm
        self._gen += 1
        self._made.pop(tid, None)

    def _unmake(self, pid: int) -> None:
        """Forget the contexts made for the threads of process *pid*."""
        for tid, made in list(self._made.items()):   # (list(): a copy made at once)
            if made[2].pid == pid:
                self._made.pop(tid, None)

    def _set_cwd(self, pid: int, cwd: str | None) -> None:
        if cwd is None:
            self._cwds.pop(pid, None)
        else:
            self._cwds[pid] = cwd
        self._gen += 1
        self._unmake(pid)

    # -- contexts ----------------------------------------------------------------------

    def _process(self, pid: int) -> tuple[Any, int, str | None, tuple[str, ...] | None,
                                          int | None] | None:
        """What is kept of process *pid* (exe, argv, ppid), read again after an exec."""
        proc = self._procs.get(pid)
        kept = self._kept.get(pid)
        if proc is None:
            return kept
        if kept is not None and kept[0] is None and kept[1] == proc.execs:
            kept = (proc, *kept[1:])   # (noted at its parent's clone stop)
            self._kept[pid] = kept
        elif kept is None or kept[0] is not proc or kept[1] != proc.execs:
            exe = proc.exe or _exe(pid)
            kept = (proc, proc.execs, exe, _argv(pid), _ppid(pid))
            self._kept[pid] = kept
            if len(self._kept) > 2 * len(self._procs) + 64:
                # (forget the processes that are gone: a long build makes thousands)
                for gone in [p for p in self._kept if p not in self._procs]:
                    del self._kept[gone]
                    self._names.pop(gone, None)
                    self._cwds.pop(gone, None)
        return kept

    def snapshot(self, pid: int, tid: int, dead: bool = False) -> ProcessContext:
        """The context of thread *tid* of process *pid* now (its thread is stopped), or,
        *dead*, what was kept of it (its pid may be another process's already)."""
        if dead:
            return self._dead(pid, tid)
        kept = self._process(pid)
        comm = _comm(pid, tid)
        cwd = _cwd(pid)
        if kept is None:
            return ProcessContext(pid, tid, comm, None, None, cwd, None)
        return ProcessContext(pid, tid, comm, kept[2], kept[3], cwd, kept[4])

    def kept(self, pid: int, tid: int, dead: bool = False) -> ProcessContext:
        """The context of thread *tid* of process *pid* as kept from the stops of a
        watched family (see watch): a look-up, whatever the thread does now. What was
        never noted (a read that failed) is read now, and kept."""
        if dead:
            return self._dead(pid, tid)
        gen = self._gen
        made = self._made.get(tid)
        if made is not None:
            proc = made[0]
            if proc.execs == made[1] and proc is self._procs.get(pid):
                return made[2]   # (the common case: nothing changed since)
        kept = self._process(pid)
        names = self._names.get(pid)
        comm = names.get(tid) if names is not None else None
        if comm is None:
            comm = _comm(pid, tid)
            if comm is not None:   # (a stop's note, made meanwhile, wins)
                self._names.setdefault(pid, {}).setdefault(tid, comm)
        cwd = self._cwds.get(pid)
        if cwd is None:
            cwd = _cwd(pid)
            if cwd is not None:
                self._cwds.setdefault(pid, cwd)
        if kept is None:
            return ProcessContext(pid, tid, comm, None, None, cwd, None)
        ctx = ProcessContext(pid, tid, comm, kept[2], kept[3], cwd, kept[4])
        if kept[0] is not None and comm is not None and cwd is not None:
            if len(self._made) > 4096:
                self._made.clear()   # (threads that are gone: a long build makes thousands)
            self._made[tid] = (kept[0], kept[1], ctx)
            if self._gen != gen:   # (a note came meanwhile: what was read may be older)
                self._made.pop(tid, None)
        return ctx

    def _dead(self, pid: int, tid: int) -> ProcessContext:
        kept = self._kept.get(pid)
        if kept is None:
            return ProcessContext(pid, tid, None, None, None, None, None)
        return ProcessContext(pid, tid, None, kept[2], kept[3], None, kept[4])

    def forget(self, pid: int) -> None:
        self._unmake(pid)
        self._kept.pop(pid, None)
        self._names.pop(pid, None)
        self._cwds.pop(pid, None)

    def add_to(self, ev: TraceEvent) -> TraceEvent:
        """Set *ev*'s ``context``, read now (in place: the event is not handed out yet)."""
        if ev.context is None:
            object.__setattr__(ev, "_context", self.snapshot(ev.pid, ev.tid, type(ev) is Death))
        return ev

    def add_kept(self, ev: TraceEvent) -> TraceEvent:
        """Set *ev*'s ``context`` from what is kept (see kept)."""
        if ev.context is None:
            object.__setattr__(ev, "_context", self.kept(ev.pid, ev.tid, type(ev) is Death))
        return ev

    def kept_capture(self) -> Callable[[TraceEvent, Any], None]:
        """add_kept as a stream's capture function (the event's ``captured`` stays None),
        with kept()'s common case inlined: what an observer of ``context=True`` runs at
        each of its events, so it is kept short."""
        made, procs, kept = self._made, self._procs, self.kept
        setattr_ = object.__setattr__

        def capture(ev: TraceEvent, memory: Any) -> None:
            got = made.get(ev.tid)
            if (got is not None and got[0].execs == got[1] and got[0] is procs.get(ev.pid)
                    and type(ev) is not Death):
                setattr_(ev, "_context", got[2])
            else:
                setattr_(ev, "_context", kept(ev.pid, ev.tid, type(ev) is Death))

        return capture


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
