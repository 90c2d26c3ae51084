"""Which streams limit the records the C loop makes before a stop goes to Python
(Family.set_limit): those that get records (syscall stops, probe hits), not a blocking
stream of other events. On real programs, asyncio and trio, both tracer loops."""

from __future__ import annotations

import anyio
import pytest

import aiotrace
from aiotrace import Death, SyscallEntry, SyscallExit

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]

N = 200   # (2 N stops: fewer than the C loop's ring holds, whenever the loop converts)


@pytest.mark.timeout(30)
async def test_a_blocking_stream_of_deaths_does_not_limit_the_records(target):
    """A stream of Death events, blocking with room for one (as a program's watcher of its
    end may be), gets no record: the C loop makes a record of every getppid stop for the
    stream of calls, which has room for all of them, rather than one at a time with each
    next stop left to Python (the events are the same either way)."""
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), str(N)])
        calls = proc.events(SyscallEntry, SyscallExit, syscalls={"getppid"}, buffer=4 * N)
        deaths = proc.events(Death, buffer=1)
        proc.resume()
        with anyio.fail_after(30):   # (a guard against a hang, not a measure)
            assert await proc.wait() == 0
        async with deaths:
            ends = [ev async for ev in deaths]
        async with calls:
            got = [ev async for ev in calls]
    assert [type(ev) for ev in ends] == [Death]
    assert [type(ev) for ev in got] == [SyscallEntry, SyscallExit] * N
    cfam = proc._fam.cfam
    if cfam is not None:   # (the C loop)
        assert cfam.issued == 2 * N
