# SPDX-License-Identifier: GPL-2.0-or-later
"""What the CLI tests share: running the ``aiotrace`` command and strace, and comparing
what they print.

The command runs as a subprocess (``python -m aiotrace``), with this process's
environment: the ``tracer_loop`` fixture (tests/conftest.py) sets ``AIOTRACE_ACCEL``
there, so the command runs the tracer loop it asks for, and strace's program sees the
same environment as aiotrace's.

Output is compared after normalisation:

* addresses (hex numbers of 5+ digits) become ``ADDR``: they change from run to run
  (ASLR), and the third argument of the first ``execve`` is the tracer's own ``environ``;
* process ids become names from the process tree (``P``, ``P.1`` = the first child of P,
  ``P.1.2``...), found from the return values of clone/fork/vfork;
* ``getppid()`` of the first process returns the tracer's pid (strace's or aiotrace's);
* ``getrandom`` fills its buffer with random bytes: its buffer is not compared.
"""

from __future__ import annotations

import collections
import os
import re
import subprocess
import sys

import pytest


STRACE = "/usr/bin/strace"


needs_strace = pytest.mark.skipif(not os.path.exists(STRACE), reason="needs /usr/bin/strace")


AIOTRACE = [sys.executable, "-m", "aiotrace"]


TIMEOUT = 40


# Calls whose decoded arguments must equal strace's, line for line.
COMMON = {
    "open", "openat", "read", "write", "close", "stat", "fstat", "lstat", "newfstatat",
    "statx", "mmap", "execve", "clone", "clone3", "vfork", "fork", "wait4", "exit_group",
    "pread64", "access", "mprotect", "munmap", "brk", "dup2", "pipe2", "kill", "tgkill",
}


def aiotrace(*args: str, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("stdin", subprocess.DEVNULL)
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    kw.setdefault("timeout", TIMEOUT)
    if "input" in kw and kw["stdin"] is None:
        del kw["stdin"]
    return subprocess.run([*AIOTRACE, *args], text=True, **kw)


def aiotrace_here(capfd: pytest.CaptureFixture[str], *args: str) -> subprocess.CompletedProcess:
    """``aiotrace ARGS`` as aiotrace() runs it, but by a call of main() in this process:
    for command lines that end before any program runs (mistakes), where most of the
    time of a new interpreter would go to importing aiotrace. *capfd*: the test's."""
    from aiotrace._cli import main

    capfd.readouterr()
    status = main(list(args))
    out, err = capfd.readouterr()
    return subprocess.CompletedProcess(["aiotrace", *args], status, out, err)


def strace(*args: str, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("stdin", subprocess.DEVNULL)
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    kw.setdefault("timeout", TIMEOUT)
    if "input" in kw and kw["stdin"] is None:
        del kw["stdin"]
    return subprocess.run([STRACE, *args], text=True, **kw)


_LINE = re.compile(r"^(\d+) +(.*)$")


_CALL = re.compile(r"^(\w+)\((.*)\) +=(?: (.*))?$")


_RESUMED = re.compile(r"^<\.\.\. (\w+) resumed>(.*)$")


_SUPERSEDED = re.compile(r"^\+\+\+ superseded by execve in pid (\d+) \+\+\+$")


def parse_trace(text: str) -> tuple[dict[int, list[tuple]], list[int]]:
    """Lines ``PID  ...`` -> {pid: [(name, args, ret) | ("---", line) | ("+++", line)]}, with
    the halves of ``<unfinished ...>`` / ``<... NAME resumed>`` joined."""
    procs: dict[int, list[tuple]] = {}
    pending: dict[int, str] = {}
    order: list[int] = []
    for line in text.splitlines():
        m = _LINE.match(line)
        assert m, f"not a 'PID line': {line!r}"
        pid, rest = int(m.group(1)), m.group(2)
        if pid not in procs:
            procs[pid] = []
            order.append(pid)
        seq = procs[pid]
        sup = _SUPERSEDED.match(rest)
        if sup:   # the exec'ing thread's call goes on under the leader's pid
            old = int(sup.group(1))
            if old in pending:
                pending[pid] = pending.pop(old)
            seq.append(("+++", "+++ superseded +++"))
            continue
        if rest.startswith(("+++", "---")):
            seq.append((rest[:3], rest))
            continue
        if rest.endswith(" <unfinished ...>"):
            pending[pid] = rest[: -len(" <unfinished ...>")]
            continue
        changed = re.match(r"^(.*) <pid changed to \d+ \.\.\.>$", rest)
        if changed:
            pending[pid] = changed.group(1)
            continue
        r = _RESUMED.match(rest)
        if r:
            head = pending.pop(pid)
            assert head.startswith(r.group(1) + "("), (head, rest)
            rest = head + r.group(2)
        c = _CALL.match(rest)
        assert c, f"cannot parse {rest!r}"
        seq.append((c.group(1), c.group(2), (c.group(3) or "").strip()))
    for pid, head in pending.items():
        procs[pid].append(("unfinished", head, ""))
    return procs, order


def process_names(procs: dict[int, list[tuple]], order: list[int]) -> dict[int, str]:
    names = {order[0]: "P"}
    changed = True
    while changed:
        changed = False
        for pid, seq in procs.items():
            if pid not in names:
                continue
            k = 0
            for item in seq:
                ret = item[2].split()[0] if len(item) == 3 and item[2] else ""
                if item[0] in ("clone", "clone3", "fork", "vfork") and ret.isdigit():
                    k += 1   # (a clone interrupted by a signal returns "?" and restarts)
                    if int(ret) in procs and int(ret) not in names:
                        names[int(ret)] = f"{names[pid]}.{k}"
                        changed = True
    # A child whose creator died inside clone (an execve in another thread): no return
    # value names it; take it as the first process's next child, in order of appearance.
    k = sum(1 for n in names.values() if re.fullmatch(r"P\.\d+", n))
    for pid in order:
        if pid not in names:
            k += 1
            names[pid] = f"P.{k}"
    return names


PID_RETURNS = {"clone", "clone3", "fork", "vfork", "wait4", "waitid", "getpid", "gettid",
                "set_tid_address", "getppid"}


PID_ARGS = {"wait4", "kill", "tgkill", "tkill", "waitid", "clone3"}


def normalise(item: tuple, names: dict[int, str]) -> tuple:
    """Addresses -> ADDR; process ids -> names, where the text holds a pid (return values
    of pid-returning calls, the first arguments of wait4/kill/tgkill, si_pid=, ...)."""
    def pid(m: re.Match) -> str:
        return m.group(1) + names.get(int(m.group(2)), m.group(2))

    out = [re.sub(r"0x[0-9a-f]{5,}", "ADDR", x) for x in item]
    if len(out) == 3 and out[0] in PID_RETURNS:
        out[2] = re.sub(r"^()(\d+)", pid, out[2])
    if len(out) == 3 and out[0] in PID_ARGS:
        out[1] = re.sub(r"(parent_tid=\[)(\d+)", pid, out[1])
        args = out[1].split(", ")
        for i in {"tgkill": (0, 1), "waitid": (1,)}.get(out[0], (0,)):
            if i < len(args) and args[i].isdigit():
                args[i] = names.get(int(args[i]), args[i])
        out[1] = ", ".join(args)
    out = [re.sub(r"(si_pid=)(\d+)", pid, x) for x in out]
    return tuple(out)


def sequences(text: str) -> dict[str, list[tuple]]:
    procs, order = parse_trace(text)
    names = process_names(procs, order)
    out = {}
    for pid, seq in procs.items():
        items = []
        for item in seq:
            item = normalise(item, names)
            if item[0] == "getppid" and names.get(pid) == "P":
                item = ("getppid", "", "PARENT")
            if item[0] == "getrandom":
                item = ("getrandom", re.sub(r'^"[^"]*"(\.\.\.)?', "BYTES", item[1]), item[2])
            items.append(item)
        out[names.get(pid, f"?{pid}")] = items
    return out


def calls_of(seq: list[tuple]) -> list[tuple[str, str]]:
    """(name, return value) of each call, without rt_sigreturn (where a signal lands in
    the sequence is a matter of timing); which child a ``wait4(-1, ...)`` reaps first is a
    matter of timing too, when several have exited."""
    out = []
    for x in seq:
        if x[0] in ("---", "+++", "rt_sigreturn") or "ERESTARTNOINTR" in x[2]:
            continue   # (a fork interrupted by a signal restarts: a matter of timing)
        if x[0] == "wait4" and x[1].startswith("-1,") and re.fullmatch(r"P[.\d]*", x[2]):
            out.append(("wait4", "a child"))
        else:
            out.append((x[0], x[2]))
    return out


def signals_of(seq: list[tuple]) -> collections.Counter:
    """Signal lines; the CPU times a SIGCHLD reports depend on the tracer's overhead."""
    return collections.Counter(re.sub(r"si_([us])time=[^,}]*", r"si_\1time=T", x[1])
                               for x in seq if x[0] == "---")


def assert_same_signals(ours: collections.Counter, theirs: collections.Counter,
                        name: str) -> None:
    """The same signal lines, except that SIGCHLD may be merged: a standard signal that
    arrives while one is pending is not queued, so when two children exit close together
    the parent may get one SIGCHLD or two, traced or not (seen under load). Each side's
    SIGCHLD lines must then be among the other's."""
    chld_a = {k for k in ours if "SIGCHLD" in k}
    chld_b = {k for k in theirs if "SIGCHLD" in k}
    assert ({k: v for k, v in ours.items() if k not in chld_a}
            == {k: v for k, v in theirs.items() if k not in chld_b}), f"signals of {name}"
    assert bool(chld_a) == bool(chld_b) and (chld_a <= chld_b or chld_b <= chld_a), \
        f"SIGCHLD of {name}: {sorted(chld_a)} against {sorted(chld_b)}"


def exits_of(seq: list[tuple]) -> list[str]:
    return [x[1] for x in seq if x[0] == "+++"]


def before_exec_from_thread(seq: list[tuple]) -> list[tuple]:
    """A leader that another thread's execve replaced: what it did from the creation of
    that thread on (the exec kills it anywhere, even inside clone3) is a matter of timing;
    compare what it did before."""
    if ("+++", "+++ superseded +++") not in seq:
        return seq
    k = seq.index(("+++", "+++ superseded +++"))
    before = seq[:k]
    clones = [i for i, x in enumerate(before) if x[0] in ("clone", "clone3")]
    return before[: clones[-1]] + seq[k:] if clones else seq[k:]


def assert_same_trace(ours: str, theirs: str) -> None:
    a, b = sequences(ours), sequences(theirs)
    assert sorted(a) == sorted(b), "different processes/threads"
    for name in sorted(a):
        a[name] = before_exec_from_thread(a[name])
        b[name] = before_exec_from_thread(b[name])
        assert calls_of(a[name]) == calls_of(b[name]), f"calls of {name}"
        assert_same_signals(signals_of(a[name]), signals_of(b[name]), name)
        assert exits_of(a[name]) == exits_of(b[name]), f"exits of {name}"
        ca = [x for x in a[name] if x[0] in COMMON and "ERESTARTNOINTR" not in x[2]]
        cb = [x for x in b[name] if x[0] in COMMON and "ERESTARTNOINTR" not in x[2]]
        for x, y in zip(ca, cb, strict=False):
            if x[0] == "wait4" and x[1].startswith("-1,"):
                x, y = x[:2], y[:2]   # which child it reaps: see calls_of
            assert x == y, f"decoded arguments of {name}"


def unpad(line: str) -> str:
    """The line without the spaces that align its return value: where a number of the
    call's text was replaced (an inode, a pid), they depended on how many digits it had."""
    return re.sub(r"\) +(= )", r") \1", line)


def comparable(text: str) -> list[str]:
    text = re.sub(r"0x[0-9a-f]{5,}", "ADDR", text)
    text = re.sub(r"(getpid|gettid|set_tid_address|getppid)\((.*)\) += \d+", r"\1(\2) = PID", text)
    text = re.sub(r'getrandom\("[^"]*"', 'getrandom("BYTES"', text)
    text = re.sub(r"si_pid=\d+", "si_pid=PID", text)
    text = re.sub(r"<\d+\.\d{6}>", "<TIME>", text)
    text = re.sub(r"^\d\d:\d\d:\d\d\.\d{6} ", "HH:MM:SS.USEC ", text, flags=re.M)
    text = "\n".join(unpad(ln) if ln != new else ln for ln, new in (
        (re.sub(r"(pipe|socket):\[\d+\]", r"\1:[INODE]", ln), ln) for ln in text.split("\n")))
    # -i: the instruction pointer moves with ASLR; its offset in the page does not
    text = re.sub(r"\[[0-9a-f]{13}([0-9a-f]{3})\]", r"[IP...\1]", text)
    # (the spawned program's execve: strace shows where its own child called it)
    text = re.sub(r"^\[IP\.\.\.[0-9a-f]{3}\] execve\(", "[IP] execve(", text, flags=re.M)
    return text.splitlines()


def counts_table(text: str) -> dict[str, tuple[int, int]]:
    rows = {}
    for line in text.splitlines():
        m = re.match(r"\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(\d*)\s+(\w+)$", line)
        if m and m.group(3) != "total":
            rows[m.group(3)] = (int(m.group(1)), int(m.group(2) or 0))
    return rows
