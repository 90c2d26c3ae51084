"""The asyncio backend (see _backends)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from typing import Any

from ._backends import Backend, Pumped

# the pumps' tasks: asyncio keeps only weak references to its tasks
_PUMPS: set[asyncio.Task[None]] = set()


class AsyncioBackend(Backend):
    name = "asyncio"

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.checkpoint = functools.partial(asyncio.sleep, 0)

    def spawn_system_task(self, fn: Callable[[], Coroutine[Any, Any, None]], name: str) -> None:
        task = self._loop.create_task(fn(), name=name)
        _PUMPS.add(task)
        task.add_done_callback(_PUMPS.discard)

    async def pump(self, hub: Pumped) -> None:
        # A reader callback runs each batch at once, without a task step or the add and
        # remove of a reader per wake-up that wait_readable costs; this task only waits
        # for the end.
        loop = self._loop
        loop.add_reader(hub.rfd, hub.run_outbox)
        try:
            await hub.until_finished(hub.finished.wait)
        finally:
            if hub.rfd >= 0:
                loop.remove_reader(hub.rfd)
            if hub.abandoned:
                hub.close_pipe()

    def forget_fd(self, fd: int) -> None:
        self._loop.remove_reader(fd)

    def soon(self, fn: Callable[[], object]) -> None:
        self._loop.call_soon_threadsafe(fn)   # (RuntimeError once the loop is closed)

    def park(self) -> asyncio.Future[None]:
        return self._loop.create_future()

    def unpark(self, parked: asyncio.Future[None]) -> None:
        if not parked.done():   # (cancelled)
            parked.set_result(None)
