"""The built-in engines (aiotrace.engines): fault injection, counting, path rewriting —
parsing tables, then real processes on asyncio and trio."""

from __future__ import annotations

import errno
import os
import re
import shutil
import signal

import anyio
import pytest

import aiotrace
from aiotrace import SyscallEntry, SyscallExit
from aiotrace.engines import (
    InjectRule, PathMap, SyscallCounts, count_syscalls, inject, parse_delay, parse_inject,
    rewrite_paths,
)

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


# -- the new test targets, untraced (the baseline the tests compare against) -------------


def test_targets_untraced(target):
    import subprocess
    r = subprocess.run([target("getppid_seq"), "3"], capture_output=True, text=True, timeout=20)
    assert (r.returncode, r.stdout) == (0, f"{PPID} usr1=0\n" * 3)
    r = subprocess.run([target("fail_loop"), "5"], capture_output=True, text=True, timeout=20)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    r = subprocess.run([target("timed_getppid")], capture_output=True, text=True, timeout=20)
    assert r.returncode == 0 and re.fullmatch(rf"getppid={PPID} usecs=\d+\n", r.stdout)
    for name in ("getppid_seq", "fail_loop"):
        r = subprocess.run([target(name)], capture_output=True, text=True, timeout=20)
        assert r.returncode == 2 and r.stderr.startswith("usage: ")


# -- parse_inject: good specs -------------------------------------------------------------

INF = None


@pytest.mark.parametrize("spec, fields", [
    ("getppid:error=ENOENT",
     dict(syscalls={"getppid"}, error=errno.ENOENT, first=1, last=INF, step=1)),
    ("getppid:error=enoent", dict(error=errno.ENOENT)),              # strcasecmp, as strace
    ("getppid:error=13", dict(error=13)),
    ("getppid:error=4095", dict(error=4095)),
    ("getppid:error=ERESTARTSYS", dict(error=512)),                 # kernel-internal names
    ("openat,read:retval=0x10", dict(syscalls={"openat", "read"}, retval=16, error=None)),
    ("getppid:retval=010", dict(retval=8)),                          # strtoull base 0: octal
    ("getppid:retval=-1", dict(retval=-1)),
    ("getppid:retval=18446744073709551615", dict(retval=-1)),       # as the kernel's long
    ("getppid:signal=SIGUSR1", dict(signal=signal.SIGUSR1)),
    ("getppid:signal=usr2", dict(signal=signal.SIGUSR2)),
    ("getppid:signal=9", dict(signal=9)),
    ("getppid:signal=SIGRTMIN+1", dict(signal=signal.SIGRTMIN + 1)),
    ("getppid:signal=SIGRT_2", dict(signal=34)),                     # strace: kernel 32+N
    ("getppid:delay_enter=100ms", dict(delay_enter_ns=100_000_000, delay_exit_ns=None)),
    ("getppid:delay_exit=250", dict(delay_exit_ns=250_000)),          # no suffix: microseconds
    ("getppid:delay_enter=1.5s:delay_exit=7ns",
     dict(delay_enter_ns=1_500_000_000, delay_exit_ns=7)),
    ("getppid:error=EPERM:when=3", dict(first=3, last=INF, step=0)),
    ("getppid:error=EPERM:when=3+", dict(first=3, last=INF, step=1)),
    ("getppid:error=EPERM:when=3+4", dict(first=3, last=INF, step=4)),
    ("getppid:error=EPERM:when=2..3", dict(first=2, last=3, step=1)),
    ("getppid:error=EPERM:when=2..3+", dict(first=2, last=3, step=1)),
    ("getppid:error=EPERM:when=2..9+3", dict(first=2, last=9, step=3)),
    ("getppid:error=EPERM:when=1..65534+65535", dict(first=1, last=65534, step=65535)),
    ("getppid:when=5:error=EPERM:when=2", dict(first=2, step=0)),     # the last when= wins
    ("getppid::error=EPERM:", dict(error=errno.EPERM)),               # empty tokens skipped
    # a syscall number, in each ABI (as strace: x32's 110 is getppid too, i386's iopl)
    ("110:error=EPERM", dict(syscalls={"getppid@64", "getppid@x32", "iopl@32"})),
    ("getppid,?no_such_call:error=EPERM", dict(syscalls={"getppid"})),
])
def test_parse_inject_accepts(spec, fields):
    rule = parse_inject(spec)
    assert rule.spec == spec
    for name, value in fields.items():
        if name == "syscalls":
            value = frozenset(value)
        assert getattr(rule, name) == value, name


def test_parse_inject_negated_set_and_expand():
    rule = parse_inject("!getppid:error=EPERM")
    assert "getppid" not in rule.syscalls and {"read", "openat"} <= rule.syscalls
    rule = parse_inject("%creds,getpid:retval=0",
                        expand=lambda tok: {"%creds": ["getuid", "geteuid"]}[tok])
    assert rule.syscalls == {"getuid", "geteuid", "getpid"}


P = "invalid inject argument "


@pytest.mark.parametrize("spec, message", [
    ("foo:error=ENOENT", P + "'foo:error=ENOENT': unknown system call 'foo'"),
    ("getppd:error=EPERM",
     P + "'getppd:error=EPERM': unknown system call 'getppd' (did you mean getppid, getpid, "
         "getpgrp?)"),
    (":error=EPERM", P + "':error=EPERM': no system call given before the first ':'"),
    ("999:error=EPERM", P + "'999:error=EPERM': no system call has number 999"),
    ("?nope:error=EPERM", P + "'?nope:error=EPERM': the system call set is empty"),
    ("%file:error=EPERM",
     P + "'%file:error=EPERM': system call classes and regular expressions such as '%file' "
         "are not expanded here: list the names, or pass expand= to parse_inject()"),
    ("getppid",
     P + "'getppid': at least one of error=, retval=, signal=, delay_enter= or delay_exit= "
         "is required"),
    ("getppid:when=2",
     P + "'getppid:when=2': at least one of error=, retval=, signal=, delay_enter= or "
         "delay_exit= is required"),
    ("getppid:error=EFOO",
     P + "'getppid:error=EFOO': error= takes an errno name such as ENOENT or a number in "
         "1..4095, not 'EFOO'"),
    ("getppid:error=0",
     P + "'getppid:error=0': error= takes an errno name such as ENOENT or a number in "
         "1..4095, not '0'"),
    ("getppid:error=4096",
     P + "'getppid:error=4096': error= takes an errno name such as ENOENT or a number in "
         "1..4095, not '4096'"),
    ("getppid:error=ENOENT:retval=3",
     P + "'getppid:error=ENOENT:retval=3': error= and retval= are mutually exclusive"),
    ("getppid:retval=3:error=ENOENT",
     P + "'getppid:retval=3:error=ENOENT': error= and retval= are mutually exclusive"),
    ("getppid:error=ENOENT:error=EPERM",
     P + "'getppid:error=ENOENT:error=EPERM': error= is given twice"),
    ("getppid:signal=SIGUSR1:signal=2",
     P + "'getppid:signal=SIGUSR1:signal=2': signal= is given twice"),
    ("getppid:retval=x",
     P + "'getppid:retval=x': retval= takes an integer (decimal, 0x hex or 0 octal) that "
         "fits in 64 bits, not 'x'"),
    ("getppid:retval=08",
     P + "'getppid:retval=08': retval= takes an integer (decimal, 0x hex or 0 octal) that "
         "fits in 64 bits, not '08'"),
    ("getppid:retval=18446744073709551616",
     P + "'getppid:retval=18446744073709551616': retval= takes an integer (decimal, 0x hex "
         "or 0 octal) that fits in 64 bits, not '18446744073709551616'"),
    ("getppid:signal=FOO",
     P + "'getppid:signal=FOO': signal= takes a signal name such as SIGUSR1 or a number in "
         "1..64, not 'FOO'"),
    ("getppid:signal=65",
     P + "'getppid:signal=65': signal= takes a signal name such as SIGUSR1 or a number in "
         "1..64, not '65'"),
    ("getppid:signal=0",
     P + "'getppid:signal=0': signal= takes a signal name such as SIGUSR1 or a number in "
         "1..64, not '0'"),
    ("getppid:delay_enter=abc",
     P + "'getppid:delay_enter=abc': delay_enter= takes a non-negative number of "
         "microseconds, or a number with the suffix s, ms, us or ns (such as 100ms), not 'abc'"),
    ("getppid:delay_exit=-5ms",
     P + "'getppid:delay_exit=-5ms': delay_exit= takes a non-negative number of "
         "microseconds, or a number with the suffix s, ms, us or ns (such as 100ms), not '-5ms'"),
    ("getppid:delay_exit=5m",
     P + "'getppid:delay_exit=5m': delay_exit= takes a non-negative number of "
         "microseconds, or a number with the suffix s, ms, us or ns (such as 100ms), not '5m'"),
    ("getppid:delay_enter=1ms:delay_enter=2ms",
     P + "'getppid:delay_enter=1ms:delay_enter=2ms': delay_enter= is given twice"),
    ("getppid:error=EPERM:when=0",
     P + "'getppid:error=EPERM:when=0': when= first must be in 1..65535, not 0"),
    ("getppid:error=EPERM:when=65536",
     P + "'getppid:error=EPERM:when=65536': when= first must be in 1..65535, not 65536"),
    ("getppid:error=EPERM:when=3..2",
     P + "'getppid:error=EPERM:when=3..2': when= last (2) must not be less than first (3)"),
    ("getppid:error=EPERM:when=1..65535",
     P + "'getppid:error=EPERM:when=1..65535': when= last must be at most 65534, not 65535"),
    ("getppid:error=EPERM:when=2+0",
     P + "'getppid:error=EPERM:when=2+0': when= step must be in 1..65535, not 0"),
    ("getppid:error=EPERM:when=x",
     P + "'getppid:error=EPERM:when=x': when= takes first, first..last, first+, first+step or "
         "first..last+step, not 'x'"),
    ("getppid:error=EPERM:when=1.2",
     P + "'getppid:error=EPERM:when=1.2': when= takes first, first..last, first+, first+step "
         "or first..last+step, not '1.2'"),
    ("getppid:error=EPERM:when=-1",
     P + "'getppid:error=EPERM:when=-1': when= takes first, first..last, first+, first+step "
         "or first..last+step, not '-1'"),
    ("getppid:bogus=1",
     P + "'getppid:bogus=1': unknown option 'bogus=' (expected error=, retval=, signal=, "
         "delay_enter=, delay_exit= or when=)"),
    ("getppid:error",
     P + "'getppid:error': 'error' is not an option=value pair (expected error=, retval=, "
         "signal=, delay_enter=, delay_exit= or when=)"),
    ("getppid:syscall=getpid:error=EPERM",
     P + "'getppid:syscall=getpid:error=EPERM': syscall= (run another system call instead) is "
         "not supported: aiotrace skips the call and sets its result without running anything"),
    ("getppid:poke_enter=@arg1=00",
     P + "'getppid:poke_enter=@arg1=00': poke_enter= is not supported by aiotrace: write "
         "memory from an engine with call.thread.write()"),
])
def test_parse_inject_rejects(spec, message):
    with pytest.raises(ValueError) as info:
        parse_inject(spec)
    assert str(info.value) == message


def test_parse_inject_wants_a_string():
    with pytest.raises(TypeError, match="takes a string"):
        parse_inject(42)  # type: ignore[arg-type]


@pytest.mark.parametrize("text, ns", [
    ("0", 0), ("250", 250_000), ("+3", 3_000), ("2s", 2_000_000_000), ("100ms", 100_000_000),
    ("7us", 7_000), ("9ns", 9), ("1.5", 1_500), ("0.25s", 250_000_000), (".5ms", 500_000),
    ("1e3ns", 1_000), ("2.ms", 2_000_000),
    # strace's strtoll/strtod: white space and a sign first, the int64 and double ranges
    (" 5s", 5_000_000_000), ("-0", 0), ("-0.0s", 0), ("0e0s", 0), ("1e-300s", 0),
    ("9223372036854775807ns", 9223372036854775807),
    ("9223372036854775807s", 9223372036854775807 * 10**9), ("1e308s", 10**317),
])
def test_parse_delay(text, ns):
    assert parse_delay(text) == ns


@pytest.mark.parametrize("text", ["", "ms", "-1", "1h", "1 s", "1.2.3", "nan", "inf", "0x10",
                                  "5s ", "-0.5", "infs", "1e", ".e3", "\u0663", "1_0",
                                  "9223372036854775808ns", "99999999999999999999s", "1e400s",
                                  "1e999999s", "1e-400", "1e-310s", "1" + "0" * 5000])
def test_parse_delay_rejects(text):
    with pytest.raises(ValueError, match="non-negative number of microseconds"):
        parse_delay(text)


def _strace_counter(first: int, last: int | None, step: int, calls: int) -> list[int]:
    """strace's own algorithm (tamper_with_syscall_entering in syscall.c): which of the
    first *calls* invocations are tampered with."""
    INJECT_LAST_INF = 0xFFFF
    f, l_ = first, INJECT_LAST_INF if last is None else last
    hit = []
    for n in range(1, calls + 1):
        if f == 0 or l_ == 0:
            continue
        if l_ != INJECT_LAST_INF:
            l_ -= 1
        f -= 1
        if f != 0:
            continue
        f = step
        hit.append(n)
    return hit


@pytest.mark.parametrize("when", [
    "1", "3", "1+", "4+", "2+3", "1..1", "2..5", "2..5+", "3..10+2", "1..20+7", "5..5+3",
])
def test_when_selects_the_same_calls_as_strace(when):
    rule = parse_inject(f"getppid:error=EPERM:when={when}")
    ours = [n for n in range(1, 41) if rule.applies_to(n)]
    assert ours == _strace_counter(rule.first, rule.last, rule.step, 40)
    assert ours   # every one of these selects something


def test_inject_rule_validates_when_built_directly():
    assert InjectRule({"getppid"}, retval=3).applies_to(7)
    with pytest.raises(ValueError, match="unknown system call 'nope'"):
        InjectRule({"nope"}, error=1)
    with pytest.raises(ValueError, match="mutually exclusive"):
        InjectRule({"getppid"}, error=1, retval=2)
    with pytest.raises(ValueError, match="at least one of"):
        InjectRule({"getppid"})
    with pytest.raises(ValueError, match="last \\(1\\) must not be less than first \\(2\\)"):
        InjectRule({"getppid"}, error=1, first=2, last=1)


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


def test_table_format_is_strace_c():
    c = SyscallCounts()
    for _ in range(2):
        c.add(0, "read", 1_500_000, False)         # 2 calls, 3 ms
    c.add(110, "getppid", 1_000_000, True)         # 1 call, 1 ms, failed
    for _ in range(4):
        c.add(3, "close", 0, False)
    assert c.table() == (
        "% time     seconds  usecs/call     calls    errors syscall\n"
        "------ ----------- ----------- --------- --------- ----------------\n"
        " 75.00    0.003000        1500         2           read\n"
        " 25.00    0.001000        1000         1         1 getppid\n"
        "  0.00    0.000000           0         4           close\n"
        "------ ----------- ----------- --------- --------- ----------------\n"
        "100.00    0.004000         571         7         1 total\n"
    )
    by = {k: [st.name for st in c.stats(k)] for k in ("calls", "name", "errors", "nothing")}
    assert by == {
        "calls": ["close", "read", "getppid"],
        "name": ["close", "getppid", "read"],
        "errors": ["getppid", "read", "close"],     # ties stay in syscall number order
        "nothing": ["read", "close", "getppid"],
    }
    assert c.table(sort_by="calls").splitlines()[2].endswith(" 4           close")
    with pytest.raises(ValueError, match="sort_by must be one of"):
        c.table(sort_by="size")


def test_table_widens_columns_like_strace():
    c = SyscallCounts()
    c.add(318, "getrandom_with_a_long_name", 12_345_678_901_000, False)   # 12345.68 s
    assert c.table().splitlines() == [
        "% time      seconds  usecs/call     calls    errors syscall",
        "------ ------------ ----------- --------- --------- " + "-" * 27,
        "100.00 12345.678901 12345678901         1           getrandom_with_a_long_name",
        "------ ------------ ----------- --------- --------- " + "-" * 27,
        "100.00 12345.678901 12345678901         1           total",
    ]


def test_empty_table():
    assert SyscallCounts().table().splitlines()[-1] == (
        "100.00    0.000000           0         0           total")


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


@pytest.mark.parametrize("path, expected", [
    ("/virtual", "/real"),
    ("/virtual/", "/real/"),
    ("/virtual/x", "/real/x"),
    ("/virtual/a/b/", "/real/a/b/"),
    ("//virtual//./x", "/real/x"),
    ("/virtualx", None),
    ("/virtualx/y", None),
    ("/virtua", None),
    ("/etc/passwd", None),
    ("virtual/x", None),                       # relative: left to the kernel
    ("x", None),
    ("/virtual/a/../b", "/real/a/../b"),       # the kernel resolves it inside /real
    ("/virtual/../etc/passwd", "/etc/passwd"),  # climbs out of the mapping
    ("/virtual/..", "/"),
    ("/virtual/deep/x", "/elsewhere/x"),       # the longest prefix wins
    ("/virtual/deeper", "/real/deeper"),
    ("/virtual/deep/../y", "/real/y"),
])
def test_path_map(path, expected):
    pm = PathMap({"/virtual": "/real", "/virtual/deep/": "/elsewhere"})
    got = pm.map(path)
    assert got == (None if expected is None else expected.encode())


def test_path_map_rejects_relative_prefixes():
    with pytest.raises(ValueError, match="absolute path"):
        PathMap({"virtual": "/tmp"})
    with pytest.raises(ValueError, match="'..'"):
        PathMap({"/a/../b": "/tmp"})


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
