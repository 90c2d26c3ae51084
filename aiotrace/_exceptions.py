"""aiotrace's exceptions: each carries the pid (or path) and says what to do."""

from __future__ import annotations

import errno as _errno
import os


class AiotraceError(Exception):
    """Base class of aiotrace's errors."""


class TraceeGone(AiotraceError, ProcessLookupError):
    """The traced thread or process no longer exists (ESRCH): it exited or was killed."""

    def __init__(self, pid: int, message: str | None = None) -> None:
        super().__init__(_errno.ESRCH, message or f"traced process {pid} is gone")
        self.pid = pid

    def __str__(self) -> str:
        return str(self.args[1])


class AttachDenied(AiotraceError, PermissionError):
    """The kernel refused to let us trace the process."""

    def __init__(self, pid: int, err: int, message: str) -> None:
        super().__init__(err, message)
        self.pid = pid

    def __str__(self) -> str:
        return str(self.args[1])


#: what a spawn's child was doing when it failed (``SpawnFailed.step``), and what to check
_SPAWN_STEPS = {
    "chdir": ("cannot change to its directory {cwd!r}", "check cwd="),
    "stdio": ("cannot set up its stdin/stdout/stderr", "check the files or descriptors passed"),
    "setsid": ("cannot start a new session", "spawn without start_new_session=True"),
    "cpus": ("cannot set the CPUs it may run on", "pass cpus= from os.sched_getaffinity(0)"),
    "seccomp": ("cannot install the seccomp prefilter", "spawn without syscalls= to do without it"),
}
_EXEC_HINTS = {
    _errno.ENOENT: "check the name, or give a full path",
    _errno.EACCES: "is it executable (chmod +x) and not a directory?",
    _errno.ENOEXEC: "is it a binary or a script with a #! line?",
}


class SpawnFailed(AiotraceError, OSError):
    """The program could not be executed."""

    def __init__(self, path: str, err: int, step: str = "exec", cwd: str | None = None) -> None:
        what, hint = _SPAWN_STEPS.get(step, (None, ""))
        if what is None:
            msg = f"cannot execute {path!r}: {os.strerror(err)}"
            hint = _EXEC_HINTS.get(err, "")
        else:
            msg = f"cannot start {path!r}: {what.format(cwd=cwd)}: {os.strerror(err)}"
        if hint:
            msg += f" ({hint})"
        super().__init__(err, msg)
        self.path = path
        self.step = step

    def __str__(self) -> str:
        return str(self.args[1])


class TracerClosed(AiotraceError, RuntimeError):
    """The tracer was closed (or never opened); open one with ``aiotrace.open_tracer()``."""


# Misuses of the API. Each is also the RuntimeError that aiotrace raised for it before it
# had a class of its own, so that ``except RuntimeError`` still catches it.


class NotIntercepted(AiotraceError, RuntimeError):
    """A verdict was given on an event that was only observed (its stream was opened
    without ``intercept=True``)."""


class VerdictAlreadyGiven(AiotraceError, RuntimeError):
    """A second verdict (or a ``hold()`` after the verdict) on an intercepted event, or a
    verdict on an event whose hold was already released: its stream went on to its next
    event, or was closed."""


class NotDetachable(AiotraceError, RuntimeError):
    """The process cannot be detached: it runs under aiotrace's seccomp prefilter
    (spawned with ``syscalls=``), and its filtered calls would fail with ENOSYS untraced."""


class StreamClosedByLoop(AiotraceError, RuntimeError):
    """The stream was iterated by a bare ``async for`` (without ``async with``), which
    closed it when it ended: it cannot be iterated again."""
