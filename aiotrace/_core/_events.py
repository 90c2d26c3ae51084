"""Events: frozen, slotted dataclasses that describe what a traced thread did.

Events are data, never exceptions. Every event has ``kind`` (a class-level string with a
stable dotted name), ``pid`` (thread-group id), ``tid``, ``seq`` (global order, assigned by
the tracer thread) and ``time_ns`` (``time.monotonic_ns()`` when the stop was seen).

An event delivered to an *intercepting* stream carries a control object (``_ctl``) through
which the verdict methods act; on an observed event they raise ``NotIntercepted``.
"""

from __future__ import annotations

import dataclasses
import errno as _errno
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from .._exceptions import NotIntercepted
from ._args import Args
from ._status import returncode
from ._syscalls import SYSCALL_NAMES as _X86_64_NAMES
from ._syscalls import syscall_name as _syscall_name
from ._valueclass import frozen_delattr, frozen_setattr, slot_inits, value_eq, value_hash
from ._verdict import Decision

if TYPE_CHECKING:   # (the loop side's handles: only named here, never imported)
    from dataclasses import dataclass as event_class

    from ..lowlevel import HoldHandle, ThreadHandle
else:
    def event_class(**params: Any) -> Any:
        """``dataclass(**params)`` for an event class, without the ``__init__``,
        ``__eq__`` and ``__hash__`` it would write and compile for each class, nor a
        frozen class's ``__setattr__`` and ``__delattr__`` (start-up time, issue 24: see
        _valueclass): slot_inits gives each its ``__init__``, every event shares
        TraceEvent's ``__eq__`` and ``__hash__``, which compare and hash the fields a
        dataclass's would, and _valueclass's frozen ``__setattr__`` and ``__delattr__``.
        (Still frozen dataclasses, of which a program's own frozen dataclass may derive,
        and said to have an ``__init__`` and an ``__eq__``, as they do.)"""
        params.pop("frozen", None)
        make = dataclass(init=False, eq=False, **params)

        def declared(cls: type) -> Any:
            # (made as a dataclass that is not frozen, which dataclass() refuses to derive
            # from a frozen base: the bases are said not to be, meanwhile)
            bases = [b for b in cls.__mro__[1:] if "__dataclass_params__" in vars(b)]
            for b in bases:
                b.__dataclass_params__.frozen = False
            try:
                cls = make(cls)
            finally:
                for b in bases:
                    b.__dataclass_params__.frozen = True
            done = cls.__dataclass_params__
            done.init = done.eq = done.frozen = True
            cls.__setattr__ = frozen_setattr
            cls.__delattr__ = frozen_delattr
            return cls
        return declared

# Signal names in the kernel's numbering, as strace prints them. glibc (and Python's
# signal module) reserve kernel signals 32 and 33 for themselves and call 34 SIGRTMIN;
# the kernel's SIGRTMIN is 32, and strace names signal 32+N ``SIGRT_N`` (33 is SIGRT_1,
# 34 SIGRT_2, ... 64 SIGRT_32), whatever the C library of the traced program.
SIGNAL_NAMES: dict[int, str] = {
    1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 4: "SIGILL", 5: "SIGTRAP", 6: "SIGABRT",
    7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL", 10: "SIGUSR1", 11: "SIGSEGV", 12: "SIGUSR2",
    13: "SIGPIPE", 14: "SIGALRM", 15: "SIGTERM", 16: "SIGSTKFLT", 17: "SIGCHLD",
    18: "SIGCONT", 19: "SIGSTOP", 20: "SIGTSTP", 21: "SIGTTIN", 22: "SIGTTOU", 23: "SIGURG",
    24: "SIGXCPU", 25: "SIGXFSZ", 26: "SIGVTALRM", 27: "SIGPROF", 28: "SIGWINCH",
    29: "SIGIO", 30: "SIGPWR", 31: "SIGSYS", 32: "SIGRTMIN",
}
SIGNAL_NAMES.update({n: f"SIGRT_{n - 32}" for n in range(33, 65)})


def signal_name(signo: int) -> str:
    """``SIGCHLD``, ``SIGRTMIN`` (32), ``SIGRT_2`` (34)...: strace's name of a kernel
    signal number; ``SIG<n>`` outside 1..64."""
    return SIGNAL_NAMES.get(signo) or f"SIG{signo}"


def _no_ctl(ev: TraceEvent) -> Any:
    raise NotIntercepted(
        f"{ev.kind} event #{ev.seq} was observed, not intercepted: open the stream with "
        "intercept=True to hold the thread and give verdicts"
    )


class _Extras:
    """Room on every event for what a stream may ask for beyond the stop itself (its
    process context, its paths), set once by aiotrace before the event is handed out
    (``object.__setattr__``). Slots outside the dataclass's fields: an event nobody asks
    them for never sets them, so they cost nothing per event (a field would, at every
    ``__init__``)."""

    __slots__ = ("_asked", "_context", "_paths")


EXTRAS = _Extras.__slots__


@event_class(frozen=True, slots=True, repr=False)
class TraceEvent(_Extras):
    """What every event has: ``kind``, ``pid``, ``tid``, ``seq`` and ``time_ns`` (see
    this module's docstring), the verdicts common to every stop, and ``captured``."""

    #: the event's stable dotted name, given by each event class as ``class
    #: Exit(TraceEvent, kind="exit")``
    kind: ClassVar[str] = "event"
    pid: int
    tid: int
    seq: int
    time_ns: int
    _ctl: Any = field(default=None, compare=False, kw_only=True)
    #: what the stream's ``capture`` function returned for this event, at the stop
    captured: Any = field(default=None, compare=False, kw_only=True)
    #: the stack taken at the stop (``stacks=True``): see stack()
    _stack: Any = field(default=None, compare=False, kw_only=True)

    def __init_subclass__(cls, kind: str = "") -> None:
        # (no super(): dataclass(slots=True) made this class anew, so the zero-argument
        # form would name the old one; object's takes nothing. The class is made again
        # by slots=True too, without the keyword: hence "if kind".)
        if kind:
            cls.kind = kind

    def __repr__(self) -> str:
        detail = self._detail()
        return (f"<{type(self).__name__} #{self.seq} pid={self.pid} tid={self.tid}"
                f"{' ' if detail else ''}{detail}>")

    def _detail(self) -> str:
        """What ``repr()`` shows after the thread: the event's own fields."""
        return ""

    def stack(self) -> list[Any]:
        """The thread's stack at this stop, innermost first: a list of
        :class:`aiotrace.Frame` (address, module, symbol, offset; ``str(frame)`` prints it
        as strace -k does). An observer's stream takes it at the stop when opened with
        ``stacks=True``; an intercepting engine reads it while it holds the thread."""
        from ._unwind import event_stack
        return event_stack(self)

    def __str__(self) -> str:
        """The line strace prints for this event (the ``aiotrace`` command's printer)."""
        from .._data._strace import event_line   # (the printer is a layer above the core)
        return event_line(self)

    def _repr_html_(self) -> str:
        from .._data._strace import event_html
        return event_html(self)

    @property
    def context(self) -> Any:
        """The process's context at the stop (an ``aiotrace.ProcessContext``: ``comm``,
        ``exe``, ``argv``, ``cwd``, ``ppid``) when the stream asked for it
        (``events(context=True)``), else None."""
        return getattr(self, "_context", None)

    @property
    def paths(self) -> tuple[str, ...] | None:
        """The absolute paths this call uses (its path arguments resolved against their
        directory descriptor or the working directory, and what its descriptors are
        open on), when the stream asked for them (``events(paths=...)``), else None."""
        return getattr(self, "_paths", None)

    @property
    def intercepted(self) -> bool:
        """True when the thread is held for this stream until it gives a verdict."""
        return self._ctl is not None

    # Verdicts common to every stop (see docs/engines.md).
    def resume(self) -> None:
        """Release this engine's hold; the thread runs once every engine has released it."""
        (self._ctl or _no_ctl(self)).resume(self)

    def hold(self) -> HoldHandle:
        """Keep the thread stopped beyond this event; returns a handle with ``release()``."""
        handle: HoldHandle = (self._ctl or _no_ctl(self)).hold(self)
        return handle

    def detach(self) -> None:
        """Detach this engine (its stream ends) without disturbing the others."""
        (self._ctl or _no_ctl(self)).detach_engine(self)

    def singlestep(self) -> None:
        """Release this engine's hold; the thread runs one instruction, then reports a
        ``SingleStep`` event."""
        (self._ctl or _no_ctl(self)).singlestep(self)

    @property
    def verdict(self) -> Decision | None:
        """What the engines asked before this one decided for this stop (an
        :class:`aiotrace.Decision`: ``skip_return``, ``nr``, ``args``, ``set_return``),
        or None when none of them changed the call."""
        return None if self._ctl is None else self._ctl.prior

    @property
    def thread(self) -> ThreadHandle:
        """The stopped thread: ``read``, ``read_string``, ``write``, ``regs``."""
        handle: ThreadHandle = (self._ctl or _no_ctl(self)).thread(self)
        return handle


class _SyscallStop:
    """What SyscallEntry and SyscallExit share: the call's name in its ABI."""

    __slots__ = ()
    nr: int
    abi: str

    @property
    def name(self) -> str:
        """The call's name in its ABI (``open`` for i386's 5, x86-64's 2), or
        ``syscall_0x...`` for a number that names no call."""
        if self.abi == "x86_64":
            name = _X86_64_NAMES.get(self.nr)
            if name is not None:
                return name
        return _syscall_name(self.nr, self.abi)

    def _abi_note(self) -> str:
        return "" if self.abi == "x86_64" else f" [{self.abi}]"


@event_class(frozen=True, slots=True, repr=False)
class SyscallEntry(TraceEvent, _SyscallStop, kind="syscall.entry"):
    """A thread entered a system call (syscall-enter-stop)."""

    #: the call's number in its ABI's table (see ``abi``), as the kernel dispatches it: the
    #: low 32 bits of the register, a signed int (``syscall(-1L)`` is -1)
    nr: int
    #: the six argument registers (for an i386 call: ebx, ecx, edx, esi, edi, ebp, of which
    #: the kernel uses the low 32 bits: so do these): a sequence of ints, decoded by
    #: parameter name too (``args.path``)
    args: Args
    #: the system call ABI of this call: ``"x86_64"``, ``"i386"`` (``int $0x80``, a 32-bit
    #: program) or ``"x32"``; ``nr`` and ``name`` are of its table
    abi: str = field(default="x86_64", kw_only=True)

    def _detail(self) -> str:
        a = ", ".join(hex(x) for x in self.args)
        return f"{self.name}({a}){self._abi_note()}"

    @property
    def asked(self) -> tuple[int, Args] | None:
        """The call the thread made, ``(nr, args)``, when an engine rewrote it
        (``rewrite()``): what the observers see (``nr``, ``args``) is the call that
        runs. None when it was not rewritten."""
        return getattr(self, "_asked", None)

    def fail(self, err: int, *, signal: int = 0) -> None:
        """Skip the call; it returns ``-err`` (an errno such as ``errno.EACCES``). With
        *signal*, that signal is sent to the thread as it goes on (see send_signal)."""
        (self._ctl or _no_ctl(self)).fail(self, err, signal)

    def return_value(self, value: int, *, signal: int = 0) -> None:
        """Skip the call; it returns *value* (64 bits, signed or unsigned). With *signal*,
        that signal is sent to the thread as it goes on (see send_signal)."""
        (self._ctl or _no_ctl(self)).return_value(self, value, signal)

    def rewrite(self, name_or_nr: str | int | None = None,
                args: Sequence[int] | None = None, *, signal: int = 0) -> None:
        """Run a different call (a name, or a number from 0 to 469: see
        ``Process.events``), or the same with other arguments (at most six ints of 64
        bits; the ones not given are kept). With *signal*, that signal is sent to the
        thread as it goes on (see send_signal)."""
        (self._ctl or _no_ctl(self)).rewrite(self, name_or_nr, args, signal)

    def send_signal(self, signo: int) -> None:
        """Let the call run; *signo* is sent to the thread as it goes on, as strace's
        ``-e inject=...:signal=`` does (the ptrace restart's signal: its siginfo says
        ``SI_KERNEL``). It is delivered when the call returns, and interrupts the call
        if it blocks. (At the entry of a prefiltered call, a seccomp stop whose restart
        carries no signal, it is sent on its own: ``SI_TKILL``.)"""
        (self._ctl or _no_ctl(self)).send_signal(self, signo)


@event_class(frozen=True, slots=True, repr=False)
class SyscallExit(TraceEvent, _SyscallStop, kind="syscall.exit"):
    """A system call returned (syscall-exit-stop)."""

    nr: int
    args: Args
    retval: int
    #: the system call ABI of this call (see SyscallEntry.abi)
    abi: str = field(default="x86_64", kw_only=True)

    @property
    def error(self) -> int | None:
        """The errno when the call failed (-4095 <= retval < 0), else None."""
        return -self.retval if -4096 < self.retval < 0 else None

    def _detail(self) -> str:
        err = self.error
        if err is not None:
            res = f"-1 {_errno.errorcode.get(err, str(err))} ({os.strerror(err)})"
        else:
            res = str(self.retval)
        return f"{self.name}() = {res}{self._abi_note()}"

    def set_return(self, value: int) -> None:
        """The call returns *value* (64 bits, signed or unsigned)."""
        (self._ctl or _no_ctl(self)).set_return(self, value)

    def fail(self, err: int) -> None:
        """The call returns ``-err`` (an errno such as ``errno.EACCES``)."""
        (self._ctl or _no_ctl(self)).fail(self, err)


@event_class(frozen=True, slots=True, repr=False)
class Signal(TraceEvent, kind="signal"):
    """A signal is about to be delivered to a thread (signal-delivery-stop)."""

    signo: int
    #: the raw ``siginfo_t`` (128 bytes, x86-64 layout) read with ``PTRACE_GETSIGINFO`` at
    #: the stop: who sent the signal and why (``si_code``, ``si_pid``...); ``b""`` if the
    #: thread was gone before it could be read.
    siginfo: bytes = field(default=b"", repr=False)

    @property
    def name(self) -> str:
        return signal_name(self.signo)

    @property
    def si_code(self) -> int | None:
        """``siginfo.si_code`` (``SI_USER`` is 0, ``SI_TKILL`` -6, ...), None if unknown."""
        if len(self.siginfo) < 12:
            return None
        return int.from_bytes(self.siginfo[8:12], "little", signed=True)

    def _detail(self) -> str:
        return self.name

    def deliver(self) -> None:
        (self._ctl or _no_ctl(self)).resume(self)

    def suppress(self) -> None:
        (self._ctl or _no_ctl(self)).replace_signal(self, 0)

    def replace(self, signo: int) -> None:
        (self._ctl or _no_ctl(self)).replace_signal(self, signo)


@event_class(frozen=True, slots=True, repr=False)
class Clone(TraceEvent, kind="clone"):
    """A thread created a thread (``clone_type="thread"``) or a process ("fork", "vfork")."""

    child_pid: int
    child_tid: int
    clone_type: str

    def _detail(self) -> str:
        return f"{self.clone_type} -> pid={self.child_pid} tid={self.child_tid}"


@event_class(frozen=True, slots=True, repr=False)
class Exec(TraceEvent, kind="exec"):
    """A thread completed an execve; ``old_tid`` differs from ``tid`` when a non-leader exec'd."""

    filename: str
    old_tid: int

    def _detail(self) -> str:
        moved = f" (was tid {self.old_tid})" if self.old_tid != self.tid else ""
        return f"{self.filename!r}{moved}"


@event_class(frozen=True, slots=True, repr=False)
class _Ending(TraceEvent):
    """What Exit and Death share: the thread's wait status."""

    status: int

    @property
    def returncode(self) -> int:
        """The status in asyncio's convention: the exit code, or ``-N`` if signal N
        killed the thread."""
        return returncode(self.status)

    def _detail(self) -> str:
        return f"returncode={self.returncode}"


@event_class(frozen=True, slots=True, repr=False)
class Exit(_Ending, kind="exit"):
    """A thread is about to exit (PTRACE_EVENT_EXIT); it is still examinable. ``status``
    is the wait status it will have, ``returncode`` the same in asyncio's convention."""


@event_class(frozen=True, slots=True, repr=False)
class Death(_Ending, kind="death"):
    """A thread is gone; ``status`` is its wait status, ``returncode`` the same in
    asyncio's convention."""


@event_class(frozen=True, slots=True, repr=False)
class GroupStop(TraceEvent, kind="group_stop"):
    """A thread entered a group-stop (job control: SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU)."""

    signo: int

    def _detail(self) -> str:
        return signal_name(self.signo)


@event_class(frozen=True, slots=True, repr=False)
class Continued(TraceEvent, kind="continued"):
    """A thread left a group-stop (SIGCONT)."""


@event_class(frozen=True, slots=True, repr=False)
class Interrupt(TraceEvent, kind="interrupt"):
    """A thread stopped because an engine asked for it (``interrupt()``)."""


@event_class(frozen=True, slots=True, repr=False)
class SingleStep(TraceEvent, kind="step"):
    """A thread executed one instruction after a ``singlestep()`` verdict."""


EVENT_TYPES: tuple[type[TraceEvent], ...] = (
    SyscallEntry, SyscallExit, Signal, Clone, Exec, Exit, Death, GroupStop, Continued, Interrupt,
    SingleStep,
)


def _getstate(self: TraceEvent) -> tuple[Any, ...]:
    # An event is data: a copy or a pickle keeps its fields but not the verdict handle of
    # an intercepted stop (it belongs to the live stream, not to the event's value).
    return tuple(None if n == "_ctl" else getattr(self, n)
                 for n in _field_names(type(self)))


def _setstate(self: TraceEvent, state: tuple[Any, ...]) -> None:
    for n, v in zip(_field_names(type(self)), state, strict=True):
        object.__setattr__(self, n, v)


setattr(TraceEvent, "__eq__", value_eq)   # noqa: B010 - see event_class
setattr(TraceEvent, "__hash__", value_hash)   # noqa: B010
slot_inits(*EVENT_TYPES)
for _cls in EVENT_TYPES:
    setattr(_cls, "__getstate__", _getstate)   # noqa: B010 - replacing the dataclass's
    setattr(_cls, "__setstate__", _setstate)   # noqa: B010


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def with_field(ev: TraceEvent, name: str, value: Any, extras: bool = True) -> TraceEvent:
    """A copy of a frozen event with one field changed (faster than dataclasses.replace),
    with what aiotrace set on it (EXTRAS: its context, its paths) unless *extras* is
    False."""
    cls = type(ev)
    names = _field_names(cls)
    new = object.__new__(cls)
    for n in names:
        object.__setattr__(new, n, getattr(ev, n))
    for n in EXTRAS if extras else ("_asked",):   # (the call asked: the stop's own)
        if hasattr(ev, n):
            object.__setattr__(new, n, getattr(ev, n))
    object.__setattr__(new, name, value)
    return new
