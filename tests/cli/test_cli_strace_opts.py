# SPDX-License-Identifier: GPL-2.0-or-later
"""strace's options for where the trace goes and what the tracer holds, against strace:
``-o '|COMMAND'`` (the trace piped to a shell command, which aiotrace waits for), the
standard descriptors the tracer lets go of once the program runs (a pipe the program
closes must close), and calls that return only when an injection skips them
(``exit_group`` failed by ``-e fault=``)."""

from __future__ import annotations

import os
import select
import subprocess

import pytest

from cli_helpers import AIOTRACE, TIMEOUT, aiotrace, comparable, needs_strace, strace

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops


@needs_strace
@pytest.mark.parametrize("mark", ["|", "!"])
def test_output_piped_to_a_command(mark, target, data_file, tmp_path):
    """The trace goes through the command (here into a file, with a line count); the
    command has finished when aiotrace exits."""
    logs = {}
    for tool, run in (("aiotrace", lambda *a: aiotrace("run", *a)), ("strace", strace)):
        log, count = tmp_path / (tool + ".log"), tmp_path / (tool + ".count")
        r = run("-o", f"{mark}cat > {log}; wc -l < {log} > {count}", "--",
                target("syscall_mix"), data_file)
        assert (r.returncode, r.stderr) == (0, ""), tool
        logs[tool] = log.read_text()
        assert int(count.read_text()) == len(logs[tool].splitlines()) > 5
    assert comparable(logs["aiotrace"]) == comparable(logs["strace"])


def test_piping_and_output_separately_exclude_each_other(capfd):
    r = aiotrace("run", "-ff", "-o", "|cat", "--", "true")
    assert r.returncode == 1
    assert r.stderr.startswith("aiotrace: piping the output and -ff/--output-separately "
                               "are mutually exclusive\n")


def test_standard_descriptors_are_let_go(tmp_path):
    """Once the program runs, aiotrace holds neither its stdin nor its stdout: when the
    program closes both, the reader of its stdout sees the end of the file, and the
    writer to its stdin has no reader left (while the program still runs: it waits on a
    FIFO that the test opens at the end)."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    p = subprocess.Popen([*AIOTRACE, "run", "-qq", "-e", "trace=none", "-e", "signal=none",
                          "--", "sh", "-c", f"exec <&- >&-; read x < {fifo}"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert p.stdout is not None and p.stdin is not None
        ready, _, _ = select.select([p.stdout], [], [], TIMEOUT / 2)
        assert ready and os.read(p.stdout.fileno(), 100) == b""   # (end of file)
        with pytest.raises(BrokenPipeError):
            p.stdin.write(b"x\n")
            p.stdin.flush()
        assert p.poll() is None   # (the program still runs)
    finally:
        with open(fifo, "w") as f:   # (the program's read ends: it exits)
            f.write("\n")
        _, err = p.communicate(timeout=TIMEOUT)
    assert (p.returncode, err) == (0, b"")


@needs_strace
@pytest.mark.parametrize("options", [
    ["-e", "trace=exit,exit_group", "-e", "fault=exit_group"],
    ["-e", "trace=exit,exit_group", "-e", "inject=exit_group:retval=3"],
    ["-e", "trace=exit,exit_group", "-e", "fault=!memory:error=EPERM:when=2",
     "-e", "fault=exit_group"],
], ids=["fault", "retval", "last-wins"])
def test_exit_group_skipped_returns_like_strace(options, target):
    """exit_group returns only when an injection skips it; libc then calls exit."""
    a = aiotrace("run", *options, "--", target("print_getppid"))
    s = strace(*options, target("print_getppid"))
    assert (a.returncode, a.stdout[:8]) == (s.returncode, s.stdout[:8]) == (0, "getppid=")
    assert comparable(a.stderr) == comparable(s.stderr)
    assert "exit_group(0)" in a.stderr and "(INJECTED)" in a.stderr


@needs_strace
@pytest.mark.parametrize("options", [
    ["-U", "name,calls,errors,total-time,min-time,max-time,time", "-S", "calls"],
    ["--summary-columns=calls,errors", "--summary-sort-by=count"],
    ["-U", "avg-time,name", "-S", "syscall_name"],
], ids=["all", "name-last", "average"])
def test_summary_columns_like_strace(options, target, data_file):
    """-U: the columns, their headings and widths as strace's (the times differ: only
    the calls and errors are compared, with each line's shape)."""
    argv = [target("syscall_mix"), data_file]
    a = aiotrace("run", "-c", *options, "--", *argv)
    s = strace("-c", *options, *argv)
    assert a.returncode == s.returncode == 0
    ours, theirs = a.stderr.splitlines(), s.stderr.splitlines()
    assert ours[:2] == theirs[:2] and ours[-2] == theirs[-2]

    def rows(lines: list[str]) -> list[tuple[str, ...]]:
        # (the numbers of calls and errors, the name; a time is a number with a dot,
        # the average time per call the first column of the third case)
        return [tuple(w for w in l.split() if "." not in w)[options[1] == "avg-time,name":]
                for l in lines[2:]]
    assert rows(ours) == rows(theirs)
