"""perf_event_open's arguments as strace 6.1 prints them (its test
perf_event_open_nonverbose.c), in each -X style. Tables, no tracee."""

from __future__ import annotations

import errno

import pytest

from fake_memory import call_line
from aiotrace._decode import _style

M64 = (1 << 64) - 1
STYLES = {"abbrev": _style.ABBREV, "raw": _style.RAW, "verbose": _style.VERBOSE}


def line(args: tuple[int, ...], ret: int, style: str = "abbrev") -> str:
    return call_line("perf_event_open", args, ret, xstyle=STYLES[style])


@pytest.mark.parametrize("args, ret, style, text", [
    ((0, M64 - 4, 0xDEAD00000000 | 0xFFFFFFFE, M64, M64), -errno.EINVAL, "abbrev",
     "perf_event_open(NULL, -5, -2, -1, PERF_FLAG_FD_NO_GROUP"
     "|PERF_FLAG_FD_OUTPUT|PERF_FLAG_PID_CGROUP|PERF_FLAG_FD_CLOEXEC|0xfffffffffffffff0)"
     " = -1 EINVAL (Invalid argument)"),
    ((0x1000, 0, 0, 0, 0), 3, "abbrev", "perf_event_open(0x1000, 0, 0, 0, 0) = 3"),
    ((0x1000, 0, 0, 0, 0x20), -errno.EINVAL, "abbrev",
     "perf_event_open(0x1000, 0, 0, 0, 0x20 /* PERF_FLAG_??? */)"
     " = -1 EINVAL (Invalid argument)"),
    ((0x1000, 0, 0, 0, 8), -errno.EINVAL, "verbose",
     "perf_event_open(0x1000, 0, 0, 0, 0x8 /* PERF_FLAG_FD_CLOEXEC */)"
     " = -1 EINVAL (Invalid argument)"),
    ((0x1000, 0, 0, 0, 8), -errno.EINVAL, "raw",
     "perf_event_open(0x1000, 0, 0, 0, 0x8) = -1 EINVAL (Invalid argument)"),
])
def test_perf_event_open(args, ret, style, text):
    assert line(args, ret, style) == text
