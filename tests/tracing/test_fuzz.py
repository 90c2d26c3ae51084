"""Random system calls against the tracer: numbers from all 64 bits, random arguments and
bad pointers (tests/targets/fuzz_syscalls.c), through the library on both tracer loops and
both event loops, and through the command line with its most detailed decoding. Whatever
the calls are, the program finishes with its own exit status, each call is reported once,
and nothing is left stopped (the no_leftovers fixture)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest

import aiotrace
from aiotrace import SyscallEntry, SyscallExit

SEEDS = (1, 2, 3)
CALLS = 300
TIMEOUT = 40
AIOTRACE = [sys.executable, "-m", "aiotrace"]


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


_LINE = re.compile(r"(?:\d+ +)?(?:\d+\.\d+ )?([a-z0-9_]+)\(")   # [pid] [time] name(


def _names(lines: list[str]) -> list[str]:
    """The system call's name at the start of each trace line."""
    out = []
    for line in lines:
        m = _LINE.match(line)
        out.append(m.group(1) if m else line)
    return out


def _fuzz_lines(trace: str) -> list[str]:
    """The lines of the calls between the markers (-yy decorates the descriptor; the
    hex dumps of -e read=/write= are left out)."""
    lines = [line for line in trace.splitlines() if not line.startswith(" | ")]
    start = next(i for i, line in enumerate(lines) if re.search(r'write\(1\b.*"<<<\\n", 4\)', line))
    end = next(i for i, line in enumerate(lines) if re.search(r'write\(1\b.*">>>\\n", 4\)', line))
    return lines[start + 1:end]


@pytest.mark.parametrize("seed", SEEDS)
def test_random_calls_through_the_command(target, tracer_loop, tmp_path: Path, seed):
    """The most detailed decoding the command has: each call one line, named as strace
    names it, the program's exit status, and no traceback."""
    argv = [target("fuzz_syscalls"), str(seed), str(CALLS)]
    out = tmp_path / "aiotrace.txt"
    r = subprocess.run([*AIOTRACE, "run", "-f", "-yy", "-s", "1024", "-T", "-ttt", "-x",
                        "-e", "read=all", "-e", "write=all", "-o", str(out), "--", *argv],
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 7, r.stderr
    assert "Traceback" not in r.stderr
    mine = _fuzz_lines(out.read_text())
    assert len(mine) == CALLS
    assert not [line for line in mine if "unfinished" in line or "resumed" in line]
    strace = shutil.which("strace")
    if strace is None:
        return
    ref = tmp_path / "strace.txt"
    subprocess.run([strace, "-f", "-ttt", "-o", str(ref), *argv], capture_output=True,
                   timeout=TIMEOUT, check=False)
    assert _names(mine) == _names(_fuzz_lines(ref.read_text()))
