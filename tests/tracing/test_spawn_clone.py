"""The doorbell and the tracees started with clone(CLONE_VM) by the C library instead of
os.fork (start-up time, issue 24: no copy of the interpreter's page tables, no
copy-on-write faults while the doorbell lives), on asyncio and trio, with both tracer
loops: the Python loop forks them, as a build without the library does, and what a
program sees must be the same either way."""

from __future__ import annotations

import ctypes
import mmap
import signal
import subprocess

import anyio
import pytest

import aiotrace

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]

TIMEOUT = 30


def _status(pid: int) -> dict[str, str]:
    with open(f"/proc/{pid}/status") as f:
        return {k: v.strip() for k, _, v in (line.partition(":") for line in f)}


def _maps_have(pid: int, region: mmap.mmap) -> bool:
    """Whether *pid*'s address space holds *region*, which this process mapped after it
    started (so a forked copy made before cannot)."""
    addr = ctypes.addressof(ctypes.c_char.from_buffer(region))
    with open(f"/proc/{pid}/maps") as f:
        return any(line.startswith(f"{addr:x}-") for line in f)


async def test_the_doorbell_shares_this_process_memory_with_the_c_library(tracer_loop):
    async with aiotrace.open_tracer() as tracer:
        bell = tracer._core.bell.pid
        region = mmap.mmap(-1, 3 * mmap.PAGESIZE)
        try:
            shared = _maps_have(bell, region)
        finally:
            region.close()
        # (a build without the library forks it on the C loop's side too)
        assert shared == (tracer_loop == "c" and tracer.accelerated)
        if shared:   # (set up before the tracer thread goes on: named, as ps shows it)
            assert _status(bell)["Name"] == "aiotrace-bell"


async def test_no_handler_of_the_application_runs_in_the_doorbell(tracer_loop):
    """A process that shares this one's memory must not run its signal handlers: the
    doorbell ignores what the application catches (the tracer thread sees those signals
    all the same, and suppresses them)."""
    old = signal.signal(signal.SIGUSR1, lambda *_: None)
    try:
        async with aiotrace.open_tracer() as tracer:
            st = _status(tracer._core.bell.pid)
            caught, ignored = int(st["SigCgt"], 16), int(st["SigIgn"], 16)
            if tracer_loop == "c" and tracer.accelerated:
                assert caught == 0
                assert ignored & (1 << (signal.SIGUSR1 - 1))
                assert ignored & (1 << (signal.SIGINT - 1))   # (Python's own handler)
                assert not ignored & (1 << (signal.SIGURG - 1))   # (its ring)
            else:
                assert caught & (1 << (signal.SIGUSR1 - 1))   # (a fork keeps them)
    finally:
        signal.signal(signal.SIGUSR1, old)


async def test_an_application_that_catches_sigurg_gets_a_forked_doorbell():
    """The doorbell is rung with SIGURG; had it to ignore a SIGURG the application
    catches, a ring sent before that would be lost (do_sigaction discards it): such an
    application's doorbell is forked, and rings still wake the tracer thread."""
    rung = []
    old = signal.signal(signal.SIGURG, lambda *_: rung.append(1))
    try:
        async with aiotrace.open_tracer() as tracer:
            region = mmap.mmap(-1, mmap.PAGESIZE)
            try:
                assert not _maps_have(tracer._core.bell.pid, region)
            finally:
                region.close()
            with anyio.fail_after(TIMEOUT):
                for _ in range(3):   # (each spawn and resume is a command: a ring)
                    proc = await tracer.spawn(["true"])
                    proc.resume()
                    assert await proc.wait() == 0
    finally:
        signal.signal(signal.SIGURG, old)
    assert not rung   # (its rings are the doorbell's, never this process's)


async def test_the_program_gets_the_applications_dispositions_at_exec():
    """What a program starts with does not depend on how its child was made: a signal
    the application ignores stays ignored (as across any exec), one it catches is
    default, and SIGPIPE, which Python ignores, is default."""
    old = (signal.signal(signal.SIGUSR1, lambda *_: None),
           signal.signal(signal.SIGUSR2, signal.SIG_IGN))
    try:
        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.spawn(["grep", "^Sig[IC]", "/proc/self/status"],
                                      stdout=subprocess.PIPE)
            proc.resume()
            out = b""
            with anyio.fail_after(TIMEOUT):
                async for chunk in proc.stdout:
                    out += chunk
                await proc.stdout.aclose()
                assert await proc.wait() == 0
    finally:
        signal.signal(signal.SIGUSR1, old[0])
        signal.signal(signal.SIGUSR2, old[1])
    got = dict(line.split(":") for line in out.decode().splitlines())
    ignored, caught = int(got["SigIgn"], 16), int(got["SigCgt"], 16)
    assert ignored & (1 << (signal.SIGUSR2 - 1))
    assert not ignored & (1 << (signal.SIGUSR1 - 1) | 1 << (signal.SIGPIPE - 1))
    assert not caught & (1 << (signal.SIGUSR1 - 1))   # (grep catches SIGSEGV itself)
