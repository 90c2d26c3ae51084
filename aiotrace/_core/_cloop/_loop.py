"""The tracer thread's loop with the C loop (aiotrace/_core/_cloop/_accel_*.c), which waits, sleeps
and handles the common syscall stops itself without the GIL: here the commands, the stops
it hands over, and the C holds, which Python adopts before it does anything else."""

from __future__ import annotations

import ctypes
import os
from dataclasses import dataclass
from typing import Any

from . import _binding as _accel
from ._slots import take_view
from .._arbiter import _NO_ENGINES
from .. import _ffi
from .._events import SyscallEntry, SyscallExit
from .._probe_events import ProbeHit
from .._loop import TracerLoop
from .._model import Thread
from .._verdict import CLEAN


@dataclass(eq=False)
class CLoop(TracerLoop):
    accel: _accel.Accel

    def run(self) -> None:
        """Until close() has let every family go."""
        ac = self.accel
        c, take_cmds, ptr = ac.core, ac.lib.take_cmds, ac.ptr
        commands = self.handoff.commands
        flush = self.handoff.flush
        while True:
            if commands or c.py_cmds:
                take_cmds(ptr)
                while commands:
                    commands.popleft()()
            if self.over():
                flush()
                return
            flush()
            self.run_c(1)

    def run_c(self, block: int) -> None:
        """One call of the C loop (*block*: until Python is needed), then what it handed
        over: its records first (the order of the stops), then each stop it left to
        Python, and the stops still pending after that (drain before dispatch)."""
        ac = self.accel
        c, ptr = ac.core, ac.ptr
        run = ac.lib.run if block else ac.lib.drain
        ho = self.handoff
        pushed = ho.pushed_to
        while True:
            while pushed:
                pushed.pop().set_limit()   # (Python's own events took room in the buffers)
            c.no_poll = not self.tracees.every_death_seen()
            res = run(ptr, block)
            if c.head != c.tail:
                ho.convert(ho.direct)
            if ho.c_holds:
                self._adopt()
            if res != _accel.AT_SLOW:
                break
            self.stops.handle(c.slow_pid, c.slow_status)
            block = 0
            run = ac.lib.drain
        if res < 0:
            raise OSError(-res, os.strerror(-res))

    def _adopt(self) -> None:
        """Take over every C hold before Python does anything else (a command, a stop):
        from here on the thread is stopped, held by its engine, as if Python had
        dispatched the stop itself, so that every rule of the Python side applies (a
        verdict that changes something, hold(), detach, close, SIGKILL)."""
        ac = self.accel
        lib, ptr = ac.lib, ac.ptr
        lib.apply_releases(ptr)   # (released by the loop meanwhile: those go on now)
        holds = self.handoff.c_holds
        while holds:
            tid, (hold, ev) = holds.popitem()
            slot = hold.cslot
            if slot is None or not lib.adopt(ptr, ctypes.addressof(slot), hold.cgen):
                continue   # released, or gone
            th = hold.thread
            cls = type(ev)
            base = (ev.pid, ev.tid, ev.seq, ev.time_ns)
            fields: dict[str, Any]
            if isinstance(ev, ProbeHit):
                fields = self._adopt_hit(th, ev)
            else:
                fields = self._adopt_call(th, ev)
            th.stopped = True
            th.holds += 1
            th.chain_hold = hold
            th.event = (cls, base, fields)
            th.pending = _NO_ENGINES
            th.decision = CLEAN
            hold.gen = th.gen   # (unchanged since the C hold: holds made meanwhile match)
            hold.cslot = None

    def _adopt_call(self, th: Thread, ev: Any) -> dict[str, Any]:
        """_adopt, for a syscall stop: the thread's call in progress; the event's fields."""
        slot = th.slot
        assert slot is not None
        cls = type(ev)
        slot.dirty = 0
        fields: dict[str, Any] = {"nr": ev.nr, "args": ev.args}
        if cls is SyscallExit:
            fields["retval"] = ev.retval
        nr = fields["nr"]
        if cls is SyscallEntry:
            th.nr = nr
            th.args = fields["args"]
            th.expect_exit = True
            th.want_exit = bool(slot.want_exit)
        else:
            th.nr = None
            th.args = ()
            th.expect_exit = th.want_exit = False
        th.raw_args = None
        return fields

    def _adopt_hit(self, th: Thread, ev: ProbeHit) -> dict[str, Any]:
        """_adopt, for a breakpoint's hit: the thread is in no system call (its syscall
        state is the slot's), and the hit is left as _probes.trap leaves it for apply."""
        slot = th.slot
        assert slot is not None
        if slot.dirty:
            take_view(th, slot)
        probes = self.stops.probes
        assert probes is not None
        probes.adopt(th, ev.address, _ffi.UserRegs.from_buffer_copy(ev._regs))
        return {"symbol": ev.symbol, "address": ev.address, "module": ev.module,
                "args": ev.args, "_regs": ev._regs}


__all__ = ["CLoop"]
