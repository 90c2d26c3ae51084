"""How long a stream and its holds live when nobody closes it: a bare ``async for`` (no
``async with``) that is left early, and a stream dropped or kept unread. On real
programs, on asyncio and trio, with both tracer loops (docs/engines.md, "Streams nobody
closes")."""

from __future__ import annotations

import gc
import os
from typing import Any

import anyio
import pytest

import aiotrace
from aiotrace import SyscallEntry, SyscallExit

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]


class _Boom(Exception):
    pass


async def _leave(how: str, calls: aiotrace.EventStream, got: list[Any]) -> None:
    """Iterate *calls* with a bare ``async for`` and leave it, holding its first call."""
    if how == "exception":
        with pytest.raises(_Boom):
            async for call in calls:
                got.append(call)
                raise _Boom
    elif how == "cancellation":
        with anyio.CancelScope() as scope:
            async for call in calls:
                got.append(call)
                scope.cancel()
                await anyio.sleep_forever()
        assert scope.cancelled_caught
    elif how == "break":
        async for call in calls:
            got.append(call)
            break
    else:
        async def first() -> Any:
            async for call in calls:
                return call
        got.append(await first())


@pytest.mark.timeout(20)
@pytest.mark.parametrize("how", ["exception", "cancellation", "break", "return"])
async def test_leaving_a_bare_async_for_releases_its_hold(target, how):
    """A bare ``async for`` over an intercepting stream, left with a call held and no
    verdict: the hold is released and the stream closed, so that the program runs to
    its end (before: the thread stayed stopped for ever, 8 runs of 8). The engine's
    frame, and so the stream, stays alive: the exception keeps it in its traceback."""
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), "50"])
        calls = proc.events(SyscallEntry, syscalls={"getppid"}, intercept=True)
        watch = proc.events(SyscallExit, syscalls={"getppid"})
        proc.resume()
        got: list[Any] = []
        await _leave(how, calls, got)
        assert len(got) == 1 and got[0].name == "getppid"
        with anyio.fail_after(30):
            assert await proc.wait() == 0
        async with watch:
            assert len([ev async for ev in watch]) == 50   # every call ran, once
        with pytest.raises(aiotrace.VerdictAlreadyGiven, match="already given|released"):
            got[0].resume()   # (its hold went with the loop)
        with pytest.raises(aiotrace.StreamClosedByLoop, match="closed when the `async for`"):
            async for _ in calls:
                pass


@pytest.mark.timeout(20)
@pytest.mark.parametrize("intercept", [False, True], ids=["observer", "interceptor"])
@pytest.mark.parametrize("cycle", [False, True], ids=["dropped", "in-a-cycle"])
async def test_a_stream_nobody_holds_is_closed(target, intercept, cycle):
    """A stream opened, never read, and dropped: it releases what it holds and stops
    buffering, so that the program runs to its end (before: the subscription kept the
    stream alive, and the program stopped for ever at its 5th call, a full buffer, or at
    its first, held). Also when the stream is in a reference cycle, which only the
    garbage collector frees. Its pipe (trio) is closed: no descriptor is left."""
    fds = len(os.listdir("/proc/self/fd"))
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), "50"])
        stream = proc.events(SyscallEntry, syscalls={"getppid"}, intercept=intercept,
                             buffer=4)
        watch = proc.events(SyscallExit, syscalls={"getppid"})
        proc.resume()
        if not intercept:
            # park once first (trio: on a pipe of the stream's own), then forget it
            assert (await stream.__anext__()).name == "getppid"
        with pytest.warns(ResourceWarning, match="never closed"):
            if cycle:
                holder: list[Any] = [stream]
                holder.append(holder)
                del stream, holder
                gc.collect()
            else:
                del stream
        with anyio.fail_after(30):
            assert await proc.wait() == 0
        async with watch:
            assert len([ev async for ev in watch]) == 50
    assert len(os.listdir("/proc/self/fd")) == fds


def _state(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0]


async def test_a_stream_kept_unread_stalls_its_program_under_block(target):
    """overflow="block" (the default) is lossless: a stream that nobody reads holds the
    thread once its buffer is full, until it is read (documented). Here the 5th call
    with a buffer of 4: the thread is in a ptrace stop, and another stream gets nothing
    more; reading the first one lets the program go on."""
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), "50"])
        kept = proc.events(SyscallExit, syscalls={"getppid"}, buffer=4)
        watch = proc.events(SyscallExit, syscalls={"getppid"})
        proc.resume()
        async with watch:
            got = [await watch.__anext__() for _ in range(5)]
            assert [ev.seq for ev in got] == sorted(ev.seq for ev in got)
            with pytest.raises(anyio.WouldBlock):
                watch.receive_nowait()   # (nothing can come: the thread is held)
            assert _state(proc.pid) == "t"   # a tracing stop
            async with kept:
                assert len([ev async for ev in kept]) == 50
            assert 5 + len([ev async for ev in watch]) == 50
        assert await proc.wait() == 0


async def test_a_stream_kept_unread_does_not_stall_under_drop(target):
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), "50"])
        kept = proc.events(SyscallExit, syscalls={"getppid"}, buffer=4, overflow="drop")
        proc.resume()
        with anyio.fail_after(30):
            assert await proc.wait() == 0
        async with kept:
            assert len([ev async for ev in kept]) == 4   # the first 4; the rest dropped
        assert kept.dropped == 46
