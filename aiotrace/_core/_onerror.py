"""What happens to a held call when its engine is gone: an intercepting stream's
``on_error`` (``Process.events(..., intercept=True, on_error=...)``).

An intercepting engine holds each event's thread until its verdict. When the engine ends
without one (it raised, it was cancelled, its stream was closed, dropped or its bare
``async for`` left), every event the stream holds and has not answered (the one it was
handed, and those still waiting in its buffer) gets the stream's *on_error* instead of a
verdict:

* ``"resume"`` (the default): the call goes on as if nobody had looked (fail-open);
* an errno (``errno.EACCES``, or its name ``"EACCES"``): a syscall entry is skipped and
  returns ``-errno``, a syscall exit returns ``-errno``; any other stop goes on;
* ``"kill"``: the process that made the call gets SIGKILL (SIGKILL always wins: a call
  held at its entry never runs).

This is seccomp user notification's rule when its supervisor goes away (the call fails
with ENOSYS), with the choice of what fails. Fetching the next event without a verdict
is not an error: it resumes the previous one, whatever *on_error* says.

Pure: parsing and the verdict for a stop; the tracer thread applies them (_arbiter).
"""

from __future__ import annotations

import errno as _errno
from dataclasses import dataclass
from typing import Any

from ._events import SyscallEntry, SyscallExit, TraceEvent
from ._verdict import SetReturn, Skip, Verdict

ERRNO_MAX = 4095


@dataclass(frozen=True, slots=True)
class OnError:
    """A stream's *on_error*, checked: fail with *errno*, or *kill* the process."""

    errno: int = 0
    kill: bool = False

    def __str__(self) -> str:
        if self.kill:
            return "kill"
        return _errno.errorcode.get(self.errno, str(self.errno))


KILL = OnError(kill=True)

_EXPECT = ("'resume' (the default: the call goes on), 'kill' (the process is killed), or "
           "an errno to fail the call with: errno.EACCES or its name 'EACCES'")


def parse(value: Any) -> OnError | None:
    """*value* as given to ``events(on_error=...)``: None for "resume" (nothing to do),
    else an :class:`OnError`. Raises TypeError or ValueError saying what to pass."""
    if value is None or value == "resume":
        return None
    if isinstance(value, OnError):
        return value
    if isinstance(value, str):
        if value == "kill":
            return KILL
        name = value.upper()
        err = getattr(_errno, name, None)
        if name.startswith("E") and isinstance(err, int):
            return OnError(errno=err)
        raise ValueError(f"on_error={value!r} is neither an errno name nor a mode: pass "
                         f"{_EXPECT}")
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"on_error takes {_EXPECT}, not {value!r}")
    if not 1 <= value <= ERRNO_MAX:
        raise ValueError(f"on_error={value!r} is not an errno (1 to {ERRNO_MAX}): pass "
                         f"{_EXPECT}")
    return OnError(errno=value)


def verdict(on_error: OnError, cls: type[TraceEvent] | None) -> Verdict | None:
    """The verdict that fails a stop of class *cls* with *on_error*'s errno (None: the
    stop is not a syscall's, or the mode is kill, which the caller carries out)."""
    if on_error.kill or not on_error.errno:
        return None
    if cls is SyscallEntry:
        return Skip(-on_error.errno)
    if cls is SyscallExit:
        return SetReturn(-on_error.errno)
    return None


__all__ = ["KILL", "OnError", "parse", "verdict"]
