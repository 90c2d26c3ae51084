# SPDX-License-Identifier: GPL-2.0-or-later
"""The calls a recording decodes from the memory the C loop copied, once its table is
built, rather than at each stop.

The recorder's stream asks for the copies its decoder reads (``Decoder.after_resume``'s
``prefetch=``: the path of ``newfstatat``'s entry, the stat struct at its exit, the
entries of ``getdents64``...), so the C loop handles those stops itself and the capture
function is given the copies (a ``CopiedMemory``). A call whose entry and exit are both
such stops (or stops that read nothing: ``read``'s entry, ``openat``'s exit) decodes
from its registers, its return value and those bytes alone: its text is a pure function
of them. The recorder then keeps the entry until the exit, as for the quiet calls
(``_quiet``), and the call's row carries an :class:`Undecoded` instead of its text; the
texts of those rows are made in bulk when the calls table is first built
(``decode_rows``), from the same decoder's functions with the same keywords, so they
are the texts the stop would have given.

Left to the decoder at each stop as before: the stops whose copies could not be made
(the Python tracer loop; a C loop whose arena was full: the capture then runs at the
stop with the thread's live memory), the calls of the other ABIs, entries and exits
whose number or registers differ, ``restart_syscall`` and the returns of
``ERESTART_RESTARTBLOCK`` (the decoder's state, see ``_quiet``), and an entry whose
thread ends, execs or is still in the call when the recording does: the decoder is then
given it with its copies, as at a stop.

A read outside the copies (a path longer than its copy, which the decoder at the stop
would have read from the thread as it was then) fails here as a read of a bad address,
and prints as one.
"""

from __future__ import annotations

import errno
from typing import Any

from .._core._args import CopiedMemory
from .._core._events import SyscallEntry, SyscallExit
from .._core._syscalls import SYSCALL_NAMES, SYSCALL_NUMBERS
from .._decode import format_entry, format_exit
from ._quiet import ERESTART_RESTARTBLOCK, numbers

__all__ = ["CopiedCalls", "Pending", "Undecoded", "copies_of", "decode_rows", "flat", "name_of",
           "pairs", "undecoded"]

#: what the recorder counts, in its memory, for a row kept undecoded (its tuple and the
#: registers), beside the bytes of its copies (held)
ROW_BYTES = 640

# (the decoder's state: see the module's docstring)
_NEVER = frozenset(SYSCALL_NUMBERS[n] for n in (
    "restart_syscall", "rt_sigreturn", "execve", "execveat"))


def _x86_64(names: Any) -> frozenset[int]:
    """x86-64 numbers of the decoder's ``name@64`` names, but for _NEVER's."""
    return numbers(names) - _NEVER


#: A row's text, not made yet: one flat tuple, the entry's six registers, the length
#: of the entry's copies, then the entry's and the exit's copies, each an address and its
#: bytes (:func:`undecoded`), where a made text is a str. Flat, of ints and bytes alone:
#: the garbage collector stops tracking such a tuple, and then the row that holds it, at
#: its first looks, so that the rows a recording holds do not make its collections
#: longer nor more frequent (as nested tuples and an object did: about a sixth of a
#: recording's CPU on tar).
Undecoded: type[tuple[Any, ...]] = tuple


def flat(copies: tuple[tuple[int, bytes], ...]) -> tuple[Any, ...]:
    """A stop's copies, ``(address, bytes)`` pairs, as one flat tuple."""
    return copies[0] if len(copies) == 1 else tuple(x for pair in copies for x in pair)


def pairs(copies: tuple[Any, ...]) -> tuple[tuple[int, bytes], ...]:
    """Flat copies as ``(address, bytes)`` pairs again."""
    return tuple(zip(copies[::2], copies[1::2], strict=True))


def undecoded(entry_args: tuple[int, ...], entry_copies: tuple[Any, ...],
              exit_copies: tuple[Any, ...]) -> tuple[Any, ...]:
    """The Undecoded of a call: its entry's registers, its entry's and exit's copies
    (flat)."""
    return (*entry_args, len(entry_copies), *entry_copies, *exit_copies)


def held(u: tuple[Any, ...]) -> int:
    """The bytes of an Undecoded's copies (a directory's entries: up to 64 KiB)."""
    return sum(len(u[i]) for i in range(8, len(u), 2))


class _Copies:
    """Reads of a stop's copies (flat: an address, its bytes...); any other address
    fails."""

    __slots__ = ("copies",)

    def __init__(self, copies: tuple[Any, ...]) -> None:
        self.copies = copies

    def _at(self, addr: int) -> tuple[bytes, int]:
        """The copy *addr* is in, and its offset there (no slice: a copy of a directory's
        entries is up to 64 KiB)."""
        c = self.copies
        for i in range(0, len(c), 2):
            start, data = c[i], c[i + 1]
            if start <= addr < start + len(data):
                return data, addr - start
        raise OSError(errno.EFAULT, "not copied at the stop")

    def read(self, addr: int, n: int) -> bytes:
        data, at = self._at(addr)
        return data[at:at + n]

    def read_string(self, addr: int, limit: int) -> bytes:
        data, at = self._at(addr)
        end = data.find(b"\0", at, at + limit)
        return data[at:at + limit] if end < 0 else data[at:end]


class CopiedCalls:
    """Which calls of a recorder's decoder decode from their copies (the module's
    docstring), told at their stops."""

    __slots__ = ("entries", "free_entries", "exits", "free_exits", "strsize")

    def __init__(self, decoder: Any) -> None:
        kw = decoder.after_resume()
        self.strsize = decoder.strsize
        copied = kw.get("prefetch", {})
        nothing = kw.get("reads_nothing", {})
        exits = _x86_64(copied.get(SyscallExit, ()))
        free_exits = _x86_64(nothing.get(SyscallExit, ()))
        either = exits | free_exits
        # (calls whose two stops read nothing at all are _quiet's)
        self.entries = _x86_64(copied.get(SyscallEntry, ())) & either
        self.free_entries = _x86_64(nothing.get(SyscallEntry, ())) & exits
        self.exits = exits
        self.free_exits = free_exits

    def keeps(self, nr: int, copies: tuple[Any, ...] | None) -> bool:
        """Whether the x86-64 entry of *nr* may wait for its exit: it reads nothing, or
        the C loop copied all it reads (*copies*: those it made, None if none)."""
        return nr in self.free_entries or (nr in self.entries and copies is not None)

    def undecoded(self, kept: tuple[Any, ...], entry_copies: tuple[Any, ...], nr: int,
                  retval: int, copies: tuple[Any, ...] | None) -> tuple[Any, ...] | None:
        """The row text of the kept call (the recorder's (seq, time_ns, nr, args, pid) of
        an entry keeps() let wait) that this x86-64 exit ends, to be made later; None if
        that exit must be decoded at its stop (and the entry too)."""
        if (nr != kept[2] or retval == ERESTART_RESTARTBLOCK
                or not (nr in self.free_exits or (nr in self.exits and copies is not None))):
            return None
        return undecoded(kept[3], entry_copies, flat(copies) if copies else ())


def copies_of(mem: Any) -> tuple[Any, ...] | None:
    """The copies of a capture's memory (pairs), None if it is not the C loop's copies."""
    return mem.copies if type(mem) is CopiedMemory else None


def decode_rows(rows: list[tuple[Any, ...]], strsize: int) -> list[tuple[Any, ...]]:
    """*rows* (the recorder's tuples) with the texts of their Undecoded rows made: as the
    decoder makes them at the stops (``Decoder.capture``, plain modes, no injection)."""
    out = []
    for row in rows:
        u = row[7]
        if type(u) is Undecoded:
            name = row[4]
            entry_args, entry_copies, exit_copies = u[:6], u[7:7 + u[6]], u[7 + u[6]:]
            entry = format_entry(name, entry_args, _Copies(entry_copies), strsize=strsize)
            args, ret = format_exit(name, row[6], row[8], _Copies(exit_copies),
                                    strsize=strsize, entry_text=entry)
            row = row[:7] + (args, row[8], ret) + row[10:]
        out.append(row)
    return out


def name_of(nr: int) -> str:
    return SYSCALL_NAMES.get(nr) or "syscall_%#x" % nr


class Pending:
    """A chunk of the recorder's rows that has Undecoded rows: in the place of its record
    batch until the batch is needed (``batch``: the spill file, the calls table)."""

    __slots__ = ("rows", "nbytes", "num_rows")

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.rows = rows
        self.num_rows = len(rows)
        # (what a traced program makes the recorder hold counts towards memory_limit)
        self.nbytes = ROW_BYTES * len(rows) + sum(
            held(row[7]) for row in rows if type(row[7]) is Undecoded)

    def batch(self, strsize: int) -> Any:
        from ._schema import calls_batch
        return calls_batch(decode_rows(self.rows, strsize))
