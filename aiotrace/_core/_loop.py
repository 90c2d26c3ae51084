"""The tracer thread's loop in Python: wait for stops, drain them all, run commands
(and TracerLoop, what it shares with the C loop's CLoop in _cloop/_loop.py).

Used when the C loop (_cloop) is not built or ``AIOTRACE_ACCEL=0``; the same rules, at a
higher cost per stop. Facts this depends on:

* ``waitpid(-1, __WALL | __WNOTHREAD)`` reports only this thread's own children and
  tracees: the application's subprocesses are never reaped here;
* drain before dispatch: after a wake-up, every pending stop is collected (``WNOHANG``)
  before the loop side is woken, as strace does, so that no engine runs before the whole
  batch is known and no tracee starves another;
* a thread in a ptrace-stop cannot report anything but its death: with every tracee held,
  the thread sleeps in poll() on the wake pipe and the pidfds (_pidfds) instead of in
  waitpid, after turning PTRACE_O_TRACEEXIT off, so that a killed thread dies at once
  instead of stopping again in PTRACE_EVENT_EXIT, which no pidfd would report.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable

from . import _ffi
from ._ffi import Opt, Req
from ._handoff import AWAKE, IN_POLL, IN_WAITPID, Handoff
from ._lifecycle import Lifecycle
from ._model import Tracees
from ._pidfds import Pidfds
from ._stops import Stops

WAIT_FLAGS = _ffi.WALL | _ffi.WNOTHREAD


@dataclass(eq=False)
class TracerLoop:
    """What both tracer loops work with: this module's PyLoop and _cloop's CLoop."""

    tracees: Tracees
    stops: Stops
    handoff: Handoff
    lifecycle: Lifecycle

    def over(self) -> bool:
        """Whether close() has let every family go: the loop ends."""
        return self.lifecycle.closing and not self.tracees.families


@dataclass(eq=False)
class PyLoop(TracerLoop):
    pidfds: Pidfds

    def run(self) -> None:
        """Until close() has let every family go."""
        ho = self.handoff
        commands = ho.commands
        handle = self.stops.handle
        waitpid = os.waitpid
        poll = self.pidfds.poll.poll
        # whether every tracee is held, as checked after the last stop (None: not known)
        held: bool | None = None
        while True:
            if commands:
                held = None
                while commands:
                    commands.popleft()()
            if self.over():
                ho.flush()
                return
            if held is None:
                held = self._all_stopped()
            if held and (off := exit_stops_off(self.tracees)):
                held = None
                if off == 2 and self.drain():
                    continue
                # Wake the loop only now, right before we sleep: it would otherwise wait
                # for the GIL while we prepare.
                ho.flush()
                # Every tracee is stopped, held for engines (see the module's docstring):
                # wait for a command on the wake pipe, or a death, without the doorbell's
                # three context switches.
                ho.rung = False   # a ring of an earlier sleep may be unconsumed
                ho.sleeping = IN_POLL
                if commands:
                    ho.sleeping = AWAKE
                    continue
                try:
                    ready = poll()
                finally:
                    ho.sleeping = AWAKE
                wake_r = ho.wake_r
                if ready and ready[0][0] == wake_r or any(fd == wake_r for fd, _ in ready):
                    try:
                        os.read(wake_r, 4096)
                    except BlockingIOError:
                        pass
                    ho.rung = False
                    # Only a pidfd (a SIGKILL) can make a stop or death reportable while
                    # everything is held: drain only when poll saw one too.
                    if len(ready) > 1:
                        self.drain()
                    continue
                if self.drain():
                    continue
                # a pidfd is readable but nothing can be reaped yet: wait in waitpid
            held = None
            if ho.outbox or ho.direct:
                ho.flush()
            ho.rung = False
            ho.sleeping = IN_WAITPID
            if commands:
                ho.sleeping = AWAKE
                continue
            try:
                pid, status = waitpid(-1, WAIT_FLAGS)
            finally:
                ho.sleeping = AWAKE
            handle(pid, status)
            # Drain before dispatch, unless every tracee is now held: none can report a
            # stop then, and a death is seen by the pidfd poll above (as it is when it
            # comes a moment later).
            held = self._all_stopped()
            if not held and self.drain():
                held = None

    def drain(self, waitpid: Callable[[int, int], tuple[int, int]] = os.waitpid) -> bool:
        """Collect every pending stop before anything is handed to the loop."""
        got = False
        handle = self.stops.handle
        while True:
            try:
                pid, status = waitpid(-1, WAIT_FLAGS | os.WNOHANG)
            except ChildProcessError:
                return got
            if pid == 0:
                return got
            got = True
            handle(pid, status)

    def _all_stopped(self) -> bool:
        threads = self.tracees.threads
        if not threads:
            return False
        for th in threads.values():
            if not th.stopped:
                return False
        return self.tracees.every_death_seen()


def exit_stops_off(tracees: Tracees) -> int:
    """PTRACE_O_TRACEEXIT off for every (stopped) thread: 0 if one is already on its
    way out of its stop (SIGKILL), so that waitpid must be used; 2 if an option had
    to be changed now (a stop may have slipped in before: drain first), else 1."""
    changed = 1
    for th in tracees.threads.values():
        if not th.exit_off:
            opts = th.proc.family.options
            if opts & Opt.TRACEEXIT:
                try:
                    _ffi.ptrace(Req.SETOPTIONS, th.tid, 0, opts & ~Opt.TRACEEXIT)
                except OSError:
                    return 0
                changed = 2
            th.exit_off = True
    return changed


__all__ = ["PyLoop", "WAIT_FLAGS", "exit_stops_off"]
