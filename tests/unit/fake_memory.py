# SPDX-License-Identifier: GPL-2.0-or-later
"""A tracee's memory for the decoders' table tests: one buffer at a fixed address."""

from __future__ import annotations

import errno

A = 0x10000          # where the buffer is


class Memory:
    """*data* at A; EFAULT elsewhere."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, addr: int, n: int) -> bytes:
        if not A <= addr < A + len(self.data):
            raise OSError(errno.EFAULT, "Bad address")
        return self.data[addr - A: addr - A + n]

    def read_string(self, addr: int, limit: int) -> bytes:
        return self.read(addr, limit).split(b"\0")[0]
