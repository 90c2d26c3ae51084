# SPDX-License-Identifier: GPL-2.0-or-later
"""Times on trace lines (-t, --absolute-timestamps, -r, -T and their precisions): the
options as strace 6.1 reads them, and the text of each form; no tracee."""

from __future__ import annotations

import time

import pytest

from aiotrace._cli._args import UsageError, parse_args
from aiotrace._cli._stamps import Stamps, absolute_format, time_scale

RUN = ["--", "true"]


@pytest.mark.parametrize("args, fmt, width", [
    ([], None, 0),
    (["-t"], "time", 0), (["-tt"], "time", 6), (["-ttt"], "unix", 6), (["-tttt"], "unix", 6),
    (["--absolute-timestamps"], "time", 0), (["--timestamps"], "time", 0),
    (["--timestamps=unix"], "unix", 0), (["--timestamps=time,ns"], "time", 9),
    (["--timestamps=unix,ms"], "unix", 3), (["--timestamps=unix,s"], "unix", 0),
    (["--timestamps=precision:us,format:unix"], "unix", 6),
    (["--timestamps=FORMAT:Unix"], "unix", 0),                  # (names: any case)
    (["--timestamps=ns"], "time", 9),                           # a precision alone
    # one option after another: each keeps what the other set
    (["--absolute-timestamps=format:time", "--absolute-timestamps=precision:ms"], "time", 3),
    (["--absolute-timestamps=precision:ms", "--absolute-timestamps=format:unix"], "unix", 3),
    (["--timestamps=unix,us", "--timestamps=none"], None, 6),
    (["--timestamps=unix,us", "--timestamps=time"], "time", 6),
])
def test_absolute_timestamps(args, fmt, width):
    o = parse_args(["run", *args, *RUN])
    assert (o.ts_format, o.ts_width) == (fmt, width)


@pytest.mark.parametrize("args, rel, dur", [
    ([], None, None), (["-r"], 6, None), (["-T"], None, 6), (["-rT"], 6, 6),
    (["--relative-timestamps"], 6, None), (["--relative-timestamps=s"], 0, None),
    (["--relative-timestamps=ms"], 3, None), (["--relative-timestamps=ns"], 9, None),
    (["--syscall-times=us"], None, 6), (["--syscall-times=ns"], None, 9),
    (["--syscall-times=s", "-T"], None, 6),                     # -T: microseconds again
])
def test_relative_and_call_times(args, rel, dur):
    o = parse_args(["run", *args, *RUN])
    assert (o.relative, o.syscall_times) == (rel, dur)


@pytest.mark.parametrize("args, message", [
    (["--timestamps=unix,xs"], "invalid --timestamps argument: 'unix,xs'"),
    (["--absolute-timestamps=format:ms"], "invalid --absolute-timestamps argument: 'format:ms'"),
    (["--absolute-timestamps=precision:unix"],
     "invalid --absolute-timestamps argument: 'precision:unix'"),
    (["--relative-timestamps="], "invalid --relative-timestamps argument: ''"),
    (["--syscall-times=MS"], "invalid --syscall-times argument: 'MS'"),
    (["-t", "--timestamps"], "-t and --absolute-timestamps cannot be provided simultaneously"),
])
def test_bad_time_options(args, message):
    with pytest.raises(UsageError) as e:
        parse_args(["run", *args, *RUN])
    assert str(e.value) == message


def test_scales_and_formats():
    assert [time_scale(a) for a in ("s", "ms", "us", "ns", None, "", "m")] == \
        [0, 3, 6, 9, 6, None, None]
    assert absolute_format("", None, 0) == ("time", 0)
    assert absolute_format("unix,,ms", None, 0) == ("unix", 3)   # (empty items skipped)
    assert absolute_format("format:s", "time", 0) is None


T = 1_700_000_123_456_789_012   # a time since the epoch, in nanoseconds


@pytest.mark.parametrize("fmt, width, text", [
    ("unix", 0, "1700000123 "), ("unix", 3, "1700000123.456 "),
    ("unix", 6, "1700000123.456789 "), ("unix", 9, "1700000123.456789012 "),
])
def test_unix_prefix(fmt, width, text):
    assert Stamps(fmt, width).prefix(T, 0) == text
    assert Stamps(fmt, width).prefix(T - 5, 5) == text        # (the clock's offset added)


def test_time_of_day_prefix():
    clock = time.strftime("%H:%M:%S", time.localtime(T // 10**9))
    assert Stamps("time", 0).prefix(T, 0) == clock + " "
    assert Stamps("time", 9).prefix(T, 0) == clock + ".456789012 "


def test_relative_prefix():
    s = Stamps(relative=3)
    assert [s.prefix(t, 0) for t in (10**9, 10**9 + 1_234_567_890, 10**9 + 1_234_567_890)] \
        == ["     0.000 ", "     1.234 ", "     0.000 "]
    s = Stamps("unix", 0, relative=0)                             # with -t: "(+...)"
    assert [s.prefix(t, 0) for t in (T, T + 2 * 10**9)] == \
        ["1700000123 (+     0) ", "1700000125 (+     2) "]


@pytest.mark.parametrize("width, text", [(0, " <1>"), (3, " <1.002>"), (6, " <1.002003>"),
                                         (9, " <1.002003004>")])
def test_call_time(width, text):
    assert Stamps(durations=width).duration(1_002_003_004) == text
