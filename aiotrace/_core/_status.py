"""Decoding of waitpid(2) statuses of ptraced threads, as pure functions.

Some facts about ptrace stops under PTRACE_SEIZE (see ptrace(2), "Stopped states"), which
this table relies on:

* ``WIFEXITED``/``WIFSIGNALED``: the thread is gone (for a thread-group leader, only once
  every other thread of the group is gone too).
* ``WSTOPSIG == SIGTRAP | 0x80`` (with PTRACE_O_TRACESYSGOOD): a syscall-stop. Whether it is
  an entry or an exit is not in the status; PTRACE_GET_SYSCALL_INFO tells.
* ``status >> 16 == PTRACE_EVENT_x``: a ptrace-event-stop (fork, vfork, clone, exec,
  vfork-done, exit, seccomp).
* ``status >> 16 == PTRACE_EVENT_STOP``: under SEIZE this means one of three things, told
  apart by ``WSTOPSIG``: a *group-stop* (SIGSTOP, SIGTSTP, SIGTTIN or SIGTTOU), or, with
  SIGTRAP, a PTRACE_INTERRUPT, the first stop of an auto-attached new child, or the
  notification that a listening (PTRACE_LISTEN) group-stop ended.
* otherwise (``status >> 16 == 0``): a signal-delivery-stop for ``WSTOPSIG``; resuming
  with that signal number delivers it, with 0 suppresses it.
"""

from __future__ import annotations

import enum
import signal
from typing import NamedTuple

from ._ffi import Event

_STOP_SIGNALS = frozenset(
    {int(signal.SIGSTOP), int(signal.SIGTSTP), int(signal.SIGTTIN), int(signal.SIGTTOU)}
)
_SYSCALL_TRAP = int(signal.SIGTRAP) | 0x80


class StopKind(enum.Enum):
    EXITED = "exited"            # detail: exit code
    KILLED = "killed"            # detail: signal number (core dump flag in `core`)
    SYSCALL = "syscall"          # detail: 0
    EVENT = "event"              # detail: PTRACE_EVENT_x (not STOP)
    GROUP_STOP = "group_stop"    # detail: the stopping signal
    TRAP_STOP = "trap_stop"      # detail: 0 (interrupt, new child, end of listen)
    SIGNAL = "signal"            # detail: the signal to be delivered


class Stop(NamedTuple):
    kind: StopKind
    detail: int
    core: bool = False


def decode_status(status: int) -> Stop:
    """Classify a raw waitpid(2) status of a seized tracee. Pure: no system call."""
    low = status & 0x7F
    if low == 0:
        return Stop(StopKind.EXITED, (status >> 8) & 0xFF)
    if (status & 0xFF) != 0x7F:
        return Stop(StopKind.KILLED, low, bool(status & 0x80))
    sig = (status >> 8) & 0xFF
    event = (status >> 16) & 0xFFFF
    if sig == _SYSCALL_TRAP:
        return Stop(StopKind.SYSCALL, 0)
    if event == Event.STOP:
        if sig in _STOP_SIGNALS:
            return Stop(StopKind.GROUP_STOP, sig)
        return Stop(StopKind.TRAP_STOP, 0)
    if event:
        return Stop(StopKind.EVENT, event)
    return Stop(StopKind.SIGNAL, sig)


def returncode(status: int) -> int:
    """asyncio/trio's convention: the exit code, or minus the killing signal."""
    stop = decode_status(status)
    if stop.kind is StopKind.EXITED:
        return stop.detail
    if stop.kind is StopKind.KILLED:
        return -stop.detail
    raise ValueError(f"status {status:#x} is a stop, not a termination")
