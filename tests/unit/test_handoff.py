"""The hand-off's own logic, on a Handoff whose tracer thread is not started (no
tracee): the commands just queue up."""

from __future__ import annotations

import os


def test_verdict_yields_back_off_when_the_cpu_goes_elsewhere(monkeypatch):
    """post_verdict yields the CPU to the tracer thread after each verdict, unless yields
    were found slow (the CPU went to other work): then it skips twice as many verdicts
    after each slow one, and goes back to yielding after a run of quick ones. (The logic
    alone, on a Core whose thread is not started: the commands just queue up.)"""
    from aiotrace._core import _handoff
    from aiotrace._core._doorbell import Doorbell
    core = _handoff.Handoff(lambda: None, lambda *a: None, None, Doorbell(lambda *a: None),
                            {}, None)
    clock = [0]
    slow = [False]
    yields = []

    def fake_yield() -> None:
        yields.append(clock[0])
        clock[0] += 10 * _handoff._SLOW_YIELD_NS if slow[0] else 1_000

    monkeypatch.setattr(os, "sched_yield", fake_yield)
    monkeypatch.setattr(_handoff, "_monotonic_ns", lambda: clock[0])

    def verdicts(n: int) -> int:
        before = len(yields)
        for _ in range(n):
            core.post_verdict(lambda: None)
        return len(yields) - before

    try:
        assert verdicts(10) == 10                      # quick yields: one per verdict
        slow[0] = True
        # slow: each yield makes the next 16, 32, 64... verdicts go without one
        assert verdicts(1 + 16 + 1 + 32 + 1 + 64) == 3
        assert (core._yield_backoff, core._yield_skip) == (64, 0)
        assert verdicts(1 + 128) == 1                   # the next slow one: 128 without
        slow[0] = False
        n = _handoff._FAST_YIELDS_TO_RESET
        assert verdicts(n) == n                         # quick again: one per verdict...
        slow[0] = True
        assert verdicts(1 + 16) == 1                    # ...and a new backoff starts small:
        assert verdicts(1) == 1                         # 16 skipped, not 256
    finally:
        core.close()
    assert len(core.commands) == 10 + 115 + 129 + n + 18   # every verdict was posted
