"""start_tracer(outlive_loop=True): a tracer that outlives its event loop and goes on in the
next one (IPython's ``%autoawait trio`` runs each cell in a ``trio.run`` of its own), on
real processes, with both tracer loops. Each test runs its event loops itself, so it takes
the backend as a parameter instead of the anyio_backend fixture."""

from __future__ import annotations

import gc
import os
from typing import Any

import anyio
import pytest

import aiotrace
from aiotrace import SyscallExit

pytestmark = pytest.mark.usefixtures("tracer_loop")

BACKENDS = pytest.mark.parametrize("backend", ["asyncio", "trio"])


@BACKENDS
def test_a_tracer_goes_on_in_the_next_event_loop(target, backend):
    """Like notebook cells that each run their own loop: the first run starts the tracer
    and the program and takes some events; the program waits (its stream's buffer fills)
    while no loop runs; the second run takes the rest, in order, and the status."""
    n = 600   # more than the stream's buffer holds: the program waits between the runs
    state: dict[str, Any] = {}

    async def cell1() -> None:
        tracer = await aiotrace.start_tracer(outlive_loop=True)
        proc = await tracer.spawn([target("getppid_loop"), str(n)])
        events = proc.events(SyscallExit, syscalls={"getppid"}, buffer=64)
        proc.resume()
        first = [await events.__anext__() for _ in range(10)]
        state.update(tracer=tracer, proc=proc, events=events, first=first)

    async def cell2() -> None:
        tracer, proc, events = state["tracer"], state["proc"], state["events"]
        assert tracer.processes == [proc]
        rest = [ev async for ev in events]
        state["rc"] = await proc.wait()
        state["rest"] = rest
        await tracer.aclose()

    anyio.run(cell1, backend=backend)
    anyio.run(cell2, backend=backend)
    seqs = [e.seq for e in state["first"] + state["rest"]]
    assert len(seqs) == n and seqs == sorted(seqs)
    assert state["rc"] == 0


@BACKENDS
def test_without_outlive_loop_the_end_of_the_loop_closes_it(target, backend):
    """The default outside IPython's per-cell trio loops: closed with its loop."""
    state: dict[str, Any] = {}

    async def cell1() -> None:
        tracer = await aiotrace.start_tracer()
        proc = await tracer.spawn([target("getppid_loop"), "100000000"])
        proc.resume()
        state.update(tracer=tracer, proc=proc)

    async def cell2() -> None:
        with pytest.raises(aiotrace.TracerClosed):
            await state["tracer"].spawn(["true"])

    anyio.run(cell1, backend=backend)
    anyio.run(cell2, backend=backend)
    with pytest.raises(ProcessLookupError):
        os.kill(state["proc"].pid, 0)   # killed and reaped with its tracer


@BACKENDS
def test_a_stream_dropped_between_loops_is_closed_in_the_next(target, backend):
    """A stream nobody holds is closed at the event loop's next pass; between two loops
    there is none: it is closed when the next loop takes the tracer on (else its full
    buffer would hold the program for ever)."""
    state: dict[str, Any] = {}

    async def cell1() -> None:
        tracer = await aiotrace.start_tracer(outlive_loop=True)
        proc = await tracer.spawn([target("getppid_loop"), "2000"])
        state["events"] = proc.events(SyscallExit, syscalls={"getppid"}, buffer=8)
        proc.resume()
        state.update(tracer=tracer, proc=proc)

    async def cell2() -> None:
        state["rc"] = await state["proc"].wait()
        await state["tracer"].aclose()

    anyio.run(cell1, backend=backend)
    with pytest.warns(ResourceWarning, match="never closed"):
        del state["events"]   # (no loop runs now)
        gc.collect()
    anyio.run(cell2, backend=backend)
    assert state["rc"] == 0


def test_a_dormant_tracer_stays_on_its_event_loop_library(target):
    state: dict[str, Any] = {}

    async def cell1() -> None:
        tracer = await aiotrace.start_tracer(outlive_loop=True)
        proc = await tracer.spawn([target("getppid_loop"), "3"])
        state.update(tracer=tracer, proc=proc)

    async def cell2() -> None:
        with pytest.raises(RuntimeError, match="started on trio"):
            await state["tracer"].spawn(["true"])

    async def cell3() -> None:
        state["proc"].resume()
        state["rc"] = await state["proc"].wait()
        await state["tracer"].aclose()

    anyio.run(cell1, backend="trio")
    anyio.run(cell2, backend="asyncio")
    anyio.run(cell3, backend="trio")
    assert state["rc"] == 0


def test_outlive_loop_is_checked():
    async def main() -> None:
        with pytest.raises(TypeError, match="outlive_loop"):
            await aiotrace.start_tracer(outlive_loop=1)  # type: ignore[arg-type]

    anyio.run(main)
