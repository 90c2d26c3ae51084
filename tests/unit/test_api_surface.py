"""The shape of the public API: what is exported, the errors' classes.

Pure: no tracee (the behaviour behind these names is tested where it traces).
"""

from __future__ import annotations

import collections.abc
import types
import typing

import pytest

import aiotrace
from aiotrace import Exit, Signal, SyscallEntry, SyscallExit
from aiotrace.lowlevel import Capture

MISUSES = ["NotIntercepted", "VerdictAlreadyGiven", "NotDetachable", "StreamClosedByLoop"]


@pytest.mark.parametrize("name", MISUSES)
def test_every_misuse_error_is_an_aiotrace_error_and_still_a_runtime_error(name):
    cls = getattr(aiotrace, name)
    assert issubclass(cls, aiotrace.AiotraceError)
    assert issubclass(cls, RuntimeError)   # (what aiotrace raised before: except still works)
    assert cls.__module__ == "aiotrace"


def test_a_capture_is_checked_when_made():
    with pytest.raises(TypeError, match="capture takes a function"):
        Capture(None, after_resume={SyscallEntry: {"read"}})   # type: ignore[arg-type]
    for what in ("after_resume", "reads_nothing"):
        with pytest.raises(TypeError, match=f"{what}= takes a mapping"):
            Capture(print, **{what: {"read"}})
        with pytest.raises(ValueError, match=f"{what}= takes SyscallEntry and SyscallExit"):
            Capture(print, **{what: {Signal: {"read"}}})
        with pytest.raises(ValueError, match="unknown system call"):
            Capture(print, **{what: {SyscallEntry: {"reed"}}})
    for spec, message in [
        ({SyscallExit: {"read": [(6, 8)]}}, "is not a copy"),
        ({SyscallExit: {"read": [(1, "bytes", 8)]}}, "is not a copy"),
        ({SyscallExit: {"read": [(1, 1 << 17)]}}, "a copy takes 0 to 65536 bytes"),
        ({SyscallEntry: {"read": [(1, "retval")]}}, "no return value"),
        ({SyscallExit: {"read": [(1, 8), (1, 8), (1, 8)]}}, "at most 2 copies"),
        ({Exit: {"read": [(1, 8)]}}, "takes SyscallEntry and SyscallExit"),
        ({SyscallExit: {"reed": [(1, 8)]}}, "unknown system call"),
    ]:
        with pytest.raises(ValueError, match=message):
            Capture(print, prefetch=spec)


def test_a_capture_keeps_what_it_was_given():
    after = {SyscallEntry: {"write"}}
    cap = Capture(print, after_resume=after)
    assert (cap.fn, cap.after_resume, cap.reads_nothing, cap.prefetch) == (
        print, after, None, None)
    assert cap == Capture(print, after_resume=after)   # (a value: compared by what it says)
    with pytest.raises(AttributeError):
        cap.fn = repr   # type: ignore[misc]
    assert repr(cap).startswith("Capture(fn=<built-in function print>")


@pytest.mark.parametrize("cls, where", [
    (aiotrace.Tracer, "open_tracer()"),
    (aiotrace.Process, "tracer.spawn() or tracer.attach()"),
    (aiotrace.EventStream, "proc.events()"),
    (aiotrace.EventStream[SyscallExit], "proc.events()"),
])
def test_no_public_constructor(cls, where):
    with pytest.raises(TypeError, match="has no public constructor") as info:
        cls()
    assert where in str(info.value)
    name = "EventStream" if cls is aiotrace.EventStream[SyscallExit] else cls.__name__
    assert str(info.value).startswith(f"aiotrace.{name} has no public constructor")


@pytest.mark.parametrize("name, where", [
    ("Registers", "event.thread.regs"),
    ("ThreadHandle", "event.thread"),
    ("HoldHandle", "event.hold()"),
    ("Memory", "what a capture function is given"),
])
def test_the_lowlevel_handles_have_no_public_constructor(name, where):
    cls = getattr(aiotrace.lowlevel, name)
    with pytest.raises(TypeError, match="has no public constructor") as info:
        cls(1, 2)
    assert where in str(info.value)
    assert str(info.value).startswith(f"aiotrace.lowlevel.{name} has no public constructor")


def test_all_lists_every_public_name():
    for name in aiotrace.__all__:   # (first: some names are imported on first use)
        obj = getattr(aiotrace, name)
        if isinstance(obj, type):   # (tracebacks say aiotrace.X)
            assert obj.__module__ == "aiotrace", name
    # (submodules other than lowlevel are attributes only once imported: aiotrace.engines)
    public = {n for n, v in vars(aiotrace).items()
              if not n.startswith("_") and n != "annotations"
              and (not isinstance(v, types.ModuleType) or n == "lowlevel")}
    assert set(aiotrace.__all__) == public
    assert len(aiotrace.__all__) == len(set(aiotrace.__all__))


def test_lowlevel_exports_the_handles_and_capture():
    import aiotrace.lowlevel as lowlevel

    assert aiotrace.lowlevel is lowlevel
    assert set(lowlevel.__all__) == {"Capture", "HoldHandle", "Memory", "Registers",
                                     "ThreadHandle"}
    for name in lowlevel.__all__:
        assert getattr(lowlevel, name).__module__ == "aiotrace.lowlevel", name


def test_a_syscall_events_args_are_typed_as_what_they_are():
    # (call.args.path decodes by name: the annotation is the sequence type that does it)
    from aiotrace._core import _events
    from aiotrace._core._args import Args

    for cls in (SyscallEntry, SyscallExit):   # (their __module__ says aiotrace)
        assert typing.get_type_hints(cls, globalns=vars(_events))["args"] is Args
    hints = typing.get_type_hints(Args.__iter__)
    assert hints["return"] == collections.abc.Iterator[int]
