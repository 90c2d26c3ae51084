"""The built-in engines (aiotrace.engines): fault injection, counting, path rewriting, on
real processes on asyncio and trio (their parsers and tables, without a tracee, are in
tests/unit/test_engine_rules.py)."""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal
import subprocess

import anyio
import pytest

import aiotrace
from aiotrace import SyscallEntry, SyscallExit
from aiotrace.engines import count_syscalls, inject, parse_inject, rewrite_paths

# every test on both event loops, and with both of the tracer thread's loops
pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]

PPID = os.getpid()   # spawned tracees are forked by the tracer thread of this process


async def run(argv, tmp_path, *engines, cwd=None):
    """Spawn argv, start each engine (a callable taking the Process and anyio's
    task_status) with ``tg.start`` before ``resume()``; return stdout, the return code and
    what each engine's ``start`` returned."""
    out = tmp_path / "stdout"
    with open(out, "wb") as f:
        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.spawn(argv, stdout=f, cwd=cwd)
            async with anyio.create_task_group() as tg:
                started = [await tg.start(engine, proc) for engine in engines]
                proc.resume()
                rc = await proc.wait()
    return out.read_text(), rc, started


def _path_at_stop(ev, mem):
    """capture= for openat: its path, read while the thread is stopped (an observer's
    event outlives the stop, and the program may be gone when the loop looks)."""
    return os.fsdecode(mem.read_string(ev.args[1], 4096))


def _openat_paths(into: list[str]):
    """An observing engine that appends the path of each openat to *into*."""
    async def observe(proc, task_status=anyio.TASK_STATUS_IGNORED):
        async with proc.events(SyscallEntry, syscalls={"openat"}, capture=_path_at_stop) as evs:
            task_status.started()
            async for ev in evs:
                into.append(ev.captured)
    return observe


def _engine(fn, *args, **kw):
    return lambda proc, task_status=anyio.TASK_STATUS_IGNORED: fn(
        proc, *args, task_status=task_status, **kw)


# -- inject on real processes ------------------------------------------------------------


async def test_inject_error_enoent_on_the_targets_openat(target, tmp_path):
    data = tmp_path / "data"
    data.write_text("there")
    argv = [target("openat_file"), str(data)]

    # the dynamic loader opens files too: find which openat is the target's own
    paths: list[str] = []
    out, rc, _ = await run(argv, tmp_path, _openat_paths(paths))
    assert (out, rc) == ("read 5: there", 0)
    nth = paths.index(str(data)) + 1

    out, rc, (done,) = await run(argv, tmp_path, _engine(inject, f"openat:error=ENOENT:when={nth}"))
    assert (out, rc) == ("open failed: ENOENT\n", 1)
    assert done == {"openat": 1}


async def test_inject_retval_on_getppid(target, tmp_path):
    out, rc, (done,) = await run([target("print_getppid")], tmp_path,
                                 _engine(inject, "getppid:retval=4242"))
    assert (out, rc) == ("getppid=4242\n", 0)
    assert done == {"getppid": 1}


async def test_inject_when_range_hits_only_the_2nd_and_3rd_calls(target, tmp_path):
    out, rc, (done,) = await run([target("getppid_seq"), "5"], tmp_path,
                                 _engine(inject, "getppid:retval=100:when=2..3"))
    assert rc == 0
    assert out.splitlines() == [f"{PPID} usr1=0", "100 usr1=0", "100 usr1=0",
                                f"{PPID} usr1=0", f"{PPID} usr1=0"]
    assert done == {"getppid": 2}


async def test_inject_error_with_step(target, tmp_path):
    out, rc, _ = await run([target("getppid_seq"), "6"], tmp_path,
                           _engine(inject, "getppid:error=EPERM:when=2+2"))
    assert rc == 0
    ok, bad = f"{PPID} usr1=0", "-1 EPERM usr1=0"
    assert out.splitlines() == [ok, bad, ok, bad, ok, bad]


async def test_only_chooses_the_calls_that_count(target, tmp_path):
    """only= picks the calls the rules see: the others are neither tampered with nor
    counted for when= (here the 2nd of the odd-numbered calls is the 3rd call)."""
    seen = []

    def odd(call):
        seen.append(call.tid)
        return len(seen) % 2 == 1

    out, rc, (done,) = await run([target("getppid_seq"), "5"], tmp_path,
                                 _engine(inject, "getppid:retval=7:when=2", only=odd))
    assert rc == 0
    assert out.splitlines() == [f"{PPID} usr1=0", f"{PPID} usr1=0", "7 usr1=0",
                                f"{PPID} usr1=0", f"{PPID} usr1=0"]
    assert done == {"getppid": 1} and len(seen) == 5


async def test_last_rule_for_a_syscall_wins_as_in_strace(target, tmp_path):
    out, rc, (done,) = await run(
        [target("getppid_seq"), "3"], tmp_path,
        _engine(inject, "getppid:retval=5:when=1", "getppid:retval=6:when=2"))
    assert rc == 0
    assert out.splitlines() == [f"{PPID} usr1=0", "6 usr1=0", f"{PPID} usr1=0"]
    assert done == {"getppid": 1}


async def test_rules_for_different_syscalls_combine(target, tmp_path):
    rules = (parse_inject("fchdir:error=EBADF:when=2"), "getppid:retval=9")
    _, rc, (counts, done) = await run([target("fail_loop"), "3"], tmp_path,
                                      count_syscalls, _engine(inject, *rules))
    assert rc == 0
    assert done == {"fchdir": 1, "getppid": 3}
    # observers see the results after injection
    assert (counts["fchdir"].calls, counts["fchdir"].errors) == (3, 3)
    assert (counts["getppid"].calls, counts["getppid"].errors) == (3, 0)


async def test_inject_errors_are_counted_by_an_observer(target, tmp_path):
    _, rc, (counts, done) = await run([target("getppid_loop"), "10"], tmp_path,
                                      count_syscalls, _engine(inject, "getppid:error=EIO:when=3+3"))
    assert rc == 0 and done == {"getppid": 3}
    assert (counts["getppid"].calls, counts["getppid"].errors) == (10, 3)


async def test_delay_enter_holds_the_thread(target, tmp_path):
    out, rc, (counts, done) = await run([target("timed_getppid")], tmp_path,
                                        count_syscalls, _engine(inject, "getppid:delay_enter=100ms"))
    m = re.fullmatch(r"getppid=(\d+) usecs=(\d+)\n", out)
    assert rc == 0 and m is not None and done == {"getppid": 1}
    assert int(m.group(1)) == PPID            # delayed, not tampered with
    assert int(m.group(2)) >= 100_000         # measured by the target itself
    assert counts["getppid"].time_ns >= 100_000_000   # and between the entry and exit stops


async def test_delay_exit_holds_the_thread(target, tmp_path):
    out, rc, (done,) = await run([target("timed_getppid")], tmp_path,
                                 _engine(inject, "getppid:delay_exit=100ms:retval=3"))
    m = re.fullmatch(r"getppid=3 usecs=(\d+)\n", out)
    assert rc == 0 and m is not None and int(m.group(1)) >= 100_000
    assert done == {"getppid": 1}


async def test_a_delayed_thread_does_not_hold_the_others(target, tmp_path):
    """While one process's call is delayed (for an hour), another process of the family
    makes all its calls: the delay is a task awaiting anyio.sleep, not a blocked engine.
    Cancelling the injector then releases the delayed thread at once (the test ends)."""
    script = f"{target('fail_loop')} 1 & {target('getppid_loop')} 50; wait"
    exits: list[str] = []
    fchdir_held = anyio.Event()
    loop_done = anyio.Event()

    async def probe(proc, task_status=anyio.TASK_STATUS_IGNORED):
        # attached before the injector, so asked after it at syscall entry: by then the
        # injector has taken its hold for the delay
        async with proc.events(SyscallEntry, syscalls={"fchdir"}, intercept=True) as calls:
            task_status.started()
            async for call in calls:
                fchdir_held.set()
                call.resume()

    async def gate(proc, task_status=anyio.TASK_STATUS_IGNORED):
        # getppid_loop makes its calls only once fail_loop's fchdir is being delayed
        async with proc.events(SyscallEntry, syscalls={"getppid"}, intercept=True) as calls:
            task_status.started()
            async for call in calls:
                if call.pid != proc.pid:     # not sh's own getppid (dash reads $PPID)
                    await fchdir_held.wait()
                call.resume()

    async def watch(proc, task_status=anyio.TASK_STATUS_IGNORED):
        async with proc.events(SyscallExit, syscalls={"getppid", "fchdir"}) as evs:
            task_status.started()
            async for ev in evs:
                if ev.pid != proc.pid:       # not sh's own getppid
                    exits.append(ev.name)
                if exits.count("getppid") == 50:
                    loop_done.set()

    out_path = tmp_path / "stdout"
    with open(out_path, "wb") as f:
        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.spawn(["sh", "-c", script], stdout=f)
            async with anyio.create_task_group() as tg:
                for engine in (probe, gate, watch):
                    await tg.start(engine, proc)
                with anyio.CancelScope() as scope:
                    async with anyio.create_task_group() as inner:
                        done = await inner.start(
                            _engine(inject, "fchdir:delay_enter=3600s:when=1"), proc)
                        proc.resume()
                        await loop_done.wait()
                        # all 50 calls of getppid_loop returned while fail_loop's fchdir
                        # is still held (its own getppid comes after it)
                        assert exits == ["getppid"] * 50 and done == {"fchdir": 1}
                        scope.cancel()
                with anyio.fail_after(30):   # (far less than the delay: it was released)
                    rc = await proc.wait()
    assert rc == 0
    assert exits.count("fchdir") == 1 and exits.count("getppid") == 51


async def test_signal_injected_at_entry(target, tmp_path):
    out, rc, (done,) = await run([target("getppid_seq"), "3"], tmp_path,
                                 _engine(inject, "getppid:signal=SIGUSR1:when=2"))
    assert rc == 0 and done == {"getppid": 1}
    # the handler ran as the 2nd call returned, and the call itself was left alone
    assert out.splitlines() == [f"{PPID} usr1=0", f"{PPID} usr1=1", f"{PPID} usr1=1"]


async def test_signal_with_retval(target, tmp_path):
    out, rc, _ = await run([target("getppid_seq"), "2"], tmp_path,
                           _engine(inject, "getppid:retval=7:signal=usr1:when=1"))
    assert (rc, out.splitlines()) == (0, ["7 usr1=1", f"{PPID} usr1=1"])


async def test_fatal_injected_signal(target, tmp_path):
    _, rc, (done,) = await run([target("getppid_loop"), "5"], tmp_path,
                               _engine(inject, "getppid:signal=SIGTERM:when=3"))
    assert rc == -signal.SIGTERM and done == {"getppid": 1}


async def test_inject_in_a_followed_child(target, tmp_path):
    """The rules apply to children too, with counts per thread; the signal reaches the
    child's thread (in a process that is not the traced root)."""
    script = f"{target('getppid_seq')} 3; exit 3"
    out, rc, (done,) = await run(["sh", "-c", script], tmp_path,
                                 _engine(inject, "getppid:retval=11:signal=SIGUSR1:when=2"))
    # dash makes one getppid call of its own (for $PPID): its count never reaches 2
    assert rc == 3 and done == {"getppid": 1}
    lines = out.splitlines()
    sh_pid = lines[0].split()[0]
    assert sh_pid != str(PPID)
    assert lines == [f"{sh_pid} usr1=0", "11 usr1=1", f"{sh_pid} usr1=1"]


async def test_cancelled_injector_releases_a_delayed_thread(target, tmp_path):
    """A thread held for a long delay (an hour) runs at once when the injector is
    cancelled (the test ends)."""
    out_path = tmp_path / "stdout"
    with open(out_path, "wb") as f:
        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.spawn([target("timed_getppid")], stdout=f)
            held = anyio.Event()

            async def probe(proc, task_status=anyio.TASK_STATUS_IGNORED):
                # attached before the injector, so asked after it at syscall entry: by
                # then the injector has taken its hold for the delay
                async with proc.events(SyscallEntry, syscalls={"getppid"}, intercept=True) as cs:
                    task_status.started()
                    async for call in cs:
                        held.set()
                        call.resume()

            async with anyio.create_task_group() as tg:
                await tg.start(probe, proc)
                with anyio.CancelScope() as scope:
                    async with anyio.create_task_group() as inner:
                        await inner.start(_engine(inject, "getppid:delay_enter=3600s"), proc)
                        proc.resume()
                        await held.wait()
                        scope.cancel()
                with anyio.fail_after(30):   # (far less than the delay: it was released)
                    rc = await proc.wait()
    out = out_path.read_text()
    assert rc == 0 and out.startswith(f"getppid={PPID} usecs=")


async def test_inject_needs_rules(target, tmp_path):
    with pytest.raises(ValueError, match="at least one rule"):
        await inject(None)


# -- count_syscalls ----------------------------------------------------------------------


async def test_count_exact_number_of_calls(target, tmp_path):
    _, rc, (counts,) = await run([target("getppid_loop"), "57"], tmp_path, count_syscalls)
    assert rc == 0
    st = counts["getppid"]
    assert (st.calls, st.errors) == (57, 0)
    assert st.time_ns > 0 and counts.calls > 57
    assert "exit_group" not in counts       # never returns: not counted, as in strace
    assert counts["execve"].calls == 1      # the exec that started it (its exit stop)


async def test_count_errors(target, tmp_path):
    _, rc, (counts,) = await run([target("fail_loop"), "8"], tmp_path, count_syscalls)
    assert rc == 0
    assert (counts["fchdir"].calls, counts["fchdir"].errors) == (8, 8)
    assert (counts["getppid"].calls, counts["getppid"].errors) == (8, 0)
    assert counts.errors >= 8


async def test_count_a_negative_retval_injection_as_a_success(target, tmp_path):
    """With injected= the calls a retval= rule sets are successes, even at -1 (strace -c);
    the error= rule's calls, and the calls a rule's when= skips, are counted as usual."""
    rules = [parse_inject("getppid:retval=-1:when=2+2"), parse_inject("fchdir:error=EPERM")]
    out, rc, (counts, _) = await run(
        [target("getppid_seq"), "4"], tmp_path,
        _engine(count_syscalls, injected=rules), _engine(inject, *rules))
    assert rc == 0
    assert out.splitlines() == [f"{PPID} usr1=0", "-1 EPERM usr1=0"] * 2
    assert (counts["getppid"].calls, counts["getppid"].errors) == (4, 0)
    out, rc, (counts, _) = await run(
        [target("getppid_seq"), "2"], tmp_path,
        count_syscalls, _engine(inject, *rules))
    assert (counts["getppid"].calls, counts["getppid"].errors) == (2, 1)


async def test_count_only_some_syscalls(target, tmp_path):
    _, rc, (counts,) = await run([target("fail_loop"), "4"], tmp_path,
                                 _engine(count_syscalls, syscalls={"getppid", "fchdir"}))
    assert rc == 0
    assert sorted(counts) == ["fchdir", "getppid"]
    assert counts.calls == 8 and counts.errors == 4


@pytest.mark.parametrize("clock", ["wall", "cpu"])
async def test_count_wall_clock_or_cpu_time(clock, tmp_path):
    """A 0.3 s sleep: clock="wall" counts the 0.3 s from its entry stop to its exit stop,
    clock="cpu" the thread's time on a CPU between them (the kernel's work of the call:
    next to nothing, and not nothing); overhead_ns is taken off each call, down to 0."""
    _, rc, (counts, less) = await run(
        ["sleep", "0.3"], tmp_path, _engine(count_syscalls, clock=clock),
        _engine(count_syscalls, clock=clock, overhead_ns=10**10))
    assert rc == 0
    name = "clock_nanosleep" if "clock_nanosleep" in counts else "nanosleep"
    took = counts[name].time_ns
    assert counts[name].calls == 1
    if clock == "wall":
        assert took >= 3 * 10**8
    else:
        assert 0 < took < 10**8
    assert less[name].calls == 1 and less.time_ns == 0


async def test_count_cpu_time_needs_no_python_on_the_c_loop(target, tmp_path, tracer_loop):
    """clock="cpu" reads the thread's CPU time at each stop: the C loop reads it itself
    (its records carry it), so that the stops of a thread's calls are the C loop's, not
    Python's; the Python loop reads it at the stop. Either way each call is counted, with
    a time, and the schedstat files the C loop keeps open for the threads (4 at a time,
    80 in all here) are closed with them."""
    rounds = 20
    fds = set(os.listdir("/proc/self/fd"))
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("thread_churn"), str(rounds)],
                                  stdout=subprocess.DEVNULL)
        async with anyio.create_task_group() as tg:
            counts = await tg.start(_engine(count_syscalls, clock="cpu"), proc)
            proc.resume()
            assert await proc.wait() == 0
        in_c = tracer._core.accel.core.stops if tracer.accelerated else None
    assert set(os.listdir("/proc/self/fd")) == fds
    calls = 4 * 3 * rounds
    assert counts["getppid"].calls == calls and counts["getppid"].time_min_ns > 0
    assert counts["clone3" if "clone3" in counts else "clone"].calls == 4 * rounds
    if tracer_loop == "c":
        # (the entry and exit of each getppid at least; a full ring of records sends a
        # stop to Python now and then)
        assert in_c >= 2 * calls - 4


async def test_count_clock_and_overhead_are_checked(target, tmp_path):
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn(["true"])
        with pytest.raises(ValueError, match="'wall' or 'cpu'"):
            await count_syscalls(proc, clock="system")
        with pytest.raises(ValueError, match="overhead_ns"):
            await count_syscalls(proc, overhead_ns=-1)
        proc.resume()
        assert await proc.wait() == 0


async def test_count_follows_children(target, tmp_path):
    script = f"{target('getppid_loop')} 5; {target('fail_loop')} 3"
    _, rc, (counts,) = await run(["sh", "-c", script], tmp_path, count_syscalls)
    assert rc == 0
    # 5 + 3, and one by dash itself (for $PPID)
    assert counts["getppid"].calls == 9 and counts["fchdir"].errors == 3
    assert counts["execve"].calls >= 3


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
async def test_count_matches_strace_c(target, tmp_path):
    argv = [target("fail_loop"), "6"]
    _, rc, (counts,) = await run(argv, tmp_path, count_syscalls)
    assert rc == 0
    summary = tmp_path / "strace-c"
    r = await anyio.run_process(["strace", "-f", "-c", "-o", str(summary), *argv], check=False)
    assert r.returncode == 0
    theirs = {}
    for line in summary.read_text().splitlines()[2:-2]:
        f = line.split()
        errs = int(f[4]) if len(f) == 6 else 0
        theirs[f[-1]] = (int(f[3]), errs)
    ours = {name: (counts[name].calls, counts[name].errors) for name in counts}
    assert ours == theirs


_ROW = re.compile(r"^([ \d]{2}\d\.\d\d) ([ \d]{3}\d\.\d{6}) ([ \d]{10}\d) ([ \d]{8}\d) "
                  r"([ \d]{9}) (\w+)$")


async def test_table_of_a_real_run(target, tmp_path):
    _, rc, (counts, _) = await run([target("getppid_seq"), "4"], tmp_path, count_syscalls,
                                   _engine(inject, "getppid:delay_enter=50ms:when=1"))
    assert rc == 0
    lines = counts.table().splitlines()
    assert lines[0] == "% time     seconds  usecs/call     calls    errors syscall"
    assert lines[1] == lines[-2] == "------ ----------- ----------- --------- --------- ----------------"
    rows = [_ROW.match(line) for line in lines[2:-2]]
    assert all(rows), lines
    names = [m.group(6) for m in rows]
    # sorted by time (whether the delayed call comes first depends on how long the other
    # calls took, that is on the machine's load)
    seconds = [float(m.group(2)) for m in rows]
    assert seconds == sorted(seconds, reverse=True)
    assert counts["getppid"].time_ns >= 50_000_000
    assert sorted(names) == sorted(counts)
    total = _ROW.match(lines[-1])
    assert total and total.group(1) == "100.00" and total.group(6) == "total"
    assert int(total.group(4)) == counts.calls == sum(int(m.group(4)) for m in rows)
    assert abs(sum(float(m.group(1)) for m in rows) - 100) < 0.5


# -- rewrite_paths -----------------------------------------------------------------------


async def test_cat_through_the_mapping(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "x").write_text("hello from the real dir\n")
    out, rc, (done,) = await run(["cat", "/virtual/x"], tmp_path,
                                 _engine(rewrite_paths, {"/virtual": str(real)}))
    assert (out, rc) == ("hello from the real dir\n", 0)
    assert done["openat"] == 1


async def test_openat_file_through_the_mapping(target, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "data").write_text("mapped")
    seen: list[str] = []
    out, rc, _ = await run([target("openat_file"), "/virtual/data"], tmp_path, _openat_paths(seen),
                           _engine(rewrite_paths, {"/virtual": str(real)}))
    assert (out, rc) == ("read 6: mapped", 0)
    assert seen[-1] == str(real / "data")     # observers see the rewritten argument


async def test_a_mapping_that_does_not_match_leaves_calls_alone(target, tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "data").write_text("mapped")
    seen: list[str] = []
    out, rc, (_, done) = await run([target("openat_file"), "/virtualx/data"], tmp_path,
                                   _openat_paths(seen), _engine(rewrite_paths, {"/virtual": str(real)}))
    assert (out, rc) == ("open failed: ENOENT\n", 1)
    assert seen[-1] == "/virtualx/data" and not done
    # a real path outside the mapping still works
    out, rc, (done,) = await run([target("openat_file"), str(real / "data")], tmp_path,
                                 _engine(rewrite_paths, {"/virtual": "/nonexistent"}))
    assert (out, rc, sum(done.values())) == ("read 6: mapped", 0, 0)


async def test_directory_operations_through_the_mapping(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "x").write_text("moved\n")
    script = ("cd /virtual && pwd && ls /virtual && mkdir /virtual/d && "
              "mv /virtual/x /virtual/d/y && ln -s target /virtual/d/l && "
              "readlink /virtual/d/l && cat /virtual/d/y && test -e /virtual/d/y && "
              "rm /virtual/d/l && echo done")
    out, rc, (done,) = await run(["sh", "-c", script], tmp_path,
                                 _engine(rewrite_paths, {"/virtual": str(real)}))
    assert rc == 0
    assert out.splitlines() == ["/virtual", "x", "target", "moved", "done"]
    assert sorted(os.listdir(real)) == ["d"] and os.listdir(real / "d") == ["y"]
    assert (real / "d" / "y").read_text() == "moved\n"
    assert done["chdir"] == 1 and done["mkdir"] + done["mkdirat"] == 1
    assert done["renameat2"] + done["rename"] + done["renameat"] == 1


async def test_every_call_that_takes_a_path_goes_through_the_mapping(target, tmp_path):
    """The calls are the syscall table's (aiotrace.syscalls' paths): open_tree too, which
    a list of the engine's own had left out."""
    real = tmp_path / "real"
    real.mkdir()
    (real / "data").write_text("x")
    out, rc, (done,) = await run([target("open_tree"), "/virtual/data"], tmp_path,
                                 _engine(rewrite_paths, {"/virtual": str(real)}))
    if out == f"open_tree: {errno.ENOSYS}\n":
        pytest.skip("the kernel has no open_tree (Linux 5.2)")
    assert (out, rc) == ("open_tree: ok\n", 0)
    assert done == {"open_tree": 1}


async def test_exec_through_the_mapping(target, tmp_path):
    bindir = os.path.dirname(target("print_getppid"))
    out, rc, (done,) = await run(["sh", "-c", "exec /opt/bin/print_getppid"], tmp_path,
                                 _engine(rewrite_paths, {"/opt/bin": bindir}))
    assert (out, rc) == (f"getppid={PPID}\n", 0)
    assert done["execve"] == 1


async def test_engines_work_together(tmp_path):
    """All three at once on one process: the path is rewritten, a call tampered with, and
    the counter sees both."""
    real = tmp_path / "real"
    real.mkdir()
    (real / "data").write_text("abc")
    out, rc, (counts, rewrites, done) = await run(
        ["cat", "/virtual/data"], tmp_path, count_syscalls,
        _engine(rewrite_paths, {"/virtual": str(real)}),
        _engine(inject, "fadvise64:error=ENOSYS"))
    assert (out, rc) == ("abc", 0)              # cat ignores a failed posix_fadvise
    assert rewrites == {"openat": 1}
    assert done == {"fadvise64": 1}
    assert (counts["fadvise64"].calls, counts["fadvise64"].errors) == (1, 1)
