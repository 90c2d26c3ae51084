# SPDX-License-Identifier: GPL-2.0-or-later
"""A thread that is not the leader execs: its open ``execve`` line ends with strace's
`` <pid changed to PID ...>``, with or without ``--quiet=thread-execve``."""

from __future__ import annotations

import pytest

from cli_helpers import aiotrace, needs_strace, strace

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops


def _lines(path) -> list[tuple[int, str]]:
    out = []
    for line in path.read_text().splitlines():
        pid, _, rest = line.partition(" ")
        out.append((int(pid), rest))
    return out


@needs_strace
@pytest.mark.parametrize("quiet", [[], ["--quiet=thread-execve"], ["-qqq"]],
                         ids=lambda q: " ".join(q) or "default")
def test_exec_from_a_thread_closes_its_line_as_strace(quiet, target, tmp_path):
    argv = [target("exec_thread"), "/bin/true"]
    opts = ["-f", "-e", "trace=execve", *quiet]
    got = {}
    for name, tool, words in (("aiotrace", aiotrace, ["run"]), ("strace", strace, [])):
        log = tmp_path / name
        r = tool(*words, *opts, "-o", str(log), *argv)
        assert r.returncode == 0, r.stderr
        got[name] = lines = _lines(log)
        leader = lines[0][0]   # (the program's own execve: the leader's)
        thread_execs = [(pid, text) for pid, text in lines
                        if pid != leader and 'execve("/bin/true"' in text]
        assert len(thread_execs) == 1, lines
        assert thread_execs[0][1].endswith(f" <pid changed to {leader} ...>"), lines
    superseded = [sum("superseded by execve" in text for _, text in got[n])
                  for n in ("aiotrace", "strace")]
    assert superseded[0] == superseded[1] == (0 if quiet else 1)
