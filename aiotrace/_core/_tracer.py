"""The tracer thread: one OS thread that owns every tracee, and the parts it is made of.

Why a dedicated thread (facts this module depends on):

* The kernel checks ptrace requests against the tracer *thread*, not the process: every
  request for a tracee must come from the thread that seized it. So one thread spawns,
  seizes, waits for and resumes every tracee, and the event loop talks to it through a
  command queue (_handoff).
* ``waitpid(-1, __WALL | __WNOTHREAD)`` reports only the children and tracees of the
  calling thread. The application's own subprocesses (children of other threads) are
  never seen, so aiotrace never steals their exit statuses.
* To wake the thread while it blocks in ``waitpid``, the loop rings a doorbell
  (_doorbell).

The parts, each in its own module, in the order a stop goes through them:

* a loop collects the stops: ``_loop.PyLoop`` in Python, or ``_cloop.CLoop`` around the
  C loop, which handles the common syscall stops itself (_cloop);
* ``_stops.Stops`` classifies each stop and acts on it;
* ``_arbiter.Arbiter`` hands its event to the streams that want it, the engines one after
  the other, and merges their verdicts (_verdict);
* ``_resume.Resumer`` applies the decision and resumes the thread;
* ``_lifecycle.Lifecycle`` takes tracees on (spawn, attach, new threads and children) and
  lets them go (deaths, detach, close);
* ``_handoff.Handoff`` carries commands in and events out: the one part whose code runs
  on both threads.

Nothing here imports an async library; the loop side is ``aiotrace._reactor``.
"""

from __future__ import annotations

import signal
import threading
from typing import TYPE_CHECKING, Any, Callable

from . import _ffi
from ._cloop import _binding as _accel
from ._arbiter import Arbiter
from ._cloop._loop import CLoop
from ._cloop._slots import CResumer, CSlots, Slots
from ._doorbell import Doorbell
from ._ffi import Opt
from ._handoff import AWAKE, Handoff
from ._lifecycle import Lifecycle
from ._loop import PyLoop
from ._model import Family, Hold, Proc, Subscription, Thread, Tracees
from ._pidfds import Pidfds
from ._resume import Resumer
from ._salvage import salvage
from ._stops import Stops
from ._verdict import Verdict

if TYPE_CHECKING:
    from ._probes import Probe, Probes

# (and SIGCHLD: every ptrace-stop sends one to this thread's process; ignored by default,
# it is dropped at once, unless the thread it is sent to blocks it, which queues it for
# another thread and wakes the event loop's at every stop)
_SYNCHRONOUS = {signal.SIGSEGV, signal.SIGBUS, signal.SIGFPE, signal.SIGILL, signal.SIGTRAP,
                signal.SIGSYS, signal.SIGABRT, signal.SIGCHLD}

BASE_OPTIONS = Opt.TRACESYSGOOD | Opt.TRACEEXEC | Opt.TRACEEXIT
# Without follow, no new thread or child is ever seized (as strace without -f): only the
# spawned process's first thread, or the attached thread, is traced. clone() of a thread
# or of a child without SIGCHLD reports PTRACE_EVENT_CLONE; fork()-like clones report
# PTRACE_EVENT_FORK, vfork() PTRACE_EVENT_VFORK; each only if its option is set.
FOLLOW_OPTIONS = Opt.TRACECLONE | Opt.TRACEFORK | Opt.TRACEVFORK


class TracerThread:
    """The tracer thread and everything it owns. Made on the loop thread, which then
    talks to it only through the hand-off: ``post(command)`` runs a command (one of the
    methods below marked *command*) on the tracer thread; events and replies come back
    through *notify* (the loop's wake-up) and the hand-off's outbox.

    *make_ctl* wraps an engine's hold in the loop side's verdict handle; *notify_fd* is
    the loop's pipe, which the C loop writes to directly (-1: no C loop)."""

    def __init__(
        self,
        notify: Callable[[], None],
        make_ctl: Callable[..., Any],
        notify_fd: int = -1,
    ) -> None:
        self.tracees = tr = Tracees()
        self.threads, self.procs = tr.threads, tr.procs
        self.bell = Doorbell(self._bell_changed)
        # The C loop (_cloop/_accel_*.c), when it is built and the loop side can be woken through
        # *notify_fd*: it waits for the stops and handles the common ones without the GIL.
        lib = _accel.load() if notify_fd >= 0 else None
        self.accel: _accel.Accel | None = _accel.Accel(lib) if lib is not None else None
        ac = self.accel
        ho = self.handoff = Handoff(notify, make_ctl, ac, self.bell, tr.threads, self)
        self.pidfds = Pidfds(ho.wake_r, ac)
        if ac is not None:
            c = ac.core
            c.notify_fd = notify_fd
            c.wake_r, c.wake_w = ho.wake_r, ho.wake_w
            # PTRACE_GET_SYSCALL_INFO goes into the C loop's buffer, which holds it already
            # when the C loop hands a syscall stop over (info_tid)
            info = c.info
            slots: Slots = CSlots(ac)
            resumer: Resumer = CResumer(info)
        else:
            info = _ffi.SyscallInfo()
            slots = Slots()
            resumer = Resumer(info)
        self.arbiter = Arbiter(ho, resumer, slots, tr.threads, self)
        self.lifecycle = Lifecycle(tr, self.arbiter, ho, slots, self.pidfds)
        # (the children start with clone(CLONE_VM) from the C library, see _accel_spawn.c)
        self.lifecycle.lib = self.bell.lib = lib
        self.stops = Stops(tr, self.arbiter, self.lifecycle, resumer, ho, slots, self.bell,
                           info, lambda: self.tid)
        # breakpoints (Process.probe): made by the first probe armed (_made_probes)
        self.probes: Probes | None = None
        self._loop: PyLoop | CLoop = (
            CLoop(tr, self.stops, ho, self.lifecycle, ac) if ac is not None
            else PyLoop(tr, self.stops, ho, self.lifecycle, self.pidfds))
        ho.take_subscriptions = self.arbiter.take_subscriptions
        # the hand-off's entry points, for the loop thread
        self.post, self.post_verdict, self.release_c = ho.post, ho.post_verdict, ho.release_c
        self.convert_on_loop, self.subscribe = ho.convert_on_loop, ho.subscribe
        self.thread: threading.Thread | None = None
        self.tid = 0
        self.start_error: BaseException | None = None
        self.finished = False
        self.crash: BaseException | None = None

    # -- the thread ----------------------------------------------------------------------

    def start(self) -> None:
        """Start the thread (loop thread)."""
        self.thread = threading.Thread(target=self._main, name="aiotrace-tracer", daemon=True)
        self.thread.start()

    def _main(self) -> None:
        ho = self.handoff
        # Signals sent to the process (a terminal's ^C, a Jupyter kernel's interrupt, a
        # timer) go to a thread that does not block them: not this one, so that Python's
        # main thread gets them, and wakes if it sleeps in a blocking call (time.sleep)
        # instead of waiting for the end of it. (The faults of an instruction are left
        # open: blocked, they would kill the process. Children reset the mask.)
        signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals() - _SYNCHRONOUS)
        try:
            self.tid = _ffi.gettid()
            self.bell.start()
        except BaseException as exc:  # noqa: BLE001 - reported to the opener
            self.start_error = exc
            ho.notify()   # (the loop's first wake-up: see start_tracer)
            return
        ho.notify()   # the loop's first wake-up tells it the thread runs
        try:
            self._loop.run()
        except BaseException as exc:
            # A bug in aiotrace: the loop side is told (Tracer raises it to its callers),
            # and nothing is left traced, stopped or unreaped.
            self.crash = exc
            import traceback   # (imported here: start-up time)
            traceback.print_exc()
            salvage(self.tracees, self.bell.pid, ho.reply)
        finally:
            ho.sleeping = AWAKE   # (for good: no ring from now on)
            for step in (self._convert_last, self._close_cpu_fds, self.bell.stop, self.pidfds.drop_all,
                         ho.send_direct):
                try:
                    step()
                except BaseException as exc:  # noqa: BLE001 - the end must be told anyway
                    if self.crash is None:
                        self.crash = exc
            self.finished = True
            ho.notify()  # always: the loop side waits for `finished`

    def _convert_last(self) -> None:
        if self.accel is not None:
            self.handoff.convert(self.handoff.direct)   # records made before the end

    def _close_cpu_fds(self) -> None:
        if self.accel is not None:   # (the slots left, after a crash: see salvage)
            self.accel.lib.close_fds(self.accel.ptr)

    def _bell_changed(self, pid: int, fd: int) -> None:
        if self.accel is not None:
            self.accel.core.doorbell = pid
            self.accel.core.doorbell_fd = fd

    def close_fds(self) -> None:
        """The wake pipe and the doorbell's pidfd, once the thread has finished and been
        joined (a ring that read the thread asleep just before its end may still use them
        until then). Loop thread; once."""
        if self.probes is not None:
            from . import _unwind
            tables = _unwind.thread_tables
            tables[:] = [t for t in tables if t is not self.threads]
        self.handoff.close()
        self.bell.close()

    @property
    def stops_seen(self) -> int:
        """Every waitpid report of a tracee (the doorbell's are not counted)."""
        return self.stops.count + (self.accel.core.stops if self.accel is not None else 0)

    # -- commands (posted by the loop thread, run on the tracer thread) ------------------

    def spawn(
        self, fam: Family, argv: list[str], env: dict[str, str] | None, cwd: str | None,
        stdio: tuple[int | None, int | None, int | None],
        reply: Callable[[BaseException | None], None], cpus: frozenset[int] | None = None,
    ) -> None:
        self.lifecycle.spawn(fam, argv, env, cwd, stdio, reply, cpus)

    def attach(self, fam: Family, pid: int, reply: Callable[[BaseException | None], None]) -> None:
        self.lifecycle.attach(fam, pid, reply)

    def resume_family(self, fam: Family) -> None:
        self.arbiter.resume_family(fam)

    def release(self, hold: Hold, verdict: Verdict | None = None,
                regs: _ffi.UserRegs | None = None) -> None:
        self.arbiter.release(hold, verdict, regs)

    def release_on_error(self, hold: Hold) -> None:
        self.arbiter.release_on_error(hold)

    def add_hold(self, hold: Hold) -> None:
        self.arbiter.add_hold(hold)

    def interrupt(self, fam: Family, tids: Any = None, report: bool = False) -> None:
        self.arbiter.interrupt(fam, tids, report)

    def close_sub(self, sub: Subscription) -> None:
        self.arbiter.close_sub(sub)

    def detach(self, fam: Family, done: Callable[[], None]) -> None:
        self.lifecycle.detach(fam, done)

    def kill_family(self, fam: Family) -> None:
        self.lifecycle.kill_family(fam)

    def close(self, kill_spawned: bool) -> None:
        self.lifecycle.close(kill_spawned)

    def arm_probe(self, fam: Family, probe: Probe,
                  reply: Callable[[BaseException | None], None]) -> None:
        probes = self.probes
        if probes is None:
            probes = self._made_probes()
        probes.arm(fam, probe, reply)

    def _made_probes(self) -> Probes:
        """The breakpoints' machinery, hooked in the stops, the resumer and the life cycle:
        made when the first probe is armed, so that a run without one imports none of it
        (_probes, _breakpoints, _symbols, _unwind...: start-up time, issue 24). Until then
        each hook is None, which they all expect. Tracer thread."""
        from . import _unwind
        from ._probes import Probes
        probes = self.probes = Probes(self.arbiter.dispatch, self.arbiter.release_if_free,
                                      self.stops.handle, self.handoff.reply,
                                      self.accel is not None)
        self.stops.probes = self.lifecycle.probes = probes
        _unwind.thread_tables.append(self.threads)   # (stacks of threads in probed calls)
        self.arbiter.probes = self.arbiter.resumer.probes = probes
        return probes

    def reply(self, fn: Callable[[], None]) -> None:
        self.handoff.reply(fn)


Core = TracerThread   # (the reactor's name for it, until the reactor is reshaped)

__all__ = [
    "BASE_OPTIONS", "FOLLOW_OPTIONS", "Core", "Family", "Hold", "Proc", "Subscription",
    "Thread", "TracerThread",
]
