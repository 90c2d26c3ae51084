"""Streams that cannot stall the program: ``overflow="drop"`` and ``"drop_oldest"``, and
the counts of what they dropped. On real programs, on asyncio and trio, with both tracer
loops (docs/engines.md, "Which overflow can stall a program").

The program, ``getppid_numbered N``, passes each call's index as its first argument: an
event says which call it is. (That a never-read stream does not *slow* the program much
is measured in benchmarks/monitor_cost.py --overflow, not here: no timing in tests.)
"""

from __future__ import annotations

import subprocess
from typing import Any

import anyio
import pytest

import aiotrace
from aiotrace import SyscallExit

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]

N = 300
BUFFER = 8


def _index(ev: Any, _memory: Any) -> int:
    return int(ev.args[0])


@pytest.mark.timeout(30)
@pytest.mark.parametrize("capture", [None, _index], ids=["plain", "capture"])
@pytest.mark.parametrize("overflow", ["drop", "drop_oldest"])
async def test_a_stream_never_read_does_not_hold_the_program(target, overflow, capture):
    """The stream is not read at all until the program has ended (under "block" the
    program stops at its 9th call, see test_stream_life): it finishes, the stream kept
    BUFFER events and counted the rest as dropped; "drop" kept the first calls,
    "drop_oldest" the program's last ones. With a capture, the event is made at the
    stop (the Python side's path for every loop)."""
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_numbered"), str(N)])
        kept = proc.events(SyscallExit, syscalls={"getppid"}, buffer=BUFFER,
                           overflow=overflow, capture=capture)
        proc.resume()
        with anyio.fail_after(30):   # (a guard against a hang, not a measure)
            assert await proc.wait() == 0
        before = kept.statistics()
        assert (before.delivered, before.buffered, before.dropped) == (0, BUFFER, N - BUFFER)
        assert before.overflow == overflow and before.max_buffer == BUFFER
        async with kept:
            got = [ev async for ev in kept]
        after = kept.statistics()
    first = 0 if overflow == "drop" else N - BUFFER
    assert [ev.args[0] for ev in got] == list(range(first, first + BUFFER))
    if capture is not None:
        assert [ev.captured for ev in got] == [ev.args[0] for ev in got]
    assert (after.delivered, after.buffered, after.dropped) == (BUFFER, 0, N - BUFFER)
    assert after.dropped == kept.dropped == N - after.delivered   # produced - delivered


@pytest.mark.timeout(30)
@pytest.mark.parametrize("overflow", ["drop", "drop_oldest"])
async def test_drops_while_read_add_up_and_keep_their_end(target, overflow):
    """A consumer that reads while the program runs, beside a lossless stream read in
    full: however many were dropped (that depends on scheduling), what the stream
    delivered and dropped adds up to what the program made, in order; "drop" never loses
    the first call (its buffer was empty), "drop_oldest" never the last (the newest)."""
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_numbered"), str(N)])
        kept = proc.events(SyscallExit, syscalls={"getppid"}, buffer=2, overflow=overflow)
        watch = proc.events(SyscallExit, syscalls={"getppid"}, buffer=N)
        seen: list[int] = []
        got: list[int] = []

        async def read_all(stream: Any, into: list[int]) -> None:
            async with stream:
                async for ev in stream:
                    into.append(ev.args[0])

        async with anyio.create_task_group() as tg:
            tg.start_soon(read_all, kept, got)
            tg.start_soon(read_all, watch, seen)
            proc.resume()
        assert await proc.wait() == 0
    stats = kept.statistics()
    assert seen == list(range(N))
    assert got == sorted(set(got)) and set(got) <= set(seen)
    assert stats.delivered == len(got) and stats.buffered == 0
    assert stats.dropped == N - len(got) == kept.dropped
    if overflow == "drop":
        assert got[0] == 0
    else:
        assert got[-1] == N - 1


@pytest.mark.timeout(30)
@pytest.mark.parametrize("overflow", ["drop", "drop_oldest"])
async def test_a_probe_stream_never_read_keeps_its_first_or_last_hits(target, overflow):
    """The same for a probe's stream (Process.probe): 50 calls of add(i, 1), a buffer of
    4, read once the program has ended."""
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("probe_calls"), "0", "50"],
                                  stdout=subprocess.DEVNULL)
        hits = proc.probe("probe_calls:add", buffer=4, overflow=overflow)
        async with hits:   # (armed once entered)
            proc.resume()
            with anyio.fail_after(30):
                assert await proc.wait() == 0
            got = [hit.args[0] async for hit in hits]
    first = 0 if overflow == "drop" else 46
    assert got == list(range(first, first + 4))
    assert hits.statistics().dropped == hits.dropped == 46
