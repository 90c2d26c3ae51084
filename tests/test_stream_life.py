"""How long a stream and its holds live when nobody closes it: a bare ``async for`` (no
``async with``) that is left early, and a stream dropped or kept unread. On real
programs, on asyncio and trio, with both tracer loops (docs/engines.md, "Streams nobody
closes")."""

from __future__ import annotations

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
        with anyio.fail_after(10):
            assert await proc.wait() == 0
        async with watch:
            assert len([ev async for ev in watch]) == 50   # every call ran, once
        with pytest.raises(RuntimeError, match="already given|released"):
            got[0].resume()   # (its hold went with the loop)
        with pytest.raises(RuntimeError, match="closed when the `async for`"):
            async for _ in calls:
                pass

