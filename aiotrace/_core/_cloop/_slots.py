"""Each traced thread's slot in the C loop's table, kept in step with Python's Thread.

A slot holds what the C loop needs to handle the thread's next syscall stops on its own:
the syscall in progress, whether its exit is expected and wanted, and whether it may be
handled at all (``fast``). Python writes it when it resumes the thread (export) and reads
it back before it handles a stop of the thread itself (import, when ``dirty``). While the
C loop holds the thread for an engine (a *C hold*), the slot is the C loop's.
"""

from __future__ import annotations

import ctypes

from . import _binding as _accel
from .._ffi import raw_ptrace as _ffi_raw_ptrace
from .._args import Args
from .._model import Family, Thread
from .._resume import CONT_REQ, SYSCALL_REQ, Resumer, exit_option, gone_or_raise

_ZERO_ARGS = (0, 0, 0, 0, 0, 0)
# a slot's states while the C loop holds its thread in a stop for an engine (the tracer
# thread resumes it only in the C loop: a command sees it stopped)
_C_HELD = (_accel.S_HELD, _accel.S_RELEASING)


class Slots:
    """Without the C loop: threads have no slot, and every method does nothing."""

    def family(self, fam: Family) -> None:
        """A new family (its table in the C loop)."""

    def add(self, th: Thread, exit_off: int = 0, state: int = _accel.S_RUNNING) -> None:
        """A new thread (its slot)."""

    def drop(self, th: Thread) -> None:
        """A thread gone, detached, or moved to another tid."""

    def take(self, th: Thread) -> None:
        """Before Python handles a stop of *th*: the C loop's view of the syscall in
        progress, and the slot back from a C hold that ended (the thread was killed)."""

    def info_read(self, tid: int) -> bool:
        """Whether the C loop read PTRACE_GET_SYSCALL_INFO of *tid*'s current stop into
        the shared buffer already (then Python does not ask again)."""
        return False

    def stale_info(self) -> None:
        """What the C loop read of a stop's syscall info is stale (Python ran commands
        that may have used the shared buffer since)."""

    def not_fast(self, th: Thread) -> None:
        """*th*'s next stop, whatever it is, goes to Python (an Interrupt is due there)."""

    def held(self, th: Thread) -> bool:
        """Whether the C loop holds *th* in a stop for an engine."""
        return False

    def inherit(self, kid: Thread, parent: Thread) -> None:
        """A new thread or child: its options are its parent's."""
        kid.exit_off = parent.exit_off

    def move(self, mover: Thread, tid: int) -> None:
        """Exec from a non-leader thread: *mover* now has the leader's *tid*."""
        mover.retid(tid)


class CSlots(Slots):
    """With the C loop: every thread has a slot in the C loop's table."""

    def __init__(self, accel: _accel.Accel) -> None:
        self._ac = accel
        self._slots: dict[int, _accel.Slot] = {}   # every slot the C loop's table points at

    def family(self, fam: Family) -> None:
        if fam.cfam is None:
            fam.cfam = _accel.Family()
            fam.publish()

    def add(self, th: Thread, exit_off: int = 0, state: int = _accel.S_RUNNING) -> None:
        cf = th.proc.family.cfam
        if cf is None:
            return
        ac = self._ac
        slot = _accel.Slot()
        slot.tid = th.tid
        slot.pid = th.proc.pid
        slot.nr = _accel.NR_NONE
        slot.fam = ctypes.addressof(cf)
        slot.exit_off = exit_off
        slot.state = state
        space = th.proc.space
        if space is not None and space.ctable is not None:   # (probes: see _probes.publish)
            slot.bps = ctypes.addressof(space.ctable)
        if ac.lib.add(ac.ptr, ctypes.addressof(slot)) != 0:
            raise MemoryError("aiotrace: no memory for the C tracer loop's table of threads")
        self._slots[th.tid] = slot   # (alive while the C loop's table points at it)
        th.slot = slot

    def drop(self, th: Thread) -> None:
        slot = th.slot
        if slot is None:
            return
        th.slot = None
        if self._slots.get(slot.tid) is slot:
            del self._slots[slot.tid]
            self._ac.lib.delete(self._ac.ptr, slot.tid)

    def take(self, th: Thread) -> None:
        slot = th.slot
        if slot is None:
            return
        if slot.dirty:
            take_view(th, slot)
        if slot.state != _accel.S_STOPPED:
            # a C hold's thread, killed: its hold is over, and a release the loop
            # queued for it meanwhile must not resume this stop (or a freed slot)
            self._ac.lib.take(self._ac.ptr, ctypes.addressof(slot))

    def info_read(self, tid: int) -> bool:
        c = self._ac.core
        if c.info_tid == tid:
            c.info_tid = 0
            return True
        return False

    def stale_info(self) -> None:
        self._ac.core.info_tid = 0

    def not_fast(self, th: Thread) -> None:
        if th.slot is not None:
            th.slot.fast = 0

    def held(self, th: Thread) -> bool:
        slot = th.slot
        return slot is not None and slot.state in _C_HELD

    def inherit(self, kid: Thread, parent: Thread) -> None:
        kid.exit_off = parent.exit_off
        if kid.slot is not None and parent.slot is not None:
            kid.slot.exit_off = parent.slot.exit_off

    def move(self, mover: Thread, tid: int) -> None:
        exit_off = 0
        if mover.slot is not None:
            if mover.slot.dirty:
                take_view(mover, mover.slot)
            exit_off = mover.slot.exit_off
        self.drop(mover)
        mover.retid(tid)
        self.add(mover, exit_off, _accel.S_STOPPED)


def take_view(th: Thread, slot: _accel.Slot) -> None:
    """The C loop handled stops of this thread since Python resumed it: take its view of
    the syscall in progress."""
    ee, we, _, nr, *vals = _accel.SLOT_IMPORT.unpack_from(slot, _accel.SLOT_IMPORT_AT)
    slot.dirty = 0
    th.expect_exit = bool(ee)
    th.want_exit = bool(we)
    if nr == _accel.NR_NONE:
        th.nr = th.raw_args = None
    else:
        th.nr = nr
        th.raw_args = (nr, *vals)
    th.args = ()


class CResumer(Resumer):
    """Resumes a thread and hands it back to the C loop: its syscall in progress, and
    whether the C loop may handle its next syscall stop (not when Python has something to
    do there)."""

    def resume(self, th: Thread, sig: int, req: int) -> None:
        th.stopped = False
        th.gen += 1
        fam = th.proc.family
        slot = th.slot
        if slot is None:   # (a thread of a family being made, before its table)
            if th.exit_off == fam.want_exit:
                exit_option(th.tid, fam)
                th.exit_off = not fam.want_exit
        else:
            if slot.exit_off == fam.want_exit:   # (as Resumer.resume; the C loop does it too)
                exit_option(th.tid, fam)
                slot.exit_off = not fam.want_exit
            nr = th.nr
            if nr is None:
                nr = _accel.NR_NONE
                vals: tuple[int, ...] = _ZERO_ARGS
            elif th.raw_args is not None:
                vals = th.raw_args[1:]
            else:
                a = th.args
                vals = a._v if isinstance(a, Args) else (tuple(a) + _ZERO_ARGS)[:6]
            fast = (req == SYSCALL_REQ or req == CONT_REQ) and not (
                th.detach_requested or th.fake_return is not None or fam.detaching
                or th.proc.pre_exec or th.interrupt_requested)
            _accel.SLOT_EXPORT.pack_into(
                slot, _accel.SLOT_EXPORT_AT, _accel.S_RUNNING, fast, th.expect_exit,
                th.want_exit, 0, nr, *vals)
        if _ffi_raw_ptrace(req, th.tid, 0, sig) == -1:
            gone_or_raise()


__all__ = ["CResumer", "CSlots", "Slots", "take_view"]
