"""spawn(): the program starts with the signals blocked that the thread calling spawn
blocks (as with subprocess), not the tracer thread's (which forks it and blocks nearly
all), on asyncio and trio, with both tracer loops."""

from __future__ import annotations

import signal
import subprocess

import pytest

import aiotrace

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]


async def _blocked_in_program() -> int:
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn(["grep", "^SigBlk", "/proc/self/status"],
                                  stdout=subprocess.PIPE)
        proc.resume()
        out = b""
        async for chunk in proc.stdout:
            out += chunk
        await proc.stdout.aclose()
        assert await proc.wait() == 0
    return int(out.split()[1], 16)


@pytest.mark.parametrize("blocked", [set(), {signal.SIGUSR2}, {signal.SIGHUP, signal.SIGTERM}],
                         ids=["none", "usr2", "hup+term"])
async def test_the_program_gets_the_callers_blocked_signals(blocked):
    old = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        got = await _blocked_in_program()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
    assert got == sum(1 << (s - 1) for s in blocked) | sum(1 << (s - 1) for s in old)
    # (and the tracer thread's own mask stays out of it: SIGINT, blocked there, is not)
    assert not got & (1 << (signal.SIGINT - 1)) or signal.SIGINT in old
