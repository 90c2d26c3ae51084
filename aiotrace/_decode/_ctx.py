# SPDX-License-Identifier: GPL-2.0-or-later
"""Decoding context and the basic printers shared by all decoders."""

from __future__ import annotations

import struct
from typing import Any, Callable, Optional, Protocol

from .._core._args import Args
from ._quote import annotate_path, quote
from ._style import combine
from ._style import get as _style_now
from ._texts import FdText as FdText
from ._xlat import AT_FDCWD, hexa, ptr, s32

PATH_MAX = 4096
MAX_EINTR = (4, 512, 513, 514, 516)  # EINTR and the restart codes


_DELETED = " (deleted)"


def _annotation(path: str) -> str:
    """``<path>``; strace moves readlink's " (deleted)" mark after the brackets."""
    if isinstance(path, FdText):
        return "<%s>" % path
    if path.endswith(_DELETED):
        return "<%s>(deleted)" % annotate_path(path[: -len(_DELETED)])
    return "<%s>" % annotate_path(path)


class Memory(Protocol):
    """Read access to the tracee's memory."""

    def read(self, addr: int, n: int) -> bytes:
        """Up to ``n`` bytes at ``addr``; may return fewer; OSError on a bad address."""
        ...

    def read_string(self, addr: int, limit: int) -> bytes:
        """Bytes at ``addr`` up to the NUL (excluded) or ``limit`` bytes; OSError on a bad address."""
        ...


# what a descriptor of the thread is open on (-y), or None: ``fd_path(fd)``; the command's
# also takes ``fd_path(fd, pidfd)``, a descriptor of the process the thread's pidfd
# *pidfd* refers to (pidfd_getfd's); one that does not is printed without
FdPath = Optional[Callable[..., Optional[str]]]
# a descriptor's netlink protocol: None when it is not a netlink socket, -1 when it is one
# of a protocol not known
FdNetlink = Optional[Callable[[int], Optional[int]]]
# what a descriptor of the thread is open on, as /proc/PID/fd says it, whatever -y says
# (bpf's info printed with -v by the kind of object: strace asks without -y too)
FdLink = Optional[Callable[[int], Optional[str]]]


class Ctx:
    """Everything a decoder may look at for one syscall stop."""

    __slots__ = ("name", "args", "mem", "strsize", "fd_path", "retval", "saved", "sp", "xflag",
                 "abbrev", "verbose", "netlink", "fd_link")

    def __init__(
        self,
        name: str,
        args: tuple[int, ...] | Args,
        mem: Memory | None,
        strsize: int,
        fd_path: FdPath,
        retval: int | None = None,
        saved: dict[str, Any] | None = None,
        sp: int | None = None,
        xflag: int = 0,
        abbrev: bool = True,
        verbose: bool = True,
        netlink: FdNetlink = None,
        fd_link: FdLink = None,
    ) -> None:
        self.name = name
        self.fd_link = fd_link
        self.netlink = netlink   # what a descriptor is, for the data of sendto/recvfrom
        self.xflag = xflag   # -x, -xx (see _quote.quote)
        # -v (-e abbrev=): structures and arrays in full, not cut short with "...";
        # -e verbose=: structures decoded (not only their address)
        self.abbrev = abbrev
        self.verbose = verbose
        self.args: tuple[int, ...]
        if type(args) is Args and len(args._v) == 6:   # the tracer's: unsigned already
            self.args = args._v
        else:
            a = tuple([int(x) & 0xFFFFFFFFFFFFFFFF for x in args])
            self.args = a + (0,) * (6 - len(a))
        self.mem = mem
        self.strsize = strsize
        self.fd_path = fd_path
        self.retval = retval
        self.saved = saved if saved is not None else {}
        self.sp = sp

    # -- state -----------------------------------------------------------
    @property
    def exiting(self) -> bool:
        return self.retval is not None

    @property
    def failed(self) -> bool:
        r = self.retval
        return r is not None and -4096 < r < 0

    @property
    def errno(self) -> int:
        r = self.retval
        return -r if r is not None and -4096 < r < 0 else 0

    # -- memory ----------------------------------------------------------
    def read(self, addr: int, n: int) -> bytes | None:
        """Exactly ``n`` bytes, or None when they cannot all be read."""
        data = self.read_prefix(addr, n)
        return data if data is not None and len(data) == n else None

    def read_prefix(self, addr: int, n: int) -> bytes | None:
        """Up to ``n`` bytes (a short read is accepted), None when nothing is readable."""
        if self.mem is None or addr == 0:
            return None
        if n == 0:
            return b""
        try:
            data = self.mem.read(addr, n)
        except (OSError, ValueError, OverflowError):
            return None
        if not data:
            return None
        return bytes(data[:n])

    def read_cstr(self, addr: int, limit: int) -> bytes | None:
        if self.mem is None or addr == 0:
            return None
        try:
            data = self.mem.read_string(addr, limit)
        except OSError as exc:
            from . import _short_reads   # (strace's message, when the command wants it)
            _short_reads.report(self.mem, addr, limit, exc)
            return None
        except (ValueError, OverflowError):
            return None
        if data is None:
            return None
        data = bytes(data)
        nul = data.find(b"\0")
        if nul >= 0:
            data = data[:nul]
        return data[:limit]

    def unpack(self, fmt: str, addr: int) -> tuple[Any, ...] | None:
        size = struct.calcsize(fmt)
        data = self.read(addr, size)
        if data is None:
            return None
        return struct.unpack(fmt, data)

    # -- printers --------------------------------------------------------
    def fd(self, v: int, pidfd: int | None = None) -> str:
        """A descriptor, and with -y what it is open on; *pidfd*: one of the process that
        pidfd of the thread refers to (plain when *pidfd* is not a pidfd)."""
        fd = s32(v)
        if fd >= 0 and self.fd_path is not None:
            try:
                p = self.fd_path(fd) if pidfd is None else self.fd_path(fd, pidfd)
            except Exception:  # a vanished process must not break printing
                p = None
            if p is not None:
                return "%d%s" % (fd, _annotation(p))
        return str(fd)

    def dirfd(self, v: int) -> str:
        fd = s32(v)
        if fd == AT_FDCWD:
            name = combine("-100", "AT_FDCWD") if _style_now() else "AT_FDCWD"
            if self.fd_path is not None:
                try:
                    p = self.fd_path(AT_FDCWD)
                except Exception:
                    p = None
                if p is not None:
                    return "%s%s" % (name, _annotation(p))
            return name
        return self.fd(v)

    def path(self, addr: int) -> str:
        """A NUL-terminated path (not limited by strsize, like strace): PATH_MAX bytes
        are read; without a NUL in them, the first PATH_MAX - 1 and "..."."""
        return self.cstr(addr, PATH_MAX - 1)

    def cstr(self, addr: int, limit: int | None = None) -> str:
        """A NUL-terminated string limited by strsize."""
        if addr == 0:
            return "NULL"
        lim = self.strsize if limit is None else limit
        data = self.read_cstr(addr, lim + 1)
        if data is None:
            return hexa(addr)
        if len(data) > lim:
            return quote(data[:lim], truncated=True, xflag=self.xflag)
        return quote(data, xflag=self.xflag)

    def buf(self, addr: int, length: int, *, hex: bool = False) -> str:
        """A buffer of ``length`` bytes, shown up to strsize bytes. As strace, one byte
        more is read when the buffer is longer (strsize + 1): where that cannot be read,
        the address is shown."""
        if addr == 0:
            return "NULL"
        if length < 0:
            length = 0
        n = min(length, self.strsize)
        data = self.read(addr, min(length, self.strsize + 1))
        if data is None:
            return hexa(addr)
        return quote(data[:n], truncated=length > n, hex=hex, xflag=self.xflag)

    def struct(self, addr: int, fmt: str, render: Callable[..., str]) -> str:
        """Read a struct and render it, or print the address like strace (also where
        ``-e verbose=`` leaves the call out)."""
        if addr and not self.verbose:
            return hexa(addr)
        return self.fields(addr, fmt, render)

    def fields(self, addr: int, fmt: str, render: Callable[..., str]) -> str:
        """``render(*values)`` of the struct ``fmt`` at *addr*: ``NULL`` for 0, and the
        address where it cannot be read, as strace prints them."""
        if addr == 0:
            return "NULL"
        vals = self.unpack(fmt, addr)
        if vals is None:
            return hexa(addr)
        return render(*vals)

    def ptr(self, v: int) -> str:
        return ptr(v)
