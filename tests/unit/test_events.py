"""Event classes: their constructor stores every field, as a dataclass's would. Pure: no
tracee (events get a faster ``__init__`` than the frozen dataclass's own)."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from aiotrace._core._events import EVENT_TYPES, SyscallExit


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
