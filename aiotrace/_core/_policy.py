"""The rules of the C loop's fast path, stated once: what the streams of a family want of
each syscall stop (the *want-tables*), and what the C loop does with a stop (``decide``).

The C loop (``_cloop/_accel_*.c``) handles the common syscall stops without the GIL and hands
everything else to Python. Which stops it handles, and how, is written in C for speed
(``decide()`` there, which ``fast_stop()`` then carries out) and here for reading; here is
the reference. ``tests/unit/test_policy.py`` feeds both many inputs (the C side through
``at_decide``, which runs its ``decide()`` alone) and checks that they answer the same,
as ``_cloop/_binding.py``'s ``_LAYOUT`` does for the structures. A rule changed on one side only
fails that test.

Pure: nothing here makes a system call or touches a tracee; the C structures appear only
as the plain values they hold.

The want-tables (``want_tables``) are computed from the streams' filters whenever the
subscriptions change (``Family.update_mode``); ``Family.publish`` copies them into the C
loop's ``struct at_family``, and the Python loop reads the same tables to tell whether a
stream wants a syscall stop without asking each stream (``wanted``).
"""

from __future__ import annotations

import signal
from typing import Any, Iterable, Mapping, NamedTuple, Protocol

from ._cloop._binding import (
    COPIES, COPY_SPEC, D_GO, D_HOLD, D_SLOW, K_ENTRY, K_EXIT, K_NONE, K_QUIET_EXIT, K_SECCOMP,
    NR, NR_NONE, PA_KEEP, PA_MATCH, PA_NONE, R_ENTRY, R_EXIT, R_HELD_ENTRY, R_HELD_EXIT, RING,
    S_HELD, S_RUNNING, S_STOPPED, W_CLASS, W_HOLD, W_KEEP, W_NONE, W_PATHS, W_PIN, W_RECORD,
    W_SLOW,
)
from ._pathrules import c_calls, c_decidable
from ._events import SyscallEntry, SyscallExit, TraceEvent
from ._ffi import SYSCALL_INFO_ENTRY, SYSCALL_INFO_EXIT, SYSCALL_INFO_SECCOMP, Event, Req
from ._syscalls import AUDIT_ARCH_X86_64

__all__ = [
    "C_HOLDS", "Decision", "FamilyView", "Filter", "Info", "Ring", "SlotView", "Want",
    "c_paths_stream", "decide", "want_tables", "wanted",
]

# whether the C loop holds a stop for a lone intercepting engine (W_HOLD)
C_HOLDS = True

SYSCALL_STOP = ((signal.SIGTRAP | 0x80) << 8) | 0x7F                # wait status: a syscall stop
SECCOMP_STOP = ((signal.SIGTRAP | (Event.SECCOMP << 8)) << 8) | 0x7F   # ... the prefilter's
REQ_SYSCALL, REQ_CONT = int(Req.SYSCALL), int(Req.CONT)
_MASK64 = (1 << 64) - 1
_NONE: frozenset[int] = frozenset()
_NO_COPIES: Mapping[int, tuple[tuple[int, int, int, int], ...]] = {}
_COPIES_SIZE = 2 * NR * COPIES * COPY_SPEC.size   # struct at_copy copies[2][NR][COPIES]


# ---------------------------------------------------------------------------------------
# The want-tables


class Filter(Protocol):
    """What the tables read of a stream (``_tracer.Subscription``)."""

    @property
    def closed(self) -> bool: ...
    @property
    def types(self) -> frozenset[type[TraceEvent]] | None: ...
    @property
    def syscalls(self) -> frozenset[int] | None: ...
    @property
    def tids(self) -> frozenset[int] | None: ...
    @property
    def intercept(self) -> bool: ...
    @property
    def capture(self) -> object: ...
    @property
    def cpu(self) -> bool: ...
    @property
    def select(self) -> object: ...
    @property
    def paths(self) -> Any: ...
    @property
    def late(self) -> Mapping[type[TraceEvent], frozenset[int]]: ...
    @property
    def free(self) -> Mapping[type[TraceEvent], frozenset[int]]: ...
    @property
    def prefetch(
        self) -> Mapping[type[TraceEvent], Mapping[int, tuple[tuple[int, int, int, int], ...]]]: ...
    def wants(self, cls: type[TraceEvent], tid: int, nr: int | None) -> bool: ...


class Want(NamedTuple):
    """What a family's streams want of each x86-64 syscall number below NR, at its entry
    and at its exit: W_NONE (nobody: the thread goes on), W_RECORD (observers that may
    take the event after the thread went on: a record), W_HOLD (one intercepting engine,
    alone: a C hold) or W_SLOW (anything else: Python), W_RECORD with W_PIN when a
    capture reads the thread's memory after it went on (``Capture(after_resume=)``),
    W_RECORD with W_PATHS when the streams that want the call are ``paths=`` observers
    that the C loop decides for (``c_paths_stream``), and nobody else: a record only if a
    path of the call matches (see _pathrules); with W_KEEP too when observers without
    ``paths=`` want it as well, which take the record whatever its paths (if they copy
    nothing at the stop and pin nothing: else W_SLOW); and the memory a record copies at
    the stop (``prefetch=``), as ``struct at_copy copies[2][NR][COPIES]``."""

    entry: bytes
    exit: bytes
    copies: bytes


def want_tables(subs: Iterable[Filter]) -> Want:
    """The want-tables of a family whose streams are *subs*."""
    tables = (bytearray(NR), bytearray(NR))
    counts = (bytearray(NR), bytearray(NR))
    holders: tuple[set[int], set[int]] = (set(), set())
    pins: tuple[set[int], set[int]] = (set(), set())
    pathed: tuple[set[int], set[int]] = (set(), set())   # (W_PATHS, if nobody else wants them)
    others: tuple[set[int], set[int]] = (set(), set())
    copies: tuple[dict[int, list[tuple[int, int, int, int]]], ...] = ({}, {})
    for sub in subs:
        if sub.closed:
            continue
        for k, cls in enumerate((SyscallEntry, SyscallExit)):
            if sub.types is not None and cls not in sub.types:
                continue
            table, count = tables[k], counts[k]
            # (a capture of the CPU time alone is the C loop's, in its records)
            reads = sub.capture is not None and not sub.cpu
            late = sub.late.get(cls, _NONE) if reads else None
            free = sub.free.get(cls, _NONE)
            pre = sub.prefetch.get(cls, _NO_COPIES) if reads else None
            by_paths = c_paths_stream(sub)
            slow = sub.tids is not None or (sub.select is not None and not by_paths)
            nrs: Iterable[int] = (range(NR) if sub.syscalls is None
                                  else [n for n in sub.syscalls if 0 <= n < NR])
            for n in nrs:
                if count[n] < 255:
                    count[n] += 1
                if sub.intercept and not slow:
                    holders[k].add(n)
                    w = W_SLOW
                elif pre is not None and n in pre and not slow:
                    w = W_RECORD   # (its capture reads the copies only)
                    merged = copies[k].setdefault(n, [])
                    merged.extend(c for c in pre[n] if c not in merged)
                elif slow or sub.intercept or (late is not None and n not in late):
                    w = W_SLOW
                else:
                    w = W_RECORD
                    if late is not None and n not in free:
                        pins[k].add(n)   # (its capture reads what its next stop ends)
                if not by_paths:
                    others[k].add(n)
                elif w == W_RECORD and n in c_calls() and not (pre is not None and n in pre):
                    pathed[k].add(n)
                else:
                    w = W_SLOW   # (a capture at the stop, its copies: Python decides)
                if w > table[n]:
                    table[n] = w
    if C_HOLDS:
        for k in range(2):
            for n in holders[k]:
                if counts[k][n] == 1:
                    tables[k][n] = W_HOLD   # one intercepting engine, alone
    spec = bytearray(_COPIES_SIZE)
    for k in range(2):
        for n in pins[k]:
            if tables[k][n] == W_RECORD:
                tables[k][n] |= W_PIN
        for n in pathed[k]:
            if n not in others[k]:
                if tables[k][n] & W_CLASS == W_RECORD:
                    tables[k][n] |= W_PATHS
            elif tables[k][n] == W_RECORD and n not in copies[k]:
                # (another stream wants it whatever its paths: the record always, with
                # the paths, which are the record's copies)
                tables[k][n] |= W_PATHS | W_KEEP
            else:
                tables[k][n] = W_SLOW
        for n, made in copies[k].items():
            if tables[k][n] & W_CLASS != W_RECORD:
                continue
            if len(made) > COPIES:   # (two streams that read different things)
                tables[k][n] = W_SLOW
                continue
            for j, (arg, mode, frm, size) in enumerate(made):
                COPY_SPEC.pack_into(
                    spec, ((k * NR + n) * COPIES + j) * COPY_SPEC.size, arg, mode, frm, size)
    return Want(bytes(tables[0]), bytes(tables[1]), bytes(spec))


NO_WANTS = want_tables(())   # (a family without streams)


def c_paths_stream(sub: Filter) -> bool:
    """Whether the C loop decides *sub*'s ``paths=`` at the stop (an observer's, of exact
    paths and directory prefixes)."""
    return not sub.intercept and c_decidable(sub.paths)


def wanted(table: bytes, subs: Iterable[Filter], cls: type[TraceEvent], tid: int,
           key: int | None) -> bool:
    """Whether a stream of *subs* wants the *cls* stop (SyscallEntry or SyscallExit, of
    the table *table*: Want.entry or Want.exit) of the call *key* in thread *tid*. The
    table answers for a call it has: W_NONE, nobody; W_RECORD or W_HOLD, a stream that
    wants it in every thread. Only for W_SLOW (a stream that filters threads, say) or a
    call out of the tables are the streams asked. (A stream that the loop closed counts
    until the tracer thread's close_sub makes the tables again, as for the C loop: a stop
    or two, whose events nobody takes.)"""
    if key is not None and 0 <= key < NR:
        w = table[key]
        if w != W_SLOW:
            return w != W_NONE
    for sub in subs:
        if sub.wants(cls, tid, key):
            return True
    return False


# ---------------------------------------------------------------------------------------
# What the C loop does with a stop


class FamilyView(NamedTuple):
    """What the C loop knows of a family (``struct at_family``)."""

    entry: bytes                 # Want.entry
    exit: bytes                  # Want.exit
    fast: bool = True            # its stops may be handled in C at all (not while detaching)
    full_stops: bool = True      # resume with PTRACE_SYSCALL (no prefilter covers the interest)
    want_exit: bool = False      # a stream wants Exit events: PTRACE_O_TRACEEXIT on
    issued: int = 0              # records made for it
    limit: int = 1 << 30         # ... which may be made while issued < limit (backpressure)


class SlotView(NamedTuple):
    """What the C loop knows of a thread (``struct at_slot``)."""

    state: int = S_RUNNING       # S_*: running (resumed by either side), Python's, a C hold...
    fast: bool = True            # its next syscall stop may be handled in C (Python says)
    expect_exit: bool = False    # resumed from an entry with PTRACE_SYSCALL: next is its exit
    want_exit: bool = False      # prefiltered call: a stream wants its exit
    nr: int = NR_NONE            # the call in progress (its key), or NR_NONE
    pin: int = 0                 # W_PIN: the ring's tail must reach this first
    exit_off: bool = False       # PTRACE_O_TRACEEXIT is off for it


class Ring(NamedTuple):
    """The C loop's ring of records: made (head), taken (tail), its size - 1."""

    head: int = 0
    tail: int = 0
    mask: int = RING - 1
    subscribing: bool = False    # new streams not yet taken on: the tables are stale


class Info(NamedTuple):
    """``PTRACE_GET_SYSCALL_INFO`` at a syscall stop."""

    op: int                      # SYSCALL_INFO_ENTRY, _EXIT, _SECCOMP (or _NONE)
    arch: int = AUDIT_ARCH_X86_64
    nr: int = 0                  # entry, seccomp: the number register, 64 bits
    args: tuple[int, ...] = (0, 0, 0, 0, 0, 0)
    rval: int = 0                # exit


class Decision(NamedTuple):
    """What the C loop does with one stop (``struct at_decision``)."""

    act: int                     # D_SLOW (Python's), D_GO (goes on), D_HOLD (a C hold)
    kind: int = K_NONE           # K_*: what the stop is taken for (D_GO, D_HOLD)
    req: int = 0                 # D_GO: the resume's request; D_HOLD: its release's
    record: int = 0              # 0, or R_*: the record made
    reads_info: bool = False     # PTRACE_GET_SYSCALL_INFO is read at the stop
    unpin: bool = False          # the thread's pin is over: cleared, whatever comes next
    pins: bool = False           # the record pins the thread until it is taken
    options: bool = False        # D_GO: PTRACE_SETOPTIONS first (the TRACEEXIT toggle)
    expect_exit: bool = False    # the slot's, after (D_GO, D_HOLD)
    want_exit: bool = False      # ...
    state: int = S_STOPPED       # the slot's state after (D_SLOW: what Python finds)
    paths: int = PA_NONE         # PA_MATCH: the record only if a path of the call matches
                                 # (W_PATHS); PA_KEEP: the record with its paths (W_KEEP)
    nr: int = 0                  # the stop's call (its key, here also its number)
    slot_nr: int = 0             # the slot's call after (NR_NONE: none)


def decide(fam: FamilyView, slot: SlotView, status: int, info: Info | None,
           ring: Ring = Ring()) -> Decision:
    """What the C loop does with the stop *status* (a wait status) of a thread whose state
    is *slot*, in a family *fam*, with the ring *ring*; *info*: what
    ``PTRACE_GET_SYSCALL_INFO`` says at that stop (it is read only when the rules need it,
    ``reads_info``; ValueError if they need it and it is None). The C loop may still hand
    a stop it decided to handle to Python, when what it does fails: the thread was
    killed (a ptrace request fails), or the arena has no room for a record's copies."""
    running = slot.state == S_RUNNING
    # Python's: the slot is Python's then (a C hold's thread can only report its death,
    # for Python to adopt the hold and handle it)
    slow = Decision(D_SLOW, state=S_STOPPED if running else slot.state)
    # Only a thread that the C loop's side resumed, that Python let go (no verdict, no
    # detach, no interrupt at its next stop: Slot.fast), of a family not being detached.
    if not running or not slot.fast or not fam.fast or ring.subscribing:
        return slow
    # A record made at the thread's last stop pins it here until the loop has taken it:
    # its capture reads the thread's memory, which the thread changes once it goes on.
    if slot.pin:
        if ring.tail < slot.pin:
            return slow   # (Python converts the record first)
        slow = slow._replace(unpin=True)
    if status & 0xFFFF == SYSCALL_STOP:
        nr = slot.nr
        # The exit of the call the thread was resumed from, with PTRACE_SYSCALL: when no
        # stream wants it, on at once, without even PTRACE_GET_SYSCALL_INFO. (The table's
        # byte is compared, not its class: W_PIN only ever comes with W_RECORD.)
        if slot.expect_exit and 0 <= nr < NR and fam.exit[nr] == W_NONE:
            return _go(slow, fam, slot, D_GO, K_QUIET_EXIT, _req(fam.full_stops), nr, NR_NONE,
                       expect_exit=False, want_exit=False)
        return _with_info(slow, fam, slot, info, ring)
    if status == SECCOMP_STOP:   # (the whole status: its event is above the low 16 bits)
        if not slot.expect_exit:
            return _with_info(slow, fam, slot, info, ring)   # a new call's entry
        # The seccomp stop of the call whose syscall-entry-stop came first (Linux >= 4.8)
        # and reported it: told by how the thread was resumed, not by full_stops, which
        # may have changed meanwhile (see Core._event_stop). It goes on as the entry did,
        # with PTRACE_SYSCALL only if its exit is wanted or every call must stop.
        nr = slot.nr
        if not 0 <= nr < NR:
            return slow   # (a call of another ABI, or out of the tables: Python's)
        want_exit = fam.exit[nr] & W_CLASS != W_NONE
        req = _req(fam.full_stops or want_exit)
        return _go(slow, fam, slot, D_GO, K_SECCOMP, req, nr, nr,
                   expect_exit=req == REQ_SYSCALL, want_exit=want_exit)
    return slow   # any other stop (events, signals, group-stops, deaths) is Python's


def _req(syscall: bool) -> int:
    return REQ_SYSCALL if syscall else REQ_CONT


def _room(fam: FamilyView, ring: Ring) -> bool:
    """Whether a record may be made: every bounded buffer it feeds has room (the family's
    limit, Family.set_limit), and so has the ring."""
    return fam.issued < fam.limit and (ring.head - ring.tail) & _MASK64 <= ring.mask


def _with_info(slow: Decision, fam: FamilyView, slot: SlotView, info: Info | None,
               ring: Ring) -> Decision:
    """The rules of a syscall stop that need its PTRACE_GET_SYSCALL_INFO."""
    if info is None:
        raise ValueError("the rules need this stop's PTRACE_GET_SYSCALL_INFO")
    slow = slow._replace(reads_info=True)
    if info.op == SYSCALL_INFO_ENTRY or info.op == SYSCALL_INFO_SECCOMP:
        # A call's entry: a syscall-entry-stop, or the prefilter's seccomp stop. Only an
        # x86-64 call whose number is below NR: it is its own key (_syscalls.syscall_key)
        # and the tables' index. An i386 call numbers its calls from another table, an x32
        # call has __X32_SYSCALL_BIT set, and another number (negative, or with bits above
        # the low 32, which the kernel ignores) has a key of its own: all Python's.
        raw = info.nr & _MASK64
        if info.arch != AUDIT_ARCH_X86_64 or raw >= NR:
            return slow
        nr = raw
        flags = fam.entry[nr]
        # A syscall-entry-stop goes on with PTRACE_SYSCALL whatever the mode, so that the
        # prefilter's seccomp stop of the same call, if it has one, is told from a new
        # call's (expect_exit); a seccomp stop, only if the exit is wanted or every call
        # must stop.
        if info.op == SYSCALL_INFO_SECCOMP:
            want_exit = fam.exit[nr] & W_CLASS != W_NONE
        else:
            want_exit = True
        req = _req(fam.full_stops or want_exit)
        kind, slot_nr, expect_exit = K_ENTRY, nr, req == REQ_SYSCALL
        records = (R_ENTRY, R_HELD_ENTRY)
    elif info.op == SYSCALL_INFO_EXIT:
        # The exit of the call the slot holds, only right after its entry: otherwise (an
        # attach, an exec or fork event stop in between, or an entry that did not stop)
        # the call is named by orig_rax, which Python reads.
        nr = slot.nr
        if not 0 <= nr < NR or not slot.expect_exit:
            return slow
        flags = fam.exit[nr]
        want_exit = expect_exit = False
        req = _req(fam.full_stops)
        kind, slot_nr = K_EXIT, NR_NONE
        records = (R_EXIT, R_HELD_EXIT)
    else:
        return slow
    w = flags & W_CLASS
    # W_SLOW: Python's; a record only when there is room for it (exact backpressure:
    # otherwise Python keeps the thread stopped until its buffer has room)
    if w == W_SLOW or (w != W_NONE and not _room(fam, ring)):
        return slow
    record, pins, paths = 0, False, PA_NONE
    if w != W_NONE:
        record = records[w == W_HOLD]
        pins = bool(flags & W_PIN)
        paths = PA_NONE if not flags & W_PATHS else PA_KEEP if flags & W_KEEP else PA_MATCH
    act = D_HOLD if w == W_HOLD else D_GO
    return _go(slow, fam, slot, act, kind, req, nr, slot_nr, expect_exit=expect_exit,
               want_exit=want_exit, record=record, pins=pins, paths=paths)


def _go(base: Decision, fam: FamilyView, slot: SlotView, act: int, kind: int, req: int,
        nr: int, slot_nr: int, *, expect_exit: bool, want_exit: bool, record: int = 0,
        pins: bool = False, paths: int = PA_NONE) -> Decision:
    """A stop the C loop handles: it goes on with *req* (D_GO), or stays stopped as a C
    hold whose release resumes it with *req* (D_HOLD)."""
    return base._replace(
        act=act, kind=kind, req=req, record=record, pins=pins, paths=paths,
        # PTRACE_O_TRACEEXIT on exactly when a stream wants Exit events (Core._resume);
        # a C hold's is set when it is released
        options=act == D_GO and slot.exit_off == fam.want_exit,
        expect_exit=expect_exit, want_exit=want_exit,
        state=S_HELD if act == D_HOLD else S_RUNNING, nr=nr, slot_nr=slot_nr)
