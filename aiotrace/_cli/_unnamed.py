# SPDX-License-Identifier: GPL-2.0-or-later
"""The x86-64 system calls that came after strace 6.1, which the command prints as strace
6.1 prints a call it has no name for.

strace 6.1's x86-64 table ends with set_mempolicy_home_node (450). Of a later call
(cachestat, 451, and on) it knows only the number: it prints ``syscall_0x1c3(...)`` with
the six argument registers in hex, and traces it whatever ``-e trace=`` says (strace
traces every call outside its table, and says so with ``-d``). aiotrace's table names
these calls for the library; the command keeps strace 6.1's output.
"""

from __future__ import annotations

from typing import Any

from ._internals import ABI_CODES, NAMES_BY_ABI, SYSCALL_NAMES

LAST_NAMED = 450   # strace 6.1's last x86-64 call

# the x86-64 calls after it that the tracer's filter can select (its table's numbers)
LATER_KEYS = frozenset(range(LAST_NAMED + 1, max(NAMES_BY_ABI[ABI_CODES["x86_64"]]) + 1))


def counted(st: Any) -> bool:
    """Whether strace 6.1's ``-c`` counts the calls of *st* (a SyscallStat): not those it
    has no name for, which it leaves out of its table and its totals (x86-64's after
    LAST_NAMED, and every number of an ABI that no call has)."""
    if st.abi == "x86_64":
        return 0 <= st.nr <= LAST_NAMED and st.nr in SYSCALL_NAMES
    return not st.name.startswith("syscall_")


def invalid_syscall(ev: Any) -> str | None:
    """``-d``'s line for a syscall entry (SyscallEntry) strace 6.1 has no name for:
    ``pid TID invalid syscall 0xNR`` (without the program's name), or None."""
    nr = ev.nr
    if ev.abi == "x86_64":
        if 0 <= nr <= LAST_NAMED and nr in SYSCALL_NAMES:
            return None
        shown = "%#x" % (nr & 0xFFFFFFFFFFFFFFFF)
    elif ev.name.startswith("syscall_"):
        shown = ev.name[8:]   # (as its line shows it: x32's with its bit)
    else:
        return None
    return "pid %d invalid syscall %s" % (ev.tid, shown)
