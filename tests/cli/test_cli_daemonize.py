# SPDX-License-Identifier: GPL-2.0-or-later
"""``-D``, ``-DD``, ``-DDD`` (``--daemonize``): the tracer runs as a detached grandchild
(in a process group, a session of its own); the program keeps the caller's pid and
parent. Each test checks aiotrace and strace alike where strace does the same."""

from __future__ import annotations

import os
import re
import subprocess

import pytest

from cli_helpers import AIOTRACE, TIMEOUT, aiotrace_here, needs_strace

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops

TOOLS = ["aiotrace", pytest.param("strace", marks=needs_strace)]


def _command(tool: str) -> list[str]:
    return list(AIOTRACE) + ["run"] if tool == "aiotrace" else ["/usr/bin/strace"]


def _run(tool: str, *args: str, **kw) -> tuple[subprocess.Popen, str, str]:
    """Start the tool, read its output to the end (stderr: the tracer's, whose end is
    the tracer's end, as it is not our child), and wait for the program's process."""
    proc = subprocess.Popen([*_command(tool), *args], stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
    out, err = proc.communicate(timeout=TIMEOUT)
    return proc, out, err


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("how", ["-D", "-DD", "-DDD", "--daemonize", "--daemonize=pgroup",
                                 "--daemonize=session"])
def test_the_program_keeps_our_pid_and_the_tracer_is_apart(tool, how, target):
    level = {"-D": 1, "-DD": 2, "-DDD": 3, "--daemonize": 1, "--daemonize=pgroup": 2,
             "--daemonize=session": 3}[how]
    proc, out, err = _run(tool, how, "-q", "-e", "trace=exit_group", target("tracer_ids"), "3")
    assert proc.returncode == 3, err   # (the program's own status, as its parent sees it)
    assert err == "exit_group(3)                           = ?\n+++ exited with 3 +++\n"
    (pid, ppid, pgid, sid, tracer, tracer_pid, tracer_ppid, tracer_pgid,
     tracer_sid) = map(int, out.split())
    assert (pid, ppid) == (proc.pid, os.getpid())   # the program is the command we ran
    assert (pgid, sid) == (os.getpgid(0), os.getsid(0))
    assert tracer > 0 and tracer_pid not in (pid, ppid)
    assert tracer_ppid != pid   # (its parent exited: it is the reaper's)
    if level == 1:
        assert (tracer_pgid, tracer_sid) == (pgid, sid)
    elif level == 2:
        assert (tracer_pgid, tracer_sid) == (tracer_pid, sid)
    else:
        assert (tracer_pgid, tracer_sid) == (tracer_pid, tracer_pid)


@pytest.mark.parametrize("tool", TOOLS)
def test_d_the_tracer_ignores_what_the_program_sends_its_group(tool, target, tmp_path):
    """Without -I, -D makes the tracer ignore SIGTERM (and the other fatal signals): the
    program, which kills its whole process group (the tracer's too), is traced to its
    end, and dies of it as untraced."""
    program = "kill -TERM 0; exec sleep 60"
    proc, out, err = _run(tool, "-D", "-q", "-e", "trace=kill", "sh", "-c", program,
                          start_new_session=True)
    assert proc.returncode == -15, err
    pid = proc.pid
    uid = os.getuid()
    assert err.splitlines() == [
        "kill(0, SIGTERM)                        = 0",
        f"--- SIGTERM {{si_signo=SIGTERM, si_code=SI_USER, si_pid={pid}, si_uid={uid}}} ---",
        "+++ killed by SIGTERM +++"], err


@pytest.mark.parametrize("tool", TOOLS)
def test_d_a_program_that_cannot_be_run(tool, tmp_path):
    """A file that is not a program: the execve fails, said as strace says it; the
    command's process (which was to become the program) exits with status 1."""
    script = tmp_path / "not-a-program"
    script.write_bytes(b"\x01\x02 not an executable\n")
    script.chmod(0o755)
    proc, out, err = _run(tool, "-D", "-q", "-e", "trace=execve", "./not-a-program",
                          cwd=tmp_path)
    assert proc.returncode == 1
    name = "aiotrace" if tool == "aiotrace" else "/usr/bin/strace"
    env_addr = re.compile(r"0x[0-9a-f]+ /\* \d+ vars \*/")
    lines = [env_addr.sub("ENV", ln) for ln in err.splitlines()]
    assert lines == [
        'execve("./not-a-program", ["./not-a-program"], ENV) = -1 ENOEXEC (Exec format '
        'error)',
        f"{name}: exec: Exec format error", "+++ exited with 1 +++"], err
    proc, out, err = _run(tool, "-D", "./missing", cwd=tmp_path)
    assert proc.returncode == 1
    assert err == f"{name}: Can't stat './missing': No such file or directory\n"


@pytest.mark.parametrize("args, message", [
    (["run", "-DDDD", "true"], "-D given 4 times: -D, -DD or -DDD (at most 3)"),
    (["run", "-D", "--daemonize", "true"], "-D and --daemonize cannot be provided simultaneously"),
    (["run", "--daemonize=later", "true"], "invalid --daemonize argument: 'later'"),
    (["-D", "attach", "1"], "-D/--daemonize needs PROG [ARGS]: the program to run (with -p "
                            "alone, aiotrace attaches; it starts nothing)"),
    (["run", "-D", "--probe", "libc:getpid", "true"],
     "--probe does not combine with -D: it needs the program spawned by aiotrace"),
])
def test_d_mistakes(capfd, args, message):
    got = aiotrace_here(capfd, *args)
    assert got.returncode == 1
    assert got.stderr.splitlines()[0] == f"aiotrace: {message}"
