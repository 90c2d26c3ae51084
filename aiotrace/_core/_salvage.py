"""After a crash of the tracer thread's loop (a bug in aiotrace): nothing may be left
traced, stopped or unreaped.

The kernel would kill the tracees seized with PTRACE_O_EXITKILL and detach the others
when the tracer thread exits, but the killed processes would become zombies of the
application's threads. So, with the tables as they are: the processes of spawned families
are killed (as closing the tracer kills them) and reaped, every other tracee is detached
(PTRACE_DETACH works in a ptrace-stop only: a running one is interrupted first). Errors
are ignored: each tracee is dealt with on its own.
"""

from __future__ import annotations

import os
import signal
from functools import partial
from typing import Callable

from . import _ffi
from ._ffi import Req
from ._model import Tracees
from ._spawn import proc_status
from ._status import returncode

_WAIT_FLAGS = _ffi.WALL | _ffi.WNOTHREAD
_CONT, _DETACH, _INTERRUPT = int(Req.CONT), int(Req.DETACH), int(Req.INTERRUPT)
_raw_ptrace = _ffi.raw_ptrace


def salvage(tracees: Tracees, doorbell: int, reply: Callable[[Callable[[], None]], None]) -> None:
    """Kill and reap, or detach, every tracee; *doorbell* is the doorbell's pid (its stops
    go on); *reply* hands a killed root process's status to its Process."""
    waiting: set[int] = set()   # killed tids to reap, interrupted tids to detach
    killed: set[int] = set()    # pids of the processes killed
    for fam in list(tracees.families):
        if fam.root is None or not fam.root.spawned:
            continue
        for proc in fam.kill():
            killed.add(proc.pid)
            waiting.update(proc.threads)
    for th in list(tracees.threads.values()):
        if th.proc.pid in killed:
            continue
        if _raw_ptrace(_DETACH, th.tid, 0, 0) == 0:
            continue   # (it was in a ptrace-stop)
        if _raw_ptrace(_INTERRUPT, th.tid, 0, 0) == 0:
            waiting.add(th.tid)   # detached at the stop this brings
    for tid, status in list(tracees.early.items()):
        if os.WIFSTOPPED(status):
            _stop(tracees, tid, doorbell, killed, waiting)
    tracees.early.clear()
    while waiting:
        try:
            tid, status = os.waitpid(-1, _WAIT_FLAGS)
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if os.WIFSTOPPED(status):
            _stop(tracees, tid, doorbell, killed, waiting)
            continue
        waiting.discard(tid)
        dead = tracees.procs.get(tid)
        if dead is not None and dead.family.root is dead:
            dead.status = status   # (its wait() has it: the status is known)
            reply(partial(dead.family.on_death, returncode(status)))


def _stop(tracees: Tracees, tid: int, doorbell: int, killed: set[int],
          waiting: set[int]) -> None:
    """A stop seen while salvaging: a thread of a killed process (or a new one of its)
    goes on to its death; any other tracee is detached."""
    if tid == doorbell:
        _raw_ptrace(_CONT, tid, 0, 0)
        return
    th = tracees.threads.get(tid)
    if th is not None:
        pid = th.proc.pid
    else:
        tgid, ppid = proc_status(tid, b"Tgid", b"PPid")
        pid = tgid if tgid in killed else ppid
    if pid in killed:
        if th is None:
            try:
                os.kill(tid, signal.SIGKILL)
            except OSError:
                return
            waiting.add(tid)
        _raw_ptrace(_CONT, tid, 0, 0)   # (SIGKILL is pending: it dies)
    else:
        _raw_ptrace(_DETACH, tid, 0, 0)
        waiting.discard(tid)
