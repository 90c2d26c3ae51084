"""The life cycle of tracees: spawn, attach, new threads and children, deaths, detach,
close.

Facts this depends on (ptrace(2)):

* ``PTRACE_SEIZE`` does not stop the thread (``PTRACE_INTERRUPT`` does); with the
  TRACECLONE/FORK/VFORK options, the threads and children a tracee makes are traced from
  their first instruction, and their first stop can be reported before their parent's
  clone event: they wait in ``early`` until the parent's event claims them (see _stops);
* only a thread in a ptrace-stop can be detached (``PTRACE_DETACH`` of a running one
  fails): a running thread is interrupted first, and detached at that stop;
* a traced thread that is not its process's leader stays a zombie until its tracer reaps
  it, and a zombie leader is not reported until every other thread is reaped;
* ``PTRACE_O_EXITKILL`` (set for spawned tracees) kills them when the tracer thread ends.
"""

from __future__ import annotations

import errno
import os
import signal
import warnings
from functools import partial
from typing import TYPE_CHECKING, Callable

from . import _ffi
from ._arbiter import Arbiter
from ._cloop._slots import Slots
from ._ffi import Event, Opt, Req
from ._handoff import Handoff
from ._model import END, Family, Proc, Thread, Tracees, nothing
from ._pidfds import Pidfds
from ._resume import try_request
from ._seccomp import compile_filter
from ._spawn import (AttachError, SpawnError, attach_message, child, proc_status, resolve,
                     let_go, start_child)
from ._status import returncode

if TYPE_CHECKING:
    from ._cloop._binding import Lib
    from ._probes import Probes

_INTERRUPT, _DETACH, _CONT = int(Req.INTERRUPT), int(Req.DETACH), int(Req.CONT)


class Lifecycle:
    """Takes tracees on and lets them go."""

    def __init__(self, tracees: Tracees, arbiter: Arbiter, handoff: Handoff, slots: Slots,
                 pidfds: Pidfds) -> None:
        self.tracees = tracees
        self.threads = tracees.threads
        self.procs = tracees.procs
        self.families = tracees.families
        self.arbiter = arbiter
        self.handoff = handoff
        self.slots = slots
        self.pidfds = pidfds
        self.closing = False   # close() began: the tracer thread ends once no family is left
        self.probes: Probes | None = None   # (set by the tracer thread's composition)
        # the C loop's library, whose clone(CLONE_VM) starts tracees (None: os.fork)
        self.lib: Lib | None = None
        # the memory a child started by the library reads and runs on, by pid: kept until
        # its exec stop or its death is seen (a child detached before exec keeps it for good)
        self.child_memory: dict[int, object] = {}

    # -- taking tracees on -------------------------------------------------------------

    def spawn(
        self,
        fam: Family,
        argv: list[str],
        env: dict[str, str] | None,
        cwd: str | None,
        stdio: tuple[int | None, int | None, int | None],
        reply: Callable[[BaseException | None], None],
        cpus: frozenset[int] | None = None,
    ) -> None:
        """Fork a child that execs *argv* once seized; *reply* gets None once it has
        exec'd (see Stops: the exec stop), or the error."""
        env = dict(os.environ) if env is None else env
        path = resolve(fam.executable or argv[0], env.get("PATH", os.defpath), cwd)
        if isinstance(path, SpawnError):
            self.handoff.reply(lambda: reply(path))
            return
        bpf = compile_filter(fam.seccomp) if fam.seccomp is not None else None
        if bpf is not None:
            fam.options |= Opt.TRACESECCOMP
        go_r, go_w = os.pipe()
        err_r, err_w = os.pipe2(os.O_CLOEXEC)
        started = None
        if self.lib is not None:
            try:
                started = start_child(self.lib, path, argv, env, cwd, stdio,
                                      (go_r, go_w, err_r, err_w), bpf, cpus,
                                      fam.new_session, fam.sigmask)
            except OSError:
                for fd in (go_r, go_w, err_r, err_w):
                    os.close(fd)
                raise
        if started is not None:
            pid, memory = started
            self.child_memory[pid] = memory
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
            if pid == 0:  # the child: only async-signal-safe work until exec
                child(path, argv, env, cwd, stdio, go_r, go_w, err_r, err_w, bpf, cpus,
                      fam.new_session, fam.sigmask)
        os.close(go_r)
        os.close(err_w)
        proc = Proc(pid, fam, spawned=True)
        proc.pre_exec = True
        proc.errpipe = err_r
        proc.argv = list(argv)
        fam.root = proc
        fam.spawn_reply = reply
        try:
            fam.options |= Opt.EXITKILL   # kept by SETOPTIONS calls later on
            _ffi.seize(pid, fam.options)
        except OSError as exc:
            os.close(go_w)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            self.child_memory.pop(pid, None)
            os.close(err_r)
            e = AttachError(pid, exc.errno or 0, attach_message(pid, exc.errno or 0))
            self.handoff.reply(lambda: reply(e))
            return
        self.slots.family(fam)
        self.add_proc(proc)
        self.add_thread(proc, pid)
        self.families.append(fam)
        os.write(go_w, b"g")
        os.close(go_w)

    def attach(self, fam: Family, pid: int, reply: Callable[[BaseException | None], None]) -> None:
        """Seize *pid* (and, following, its other threads); *reply* gets None or the
        error."""
        if pid == os.getpid():
            e = AttachError(pid, errno.EPERM, (
                f"pid {pid} is this Python process: a process cannot trace itself (its "
                "tracer thread would stop the interpreter that runs it). Trace a child "
                "process instead."
            ))
            self.handoff.reply(lambda: reply(e))
            return
        proc = Proc(pid, fam)
        fam.root = proc
        # The thread *pid* first: if it cannot be traced, nothing is, and there is
        # nothing to undo (a seized thread runs on: only a stopped tracee can be detached).
        try:
            _ffi.seize(pid, fam.options)
        except OSError as exc:
            err = exc.errno or 0
            e = AttachError(pid, err, f"no process {pid}" if err == errno.ESRCH
                            else attach_message(pid, err))
            self.handoff.reply(lambda: reply(e))
            return
        seized = {pid}
        tried = {pid}
        while fam.follow:
            # ... then every other thread, until a listing shows no new one (each thread
            # seized from here on takes on the threads it creates itself)
            try:
                tids = {int(t) for t in os.listdir(f"/proc/{pid}/task")}
            except FileNotFoundError:
                break   # (it ends: its death comes, as a tracee's)
            new = tids - tried
            if not new:
                break
            for tid in sorted(new):
                tried.add(tid)
                try:
                    _ffi.seize(tid, fam.options)
                except OSError:
                    # ESRCH: it has exited; EPERM: it is exiting (the kernel refuses a
                    # task with an exit state), or traced already: by us, made by a thread
                    # seized above (its clone event takes it on), or by someone else. As
                    # strace does, the process is traced without it.
                    continue
                seized.add(tid)   # (its stops and death come to us, even if it ends now)
        self.slots.family(fam)
        self.add_proc(proc)
        for tid in seized:
            self.add_thread(proc, tid)
        self.families.append(fam)
        for th in list(proc.threads.values()):
            try_request(_INTERRUPT, th.tid, 0)
        self.handoff.reply(lambda: reply(None))

    def add_proc(self, proc: Proc) -> None:
        self.procs[proc.pid] = proc
        proc.family.procs[proc.pid] = proc
        self.pidfds.add(proc.pid)

    def add_thread(self, proc: Proc, tid: int) -> Thread:
        th = Thread(tid, proc)
        proc.threads[tid] = th
        self.threads[tid] = th
        self.slots.add(th)
        return th

    def new_tracee(self, parent: Thread, child: int, event: int,
                   tgid: int | None = None) -> tuple[str, int, int | None]:
        """Take on *child*, made by *parent* (*tgid*: the child's, when already read): its
        clone type, its pid, and the status of its first stop if that came first (kept in
        ``early``: the caller handles it now)."""
        proc = parent.proc
        if event == Event.CLONE:
            if tgid is None:
                tgid = proc_status(child, b"Tgid")[0]
            is_thread = tgid == proc.pid
        else:
            is_thread = False
        if is_thread:
            kid = self.add_thread(proc, child)
            clone_type = "thread"
            child_pid = proc.pid
        else:
            fam = proc.family
            clone_type = "vfork" if event == Event.VFORK else "fork"
            child_pid = child
            newp = Proc(child, fam)
            self.add_proc(newp)
            kid = self.add_thread(newp, child)
        self.slots.inherit(kid, parent)   # (options are inherited)
        return clone_type, child_pid, self.tracees.early.pop(child, None)

    # -- deaths ------------------------------------------------------------------------

    def thread_dead(self, th: Thread, status: int) -> None:
        proc = th.proc
        self.arbiter.abandon_stop(th)
        th.stopped = False
        self.threads.pop(th.tid, None)
        proc.threads.pop(th.tid, None)
        self.slots.drop(th)
        if not proc.detached:
            self.arbiter.dispatch_death(th, status)
        if th.tid == proc.pid:
            self.proc_dead(proc, status)
        elif not proc.threads and not proc.detached and proc.pid not in self.threads:
            # the last traced thread of a process whose leader was detached (a detach
            # that reached the leader first, while other threads were ending)
            self._untraced(proc)
            self._maybe_end(proc.family)

    def proc_dead(self, proc: Proc, status: int) -> None:
        proc.status = status
        self.tracees.dying.discard(proc.pid)
        for tid in list(proc.threads):
            gone = proc.threads.pop(tid)
            self.threads.pop(tid, None)
            self.slots.drop(gone)
            gone.gen += 1
        self.procs.pop(proc.pid, None)
        self.pidfds.drop(proc.pid)
        fam = proc.family
        reply = self.handoff.reply
        self.child_memory.pop(proc.pid, None)   # (reaped: it reads nothing any more)
        if proc.errpipe >= 0:
            # died before the exec of the target: the child wrote the exec errno
            try:
                data = os.read(proc.errpipe, 16)
            except OSError:
                data = b""
            os.close(proc.errpipe)
            proc.errpipe = -1
            if fam.spawn_reply is not None:
                done, fam.spawn_reply = fam.spawn_reply, None
                step, _, num = data.decode("ascii", "replace").partition(":")
                err = int(num) if num.strip().isdigit() else errno.ENOEXEC
                e = SpawnError(proc.argv[0] if proc.argv else "?", err, step or "exec")
                reply(lambda: done(e))
        if proc is fam.root:
            reply(partial(fam.on_death, returncode(status)))
        self._maybe_end(fam)
        if self.closing:
            # (a detached child of ours reaped after close() began: its family was all
            # that close() still waited for)
            self.forget(fam)

    def _maybe_end(self, fam: Family) -> None:
        """Once no process of *fam* is traced and alive: its streams end, and its
        Process is told."""
        if fam.ended or fam.live():
            return
        fam.ended = True
        reply = self.handoff.reply
        for sub in fam.subs:
            self.handoff.push(sub, END)
            reply(partial(sub.gone, 0))
        reply(fam.on_end)
        for done in fam.on_detached:
            reply(done)
        fam.on_detached.clear()
        self.forget(fam)

    def _still_reaping(self, fam: Family) -> bool:
        """A detached child of ours is still to be reaped (its wait() needs its status)."""
        return any(p.spawned and p.status is None for p in fam.procs.values())

    def forget(self, fam: Family) -> None:
        if fam.ended and fam in self.families and not self._still_reaping(fam):
            self.families.remove(fam)

    # -- letting go ----------------------------------------------------------------------

    def detach(self, fam: Family, done: Callable[[], None]) -> None:
        """Detach every thread of *fam* (running ones at the stop an interrupt brings);
        *done* runs on the loop once none is traced."""
        if fam.ended:
            self.handoff.reply(done)
            return
        fam.detaching = True
        if fam.cfam is not None:
            fam.publish()   # (its stops are Python's from now on)
        if fam.probes and self.probes is not None:
            self.probes.detach_family(fam)   # (every original byte back first)
        fam.on_detached.append(done)
        for proc in list(fam.procs.values()):
            for th in list(proc.threads.values()):
                if th.stopped:
                    self.detach_thread(th, th.decision.signo)
                else:
                    th.detach_requested = True
                    try_request(_INTERRUPT, th.tid, 0)
        self._maybe_end(fam)

    def detach_thread(self, th: Thread, sig: int) -> None:
        """Detach *th*, which is in a ptrace-stop, delivering *sig* (0: none)."""
        proc = th.proc
        if proc.space is not None and self.probes is not None:
            # (out of our breakpoints first; not yet if a trap of ours is pending: it
            # stops again for it at once, and is detached there)
            got = self.probes.detach_thread(th, sig)
            if got is None:
                th.detach_requested = True
                th.stopped = False
                th.gen += 1
                try_request(_CONT, th.tid, 0)
                return
            sig = got
        th.gen += 1
        th.pending.clear()
        th.chain_hold = None
        if th.listening:
            sig = 0  # stays in its group-stop, as untraced
        try_request(_DETACH, th.tid, sig)
        proc.threads.pop(th.tid, None)
        self.threads.pop(th.tid, None)
        self.slots.drop(th)
        if not proc.threads:
            self._untraced(proc)
        self._maybe_end(proc.family)

    def _untraced(self, proc: Proc) -> None:
        """*proc* has no traced thread left, and its leader was detached."""
        proc.detached = True
        if proc.spawned:
            self.procs[proc.pid] = proc   # still our child: reap it when it exits
        else:
            self.procs.pop(proc.pid, None)
            self.pidfds.drop(proc.pid)

    def kill_family(self, fam: Family) -> None:
        fam.kill()

    def close(self, kill_spawned: bool) -> None:
        """Stop tracing: kill or detach spawned families, detach attached ones; the
        tracer thread ends once no family is left."""
        self.closing = True
        for fam in list(self.families):
            if fam.ended:
                continue
            if (fam.root is not None and fam.root.spawned
                    and (kill_spawned or fam.seccomp is not None)):
                self.kill_family(fam)
            else:
                self.detach(fam, nothing)
        # Families that only wait for the reaping of a detached child of ours.
        for fam in list(self.families):
            self.forget(fam)
        # Children let go of before their exec may still run on the memory start_child
        # gave them (a killed one runs no more: it keeps it only until its death is seen)
        let_go.extend(self.child_memory.values())
        self.child_memory.clear()


__all__ = ["Lifecycle"]
