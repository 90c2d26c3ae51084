"""The seccomp prefilter's effect on real processes (the filter as data, without a
tracee: tests/unit/test_seccomp_filter.py)."""

from __future__ import annotations

import errno
import subprocess

import pytest

import aiotrace
from aiotrace import SyscallEntry, SyscallExit


# every test on both event loops, and with both of the tracer thread's loops
pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]


async def run(argv, *, prefilter, streams):
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn(argv, syscalls=prefilter, stdout=subprocess.DEVNULL)
        opened = [proc.events(*types, **kw) for types, kw in streams]
        before = tracer.statistics().stops
        proc.resume()
        got = []
        for s in opened:
            async with s:
                got.append([ev async for ev in s])
        rc = await proc.wait()
        stops = tracer.statistics().stops - before
    return rc, got, stops


async def test_prefilter_stops_only_at_wanted_syscalls(target):
    argv = [target("getppid_loop"), "200"]
    streams = [((SyscallEntry, SyscallExit), {"syscalls": {"getppid"}})]
    rc, (evs,), stops = await run(argv, prefilter={"getppid"}, streams=streams)
    assert rc == 0
    assert [(e.kind, e.name) for e in evs] == [("syscall.entry", "getppid"), ("syscall.exit", "getppid")] * 200
    assert all(e.retval > 0 for e in evs if isinstance(e, SyscallExit))
    # 400 syscall stops, plus a few (exec, exit, death), not the loader's ~40 syscalls x 2
    rc2, _, full_stops = await run(argv, prefilter=None, streams=streams)
    assert stops < 410 and full_stops >= stops + 40


async def test_prefilter_reports_the_first_execve_exit(target):
    """The spawning execve's entry is never seen, but its exit is reported, with or
    without a prefilter (the thread leaves the exec stop with PTRACE_SYSCALL only when a
    stream wants that exit)."""
    argv = [target("getppid_loop"), "3"]
    want = [((SyscallExit,), {"syscalls": {"execve", "getppid"}})]
    rc, (evs,), _ = await run(argv, prefilter={"execve", "getppid"}, streams=want)
    rc2, (full,), _ = await run(argv, prefilter=None, streams=want)
    assert rc == rc2 == 0
    assert [(e.name, e.retval) for e in evs][0] == ("execve", 0)
    assert [e.name for e in evs] == [e.name for e in full] == ["execve"] + ["getppid"] * 3
    # no stream for that exit: no stop for it either
    none = [((SyscallEntry,), {"syscalls": {"getppid"}})]
    _, (entries,), stops = await run(argv, prefilter={"execve", "getppid"}, streams=none)
    _, _, more = await run(argv, prefilter={"execve", "getppid"}, streams=want)
    assert len(entries) == 3 and more == stops + 1 + 3   # + the execve exit, 3 getppid exits


async def test_prefilter_needs_follow(target):
    async with aiotrace.open_tracer() as tracer:
        with pytest.raises(ValueError, match="needs follow=True"):
            await tracer.spawn([target("getppid_loop"), "1"], syscalls={"getppid"},
                               follow=False)


async def test_prefilter_without_exit_interest_skips_exit_stops(target):
    argv = [target("getppid_loop"), "100"]
    rc, (evs,), stops = await run(argv, prefilter={"getppid"},
                                  streams=[((SyscallEntry,), {"syscalls": {"getppid"}})])
    assert rc == 0 and len(evs) == 100 and stops < 110


async def test_prefiltered_call_can_be_failed(target, tmp_path):
    data = tmp_path / "f"
    data.write_text("x")
    out = tmp_path / "out"
    async with aiotrace.open_tracer() as tracer:
        with open(out, "wb") as f:
            proc = await tracer.spawn([target("openat_file"), str(data)], syscalls={"openat"}, stdout=f)
        async with proc.events(SyscallEntry, syscalls={"openat"}, intercept=True) as calls:
            proc.resume()
            async for call in calls:
                if call.args.path == str(data):
                    call.fail(errno.EPERM)
        assert await proc.wait() == 1
    assert out.read_text() == "open failed: EPERM\n"


async def test_later_stream_outside_the_prefilter_falls_back(target):
    argv = [target("syscall_mix"), "/dev/null"]
    streams = [((SyscallExit,), {"syscalls": {"getpid"}}), ((SyscallExit,), {"syscalls": {"write"}})]
    rc, (getpids, writes), _ = await run(argv, prefilter={"getpid"}, streams=streams)
    assert rc == 0 and [e.name for e in getpids] == ["getpid"]
    assert [(e.name, e.retval) for e in writes] == [("write", 3)]


async def test_prefiltered_process_cannot_be_detached(target, quiet_stdin):
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("blocker"), "0"], syscalls={"read"},
                                  stdout=subprocess.DEVNULL, stdin=quiet_stdin)
        proc.resume()
        with pytest.raises(aiotrace.NotDetachable, match="ENOSYS"):
            await proc.detach()
        proc.kill()
        assert await proc.wait() == -9


async def test_prefiltered_call_is_reported_once_when_the_fallback_ends_at_its_entry(target):
    """A stream outside the prefilter makes every syscall stop; closed while an engine
    holds a prefiltered call's syscall-entry-stop, the prefilter is enough again, and that
    call's own seccomp stop, which comes next, is not a new call (it was reported twice)."""
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), "5"], syscalls={"getppid"})
        calls = proc.events(SyscallEntry, SyscallExit, syscalls={"getppid"}, intercept=True)
        other = proc.events(SyscallEntry, syscalls={"write"})   # every syscall stops now
        proc.resume()
        got = []
        async with calls:
            async for call in calls:
                got.append(call.kind)
                if len(got) == 1:
                    await other.aclose()   # the prefilter is enough again
                call.resume()
        assert await proc.wait() == 0
    assert got == ["syscall.entry", "syscall.exit"] * 5


@pytest.mark.parametrize("intercept", [False, True], ids=["observer", "interceptor"])
async def test_prefiltered_calls_all_reported_once_while_the_fallback_comes_and_goes(
        target, intercept):
    """Streams outside the prefilter opened and closed while the program runs: each
    prefiltered call is reported once. (A thread resumed with PTRACE_CONT under the
    prefilter whose next call stopped after a fallback began was taken for one whose entry
    had been reported, and lost; one resumed from an entry during the fallback was
    reported again at its seccomp stop after it ended.)"""
    n = 3000
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), str(n)], syscalls={"getppid"})
        calls = proc.events(SyscallEntry, syscalls={"getppid"}, intercept=intercept,
                            buffer=n + 10)
        proc.resume()
        seen = 0
        other = None
        async with calls:
            async for _ in calls:
                seen += 1
                if seen % 250 == 50:
                    other = proc.events(SyscallEntry, syscalls={"write"})
                elif seen % 250 == 150 and other is not None:
                    await other.aclose()
                    other = None
        if other is not None:
            await other.aclose()
        assert await proc.wait() == 0
    assert seen == n


async def test_singlestep_at_a_prefiltered_entry_while_every_syscall_stops(target):
    """singlestep() at a prefiltered call's syscall-entry-stop (a stream outside the
    prefilter makes every syscall stop): the call's seccomp stop comes before the step's
    trap; the thread steps on from there, so the SingleStep comes and the call is reported
    once (the step was lost before, and with the fix for seccomp stops alone the call was
    reported twice)."""
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), "3"], syscalls={"getppid"})
        calls = proc.events(SyscallEntry, aiotrace.SingleStep, syscalls={"getppid"},
                            intercept=True)
        other = proc.events(SyscallEntry, syscalls={"write"})   # every syscall stops
        proc.resume()
        got = []
        async with calls, other:
            async for ev in calls:
                got.append(ev.kind)
                if len(got) == 1:
                    ev.singlestep()
                else:
                    ev.resume()
        assert await proc.wait() == 0
    assert got == ["syscall.entry", "step", "syscall.entry", "syscall.entry"]
