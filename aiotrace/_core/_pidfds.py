"""The all-held sleep's descriptors: the wake pipe, and a pidfd per traced process.

With every tracee stopped and held for engines, none can report a stop: the tracer
thread then sleeps in poll() on these instead of in waitpid (no doorbell needed: a
command writes a byte on the wake pipe), and a process's pidfd becomes readable once it
is dead (SIGKILL is the one way out of a held stop). The Python loop polls them with
``poll``; the C loop with its own array, kept in step here.
"""

from __future__ import annotations

import os
import select

from ._cloop import _binding as _accel


class Pidfds:
    def __init__(self, wake_r: int, accel: _accel.Accel | None) -> None:
        self._wake_r = wake_r
        self._ac = accel
        self._fds: dict[int, int] = {}   # pid -> its pidfd
        self.poll = select.poll()
        self.poll.register(wake_r, select.POLLIN)
        self._tell_c()

    def add(self, pid: int) -> None:
        try:
            fd = os.pidfd_open(pid)
        except OSError:
            return   # (gone already: its death is reported by waitpid)
        os.set_inheritable(fd, False)
        self._fds[pid] = fd
        self.poll.register(fd, select.POLLIN)
        self._tell_c()

    def drop(self, pid: int) -> None:
        fd = self._fds.pop(pid, None)
        if fd is not None:
            self.poll.unregister(fd)
            self._tell_c()
            os.close(fd)

    def drop_all(self) -> None:
        for pid in list(self._fds):
            self.drop(pid)

    def _tell_c(self) -> None:
        if self._ac is not None:
            self._ac.set_pollfds([self._wake_r, *self._fds.values()])
