"""Arbitration among engines: who sees a stop, in which order, and when the thread goes on.

The rules are utrace's (docs/engines.md):

* an event goes to every stream of the thread's family that wants it (its types, its
  syscalls, its tids); intercepting streams (*engines*) get it with the thread stopped,
  one after the other, each with a verdict handle; observers get it once the last engine
  has decided, with the arguments and return value after every verdict;
* on a syscall entry the engine attached last is asked first, elsewhere the first; each
  sees what the previous ones decided (``event.verdict``), and its verdict is merged into
  the stop's decision (_verdict.py);
* a thread goes on when nothing holds it any more: no engine's verdict pending, no
  ``hold()`` handle, no full buffer of a lossless stream (*backpressure*), and not the
  spawn/attach hold (until ``resume()``);
* a thread that leaves its stop without our resume (SIGKILL) voids its holds, and the
  engine that held it is told.
"""

from __future__ import annotations

import ctypes
import os
import signal
import time
from collections import deque
from typing import TYPE_CHECKING, Any, Iterable

from . import _ffi
from ._args import Args
from ._cloop._slots import Slots
from ._events import (
    EXTRAS, Death, GroupStop, Interrupt, SyscallEntry, SyscallExit, TraceEvent, with_field,
)
from ._ffi import Req
from ._handoff import Handoff
from ._model import END, NO_NRS, Family, Hold, Subscription, Thread, capture, wanted
from ._onerror import verdict as on_error_verdict
from ._resume import Resumer, try_request
from ._syscalls import ABIS, make_key
from ._probe_events import ProbeHit
from ._verdict import CLEAN, Verdict, merge, rewritten_args, seen_by_next

if TYPE_CHECKING:
    from ._probes import Probes

_NR_EXECVE = 59
_GETREGS = int(Req.GETREGS)
_INTERRUPT = int(Req.INTERRUPT)
_raw_ptrace = _ffi.raw_ptrace
# th.pending when one engine alone has the stop (never appended to)
_NO_ENGINES: deque[Subscription] = deque()
# the events whose engines are asked the last attached first (they decide about a call)
_LAST_FIRST = frozenset({SyscallEntry, ProbeHit})
_CALLS = (SyscallEntry, SyscallExit)


class Arbiter:
    """Hands stops to the engines and observers, collects their verdicts, and resumes a
    thread when nothing holds it. *owner* is what the engines' verdict handles post to
    (the TracerThread)."""

    def __init__(self, handoff: Handoff, resumer: Resumer, slots: Slots,
                 threads: dict[int, Thread], owner: Any) -> None:
        self.handoff = handoff
        self.resumer = resumer
        self.slots = slots
        self.threads = threads
        self._owner = owner
        self._push = handoff.push
        self._go_on = resumer.go_on
        self.probes: Probes | None = None   # (set by the tracer thread's composition)

    # -- a stop's event, to its streams ------------------------------------------------

    def dispatch(
        self, th: Thread, cls: type[TraceEvent], filter_nr: int | None, **fields: Any
    ) -> None:
        """The event of *th*'s stop, to the streams that want it (*filter_nr*: the
        syscall's key, as the streams' syscalls= sets hold them; None for other events),
        then the thread goes on once nothing holds it."""
        fam = th.proc.family
        tid = th.tid
        subs = fam.subs
        ho = self.handoff
        if len(subs) == 1:
            sub = subs[0]
            if not sub.wants(cls, tid, filter_nr):
                self.release_if_free(th)
                return
        elif len(subs) == 2:   # (a stream and the tracer's own, as context=True's keeper)
            sub, other = subs
            # (wants(), without its call where the stream's syscalls say no: the keeper's)
            wants = ((filter_nr is None or sub.syscalls is None or filter_nr in sub.syscalls)
                     and sub.wants(cls, tid, filter_nr))
            other_wants = ((filter_nr is None or other.syscalls is None
                            or filter_nr in other.syscalls)
                           and other.wants(cls, tid, filter_nr))
            if wants == other_wants:
                self._dispatch_many(th, cls, filter_nr, list(subs) if wants else [], fields)
                return
            if other_wants:
                sub = other
        else:
            wanting = [s for s in subs if s.wants(cls, tid, filter_nr)]
            if len(wanting) != 1:
                self._dispatch_many(th, cls, filter_nr, wanting, fields)
                return
            sub = wanting[0]
        # The common case, one stream, without the lists of _dispatch_many.
        take = sub.take_paths
        if take is not None and not sub.intercept and cls in _CALLS:
            self._take_paths(th, sub, take, cls, fields)
            return
        ho.seq += 1
        base = (th.proc.pid, tid, ho.seq, time.monotonic_ns())
        if sub.intercept:
            th.event = (cls, base, fields)
            th.pending = _NO_ENGINES
            if not self._intercept(th, sub, cls, base, fields):
                self.release_if_free(th)
        elif ((sub.oldest or sub.pushed - sub.taken < sub.max_buffer)
              and sub.select is None
              and (sub.capture is None or filter_nr in sub.late.get(cls, NO_NRS))):
            # Nothing to read at the stop (or nothing the thread can change before
            # its next stop: Capture(after_resume=)), no backpressure: the thread goes
            # on first, and its event is made (and captured) while it runs. What the
            # tracee waits for is the resume; on two CPUs this takes the event's
            # making off its path.
            self.release_if_free(th)
            ev = cls(*base, **fields)
            if sub.capture is not None:   # (_observe's part that applies here)
                got = capture(sub, ev, th.memory)
                if got is not None:   # (None: as made; context=True's capture sets a field)
                    object.__setattr__(ev, "captured", got)
            self._push(sub, ev)
        else:
            self._observe(th, sub, cls(*base, **fields), fresh=True)
            self.release_if_free(th)

    def _take_paths(self, th: Thread, sub: Subscription, take: Any, cls: type[TraceEvent],
                    fields: dict[str, Any]) -> None:
        """dispatch() of a syscall stop to one ``paths=`` observer: its paths read and
        matched first (``take_paths``), the event made only for a call it takes, after the
        thread went on (unless a capture or a full buffer needs the stop)."""
        args = fields["args"]
        paths = take(th.proc.pid, th.tid, fields["nr"], fields.get("abi", "x86_64"),
                     args._v if type(args) is Args else tuple(args), fields.get("retval"))
        if paths is None:
            self.release_if_free(th)
            return
        ho = self.handoff
        ho.seq += 1
        ev = cls(th.proc.pid, th.tid, ho.seq, time.monotonic_ns(), **fields)
        object.__setattr__(ev, "_paths", paths)
        if sub.capture is None and (sub.oldest or sub.pushed - sub.taken < sub.max_buffer):
            self.release_if_free(th)   # (the thread first, as dispatch's observers)
            self._push(sub, ev)
        else:
            self._observe(th, sub, ev, fresh=True, selected=True)
            self.release_if_free(th)

    def _dispatch_many(self, th: Thread, cls: type[TraceEvent], filter_nr: int | None,
                       wanting: list[Subscription], fields: dict[str, Any]) -> None:
        """dispatch(), to the streams *wanting* (none, or more than one)."""
        if not wanting:
            self.release_if_free(th)
            return
        interceptors: list[Subscription] = []
        observers: list[Subscription] = []
        for sub in wanting:
            (interceptors if sub.intercept else observers).append(sub)
        ho = self.handoff
        tid = th.tid
        ho.seq += 1
        base = (th.proc.pid, tid, ho.seq, time.monotonic_ns())
        if interceptors:
            if len(interceptors) > 1:
                if cls in _LAST_FIRST:
                    interceptors.sort(key=lambda s: -s.order)  # last attached decides first
                else:
                    interceptors.sort(key=lambda s: s.order)
            # Each interceptor gets its own event object (its own verdict handle), made
            # when its turn comes; observers get one made after the last verdict.
            th.event = (cls, base, fields)
            th.pending = deque(interceptors)
            th.pending.extend(observers)
            self._next_engine(th)
        else:
            for sub in observers:
                if ((sub.capture is not None and filter_nr not in sub.late.get(cls, NO_NRS))
                        or sub.select is not None
                        or (sub.pushed - sub.taken >= sub.max_buffer and not sub.oldest)):
                    ev = cls(*base, **fields)
                    for obs in observers:
                        self._observe(th, obs, ev)
                    self.release_if_free(th)
                    return
            self.release_if_free(th)   # (as above: the thread first)
            ev = cls(*base, **fields)
            for sub in observers:
                if sub.capture is None:
                    self._push(sub, ev)
                else:   # (a capture that may run once the thread went on)
                    self._observe(th, sub, ev)

    def _next_engine(self, th: Thread) -> None:
        """Hand the current stop to the next intercepting engine, then to the observers."""
        pending = th.pending
        final = None
        while pending:
            sub = pending.popleft()
            if sub.closed:
                continue
            cls, base, fields = th.event
            if sub.intercept:
                if self._intercept(th, sub, cls, base, fields):
                    return
                continue
            if final is None:
                final = self._final_event(th, cls, base, fields)
            self._observe(th, sub, final)
        self.release_if_free(th)

    def _intercept(
        self, th: Thread, sub: Subscription, cls: type[TraceEvent], base: tuple[int, ...],
        fields: dict[str, Any],
    ) -> bool:
        """Hand the stop to one intercepting engine: it holds the thread until its verdict
        (False: the stream's ``select`` does not take the event)."""
        probe = None
        if sub.select is not None:
            probe = cls(*base, **fields)
            if not sub.select(probe):
                return False
        hold = Hold(th, sub)
        th.holds += 1
        th.chain_hold = hold
        regs = _ffi.UserRegs()
        if _raw_ptrace(_GETREGS, th.tid, 0, ctypes.addressof(regs)) == -1:
            got: _ffi.UserRegs | None = None   # killed meanwhile: its death is reported next
        else:
            got = regs
        ctl = self.handoff.make_ctl(self._owner, hold, got, seen_by_next(th.decision))
        ev = cls(*base, **fields, _ctl=ctl)
        if probe is not None:
            for name in EXTRAS:   # (what select found out: the paths)
                if hasattr(probe, name):
                    object.__setattr__(ev, name, getattr(probe, name))
        self._push(sub, ev)
        return True

    def _final_event(
        self, th: Thread, cls: type[TraceEvent], base: tuple[int, ...], fields: dict[str, Any]
    ) -> TraceEvent:
        """What observers see: the arguments and return value after every verdict."""
        d = th.decision
        asked = None
        if cls is SyscallEntry and (d.nr is not None or d.args is not None):
            asked = (fields["nr"], fields["args"])
            nr = d.nr if d.nr is not None else fields["nr"]
            vals = tuple(fields["args"])
            if d.args is not None:
                vals = rewritten_args(vals, d.args)
            abi = fields.get("abi")
            if abi is None:
                fields = {"nr": nr, "args": Args(vals, nr, th.tid)}
            else:   # (a call of another ABI: its number is of that ABI's table)
                key = make_key(ABIS.index(abi), nr)
                fields = {"nr": nr, "args": Args(vals, key, th.tid), "abi": abi}
        elif cls is SyscallExit and d.set_return is not None:
            fields = dict(fields, retval=d.set_return)
        elif cls is ProbeHit and d.args is not None:
            fields = dict(fields, args=rewritten_args(tuple(fields["args"]), d.args))
        ev = cls(*base, **fields)
        if asked is not None:
            object.__setattr__(ev, "_asked", asked)   # (SyscallEntry.asked)
        return ev

    def _observe(self, th: Thread, sub: Subscription, ev: TraceEvent, fresh: bool = False,
                 selected: bool = False) -> None:
        """*fresh*: nobody else has *ev*, which may take its ``captured`` value in place;
        *selected*: the stream's ``select`` took it already."""
        if sub.closed:
            return
        if not fresh and (sub.select is not None or sub.capture is not None):
            # (a copy of its own first: a select or a capture sets fields, such as the
            # ``paths`` of a paths= stream and the ``context`` of a context=True one,
            # which the other streams of the event must not get)
            ev = with_field(ev, "captured", None, extras=False)
        if sub.select is not None and not selected and not sub.select(ev):
            return
        if sub.capture is not None:
            object.__setattr__(ev, "captured", capture(sub, ev, th.memory))
        if sub.pushed - sub.taken >= sub.max_buffer and not sub.oldest:   # (see _deliver)
            if sub.drop:
                sub.dropped += 1
                return
            # Lossless backpressure: the thread waits until the consumer takes this event.
            hold = Hold(th, None, full=True)
            th.holds += 1
            th.full_holds += 1
            sub.bp_holds[ev.seq] = hold
        self._push(sub, ev)

    def dispatch_death(self, th: Thread, status: int) -> None:
        """A thread's Death, to the streams that want it."""
        fam = th.proc.family
        subs = [s for s in fam.subs if s.wants(Death, th.tid, None)]
        if subs:
            ho = self.handoff
            ho.seq += 1
            ev = Death(th.proc.pid, th.tid, ho.seq, time.monotonic_ns(), status=status)
            for sub in subs:
                if sub.capture is not None:
                    # The thread is gone (reaped): there is no memory to read and no
                    # ptrace request to make, so the capture gets None for the memory.
                    self._push(sub, with_field(ev, "captured", capture(sub, ev, None)))
                else:
                    self._push(sub, ev)

    # -- holds -------------------------------------------------------------------------

    def release_if_free(self, th: Thread) -> None:
        """Resume *th* with its decision applied, unless something still holds it. (This
        runs at every stop.)"""
        if th.holds == 0 and th.stopped and th.chain_hold is None:
            fam = th.proc.family
            if fam.held and not th.exiting:
                # The spawn/attach hold, released by resume(). Not at the exit stop: a
                # thread gets there while held only when killed (SIGKILL takes it out of
                # its stop, and PTRACE_O_TRACEEXIT is on until the tracer first sleeps
                # with every tracee held), and a killed thread must die.
                th.holds += 1
                th.parked = True
                return
            if th.interrupt_requested:
                # interrupt(): the kernel ends a PTRACE_INTERRUPT with whatever ptrace-stop
                # comes first (any stop clears the pending trap: a syscall stop, most
                # often, for a thread resumed with PTRACE_SYSCALL; then no
                # PTRACE_EVENT_STOP follows). So the Interrupt asked for is reported at
                # this stop, after its own event, before the thread goes on.
                th.interrupt_requested = False
                self.dispatch(th, Interrupt, None)
                return
            self._go_on(th)

    def release(self, hold: Hold, verdict: Verdict | None = None,
                regs: _ffi.UserRegs | None = None) -> None:
        """An engine's verdict (None: resume() alone, which changes nothing), and the
        registers it changed, written now (the next engine sees them)."""
        th = hold.thread
        if hold.released:
            return
        hold.released = True
        if hold.gen != th.gen or not th.stopped or th.tid not in self.threads:
            return  # that stop is over (the thread was killed or detached)
        if verdict is not None:
            th.decision = merge(th.decision, verdict)
        if regs is not None:
            try:
                _ffi.setregs(th.tid, regs)
            except OSError:
                pass
        th.holds -= 1
        if hold.full:
            th.full_holds -= 1
        if th.chain_hold is hold:
            th.chain_hold = None
            self._next_engine(th)
        elif th.chain_hold is None:
            self.release_if_free(th)

    def release_on_error(self, hold: Hold) -> None:
        """The engine of *hold* ended without a verdict (it raised, was cancelled, or its
        stream was closed): its stream's ``on_error`` decides (see _onerror); without
        one, a plain release."""
        sub = hold.sub
        on_error = sub.on_error if sub is not None else None
        th = hold.thread
        if (on_error is None or hold.released or hold.gen != th.gen or not th.stopped
                or th.tid not in self.threads):
            self.release(hold)
            return
        if on_error.kill:
            # SIGKILL takes the thread out of its stop at once, and a call held at its
            # entry never runs; its death is reported as any other
            try:
                os.kill(th.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.release(hold)
            return
        cls = th.event[0] if th.event is not None else None
        self.release(hold, on_error_verdict(on_error, cls))

    def add_hold(self, hold: Hold) -> None:
        """An engine's extra hold (``hold()``): the thread stays stopped until it is released."""
        th = hold.thread
        if hold.gen != th.gen or not th.stopped or self.threads.get(th.tid) is not th:
            hold.released = True
            return
        th.holds += 1

    def abandon_stop(self, th: Thread) -> None:
        """The thread left its stop without our resume: SIGKILL took it out (or it died).
        Its holds are void; the engine that held it is told, so its awaits end."""
        th.gen += 1
        th.pending.clear()
        held_by = th.chain_hold
        if held_by is not None and held_by.sub is not None:
            gone, tid = held_by.sub.gone, th.tid
            self.handoff.reply(lambda: gone(tid))
        th.chain_hold = None
        th.holds = th.full_holds = th.held_stop = 0
        th.parked = False
        th.decision = CLEAN
        th.event = None

    def resume_family(self, fam: Family) -> None:
        """Release the spawn/attach hold."""
        if not fam.held:
            return
        fam.held = False
        for proc in list(fam.procs.values()):
            for th in list(proc.threads.values()):
                if th.parked:
                    th.parked = False
                    th.holds -= 1
                    if th.nr == _NR_EXECVE and not fam.full_stops:
                        # Parked in the exec stop of the spawning execve, whose entry was
                        # never seen: with a prefilter the thread would be resumed with
                        # PTRACE_CONT and that call's exit stop would not come.
                        th.want_exit = wanted(fam.subs, SyscallExit, th.tid, _NR_EXECVE)
                    signo, th.held_stop = th.held_stop, 0
                    if signo:   # (a group-stop met during the hold: see Stops.handle)
                        self.dispatch(th, GroupStop, None, signo=signo)
                    else:
                        self.release_if_free(th)

    def interrupt(
        self, fam: Family, tids: Iterable[int] | None = None, report: bool = False
    ) -> None:
        """PTRACE_INTERRUPT running threads: to report an ``Interrupt`` event to engines
        (*report*), or silently, so that they resume in the current mode."""
        only = None if tids is None else set(tids)
        for proc in list(fam.procs.values()):
            for th in list(proc.threads.values()):
                if only is not None and th.tid not in only:
                    continue
                if report:
                    th.interrupt_requested = True
                if not th.stopped:
                    # (also one the C loop holds for an engine: the kernel keeps the trap
                    # pending, the thread stops for it once released, and picks up the
                    # current mode there)
                    if report:
                        self.slots.not_fast(th)   # (its next stop is the Interrupt's)
                    try_request(_INTERRUPT, th.tid, 0)
                if report and (th.stopped or self.slots.held(th)):
                    if self._backpressure_only(th):
                        # Stopped only because a stream's buffer is full: to the engines
                        # the thread runs (they have not seen this stop yet). The
                        # Interrupt is reported at this stop once the buffer has room
                        # (release_if_free), after the stop's own event.
                        continue
                    # Stopped already (held by an engine, a hold() or the spawn/attach
                    # hold): nothing to interrupt (the kernel too takes any stop for the
                    # trap PTRACE_INTERRUPT asks for), and no Interrupt event. Left set,
                    # the request made a later silent interrupt's stop an Interrupt.
                    th.interrupt_requested = False

    @staticmethod
    def _backpressure_only(th: Thread) -> bool:
        """Whether what keeps *th* stopped is only full buffers (``overflow="block"``)."""
        return (th.stopped and th.chain_hold is None and not th.parked
                and 0 < th.holds == th.full_holds)

    # -- streams -----------------------------------------------------------------------

    def take_subscriptions(self) -> None:
        """The streams subscribed since the last call (see Handoff.subscribe): they see
        the stops from here on, and their families' threads now stop where they need
        them to."""
        new = self.handoff.new_subs
        ac = self.handoff.accel
        while new:
            sub = new.popleft()
            if ac is not None:
                ac.lib.subscribing(ac.ptr, -1)
            fam = sub.family
            assert fam is not None
            if fam.ended:
                self._push(sub, END)
                continue
            sub.order = fam.next_order   # (attach order: see dispatch)
            fam.next_order += 1
            fam.subs = fam.subs + (sub,)
            if (sub.probe is None and sub.types is not None and ProbeHit in sub.types
                    and self.probes is not None):
                self.probes.streams_changed(fam)   # (the C loop's tables of breakpoints)
            if fam.update_mode() and not fam.held:
                # threads running with PTRACE_CONT must stop at every syscall from now on
                self.interrupt(fam)
        self.slots.stale_info()

    def close_sub(self, sub: Subscription) -> None:
        """End a stream: release every hold it has on any thread, drop what it buffered.
        A stream with a pipe of its own gets any byte still due now: nothing is written
        there after this (the loop may close the pipe once told)."""
        if sub.wfd >= 0:
            self.handoff.send_direct()
        sub.closed = True
        fam = sub.family
        if fam is not None:
            fam.subs = tuple(s for s in fam.subs if s is not sub)
            fam.update_mode()
        if sub.probe is not None and self.probes is not None:
            self.probes.close(sub.probe)   # (its breakpoints go)
        elif (fam is not None and sub.types is not None and ProbeHit in sub.types
              and self.probes is not None):
            self.probes.streams_changed(fam)
        for hold in list(sub.bp_holds.values()):
            self.release(hold)
        sub.bp_holds.clear()
        while sub.buffer:
            item = sub.buffer.popleft()
            ctl = getattr(item, "_ctl", None)
            if ctl is not None:
                ctl.release_now(self)   # (with the stream's on_error)
        for th in list(self.threads.values()):
            # a chain hold whose event this stream has taken but not answered
            h = th.chain_hold
            if h is not None and h.sub is sub:
                self.release_on_error(h)


__all__ = ["Arbiter"]
