# SPDX-License-Identifier: GPL-2.0-or-later
"""The memory the C loop copies at a stop (``prefetch=``, sized by -s as the command sizes
it: ``_cli._decoder.Decoder._copies``) holds every byte the decoder then reads: a read
beyond a copy would go to the thread's memory as it is after it went on. Strings are
read one byte past -s (to know whether they go on), and their copy is that byte longer;
buffers (read's, write's) are read up to -s bytes only. For every call the C loop may
copy for, at its entry and at its exit, with lengths around -s and memory without a NUL.
Tables, no tracee."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from aiotrace._cli._decoder import Decoder
from aiotrace._decode import format_entry, format_exit, late_captures

LATE = late_captures()
CALLS = [(name, False) for name in sorted(LATE.copied_entries)] + \
    [(name, True) for name in sorted(LATE.copied)]


class Copies:
    """A tracee's memory that is only these copies (address -> size), of bytes that are
    never NUL; *misses* lists the reads that go beyond them."""

    def __init__(self, copies: dict[int, int]) -> None:
        self.copies = copies
        self.misses: list[tuple[str, int, int]] = []

    def _within(self, addr: int, n: int) -> bool:
        return any(a <= addr and addr + n <= a + size for a, size in self.copies.items())

    def read(self, addr: int, n: int) -> bytes:
        if not self._within(addr, n):
            self.misses.append(("read", addr, n))
        return b"A" * n

    def read_string(self, addr: int, limit: int) -> bytes:
        if not self._within(addr, limit):   # (no NUL in a copy: it must hold the limit)
            self.misses.append(("string", addr, limit))
        return b"A" * limit


def _stop(name: str, exit: bool, strsize: int, length: int) -> tuple[tuple[int, ...], dict[int, int]]:
    """The registers of a call whose copied arguments point to memory, each at its own
    address, with *length* in the arguments that size them and as the return value,
    and the copies the C loop makes then, address -> size."""
    table = (LATE.copied if exit else LATE.copied_entries)
    made = Decoder._copies(SimpleNamespace(strsize=strsize), {name: table[name]})  # type: ignore[arg-type]
    copies = made[name + "@64"]
    args = [0] * 6
    for c in copies:
        args[c[0]] = 0x10000 * (c[0] + 1)
        if c[1] == "arg":
            args[c[2]] = length
    sizes: dict[int, int] = {}
    for c in copies:
        if len(c) == 2:                       # (index, fixed size)
            size = c[1]
        elif c[1] == "retval":
            size = min(length, c[2])
        elif c[1] == "string":
            size = c[2]
        else:                                  # ("arg", its length's index, most)
            size = min(args[c[2]], c[3])
        sizes[args[c[0]]] = size
    return tuple(args), sizes


@pytest.mark.parametrize("strsize", [0, 4, 32])
@pytest.mark.parametrize("name,exit", CALLS, ids=["%s-%s" % (n, "exit" if e else "entry")
                                                  for n, e in CALLS])
def test_copies_hold_what_the_decoder_reads(name: str, exit: bool, strsize: int) -> None:
    for length in (0, 1, strsize, strsize + 1, 4096):
        args, sizes = _stop(name, exit, strsize, length)
        mem = Copies(sizes if not exit else {})
        entry: Any = format_entry(name, args, mem, strsize=strsize)
        if exit:
            mem = Copies(sizes)
            format_exit(name, args, length, mem, strsize=strsize, entry_text=entry)
        assert mem.misses == [], (length, sizes)


def test_the_calls_are_there() -> None:
    """(the table is not empty: read's exit, write's and openat's entries are copied)"""
    assert {("read", True), ("write", False), ("openat", False)} <= set(CALLS)
