"""The command line's probes and stack traces: ``--probe`` (function calls, as ltrace
prints them) and ``-k`` (a stack trace after each system call, as strace -k prints it).
Built on the public API: ``Process.probe()``, ``events(stacks=True)``, ``event.stack()``.
See docs/cli.md."""

from __future__ import annotations

from typing import Any

import anyio

from aiotrace import ProbeHit, ProbeReturn
from ._output import JsonPrinter, SeparatePrinter, TextPrinter


def probe_specs(text: str) -> list[str]:
    """``--probe=SPEC[,SPEC...]``: the specs (Process.probe's), in order."""
    return [s.strip() for s in text.split(",") if s.strip()]


def _hex(v: int) -> str:
    return "0" if v == 0 else "%#x" % v


def _out(printer: Any, tid: int) -> tuple[Any, list[str]]:
    """The text printer of *tid* and the list its lines go to."""
    if isinstance(printer, SeparatePrinter):
        p = printer._printer(tid)
        printer.dirty.add(tid)
        return p, p.out
    return printer, printer.out


def stack_text(ev: Any, json: bool) -> str:
    """The lines of *ev*'s stack, as strace -k prints them (``" > FILE(FUNC+0xOFF)
    [0xFILE_OFFSET]"``), or one JSON object."""
    try:
        frames = ev.stack()
    except (RuntimeError, OSError):
        return ""
    if json:
        import json as _json
        return _json.dumps({"kind": "stack", "seq": ev.seq, "pid": ev.pid, "tid": ev.tid,
                            "frames": [str(f) for f in frames]}, separators=(",", ":")) + "\n"
    lines = []
    for f in frames:
        if not f.module:
            lines.append(" > unexpected_backtracing_error [%#x]\n" % f.address)
        elif f.symbol:
            lines.append(" > %s(%s+%#x) [%#x]\n" % (f.module, f.symbol, f.offset,
                                                   f.module_offset))
        else:
            lines.append(" > %s() [%#x]\n" % (f.module, f.module_offset))
    return "".join(lines)


class ProbeLines:
    """Renders probe events: ``add(0, 0x1, ...) = 0x1`` at the return (each of the six
    integer argument registers, in hex: aiotrace knows no prototypes), with strace's
    ``<unfinished ...>``/``<... resumed>`` when other lines of the thread come between
    the call and its return (a nested probed call, a system call)."""

    def __init__(self, printer: Any, stacks: bool, follow: bool) -> None:
        self.printer = printer
        self.stacks = stacks
        self.follow = follow
        self.root = 0   # without -f: only the program's own process is shown
        self.json = isinstance(printer, JsonPrinter)
        # tid -> the calls in progress: [symbol, args text, shown as unfinished]
        self.calls: dict[int, list[list[Any]]] = {}

    def render(self, ev: Any) -> None:
        if not self.follow:
            if not self.root:
                self.root = ev.pid
            if ev.pid != self.root:
                return
        if self.json:
            self._json(ev)
            return
        p, out = _out(self.printer, ev.tid)
        if not isinstance(p, TextPrinter):
            return
        tid = ev.tid
        calls = self.calls.setdefault(tid, [])
        if type(ev) is ProbeHit:
            args = ", ".join(_hex(a) for a in ev.args)
            name = ev.symbol or _hex(ev.address)
            if calls and not calls[-1][2]:
                # the outer call's line opens now, unfinished
                outer = calls[-1]
                out.append(p._lead(tid, ev.time_ns) + "%s(%s <unfinished ...>\n"
                           % (outer[0], outer[1]))
                outer[2] = True
            calls.append([name, args, False])
            if self.stacks:
                out.append(p._lead(tid, ev.time_ns) + "%s(%s <unfinished ...>\n" % (name, args))
                calls[-1][2] = True
                out.append(stack_text(ev, False))
            return
        if type(ev) is ProbeReturn:
            name = ev.symbol or _hex(ev.address)
            entry = calls.pop() if calls else [name, "", True]
            ret = _hex(ev.retval & ((1 << 64) - 1))
            if entry[2]:
                line = "<... %s resumed> ) = %s\n" % (entry[0], ret)
            else:
                line = "%s(%s) = %s\n" % (entry[0], entry[1], ret)
            out.append(p._lead(tid, ev.time_ns) + line)

    def _json(self, ev: Any) -> None:
        p = self.printer
        assert isinstance(p, JsonPrinter)
        if type(ev) is ProbeHit:
            p._obj(ev, ev.kind, symbol=ev.symbol, address=ev.address, module=ev.module,
                   args=list(ev.args))
        elif type(ev) is ProbeReturn:
            p._obj(ev, ev.kind, symbol=ev.symbol, address=ev.address, module=ev.module,
                   retval=ev.retval, duration=round(ev.duration_ns / 1e9, 6))
        if self.stacks and type(ev) is ProbeHit:
            p.out.append(stack_text(ev, True))


async def drain_merged(session: Any, streams: list[Any]) -> None:
    """Session.drain for several streams (the syscalls' and the probes'), whose events
    are laid out in their global order (``seq``). The tracer thread hands events out in
    that order, so what the buffers hold at one moment is all of what comes before the
    last of it: each batch is what both buffers hold, sorted."""
    streams = [s for s in streams if s is not None]
    pending: list[Any] = []
    woken = anyio.Event()
    done = 0

    async def pull(stream: Any) -> None:
        nonlocal woken, done
        async with stream:
            async for ev in stream:
                pending.append(ev)
                woken.set()
        done += 1
        woken.set()

    async with anyio.create_task_group() as tg:
        for s in streams:
            tg.start_soon(pull, s)
        while done < len(streams) or pending:
            await woken.wait()
            woken = anyio.Event()
            for s in streams:
                while True:
                    try:
                        pending.append(s.receive_nowait())
                    except (anyio.WouldBlock, anyio.EndOfStream, anyio.ClosedResourceError):
                        break
            batch = sorted(pending, key=lambda e: e.seq)
            pending.clear()
            for ev in batch:
                session.show(ev)
            session.written()
    session.flush()


__all__ = ["ProbeLines", "drain_merged", "probe_specs", "stack_text"]
