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


EBADF = -errno.EBADF
EBADF_TEXT = "-1 EBADF (Bad file descriptor)"
M32 = 0xFFFFFFFF


def ioctl_line(args: tuple[int, ...], ret: int, data: bytes = b"", **kw: object) -> str:
    """The strace line of an ioctl with *args* that returned *ret*, its argument's memory
    *data* at A (**kw: format_entry's and format_exit's modes)."""
    from aiotrace._decode import format_entry, format_exit, format_syscall_line
    mem = Memory(data)
    entry = format_entry("ioctl", args, mem, **kw)
    full, rtext = format_exit("ioctl", args, ret, mem, entry_text=entry,
                              **kw)
    return format_syscall_line("ioctl", full, rtext, column=0)


def call_line(name: str, args: tuple[int, ...], ret: int, data: bytes | bytearray = b"",
              **kw: object) -> str:
    """The strace line of call *name* with *args* that returned *ret*, the memory *data*
    at A (**kw: format_entry's and format_exit's modes)."""
    from aiotrace._decode import format_entry, format_exit, format_syscall_line
    mem = Memory(bytes(data))
    entry = format_entry(name, args, mem, **kw)
    full, rtext = format_exit(name, args, ret, mem, entry_text=entry, **kw)
    return format_syscall_line(name, full, rtext, column=0)
