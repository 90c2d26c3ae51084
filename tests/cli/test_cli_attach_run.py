# SPDX-License-Identifier: GPL-2.0-or-later
"""``-p PID PROG``: a running process attached and a program run, in one trace, as strace
does: the command ends when both have, with the program's exit status."""

from __future__ import annotations

import re
import subprocess

import pytest

from cli_helpers import AIOTRACE, TIMEOUT, aiotrace, needs_strace, strace
from test_cli_attach import _read_until, _start_blocker

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops


@pytest.mark.parametrize("words", [["-p", "PID", "--"], ["-p", "PID"], ["run", "-p", "PID"]])
def test_p_and_a_program_are_both_traced_to_their_end(words, target, spawned):
    blocker, pid = _start_blocker(target, threads=1)
    spawned(blocker)
    args = [str(pid) if w == "PID" else w for w in words]
    tracer = spawned(subprocess.Popen(
        [*AIOTRACE, "-e", "trace=write,exit_group", *args, "sh", "-c", "exit 3"],
        stderr=subprocess.PIPE, text=True))
    got = _read_until(tracer.stderr, "attached")
    assert got == f"aiotrace: Process {pid} attached\n"
    # the program runs and ends; the attached process, blocked, is still traced
    got = _read_until(tracer.stderr, "+++ exited with 3 +++")
    assert tracer.poll() is None, got
    blocker.stdin.write("go\n")
    blocker.stdin.flush()
    assert blocker.stdout.read() == "bye\n"
    assert blocker.wait(timeout=TIMEOUT) == 0
    rest = tracer.stderr.read()
    assert tracer.wait(timeout=TIMEOUT) == 3   # (the program's status, not the other's)
    # (the program gone, one process is left: no [pid N] prefix, as with strace)
    assert rest.splitlines() == ['write(1, "bye\\n", 4)                    = 4',
                                 "exit_group(0)                           = ?",
                                 "+++ exited with 0 +++"], rest


@needs_strace
def test_p_a_gone_process_and_a_program_as_strace(target):
    """A -p process that cannot be attached is said as strace says it; the program is
    traced all the same."""
    gone = subprocess.Popen(["true"])
    gone.wait()   # (reaped: its pid names no process until it is used again)
    args = ["-e", "trace=exit_group", "-p", str(gone.pid), "sh", "-c", "exit 5"]
    ours = aiotrace(*args)
    theirs = strace(*args)
    assert ours.returncode == theirs.returncode == 5
    assert ours.stderr.replace("aiotrace:", "/usr/bin/strace:") == theirs.stderr, ours.stderr


def test_p_and_a_program_sigterm_detaches_the_process(target, spawned):
    """SIGTERM goes on to the program; the attached process is let go, and goes on."""
    blocker, pid = _start_blocker(target, threads=0)
    spawned(blocker)
    tracer = spawned(subprocess.Popen(
        [*AIOTRACE, "-e", "trace=none", "-p", str(pid), target("blocker"), "0"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    assert _read_until(tracer.stderr, "attached") == f"aiotrace: Process {pid} attached\n"
    assert tracer.stdout.readline().startswith("ready ")   # (the program's own blocker)
    tracer.terminate()
    assert tracer.wait(timeout=TIMEOUT) == -15
    status = open(f"/proc/{pid}/status").read()
    assert "TracerPid:\t0\n" in status, status
    blocker.stdin.write("go\n")
    blocker.stdin.flush()
    assert blocker.stdout.read() == "bye\n" and blocker.wait(timeout=TIMEOUT) == 0


def test_p_and_a_program_sigterm_says_detached_and_dies_of_it(target, spawned):
    """SIGTERM with -p PID PROG: the attached process is let go and said to be (as strace
    says it), and aiotrace dies of the signal even though the program, which catches it,
    exits with a status of its own."""
    blocker, pid = _start_blocker(target, threads=0)
    spawned(blocker)
    program = "trap 'exit 7' TERM; echo ready; read line"
    tracer = spawned(subprocess.Popen(
        [*AIOTRACE, "-e", "trace=none", "-p", str(pid), "sh", "-c", program],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    assert _read_until(tracer.stderr, "attached") == f"aiotrace: Process {pid} attached\n"
    assert tracer.stdout.readline() == "ready\n"   # (the trap is set)
    tracer.terminate()
    rest = tracer.stderr.read()
    assert tracer.wait(timeout=TIMEOUT) == -15
    lines = rest.splitlines()
    assert lines[0] == f"aiotrace: Process {pid} detached", rest
    assert lines[-1] == "+++ exited with 7 +++", rest
    status = open(f"/proc/{pid}/status").read()
    assert "TracerPid:\t0\n" in status, status
    blocker.stdin.write("go\n")
    blocker.stdin.flush()
    assert blocker.stdout.read() == "bye\n" and blocker.wait(timeout=TIMEOUT) == 0


@pytest.mark.parametrize("tool", ["aiotrace", pytest.param("strace", marks=needs_strace)])
@pytest.mark.parametrize("words", [["run", "-p", "$$", "sh", "-c", "echo ran > F"],
                                   ["-p", "$$", "sh", "-c", "echo ran > F"],
                                   ["attach", "$$"], ["-p", "$$"]])
def test_p_own_pid_is_refused_before_anything_runs(tool, words, tmp_path):
    """-p naming the tracer's own pid: refused at once, exit status 1, the program not run
    (strace's own wording differs; the rest is the same)."""
    command = " ".join(AIOTRACE) if tool == "aiotrace" else "/usr/bin/strace"
    if tool == "strace":
        words = [w for w in words if w not in ("run", "attach")]
        words = ["-p", "$$"] if words == ["$$"] else words
    script = f"exec {command} " + " ".join(w if w == "$$" else f"'{w}'" for w in words)
    got = subprocess.run(["sh", "-c", script], cwd=tmp_path, stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=TIMEOUT)
    assert got.returncode == 1, got
    assert not (tmp_path / "F").exists()
    assert got.stdout == "" and len(got.stderr.splitlines()) == 1, got
    if tool == "aiotrace":
        assert re.fullmatch(r"aiotrace: -p (\d+) is aiotrace's own process: it cannot trace "
                            r"itself \(give the process id of another process\)\n",
                            got.stderr), got.stderr
