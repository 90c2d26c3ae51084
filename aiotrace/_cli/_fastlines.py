# SPDX-License-Identifier: GPL-2.0-or-later
"""The text printer's usual case, laid out without its general dispatch.

A usual run (``aiotrace run -f -o FILE PROG``: no ``-n``, ``-i``, ``-Y``, ``-t``/``-r``,
``-e status=``) prints most calls as an entry that opens a line and the exit of the same
thread that completes it. :func:`fast_render` makes a ``render`` for a
:class:`~aiotrace._cli._output.TextPrinter` that lays out those two stops itself, with
the same text and the same state changes as ``TextPrinter.render``, and hands every other
event (and every stop outside the usual case: another ABI, a hidden thread, a line to
close first, a huge ``-a`` padding, a capture that failed) to the general path. It saves
the per-event look-ups of the options that are off, and keeps each thread's line prefix
(``"%-5d "``) once made.
"""

from __future__ import annotations

from typing import Any, Callable

from aiotrace import SyscallEntry, SyscallExit

from ._output import TextPrinter
from ._pairs import Paired, split

_PAD_MAX = 4096   # (as _output's: more spaces than this go out as a Padding)


def usable(p: Any) -> bool:
    """Whether fast_render lays out *p*'s usual stops itself (and so takes the paired
    events of _pairs)."""
    return (type(p) is TextPrinter and not (p.numbers or p.ips or p.comm)
            and p.status is None and not p.stamps.prefixed)


def fast_render(p: TextPrinter, general: Callable[[Any], None]) -> Callable[[Any], None]:
    """A ``render`` for *p* that lays the usual syscall stops out itself and gives every
    other event to *general* (which must render as ``p.render`` does). A paired event
    (_pairs) is laid out as its entry and its exit."""
    if not usable(p):
        return general
    out = p.out
    shown = p.shown
    hidden = p.hidden
    abis = p.abis
    live = p.live
    column1 = p.column - 1
    stamps = p.stamps
    prefixes: dict[int, str] = {}   # tid -> "%-5d " (-o FILE -f)
    by_file = p.pid_prefix
    to_file = p.to_file

    def prefix(tid: int) -> str:
        if by_file:
            pfx = prefixes.get(tid)
            if pfx is None:
                pfx = prefixes[tid] = "%-5d " % tid
            return pfx
        if not to_file and len(live) > 1:
            return "[pid %5d] " % tid
        return ""

    def render(ev: Any) -> None:
        t = type(ev)
        if t is SyscallExit:
            tid = ev.tid
            cap = ev.captured
            if type(cap) is Paired:
                whole(ev, tid, cap)
                return
            if p.open != tid or type(cap) is not tuple or tid in hidden or tid not in shown:
                general(ev)
                return
            name, entry, args, ret, t0, marks, dump = cap
            rest = args[len(entry):] + ")"
            col = p.col + len(rest)
            pad = column1 - col
            if pad > 0:
                if pad > _PAD_MAX:
                    general(ev)
                    return
                rest += " " * pad
            shown.discard(tid)
            if stamps.durations is not None and t0 is not None:
                out.append(rest + " = " + ret + marks + stamps.duration(ev.time_ns - t0)
                           + "\n")
            else:
                out.append(rest + " = " + ret + marks + "\n")
            if dump is not None:
                out.append(dump)
            p.open = None
            return
        if t is SyscallEntry:
            tid = ev.tid
            cap = ev.captured
            if (p.open is not None or type(cap) is not tuple or tid in hidden
                    or ev.abi != "x86_64" or tid in abis):
                general(ev)
                return
            name, text = cap
            pfx = prefix(tid)
            p.col = len(pfx) + len(name) + 1 + len(text)
            out.append(pfx + name + "(" + text)
            p.open = tid
            shown.add(tid)
            return
        general(ev)

    def whole(ev: Any, tid: int, cap: Any) -> None:
        """A paired call: its entry's text and its exit's on one line."""
        name, text, args, ret, t0, marks, dump = cap
        if (p.open is not None or tid in hidden or ev.abi != "x86_64" or tid in abis):
            for half in split(ev):
                general(half)
            return
        pfx = prefix(tid)
        head = pfx + name + "(" + text
        line = head + args[len(text):] + ")"
        pad = column1 - len(line)
        if pad > 0:
            if pad > _PAD_MAX:
                for half in split(ev):
                    general(half)
                return
            line += " " * pad
        p.col = len(head)
        shown.discard(tid)
        if stamps.durations is not None:
            out.append(line + " = " + ret + marks + stamps.duration(ev.time_ns - t0) + "\n")
        else:
            out.append(line + " = " + ret + marks + "\n")
        if dump is not None:
            out.append(dump)

    return render
