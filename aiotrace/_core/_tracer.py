"""The tracer loop: one OS thread that owns every tracee.

Why a dedicated thread (facts this module depends on):

* The kernel checks ptrace requests against the tracer *thread*, not the process: every
  request for a tracee must come from the thread that seized it. So one thread spawns,
  seizes, waits for and resumes every tracee, and the event loop talks to it through a
  command queue.
* ``waitpid(-1, __WALL | __WNOTHREAD)`` reports only the children and tracees of the
  calling thread. The application's own subprocesses (children of other threads) are
  never seen, so aiotrace never steals their exit statuses.
* To wake the thread while it blocks in ``waitpid`` we ring a *doorbell*: a child that
  this thread forked (no exec: nothing is looked up in PATH) and seized, which only
  blocks. A SIGURG sent through its pidfd puts it in a signal-delivery-stop, which ends
  the wait; the thread runs its commands and resumes the doorbell with the signal
  suppressed (every signal but SIGKILL is). Rings are coalesced, and skipped while the
  thread is awake anyway (``_sleeping``). A tracee can see the doorbell and SIGKILL it:
  its death ends the wait too, and the thread forks a new one at once, whose pidfd takes
  the old one's descriptor number (dup2), so that a ring never signals anything else.
* Events go to the loop through ``outbox`` (a deque of callables run on the loop thread)
  and one ``notify()`` per batch, after every pending stop has been collected (WNOHANG
  drain), like strace, so no engine runs before the whole batch is known.

Nothing here imports an async library; the loop side is ``aiotrace._reactor``.
"""

from __future__ import annotations

import ctypes
import dataclasses
import errno
import os
import select
import shutil
import signal
import struct
import threading
import time
import warnings
from collections import deque
from functools import partial
from typing import Any, Callable, Iterable

from . import _accel, _ffi, _policy
from ._events import (
    Clone, Continued, Death, Exec, Exit, GroupStop, Interrupt, Signal, SingleStep, SyscallEntry,
    SyscallExit, TraceEvent,
)
from ._args import Args, CopiedMemory, Memory
from ._seccomp import compile_filter
from ._syscalls import (
    ABI_I386, ABIS, AUDIT_ARCH_X86_64, X32_SYSCALL_BIT, key_abi, key_nr, key_raw,
    make_key, selector_keys, syscall_key,
)
from ._ffi import Event, Opt, Req
from ._status import StopKind, decode_status, returncode

_WAIT_FLAGS = _ffi.WALL | _ffi.WNOTHREAD
_NR_EXECVE = 59
_MASK64 = (1 << 64) - 1
_AWAKE, _IN_WAITPID, _IN_POLL = 0, 1, 2   # what the tracer thread is blocked in

BASE_OPTIONS = Opt.TRACESYSGOOD | Opt.TRACEEXEC | Opt.TRACEEXIT
# Without follow, no new thread or child is ever seized (as strace without -f): only the
# spawned process's first thread, or the attached thread, is traced. clone() of a thread
# or of a child without SIGCHLD reports PTRACE_EVENT_CLONE; fork()-like clones report
# PTRACE_EVENT_FORK, vfork() PTRACE_EVENT_VFORK; each only if its option is set.
FOLLOW_OPTIONS = Opt.TRACECLONE | Opt.TRACEFORK | Opt.TRACEVFORK


class TraceeGoneError(OSError):
    """Raised inside the core when a ptrace request finds the thread gone (ESRCH)."""


class SpawnError(Exception):
    def __init__(self, path: str, err: int, step: str = "exec") -> None:
        super().__init__(path, err, step)
        self.path = path
        self.errno = err
        # what the child was doing: "stdio", "chdir", "cpus", "seccomp" or "exec"
        self.step = step


class AttachError(Exception):
    def __init__(self, pid: int, err: int, message: str) -> None:
        super().__init__(message)
        self.pid = pid
        self.errno = err


# ---------------------------------------------------------------------------------------
# State kept by the tracer thread


class Subscription:
    """One event stream's filter and buffer, shared by the tracer thread and the loop.

    The tracer thread appends to ``buffer`` and counts ``pushed``; the loop pops and counts
    ``taken``; each counter has a single writer, so ``pushed - taken`` is the fill level
    without a lock.
    """

    __slots__ = (
        "types", "syscalls", "tids", "intercept", "max_buffer", "drop", "order", "buffer",
        "pushed", "taken", "dropped", "closed", "wake", "flagged", "bp_holds", "family",
        "gone", "capture", "wfd", "late", "free", "prefetch",
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
        self.drop = drop
        self.order = order
        self.buffer: deque[Any] = deque()
        self.pushed = 0
        self.taken = 0
        self.dropped = 0
        self.closed = False
        self.wake: Callable[[], None] = _nothing
        self.gone: Callable[[int], None] = _ignore_int
        self.capture: Callable[[TraceEvent, Memory | None], Any] | None = None
        # event type -> syscall numbers whose capture may run after the thread was resumed
        # (before it leaves its next stop), and those where it reads nothing of the tracee
        # and may run at any time (a subset of late)
        self.late: dict[type[TraceEvent], frozenset[int]] = _NO_LATE
        self.free: dict[type[TraceEvent], frozenset[int]] = _NO_LATE
        # event type -> syscall -> the memory its capture reads there, copied by the C
        # loop at the stop ((arg, mode, bytes), see _accel.c's struct at_copy)
        self.prefetch: dict[type[TraceEvent], dict[int, tuple[tuple[int, int, int, int], ...]]] = {}
        self.flagged = False
        # a pipe of the stream's own that its consumer waits on (trio), or -1: its
        # wake-up is then a byte written there, not a callable through the outbox
        self.wfd = -1
        self.bp_holds: dict[int, Hold] = {}
        self.family: Family | None = None

    def wants(self, cls: type[TraceEvent], tid: int, nr: int | None) -> bool:
        """*nr*: the key of the call (see _syscalls: any int, -1 included, is a call), or
        None for an event that is not a syscall's."""
        if self.closed:
            return False
        if self.types is not None and cls not in self.types:
            return False
        if self.tids is not None and tid not in self.tids:
            return False
        if nr is not None and self.syscalls is not None and nr not in self.syscalls:
            return False
        return True

    @property
    def wants_syscalls(self) -> bool:
        if self.closed:
            return False
        t = self.types
        return t is None or SyscallEntry in t or SyscallExit in t


def _wanted(subs: tuple[Subscription, ...], cls: type[TraceEvent], tid: int,
            nr: int | None) -> bool:
    """Whether a stream of the family wants this event (of the syscall of key *nr*, or
    None)."""
    for sub in subs:
        if sub.wants(cls, tid, nr):
            return True
    return False


def _nothing() -> None:
    pass


END = object()  # the sentinel that ends a subscription's buffer
_NO_LATE: dict[type[TraceEvent], frozenset[int]] = {}   # (shared, never changed)
_NO_COPIES: dict[int, tuple[tuple[int, int, int, int], ...]] = {}   # (shared, never changed)
_NONE: frozenset[int] = frozenset()
_SYSCALL_STOP = ((signal.SIGTRAP | 0x80) << 8) | 0x7F   # waitpid status of a syscall stop
_SYSCALL = decode_status(_SYSCALL_STOP)                  # ... and what it decodes to
_SECCOMP_STOP = ((signal.SIGTRAP | (Event.SECCOMP << 8)) << 8) | 0x7F   # the prefilter's stop
_SECCOMP = decode_status(_SECCOMP_STOP)
# PTRACE_GET_SYSCALL_INFO's entry (arch, then nr and 6 arguments) and exit (rval) read
# straight from the buffer: a ctypes array made into a tuple costs about 0.9 us, this 0.1 us
_INFO_DATA = _ffi.SyscallInfo.entry.offset
_INFO_ARCH = _ffi.SyscallInfo.arch.offset
_ENTRY = struct.Struct("=I%dx7Q" % (_INFO_DATA - _INFO_ARCH - 4))
_RVAL = struct.Struct("=q")
# an x86-64 call whose number is below this (unsigned) is its own key (see _syscalls)
_PLAIN = X32_SYSCALL_BIT
_ARCH_X86_64 = AUDIT_ARCH_X86_64
_I386_ARG_REGS = ("rbx", "rcx", "rdx", "rsi", "rdi", "rbp")
# execve and execveat of every ABI (their keys)
_EXECS = selector_keys("execve") | selector_keys("execveat")
_X86_64_ARG_REGS = ("rdi", "rsi", "rdx", "r10", "r8", "r9")
_MASK32 = 0xFFFFFFFF
_INFO_SIZE = ctypes.sizeof(_ffi.SyscallInfo)
_GET_SYSCALL_INFO = int(Req.GET_SYSCALL_INFO)
_GETREGS = int(Req.GETREGS)
_SYSCALL_REQ, _CONT_REQ, _SINGLESTEP_REQ = int(Req.SYSCALL), int(Req.CONT), int(Req.SINGLESTEP)
_raw_ptrace = _ffi.raw_ptrace
_table_wanted = _policy.wanted
_ZERO_ARGS = (0, 0, 0, 0, 0, 0)
_monotonic_ns = time.monotonic_ns
# post_verdict: a yield longer than this gave the CPU to other work than the tracer thread
_SLOW_YIELD_NS = 200_000
_FIRST_YIELD_BACKOFF = 16 // 2   # doubled by the first slow yield: 16 verdicts skipped
_MAX_YIELD_BACKOFF = 1 << 16
_FAST_YIELDS_TO_RESET = 64   # quick yields in a row that end a backoff
_OP_ENTRY, _OP_EXIT, _OP_SECCOMP = (
    _ffi.SYSCALL_INFO_ENTRY, _ffi.SYSCALL_INFO_EXIT, _ffi.SYSCALL_INFO_SECCOMP)
# th.pending when one engine alone has the stop (never appended to)
_NO_ENGINES: deque[Subscription] = deque()


class Hold:
    """One engine's hold on one stopped thread. A *C hold* (``cslot`` set) is held by the
    C loop, which resumes the thread itself when the engine asks for nothing else
    (Core.release_c); Python adopts it before it does anything else with the thread."""

    __slots__ = ("thread", "gen", "released", "sub", "cslot", "cgen")

    def __init__(self, thread: Thread, sub: Subscription | None) -> None:
        self.thread = thread
        self.gen = thread.gen
        self.released = False
        self.sub = sub
        self.cslot: _accel.Slot | None = None
        self.cgen = 0


class Verdict:
    """What the engines decided for the current stop; applied when the thread resumes."""

    __slots__ = (
        "signo", "skip_return", "new_nr", "new_args", "set_return", "singlestep", "regs",
    )

    def __init__(self, signo: int = 0) -> None:
        self.signo = signo
        self.skip_return: int | None = None
        self.new_nr: int | None = None
        self.new_args: tuple[int, ...] | None = None
        self.set_return: int | None = None
        self.singlestep = False
        self.regs: _ffi.UserRegs | None = None   # registers to write now (then cleared)

    def describe(self) -> tuple[Any, ...] | None:
        """The verdict so far, as the next engine sees it (None: nothing decided yet)."""
        if self.skip_return is not None:
            return ("return", self.skip_return)
        if self.new_nr is not None or self.new_args is not None:
            return ("rewrite", self.new_nr, self.new_args)
        if self.set_return is not None:
            return ("set_return", self.set_return)
        return None


# The verdict of a stop nobody has decided anything for: shared, never changed (a thread's
# own Verdict is made when there is something to record: most stops have none).
class _SharedVerdict(Verdict):
    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("the shared clean verdict is never changed: give the thread its own")


_CLEAN: Verdict = Verdict()
_CLEAN.__class__ = _SharedVerdict


def _own_verdict(th: Thread) -> Verdict:
    """*th*'s verdict, to be changed: its own, made now if it still shares _CLEAN."""
    v = th.verdict
    if v is _CLEAN:
        v = th.verdict = Verdict()
    return v


class Thread:
    __slots__ = (
        "tid", "proc", "gen", "stopped", "holds", "verdict", "listening", "nr", "args",
        "pending", "event", "detach_requested", "interrupt_requested", "fake_return",
        "chain_hold", "parked", "stepping", "exit_off", "want_exit", "expect_exit",
        "raw_args", "slot", "exiting",
    )

    def __init__(self, tid: int, proc: Proc) -> None:
        self.tid = tid
        self.proc = proc
        self.gen = 0                    # bumped whenever a stop ends: stale holds are ignored
        self.stopped = False            # in a ptrace-stop that we have not resumed yet
        self.holds = 0                  # engines (and hold reasons) keeping it stopped
        self.verdict = _CLEAN
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


class Proc:
    __slots__ = (
        "pid", "family", "threads", "spawned", "pre_exec", "errpipe", "status", "detached",
        "argv",
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


class Family:
    """A spawned or attached process and the children it is followed into."""

    __slots__ = (
        "root", "procs", "subs", "follow", "options", "held", "want_syscalls", "on_death",
        "seccomp", "full_stops", "want_exit",
        "on_end", "ended", "detaching", "on_detached", "spawn_reply", "next_order",
        "cfam", "converted", "tables",
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
        self.full_stops = False   # resume with PTRACE_SYSCALL (no prefilter covers the interest)
        self.want_exit = False    # some stream wants Exit events (PTRACE_O_TRACEEXIT needed)
        self.on_death: Callable[[int], None] = _ignore_int   # root's returncode, on the loop
        self.on_end: Callable[[], None] = _nothing          # every process gone or detached
        self.ended = False
        self.detaching = False
        self.on_detached: list[Callable[[], None]] = []
        self.spawn_reply: Callable[[BaseException | None], None] | None = None
        self.next_order = 0
        # what the C loop knows of its streams (None without it), and how many of the
        # records it made for them were turned into events (see Core.convert)
        self.cfam: _accel.Family | None = None
        self.converted = 0
        # what its streams want of each syscall's stops (both loops read it; see _policy)
        self.tables = _policy.NO_WANTS

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
        cf.options = int(self.options)
        cf.full_stops = self.full_stops
        cf.want_exit = self.want_exit
        cf.fast = not self.detaching
        self.set_limit()

    def set_limit(self) -> None:
        """How many records the C loop may make before a stop of this family goes to
        Python, which looks at the buffers itself: the room left in the fullest buffer of
        a stream that blocks (lossless backpressure), the records not yet turned into
        events counting as taken."""
        room = 1 << 30
        for sub in self.subs:
            if not sub.closed and not sub.drop:
                r = sub.max_buffer - (sub.pushed - sub.taken)
                if r < room:
                    room = r
        cf = self.cfam
        assert cf is not None
        cf.limit = self.converted + max(room, 0)

    def live(self) -> bool:
        return any(p.status is None and not p.detached for p in self.procs.values())


def _ignore_int(_: int) -> None:
    pass


def _import(th: Thread, slot: _accel.Slot) -> None:
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


# ---------------------------------------------------------------------------------------


class Core:
    """The tracer thread and everything it owns."""

    def __init__(
        self,
        notify: Callable[[], None],
        make_ctl: Callable[[Core, Hold, _ffi.UserRegs | None, Any], Any],
        notify_fd: int = -1,
    ) -> None:
        self.notify = notify                     # wakes the loop; called once per batch
        # loop thread, after a release's yield found records or replies that may have had
        # no byte (see release_c): turns them into events now; the reactor sets its own
        self.looked: Callable[[], None] = notify
        # wraps a Hold in the loop-side verdict API (a class: no call frame of its own)
        self.make_ctl = make_ctl
        self.outbox: deque[Callable[[], None]] = deque()
        self.direct: deque[int] = deque()        # streams' own pipes to write a byte on
        self.commands: deque[Callable[[], None]] = deque()
        self.new_subs: deque[Subscription] = deque()   # streams not yet taken on (subscribe)
        self.threads: dict[int, Thread] = {}
        self.procs: dict[int, Proc] = {}
        self.families: list[Family] = []
        self.early: dict[int, int] = {}          # tid -> status, stops of not yet claimed tids
        # pids of processes being killed or ending (a thread in its PTRACE_EVENT_EXIT stop,
        # or out of a clone stop unread): a child they made may never be claimed by its
        # clone event (a killed thread does not stop for it), so its stops are taken on
        # as they come (_claim_early)
        self.dying: set[int] = set()
        self.unclaimed_children: set[int] = set()
        self.seq = 0
        self.stops = 0                           # every waitpid report of a tracee
        self._sleeping = _AWAKE
        self._rung = False
        self._yield_skip = 0      # verdicts to post without a yield (see post_verdict)
        self._yield_backoff = _FIRST_YIELD_BACKOFF
        self._fast_yields = 0
        self._wake_r, self._wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._poll = select.poll()
        self._poll.register(self._wake_r, select.POLLIN)
        self._pidfds: dict[int, int] = {}
        self._closing = False
        self._doorbell = 0     # the doorbell's pid (0: none)
        self._bell_fd = -1     # ... and its pidfd, which rings go through
        self._info = _ffi.SyscallInfo()
        self._info_addr = ctypes.addressof(self._info)
        self._set_info_ok = True
        # The C loop (_accel.c), when it is built and the loop side can be woken through
        # *notify_fd*: it waits for the stops and handles the common ones without the GIL.
        lib = _accel.load() if notify_fd >= 0 else None
        self.accel: _accel.Accel | None = None
        self._accel_post: Callable[[int], None] | None = None
        self._slots: dict[int, _accel.Slot] = {}   # every slot the C loop's table points at
        self._conv_lock = threading.Lock()         # one thread at a time turns records into events
        # families whose streams got events from Python since the C loop's limits were set
        self._pushed_to: set[Family] = set()
        # C holds turned into events, not yet adopted by Python: tid -> (hold, event parts)
        self.c_holds: dict[int, tuple[Hold, TraceEvent]] = {}   # tid -> hold, its event
        if lib is not None:
            ac = self.accel = _accel.Accel(lib)
            c = ac.core
            c.notify_fd = notify_fd
            c.wake_r, c.wake_w = self._wake_r, self._wake_w
            ac.set_pollfds([self._wake_r])
            self._accel_post = lib.post
            self._accel_ptr = ac.ptr
            # PTRACE_GET_SYSCALL_INFO goes into the C loop's buffer, which holds it already
            # when the C loop hands a syscall stop over (info_tid)
            self._info = c.info
            self._info_addr = ctypes.addressof(c.info)
        self.thread: threading.Thread | None = None
        self.tid = 0
        self.start_error: BaseException | None = None
        self.finished = False
        self.crash: BaseException | None = None

    # -- cross-thread entry points (called from the loop thread) --------------------------

    def start(self) -> None:
        self.thread = threading.Thread(target=self._main, name="aiotrace-tracer", daemon=True)
        self.thread.start()

    def post(self, fn: Callable[[], None]) -> None:
        """Run *fn* on the tracer thread, soon. Safe from any thread."""
        self.commands.append(fn)
        wake = self._accel_post
        if wake is not None:
            wake(self._accel_ptr)   # (the C loop's own doorbell protocol)
            return
        # (from the read of _sleeping to the claim of _rung no bytecode here lets the GIL
        # go, and the tracer thread changes both only with the GIL: so the ring is for the
        # sleep it read, as the C loop's compare-and-swap makes sure of)
        sleeping = self._sleeping
        if sleeping and not self._rung:
            self._rung = True
            if sleeping == _IN_POLL:
                _ffi.write_byte(self._wake_w)
            else:
                try:
                    signal.pidfd_send_signal(self._bell_fd, signal.SIGURG)
                except OSError:
                    pass   # (dead: the thread is woken by its death, and makes a new one)

    def post_verdict(self, fn: Callable[[], None]) -> None:
        """post() a verdict from the loop thread, then give this CPU away once
        (sched_yield): where the tracer thread shares it, the tracer thread (woken by the
        post, or waiting for the GIL) resumes the tracee before the loop goes on. Without
        it, on one CPU, the loop runs until it sleeps, the tracee is resumed only then,
        and its next event has to wake the loop again; with it, the next event is usually
        in the buffer when the loop goes on. (Waking the tracer thread only when it slept
        was tried: it was awake, not yet asleep, at 40% of the verdicts, and the gain
        went.) A yield that took long (the CPU went to other work: a busy CPU, or a tracee
        that computes) makes the next ones be skipped, for twice as many verdicts each
        time (see docs/architecture.md). A hint only: nothing depends on what runs during
        the yield."""
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

    def reply(self, fn: Callable[[], None]) -> None:
        """Queue *fn* to run on the loop thread (call notify() later, per batch)."""
        self.outbox.append(fn)

    # -- the thread -----------------------------------------------------------------------

    def _main(self) -> None:
        try:
            self.tid = _ffi.gettid()
            self._start_doorbell()
        except BaseException as exc:  # noqa: BLE001 - reported to the opener
            self.start_error = exc
            self.notify()   # (the loop's first wake-up: see start_tracer)
            return
        self.notify()   # the loop's first wake-up tells it the thread runs
        try:
            if self.accel is not None:
                self._loop_accel()
            else:
                self._loop()
        except BaseException as exc:
            # A bug in aiotrace: the loop side is told (Tracer raises it to its callers),
            # and nothing is left traced, stopped or unreaped.
            self.crash = exc
            import traceback
            traceback.print_exc()
            self._salvage()
        finally:
            self._sleeping = _AWAKE   # (for good: no ring from now on)
            for step in (self._convert_last, self._stop_doorbell, self._drop_pidfds,
                         self.send_direct):
                try:
                    step()
                except BaseException as exc:  # noqa: BLE001 - the end must be told anyway
                    if self.crash is None:
                        self.crash = exc
            self.finished = True
            self.notify()  # always: the loop side waits for `finished`

    def _convert_last(self) -> None:
        if self.accel is not None:
            self.convert(self.direct)   # records made before the end

    def _drop_pidfds(self) -> None:
        for pid in list(self._pidfds):
            self._drop_pidfd(pid)

    def _salvage(self) -> None:
        """After a crash of the loop (a bug in aiotrace), with the tables as they are:
        the processes of spawned families are killed (as closing the tracer kills them),
        every other tracee is detached (PTRACE_DETACH works in a ptrace-stop only: a
        running one is interrupted first), and what was killed is reaped, so that nothing
        is left traced, stopped or a zombie. (The kernel would kill the first and detach
        the others when this thread exits, but the zombies would go to the application's
        threads.) Errors here are ignored: each tracee is dealt with on its own."""
        waiting: set[int] = set()   # killed tids to reap, interrupted tids to detach
        killed: set[int] = set()    # pids of the processes killed
        for fam in list(self.families):
            if fam.root is None or not fam.root.spawned:
                continue
            for proc in list(fam.procs.values()):
                if proc.status is None and not proc.detached:
                    try:
                        os.kill(proc.pid, signal.SIGKILL)
                    except OSError:
                        continue
                    killed.add(proc.pid)
                    waiting.update(proc.threads)
        for th in list(self.threads.values()):
            if th.proc.pid in killed:
                continue
            if _raw_ptrace(int(Req.DETACH), th.tid, 0, 0) == 0:
                continue   # (it was in a ptrace-stop)
            if _raw_ptrace(int(Req.INTERRUPT), th.tid, 0, 0) == 0:
                waiting.add(th.tid)   # detached at the stop this brings
        for tid, status in list(self.early.items()):
            if os.WIFSTOPPED(status):
                self._salvage_stop(tid, killed, waiting)
        self.early.clear()
        while waiting:
            try:
                tid, status = os.waitpid(-1, _WAIT_FLAGS)
            except ChildProcessError:
                break
            except InterruptedError:
                continue
            if os.WIFSTOPPED(status):
                self._salvage_stop(tid, killed, waiting)
                continue
            waiting.discard(tid)
            dead = self.procs.get(tid)
            if dead is not None and dead.family.root is dead:
                dead.status = status   # (its wait() has it: the status is known)
                self.reply(partial(dead.family.on_death, returncode(status)))

    def _salvage_stop(self, tid: int, killed: set[int], waiting: set[int]) -> None:
        """A stop seen by _salvage: a thread of a killed process (or a new one of its)
        goes on to its death; any other tracee is detached."""
        if tid == self._doorbell:
            _raw_ptrace(_CONT_REQ, tid, 0, 0)
            return
        th = self.threads.get(tid)
        if th is not None:
            pid = th.proc.pid
        else:
            tgid, ppid = _status(tid, b"Tgid", b"PPid")
            pid = tgid if tgid in killed else ppid
        if pid in killed:
            if th is None:
                try:
                    os.kill(tid, signal.SIGKILL)
                except OSError:
                    return
                waiting.add(tid)
            _raw_ptrace(_CONT_REQ, tid, 0, 0)   # (SIGKILL is pending: it dies)
        else:
            _raw_ptrace(int(Req.DETACH), tid, 0, 0)
            waiting.discard(tid)

    def close_fds(self) -> None:
        """The wake pipe and the doorbell's pidfd, once the thread has finished and been
        joined (a ring that read the thread asleep just before its end may still use them
        until then). Loop thread; once."""
        for fd in (self._wake_r, self._wake_w, self._bell_fd):
            if fd >= 0:
                os.close(fd)
        self._wake_r = self._wake_w = self._bell_fd = -1

    def _loop(self) -> None:
        commands = self.commands
        waitpid = os.waitpid
        poll = self._poll.poll
        # whether every tracee is held, as checked after the last stop (None: not known)
        held: bool | None = None
        while True:
            if commands:
                held = None
                while commands:
                    commands.popleft()()
            if self._closing and not self.families:
                self._flush()
                return
            if held is None:
                held = self._all_stopped()
            if held and (off := self._exit_stops_off()):
                held = None
                if off == 2 and self._drain(waitpid):
                    continue
                # Wake the loop only now, right before we sleep: it would otherwise wait
                # for the GIL while we prepare.
                self._flush()
                # Every tracee is stopped, held for engines: none can report a stop, and
                # SIGKILL (the one way out of a ptrace-stop) makes its pidfd readable —
                # once PTRACE_O_TRACEEXIT is off, so that a killed thread does not stop
                # again in PTRACE_EVENT_EXIT. (A thread killed just before that may already
                # sit in that stop: the drain after turning the option off reports it.) So
                # wait for a command on the wake pipe, or a death, without the doorbell's
                # three context switches.
                self._rung = False   # a ring of an earlier sleep may be unconsumed
                self._sleeping = _IN_POLL
                if commands:
                    self._sleeping = _AWAKE
                    continue
                try:
                    ready = poll()
                finally:
                    self._sleeping = _AWAKE
                wake_r = self._wake_r
                if ready and ready[0][0] == wake_r or any(fd == wake_r for fd, _ in ready):
                    try:
                        os.read(wake_r, 4096)
                    except BlockingIOError:
                        pass
                    self._rung = False
                    # Only a pidfd (a SIGKILL) can make a stop or death reportable while
                    # everything is held: drain only when poll saw one too.
                    if len(ready) > 1:
                        self._drain(waitpid)
                    continue
                if self._drain(waitpid):
                    continue
                # a pidfd is readable but nothing can be reaped yet: wait in waitpid
            held = None
            if self.outbox or self.direct:
                self._flush()
            self._rung = False
            self._sleeping = _IN_WAITPID
            if commands:
                self._sleeping = _AWAKE
                continue
            try:
                pid, status = waitpid(-1, _WAIT_FLAGS)
            finally:
                self._sleeping = _AWAKE
            self._handle(pid, status)
            # Drain before dispatch, unless every tracee is now held: none can report a
            # stop then, and a death is seen by the pidfd poll above (as it is when it
            # comes a moment later).
            held = self._all_stopped()
            if not held and self._drain(waitpid):
                held = None

    def _loop_accel(self) -> None:
        """The tracer loop with the C loop (_accel.c), which waits, sleeps and handles the
        common stops itself: here run the commands and the stops it hands over."""
        ac = self.accel
        assert ac is not None
        c, take_cmds, ptr = ac.core, ac.lib.take_cmds, ac.ptr
        commands = self.commands
        while True:
            if commands or c.py_cmds:
                take_cmds(ptr)
                while commands:
                    commands.popleft()()
            if self._closing and not self.families:
                self._flush()
                return
            self._flush()
            self._run_accel(1)

    def _run_accel(self, block: int) -> None:
        """One call of the C loop (*block*: until Python is needed), then what it handed
        over: its records first (the order of the stops), then each stop it left to
        Python, and the stops still pending after that (drain before dispatch)."""
        ac = self.accel
        assert ac is not None
        c, ptr = ac.core, ac.ptr
        run = ac.lib.run if block else ac.lib.drain
        pushed = self._pushed_to
        while True:
            while pushed:
                pushed.pop().set_limit()   # (Python's own events took room in the buffers)
            c.no_poll = not self._poll_safe()
            res = run(ptr, block)
            if c.head != c.tail:
                self.convert(self.direct)
            if self.c_holds:
                self._adopt()
            if res != _accel.AT_SLOW:
                break
            self._handle(c.slow_pid, c.slow_status)
            block = 0
            run = ac.lib.drain
        if res < 0:
            raise OSError(-res, os.strerror(-res))

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
            ring, mask, size = ac.ring, ac.mask, _accel.RECORD_SIZE
            unpack = _accel.RECORD.unpack_from
            threads = self.threads
            outbox = self.outbox
            families: list[Family] = []
            last = tail
            for i in range(tail, head):
                tid, kind, nr, a0, a1, a2, a3, a4, a5, rval, t, gen = unpack(
                    ring, (i & mask) * size)
                last = i + 1
                th = threads.get(tid)
                if th is None:
                    continue   # (cannot be: a thread's end is a stop that converts first)
                proc = th.proc
                fam = proc.family
                fam.converted += 1
                if not families or families[-1] is not fam:
                    if fam not in families:
                        families.append(fam)
                args = Args((a0, a1, a2, a3, a4, a5), nr, tid)
                self.seq += 1
                if kind >= _accel.R_HELD_ENTRY:
                    self._held_record(th, kind, self.seq, t, nr, args, rval, gen, ring,
                                      (i & mask) * size + _accel.REGS_OFFSET, direct)
                    continue
                base = (proc.pid, tid, self.seq, t)
                if kind == _accel.R_ENTRY:
                    cls: type[TraceEvent] = SyscallEntry
                    fields: dict[str, Any] = {"nr": nr, "args": args}
                else:
                    cls = SyscallExit
                    fields = {"nr": nr, "args": args, "retval": rval}
                shared = None
                for sub in fam.subs:
                    # (an intercepting stream, or one that reads at the stop, that wants
                    # this event came after the stop: the C loop would have left it to
                    # Python otherwise)
                    if sub.intercept or not sub.wants(cls, tid, nr):
                        continue
                    if sub.capture is None:
                        if shared is None:
                            shared = cls(*base, **fields)
                        ev = shared
                    elif nr in sub.prefetch.get(cls, _NO_COPIES):   # (before late: see publish)
                        ev = cls(*base, **fields)
                        mem = self._copies(tid, ring, (i & mask) * size)
                        object.__setattr__(ev, "captured", _capture(sub, ev, mem))
                    elif nr in sub.late.get(cls, _NONE):
                        ev = cls(*base, **fields)
                        object.__setattr__(ev, "captured", _capture(sub, ev, Memory(tid)))
                    else:
                        continue
                    if sub.pushed - sub.taken >= sub.max_buffer and sub.drop:
                        sub.dropped += 1
                        continue
                    sub.buffer.append(ev)
                    sub.pushed += 1
                    if not sub.flagged:
                        sub.flagged = True
                        if sub.wfd >= 0:
                            direct.append(sub.wfd)
                        else:
                            outbox.append(sub.wake)
            if last == tail:
                return 0
            arena_tail = _accel.BLOB_END.unpack_from(
                ring, ((last - 1) & mask) * size + _accel.BLOB_END_OFFSET)[0]
            ac.lib.consumed(ac.ptr, last, arena_tail)
            for fam in families:
                if fam.cfam is not None:
                    fam.set_limit()
            return int(last - tail)

    def _copies(self, tid: int, ring: memoryview, at: int) -> CopiedMemory:
        """The memory copies a record carries (prefetch=), as a memory to read."""
        ac = self.accel
        assert ac is not None
        a0, a1, p0, p1, n0, n1 = _accel.RECORD_COPIES.unpack_from(ring, at + _accel.COPIES_OFFSET)
        arena, amask = ac.arena, ac.arena_mask
        copies = tuple((addr, bytes(arena[(pos & amask):(pos & amask) + n]))
                       for addr, pos, n in ((a0, p0, n0), (a1, p1, n1)) if n)
        return CopiedMemory(tid, copies)

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
        ctl = self.make_ctl(self, hold, _ffi.UserRegs.from_buffer_copy(ring, regs_at), None)
        if cls is SyscallEntry:
            ev: TraceEvent = SyscallEntry(th.proc.pid, tid, seq, t, nr, args, _ctl=ctl)
        else:
            ev = SyscallExit(th.proc.pid, tid, seq, t, nr, args, rval, _ctl=ctl)
        self.c_holds[tid] = (hold, ev)
        sub.buffer.append(ev)
        sub.pushed += 1
        if not sub.flagged:
            sub.flagged = True
            if sub.wfd >= 0:
                direct.append(sub.wfd)
            else:
                self.outbox.append(sub.wake)

    def _adopt(self) -> None:
        """Take over every C hold before Python does anything else (a command, a stop):
        from here on the thread is stopped, held by its engine, as if Python had
        dispatched the stop itself, so that every rule of the Python side applies (a
        verdict that changes something, hold(), detach, close, SIGKILL)."""
        ac = self.accel
        assert ac is not None
        lib, ptr = ac.lib, ac.ptr
        lib.apply_releases(ptr)   # (released by the loop meanwhile: those go on now)
        holds = self.c_holds
        while holds:
            tid, (hold, ev) = holds.popitem()
            slot = hold.cslot
            if slot is None or not lib.adopt(ptr, ctypes.addressof(slot), hold.cgen):
                continue   # released, or gone
            th = hold.thread
            slot.dirty = 0
            cls = type(ev)
            base = (ev.pid, ev.tid, ev.seq, ev.time_ns)
            fields: dict[str, Any] = {"nr": ev.nr, "args": ev.args}   # type: ignore[attr-defined]
            if cls is SyscallExit:
                fields["retval"] = ev.retval   # type: ignore[attr-defined]
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
            th.stopped = True
            th.holds += 1
            th.chain_hold = hold
            th.event = (cls, base, fields)
            th.pending = _NO_ENGINES
            th.verdict = _CLEAN
            hold.gen = th.gen   # (unchanged since the C hold: holds made meanwhile match)
            hold.cslot = None

    def convert_on_loop(self) -> int:
        """convert(), on the loop thread: the streams' own pipes get their byte here."""
        direct: list[int] = []
        n = self.convert(direct)
        for fd in direct:
            _ffi.write_byte(fd)
        return n

    def _drain(self, waitpid: Callable[[int, int], tuple[int, int]]) -> bool:
        """Collect every pending stop before anything is handed to the loop."""
        got = False
        while True:
            try:
                pid, status = waitpid(-1, _WAIT_FLAGS | os.WNOHANG)
            except ChildProcessError:
                return got
            if pid == 0:
                return got
            got = True
            self._handle(pid, status)

    def _exit_stops_off(self) -> int:
        """PTRACE_O_TRACEEXIT off for every (stopped) thread: 0 if one is already on its
        way out of its stop (SIGKILL), so that waitpid must be used; 2 if an option had
        to be changed now (a stop may have slipped in before: drain first), else 1."""
        changed = 1
        for th in self.threads.values():
            if not th.exit_off:
                opts = th.proc.family.options
                if opts & Opt.TRACEEXIT:
                    try:
                        _ffi.ptrace(Req.SETOPTIONS, th.tid, 0, opts & ~Opt.TRACEEXIT)
                    except OSError:
                        return 0
                    changed = 2
                th.exit_off = True
        return changed

    def _poll_safe(self) -> bool:
        """Whether, with every tracee held, the pidfds alone would report any death: only
        if every traced thread is the leader of its process, the only thread, and traced
        by a family that follows the rest. (A killed thread that is not its process's
        leader stays a zombie until we reap it, and the process's pidfd is not readable
        until then; an untraced thread's exec can end the traced leader unseen.)"""
        return (not self.early and self.threads.keys() == self.procs.keys()
                and all(fam.follow for fam in self.families))

    def _all_stopped(self) -> bool:
        if not self.threads:
            return False
        for th in self.threads.values():
            if not th.stopped:
                return False
        return self._poll_safe()

    def _flush(self) -> None:
        if self.direct:
            self.send_direct()
        if self.outbox:
            self.notify()

    def send_direct(self) -> None:
        """Write the wake-up byte of each stream whose consumer waits on a pipe of its own
        (see Subscription.wfd). A stream's pipe is closed only after close_sub has run
        here, which calls this first: so no byte is ever written to a closed (or reused)
        descriptor."""
        direct = self.direct
        while direct:
            _ffi.write_byte(direct.popleft())

    # -- doorbell -------------------------------------------------------------------------

    def _start_doorbell(self) -> None:
        """Fork and seize a doorbell (see the module's docstring)."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:
            _doorbell_child()
        try:
            fd = os.pidfd_open(pid)
        except OSError:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, _WAIT_FLAGS)
            raise
        try:
            _ffi.seize(pid, Opt.EXITKILL)
        except OSError as exc:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, _WAIT_FLAGS)
            os.close(fd)
            raise AttachError(pid, exc.errno or 0, _attach_message(pid, exc.errno or 0)) from None
        if self._bell_fd >= 0:
            # (a ring on another thread may be reading the old number right now: it
            # signals the dead doorbell or the new one, never a descriptor reused meanwhile)
            os.dup2(fd, self._bell_fd, inheritable=False)
            os.close(fd)
        else:
            self._bell_fd = fd
        self._doorbell = pid
        if self.accel is not None:
            self.accel.core.doorbell = pid
            self.accel.core.doorbell_fd = self._bell_fd

    def _doorbell_died(self) -> None:
        """The doorbell was killed (a tracee can: it is a process like any other) and
        reaped: a new one, before the thread sleeps again."""
        self._doorbell = 0
        self._rung = False   # (a ring of the dead one is lost: commands are looked at next)
        self._start_doorbell()

    def _stop_doorbell(self) -> None:
        pid = self._doorbell
        if not pid:
            return
        self._doorbell = 0
        if self.accel is not None:
            self.accel.core.doorbell = 0
        try:
            signal.pidfd_send_signal(self._bell_fd, signal.SIGKILL)
        except OSError:
            pass   # (dead already: reaped below)
        while True:
            try:
                _, status = os.waitpid(pid, _WAIT_FLAGS)
            except ChildProcessError:
                break   # (reaped already)
            if not os.WIFSTOPPED(status):
                break   # (a stop reported before the SIGKILL: its death comes next)

    # -- stops ----------------------------------------------------------------------------

    def _handle(self, tid: int, status: int) -> None:
        if self.new_subs:
            self.take_subscriptions()
        if tid == self._doorbell:
            if os.WIFSTOPPED(status):
                self._rung = False
                self._try(Req.CONT, tid, 0)   # (the signal suppressed, whichever it is)
            else:
                self._doorbell_died()
            return
        self.stops += 1
        th = self.threads.get(tid)
        if th is None:
            proc = self.procs.get(tid)
            if proc is not None and proc.detached:
                # a spawned child that we detached from: reap it for its wait()
                if not os.WIFSTOPPED(status):
                    self._proc_dead(proc, status)
                return
            # A new thread or child whose first stop came before its parent's
            # PTRACE_EVENT_CLONE/FORK: keep it aside until the parent claims it.
            self.early[tid] = status
            if self.dying:
                self._claim_early(tid)
            return
        slot = th.slot
        if slot is not None:
            if slot.dirty:
                _import(th, slot)
            if slot.state != _accel.S_STOPPED:
                # a C hold's thread, killed: its hold is over, and a release the loop
                # queued for it meanwhile must not resume this stop (or a freed slot)
                ac = self.accel
                assert ac is not None
                ac.lib.take(ac.ptr, ctypes.addressof(slot))
        if (status & 0xFFFF) == _SYSCALL_STOP:
            stop = _SYSCALL   # the common case, without decode_status
        elif status == _SECCOMP_STOP:   # (its event is above the low 16 bits)
            stop = _SECCOMP   # (the prefilter's common case)
        else:
            stop = decode_status(status)
            if stop.kind is StopKind.EXITED or stop.kind is StopKind.KILLED:
                self._thread_dead(th, status)
                return
        if th.stopped:
            self._abandon_stop(th)
        th.stopped = True
        th.gen += 1
        # set by the syscall entry this thread was last resumed from (see _syscall_stop)
        expecting_exit = th.expect_exit
        th.expect_exit = False
        proc = th.proc
        fam = proc.family
        kind, detail = stop.kind, stop.detail
        if th.detach_requested or fam.detaching:
            if kind is StopKind.EVENT and detail in _CLONE_EVENTS and fam.detaching:
                # the thread or child it made is traced too: take it on, so that the
                # family's detach reaches it (left, it would stay stopped, traced)
                if self._clone_child(th, detail) is None:
                    return
            self._detach_thread(th, detail if kind is StopKind.SIGNAL else 0)
            return
        if proc.pre_exec:
            self._pre_exec_stop(th, kind, detail)
            return
        if stop is _SYSCALL:
            self._syscall_stop(th, expecting_exit)
        elif kind is StopKind.SIGNAL:
            if th.stepping and detail == signal.SIGTRAP:
                th.stepping = False   # the trap of our own PTRACE_SINGLESTEP: not a signal
                self._dispatch(th, SingleStep, None)
            else:
                th.stepping = False
                _own_verdict(th).signo = detail
                info = b""
                if _wanted(fam.subs, Signal, tid, None):
                    try:
                        info = _ffi.getsiginfo(tid)
                    except OSError:
                        pass   # killed meanwhile: its death is reported next
                self._dispatch(th, Signal, None, signo=detail, siginfo=info)
        elif kind is StopKind.EVENT:
            self._event_stop(th, detail, expecting_exit)
        elif kind is StopKind.GROUP_STOP:
            if th.interrupt_requested:
                th.interrupt_requested = False   # (this stop is one: none must come later)
                if th.listening:
                    # interrupt() of a thread in a group-stop (resumed with PTRACE_LISTEN):
                    # the kernel reports its trap as a group-stop, but it is the stop that
                    # was asked for; the thread stays in its group-stop
                    self._dispatch(th, Interrupt, None)
                    return
            th.listening = True
            self._dispatch(th, GroupStop, None, signo=detail)
        else:  # TRAP_STOP: PTRACE_INTERRUPT, first stop of a new tracee, or end of listen
            if th.listening:
                th.listening = False
                self._dispatch(th, Continued, None)
            elif th.interrupt_requested:
                th.interrupt_requested = False
                self._dispatch(th, Interrupt, None)
            else:
                self._release_if_free(th)

    def _syscall_stop(self, th: Thread, expecting_exit: bool = False) -> None:
        """*expecting_exit*: resumed from an entry with PTRACE_SYSCALL, so this stop is that
        call's exit. When nobody wants it (and no verdict must be applied there), the
        thread goes on at once, without PTRACE_GET_SYSCALL_INFO."""
        fam = th.proc.family
        if (expecting_exit and th.fake_return is None
                and not _table_wanted(fam.tables.exit, fam.subs, SyscallExit, th.tid, th.nr)):
            th.want_exit = False
            th.nr = None
            th.raw_args = None
            self._release_if_free(th)
            return
        info = self._info
        ac = self.accel
        if ac is not None and ac.core.info_tid == th.tid:
            ac.core.info_tid = 0   # the C loop read it for this stop already
        elif _raw_ptrace(_GET_SYSCALL_INFO, th.tid, _INFO_SIZE, self._info_addr) == -1:
            return  # gone: its death is reported next
        op = info.op
        if op == _OP_ENTRY or op == _OP_SECCOMP:
            # (the seccomp variant has the same layout up to the arguments)
            th.expect_exit = True   # cleared when it is not resumed with PTRACE_SYSCALL
            vals = _ENTRY.unpack_from(info, _INFO_ARCH)   # arch, nr, then the 6 arguments
            nr = vals[1]
            if vals[0] == _ARCH_X86_64 and nr < _PLAIN:
                vals = vals[1:]   # an x86-64 call's key is its number (the common case)
            else:
                vals = _foreign(vals)   # its key, and its arguments as the kernel takes them
                nr = vals[0]
            th.nr = nr
            tid = th.tid
            subs = fam.subs
            if op == _OP_SECCOMP:
                th.want_exit = _table_wanted(fam.tables.exit, subs, SyscallExit, tid, nr)
            else:
                # A syscall-entry-stop goes on with PTRACE_SYSCALL, whatever the mode: its
                # next syscall stop is then this call's own, its exit or (with a
                # prefilter) its seccomp stop, which expect_exit tells from a new call's.
                th.want_exit = True
            if not _table_wanted(fam.tables.entry, subs, SyscallEntry, tid, nr):
                # nobody wants this entry: keep its raw arguments (for the exit's event,
                # made only if a stream wants it) and resume
                th.raw_args = vals
                th.args = ()
                self._release_if_free(th)
                return
            th.raw_args = None
            th.args = args = Args(vals[1:], nr, th.tid)
            if -0x80000000 <= nr < 0x80000000:
                self._dispatch(th, SyscallEntry, nr, nr=nr, args=args)
            else:
                self._dispatch(th, SyscallEntry, nr, nr=key_nr(nr), args=args,
                               abi=ABIS[key_abi(nr)])
        elif op == _OP_EXIT:
            th.want_exit = False
            key = th.nr
            rval = _RVAL.unpack_from(info, _INFO_DATA)[0]
            if key is None or (not expecting_exit and th.fake_return is None):
                # Not resumed from this call's entry: a fork, clone or exec event stop came
                # in between, or the entry did not stop at all (the thread ran with
                # PTRACE_CONT then, or was attached inside the call). th.nr is then this
                # call's, or another's (None, or an earlier call whose exit was not seen);
                # the kernel keeps the number in orig_rax, the arguments in their registers.
                regs = _ffi.UserRegs()
                if _raw_ptrace(_GETREGS, th.tid, 0, ctypes.addressof(regs)) == -1:
                    return  # gone: its death is reported next
                real = syscall_key(info.arch, regs.orig_rax)
                # (an exec into a program of another ABI renames the call to that ABI's
                # execve, for its return to user space: it is still the entry's call)
                if key is None or (key != real and not (key in _EXECS and real in _EXECS)):
                    key = real
                    th.args = ()
                    th.raw_args = _regs_args(real, regs)
            if th.fake_return is not None:
                rval = th.fake_return
                th.fake_return = None
                self._set_return(th, rval)
            th.nr = None
            exit_args = th.args
            if th.raw_args is not None:   # its entry was not dispatched (nobody wanted it)
                exit_args = Args(th.raw_args[1:], key, th.tid)
                th.raw_args = None
            if -0x80000000 <= key < 0x80000000:
                self._dispatch(th, SyscallExit, key, nr=key, args=exit_args, retval=rval)
            else:
                self._dispatch(th, SyscallExit, key, nr=key_nr(key), args=exit_args,
                               retval=rval, abi=ABIS[key_abi(key)])
        else:
            self._release_if_free(th)

    def _clone_child(self, th: Thread, event: int) -> tuple[int, str, int] | None:
        """At *th*'s clone, fork or vfork event stop: the new tracee (its tid, clone type
        and pid), taken on; None if the message was lost (the thread was killed)."""
        try:
            child = _ffi.geteventmsg(th.tid)
        except OSError:
            child = -1   # (ESRCH: SIGKILL took the thread out of this stop)
        tgid = None
        if child >= 0 and child not in self.threads and child not in self.early:
            tgid, tracer = _status(child, b"Tgid", b"TracerPid")
            if tracer != self.tid:
                child = -1
        if child < 0:
            # Not a tracee of ours: the thread left this stop before we read its
            # message (SIGKILL: then it is on its way to its death or to its
            # PTRACE_EVENT_EXIT stop, whose message is its exit status). That comes
            # next (no resume here); the child it made is traced all the same.
            self._dying(th.proc)
            return None
        kid = self.threads.get(child)
        if kid is not None:   # (taken on already by _claim_early)
            return child, ("thread" if kid.proc is th.proc else
                           "vfork" if event == Event.VFORK else "fork"), kid.proc.pid
        clone_type, child_pid = self._new_tracee(th, child, event, tgid)
        return child, clone_type, child_pid

    def _event_stop(self, th: Thread, event: int, expecting_exit: bool = False) -> None:
        if event in _CLONE_EVENTS:
            got = self._clone_child(th, event)
            if got is None:
                return
            child, clone_type, child_pid = got
            self._dispatch(
                th, Clone, None, child_pid=child_pid, child_tid=child, clone_type=clone_type
            )
        elif event == Event.EXEC:
            self._exec_stop(th)
        elif event == Event.SECCOMP:
            fam = th.proc.family
            if expecting_exit:
                # Resumed from this call's syscall-entry-stop, which came first (Linux >=
                # 4.8) and reported it. (Not full_stops: that may have changed since the
                # thread was resumed. A thread resumed with PTRACE_CONT while the prefilter
                # was enough stops here at a new call's entry even if every syscall must
                # stop now; one resumed from an entry while every syscall stopped comes
                # here for that call even if the prefilter is enough now.)
                th.want_exit = _table_wanted(fam.tables.exit, fam.subs, SyscallExit, th.tid,
                                             th.nr)
                th.expect_exit = True   # (cleared if it goes on with PTRACE_CONT)
                if th.stepping:   # the entry's singlestep() verdict: its trap comes next
                    _own_verdict(th).singlestep = True
                self._release_if_free(th)
            else:
                self._syscall_stop(th)      # the prefilter's stop is this call's entry
        elif event == Event.EXIT:
            try:
                st = _ffi.geteventmsg(th.tid)
            except OSError:
                st = 0
            th.exiting = True
            if st & 0x7F or th.tid == th.proc.pid:
                # killed, or the leader's end (a group exit takes every thread): a thread
                # of this process may have been inside clone() (not one that just ends)
                self._dying(th.proc)
            self._dispatch(th, Exit, None, status=st)
        else:  # VFORK_DONE, SECCOMP without interest
            self._release_if_free(th)

    def _exec_stop(self, th: Thread) -> None:
        proc = th.proc
        self.dying.discard(proc.pid)   # (its other threads' exit stops: it lives on)
        try:
            old_tid = _ffi.geteventmsg(th.tid)
        except OSError:
            old_tid = th.tid
        if old_tid != th.tid:
            # Exec from a non-leader thread: every other thread is gone and the exec'ing
            # thread now has the leader's tid (ptrace(2), "execve(2) under ptrace").
            mover = proc.threads.pop(old_tid, None)
            self.threads.pop(old_tid, None)
            if mover is not None:
                exit_off = 0
                if mover.slot is not None:
                    if mover.slot.dirty:
                        _import(mover, mover.slot)
                    exit_off = mover.slot.exit_off
                self._drop_slot(th)      # (the leader's: its tid is the mover's now)
                self._drop_slot(mover)
                mover.tid = th.tid
                mover.stopped = True
                mover.gen = th.gen
                proc.threads[th.tid] = mover
                self.threads[th.tid] = mover
                self._new_slot(mover, exit_off, _accel.S_STOPPED)
                th = mover
        # Threads other than the exec'ing one are gone after a successful exec; their
        # deaths may or may not be reported: forget them now.
        for tid in [t for t in proc.threads if t != th.tid]:
            gone = proc.threads.pop(tid)
            self.threads.pop(tid, None)
            self._drop_slot(gone)
            gone.gen += 1
        if th.nr is None:
            th.nr = _NR_EXECVE
        try:
            filename = os.readlink(f"/proc/{proc.pid}/exe")
        except OSError:
            filename = ""
        self._dispatch(th, Exec, None, filename=filename, old_tid=old_tid)

    def _pre_exec_stop(self, th: Thread, kind: StopKind, detail: int) -> None:
        """Stops of a spawned child between fork and the exec of the target."""
        if kind is StopKind.EVENT and detail == Event.EXEC:
            proc = th.proc
            proc.pre_exec = False
            if proc.errpipe >= 0:
                os.close(proc.errpipe)
                proc.errpipe = -1
            th.nr = _NR_EXECVE
            fam = proc.family
            if fam.spawn_reply is not None:
                done, fam.spawn_reply = fam.spawn_reply, None
                self.reply(lambda: done(None))
            # The spawn hold: parked until resume(), so that streams opened now miss nothing.
            self._release_if_free(th)
            return
        sig = detail if kind is StopKind.SIGNAL else 0
        self._resume(th, sig, Req.CONT)

    # -- dispatch to subscriptions ----------------------------------------------------------

    def _dispatch(
        self, th: Thread, cls: type[TraceEvent], filter_nr: int | None, **fields: Any
    ) -> None:
        """*filter_nr*: the syscall's key (streams' syscalls= sets hold keys), None for
        other events."""
        fam = th.proc.family
        tid = th.tid
        subs = fam.subs
        if len(subs) == 1:   # the common case, without the lists below
            sub = subs[0]
            if not sub.wants(cls, tid, filter_nr):
                self._release_if_free(th)
                return
            self.seq += 1
            base = (th.proc.pid, tid, self.seq, time.monotonic_ns())
            if sub.intercept:
                th.event = (cls, base, fields)
                th.pending = _NO_ENGINES
                self._intercept(th, sub, cls, base, fields)
            elif sub.pushed - sub.taken < sub.max_buffer and (
                    sub.capture is None or filter_nr in sub.late.get(cls, _NONE)):
                # Nothing to read at the stop (or nothing the thread can change before
                # its next stop: capture_after_resume), no backpressure: the thread goes
                # on first, and its event is made (and captured) while it runs. What the
                # tracee waits for is the resume; on two CPUs this takes the event's
                # making off its path.
                self._release_if_free(th)
                ev = cls(*base, **fields)
                if sub.capture is None:
                    self._push(sub, ev)
                else:
                    self._observe(th, sub, ev, fresh=True)
            else:
                self._observe(th, sub, cls(*base, **fields), fresh=True)
                self._release_if_free(th)
            return
        interceptors: list[Subscription] = []
        observers: list[Subscription] = []
        for sub in subs:
            if sub.wants(cls, tid, filter_nr):
                (interceptors if sub.intercept else observers).append(sub)
        if not interceptors and not observers:
            self._release_if_free(th)
            return
        self.seq += 1
        base = (th.proc.pid, tid, self.seq, time.monotonic_ns())
        if interceptors:
            if len(interceptors) > 1:
                if cls is SyscallEntry:
                    interceptors.sort(key=lambda s: -s.order)  # last attached decides first
                else:
                    interceptors.sort(key=lambda s: s.order)
            # Each interceptor gets its own event object (its own verdict handle), made
            # when its turn comes; observers get one made after the last verdict.
            th.event = (cls, base, fields)
            th.pending = deque(interceptors)
            th.pending.extend(observers)
            self._next_engine(th)
        else:
            for sub in observers:
                if sub.capture is not None or sub.pushed - sub.taken >= sub.max_buffer:
                    ev = cls(*base, **fields)
                    for obs in observers:
                        self._observe(th, obs, ev)
                    self._release_if_free(th)
                    return
            self._release_if_free(th)   # (as above: the thread first)
            ev = cls(*base, **fields)
            for sub in observers:
                self._push(sub, ev)

    def _next_engine(self, th: Thread) -> None:
        """Hand the current stop to the next intercepting engine, then to the observers."""
        pending = th.pending
        final = None
        while pending:
            sub = pending.popleft()
            if sub.closed:
                continue
            cls, base, fields = th.event
            if sub.intercept:
                self._intercept(th, sub, cls, base, fields)
                return
            if final is None:
                final = self._final_event(th, cls, base, fields)
            self._observe(th, sub, final)
        self._release_if_free(th)

    def _intercept(
        self, th: Thread, sub: Subscription, cls: type[TraceEvent], base: tuple[int, ...],
        fields: dict[str, Any],
    ) -> None:
        """Hand the stop to one intercepting engine: it holds the thread until its verdict."""
        hold = Hold(th, sub)
        th.holds += 1
        th.chain_hold = hold
        regs = _ffi.UserRegs()
        if _raw_ptrace(_GETREGS, th.tid, 0, ctypes.addressof(regs)) == -1:
            got: _ffi.UserRegs | None = None   # killed meanwhile: its death is reported next
        else:
            got = regs
        v = th.verdict
        ctl = self.make_ctl(self, hold, got, None if v is _CLEAN else v.describe())
        self._push(sub, cls(*base, **fields, _ctl=ctl))

    def _final_event(
        self, th: Thread, cls: type[TraceEvent], base: tuple[int, ...], fields: dict[str, Any]
    ) -> TraceEvent:
        """What observers see: the arguments and return value after every verdict."""
        v = th.verdict
        if cls is SyscallEntry and (v.new_nr is not None or v.new_args is not None):
            nr = v.new_nr if v.new_nr is not None else fields["nr"]
            vals = tuple(fields["args"])
            if v.new_args is not None:
                vals = tuple(v.new_args) + vals[len(v.new_args):]
            abi = fields.get("abi")
            if abi is None:
                fields = {"nr": nr, "args": Args(vals, nr, th.tid)}
            else:   # (a call of another ABI: its number is of that ABI's table)
                key = make_key(ABIS.index(abi), nr)
                fields = {"nr": nr, "args": Args(vals, key, th.tid), "abi": abi}
        elif cls is SyscallExit and v.set_return is not None:
            fields = dict(fields, retval=v.set_return)
        return cls(*base, **fields)

    def _observe(self, th: Thread, sub: Subscription, ev: TraceEvent, fresh: bool = False) -> None:
        """*fresh*: nobody else has *ev*, which may take its ``captured`` value in place."""
        if sub.closed:
            return
        if sub.capture is not None:
            value = _capture(sub, ev, Memory(ev.tid))
            if fresh:
                object.__setattr__(ev, "captured", value)
            else:
                ev = _copy_with(ev, "captured", value)
        if sub.pushed - sub.taken >= sub.max_buffer:
            if sub.drop:
                sub.dropped += 1
                return
            # Lossless backpressure: the thread waits until the consumer takes this event.
            hold = Hold(th, None)
            th.holds += 1
            sub.bp_holds[ev.seq] = hold
        self._push(sub, ev)

    def _push(self, sub: Subscription, item: Any) -> None:
        sub.buffer.append(item)
        sub.pushed += 1
        fam = sub.family
        if fam is not None and fam.cfam is not None:
            self._pushed_to.add(fam)
        if not sub.flagged:
            sub.flagged = True
            if sub.wfd >= 0:
                self.direct.append(sub.wfd)
            else:
                self.outbox.append(sub.wake)

    # -- resuming ---------------------------------------------------------------------------

    def _release_if_free(self, th: Thread) -> None:
        """Resume *th* with its verdict applied, unless something still holds it. (This
        runs at every stop: what used to be three nested calls is one.)"""
        if th.holds == 0 and th.stopped and th.chain_hold is None:
            fam = th.proc.family
            if fam.held and not th.exiting:
                # The spawn/attach hold, released by resume(). Not at the exit stop: a
                # thread gets there while held only when killed (SIGKILL takes it out of
                # its stop, and PTRACE_O_TRACEEXIT is on until the tracer first sleeps
                # with every tracee held), and a killed thread must die.
                th.holds += 1
                th.parked = True
                return
            if th.interrupt_requested:
                # interrupt(): the kernel ends a PTRACE_INTERRUPT with whatever ptrace-stop
                # comes first (any stop clears the pending trap: a syscall stop, most
                # often, for a thread resumed with PTRACE_SYSCALL; then no
                # PTRACE_EVENT_STOP follows). So the Interrupt asked for is reported at
                # this stop, after its own event, before the thread goes on.
                th.interrupt_requested = False
                self._dispatch(th, Interrupt, None)
                return
            v = th.verdict
            th.verdict = _CLEAN
            th.event = None
            if v is not _CLEAN:
                if v.skip_return is not None or v.new_nr is not None or v.new_args is not None:
                    self._rewrite_entry(th, v)
                if v.set_return is not None:
                    self._set_return(th, v.set_return)
            if th.listening:
                self._resume(th, 0, Req.LISTEN)
                return
            if fam.full_stops or th.want_exit or th.fake_return is not None:
                req = _SYSCALL_REQ
            else:
                req = _CONT_REQ
                th.expect_exit = False
            if v.singlestep:
                req = _SINGLESTEP_REQ
                th.stepping = True
                # (expect_exit as it was: stepped on from a syscall-entry-stop, the thread
                # may stop at that call's seccomp stop before the step's trap)
            self._resume(th, v.signo, req)

    def _resume(self, th: Thread, sig: int, req: int) -> None:
        th.stopped = False
        th.gen += 1
        slot = th.slot
        if slot is not None:
            self._export(th, slot, req)
        elif th.exit_off == th.proc.family.want_exit:
            # PTRACE_O_TRACEEXIT on exactly when a stream wants Exit events: off, a thread's
            # end costs one stop less, and no PTRACE_SETOPTIONS is needed on either side of
            # a held stop (see _exit_stops_off)
            self._exit_option(th.tid, th.proc.family)
            th.exit_off = not th.proc.family.want_exit
        if _raw_ptrace(req, th.tid, 0, sig) == -1:
            _gone_or_raise()

    def _export(self, th: Thread, slot: _accel.Slot, req: int) -> None:
        """Hand a thread that Python resumes back to the C loop: its syscall in progress,
        and whether the C loop may handle its next syscall stop (not when Python has
        something to do there)."""
        fam = th.proc.family
        if slot.exit_off == fam.want_exit:   # (as above; the C loop does the same)
            self._exit_option(th.tid, fam)
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
        fast = (req == _SYSCALL_REQ or req == _CONT_REQ) and not (
            th.detach_requested or th.fake_return is not None or fam.detaching
            or th.proc.pre_exec or th.interrupt_requested)
        _accel.SLOT_EXPORT.pack_into(
            slot, _accel.SLOT_EXPORT_AT, _accel.S_RUNNING, fast, th.expect_exit,
            th.want_exit, 0, nr, *vals)

    def _exit_option(self, tid: int, fam: Family) -> None:
        opts = fam.options if fam.want_exit else fam.options & ~Opt.TRACEEXIT
        self._try(Req.SETOPTIONS, tid, int(opts))

    def _try(self, req: int, tid: int, data: int) -> bool:
        if _raw_ptrace(req, tid, 0, data) != -1:
            return True
        return _gone_or_raise()

    def _rewrite_entry(self, th: Thread, v: Verdict) -> None:
        """Skip the syscall (number -1) or change its number and arguments, at its entry.
        A new number is one of the call's own ABI (an i386 call stays an i386 call); the
        argument registers are the ABI's (ebx, ecx... for i386)."""
        key = th.nr if th.nr is not None else 0
        abi = key_abi(key)
        if v.skip_return is not None:
            raw: int | None = -1
            args: tuple[int, ...] | None = None
            th.fake_return = v.skip_return   # written into rax at the exit stop
        else:
            nr, args = v.new_nr, v.new_args
            raw = None
            if nr is not None:
                th.nr = key = make_key(abi, nr)
                raw = key_raw(key)
            if args is not None and abi == ABI_I386:
                args = tuple(a & _MASK32 for a in args)
            if args is not None or nr is not None:
                full = th.args if args is None else tuple(args) + tuple(th.args[len(args):])
                th.args = Args(tuple(full), key, th.tid)
        if self._set_info_ok and self._set_syscall_info(th, raw, args):
            return
        try:
            regs = _ffi.getregs(th.tid)
        except OSError:
            return
        if raw is not None:
            regs.orig_rax = raw & _MASK64
        if args is not None:
            names = _I386_ARG_REGS if abi == ABI_I386 else _X86_64_ARG_REGS
            for name, value in zip(names, args):
                setattr(regs, name, value & _MASK64)
        try:
            _ffi.setregs(th.tid, regs)
        except OSError:
            pass

    def _set_syscall_info(self, th: Thread, nr: int | None, args: tuple[int, ...] | None) -> bool:
        """PTRACE_SET_SYSCALL_INFO (Linux 6.16+); False when the kernel lacks it."""
        info = self._info
        try:
            if _ffi.get_syscall_info(th.tid, info) != _ffi.SYSCALL_INFO_ENTRY:
                return False
            if nr is not None:
                info.entry.nr = nr & _MASK64
            if args is not None:
                for i, value in enumerate(args[:6]):
                    info.entry.args[i] = value & _MASK64
            _ffi.ptrace(Req.SET_SYSCALL_INFO, th.tid, ctypes.sizeof(info), ctypes.addressof(info))
            return True
        except OSError as exc:
            if exc.errno in (errno.EIO, errno.EINVAL, errno.EOPNOTSUPP):
                self._set_info_ok = False
                return False
            return True  # ESRCH: gone, nothing to rewrite

    def _set_return(self, th: Thread, value: int) -> None:
        try:
            regs = _ffi.getregs(th.tid)
            regs.rax = value & _MASK64
            _ffi.setregs(th.tid, regs)
        except OSError:
            pass

    # -- commands from the loop: verdicts -------------------------------------------------

    def release(self, hold: Hold, change: Callable[[Verdict], None] | None = None) -> None:
        th = hold.thread
        if hold.released:
            return
        hold.released = True
        if hold.gen != th.gen or not th.stopped or th.tid not in self.threads:
            return  # that stop is over (the thread was killed or detached)
        if change is not None:
            v = _own_verdict(th)
            change(v)
            if v.regs is not None:
                regs, v.regs = v.regs, None
                try:
                    _ffi.setregs(th.tid, regs)
                except OSError:
                    pass
        th.holds -= 1
        if th.chain_hold is hold:
            th.chain_hold = None
            self._next_engine(th)
        elif th.chain_hold is None:
            self._release_if_free(th)

    def add_hold(self, hold: Hold) -> None:
        """An engine's extra hold (``hold()``): the thread stays stopped until it is released."""
        th = hold.thread
        if hold.gen != th.gen or not th.stopped or self.threads.get(th.tid) is not th:
            hold.released = True
            return
        th.holds += 1

    def subscribe(self, sub: Subscription) -> None:
        """A new stream (Process.events()), from the loop thread: the tracer thread takes it
        on before it runs any command posted later, and before it handles any stop it
        finds from now on (a stop that the caller's next action causes, a SIGKILL of its
        own, say, is seen by the stream)."""
        self.new_subs.append(sub)
        self.post(self.take_subscriptions)

    def take_subscriptions(self) -> None:
        """The streams subscribed since the last call: they see the stops from here on,
        and their families' threads now stop where they need them to. Tracer thread."""
        new = self.new_subs
        while new:
            sub = new.popleft()
            fam = sub.family
            assert fam is not None
            if fam.ended:
                self._push(sub, END)
                continue
            sub.order = fam.next_order   # (attach order: see _dispatch)
            fam.next_order += 1
            fam.subs = fam.subs + (sub,)
            if fam.update_mode() and not fam.held:
                # threads running with PTRACE_CONT must stop at every syscall from now on
                self.interrupt(fam)
        ac = self.accel
        if ac is not None:
            ac.core.info_tid = 0   # (the C loop's copy of a stop's syscall info is stale)

    def close_sub(self, sub: Subscription) -> None:
        """End a stream: release every hold it has on any thread, drop what it buffered.
        A stream with a pipe of its own gets any byte still due now: nothing is written
        there after this (the loop may close the pipe once told)."""
        if sub.wfd >= 0:
            self.send_direct()
        sub.closed = True
        fam = sub.family
        if fam is not None:
            fam.subs = tuple(s for s in fam.subs if s is not sub)
            fam.update_mode()
        for hold in list(sub.bp_holds.values()):
            self.release(hold)
        sub.bp_holds.clear()
        while sub.buffer:
            item = sub.buffer.popleft()
            ctl = getattr(item, "_ctl", None)
            if ctl is not None:
                ctl.release_now(self)
        for th in list(self.threads.values()):
            # a chain hold whose event this stream has taken but not answered
            h = th.chain_hold
            if h is not None and h.sub is sub:
                self.release(h)

    def resume_family(self, fam: Family) -> None:
        """Release the spawn/attach hold."""
        if not fam.held:
            return
        fam.held = False
        for proc in list(fam.procs.values()):
            for th in list(proc.threads.values()):
                if th.parked:
                    th.parked = False
                    th.holds -= 1
                    if th.nr == _NR_EXECVE and not fam.full_stops:
                        # Parked in the exec stop of the spawning execve, whose entry was
                        # never seen: with a prefilter the thread would be resumed with
                        # PTRACE_CONT and that call's exit stop would not come.
                        th.want_exit = _wanted(fam.subs, SyscallExit, th.tid, _NR_EXECVE)
                    self._release_if_free(th)

    def interrupt(
        self, fam: Family, tids: Iterable[int] | None = None, report: bool = False
    ) -> None:
        """PTRACE_INTERRUPT running threads: to report an ``Interrupt`` event to engines
        (*report*), or silently, so that they resume in the current mode."""
        wanted = None if tids is None else set(tids)
        for proc in list(fam.procs.values()):
            for th in list(proc.threads.values()):
                if wanted is not None and th.tid not in wanted:
                    continue
                if report:
                    th.interrupt_requested = True
                slot = th.slot
                if not th.stopped:
                    # (also one the C loop holds for an engine: the kernel keeps the trap
                    # pending, the thread stops for it once released, and picks up the
                    # current mode there)
                    if report and slot is not None:
                        slot.fast = 0   # (its next stop, whatever it is, is the Interrupt's)
                    self._try(Req.INTERRUPT, th.tid, 0)
                if report and (th.stopped or slot is not None and slot.state in _C_HELD):
                    # Stopped already (held by an engine, a hold() or the spawn/attach
                    # hold): nothing to interrupt (the kernel too takes any stop for the
                    # trap PTRACE_INTERRUPT asks for), and no Interrupt event. Left set,
                    # the request made a later silent interrupt's stop an Interrupt.
                    th.interrupt_requested = False

    # -- life cycle: spawn, attach, new tracees, death, detach --------------------------------

    def spawn(
        self,
        fam: Family,
        argv: list[str],
        env: dict[str, str] | None,
        cwd: str | None,
        stdio: tuple[int | None, int | None, int | None],
        reply: Callable[[BaseException | None], None],
        cpus: frozenset[int] | None = None,
    ) -> None:
        env = dict(os.environ) if env is None else env
        path = _resolve(argv[0], env.get("PATH", os.defpath), cwd)
        if isinstance(path, SpawnError):
            self.reply(lambda: reply(path))
            return
        bpf = compile_filter(fam.seccomp) if fam.seccomp is not None else None
        if bpf is not None:
            fam.options |= Opt.TRACESECCOMP
        go_r, go_w = os.pipe()
        err_r, err_w = os.pipe2(os.O_CLOEXEC)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the child: only async-signal-safe work until exec
            _child(path, argv, env, cwd, stdio, go_r, go_w, err_r, err_w, bpf, cpus)
        os.close(go_r)
        os.close(err_w)
        proc = Proc(pid, fam, spawned=True)
        proc.pre_exec = True
        proc.errpipe = err_r
        proc.argv = list(argv)
        fam.root = proc
        fam.spawn_reply = reply
        try:
            fam.options |= Opt.EXITKILL   # kept by SETOPTIONS calls later on
            _ffi.seize(pid, fam.options)
        except OSError as exc:
            os.close(go_w)
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(err_r)
            e = AttachError(pid, exc.errno or 0, _attach_message(pid, exc.errno or 0))
            self.reply(lambda: reply(e))
            return
        self._accel_family(fam)
        self._add_proc(proc)
        self._add_thread(proc, pid)
        self.families.append(fam)
        os.write(go_w, b"g")
        os.close(go_w)

    def attach(self, fam: Family, pid: int, reply: Callable[[BaseException | None], None]) -> None:
        if pid == os.getpid():
            e = AttachError(pid, errno.EPERM, (
                f"pid {pid} is this Python process: a process cannot trace itself (its "
                "tracer thread would stop the interpreter that runs it). Trace a child "
                "process instead."
            ))
            self.reply(lambda: reply(e))
            return
        proc = Proc(pid, fam)
        fam.root = proc
        # The thread *pid* first: if it cannot be traced, nothing is, and there is
        # nothing to undo (a seized thread runs on: only a stopped tracee can be detached).
        try:
            _ffi.seize(pid, fam.options)
        except OSError as exc:
            err = exc.errno or 0
            e = AttachError(pid, err, "no process {pid}".format(pid=pid) if err == errno.ESRCH
                            else _attach_message(pid, err))
            self.reply(lambda: reply(e))
            return
        seized = {pid}
        tried = {pid}
        while fam.follow:
            # ... then every other thread, until a listing shows no new one (each thread
            # seized from here on takes on the threads it creates itself)
            try:
                tids = {int(t) for t in os.listdir(f"/proc/{pid}/task")}
            except FileNotFoundError:
                break   # (it ends: its death comes, as a tracee's)
            new = tids - tried
            if not new:
                break
            for tid in sorted(new):
                tried.add(tid)
                try:
                    _ffi.seize(tid, fam.options)
                except OSError:
                    # ESRCH: it has exited; EPERM: it is exiting (the kernel refuses a
                    # task with an exit state), or traced already: by us, made by a thread
                    # seized above (its clone event takes it on), or by someone else. As
                    # strace does, the process is traced without it.
                    continue
                seized.add(tid)   # (its stops and death come to us, even if it ends now)
        self._accel_family(fam)
        self._add_proc(proc)
        for tid in seized:
            self._add_thread(proc, tid)
        self.families.append(fam)
        for th in list(proc.threads.values()):
            self._try(Req.INTERRUPT, th.tid, 0)
        self.reply(lambda: reply(None))

    def _add_proc(self, proc: Proc) -> None:
        self.procs[proc.pid] = proc
        proc.family.procs[proc.pid] = proc
        try:
            fd = os.pidfd_open(proc.pid)
        except OSError:
            return
        os.set_inheritable(fd, False)
        self._pidfds[proc.pid] = fd
        self._poll.register(fd, select.POLLIN)
        if self.accel is not None:
            self.accel.set_pollfds([self._wake_r, *self._pidfds.values()])

    def _drop_pidfd(self, pid: int) -> None:
        fd = self._pidfds.pop(pid, None)
        if fd is not None:
            self._poll.unregister(fd)
            if self.accel is not None:
                self.accel.set_pollfds([self._wake_r, *self._pidfds.values()])
            os.close(fd)

    def _add_thread(self, proc: Proc, tid: int) -> Thread:
        th = Thread(tid, proc)
        proc.threads[tid] = th
        self.threads[tid] = th
        self._new_slot(th)
        return th

    def _new_slot(self, th: Thread, exit_off: int = 0, state: int = _accel.S_RUNNING) -> None:
        """Register *th* with the C loop (when it runs): a slot under its tid."""
        ac = self.accel
        cf = th.proc.family.cfam
        if ac is None or cf is None:
            return
        slot = _accel.Slot()
        slot.tid = th.tid
        slot.nr = _accel.NR_NONE
        slot.fam = ctypes.addressof(cf)
        slot.exit_off = exit_off
        slot.state = state
        if ac.lib.add(ac.ptr, ctypes.addressof(slot)) != 0:
            raise MemoryError("aiotrace: no memory for the C tracer loop's table of threads")
        self._slots[th.tid] = slot   # (alive while the C loop's table points at it)
        th.slot = slot

    def _drop_slot(self, th: Thread) -> None:
        """The C loop forgets *th* (gone, detached, or moved to another tid)."""
        slot = th.slot
        if slot is None:
            return
        th.slot = None
        ac = self.accel
        if ac is not None and self._slots.get(slot.tid) is slot:
            del self._slots[slot.tid]
            ac.lib.delete(ac.ptr, slot.tid)

    def _accel_family(self, fam: Family) -> None:
        """Give a new family its table in the C loop (when it runs)."""
        if self.accel is not None and fam.cfam is None:
            fam.cfam = _accel.Family()
            fam.publish()

    def _dying(self, proc: Proc) -> None:
        """*proc* is being killed or ends: take on the children it made whose clone event
        will not come (see ``dying``), those already reported first."""
        if proc.pid not in self.dying:
            self.dying.add(proc.pid)
            for tid in list(self.early):
                self._claim_early(tid)

    def _claim_early(self, tid: int) -> None:
        """Take on *tid*, whose stops wait in ``early``, if it is a thread or a child of a
        dying process."""
        tgid, ppid = _status(tid, b"Tgid", b"PPid")
        if tgid != tid and tgid in self.dying:
            proc, event = self.procs.get(tgid), Event.CLONE
        elif tgid == tid and ppid in self.dying:
            proc, event = self.procs.get(ppid), Event.FORK
        else:
            return
        parent = None if proc is None else next(iter(proc.threads.values()), None)
        if parent is not None and tid in self.early:
            self._new_tracee(parent, tid, event, tgid)   # (it handles the stops kept)

    def _new_tracee(self, parent: Thread, child: int, event: int,
                    tgid: int | None = None) -> tuple[str, int]:
        """Take on *child*, made by *parent* (*tgid*: the child's, when already read)."""
        proc = parent.proc
        if event == Event.CLONE:
            if tgid is None:
                tgid = _status(child, b"Tgid")[0]
            is_thread = tgid == proc.pid
        else:
            is_thread = False
        if is_thread:
            kid = self._add_thread(proc, child)
            clone_type = "thread"
            child_pid = proc.pid
        else:
            fam = proc.family
            clone_type = "vfork" if event == Event.VFORK else "fork"
            child_pid = child
            newp = Proc(child, fam)
            self._add_proc(newp)
            kid = self._add_thread(newp, child)
        kid.exit_off = parent.exit_off   # options are inherited
        if kid.slot is not None and parent.slot is not None:
            kid.slot.exit_off = parent.slot.exit_off
        early = self.early.pop(child, None)
        if early is not None:
            self._handle(child, early)
        return clone_type, child_pid

    def _thread_dead(self, th: Thread, status: int) -> None:
        proc = th.proc
        self._abandon_stop(th)
        th.stopped = False
        self.threads.pop(th.tid, None)
        proc.threads.pop(th.tid, None)
        self._drop_slot(th)
        if not proc.detached:
            self._dispatch_death(th, status)
        if th.tid == proc.pid:
            self._proc_dead(proc, status)
        elif not proc.threads and not proc.detached and proc.pid not in self.threads:
            # the last traced thread of a process whose leader was detached (a detach
            # that reached the leader first, while other threads were ending)
            self._untraced(proc)
            self._maybe_end(proc.family)

    def _abandon_stop(self, th: Thread) -> None:
        """The thread left its stop without our resume: SIGKILL took it out (or it died).
        Its holds are void; the engine that held it is told, so its awaits end."""
        th.gen += 1
        th.pending.clear()
        held_by = th.chain_hold
        if held_by is not None and held_by.sub is not None:
            gone, tid = held_by.sub.gone, th.tid
            self.outbox.append(lambda: gone(tid))
        th.chain_hold = None
        th.holds = 0
        th.parked = False
        th.verdict = _CLEAN
        th.event = None

    def _dispatch_death(self, th: Thread, status: int) -> None:
        fam = th.proc.family
        subs = [s for s in fam.subs if s.wants(Death, th.tid, None)]
        if subs:
            self.seq += 1
            ev = Death(th.proc.pid, th.tid, self.seq, time.monotonic_ns(),
                       status=status, returncode=returncode(status))
            for sub in subs:
                if sub.capture is not None:
                    # The thread is gone (reaped): there is no memory to read and no
                    # ptrace request to make, so the capture gets None for the memory.
                    self._push(sub, _copy_with(ev, "captured", _capture(sub, ev, None)))
                else:
                    self._push(sub, ev)

    def _proc_dead(self, proc: Proc, status: int) -> None:
        proc.status = status
        self.dying.discard(proc.pid)
        for tid in list(proc.threads):
            gone = proc.threads.pop(tid)
            self.threads.pop(tid, None)
            self._drop_slot(gone)
            gone.gen += 1
        self.procs.pop(proc.pid, None)
        self._drop_pidfd(proc.pid)
        fam = proc.family
        if proc.errpipe >= 0:
            # died before the exec of the target: the child wrote the exec errno
            try:
                data = os.read(proc.errpipe, 16)
            except OSError:
                data = b""
            os.close(proc.errpipe)
            proc.errpipe = -1
            if fam.spawn_reply is not None:
                done, fam.spawn_reply = fam.spawn_reply, None
                step, _, num = data.decode("ascii", "replace").partition(":")
                err = int(num) if num.strip().isdigit() else errno.ENOEXEC
                e = SpawnError(proc.argv[0] if proc.argv else "?", err, step or "exec")
                self.reply(lambda: done(e))
        if proc is fam.root:
            rc = returncode(status)
            cb = fam.on_death
            self.reply(lambda: cb(rc))
        self._maybe_end(fam)
        if self._closing:
            # (a detached child of ours reaped after close() began: its family was all
            # that close() still waited for)
            self.forget(fam)

    def _maybe_end(self, fam: Family) -> None:
        if fam.ended or fam.live():
            return
        if fam.root is not None and fam.root.spawned and fam.root.status is None:
            # detached from our own child: keep waiting for its exit to reap it
            if not fam.detaching or fam.root.detached:
                pass
        fam.ended = True
        for sub in fam.subs:
            self._push(sub, END)
            self.outbox.append(partial(sub.gone, 0))
        cb = fam.on_end
        self.reply(cb)
        for done in fam.on_detached:
            self.reply(done)
        fam.on_detached.clear()
        if fam in self.families and not self._still_reaping(fam):
            self.families.remove(fam)

    def _still_reaping(self, fam: Family) -> bool:
        return any(p.spawned and p.status is None for p in fam.procs.values())

    def detach(self, fam: Family, done: Callable[[], None]) -> None:
        if fam.ended:
            self.reply(done)
            return
        fam.detaching = True
        if fam.cfam is not None:
            fam.publish()   # (its stops are Python's from now on)
        fam.on_detached.append(done)
        for proc in list(fam.procs.values()):
            for th in list(proc.threads.values()):
                if th.stopped:
                    self._detach_thread(th, th.verdict.signo)
                else:
                    th.detach_requested = True
                    self._try(Req.INTERRUPT, th.tid, 0)
        self._maybe_end(fam)

    def _detach_thread(self, th: Thread, sig: int) -> None:
        proc = th.proc
        th.gen += 1
        th.pending.clear()
        th.chain_hold = None
        if th.listening:
            sig = 0  # stays in its group-stop, as untraced
        self._try(Req.DETACH, th.tid, sig)
        proc.threads.pop(th.tid, None)
        self.threads.pop(th.tid, None)
        self._drop_slot(th)
        if not proc.threads:
            self._untraced(proc)
        self._maybe_end(proc.family)

    def _untraced(self, proc: Proc) -> None:
        """*proc* has no traced thread left, and its leader was detached."""
        proc.detached = True
        if proc.spawned:
            self.procs[proc.pid] = proc   # still our child: reap it when it exits
        else:
            self.procs.pop(proc.pid, None)
            self._drop_pidfd(proc.pid)

    def kill_family(self, fam: Family) -> None:
        for proc in list(fam.procs.values()):
            if proc.status is None and not proc.detached:
                try:
                    os.kill(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

    def close(self, kill_spawned: bool) -> None:
        """Stop tracing: kill or detach spawned families, detach attached ones, then exit."""
        self._closing = True
        for fam in list(self.families):
            if fam.ended:
                continue
            if fam.root is not None and fam.root.spawned and (kill_spawned or fam.seccomp is not None):
                self.kill_family(fam)
            else:
                self.detach(fam, _nothing)
        # Families that only wait for the reaping of a detached child of ours.
        for fam in list(self.families):
            if fam.ended and not self._still_reaping(fam):
                self.families.remove(fam)

    def forget(self, fam: Family) -> None:
        if fam.ended and fam in self.families and not self._still_reaping(fam):
            self.families.remove(fam)


_FIELDS: dict[type, tuple[str, ...]] = {}


def _gone_or_raise() -> bool:
    """After a failed ptrace request: False when the tracee was killed while stopped (its
    death is reported by waitpid next), else the error as an OSError."""
    err = ctypes.get_errno()
    if err == errno.ESRCH:
        return False
    raise OSError(err, os.strerror(err))


def _foreign(vals: tuple[int, ...]) -> tuple[int, ...]:
    """(key, 6 arguments) of a syscall entry that is not a plain x86-64 call, from
    PTRACE_GET_SYSCALL_INFO's (arch, nr, 6 arguments): an i386 call (its arguments cut to
    the 32 bits the kernel takes), an x32 call, or an x86-64 number out of the int range
    or negative (see _syscalls)."""
    key = syscall_key(vals[0], vals[1])
    if key_abi(key) == ABI_I386:
        return (key, *[v & _MASK32 for v in vals[2:]])
    return (key, *vals[2:])


def _regs_args(key: int, regs: _ffi.UserRegs) -> tuple[int, ...]:
    """(key, 6 arguments) of call *key*, from the registers of a thread in it."""
    if key_abi(key) == ABI_I386:
        return (key, *[getattr(regs, r) & _MASK32 for r in _I386_ARG_REGS])
    return (key, *[getattr(regs, r) for r in _X86_64_ARG_REGS])


def _capture(sub: Subscription, ev: TraceEvent, memory: Memory | None) -> Any:
    """What the stream's ``capture`` function returns for *ev*, or the exception it raised
    (handed to the consumer as data: the tracer thread must go on)."""
    assert sub.capture is not None
    try:
        return sub.capture(ev, memory)
    except Exception as exc:  # noqa: BLE001
        return exc


def _copy_with(ev: TraceEvent, name: str, value: Any) -> TraceEvent:
    """A copy of a frozen event with one field changed (faster than dataclasses.replace)."""
    cls = type(ev)
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    new = object.__new__(cls)
    for n in names:
        object.__setattr__(new, n, getattr(ev, n))
    object.__setattr__(new, name, value)
    return new


_CLONE_EVENTS = (Event.CLONE, Event.FORK, Event.VFORK)
# a slot's states while the C loop holds its thread in a stop for an engine (the tracer
# thread resumes it only in the C loop: a command sees it stopped)
_C_HELD = (_accel.S_HELD, _accel.S_RELEASING)


def _status(tid: int, *names: bytes) -> list[int]:
    """Numeric fields of /proc/TID/status, by name (each 0 if the task is gone)."""
    got = dict.fromkeys(names, 0)
    try:
        with open(f"/proc/{tid}/status", "rb") as f:
            left = len(names)
            for line in f:
                name, _, value = line.partition(b":")
                if name in got:
                    got[name] = int(value)
                    left -= 1
                    if not left:
                        break
    except OSError:
        pass
    return [got[n] for n in names]


def _resolve(prog: str, path: str, cwd: str | None) -> str | SpawnError:
    """execvp's search, done before fork so that a missing program fails with its path."""
    if "/" in prog:
        full = prog if os.path.isabs(prog) or cwd is None else os.path.join(cwd, prog)
        if not os.path.exists(full):
            return SpawnError(prog, errno.ENOENT)
        if not os.access(full, os.X_OK) or os.path.isdir(full):
            return SpawnError(prog, errno.EACCES)
        return full
    found = shutil.which(prog, path=path)
    if found is None:
        return SpawnError(prog, errno.ENOENT)
    return found


_RESET_SIGNALS = tuple(
    s for s in (signal.SIGPIPE, getattr(signal, "SIGXFZ", None), signal.SIGXFSZ) if s is not None
)


def _child(
    path: str,
    argv: list[str],
    env: dict[str, str],
    cwd: str | None,
    stdio: tuple[int | None, int | None, int | None],
    go_r: int,
    go_w: int,
    err_r: int,
    err_w: int,
    bpf: bytes | None,
    cpus: frozenset[int] | None,
) -> None:
    """Runs in the forked child; never returns. A failure is reported on *err_w* as
    ``STEP:ERRNO``."""
    step = b"stdio"
    try:
        os.close(go_w)
        os.close(err_r)
        # Wait until the tracer has seized us, before any step that can fail: a child that
        # exited before that could not be seized (EPERM), and its spawn would be reported
        # as an attach failure instead of what went wrong (seen with a missing cwd).
        os.read(go_r, 1)
        os.close(go_r)
        for target, fd in enumerate(stdio):
            if fd is not None and fd != target:
                os.dup2(fd, target)
        for s in _RESET_SIGNALS:
            signal.signal(s, signal.SIG_DFL)   # Python ignores SIGPIPE; a program must not
        signal.pthread_sigmask(signal.SIG_SETMASK, ())
        if cwd is not None:
            step = b"chdir"
            os.chdir(cwd)
        if cpus is not None:
            step = b"cpus"
            os.sched_setaffinity(0, cpus)
        if bpf is not None:
            step = b"seccomp"
            _ffi.install_seccomp_filter(bpf)
        step = b"exec"
        os.execve(path, argv, env)
    except OSError as exc:
        try:
            os.write(err_w, step + b":" + str(exc.errno or errno.ENOEXEC).encode())
        except OSError:
            pass
    finally:
        os._exit(127)


def _doorbell_child() -> None:
    """The doorbell's whole life, in the forked child: it keeps no descriptor of the
    application's open, names itself, and blocks until it is killed (the tracer thread
    suppresses every other signal it gets)."""
    try:
        os.closerange(0, 0x7FFFFFFF)
        _ffi.set_thread_name(b"aiotrace-bell")
        signal.pthread_sigmask(signal.SIG_SETMASK, ())
        while True:
            signal.pause()
    finally:
        os._exit(0)


def _attach_message(pid: int, err: int) -> str:
    if err == errno.EPERM:
        scope = "?"
        try:
            with open("/proc/sys/kernel/yama/ptrace_scope") as f:
                scope = f.read().strip()
        except OSError:
            pass
        return (
            f"cannot trace pid {pid}: operation not permitted. Tracing another user's process "
            f"needs CAP_SYS_PTRACE (run as root), and kernel.yama.ptrace_scope (now {scope}) "
            "must be 0 to attach to a process that is not a descendant (sysctl "
            "kernel.yama.ptrace_scope=0), or the process is already traced (by gdb, strace, "
            "or another aiotrace)."
        )
    if err == errno.ESRCH:
        return f"no process {pid}"
    return f"cannot trace pid {pid}: {os.strerror(err)}"


__all__ = ["Core", "Family", "Hold", "Subscription", "Verdict", "END", "ctypes"]
