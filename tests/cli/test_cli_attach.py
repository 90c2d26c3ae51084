# SPDX-License-Identifier: GPL-2.0-or-later
"""``aiotrace attach`` (and ``-p PID``): tracing a running process to its end, Ctrl-C
detaching it, and why an attach is refused.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from cli_helpers import AIOTRACE, TIMEOUT, aiotrace, needs_strace, parse_trace, strace

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops


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


def _process_lines(err: str, prog: str) -> list[str]:
    """The "Process N attached/detached" lines of *err*, in a stable order."""
    return sorted(line.replace(prog + ":", "TOOL:") for line in err.splitlines()
                  if line.startswith(prog + ": Process "))


@pytest.mark.parametrize("opts", [["-c"], ["-c", "-f"], ["-ff", "-o", "{dir}/t"]],
                         ids=["-c", "-c-f", "-ff-o"])
def test_ctrl_c_detaches_with_summary_only(opts, target, spawned, tmp_path):
    """With -c there is no trace to print: Ctrl-C still detaches and prints the table
    (it raised KeyboardInterrupt, with a traceback and no table). With -c, and with
    -ff -o, it says, as strace does, which processes it attached to and detached from
    (it did not say it attached)."""
    follow = [o for o in opts if o.startswith("-f")]
    blocker, pid = _start_blocker(target)
    spawned(blocker)
    said = {}
    for tool, cmd in (("aiotrace", AIOTRACE), ("strace", ["strace"])):
        if tool == "strace" and shutil.which("strace") is None:
            continue
        args = [o.format(dir=tmp_path / tool) for o in opts]
        (tmp_path / tool).mkdir()
        tracer = spawned(subprocess.Popen([*cmd, *args, "-p", str(pid)],
                                          stderr=subprocess.PIPE, text=True))
        # (the line comes once the watcher of Ctrl-C is in place: it is set up first)
        head = _read_until(tracer.stderr, "attached")
        tracer.send_signal(signal.SIGINT)
        err = head + tracer.stderr.read()
        assert tracer.wait(timeout=TIMEOUT) == -signal.SIGINT or tool == "strace"
        said[tool] = _process_lines(err, tool)
        if tool == "aiotrace":
            assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
            assert ("% time     seconds  usecs/call     calls    errors syscall" in err
                    or "-c" not in opts), err
            status = Path(f"/proc/{pid}/status").read_text()
            assert "TracerPid:\t0\n" in status and re.search(r"State:\t[RS]", status)
    tids = sorted(int(t) for t in os.listdir(f"/proc/{pid}/task")) if follow else [pid]
    more = f" with {len(tids)} threads" if follow else ""
    want = sorted([f"TOOL: Process {pid} attached{more}"]
                  + [f"TOOL: Process {tid} detached" for tid in tids])
    assert said["aiotrace"] == want
    if "strace" in said:
        assert said["strace"] == want
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


def test_attach_to_a_zombie_says_so():
    child = subprocess.Popen(["true"])
    os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOWAIT)   # exited, not reaped
    try:
        why = _attach_denied(child.pid)[1]
    finally:
        child.wait()
    assert why == (f'aiotrace: cannot trace pid {child.pid} ("true"): it has exited (a zombie, '
                   f"until its parent, pid {os.getpid()}, reaps it): there is nothing left to "
                   "trace")


def test_attach_to_a_kernel_thread_says_so():
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


def test_attach_to_a_traced_process_names_its_tracer(target, spawned, quiet_stdin):
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
def test_attach_without_cap_sys_ptrace_says_so(target, spawned):
    """As root but without CAP_SYS_PTRACE, a process with all of root's capabilities
    cannot be traced: the message says which capability is missing, not "run as root"."""
    blocker, pid = _start_blocker(target, 1)
    spawned(blocker)
    why = _attach_denied(pid, "setpriv", "--bounding-set=-sys_ptrace",
                         "--inh-caps=-sys_ptrace")[1]
    assert why == (f'aiotrace: cannot trace pid {pid} ("blocker"): it holds capabilities '
                   "aiotrace lacks (CAP_SYS_PTRACE): aiotrace runs as root, but without "
                   "CAP_SYS_PTRACE, which that needs (give it CAP_SYS_PTRACE)")


@needs_strace
def test_attach_a_stopped_process_like_strace(target, spawned):
    """strace's detach-stopped test: a process stopped by SIGSTOP, attached, shows
    "--- stopped by SIGSTOP ---" (aiotrace showed nothing: the test waited for ever);
    SIGTERM detaches."""
    blocker, pid = _start_blocker(target, 0)
    spawned(blocker)
    os.kill(pid, signal.SIGSTOP)
    _, status = os.waitpid(pid, os.WUNTRACED)   # (in its group-stop now)
    assert os.WIFSTOPPED(status)
    said = {}
    for tool, cmd in (("aiotrace", AIOTRACE), ("strace", ["strace"])):
        tracer = spawned(subprocess.Popen([*cmd, "-p", str(pid)], stderr=subprocess.PIPE,
                                          text=True))
        head = _read_until(tracer.stderr, "--- stopped by ")
        tracer.send_signal(signal.SIGTERM)
        said[tool] = (head + tracer.stderr.read()).replace(tool + ":", "TOOL:")
        assert tracer.wait(timeout=TIMEOUT) == -signal.SIGTERM
        # (detached, it goes back to its group-stop on its own: it may run for a moment,
        # and its parent is not told again; test_core checks the stop itself)
        assert "TracerPid:\t0\n" in Path(f"/proc/{pid}/status").read_text()
    assert said["aiotrace"] == said["strace"] == (
        f"TOOL: Process {pid} attached\n--- stopped by SIGSTOP ---\n"
        f"TOOL: Process {pid} detached\n")
    os.kill(pid, signal.SIGCONT)
    blocker.stdin.write("go\n")
    blocker.stdin.flush()
    assert blocker.stdout.read() == "bye\n" and blocker.wait(timeout=TIMEOUT) == 0


@needs_strace
def test_ctrl_c_with_summary_only_names_the_processes_still_traced(target, spawned):
    """-c -p A -p B, A ends, then Ctrl-C: "detached" is said of B only, as strace says it
    (it was said of both: the list was the one made at attach)."""
    said = {}
    for tool, cmd in (("aiotrace", AIOTRACE), ("strace", ["strace"])):
        a, pid_a = _start_blocker(target, 0)
        b, pid_b = _start_blocker(target, 0)
        spawned(a)
        spawned(b)
        tracer = spawned(subprocess.Popen([*cmd, "-c", "-p", str(pid_a), "-p", str(pid_b)],
                                          stderr=subprocess.PIPE, text=True))
        head = _read_until(tracer.stderr, f"Process {pid_b} attached")
        a.stdin.write("go\n")
        a.stdin.flush()
        assert a.stdout.read() == "bye\n" and a.wait(timeout=TIMEOUT) == 0
        # (a traced process is reaped by its parent after its tracer has seen it die)
        tracer.send_signal(signal.SIGINT)
        err = head + tracer.stderr.read()
        tracer.wait(timeout=TIMEOUT)
        said[tool] = _process_lines(err.replace(str(pid_a), "A").replace(str(pid_b), "B"),
                                    tool)
        b.stdin.write("go\n")
        b.stdin.flush()
        assert b.stdout.read() == "bye\n" and b.wait(timeout=TIMEOUT) == 0
    assert said["aiotrace"] == said["strace"] == [
        "TOOL: Process A attached", "TOOL: Process B attached", "TOOL: Process B detached"]
