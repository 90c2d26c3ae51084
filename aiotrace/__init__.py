"""aiotrace: async (asyncio/trio) event-stream tracing of Linux processes, on ptrace.

See README.md and docs/ for the tutorial and the concepts.
"""

from __future__ import annotations

# ``import aiotrace`` imports nothing else (start-up time, issue 24): each public name is
# imported on first use, by the module ``__getattr__`` below (PEP 562), and
# ``from aiotrace import X`` works as before. The imports under TYPE_CHECKING are what
# type checkers and the API documentation read; _LAZY says where each name lives.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from . import lowlevel as lowlevel
    from . import syscalls as syscalls
    from ._api import trace as trace
    from ._context import ProcessContext as ProcessContext
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
    from ._data import Call as Call
    from ._data import load as load
    from ._data import record as record
    from ._data._trace import RecordingError as RecordingError
    from ._data._trace import Trace as Trace
    from ._exceptions import AiotraceError as AiotraceError
    from ._exceptions import AttachDenied as AttachDenied
    from ._exceptions import NotDetachable as NotDetachable
    from ._exceptions import NotIntercepted as NotIntercepted
    from ._exceptions import SpawnFailed as SpawnFailed
    from ._exceptions import StreamClosedByLoop as StreamClosedByLoop
    from ._exceptions import TraceeGone as TraceeGone
    from ._exceptions import TracerClosed as TracerClosed
    from ._exceptions import VerdictAlreadyGiven as VerdictAlreadyGiven
    from ._held import Held as Held
    from ._paths import fd_text as fd_text
    from ._probing import ProbeError as ProbeError
    from ._probing import ProbeStream as ProbeStream
    from ._reactor import EventStream as EventStream
    from ._reactor import EventStreamStatistics as EventStreamStatistics
    from ._reactor import Process as Process
    from ._reactor import Tracer as Tracer
    from ._reactor import TracerStatistics as TracerStatistics
    from ._reactor import open_tracer as open_tracer
    from ._reactor import start_tracer as start_tracer
del TYPE_CHECKING

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

# Each name imported on first use, and the module it comes from (a submodule stands for
# itself). Trace and RecordingError need pyarrow (the aiotrace[data] extra).
_LAZY = {
    "lowlevel": "lowlevel", "syscalls": "syscalls", "trace": "_api",
    "ProcessContext": "_context", "Frame": "_core._symbols", "Decision": "_core._verdict",
    "ProbeHit": "_core._probe_events", "ProbeReturn": "_core._probe_events",
    "Call": "_data", "load": "_data", "record": "_data",
    "Trace": "_data._trace", "RecordingError": "_data._trace",
    "Held": "_held", "fd_text": "_paths", "ProbeError": "_probing", "ProbeStream": "_probing",
    **dict.fromkeys(["Clone", "Continued", "Death", "Exec", "Exit", "GroupStop", "Interrupt",
                     "Signal", "SingleStep", "SyscallEntry", "SyscallExit", "TraceEvent"],
                    "_core._events"),
    **dict.fromkeys(["AiotraceError", "AttachDenied", "NotDetachable", "NotIntercepted",
                     "SpawnFailed", "StreamClosedByLoop", "TraceeGone", "TracerClosed",
                     "VerdictAlreadyGiven"], "_exceptions"),
    **dict.fromkeys(["EventStream", "EventStreamStatistics", "Process", "Tracer",
                     "TracerStatistics", "open_tracer", "start_tracer"], "_reactor"),
}


def _public(obj: object) -> None:
    # Tracebacks say aiotrace.X, not aiotrace._private.X (as trio does).
    if getattr(obj, "__module__", "").startswith("aiotrace."):
        try:
            obj.__module__ = "aiotrace"
        except (AttributeError, TypeError):
            pass


def __getattr__(name: str) -> object:
    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module 'aiotrace' has no attribute {name!r}")
    import importlib
    import sys
    module = importlib.import_module("." + where, __name__)
    obj: object = module if where == name else getattr(module, name)
    if name not in __all__:   # (syscalls, bound by its import; Trace and RecordingError,
        return obj            # given but not names of the package's own: not bound)
    globals()[name] = obj
    # Every public name whose module is imported by now is bound and says aiotrace.X, not
    # only this one: an event that reaches the program before its class was asked for by
    # name (through a tracer, say) says aiotrace.SyscallExit too.
    # (A module still being imported may lack the name yet: it is bound on its first use.)
    for other in __all__:
        where = _LAZY[other]
        loaded = sys.modules.get(f"{__name__}.{where}")
        if loaded is None or where == other:
            continue
        if other not in globals() and hasattr(loaded, other):
            globals()[other] = getattr(loaded, other)
        if other in globals():
            _public(globals()[other])
    return obj


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
