"""An event stream as an anyio receive stream: ``receive()``, ``receive_nowait()`` and
``statistics()``, on real programs, on asyncio and trio, with both tracer loops."""

from __future__ import annotations

import anyio
import pytest

import aiotrace
from aiotrace import EventStreamStatistics, SyscallEntry, SyscallExit

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]


async def test_receive_takes_each_event_then_raises_end_of_stream(target):
    n = 5
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), str(n)])
        exits = proc.events(SyscallExit, syscalls={"getppid"})
        proc.resume()
        async with exits:
            got = [await exits.receive() for _ in range(n)]
            with pytest.raises(anyio.EndOfStream):
                await exits.receive()
            with pytest.raises(anyio.EndOfStream):   # (and again: the end stays)
                await exits.receive()
            with pytest.raises(anyio.EndOfStream):
                exits.receive_nowait()
        assert await proc.wait() == 0
    assert [(type(ev), ev.name) for ev in got] == [(SyscallExit, "getppid")] * n
    assert [ev.seq for ev in got] == sorted(ev.seq for ev in got)


async def test_receive_after_aclose_raises_end_of_stream(target):
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), "3"])
        exits = proc.events(SyscallExit, syscalls={"getppid"})
        await exits.aclose()
        proc.resume()
        with pytest.raises(anyio.EndOfStream):
            await exits.receive()
        assert exits.statistics().open is False
        assert await proc.wait() == 0


async def test_receive_releases_the_event_received_before(target):
    """Each receive() of an intercepting stream releases the hold of the event received
    before, as the next step of ``async for`` does: the program goes on, call by call,
    without a verdict."""
    n = 4
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), str(n)])
        calls = proc.events(SyscallEntry, syscalls={"getppid"}, intercept=True)
        exits = proc.events(SyscallExit, syscalls={"getppid"})
        proc.resume()
        async with calls:
            first = await calls.receive()
            assert calls.statistics().held
            first.resume()
            assert not calls.statistics().held
            for _ in range(n - 1):
                await calls.receive()
                assert calls.statistics().held   # (until the next receive)
            with pytest.raises(anyio.EndOfStream):
                await calls.receive()
            assert not calls.statistics().held
        async with exits:
            assert len([ev async for ev in exits]) == n   # each call ran once
        assert await proc.wait() == 0


async def test_statistics_count_what_was_buffered_delivered_and_dropped(target):
    n = 200
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), str(n)])
        exits = proc.events(SyscallExit, syscalls={"getppid"}, buffer=2, overflow="drop")
        assert exits.statistics() == EventStreamStatistics(
            buffered=0, max_buffer=2, delivered=0, dropped=0, open=True, held=False,
            overflow="drop")
        proc.resume()
        assert await proc.wait() == 0   # nobody consumes while it runs
        before = exits.statistics()
        assert before.open and before.delivered == 0 and before.max_buffer == 2
        assert before.buffered <= 2 and before.buffered + before.dropped == n
        async with exits:
            got = [ev async for ev in exits]
        after = exits.statistics()
        assert after == EventStreamStatistics(
            buffered=0, max_buffer=2, delivered=before.buffered, dropped=before.dropped,
            open=False, held=False, overflow="drop")
        assert len(got) == after.delivered and after.dropped == exits.dropped
    with pytest.raises(AttributeError):   # a frozen snapshot
        after.delivered = 0   # type: ignore[misc]
