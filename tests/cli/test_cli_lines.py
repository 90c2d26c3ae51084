# SPDX-License-Identifier: GPL-2.0-or-later
"""What ``aiotrace run`` prints, against strace: the calls and their decoded arguments,
return values, signals and exits; -f's prefixes and ``<unfinished ...>`` lines, -ff's
files, the ``+++`` lines and -q, timestamps and times, and ``--json``.
"""

from __future__ import annotations

import collections
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from cli_helpers import (
    AIOTRACE, PID_RETURNS, TIMEOUT, aiotrace, assert_same_trace, calls_of, comparable, exits_of,
    needs_strace, sequences, strace,
)

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops


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
    # (more spaces than the printer puts in a line's text: written a chunk at a time)
    ["-a", "70000"], ["-a", "200000", "-e", "trace=read,write,close,exit_group"],
    ["-e", "write=1,,2"], ["-e", "read=,3", "-e", "write= 1"], ["-e", "read=-0,+3"],
], ids=lambda o: " ".join(o) or "default")
def test_same_lines_as_strace(options, target, data_file):
    """A single process: the whole text is strace's, line for line."""
    argv = [target("syscall_mix"), data_file]
    a = aiotrace("run", *options, "--", *argv)
    s = strace(*options, *argv)
    assert (a.returncode, a.stdout) == (s.returncode, s.stdout)
    assert comparable(a.stderr) == comparable(s.stderr)


@needs_strace
@pytest.mark.parametrize("size", ["65536", "1073741823"])
def test_large_string_limit_like_strace(size, target, tmp_path):
    """-s beyond what one prefetch= copy holds (64 KiB): the calls whose strings the C
    loop would copy are decoded at their stop instead, with the same text."""
    data = tmp_path / "data.txt"
    data.write_text("0123456789" * 10)
    argv = [target("syscall_mix"), str(data)]
    a = aiotrace("run", "-s", size, "--", *argv)
    s = strace("-s", size, *argv)
    assert (a.returncode, a.stdout) == (s.returncode, s.stdout) == (0, "hi\n")
    assert comparable(a.stderr) == comparable(s.stderr)
    assert any('"' + "0123456789" * 6 in ln for ln in comparable(a.stderr))


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
    assert comparable(a.stderr) == comparable(s.stderr)
    if not options:
        assert [l.split()[1] for l in a.stderr.splitlines()[:-1]] == [
            "SIGRTMIN", "SIGRT_1", "SIGRT_2", "SIGRT_8", "SIGRT_32", "SIGUSR1"]


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
        if len(x) == 3 and x[0] in PID_RETURNS and x[0] != "getppid":
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
def test_restart_syscall_names_the_call_it_resumes(target):
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


@pytest.mark.parametrize("opt,pattern", [
    ("-t", r"\d\d:\d\d:\d\d "), ("-tt", r"\d\d:\d\d:\d\d\.\d{6} "), ("-ttt", r"\d{10}\.\d{6} "),
    ("-r", r" +\d+\.\d{6} "),
    # strace's precisions: s, ms, us, ns
    ("--timestamps=time,ms", r"\d\d:\d\d:\d\d\.\d{3} "), ("--timestamps=unix,ns", r"\d{10}\.\d{9} "),
    ("--absolute-timestamps=format:unix,precision:s", r"\d{10} "),
    ("--relative-timestamps=s", r" {5}\d "), ("--relative-timestamps=ns", r" +\d+\.\d{9} "),
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


@pytest.mark.parametrize("opt, pattern", [
    ("-T", r" <\d+\.\d{6}>"), ("--syscall-times=s", r" <\d+>"),
    ("--syscall-times=ms", r" <\d+\.\d{3}>"), ("--syscall-times=ns", r" <\d+\.\d{9}>"),
])
def test_syscall_time_precisions(opt, pattern, target):
    r = aiotrace("run", opt, "-e", "trace=getppid", "--", target("getppid_seq"), "2")
    lines = r.stderr.splitlines()
    assert len(lines) == 3 and all(re.fullmatch(r"getppid\(\) += \d+" + pattern, l)
                                   for l in lines[:2]), lines


def test_syscall_times(target):
    r = aiotrace("run", "-T", "-e", "trace=getppid,exit_group", "-e",
                 "inject=getppid:delay_enter=300ms:when=2", "--", target("getppid_seq"), "2")
    lines = r.stderr.splitlines()
    times = [float(m.group(1)) for l in lines if (m := re.search(r"<(\d+\.\d+)>$", l))]
    assert len(times) == 2 and times[1] >= 0.3
    assert "(DELAYED)" in lines[1] and "(DELAYED)" not in lines[0]
    assert lines[2] == "exit_group(0)                           = ?"   # no time: no return


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


def test_json_exec_file_name_is_text(tmp_path):
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


def test_huge_column_is_written_in_chunks():
    """-a near INT_MAX: strace writes that many spaces before " = "; so do we, a chunk at
    a time. The padding was one string per line, and 1.5 GB of them ran the tracer out of
    memory (here under an address-space limit of 1 GiB; a line per call took 23 GB in
    all). The text with a large -a is compared with strace's in
    test_same_lines_as_strace."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    a = aiotrace("run", "-e", "trace=exit_group", "-a", "1500000000", "-o", "/dev/null",
                 "--", "true", preexec_fn=limit)
    assert (a.returncode, a.stderr) == (0, "")
