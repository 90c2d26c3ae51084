"""Sharp tools: the raw state of a stopped thread, and tuning of the tracer thread's loop.

.. warning::

   What is here gives direct access to a traced thread (its registers, its memory, how
   long it stays stopped) or to how the tracer thread's C loop handles a stop. Used
   wrongly, it corrupts the traced program (a register written at the wrong stop, a
   ``scratch()`` address kept after the call), keeps it stopped for ever (a
   ``HoldHandle`` never released), or makes a capture read memory the program has
   already changed (a ``Capture`` that says a stop reads nothing when it does). aiotrace
   checks the values, not what they mean to the program. Most engines need none of it:
   the event's verdict methods and ``event.thread.read()`` are enough.

Nothing here has a public constructor except :class:`Capture`: the handles are what an
intercepted event gives (``event.thread``, ``event.thread.regs``, ``event.hold()``),
and they are exported so that they can be named in annotations.

- :class:`Registers`: a copy of a stopped thread's registers, written back with the
  verdict when assigned (``event.thread.regs``).
- :class:`ThreadHandle`: the stopped thread of an intercepted event (``event.thread``):
  read and write its memory, its registers, room on its stack (``scratch``).
- :class:`HoldHandle`: keeps a thread stopped beyond its event (``event.hold()``) until
  ``release()``.
- :class:`Memory`: what a capture function reads the stopped thread's memory through.
- :class:`Capture`: a stream's capture function, with the stops where it may run after
  the thread has gone on and the memory the C loop may copy for it
  (``proc.events(capture=Capture(fn, after_resume=..., reads_nothing=...,
  prefetch=...))``).
"""

from __future__ import annotations

from ._reactor._core_api import Memory
from ._reactor._options import Capture
from ._reactor._verdicts import HoldHandle, Registers, ThreadHandle

__all__ = ["Capture", "HoldHandle", "Memory", "Registers", "ThreadHandle"]

# Tracebacks and reprs say aiotrace.lowlevel.X (as trio does for trio.lowlevel).
for _obj in (Capture, HoldHandle, Memory, Registers, ThreadHandle):
    _obj.__module__ = __name__
del _obj
