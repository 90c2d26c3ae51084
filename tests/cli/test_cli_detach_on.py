# SPDX-License-Identifier: GPL-2.0-or-later
"""``-b execve`` (``--detach-on=execve``): the program is let go, untraced, when it execs
another; aiotrace ends there, with exit status 0, as strace does."""

from __future__ import annotations

import re

import pytest

from cli_helpers import STRACE, aiotrace, needs_strace, strace

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops


def _tail(text: str, tool: str) -> str:
    """From the exec that detaches on: the pid named "PID", the message moved to the end
    (strace writes it in the middle of the open line: docs/cli.md, differences)."""
    text = text[text.index('execve("/bin/false"'):]
    m = re.search(rf"{re.escape(tool)}: Process (\d+) detached\n", text)
    assert m, text
    text = re.sub(r"0x[0-9a-f]{5,}", "ADDR", text)   # (the environment's address)
    return text.replace(m.group(0), "") + "TOOL: Process PID detached\n"


@needs_strace
@pytest.mark.parametrize("option", [["-b", "execve"], ["--detach-on=execve"]])
def test_detach_on_execve_as_strace(option):
    argv = ["sh", "-c", "exec /bin/false"]
    opts = [*option, "-e", "trace=execve,exit_group"]
    ours = aiotrace("run", *opts, "--", *argv)
    theirs = strace(*opts, *argv)
    assert ours.returncode == theirs.returncode == 0   # (not false's 1: it was let go)
    assert _tail(ours.stderr, "aiotrace") == _tail(theirs.stderr, STRACE)
    assert "exit_group" not in ours.stderr and "+++" not in ours.stderr


@needs_strace
def test_detach_on_execve_turns_seccomp_off_as_strace():
    argv = ["sh", "-c", "exec /bin/false"]
    opts = ["--seccomp-bpf", "-b", "execve", "-e", "trace=none"]
    ours = aiotrace("run", *opts, "--", *argv)
    theirs = strace(*opts, *argv)
    assert ours.returncode == theirs.returncode == 0
    norm = [re.sub(r"^\S*: ", "TOOL: ", re.sub(r"\d+", "N", line))
            for line in ours.stderr.splitlines()]
    assert norm == [re.sub(r"^\S*: ", "TOOL: ", re.sub(r"\d+", "N", line))
                    for line in theirs.stderr.splitlines()]
    assert norm == ["TOOL: --seccomp-bpf is not enabled because it is not compatible with -b",
                    "TOOL: Process N detached"]


def test_without_an_exec_the_program_is_traced_to_its_end():
    r = aiotrace("run", "-b", "execve", "-e", "trace=exit_group", "--", "sh", "-c", "exit 4")
    assert r.returncode == 4
    assert r.stderr.splitlines()[-1] == "+++ exited with 4 +++"
    assert "detached" not in r.stderr
