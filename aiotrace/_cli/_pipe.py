# SPDX-License-Identifier: GPL-2.0-or-later
"""Where the trace goes, beyond a file: ``-o '|COMMAND'`` (or ``'!COMMAND'``) pipes it to a
shell command, as strace does (``/bin/sh -c COMMAND``, which aiotrace waits for before
it exits); and the standard descriptors aiotrace lets go of once the program runs.

The command is started from the main thread, before the tracer thread exists: the
tracer waits only for its own children (``__WNOTHREAD``), so it never reaps the shell.
"""

from __future__ import annotations

import os
import subprocess

PIPE_MARKS = ("|", "!")


def is_pipe(output: str | None) -> bool:
    """Whether ``-o`` names a command rather than a file."""
    return output is not None and output[:1] in PIPE_MARKS


def open_pipe(command: str) -> tuple[int, subprocess.Popen[bytes]]:
    """Start ``/bin/sh -c COMMAND`` reading from a pipe; returns the pipe's write end
    (close-on-exec: the program does not get it) and the shell, to wait for."""
    proc = subprocess.Popen(["/bin/sh", "-c", command], stdin=subprocess.PIPE,
                            close_fds=True)
    assert proc.stdin is not None
    fd = os.dup(proc.stdin.fileno())   # (os.dup: close-on-exec)
    proc.stdin.close()
    return fd, proc


def close_pipe(fd: int, proc: subprocess.Popen[bytes]) -> None:
    """End of the trace: close the pipe, and wait for the command to finish with it."""
    os.close(fd)
    while True:
        try:
            proc.wait()
            return
        except KeyboardInterrupt:   # (strace waits on, whatever comes)
            continue


def release_standard_fds() -> None:
    """Once the program is started: aiotrace's stdin and stdout no longer hold what they
    were open on (a pipe the program shares must close when the program closes it), as
    strace does. Each becomes the read end of a pipe whose write end is closed: reading
    gives end-of-file, writing fails (EBADF), and the numbers stay taken."""
    for fd in (0, 1):
        r, w = os.pipe()   # (close-on-exec)
        os.close(w)
        if r != fd:
            os.dup2(r, fd, inheritable=False)
            os.close(r)
