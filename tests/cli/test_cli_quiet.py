# SPDX-License-Identifier: GPL-2.0-or-later
"""The command makes the text of a call printed from its registers alone once per distinct
call and reuses it (Decoder._quiet): the same call with other results, the same call
with other arguments, a call failing then succeeding each keep their own text, as strace
prints them."""

from __future__ import annotations

import re

import pytest

from cli_helpers import aiotrace, needs_strace, strace, unpad

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops

_CALLS = "trace=dup,close,lseek,getppid,fchdir"


def _lines(text: str) -> list[str]:
    # (getppid's value is the tracer's pid)
    return [re.sub(r"^getppid\(\) = \d+$", "getppid() = PID", unpad(line))
            for line in text.splitlines() if not line.startswith("+++")]


@needs_strace
@pytest.mark.parametrize("opts", [(), ("-e", "read=999")])   # (the second: no reuse)
def test_repeated_quiet_calls_like_strace(target, tmp_path, opts):
    argv = [target("quiet_calls")]
    a = aiotrace("run", *opts, "-e", _CALLS, "-o", str(tmp_path / "a"), "--", *argv)
    s = strace("-e", _CALLS, "-o", str(tmp_path / "s"), *argv)
    assert a.returncode == s.returncode == 0, (a.stderr, s.stderr)
    mine = _lines((tmp_path / "a").read_text())
    assert mine == _lines((tmp_path / "s").read_text())
    first = mine.index("dup(0) = 3")   # (after the dynamic loader's calls)
    assert mine[first:first + 5] == ["dup(0) = 3", "dup(0) = 4", "dup(0) = 5", "close(4) = 0",
                        "close(4) = -1 EBADF (Bad file descriptor)"]
