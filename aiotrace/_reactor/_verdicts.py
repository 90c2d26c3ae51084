"""The engine's side of an intercepted stop: the verdict API behind each intercepted event
(``Ctl``), and the handles an engine gets there (``Registers``, ``ThreadHandle``,
``HoldHandle``).

An event's verdict method (``call.fail(errno.EACCES)``, on the event loop's thread) checks
its arguments here, makes a verdict value (``aiotrace._core._verdict``) and posts it with
the engine's hold to the tracer thread, which merges it into the stop's decision. A plain
``resume()`` of a stop the C loop holds goes straight to the C loop (``Core.release_c``).
"""

from __future__ import annotations

import errno as _errno
import functools
from typing import Any

from .. import _check, _held
from .._exceptions import TraceeGone, VerdictAlreadyGiven
from .._util import NoPublicConstructor
from ._core_api import (
    STEP,
    Core,
    DeliverSignal,
    Hold,
    Rewrite,
    SetReturn,
    Signal,
    Skip,
    SyscallEntry,
    SyscallExit,
    TraceEvent,
    Verdict,
    _ffi,
    read_cstring,
)


class Ctl:
    """The verdict API behind one intercepted event (one engine's hold)."""

    __slots__ = ("_c_ok", "_hold", "_raw_regs", "_regs", "core", "done", "gone", "prior",
                 "scratch_used")

    def __init__(self, core: Core, hold: Hold, regs: _ffi.UserRegs | None, prior: Any) -> None:
        self.core = core
        self._hold = hold
        self.done = False
        # a plain resume may go straight to the C loop (a C hold without hold() handles)
        self._c_ok = hold.cslot is not None
        self._raw_regs = regs
        self._regs: Registers | None = None   # made when an engine first asks
        self.prior = prior
        self.scratch_used = 0
        self.gone = False   # the thread died while held: verdicts are ignored

    def __deepcopy__(self, memo: object) -> Ctl:
        return self   # (a live handle, not data: dataclasses.asdict of an event copies it)

    @property
    def regs(self) -> Registers | None:
        regs = self._regs
        if regs is None and self._raw_regs is not None:
            regs = self._regs = Registers._create(self._raw_regs)
        return regs

    @property
    def tid(self) -> int:
        return self._hold.thread.tid

    def _give(self, verdict: Verdict | None) -> None:
        """Post this engine's verdict (None: resume() alone) with the registers it
        changed, to the tracer thread, which merges it into the stop's decision."""
        if self.gone:
            return
        if self.done:
            raise VerdictAlreadyGiven(
                "a verdict was already given for this event, or its hold was released (its "
                "stream went on to its next event, or was closed)")
        self.done = True
        regs = self._regs
        dirty = regs is not None and regs._dirty
        if verdict is None and self._c_ok and not dirty and self.core.release_c(self._hold):
            return
        core = self.core
        core.post_verdict(functools.partial(
            core.release, self._hold, verdict, regs._raw if dirty and regs is not None else None))

    def release_implicitly(self) -> None:
        if not self.done:
            self._give(None)

    def release_now(self, core: Any) -> None:  # tracer thread (the Arbiter)
        if not self.done:
            self.done = True
            core.release_on_error(self._hold)   # (a plain release without on_error)

    def release_on_error(self) -> None:
        """The stream ends with this event unanswered: its ``on_error`` decides."""
        hold = self._hold
        if hold.sub is None or hold.sub.on_error is None:
            self.release_implicitly()
        elif not self.done and not self.gone:
            self.done = True
            core = self.core
            core.post_verdict(functools.partial(core.release_on_error, hold))

    def resume(self, ev: TraceEvent) -> None:
        self._give(None)

    def return_value(self, ev: TraceEvent, value: int, signal: int = 0) -> None:
        _expect(ev, SyscallEntry, "fail()/return_value()")
        self._give(Skip(_check.signed_word(value, "return_value()"),
                        _check.signal_number(signal, "signal=", lo=0)))

    def fail(self, ev: TraceEvent, err: int, signal: int = 0) -> None:
        err = _check.errno_value(err, "fail()")
        if isinstance(ev, SyscallExit):   # (SyscallExit.fail takes no signal)
            self.set_return(ev, -err)
        else:
            self.return_value(ev, -err, signal)

    def rewrite(self, ev: TraceEvent, name_or_nr: str | int | None, args: Any,
                signal: int = 0) -> None:
        _expect(ev, SyscallEntry, "rewrite()")
        nr = None
        if name_or_nr is not None:
            # (a number, or a name of the call's own ABI: an i386 call stays one)
            nr = _check.syscall_number(name_or_nr, "rewrite()", getattr(ev, "abi", "x86_64"))
        # (as the kernel sees them: unsigned 64-bit, like every event's arguments)
        new_args = None if args is None else _check.sequence_of_words(args, "rewrite() args", 6)
        self._give(Rewrite(nr, new_args, _check.signal_number(signal, "signal=", lo=0)))

    def send_signal(self, ev: TraceEvent, signo: int) -> None:
        _expect(ev, SyscallEntry, "send_signal()")
        self._give(DeliverSignal(_check.signal_number(signo, "send_signal()")))

    def set_return(self, ev: TraceEvent, value: int) -> None:
        _expect(ev, SyscallExit, "set_return()")
        self._give(SetReturn(_check.signed_word(value, "set_return()")))

    def replace_signal(self, ev: TraceEvent, signo: int) -> None:
        _expect(ev, Signal, "suppress()/replace()")
        self._give(DeliverSignal(_check.signal_number(signo, "replace()", lo=0)))   # (0: suppress)

    def singlestep(self, ev: TraceEvent) -> None:
        self._give(STEP)

    def hold(self, ev: TraceEvent) -> HoldHandle:
        if self.done:
            raise VerdictAlreadyGiven("hold() must come before the verdict: a verdict was "
                                      "already given for this event")
        extra = Hold(self._hold.thread, None)
        self._c_ok = False   # the verdict goes after this hold, through the tracer thread
        core = self.core
        core.post(lambda: core.add_hold(extra))
        return HoldHandle._create(core, extra)

    def detach_engine(self, ev: TraceEvent) -> None:
        sub = self._hold.sub
        self.release_implicitly()
        if sub is not None:
            sub.closed = True
            core = self.core
            core.post(lambda: core.close_sub(sub))

    def thread(self, ev: TraceEvent) -> ThreadHandle:
        return ThreadHandle._create(ev.pid, ev.tid, self, getattr(ev, "abi", None) == "i386")


def _expect(ev: TraceEvent, cls: type, what: str) -> None:
    if not isinstance(ev, cls):
        raise TypeError(f"{what} is a verdict for {cls.__name__} events, not {ev.kind}")


class Registers(metaclass=NoPublicConstructor):
    """A copy of a stopped thread's registers (x86-64 ``user_regs_struct`` names).

    Assigning a register (``regs.rax = 0``) writes it back when the engine gives its
    verdict, before the next engine is asked. It has no public constructor."""

    _made_by = "Registers come from event.thread.regs"

    __slots__ = ("_dirty", "_raw")
    _raw: _ffi.UserRegs   # (declared: else the type checker takes them for __getattr__'s)
    _dirty: bool

    def __init__(self, raw: _ffi.UserRegs) -> None:
        object.__setattr__(self, "_raw", raw)
        object.__setattr__(self, "_dirty", False)

    def __getattr__(self, name: str) -> int:
        if name in _ffi.REG_NAMES:
            return int(getattr(self._raw, name))
        raise AttributeError(f"no register {name!r} (x86-64 names: {', '.join(_ffi.REG_NAMES)})")

    def __setattr__(self, name: str, value: int) -> None:
        if name not in _ffi.REG_NAMES:
            raise AttributeError(f"no register {name!r}")
        setattr(self._raw, name, _check.word(value, f"regs.{name}"))
        object.__setattr__(self, "_dirty", True)

    def as_dict(self) -> dict[str, int]:
        return {n: int(getattr(self._raw, n)) for n in _ffi.REG_NAMES}

    def __repr__(self) -> str:
        r = self._raw
        return f"<Registers rip={r.rip:#x} rsp={r.rsp:#x} rax={r.rax:#x} orig_rax={r.orig_rax:#x}>"


class HoldHandle(metaclass=NoPublicConstructor):
    """Keeps a thread stopped beyond an event, until :meth:`release`. It has no public
    constructor."""

    _made_by = "a HoldHandle comes from event.hold()"

    __slots__ = ("_core", "_hold", "__weakref__")

    def __init__(self, core: Core, hold: Hold) -> None:
        self._core = core
        self._hold = hold
        _held.HANDLES.add(self)   # (for Tracer.held())

    def release(self) -> None:
        core, hold = self._core, self._hold
        core.post(lambda: core.release(hold))


class ThreadHandle(metaclass=NoPublicConstructor):
    """A stopped thread: its memory (read and written from the loop thread directly,
    without a round trip to the tracer thread) and a copy of its registers. It has no
    public constructor."""

    _made_by = "a ThreadHandle comes from event.thread"

    __slots__ = ("_ctl", "_narrow", "pid", "tid")

    def __init__(self, pid: int, tid: int, ctl: Ctl | None = None,
                 narrow: bool = False) -> None:
        self.pid = pid
        self.tid = tid
        self._ctl = ctl
        self._narrow = narrow   # stopped in an i386 call: its pointers are 32 bits

    def __repr__(self) -> str:
        return f"<aiotrace thread pid={self.pid} tid={self.tid}>"

    @property
    def regs(self) -> Registers:
        """The registers at this stop; assignments are written back with the verdict."""
        ctl = self._ctl
        if ctl is None or ctl.regs is None:
            raise TraceeGone(self.tid, f"thread {self.tid} is gone: no registers")
        return ctl.regs

    def scratch(self, data: bytes) -> int:
        """Write *data* in the tracee's stack, below the red zone, and return its address:
        room for a new path or struct to point a rewritten argument at. Valid until the
        thread runs user code again (the end of the current syscall).

        At an i386 call (``abi == "i386"``) the kernel reads 32-bit pointers: a thread
        whose stack is above 4 GiB (a 64-bit program that makes ``int $0x80`` calls) has no
        room there, and this raises ValueError instead of handing out an address the
        kernel would cut."""
        data = bytes(_check.buffer(data, "scratch()"))
        ctl = self._ctl
        if ctl is None or ctl.regs is None:
            raise TraceeGone(self.tid, f"thread {self.tid} is gone")
        addr = (ctl.regs.rsp - 128 - 4096 - ctl.scratch_used - len(data) - 16) & ~15
        if self._narrow and (addr < 0 or addr + len(data) > 1 << 32):
            raise ValueError(
                f"thread {self.tid} is in an i386 system call, whose pointers are 32 bits, "
                f"and its stack ({ctl.regs.rsp:#x}) is above 4 GiB: no scratch memory")
        ctl.scratch_used += len(data) + 16
        self.write(addr, data)
        return addr

    def read(self, addr: int, n: int) -> bytes:
        """*n* bytes at *addr* (fewer at the end of a mapping)."""
        addr, n = _check.address_range(addr, n, "read()")
        try:
            return _ffi.vm_read(self.tid, addr, n)
        except ProcessLookupError:
            raise TraceeGone(self.tid) from None

    def read_string(self, addr: int, limit: int = 4096) -> bytes:
        """The NUL-terminated string at *addr* (without its NUL), at most *limit* bytes."""
        addr, limit = _check.address_range(addr, limit, "read_string()")
        return read_cstring(self.read, addr, limit)

    def write(self, addr: int, data: bytes) -> int:
        """Write *data* at *addr*, read-only pages included; returns how many bytes were
        written: fewer than ``len(data)`` when the end of a mapping comes first (OSError
        when not one byte can be)."""
        data = bytes(_check.buffer(data, "write()"))
        addr, _ = _check.address_range(addr, len(data), "write()")
        try:
            n = _ffi.vm_write(self.tid, addr, data)
            if n == len(data):
                return n
        except ProcessLookupError:
            raise TraceeGone(self.tid) from None
        except OSError as exc:
            if exc.errno not in (_errno.EFAULT, _errno.ENOSYS) or addr >= 1 << 63:
                raise   # (no user page is there: /proc/PID/mem cannot seek so far)
        # read-only pages (or no process_vm_writev, as under strace -e fault=): /proc/PID/mem
        # writes with FOLL_FORCE, as debuggers do
        with open(f"/proc/{self.tid}/mem", "r+b", buffering=0) as f:
            f.seek(addr)
            return f.write(data) or 0   # (the bytes before the first that cannot be)
