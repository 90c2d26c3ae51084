"""The public API's boundary: bad values are refused at the call with a clear error,
before anything reaches the tracer thread; an error on the tracer thread reaches every
caller waiting for it. On real processes, on asyncio and trio, with both tracer loops."""

from __future__ import annotations

import errno
import functools
import io
import signal
import subprocess
import threading
from typing import Any, Callable

import anyio
import pytest

import aiotrace
from aiotrace import Signal, SyscallEntry, SyscallExit
from aiotrace.lowlevel import Capture
from aiotrace.engines import InjectRule, PathMap, count_syscalls, inject, rewrite_paths

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]


class _Injected(Exception):
    """An internal error made to happen on the tracer thread."""


def _crash_the_tracer_thread(tracer: aiotrace.Tracer) -> None:
    """A command that raises on the tracer thread, as a bug in aiotrace would."""
    def boom() -> None:
        raise _Injected("injected into the tracer thread by the test")
    tracer._core.post(boom)


def _is_the_crash(exc: BaseException) -> bool:
    return isinstance(exc, aiotrace.TracerClosed) and isinstance(exc.__cause__, _Injected)


@pytest.mark.timeout(20)
async def test_a_crash_of_the_tracer_thread_reaches_every_waiting_caller(target, capfd):
    """spawn(), attach() and detach() wait for the tracer thread's reply, shielded from
    cancellation: if the thread ends first (an internal error), they raise instead of
    waiting for ever, and so do wait() of a process whose status will never come and the
    tracer's close."""
    with pytest.raises(aiotrace.TracerClosed) as closed:
        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.spawn([target("getppid_loop"), "1"])
            _crash_the_tracer_thread(tracer)
            with pytest.raises(aiotrace.TracerClosed) as spawn_err:
                await tracer.spawn([target("getppid_loop"), "1"])   # (posted after the crash)
            assert _is_the_crash(spawn_err.value)
            assert "internal error" in str(spawn_err.value)
            for call in (proc.detach, proc.wait, lambda: tracer.attach(proc.pid)):
                with pytest.raises(aiotrace.TracerClosed) as err:
                    with anyio.fail_after(5):
                        await call()
                assert _is_the_crash(err.value)
    assert _is_the_crash(closed.value)
    assert "_Injected" in capfd.readouterr().err   # (the thread printed its traceback)


# -- bad values ---------------------------------------------------------------------------

# Values that are never a syscall: strace's rule (names of the table, numbers below its
# size) refuses them. Before, -1 and 2**32 ended the tracer thread in the seccomp compiler
# and spawn() waited for ever; 99999 and 470 were taken and matched nothing.
BAD_SYSCALLS: list[tuple[Any, type[Exception], str]] = [
    ([-1], ValueError, "not a system call number"),
    ([2**32], ValueError, "not a system call number"),
    ([2**64], ValueError, "integer of 65 bits is not a system call number"),
    ([99999], ValueError, "from 0 to 469"),
    ([470], ValueError, "from 0 to 469"),
    (["nope"], ValueError, "unknown system call 'nope'"),
    (["syscall_0x1f4"], ValueError, "unknown system call"),
    ([1.5], TypeError, "system call names"),
    ([True], TypeError, "system call names"),
    ([None], TypeError, "system call names"),
    (b"read", TypeError, "a set of system call names"),
    (3.0, TypeError, "a set of system call names"),
]


class _Posts:
    """Counts what the loop posts to the tracer thread (the hand-off itself is unchanged)."""

    def __init__(self, tracer: aiotrace.Tracer) -> None:
        self.n = 0
        core = tracer._core
        post = core.post

        def counted(fn: Any) -> None:
            self.n += 1
            post(fn)
        core.post = counted   # type: ignore[method-assign]


def _refused(posts: _Posts, call: Callable[[], Any], exc: type[Exception], match: str) -> None:
    before = posts.n
    with pytest.raises(exc, match=match):
        call()
    assert posts.n == before, f"{call} posted to the tracer thread before it failed"


@pytest.mark.timeout(30)
@pytest.mark.parametrize(("syscalls", "exc", "match"), BAD_SYSCALLS)
async def test_spawn_refuses_what_is_not_a_syscall(target, syscalls, exc, match):
    async with aiotrace.open_tracer() as tracer:
        with pytest.raises(exc, match=match), anyio.fail_after(5):
            await tracer.spawn([target("getppid_loop"), "3"], syscalls=syscalls)
        assert tracer.processes == []
        # the tracer thread runs on: a good prefilter works
        proc = await tracer.spawn([target("getppid_loop"), "3"], syscalls={"getppid", 469})
        events = proc.events(SyscallExit, syscalls={"getppid"})
        posts = _Posts(tracer)
        _refused(posts, lambda: proc.events(SyscallExit, syscalls=syscalls), exc, match)
        proc.resume()
        async with events:
            assert [ev.name async for ev in events] == ["getppid"] * 3
        assert await proc.wait() == 0


async def test_a_syscall_number_in_a_hole_of_the_table_is_traced(target, tmp_path):
    """335 to 423 have no x86-64 syscall: the kernel returns ENOSYS, and strace accepts
    them in -e trace= (below its table's size). So does aiotrace: in the prefilter, in a
    stream's filter, and as what a call is rewritten to."""
    out = tmp_path / "out"
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), "2"], syscalls={400, "getppid"})
        events = proc.events(SyscallEntry, syscalls={400, "getppid"})
        proc.resume()
        async with events:
            assert [ev.name async for ev in events] == ["getppid"] * 2
        assert await proc.wait() == 0

        with open(out, "wb") as f:
            proc = await tracer.spawn([target("print_getppid")], stdout=f)
        calls = proc.events(SyscallEntry, syscalls={"getppid"}, intercept=True)
        exits = proc.events(SyscallExit, syscalls={400})
        proc.resume()
        async with calls:
            async for call in calls:
                call.rewrite(400)
        async with exits:
            assert [(ev.nr, ev.error) async for ev in exits] == [(400, errno.ENOSYS)]
        assert await proc.wait() == 0
    assert out.read_text() == "getppid=-1\n"


async def test_bad_entry_verdicts_are_refused_and_the_call_goes_on(target, tmp_path):
    """Each bad verdict raises at the call, posts nothing, and leaves the event held:
    a good verdict given after them still decides the call. Before, return_value(2**64)
    and rewrite(2**64) ended the tracer thread (an OverflowError in ctypes there),
    return_value("1") too (its int() ran there), and fail(True) made the call fail with
    EPERM."""
    out = tmp_path / "out"
    async with aiotrace.open_tracer() as tracer:
        with open(out, "wb") as f:
            proc = await tracer.spawn([target("print_getppid")], stdout=f)
        posts = _Posts(tracer)
        calls = proc.events(SyscallEntry, syscalls={"getppid"}, intercept=True)
        proc.resume()
        async with calls:
            async for call in calls:
                bad: list[tuple[Callable[[], Any], type[Exception], str]] = [
                    (lambda: call.fail(-1), ValueError, "positive errno"),
                    (lambda: call.fail(0), ValueError, "positive errno"),
                    (lambda: call.fail(4096), ValueError, "1 to 4095"),
                    (lambda: call.fail(True), TypeError, "errno"),
                    (lambda: call.fail(13.0), TypeError, "errno"),
                    (lambda: call.fail("13"), TypeError, "errno"),
                    (lambda: call.return_value(2**64), ValueError, "fits in 64 bits"),
                    (lambda: call.return_value(-2**63 - 1), ValueError, "fits in 64 bits"),
                    (lambda: call.return_value(2**1000), ValueError, "1001 bits"),
                    (lambda: call.return_value("1"), TypeError, "64 bits"),
                    (lambda: call.return_value(None), TypeError, "64 bits"),
                    (lambda: call.return_value(1.0), TypeError, "64 bits"),
                    (lambda: call.rewrite(2**64), ValueError, "not a system call number"),
                    (lambda: call.rewrite(-1), ValueError, "not a system call number"),
                    (lambda: call.rewrite(470), ValueError, "not a system call number"),
                    (lambda: call.rewrite("nope"), ValueError, "unknown system call"),
                    (lambda: call.rewrite(39.0), TypeError, "system call names"),
                    (lambda: call.rewrite(args=[2**64]), ValueError, r"args\[0\]"),
                    (lambda: call.rewrite(args=[0, None]), TypeError, r"args\[1\]"),
                    (lambda: call.rewrite(args=[0] * 7), ValueError, "at most 6"),
                    (lambda: call.rewrite(args="abc"), TypeError, "sequence of ints"),
                    (lambda: setattr(call.thread.regs, "rax", 2**64), ValueError, "regs.rax"),
                    (lambda: setattr(call.thread.regs, "rdi", "0"), TypeError, "regs.rdi"),
                    (lambda: call.thread.read(-1, 8), ValueError, "address"),
                    (lambda: call.thread.read(2**64, 8), ValueError, "address"),
                    (lambda: call.thread.read(0, -1), ValueError, "size"),
                    (lambda: call.thread.read(2**64 - 4, 8), ValueError, "size"),
                    (lambda: call.thread.read("0", 8), TypeError, "address"),
                    (lambda: call.thread.read_string(call.thread.regs.rsp, -1), ValueError, "size"),
                    (lambda: call.thread.write(call.thread.regs.rsp, "text"), TypeError, "encode"),
                    (lambda: call.thread.write(-1, b"x"), ValueError, "address"),
                    (lambda: call.thread.scratch("text"), TypeError, "encode"),
                ]
                for fn, exc, match in bad:
                    _refused(posts, fn, exc, match)
                call.return_value(4242)
    assert await proc.wait() == 0
    assert out.read_text() == "getppid=4242\n"


async def test_bad_exit_and_signal_verdicts_are_refused(target, tmp_path):
    """SyscallExit.fail(-1) was taken as set_return(1); replace(True) delivered SIGHUP."""
    out = tmp_path / "out"
    async with aiotrace.open_tracer() as tracer:
        with open(out, "wb") as f:
            proc = await tracer.spawn([target("print_getppid")], stdout=f)
        posts = _Posts(tracer)
        exits = proc.events(SyscallExit, syscalls={"getppid"}, intercept=True)
        proc.resume()
        async with exits:
            async for ev in exits:
                for fn, exc, match in [
                    (lambda: ev.fail(-1), ValueError, "positive errno"),
                    (lambda: ev.fail(0), ValueError, "positive errno"),
                    (lambda: ev.fail(None), TypeError, "errno"),
                    (lambda: ev.set_return(2**64), ValueError, "fits in 64 bits"),
                    (lambda: ev.set_return("7"), TypeError, "64 bits"),
                    (lambda: ev.set_return(False), TypeError, "64 bits"),
                ]:
                    _refused(posts, fn, exc, match)
                ev.fail(errno.ENOENT)
        assert await proc.wait() == 0

        proc = await tracer.spawn([target("raise_signal"), str(int(signal.SIGUSR1))],
                                  stdout=subprocess.DEVNULL)
        posts = _Posts(tracer)
        sigs = proc.events(Signal, intercept=True)
        proc.resume()
        async with sigs:
            async for sig in sigs:
                for fn, exc, match in [
                    (lambda: sig.replace(True), TypeError, "signal number"),
                    (lambda: sig.replace(65), ValueError, "0 to 64"),
                    (lambda: sig.replace(-1), ValueError, "0 to 64"),
                    (lambda: sig.replace(2**64), ValueError, "signal number"),
                    (lambda: sig.replace("SIGTERM"), TypeError, "signal number"),
                ]:
                    _refused(posts, fn, exc, match)
                sig.suppress()
        assert await proc.wait() == 0
    assert out.read_text() == "getppid=-1\n"   # (-ENOENT, through libc's syscall())


async def test_bad_process_and_stream_arguments_are_refused(target, quiet_stdin):
    """Before, send_signal(True) and inject_signal(pid, True) sent SIGHUP, events(buffer=
    2**64) and intercept="no" were taken, tids=[-1] filtered nothing, a str env value made
    the child fail with a made-up "Exec format error", and attaching to a thread of this
    process was refused with a message about ptrace_scope."""
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), "2"])
        posts = _Posts(tracer)
        for fn, exc, match in [
            (lambda: proc.send_signal(True), TypeError, "signal number"),
            (lambda: proc.send_signal(-1), ValueError, "0 to 64"),
            (lambda: proc.send_signal(65), ValueError, "0 to 64"),
            (lambda: proc.send_signal(2**64), ValueError, "65 bits"),
            (lambda: proc.inject_signal(proc.pid, True), TypeError, "signal number"),
            (lambda: proc.inject_signal(proc.pid, 0), ValueError, "1 to 64"),
            (lambda: proc.inject_signal(-1, signal.SIGUSR1), ValueError, "thread id"),
            (lambda: proc.inject_signal(2**64, signal.SIGUSR1), ValueError, "thread id"),
            (lambda: proc.inject_signal(str(proc.pid), signal.SIGUSR1), TypeError, "thread id"),
            (lambda: proc.interrupt([-1]), ValueError, "thread ids"),
            (lambda: proc.interrupt([2**64]), ValueError, "thread ids"),
            (lambda: proc.interrupt("1"), TypeError, "thread ids"),
            (lambda: proc.events(buffer=0), ValueError, "buffer"),
            (lambda: proc.events(buffer=2**64), ValueError, "buffer"),
            (lambda: proc.events(buffer="8"), TypeError, "buffer"),
            (lambda: proc.events(buffer=8.0), TypeError, "buffer"),
            (lambda: proc.events(buffer=True), TypeError, "buffer"),
            (lambda: proc.events(intercept="no"), TypeError, "intercept"),
            (lambda: proc.events(intercept=1), TypeError, "intercept"),
            (lambda: proc.events(overflow=None), ValueError, "'block', 'drop' or 'drop_oldest'"),
            (lambda: proc.events(overflow="oldest"), ValueError, "'drop_oldest', not 'oldest'"),
            (lambda: proc.events(intercept=True, overflow="drop_oldest"), ValueError,
             "for observers: an intercepting stream holds"),
            (lambda: proc.probe("main", intercept=True, overflow="drop_oldest"), ValueError,
             "for observers"),
            (lambda: proc.events(tids=[-1]), ValueError, "thread ids"),
            (lambda: proc.events(tids=[None]), TypeError, "thread ids"),
            (lambda: proc.events(capture=5), TypeError, "capture"),
            (lambda: proc.events(capture=Capture(5)), TypeError, "capture"),   # type: ignore[arg-type]
            (lambda: proc.events(capture=Capture(print, after_resume=5)), TypeError, "mapping"),
            (lambda: proc.events(capture=Capture(print, reads_nothing=5)), TypeError, "mapping"),
            (lambda: proc.events(capture=Capture(print, prefetch=5)), TypeError, "mapping"),
            (lambda: proc.events(capture=Capture(print, prefetch={SyscallExit: {"read": 5}})),
             TypeError, "list of copies"),
            (lambda: proc.events(capture=Capture(print, prefetch={SyscallExit: {-1: [(1, 8)]}})),
             ValueError, "not a system call number"),
        ]:
            _refused(posts, fn, exc, match)
        for kw, exc, match in [
            ({"argv": 5}, TypeError, "as a list"),
            ({"argv": [target("getppid_loop"), "1\0"]}, ValueError, "NUL"),
            ({"argv": [target("getppid_loop"), 1]}, TypeError, r"argv\[1\]"),
            ({"env": {"A=B": "x"}}, ValueError, "not a variable name"),
            ({"env": {"A": 1}}, TypeError, "env"),
            ({"env": "A=B"}, TypeError, "mapping"),
            ({"cwd": 1}, TypeError, "cwd"),
            ({"cwd": "/tmp\0"}, ValueError, "NUL"),
            ({"stdout": 1.0}, TypeError, "stdout"),
            ({"stdout": True}, TypeError, "stdout"),
            ({"stdout": 2**64}, ValueError, "stdout"),
            ({"stdout": io.BytesIO()}, TypeError, "no file descriptor"),
            ({"follow": "no"}, TypeError, "follow"),
            ({"cpus": [2**64]}, ValueError, "CPU numbers"),
            ({"cpus": [True]}, ValueError, "not a CPU number"),
        ]:
            argv = kw.pop("argv", [target("getppid_loop"), "1"])
            with pytest.raises(exc, match=match):
                await tracer.spawn(argv, **kw)
            assert posts.n == 0
        for pid, exc, match in [(-1, ValueError, "thread id"), (0, ValueError, "thread id"),
                                (2**64, ValueError, "thread id"), (str(proc.pid), TypeError,
                                "thread id"), (float(proc.pid), TypeError, "thread id"),
                                (True, TypeError, "thread id"), (None, TypeError, "thread id")]:
            with pytest.raises(exc, match=match):
                await tracer.attach(pid)
        with pytest.raises(TypeError, match="follow"):
            await tracer.attach(proc.pid, follow=None)
        stop = threading.Event()
        mine = threading.Thread(target=stop.wait)
        mine.start()
        try:
            with pytest.raises(aiotrace.AttachDenied, match="a thread of this process"):
                await tracer.attach(mine.native_id)
        finally:
            stop.set()
            mine.join()
        assert posts.n == 0
        events = proc.events(SyscallExit, syscalls={"getppid"})
        proc.resume()
        async with events:
            assert [ev.name async for ev in events] == ["getppid"] * 2
        assert await proc.wait() == 0   # (no signal was sent)
    with pytest.raises(TypeError, match="kill_on_close"):
        async with aiotrace.open_tracer(kill_on_close="no"):
            pass


async def test_engines_check_their_arguments_when_called(target, tmp_path):
    """A bad rule is refused when it is made, not when the engine gives its verdict
    (InjectRule(retval=2**64) ended the tracer thread there); one name alone is one
    system call (it was taken as a set of letters)."""
    with pytest.raises(ValueError, match="retval: an integer of 65 bits"):
        InjectRule(frozenset({"getppid"}), retval=2**64)
    with pytest.raises(TypeError, match="error takes a positive errno"):
        InjectRule(frozenset({"getppid"}), error=True)
    with pytest.raises(ValueError, match="signal"):
        InjectRule(frozenset({"getppid"}), signal=2**64)
    with pytest.raises(TypeError, match="first"):
        InjectRule(frozenset({"getppid"}), error=1, first="1")
    with pytest.raises(TypeError, match="delay_enter_ns"):
        InjectRule(frozenset({"getppid"}), delay_enter_ns=1.5)
    with pytest.raises(TypeError, match="prefix"):
        PathMap({1: "/tmp"})
    out = tmp_path / "out"
    async with aiotrace.open_tracer() as tracer, anyio.create_task_group() as tg:
        with pytest.raises(TypeError, match="aiotrace.Process"):
            await tg.start(count_syscalls, tracer)
        with pytest.raises(TypeError, match="aiotrace.Process"):
            await tg.start(inject, tracer, "getppid:error=EPERM")
        with open(out, "wb") as f:
            proc = await tracer.spawn([target("print_getppid")], stdout=f)
        with pytest.raises(TypeError, match="PathMap takes a mapping"):
            await tg.start(rewrite_paths, proc, "/tmp")
        with pytest.raises(ValueError, match="not a system call number"):
            await tg.start(functools.partial(count_syscalls, proc, syscalls=[-1]))
        done = await tg.start(inject, proc, InjectRule("getppid", error=errno.EPERM))
        proc.resume()
        assert await proc.wait() == 0
    assert done == {"getppid": 1}
    assert out.read_text() == "getppid=-1\n"
