# SPDX-License-Identifier: GPL-2.0-or-later
"""``--decode-pids=pidns`` against strace: the ids a program in another PID namespace
gives and gets, each followed by its number in the tracer's namespace; and aiotrace run
as the first process of a new namespace (``unshare -Urpf aiotrace ...``), which must see
its program end.

Process ids change from run to run: they are named by the order in which the processes
first print a line (P0, P1...), in the line's prefix and in the comments alike; the ids
of the program's own namespace (1, 2) stay as they are.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess

import pytest

from cli_helpers import AIOTRACE, TIMEOUT, aiotrace, needs_strace, parse_trace, strace, unpad

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops

_CALLS = "trace=getpid,gettid,getpgid,getsid,kill,tgkill,waitid"


def _named(text: str) -> list[list[tuple]]:
    """The calls of the program (P0), of its child (P1: pid 1 of the new namespace) and of
    its grandchild (P2), the ids of the tracer's namespace named so: each process is
    known by what its getpid returns in the namespace (P0: the one that has none)."""
    procs, order = parse_trace(text)
    assert len(order) == 3, text
    role = {}
    for pid in order:
        rets = [item[2] for item in procs[pid] if item[0] == "getpid"]
        role[pid] = int(rets[0].split()[0]) if rets else 0
    names = {pid: "P%d" % role[pid] for pid in order}

    def name(s: str, root: bool) -> str:
        # (the program's own numbers are all of the tracer's namespace; the others', the
        # comments' only: their own are the new namespace's, small like the tracer's in
        # a namespace of its own)
        if root:
            return re.sub(r"\b\d+\b", lambda m: names.get(int(m.group()), m.group()), s)
        return re.sub(r"/\* (\d+) in", lambda m: "/* %s in" % names[int(m.group(1))], s)

    def same(s: str) -> str:   # (the CPU times a child used)
        return re.sub(r"si_([us])time=\d+", r"si_\1time=T", s)

    return [[tuple(unpad(same(name(str(x), role[pid] == 0))) for x in item)
             for item in procs[pid]]
            for pid in sorted(order, key=role.__getitem__)]


def _run_both(tmp_path, argv, *opts):
    a = aiotrace("run", *opts, "-o", str(tmp_path / "a"), "--", *argv)
    s = strace(*opts, "-o", str(tmp_path / "s"), *argv)
    if s.returncode == 77 or "unshare" in s.stderr:
        pytest.skip("no new user and PID namespace here: " + s.stderr.strip())
    assert a.returncode == s.returncode == 0, (a.stderr, s.stderr)
    return (tmp_path / "a").read_text(), (tmp_path / "s").read_text()


@needs_strace
def test_ids_of_another_namespace_like_strace(target, tmp_path):
    """Return values (getpid, gettid), arguments (getpgid, getsid, kill, tgkill) of two
    children, pids 1 and 2 of a new namespace: each shown with the id the tracer knows
    the process by, as strace shows it."""
    a, s = _run_both(tmp_path, [target("pidns_ids")], "-f", "--decode-pids=pidns", "-qq",
                     "-e", "signal=none", "-e", _CALLS)
    assert _named(a) == _named(s)
    child = _named(a)[1]
    assert ("getpid", "", "1 /* P1 in strace's PID NS */") in child
    assert ("kill", "2 /* P2 in strace's PID NS */, 0", "0") in _named(a)[2]
    assert ("kill", "1 /* P1 in strace's PID NS */, 0", "0") in _named(a)[2]


def test_without_the_option_ids_are_plain(target, tmp_path):
    """The same program without --decode-pids: the namespace's own ids, no comment."""
    r = aiotrace("run", "-f", "-qq", "-e", "signal=none", "-e", _CALLS,
                 "-o", str(tmp_path / "a"), "--", target("pidns_ids"))
    if r.returncode == 77:
        pytest.skip("no new user and PID namespace here")
    text = (tmp_path / "a").read_text()
    assert "strace's PID NS" not in text
    assert re.search(r"^\d+ +getpid\(\) += 1$", text, re.M), text


@needs_strace
@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare(1)")
def test_first_process_of_a_namespace_sees_orphans_end(target, tmp_path):
    """``unshare -Urpf aiotrace run -f``: aiotrace is pid 1 of a new namespace, where the
    program's orphans (pidns_ids's children, left unreaped when it ends) become
    aiotrace's children: the run ends, with the same lines as strace's. (Before, the
    tracer thread never saw the orphans end, and the run waited for ever.)"""
    opts = ["-f", "--decode-pids=pidns", "-qq", "-e", "signal=none", "-e", _CALLS]
    probe = subprocess.run(["unshare", "-Urpf", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("unshare -Urpf refused here")
    a = _in_a_namespace([*AIOTRACE, "run", *opts, "-o", str(tmp_path / "a"), "--",
                         target("pidns_ids")])
    s = _in_a_namespace(["/usr/bin/strace", *opts, "-o", str(tmp_path / "s"),
                         target("pidns_ids")])
    assert a.returncode == s.returncode == 0, (a.stderr, s.stderr)
    assert _named((tmp_path / "a").read_text()) == _named((tmp_path / "s").read_text())


def _in_a_namespace(argv: list[str]) -> subprocess.CompletedProcess:
    """``unshare -Urpf ARGV``, in a session of its own: on a timeout the whole of it is
    killed (the namespace's init first, which takes the namespace's processes along)."""
    p = subprocess.Popen(["unshare", "-Urpf", *argv], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         start_new_session=True)
    try:
        out, err = p.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        raise
    return subprocess.CompletedProcess(p.args, p.returncode, out, err)


@needs_strace
@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare(1)")
@pytest.mark.parametrize("y", ["-y", "-yy"])
def test_descriptors_from_a_namespace_with_the_old_proc(tmp_path, y):
    """``unshare -Urpf aiotrace run -y``: the tracer's ids are the new namespace's while
    /proc is the old one's, so /proc/PID is another process: the descriptors (and the
    --decode-pids=comm names) are read from the tracee's own directory, as strace reads
    them. (Before, ``read(3, ...)`` lost its ``</etc/passwd>``.)"""
    probe = subprocess.run(["unshare", "-Urpf", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("unshare -Urpf refused here")
    opts = [y, "-f", "--decode-pids=comm", "-qq", "-e", "trace=read,close"]
    argv = ["head", "-c1", "/etc/passwd"]
    a = _in_a_namespace([*AIOTRACE, "run", *opts, "-o", str(tmp_path / "a"), "--", *argv])
    s = _in_a_namespace(["/usr/bin/strace", *opts, "-o", str(tmp_path / "s"), *argv])
    assert a.returncode == s.returncode == 0, (a.stderr, s.stderr)
    a_text, s_text = (tmp_path / "a").read_text(), (tmp_path / "s").read_text()
    assert "</etc/passwd>" in a_text and "<head> " in a_text, a_text

    def lines(text: str) -> list[str]:
        # (a pipe's inode differs from run to run, and the program's pid in the
        # namespace from one tracer to the other)
        return [unpad(re.sub(r"^\d+<", "PID<", re.sub(r":\[\d+\]", ":[INODE]", x)))
                for x in text.splitlines()]

    assert lines(a_text) == lines(s_text)
