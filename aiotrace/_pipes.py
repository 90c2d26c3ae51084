"""``spawn(stdin=PIPE, stdout=PIPE, stderr=PIPE)``: the loop's ends of a tracee's pipes, as
anyio byte streams (what ``anyio.open_process`` gives, on the tracer's own spawn).

A pipe is made close-on-exec, so that no other child of this process inherits it; the
tracee's end is dup2()ed onto its 0, 1 or 2 (which clears the flag there) and closed here
once the spawn has replied. Our end is non-blocking: a read or write that would block waits
with ``anyio.wait_readable``/``wait_writable``, on whichever event loop runs.
"""

from __future__ import annotations

import os
import warnings
from typing import Any, Awaitable, Callable, TypeVar

import anyio
import anyio.abc
import anyio.lowlevel

PIPE = -1   # subprocess.PIPE (subprocess is not imported: start-up time)

_A = TypeVar("_A")
_R = TypeVar("_R")


class _PipeEnd:
    """One end of a pipe, owned by this process. Closed by ``aclose()``, by the tracer's
    ``aclose()``, or (with a ResourceWarning) by the garbage collector."""

    _fd: int

    def __init__(self, fd: int, name: str) -> None:
        os.set_blocking(fd, False)
        self._fd = fd
        self._name = name

    def fileno(self) -> int:
        """The descriptor (-1 once closed)."""
        return self._fd

    def _check(self) -> int:
        fd = self._fd
        if fd < 0:
            raise anyio.ClosedResourceError(f"the {self._name} pipe was closed")
        return fd

    async def _when_ready(self, op: Callable[[int, _A], _R], arg: _A,
                          wait: Callable[[int], Awaitable[None]]) -> _R:
        """``op(fd, arg)`` (os.read, os.write) on this open end; where it would block, it
        waits for *wait* (``anyio.wait_readable``/``wait_writable``) and tries again."""
        while True:
            fd = self._check()
            try:
                return op(fd, arg)
            except BlockingIOError:
                await wait(fd)

    def _close_now(self) -> None:
        fd, self._fd = self._fd, -1
        if fd >= 0:
            try:
                # a task waiting on it gets ClosedResourceError, and the event loop forgets
                # the descriptor before another file gets its number
                anyio.notify_closing(fd)
            except RuntimeError:
                pass   # (outside an event loop: nobody can be waiting on it)
            os.close(fd)

    async def aclose(self) -> None:
        """Close this end (the tracee then reads EOF, or gets SIGPIPE/EPIPE writing)."""
        self._close_now()
        await anyio.lowlevel.checkpoint()

    def __del__(self) -> None:
        if getattr(self, "_fd", -1) >= 0:
            warnings.warn(f"the {self._name} pipe of a traced process was never closed; it is "
                          "closed now: use `await proc.{self._name}.aclose()`",
                          ResourceWarning, source=self, stacklevel=2)
            os.close(self._fd)
            self._fd = -1

    def __repr__(self) -> str:
        return f"<aiotrace pipe {self._name} fd={self._fd}>"


class PipeReceiveStream(_PipeEnd, anyio.abc.ByteReceiveStream):
    """The tracee's stdout or stderr, read from this end: ``await proc.stdout.receive()``
    returns what is there (up to *max_bytes*), and raises ``anyio.EndOfStream`` once the
    tracee (and every process that shares the pipe) has closed it; ``async for chunk in
    proc.stdout`` reads to the end."""

    async def receive(self, max_bytes: int = 65536) -> bytes:
        await anyio.lowlevel.checkpoint()
        data = await self._when_ready(os.read, max_bytes, anyio.wait_readable)
        if not data:
            raise anyio.EndOfStream
        return data


class PipeSendStream(_PipeEnd, anyio.abc.ByteSendStream):
    """The tracee's stdin, written from this end; ``aclose()`` gives the tracee EOF."""

    async def send(self, item: bytes) -> None:
        await anyio.lowlevel.checkpoint()
        view = memoryview(item)
        while view:
            try:
                n = await self._when_ready(os.write, view, anyio.wait_writable)
            except BrokenPipeError:
                raise anyio.BrokenResourceError(
                    "the traced process closed its stdin (or ended)") from None
            view = view[n:]


class Pipes:
    """The pipes of one spawn: made before it, the tracee's ends closed after it."""

    def __init__(self) -> None:
        self.child_fds: list[int] = []
        self.stdin: PipeSendStream | None = None
        self.stdout: PipeReceiveStream | None = None
        self.stderr: PipeReceiveStream | None = None

    def make(self, which: int) -> int:
        """A pipe for the tracee's fd *which* (0, 1 or 2); returns the tracee's end."""
        r, w = os.pipe2(os.O_CLOEXEC)
        if which == 0:
            self.child_fds.append(r)
            self.stdin = PipeSendStream(w, "stdin")
            return r
        self.child_fds.append(w)
        end = PipeReceiveStream(r, "stdout" if which == 1 else "stderr")
        if which == 1:
            self.stdout = end
        else:
            self.stderr = end
        return w

    def spawned(self) -> None:
        """The tracee has its ends (or the spawn failed): close ours of them."""
        for fd in self.child_fds:
            os.close(fd)
        self.child_fds.clear()

    def failed(self) -> None:
        self.spawned()
        close_ends((self.stdin, self.stdout, self.stderr))


def close_ends(ends: Any) -> None:
    """Close what is still open of a process's pipe ends (the tracer is closing)."""
    for end in ends:
        if end is not None:
            end._close_now()
