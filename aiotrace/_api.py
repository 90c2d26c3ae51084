"""Conveniences for scripts and notebooks, built on the public API only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from ._core._events import TraceEvent
from ._reactor import EventStream, open_tracer


@asynccontextmanager
async def trace(
    argv: Sequence[str],
    *types: type[TraceEvent],
    follow: bool = True,
    **filters: Any,
) -> AsyncIterator[EventStream[TraceEvent]]:
    """Spawn *argv* traced and yield its event stream (``events(*types, **filters)``).

    The program runs as soon as the block is entered; leaving the block early kills it.
    A ``syscalls=`` filter also becomes the spawn's seccomp prefilter, so other syscalls
    do not stop the program at all.
    """
    async with open_tracer() as tracer:
        proc = await tracer.spawn(argv, follow=follow, syscalls=filters.get("syscalls"))
        events = proc.events(*types, **filters)
        proc.resume()
        async with events:
            yield events
        await proc.wait()
