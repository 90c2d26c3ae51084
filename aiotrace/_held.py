"""``Tracer.held()``: what keeps a traced thread stopped right now, and who.

For debugging a stuck monitor: a program that does not move is usually held by an engine
that awaits something (a policy service that does not answer), by an observer whose
buffer is full (``overflow="block"``), by a ``hold()`` handle nobody released, or by the
spawn hold (``resume()`` was never called). Each of these is one :class:`Held`.

Loop thread. The snapshot reads the tracer thread's state without stopping it: a thread
released at that moment may still be listed, or one just held be missing; each entry was
true at some moment during the call.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any, NamedTuple

from ._core._events import TraceEvent

if TYPE_CHECKING:
    from ._reactor import EventStream, HoldHandle, Tracer


class Held(NamedTuple):
    """One reason a traced thread is stopped now.

    *reason* is ``"engine"`` (an intercepting stream has the event, or has it in its
    buffer, and has not given its verdict), ``"hold"`` (a ``hold()`` handle not released),
    ``"buffer full"`` (an observer with ``overflow="block"`` whose buffer is full: the
    thread waits until it takes *event*) or ``"spawn"`` (``Process.resume()`` not called
    yet). *event* and *stream* are the event and the stream (None for a spawn hold);
    *since_ns* is the event's ``time_ns`` (``time.monotonic_ns()`` of the stop)."""

    pid: int
    tid: int
    reason: str
    event: TraceEvent | None
    stream: EventStream[TraceEvent] | None
    since_ns: int | None

    def __repr__(self) -> str:
        what = "" if self.event is None else f" at {self.event!r}"
        return f"<Held pid={self.pid} tid={self.tid} by {self.reason}{what}>"


#: every hold() handle not released yet (weak: one dropped is not a hold any more that we
#: can show, though its thread stays stopped until the tracer ends)
HANDLES: weakref.WeakSet[HoldHandle] = weakref.WeakSet()


def held(tracer: Tracer) -> list[Held]:
    """What :meth:`Tracer.held` returns: ordered by the time of the stop."""
    out: list[Held] = []
    for proc in list(tracer._processes):
        fam = proc._fam
        if fam.ended:
            continue
        for pr in list(fam.procs.values()):
            for th in list(pr.threads.values()):
                if th.parked:
                    out.append(Held(pr.pid, th.tid, "spawn", None, None, None))
        for stream in list(proc._streams):
            sub = stream._sub
            if sub.closed:
                continue
            items: list[Any] = []
            cur = stream._current
            if cur is not None and not cur.done and not cur.gone:
                items.append(stream._current_ev)
            waiting = list(sub.buffer)   # (one C call: the tracer thread cannot interleave)
            if sub.intercept:
                items.extend(ev for ev in waiting
                             if isinstance(ev, TraceEvent) and ev._ctl is not None
                             and not ev._ctl.done)
                reason = "engine"
            else:
                seqs = set(sub.bp_holds)
                items = [ev for ev in waiting if isinstance(ev, TraceEvent) and ev.seq in seqs]
                reason = "buffer full"
            for ev in items:
                if ev is not None:
                    out.append(Held(ev.pid, ev.tid, reason, ev, stream, ev.time_ns))
    for handle in list(HANDLES):
        hold = handle._hold
        if handle._core is tracer._core and not hold.released:
            th = hold.thread
            out.append(Held(th.proc.pid, th.tid, "hold", None, None, None))
    out.sort(key=lambda h: (h.since_ns is None, h.since_ns or 0, h.tid))
    return out


__all__ = ["HANDLES", "Held", "held"]
