"""The trio backend (see _backends): imported only when trio runs the tracer."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Generator
from typing import Any

import trio
import trio.lowlevel

from ._backends import Backend, Pumped


class _Park:
    """A task that waits to be rescheduled (see TrioBackend.park)."""

    __slots__ = ("task", "woken")

    def __init__(self) -> None:
        self.woken = False
        self.task: trio.lowlevel.Task | None = trio.lowlevel.current_task()

    def wake(self) -> None:
        if self.woken:
            return
        self.woken = True
        task, self.task = self.task, None
        if task is not None:
            trio.lowlevel.reschedule(task)

    def __await__(self) -> Generator[Any, None, None]:
        return self._wait().__await__()

    async def _wait(self) -> None:
        if self.woken:
            await trio.lowlevel.checkpoint()
            return

        def abort(_: object) -> trio.lowlevel.Abort:
            self.task = None
            self.woken = True
            return trio.lowlevel.Abort.SUCCEEDED

        await trio.lowlevel.wait_task_rescheduled(abort)


class TrioBackend(Backend):
    name = "trio"

    # A stream's consumer waits in wait_readable on a pipe of the stream's own: trio's I/O
    # manager turns the tracer thread's byte into that task's wake-up directly, one task
    # step and one pass of the run loop less than a byte for the pump, which would then
    # reschedule the consumer (an intercepting engine's round trip: 6 us less, one CPU).
    stream_pipes = True

    def __init__(self) -> None:
        self._token = trio.lowlevel.current_trio_token()
        self.checkpoint = trio.lowlevel.checkpoint

    def spawn_system_task(self, fn: Callable[[], Coroutine[Any, Any, None]], name: str) -> None:
        trio.lowlevel.spawn_system_task(fn, name=name)

    async def pump(self, hub: Pumped) -> None:
        wait_readable = trio.lowlevel.wait_readable
        rfd, run = hub.rfd, hub.run_outbox

        async def batches() -> None:   # (one coroutine for all of them: see until_finished)
            while not hub.finished_flag:
                try:
                    await wait_readable(rfd)
                except trio.ClosedResourceError:
                    return   # (the end was seen elsewhere, and the pipe forgotten: forget_fd)
                run()

        try:
            await hub.until_finished(batches)
        finally:
            if hub.abandoned:
                hub.close_pipe()

    def forget_fd(self, fd: int) -> None:
        try:
            trio.lowlevel.notify_closing(fd)
        except RuntimeError:
            pass   # (not in trio's run: nothing registered)

    def soon(self, fn: Callable[[], object]) -> None:
        self._token.run_sync_soon(fn)   # (trio.RunFinishedError, a RuntimeError, once ended)

    def park(self) -> _Park:
        return _Park()

    def unpark(self, parked: _Park) -> None:
        parked.wake()

    async def wait_readable(self, fd: int) -> bool:
        try:
            await trio.lowlevel.wait_readable(fd)
        except trio.ClosedResourceError:
            return False
        return True
