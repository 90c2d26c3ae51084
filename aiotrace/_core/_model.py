"""The tracer thread's state: what it knows of each stream, tracee and hold.

Every object here is made and changed by the tracer thread, except where a field says
otherwise: a Subscription's buffer and counters are the hand-off to the event loop (see
_handoff.py), and a stream's ``closed`` flag is set by the loop too (a closed stream
gets nothing more, whoever sees it first).

The words, which the rest of the core uses as they are defined here:

* a *family* is a spawned or attached process and the children it is followed into
  (the public ``aiotrace.Process``); a *proc* is one process of it; a *thread* is one
  traced task, by its tid;
* a *subscription* is one event stream: its filter and its buffer;
* a *hold* keeps a stopped thread stopped: an intercepting engine's (the *chain* hold,
  one engine at a time), an engine's extra ``hold()``, a full buffer's (*backpressure*),
  the spawn/attach hold (*parked*), and the C loop's own for a lone intercepting engine
  (a *C hold*, see _accel).
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
from collections import deque
from typing import TYPE_CHECKING, Any, Callable

from . import _pathrules, _policy
from ._cloop import _binding as _accel
from ._events import Exit, SyscallEntry, SyscallExit, TraceEvent
from ._args import Args, Memory
from ._probe_events import PROBE_EVENTS, ProbeHit
from ._onerror import OnError
from ._verdict import CLEAN

if TYPE_CHECKING:   # (the probes' parts, which use these classes in turn)
    from ._breakpoints import Space
    from ._probes import Probe, ThreadProbes


class Subscription:
    """One event stream's filter and buffer, shared by the tracer thread and the loop.

    The tracer thread appends to ``buffer`` and counts ``pushed``; the loop pops and counts
    ``taken``; each counter has a single writer, so ``pushed - taken`` is the fill level
    without a lock.
    """

    __slots__ = (
        "types", "syscalls", "tids", "intercept", "max_buffer", "drop", "order", "buffer",
        "pushed", "taken", "dropped", "closed", "wake", "flagged", "bp_holds", "family",
        "gone", "capture", "wfd", "late", "free", "prefetch", "probe", "on_error",
        "select", "oldest", "lock", "paths", "take_paths", "raw", "pairs", "cpu",
        "pair_keys",
    )

    def __init__(
        self,
        types: frozenset[type[TraceEvent]] | None,
        syscalls: frozenset[int] | None,
        tids: frozenset[int] | None,
        intercept: bool,
        max_buffer: int,
        drop: bool,
        order: int = 0,
    ) -> None:
        self.types = types
        self.syscalls = syscalls
        self.tids = tids
        self.intercept = intercept
        self.max_buffer = max_buffer
        # drop: the stream never blocks (overflow="drop" or "drop_oldest"); oldest: a full
        # buffer drops its oldest event for the new one ("drop_oldest", see _deliver)
        # rather than the new one ("drop")
        self.drop = drop
        self.oldest = False
        # ("drop_oldest" only) taken by the consumer's popleft and by the drop of the
        # oldest events, so that the latter never drops more than the excess: see _deliver
        self.lock: threading.Lock | None = None
        self.order = order
        self.buffer: deque[Any] = deque()
        self.pushed = 0
        self.taken = 0
        self.dropped = 0   # events not delivered: dropped new ("drop") or oldest ("drop_oldest")
        self.closed = False
        self.wake: Callable[[], None] = nothing
        self.gone: Callable[[int], None] = ignore_int
        self.capture: Callable[[TraceEvent, Memory | None], Any] | None = None
        # a capture's taker of the C loop's records as their fields, before any event is
        # made of them (a recording's, see Handoff._raw): (entry, pid, tid, seq, time_ns,
        # nr, args, retval, copies) -> whether it took the record; None: none
        self.raw: Callable[..., bool] | None = None
        # a capture's taker of a call's entry and exit records that come one after the
        # other (see Handoff._convert): (exit event, entry's time_ns, memory) -> the exit
        # event's ``captured``, which stands for both stops, or None: two events then
        self.pairs: Callable[[TraceEvent, int, Memory | None], Any] | None = None
        # the capture is the thread's CPU time at the stop (count_syscalls' clock="cpu"),
        # which the C loop reads itself into the records (Family.cpu_time, RF_CPU): its
        # stops need no capture at the stop there
        self.cpu = False
        # the calls whose two stops go to ``pairs`` as one (see _handoff._pair_keys):
        # None until first needed
        self.pair_keys: frozenset[int] | None = None
        # event type -> syscall numbers whose capture may run after the thread was resumed
        # (before it leaves its next stop), and those where it reads nothing of the tracee
        # and may run at any time (a subset of late)
        self.late: dict[type[TraceEvent], frozenset[int]] = NO_LATE
        self.free: dict[type[TraceEvent], frozenset[int]] = NO_LATE
        # event type -> syscall -> the memory its capture reads there, copied by the C
        # loop at the stop ((arg, mode, bytes), see _accel.h's struct at_copy)
        self.prefetch: dict[type[TraceEvent], dict[int, tuple[tuple[int, int, int, int], ...]]] = {}
        self.flagged = False
        # a pipe of the stream's own that its consumer waits on (trio), or -1: its
        # wake-up is then a byte written there, not a callable through the outbox
        self.wfd = -1
        self.bp_holds: dict[int, Hold] = {}
        self.family: Family | None = None
        # a probe's stream (Process.probe): its events are ProbeHit and ProbeReturn, and
        # its `syscalls` are the keys of the breakpoints it is armed at (see _probes)
        self.probe: Probe | None = None
        # an intercepting stream's on_error (see _onerror): None resumes what it holds
        # when it ends without a verdict
        self.on_error: OnError | None = None
        # a test of each event beyond types, syscalls and tids (``paths=``), made on the
        # tracer thread at the stop; None: none (see _policy: such a stream is W_SLOW,
        # but a paths= observer that the C loop decides for, W_PATHS)
        self.select: Callable[[TraceEvent], bool] | None = None
        # the ``paths=`` filter (an aiotrace._paths.PathFilter) whose test ``select`` is:
        # with exact paths and prefixes only, the C loop decides it at the stop (see
        # _pathrules: such a stream's calls are W_PATHS)
        self.paths: Any = None
        # ``select``'s decision for a syscall stop, made before its event is: (pid, tid,
        # nr, abi, argument registers, return value at an exit or None) -> the call's
        # paths if the stream takes it, else None (see _paths.taker)
        self.take_paths: Callable[[int, int, int, str, tuple[int, ...], int | None],
                                  tuple[str, ...] | None] | None = None

    def drop_oldest(self) -> None:
        """A full buffer drops its oldest event for the new one (``overflow="drop_oldest"``;
        before the stream is taken on)."""
        self.drop = self.oldest = True
        self.lock = threading.Lock()

    def wants(self, cls: type[TraceEvent], tid: int, nr: int | None) -> bool:
        """*nr*: the key of the call (see _syscalls: any int, -1 included, is a call), or
        None for an event that is not a syscall's."""
        if self.closed:
            return False
        types = self.types
        if types is None:
            if cls in PROBE_EVENTS:
                return False   # (a probe's events go to that probe's streams only)
        elif cls not in types:
            return False
        if self.tids is not None and tid not in self.tids:
            return False
        if nr is not None and self.syscalls is not None and nr not in self.syscalls:
            return False
        return True

    @property
    def gets_records(self) -> bool:
        """Whether the C loop's records may become events of this stream: it wants
        syscall stops or probe hits."""
        t = self.types
        return t is None or SyscallEntry in t or SyscallExit in t or ProbeHit in t

    @property
    def wants_syscalls(self) -> bool:
        if self.closed:
            return False
        t = self.types
        return t is None or SyscallEntry in t or SyscallExit in t


def wanted(subs: tuple[Subscription, ...], cls: type[TraceEvent], tid: int,
            nr: int | None) -> bool:
    """Whether a stream of the family wants this event (of the syscall of key *nr*, or
    None)."""
    for sub in subs:
        if sub.wants(cls, tid, nr):
            return True
    return False


def nothing() -> None:
    pass


END = object()  # the sentinel that ends a subscription's buffer
NO_LATE: dict[type[TraceEvent], frozenset[int]] = {}   # (shared, never changed)
NO_COPIES: dict[int, tuple[tuple[int, int, int, int], ...]] = {}   # (shared, never changed)
NO_NRS: frozenset[int] = frozenset()
class Hold:
    """One engine's hold on one stopped thread. A *C hold* (``cslot`` set) is held by the
    C loop, which resumes the thread itself when the engine asks for nothing else
    (Core.release_c); Python adopts it before it does anything else with the thread."""

    __slots__ = ("thread", "gen", "released", "sub", "cslot", "cgen", "full")

    def __init__(self, thread: Thread, sub: Subscription | None, full: bool = False) -> None:
        self.thread = thread
        self.gen = thread.gen
        self.released = False
        self.sub = sub
        self.full = full   # a full buffer's (backpressure), not an engine's
        self.cslot: _accel.Slot | None = None
        self.cgen = 0


class Thread:
    __slots__ = (
        "tid", "proc", "gen", "stopped", "holds", "decision", "listening", "nr", "args",
        "pending", "event", "detach_requested", "interrupt_requested", "fake_return",
        "chain_hold", "parked", "stepping", "exit_off", "want_exit", "expect_exit",
        "raw_args", "slot", "exiting", "probe", "full_holds", "held_stop", "memory",
    )

    def __init__(self, tid: int, proc: Proc) -> None:
        self.tid = tid
        self.proc = proc
        self.gen = 0                    # bumped whenever a stop ends: stale holds are ignored
        self.stopped = False            # in a ptrace-stop that we have not resumed yet
        self.holds = 0                  # engines (and hold reasons) keeping it stopped
        self.full_holds = 0             # ... of which full buffers' (Hold.full)
        self.decision = CLEAN           # what the engines decided for the current stop
        self.listening = False          # in a group-stop, resumed with PTRACE_LISTEN
        # syscall in progress (from its entry stop), as its key (see _syscalls), or None
        self.nr: int | None = None
        self.args: Args | tuple[int, ...] = ()   # an Args from the entry stop on
        # (nr, *args) of an entry that was not dispatched, for a stream opened before its exit
        self.raw_args: tuple[int, ...] | None = None
        self.pending: deque[Subscription] = deque()  # engines still to ask (interceptors first)
        self.event: Any = None    # (class, base fields, fields) of the current stop's event
        self.detach_requested = False
        self.interrupt_requested = False
        self.fake_return: int | None = None    # skipped syscall: value to set at its exit
        self.chain_hold: Hold | None = None    # the intercepting engine asked now
        self.parked = False                    # held by the spawn/attach hold
        self.held_stop = 0                     # the signal of a group-stop met then
        self.stepping = False                  # resumed with PTRACE_SINGLESTEP
        self.exit_off = False                  # PTRACE_O_TRACEEXIT off while held (see _loop)
        self.want_exit = False                 # prefiltered call: stop at its exit too
        self.expect_exit = False               # resumed from an entry with PTRACE_SYSCALL:
                                               # its next syscall stop is that call's exit
        # its state in the C loop (None without it): the C loop owns nr, expect_exit,
        # want_exit and the raw arguments while it handles the thread's stops (slot.dirty),
        # and exit_off always
        self.slot: _accel.Slot | None = None
        self.exiting = False    # in its PTRACE_EVENT_EXIT stop: the spawn/attach hold is void
        self.probe: ThreadProbes | None = None   # at a breakpoint, or in probed calls (_probes)
        # what a capture function reads the thread through (made once: it is only the
        # tid, and made again when the tid changes, see retid)
        self.memory: Memory = Memory._create(tid)

    def retid(self, tid: int) -> None:
        """Exec from a non-leader thread: the thread has the leader's *tid* now."""
        self.tid = tid
        self.memory = Memory._create(tid)


class Proc:
    __slots__ = (
        "pid", "family", "threads", "spawned", "pre_exec", "errpipe", "status", "detached",
        "argv", "space", "execs", "exe",
    )

    def __init__(self, pid: int, family: Family, spawned: bool = False) -> None:
        self.pid = pid
        self.family = family
        self.threads: dict[int, Thread] = {}
        self.spawned = spawned          # our own child: we reap it even after a detach
        self.pre_exec = False           # spawned, not yet exec'd the target
        self.errpipe = -1
        self.status: int | None = None  # wait status once dead
        self.detached = False
        self.argv: list[str] = []
        self.space: Space | None = None   # its breakpoints, once probed (see _breakpoints)
        self.execs = 0                  # exec stops seen (a process context's generation)
        self.exe = ""                   # its program since the last exec ("": not known)


class Family:
    """A spawned or attached process and the children it is followed into."""

    __slots__ = (
        "root", "procs", "subs", "follow", "options", "held", "want_syscalls", "on_death",
        "seccomp", "full_stops", "want_exit",
        "on_end", "ended", "detaching", "on_detached", "spawn_reply", "next_order",
        "cfam", "converted", "tables", "new_session", "executable", "sigmask", "probes", "cpaths",
    )

    def __init__(self, follow: bool, options: int) -> None:
        self.root: Proc | None = None
        self.procs: dict[int, Proc] = {}
        self.subs: tuple[Subscription, ...] = ()
        self.follow = follow
        self.options = options
        self.held = True                # the spawn/attach hold, released by resume()
        self.want_syscalls = False
        self.seccomp: frozenset[int] | None = None   # syscalls the prefilter traces
        self.new_session = False   # spawned: the child calls setsid() before exec
        self.executable: str | None = None   # spawned: the file to exec (None: argv[0])
        self.sigmask: frozenset[int] = frozenset()   # spawned: its blocked signals at exec
        self.full_stops = False   # resume with PTRACE_SYSCALL (no prefilter covers the interest)
        self.want_exit = False    # some stream wants Exit events (PTRACE_O_TRACEEXIT needed)
        self.on_death: Callable[[int], None] = ignore_int   # root's returncode, on the loop
        self.on_end: Callable[[], None] = nothing          # every process gone or detached
        self.ended = False
        self.detaching = False
        self.on_detached: list[Callable[[], None]] = []
        self.spawn_reply: Callable[[BaseException | None], None] | None = None
        self.next_order = 0
        # what the C loop knows of its streams (None without it), and how many of the
        # records it made for them were turned into events (see Core.convert)
        self.cfam: _accel.Family | None = None
        self.cpaths: _accel.Paths | None = None   # (cfam's paths: kept while it points at it)
        self.converted = 0
        # what its streams want of each syscall's stops (both loops read it; see _policy)
        self.tables = _policy.NO_WANTS
        self.probes: tuple[Probe, ...] = ()   # its probes' breakpoints (see _probes)

    def kill(self) -> list[Proc]:
        """SIGKILL each of its processes that is alive and not detached; those killed."""
        killed = []
        for proc in list(self.procs.values()):
            if proc.status is None and not proc.detached:
                try:
                    os.kill(proc.pid, signal.SIGKILL)
                except OSError:   # (gone: its death is on its way)
                    continue
                killed.append(proc)
        return killed

    def update_mode(self) -> bool:
        """Recompute how threads are resumed from the subscriptions; True when threads
        running with PTRACE_CONT must now be interrupted to stop at every syscall."""
        before = self.full_stops
        wanting = [s for s in self.subs if s.wants_syscalls]
        self.want_syscalls = bool(wanting)
        self.want_exit = any(s.types is None or Exit in s.types for s in self.subs)
        pre = self.seccomp
        self.full_stops = bool(wanting) and (
            pre is None or any(s.syscalls is None or not s.syscalls <= pre for s in wanting)
        )
        self.tables = _policy.want_tables(self.subs)
        if self.cfam is not None:
            self.publish()
        return self.full_stops and not before

    def publish(self) -> None:
        """Tell the C loop what the streams want now, per syscall: nothing (the thread
        goes on), a record (observers that take the event after the thread went on), a
        C hold (one intercepting engine alone) or Python (anything else). Tracer thread
        (subscriptions change by its commands), between two calls of the C loop."""
        cf = self.cfam
        assert cf is not None
        want = self.tables
        base = ctypes.addressof(cf)
        ctypes.memmove(base + _accel.COPIES_AT, want.copies, len(want.copies))
        ctypes.memmove(base + _accel.ENTRY_AT, want.entry, _accel.NR)
        ctypes.memmove(base + _accel.EXIT_AT, want.exit, _accel.NR)
        filters = [s.paths for s in self.subs if _policy.c_paths_stream(s)]
        self.cpaths = _pathrules.c_paths(filters) if filters else None
        cf.paths = ctypes.addressof(self.cpaths) if self.cpaths is not None else None
        cf.options = int(self.options)
        cf.full_stops = self.full_stops
        cf.want_exit = self.want_exit
        cf.cpu_time = any(s.cpu and not s.closed for s in self.subs)
        cf.fast = not self.detaching
        self.set_limit()

    def set_limit(self) -> None:
        """How many records the C loop may make before a stop of this family goes to
        Python, which looks at the buffers itself: the room left in the fullest buffer of
        a stream that blocks (lossless backpressure), the records not yet turned into
        events counting as taken. Only the streams that get records count (syscall
        stops, probe hits): a blocking stream of other events gets them from Python,
        which looks at its buffer then."""
        room = 1 << 30
        for sub in self.subs:
            if not sub.closed and not sub.drop and sub.gets_records:
                r = sub.max_buffer - (sub.pushed - sub.taken)
                if r < room:
                    room = r
        cf = self.cfam
        assert cf is not None
        cf.limit = self.converted + max(room, 0)

    def live(self) -> bool:
        return any(p.status is None and not p.detached for p in self.procs.values())


def ignore_int(_: int) -> None:
    pass


def capture(sub: Subscription, ev: TraceEvent, memory: Memory | None) -> Any:
    """What the stream's ``capture`` function returns for *ev*, or the exception it raised
    (handed to the consumer as data: the tracer thread must go on)."""
    assert sub.capture is not None
    try:
        return sub.capture(ev, memory)
    except Exception as exc:  # noqa: BLE001
        return exc


class Tracees:
    """The tracer thread's tables of what it traces, shared by the parts of the core."""

    def __init__(self) -> None:
        self.threads: dict[int, Thread] = {}   # every traced thread, by tid
        self.procs: dict[int, Proc] = {}       # every traced process (and detached children
                                               # of ours still to reap), by pid
        self.families: list[Family] = []
        self.early: dict[int, int] = {}        # tid -> status: stops of tids not yet claimed
        # pids of processes being killed or ending (a thread in its PTRACE_EVENT_EXIT stop,
        # or out of a clone stop unread): a child they made may never be claimed by its
        # clone event (a killed thread does not stop for it), so its stops are taken on
        # as they come (Stops.claim_early)
        self.dying: set[int] = set()

    def every_death_seen(self) -> bool:
        """Whether, with every tracee held, the pidfds alone would report any death: only
        if every traced thread is the leader of its process, the only thread, and traced
        by a family that follows the rest. (A killed thread that is not its process's
        leader stays a zombie until we reap it, and the process's pidfd is not readable
        until then; an untraced thread's exec can end the traced leader unseen.)"""
        return (not self.early and self.threads.keys() == self.procs.keys()
                and all(fam.follow for fam in self.families))

