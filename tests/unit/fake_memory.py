# SPDX-License-Identifier: GPL-2.0-or-later
"""A tracee's memory for the decoders' table tests: one buffer at a fixed address."""

from __future__ import annotations

import errno

A = 0x10000          # where the buffer is


class Memory:
    """*data* at *base* (A unless said); EFAULT elsewhere."""

    def __init__(self, data: bytes, base: int = A) -> None:
        self.data = data
        self.base = base

    def read(self, addr: int, n: int) -> bytes:
        if not self.base <= addr < self.base + len(self.data):
            raise OSError(errno.EFAULT, "Bad address")
        return self.data[addr - self.base: addr - self.base + n]

    def read_string(self, addr: int, limit: int) -> bytes:
        return self.read(addr, limit).split(b"\0")[0]
