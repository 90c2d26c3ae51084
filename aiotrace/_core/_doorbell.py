"""The doorbell: how the event loop wakes the tracer thread while it blocks in waitpid.

Facts this depends on:

* ``waitpid`` cannot be interrupted by another thread without a signal handler, which
  aiotrace may not install (the application owns its signals); it returns when a child
  or tracee of the calling thread changes state.
* So the tracer thread forks a child of its own that only blocks, and seizes it. A
  signal sent to it puts it in a signal-delivery-stop, which ends the tracer thread's
  wait; the thread resumes it with the signal suppressed (every signal but SIGKILL is).
* The child is not an exec of anything (nothing is looked up in PATH, nothing a tracee
  can replace); it closes every descriptor it inherited and names itself
  ``aiotrace-bell`` (``ps``, ``pkill``).
* A tracee can see it and SIGKILL it, as it can any process of its user. Its death ends
  the wait too, and the tracer thread forks a new one at once. Rings go through the
  doorbell's pidfd, and the new pidfd takes the old one's descriptor number (dup2): a ring
  racing with the replacement signals the dead doorbell or the new one, never a process
  that took a dead doorbell's pid, nor a descriptor reused meanwhile.
* With the C loop's library, the doorbell is not forked but made with ``clone(CLONE_VM)``
  (``_cloop/_accel_spawn.c``, the same steps in C, on a stack this object keeps until the
  doorbell is reaped): a fork made every page the interpreter wrote while it lived (the
  whole run) fault and be copied (issue 24). It ignores every signal (the tracer thread
  sees them all the same) so that no handler of the application's runs in it.
"""

from __future__ import annotations

import ctypes
import errno
import os
import signal
import warnings
from typing import TYPE_CHECKING, Callable

from . import _ffi
from ._ffi import Opt, Req
from ._spawn import AttachError, attach_message

if TYPE_CHECKING:
    from ._cloop._binding import Lib

_WAIT_FLAGS = _ffi.WALL | _ffi.WNOTHREAD


class Doorbell:
    """The tracer thread's doorbell. ``ring()`` from any thread; the rest on the tracer
    thread. *told* gets the doorbell's (pid, pidfd) whenever they change (the C loop
    keeps its own copy)."""

    def __init__(self, told: Callable[[int, int], None]) -> None:
        self.pid = 0      # its pid (0: none)
        self.fd = -1      # its pidfd, which rings go through
        self._told = told
        self.lib: Lib | None = None   # the C library, which starts it with clone(CLONE_VM)
        self._stack: object = None    # the stack of the doorbell it started, until reaped

    def start(self) -> None:
        """Fork and seize a doorbell (again, once the last one died)."""
        pid = self._clone() if self.lib is not None else -1
        if pid < 0:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
            if pid == 0:
                _doorbell_child()
        try:
            fd = os.pidfd_open(pid)
        except OSError:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, _WAIT_FLAGS)
            raise
        try:
            _ffi.seize(pid, Opt.EXITKILL)
        except OSError as exc:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, _WAIT_FLAGS)
            os.close(fd)
            raise AttachError(pid, exc.errno or 0, attach_message(pid, exc.errno or 0)) from None
        if self.fd >= 0:
            os.dup2(fd, self.fd, inheritable=False)   # (see the module's docstring)
            os.close(fd)
        else:
            self.fd = fd
        self.pid = pid
        self._told(pid, self.fd)

    def _clone(self) -> int:
        """The doorbell started by the C library: its pid, or -1 where it is forked
        instead (not x86_64, or the application catches SIGURG, which rings it). OSError:
        the clone failed."""
        assert self.lib is not None
        stack = ctypes.create_string_buffer(_STACK)
        ready_r, ready_w = os.pipe2(os.O_CLOEXEC)
        try:
            pid = int(self.lib.spawn_bell(ctypes.addressof(stack), _STACK, ready_w))
            if pid == -errno.ENOSYS:
                return -1
            if pid < 0:
                raise OSError(-pid, os.strerror(-pid))
            self._stack = stack   # (the last doorbell's was reaped: see report)
            os.close(ready_w)
            ready_w = -1
            # set up (its signals, name and descriptors) once it has written, or dead: a
            # doorbell as the forked one is when fork returns
            os.read(ready_r, 1)
        finally:
            os.close(ready_r)
            if ready_w >= 0:
                os.close(ready_w)
        return pid

    def ring(self) -> None:
        """Wake the tracer thread, if it sleeps in waitpid. Any thread."""
        try:
            signal.pidfd_send_signal(self.fd, signal.SIGURG)
        except OSError:
            pass   # (dead: the thread is woken by its death, and makes a new one)

    def report(self, status: int) -> None:
        """What waitpid said of the doorbell: a stop (a ring, or any signal a tracee sent
        it), which ends here, or its death: a new one before the thread sleeps again."""
        if os.WIFSTOPPED(status):
            _ffi.raw_ptrace(int(Req.CONT), self.pid, 0, 0)   # (the signal suppressed)
        else:
            self.pid = 0
            self.start()

    def stop(self) -> None:
        """Kill and reap it, once the tracer thread ends (nothing rings it any more)."""
        pid = self.pid
        if not pid:
            return
        self.pid = 0
        self._told(0, self.fd)
        try:
            signal.pidfd_send_signal(self.fd, signal.SIGKILL)
        except OSError:
            pass   # (dead already: reaped below)
        while True:
            try:
                _, status = os.waitpid(pid, _WAIT_FLAGS)
            except ChildProcessError:
                break   # (reaped already)
            if not os.WIFSTOPPED(status):
                break   # (a stop reported before the SIGKILL: its death comes next)
        self._stack = None

    def close(self) -> None:
        """Its pidfd, once no thread can ring any more (the tracer thread was joined)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


_STACK = 8192   # the cloned doorbell's stack: bytes


def _doorbell_child() -> None:
    """The doorbell's whole life, in the forked child: it keeps no descriptor of the
    application's open, names itself, and blocks until it is killed (the tracer thread
    suppresses every other signal it gets)."""
    try:
        os.closerange(0, 0x7FFFFFFF)
        _ffi.set_thread_name(b"aiotrace-bell")
        signal.pthread_sigmask(signal.SIG_SETMASK, ())
        while True:
            signal.pause()
    finally:
        os._exit(0)
