"""Random system calls against the tracer: numbers from all 64 bits, random arguments and
bad pointers (tests/targets/fuzz_syscalls.c), through the library on both tracer loops and
both event loops (through the command: tests/cli/test_cli_fuzz.py). Whatever the calls
are, the program finishes with its own exit status, each call is reported once, and
nothing is left stopped (the no_leftovers fixture)."""

from __future__ import annotations

import subprocess
from typing import Any

import anyio
import pytest

import aiotrace
from aiotrace import SyscallEntry, SyscallExit

SEEDS = (1, 2, 3)
CALLS = 300
TIMEOUT = 40


def _between_markers(events: list[Any]) -> list[Any]:
    """The events after the exit of write(1, "<<<\\n", 4) and before the entry of
    write(1, ">>>\\n", 4)."""
    def marker(ev: Any, cls: type) -> bool:
        return (isinstance(ev, cls) and ev.name == "write" and ev.args[0] == 1
                and ev.args[2] == 4)
    start = next(i for i, ev in enumerate(events) if marker(ev, SyscallExit))
    end = next(i for i, ev in enumerate(events) if i > start and marker(ev, SyscallEntry))
    return events[start + 1:end]


@pytest.mark.anyio
@pytest.mark.parametrize("seed", SEEDS)
async def test_random_calls_through_the_library(target, tracer_loop, seed):
    """An observer of every call and an intercepting engine that resumes each entry."""
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("fuzz_syscalls"), str(seed), str(CALLS)],
                                  stdout=subprocess.DEVNULL)
        seen = proc.events(SyscallEntry, SyscallExit, buffer=4 * CALLS)
        held = proc.events(SyscallEntry, intercept=True)
        proc.resume()
        got: list[Any] = []
        texts = []

        async def observe() -> None:
            async with seen:
                async for ev in seen:
                    got.append(ev)
                    texts.append((repr(ev), str(ev), ev.name))

        async def intercept() -> None:
            async with held:
                async for call in held:
                    call.resume()

        with anyio.fail_after(TIMEOUT):
            async with anyio.create_task_group() as tg:
                tg.start_soon(observe)
                tg.start_soon(intercept)
            assert await proc.wait() == 7
    calls = _between_markers(got)
    assert len(calls) == 2 * CALLS
    for entry, exit_ in zip(calls[::2], calls[1::2], strict=True):
        assert isinstance(entry, SyscallEntry) and isinstance(exit_, SyscallExit)
        assert (entry.tid, entry.nr, tuple(entry.args)) == (exit_.tid, exit_.nr, tuple(exit_.args))
    assert all(isinstance(name, str) and name for _, _, name in texts)
