"""The tracer thread's C loop (aiotrace/_core/_cloop/_accel_*.c): that it is used, and the
cases where its records meet Python's own events. That it is built, and its bookkeeping
without a tracee: tests/unit/test_cloop.py. Everything else it does is covered by the
tracing tests, which run with both loops (the tracer_loop fixture)."""

from __future__ import annotations

import os
import select
import subprocess
from typing import Any

import pytest

import aiotrace
from aiotrace import Death, Exec, Exit, SyscallEntry, SyscallExit
from aiotrace.lowlevel import Capture

pytestmark = pytest.mark.anyio


def run_blocking_the_loop(proc: aiotrace.Process) -> None:
    """Let *proc* run to its end while the event loop's thread waits on its pidfd: nothing
    turns the C loop's records into events meanwhile."""
    fd = os.pidfd_open(proc.pid)
    try:
        proc.resume()
        ready, _, _ = select.select([fd], [], [], 30)
        assert ready, "the program did not end"
    finally:
        os.close(fd)


async def test_tracers_use_the_c_loop_unless_told_not_to(
        target: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIOTRACE_ACCEL", raising=False)
    async with aiotrace.open_tracer() as tracer:
        assert tracer.accelerated
        proc = await tracer.spawn([target("getppid_loop"), "100"])
        events = proc.events(SyscallExit, syscalls={"getppid"})
        proc.resume()
        async with events:
            got = [ev async for ev in events]
        assert await proc.wait() == 0
        stops = tracer.statistics().stops
    assert len(got) == 100
    assert stops >= 200   # (the stops the C loop handled count too)
    monkeypatch.setenv("AIOTRACE_ACCEL", "0")
    async with aiotrace.open_tracer() as tracer:
        assert not tracer.accelerated


async def test_more_records_than_the_ring_holds_lose_nothing(target: Any, tracer_loop: str) -> None:
    # The event loop's thread is blocked (on the program's pidfd, until it has ended)
    # while the program makes 3 000 calls: nothing turns the C loop's ring (1 024 records)
    # into events, so it fills, after which the stops go to Python, which turns the ring
    # into events first: every exit arrives, in order, with its return value.
    n = 3000
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), str(n)])
        events = proc.events(SyscallExit, syscalls={"getppid"}, buffer=10 * n)
        run_blocking_the_loop(proc)
        assert await proc.wait() == 0
        async with events:
            got = [ev async for ev in events]
    assert len(got) == n
    seqs = [ev.seq for ev in got]
    assert seqs == sorted(seqs) and len(set(seqs)) == n
    times = [ev.time_ns for ev in got]   # (taken at each stop: a record read twice repeats one)
    assert all(a < b for a, b in zip(times, times[1:], strict=False))
    assert all(ev.retval == os.getpid() for ev in got)   # (getppid's result: the tracer)


async def test_records_and_pythons_events_keep_their_order(target: Any, tracer_loop: str) -> None:
    # Syscall events (records of the C loop) and exec, exit and death (Python's) of a
    # shell that runs two programs: one stream sees them in the order they happened.
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn(["sh", "-c", f"{target('getppid_loop')} 50; /bin/true"],
                                  stdout=subprocess.DEVNULL)
        events = proc.events()
        proc.resume()
        async with events:
            got = [ev async for ev in events]
        assert await proc.wait() == 0
    seqs = [ev.seq for ev in got]
    assert seqs == sorted(seqs)
    by_pid: dict[int, list[Any]] = {}
    for ev in got:
        by_pid.setdefault(ev.pid, []).append(ev)
    loop_pid = next(p for p, evs in by_pid.items()
                    if any(isinstance(e, Exec) and "getppid_loop" in e.filename for e in evs))
    evs = by_pid[loop_pid]
    kinds = [type(e) for e in evs]
    assert kinds[-1] is Death and Exit in kinds
    exec_at = next(i for i, e in enumerate(evs) if isinstance(e, Exec) and "getppid_loop" in e.filename)
    calls = [e for e in evs[exec_at:] if isinstance(e, SyscallExit) and e.name == "getppid"]
    assert len(calls) == 50
    # an entry always comes before its exit, on the same thread
    open_entries: dict[int, int] = {}
    for e in evs:
        if isinstance(e, SyscallEntry):
            open_entries[e.tid] = e.nr
        elif isinstance(e, SyscallExit) and e.tid in open_entries:
            assert open_entries.pop(e.tid) == e.nr


async def test_a_lone_engine_and_a_late_observer(target: Any, tracer_loop: str) -> None:
    # One intercepting engine alone: the C loop holds its stops. An observer opened while
    # the engine holds a call makes the stops Python's from then on; the engine's verdicts
    # keep working across the change, and the observer sees what the engine decided.
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), "6"])
        engine = proc.events(SyscallEntry, syscalls={"getppid"}, intercept=True)
        proc.resume()
        calls = 0
        async with engine:
            async for call in engine:
                calls += 1
                if calls == 3:
                    watcher = proc.events(SyscallExit, syscalls={"getppid"})
                if calls % 2:
                    call.return_value(7000 + calls)
                else:
                    call.resume()
        async with watcher:
            observed = [ev.retval async for ev in watcher]
        assert await proc.wait() == 0
    assert calls == 6
    assert observed == [7003, os.getpid(), 7005, os.getpid()]


async def _run_blocked(target: Any, n: int, **stream: Any) -> list[Any]:
    """reuse_buf N traced by one stream; the event loop's thread is blocked until the
    program has ended, so that nothing turns the C loop's records into events before
    then: a capture that runs late must rely on what aiotrace kept at the stop."""
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("reuse_buf"), str(n)])
        events = proc.events(SyscallEntry, SyscallExit, buffer=20 * n, **stream)
        run_blocking_the_loop(proc)
        assert await proc.wait() == 0
        async with events:
            return [ev async for ev in events]


def _reads(ev: Any, mem: Any) -> Any:
    """What a CLI-like capture reads: write's buffer at entry, read's at exit, openat's
    path at entry."""
    if ev.name == "write" and isinstance(ev, SyscallEntry):
        return mem.read(ev.args[1], ev.args[2])
    if ev.name == "read" and isinstance(ev, SyscallExit) and ev.retval > 0:
        return mem.read(ev.args[1], ev.retval)
    if ev.name == "openat" and isinstance(ev, SyscallEntry):
        return mem.read_string(ev.args[1], 4096)
    return None


async def test_a_late_capture_reads_before_the_thread_goes_on(
        target: Any, tracer_loop: str) -> None:
    # after_resume at write's entry: the buffer is the kernel's input, valid until
    # the call's exit stop; the program rewrites it right after. The C loop must keep each
    # thread at its exit stop until its entry's capture has run.
    n = 300
    got = await _run_blocked(
        target, n, syscalls={"write"},
        capture=Capture(_reads, after_resume={SyscallEntry: {"write"}},
                        reads_nothing={SyscallExit: {"write"}}))
    assert [ev.captured for ev in got if isinstance(ev, SyscallEntry)] == [
        b"msg-%d" % i for i in range(n)]


@pytest.mark.parametrize("also_after_resume, write_copy", [
    (False, (1, "arg", 2, 64)),
    (True, (1, "arg", 2, 64)),
    (False, (1, 1 << 16)),   # (64 KiB a call: the 4 MiB arena wraps and fills, many times)
])
async def test_prefetch_copies_what_the_capture_reads(
        target: Any, tracer_loop: str, also_after_resume: bool, write_copy: Any) -> None:
    # Each kind of copy, taken at the stop: a buffer as long as an argument says (write),
    # what the call returned (read), a string (openat). The program rewrites each right
    # after the call, and the captures run after it ended: they read the copies. (The
    # same stops also listed in after_resume must still read the copies.)
    n = 200
    late = {SyscallEntry: {"write", "openat"}} if also_after_resume else None
    got = await _run_blocked(
        target, n, syscalls={"write", "read", "openat"}, capture=Capture(
            _reads, after_resume=late,
            # (the other stops read nothing: so no stop of this stream waits for Python)
            reads_nothing={SyscallEntry: {"read"}, SyscallExit: {"write", "openat"}},
            prefetch={SyscallEntry: {"write": [write_copy], "openat": [(1, "string")]},
                      SyscallExit: {"read": [(1, "retval", 64)]}}))
    seen = {(type(ev).__name__, ev.name): [] for ev in got}   # type: ignore[var-annotated]
    for ev in got:
        if ev.captured is not None:
            seen[(type(ev).__name__, ev.name)].append(ev.captured)
    msgs = [b"msg-%d" % i for i in range(n)]
    assert seen[("SyscallEntry", "write")] == msgs
    assert seen[("SyscallExit", "read")][-n:] == msgs   # (after the loader's own reads)
    assert seen[("SyscallEntry", "openat")][-n:] == [b"/nonexistent/f-%d" % i for i in range(n)]


