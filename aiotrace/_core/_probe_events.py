"""The events of probes: a thread reached a probed function (``ProbeHit``), or returned from
it (``ProbeReturn``). Frozen, slotted dataclasses like every event (see _events).

An intercepting probe's hit holds the thread at the function's first instruction, before
it runs; its verdicts change the call: ``rewrite(args=...)`` (the argument registers,
x86-64 System V: rdi, rsi, rdx, rcx, r8, r9), ``return_value(v)`` (the call is skipped:
the function returns *v* at once, as if its first instruction were ``ret``). At a
``ProbeReturn`` the function has returned (the thread is at the return address):
``set_return(v)`` changes what the caller receives (rax).
"""

from __future__ import annotations

from dataclasses import field
from typing import TYPE_CHECKING, Any

from . import _ffi
from ._events import TraceEvent, _no_ctl
from ._valueclass import slot_inits
from ._verdict import Rewrite, SetReturn, Skip

if TYPE_CHECKING:
    from dataclasses import dataclass as event_class
else:
    from ._events import event_class

_ARG_REGS = ("rdi", "rsi", "rdx", "rcx", "r8", "r9")
_MASK64 = (1 << 64) - 1


def _word(v: Any, what: str, signed: bool = True) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError(f"{what} takes an int, not {type(v).__name__}")
    if not -(1 << 63) <= v < (1 << 64):
        raise ValueError(f"{what}: {v} does not fit in 64 bits")
    return v


class Regs:
    """A read-only copy of a thread's registers at a probe's stop (x86-64
    ``user_regs_struct`` names: ``regs.rip``, ``regs.rsp``...). To change registers, an
    intercepting engine assigns ``event.thread.regs.NAME``."""

    __slots__ = ("_raw",)

    def __init__(self, raw: bytes) -> None:
        self._raw = raw

    def __getattr__(self, name: str) -> int:
        if name in _ffi.REG_NAMES:
            return int(getattr(_ffi.UserRegs.from_buffer_copy(self._raw), name))
        raise AttributeError(f"no register {name!r} (x86-64 names: {', '.join(_ffi.REG_NAMES)})")

    def as_dict(self) -> dict[str, int]:
        r = _ffi.UserRegs.from_buffer_copy(self._raw)
        return {n: int(getattr(r, n)) for n in _ffi.REG_NAMES}

    def __repr__(self) -> str:
        d = self.as_dict()
        return f"<Regs rip={d['rip']:#x} rsp={d['rsp']:#x} rax={d['rax']:#x}>"


@event_class(frozen=True, slots=True, repr=False)
class ProbeHit(TraceEvent, kind="probe.hit"):
    """A thread reached a probed address: the function's first instruction, not yet run."""

    #: the function (``"malloc"``, ``"main+0x4"``), or ``""`` for a bare address
    symbol: str
    #: the address of the breakpoint in the process
    address: int
    #: the file of the module it is in (``/usr/lib/x86_64-linux-gnu/libc.so.6``)
    module: str
    #: the six integer argument registers of the x86-64 System V ABI: rdi, rsi, rdx, rcx,
    #: r8, r9 (unsigned 64-bit values; what the function takes of them is its business)
    args: tuple[int, ...]
    _regs: bytes = field(compare=False)

    @property
    def regs(self) -> Regs:
        """The registers at the hit (read-only: see :class:`Regs`)."""
        return Regs(self._regs)

    def _detail(self) -> str:
        a = ", ".join(hex(x) for x in self.args[:3])
        return f"{self.symbol or hex(self.address)}({a}, ...)"

    def return_value(self, value: int) -> None:
        """Skip the call: the function returns *value* (rax) to its caller at once."""
        (self._ctl or _no_ctl(self))._give(Skip(_word(value, "return_value()")))

    def skip(self, value: int = 0) -> None:
        """The same as ``return_value(value)``."""
        self.return_value(value)

    def rewrite(self, args: Any = None) -> None:
        """Run the function with other arguments: a sequence of at most six ints, for
        rdi, rsi, rdx, rcx, r8 and r9 (the ones not given are kept)."""
        if isinstance(args, (str, bytes)) or not hasattr(args, "__iter__"):
            raise TypeError("rewrite(args=...) takes a sequence of at most 6 ints")
        vals = tuple(_word(v, "rewrite() args") & _MASK64 for v in args)
        if not 0 < len(vals) <= 6:
            raise ValueError("rewrite(args=...) takes 1 to 6 ints (rdi, rsi, rdx, rcx, r8, r9)")
        (self._ctl or _no_ctl(self))._give(Rewrite(None, vals))


@event_class(frozen=True, slots=True, repr=False)
class ProbeReturn(TraceEvent, kind="probe.return"):
    """A probed function returned (``returns=True``): the thread is at the return
    address, the function's value in rax."""

    symbol: str
    #: the function's address (the ProbeHit's)
    address: int
    module: str
    #: rax as a signed 64-bit value (a pointer above 2**63 reads negative: mask it)
    retval: int
    #: nanoseconds from the hit to the return (monotonic clock; the time the thread was
    #: held by engines at the hit is included)
    duration_ns: int
    _regs: bytes = field(compare=False)

    @property
    def regs(self) -> Regs:
        return Regs(self._regs)

    def _detail(self) -> str:
        return (f"{self.symbol or hex(self.address)}() = {self.retval} "
                f"<{self.duration_ns / 1e9:.6f}>")

    def set_return(self, value: int) -> None:
        """The caller receives *value* (rax) instead."""
        (self._ctl or _no_ctl(self))._give(SetReturn(_word(value, "set_return()")))


PROBE_EVENTS = frozenset({ProbeHit, ProbeReturn})
ARG_REGS = _ARG_REGS

slot_inits(ProbeHit, ProbeReturn)


__all__ = ["ARG_REGS", "PROBE_EVENTS", "ProbeHit", "ProbeReturn", "Regs"]
