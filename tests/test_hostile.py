"""What a traced program can do to the tracer: nothing it does may crash, hang or blind
it. Each test makes a real program do one such thing, on both event loops and both of
the tracer thread's loops."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import anyio
import pytest

import aiotrace

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]

AIOTRACE = [sys.executable, "-m", "aiotrace"]
TIMEOUT = 30


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
