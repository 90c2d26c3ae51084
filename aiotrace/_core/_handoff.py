"""The hand-off between the tracer thread and the event loop's thread.

This is the one module of the core whose code runs on both threads; everything else in
``aiotrace._core`` runs on the tracer thread only (and the reactor, ``aiotrace._reactor``,
on the loop's). What crosses, and how:

* **commands**, loop -> tracer: callables appended to ``commands`` (a deque: append and
  popleft are atomic), then a *ring* that wakes the tracer thread if it sleeps (see
  :meth:`Handoff.post`); new streams go through ``new_subs``, taken before any stop
  the tracer thread handles next (see Core.subscribe);
* **events**, tracer -> loop: appended to a stream's buffer (``Subscription.buffer``; the
  tracer thread counts ``pushed``, the loop ``taken``: a single writer each), and the
  stream's wake-up queued once per batch (``flagged``) in ``outbox``, or a byte for a
  stream that waits on a pipe of its own (``direct``, trio); ``notify()`` wakes the loop
  once per batch, after every pending stop was collected;
* **replies**, tracer -> loop: callables in ``outbox`` (a spawn's result, a death);
* the C loop's **records**: a ring of syscall stops the C loop handled itself, turned
  into events by :meth:`Handoff.convert` on whichever thread gets there first (under a
  lock: one at a time), and its **C holds**: a stop the C loop keeps for a lone
  intercepting engine, released from the loop thread straight to the C loop when the
  engine asks for nothing else (:meth:`release_c`).

Why a verdict yields the CPU, and why that backs off, is in docs/architecture.md.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from collections import deque
from typing import Any, Callable

from . import _ffi
from ._cloop import _binding as _accel
from ._args import Args, CopiedMemory
from ._doorbell import Doorbell
from ._events import SyscallEntry, SyscallExit, TraceEvent
from ._model import END, NO_COPIES, NO_NRS, Family, Hold, Subscription, Thread, capture
from ._probe_events import ProbeHit

# what the tracer thread is blocked in (Python loop; the C loop keeps its own, in C)
AWAKE, IN_WAITPID, IN_POLL = 0, 1, 2
# post_verdict: a yield longer than this gave the CPU to other work than the tracer thread
_SLOW_YIELD_NS = 200_000
_FIRST_YIELD_BACKOFF = 16 // 2   # doubled by the first slow yield: 16 verdicts skipped
_MAX_YIELD_BACKOFF = 1 << 16
_FAST_YIELDS_TO_RESET = 64   # quick yields in a row that end a backoff
_monotonic_ns = time.monotonic_ns
_REGS_SIZE = ctypes.sizeof(_ffi.UserRegs)


class Handoff:
    """What the two threads share. *notify* wakes the loop (one byte on its pipe);
    *make_ctl* wraps a hold in the loop side's verdict handle; *threads* is the tracer
    thread's table of tracees (read by convert: a record's thread)."""

    def __init__(
        self,
        notify: Callable[[], None],
        make_ctl: Callable[..., Any],
        accel: _accel.Accel | None,
        bell: Doorbell,
        threads: dict[int, Thread],
        owner: Any,
    ) -> None:
        self.notify = notify
        # loop thread, after a release's yield found records or replies that may have had
        # no byte (see release_c): turns them into events now; the reactor sets its own
        self.looked: Callable[[], None] = notify
        self.make_ctl = make_ctl
        self._owner = owner   # (what make_ctl's handles post their verdicts to)
        self.commands: deque[Callable[[], None]] = deque()
        self.new_subs: deque[Subscription] = deque()   # streams not yet taken on
        self.outbox: deque[Callable[[], None]] = deque()
        self.direct: deque[int] = deque()     # streams' own pipes to write a byte on
        self.seq = 0                          # events made: their global order
        self.accel = accel
        self.bell = bell
        self.threads = threads
        # the Python loop's sleep, for post()'s ring: AWAKE, IN_WAITPID or IN_POLL, and
        # whether a ring is on its way for it
        self.sleeping = AWAKE
        self.rung = False
        # the all-held sleep's wake pipe (poll() on it, the tracees' pidfds)
        self.wake_r, self.wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._yield_skip = 0      # verdicts to post without a yield (see post_verdict)
        self._yield_backoff = _FIRST_YIELD_BACKOFF
        self._fast_yields = 0
        self._conv_lock = threading.Lock()   # one thread at a time turns records into events
        # families whose streams got events from Python since the C loop's limits were set
        self.pushed_to: set[Family] = set()
        # C holds turned into events, not yet adopted by Python: tid -> (hold, its event)
        self.c_holds: dict[int, tuple[Hold, TraceEvent]] = {}
        # the tracer thread's command that takes on the new streams (see subscribe)
        self.take_subscriptions: Callable[[], None] = _nothing
        self._accel_post: Callable[[int], None] | None = None
        self._accel_ptr = 0
        if accel is not None:
            self._accel_post = accel.lib.post
            self._accel_ptr = accel.ptr

    # -- loop thread -> tracer thread ----------------------------------------------------

    def post(self, fn: Callable[[], None]) -> None:
        """Run *fn* on the tracer thread, soon. Safe from any thread."""
        self.commands.append(fn)
        wake = self._accel_post
        if wake is not None:
            wake(self._accel_ptr)   # (the C loop's own doorbell protocol)
            return
        # (from the read of sleeping to the claim of rung no bytecode here lets the GIL
        # go, and the tracer thread changes both only with the GIL: so the ring is for the
        # sleep it read, as the C loop's compare-and-swap makes sure of)
        sleeping = self.sleeping
        if sleeping and not self.rung:
            self.rung = True
            if sleeping == IN_POLL:
                _ffi.write_byte(self.wake_w)
            else:
                self.bell.ring()

    def post_verdict(self, fn: Callable[[], None]) -> None:
        """post() a verdict from the loop thread, then give this CPU away once
        (sched_yield): where the tracer thread shares it, it resumes the tracee before the
        loop goes on, and the thread's next event is usually in the buffer when the loop
        goes on. A yield that took long (the CPU went to other work) makes the next ones
        be skipped, for twice as many verdicts each time (see docs/architecture.md). A
        hint only: nothing depends on what runs during the yield."""
        self.post(fn)
        self._yield_after_verdict()

    def release_c(self, hold: Hold) -> bool:
        """From the loop thread: the engine of a C hold asks for nothing but to go on. The
        C loop resumes the thread; False when the hold is not the C loop's any more
        (Python adopted it, or the thread is gone): use post_verdict then.

        When it yields after the release (see post_verdict), the loop is known to look at
        the ring once it has the CPU back, so the C loop writes no byte for the records it
        makes meanwhile (on one CPU: the thread's next stop), and the loop reads none:
        at_unlook ends that, and what was made meanwhile becomes events here (looked)."""
        slot = hold.cslot
        ac = self.accel
        if slot is None or ac is None:
            return False
        look = not self._yield_skip
        if not ac.lib.release(ac.ptr, ctypes.addressof(slot), hold.cgen, look):
            return False
        hold.released = True
        if not look:
            self._yield_skip -= 1
            return True
        try:
            c = ac.core
            if c.head == c.tail:
                # (on one CPU the release's wake-up usually ran the tracer thread, and the
                # thread's next stop, right away: its record is there, nothing to yield to)
                self._yield_after_verdict()   # (it yields: no skip is left)
        finally:
            if ac.lib.unlook(ac.ptr) or self.outbox:
                self.looked()
        return True

    def _yield_after_verdict(self) -> None:
        if self._yield_skip:
            self._yield_skip -= 1
            return
        t0 = _monotonic_ns()
        os.sched_yield()
        if _monotonic_ns() - t0 > _SLOW_YIELD_NS:
            self._yield_backoff = min(2 * self._yield_backoff, _MAX_YIELD_BACKOFF)
            self._yield_skip = self._yield_backoff
            self._fast_yields = 0
        else:
            self._fast_yields += 1
            if self._fast_yields >= _FAST_YIELDS_TO_RESET:
                self._yield_backoff = _FIRST_YIELD_BACKOFF

    def subscribe(self, sub: Subscription) -> None:
        """A new stream (Process.events()): the tracer thread takes it on before it runs
        any command posted later, and before it handles any stop it finds from now on (a
        stop that the caller's next action causes, a SIGKILL of its own, say, is seen by
        the stream)."""
        ac = self.accel
        if ac is not None:
            ac.lib.subscribing(ac.ptr, 1)   # (the C loop hands every stop to Python meanwhile)
        self.new_subs.append(sub)
        self.post(self.take_subscriptions)

    def convert_on_loop(self) -> int:
        """convert(), on the loop thread: the streams' own pipes get their byte here."""
        direct: list[int] = []
        n = self.convert(direct)
        for fd in direct:
            _ffi.write_byte(fd)
        return n

    # -- tracer thread -> loop thread ----------------------------------------------------

    def reply(self, fn: Callable[[], None]) -> None:
        """Queue *fn* to run on the loop thread (flush() wakes it, once per batch)."""
        self.outbox.append(fn)

    def push(self, sub: Subscription, item: Any) -> None:
        """Hand *item* (an event, or END) to a stream (tracer thread)."""
        fam = sub.family
        if fam is not None and fam.cfam is not None:
            self.pushed_to.add(fam)   # (the C loop's limits are set again: see set_limit)
        _deliver(sub, item, self.direct, self.outbox)

    def flush(self) -> None:
        """Wake the loop for what was queued (tracer thread, before it sleeps)."""
        if self.direct:
            self.send_direct()
        if self.outbox:
            self.notify()

    def send_direct(self) -> None:
        """Write the wake-up byte of each stream whose consumer waits on a pipe of its own
        (see Subscription.wfd). A stream's pipe is closed only after close_sub has run
        on the tracer thread, which calls this first: so no byte is ever written to a
        closed (or reused) descriptor."""
        direct = self.direct
        while direct:
            _ffi.write_byte(direct.popleft())

    def close(self) -> None:
        """The wake pipe, once the tracer thread has finished and been joined (a ring that
        read the thread asleep just before its end may still use it until then)."""
        for fd in (self.wake_r, self.wake_w):
            if fd >= 0:
                os.close(fd)
        self.wake_r = self.wake_w = -1

    # -- the C loop's records: either thread ---------------------------------------------

    def convert(self, direct: Any) -> int:
        """Turn the records the C loop made into events, in the order of their stops, and
        hand them to their streams. Runs on the loop thread (for the records made while
        the tracer thread was in the C loop) and on the tracer thread (before it handles
        anything itself, so that its own events come after them); one thread at a time.
        *direct* collects the pipes of the streams (trio) that get a byte. Returns how
        many records it took."""
        ac = self.accel
        if ac is None:
            return 0
        # (this also clears the loop's wake-up flag, shared with Python's own wake-ups: so
        # it is taken every time, and first)
        head = ac.lib.take_records(ac.ptr)
        if head == ac.core.tail:
            return 0   # (nothing, or another thread is turning them into events now)
        with self._conv_lock:
            tail = ac.core.tail
            if head <= tail:
                return 0
            seq = self.seq
            try:
                last, seq = self._convert(ac, tail, head, seq, direct)
            finally:
                self.seq = seq
            if last == tail:
                return 0
            ring, mask, size = ac.ring, ac.mask, _accel.RECORD_SIZE
            arena_tail = _accel.BLOB_END.unpack_from(
                ring, ((last - 1) & mask) * size + _accel.BLOB_END_OFFSET)[0]
            ac.lib.consumed(ac.ptr, last, arena_tail)
            return int(last - tail)

    def _convert(self, ac: _accel.Accel, tail: int, head: int, seq: int,
                 direct: Any) -> tuple[int, int]:
        """convert()'s loop over the records from *tail* to *head*, under its lock: the
        index after the last record taken, and the last seq given. Its hot paths (a quiet
        call's entry and exit as one event, see _pair_keys; an observer's event) are
        written out in place, and what the records of one thread share (its process,
        family and streams) is looked up once per run of its records."""
        ring, mask, size = ac.ring, ac.mask, _accel.RECORD_SIZE
        unpack = _accel.RECORD.unpack_from
        threads = self.threads
        outbox = self.outbox
        families: list[Family] = []
        last = tail
        paired = -1   # (an exit record taken with its entry's)
        last_tid = 0  # (the thread of the record before: what follows is its)
        th: Thread | None = None
        fam: Any = None
        pid = 0
        plan_subs: tuple[Subscription, ...] | None = None   # (the subs psub was found in)
        psub: Any = None      # the family's one stream, if it takes pairs (Subscription.pairs)
        pkeys = NO_NRS        # ... and the calls it takes as pairs
        for i in range(tail, head):
            if i == paired:
                continue
            at = (i & mask) * size
            tid, kind, nr, a0, a1, a2, a3, a4, a5, rval, t, gen, rflags = unpack(ring, at)
            last = i + 1
            if tid != last_tid:
                th = threads.get(tid)
                if th is None:
                    continue   # (cannot be: a thread's end is a stop that converts first)
                last_tid = tid
                proc = th.proc
                pid = proc.pid
                fam = proc.family
                if fam not in families:
                    families.append(fam)
            assert th is not None
            fam.converted += 1
            seq += 1
            if kind >= _accel.R_PROBE:
                if kind == _accel.R_PROBE:
                    self._probe_record(th, seq, t, nr, (a0, a1, a2, a3, a4, a5), rval,
                                       ring, at + _accel.REGS_OFFSET, direct)
                else:
                    self._held_probe(th, seq, t, nr, (a0, a1, a2, a3, a4, a5), rval, gen,
                                     ring, at + _accel.REGS_OFFSET, direct)
                continue
            args = Args((a0, a1, a2, a3, a4, a5), nr, tid)
            subs = fam.subs
            if kind == _accel.R_ENTRY and i + 1 < head:
                if subs is not plan_subs:
                    plan_subs = subs
                    psub = subs[0] if len(subs) == 1 and subs[0].pairs is not None else None
                    pkeys = _pair_keys(psub) if psub is not None else NO_NRS
                if nr in pkeys:
                    # an entry record whose next record is the same call's exit, for the
                    # family's one stream that takes both as one event: the exit's event,
                    # with the taker's ``captured`` standing for both stops (the entry's
                    # seq is the one before). Otherwise (the taker says None) both records
                    # become events as usual.
                    tid2, kind2, nr2, _, _, _, _, _, _, rval2, t2, _, _ = unpack(
                        ring, ((i + 1) & mask) * size)
                    if (tid2 == tid and kind2 == _accel.R_EXIT and nr2 == nr
                            and not psub.closed and (psub.tids is None or tid in psub.tids)
                            and psub.pushed - psub.taken < psub.max_buffer):
                        ev: TraceEvent = SyscallExit(pid, tid, seq + 1, t2, nr, args, rval2)
                        try:
                            cap = psub.pairs(ev, t, th.memory)
                        except Exception:  # noqa: BLE001 - (then two events: the capture says it)
                            cap = None
                        if cap is not None:
                            seq += 1
                            fam.converted += 1
                            _set_captured(ev, cap)
                            paired = i + 1
                            last = i + 2
                            _deliver(psub, ev, direct, outbox)
                            continue
            if kind >= _accel.R_HELD_ENTRY:
                self._held_record(th, kind, seq, t, nr, args, rval, gen, ring,
                                  at + _accel.REGS_OFFSET, direct)
                continue
            cls: type[TraceEvent] = SyscallEntry if kind == _accel.R_ENTRY else SyscallExit
            shared = None
            paths = None
            for sub in subs:
                # (an intercepting stream, or one that reads at the stop, that wants
                # this event came after the stop: the C loop would have left it to
                # Python otherwise. The tests after it are sub.wants()'s, for a call.)
                if sub.intercept or sub.closed:
                    continue
                if ((sub.types is not None and cls not in sub.types)
                        or (sub.tids is not None and tid not in sub.tids)
                        or (sub.syscalls is not None and nr not in sub.syscalls)):
                    continue
                if sub.paths is not None:
                    # paths=, decided by the C loop at the stop: the record's copies are
                    # the paths its call uses (one of them matched a pattern of the
                    # family's streams); this stream takes it if one matches its own
                    if not rflags & _accel.RF_PATHS:
                        continue   # (a stream that came after the stop)
                    if paths is None:
                        paths = self._paths(ring, at)
                    if not any(sub.paths.matches(p) for p in paths):
                        continue
                    ev = _syscall_event(cls, pid, tid, seq, t, nr, args, rval)
                    object.__setattr__(ev, "_paths", paths)
                    if sub.capture is not None:   # (one that reads nothing: context=)
                        _set_captured(ev, capture(sub, ev, th.memory))
                elif sub.capture is None:
                    if shared is None:
                        shared = _syscall_event(cls, pid, tid, seq, t, nr, args, rval)
                    ev = shared
                elif sub.cpu:
                    # the thread's CPU time at the stop, read by the C loop
                    if not rflags & _accel.RF_CPU:
                        continue   # (a stream that came after the stop)
                    ev = _syscall_event(cls, pid, tid, seq, t, nr, args, rval)
                    cpu = _accel.CPU_NS.unpack_from(ring, at + _accel.CPU_NS_OFFSET)[0]
                    _set_captured(ev, cpu if cpu >= 0 else None)
                elif sub.raw is not None and self._raw(sub, cls, (pid, tid, seq, t), nr,
                                                       args, rval, rflags, ring, at):
                    continue
                elif nr in sub.prefetch.get(cls, NO_COPIES):   # (before late: see publish)
                    ev = _syscall_event(cls, pid, tid, seq, t, nr, args, rval)
                    # (a record's copies are its paths when a paths= stream wanted it:
                    # this stream came after the stop, and reads the thread as it is)
                    mem = (self._copies(tid, ring, at)
                           if not rflags & _accel.RF_PATHS else th.memory)
                    _set_captured(ev, capture(sub, ev, mem))
                elif nr in sub.late.get(cls, NO_NRS):
                    ev = _syscall_event(cls, pid, tid, seq, t, nr, args, rval)
                    _set_captured(ev, capture(sub, ev, th.memory))
                else:
                    continue
                if sub.pushed - sub.taken >= sub.max_buffer and sub.drop and not sub.oldest:
                    sub.dropped += 1
                    continue
                _deliver(sub, ev, direct, outbox)
        for fam in families:
            if fam.cfam is not None:
                fam.set_limit()
        return last, seq

    def _copies(self, tid: int, ring: memoryview, at: int) -> CopiedMemory:
        """The memory copies a record carries (prefetch=), as a memory to read."""
        return CopiedMemory._create(tid, self._copy_pairs(ring, at))

    def _copy_pairs(self, ring: memoryview, at: int) -> tuple[tuple[int, bytes], ...]:
        """The memory copies a record carries: (address, bytes) pairs."""
        ac = self.accel
        assert ac is not None
        a0, a1, p0, p1, n0, n1 = _accel.RECORD_COPIES.unpack_from(ring, at + _accel.COPIES_OFFSET)
        arena, amask = ac.arena, ac.arena_mask
        if not n1:
            return ((a0, bytes(arena[(p0 & amask):(p0 & amask) + n0])),) if n0 else ()
        return tuple((addr, bytes(arena[(pos & amask):(pos & amask) + n]))
                     for addr, pos, n in ((a0, p0, n0), (a1, p1, n1)) if n)

    def _raw(self, sub: Subscription, cls: type[TraceEvent], base: tuple[int, int, int, int],
             nr: int, args: Args, rval: int, rflags: int, ring: memoryview, at: int) -> bool:
        """A record offered as its fields to the stream's taker (Subscription.raw: a
        recording's), before any event is made of it: with its copies if the stream's
        capture reads them (prefetch=), None if it would read the thread's memory as it
        is (after_resume=). True when the taker took it, or when the stream's capture has
        nothing to do with it (see convert); False: made into an event as usual."""
        if nr in sub.prefetch.get(cls, NO_COPIES):
            copies = None if rflags & _accel.RF_PATHS else self._copy_pairs(ring, at)
        elif nr in sub.late.get(cls, NO_NRS):
            copies = None
        else:
            return True
        raw = sub.raw
        assert raw is not None
        return raw(cls is SyscallEntry, *base, nr, args._v, rval, copies)

    def _paths(self, ring: memoryview, at: int) -> tuple[str, ...]:
        """The paths a record of a paths= call carries (RF_PATHS: its copies)."""
        ac = self.accel
        assert ac is not None
        _, _, p0, p1, n0, n1 = _accel.RECORD_COPIES.unpack_from(ring, at + _accel.COPIES_OFFSET)
        arena, amask = ac.arena, ac.arena_mask
        return tuple(os.fsdecode(bytes(arena[(pos & amask):(pos & amask) + n]))
                     for pos, n in ((p0, n0), (p1, n1)) if n)

    def _probe_record(self, th: Thread, seq: int, t: int, key: int, args: tuple[int, ...],
                      pc: int, ring: memoryview, regs_at: int, direct: Any) -> None:
        """A breakpoint's hit that the C loop handled (see _probes.publish): its event, to
        the observers that want it."""
        from ._breakpoints import BY_KEY   # (a hit: some probe is armed)
        bp = BY_KEY.get(key)
        if bp is None:
            return   # (its probes are gone since)
        tid = th.tid
        ev = None
        for sub in th.proc.family.subs:
            if sub.intercept or sub.capture is not None or not sub.wants(ProbeHit, tid, key):
                continue   # (an engine that came since: the C loop left its hits to Python)
            if ev is None:
                ev = ProbeHit(th.proc.pid, tid, seq, t, bp.symbol, pc, bp.module, args,
                              bytes(ring[regs_at:regs_at + _REGS_SIZE]))
            if sub.pushed - sub.taken >= sub.max_buffer and sub.drop and not sub.oldest:
                sub.dropped += 1
                continue
            _deliver(sub, ev, direct, self.outbox)

    def _held_probe(self, th: Thread, seq: int, t: int, key: int, args: tuple[int, ...],
                    pc: int, gen: int, ring: memoryview, regs_at: int, direct: Any) -> None:
        """A C hold at a breakpoint (see _probes.publish): its ProbeHit goes to the one
        intercepting engine that wants it, with a verdict handle for the C hold."""
        slot = th.slot
        assert slot is not None
        from ._breakpoints import BY_KEY   # (a hit: some probe is armed)
        bp = BY_KEY.get(key)
        tid = th.tid
        sub = None
        if bp is not None:
            for sub in th.proc.family.subs:
                if sub.intercept and sub.wants(ProbeHit, tid, key):
                    break
            else:
                sub = None
        ac = self.accel
        assert ac is not None
        if sub is None or bp is None:
            # the engine (or the probe) has gone since the stop: the thread goes on
            ac.lib.release(ac.ptr, ctypes.addressof(slot), gen, 0)
            return
        hold = Hold(th, sub)
        hold.cslot = slot
        hold.cgen = gen
        regs = _ffi.UserRegs.from_buffer_copy(ring, regs_at)   # (rip after the int3)
        hit_regs = _ffi.UserRegs.from_buffer_copy(regs)
        hit_regs.rip = pc
        ctl = self.make_ctl(self._owner, hold, regs, None)
        ev = ProbeHit(th.proc.pid, tid, seq, t, bp.symbol, pc, bp.module, args,
                      bytes(hit_regs), _ctl=ctl)
        self.c_holds[tid] = (hold, ev)
        _deliver(sub, ev, direct, self.outbox)

    def _held_record(
        self, th: Thread, kind: int, seq: int, t: int, nr: int, args: Any, rval: int, gen: int,
        ring: memoryview, regs_at: int, direct: Any,
    ) -> None:
        """A C hold's record: the event goes to the one intercepting engine that wants it,
        with a verdict handle for the C hold."""
        slot = th.slot
        assert slot is not None
        cls: type[TraceEvent] = SyscallEntry if kind == _accel.R_HELD_ENTRY else SyscallExit
        tid = th.tid
        for sub in th.proc.family.subs:
            if sub.intercept and sub.wants(cls, tid, nr):
                break
        else:
            # the engine has gone since the stop: nobody holds it any more
            ac = self.accel
            assert ac is not None
            ac.lib.release(ac.ptr, ctypes.addressof(slot), gen, 0)
            return
        hold = Hold(th, sub)
        hold.cslot = slot
        hold.cgen = gen
        ctl = self.make_ctl(self._owner, hold, _ffi.UserRegs.from_buffer_copy(ring, regs_at),
                            None)
        if cls is SyscallEntry:
            ev: TraceEvent = SyscallEntry(th.proc.pid, tid, seq, t, nr, args, _ctl=ctl)
        else:
            ev = SyscallExit(th.proc.pid, tid, seq, t, nr, args, rval, _ctl=ctl)
        self.c_holds[tid] = (hold, ev)
        _deliver(sub, ev, direct, self.outbox)


def _nothing() -> None:
    pass


# (the slot's own setter: the events are frozen)
_set_captured: Callable[[TraceEvent, Any], None] = vars(TraceEvent)["captured"].__set__


def _syscall_event(cls: type[TraceEvent], pid: int, tid: int, seq: int, t: int, nr: int,
                   args: Args, rval: int) -> TraceEvent:
    if cls is SyscallEntry:
        return SyscallEntry(pid, tid, seq, t, nr, args)
    return SyscallExit(pid, tid, seq, t, nr, args, rval)


def _pair_keys(sub: Subscription) -> frozenset[int]:
    """The calls whose entry and exit records *sub* (a family's one stream, with a
    ``pairs`` taker: the CLI's printer) takes as one event when the exit's record comes
    right after the entry's (see Handoff._convert): those its capture reads nothing at,
    at both stops, of which it wants both stops. Made once per stream: its filters and
    its capture's tables are set before it is taken on."""
    keys = sub.pair_keys
    if keys is None:
        keys = NO_NRS
        types = sub.types
        if (not sub.intercept and sub.raw is None and sub.paths is None
                and (types is None or (SyscallEntry in types and SyscallExit in types))):
            keys = sub.free.get(SyscallEntry, NO_NRS) & sub.free.get(SyscallExit, NO_NRS)
            if sub.syscalls is not None:
                keys &= sub.syscalls
        sub.pair_keys = keys
    return keys


def _deliver(sub: Subscription, item: Any, direct: Any, outbox: deque[Callable[[], None]]) -> None:
    """Append *item* to the stream's buffer, and its wake-up once per batch: a byte on its
    own pipe (*direct*), or its wake function (*outbox*). A full buffer of an
    ``overflow="drop_oldest"`` stream drops its oldest event for *item*."""
    buf = sub.buffer
    buf.append(item)
    sub.pushed += 1
    if sub.oldest and len(buf) > sub.max_buffer and item is not END:   # (END is no event)
        _drop_oldest(sub, buf)
    if not sub.flagged:
        sub.flagged = True
        if sub.wfd >= 0:
            direct.append(sub.wfd)
        else:
            outbox.append(sub.wake)


def _drop_oldest(sub: Subscription, buf: deque[Any]) -> None:
    """Take the oldest events out of a buffer that holds more than it may (by the one just
    appended), counting them in ``dropped``. Under the stream's lock, which the consumer
    takes to pop (see EventStream._take): otherwise it could take events between the look
    at the length and the popleft here, which would then drop the newest one. Appended
    first, dropped after: the buffer is never empty here while the consumer looks."""
    lock = sub.lock
    assert lock is not None
    with lock:
        limit = sub.max_buffer
        while len(buf) > limit:
            buf.popleft()
            sub.dropped += 1
