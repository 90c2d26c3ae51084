"""What a traced program can do to the tracer: nothing it does may crash, hang or blind
it. Each test makes a real program do one such thing, on both event loops and both of
the tracer thread's loops."""

from __future__ import annotations

import os
import signal
import subprocess

import anyio
import pytest

import aiotrace
from aiotrace import Interrupt, SyscallExit

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]

TIMEOUT = 30


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as f:
            return not any(line.startswith("State:\tZ") for line in f)
    except FileNotFoundError:
        return False


async def test_a_program_that_kills_the_doorbell_is_still_traced():
    """The tracer thread's doorbell is a process a tracee can see and SIGKILL. Its death
    wakes the thread, which makes a new one: a command posted afterwards (here an
    interrupt(), while the program blocks in read()) still reaches the thread, and the
    tracer ends when the program does. Before, the ring went to the dead doorbell, and
    once the program ended, ECHILD crashed the C loop and the end, killing the dead
    doorbell, raised before the loop side was told: the tracer never closed."""
    r, w = os.pipe()
    try:
        async with aiotrace.open_tracer() as tracer:
            bell = tracer._core.bell.pid
            bell_fd = os.pidfd_open(bell)
            try:
                proc = await tracer.spawn(["sh", "-c", f"kill -9 {bell}; read x; echo $x"],
                                          stdin=r, stdout=subprocess.DEVNULL)
                async with proc.events(SyscallExit, Interrupt, syscalls={"kill"},
                                       intercept=True) as evs:
                    proc.resume()
                    kinds = []
                    with anyio.fail_after(TIMEOUT):
                        async for ev in evs:
                            kinds.append(ev.kind)
                            if isinstance(ev, SyscallExit):
                                assert ev.retval == 0
                                # (SIGKILL sent: the doorbell dies once it gets a CPU)
                                await anyio.wait_readable(bell_fd)
                                ev.resume()
                                # the program blocks in read(): a ring wakes the thread
                                proc.interrupt()
                            else:
                                ev.resume()
                                os.write(w, b"bye\n")
                    assert kinds == ["syscall.exit", "interrupt"]
                    assert await proc.wait() == 0
                # (a zombie is reported before the program's later stops: it was
                # handled, and a new doorbell made)
                assert tracer._core.bell.pid not in (0, bell)
            finally:
                os.close(bell_fd)
        assert not _alive(bell)   # reaped (a zombie left is a failure of no_leftovers)
    finally:
        os.close(r)
        os.close(w)


async def test_no_sleep_is_looked_up_in_path(tmp_path, monkeypatch, target):
    """The doorbell was `sleep infinity`, found through PATH: a `sleep` without
    `infinity` first in PATH made every tracer fail to open, blaming CAP_SYS_PTRACE. Now
    nothing is executed for it."""
    fake = tmp_path / "sleep"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("print_getppid")], stdout=subprocess.DEVNULL)
        proc.resume()
        assert await proc.wait() == 0


def _traced_or_stopped(pid: int) -> list[str]:
    """Threads of *pid* that are traced or stopped, as 'TID State TracerPid'."""
    out = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                fields = dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)
        except OSError:   # (ended meanwhile: ENOENT, or ESRCH while reading)
            continue
        state, tracer = fields["State"][:1], fields["TracerPid"].strip()
        if state in ("t", "T") or tracer != "0":
            out.append(f"{tid} {state} {tracer}")
    return out


async def test_attach_to_a_process_whose_threads_come_and_go(target, spawned):
    """Attach (follow) to a program that keeps creating threads that exit at once, and
    detach, 30 times: every attach works and every detach lets every thread go. Seizing
    a thread that was exiting, or one that a thread seized a moment before had created
    (traced already, by us), failed with EPERM, and the rollback tried PTRACE_DETACH on
    running threads, which fails: the program was left traced, and stopped."""
    prog = spawned(subprocess.Popen([target("thread_churn"), "0"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE))
    assert prog.stdout.readline().split()[0] == b"ready"
    async with aiotrace.open_tracer() as tracer:
        for _ in range(30):
            with anyio.fail_after(TIMEOUT):
                proc = await tracer.attach(prog.pid)
                proc.resume()
                await proc.detach()
            assert _traced_or_stopped(prog.pid) == []
    prog.stdin.close()
    assert prog.stdout.read() == b"done\n"
    assert prog.wait(TIMEOUT) == 0


async def test_a_crash_of_the_tracer_thread_leaves_nothing_behind(target, spawned, quiet_stdin):
    """A bug that raises on the tracer thread (here a command that raises, posted as a
    verdict or a resume would be) ends the tracer: the processes it spawned are killed
    and reaped, and the one it attached (held by an engine at that moment) is detached
    and runs on. Before, the spawned ones became zombies of the application's threads."""
    attached = spawned(subprocess.Popen([target("blocker"), "1"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE))
    assert attached.stdout.readline().split()[0] == b"ready"
    tracer = await aiotrace.start_tracer()
    try:
        held = await tracer.spawn([target("blocker"), "2"], stdin=quiet_stdin,
                                  stdout=subprocess.DEVNULL)
        held.resume()
        proc = await tracer.attach(attached.pid)
        async with proc.events(Interrupt, intercept=True) as evs:
            proc.resume()
            proc.interrupt([attached.pid])
            with anyio.fail_after(TIMEOUT):
                ev = await evs.__anext__()
            assert ev.tid == attached.pid   # (held by this engine now)

            def bug() -> None:
                raise RuntimeError("a bug on the tracer thread")
            tracer._core.post(bug)
            with anyio.fail_after(TIMEOUT):
                await tracer._hub.finished.wait()
        with anyio.fail_after(TIMEOUT):
            assert await held.wait() == -signal.SIGKILL   # (its status is known)
    finally:
        with anyio.fail_after(TIMEOUT):
            try:
                await tracer.aclose()
            except Exception:   # (the crash may be raised to the caller)
                pass
    assert isinstance(tracer._core.crash, RuntimeError)
    assert _traced_or_stopped(attached.pid) == []
    attached.stdin.write(b"\n")
    attached.stdin.close()
    assert attached.stdout.read() == b"bye\n"
    assert attached.wait(TIMEOUT) == 0
