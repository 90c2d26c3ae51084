"""An event stream as an anyio receive stream: ``receive()``, ``receive_nowait()`` and
``statistics()``, on real programs, on asyncio and trio, with both tracer loops."""

from __future__ import annotations

import anyio
import anyio.lowlevel
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


async def test_receive_batch_takes_what_is_buffered_in_order(target):
    """receive_batch() returns the next event and every event buffered behind it, in
    order, at most max_events of them; at the end it raises EndOfStream, as receive()."""
    n = 200
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), str(n)])
        exits = proc.events(SyscallExit, syscalls={"getppid"}, buffer=n + 10)
        proc.resume()
        assert await proc.wait() == 0   # every event (and the end) is buffered now
        async with exits:
            first = await exits.receive_batch(max_events=50)
            rest = await exits.receive_batch()
            with pytest.raises(anyio.EndOfStream):
                await exits.receive_batch()
            with pytest.raises(anyio.EndOfStream):   # (and again: the end stays)
                await exits.receive_batch()
        assert len(first) == 50 and len(rest) == n - 50
        got = first + rest
        assert [ev.seq for ev in got] == sorted(ev.seq for ev in got)
        assert {(type(ev), ev.name) for ev in got} == {(SyscallExit, "getppid")}
        assert exits.statistics().delivered == n
    with pytest.raises(ValueError, match="max_events"):
        await exits.receive_batch(max_events=0)


async def test_receive_batch_waits_for_an_event(target):
    """receive_batch() on an empty stream waits for the next event: the batches of a
    running program hold every event once, in order."""
    n = 300
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), str(n)])
        exits = proc.events(SyscallExit, syscalls={"getppid"})
        batches = await _all_batches(proc, exits)
        assert await proc.wait() == 0
    assert all(batches)
    seqs = [ev.seq for batch in batches for ev in batch]
    assert len(seqs) == n and seqs == sorted(set(seqs))


async def test_receive_batch_when_cancelled_takes_nothing(target):
    """A cancelled receive_batch() raises the cancellation before it takes an event (as
    a checkpoint), and so does a cancelled receive() with events buffered."""
    n = 20
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), str(n)])
        exits = proc.events(SyscallExit, syscalls={"getppid"}, buffer=n + 10)
        proc.resume()
        assert await proc.wait() == 0
        async with exits:
            with anyio.CancelScope() as scope:
                scope.cancel()
                await exits.receive_batch()
            assert scope.cancelled_caught
            with anyio.CancelScope() as scope:
                scope.cancel()
                await exits.receive()
            assert scope.cancelled_caught
            assert exits.statistics().delivered == 0
            assert len(await exits.receive_batch()) == n


async def test_receive_batch_ends_with_an_intercepted_event(target):
    """On an intercepting stream a batch holds at most one intercepted event, its last:
    taking an event releases the hold of the one before, so each intercepted event is
    a batch of its own, held until the engine's verdict or its next call."""
    threads, calls = 4, 50
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("threads"), str(threads), str(calls)])
        entries = proc.events(SyscallEntry, syscalls={"getppid"}, intercept=True)
        sizes = []
        async with entries:
            proc.resume()
            while True:
                try:
                    batch = await entries.receive_batch()
                except anyio.EndOfStream:
                    break
                sizes.append(len(batch))
                assert entries.statistics().held
                batch[-1].resume()
        assert await proc.wait() == 0
    assert sizes == [1] * threads * calls


async def test_buffered_events_let_other_tasks_run(target):
    """A consumer of buffered events that awaits nothing else lets the application's
    other tasks run at least every few dozen events (at most 32 events in a row are handed
    out without a checkpoint)."""
    n = 500
    ticks = 0
    ticking = anyio.Event()

    async def other() -> None:
        nonlocal ticks
        while True:
            await anyio.lowlevel.checkpoint()
            ticks += 1
            ticking.set()

    streak = longest = 0
    async with aiotrace.open_tracer() as tracer, anyio.create_task_group() as tg:
        proc = await tracer.spawn([target("getppid_loop"), str(n)])
        exits = proc.events(SyscallExit, syscalls={"getppid"}, buffer=n + 10)
        proc.resume()
        assert await proc.wait() == 0   # every event buffered: none needs a wait
        tg.start_soon(other)
        await ticking.wait()
        seen = -1
        async with exits:
            async for _ in exits:
                streak = streak + 1 if ticks == seen else 0
                longest = max(longest, streak)
                seen = ticks
        tg.cancel_scope.cancel()
    # (32, or twice that on trio, whose scheduler may run the two tasks in either order
    # in each batch)
    assert longest <= 70, longest


@pytest.mark.parametrize("overflow", ["block", "drop_oldest"])
async def test_receive_batch_with_a_small_buffer(target, overflow):
    """receive_batch() of a small buffer: a blocking one's full buffer holds the thread
    until its events are taken (every event comes), a "drop_oldest" one drops the
    oldest; either way the batches keep the order."""
    n, size = 500, 4
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), str(n)])
        exits = proc.events(SyscallExit, syscalls={"getppid"}, buffer=size, overflow=overflow)
        batches = await _all_batches(proc, exits)
        assert await proc.wait() == 0
        seqs = [ev.seq for batch in batches for ev in batch]
        assert seqs == sorted(set(seqs)) and all(batches)
        assert len(seqs) + exits.dropped == n
        if overflow == "block":
            assert exits.dropped == 0


async def _all_batches(proc, exits):
    """Resume *proc* and take *exits* batch by batch to its end: the batches."""
    batches = []
    async with exits:
        proc.resume()
        while True:
            try:
                batches.append(await exits.receive_batch())
            except anyio.EndOfStream:
                return batches
