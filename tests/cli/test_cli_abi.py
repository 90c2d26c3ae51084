# SPDX-License-Identifier: GPL-2.0-or-later
"""System call numbers and ABIs in the command's output, against strace: numbers the
kernel has no call for, i386 calls (``int $0x80``, a 32-bit program) and x32's, named and
decoded in their ABI, with strace's personality lines (see tests/tracing/test_abi.py for the
library's side).
"""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

import pytest

from cli_helpers import AIOTRACE, TIMEOUT, aiotrace as cli, comparable, needs_strace, strace

pytestmark = pytest.mark.usefixtures("tracer_loop")


def _calls(text: str) -> list[str]:
    """The lines from the first getppid to the last (the targets' own calls, after the
    loader's and before the C library's output, whose addresses change the alignment),
    then the last line; normalised as the CLI tests do (addresses, pids), and the
    personality lines' pid."""
    lines = comparable(re.sub(r"PID=\d+", "PID=N", text))
    marks = [i for i, line in enumerate(lines) if re.match(r"(\[ *\d+\] )?getppid\(", line)]
    assert len(marks) == 2, text
    return lines[marks[0]:marks[1] + 1] + lines[-1:]


@needs_strace
@pytest.mark.parametrize("name, argv, options, rc", [
    ("huge_nr", [], [], 3),
    ("int80", ["/dev/null"], [], 0),
    ("int80", ["/dev/null"], ["-e", "trace=open,getppid"], 0),
    ("int80", ["/dev/null"], ["-e", "trace=open@32,getppid"], 0),
    ("int80", ["/dev/null"], ["-e", "trace=5,getppid"], 0),
    ("int80", ["/dev/null"], ["-e", "trace=open,getppid", "-e", "inject=open:error=EACCES"], 1),
    ("int80", ["/dev/null"], ["-f", "--seccomp-bpf", "-e", "trace=open,getppid"], 0),
    ("int80", ["/dev/null"], ["-y", "-e", "trace=%file,getppid"], 0),
    ("int80", ["/dev/null"], ["-n"], 0),
    ("huge_nr", [], ["-n"], 3),
], ids=lambda v: " ".join(v) if isinstance(v, list) else str(v))
def test_cli_lines_like_strace(name, argv, options, rc, target):
    """One line per call, named and decoded in its ABI, with strace's personality lines."""
    a = cli("run", *options, "--", target(name), *argv)
    s = strace(*options, target(name), *argv)
    assert a.returncode == s.returncode == rc, a.stderr
    assert a.stdout == s.stdout
    ours, theirs = _calls(a.stderr), _calls(s.stderr)
    if "open@32" in str(options) or "5," in str(options):
        # strace sees every call, and says when the ABI changes at an untraced one (the
        # x32 open here); aiotrace sees the traced calls only, and says it at the next
        ours = [line for line in ours if not line.startswith("[ Process")]
        theirs = [line for line in theirs if not line.startswith("[ Process")]
        assert "open(" in " ".join(ours)
    assert ours == theirs


@needs_strace
@pytest.mark.parametrize("trace", ["getppid", "none"])
def test_cli_calls_after_strace_61_are_shown_whatever_the_filter(trace, target):
    """cachestat (451) and file_setattr (469) came after strace 6.1, which has no name for
    them: it shows them as syscall_0x1c3 and syscall_0x1d5, arguments in hex, whatever
    -e trace= says, and so does aiotrace. (strace also shows the numbers past aiotrace's
    table, 600..., under any filter, which aiotrace's filter cannot select: those lines
    are left out.)"""
    a = cli("run", "-e", f"trace={trace}", "--", target("huge_nr"))
    s = strace("-e", f"trace={trace}", target("huge_nr"))
    assert a.returncode == s.returncode == 3, a.stderr
    kept = re.compile(r"(getppid|syscall_0x1c3|syscall_0x1d5)\(|\+\+\+ ")
    ours = [line for line in comparable(a.stderr) if kept.match(line)]
    theirs = [line for line in comparable(s.stderr) if kept.match(line)]
    assert ours == theirs
    assert [line.split("(")[0] for line in ours if line.startswith("syscall_")] == \
        ["syscall_0x1c3", "syscall_0x1d5"]


@needs_strace
@pytest.mark.parametrize("options", [["-d"], ["--debug", "-e", "trace=none"]])
def test_cli_debug_says_which_calls_have_no_name(options, target):
    """-d: strace's "pid N invalid syscall NR" on stderr for each call it has no name
    for (x32's with their bit), which are traced whatever -e trace= says; the other lines
    of strace's -d aiotrace does not have."""
    def invalid(text: str) -> list[str]:
        return [re.sub(r"^.*?: pid \d+ ", "pid N ", line) for line in text.splitlines()
                if "invalid syscall" in line]
    a = cli("run", "-o", "/dev/null", *options, "--", target("huge_nr"))
    s = strace("-o", "/dev/null", *options, target("huge_nr"))
    assert a.returncode == s.returncode == 3, a.stderr
    ours, theirs = invalid(a.stderr), invalid(s.stderr)
    if "trace=none" in options:   # (the numbers past aiotrace's table: see above)
        theirs = [line for line in theirs if line.endswith(("0x1c3", "0x1d5"))]
    assert ours == theirs
    assert ours[-2:] == ["pid N invalid syscall 0x1c3", "pid N invalid syscall 0x1d5"]
    assert a.stderr.count("\n") == len(ours)   # (nothing else)


@needs_strace
@pytest.mark.parametrize("options", [[], ["-e", "inject=write:error=EIO"], ["-f", "-e", "trace=write,exit"],
                                     ["-f", "--seccomp-bpf", "-e", "trace=write", "-e", "inject=write:error=EIO"]],
                         ids=lambda o: " ".join(o) or "default")
def test_cli_a_32_bit_program_like_strace(options, target):
    """The whole trace of a 32-bit program (no C library: open, write, close, exit) is
    strace's; under inject=write:error=EIO it fails its write and exits with its own
    status (5), where the injection hit its exit (1, x86-64's write) and it died of
    SIGSEGV."""
    a = cli("run", *options, "--", target("t32"))
    s = strace(*options, target("t32"))
    assert a.returncode == s.returncode
    assert a.returncode == (5 if "inject=write:error=EIO" in options else 0), a.stderr
    assert a.stdout == s.stdout
    assert comparable(re.sub(r"PID=\d+", "PID=N", a.stderr)) == \
        comparable(re.sub(r"PID=\d+", "PID=N", s.stderr))


@needs_strace
@pytest.mark.parametrize("options", [["-f"], ["-ff", "-o", "OUT", "-e", "quiet=none"]],
                         ids=["-f", "-ff"])
def test_cli_a_child_starts_in_its_parents_abi(options, target, tmp_path):
    """No personality line for the child of a 32-bit program: it runs in its parent's."""
    ours = [o.replace("OUT", str(tmp_path / "a")) for o in options]
    theirs = [o.replace("OUT", str(tmp_path / "s")) for o in options]
    a = cli("run", *ours, "--", target("fork32"))
    s = strace(*theirs, target("fork32"))
    assert a.returncode == s.returncode == 0, a.stderr

    def modes(text: str) -> list[str]:
        return re.findall(r"runs in (.*) mode", text)

    if "-ff" not in options:
        assert modes(a.stderr) == modes(s.stderr) == ["32 bit"]
        return
    for prefix in ("a", "s"):
        # (the parent's file is the one with the execve: pids need not grow, they wrap)
        files = sorted(tmp_path.glob(prefix + ".*"), key=lambda p: "execve(" not in p.read_text())
        parent, child = files
        assert modes(parent.read_text()) == ["32 bit"] and modes(child.read_text()) == []
        assert [re.sub(r"= \d+$", "= PID", line) for line in child.read_text().splitlines()] == [
            "getpid()                                = PID", "exit(0)                                 = ?",
            "+++ exited with 0 +++"]


def test_cli_json_carries_the_abi(target):
    a = cli("run", "--json", "-e", "trace=open", "--", target("int80"), "/dev/null")
    assert a.returncode == 0, a.stderr
    objs = [json.loads(line) for line in a.stderr.splitlines()]
    opens = [(o["kind"], o.get("abi"), o["nr"], o["syscall"]) for o in objs
             if o["kind"].startswith("syscall")]
    assert opens == [("syscall.entry", "i386", 5, "open"), ("syscall.exit", "i386", 5, "open"),
                     ("syscall.entry", "x32", 2, "open"), ("syscall.exit", "x32", 2, "open")]


def _table_rows(text: str) -> list[Any]:
    """strace -c's tables without the times: their headers, and (calls, errors, name)."""
    out: list[Any] = []
    for line in text.splitlines():
        if line.startswith("System call usage summary"):
            out.append(line)
        elif re.match(r"^ *\d+\.\d+ ", line):
            f = line.split()
            out.append((f[3], f[4] if len(f) == 6 else "", f[-1]))
    return out


@needs_strace
def test_cli_summary_has_a_table_per_abi_like_strace(target):
    a = cli("run", "-c", "-S", "name", "--", target("t32"))
    s = strace("-c", "-S", "name", target("t32"))
    assert a.returncode == s.returncode == 0, a.stderr
    rows = _table_rows(a.stderr)
    assert rows == _table_rows(s.stderr)
    assert rows == [("1", "", "execve"), ("1", "", "total"),
                    "System call usage summary for 32 bit mode:",
                    ("1", "", "close"), ("1", "", "open"), ("1", "", "write"), ("3", "", "total")]


@needs_strace
def test_cli_attach_huge_numbers(target, spawned):
    """attach -p: one line each, and the program ends with its own status."""
    p = spawned(subprocess.Popen([target("huge_nr"), "wait"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True))
    assert p.stdout.readline() == f"ready {p.pid}\n"
    tracer = spawned(subprocess.Popen([*AIOTRACE, "attach", str(p.pid)], text=True,
                                      stderr=subprocess.PIPE))
    line = tracer.stderr.readline()
    assert line == f"aiotrace: Process {p.pid} attached\n"
    p.stdin.write("go\n")
    p.stdin.flush()
    assert p.stdout.read() == "after\n"
    assert p.wait(timeout=TIMEOUT) == 3
    err = tracer.stderr.read()
    assert tracer.wait(timeout=TIMEOUT) == 0
    s = strace(target("huge_nr"), "wait", input="go\n", stdin=None)
    assert s.returncode == 3
    assert _calls(err) == _calls(s.stderr)


@needs_strace
@pytest.mark.parametrize("options", [[], ["-e", "trace=getppid"]], ids=["all", "getppid"])
def test_cli_count_leaves_out_the_calls_without_a_name(options, target):
    """-c: strace 6.1 leaves the calls it has no name for (numbers no call has, in each
    ABI, and those after its table: cachestat, file_setattr) out of its tables and their
    totals; so does aiotrace (the rest of each table: names, calls and errors alike)."""
    def rows(text: str) -> list[tuple[str, ...]]:
        out = []
        for line in text.splitlines():
            words = line.split()
            if words and re.fullmatch(r"[\d.]+", words[0]) and len(words) in (5, 6):
                out.append((words[-1], words[3], words[4] if len(words) == 6 else "0"))
            elif line.startswith("System call usage summary"):
                out.append((line,))
        return out
    a = cli("run", "-c", "-S", "name", *options, "--", target("huge_nr"))
    s = strace("-c", "-S", "name", *options, target("huge_nr"))
    assert a.returncode == s.returncode == 3, a.stderr
    ours, theirs = rows(a.stderr), rows(s.stderr)
    assert ours == theirs
    assert ("getppid", "2", "0") in ours
    assert not [r for r in ours if r[0].startswith(("syscall_", "cachestat", "file_setattr"))]


def test_cli_count_without_the_unnamed_calls_keeps_each_calls_shortest_time(target):
    """The table without the calls strace has no name for is made again from the counts:
    each call's shortest and longest times are its own (wall-clock: never 0 for a call
    between two stops), not those of the merge."""
    a = cli("run", "-c", "-w", "-U", "name,calls,min-time,max-time", "--", target("huge_nr"))
    assert a.returncode == 3, a.stderr
    rows = {w[0]: w[1:] for w in (line.split() for line in a.stderr.splitlines())
            if len(w) == 4 and w[1].isdigit()}
    assert not [name for name in rows if name.startswith("syscall_")]
    calls, shortest, longest = rows["getppid"]
    assert calls == "2" and 0 < float(shortest) <= float(longest), a.stderr
