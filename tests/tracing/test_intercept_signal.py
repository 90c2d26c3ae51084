"""Verdicts that send a signal as the thread goes on from a syscall entry
(``send_signal``, ``fail(signal=)``, ``return_value(signal=)``, ``rewrite(signal=)``),
and what observers see of a rewritten call (``asked``) -- on real processes, on asyncio
and trio, with both tracer loops."""

from __future__ import annotations

import errno
import os
import signal
from typing import Any

import pytest

import aiotrace
from aiotrace import Signal, SyscallEntry, SyscallExit, syscalls

from test_intercept import run_with_engine

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]

SI_KERNEL = 0x80   # (what the kernel's send_sig gives: the ptrace restart's signal)


def _first_call(verdict):
    """An engine that gives *verdict* to the first getppid, and resumes the others."""
    async def engine(proc, ready):
        async with proc.events(SyscallEntry, syscalls={"getppid"}, intercept=True) as calls:
            ready.set()
            n = 0
            async for call in calls:
                n += 1
                if n == 1:
                    verdict(call)
                else:
                    call.resume()
    return engine


def _signals(seen: list[Any]):
    async def observe(proc, ready):
        async with proc.events(Signal) as evs:
            ready.set()
            async for ev in evs:
                seen.append((ev.signo, ev.si_code))
    return observe


@pytest.mark.parametrize("verdict, first", [
    (lambda c: c.send_signal(signal.SIGUSR1), "PPID usr1=1"),
    (lambda c: c.fail(errno.EPERM, signal=signal.SIGUSR1), "-1 EPERM usr1=1"),
    (lambda c: c.return_value(7, signal=signal.SIGUSR1), "7 usr1=1"),
], ids=["send_signal", "fail", "return_value"])
async def test_signal_sent_as_the_call_goes_on(target, tmp_path, verdict, first):
    """The signal is delivered as the call returns (the handler has run when the program
    sees the result), once, with the siginfo of the kernel's send_sig: SI_KERNEL."""
    seen: list[Any] = []
    out, rc = await run_with_engine([target("getppid_seq"), "2"], _first_call(verdict),
                                    tmp_path, observers=[_signals(seen)])
    ppid = str(os.getpid())
    assert (out.replace(ppid, "PPID"), rc) == (f"{first}\nPPID usr1=1\n", 0)
    assert seen == [(signal.SIGUSR1, SI_KERNEL)]


async def test_rewrite_with_a_signal_and_what_observers_see(target, tmp_path):
    """rewrite(signal=): another call runs in place (gettid: the program sees its own
    tid), the signal is delivered; observers see the call that ran, and ``asked``, the
    call the program made."""
    entries: list[Any] = []
    exits: list[Any] = []

    async def observe(proc, ready):
        async with proc.events(SyscallEntry, SyscallExit,
                               syscalls={"getppid", "gettid"}) as evs:
            ready.set()
            async for ev in evs:
                (entries if isinstance(ev, SyscallEntry) else exits).append(ev)

    seen: list[Any] = []
    engine = _first_call(lambda c: c.rewrite("gettid", signal=signal.SIGUSR1))
    out, rc = await run_with_engine([target("getppid_seq"), "2"], engine, tmp_path,
                                    observers=[observe, _signals(seen)])
    pid = exits[0].pid
    assert (out, rc) == (f"{pid} usr1=1\n{os.getpid()} usr1=1\n", 0)
    assert seen == [(signal.SIGUSR1, SI_KERNEL)]
    getppid, gettid = syscalls.number("getppid"), syscalls.number("gettid")
    assert [(e.nr, None if e.asked is None else e.asked[0]) for e in entries] == \
        [(gettid, getppid), (getppid, None)]
    assert entries[0].asked[1][:1] == entries[0].args[:1]
    assert [(e.nr, e.retval) for e in exits] == [(gettid, pid), (getppid, os.getpid())]


async def test_send_signal_is_for_syscall_entries(target, tmp_path):
    async def engine(proc, ready):
        async with proc.events(SyscallExit, syscalls={"getppid"}, intercept=True) as calls:
            ready.set()
            async for call in calls:
                with pytest.raises(AttributeError):
                    call.send_signal(signal.SIGUSR1)   # (SyscallEntry's only)
                with pytest.raises(TypeError, match="signal"):
                    call.fail(errno.EPERM, signal=signal.SIGUSR1)
                call.resume()

    out, rc = await run_with_engine([target("getppid_seq"), "1"], engine, tmp_path)
    assert (out, rc) == (f"{os.getpid()} usr1=0\n", 0)
    assert aiotrace.SyscallEntry.send_signal.__doc__


SI_TKILL = -6


async def test_signal_at_a_prefiltered_entry(target, tmp_path):
    """With a seccomp prefilter the entry is a PTRACE_EVENT_SECCOMP stop, where the
    kernel drops a restart's signal: the signal is still delivered as the call goes on,
    once, sent on its own (SI_TKILL). (It was lost: the program ran on unsignalled.)"""
    seen: list[Any] = []
    out, rc = await run_with_engine(
        [target("getppid_seq"), "2"], _first_call(lambda c: c.send_signal(signal.SIGUSR1)),
        tmp_path, observers=[_signals(seen)], syscalls={"getppid"})
    ppid = str(os.getpid())
    assert (out.replace(ppid, "PPID"), rc) == ("PPID usr1=1\nPPID usr1=1\n", 0)
    assert seen == [(signal.SIGUSR1, SI_TKILL)]
