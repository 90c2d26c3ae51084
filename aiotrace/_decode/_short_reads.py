# SPDX-License-Identifier: GPL-2.0-or-later
"""strace's "short read" message: a string of the tracee that could be read only in part
(its first bytes are there, then a page that is not mapped, before any NUL) is printed as
its address, and strace's memory reader also says ``short read (READ < WANTED) @ADDR:
Bad address`` on stderr. The command sets ``hook`` to hear of them (the library's
decoding says nothing)."""

from __future__ import annotations

import errno
import os
from typing import Any, Callable, Optional

hook: Optional[Callable[[str], None]] = None


def report(mem: Any, addr: int, limit: int, exc: OSError) -> None:
    """Tell ``hook`` of a string read of *limit* bytes at *addr* that failed with *exc*,
    if its first bytes could be read (a page at a time, as strings are read)."""
    if hook is None:
        return
    got = 0
    while got < limit:
        chunk = min(4096 - (addr + got) % 4096, limit - got)
        try:
            data = mem.read(addr + got, chunk)
        except (OSError, ValueError, OverflowError):
            break
        if len(data) < chunk or b"\0" in data:
            return   # (not a read cut short by a fault)
        got += chunk
    if 0 < got < limit:
        hook("short read (%d < %d) @%#x: %s" % (got, limit, addr,
                                                 os.strerror(exc.errno or errno.EFAULT)))
