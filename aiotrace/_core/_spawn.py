"""Starting a tracee: what runs in the forked child before exec, and the errors of a spawn
or an attach.

The child is forked by the tracer thread (so that the tracee is the tracer thread's own
child, which only it may wait for), waits until that thread has seized it, then sets up
its stdio, directory, CPUs and seccomp prefilter and execs the target; a failure is
written on a close-on-exec pipe as ``STEP:ERRNO``. subprocess.Popen cannot be used: it
waits for the exec, which a tracee held before it would never reach.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal

from . import _ffi


class SpawnError(Exception):
    def __init__(self, path: str, err: int, step: str = "exec") -> None:
        super().__init__(path, err, step)
        self.path = path
        self.errno = err
        # what the child was doing: "stdio", "chdir", "cpus", "seccomp" or "exec"
        self.step = step


class AttachError(Exception):
    def __init__(self, pid: int, err: int, message: str) -> None:
        super().__init__(message)
        self.pid = pid
        self.errno = err


def proc_status(tid: int, *names: bytes) -> list[int]:
    """Numeric fields of /proc/TID/status, by name (each 0 if the task is gone)."""
    got = dict.fromkeys(names, 0)
    try:
        with open(f"/proc/{tid}/status", "rb") as f:
            left = len(names)
            for line in f:
                name, _, value = line.partition(b":")
                if name in got:
                    got[name] = int(value)
                    left -= 1
                    if not left:
                        break
    except OSError:
        pass
    return [got[n] for n in names]


def resolve(prog: str, path: str, cwd: str | None) -> str | SpawnError:
    """execvp's search, done before fork so that a missing program fails with its path."""
    if "/" in prog:
        full = prog if os.path.isabs(prog) or cwd is None else os.path.join(cwd, prog)
        if not os.path.exists(full):
            return SpawnError(prog, errno.ENOENT)
        if not os.access(full, os.X_OK) or os.path.isdir(full):
            return SpawnError(prog, errno.EACCES)
        return full
    found = shutil.which(prog, path=path)
    if found is None:
        return SpawnError(prog, errno.ENOENT)
    return found


_RESET_SIGNALS = (signal.SIGPIPE, signal.SIGXFSZ)   # (ignored by Python: not by a program)


def child(
    path: str,
    argv: list[str],
    env: dict[str, str],
    cwd: str | None,
    stdio: tuple[int | None, int | None, int | None],
    go_r: int,
    go_w: int,
    err_r: int,
    err_w: int,
    bpf: bytes | None,
    cpus: frozenset[int] | None,
) -> None:
    """Runs in the forked child; never returns. A failure is reported on *err_w* as
    ``STEP:ERRNO``."""
    step = b"stdio"
    try:
        os.close(go_w)
        os.close(err_r)
        # Wait until the tracer has seized us, before any step that can fail: a child that
        # exited before that could not be seized (EPERM), and its spawn would be reported
        # as an attach failure instead of what went wrong (seen with a missing cwd).
        os.read(go_r, 1)
        os.close(go_r)
        for target, fd in enumerate(stdio):
            if fd is not None and fd != target:
                os.dup2(fd, target)
        for s in _RESET_SIGNALS:
            signal.signal(s, signal.SIG_DFL)   # Python ignores SIGPIPE; a program must not
        signal.pthread_sigmask(signal.SIG_SETMASK, ())
        if cwd is not None:
            step = b"chdir"
            os.chdir(cwd)
        if cpus is not None:
            step = b"cpus"
            os.sched_setaffinity(0, cpus)
        if bpf is not None:
            step = b"seccomp"
            _ffi.install_seccomp_filter(bpf)
        step = b"exec"
        os.execve(path, argv, env)
    except OSError as exc:
        try:
            os.write(err_w, step + b":" + str(exc.errno or errno.ENOEXEC).encode())
        except OSError:
            pass
    finally:
        os._exit(127)


def attach_message(pid: int, err: int) -> str:
    if err == errno.EPERM:
        scope = "?"
        try:
            with open("/proc/sys/kernel/yama/ptrace_scope") as f:
                scope = f.read().strip()
        except OSError:
            pass
        return (
            f"cannot trace pid {pid}: operation not permitted. Tracing another user's process "
            f"needs CAP_SYS_PTRACE (run as root), and kernel.yama.ptrace_scope (now {scope}) "
            "must be 0 to attach to a process that is not a descendant (sysctl "
            "kernel.yama.ptrace_scope=0), or the process is already traced (by gdb, strace, "
            "or another aiotrace)."
        )
    if err == errno.ESRCH:
        return f"no process {pid}"
    return f"cannot trace pid {pid}: {os.strerror(err)}"
