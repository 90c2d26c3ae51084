"""Baseline behaviour of the C test targets, run untraced.

Tracing tests compare a traced run against exactly these results, so every
assertion here is on the complete stdout and the exact return code.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

import pytest


def run(*argv: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, input=stdin, capture_output=True, text=True, timeout=20,
        stdin=None if stdin is not None else subprocess.DEVNULL,
    )


TARGETS = [
    "getppid_loop", "print_getppid", "threads", "forkexec", "exec_thread", "selfstop",
    "sighandler", "segv", "sigkill_self", "openat_file", "blocker", "syscall_mix",
    "vfork_exec", "raise_signal", "restart_sleep", "iov_io",
]


def test_all_targets_compiled(targets_dir: Path, target) -> None:
    sources = {p.stem for p in (Path(__file__).resolve().parents[1] / "targets").glob("*.c")}
    assert set(TARGETS) <= sources
    for name in sorted(sources):
        assert os.access(targets_dir / name, os.X_OK), name
        assert target(name) == str(targets_dir.resolve() / name)


def test_unknown_target_is_an_error(target) -> None:
    with pytest.raises(LookupError):
        target("no_such_target")


@pytest.mark.parametrize("n", ["0", "1000"])
def test_getppid_loop(target, n: str) -> None:
    r = run(target("getppid_loop"), n)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


def test_print_getppid(target) -> None:
    # subprocess.run forks the target directly, so its parent is this process.
    r = run(target("print_getppid"))
    assert (r.returncode, r.stdout) == (0, f"getppid={os.getpid()}\n")


@pytest.mark.parametrize("n, m", [("0", "0"), ("1", "10"), ("4", "1000")])
def test_threads(target, n: str, m: str) -> None:
    r = run(target("threads"), n, m)
    assert (r.returncode, r.stdout) == (0, "threads done\n")


def test_forkexec(target) -> None:
    r = run(target("forkexec"))
    assert r.stdout == "fork child exit=3\nvfork child exit=5\nexec child exit=0\n"
    assert r.returncode == 7


def test_exec_thread(target) -> None:
    r = run(target("exec_thread"), "/bin/echo", "hello")
    assert r.stdout == "thread execs\nhello\n"
    assert r.returncode == 0


def test_exec_thread_exec_failure(target) -> None:
    r = run(target("exec_thread"), "/nonexistent/prog")
    assert r.stdout == "thread execs\n"
    assert r.returncode == 127


def test_selfstop(target) -> None:
    r = run(target("selfstop"))
    assert r.stdout == "child stopped sig=19\nchild continued\nchild exit=0\n"
    assert r.returncode == 0


@pytest.mark.parametrize("n", [0, 1, 5, 100])
def test_sighandler(target, n: int) -> None:
    r = run(target("sighandler"), str(n))
    assert (r.returncode, r.stdout) == (0, f"usr1={n} usr2=1\n")


def test_segv(target) -> None:
    r = run(target("segv"))
    assert r.stdout == "about to crash\n"
    assert r.returncode == -signal.SIGSEGV == -11


def test_sigkill_self(target) -> None:
    r = run(target("sigkill_self"))
    assert r.stdout == "bye\n"
    assert r.returncode == -signal.SIGKILL == -9


def test_openat_file(target, tmp_path: Path) -> None:
    f = tmp_path / "data.txt"
    f.write_bytes(b"hello world\n")
    r = run(target("openat_file"), str(f))
    assert (r.returncode, r.stdout) == (0, "read 12: hello world\n")


def test_openat_file_reads_at_most_4096(target, tmp_path: Path) -> None:
    f = tmp_path / "big.txt"
    f.write_bytes(b"a" * 5000)
    r = run(target("openat_file"), str(f))
    assert (r.returncode, r.stdout) == (0, "read 4096: " + "a" * 4096)


def test_openat_file_empty(target, tmp_path: Path) -> None:
    f = tmp_path / "empty"
    f.write_bytes(b"")
    r = run(target("openat_file"), str(f))
    assert (r.returncode, r.stdout) == (0, "read 0: ")


def test_openat_file_missing(target, tmp_path: Path) -> None:
    r = run(target("openat_file"), str(tmp_path / "missing"))
    assert (r.returncode, r.stdout) == (1, "open failed: ENOENT\n")


def test_openat_file_directory(target, tmp_path: Path) -> None:
    r = run(target("openat_file"), str(tmp_path))
    assert (r.returncode, r.stdout) == (1, "read failed: EISDIR\n")


@pytest.mark.parametrize("n", [0, 3])
@pytest.mark.parametrize("stdin_data", [b"go\n", b""], ids=["line", "eof"])
def test_blocker(target, spawned, n: int, stdin_data: bytes) -> None:
    p = spawned(subprocess.Popen(
        [target("blocker"), str(n)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    ))
    assert p.stdout.readline() == f"ready {p.pid}\n".encode()
    # Every thread has been created by the time "ready" is printed.
    assert len(os.listdir(f"/proc/{p.pid}/task")) == n + 1
    p.stdin.write(stdin_data)
    p.stdin.close()
    assert p.stdout.read() == b"bye\n"
    assert p.wait() == 0
    assert p.stderr.read() == b""


def test_syscall_mix(target, tmp_path: Path) -> None:
    f = tmp_path / "mix.txt"
    f.write_bytes(b"some file contents\n")
    r = run(target("syscall_mix"), str(f))
    assert (r.returncode, r.stdout, r.stderr) == (0, "hi\n", "")


def test_syscall_mix_missing_file(target, tmp_path: Path) -> None:
    r = run(target("syscall_mix"), str(tmp_path / "missing"))
    assert (r.returncode, r.stdout) == (1, "")
    assert "openat failed" in r.stderr


def test_vfork_exec(target) -> None:
    r = run(target("vfork_exec"))
    assert (r.returncode, r.stdout) == (9, "")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGUSR1,
                                 signal.SIGABRT, signal.SIGKILL])
def test_raise_signal_fatal(target, sig: signal.Signals) -> None:
    r = run(target("raise_signal"), str(int(sig)))
    assert (r.returncode, r.stdout) == (-sig, "")


def test_raise_signal_ignored(target) -> None:
    # SIGCHLD's default action is to ignore it: the process carries on.
    r = run(target("raise_signal"), str(int(signal.SIGCHLD)))
    assert (r.returncode, r.stdout) == (0, f"survived signal {int(signal.SIGCHLD)}\n")


def test_iov_io(target) -> None:
    r = run(target("iov_io"))
    assert (r.returncode, r.stdout) == (0, "ok\n")


def test_restart_sleep(target) -> None:
    r = run(target("restart_sleep"))
    assert (r.returncode, r.stdout) == (0, "slept\n")


@pytest.mark.parametrize("argv", [
    ["getppid_loop"], ["getppid_loop", "x"], ["getppid_loop", "-1"],
    ["print_getppid", "extra"],
    ["threads", "1"], ["threads", "1", "y"],
    ["forkexec", "extra"],
    ["exec_thread"],
    ["selfstop", "extra"],
    ["sighandler"], ["sighandler", "5x"],
    ["openat_file"], ["openat_file", "a", "b"],
    ["blocker"], ["blocker", "-2"],
    ["syscall_mix"],
    ["vfork_exec", "extra"],
    ["raise_signal"], ["raise_signal", "0"], ["raise_signal", "999"], ["raise_signal", "TERM"],
    ["restart_sleep", "extra"], ["iov_io", "extra"],
], ids=lambda argv: "-".join(argv))
def test_usage_errors(target, argv: list[str]) -> None:
    r = run(target(argv[0]), *argv[1:])
    assert r.returncode == 2
    assert r.stdout == ""
    assert r.stderr.startswith("usage: ")


def test_huge_nr(target) -> None:
    r = run(target("huge_nr"))
    assert (r.returncode, r.stdout, r.stderr) == (3, "after\n", "")


def test_poke_edge(target) -> None:
    """Untraced, each path runs into the unmapped page before any NUL."""
    r = run(target("poke_edge"))
    assert (r.returncode, r.stdout, r.stderr) == (0, "EFAULT\n" * 3, "")


def test_vfork_loop(target) -> None:
    """Untraced, the vforked child's calls and the parent's wait; a bad count is refused."""
    assert run(target("vfork_loop"), "1000").returncode == 0
    r = run(target("vfork_loop"), "x")
    assert (r.returncode, r.stderr.startswith("usage:")) == (2, True)


def test_int80(target) -> None:
    """An i386 open from a 64-bit program; the x32 one fails with ENOSYS where the kernel
    has no x32 (a descriptor where it has)."""
    r = run(target("int80"), "/dev/null")
    first, second = r.stdout.splitlines()
    assert r.returncode == 0 and first == "i386 open: 3"
    assert second in ("x32 open: -38", "x32 open: 4"), second
    r = run(target("int80"), "/nonexistent")
    assert r.returncode == 1 and r.stdout.startswith("i386 open: -2\n")


def test_t32(target) -> None:
    with open(target("t32"), "rb") as f:
        assert f.read(5) == b"\x7fELF\x01"   # ELFCLASS32
    r = run(target("t32"))
    assert (r.returncode, r.stdout) == (0, "hello from 32\n")


def test_fork32(target) -> None:
    r = run(target("fork32"))
    assert (r.returncode, r.stdout) == (0, "")


def test_targets_untraced(target):
    """The targets of the engines' tests (their parent: this process)."""
    PPID = os.getpid()
    r = subprocess.run([target("getppid_seq"), "3"], capture_output=True, text=True, timeout=20)
    assert (r.returncode, r.stdout) == (0, f"{PPID} usr1=0\n" * 3)
    r = subprocess.run([target("fail_loop"), "5"], capture_output=True, text=True, timeout=20)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")
    r = subprocess.run([target("timed_getppid")], capture_output=True, text=True, timeout=20)
    assert r.returncode == 0 and re.fullmatch(rf"getppid={PPID} usecs=\d+\n", r.stdout)
    for name in ("getppid_seq", "fail_loop"):
        r = subprocess.run([target(name)], capture_output=True, text=True, timeout=20)
        assert r.returncode == 2 and r.stderr.startswith("usage: ")
