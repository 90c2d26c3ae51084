"""aiotrace: async (asyncio/trio) event-stream tracing of Linux processes, on ptrace.

See README.md and docs/ for the tutorial and the concepts.
"""

from __future__ import annotations

import typing as _typing

from . import lowlevel as lowlevel
from ._api import trace as trace
from ._core._events import Clone as Clone
from ._core._events import Continued as Continued
from ._core._events import Death as Death
from ._core._events import Exec as Exec
from ._core._events import Exit as Exit
from ._core._events import GroupStop as GroupStop
from ._core._events import Interrupt as Interrupt
from ._core._events import Signal as Signal
from ._core._events import SingleStep as SingleStep
from ._core._events import SyscallEntry as SyscallEntry
from ._core._events import SyscallExit as SyscallExit
from ._core._events import TraceEvent as TraceEvent
from ._core._probe_events import ProbeHit as ProbeHit
from ._core._probe_events import ProbeReturn as ProbeReturn
from ._core._symbols import Frame as Frame
from ._core._verdict import Decision as Decision
from ._exceptions import AiotraceError as AiotraceError
from ._exceptions import AttachDenied as AttachDenied
from ._exceptions import NotDetachable as NotDetachable
from ._exceptions import NotIntercepted as NotIntercepted
from ._exceptions import SpawnFailed as SpawnFailed
from ._exceptions import StreamClosedByLoop as StreamClosedByLoop
from ._exceptions import TraceeGone as TraceeGone
from ._exceptions import TracerClosed as TracerClosed
from ._exceptions import VerdictAlreadyGiven as VerdictAlreadyGiven
from ._context import ProcessContext as ProcessContext
from ._held import Held as Held
from ._paths import fd_text as fd_text
from ._reactor import EventStream as EventStream
from ._reactor import EventStreamStatistics as EventStreamStatistics
from ._reactor import Process as Process
from ._reactor import Tracer as Tracer
from ._reactor import TracerStatistics as TracerStatistics
from ._reactor import open_tracer as open_tracer
from ._reactor import start_tracer as start_tracer
from ._probing import ProbeError as ProbeError
from ._probing import ProbeStream as ProbeStream
from . import syscalls as syscalls

if _typing.TYPE_CHECKING:   # imported on first use (module __getattr__ below): the data layer
    from ._data import Call as Call
    from ._data import load as load
    from ._data import record as record
    from ._data._trace import RecordingError as RecordingError
    from ._data._trace import Trace as Trace

__version__ = "0.1.0"

__all__ = [
    "AiotraceError", "AttachDenied", "Call", "Clone", "Continued", "Death", "Decision",
    "EventStream", "EventStreamStatistics", "Exec", "Exit", "Frame", "GroupStop", "Held",
    "Interrupt", "NotDetachable", "NotIntercepted", "ProbeError", "ProbeHit", "ProbeReturn",
    "ProbeStream", "Process", "ProcessContext", "Signal", "SingleStep", "SpawnFailed",
    "StreamClosedByLoop", "SyscallEntry", "SyscallExit", "TraceEvent", "TraceeGone", "Tracer",
    "TracerClosed", "TracerStatistics", "VerdictAlreadyGiven", "fd_text", "load", "lowlevel",
    "open_tracer", "record", "start_tracer", "trace",
]

# Names whose modules are imported on first use, not by ``import aiotrace`` (start-up time,
# issue 24): the data layer, and Trace and RecordingError, which need pyarrow (the
# aiotrace[data] extra).
_LAZY = {"Call": "_data", "load": "_data", "record": "_data",
         "Trace": "_data._trace", "RecordingError": "_data._trace"}


def _public(obj: object) -> None:
    # Tracebacks say aiotrace.X, not aiotrace._private.X (as trio does).
    if getattr(obj, "__module__", "").startswith("aiotrace."):
        try:
            obj.__module__ = "aiotrace"
        except (AttributeError, TypeError):
            pass


for _name in __all__:
    if _name not in _LAZY:
        _public(globals()[_name])
del _name


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib
        obj: object = getattr(importlib.import_module("." + _LAZY[name], __name__), name)
        if name in __all__:
            _public(obj)
            globals()[name] = obj
        return obj
    raise AttributeError(f"module 'aiotrace' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
