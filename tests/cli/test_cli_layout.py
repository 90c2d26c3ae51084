# SPDX-License-Identifier: GPL-2.0-or-later
"""The printer's layout rules on synthetic events (no process involved): unfinished and
resumed lines, a thread that exits inside a call, -e status=."""

from __future__ import annotations

import dataclasses


class _Mem:
    def __init__(self, regions):
        self.regions = regions

    def read(self, addr, n):
        for base, data in self.regions.items():
            if base <= addr < base + len(data):
                return data[addr - base: addr - base + n]
        raise OSError(14, "Bad address")

    def read_string(self, addr, limit):
        return self.read(addr, limit).split(b"\0", 1)[0]


def _layout(events, **kw):
    """Feed (event, memory) pairs through Decoder.capture then TextPrinter.render, as the
    stream does; return the text."""
    from aiotrace._cli._decoder import Decoder
    from aiotrace._cli._output import TextPrinter
    dec = Decoder()
    kw.setdefault("to_file", False)
    kw.setdefault("pid_prefix", False)
    kw.setdefault("follow", True)
    threads = kw.pop("threads", (10,))
    p = TextPrinter(**kw)
    for tid in threads:
        p.add_thread(tid, tid)
    for ev, mem in events:
        cap = dec.capture(ev, mem)
        p.render(dataclasses.replace(ev, captured=cap))
    p.finish()
    return "".join(p.out)


def test_layout_unfinished_and_resumed():
    """Lines strace printed for `sh -c 'echo a | cat'` (a close split by another pid)."""
    from aiotrace import Death, SyscallEntry, SyscallExit
    E, X = SyscallEntry, SyscallExit
    events = [
        (E(5999, 5999, 1, 0, nr=3, args=(3, 0, 0, 0, 0, 0)), None),
        (E(5998, 5998, 2, 0, nr=61, args=(2 ** 64 - 1, 0x7000, 0, 0, 0, 0)), None),
        (X(5999, 5999, 3, 0, nr=3, args=(3, 0, 0, 0, 0, 0), retval=0), None),
        (X(5998, 5998, 4, 0, nr=61, args=(2 ** 64 - 1, 0x7000, 0, 0, 0, 0), retval=5999),
         _Mem({0x7000: (0).to_bytes(4, "little")})),
        (Death(5999, 5999, 5, 0, status=0), None),
    ]
    text = _layout(events, threads=(5998, 5999))
    assert text.splitlines() == [
        "[pid  5999] close(3 <unfinished ...>",
        "[pid  5998] wait4(-1,  <unfinished ...>",
        "[pid  5999] <... close resumed>)        = 0",
        "[pid  5998] <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 5999",
        "[pid  5999] +++ exited with 0 +++",
    ]


def test_layout_exit_inside_a_call():
    """= ? when the thread leaves inside the call; " <unfinished ...>" before ")" only if
    arguments were left for the exit (strace's print_event_exit)."""
    from aiotrace import Death, Exit, SyscallEntry
    text = _layout([
        (SyscallEntry(10, 10, 1, 0, nr=231, args=(3, 0, 0, 0, 0, 0)), None),
        (Exit(10, 10, 2, 0, status=3 << 8), None),
        (Death(10, 10, 3, 0, status=3 << 8), None),
    ])
    assert text == "exit_group(3)                           = ?\n+++ exited with 3 +++\n"
    text = _layout([
        (SyscallEntry(10, 10, 1, 0, nr=0, args=(0, 0x7000, 10, 0, 0, 0)), None),
        (SyscallEntry(11, 11, 2, 0, nr=39, args=(0,) * 6), None),
        (Exit(10, 10, 3, 0, status=9), None),
        (Death(10, 10, 4, 0, status=9), None),
    ], threads=(10, 11), pid_prefix=True, to_file=True)
    assert text.splitlines() == [
        "10    read(0,  <unfinished ...>",
        "11    getpid( <unfinished ...>",
        "10    <... read resumed> <unfinished ...>) = ?",
        "10    +++ killed by SIGKILL +++",
    ]


def test_layout_status_filter_prints_whole_lines():
    from aiotrace import SyscallEntry, SyscallExit
    E, X = SyscallEntry, SyscallExit
    text = _layout([
        (E(10, 10, 1, 0, nr=81, args=(2 ** 64 - 1,) + (0,) * 5), None),
        (E(11, 11, 2, 0, nr=39, args=(0,) * 6), None),
        (X(11, 11, 3, 0, nr=39, args=(0,) * 6, retval=11), None),
        (X(10, 10, 4, 0, nr=81, args=(2 ** 64 - 1,) + (0,) * 5, retval=-9), None),
    ], threads=(10, 11), status=frozenset({"failed"}))
    assert text == "[pid    10] fchdir(-1)                  = -1 EBADF (Bad file descriptor)\n"
