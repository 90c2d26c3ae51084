# SPDX-License-Identifier: GPL-2.0-or-later
"""The -c/-C summary's -S sort keys and -U columns, as strace 6.1 names and lays them out;
counts made with SyscallCounts.add, no tracee."""

from __future__ import annotations

import pytest

from aiotrace._cli._args import UsageError, parse_args
from aiotrace._cli._summary import parse_columns, sort_key, table
from aiotrace.engines import SyscallCounts


def _counts() -> SyscallCounts:
    c = SyscallCounts()
    for nr, name, ns, failed in [(0, "read", 3_000, False), (0, "read", 1_000, True),
                                 (1, "write", 2_500_000, False), (39, "getpid", 1_600, False),
                                 (39, "getpid", 2_700, False), (39, "getpid", 1_900, False)]:
        c.add(nr, name, ns, failed)
    return c


@pytest.mark.parametrize("key, order", [
    ("time", ["write", "getpid", "read"]), ("time_total", ["write", "getpid", "read"]),
    ("total-time", ["write", "getpid", "read"]), ("calls", ["getpid", "read", "write"]),
    ("count", ["getpid", "read", "write"]), ("errors", ["read", "write", "getpid"]),
    ("syscall-name", ["getpid", "read", "write"]), ("nothing", ["read", "write", "getpid"]),
    ("shortest", ["write", "getpid", "read"]), ("min-time", ["write", "getpid", "read"]),
    ("max_time", ["write", "read", "getpid"]), ("longest", ["write", "read", "getpid"]),
    ("time-avg", ["write", "getpid", "read"]),
])
def test_sort_keys(key, order):
    assert [st.name for st in _counts().stats(sort_key(key))] == order


def test_min_and_max_per_call():
    st = _counts()["getpid"]
    assert (st.time_min_ns, st.time_max_ns, st.calls) == (1_600, 2_700, 3)


def test_table_with_chosen_columns():
    text = table(_counts(), "time_max", parse_columns("calls,time-min,time-max,errors"))
    assert text == (
        "    calls shortest  longest    errors syscall\n"
        "--------- -------- -------- --------- ----------------\n"
        "        1 0.002500 0.002500           write\n"
        "        2 0.000001 0.000003         1 read\n"
        "        3 0.000002 0.000003           getpid\n"
        "--------- -------- -------- --------- ----------------\n"
        "        6 0.000001 0.002500         1 total\n")


def test_the_default_columns_are_the_engine_table():
    c = _counts()
    columns = parse_columns("time_percent,total_time,avg_time,calls,errors,name")
    assert table(c, "time", columns) == c.table("time")


@pytest.mark.parametrize("args, message", [
    (["-c", "-U", "calls,foo"], "unknown column name: 'foo'"),
    (["-c", "-U", "calls,count"], "call summary column has been provided more than once: "
     "'count'"),
    (["-U", "calls"], "-U/--summary-columns must be given with (-c/--summary-only or "
     "-C/--summary)"),
    (["-c", "-S", "fastest"], "invalid sortby: 'fastest'"),
])
def test_mistakes(args, message):
    with pytest.raises(UsageError) as e:
        parse_args(["run", *args, "--", "true"])
    assert str(e.value).startswith(message)
