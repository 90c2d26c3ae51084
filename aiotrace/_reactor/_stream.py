"""Event streams: what ``Process.events()`` returns, an async iterator of one
subscription's events.

The tracer thread appends the events to the subscription's buffer and wakes the stream's
consumer through the hub (``Hub.run_outbox`` runs ``EventStream._wake``), or, on trio,
through a byte on a pipe of the stream's own. An intercepted event's hold is released
when the consumer fetches the next event, closes the stream, or leaves it.
"""

from __future__ import annotations

import os
import sys
import warnings
import weakref
from collections.abc import AsyncIterator, Awaitable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, TypeVar

import anyio
import anyio.lowlevel

from .. import _check
from .._exceptions import StreamClosedByLoop
from .._util import NoPublicConstructor
from ._core_api import END, Subscription, TraceEvent
from ._hub import Hub
from ._verdicts import Ctl

if TYPE_CHECKING:
    from typing_extensions import Self

    from .._context import Contexts

_checkpoint = anyio.lowlevel.checkpoint

# Events an EventStream hands out in a row without letting the event loop run (made during
# a verdict's yield, or converted in __anext__): then one checkpoint, so that an engine on
# a busy tracee does not keep the application's other tasks waiting (32 intercepted stops
# on one CPU: about half a millisecond, for 0.1 us per event).
_MAX_UNYIELDED = 32

#: the events a stream hands out (``EventStream[SyscallExit]``)
E_co = TypeVar("E_co", bound=TraceEvent, covariant=True)


class EventStreamStatistics(NamedTuple):
    """A snapshot of an event stream (``EventStream.statistics()``)."""

    #: events in the buffer now, not yet received
    buffered: int
    #: the most events the buffer holds (``events(buffer=...)``)
    max_buffer: int
    #: events received so far (``receive()``, ``receive_nowait()``, ``async for``)
    delivered: int
    #: events not delivered because the buffer was full: the new ones
    #: (``overflow="drop"``) or the oldest buffered ones (``overflow="drop_oldest"``); with
    #: ``buffered`` and ``delivered``, every event the stream was given
    dropped: int
    #: whether events may still be received: False once the stream has reached its end
    #: (every process of the family gone or detached) or was closed
    open: bool
    #: whether the event received last is intercepted and still waits for its verdict
    held: bool
    #: what a full buffer does: ``"block"`` (the traced thread waits), ``"drop"`` (the new
    #: event is dropped) or ``"drop_oldest"`` (the oldest buffered event is)
    overflow: str


class EventStream(Generic[E_co], metaclass=NoPublicConstructor):
    """An async iterator of events; use it with ``async with``.

    Made by :meth:`Process.events` (it has no public constructor):
    ``proc.events(SyscallExit)`` is an
    ``EventStream[SyscallExit]``. Besides ``async for``, ``await stream.receive()`` and
    ``stream.receive_nowait()`` take one event each, as anyio's memory object streams do,
    and ``await stream.receive_batch()`` the next event with every one buffered behind it.

    It ends when every process of the family is gone (or detached) or when closed.
    Leaving an intercepted event without a verdict, fetching the next one, closing the
    stream, an exception or a cancellation all release this stream's hold.

    Without ``async with``, the ``async for`` loop owns the stream: leaving it, however
    (its end, ``break``, ``return``, an exception, a cancellation), closes the stream as
    ``aclose()`` would, at the event loop's next pass; iterating it again then raises
    :class:`StreamClosedByLoop`. A stream that nobody holds any more is closed the same
    way (with a ResourceWarning if it was still open). See docs/engines.md, "Streams
    nobody closes".
    """

    _made_by = "an EventStream comes from proc.events()"

    def __init__(self, hub: Hub, sub: Subscription) -> None:
        self._hub = hub
        self._sub = sub
        # what the consumer awaits until the pump wakes it (see Backend.park), when parked
        self._waiter: Awaitable[None] | None = None
        backend = hub.backend
        self._park = backend.park
        self._unpark = backend.unpark
        self._current: Ctl | None = None
        self._current_ev: Any = None   # (its event, for Tracer.held())
        self._contexts: Contexts | None = None   # an engine's context=True
        self._done = False
        self._scope: anyio.CancelScope | None = None
        self._entered = False      # in `async with`: that block, not a loop, owns it
        self._loop_closed = False  # closed by the end of a bare `async for` (see _BareLoop)
        self._held_dead = False
        self._end_taken = 0   # 1 once the end was taken from the buffer (not an event)
        # (Backend.stream_pipes) the consumer waits in wait_readable on a pipe of this
        # stream's own, which the tracer thread writes to; None before the first park
        self._pipe: tuple[int, int] | None = None
        # never (again): not on this loop, no descriptor to spare, or the pipe was closed
        self._no_pipe = not backend.stream_pipes
        # (weakly: the subscription lives in its family's list as long as the stream is
        # open, and must not keep a stream nobody holds alive: see __del__)
        me = weakref.ref(self)

        def wake() -> None:
            stream = me()
            if stream is not None:
                stream._wake()

        def gone(tid: int) -> None:
            stream = me()
            if stream is not None:
                stream._gone(tid)
        sub.wake = wake
        sub.gone = gone

    def __del__(self) -> None:
        """Nobody holds this stream any more: close it (release its holds, stop its
        buffering), as aclose() would, at the event loop's next pass (see Hub.soon)."""
        sub = self._sub
        if sub.closed or sys.is_finalizing():
            return
        live = not self._done and not (sub.buffer and sub.buffer[-1] is END)
        if live and not self._loop_closed:
            fam = sub.family
            root = fam.root if fam is not None else None
            warnings.warn(f"an aiotrace event stream of pid {root.pid if root else '?'} was "
                          "never closed; it is closed now. Use `async with stream:` or "
                          "`await stream.aclose()`", ResourceWarning, source=self,
                          stacklevel=2)
        self._hub.soon(self._close_now)

    def _loop_ended(self) -> None:
        """The bare `async for` that iterated this stream was left (see _BareLoop)."""
        if self._entered or self._sub.closed:
            return
        if not self._done:
            self._loop_closed = True
        self._hub.soon(self._close_now)

    def _new_loop(self) -> None:
        """The tracer moves to a new event loop, with a backend of its own (see
        Hub.rouse): parks go through it from now on."""
        backend = self._hub.backend
        self._park = backend.park
        self._unpark = backend.unpark
        self._waiter = None   # (its task went with the old loop)

    def _wake(self) -> None:  # loop thread, from the pump
        # (sub.flagged stays set: the tracer thread queues no more wake-ups for this stream
        # until __anext__ clears it, right before it finds the buffer empty and parks. A
        # consumer busy with a batch takes what comes meanwhile without a wake-up.)
        w = self._waiter
        if w is not None:
            self._waiter = None
            self._unpark(w)
        # (a consumer on the stream's own pipe is woken when the pipe is closed: see
        # _close_pipe, which follows each call of this outside the pump)

    def _open_pipe(self) -> None:
        """Before the first park, where the loop wants it (Backend.stream_pipes): the
        tracer thread will wake this stream's consumer by a byte on a pipe of its own,
        which the loop's I/O manager turns into that task's wake-up directly."""
        try:
            r, w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            self._no_pipe = True   # out of descriptors: park through the pump
            return
        self._pipe = (r, w)
        self._hub.piped.add(self)
        self._sub.wfd = w   # (before the flag is cleared: a push after that writes here)

    def _close_pipe(self) -> None:
        """Loop thread, once the tracer thread writes no more to this stream's pipe: after
        the command that ended the stream ran there, or after the thread finished."""
        pipe, self._pipe = self._pipe, None
        self._no_pipe = True
        if pipe is None:
            return
        self._hub.piped.discard(self)
        self._sub.wfd = -1
        # (always: it also drops the loop's registration of the descriptor; a consumer
        # waiting there is woken, and looks again)
        self._hub.backend.forget_fd(pipe[0])
        os.close(pipe[0])
        os.close(pipe[1])

    def _gone(self, tid: int) -> None:
        """Loop thread: a thread held by this stream died (tid), or, with tid 0, the
        whole family is gone."""
        cur = self._current
        if cur is not None and cur.tid == tid:
            cur.gone = True          # its verdict no longer matters
            self._held_dead = True
        if tid == 0 and self._held_dead and self._current is not None and self._scope is not None:
            # SIGKILL wins: the engine still awaits something for a thread that is gone,
            # and nothing of the family is left: its `async with` block is cancelled.
            self._scope.cancel()

    @property
    def dropped(self) -> int:
        """Events not delivered because the buffer was full (``overflow="drop"``: the new
        ones; ``"drop_oldest"``: the oldest buffered ones)."""
        return self._sub.dropped

    def statistics(self) -> EventStreamStatistics:
        """Counters of this stream (a frozen snapshot)."""
        sub = self._sub
        buf = sub.buffer
        buffered = len(buf)
        if buffered and buf[-1] is END:
            buffered -= 1
        cur = self._current
        return EventStreamStatistics(
            buffered=buffered, max_buffer=sub.max_buffer,
            delivered=sub.taken - self._end_taken, dropped=sub.dropped,
            open=not (self._done or sub.closed),
            held=cur is not None and not cur.done and not cur.gone,
            overflow="drop_oldest" if sub.oldest else "drop" if sub.drop else "block")

    def __aiter__(self) -> AsyncIterator[E_co]:
        if self._entered:
            return self
        if self._loop_closed:
            raise StreamClosedByLoop(
                "this stream was closed when the `async for` loop that iterated it without "
                "`async with` ended: to iterate a stream in several loops, or to give a "
                "verdict after the loop, use `async with stream:`")
        return _BareLoop(self)

    def _release_current(self) -> None:
        """Fetching the next event ends this stream's hold on the previous one."""
        cur = self._current
        if cur is not None:
            self._current = None
            self._held_dead = False
            cur.release_implicitly()

    async def __anext__(self) -> E_co:
        self._release_current()
        sub = self._sub
        if sub.closed:
            # closed (aclose(), detach()): what is still buffered is not delivered (the
            # tracer thread drops it and releases its holds)
            raise StopAsyncIteration
        buf = sub.buffer
        hub = self._hub
        waited = False
        if buf:
            # a checkpoint, as trio's rules ask, before taking the event, so that a
            # cancellation here loses nothing; not for events made during this loop's
            # verdict (see Hub.looked), as when this makes them itself below (both
            # counted against _MAX_UNYIELDED at the end)
            if hub.fresh:
                hub.fresh = False
            else:
                await hub.checkpoint()
                waited = True
        elif self._pipe is None and not self._no_pipe:
            self._open_pipe()
        if hub.dormant:
            hub.rouse()   # (its event loop ended: this one takes it on)
        while not buf:
            sub.flagged = False   # the next push queues a wake-up (see _wake) ...
            if buf:               # ... unless it came just before
                break
            if self._done or sub.closed:
                raise StopAsyncIteration
            ac = hub.core.accel
            if ac is not None and ac.core.head != ac.core.tail:
                # The C loop made records that are not events yet (the tracee's next stop
                # often comes during the verdict's yield): turn them into events here,
                # as the pipe's reader would, without a pass of the event loop first
                # (the wake-ups that queued go with it). Then look at the buffer again,
                # even if none were made here: the tracer thread may have been turning
                # them into events itself, and this stream's wake-up, queued by it, has
                # just run (and found nobody waiting).
                hub.run_outbox()
                continue
            waited = True
            pipe = self._pipe
            if pipe is not None:
                # (False: the pipe was closed under us, see _close_pipe: look again)
                if await hub.backend.wait_readable(pipe[0]) and self._pipe is pipe:
                    try:
                        os.read(pipe[0], 4096)
                    except BlockingIOError:
                        pass
                continue
            self._waiter = w = self._park()
            try:
                await w
            finally:
                if self._waiter is w:
                    self._waiter = None
        if waited:
            hub.unyielded = 0
        else:
            hub.unyielded += 1
            if hub.unyielded > _MAX_UNYIELDED:
                # an engine whose every event came without a pass of the event loop (one
                # CPU: each next stop comes during the verdict) lets the other tasks run
                hub.unyielded = 0
                await hub.checkpoint()
        if sub.closed:
            # closed by another task during a checkpoint above or while this waited (an
            # event may have come meanwhile): nothing more is delivered, as at the top
            raise StopAsyncIteration
        item: E_co = self._take()
        if item is END:
            raise StopAsyncIteration
        return item

    async def receive(self) -> E_co:
        """The next event, once it comes (a checkpoint, as each step of ``async for``):
        raises ``anyio.EndOfStream`` at the end, or once the stream was closed. Like the
        next step of ``async for``, it releases the previous intercepted event."""
        try:
            return await self.__anext__()
        except StopAsyncIteration:
            raise anyio.EndOfStream from None

    async def receive_batch(self, max_events: int | None = None) -> list[E_co]:
        """The next event, once it comes, and every event buffered behind it, in order: a
        list of at least one and at most *max_events* (None: no limit) events. As
        ``receive()`` (raises ``anyio.EndOfStream`` at the end, or once the stream was
        closed; a cancellation takes nothing), then ``receive_nowait()`` until nothing
        is buffered, in one call. An intercepted event ends the batch: each event taken
        releases the previous one's hold, so the batch holds at most its last event
        (whose verdict the engine gives before it asks for more)."""
        if max_events is not None:
            max_events = _check.integer(max_events, "max_events", 1, 1 << 62,
                                        "the most events a batch may hold (1 or more), "
                                        "or None")
        batch: list[E_co] = [await self.receive()]
        if batch[0]._ctl is None and max_events != 1:
            self._take_more(batch, max_events)
        return batch

    def receive_nowait(self) -> E_co:
        """The next event if one is buffered already, without waiting (and without a
        checkpoint): raises ``anyio.WouldBlock`` when none is, ``anyio.EndOfStream`` at
        the end. For consumers that take events in batches, after an ``await`` of
        ``receive()`` or of ``async for``'s next step; like them, it releases the previous
        intercepted event."""
        self._release_current()
        if self._sub.closed:
            raise anyio.EndOfStream   # (as in __anext__)
        if not self._sub.buffer:
            if self._done:
                raise anyio.EndOfStream
            raise anyio.WouldBlock
        item: E_co = self._take()
        if item is END:
            raise anyio.EndOfStream
        return item

    def _take_more(self, batch: list[Any], limit: int | None) -> None:
        """receive_batch(): what is buffered behind its first event, up to *limit* in the
        batch, up to an intercepted event (included) or the end (taken, for the next
        call to raise EndOfStream), as receive_nowait() would take them one by one."""
        sub = self._sub
        buf = sub.buffer
        n = len(buf) if limit is None else min(len(buf), limit - len(batch))
        if n <= 0 or sub.closed:
            return
        # (an event's backpressure hold is registered before the event is pushed: none of
        # the n events has one if there is none now)
        if (sub.intercept or sub.lock is not None or sub.bp_holds
                or self._contexts is not None):
            take = self._take
            while n > 0 and buf and not sub.closed:
                item = take()
                if item is END:
                    break
                batch.append(item)
                if item._ctl is not None:
                    break
                n -= 1
            return
        # an observer's events, with nothing to release or add: all n at once
        popleft = buf.popleft
        got = [popleft() for _ in range(n)]
        sub.taken += n
        if got[-1] is END:   # (the end is the last item ever buffered)
            got.pop()
            self._done = True
            self._end_taken = 1
        batch += got

    def _take(self) -> Any:
        """Take the first buffered item (there is one)."""
        sub = self._sub
        lock = sub.lock
        if lock is None:
            item = sub.buffer.popleft()
        else:   # (overflow="drop_oldest": see _handoff._drop_oldest)
            with lock:
                item = sub.buffer.popleft()
        sub.taken += 1
        if item is END:
            self._done = True
            self._end_taken = 1
            return END
        if sub.bp_holds:
            hold = sub.bp_holds.pop(item.seq, None)
            if hold is not None:
                core = self._hub.core
                core.post(lambda: core.release(hold))
        ctl = item._ctl
        if ctl is not None:
            self._current = ctl
            self._current_ev = item
        if self._contexts is not None:
            self._contexts.add_to(item)   # (held: its thread is stopped, or gone)
        return item

    async def aclose(self) -> None:
        """Stop receiving events and release every hold of this stream."""
        await self._close()
        await _checkpoint()

    async def _close(self) -> None:
        self._close_now()

    def _close_now(self) -> None:
        sub = self._sub
        if sub.closed:
            return
        sub.closed = True
        self._done = True
        cur = self._current
        self._current = None
        if cur is not None:
            cur.release_on_error()   # (the engine ends without a verdict)
        self._wake()   # a task waiting in __anext__ sees the end
        core = self._hub.core
        if not self._hub.closed or not core.finished:
            def close() -> None:   # tracer thread
                core.close_sub(sub)   # (the last byte for its own pipe is written then)
                if self._pipe is not None:
                    core.reply(self._close_pipe)
            core.post(close)
        else:
            self._close_pipe()

    async def __aenter__(self) -> Self:
        self._entered = True
        if self._sub.intercept:
            self._scope = anyio.CancelScope()
            self._scope.__enter__()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> bool | None:
        with anyio.CancelScope(shield=True):
            await self._close()
        scope, self._scope = self._scope, None
        if scope is not None:
            return scope.__exit__(exc_type, exc, tb)
        return None


class _BareLoop(Generic[E_co]):
    """What a bare ``async for`` iterates: a stream used without ``async with``.

    Python tells an async iterator nothing when a loop is left early (only an async
    generator is closed, and only when the garbage collector finds it). But the iterator
    that ``__aiter__`` returns is held by nothing but the loop itself (on its frame's value
    stack), so CPython drops it the moment the loop is left, however: at its end, by
    ``break`` or ``return``, or by an exception or a cancellation that passes through it,
    even one kept with its traceback (the traceback keeps the frame's variables, the
    stream among them, not its value stack). Its finalizer closes the stream: so that an
    engine whose loop is gone leaves no thread stopped and no stream filling up."""

    __slots__ = ("_stream",)

    def __init__(self, stream: EventStream[E_co]) -> None:
        self._stream = stream

    def __aiter__(self) -> _BareLoop[E_co]:
        return self

    def __anext__(self) -> Awaitable[E_co]:
        return self._stream.__anext__()

    def __del__(self) -> None:
        self._stream._loop_ended()
