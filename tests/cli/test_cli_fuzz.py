# SPDX-License-Identifier: GPL-2.0-or-later
"""Random system calls (tests/targets/fuzz_syscalls.c, as in tests/tracing/test_fuzz.py)
through the command with its most detailed decoding, on both tracer loops: each call
one line, named as strace names it, the program's own exit status, no traceback."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cli_helpers import AIOTRACE, TIMEOUT

SEEDS = (1, 2, 3)
CALLS = 300

_LINE = re.compile(r"(?:\d+ +)?(?:\d+\.\d+ )?([a-z0-9_]+)\(")   # [pid] [time] name(


def _names(lines: list[str]) -> list[str]:
    """The system call's name at the start of each trace line."""
    out = []
    for line in lines:
        m = _LINE.match(line)
        out.append(m.group(1) if m else line)
    return out


def _fuzz_lines(trace: str) -> list[str]:
    """The lines of the calls between the markers (-yy decorates the descriptor; the
    hex dumps of -e read=/write= are left out)."""
    lines = [line for line in trace.splitlines() if not line.startswith(" | ")]
    start = next(i for i, line in enumerate(lines) if re.search(r'write\(1\b.*"<<<\\n", 4\)', line))
    end = next(i for i, line in enumerate(lines) if re.search(r'write\(1\b.*">>>\\n", 4\)', line))
    return lines[start + 1:end]


@pytest.mark.parametrize("seed", SEEDS)
def test_random_calls_through_the_command(target, tracer_loop, tmp_path: Path, seed):
    """The most detailed decoding the command has: each call one line, named as strace
    names it, the program's exit status, and no traceback."""
    argv = [target("fuzz_syscalls"), str(seed), str(CALLS)]
    out = tmp_path / "aiotrace.txt"
    r = subprocess.run([*AIOTRACE, "run", "-f", "-yy", "-s", "1024", "-T", "-ttt", "-x",
                        "-e", "read=all", "-e", "write=all", "-o", str(out), "--", *argv],
                       capture_output=True, text=True, timeout=TIMEOUT)
    assert r.returncode == 7, r.stderr
    assert "Traceback" not in r.stderr
    mine = _fuzz_lines(out.read_text())
    assert len(mine) == CALLS
    assert not [line for line in mine if "unfinished" in line or "resumed" in line]
    strace = shutil.which("strace")
    if strace is None:
        return
    ref = tmp_path / "strace.txt"
    subprocess.run([strace, "-f", "-ttt", "-o", str(ref), *argv], capture_output=True,
                   timeout=TIMEOUT, check=False)
    assert _names(mine) == _names(_fuzz_lines(ref.read_text()))
