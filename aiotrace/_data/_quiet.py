# SPDX-License-Identifier: GPL-2.0-or-later
"""The calls a recording decodes once per distinct value rather than at each stop.

A call whose entry prints scalars only and whose exit reads nothing (the decoder's
``reads_nothing=`` stops, ``Decoder.after_resume``: ``getppid()``, ``close(3)``,
``lseek(3, 0, SEEK_SET)``...) decodes from its registers alone: its text is a function of
its number, its arguments and its return value. The recorder keeps such a call's entry
event until its exit and then takes the text from :class:`QuietTexts`, which runs the
decoder on the first call of each (number, arguments, return value) and reuses the text
after. Busy loops repeat the same few calls, which then cost no decoding at all.

Left to the decoder at each stop as before: the calls of the other ABIs, those whose
entry and exit registers differ, ``restart_syscall`` (its text names the interrupted
call) and the returns of ``ERESTART_RESTARTBLOCK`` (which name it), the decoder's
only state that a quiet call reads or sets.
"""

from __future__ import annotations

from typing import Any

from .._core._args import Args
from .._core._events import SyscallEntry, SyscallExit
from .._core._syscalls import SYSCALL_NUMBERS

__all__ = ["QuietTexts", "ERESTART_RESTARTBLOCK", "entry_event", "numbers"]

ERESTART_RESTARTBLOCK = -516
_MEMO_MAX = 1 << 14   # distinct calls remembered; then it starts again


def numbers(names: Any) -> frozenset[int]:
    """x86-64 numbers of the decoder's ``name@64`` names."""
    out = set()
    for n in names:
        base, _, abi = n.partition("@")
        if abi == "64" and base in SYSCALL_NUMBERS:
            out.add(SYSCALL_NUMBERS[base])
    return frozenset(out)


class QuietTexts:
    """The texts of the quiet calls of one decoder (see the module's docstring)."""

    __slots__ = ("decoder", "entries", "exits", "memo")

    def __init__(self, decoder: Any) -> None:
        self.decoder = decoder
        nothing = decoder.after_resume().get("reads_nothing", {})
        self.exits = numbers(nothing.get(SyscallExit, ()))
        # (an entry is kept back only if its exit can be quiet too)
        self.entries = (numbers(nothing.get(SyscallEntry, ())) & self.exits) - {
            SYSCALL_NUMBERS["restart_syscall"]}
        self.memo: dict[tuple[int, tuple[int, ...], int], tuple[str, str, str]] = {}

    def texts(self, tid: int, kept: tuple[Any, ...], pid: int, time_ns: int, nr: int,
              args: tuple[int, ...], retval: int) -> tuple[str, str, str] | None:
        """``(name, args_text, ret_text)`` of the kept call (the recorder's (seq, time_ns,
        nr, args, pid) of a quiet entry the decoder has not seen) that this x86-64 exit
        ends; None when it is not quiet after all, and then the decoder has seen
        neither."""
        if (nr != kept[2] or nr not in self.exits or retval == ERESTART_RESTARTBLOCK
                or args != kept[3]):
            return None
        key = (nr, args, retval)
        got = self.memo.get(key)
        if got is None:
            decoder = self.decoder
            decoder.capture(entry_event(tid, kept), None)
            cap = decoder.capture(SyscallExit(pid, tid, kept[0], time_ns, nr,
                                              Args(args, nr, tid), retval), None)
            got = (cap[0], cap[2], cap[3])
            memo = self.memo
            if len(memo) >= _MEMO_MAX:
                memo.clear()
            memo[key] = got
        return got


def entry_event(tid: int, kept: tuple[Any, ...]) -> SyscallEntry:
    """The SyscallEntry of a kept entry, the recorder's (seq, time_ns, nr, args, pid)."""
    seq, time_ns, nr, args, pid = kept
    return SyscallEntry(pid, tid, seq, time_ns, nr, Args(args, nr, tid))
