"""The merge rules of verdicts (aiotrace/_core/_verdict.py): a table, no tracee."""

from __future__ import annotations

import pytest

from aiotrace._core._verdict import (
    CLEAN, STEP, Decision, DeliverSignal, Rewrite, SetReturn, Skip, merge, rewritten_args,
    seen_by_next,
)


@pytest.mark.parametrize("verdicts, decision", [
    ([], CLEAN),
    ([Skip(-13)], Decision(skip_return=-13)),
    ([Rewrite(39, None)], Decision(nr=39)),
    ([Rewrite(None, (1, 2))], Decision(args=(1, 2))),
    # a later verdict overrides what it names, and keeps the rest
    ([Rewrite(39, (1,)), Rewrite(None, (2, 3))], Decision(nr=39, args=(2, 3))),
    ([Rewrite(39, (1,)), Skip(5)], Decision(skip_return=5)),
    ([Skip(5), Rewrite(39, None)], Decision(nr=39)),
    ([SetReturn(7), SetReturn(8)], Decision(set_return=8)),
    ([DeliverSignal(10), DeliverSignal(0)], Decision(signo=0)),
    ([STEP, Skip(-1)], Decision(skip_return=-1, singlestep=True)),
    ([SetReturn(-2), STEP], Decision(set_return=-2, singlestep=True)),
    # a signal sent as the thread goes on from a syscall entry (inject's signal=)
    ([Skip(-2, 10)], Decision(skip_return=-2, signo=10)),
    ([Rewrite(186, None, 10)], Decision(nr=186, signo=10)),
    ([DeliverSignal(12), Skip(-2)], Decision(skip_return=-2, signo=12)),   # kept
    ([Skip(-2, 10), Rewrite(186, None, 12)], Decision(nr=186, signo=12)),
])
def test_merge(verdicts, decision):
    d = CLEAN
    for v in verdicts:
        d = merge(d, v)
    assert d == decision


def test_merge_never_changes_its_input():
    d = Decision(signo=10)
    assert merge(d, Skip(-1)) == Decision(skip_return=-1, signo=10)
    assert d == Decision(signo=10)
    with pytest.raises(TypeError):
        merge(d, "resume")   # type: ignore[arg-type]


@pytest.mark.parametrize("decision, seen", [
    (CLEAN, None),
    (Decision(signo=10), None),           # the signal as it came: nothing asked
    (Decision(singlestep=True), None),
    (Decision(skip_return=-13), Decision(skip_return=-13)),
    (Decision(set_return=0), Decision(set_return=0)),
    (Decision(args=(1,)), Decision(args=(1,))),
])
def test_what_the_next_engine_sees(decision, seen):
    assert seen_by_next(decision) == seen


def test_rewritten_args_keep_the_rest():
    assert rewritten_args((1, 2, 3, 4, 5, 6), (9, 8)) == (9, 8, 3, 4, 5, 6)
    assert rewritten_args((1, 2, 3, 4, 5, 6), ()) == (1, 2, 3, 4, 5, 6)
