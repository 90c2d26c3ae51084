"""Event classes: their constructor stores every field, as a dataclass's would. Pure: no
tracee (events get a faster ``__init__`` than the frozen dataclass's own)."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from aiotrace._core._events import EVENT_TYPES, SyscallExit, TraceEvent
from aiotrace._core._probe_events import PROBE_EVENTS


@pytest.mark.parametrize("cls", EVENT_TYPES, ids=lambda c: c.__name__)
def test_constructor_stores_every_field(cls):
    fields = dataclasses.fields(cls)
    values = {f.name: object() for f in fields}
    ev = cls(**values)
    assert {f.name: getattr(ev, f.name) for f in fields} == values
    # the same parameters, kinds and defaults as the dataclass declares
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    assert [p.name for p in params] == [f.name for f in fields if not f.kw_only] + \
        [f.name for f in fields if f.kw_only]
    for p in params:
        f = next(f for f in fields if f.name == p.name)
        assert (p.kind is p.KEYWORD_ONLY) == f.kw_only
        want = inspect.Parameter.empty if f.default is dataclasses.MISSING else f.default
        assert p.default == want
    with pytest.raises(dataclasses.FrozenInstanceError):
        ev.pid = 1


def test_positional_construction_and_defaults():
    ev = SyscallExit(1, 2, 3, 4, 39, (0,) * 6, 7)
    assert (ev.pid, ev.tid, ev.seq, ev.time_ns, ev.nr, ev.retval) == (1, 2, 3, 4, 39, 7)
    assert ev.captured is None and ev._ctl is None and not ev.intercepted
    assert ev == SyscallExit(1, 2, 3, 4, nr=39, args=(0,) * 6, retval=7, captured="other")
    with pytest.raises(TypeError):
        SyscallExit(1, 2, 3)
    with pytest.raises(TypeError):
        SyscallExit(1, 2, 3, 4, 39, (0,) * 6, 7, None)   # _ctl is keyword-only


def test_signal_name_table():
    from aiotrace._core._events import signal_name

    assert [signal_name(n) for n in (1, 6, 17, 29, 31, 32, 33, 63, 64, 0, 65)] == [
        "SIGHUP", "SIGABRT", "SIGCHLD", "SIGIO", "SIGSYS", "SIGRTMIN", "SIGRT_1", "SIGRT_31",
        "SIGRT_32", "SIG0", "SIG65"]


@pytest.mark.parametrize("cls", EVENT_TYPES + tuple(sorted(PROBE_EVENTS, key=lambda c: c.__name__)), ids=lambda c: c.__name__)
def test_equality_and_hash_are_a_dataclass_s(cls):
    fields = dataclasses.fields(cls)
    values = {f.name: i for i, f in enumerate(fields)}
    ev = cls(**values)
    assert ev == cls(**values) and hash(ev) == hash(cls(**values))
    compared = [f.name for f in fields if f.compare]
    assert hash(ev) == hash(tuple(values[n] for n in compared))
    for f in fields:   # each compared field counts; the others do not
        other = cls(**{**values, f.name: -1})
        assert (ev == other) is not f.compare and (ev != other) is f.compare
    assert "captured" not in compared and "pid" in compared
    assert ev != SyscallExit(1, 2, 3, 4, 39, (0,) * 6, 7) and ev.__eq__(1) is NotImplemented
    # (made once for every event class, not written and compiled for each: start-up time)
    assert (cls.__eq__, cls.__hash__) == (TraceEvent.__eq__, TraceEvent.__hash__)
    assert cls.__init__.__code__.co_name == "__init__"


@pytest.mark.parametrize("cls", EVENT_TYPES + tuple(sorted(PROBE_EVENTS, key=lambda c: c.__name__)), ids=lambda c: c.__name__)
def test_an_event_class_says_what_dataclass_it_is(cls):
    """Its dataclass parameters say what it has (an __init__, an __eq__, frozen), as they
    did when dataclass() wrote those methods: what inspects them sees the same class."""
    params = cls.__dataclass_params__
    assert (params.init, params.eq, params.frozen) == (True, True, True)


@pytest.mark.parametrize("cls", EVENT_TYPES + tuple(sorted(PROBE_EVENTS, key=lambda c: c.__name__)), ids=lambda c: c.__name__)
def test_an_event_is_frozen_by_shared_methods(cls):
    """No event class has a ``__setattr__`` or ``__delattr__`` that dataclass() wrote
    and compiled for it (start-up time, issue 24): they share one pair, which refuses
    any change, and a program's frozen dataclass may still derive from the class."""
    assert cls.__setattr__ is TraceEvent.__setattr__ is not object.__setattr__
    assert cls.__delattr__ is TraceEvent.__delattr__ is not object.__delattr__
    ev = cls(**{f.name: None for f in dataclasses.fields(cls)})
    for change in (lambda: setattr(ev, "pid", 1), lambda: delattr(ev, "pid")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            change()

    @dataclasses.dataclass(frozen=True)
    class Derived(cls):   # type: ignore[misc, valid-type]
        extra: int = 0

    assert Derived(**{f.name: None for f in dataclasses.fields(cls)}, extra=2).extra == 2
    with pytest.raises(TypeError, match="non-frozen"):
        dataclasses.dataclass(type("Thawed", (cls,), {"__annotations__": {"x": int}}))
