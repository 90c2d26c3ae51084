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


class SpawnFailed(AiotraceError, OSError):
    """The program could not be executed."""

    def __init__(self, path: str, err: int, step: str = "exec", cwd: str | None = None) -> None:
        if step == "chdir":
            msg = (f"cannot start {path!r}: cannot change to its directory {cwd!r}: "
                   f"{os.strerror(err)} (check cwd=)")
        elif step == "stdio":
            msg = (f"cannot start {path!r}: cannot set up its stdin/stdout/stderr: "
                   f"{os.strerror(err)} (check the files or descriptors passed)")
        elif step == "cpus":
            msg = (f"cannot start {path!r}: cannot set the CPUs it may run on: "
                   f"{os.strerror(err)} (pass cpus= from os.sched_getaffinity(0))")
        elif step == "seccomp":
            msg = (f"cannot start {path!r}: cannot install the seccomp prefilter: "
                   f"{os.strerror(err)} (spawn without syscalls= to do without it)")
        else:
            hint = {
                _errno.ENOENT: "check the name, or give a full path",
                _errno.EACCES: "is it executable (chmod +x) and not a directory?",
                _errno.ENOEXEC: "is it a binary or a script with a #! line?",
            }.get(err, "")
            msg = f"cannot execute {path!r}: {os.strerror(err)}"
            if hint:
                msg += f" ({hint})"
        super().__init__(err, msg)
        self.path = path
        self.step = step

    def __str__(self) -> str:
        return str(self.args[1])


class TracerClosed(AiotraceError, RuntimeError):
    """The tracer was closed (or never opened); open one with ``aiotrace.open_tracer()``."""
