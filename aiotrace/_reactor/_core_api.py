"""What the loop side uses of the tracer thread's core (``aiotrace._core``): the one place
that imports it, so that a change of the core's layout touches this module only."""

from __future__ import annotations

from .._core import _ffi, _onerror
from .._core._args import Memory, read_cstring
from .._core._events import Signal, SyscallEntry, SyscallExit, TraceEvent
from .._core._model import END, Family, Hold, Subscription
from .._core._spawn import AttachError, SpawnError
from .._core._tracer import BASE_OPTIONS, FOLLOW_OPTIONS, Core
from .._core._verdict import STEP, DeliverSignal, Rewrite, SetReturn, Skip, Verdict

__all__ = [
    "BASE_OPTIONS", "END", "FOLLOW_OPTIONS", "STEP", "AttachError", "Core", "DeliverSignal",
    "Family", "Hold", "Memory", "read_cstring", "Rewrite", "SetReturn", "Signal", "Skip", "SpawnError",
    "Subscription", "SyscallEntry", "SyscallExit", "TraceEvent", "Verdict", "_ffi", "_onerror",
]
