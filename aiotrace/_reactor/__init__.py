"""The loop side: the only package that imports anyio.

From the bottom up (imports go one way):

- ``_core_api``: the names of the core (``aiotrace._core``) used here, imported once;
- ``_options``: checks of the arguments that take more than a value;
- ``_backends``: one class per event loop (``_backend_asyncio``, ``_backend_trio``), chosen
  once per tracer: the only code that knows which loop runs;
- ``_verdicts``: the verdict API behind an intercepted event, and the handles an engine
  gets there (registers, the stopped thread, an extra hold);
- ``_hub``: the loop half of the hand-off with the tracer thread (the pipe, the pump,
  the outbox, the look after a verdict's yield), one per tracer;
- ``_stream``: ``EventStream``;
- ``_process``: ``Process``;
- ``_tracer``: ``Tracer``, ``open_tracer()``, ``start_tracer()``.
"""

from __future__ import annotations

from ._process import Process
from ._stream import EventStream, EventStreamStatistics
from ._tracer import Tracer, TracerStatistics, open_tracer, start_tracer
from ._verdicts import HoldHandle, Registers, ThreadHandle

__all__ = [
    "EventStream", "EventStreamStatistics", "HoldHandle", "Process", "Registers", "ThreadHandle",
    "Tracer", "TracerStatistics", "open_tracer", "start_tracer",
]
