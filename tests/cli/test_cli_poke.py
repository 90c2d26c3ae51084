# SPDX-License-Identifier: GPL-2.0-or-later
"""-e inject=...:poke_enter=/poke_exit=: bytes written into the program's memory where an
argument points, at the call's entry or exit, against strace: the program sees them, the
trace shows them ("INJECTED: args"), and what cannot be done is said."""

from __future__ import annotations

import re

import pytest

from cli_helpers import AIOTRACE, STRACE, aiotrace, needs_strace, strace

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops


def _both(tmp_path, opts, argv):
    a = aiotrace("run", "-o", str(tmp_path / "a"), *opts, "--", *argv, cwd=tmp_path)
    s = strace("-o", str(tmp_path / "s"), *opts, *argv, cwd=tmp_path)
    return a, (tmp_path / "a").read_text(), s, (tmp_path / "s").read_text()


@needs_strace
@pytest.mark.parametrize("opts, argv, line", [
    # at the entry: chdir goes to "/" whatever the shell asked (the program sees it)
    (["-e", "trace=chdir", "-e", "inject=chdir:poke_enter=@arg1=2f00"],
     ["sh", "-c", "cd /nonexistent && pwd -P"], 'chdir("/") = 0 (INJECTED: args)'),
    # with a return value too
    (["-e", "trace=chdir", "-e", "inject=chdir:poke_enter=@arg1=2f00:retval=0"],
     ["sh", "-c", "cd /nonexistent && pwd -P"], 'chdir("/") = 0 (INJECTED: args, retval)'),
    # at the exit: getcwd's buffer, as the trace shows it
    (["-e", "trace=getcwd", "-e", "inject=getcwd:poke_exit=@arg1=5374726163652100"],
     ["pwd", "-P"], None),
], ids=["enter", "enter-retval", "exit"])
def test_poke_like_strace(tmp_path, opts, argv, line):
    a, a_trace, s, s_trace = _both(tmp_path, opts, argv)
    assert (a.returncode, a.stdout, a.stderr) == (s.returncode, s.stdout, s.stderr)
    assert re.sub(r" +", " ", a_trace) == re.sub(r" +", " ", s_trace)
    if line is not None:
        assert line in re.sub(r" +", " ", a_trace)
        if "retval" not in line:   # (the call ran, on the poked path)
            assert a.stdout == "/\n"
    else:
        assert "(INJECTED: args)" in a_trace and 'getcwd("Stra' in a_trace


@needs_strace
@pytest.mark.parametrize("poke, problem", [
    ("@arg2=00", "requested to tamper with argument #2, but system call 'chdir' has only 1 "
                 "arguments"),
    ("@arg1=00", None),
])
def test_poke_that_cannot_be_done_is_said_like_strace(tmp_path, poke, problem):
    """An argument the call does not have, or (the second case) a poke that works: the
    message is strace's (after the tracer's name; strace adds its function's)."""
    opts = ["-e", "trace=chdir", "-e", f"inject=chdir:poke_enter={poke}"]
    a, a_trace, s, s_trace = _both(tmp_path, opts, ["sh", "-c", "cd /"])
    assert a.returncode == s.returncode
    assert re.sub(r" +", " ", a_trace) == re.sub(r" +", " ", s_trace)

    def said(text, prefix):
        return [re.sub(r"process \d+", "process PID", ln[len(prefix):])
                for ln in text.splitlines() if ln.startswith(prefix)]
    ours = said(a.stderr, "aiotrace: ")
    assert ours == said(s.stderr, f"{STRACE}: poke_tcb: ")
    assert ours == ([] if problem is None else [f"Failed to tamper with process PID: {problem}"])


@needs_strace
def test_poke_cut_short_by_the_end_of_a_mapping_like_strace(tmp_path, target):
    """15 bytes poked where 1, then 8, are mapped: what fits is written, strace's "short
    write" is said and the call is shown as tampered with, then "short read" of the path
    that cannot be read whole (shown as its address); where none fits, "couldn't
    poke"."""
    opts = ["-e", "trace=chdir",
            "-e", "inject=chdir:poke_enter=@arg1=3f5354524143457374726163653f00"]
    a, a_trace, s, s_trace = _both(tmp_path, opts, [target("poke_edge")])
    assert (a.returncode, a.stdout) == (s.returncode, s.stdout) == (0, "EFAULT\n" * 3)

    def said(text: str) -> list[str]:
        return [re.sub(r"(?<=pid:)\d+|(?<=process )\d+|0x[0-9a-f]+", "N", re.sub(r"^(\S+: )+", "", ln))
                for ln in text.splitlines()]
    # (in strace's order: each call's poke, then what decoding its line says)
    assert said(a.stderr) == said(s.stderr) == [
        "pid:N short write (1 < 15) @N", "short read (1 < 4096) @N: Bad address",
        "pid:N short write (8 < 15) @N", "short read (8 < 4096) @N: Bad address",
        "Failed to tamper with process N: couldn't poke"]
    assert re.sub(r"0x[0-9a-f]+", "N", a_trace) == re.sub(r"0x[0-9a-f]+", "N", s_trace)
    assert a_trace.count("(INJECTED: args)") == 2


def test_poke_messages_come_in_order_with_the_trace_on_a_shared_stderr(target):
    """With the trace on stderr, each call's messages (its poke's, then the short read of
    decoding it) come right before its line, after the previous call's, in the order
    strace prints them (strace then starts the line and breaks it for the short read:
    aiotrace's messages are lines of their own)."""
    a = aiotrace("run", "-e", "trace=chdir",
                 "-e", "inject=chdir:poke_enter=@arg1=3f5354524143457374726163653f00",
                 "--", target("poke_edge"))
    assert (a.returncode, a.stdout) == (0, "EFAULT\n" * 3)
    lines = [re.sub(r"(?<=pid:)\d+|(?<=process )\d+|0x[0-9a-f]+", "N", re.sub(r" +", " ", ln))
             for ln in a.stderr.splitlines()]
    assert lines == [
        "aiotrace: pid:N short write (1 < 15) @N",
        "aiotrace: short read (1 < 4096) @N: Bad address",
        "chdir(N) = -1 EFAULT (Bad address) (INJECTED: args)",
        "aiotrace: pid:N short write (8 < 15) @N",
        "aiotrace: short read (8 < 4096) @N: Bad address",
        "chdir(N) = -1 EFAULT (Bad address) (INJECTED: args)",
        "aiotrace: Failed to tamper with process N: couldn't poke",
        "chdir(N) = -1 EFAULT (Bad address)",
        "+++ exited with 0 +++"]


def test_poke_without_process_vm_writev(tmp_path):
    """When process_vm_writev fails with ENOSYS (here: injected by aiotrace tracing the
    aiotrace that pokes), the poke is written through /proc/PID/mem, as strace falls
    back to PTRACE_POKEDATA."""
    inner = [*AIOTRACE, "run", "-o", str(tmp_path / "trace"), "-e", "trace=chdir",
             "-e", "inject=chdir:poke_enter=@arg1=2f00", "--",
             "sh", "-c", "cd /nonexistent && pwd -P"]
    a = aiotrace("run", "-o", str(tmp_path / "outer"), "-qq", "-e", "signal=none",
                 "-e", "trace=process_vm_writev", "-e", "fault=process_vm_writev", "--",
                 *inner, cwd=tmp_path)
    assert (a.returncode, a.stdout) == (0, "/\n"), a.stderr
    assert 'chdir("/")' in (tmp_path / "trace").read_text()
    outer = (tmp_path / "outer").read_text()
    assert "process_vm_writev(" in outer and "ENOSYS" in outer   # (it was refused)
