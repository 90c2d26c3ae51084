# SPDX-License-Identifier: GPL-2.0-or-later
"""The ``aiotrace`` command, run as a subprocess on real programs, mostly against the real
strace (/usr/bin/strace): what it prints, how it exits, what the traced program sees.

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
import dataclasses
import errno
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aiotrace._core._spawn import attach_message as _attach_message

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


def strace(*args: str, **kw) -> subprocess.CompletedProcess:
    kw.setdefault("stdin", subprocess.DEVNULL)
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    kw.setdefault("timeout", TIMEOUT)
    if "input" in kw and kw["stdin"] is None:
        del kw["stdin"]
    return subprocess.run([STRACE, *args], text=True, **kw)


# -- parsing strace's -f -o output ---------------------------------------------------------

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


_PID_RETURNS = {"clone", "clone3", "fork", "vfork", "wait4", "waitid", "getpid", "gettid",
                "set_tid_address", "getppid"}
_PID_ARGS = {"wait4", "kill", "tgkill", "tkill", "waitid", "clone3"}


def normalise(item: tuple, names: dict[int, str]) -> tuple:
    """Addresses -> ADDR; process ids -> names, where the text holds a pid (return values
    of pid-returning calls, the first arguments of wait4/kill/tgkill, si_pid=, ...)."""
    def pid(m: re.Match) -> str:
        return m.group(1) + names.get(int(m.group(2)), m.group(2))

    out = [re.sub(r"0x[0-9a-f]{5,}", "ADDR", x) for x in item]
    if len(out) == 3 and out[0] in _PID_RETURNS:
        out[2] = re.sub(r"^()(\d+)", pid, out[2])
    if len(out) == 3 and out[0] in _PID_ARGS:
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


def _before_exec_from_thread(seq: list[tuple]) -> list[tuple]:
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
        a[name] = _before_exec_from_thread(a[name])
        b[name] = _before_exec_from_thread(b[name])
        assert calls_of(a[name]) == calls_of(b[name]), f"calls of {name}"
        assert_same_signals(signals_of(a[name]), signals_of(b[name]), name)
        assert exits_of(a[name]) == exits_of(b[name]), f"exits of {name}"
        ca = [x for x in a[name] if x[0] in COMMON and "ERESTARTNOINTR" not in x[2]]
        cb = [x for x in b[name] if x[0] in COMMON and "ERESTARTNOINTR" not in x[2]]
        for x, y in zip(ca, cb, strict=False):
            if x[0] == "wait4" and x[1].startswith("-1,"):
                x, y = x[:2], y[:2]   # which child it reaps: see calls_of
            assert x == y, f"decoded arguments of {name}"


@pytest.fixture
def data_file(tmp_path: Path) -> str:
    p = tmp_path / "data.txt"
    p.write_text("hello, world\n")
    return str(p)


def _programs(target, data_file):
    return {
        "syscall_mix": [target("syscall_mix"), data_file],
        "forkexec": [target("forkexec")],
        "vfork_exec": [target("vfork_exec")],
        "exec_thread": [target("exec_thread"), "/bin/true"],
        "sighandler": [target("sighandler"), "3"],
        "segv": [target("segv")],
        "sigkill_self": [target("sigkill_self")],
        "raise_signal": [target("raise_signal"), "15"],
        "ls": ["ls", "/"],
        "cat": ["cat", data_file],
        "sh_pipe": ["sh", "-c", "echo a | cat"],
    }


# -- against strace: same calls, same return values, same decoded arguments ---------------


@needs_strace
@pytest.mark.parametrize("name", ["syscall_mix", "forkexec", "vfork_exec", "exec_thread",
                                  "sighandler", "segv", "sigkill_self", "raise_signal",
                                  "ls", "cat", "sh_pipe"])
def test_same_calls_as_strace(name, target, data_file, tmp_path):
    argv = _programs(target, data_file)[name]
    ours, theirs = tmp_path / "aiotrace.txt", tmp_path / "strace.txt"
    a = aiotrace("run", "-f", "-o", str(ours), "--", *argv, stdout=subprocess.DEVNULL)
    s = strace("-f", "-o", str(theirs), *argv, stdout=subprocess.DEVNULL)
    assert a.returncode == s.returncode, a.stderr
    assert a.stderr == s.stderr == ""   # quiet: the trace went to the file
    assert_same_trace(ours.read_text(), theirs.read_text())


def _unpad(line: str) -> str:
    """The line without the spaces that align its return value: where a number of the
    call's text was replaced (an inode, a pid), they depended on how many digits it had."""
    return re.sub(r"\) +(= )", r") \1", line)


def _lines(text: str) -> list[str]:
    text = re.sub(r"0x[0-9a-f]{5,}", "ADDR", text)
    text = re.sub(r"(getpid|gettid|set_tid_address|getppid)\((.*)\) += \d+", r"\1(\2) = PID", text)
    text = re.sub(r'getrandom\("[^"]*"', 'getrandom("BYTES"', text)
    text = re.sub(r"si_pid=\d+", "si_pid=PID", text)
    text = re.sub(r"<\d+\.\d{6}>", "<TIME>", text)
    text = re.sub(r"^\d\d:\d\d:\d\d\.\d{6} ", "HH:MM:SS.USEC ", text, flags=re.M)
    text = "\n".join(_unpad(ln) if ln != new else ln for ln, new in (
        (re.sub(r"(pipe|socket):\[\d+\]", r"\1:[INODE]", ln), ln) for ln in text.split("\n")))
    # -i: the instruction pointer moves with ASLR; its offset in the page does not
    text = re.sub(r"\[[0-9a-f]{13}([0-9a-f]{3})\]", r"[IP...\1]", text)
    # (the spawned program's execve: strace shows where its own child called it)
    text = re.sub(r"^\[IP\.\.\.[0-9a-f]{3}\] execve\(", "[IP] execve(", text, flags=re.M)
    return text.splitlines()


@needs_strace
@pytest.mark.parametrize("options", [
    [], ["-y"], ["-s", "5"], ["-s", "0"], ["-e", "trace=%file"], ["-e", "trace=/^(open|read)"],
    ["-e", "trace=!mmap,mprotect,munmap"], ["-e", "status=failed"], ["-Z"], ["-z"],
    ["-e", "trace=read,write,close", "-e", "signal=none"], ["-e", "trace=%desc", "-y"],
    ["-T"], ["-a", "20"], ["-e", "trace=39,3"], ["-e", "trace=?nosuchcall,getpid"],
    ["-qq"], ["-e", "trace=none"], ["-x"], ["-xx"], ["--strings-in-hex=non-ascii-chars"],
    ["-n"], ["-n", "-tt", "-T"], ["-i"], ["-i", "-e", "trace=read,write"], ["-e", "write=all"], ["-e", "read=all", "-e", "write=!1", "-T"],
    # numbers strace reads with strtol: white space and a sign before the digits
    ["-s", "+5"], ["-s", " 5"], ["-s", "-0"], ["-s", "0005"], ["-a", "+30"],
    ["-e", "write=1,,2"], ["-e", "read=,3", "-e", "write= 1"], ["-e", "read=-0,+3"],
], ids=lambda o: " ".join(o) or "default")
def test_same_lines_as_strace(options, target, data_file):
    """A single process: the whole text is strace's, line for line."""
    argv = [target("syscall_mix"), data_file]
    a = aiotrace("run", *options, "--", *argv)
    s = strace(*options, *argv)
    assert (a.returncode, a.stdout) == (s.returncode, s.stdout)
    assert _lines(a.stderr) == _lines(s.stderr)


def _children(pid: int, comm: str) -> list[int]:
    """The children named *comm* of every thread of *pid* (the tracer thread forks the
    program, and a doorbell)."""
    out = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            for child in f.read().split():
                with open(f"/proc/{child}/comm") as c:
                    if c.read().strip() == comm:
                        out.append(int(child))
    return out


@pytest.mark.parametrize("delay", ["9223372036854775807s", "1e308s"])
def test_endless_delay_ends_with_the_program(delay, tracer_loop, target, spawned):
    """The longest delays strace accepts hold the call for ever (strace itself fails at
    run time: "timer_settime: Invalid argument"; aiotrace holds it 292 years, the most
    an InjectRule takes). No traceback (1e308 s in nanoseconds was beyond a float), and
    once the program is killed aiotrace ends too, of the program's signal, instead of
    sleeping out the delay."""
    p = spawned(subprocess.Popen(
        [*AIOTRACE, "run", "-e", "trace=getppid", "-e", f"inject=getppid:delay_enter={delay}",
         "--", target("getppid_seq"), "1"],
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
    seen = b""
    while b"getppid(" not in seen:   # the entry is shown: the call is held
        chunk = os.read(p.stderr.fileno(), 4096)
        assert chunk, seen
        seen += chunk
    (program,) = _children(p.pid, "getppid_seq")
    os.kill(program, signal.SIGKILL)
    assert p.wait(timeout=TIMEOUT) == -signal.SIGKILL
    seen += p.stderr.read()
    assert b"Traceback" not in seen and b"+++ killed by SIGKILL +++" in seen, seen
    assert p.stdout.read() == b""


@needs_strace
@pytest.mark.parametrize("size", ["65536", "1073741823"])
def test_large_string_limit_like_strace(size, tracer_loop, target, tmp_path):
    """-s beyond what one prefetch= copy holds (64 KiB): the calls whose strings the C
    loop would copy are decoded at their stop instead, with the same text."""
    data = tmp_path / "data.txt"
    data.write_text("0123456789" * 10)
    argv = [target("syscall_mix"), str(data)]
    a = aiotrace("run", "-s", size, "--", *argv)
    s = strace("-s", size, *argv)
    assert (a.returncode, a.stdout) == (s.returncode, s.stdout) == (0, "hi\n")
    assert _lines(a.stderr) == _lines(s.stderr)
    assert any('"' + "0123456789" * 6 in ln for ln in _lines(a.stderr))


@needs_strace
@pytest.mark.parametrize("options", [
    ["-e", "trace=getppid", "-e", "inject=getppid:error=ENOENT:when=2"],
    ["-e", "trace=getppid", "-e", "inject=getppid:retval=42:when=2+"],
    ["-e", "trace=getppid", "-e", "inject=getppid:retval=42:when=2",
     "-e", "inject=getppid:error=EPERM:when=3"],
    ["-e", "trace=getppid,rt_sigprocmask", "-e", "inject=%pure:retval=7:when=1..2"],
    ["-e", "trace=getppid", "-e", "inject=getppid:delay_enter=1000:when=3", "-T"],
], ids=["error", "retval", "last-wins", "class", "delay"])
def test_inject_like_strace(options, target):
    argv = [target("getppid_seq"), "4"]
    a = aiotrace("run", *options, "--", *argv)
    s = strace(*options, *argv)
    assert a.returncode == s.returncode == 0
    assert re.sub(r"^\d+ ", "PID ", a.stdout, flags=re.M) == \
        re.sub(r"^\d+ ", "PID ", s.stdout, flags=re.M)
    assert _lines(a.stderr) == _lines(s.stderr)
    assert "(INJECTED)" in a.stderr or "(DELAYED)" in a.stderr


@needs_strace
@pytest.mark.parametrize("options", [
    ["-e", "trace=none", "-e", "inject=getppid:error=EPERM"],
    ["-e", "trace=write", "-e", "inject=getppid,write:error=ENOSPC:when=2"],
    ["-e", "trace=write", "-e", "inject=getppid:error=EPERM"],
    ["-c", "-e", "trace=write", "-e", "inject=getppid:error=EPERM"],
    ["-f", "--seccomp-bpf", "-e", "trace=write", "-e", "inject=getppid:error=EPERM"],
], ids=["none", "write-2nd", "write", "summary", "seccomp"])
def test_inject_only_into_traced_calls_like_strace(options, target):
    """strace tampers with the calls -e trace= traces only: getppid is left alone here
    (and write's when= counts writes: the program makes one)."""
    argv = [target("getppid_seq"), "3"]
    a = aiotrace("run", *options, "--", *argv)
    s = strace(*options, *argv)
    assert a.returncode == s.returncode == 0
    assert "-1 " not in a.stdout
    assert re.sub(r"^\d+ ", "PPID ", a.stdout, flags=re.M) == \
        re.sub(r"^\d+ ", "PPID ", s.stdout, flags=re.M)
    if "-c" in options:
        assert _table(a.stderr) == _table(s.stderr) == {"write": (1, 0)}
    else:
        # (the program writes its parent's pid: the write's size and the padding after
        # it depend on how many digits that pid has)
        def writes(r):
            text = r.stderr.replace(r.stdout.split()[0], "PPID")
            return [_unpad(re.sub(r'^(write\(1, "PPID .*", )\d+\)', r"\1N)", ln))
                    for ln in _lines(text)]
        assert writes(a) == writes(s)


@needs_strace
@pytest.mark.parametrize("options", [[], ["-c"], ["-C"]], ids=["trace", "-c", "-C"])
def test_negative_retval_is_a_success_like_strace(options, target):
    """retval=-1 sets a value, not an error: strace shows ``= -1 (INJECTED)`` with no
    errno, and -c counts no error (the program still sees -1 and errno 1)."""
    opts = [*options, "-e", "trace=getppid", "-e", "inject=getppid:retval=-1:when=2+"]
    argv = [target("getppid_seq"), "3"]
    a = aiotrace("run", *opts, "--", *argv)
    s = strace(*opts, *argv)
    assert a.returncode == s.returncode == 0
    assert a.stdout.splitlines()[1:] == s.stdout.splitlines()[1:] == ["-1 EPERM usr1=0"] * 2
    if options:
        assert _table(a.stderr) == _table(s.stderr) == {"getppid": (3, 0)}
    if options != ["-c"]:
        inadvertent = "strace: Inadvertent injection"   # strace's warning: not printed
        assert [l for l in _lines(a.stderr) if l.startswith("getppid(")] == \
            [l for l in _lines(s.stderr) if l.startswith("getppid(") and inadvertent not in l]
        assert a.stderr.count("getppid()                               = -1 (INJECTED)") == 2


@needs_strace
def test_inject_with_trace_path_like_strace(data_file):
    """With -P, strace counts when= over the calls that use the path, and tampers with
    those only: the 2nd openat of the file fails, not the 2nd openat of the program (the
    dynamic loader's), and the line marked (INJECTED) is the one that was."""
    options = ["-P", data_file, "-e", "inject=openat:error=ENOENT:when=2"]
    argv = ["cat", data_file, data_file]
    a = aiotrace("run", *options, "--", *argv)
    s = strace(*options, *argv)
    assert a.returncode == s.returncode == 1
    assert a.stdout == s.stdout
    inj = [l for l in a.stderr.splitlines() if "(INJECTED)" in l]
    assert inj == [f'openat(AT_FDCWD, "{data_file}", O_RDONLY) = -1 ENOENT (No such file or '
                   'directory) (INJECTED)']
    assert sorted(_lines(a.stderr)) == sorted(_lines(s.stderr))


@needs_strace
def test_dup2_new_descriptor_like_strace(tmp_path):
    """strace -y prints dup2's new descriptor at the entry, with the file it referred to
    before the call: ``dup2(4<pipe:[A]>, 1<pipe:[B]>) = 1<pipe:[A]>``."""
    argv = ["sh", "-c", "echo a | cat"]
    opts = ["-f", "-y", "-e", "trace=dup2", "-e", "signal=none", "-qq"]
    aiotrace("run", *opts, "-o", str(tmp_path / "a"), "--", *argv)
    strace(*opts, "-o", str(tmp_path / "s"), *argv)

    def shape(path):   # (oldfd, newfd, does newfd show oldfd's file?) for each dup2
        out = []
        for seq in parse_trace(path.read_text())[0].values():
            for item in seq:
                m = re.fullmatch(r"(\d+)<([^>]*)>, (\d+)(<[^>]*>)?", item[1])
                if item[0] == "dup2" and m:
                    out.append((m.group(1), m.group(3), m.group(4) == f"<{m.group(2)}>"))
        return sorted(out)
    assert shape(tmp_path / "a") == shape(tmp_path / "s") == [("3", "0", False),
                                                              ("4", "1", False)]


@needs_strace
def test_inject_signal(target):
    """signal= is delivered as with strace; its siginfo says SI_TKILL (aiotrace's injector
    uses tgkill), where strace's says SI_KERNEL."""
    argv = [target("getppid_seq"), "2"]
    opts = ["-e", "trace=getppid", "-e", "inject=getppid:signal=USR1:when=2"]
    a = aiotrace("run", *opts, "--", *argv)
    s = strace(*opts, *argv)
    assert re.sub(r"\d+ ", "PID ", a.stdout) == re.sub(r"\d+ ", "PID ", s.stdout)
    assert re.sub(r"\{.*\}", "{}", a.stderr) == re.sub(r"\{.*\}", "{}", s.stderr).replace(
        s.stdout.split()[0], a.stdout.split()[0])
    assert "--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=" in a.stderr


@needs_strace
def test_inject_signal_into_a_followed_child(target, tmp_path):
    """-f: signal= reaches the thread of a child process that made the call (the
    injector sends it with Process.inject_signal), as strace's does."""
    argv = ["sh", "-c", '"$0" 2; :', target("getppid_seq")]
    opts = ["-f", "-e", "trace=getppid", "-e", "inject=getppid:signal=USR1:when=2"]
    a = aiotrace("run", *opts, "-o", str(tmp_path / "a"), "--", *argv)
    s = strace(*opts, "-o", str(tmp_path / "s"), *argv)
    assert a.returncode == s.returncode == 0, a.stderr
    assert re.sub(r"\d+ ", "PID ", a.stdout) == re.sub(r"\d+ ", "PID ", s.stdout) == \
        "PID usr1=0\nPID usr1=1\n"

    def child(path):   # the child's calls, and its signals without their siginfo
        seq = sequences(path.read_text())["P.1"]
        return calls_of(seq), [re.sub(r"\{.*\}", "{}", x[1]) for x in seq if x[0] == "---"]
    assert child(tmp_path / "a") == child(tmp_path / "s") == (
        [("getppid", "P"), ("getppid", "P")], ["--- SIGUSR1 {} ---"])


@needs_strace
@pytest.mark.parametrize("options", [
    [], ["-e", "signal=SIGRT_2,rtmin,64"], ["-e", "signal=!34,sigrt_8"], ["-e", "signal=65,33"],
    ["-e", "signal=0,010"], ["-e", "signal=255"],
], ids=lambda o: " ".join(o) or "default")
def test_realtime_signal_names_like_strace(options, target):
    """Kernel numbering, as strace: 32 is SIGRTMIN, 33 SIGRT_1, 34 SIGRT_2 ... 64 SIGRT_32;
    -e signal= takes those names and decimal numbers 0..255 (outside 1..64: no signal)."""
    argv = [target("rt_signals"), "32", "33", "34", "40", "64", "10"]
    a = aiotrace("run", "-e", "trace=none", *options, "--", *argv)
    s = strace("-e", "trace=none", *options, *argv)
    assert (a.returncode, a.stdout) == (s.returncode, s.stdout) == (0, "sent 6\n")
    assert _lines(a.stderr) == _lines(s.stderr)
    if not options:
        assert [l.split()[1] for l in a.stderr.splitlines()[:-1]] == [
            "SIGRTMIN", "SIGRT_1", "SIGRT_2", "SIGRT_8", "SIGRT_32", "SIGUSR1"]


@needs_strace
@pytest.mark.parametrize("value", ["256", "-1", "SIGRT_0", "SIGRT_33", "SIGRTMAX", "0x3"])
def test_invalid_signal_sets_like_strace(value):
    a = aiotrace("run", "-e", f"signal={value}", "--", "true")
    s = strace("-e", f"signal={value}", "true")
    assert a.returncode == s.returncode == 1
    assert a.stderr.splitlines()[0] == s.stderr.splitlines()[0].replace(
        f"{STRACE}: ", "aiotrace: ")


@needs_strace
def test_seccomp_bpf_like_strace(target, data_file):
    """--seccomp-bpf: only the traced calls stop; the same lines as strace --seccomp-bpf
    (the first execve included)."""
    argv = [target("syscall_mix"), data_file]
    opts = ["-f", "--seccomp-bpf", "-e", "trace=execve,openat,read,write,exit_group"]
    a = aiotrace("run", *opts, "--", *argv)
    s = strace(*opts, *argv)
    assert (a.returncode, a.stdout) == (s.returncode, s.stdout) == (0, "hi\n")
    assert _lines(a.stderr) == _lines(s.stderr)
    assert a.stderr.startswith("execve(")


@needs_strace
def test_seccomp_bpf_without_f_is_disabled_like_strace():
    """Without -f the children would run untraced with the filter (their traced calls
    failing with ENOSYS): strace disables --seccomp-bpf with a warning, and so do we."""
    argv = ["sh", "-c", "/bin/true; echo hi"]
    opts = ["--seccomp-bpf", "-e", "trace=execve"]
    a = aiotrace("run", *opts, "--", *argv)
    s = strace(*opts, *argv)
    assert (a.returncode, a.stdout) == (s.returncode, s.stdout) == (0, "hi\n")
    assert _lines(a.stderr.replace("aiotrace: ", f"{STRACE}: ")) == _lines(s.stderr)
    assert a.stderr.startswith(
        "aiotrace: --seccomp-bpf cannot be used without -f/--follow-forks, disabling\n")


@needs_strace
@pytest.mark.parametrize("options", [["-e", "trace=execve"], ["-c", "-e", "trace=execve"],
                                     ["-e", "trace=execve", "-T"]],
                         ids=["trace", "count", "times"])
def test_seccomp_bpf_first_execve_like_strace(options):
    """The first execve's exit (its entry came before the trace) is reported under the
    prefilter: shown, and counted by -c, as strace --seccomp-bpf does."""
    argv = ["sh", "-c", "/bin/true"]
    a = aiotrace("run", "-f", "--seccomp-bpf", *options, "--", *argv)
    s = strace("-f", "--seccomp-bpf", *options, *argv)
    assert a.returncode == s.returncode == 0
    if "-c" in options:
        assert _table(a.stderr) == _table(s.stderr) == {"execve": (2, 0)}
    else:
        def strip(t: str) -> str:
            return re.sub(r"\d+", "N", "\n".join(_lines(t)).replace(f"{STRACE}:", "aiotrace:"))

        assert strip(a.stderr) == strip(s.stderr)
        assert a.stderr.startswith('execve("/usr/bin/sh", ["sh", "-c", "/bin/true"], ')


def _per_process_files(prefix: Path) -> str:
    """``-ff -ttt -o PREFIX`` files merged into one ``PID line`` trace, in time order."""
    lines = []
    for f in prefix.parent.glob(prefix.name + ".*"):
        for line in f.read_text().splitlines():
            stamp, _, rest = line.partition(" ")
            lines.append((float(stamp), int(f.suffix[1:]), rest))
    lines.sort(key=lambda x: x[0])
    return "".join(f"{pid} {rest}\n" for _, pid, rest in lines)


@needs_strace
@pytest.mark.parametrize("name", ["forkexec", "exec_thread", "sh_pipe"])
def test_one_file_per_process_like_strace(name, target, data_file, tmp_path):
    """-ff -o FILE: FILE.PID for each process and thread, without prefixes."""
    argv = _programs(target, data_file)[name]
    (tmp_path / "a").mkdir()
    (tmp_path / "s").mkdir()
    a = aiotrace("run", "-ff", "-ttt", "-o", str(tmp_path / "a" / "t"), "--", *argv,
                 stdout=subprocess.DEVNULL)
    s = strace("-ff", "-ttt", "-o", str(tmp_path / "s" / "t"), *argv, stdout=subprocess.DEVNULL)
    assert a.returncode == s.returncode and a.stderr == s.stderr == ""
    assert not (tmp_path / "a" / "t").exists()
    assert len(list((tmp_path / "a").iterdir())) == len(list((tmp_path / "s").iterdir()))
    for f in (tmp_path / "a").iterdir():
        assert not re.search(r"^(\[pid|\d+ +\D)", f.read_text(), re.M)
        assert "<unfinished ...>" not in f.read_text() or name == "exec_thread"
    assert_same_trace(_per_process_files(tmp_path / "a" / "t"),
                      _per_process_files(tmp_path / "s" / "t"))


# -- -f: prefixes, unfinished/resumed -----------------------------------------------------


def test_follow_forks_prefixes(target):
    """stderr: ``[pid N] `` once a second process is traced; each unfinished line of a
    thread is resumed later by that thread."""
    r = aiotrace("run", "-f", "--", target("forkexec"))
    assert r.returncode == 7
    lines = r.stderr.splitlines()
    assert lines[0].startswith('execve("')
    first_clone = next(i for i, l in enumerate(lines) if l.startswith("clone("))
    assert not any(l.startswith("[pid") for l in lines[:first_clone])
    assert any(re.match(r"\[pid +\d+\] ", l) for l in lines)
    unfinished: collections.Counter = collections.Counter()
    for line in lines:
        rest = re.sub(r"^\[pid +\d+\] ", "", line)
        if rest.endswith(" <unfinished ...>"):
            unfinished[rest.split("(")[0]] += 1
        r2 = re.match(r"<\.\.\. (\w+) resumed>", rest)
        if r2:
            assert unfinished[r2.group(1)] > 0, line
            unfinished[r2.group(1)] -= 1
    assert lines[-1] == "+++ exited with 7 +++"


def test_output_file_prefix_and_alignment(target, tmp_path):
    out = tmp_path / "t"
    r = aiotrace("run", "-f", "-o", str(out), "--", target("vfork_exec"))
    assert r.returncode == 9 and r.stderr == ""
    lines = out.read_text().splitlines()
    assert all(re.match(r"\d+ +\S", l) for l in lines)
    for l in lines:   # "%-5d " then the call; "= " at column 40 when the call is short
        m = re.match(r"(\d+ +)(\w+\(.*\)) +=", l)
        if m and len(m.group(1) + m.group(2)) < 38:
            assert l.index(" = ") == 39, l
    assert any(l.endswith("+++ exited with 9 +++") for l in lines)


@needs_strace
def test_threads_follow(target, tmp_path):
    """Threads: each thread's getppid calls and its exit, as strace reports them."""
    argv = [target("threads"), "2", "3"]
    ours, theirs = tmp_path / "a", tmp_path / "s"
    assert aiotrace("run", "-f", "-o", str(ours), "--", *argv).returncode == 0
    assert strace("-f", "-o", str(theirs), *argv).returncode == 0
    a, s = sequences(ours.read_text()), sequences(theirs.read_text())
    assert sorted(a) == sorted(s) == ["P", "P.1", "P.2"]
    for t in ("P.1", "P.2"):
        assert [x[0] for x in a[t] if x[0] == "getppid"] == ["getppid"] * 3
        assert exits_of(a[t]) == exits_of(s[t]) == ["+++ exited with 0 +++"]


def _single(text: str) -> list[tuple]:
    """A trace without -f (no pid prefixes): its normalised items, with process ids of
    the untraced threads and children (clone's, wait4's...) as CHILD."""
    (seq,) = sequences("".join(f"1 {l}\n" for l in text.splitlines())).values()
    out = []
    for x in seq:
        if len(x) == 3 and x[0] in _PID_RETURNS and x[0] != "getppid":
            x = (x[0], x[1], re.sub(r"^\d+", "CHILD", x[2]))
        out.append(x)
    return out


@needs_strace
@pytest.mark.parametrize("argv", [["threads", "3", "20"], ["sh", "-c", "ls / | wc -l"]],
                         ids=["threads", "sh_pipe"])
def test_without_f_same_calls_as_strace(argv, target, tmp_path):
    """Without -f only the first thread is traced: the same calls and return values as
    strace without -f (the other threads' getppid calls do not even stop)."""
    if argv[0] == "threads":
        argv = [target("threads"), *argv[1:]]
    ours, theirs = tmp_path / "a", tmp_path / "s"
    a = aiotrace("run", "-o", str(ours), "--", *argv)
    s = strace("-o", str(theirs), *argv)
    assert (a.returncode, a.stdout) == (s.returncode, s.stdout)
    assert a.stderr == s.stderr == ""
    x, y = _single(ours.read_text()), _single(theirs.read_text())
    # (pthread_join makes a futex call only if a thread is still running then: timing)
    assert [c for c in calls_of(x) if c[0] != "futex"] == \
        [c for c in calls_of(y) if c[0] != "futex"]
    assert exits_of(x) == exits_of(y) == ["+++ exited with 0 +++"]
    # (two children's SIGCHLDs merge into one when the second comes before the first is
    # delivered: how many arrive is timing, which signals is not)
    assert {l[1].split()[1] for l in x if l[0] == "---"} == \
        {l[1].split()[1] for l in y if l[0] == "---"}
    if "threads" in argv[0]:
        assert "getppid" not in [c[0] for c in calls_of(x)]


def test_without_f_only_the_main_thread(target):
    r = aiotrace("run", "--", target("threads"), "2", "3")
    assert r.returncode == 0 and "getppid" not in r.stderr and "[pid" not in r.stderr
    assert r.stderr.count("+++ exited with 0 +++") == 1


@needs_strace
def test_exec_from_thread_without_f(target):
    """Without -f, strace stops showing calls once a thread it does not trace execs."""
    argv = [target("exec_thread"), "/bin/echo", "hi"]
    a = aiotrace("run", "--", *argv)
    s = strace(*argv)
    assert a.stdout == s.stdout == "thread execs\nhi\n"
    # the leader dies where the exec finds it (in futex, clone3...: "= ?"); the calls of
    # the new program are not shown
    for text in (a.stderr, s.stderr):
        assert text.splitlines()[-1] == "+++ exited with 0 +++"
        assert "exit_group" not in text and 'write(1, "hi' not in text


# -- transparency ---------------------------------------------------------------------------


TRANSPARENT = [
    ("forkexec",), ("vfork_exec",), ("exec_thread", "/bin/echo", "from exec"), ("selfstop",),
    ("sighandler", "5"), ("segv",), ("sigkill_self",), ("raise_signal", "15"),
    ("raise_signal", "10"), ("raise_signal", "28"), ("threads", "3", "10"),
]


@pytest.mark.parametrize("prog", TRANSPARENT, ids=lambda p: "-".join(p))
@pytest.mark.parametrize("where", ["stderr", "file"])
def test_transparent(prog, where, target, tmp_path):
    """Same stdout and exit status traced (-f) as untraced; killed by the same signal."""
    argv = [target(prog[0]), *prog[1:]]
    plain = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT,
                           stdin=subprocess.DEVNULL)
    out = ["-o", str(tmp_path / "t")] if where == "file" else []
    traced = aiotrace("run", "-f", *out, "--", *argv)
    assert (traced.stdout, traced.returncode) == (plain.stdout, plain.returncode), traced.stderr
    trace = (tmp_path / "t").read_text() if where == "file" else traced.stderr
    if plain.returncode < 0:
        assert trace.rstrip().endswith(f"+++ killed by {signal.Signals(-plain.returncode).name}"
                                       " +++") or "(core dumped) +++" in trace
    else:
        assert trace.rstrip().endswith(f"+++ exited with {plain.returncode} +++")


def test_exit_status_in_a_shell():
    """``aiotrace run -- sh -c 'kill -9 $$'`` exits 137 in a shell, as the program would."""
    script = '"$@" run -- sh -c \'kill -9 $$\' 2>/dev/null; echo "status=$?"'
    r = subprocess.run(["sh", "-c", script, "sh", *AIOTRACE], capture_output=True, text=True,
                       timeout=TIMEOUT)
    assert r.stdout == "status=137\n"
    r = subprocess.run(["sh", "-c", '"$@" run -q -- sh -c "exit 42"; echo "status=$?"', "sh",
                        *AIOTRACE], capture_output=True, text=True, timeout=TIMEOUT)
    assert r.stdout == "status=42\n"


def test_ctrl_c_goes_to_the_program(target):
    """SIGINT to the foreground process group (what Ctrl-C does) kills the program, not
    aiotrace, which then dies of SIGINT too; untraced, the program would die the same way."""
    proc = subprocess.Popen([*AIOTRACE, "run", "-o", os.devnull, "--", "sh", "-c",
                             "echo ready; exec cat"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        assert proc.stdout.readline() == "ready\n"
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGINT, err
    assert "Traceback" not in err


def test_sigterm_is_forwarded(target):
    """SIGTERM sent to aiotrace alone goes on to the program; both die of it."""
    proc = subprocess.Popen([*AIOTRACE, "run", "--", "sh", "-c", "echo ready; exec cat"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline() == "ready\n"
        # the trace shows cat blocked in read(0, ...) once the exec has happened
        buf = ""
        while "execve(\"/usr/bin/cat\"" not in buf and "execve(\"/bin/cat\"" not in buf:
            line = proc.stderr.readline()
            assert line, buf
            buf += line
        proc.send_signal(signal.SIGTERM)
        # stdin stays open until it is over: communicate() closes it, and cat would
        # then exit 0 at end of file if that came before the forwarded SIGTERM
        proc.wait(timeout=TIMEOUT)
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGTERM
    assert (buf + err).rstrip().endswith("+++ killed by SIGTERM +++")


def test_stdin_is_inherited(tmp_path):
    r = aiotrace("run", "-o", os.devnull, "--", "cat", input="through the tracer\n",
                 stdin=None)
    assert (r.returncode, r.stdout, r.stderr) == (0, "through the tracer\n", "")


_AFFINITY = """\
import glob, json, os
mine = sorted(os.sched_getaffinity(0))
tracer = set()
for f in glob.glob(f"/proc/{os.getppid()}/task/*/status"):
    for line in open(f):
        if line.startswith("Cpus_allowed_list:"):
            tracer.add(line.split()[1])
print(json.dumps([mine, sorted(tracer)]))
"""


def _cpu_list(cpus) -> str:
    """The kernel's Cpus_allowed_list form of a set of CPUs: "0-3,6"."""
    out, run = [], []
    for c in sorted(cpus):
        if run and c != run[-1] + 1:
            out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
            run = []
        run.append(c)
    out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ",".join(out)


@pytest.mark.parametrize("choice", [None, "auto", "any", "first"])
def test_tracer_cpu(choice):
    """With --tracer-cpu=auto or a CPU, aiotrace keeps its own threads on one CPU; by
    default (any) nothing is pinned; the program always runs on every CPU aiotrace
    was given."""
    allowed = os.sched_getaffinity(0)
    if len(allowed) < 2:
        pytest.skip("needs two CPUs")
    opts = [] if choice is None else [
        f"--tracer-cpu={min(allowed) if choice == 'first' else choice}"]
    r = aiotrace("run", "-o", os.devnull, *opts, "--", sys.executable, "-c", _AFFINITY)
    assert r.returncode == 0, r.stderr
    program, tracer = json.loads(r.stdout)   # [[0, 1], ["0"]]
    assert program == sorted(allowed)   # the program is not pinned
    if choice in (None, "any"):
        assert tracer == [_cpu_list(allowed)]
    else:
        assert len(tracer) == 1 and tracer[0].isdigit() and int(tracer[0]) in allowed
        if choice == "first":
            assert tracer == [str(min(allowed))]


def test_tracer_cpu_leaves_the_caller_as_it_was():
    """main() called from Python gives its thread back its CPUs."""
    from aiotrace._cli import main
    before = os.sched_getaffinity(0)
    assert main(["run", "-qq", "-o", os.devnull, "true"]) == 0
    assert os.sched_getaffinity(0) == before


def test_environment_option():
    r = aiotrace("run", "-q", "-o", os.devnull, "-E", "AIOTRACE_X=42", "-E", "HOME", "--",
                 "sh", "-c", 'echo "$AIOTRACE_X-${HOME-unset}"')
    assert r.stdout == "42-unset\n"


# -- attach -----------------------------------------------------------------------------------


def _start_blocker(target, threads: int = 2) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen([target("blocker"), str(threads)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.startswith("ready "), line
    return proc, int(line.split()[1])


def _read_until(stream, needle: str) -> str:
    buf = ""
    while needle not in buf:
        line = stream.readline()
        assert line, f"EOF before {needle!r}: {buf!r}"
        buf += line
    return buf


def test_attach_and_follow_to_the_end(target, tmp_path, spawned):
    blocker, pid = _start_blocker(target)
    spawned(blocker)
    out = tmp_path / "t"
    tracer = spawned(subprocess.Popen([*AIOTRACE, "attach", "-f", "-o", str(out), str(pid)],
                                      stderr=subprocess.PIPE, text=True))
    msg = _read_until(tracer.stderr, "attached")
    assert msg == f"aiotrace: Process {pid} attached with 3 threads\n"
    blocker.stdin.write("go\n")
    blocker.stdin.flush()
    assert blocker.stdout.read() == "bye\n"
    assert blocker.wait(timeout=TIMEOUT) == 0
    assert tracer.wait(timeout=TIMEOUT) == 0
    text = out.read_text()
    calls = parse_trace(text)[0][pid]
    assert ("write", '1, "bye\\n", 4', "4") in calls, text
    assert ("exit_group", "0", "?") in calls
    assert calls[-1] == ("+++", "+++ exited with 0 +++")


def test_ctrl_c_detaches(target, spawned):
    blocker, pid = _start_blocker(target)
    spawned(blocker)
    tracer = spawned(subprocess.Popen([*AIOTRACE, "-p", str(pid)], stderr=subprocess.PIPE,
                                      text=True))
    assert _read_until(tracer.stderr, "attached") == f"aiotrace: Process {pid} attached\n"
    tracer.send_signal(signal.SIGINT)
    err = tracer.stderr.read()
    assert tracer.wait(timeout=TIMEOUT) == -signal.SIGINT
    assert f"aiotrace: Process {pid} detached" in err
    status = Path(f"/proc/{pid}/status").read_text()
    # not traced, not stopped (asleep again in its read, or on its way back to it)
    assert "TracerPid:\t0\n" in status and re.search(r"State:\t[RS]", status)
    blocker.stdin.write("go\n")
    blocker.stdin.flush()
    assert blocker.stdout.read() == "bye\n" and blocker.wait(timeout=TIMEOUT) == 0


def _wait_traced_and_running(pid: int, tracer_pid: int) -> None:
    """Until *pid* is traced by a thread of *tracer_pid* and runs again (the attach hold
    is over)."""
    deadline = time.monotonic() + TIMEOUT
    while True:
        status = Path(f"/proc/{pid}/status").read_text()
        by = re.search(r"TracerPid:\t(\d+)\n", status)
        if (by and os.path.exists(f"/proc/{tracer_pid}/task/{by.group(1)}")
                and re.search(r"State:\t[RS]", status)):
            return
        assert time.monotonic() < deadline, status
        time.sleep(0.005)


@pytest.mark.parametrize("follow", [[], ["-f"]], ids=["", "-f"])
def test_ctrl_c_detaches_with_summary_only(follow, target, spawned):
    """With -c there is no trace to print: Ctrl-C still detaches and prints the table
    (it raised KeyboardInterrupt, with a traceback and no table)."""
    blocker, pid = _start_blocker(target)
    spawned(blocker)
    tracer = spawned(subprocess.Popen([*AIOTRACE, "-c", *follow, "-p", str(pid)],
                                      stderr=subprocess.PIPE, text=True))
    _wait_traced_and_running(pid, tracer.pid)
    tracer.send_signal(signal.SIGINT)
    err = tracer.stderr.read()
    assert tracer.wait(timeout=TIMEOUT) == -signal.SIGINT
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert "% time     seconds  usecs/call     calls    errors syscall" in err, err
    status = Path(f"/proc/{pid}/status").read_text()
    assert "TracerPid:\t0\n" in status and re.search(r"State:\t[RS]", status)
    blocker.stdin.write("go\n")
    blocker.stdin.flush()
    assert blocker.stdout.read() == "bye\n" and blocker.wait(timeout=TIMEOUT) == 0


@needs_strace
@pytest.mark.parametrize("follow", [[], ["-f"]], ids=["", "-f"])
def test_attach_seccomp_bpf_warns_like_strace(follow, target, spawned):
    """--seccomp-bpf cannot apply to a process that is already running: strace warns
    (and, without -f, warns that it needs -f too) and traces it with every stop."""
    blocker, pid = _start_blocker(target)
    spawned(blocker)
    gone = subprocess.Popen(["true"])
    gone.wait()
    s = strace("--seccomp-bpf", *follow, "-p", str(gone.pid))   # its warnings, then ESRCH
    warnings = [re.sub(r"^\S*strace:", "aiotrace:", ln) for ln in s.stderr.splitlines()
                if "seccomp" in ln]
    assert warnings and "attached with -p" in warnings[0]
    tracer = spawned(subprocess.Popen(
        [*AIOTRACE, "-p", str(pid), "--seccomp-bpf", *follow, "-e", "trace=write"],
        stderr=subprocess.PIPE, text=True))
    err = _read_until(tracer.stderr, f"Process {pid} attached").splitlines()
    assert err[:-1] == warnings
    blocker.stdin.write("go\n")
    blocker.stdin.flush()
    assert blocker.stdout.read() == "bye\n"
    assert blocker.wait(timeout=TIMEOUT) == 0
    assert tracer.wait(timeout=TIMEOUT) == 0
    trace = tracer.stderr.read()
    assert re.search(r'write\(1, "bye\\n", 4\) +\= 4\n', trace), trace


def test_attach_errors():
    gone = subprocess.Popen(["true"])
    gone.wait()
    r = aiotrace("attach", str(gone.pid))
    assert r.returncode == 1
    assert r.stderr == f"aiotrace: attach: ptrace(PTRACE_SEIZE, {gone.pid}): No such process\n"


def _attach_denied(pid: int, *prefix: str) -> list[str]:
    """aiotrace attach PID, which the kernel refuses: the two lines it says."""
    r = subprocess.run([*prefix, *AIOTRACE, "attach", str(pid)], stdin=subprocess.DEVNULL,
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert lines[0] == f"aiotrace: attach: ptrace(PTRACE_SEIZE, {pid}): Operation not permitted"
    assert len(lines) == 2 and lines[1].startswith(f"aiotrace: cannot trace pid {pid} ("), lines
    if not os.path.exists("/proc/sys/kernel/yama"):
        assert "yama" not in r.stderr.lower()
    return lines


def test_attach_to_a_zombie_says_so(tracer_loop):
    child = subprocess.Popen(["true"])
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)   # exited, not reaped
    try:
        why = _attach_denied(child.pid)[1]
    finally:
        child.wait()
    assert why == (f'aiotrace: cannot trace pid {child.pid} ("true"): it has exited (a zombie, '
                   f"until its parent, pid {os.getpid()}, reaps it): there is nothing left to "
                   "trace")


def test_attach_to_a_kernel_thread_says_so(tracer_loop):
    kthreads = [int(p) for p in os.listdir("/proc") if p.isdigit() and _kernel_thread(int(p))]
    if not kthreads:
        pytest.skip("no kernel thread is visible here (a PID namespace)")
    why = _attach_denied(min(kthreads))[1]
    assert why.endswith("it is a kernel thread, and kernel threads cannot be traced")


def _kernel_thread(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as f:
            return "\nKthread:\t1\n" in f.read()
    except OSError:
        return False


def test_attach_to_a_traced_process_names_its_tracer(tracer_loop, target, spawned, quiet_stdin):
    first = spawned(subprocess.Popen([*AIOTRACE, "run", "-e", "trace=none", "--",
                                      target("blocker"), "1"], stdin=quiet_stdin,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True))
    line = first.stdout.readline()
    assert line.startswith("ready "), line
    pid = int(line.split()[1])
    why = _attach_denied(pid)[1]
    assert re.fullmatch(rf'aiotrace: cannot trace pid {pid} \("blocker"\): it is already traced, '
                        rf'by process {first.pid} \("[^"]+"\); a thread has one tracer at a '
                        r"time: stop the other tracer \(or detach it\) first", why), why


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="needs root and setpriv")
def test_attach_without_cap_sys_ptrace_says_so(tracer_loop, target, spawned):
    """As root but without CAP_SYS_PTRACE, a process with all of root's capabilities
    cannot be traced: the message says which capability is missing, not "run as root"."""
    blocker, pid = _start_blocker(target, 1)
    spawned(blocker)
    why = _attach_denied(pid, "setpriv", "--bounding-set=-sys_ptrace",
                         "--inh-caps=-sys_ptrace")[1]
    assert why == (f'aiotrace: cannot trace pid {pid} ("blocker"): it holds capabilities '
                   "aiotrace lacks (CAP_SYS_PTRACE): aiotrace runs as root, but without "
                   "CAP_SYS_PTRACE, which that needs (give it CAP_SYS_PTRACE)")


def _fake_proc(root: Path, yama: int | None, **target: str) -> None:
    """A directory laid out as /proc: this process (pid 100, uid 1000, no capabilities),
    pid 200 (uid 1000, a child of pid 1) with *target*'s fields, a tracer (tid 301 of
    pid 300, "gdb") and, if *yama* is not None, kernel.yama.ptrace_scope."""
    def status(pid: str, **fields: str) -> None:
        (root / pid).mkdir(parents=True, exist_ok=True)
        (root / pid / "status").write_text("".join(f"{k}:\t{v}\n" for k, v in fields.items()))
    user = dict(Uid="1000\t1000\t1000\t1000", Gid="1000\t1000\t1000\t1000",
                CapPrm="0000000000000000", CapEff="0000000000000000")
    status("self", Name="aiotrace", State="R (running)", Tgid="100", PPid="1", **user)
    status("200", **{**dict(Name="victim", State="S (sleeping)", Tgid="200", PPid="1",
                            TracerPid="0", Kthread="0"), **user, **target})
    (root / "200" / "task" / "200").mkdir(parents=True)
    status("301", Name="gdb", State="S (sleeping)", Tgid="300", PPid="1", **user)
    if yama is not None:
        (root / "sys/kernel/yama").mkdir(parents=True)
        (root / "sys/kernel/yama/ptrace_scope").write_text(f"{yama}\n")


ROOT = dict(Uid="0\t0\t0\t0", Gid="0\t0\t0\t0")
_ATTACH_MESSAGES = [
    # (Yama's scope or None, the target's status fields, what the message says after
    # 'cannot trace pid 200 ("victim"): ')
    (None, ROOT, "it belongs to another user (user ids 0/0/0/0, not 1000), or changed its "
     "ids (set-user-ID): tracing it needs CAP_SYS_PTRACE (run aiotrace as root)"),
    (None, {}, "it may be non-dumpable (prctl(PR_SET_DUMPABLE, 0), or it was started "
     "set-user-ID), or a security module forbids it: tracing it needs CAP_SYS_PTRACE (run "
     "aiotrace as root)"),
    (0, {}, "it may be non-dumpable"),
    (1, {}, "kernel.yama.ptrace_scope is 1: without CAP_SYS_PTRACE only a descendant can be "
     "traced (start it with 'aiotrace run' or tracer.spawn(), run aiotrace as root, or set "
     "kernel.yama.ptrace_scope=0; a program may also allow it with prctl(PR_SET_PTRACER))"),
    (1, {"PPid": "100"}, "it may be non-dumpable"),   # a child: Yama lets it be
    (2, {}, "kernel.yama.ptrace_scope is 2: only a process with CAP_SYS_PTRACE may trace "
     "(run aiotrace as root)"),
    (3, {}, "kernel.yama.ptrace_scope is 3: no process may be traced on this system (a "
     "setting that only a reboot undoes)"),
    (1, {"CapPrm": "0000000000001000"}, "it holds capabilities aiotrace lacks (CAP_NET_ADMIN):"
     " tracing it needs CAP_SYS_PTRACE (run aiotrace as root)"),
    (None, {"TracerPid": "301"}, 'it is already traced, by process 300 ("gdb"); a thread '
     "has one tracer at a time: stop the other tracer (or detach it) first"),
    (None, {"State": "Z (zombie)", "PPid": "42"}, "it has exited (a zombie, until its "
     "parent, pid 42, reaps it): there is nothing left to trace"),
    (None, {"Kthread": "1"}, "it is a kernel thread, and kernel threads cannot be traced"),
    (None, {"Tgid": "100"}, "it is a thread of this very process, which cannot trace itself"),
]


@pytest.mark.parametrize("yama,fields,says", _ATTACH_MESSAGES,
                         ids=[f"yama={y}-{'-'.join(f) or 'same user'}"
                              for y, f, _ in _ATTACH_MESSAGES])
def test_attach_denied_messages(yama, fields, says, tmp_path):
    """Why an attach was refused, from /proc's facts (a directory laid out as /proc): the
    real cause, and Yama only when it is there and applies."""
    _fake_proc(tmp_path, yama, **fields)
    message = _attach_message(200, errno.EPERM, str(tmp_path))
    assert message.startswith('cannot trace pid 200 ("victim"): ' + says), message
    if yama is None or "yama" not in says:
        assert "yama" not in message


def test_attach_denied_message_quotes_names(tmp_path):
    _fake_proc(tmp_path, None, Name="v\x1b]0;x\x07", TracerPid="301")
    (tmp_path / "301" / "status").write_text("Name:\tg\x1b[2J\nTgid:\t300\n")
    message = _attach_message(200, errno.EPERM, str(tmp_path))
    assert message.startswith('cannot trace pid 200 ("v\\u001b]0;x\\u0007"): it is already '
                              'traced, by process 300 ("g\\u001b[2J")')


# -- -c ----------------------------------------------------------------------------------


def _table(text: str) -> dict[str, tuple[int, int]]:
    rows = {}
    for line in text.splitlines():
        m = re.match(r"\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(\d*)\s+(\w+)$", line)
        if m and m.group(3) != "total":
            rows[m.group(3)] = (int(m.group(1)), int(m.group(2) or 0))
    return rows


@needs_strace
@pytest.mark.parametrize("prog", [("getppid_loop", "2000"), ("fail_loop", "50"),
                                  ("forkexec",)], ids=lambda p: p[0])
def test_counts_like_strace(prog, target):
    argv = [target(prog[0]), *prog[1:]]
    a = aiotrace("run", "-f", "-c", "--", *argv)
    s = strace("-f", "-c", *argv)
    assert a.returncode == s.returncode
    assert _table(a.stderr) == _table(s.stderr)
    a_lines = [l for l in a.stderr.splitlines() if "attached" not in l]
    s_lines = [l for l in s.stderr.splitlines() if "attached" not in l]
    if prog[0] == "getppid_loop":
        assert _table(a.stderr)["getppid"] == (2000, 0)
    header = "% time     seconds  usecs/call     calls    errors syscall"
    assert a_lines[0] == header == s_lines[0]


@needs_strace
def test_counts_without_f_like_strace(target):
    """-c without -f counts the first thread only, as strace -c: not the 3 x 20 getppid
    calls of the other threads."""
    argv = [target("threads"), "3", "20"]
    a = aiotrace("run", "-c", "--", *argv)
    s = strace("-c", *argv)
    assert (a.returncode, a.stdout) == (s.returncode, s.stdout) == (0, "threads done\n")
    # (pthread_join makes a futex call only if a thread is still running then: a matter
    # of timing, not of tracing)
    ours, theirs = _table(a.stderr), _table(s.stderr)
    ours.pop("futex", None)
    theirs.pop("futex", None)
    assert ours == theirs
    assert "getppid" not in ours and ours["clone3"] == (3, 0)


def test_summary_with_trace(target):
    r = aiotrace("run", "-C", "-e", "trace=fchdir", "--", target("fail_loop"), "3")
    lines = r.stderr.splitlines()
    assert lines[:3] == ["fchdir(-1)                              = -1 EBADF (Bad file "
                         "descriptor)"] * 3
    assert lines[3] == "+++ exited with 0 +++"
    assert _table(r.stderr) == {"fchdir": (3, 3)}


# -- --json ----------------------------------------------------------------------------


def test_json_lines(target, data_file):
    r = aiotrace("run", "--json", "-s", "256", "--", target("syscall_mix"), data_file)
    assert r.returncode == 0
    objs = [json.loads(l) for l in r.stderr.splitlines()]
    kinds = collections.Counter(o["kind"] for o in objs)
    # the first execve has no entry (it started before the trace), exit_group no exit
    assert kinds["syscall.exit"] == kinds["syscall.entry"]
    first = objs[0]
    assert (first["kind"], first["syscall"], first["retval"]) == ("syscall.exit", "execve", 0)
    assert first["args"][:2] == [json.dumps(target("syscall_mix")),
                                 "[%s, %s]" % (json.dumps(target("syscall_mix")), json.dumps(data_file))]
    opened = [o for o in objs if o["kind"] == "syscall.exit" and o["syscall"] == "openat"
              and data_file in o["args"][1]]
    assert len(opened) == 1
    o = opened[0]
    assert o["args"] == ["AT_FDCWD", json.dumps(data_file), "O_RDONLY|O_CLOEXEC"]
    assert o["retval"] == 3 and o["error"] is None and o["duration"] >= 0
    read = next(o for o in objs if o["kind"] == "syscall.exit" and o["syscall"] == "read"
                and o["args"][0] == "3" and o["retval"] == 13)
    assert read["args"] == ["3", '"hello, world\\n"', "64"]
    assert objs[-1]["kind"] == "death" and objs[-1]["exit_code"] == 0
    assert all(o["pid"] == first["pid"] for o in objs)
    assert [o["seq"] for o in objs] == sorted(o["seq"] for o in objs)


def test_json_errors_and_signals(target):
    r = aiotrace("run", "--json", "-e", "trace=fchdir", "--", target("fail_loop"), "2")
    objs = [json.loads(l) for l in r.stderr.splitlines()]
    fails = [o for o in objs if o["kind"] == "syscall.exit"]
    assert [(o["retval"], o["error"], o["return"]) for o in fails] == \
        [(-9, "EBADF", "-1 EBADF (Bad file descriptor)")] * 2
    r = aiotrace("run", "--json", "-e", "trace=none", "--", target("segv"))
    objs = [json.loads(l) for l in r.stderr.splitlines()]
    sig = next(o for o in objs if o["kind"] == "signal")
    assert sig["signal"] == "SIGSEGV" and "SEGV_MAPERR" in sig["siginfo"]
    assert objs[-1]["signal"] == "SIGSEGV" and objs[-1]["exit_code"] is None


# -- timestamps and times ----------------------------------------------------------------


@pytest.mark.parametrize("opt,pattern", [
    ("-t", r"\d\d:\d\d:\d\d "), ("-tt", r"\d\d:\d\d:\d\d\.\d{6} "), ("-ttt", r"\d{10}\.\d{6} "),
    ("-r", r" +\d+\.\d{6} "),
])
def test_timestamps(opt, pattern, target, data_file):
    before = time.time()
    r = aiotrace("run", opt, "--", target("syscall_mix"), data_file)
    after = time.time()
    lines = r.stderr.splitlines()
    assert all(re.match(pattern, l) for l in lines), lines
    assert re.match(pattern + r"execve\(", lines[0])
    if opt == "-ttt":   # (wall-clock seconds, with microseconds: within the run)
        stamps = [float(l.split()[0]) for l in lines]
        assert stamps == sorted(stamps) and before - 1e-6 <= stamps[0] <= stamps[-1] <= after


def test_syscall_times(target):
    r = aiotrace("run", "-T", "-e", "trace=getppid,exit_group", "-e",
                 "inject=getppid:delay_enter=300ms:when=2", "--", target("getppid_seq"), "2")
    lines = r.stderr.splitlines()
    times = [float(m.group(1)) for l in lines if (m := re.search(r"<(\d+\.\d+)>$", l))]
    assert len(times) == 2 and times[1] >= 0.3
    assert "(DELAYED)" in lines[1] and "(DELAYED)" not in lines[0]
    assert lines[2] == "exit_group(0)                           = ?"   # no time: no return


# -- the system call classes, against strace itself ------------------------------------------


PROBE = r"""
#define _GNU_SOURCE
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
/* Every system call number, made to fail with ENOSYS by a seccomp filter. */
int main(void) {
    struct sock_filter f[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 231, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 38),
    };
    struct sock_fprog prog = { sizeof f / sizeof f[0], f };
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
    for (long nr = 0; nr < 451; nr++)
        if (nr != 231 && !(nr >= 335 && nr < 424))
            syscall(nr, 0, 0, 0, 0, 0, 0);
    syscall(231, 0);
}
"""
CLASS_NAMES = ["file", "process", "network", "net", "signal", "ipc", "desc", "memory", "creds",
               "clock", "pure", "stat", "lstat", "fstat", "%stat", "statfs", "fstatfs",
               "%statfs"]


@pytest.fixture(scope="module")
def probe(tmp_path_factory) -> str:
    d = tmp_path_factory.mktemp("probe")
    (d / "probe.c").write_text(PROBE)
    subprocess.run(["cc", "-O1", "-o", str(d / "probe"), str(d / "probe.c")], check=True,
                   timeout=TIMEOUT)
    return str(d / "probe")


def _names(trace: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r"^(\w+)\(", trace, re.M)
            if not m.group(1).startswith("syscall_0x")}


@needs_strace
@pytest.mark.parametrize("cls", CLASS_NAMES)
def test_class_like_strace(cls, probe):
    a = aiotrace("run", "-qq", "-e", f"trace=%{cls}", "--", probe)
    s = strace("-qq", "-e", f"trace=%{cls}", probe)
    assert _names(a.stderr) == _names(s.stderr)
    assert _names(a.stderr)


@pytest.mark.parametrize("text, names", [
    # a name is its call in every ABI that has it; @64, @32, @x32 one ABI's (strace's)
    ("open", {"open"}),
    ("open@32,stat64", {"open@32", "stat64"}),
    ("stat64@64", set()),                           # (x86-64 has no stat64)
    ("5", {"fstat@64", "open@32", "fstat@x32"}),    # a number in each ABI, as strace takes it
    ("520", {"execve@x32"}),
    ("%stat@32", {"stat@32", "stat64@32", "oldstat@32"}),
    ("/^_llseek$", {"_llseek"}),
])
def test_syscall_sets_name_calls_per_abi(text, names):
    from aiotrace._cli._filter import parse_syscall_set

    assert parse_syscall_set(text) == names


def test_a_negated_syscall_set_keeps_the_other_abis():
    from aiotrace._cli._filter import parse_syscall_set, selectors_keys
    from aiotrace._core._syscalls import ALL_KEYS, selector_keys

    rest = parse_syscall_set("!open@32")
    assert {"open@64", "open@x32"} <= rest and "open" not in rest and "open@32" not in rest
    assert selectors_keys(rest) == ALL_KEYS - selector_keys("open@32")
    assert selectors_keys(parse_syscall_set("!none")) == ALL_KEYS


# -- mistakes on the command line ------------------------------------------------------------


ERRORS = [
    # (arguments, the first line aiotrace prints; strace's arguments for the same mistake)
    (["run", "-e", "trace=foo", "true"], "aiotrace: invalid system call 'foo'",
     ["-e", "trace=foo", "true"]),
    (["run", "-e", "trace=%foo", "true"], "aiotrace: invalid system call '%foo'",
     ["-e", "trace=%foo", "true"]),
    (["run", "-e", "trace=", "true"], "aiotrace: invalid system call ''",
     ["-e", "trace=", "true"]),
    (["run", "-e", "trace=!", "true"], "aiotrace: invalid system call '!'",
     ["-e", "trace=!", "true"]),
    (["run", "-e", "trace=500", "true"], "aiotrace: invalid system call '500'",
     ["-e", "trace=500", "true"]),
    (["run", "-e", "trace=/xyz", "true"], "aiotrace: invalid system call '/xyz'",
     ["-e", "trace=/xyz", "true"]),
    (["run", "-e", "signal=FOO", "true"], "aiotrace: invalid signal 'FOO'",
     ["-e", "signal=FOO", "true"]),
    (["run", "-e", "status=bogus", "true"], "aiotrace: invalid status 'bogus'",
     ["-e", "status=bogus", "true"]),
    (["run", "-e", "inject=open", "true"], "aiotrace: invalid inject argument 'open'",
     ["-e", "inject=open", "true"]),
    (["run", "-e", "inject=open:error=EFOO", "true"],
     "aiotrace: invalid inject argument 'open:error=EFOO'", ["-e", "inject=open:error=EFOO", "true"]),
    (["run", "-e", "inject=openat:when=0:error=ENOENT", "true"],
     "aiotrace: invalid inject argument 'openat:when=0:error=ENOENT'",
     ["-e", "inject=openat:when=0:error=ENOENT", "true"]),
    (["run", "-s", "x", "true"], "aiotrace: invalid -s argument: 'x'", ["-s", "x", "true"]),
    (["run", "-s", "-1", "true"], "aiotrace: invalid -s argument: '-1'", ["-s", "-1", "true"]),
    (["-p", "abc"], "aiotrace: Invalid process id: 'abc'", ["-p", "abc"]),
    (["run", "-o", "/nonexistent/x", "true"],
     "aiotrace: Can't fopen '/nonexistent/x': No such file or directory",
     ["-o", "/nonexistent/x", "true"]),
    (["run", "-Z9", "true"], "aiotrace: invalid option -- '9'", ["-Z9", "true"]),
    (["run"], "aiotrace: must have PROG [ARGS] or -p PID", []),
    ([], "aiotrace: must have PROG [ARGS] or -p PID", []),
    (["run", "-c", "-C", "true"],
     "aiotrace: -c/--summary-only and -C/--summary are mutually exclusive", ["-c", "-C", "true"]),
    (["run", "--bogus", "true"], "aiotrace: unrecognized option '--bogus'", ["--bogus", "true"]),
    (["run", "nonexistent_cmd_xyz"],
     "aiotrace: Can't stat 'nonexistent_cmd_xyz': No such file or directory",
     ["nonexistent_cmd_xyz"]),
    (["run", "-s"], "aiotrace: option requires an argument -- 's'", ["-s"]),
    (["run", "-S", "bogus", "true"], "aiotrace: invalid sortby: 'bogus'", ["-S", "bogus", "true"]),
    (["run", "-e", "signal=", "true"], "aiotrace: invalid signal ''", ["-e", "signal=", "true"]),
    (["run", "-e", "decode-fds=bogus", "true"], "aiotrace: invalid decode-fds 'bogus'",
     ["-e", "decode-fds=bogus", "true"]),
    (["run", "-c", "-P", "/etc/hostname", "true"], "aiotrace: -P does not combine with -c/-C",
     None),
    (["run", "-e", "write=x", "true"], "aiotrace: invalid descriptor 'x'", ["-e", "write=x", "true"]),
    (["run", "-e", "read=-1", "true"], "aiotrace: invalid descriptor '-1'", ["-e", "read=-1", "true"]),
    (["run", "--strings-in-hex=bogus", "true"], "aiotrace: invalid --strings-in-hex argument: 'bogus'",
     ["--strings-in-hex=bogus", "true"]),
    # options that do not go together
    (["run", "-ff", "-c", "true"], "aiotrace: (-c/--summary-only or -C/--summary) and "
     "-ff/--output-separately are mutually exclusive", ["-ff", "-c", "true"]),
    (["run", "-C", "-f", "-f", "-o", "x", "true"], "aiotrace: (-c/--summary-only or "
     "-C/--summary) and -ff/--output-separately are mutually exclusive",
     ["-C", "-f", "-f", "-o", "x", "true"]),
    (["run", "-q", "-e", "quiet=exit", "true"],
     "aiotrace: -q and -e quiet/--quiet cannot be provided simultaneously",
     ["-q", "-e", "quiet=exit", "true"]),
    (["run", "-e", "silent=attach", "-qq", "true"],
     "aiotrace: -q and -e quiet/--quiet cannot be provided simultaneously",
     ["-e", "silent=attach", "-qq", "true"]),
    (["run", "--quiet", "-q", "true"],
     "aiotrace: -q and -e quiet/--quiet cannot be provided simultaneously",
     ["--quiet", "-q", "true"]),
    (["run", "-E", "=x", "true"], "aiotrace: -E '=x': an environment variable needs a name",
     None),
    # -ff -o FILE where FILE.PID cannot be made: as strace, nothing runs (it says the pid)
    (["run", "-ff", "-o", "/nonexistent/x", "true"], "aiotrace: Can't fopen '/nonexistent/x.",
     None),
    (["-ff", "-o", "/nonexistent/x", "-p", "1"],
     "aiotrace: Can't fopen '/nonexistent/x.1': No such file or directory", None),
    # numbers as strace reads them: ASCII digits, in range
    (["run", "-s", "1073741824", "true"], "aiotrace: invalid -s argument: '1073741824'",
     ["-s", "1073741824", "true"]),
    (["run", "-s", "\u0663", "true"], "aiotrace: invalid -s argument: '\u0663'",
     ["-s", "\u0663", "true"]),
    (["run", "-s", "1_0", "true"], "aiotrace: invalid -s argument: '1_0'", ["-s", "1_0", "true"]),
    (["run", "-s", "5 ", "true"], "aiotrace: invalid -s argument: '5 '", ["-s", "5 ", "true"]),
    (["run", "-a", "2147483648", "true"], "aiotrace: invalid -a argument: '2147483648'",
     ["-a", "2147483648", "true"]),
    (["-p", "99999999999999999999"], "aiotrace: Invalid process id: '99999999999999999999'",
     ["-p", "99999999999999999999"]),
    (["-p", "2147483648"], "aiotrace: Invalid process id: '2147483648'", ["-p", "2147483648"]),
    (["-p", "\u0663"], "aiotrace: Invalid process id: '\u0663'", ["-p", "\u0663"]),
    (["-p", "1,,2"], "aiotrace: Invalid process id: ''", ["-p", "1,,2"]),
    (["-p", "-0"], "aiotrace: Invalid process id: '-0'", ["-p", "-0"]),
    (["run", "-e", "read=99999999999", "true"], "aiotrace: invalid descriptor '99999999999'",
     ["-e", "read=99999999999", "true"]),
    (["run", "-e", "write=2147483648", "true"], "aiotrace: invalid descriptor '2147483648'",
     ["-e", "write=2147483648", "true"]),
    (["run", "-e", "read=,", "true"], "aiotrace: invalid descriptor ','", ["-e", "read=,", "true"]),
    (["run", "-e", "read=\u0663", "true"], "aiotrace: invalid descriptor '\u0663'",
     ["-e", "read=\u0663", "true"]),
    (["run", "-e", "trace=\u0663", "true"], "aiotrace: invalid system call '\u0663'",
     ["-e", "trace=\u0663", "true"]),
    (["run", "-e", "inject=getppid:error=\u0663", "true"],
     "aiotrace: invalid inject argument 'getppid:error=\u0663'",
     ["-e", "inject=getppid:error=\u0663", "true"]),
    (["run", "-e", "inject=getppid:signal=\u0663", "true"],
     "aiotrace: invalid inject argument 'getppid:signal=\u0663'",
     ["-e", "inject=getppid:signal=\u0663", "true"]),
    (["run", "-e", "inject=getppid:retval=\u30001", "true"],
     "aiotrace: invalid inject argument 'getppid:retval=\u30001'",
     ["-e", "inject=getppid:retval=\u30001", "true"]),
    (["run", "-e", "inject=getppid:when=1" + "0" * 5000 + ":error=EPERM", "true"],
     "aiotrace: invalid inject argument 'getppid:when=1" + "0" * 5000 + ":error=EPERM'",
     ["-e", "inject=getppid:when=1" + "0" * 5000 + ":error=EPERM", "true"]),
    (["run", "-e", "inject=getppid:error=1" + "0" * 5000, "true"],
     "aiotrace: invalid inject argument 'getppid:error=1" + "0" * 5000 + "'",
     ["-e", "inject=getppid:error=1" + "0" * 5000, "true"]),
    (["run", "-e", "trace=1" + "0" * 5000, "true"],
     "aiotrace: invalid system call '1" + "0" * 5000 + "'", ["-e", "trace=1" + "0" * 5000, "true"]),
    # durations as strace reads them: an int64, or a double with no overflow or underflow
] + [
    (["run", "-e", f"inject=getppid:delay_{w}={d}", "true"],
     f"aiotrace: invalid inject argument 'getppid:delay_{w}={d}'",
     ["-e", f"inject=getppid:delay_{w}={d}", "true"])
    for w, d in [("enter", "1e400s"), ("enter", "1e999999s"), ("exit", "99999999999999999999s"),
                 ("enter", "9223372036854775808us"), ("exit", "1e-400s"), ("enter", "1e-310"),
                 ("enter", "infs"), ("exit", "0x10s"), ("enter", "-0.5"), ("enter", "5s ")]
] + [
    # aiotrace's own
    (["frobnicate"], "aiotrace: unknown command 'frobnicate'", None),
    (["run", "-e", "trace=opnat", "true"],
     "aiotrace: invalid system call 'opnat' (did you mean openat", None),
    (["run", "-e", "trace=%fil", "true"], "aiotrace: invalid system call '%fil' (did you mean %file", None),
    (["run", "-e", "trace=/[", "true"], "aiotrace: invalid regular expression '['", None),
    (["run", "-e", "raw=all", "true"], "aiotrace: -e raw= is not supported", None),
    (["run", "-e", "verbose=all", "true"], "aiotrace: -e verbose= is not supported", None),
    (["run", "-v", "true"], "aiotrace: -v (unabbreviated structures) is not supported", None),
    (["run", "-e", "inject=getpid:error=ENOENT:retval=1", "true"],
     "aiotrace: invalid inject argument 'getpid:error=ENOENT:retval=1': error= and retval= "
     "are mutually exclusive", None),
    (["run", "-p", "1", "true"], "aiotrace: -p PID attaches to a running process", None),
    (["attach"], "aiotrace: attach: must have PID", None),
    (["attach", "12x"], "aiotrace: Invalid process id: '12x'", None),
    (["run", "-o", "|cat", "true"], "aiotrace: -o '|cat': piping the trace to a command is "
     "not supported", None),
    (["run", "-ff", "-o", "x", "--json", "true"], "aiotrace: --json does not combine", None),
    (["run", "-e", "signal=256", "true"], "aiotrace: invalid signal '256'", None),
    (["run", "--tracer-cpu=x", "true"], "aiotrace: invalid --tracer-cpu argument: 'x'", None),
    (["run", "--tracer-cpu=4096", "true"],
     "aiotrace: --tracer-cpu=4096: aiotrace may not run on CPU 4096", None),
]


@pytest.mark.parametrize("args,message,strace_args", ERRORS,
                         ids=[" ".join(e[0])[:80] or "nothing" for e in ERRORS])
def test_bad_command_lines(args, message, strace_args, tmp_path):
    """Exit status 1 before anything runs, with strace's message for strace's mistakes."""
    marker = tmp_path / "ran"
    ours = []
    for a in args:   # a program that leaves a mark if it runs
        ours.extend(["sh", "-c", f"touch {marker}"] if a == "true" else [a])
    r = aiotrace(*ours)
    assert r.returncode == 1
    assert not marker.exists()
    assert r.stdout == ""
    first = r.stderr.splitlines()[0]
    assert first.startswith(message), r.stderr
    assert "Traceback" not in r.stderr
    if strace_args is not None and os.path.exists(STRACE):
        s = strace(*strace_args)
        assert s.returncode == 1
        theirs = re.sub(r"^\S*strace:", "aiotrace:", s.stderr.splitlines()[0])
        assert first.startswith(theirs), (first, theirs)


def test_exec_failure(tmp_path):
    """A program that cannot be executed: strace's three lines, exit status 1."""
    r = aiotrace("run", "-s", "256", "--", str(tmp_path))
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert re.fullmatch(rf'execve\("{tmp_path}", \["{tmp_path}"\], 0x[0-9a-f]+ /\* \d+ vars \*/\)'
                        r" = -1 EACCES \(Permission denied\)", lines[0])
    assert lines[1:] == ["aiotrace: exec: Permission denied", "+++ exited with 1 +++"]


def test_help_and_version():
    r = aiotrace("-h")
    assert r.returncode == 0 and r.stdout.startswith("usage: aiotrace run")
    r = aiotrace("--version")
    assert r.returncode == 0 and re.fullmatch(r"aiotrace -- version \S+\n", r.stdout)


def test_console_script_entry_point():
    exe = shutil.which("aiotrace", path=os.path.dirname(sys.executable))
    if exe is None:
        pytest.skip("the aiotrace script is not installed next to this Python")
    r = subprocess.run([exe, "run", "-e", "trace=exit_group", "--", "true"],
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 0
    assert r.stderr == "exit_group(0)                           = ?\n+++ exited with 0 +++\n"


def test_quiet_levels(target):
    quiet = ["-e", "trace=none", "-e", "signal=none"]
    r = aiotrace("run", "-f", "-qq", *quiet, "--", target("forkexec"))
    assert r.stderr == "" and r.returncode == 7
    r = aiotrace("run", "-f", *quiet, "--", target("forkexec"))
    assert r.stderr.count("attached") == 3 and r.stderr.count("+++ exited") == 4
    r = aiotrace("run", "-f", "-q", *quiet, "--", target("forkexec"))
    assert "attached" not in r.stderr and r.stderr.count("+++ exited") == 4


@needs_strace
@pytest.mark.parametrize("options", [
    ["-qq"], ["-e", "quiet=exit"], ["-e", "signal=none"], ["-e", "signal=SIGKILL", "-qq"], [],
    ["--quiet"], ["--quiet=exit"], ["-e", "quiet=attach", "--quiet=exit"],
], ids=lambda o: " ".join(o) or "default")
def test_killed_and_exited_lines_like_strace(options, tmp_path):
    """strace's rules for the ``+++`` lines: quiet=exit (and -qq) hides ``exited with``
    but not ``killed by``, which follows -e signal= instead."""
    argv = ["sh", "-c", 'sh -c "kill -9 \\$\\$"; exit 3']
    opts = ["-f", "-e", "trace=none", *options]
    a = aiotrace("run", *opts, "-o", str(tmp_path / "a"), "--", *argv)
    s = strace(*opts, "-o", str(tmp_path / "s"), *argv)
    assert a.returncode == s.returncode == 3

    def ends(path):   # the +++ lines, the child's first (pids replaced by their order)
        lines = [ln.split(None, 1) for ln in path.read_text().splitlines() if "+++" in ln]
        return sorted((ln[1], ln[0] == lines[-1][0]) for ln in lines)
    assert ends(tmp_path / "a") == ends(tmp_path / "s")


@needs_strace
def test_restart_syscall_names_the_call_it_resumes(tracer_loop, target):
    """As strace: ``restart_syscall(<... resuming interrupted clock_nanosleep ...>)``.
    (restart_sleep interrupts its sleep once it has begun, then the resumed one: no timer,
    so the lines do not depend on the machine's load.)"""
    opts = ["-e", "trace=clock_nanosleep,restart_syscall", "-e", "signal=none"]
    r = aiotrace("run", *opts, "--", target("restart_sleep"))
    s = strace(*opts, target("restart_sleep"))
    assert (r.returncode, r.stdout) == (s.returncode, s.stdout) == (0, "slept\n")
    assert r.stderr == s.stderr
    lines = r.stderr.splitlines()
    assert lines[0] == ("clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=60, tv_nsec=0}, NULL) = ? "
                        "ERESTART_RESTARTBLOCK (Interrupted by signal)")
    assert lines[1] == ("restart_syscall(<... resuming interrupted clock_nanosleep ...>) = ? "
                        "ERESTART_RESTARTBLOCK (Interrupted by signal)")


FD_KINDS_SCRIPT = """
import os, socket
a, b = socket.socketpair(); a.close(); b.close()
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM); a.close(); b.close()
u = socket.socket(socket.AF_UNIX); u.bind("\\0aiotrace-test-%d" % os.getpid()); u.close()
for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    t = socket.socket(fam)
    try:
        t.bind((host, 0))
    except OSError:   # no IPv6 loopback here
        t.close(); continue
    t.listen()
    c = socket.create_connection(t.getsockname()[:2]); s, _ = t.accept()
    s.close(); c.close(); t.close()
d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); d.bind(("127.0.0.1", 0))
d.connect(("127.0.0.1", 9)); d.close()
socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).close()
os.close(os.open("/dev/null", os.O_RDONLY))
os.close(os.pidfd_open(os.getpid()))
"""


@needs_strace
@pytest.mark.parametrize("options", [["-yy"], ["-e", "decode-fds=all"], ["-y"]],
                         ids=lambda o: " ".join(o))
def test_fd_details_like_strace(options, tmp_path):
    """-yy: sockets with their protocol and addresses (UNIX peers and names, TCP and UDP
    over IPv4 and IPv6), devices with their numbers, pidfds with their process; -y: the
    plain paths. The close() lines of sockets, /dev/null and the pidfd, as strace's."""
    argv = [sys.executable, "-S", "-c", FD_KINDS_SCRIPT]
    opts = [*options, "-e", "trace=close", "-e", "signal=none"]
    a = aiotrace("run", *opts, "-o", str(tmp_path / "a"), "--", *argv)
    s = strace(*opts, "-o", str(tmp_path / "s"), *argv)
    assert a.returncode == s.returncode == 0, a.stderr

    def lines(path):   # the interesting closes, numbers (inodes, ports, pids) replaced
        keep = re.compile(r"socket|UNIX|TCP|UDP|/dev/null|pid(:|fd)")
        return [_unpad(re.sub(r"\d{3,}", "N", ln)) for ln in path.read_text().splitlines()
                if keep.search(ln)]
    ours = lines(tmp_path / "a")
    assert ours == lines(tmp_path / "s")
    assert len(ours) >= 10
    if options != ["-y"]:
        assert any("TCP:[N.0.0.1:N->N.0.0.1:N]" in ln for ln in ours)   # (127 is N)
        assert any("<char 1:3>" in ln for ln in ours)


DELETED_SCRIPT = """
import os, sys
d = sys.argv[1]
def opened(name, unlink=False, then=None):
    fd = os.open(os.path.join(d, name), os.O_CREAT | os.O_RDWR)
    if unlink:
        os.unlink(os.path.join(d, name))
    if then:
        open(os.path.join(d, then), "w").close()
    os.fstat(fd)
    os.close(fd)
opened("x (deleted)")                        # a live file whose name ends so
opened("y", unlink=True)                     # deleted
opened("z (deleted)", unlink=True)           # deleted, and its name ends so
opened("w", unlink=True, then="w (deleted)") # deleted; another file has the marked name
for name in ("n\\nl", "e\\x1b[31mred", "q\\"uote", "a<b>c"):
    opened(name)
os.mkdir(os.path.join(d, "c (deleted)"))
os.chdir(os.path.join(d, "c (deleted)"))
try:
    os.stat("nothing")                       # AT_FDCWD, with its path
except OSError:
    pass
"""


@needs_strace
@pytest.mark.parametrize("options", [["-y"], ["-yy"]], ids=lambda o: " ".join(o))
def test_deleted_mark_and_names_like_strace(options, tracer_loop, tmp_path):
    """-y: readlink's " (deleted)" goes after the brackets only for a file that is
    deleted, not for a live file whose name ends so (strace checks that the path leads
    to the open file); names with newlines and terminal escapes are quoted."""
    opts = [*options, "-e", "trace=fstat,newfstatat", "-e", "signal=none"]
    runs = {}
    for who, run in (("a", aiotrace), ("s", strace)):
        d = tmp_path / who
        d.mkdir()
        argv = [sys.executable, "-S", "-c", DELETED_SCRIPT, str(d)]
        r = run(*(["run"] if who == "a" else []), *opts, "-o", str(tmp_path / f"{who}.out"),
                *(["--"] if who == "a" else []), *argv)
        assert r.returncode == 0, r.stderr
        runs[who] = [re.sub(r"0x[0-9a-f]+", "ADDR", ln.replace(str(d), "D"))
                     for ln in (tmp_path / f"{who}.out").read_text().splitlines()
                     if str(d) in ln]
    assert runs["a"] == runs["s"]
    text = "\n".join(runs["a"])
    for shown in ("3<D/x (deleted)>, ", "3<D/y>(deleted), ", "3<D/z (deleted)>(deleted), ",
                  "3<D/w>(deleted), ", "4<D/w (deleted)>, ", "3<D/e\\33[31mred>, ",
                  "AT_FDCWD<D/c (deleted)>, "):
        assert "newfstatat(" + shown in text


@needs_strace
def test_trace_path_resolved_message_quoted_like_strace(tmp_path):
    """-P LINK: the "resolved into" message quotes both names, as strace: a name can
    hold a newline or a terminal escape."""
    f = tmp_path / 'da"ta\n\x1b[31m'
    f.write_text("x")
    link = tmp_path / "li\nnk\x1b]0;t\x07"
    link.symlink_to(f)
    a = aiotrace("run", "-P", str(link), "-e", "trace=none", "--", "true")
    s = strace("-P", str(link), "-e", "trace=none", "true")
    assert a.returncode == s.returncode == 0
    first = a.stderr.splitlines()[0]
    assert first == re.sub(r"^\S*strace: ", "aiotrace: ", s.stderr.splitlines()[0])
    assert first.endswith('"' + str(tmp_path) + '/da\\"ta\\n\\33[31m"')
    assert "\x1b" not in a.stderr


def test_json_exec_file_name_is_text(tracer_loop, tmp_path):
    """--json: the exec'd file's name is UTF-8 text, whatever bytes it holds (those that
    are not UTF-8 as \\xNN)."""
    prog = os.fsencode(tmp_path) + b"/t\xff\x1bx"
    shutil.copy("/bin/true", prog)
    r = subprocess.run([*AIOTRACE, "run", "--json", "-e", "trace=none", "--", "sh", "-c",
                        'exec "$0"', prog],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT)
    assert r.returncode == 0
    (line,) = [ln for ln in r.stderr.splitlines() if b'"kind":"exec"' in ln]
    assert json.loads(line.decode("utf-8"))["filename"] == str(tmp_path) + "/t\\xff\x1bx"


@needs_strace
@pytest.mark.parametrize("how", ["path", "symlink", "two", "follow"])
def test_trace_path_like_strace(how, tmp_path):
    """-P PATH: only the calls that name the file or use a descriptor open on it (read,
    fstat, close...), as strace; a symbolic link is resolved, and said so."""
    f = tmp_path / "data.txt"
    f.write_text("some data\n")
    other = tmp_path / "other.txt"
    other.write_text("more\n")
    link = tmp_path / "link"
    link.symlink_to(f)
    argv = ["cat", str(f), str(other)]
    opts = {"path": ["-P", str(f)], "symlink": ["-P", str(link)],
            "two": ["-P", str(f), "-P", str(other)], "follow": ["-f", "-P", str(f)]}[how]
    if how == "follow":
        argv = ["sh", "-c", f"cat {f} {other}"]
    a = aiotrace("run", *opts, "-e", "signal=none", "--", *argv)
    s = strace(*opts, "-e", "signal=none", *argv)
    assert (a.returncode, a.stdout) == (s.returncode, s.stdout) == (0, "some data\nmore\n")

    def lines(text):
        return [_unpad(re.sub(r"^\S*strace: ", "aiotrace: ", re.sub(
                    r"\d{3,}", "N", re.sub(r"^\[pid +\d+\] ", "[pid N] ", ln))))
                for ln in text.splitlines() if "attached" not in ln]
    ours = lines(a.stderr)
    assert ours == lines(s.stderr)
    calls = [ln for ln in ours if "(" in ln]
    assert any(re.match(r"(\[pid +N\] )?openat\(", ln) for ln in calls)
    assert any("close(3)" in ln for ln in calls)
    assert all("other.txt" not in ln for ln in calls) or how == "two"


@needs_strace
@pytest.mark.parametrize("options", [["-e", "read=all", "-e", "write=all"], ["-e", "write=3"],
                                     ["-e", "read=!5"]], ids=lambda o: " ".join(o))
def test_io_dumps_of_vectored_calls_like_strace(options, target):
    """writev/readv/sendmsg/recvmsg: '* N bytes in buffer I' and a dump per buffer, up to
    the bytes the call moved; like strace, the dump stops at an empty buffer."""
    opts = ["-e", "trace=writev,readv,sendmsg,recvmsg", *options]
    a = aiotrace("run", *opts, "--", target("iov_io"))
    s = strace(*opts, target("iov_io"))
    assert (a.returncode, a.stdout) == (s.returncode, s.stdout) == (0, "ok\n")
    assert a.stderr == s.stderr
    if "read=all" in options:
        assert " * 8 bytes in buffer 1\n" in a.stderr


@needs_strace
@pytest.mark.parametrize("call,option", [("write", "write=1"), ("writev", "write=1"),
                                         ("read", "read=0"), ("readv", "read=0")])
def test_dump_of_a_large_call_like_strace(call, option, tracer_loop, target, tmp_path):
    """-e read=/write= of one call of a little over 1 MiB (two such buffers for readv and
    writev): every byte, with offsets six hex digits wide as strace makes them past
    0xfffff, a short last line, and the buffers' headers."""
    argv = [target("big_io"), call, "1048600", "fill"]
    opts = ["-e", f"trace={call}", "-e", option]
    with open("/dev/zero", "rb") as zero:
        a = aiotrace("run", *opts, "-o", str(tmp_path / "a"), "--", *argv, stdin=zero,
                     stdout=subprocess.DEVNULL)
        s = strace(*opts, "-o", str(tmp_path / "s"), *argv, stdin=zero, stdout=subprocess.DEVNULL)
    assert a.returncode == s.returncode == 0, a.stderr
    ours = (tmp_path / "a").read_bytes()
    assert ours == (tmp_path / "s").read_bytes()
    assert b"\n | 100010  " in ours and ours.count(b"\n") > 65536


@pytest.mark.parametrize("call,option,most", [("write", "write=1", 64), ("read", "read=0", 128)])
def test_dump_of_a_huge_call_in_bounded_memory(call, option, most, tracer_loop, target):
    """The program decides how many bytes one call moves: the dump of a 64 MiB write or
    read is made a piece at a time, never whole (as text it is 5 times larger: aiotrace
    took 1.1 GB for it before). The peak memory of aiotrace and its program (measured
    together) stays below the call's 64 MiB for the write, whose program holds next to
    nothing; the read's program holds those 64 MiB itself."""
    with open("/dev/zero", "rb") as zero:
        r = subprocess.run([sys.executable, "-c", _PEAK_MEMORY, *AIOTRACE, "run", "-e",
                            f"trace={call}", "-e", option, "-o", os.devnull, "--",
                            target("big_io"), call, str(64 << 20)],
                           stdin=zero, capture_output=True, text=True, timeout=TIMEOUT)
    status, peak = map(int, r.stdout.split())
    assert status == 0, r.stderr
    assert peak < most * 1024, f"{peak} KiB"


# Runs a command and prints its exit status and the peak memory (KiB) of it and of its
# children. From a process of its own: a child's peak counts the memory of the process it
# was forked from (the kernel keeps it across exec), and pytest's may be larger.
_PEAK_MEMORY = """
import os, sys
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def test_broken_pipe_on_the_trace_keeps_the_program_running(target):
    """The trace's reader goes away: the program still runs to its end and its status."""
    script = '"$@" 2>&1 >/dev/null | head -c 10 >/dev/null; exit 0'
    r = subprocess.run(["sh", "-c", script, "sh", *AIOTRACE, "run", "--", target("getppid_loop"),
                        "3000"], capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 0 and r.stderr == ""


@needs_strace
def test_trace_output_that_cannot_be_written_like_strace(tracer_loop, target):
    """-o /dev/full: every write of the trace fails (ENOSPC). As strace, aiotrace says so
    and the program runs to its end, its output and exit status untouched."""
    argv = [target("getppid_seq"), "300"]
    a = aiotrace("run", "-o", "/dev/full", "--", *argv)
    s = strace("-o", "/dev/full", *argv)
    assert (a.returncode, a.stdout.count("\n")) == (s.returncode, s.stdout.count("\n")) == (0, 300)
    assert "Traceback" not in a.stderr
    said = {re.sub(r"^\S*strace: ", "aiotrace: ", ln) for ln in s.stderr.splitlines()}
    assert set(a.stderr.splitlines()) == said == {"aiotrace: /dev/full: No space left on device"}


def test_trace_on_a_stderr_that_cannot_be_written(tracer_loop, target):
    """The trace goes to stderr, and stderr is /dev/full: the program still runs to its
    end (nothing can be said about it)."""
    with open("/dev/full", "w") as full:
        r = subprocess.run([*AIOTRACE, "run", "--", target("getppid_seq"), "300"],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=full,
                           text=True, timeout=TIMEOUT)
    assert (r.returncode, r.stdout.count("\n")) == (0, 300)


@pytest.mark.parametrize("closing", ["2>&-", "<&- >&- 2>&-"])
def test_closed_standard_descriptors(closing, tracer_loop, tmp_path):
    """aiotrace started with stderr (or stdin, stdout and stderr) closed: the trace file
    (-o) is not given descriptor 2 (a message for stderr went into it), nor are the
    tracer's pipes; the program finds them closed, as it would untraced."""
    closed = ["sh", "-c", f'exec "$@" {closing}', "sh"]
    prog = ["sh", "-c", "ls /proc/$$/fd > " + str(tmp_path / "fds")]
    r = subprocess.run([*closed, *prog], timeout=TIMEOUT)
    untraced = (tmp_path / "fds").read_text()
    trace = tmp_path / "trace"
    r = subprocess.run([*closed, *AIOTRACE, "run", "--seccomp-bpf", "-o", str(trace), "-e",
                        "trace=none", "-e", "signal=none", "--", *prog], timeout=TIMEOUT)
    assert r.returncode == 0
    assert trace.read_text() == "+++ exited with 0 +++\n"
    assert (tmp_path / "fds").read_text() == untraced
    assert "2\n" not in untraced.splitlines(keepends=True)


# -- the layout rules, on synthetic events (no process involved) -----------------------------


class _Mem:
    def __init__(self, regions):
        self.regions = regions

    def read(self, addr, n):
        for base, data in self.regions.items():
            if base <= addr < base + len(data):
                return data[addr - base: addr - base + n]
        raise OSError(14, "Bad address")

    def read_string(self, addr, limit):
        return self.read(addr, limit).split(b"\0", 1)[0]


def _layout(events, **kw):
    """Feed (event, memory) pairs through Decoder.capture then TextPrinter.render, as the
    stream does; return the text."""
    from aiotrace._cli._decoder import Decoder
    from aiotrace._cli._output import TextPrinter
    dec = Decoder()
    kw.setdefault("to_file", False)
    kw.setdefault("pid_prefix", False)
    kw.setdefault("follow", True)
    threads = kw.pop("threads", (10,))
    p = TextPrinter(**kw)
    for tid in threads:
        p.add_thread(tid, tid)
    for ev, mem in events:
        cap = dec.capture(ev, mem)
        p.render(dataclasses.replace(ev, captured=cap))
    p.finish()
    return "".join(p.out)


def test_layout_unfinished_and_resumed():
    """Lines strace printed for `sh -c 'echo a | cat'` (a close split by another pid)."""
    from aiotrace import Death, SyscallEntry, SyscallExit
    E, X = SyscallEntry, SyscallExit
    events = [
        (E(5999, 5999, 1, 0, nr=3, args=(3, 0, 0, 0, 0, 0)), None),
        (E(5998, 5998, 2, 0, nr=61, args=(2 ** 64 - 1, 0x7000, 0, 0, 0, 0)), None),
        (X(5999, 5999, 3, 0, nr=3, args=(3, 0, 0, 0, 0, 0), retval=0), None),
        (X(5998, 5998, 4, 0, nr=61, args=(2 ** 64 - 1, 0x7000, 0, 0, 0, 0), retval=5999),
         _Mem({0x7000: (0).to_bytes(4, "little")})),
        (Death(5999, 5999, 5, 0, status=0, returncode=0), None),
    ]
    text = _layout(events, threads=(5998, 5999))
    assert text.splitlines() == [
        "[pid  5999] close(3 <unfinished ...>",
        "[pid  5998] wait4(-1,  <unfinished ...>",
        "[pid  5999] <... close resumed>)        = 0",
        "[pid  5998] <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 5999",
        "[pid  5999] +++ exited with 0 +++",
    ]


def test_layout_exit_inside_a_call():
    """= ? when the thread leaves inside the call; " <unfinished ...>" before ")" only if
    arguments were left for the exit (strace's print_event_exit)."""
    from aiotrace import Death, Exit, SyscallEntry
    text = _layout([
        (SyscallEntry(10, 10, 1, 0, nr=231, args=(3, 0, 0, 0, 0, 0)), None),
        (Exit(10, 10, 2, 0, status=3 << 8), None),
        (Death(10, 10, 3, 0, status=3 << 8, returncode=3), None),
    ])
    assert text == "exit_group(3)                           = ?\n+++ exited with 3 +++\n"
    text = _layout([
        (SyscallEntry(10, 10, 1, 0, nr=0, args=(0, 0x7000, 10, 0, 0, 0)), None),
        (SyscallEntry(11, 11, 2, 0, nr=39, args=(0,) * 6), None),
        (Exit(10, 10, 3, 0, status=9), None),
        (Death(10, 10, 4, 0, status=9, returncode=-9), None),
    ], threads=(10, 11), pid_prefix=True, to_file=True)
    assert text.splitlines() == [
        "10    read(0,  <unfinished ...>",
        "11    getpid( <unfinished ...>",
        "10    <... read resumed> <unfinished ...>) = ?",
        "10    +++ killed by SIGKILL +++",
    ]


def test_layout_status_filter_prints_whole_lines():
    from aiotrace import SyscallEntry, SyscallExit
    E, X = SyscallEntry, SyscallExit
    text = _layout([
        (E(10, 10, 1, 0, nr=81, args=(2 ** 64 - 1,) + (0,) * 5), None),
        (E(11, 11, 2, 0, nr=39, args=(0,) * 6), None),
        (X(11, 11, 3, 0, nr=39, args=(0,) * 6, retval=11), None),
        (X(10, 10, 4, 0, nr=81, args=(2 ** 64 - 1,) + (0,) * 5, retval=-9), None),
    ], threads=(10, 11), status=frozenset({"failed"}))
    assert text == "[pid    10] fchdir(-1)                  = -1 EBADF (Bad file descriptor)\n"


# The CLI, in its own interpreter, with a SIGINT sent to itself right after the spawn
# returns: the moment between the program's fork and the start of its run.
_SIGINT_AFTER_SPAWN = """
import os, signal, sys
from aiotrace import _cli, _reactor
spawn = _reactor.Tracer.spawn
async def spawn_then_sigint(self, *a, **k):
    proc = await spawn(self, *a, **k)
    os.kill(os.getpid(), signal.SIGINT)
    return proc
_reactor.Tracer.spawn = spawn_then_sigint
sys.exit(_cli.main(sys.argv[1:]))
"""


def test_ctrl_c_right_after_the_spawn_is_for_the_program():
    """A Ctrl-C that reaches aiotrace once the program exists is the program's business
    (which, not yet running, cannot see it): aiotrace neither dies of it nor kills the
    program, however soon after the spawn it comes."""
    r = subprocess.run([sys.executable, "-c", _SIGINT_AFTER_SPAWN, "run", "-e",
                        "trace=write", "--", "sh", "-c", "echo done"], capture_output=True,
                       text=True, timeout=TIMEOUT)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "done\n"
    assert re.search(r'^write\(1, "done\\n", 5\) += 5$', r.stderr, re.M), r.stderr
    assert r.stderr.endswith("+++ exited with 0 +++\n")


_DISPOSITIONS = r"""
import signal
print(signal.getsignal(signal.SIGINT) is signal.SIG_IGN,
      signal.getsignal(signal.SIGQUIT) is signal.SIG_IGN)
"""


@pytest.mark.parametrize("ignored", [False, True])
def test_the_program_inherits_how_sigint_was_handled(ignored):
    """The program gets Ctrl-C and Ctrl-\\ as aiotrace got them: by default, or ignored
    when aiotrace was started with them ignored (as ``nohup`` or ``cmd &`` do), although
    aiotrace ignores them itself while the program runs."""
    def preexec() -> None:
        if ignored:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGQUIT, signal.SIG_IGN)

    r = subprocess.run([*AIOTRACE, "run", "-o", os.devnull, "--", sys.executable, "-S", "-c",
                        _DISPOSITIONS], capture_output=True, text=True, timeout=TIMEOUT,
                       preexec_fn=preexec)
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"{ignored} {ignored}\n"
