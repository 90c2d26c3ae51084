# SPDX-License-Identifier: GPL-2.0-or-later
"""The command line: mistakes and their messages (strace's, for strace's mistakes),
``-h`` and ``-V``, the console script, the sets of ``-e trace=`` (and strace's system call
classes, read off strace itself), and why an attach was refused.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aiotrace._core._spawn import attach_message as _attach_message
from cli_helpers import STRACE, TIMEOUT, aiotrace, aiotrace_here, needs_strace, strace


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
    (["run", "-X", "names", "true"], "aiotrace: invalid -X argument: 'names'",
     ["-X", "names", "true"]),
    (["run", "-Xraw", "-X", "", "true"], "aiotrace: invalid -X argument: ''",
     ["-Xraw", "-X", "", "true"]),
    (["run", "-e", "raw=opnat", "true"],
     "aiotrace: invalid system call 'opnat' (did you mean openat", None),
    (["run", "-e", "verbose=", "true"], "aiotrace: invalid system call ''", None),
    (["run", "-DDDD", "true"], "aiotrace: -D given 4 times: -D, -DD or -DDD (at most 3)",
     None),
    (["run", "--daemonize=x", "true"], "aiotrace: invalid --daemonize argument: 'x'",
     ["--daemonize=x", "true"]),
    (["run", "-e", "inject=getpid:error=ENOENT:retval=1", "true"],
     "aiotrace: invalid inject argument 'getpid:error=ENOENT:retval=1': error= and retval= "
     "are mutually exclusive", None),
    (["run", "-I0", "true"], "aiotrace: invalid -I argument: '0'", ["-I0", "true"]),
    (["run", "-I5", "true"], "aiotrace: invalid -I argument: '5'", ["-I5", "true"]),
    (["run", "-Ifoo", "true"], "aiotrace: invalid -I argument: 'foo'", ["-Ifoo", "true"]),
    (["run", "--interruptible=x", "true"], "aiotrace: invalid --interruptible argument: 'x'",
     ["--interruptible=x", "true"]),
    (["run", "-b", "open", "true"], "aiotrace: Syscall 'open' for -b isn't supported",
     ["-b", "open", "true"]),
    (["run", "-f", "-bexecve", "true"], "aiotrace: -b execve works without -f and -p", None),
    (["attach"], "aiotrace: attach: must have PID", None),
    (["attach", "12x"], "aiotrace: Invalid process id: '12x'", None),
    (["run", "-ff", "-o", "|cat", "true"], "aiotrace: piping the output and "
     "-ff/--output-separately are mutually exclusive", ["-ff", "-o", "|cat", "true"]),
    (["run", "-e", "fault=chdir:retval=1", "true"],
     "aiotrace: invalid fault argument 'chdir:retval=1'", ["-e", "fault=chdir:retval=1", "true"]),
    (["run", "--timestamps=unix,xs", "true"], "aiotrace: invalid --timestamps argument: "
     "'unix,xs'", ["--timestamps=unix,xs", "true"]),
    (["run", "--syscall-times=m", "true"], "aiotrace: invalid --syscall-times argument: 'm'",
     ["--syscall-times=m", "true"]),
    (["run", "-t", "--absolute-timestamps=unix", "true"],
     "aiotrace: -t and --absolute-timestamps cannot be provided simultaneously",
     ["-t", "--absolute-timestamps=unix", "true"]),
    (["run", "-ff", "-o", "x", "--json", "true"], "aiotrace: --json does not combine", None),
    (["run", "-e", "signal=256", "true"], "aiotrace: invalid signal '256'", None),
    (["run", "--tracer-cpu=x", "true"], "aiotrace: invalid --tracer-cpu argument: 'x'", None),
    (["run", "--tracer-cpu=4096", "true"],
     "aiotrace: --tracer-cpu=4096: aiotrace may not run on CPU 4096", None),
]


@pytest.mark.parametrize("args,message,strace_args", ERRORS,
                         ids=[" ".join(e[0])[:80] or "nothing" for e in ERRORS])
def test_bad_command_lines(args, message, strace_args, tmp_path, capfd):
    """Exit status 1 before anything runs, with strace's message for strace's mistakes.
    (main() in this process: test_a_mistake_ends_the_command runs the command.)"""
    marker = tmp_path / "ran"
    ours = []
    for a in args:   # a program that leaves a mark if it runs
        ours.extend(["sh", "-c", f"touch {marker}"] if a == "true" else [a])
    r = aiotrace_here(capfd, *ours)
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


@needs_strace
@pytest.mark.parametrize("value", ["256", "-1", "SIGRT_0", "SIGRT_33", "SIGRTMAX", "0x3"])
def test_invalid_signal_sets_like_strace(value, capfd):
    a = aiotrace_here(capfd, "run", "-e", f"signal={value}", "--", "true")
    s = strace("-e", f"signal={value}", "true")
    assert a.returncode == s.returncode == 1
    assert a.stderr.splitlines()[0] == s.stderr.splitlines()[0].replace(
        f"{STRACE}: ", "aiotrace: ")


@pytest.mark.parametrize("args,says", [
    (["run", "-s", "x", "true"],
     "aiotrace: invalid -s argument: 'x'\nTry 'aiotrace -h' for more information.\n"),
    (["run", "--", "nonexistent_cmd_xyz"],
     "aiotrace: Can't stat 'nonexistent_cmd_xyz': No such file or directory\n"),
], ids=["usage", "no program"])
def test_a_mistake_ends_the_command(args, says):
    """The command itself (python -m aiotrace), on a mistake: exit status 1 and the
    message, nothing else."""
    r = aiotrace(*args)
    assert (r.returncode, r.stdout, r.stderr) == (1, "", says)


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
    assert r.returncode == 0 and re.fullmatch(
        r"aiotrace -- version \S+\n\nOptional features enabled: c-tracer-loop\n", r.stdout)
    r = aiotrace("-V", env={**os.environ, "AIOTRACE_ACCEL": "0"})
    assert r.returncode == 0
    assert r.stdout.endswith("\nOptional features enabled: c-tracer-loop=off\n")


def test_console_script_entry_point():
    exe = shutil.which("aiotrace", path=os.path.dirname(sys.executable))
    if exe is None:
        pytest.skip("the aiotrace script is not installed next to this Python")
    r = subprocess.run([exe, "run", "-e", "trace=exit_group", "--", "true"],
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 0
    assert r.stderr == "exit_group(0)                           = ?\n+++ exited with 0 +++\n"


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
