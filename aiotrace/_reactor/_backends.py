"""What the loop side does differently on each event loop: one class per loop, chosen once.

A tracer picks its backend when it starts (``current_backend()``, by sniffio), as anyio
picks its backend class and httpcore its network backend; nothing else in the loop side
asks which loop runs. A backend's module is imported only when its loop runs: an asyncio
program never imports trio.

The hot paths (a stream's park and wake-up, the pump, the checkpoint of ``__anext__``) use
the loop's own primitives rather than anyio's, which cost a few microseconds more per
intercepted stop in their dispatch and wrapping layers: an asyncio future, trio's task
rescheduling and ``wait_readable``. Everything that is not hot goes through anyio.
"""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol

import anyio
import sniffio


class Pumped(Protocol):
    """What a backend's pump uses of the loop side's hub (``_hub.Hub``, one per tracer)."""

    rfd: int                 # the pipe the tracer thread writes a byte on, once per batch
    finished: anyio.Event    # set once the tracer thread has finished
    finished_flag: bool      # (the same, for loops)
    abandoned: bool          # the pump was cancelled and closed the tracer itself

    def run_outbox(self, read: bool = True) -> int: ...

    async def until_finished(self, step: Callable[[], Any]) -> None: ...

    def close_pipe(self) -> None: ...


class Backend(abc.ABC):
    """One event loop's primitives, for one tracer (made on the loop thread, in the loop)."""

    #: the event loop's library, as sniffio names it
    name: str

    #: the loop's own checkpoint (``asyncio.sleep(0)``, trio's ``checkpoint()``), without
    #: anyio's dispatch to its backend: 0.9 us of 3.4 on asyncio
    checkpoint: Callable[[], Awaitable[None]]
    #: whether a stream's consumer waits on a pipe of the stream's own, which the tracer
    #: thread writes a byte on (see EventStream._open_pipe), rather than on a park
    stream_pipes: bool = False

    @abc.abstractmethod
    def spawn_system_task(self, fn: Callable[[], Coroutine[Any, Any, None]], name: str) -> None:
        """Run *fn* for the tracer's whole life, outside any caller's task group or cancel
        scope."""

    @abc.abstractmethod
    async def pump(self, hub: Pumped) -> None:
        """The system task of the hand-off: run ``hub.run_outbox`` after each byte on
        ``hub.rfd``, until the tracer thread has finished (``hub.until_finished``)."""

    @abc.abstractmethod
    def forget_fd(self, fd: int) -> None:
        """Drop the loop's registration of the descriptor *fd* (a reader, a task waiting in
        ``wait_readable``, which then gets an error), before *fd* is closed and its number
        given to another file."""

    @abc.abstractmethod
    def soon(self, fn: Callable[[], object]) -> None:
        """Run *fn* on the loop thread at the loop's next pass; from any thread. Raises
        RuntimeError when the loop has ended."""

    @abc.abstractmethod
    def park(self) -> Awaitable[None]:
        """Something the current task awaits until ``unpark`` is called with it, on the loop
        thread (or until the task is cancelled)."""

    @abc.abstractmethod
    def unpark(self, parked: Any) -> None:
        """Wake the task that awaits *parked* (made by ``park``); nothing if it was woken or
        cancelled already."""

    async def wait_readable(self, fd: int) -> bool:
        """Wait until *fd* (a stream's own pipe) is readable: True, or False when
        ``forget_fd`` dropped it meanwhile (with ``stream_pipes`` only)."""
        raise NotImplementedError


def current_backend() -> Backend:
    """The backend of the event loop that runs the calling task."""
    name = sniffio.current_async_library()
    if name == "asyncio":
        from ._backend_asyncio import AsyncioBackend

        return AsyncioBackend()
    if name == "trio":
        from ._backend_trio import TrioBackend

        return TrioBackend()
    raise RuntimeError(f"aiotrace runs on asyncio or trio (through anyio), not on {name}")
