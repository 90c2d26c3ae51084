"""aiotrace: async (asyncio/trio) event-stream tracing of Linux processes, on ptrace.

See README.md and docs/ for the tutorial and the concepts.
"""

from __future__ import annotations

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
from ._data import Call as Call
from ._data import load as load
from ._data import record as record
from . import syscalls as syscalls

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

# Tracebacks say aiotrace.X, not aiotrace._private.X (as trio does).
for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith("aiotrace."):
        try:
            _obj.__module__ = "aiotrace"
        except (AttributeError, TypeError):
            pass
del _name, _obj


def __getattr__(name: str) -> object:
    # Trace and RecordingError need pyarrow (the aiotrace[data] extra): imported on use
    if name in ("Trace", "RecordingError"):
        from ._data import _trace
        return getattr(_trace, name)
    raise AttributeError(f"module 'aiotrace' has no attribute {name!r}")
