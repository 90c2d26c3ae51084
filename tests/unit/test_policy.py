"""The rules of the C loop's fast path (aiotrace/_core/_policy.py) against the C loop's own
decide() (aiotrace/_core/_cloop/_accel_rules.c, through at_decide): the same answer for every input.

No tracee: the rules are pure on both sides. The C side needs the built library; without
it these tests are skipped (test_cloop.py fails then anyway, since the C loop must be
built). Each input is made by a seeded generator, so that a failure names its case and
comes again.
"""

from __future__ import annotations

import ctypes
import random
import signal
import struct
from collections import Counter
from typing import Any, Iterator

import pytest

from aiotrace import SyscallEntry, SyscallExit
from aiotrace._core import _ffi
from aiotrace._core._cloop import _binding as _accel
from aiotrace._core._cloop._binding import (
    PA_KEEP, D_GO, D_HOLD, D_SLOW, K_ENTRY, K_EXIT, K_QUIET_EXIT, K_SECCOMP, NR, NR_NONE, R_ENTRY,
    R_EXIT, R_HELD_ENTRY, R_HELD_EXIT, S_GONE, S_HELD, S_RELEASING, S_RUNNING, S_STOPPED,
    W_HOLD, W_KEEP, W_NONE, W_PATHS, W_PIN, W_RECORD, W_SLOW,
)
from aiotrace._core._ffi import (
    SYSCALL_INFO_ENTRY, SYSCALL_INFO_EXIT, SYSCALL_INFO_NONE, SYSCALL_INFO_SECCOMP, Event,
)
from aiotrace._core._policy import (
    REQ_CONT, REQ_SYSCALL, SECCOMP_STOP, SYSCALL_STOP, Decision, FamilyView, Info, Ring,
    SlotView, decide, want_tables, wanted,
)
from aiotrace._core._syscalls import (
    AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, X32_SYSCALL_BIT, selector_keys, syscall_key,
    syscall_number,
)
from aiotrace._core._tracer import Subscription

MASK64 = (1 << 64) - 1
CASES = 100_000
SEED = 20261207


# ---------------------------------------------------------------------------------------
# The C side


class CDecide:
    """at_decide() with Python's views of its inputs, written into the C structures."""

    def __init__(self) -> None:
        lib = _accel.load()
        assert lib is not None
        self.fn = lib.decide
        self.core = _accel.CoreStruct()
        self.fam = _accel.Family()
        self.slot = _accel.Slot()
        self.info = _ffi.SyscallInfo()
        self.out = _accel.Decision()
        self.slot.fam = ctypes.addressof(self.fam)
        self.ptrs = (ctypes.addressof(self.core), ctypes.addressof(self.slot),
                     ctypes.addressof(self.info), ctypes.addressof(self.out))
        self.unpack = struct.Struct("=4i8B2q").unpack_from   # (at_decision)
        self.touched: list[int] = []

    def __call__(self, fam: FamilyView, slot: SlotView, status: int, info: Info | None,
                 ring: Ring, numbers: list[int]) -> Decision:
        """*numbers*: the table entries that may differ from W_NONE (the others are)."""
        f, s, c, i = self.fam, self.slot, self.core, self.info
        for n in self.touched:
            f.entry[n] = f.exit[n] = 0
        for n in numbers:
            f.entry[n] = fam.entry[n]
            f.exit[n] = fam.exit[n]
        self.touched = numbers
        f.fast, f.full_stops, f.want_exit = fam.fast, fam.full_stops, fam.want_exit
        f.issued, f.limit = fam.issued, fam.limit
        s.state, s.fast, s.expect_exit, s.want_exit = (
            slot.state, slot.fast, slot.expect_exit, slot.want_exit)
        s.nr, s.pin, s.exit_off = slot.nr, slot.pin, slot.exit_off
        c.head, c.tail, c.ring_mask = ring.head, ring.tail, ring.mask
        c.subscribing = ring.subscribing
        if info is not None:
            i.op, i.arch = info.op, info.arch
            if info.op == SYSCALL_INFO_EXIT:
                i.exit.rval = info.rval
            else:
                i.entry.nr = info.nr & MASK64
                for k, a in enumerate(info.args):
                    i.entry.args[k] = a
        else:   # (the rules must not read it: garbage that would show if they did)
            i.op, i.arch, i.entry.nr = SYSCALL_INFO_ENTRY, AUDIT_ARCH_X86_64, 39
        core, slot_p, info_p, out = self.ptrs
        self.fn(core, slot_p, status, info_p, out)
        return Decision(*self.unpack(self.out))


@pytest.fixture(scope="module")
def c_decide() -> CDecide:
    import os
    if not _accel.available():
        pytest.skip("the C loop is not built (pip install -e . needs a C compiler): "
                    "there is no C decide() to compare with the rules")
    saved = os.environ.pop("AIOTRACE_ACCEL", None)   # (load() would say None)
    try:
        return CDecide()
    finally:
        if saved is not None:
            os.environ["AIOTRACE_ACCEL"] = saved


# ---------------------------------------------------------------------------------------
# Inputs


def stop(sig: int, event: int = 0) -> int:
    return ((sig | (event << 8)) << 8) | 0x7F


STATUSES = [
    SYSCALL_STOP | (1 << 16),               # (bits above the low 16: still a syscall stop)
    SECCOMP_STOP | (1 << 24),               # (not the seccomp stop: compared whole)
    stop(signal.SIGTRAP, Event.EXEC), stop(signal.SIGTRAP, Event.CLONE),
    stop(signal.SIGTRAP, Event.FORK), stop(signal.SIGTRAP, Event.VFORK),
    stop(signal.SIGTRAP, Event.VFORK_DONE), stop(signal.SIGTRAP, Event.EXIT),
    stop(signal.SIGSTOP, Event.STOP), stop(signal.SIGTRAP, Event.STOP),
    stop(signal.SIGTRAP), stop(signal.SIGSTOP), stop(signal.SIGUSR1), stop(signal.SIGTRAP | 0x40),
    0x0000, 0x0100, signal.SIGKILL, signal.SIGSEGV | 0x80, 0xFFFF,
]
TABLE_VALUES = [W_NONE, W_RECORD, W_SLOW, W_HOLD, W_RECORD | W_PIN, W_RECORD | W_PATHS,
                W_RECORD | W_PIN | W_PATHS, W_RECORD | W_PATHS | W_KEEP,
                W_NONE | W_PIN, W_NONE | W_PATHS, W_SLOW | W_PIN, W_HOLD | W_PIN,
                W_HOLD | W_PATHS, W_SLOW | W_PATHS, W_RECORD | W_KEEP,
                W_RECORD | W_PIN | W_PATHS | W_KEEP]   # (the last eight: never made)
SLOT_NRS = [NR_NONE, -1, 0, 1, 39, 110, 510, 511, 512, 513, 0x7FFFFFFF, -0x80000000,
            (1 << 32) + 5, (1 << 32) + 0, (2 << 32) + 0, (2 << 32) + 511, (1 << 62)]
INFO_NRS = [0, 1, 39, 110, 510, 511, 512, 513, 0x3FFFFFFF, X32_SYSCALL_BIT,
            X32_SYSCALL_BIT | 1, X32_SYSCALL_BIT | 511, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF,
            (1 << 32) | 39, (1 << 32) | 0, 1 << 63, MASK64, MASK64 - 511]
ARCHS = [AUDIT_ARCH_X86_64, AUDIT_ARCH_I386, 0, 0xC00000B7]
OPS = [SYSCALL_INFO_ENTRY, SYSCALL_INFO_EXIT, SYSCALL_INFO_SECCOMP, SYSCALL_INFO_NONE, 4, 255]
STATES = [S_RUNNING, S_STOPPED, S_HELD, S_RELEASING, S_GONE]


def cases(rng: random.Random, n: int) -> Iterator[tuple[Any, ...]]:
    """(fam, slot, status, info, ring, numbers): mostly stops the C loop may handle, with
    every value at the edges of every rule."""
    pick, bit = rng.choice, rng.getrandbits

    def rare(common: Any, others: Any) -> Any:   # (one time in eight, an edge)
        return pick(others) if bit(3) == 0 else common

    for _ in range(n):
        status = rare(pick((SYSCALL_STOP, SECCOMP_STOP)), STATUSES)
        op = pick(OPS)
        # (the kernel's pairs most of the time: an entry or exit op at a syscall stop, a
        # seccomp op at a seccomp stop)
        if bit(3):
            if status == SYSCALL_STOP:
                op = pick((SYSCALL_INFO_ENTRY, SYSCALL_INFO_EXIT))
            elif status == SECCOMP_STOP:
                op = SYSCALL_INFO_SECCOMP
        raw = rare(rng.randrange(NR), INFO_NRS) if bit(1) else pick(INFO_NRS[:6])
        info = Info(op, rare(AUDIT_ARCH_X86_64, ARCHS), raw,
                    tuple(bit(64) for _ in range(6)), rng.randrange(-4096, 1 << 40))
        slot_nr = rare(raw if raw < NR and bit(1) else rng.randrange(NR), SLOT_NRS)
        numbers = sorted({n for n in (slot_nr, raw) if 0 <= n < NR})
        entry, exit_ = bytearray(NR), bytearray(NR)
        for n in numbers:
            entry[n] = rare(pick(TABLE_VALUES[:7]), TABLE_VALUES)
            exit_[n] = rare(pick(TABLE_VALUES[:7]), TABLE_VALUES)
        tail = pick((0, 1, 5000, MASK64 - 2, bit(64)))
        mask = rare(1023, (0, 7, 1023))
        used = rare(pick((0, 1, mask)), (mask, mask + 1, mask + 2))
        ring = Ring((tail + used) & MASK64, tail, mask, subscribing=rare(False, (True,)))
        pin = rare(0, ((tail + 1) & MASK64, tail, (tail - 3) & MASK64, MASK64, 1))
        issued, limit = rare((0, 1 << 30), ((5, 5), (6, 5), (0, 0), (4, 5), (1 << 62, -1)))
        fam = FamilyView(bytes(entry), bytes(exit_), fast=rare(True, (False,)),
                         full_stops=bit(1) == 1, want_exit=bit(1) == 1, issued=issued,
                         limit=limit)
        slot = SlotView(rare(S_RUNNING, STATES), fast=rare(True, (False,)),
                        expect_exit=bit(1) == 1, want_exit=bit(1) == 1, nr=slot_nr, pin=pin,
                        exit_off=bit(1) == 1)
        yield fam, slot, status, info, ring, numbers


# ---------------------------------------------------------------------------------------
# Python's rules and C's agree


def test_c_decides_as_the_rules_say(c_decide: CDecide) -> None:
    rng = random.Random(SEED)
    seen: Counter[tuple[int, int, int]] = Counter()
    flags: Counter[str] = Counter()
    for i, (fam, slot, status, info, ring, numbers) in enumerate(cases(rng, CASES)):
        want = decide(fam, slot, status, info, ring)
        got = c_decide(fam, slot, status, info, ring, numbers)
        if got != want:
            tables = {n: (fam.entry[n], fam.exit[n]) for n in numbers}
            pytest.fail(
                f"case {i} (seed {SEED}): C and the rules disagree\n"
                f"  family {fam._replace(entry=b'', exit=b'')}, tables {tables}\n"
                f"  slot {slot}\n  status {status:#x}, info {info}\n  ring {ring}\n"
                f"  rules: {want}\n  C:     {got}\n"
                f"  fields that differ: "
                f"{[k for k, a, b in zip(Decision._fields, want, got, strict=True) if a != b]}")
        seen[want.act, want.kind, want.record] += 1
        for name in ("reads_info", "unpin", "pins", "paths", "options", "expect_exit",
                     "want_exit"):
            if getattr(want, name):
                flags[name] += 1
        flags["paths kept"] += want.paths == PA_KEEP
        if want.act != D_SLOW:
            flags["req %d" % want.req] += 1
        if want.kind == K_ENTRY:
            # C handles only a call that is its own key (see _syscalls), below NR
            assert syscall_key(info.arch, info.nr) == info.nr < NR
    # Every answer the rules can give came up, many times: the cases reach every branch.
    outcomes = {
        (D_SLOW, 0, 0),
        (D_GO, K_ENTRY, 0), (D_GO, K_ENTRY, R_ENTRY), (D_HOLD, K_ENTRY, R_HELD_ENTRY),
        (D_GO, K_EXIT, 0), (D_GO, K_EXIT, R_EXIT), (D_HOLD, K_EXIT, R_HELD_EXIT),
        (D_GO, K_QUIET_EXIT, 0), (D_GO, K_SECCOMP, 0),
    }
    # ((D_GO, K_EXIT, 0) is the rarest: only a table byte never made, W_PIN or W_PATHS
    # alone, gets past the quiet exit)
    assert set(seen) == outcomes
    assert min(seen.values()) >= 50, seen
    for name in ("reads_info", "unpin", "pins", "paths", "options", "expect_exit", "want_exit",
                 f"req {REQ_SYSCALL}", f"req {REQ_CONT}"):
        assert flags[name] >= 1000, (name, flags)
    assert flags["paths kept"] >= 100, flags   # (one table byte of the list)


def both(c_decide: CDecide, fam: FamilyView, slot: SlotView, status: int,
         info: Info | None = None, ring: Ring = Ring()) -> Decision:
    numbers = sorted({n for n in (slot.nr, info.nr if info else -1) if 0 <= n < NR})
    got = c_decide(fam, slot, status, info, ring, numbers)
    assert got == decide(fam, slot, status, info, ring)
    return got


def tables(entry: dict[int, int] | None = None, exit: dict[int, int] | None = None,
           **kw: Any) -> FamilyView:
    e, x = bytearray(NR), bytearray(NR)
    for n, w in (entry or {}).items():
        e[n] = w
    for n, w in (exit or {}).items():
        x[n] = w
    return FamilyView(bytes(e), bytes(x), **kw)


GETPPID = syscall_number("getppid")
ENTRY = Info(SYSCALL_INFO_ENTRY, nr=GETPPID)


def test_an_exit_nobody_wants_goes_on_without_its_syscall_info(c_decide: CDecide) -> None:
    fam = tables(entry={GETPPID: W_RECORD}, full_stops=False)
    slot = SlotView(expect_exit=True, nr=GETPPID, want_exit=True)
    d = both(c_decide, fam, slot, SYSCALL_STOP)   # (no info: the rules must not need it)
    assert d == Decision(D_GO, K_QUIET_EXIT, REQ_CONT, options=True, state=S_RUNNING,
                         nr=GETPPID, slot_nr=NR_NONE)


def test_an_entry_only_observers_want_is_a_record(c_decide: CDecide) -> None:
    fam = tables(entry={GETPPID: W_RECORD | W_PIN}, want_exit=True)
    d = both(c_decide, fam, SlotView(exit_off=True), SYSCALL_STOP, ENTRY)
    assert d == Decision(D_GO, K_ENTRY, REQ_SYSCALL, R_ENTRY, reads_info=True, pins=True,
                         options=True, expect_exit=True, want_exit=True, state=S_RUNNING,
                         nr=GETPPID, slot_nr=GETPPID)
    # no room in a buffer (or the ring): Python's, which holds the thread
    for ring, full in ((Ring(), fam._replace(issued=3, limit=3)), (Ring(1024, 0), fam)):
        assert both(c_decide, full, SlotView(), SYSCALL_STOP, ENTRY, ring) == Decision(
            D_SLOW, reads_info=True)


def test_a_lone_interceptor_gets_a_c_hold_at_the_exit(c_decide: CDecide) -> None:
    fam = tables(exit={GETPPID: W_HOLD}, full_stops=True)
    slot = SlotView(expect_exit=True, want_exit=True, nr=GETPPID)
    d = both(c_decide, fam, slot, SYSCALL_STOP, Info(SYSCALL_INFO_EXIT, rval=7))
    assert d == Decision(D_HOLD, K_EXIT, REQ_SYSCALL, R_HELD_EXIT, reads_info=True,
                         state=S_HELD, nr=GETPPID, slot_nr=NR_NONE)


def test_a_pinned_thread_waits_for_its_record(c_decide: CDecide) -> None:
    fam = tables(exit={GETPPID: W_RECORD})
    slot = SlotView(expect_exit=True, nr=GETPPID, pin=8)
    assert both(c_decide, fam, slot, SYSCALL_STOP, Info(SYSCALL_INFO_EXIT),
                Ring(8, 7)) == Decision(D_SLOW)
    d = both(c_decide, fam, slot, SYSCALL_STOP, Info(SYSCALL_INFO_EXIT), Ring(8, 8))
    assert (d.act, d.record, d.unpin) == (D_GO, R_EXIT, True)


def test_seccomp_stops(c_decide: CDecide) -> None:
    fam = tables(entry={GETPPID: W_RECORD}, exit={GETPPID: W_NONE}, full_stops=False)
    # a new call's entry: on with PTRACE_CONT, as its exit is not wanted
    d = both(c_decide, fam, SlotView(), SECCOMP_STOP, ENTRY._replace(op=SYSCALL_INFO_SECCOMP))
    assert (d.kind, d.record, d.req, d.expect_exit) == (K_ENTRY, R_ENTRY, REQ_CONT, False)
    # the seccomp stop of the call its syscall-entry-stop reported: no record, no info
    slot = SlotView(expect_exit=True, want_exit=True, nr=GETPPID)
    d = both(c_decide, fam, slot, SECCOMP_STOP)
    assert d == Decision(D_GO, K_SECCOMP, REQ_CONT, options=True, state=S_RUNNING,
                         nr=GETPPID, slot_nr=GETPPID)
    # ... of a call of another ABI: Python's
    slot = slot._replace(nr=min(selector_keys("open@32")))
    assert both(c_decide, fam, slot, SECCOMP_STOP) == Decision(D_SLOW)


@pytest.mark.parametrize(("arch", "nr"), [
    (AUDIT_ARCH_I386, 5), (AUDIT_ARCH_X86_64, X32_SYSCALL_BIT | 2), (AUDIT_ARCH_X86_64, 512),
    (AUDIT_ARCH_X86_64, MASK64), (AUDIT_ARCH_X86_64, (1 << 32) | 39),
])
def test_calls_that_are_not_their_own_key_are_pythons(c_decide: CDecide, arch: int,
                                                      nr: int) -> None:
    fam = tables(entry={n: W_RECORD for n in range(NR)})
    d = both(c_decide, fam, SlotView(), SYSCALL_STOP, Info(SYSCALL_INFO_ENTRY, arch, nr))
    assert d == Decision(D_SLOW, reads_info=True)


def test_other_stops_and_slots_are_pythons(c_decide: CDecide) -> None:
    fam = tables()
    for status in STATUSES[1:]:
        assert both(c_decide, fam, SlotView(), status, ENTRY).act == D_SLOW
    for state in (S_STOPPED, S_HELD, S_RELEASING, S_GONE):
        assert both(c_decide, fam, SlotView(state), SYSCALL_STOP, ENTRY) == Decision(
            D_SLOW, state=state)
    assert both(c_decide, fam, SlotView(fast=False), SYSCALL_STOP, ENTRY).act == D_SLOW
    assert both(c_decide, fam._replace(fast=False), SlotView(), SYSCALL_STOP, ENTRY).act == D_SLOW


# ---------------------------------------------------------------------------------------
# The want-tables


def sub(*types: type, syscalls: set[str] | None = None, tids: set[int] | None = None,
        intercept: bool = False) -> Subscription:
    keys = None if syscalls is None else frozenset().union(*map(selector_keys, syscalls))
    return Subscription(frozenset(types) if types else None, keys,
                        None if tids is None else frozenset(tids), intercept, 100, False)


def test_want_tables() -> None:
    both_ways = (SyscallEntry, SyscallExit)
    open_keys = selector_keys("open")
    nr_open = syscall_number("open")
    obs = sub(SyscallExit, syscalls={"getppid", "open"})
    w = want_tables([obs])
    assert w.exit[GETPPID] == w.exit[nr_open] == W_RECORD
    assert w.entry[GETPPID] == W_NONE
    assert sum(1 for b in w.exit if b) == 2   # (the i386 and x32 open are not in the tables)
    assert len(open_keys) == 3
    eng = sub(*both_ways, syscalls={"getppid"}, intercept=True)
    assert want_tables([eng]).entry[GETPPID] == W_HOLD   # one interceptor, alone
    assert want_tables([eng, obs]).exit[GETPPID] == W_SLOW   # not alone
    assert want_tables([eng, sub(*both_ways, syscalls={"getppid"}, intercept=True)]
                       ).entry[GETPPID] == W_SLOW
    assert want_tables([sub(tids={1})]).entry[GETPPID] == W_SLOW   # Python filters by thread
    late = sub(SyscallEntry)
    late.capture = lambda ev, mem: None
    assert want_tables([late]).entry[GETPPID] == W_SLOW   # it reads at the stop
    late.late = {SyscallEntry: frozenset({GETPPID})}
    assert want_tables([late]).entry[GETPPID] == W_RECORD | W_PIN
    late.free = late.late
    assert want_tables([late]).entry[GETPPID] == W_RECORD
    obs.closed = True
    assert want_tables([obs]).exit == bytes(NR)


def test_the_tables_answer_as_the_streams_do() -> None:
    # (the Python loop asks the tables whether a stream wants a syscall stop: _policy.wanted)
    rng = random.Random(SEED)
    names = ["read", "write", "open", "getppid", "execve", "close", "mmap"]
    keys = [*range(NR), -1, NR, *selector_keys("open"), *selector_keys("getppid")]
    for _ in range(200):
        subs = [sub(*rng.choice([(), (SyscallEntry,), (SyscallExit,), (SyscallEntry, SyscallExit)]),
                    syscalls=set(rng.sample(names, 2)) if rng.getrandbits(1) else None,
                    tids={7} if rng.getrandbits(2) == 0 else None,
                    intercept=rng.getrandbits(1) == 1)
                for _ in range(rng.randrange(4))]
        w = want_tables(subs)
        for table, cls in ((w.entry, SyscallEntry), (w.exit, SyscallExit)):
            for key in keys:
                for tid in (7, 8):
                    assert wanted(table, subs, cls, tid, key) == any(
                        s.wants(cls, tid, key) for s in subs)
