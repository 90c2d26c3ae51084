"""The C tracer loop (``_accel_*.c``, ``_accel.h``), loaded with ctypes: the structures it
shares with the tracer thread, and the functions that make and read them.

The library is built by ``pip install`` as an optional extension (plain C, no Python.h:
a compiler is all it needs) and lives next to this file as ``_accel_c<suffix>.so``. When it
is missing (no compiler at install time) or ``AIOTRACE_ACCEL=0`` is set, :func:`load`
returns None and the tracer thread runs its pure Python loop instead, with the same
behaviour and more cost per stop. ``Tracer.accelerated`` tells which one runs.
"""

from __future__ import annotations

import ctypes
import importlib.machinery
import os
import struct
import warnings
import weakref
from ctypes import c_int, c_int32, c_int64, c_uint8, c_uint32, c_uint64, c_void_p
from typing import Any

from .._ffi import SyscallInfo

NR = 512                       # syscall numbers the per-family tables cover
NR_NONE = -(1 << 63)           # a slot's nr when no call is in progress (any int is a call)
W_NONE, W_RECORD, W_SLOW, W_HOLD = 0, 1, 2, 3
W_PIN = 0x10   # a record whose capture reads memory: its thread waits at its next stop
W_PATHS = 0x20   # a record only if a path of the call matches (paths=, see _pathrules)
W_KEEP = 0x40    # with W_PATHS: the record with its paths, whatever they are (and others)
PA_NONE, PA_MATCH, PA_KEEP = 0, 1, 2   # a decision's paths: none, W_PATHS, W_PATHS | W_KEEP
RF_PATHS = 1     # a record's flags: its copies are the paths its call uses
RF_CPU = 2       # ... it carries the thread's CPU time at the stop (Family.cpu_time)
W_CLASS = 0x0F
S_RUNNING, S_STOPPED, S_HELD, S_RELEASING, S_GONE = 0, 1, 2, 3, 4
AT_IDLE, AT_SLOW, AT_CMDS = 0, 1, 2
R_ENTRY, R_EXIT, R_HELD_ENTRY, R_HELD_EXIT, R_PROBE, R_HELD_PROBE = 1, 2, 3, 4, 5, 6
D_SLOW, D_INFO, D_GO, D_HOLD = 0, 1, 2, 3         # decide()'s answers (see _policy)
K_NONE, K_ENTRY, K_EXIT, K_QUIET_EXIT, K_SECCOMP = 0, 1, 2, 3, 4   # ... what a stop is taken for
RING = 1024                    # records in flight between the C loop and the event loop
ARENA = 1 << 22                # bytes of the records' memory copies (prefetch=) in flight
COPIES = 2                     # memory copies one record may carry
COPY_MAX = 1 << 16             # bytes of one copy, at most


class Family(ctypes.Structure):
    """struct at_family: what one Family's streams want, per syscall."""

    _fields_ = [
        ("issued", c_int64), ("limit", c_int64), ("options", c_uint32), ("fast", c_uint8),
        ("full_stops", c_uint8), ("want_exit", c_uint8), ("cpu_time", c_uint8),
        ("entry", c_uint8 * NR), ("exit", c_uint8 * NR),
        # struct at_copy copies[2][NR][COPIES]: arg (u8), mode (u8), pad, size (u32)
        ("copies", c_uint8 * (2 * NR * COPIES * 8)),
        ("paths", c_void_p),   # struct at_paths (W_PATHS), or NULL
    ]


class Slot(ctypes.Structure):
    """struct at_slot: one traced thread's state as the C loop sees it."""

    _fields_ = [
        ("tid", c_int32), ("exit_off", c_uint8), ("state", c_uint8), ("fast", c_uint8),
        ("expect_exit", c_uint8), ("want_exit", c_uint8), ("dirty", c_uint8),
        ("pad", c_uint8 * 6), ("nr", c_int64), ("args", c_uint64 * 6), ("fam", c_void_p),
        ("gen", c_uint32), ("req", c_int32), ("pin", c_uint64), ("bps", c_void_p),
        ("resume_rip", c_uint64), ("pid", c_int32), ("cpu_fd", c_int32),
    ]


class Bp(ctypes.Structure):
    """struct at_bp: a breakpoint whose hits only observers want, or one intercepting
    engine alone (``hold``: a C hold; see _probes)."""

    _fields_ = [("addr", c_uint64), ("to", c_uint64), ("key", c_int64), ("hold", c_uint64)]


class Bps(ctypes.Structure):
    """struct at_bps: an address space's breakpoints, open addressing on the address."""

    _fields_ = [("mask", c_uint64), ("table", c_void_p)]


def bp_hash(addr: int, mask: int) -> int:
    """The first entry of *addr* in a Bps table (the C loop's hash)."""
    return ((addr * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF) >> 40 & mask


class CoreStruct(ctypes.Structure):
    """struct at_core."""

    _fields_ = [
        ("doorbell", c_int32), ("doorbell_fd", c_int32), ("notify_fd", c_int32),
        ("wake_r", c_int32), ("wake_w", c_int32), ("no_poll", c_int32), ("npfds", c_int32),
        ("subscribing", c_int32), ("pfds", c_void_p),
        ("head", c_uint64), ("tail", c_uint64), ("notified", c_int32), ("sleeping", c_int32),
        ("py_cmds", c_int32), ("releases", c_int32),
        ("slow_pid", c_int32), ("slow_status", c_int32), ("info_tid", c_int32),
        ("looking", c_int32), ("stops", c_int64), ("info", SyscallInfo), ("ring", c_void_p),
        ("ring_mask", c_uint64), ("priv", c_void_p), ("arena", c_void_p),
        ("arena_size", c_uint64), ("arena_head", c_uint64), ("arena_tail", c_uint64),
    ]


class Decision(ctypes.Structure):
    """struct at_decision: what the C loop does with one stop (at_decide, _policy.decide)."""

    _fields_ = [
        ("act", c_int32), ("kind", c_int32), ("req", c_int32), ("record", c_int32),
        ("reads_info", c_uint8), ("unpin", c_uint8), ("pins", c_uint8), ("options", c_uint8),
        ("expect_exit", c_uint8), ("want_exit", c_uint8), ("state", c_uint8), ("paths", c_uint8),
        ("nr", c_int64), ("slot_nr", c_int64),
    ]


class Pattern(ctypes.Structure):
    """struct at_pattern: one paths= pattern, exact or a directory prefix."""

    _fields_ = [("at", c_uint32), ("len", c_uint32), ("prefix", c_uint32), ("pad", c_uint32)]


class Paths(ctypes.Structure):
    """struct at_paths: each call's path steps, and a family's patterns (see _pathrules)."""

    _fields_ = [("steps", c_uint8 * (NR * COPIES)), ("npat", c_uint32), ("pad", c_uint32),
                ("pat", c_void_p), ("text", c_void_p)]


class Spawn(ctypes.Structure):
    """struct at_spawn (_accel_spawn.c): what a tracee's child does before exec."""

    _fields_ = [
        ("path", c_void_p), ("argv", c_void_p), ("envp", c_void_p), ("cwd", c_void_p),
        ("cpus", c_void_p), ("bpf", c_void_p), ("sigmask", c_uint64), ("cpus_size", c_uint64),
        ("stdio", c_int32 * 3), ("go_r", c_int32), ("go_w", c_int32), ("err_r", c_int32),
        ("err_w", c_int32), ("new_session", c_int32),
    ]


class PollFd(ctypes.Structure):
    _fields_ = [("fd", c_int), ("events", ctypes.c_short), ("revents", ctypes.c_short)]


# struct at_record: tid, kind, nr, args[6], rval, time_ns, gen, flags (then regs[27]),
# then its memory copies: copy_addr[2], copy_at[2], copy_len[2], blob_end, then cpu_ns
RECORD = struct.Struct("=iiq6QqqII")
REGS_OFFSET = 4 + 4 + 8 + 48 + 8 + 8 + 4 + 4
COPIES_OFFSET = REGS_OFFSET + 27 * 8
RECORD_COPIES = struct.Struct("=2Q2Q2I")
BLOB_END = struct.Struct("=Q")
BLOB_END_OFFSET = COPIES_OFFSET + RECORD_COPIES.size
CPU_NS = struct.Struct("=q")   # RF_CPU: the thread's CPU time at the stop, -1 if unreadable
CPU_NS_OFFSET = BLOB_END_OFFSET + 8
RECORD_SIZE = CPU_NS_OFFSET + 8
COPY_SPEC = struct.Struct("=BBHI")   # struct at_copy: arg, mode, from, size
# at_slot from exit_off's neighbour `state` to the arguments, as Core._resume writes them
SLOT_EXPORT = struct.Struct("=5B6xq6Q")      # state fast expect_exit want_exit dirty, nr, args
SLOT_EXPORT_AT = Slot.state.offset
SLOT_IMPORT = struct.Struct("=3B6xq6Q")      # expect_exit want_exit dirty, nr, args
SLOT_IMPORT_AT = Slot.expect_exit.offset
ENTRY_AT = Family.entry.offset
COPIES_AT = Family.copies.offset
EXIT_AT = Family.exit.offset

_LAYOUT = {   # at_layout(n): the C side's view of the same structures
    0: ctypes.sizeof(CoreStruct), 1: ctypes.sizeof(Slot), 2: ctypes.sizeof(Family),
    3: RECORD_SIZE, 4: CoreStruct.info.offset, 5: CoreStruct.ring.offset, 6: Slot.nr.offset,
    7: Slot.fam.offset, 8: Family.entry.offset, 9: REGS_OFFSET, 10: CoreStruct.stops.offset,
    11: Slot.pin.offset, 12: COPIES_OFFSET, 13: CoreStruct.arena.offset,
    14: Family.copies.offset, 15: ctypes.sizeof(Decision), 16: Decision.nr.offset,
    17: Slot.bps.offset, 18: ctypes.sizeof(Bp), 19: Slot.resume_rip.offset,
    20: Slot.pid.offset, 21: Family.paths.offset, 22: ctypes.sizeof(Paths), 23: REGS_OFFSET - 4,
    24: CPU_NS_OFFSET, 25: Slot.cpu_fd.offset,
}


class Lib:
    """The library's functions. ``run`` releases the GIL (it blocks); the others keep it
    (they never block, and a release would let another thread in between)."""

    def __init__(self, path: str) -> None:
        free = ctypes.CDLL(path, use_errno=True)          # calls release the GIL
        held = ctypes.PyDLL(path, use_errno=True)         # calls keep it
        layout = held.at_layout
        layout.argtypes, layout.restype = (c_int,), c_int64
        for n, value in _LAYOUT.items():
            got = layout(n)
            if got != value:
                raise ImportError(f"{path}: structure layout {n} is {got}, Python's is {value}")

        def fn(lib: Any, name: str, args: tuple[Any, ...], res: Any) -> Any:
            try:
                f = getattr(lib, name)
            except AttributeError:   # (a build older than this Python code)
                raise ImportError(f"{path} has no {name}: build it again "
                                  "(pip install -e . in the source tree)") from None
            f.argtypes, f.restype = args, res
            return f

        self.run = fn(free, "at_run", (c_void_p, c_int), c_int)
        # the same for a drain (block 0): it never blocks, so the GIL stays taken
        self.drain = fn(held, "at_run", (c_void_p, c_int), c_int)
        # (GIL released: on one CPU the loop thread, woken by the byte, finds it free)
        self.notify = fn(free, "at_notify", (c_void_p,), None)
        self.init = fn(held, "at_init", (c_void_p, c_uint32, c_uint64), c_int)
        self.fini = fn(held, "at_fini", (c_void_p,), None)
        self.add = fn(held, "at_add", (c_void_p, c_void_p), c_int)
        self.delete = fn(held, "at_del", (c_void_p, c_int32), None)
        self.post = fn(held, "at_post", (c_void_p,), None)
        self.take_cmds = fn(held, "at_take_cmds", (c_void_p,), c_int)
        self.subscribing = fn(held, "at_subscribing", (c_void_p, c_int32), None)
        self.take_records = fn(held, "at_take_records", (c_void_p,), c_uint64)
        self.consumed = fn(held, "at_consumed", (c_void_p, c_uint64, c_uint64), None)
        self.release = fn(held, "at_release", (c_void_p, c_void_p, c_uint32, c_int), c_int)
        self.unlook = fn(held, "at_unlook", (c_void_p,), c_int)
        self.apply_releases = fn(held, "at_apply_releases", (c_void_p,), None)
        self.adopt = fn(held, "at_adopt", (c_void_p, c_void_p, c_uint32), c_int)
        self.take = fn(held, "at_take", (c_void_p, c_void_p), None)
        # the slots' schedstat files (Family.cpu_time) closed, at the tracer thread's end
        self.close_fds = fn(held, "at_close_fds", (c_void_p,), None)
        # (core, slot, status, info, decision): the rules alone, for tests/unit/test_policy.py
        self.decide = fn(held, "at_decide", (c_void_p, c_void_p, c_int32, c_void_p, c_void_p),
                         None)
        # paths=: the rules of _pathrules alone, for tests/unit/test_pathrules.py
        self.path_join = fn(held, "at_path_join",
                            (ctypes.c_char_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t,
                             ctypes.c_char_p), ctypes.c_size_t)
        self.path_match = fn(held, "at_path_match", (c_void_p, ctypes.c_char_p, ctypes.c_size_t),
                             c_int)
        # (pid, tid, address, dirfd, out): a path argument resolved, as the C loop does
        # (also for the Python loop's paths=, see aiotrace/_paths.py)
        self.path_arg = fn(held, "at_path_arg", (c_int32, c_int32, ctypes.c_uint64, c_int32,
                                                 c_void_p), ctypes.c_ssize_t)
        # children started with clone(CLONE_VM), see _accel_spawn.c: (stack, size, ready
        # pipe) and (spec, stack, size), each the pid or -errno
        self.spawn_bell = fn(held, "at_spawn_bell", (c_void_p, c_uint64, c_int), ctypes.c_long)
        self.spawn_child = fn(held, "at_spawn_child", (c_void_p, c_void_p, c_uint64),
                              ctypes.c_long)
        size = fn(held, "at_spawn_size", (), ctypes.c_long)()
        if size != ctypes.sizeof(Spawn):
            raise ImportError(f"{path}: struct at_spawn is {size} bytes, Python's "
                              f"{ctypes.sizeof(Spawn)}")


class Accel:
    """One tracer's C loop: its shared structure and ring."""

    def __init__(self, lib: Lib) -> None:
        self.lib = lib
        self.core = CoreStruct()
        self.ptr = ctypes.addressof(self.core)
        if lib.init(self.ptr, RING, ARENA) != 0:
            raise MemoryError("aiotrace: no memory for the C tracer loop's ring")
        # freed once nothing can call in any more (the loop may release a hold late)
        weakref.finalize(self, _fini, lib, self.core)
        self.ring = memoryview((ctypes.c_char * (RING * RECORD_SIZE)).from_address(self.core.ring))
        self.mask = RING - 1
        self.arena = memoryview((ctypes.c_char * ARENA).from_address(self.core.arena))
        self.arena_mask = ARENA - 1
        self._pfds: Any = None

    def set_pollfds(self, fds: list[int]) -> None:
        """The all-held sleep's descriptors: the wake pipe, then the tracees' pidfds."""
        arr = (PollFd * len(fds))()
        for i, fd in enumerate(fds):
            arr[i].fd = fd
            arr[i].events = 1   # POLLIN
        self._pfds = arr   # (kept: the C loop reads it)
        self.core.pfds = ctypes.addressof(arr)
        self.core.npfds = len(fds)


def _fini(lib: Lib, core: CoreStruct) -> None:
    lib.fini(ctypes.addressof(core))


_lib: Lib | None | bool = False   # False: not looked for yet


def _find() -> str | None:
    # (os.path, not pathlib: pathlib and the urllib.parse it imports are about 2 ms of
    # a traced true's start-up, issue 24)
    here = os.path.dirname(os.path.realpath(__file__))
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        p = os.path.join(here, "_accel_c" + suffix)
        if os.path.exists(p):
            return p
    return None


def load() -> Lib | None:
    """The C loop's library, or None (not built, or turned off by AIOTRACE_ACCEL=0, which
    is read again for each tracer)."""
    if os.environ.get("AIOTRACE_ACCEL", "1") == "0":
        return None
    return helpers()


def helpers() -> Lib | None:
    """The library, whatever AIOTRACE_ACCEL says (which chooses the tracer loop), for its
    helpers alone (the rules of paths=, see _pathrules), or None: not built."""
    global _lib
    if _lib is False:
        path = _find()
        try:
            _lib = Lib(path) if path is not None else None
        except ImportError as exc:   # a build that does not match this Python code
            warnings.warn(f"aiotrace: the C tracer loop is not used: {exc}", RuntimeWarning,
                          stacklevel=2)
            _lib = None
    return _lib if isinstance(_lib, Lib) else None


def available() -> bool:
    """Whether the library was built (whatever AIOTRACE_ACCEL says)."""
    return _find() is not None
