"""The merge rules of verdicts (aiotrace/_core/_verdict.py): a table, no tracee."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle

import pytest

from aiotrace._core._verdict import (
    CLEAN, STEP, Decision, DeliverSignal, Rewrite, SetReturn, Skip, Step, merge, rewritten_args,
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


@pytest.mark.parametrize("cls", [Decision, Skip, Rewrite, SetReturn, DeliverSignal, Step],
                         ids=lambda c: c.__name__)
def test_verdicts_behave_as_the_frozen_dataclasses_they_are_declared(cls):
    fields = dataclasses.fields(cls)
    ref = dataclasses.make_dataclass(
        cls.__name__, [(f.name, f.type, dataclasses.field(default=f.default)) for f in fields],
        frozen=True, slots=True)
    values = {f.name: (i, "x") for i, f in enumerate(fields)}
    made, expected = cls(**values), ref(**values)
    assert repr(made) == repr(expected) and hash(made) == hash(expected)
    assert made == cls(**values) and made != ref(**values) and made.__eq__(1) is NotImplemented
    for name in values:   # each field counts
        assert made != cls(**{**values, name: None})
    assert [(p.name, p.default, p.kind) for p in inspect.signature(cls).parameters.values()] \
        == [(p.name, p.default, p.kind) for p in inspect.signature(ref).parameters.values()]
    assert pickle.loads(pickle.dumps(made)) == made == copy.deepcopy(made)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.x = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        del made.x
    # (methods shared by the classes, not written and compiled for each: start-up time)
    assert (cls.__eq__, cls.__repr__) == (Decision.__eq__, Decision.__repr__)


@pytest.mark.parametrize("cls", [Decision, Skip, Rewrite, SetReturn, DeliverSignal, Step],
                         ids=lambda c: c.__name__)
def test_a_programs_frozen_dataclass_may_derive_from_a_verdict(cls):
    # (a frozen dataclass cannot derive from one that says it is not frozen)
    params = cls.__dataclass_params__
    assert (params.init, params.repr, params.eq, params.frozen) == (True, True, True, True)

    @dataclasses.dataclass(frozen=True)
    class Mine(cls):
        note: str = "n"
    values = {f.name: (i, "x") for i, f in enumerate(dataclasses.fields(cls))}
    made = Mine(**values)
    assert made == Mine(**values) and made != cls(**values) and made.note == "n"
    assert hash(made) == hash(Mine(**values))
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.note = "m"
