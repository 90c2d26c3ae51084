"""Checks of the loop side's arguments that take more than one of ``aiotrace._check``'s
checks: spawn()'s ``stdin``/``stdout``/``stderr`` and ``cpus``, and a stream's capture
(``Capture``, public as ``aiotrace.lowlevel.Capture``, with its tables for the C loop).

Pure, as ``_check``: no tracee, no async library; each error names the argument and says
what to pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import _check
from ._core_api import Memory, SyscallEntry, SyscallExit, TraceEvent


def stdio_fd(name: str, f: Any) -> int:
    """spawn()'s ``stdin``/``stdout``/``stderr`` (neither None nor a subprocess constant),
    as a descriptor: an int, or a file object's fileno()."""
    expect = ("a file descriptor (an int), a file object, subprocess.DEVNULL or None (and "
              "subprocess.STDOUT for stderr)")
    if isinstance(f, int) and not isinstance(f, bool):
        if f < 0:
            raise ValueError(f"{name}={_check.show(f)} is not a file descriptor: pass {expect}")
        return _check.integer(f, name, 0, (1 << 31) - 1, expect)
    fileno = getattr(f, "fileno", None)
    if fileno is None or isinstance(f, (bool, float, str, bytes)):
        raise TypeError(f"{name} takes {expect}, not {_check.show(f)}")
    try:
        fd = fileno()
    except (OSError, ValueError) as exc:   # (io.UnsupportedOperation: a BytesIO, say)
        raise TypeError(f"{name}={_check.show(f)} has no file descriptor ({exc}): pass "
                        f"{expect}") from None
    return _check.integer(fd, f"{name}.fileno()", 0, (1 << 31) - 1, expect)


OVERFLOWS = ("block", "drop", "drop_oldest")


def overflow_mode(overflow: object, intercept: bool) -> tuple[bool, bool]:
    """events()'s and probe()'s ``overflow``, checked: whether the stream never blocks
    (drops), and whether it drops its oldest event for a new one."""
    if overflow not in OVERFLOWS:
        raise ValueError("overflow must be 'block', 'drop' or 'drop_oldest', not "
                         f"{_check.show(overflow)}")
    if overflow == "drop_oldest" and intercept:
        raise ValueError(
            "overflow='drop_oldest' is for observers: an intercepting stream holds each "
            "event's thread until its verdict, so it cannot drop an event it holds; give "
            "verdicts a deadline instead (anyio.move_on_after, with on_error= for what "
            "happens when it passes), or observe with intercept=False")
    return overflow != "block", overflow == "drop_oldest"


def cpu_set(cpus: Iterable[int] | None) -> frozenset[int] | None:
    """spawn()'s ``cpus``, checked: CPU numbers (the kernel checks that they exist)."""
    if cpus is None:
        return None
    if isinstance(cpus, (str, bytes, Mapping)) or not isinstance(cpus, Iterable):
        raise TypeError(f"cpus={_check.show(cpus)}: pass a set of CPU numbers, such as {{0, 1}}")
    out = frozenset(cpus)
    if not out:
        raise ValueError("cpus is empty: pass the CPUs the program may run on, or None")
    for c in out:
        if isinstance(c, bool) or not hasattr(type(c), "__index__") or c < 0:
            raise ValueError(f"cpus: {_check.show(c)} is not a CPU number (0, 1, ...)")
        _check.integer(c, "cpus", 0, _check.CPUS_MAX - 1,
                       f"CPU numbers from 0 to {_check.CPUS_MAX - 1}, such as "
                       "os.sched_getaffinity(0)")
    return frozenset(int(c) for c in out)


#: what ``Capture(after_resume=...)`` and ``Capture(reads_nothing=...)`` take: per event
#: class (SyscallEntry, SyscallExit), the syscalls (names or numbers)
StopSets = Mapping[type[TraceEvent], Iterable[str | int]]
#: what ``Capture(prefetch=...)`` takes: per event class, per syscall, the copies
CopySpecs = Mapping[type[TraceEvent], Mapping[str | int, Iterable[tuple[Any, ...]]]]
#: a capture function: ``fn(event, memory)``, what it returns is the event's ``captured``
CaptureFunction = Callable[[Any, "Memory | None"], object]


@dataclass(frozen=True, slots=True)
class Capture:
    """A stream's capture, with what the C loop may do around it: pass it as
    ``Process.events(capture=Capture(fn, ...))`` (a plain function *fn* is
    ``Capture(fn)``). Checked when made: a wrong table raises here.

    *fn* ``(event, memory)`` runs on the tracer thread while the thread is still stopped,
    unless one of the keywords says it may run later; what it returns is the event's
    ``captured`` field (see ``Process.events``).

    ``after_resume={SyscallEntry: syscalls, SyscallExit: syscalls}`` lets *fn* run after
    the thread was resumed, for those stops only, so that the tracee does not wait for
    it: for captures that read nothing the thread can change before its next stop. At a
    syscall's entry, when the stream also takes the call's exit, that is any argument the
    kernel only reads (the thread is in the call until its exit stop); at an exit,
    nothing read from memory at all. *fn* then runs before the thread leaves its next
    stop (the thread waits there for it if need be), on the tracer thread or on the event
    loop's.

    ``reads_nothing={SyscallEntry: syscalls, SyscallExit: syscalls}``: the stops where *fn*
    reads nothing of the tracee at all (it formats the arguments, say): it may run at any
    time after the stop, and the thread never waits for it.

    ``prefetch={SyscallExit: {"newfstatat": [(2, 72)], "read": [(1, "retval", 32)]}}``
    names, per syscall stop, all the memory *fn* reads there: at most two copies, each of
    them ``(arg, n)`` (n bytes at the address in argument *arg*), ``(arg, "retval", n)``
    (as many bytes as the call returned, at an exit), ``(arg, "string", n)`` (a
    NUL-terminated string) or ``(arg, "arg", j, n)`` (as many bytes as argument *j* says);
    n is the most bytes a copy takes (65 536 at most; without it, 65 536, or 4 097 for a
    string). The tracer thread copies them at the stop (at an exit, only when the call
    succeeded), the thread goes on at once, and *fn* runs later with a *memory* whose
    reads of those ranges return the copies (others read the thread's memory as it is
    then). Where the copies cannot be made (the Python loop, or no room left for them),
    *fn* runs at the stop instead.

    Syscall names are resolved as in ``events(syscalls=...)``.
    """

    fn: CaptureFunction
    after_resume: StopSets | None = field(default=None, kw_only=True)
    reads_nothing: StopSets | None = field(default=None, kw_only=True)
    prefetch: CopySpecs | None = field(default=None, kw_only=True)
    # (internal: the C loop's records offered as their fields first, Subscription.raw)
    _raw: Callable[..., bool] | None = field(default=None, kw_only=True, repr=False,
                                             compare=False)
    # (internal: a call's entry and exit records taken as one event, Subscription.pairs)
    _pairs: Callable[..., Any] | None = field(default=None, kw_only=True, repr=False,
                                              compare=False)
    # (internal: *fn* returns the thread's CPU time at the stop, which the C loop reads
    # itself into its records: Subscription.cpu)
    _cpu: bool = field(default=False, kw_only=True, repr=False, compare=False)
    # (checked, as the core takes them: see Subscription.late, .free, .prefetch)
    _late: dict[type[TraceEvent], frozenset[int]] = field(
        init=False, repr=False, compare=False)
    _free: dict[type[TraceEvent], frozenset[int]] = field(
        init=False, repr=False, compare=False)
    _copies: dict[type[TraceEvent], dict[int, tuple[tuple[int, int, int, int], ...]]] = field(
        init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not callable(self.fn):
            raise TypeError(f"capture takes a function fn(event, memory) or an "
                            f"aiotrace.lowlevel.Capture, not {_check.show(self.fn)}")
        late = {} if self.after_resume is None else late_sets(self.after_resume, "after_resume")
        free = ({} if self.reads_nothing is None
                else late_sets(self.reads_nothing, "reads_nothing"))
        if free:   # (reads nothing: may run after the thread was resumed, too)
            late = {cls: late.get(cls, frozenset()) | free.get(cls, frozenset())
                    for cls in (SyscallEntry, SyscallExit)}
        copies = {} if self.prefetch is None else prefetch_sets(self.prefetch)
        object.__setattr__(self, "_late", late)
        object.__setattr__(self, "_free", free)
        object.__setattr__(self, "_copies", copies)


def late_sets(late: StopSets, what: str) -> dict[type[TraceEvent], frozenset[int]]:
    _mapping(late, what, "{SyscallExit: {'read'}}")
    out: dict[type[TraceEvent], frozenset[int]] = {}
    for cls, syscalls in late.items():
        if cls is not SyscallEntry and cls is not SyscallExit:
            raise ValueError(f"{what}= takes SyscallEntry and SyscallExit as "
                             f"keys, not {cls!r}")
        out[cls] = _check.syscall_set(syscalls, what)
    return out


def _mapping(value: Any, what: str, example: str) -> None:
    if not isinstance(value, Mapping):
        raise TypeError(f"{what}= takes a mapping such as {example}, not {_check.show(value)}")


Copies = dict[type[TraceEvent], dict[int, tuple[tuple[int, int, int, int], ...]]]


def prefetch_sets(spec: CopySpecs) -> Copies:
    """prefetch=, checked, as the C loop's copies: syscall -> ((arg, mode, from, bytes),
    ...), mode 1 for a fixed size, 2 the return value's, 3 a string, 4 argument from's."""
    out: dict[type[TraceEvent], dict[int, tuple[tuple[int, int, int, int], ...]]] = {}
    _mapping(spec, "prefetch", "{SyscallExit: {'read': [(1, 'retval')]}}")
    for cls, calls in spec.items():
        if cls is not SyscallEntry and cls is not SyscallExit:
            raise ValueError(f"prefetch= takes SyscallEntry and SyscallExit as keys, not {cls!r}")
        _mapping(calls, "prefetch", "{SyscallExit: {'read': [(1, 'retval')]}}")
        table: dict[int, tuple[tuple[int, int, int, int], ...]] = {}
        for call, copies in calls.items():
            # (only x86-64 calls are copied, by the C loop)
            keys = _check.syscall_set([call], "prefetch")
            made = []
            if isinstance(copies, (str, bytes, Mapping)) or not isinstance(copies, Iterable):
                raise TypeError(f"prefetch= of {call!r}: takes a list of copies such as "
                                f"[(1, 'retval')], not {_check.show(copies)}")
            for c in copies:
                copy = _copy_spec(call, tuple(c) if isinstance(c, (tuple, list)) else (c,))
                if copy[1] == 2 and cls is SyscallEntry:
                    raise ValueError(f"prefetch= of {call!r}: a call's entry has no return "
                                     "value to size a copy with")
                made.append(copy)
            if len(made) > 2:
                raise ValueError(f"prefetch= of {call!r}: at most 2 copies per stop")
            for key in keys:
                table[key] = tuple(made)
        out[cls] = table
    return out


_COPY_MAX = 1 << 16   # (the C loop's most, _accel.COPY_MAX)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _copy_spec(call: Any, c: tuple[Any, ...]) -> tuple[int, int, int, int]:
    """One copy of prefetch=, as the C loop's struct at_copy: (arg, mode, from, bytes)."""
    if c and _is_int(c[0]) and 0 <= c[0] < 6:
        rest = c[1:]
        if len(rest) == 1 and _is_int(rest[0]):
            mode, frm, n = 1, 0, rest[0]
        elif rest and rest[0] in ("retval", "string") and len(rest) <= 2 and all(
                _is_int(v) for v in rest[1:]):
            mode, frm = (2 if rest[0] == "retval" else 3), 0
            n = rest[1] if len(rest) == 2 else (_COPY_MAX if mode == 2 else 4097)
        elif (rest and rest[0] == "arg" and 2 <= len(rest) <= 3 and all(
                _is_int(v) for v in rest[1:]) and 0 <= rest[1] < 6):
            mode, frm = 4, rest[1]
            n = rest[2] if len(rest) == 3 else _COPY_MAX
        else:
            mode = 0
        if mode:
            if not 0 <= n <= _COPY_MAX:
                raise ValueError(f"prefetch= of {call!r}: {n} bytes: a copy takes 0 to "
                                 f"{_COPY_MAX} bytes")
            return (c[0], mode, frm, n)
    raise ValueError(
        f"prefetch= of {call!r}: {c!r} is not a copy: use (arg, nbytes), "
        "(arg, 'retval'[, nbytes]), (arg, 'string'[, nbytes]) or (arg, 'arg', j[, nbytes]),"
        " arg and j 0 to 5")
