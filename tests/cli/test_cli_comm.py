# SPDX-License-Identifier: GPL-2.0-or-later
"""``-Y`` / ``--decode-pids=comm`` against strace: each id of a thread or process followed
by its command name (escaped as strace escapes it), in arguments, return values and the
``PID<COMM>`` line prefix; the names as the program changes them (prctl PR_SET_NAME).

Process ids change from run to run: they are named by the order in which they first
start a line (P0, P1...)."""

from __future__ import annotations

import re

import pytest

from cli_helpers import aiotrace, needs_strace, strace, unpad

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops


def _named(text: str) -> list[str]:
    lines = [unpad(l) for l in text.splitlines()]
    names: dict[str, str] = {}
    for l in lines:
        pid = l.split("<", 1)[0]
        names.setdefault(pid, "P%d" % len(names))
    return [re.sub(r"\b\d+\b", lambda m: names.get(m.group(), m.group()), l) for l in lines]


@needs_strace
@pytest.mark.parametrize("opt", ["-Y", "--decode-pids=comm", "-e decode-pids=all"])
def test_command_names_like_strace(opt, target, tmp_path):
    prog = target("comm_names")
    ours, theirs = tmp_path / "a.log", tmp_path / "s.log"
    args = [*opt.split(), "-f", "-e", "trace=getppid,kill", "-e", "signal=none"]
    r = aiotrace("run", "-o", str(ours), *args, "--", prog)
    s = strace("-o", str(theirs), *args, prog)
    assert r.returncode == s.returncode == 0, r.stderr
    got = _named(ours.read_text())
    assert got == _named(theirs.read_text())
    assert got == [
        "P0<par\\74ent\\76> getppid() = P1<par\\74ent\\76>",
        "P0<kid\\33x> kill(P0<kid\\33x>, 0) = 0",
        "P0<kid\\33x> getppid() = P1<par\\74ent\\76>",
        "P0<kid\\33x> +++ exited with 0 +++",
        "P1<par\\74ent\\76> kill(P1<par\\74ent\\76>, 0) = 0",
        "P1<par\\74ent\\76> +++ exited with 0 +++",
    ]


def test_names_in_stderr_prefix_and_none(target):
    """Without -o: ``[pid N<COMM>]`` when several processes are traced; decode-pids=none
    (the last one wins) prints plain ids."""
    prog = target("comm_names")
    r = aiotrace("run", "-Y", "-f", "-e", "trace=kill", "-e", "signal=none", "--", prog)
    assert re.search(r"^\[pid +\d+<kid\\33x>\] kill\(\d+<kid\\33x>, 0\) += 0$", r.stderr,
                     re.M), r.stderr
    r = aiotrace("run", "-Y", "-e", "decode-pids=none", "-e", "trace=kill", "-e", "signal=none",
                 "--", prog)
    assert re.fullmatch(r"kill\(\d+, 0\) += 0\n\+\+\+ exited with 0 \+\+\+\n", r.stderr), \
        r.stderr
