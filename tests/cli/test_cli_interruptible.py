# SPDX-License-Identifier: GPL-2.0-or-later
"""``-I``/``--interruptible``: what SIGHUP, SIGINT, SIGQUIT, SIGPIPE and SIGTERM sent to
``aiotrace run`` do, as strace's levels say; and the program's blocked signals, which
are those aiotrace was started with."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys

import pytest

from cli_helpers import AIOTRACE, STRACE, TIMEOUT, needs_strace

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops


def _read_to(stream, needle: str) -> str:
    """Read *stream* (unbuffered text) until *needle* has come."""
    got = ""
    while needle not in got:
        c = stream.read(1)
        assert c, f"EOF before {needle!r}: {got!r}"
        got += c
    return got


def _sigterm_in_a_call(tool: list[str], level: str) -> tuple[int, str]:
    """*tool* -I LEVEL on a program blocked in read(): SIGTERM once the read is shown."""
    tracer = subprocess.Popen([*tool, f"-I{level}", "-e", "trace=read", "cat"],
                              stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              bufsize=0)
    try:
        got = _read_to(tracer.stderr, "read(0, ")
        tracer.send_signal(signal.SIGTERM)
        got += tracer.stderr.read()
        return tracer.wait(timeout=TIMEOUT), got
    finally:
        tracer.kill()
        tracer.wait()
        tracer.stdin.close()
        tracer.stderr.close()


@needs_strace
@pytest.mark.parametrize("level", ["2", "waiting"])
def test_waiting_detaches_and_dies_of_the_signal_as_strace(level):
    ours = _sigterm_in_a_call([*AIOTRACE, "run"], level)
    theirs = _sigterm_in_a_call([STRACE], level)
    assert ours[0] == theirs[0] == -signal.SIGTERM
    # (strace writes its message in the middle of the open line, where aiotrace ends the
    # line first: docs/cli.md, differences)
    for (_, text), name in ((ours, "aiotrace"), (theirs, STRACE)):
        pid = re.search(r"Process (\d+) detached", text).group(1)
        tail = text[text.index("read(0, "):]   # (after the loader's reads)
        message = f"{name}: Process {pid} detached\n"
        assert tail.replace(message, "") == "read(0,  <detached ...>\n", text
    assert re.search(r" <detached \.\.\.>\naiotrace: Process \d+ detached\n\Z", ours[1]), ours


@pytest.mark.parametrize("level", ["3", "never", "4", "never_tstp"])
def test_never_ignores_the_signal(level):
    """-I3/-I4: SIGTERM is ignored; the program, which does not inherit that, goes on to
    the end of its input."""
    tracer = subprocess.Popen([*AIOTRACE, "run", f"-I{level}", "-e", "trace=read", "--",
                               "sh", "-c", "read x; grep -E '^SigIgn' /proc/self/status"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, bufsize=0)
    with tracer:
        _read_to(tracer.stderr, "read(0, ")
        tracer.send_signal(signal.SIGTERM)
        tracer.stdin.write("x\n")
        tracer.stdin.close()
        out = tracer.stdout.read()
        assert tracer.wait(timeout=TIMEOUT) == 0
    ignored = int(out.split()[1], 16)
    assert not ignored & (1 << (signal.SIGTERM - 1)), out


def test_anywhere_dies_of_the_signal_and_so_does_the_program(tmp_path):
    """-I1: nothing caught; aiotrace dies of SIGTERM, and the program, seized with
    PTRACE_O_EXITKILL, is killed with it (nothing left running or stopped)."""
    pidfile = tmp_path / "pid"
    tracer = subprocess.Popen([*AIOTRACE, "run", "-I1", "-e", "trace=read", "--",
                               "sh", "-c", f'echo $$ > {pidfile}; exec cat'],
                              stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              bufsize=0)
    with tracer:
        _read_to(tracer.stderr, "read(0, ")
        pidfd = os.pidfd_open(int(pidfile.read_text()))
        try:
            tracer.send_signal(signal.SIGTERM)
            assert tracer.wait(timeout=TIMEOUT) == -signal.SIGTERM
            # (the kernel kills it as the tracer's last thread exits: its pidfd becomes
            # readable when it has; were it left running, or stopped, it never would)
            assert select.select([pidfd], [], [], TIMEOUT)[0] == [pidfd]
        finally:
            os.close(pidfd)


@pytest.mark.parametrize("interruptible", [[], ["-I1"], ["-I2"], ["-I3"], ["-I4"]],
                         ids=lambda o: " ".join(o) or "default")
def test_the_program_starts_with_the_signals_aiotrace_was_started_with_blocked(interruptible):
    """strace's sigblock: the signals blocked when aiotrace starts are blocked in the
    program (the tracer thread, which forks it, blocks nearly all: not those)."""
    mask = {int(signal.SIGHUP), int(signal.SIGUSR2)}
    code = (f"import os, signal, sys; signal.pthread_sigmask(signal.SIG_BLOCK, {sorted(mask)}); "
            f"os.execv(sys.executable, [sys.executable, '-m', 'aiotrace', 'run', "
            f"*{interruptible!r}, '-e', 'trace=none', 'grep', '^SigBlk', '/proc/self/status'])")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=TIMEOUT, env=os.environ)
    assert r.returncode == 0, r.stderr
    blocked = int(r.stdout.split()[1], 16)
    assert blocked == sum(1 << (s - 1) for s in mask), r.stdout
