# SPDX-License-Identifier: GPL-2.0-or-later
"""The program under ``aiotrace run``: the same output and exit status as untraced,
signals (Ctrl-C is the program's, SIGTERM goes on to it), stdin, the environment, the
CPUs, and a trace output that cannot be written.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys

import pytest

from cli_helpers import AIOTRACE, TIMEOUT, aiotrace, needs_strace, strace


TRANSPARENT = [
    ("forkexec",), ("vfork_exec",), ("exec_thread", "/bin/echo", "from exec"), ("selfstop",),
    ("sighandler", "5"), ("segv",), ("sigkill_self",), ("raise_signal", "15"),
    ("raise_signal", "10"), ("raise_signal", "28"), ("threads", "3", "10"),
]


@pytest.mark.parametrize("prog", TRANSPARENT, ids=lambda p: "-".join(p))
@pytest.mark.parametrize("where", ["stderr", "file"])
def test_transparent(prog, where, tracer_loop, target, tmp_path):
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


def _sigint_default() -> None:
    """(In the child, before exec.) Ctrl-C and Ctrl-\\ as a terminal's foreground job gets
    them, whatever the test run inherited: a suite started in the background (``cmd &``
    in a script) has them ignored, and so would every program it starts."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def test_ctrl_c_goes_to_the_program(target):
    """SIGINT to the foreground process group (what Ctrl-C does) kills the program, not
    aiotrace, which then dies of SIGINT too; untraced, the program would die the same way."""
    proc = subprocess.Popen([*AIOTRACE, "run", "-o", os.devnull, "--", "sh", "-c",
                             "echo ready; exec cat"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=_sigint_default)
    try:
        assert proc.stdout.readline() == "ready\n"
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == -signal.SIGINT, err
    assert "Traceback" not in err


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
        how = signal.SIG_IGN if ignored else signal.SIG_DFL
        signal.signal(signal.SIGINT, how)
        signal.signal(signal.SIGQUIT, how)

    r = subprocess.run([*AIOTRACE, "run", "-o", os.devnull, "--", sys.executable, "-S", "-c",
                        _DISPOSITIONS], capture_output=True, text=True, timeout=TIMEOUT,
                       preexec_fn=preexec)
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"{ignored} {ignored}\n"


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


def test_environment_option():
    r = aiotrace("run", "-q", "-o", os.devnull, "-E", "AIOTRACE_X=42", "-E", "HOME", "--",
                 "sh", "-c", 'echo "$AIOTRACE_X-${HOME-unset}"')
    assert r.stdout == "42-unset\n"


@needs_strace
def test_program_is_found_with_aiotraces_own_path():
    """-E PATH=... is the program's: the program itself is looked up in aiotrace's own
    PATH (as strace does), and runs with argv[0] as given and the PATH given."""
    args = ["-qq", "-e", "trace=execve", "-E", "PATH=/nonexistent", "--", "sh", "-c",
            'echo "$0 $PATH"']
    r = aiotrace("run", *args)
    s = strace(*args)
    assert (r.returncode, r.stdout) == (s.returncode, s.stdout) == (0, "sh /nonexistent\n")
    assert r.stderr.split(", 0x")[0] == s.stderr.split(", 0x")[0]   # execve("/usr/bin/sh"...


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


def test_a_run_in_process_leaves_no_short_read_hook_behind(tracer_loop, target, tmp_path,
                                                         capfd):
    """main() called from Python says strace's "short read" of its own run (a path whose
    page after its first bytes is not mapped), and leaves nothing listening after it: the
    library's decoding (str(event)) and a later run are not told of theirs."""
    from aiotrace._cli import main
    from aiotrace._decode import _short_reads
    assert _short_reads.hook is None
    capfd.readouterr()
    assert main(["run", "-o", str(tmp_path / "trace"), "-e", "trace=chdir", "--",
                 target("poke_edge")]) == 0
    assert _short_reads.hook is None
    said = [ln for ln in capfd.readouterr().err.splitlines() if "short read" in ln]
    assert [re.sub(r"@0x[0-9a-f]+", "@N", ln) for ln in said] == [
        "aiotrace: short read (1 < 4096) @N: Bad address",
        "aiotrace: short read (8 < 4096) @N: Bad address"]


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


def test_cli_survives_a_program_that_kills_its_siblings(tmp_path, tracer_loop):
    """`aiotrace run` of a program that SIGKILLs every other child of its parent (the
    doorbell among them) traces it to its end and exits with its status."""
    out = tmp_path / "trace"
    script = "for p in $(pgrep -P $PPID); do [ $p = $$ ] || kill -9 $p; done; echo done; exit 3"
    r = subprocess.run([*AIOTRACE, "run", "-f", "-o", str(out), "--", "sh", "-c", script],
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 3, r.stderr
    assert r.stdout == "done\n"
    lines = out.read_text().splitlines()
    assert any("write(1, \"done\\n\", 5) = 5" in " ".join(line.split()) for line in lines)
    assert lines[-1].endswith("+++ exited with 3 +++")


def test_count_cpu_of_many_threads_under_a_low_descriptor_limit(tracer_loop, target):
    """-c's CPU time of a program with more threads alive at once than the tracer may
    open descriptors: each thread's CPU time is read all the same, and the tracer does
    not run out of descriptors for its own work (it hung, the program stopped, when the
    C loop kept one file open a thread)."""
    import resource

    def low_limit() -> None:
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        resource.setrlimit(resource.RLIMIT_NOFILE, (100, min(hard, 100)))

    r = aiotrace("run", "-f", "-c", "--", target("many_threads"), "300",
                 preexec_fn=low_limit)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "done\n"
    rows = {ln.split()[-1]: ln.split() for ln in r.stderr.splitlines() if ln[:1] == " "}
    assert rows["getppid"][3] == "300"
    assert rows["clone3"][3] == "300" if "clone3" in rows else rows["clone"][3] == "300"
