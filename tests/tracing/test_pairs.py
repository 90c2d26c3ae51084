# SPDX-License-Identifier: GPL-2.0-or-later
"""A call's entry and exit records of the C loop taken as one event (the internal
``Capture(_pairs=...)``, Subscription.pairs: the CLI's printer's quiet calls), on both
tracer loops (the Python loop never pairs) and both event loops."""

from __future__ import annotations

import os
from typing import Any

import pytest

import aiotrace
from aiotrace import SyscallEntry, SyscallExit
from aiotrace.lowlevel import Capture
from test_accel import run_blocking_the_loop   # (this directory's: pytest's rootdir path)

pytestmark = pytest.mark.anyio

_QUIET = {SyscallEntry: {"getppid"}, SyscallExit: {"getppid"}}


def _single(ev: Any, mem: Any) -> Any:
    return ("single", type(ev).__name__)


async def _trace(target: Any, n: int, pair: Any, observer: bool = False
                 ) -> tuple[list[Any], list[Any]]:
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), str(n)])
        events = proc.events(SyscallEntry, SyscallExit, syscalls={"getppid"}, buffer=4 * n,
                             capture=Capture(_single, reads_nothing=_QUIET, _pairs=pair))
        other = proc.events(SyscallEntry, SyscallExit, syscalls={"getppid"},
                            buffer=4 * n) if observer else None
        run_blocking_the_loop(proc)
        assert await proc.wait() == 0
        async with events:
            got = [ev async for ev in events]
        seen: list[Any] = []
        if other is not None:
            async with other:
                seen = [ev async for ev in other]
    return got, seen


def _pair(ev: Any, t0: int, mem: Any) -> Any:
    return ("pair", t0)


async def test_a_calls_two_records_come_as_one_event(target: Any, tracer_loop: str) -> None:
    # getppid's entry and exit records, one after the other: one exit event whose
    # captured is the taker's, standing for both stops (the entry's seq is the one before,
    # and no event has it). Every call comes once, paired or as its two events.
    n = 400
    got, _ = await _trace(target, n, _pair)
    pairs = [ev for ev in got if ev.captured[0] == "pair"]
    entries = [ev for ev in got if isinstance(ev, SyscallEntry)]
    exits = [ev for ev in got if isinstance(ev, SyscallExit)]
    assert len(exits) == n and len(entries) + len(pairs) == n
    assert all(isinstance(ev, SyscallExit) and ev.retval == os.getpid() for ev in pairs)
    assert all(ev.captured[1] < ev.time_ns for ev in pairs)   # (the entry's time)
    seqs = [ev.seq for ev in got]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert not {ev.seq - 1 for ev in pairs} & set(seqs)
    if tracer_loop == "c":
        assert len(pairs) >= n // 2   # (a batch's last entry record waits for its exit's)
    else:
        assert not pairs   # (the Python loop makes each stop's event itself)


@pytest.mark.parametrize("how", ["declined", "another stream"])
async def test_calls_come_as_two_events_unless_paired(
        target: Any, tracer_loop: str, how: str) -> None:
    # A taker that declines (None), or a second stream of the family: each stop is an
    # event, with the capture's value, as without a taker; the other stream sees them all.
    n = 200
    asked: list[int] = []

    def decline(ev: Any, t0: int, mem: Any) -> Any:
        asked.append(ev.seq)
        return None

    got, seen = await _trace(target, n, decline if how == "declined" else _pair,
                             observer=how == "another stream")
    assert [ev.captured for ev in got] == [("single", "SyscallEntry"),
                                          ("single", "SyscallExit")] * n
    if how == "declined":
        assert len(asked) >= (n // 2 if tracer_loop == "c" else 0)
    else:
        assert [(type(ev), ev.seq) for ev in seen] == [(type(ev), ev.seq) for ev in got]
