# SPDX-License-Identifier: GPL-2.0-or-later
"""``str(event)``: the line the ``aiotrace`` command (and strace) prints for one event.

The command's own decoder and printer make it (``_links``): there is one printer. An
event is decoded when it is turned into text, from the traced thread's memory as it is
then: exact while the thread is stopped for an intercepting stream, before its verdict.
Once the thread has moved on, the pointers are read as they point now, and once it is
gone they print as addresses (``str()`` never raises for a gone tracee). A recording
(``aiotrace.record``) decodes every call at its stop instead.
"""

from __future__ import annotations

import html
from .._core._args import Memory
from .._core._events import SyscallEntry, SyscallExit, TraceEvent, with_field
from ._links import Decoder, TextPrinter

__all__ = ["event_line", "event_html"]


class _Gone(Memory):
    """The memory of a thread that is gone: every read fails as a gone thread's does
    (OSError), which the decoder prints as the address."""

    __slots__ = ()

    def read(self, addr: int, n: int) -> bytes:
        raise ProcessLookupError(3, "No such process")

    def read_string(self, addr: int, limit: int = 4096) -> bytes:
        raise ProcessLookupError(3, "No such process")


def _alive(tid: int) -> bool:
    try:
        with open(f"/proc/{tid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2:][:1] not in (b"Z", b"X")


def event_line(ev: TraceEvent) -> str:
    """The strace line of *ev*, without its newline: ``openat(AT_FDCWD, "/etc/hosts",
    O_RDONLY|O_CLOEXEC) = 3``; an entry alone ends with `` <unfinished ...>`` as in
    strace. Events that strace prints no line for (a thread's exec, a clone, an exit
    outside a call...) give their ``repr``."""
    t = type(ev)
    tid = ev.tid
    mem: Memory | None = None
    if t is SyscallEntry or t is SyscallExit:
        mem = Memory._create(tid) if _alive(tid) else _Gone._create(tid)
    decoder = Decoder()
    try:
        captured = decoder.capture(ev, mem)
    except Exception:   # noqa: BLE001 - a line is always given; the repr says the rest
        return repr(ev)
    printer = TextPrinter(to_file=True, pid_prefix=False, follow=False)
    printer.add_thread(tid, ev.pid)
    printer.render(with_field(ev, "captured", captured))
    printer.finish()
    text = "".join(p for p in printer.out if isinstance(p, str)).rstrip("\n")
    return text or repr(ev)


def event_html(ev: TraceEvent) -> str:
    """The strace line in a notebook: monospace, with the event's kind, pid, tid and
    sequence number before it."""
    line = html.escape(event_line(ev))
    head = html.escape(f"{ev.kind} #{ev.seq} pid {ev.pid} tid {ev.tid}")
    return (f'<div style="font-family:monospace;white-space:pre-wrap">'
            f'<span style="color:#888">{head}</span> {line}</div>')


