"""The loop half of the hand-off between the tracer thread and the event loop.

The tracer thread (``Core``) queues callables in ``core.handoff.outbox`` and calls
``notify()`` once per batch; ``notify`` writes one byte on a pipe. On the loop thread,
the backend's pump (a reader callback on asyncio, a system task waiting with
``wait_readable`` on trio) runs the callables (``Hub.run_outbox``): they wake the
streams, ``wait()`` and commands that wait. A verdict's yield looks at what came
meanwhile without a byte (``Hub.looked``).
One ``Hub`` per tracer; it also knows whether the tracer thread has finished, and what
a caller waiting for it gets then (``end_error``), and, for a tracer that outlives its
event loop (``start_tracer(outlive_loop=True)``), which loop it is bound to (``rouse``).
"""

from __future__ import annotations

import functools
import os
import weakref
from collections.abc import Callable
from typing import Any, Protocol

import anyio
import anyio.lowlevel
import sniffio

from .._exceptions import TracerClosed
from ._backends import Backend, current_backend
from ._core_api import Core, _ffi
from ._verdicts import Ctl


class Waiter:
    """A one-shot result set from the loop thread."""

    __slots__ = ("error", "event", "value")

    def __init__(self) -> None:
        self.event = anyio.Event()
        self.value: Any = None
        self.error: BaseException | None = None

    def set(self, value: Any = None, error: BaseException | None = None) -> None:
        self.value = value
        self.error = error
        self.event.set()

    async def wait(self) -> Any:
        await self.event.wait()
        if self.error is not None:
            raise self.error
        return self.value


class Piped(Protocol):
    """A stream with a pipe of its own (see EventStream._open_pipe)."""

    def _close_pipe(self) -> None: ...


def _nothing() -> None:
    pass


class Hub:
    """The loop side of one tracer's hand-off: its pipe, the pump, the tracer thread's end."""

    def __init__(self, backend: Backend, kill_on_close: bool) -> None:
        self.backend = backend
        self.kill_on_close = kill_on_close
        self.rfd, self.wfd = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self.notified = False
        self.core = Core(self.notify, Ctl, self.wfd)
        self.core.handoff.looked = self.looked
        # events were made during a verdict's yield (see looked): the next __anext__
        # that finds them skips its checkpoint, as one that makes them itself does
        self.fresh = False
        self.unyielded = 0   # events handed out in a row without a pass of the event loop
        self.closed = False
        self.finished = anyio.Event()
        self.finished_flag = False   # (the same, for the pump's loops)
        self.started = anyio.Event()
        self.checkpoint = backend.checkpoint   # (see Backend.checkpoint)
        # replies awaited from the tracer thread (spawn, attach, detach): if the thread ends
        # first, they get an error instead (see wait_reply)
        self.waiters: set[Waiter] = set()
        # streams with a pipe of their own (Backend.stream_pipes); weak: a stream nobody
        # holds is closed by its finalizer (see EventStream.__del__)
        self.piped: weakref.WeakSet[Piped] = weakref.WeakSet()
        # the pump was cancelled (its event loop ends) and closed the tracer itself: nobody
        # will call aclose() on this loop again, so the pump closes the pipe (see pump)
        self.abandoned = False
        # the tracer's, once the tracer thread has finished: tells its processes
        self.on_finished: Callable[[], None] = _nothing
        # start_tracer(outlive_loop=True): when its event loop ends, the tracer waits
        # (dormant) for the next one to use it, instead of closing (see rouse)
        self.outlive = False
        self.dormant = False
        self.later: list[Callable[[], Any]] = []   # soon()'s work while dormant
        # the tracer's, when it moves to a new event loop: tells its processes
        self.on_new_loop: Callable[[], None] = _nothing

    # -- tracer thread -> loop ------------------------------------------------------------

    def notify(self) -> None:  # tracer thread
        ac = self.core.accel
        if ac is not None:
            ac.lib.notify(ac.ptr)   # (one flag with the C loop's records: one byte for both)
        elif not self.notified:
            self.notified = True
            _ffi.write_byte(self.wfd)   # see _ffi: the GIL is released first

    def run_outbox(self, read: bool = True) -> int:
        """Run what the tracer thread queued for the loop (the byte first, so that nothing
        queued after this look goes without a wake-up); how many of the C loop's records
        it turned into events. *read* False: no byte was written (see looked)."""
        if read:
            try:
                os.read(self.rfd, 4096)
            except BlockingIOError:
                pass
        self.notified = False
        core = self.core
        n = core.convert_on_loop() if core.accel is not None else 0   # (see Core.convert)
        outbox = core.handoff.outbox
        while outbox:
            outbox.popleft()()
        if core.finished and not outbox and not self.finished_flag:
            self.backend.forget_fd(self.rfd)   # (before anyone closes it)
            self.closed = True
            self.on_finished()
            for stream in list(self.piped):
                stream._close_pipe()   # the tracer thread has written its last byte
            for w in list(self.waiters):
                w.set(error=self.end_error())   # (its command will never run)
            self.finished_flag = True
            self.finished.set()
        return n

    def soon(self, fn: Callable[[], Any]) -> None:
        """Run *fn* on the loop thread at the event loop's next pass, outside any code of
        aiotrace. For finalizers: they run wherever the last reference to their object
        goes, which for the garbage collector is any thread (the tracer thread too) at
        any allocation, in the middle of a verdict or of a batch. Nothing if the event
        loop is gone (then the pump closed the tracer)."""
        if self.dormant:
            self.later.append(fn)   # (for the next loop: see rouse)
            return
        try:
            self.backend.soon(fn)
        except RuntimeError:   # (a closed asyncio loop; trio.RunFinishedError)
            pass

    def looked(self) -> None:
        """Loop thread, in a verdict (Core.release_c): the records and replies that came
        while the loop yielded, perhaps without their byte. (A byte that did come stays
        for the pipe's reader, which then finds nothing.)"""
        if self.run_outbox(read=False):
            self.fresh = True

    # -- the pump -------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the pump and the tracer thread; raise what stopped the thread from
        starting (then everything is closed again)."""
        core = self.core
        self.spawn_pump()
        # The thread's first wake-up of the loop (once it runs, or with start_error set) runs
        # what is queued now.
        core.reply(self.started.set)
        core.start()
        with anyio.CancelScope(shield=True):
            await self.started.wait()
        if core.start_error is not None:
            err = core.start_error
            core.thread.join()  # type: ignore[union-attr]
            self.closed = True
            core.finished = True
            self.notify()
            await self.finished.wait()
            self.close_pipe()
            raise err

    def spawn_pump(self) -> None:
        self.backend.spawn_system_task(functools.partial(self.backend.pump, self),
                                       "aiotrace-pump")

    def rouse(self) -> None:
        """A tracer made with ``outlive_loop=True`` whose event loop ended (IPython's
        ``%autoawait trio`` runs each cell in a ``trio.run`` of its own) is used in a new
        one: its loop side moves there, with a backend made anew for that loop. Meanwhile
        the tracer thread went on: what it handed over waits in the pipe and the outbox,
        and streams kept their buffers (a full one held its thread, as with a cell that
        blocks)."""
        lib = self.backend.name
        try:
            now = sniffio.current_async_library()
        except sniffio.AsyncLibraryNotFoundError:
            raise RuntimeError("this tracer's event loop has ended: use it from inside a new "
                               "one (an async function, or a notebook cell)") from None
        if now != lib:
            raise RuntimeError(
                f"this tracer was started on {lib}; its event loop ended, and it can go on "
                f"only on {lib}, not {now}: close it (await tracer.aclose() on {lib}) and "
                "start another here")
        self.dormant = False
        # (asyncio binds an Event to the loop that first waits for it)
        if not self.finished.is_set():
            self.finished = anyio.Event()
        self.backend = current_backend()
        self.checkpoint = self.backend.checkpoint
        self.on_new_loop()
        self.spawn_pump()
        later, self.later = self.later, []
        for fn in later:
            fn()

    async def until_finished(self, step: Callable[[], Any]) -> None:
        """Run *step* (again) until the tracer thread has finished. If this task is cancelled
        (the event loop is shutting down: asyncio.run cancels every task, e.g. after an
        exception escaped a signal handler), close the tracer so that nothing is left
        stopped, go on until it has finished, then re-raise."""
        cancelled: BaseException | None = None
        while not self.finished_flag:
            try:
                if cancelled is None:
                    await step()
                else:
                    with anyio.CancelScope(shield=True):
                        await step()
            except anyio.get_cancelled_exc_class() as exc:
                if cancelled is None and self.outlive:
                    # (a system task is cancelled only when its event loop ends)
                    self.dormant = True
                    raise
                if cancelled is None:
                    cancelled = exc
                    self.abandoned = True
                    self.close()
        if cancelled is not None:
            raise cancelled

    # -- the tracer thread's end ----------------------------------------------------------

    def close(self) -> None:
        """Ask the tracer thread to close (once)."""
        self.closed = True
        core = self.core
        core.post(functools.partial(core.close, self.kill_on_close))

    def check_open(self) -> None:
        if self.dormant:
            self.rouse()
        if self.closed:
            if self.core.crash is not None:
                raise self.end_error()
            raise TracerClosed("this tracer is closed; open a new one with aiotrace.open_tracer()")

    def end_error(self) -> TracerClosed:
        """What a caller waiting for the tracer thread gets once the thread has ended."""
        crash = self.core.crash
        if crash is None:
            return TracerClosed("the tracer was closed before it could do this; open a new "
                                "one with aiotrace.open_tracer()")
        err = TracerClosed(
            f"the tracer thread stopped on an internal error ({type(crash).__name__}: "
            f"{crash}): a bug in aiotrace, please report it with this traceback. Its "
            "tracees were killed or released; open a new tracer with aiotrace.open_tracer()")
        err.__cause__ = crash
        return err

    async def wait_reply(self, waiter: Waiter) -> Any:
        """Wait for the reply to a command posted to the tracer thread, shielded from
        cancellation (the command runs anyway: what it made must be known). If the thread
        ends before it replies (closed, or an internal error), raise TracerClosed."""
        if self.finished_flag:
            raise self.end_error()
        self.waiters.add(waiter)
        try:
            with anyio.CancelScope(shield=True):
                return await waiter.wait()
        finally:
            self.waiters.discard(waiter)

    def close_pipe(self) -> None:
        """Once the tracer thread has finished: join it (its last byte may still be on its
        way to the pipe) and close the pipe, once (aclose() and an abandoned pump both may)."""
        if self.rfd < 0:
            return
        core = self.core
        if core.thread is not None:
            core.thread.join()
        # (the end may have been seen outside the pump, in a verdict or in an __anext__
        # that converted, with the pump still waiting on the pipe: the loop must drop
        # that registration before the descriptor is closed and given to another pipe,
        # or another tracer's pump would get trio's BusyResourceError)
        self.backend.forget_fd(self.rfd)
        core.close_fds()
        os.close(self.rfd)
        os.close(self.wfd)
        self.rfd = self.wfd = -1
