"""Fault injection with strace's ``-e inject=`` grammar.

``parse_inject("openat:error=ENOENT:when=2..3")`` turns one strace expression into an
:class:`InjectRule`; :func:`inject` is the engine that applies rules to a traced process.

The semantics follow strace 6.x (``man strace``, "Tampering", and its source):

* ``when=`` counts the calls of each system call of the set separately, per thread (strace
  keeps the counters in each tracee's ``tcb``), from 1. ``F`` is the F-th call only,
  ``F..L`` the calls F to L, ``F+`` every call from F on, ``F+S`` every S-th call from F on,
  ``F..L+S`` the same up to L. Without ``when=`` every call is tampered with.
* ``error=`` and ``retval=`` skip the call (strace replaces its number by -1) and make it
  return ``-errno`` or the value; they are mutually exclusive.
* ``signal=`` sends the signal to the calling thread at the entry of the call, as strace
  does: the restart of the stop carries it (``SyscallEntry.send_signal``), the kernel
  queues it with ``send_sig`` (its siginfo says ``SI_KERNEL``); it is delivered when the
  call returns, and interrupts the call if it blocks.
* ``syscall=NAME``, with ``error=`` or ``retval=``, runs NAME (a call without side
  effects, strace's ``%pure``) in place of the call, and makes it return the error or
  value; without them it changes nothing (as in strace).
* ``delay_enter=``/``delay_exit=`` keep the thread stopped at the entry/exit of the call.
* ``poke_enter=@argN=HEX[,@argM=HEX...]``/``poke_exit=...`` write bytes (given in hex)
  into the tracee's memory where argument N points, at the entry/exit of the call.
* When several rules name the same system call, the last one wins for that call, as when
  strace is given several ``-e inject=`` options.
"""

from __future__ import annotations

import difflib
import errno as _errno
import math
import re
import sys
import signal as _signal
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import anyio
import anyio.abc

from aiotrace import Process, SyscallEntry, SyscallExit, TraceeGone, _check, syscalls
from aiotrace.lowlevel import HoldHandle

from ._poke import Pokes, checked_pokes, parse_pokes, poke

__all__ = ["InjectRule", "inject", "parse_delay", "parse_inject"]

_WHEN_MAX = 0xFFFF          # strace: first and step in 1..65535
_LAST_MAX = _WHEN_MAX - 1   # strace: last in first..65534 (65535 means "no limit")
_MAX_ERRNO = 4095

# errno names the kernel uses internally; strace knows them, Python's errno does not.
_KERNEL_ERRNOS = {
    "ERESTARTSYS": 512, "ERESTARTNOINTR": 513, "ERESTARTNOHAND": 514, "ENOIOCTLCMD": 515,
    "ERESTART_RESTARTBLOCK": 516, "EPROBE_DEFER": 517, "EOPENSTALE": 518, "ENOPARAM": 519,
    "EBADHANDLE": 521, "ENOTSYNC": 522, "EBADCOOKIE": 523, "ENOTSUPP": 524, "ETOOSMALL": 525,
    "ESERVERFAULT": 526, "EBADTYPE": 527, "EJUKEBOX": 528, "EIOCBQUEUED": 529,
    "ERECALLCONFLICT": 530,
}

_ACTIONS = ("error", "retval", "signal", "delay_enter", "delay_exit", "syscall", "poke_enter",
            "poke_exit")
_OPTIONS_HINT = ("error=, retval=, signal=, delay_enter=, delay_exit=, poke_enter=, "
                 "poke_exit=, syscall= or when=")


@dataclass(frozen=True)
class InjectRule:
    """One tampering rule: what to do to which calls.

    ``syscalls`` are names: each stands for its call in every ABI that has it (``open`` is
    also the open of an i386 or x32 call), ``NAME@64``, ``NAME@32`` or ``NAME@x32`` for
    one ABI (strace's qualifiers), and a name of one ABI alone (``stat64``) works too;
    ``error`` an errno (1..4095) and
    ``retval`` a return value (mutually exclusive: both skip the call); ``signal`` a
    signal number sent to the thread at the entry; ``delay_enter_ns``/``delay_exit_ns``
    how long to keep the thread stopped at the entry/exit. ``first``, ``last`` (None: no
    limit) and ``step`` (0: only ``first``) select the invocations, counted from 1 per
    system call and per thread. ``syscall``, with ``error`` or ``retval``: the name of a
    call without side effects (``gettid``) run in place of the call, whose result is
    then replaced. ``poke_enter``/``poke_exit``: ``(N, data)`` pairs, *data* (1 to 1024
    bytes) written where argument N (1..7) points, at the entry/exit of the call. ``spec``
    is the text it was parsed from, if any.
    """

    syscalls: frozenset[str]
    error: int | None = None
    retval: int | None = None
    signal: int | None = None
    delay_enter_ns: int | None = None
    delay_exit_ns: int | None = None
    first: int = 1
    last: int | None = None
    step: int = 1
    syscall: str | None = None
    poke_enter: Pokes = ()
    poke_exit: Pokes = ()
    spec: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        what = f"inject rule {self.spec!r}" if self.spec else "InjectRule"
        names = self.syscalls
        if isinstance(names, str):
            names = frozenset({names})   # (one call alone, not its letters)
        elif not isinstance(names, Iterable) or isinstance(names, (bytes, Mapping)):
            raise TypeError(f"{what}: syscalls takes a set of system call names, such as "
                            f"{{'openat'}}, not {_check.show(names)}")
        object.__setattr__(self, "syscalls", frozenset(names))
        if not self.syscalls:
            raise ValueError(f"{what}: no system call given")
        for name in sorted(self.syscalls, key=str):
            if not isinstance(name, str):
                raise TypeError(f"{what}: syscalls takes names such as 'openat', not "
                                f"{_check.show(name)}")
            if not syscalls.selector_keys(name):
                raise ValueError(f"{what}: {_unknown_syscall(name)}")
        if self.error is not None and self.retval is not None:
            raise ValueError(f"{what}: error= and retval= are mutually exclusive")
        if self.error is not None:
            _check.errno_value(self.error, f"{what}: error")
        if self.retval is not None:
            # (kept as given, checked as the verdict will take it: not on the thread held)
            _check.signed_word(self.retval, f"{what}: retval")
        if self.signal is not None:
            _check.signal_number(self.signal, f"{what}: signal")
        if self.syscall is not None:
            problem = _impure(self.syscall)
            if problem:
                raise ValueError(f"{what}: syscall= {problem}")
        for name in ("poke_enter", "poke_exit"):
            object.__setattr__(self, name, checked_pokes(getattr(self, name), what, name))
        for name in ("delay_enter_ns", "delay_exit_ns"):
            v = getattr(self, name)
            if v is not None:
                _check.integer(v, f"{what}: {name}", 0, (1 << 63) - 1,
                               "a number of nanoseconds, 0 or more (parse_delay('100ms'))")
        _check.integer(self.first, f"{what}: first", 1, (1 << 63) - 1,
                       "the first call to tamper with, counted from 1")
        if self.last is not None:
            _check.integer(self.last, f"{what}: last", 0, (1 << 63) - 1,
                           "the last call to tamper with, or None")
        _check.integer(self.step, f"{what}: step", 0, (1 << 63) - 1,
                       "the step between tampered calls, 0 for the first only")
        if all(getattr(self, a) is None for a in
               ("error", "retval", "signal", "delay_enter_ns", "delay_exit_ns")) and not (
                self.poke_enter or self.poke_exit):
            raise ValueError(
                f"{what}: at least one of error=, retval=, signal=, delay_enter=, "
                "delay_exit=, poke_enter= or poke_exit= is required")
        if self.last is not None and self.last < self.first:
            raise ValueError(
                f"{what}: last ({self.last}) must not be less than first ({self.first})")

    def applies_to(self, n: int) -> bool:
        """True when the *n*-th call (counted from 1) is to be tampered with."""
        if n < self.first or (self.last is not None and n > self.last):
            return False
        if self.step == 0:
            return n == self.first
        return (n - self.first) % self.step == 0

    @property
    def replacement(self) -> str | None:
        """The call run in place of the tampered one (``syscall=`` with ``error=`` or
        ``retval=``), else None."""
        return self.syscall if self.skips else None

    @property
    def skips(self) -> bool:
        """True when the call is skipped (``error=`` or ``retval=``)."""
        return self.error is not None or self.retval is not None


# -- parsing ---------------------------------------------------------------------------


def _decimal(digits: str) -> int:
    """The value of ASCII digits; a number too long to be in any range here is 2**64
    (int() would refuse one of over 4300 digits)."""
    digits = digits.lstrip("0")
    return int(digits or "0") if len(digits) <= 20 else 1 << 64


def _unknown_syscall(name: str) -> str:
    close = difflib.get_close_matches(name, sorted(syscalls.names()), n=3, cutoff=0.75)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return f"unknown system call {name!r}{hint}"


def _impure(name: object) -> str:
    """What is wrong with *name* as a syscall= (strace: a call of %pure), or ''."""
    if not isinstance(name, str) or not syscalls.selector_keys(name):
        return f"takes a system call without side effects such as gettid, not {name!r}"
    if name.partition("@")[0] not in syscalls.in_class("pure"):
        return (f"takes a system call without side effects (of the class %pure, such as "
                f"gettid), not {name!r}")
    return ""


def rule_keys(rule: InjectRule) -> frozenset[int]:
    """The calls *rule* tampers with, as keys (see aiotrace.syscalls)."""
    out: set[int] = set()
    for name in rule.syscalls:
        out |= syscalls.selector_keys(name)
    return frozenset(out)


call_key = syscalls.event_key   # the key of a syscall event's call


def _parse_set(text: str, expand: Callable[[str], Iterable[str]] | None) -> frozenset[str]:
    """strace's syscall set: names, numbers, ``?name`` (ignored when unknown), ``all``,
    a leading ``!`` for the complement; ``%class`` and ``/regex`` through *expand*."""
    negate = text.startswith("!")
    if negate:
        text = text[1:]
    names: set[str] = set()
    for token in text.split(","):
        token = token.strip()
        if not token:
            continue
        optional = token.startswith("?")
        if optional:
            token = token[1:]
        if token == "all":
            names.update(syscalls.names())
        elif token.startswith(("%", "/")):
            if expand is None:
                raise ValueError(
                    f"system call classes and regular expressions such as {token!r} are "
                    "not expanded here: list the names, or pass expand= to parse_inject()")
            expanded = set(expand(token))
            for name in expanded:
                if not syscalls.selector_keys(name):
                    raise ValueError(f"{token!r} expanded to an {_unknown_syscall(name)}")
            names.update(expanded)
        elif token.isascii() and token.isdigit():
            # (as strace: the number in every ABI whose table has it)
            nr = _decimal(token)
            found = [f"{table[nr]}@{syscalls.SUFFIXES[abi]}" for abi in syscalls.ABIS
                     if nr in (table := syscalls.by_number(abi))]
            if not found:
                if optional:
                    continue
                raise ValueError(f"no system call has number {token}")
            names.update(found)
        elif syscalls.selector_keys(token):
            names.add(token)
        elif not optional:
            raise ValueError(_unknown_syscall(token))
    if negate:
        names = set(syscalls.names()) - names
    if not names:
        raise ValueError("the system call set is empty")
    return frozenset(names)


def _parse_errno(val: str) -> int | None:
    if val.isascii() and val.isdigit():
        n = _decimal(val)
        return n if 1 <= n <= _MAX_ERRNO else None
    name = val.upper()
    found: object = _KERNEL_ERRNOS.get(name)
    if found is None and name.startswith("E") and name.isidentifier():
        found = getattr(_errno, name, None)
    return found if isinstance(found, int) and 1 <= found <= _MAX_ERRNO else None


def _parse_c_integer(val: str) -> int | None:
    """strtoull(val, 0): decimal, 0x hex or 0 octal, with an optional sign."""
    m = re.fullmatch(r"[ \t\n\v\f\r]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)", val)
    if m is None:
        return None
    digits = m.group(2)
    if digits[:2].lower() == "0x":
        n = int(digits, 16)   # (int() takes the 0x prefix with base 16)
    elif digits.startswith("0"):
        n = int(digits, 8)
    else:
        n = _decimal(digits)
    if m.group(1) == "-":
        n = -n
    if not -(1 << 63) <= n < (1 << 64):
        return None
    return n - (1 << 64) if n >= (1 << 63) else n   # as the kernel's signed long


def _parse_signal(val: str) -> int | None:
    if val.isascii() and val.isdigit():
        n = _decimal(val)
        return n if 1 <= n <= _signal.SIGRTMAX else None
    name = val.upper()
    name = name.removeprefix("SIG")
    m = re.fullmatch(r"RT_([0-9]+)", name)            # strace: SIGRT_N is kernel 32+N
    if m is not None:
        n = 32 + _decimal(m.group(1))
        return n if n <= _signal.SIGRTMAX else None
    m = re.fullmatch(r"RTMIN(?:\+([0-9]+))?|RTMAX(?:-([0-9]+))?", name)
    if m is not None:
        if name.startswith("RTMIN"):
            n = _signal.SIGRTMIN + _decimal(m.group(1) or "0")
        else:
            n = _signal.SIGRTMAX - _decimal(m.group(2) or "0")
        return n if _signal.SIGRTMIN <= n <= _signal.SIGRTMAX else None
    if not name.isalnum():
        return None
    sig: object = getattr(_signal, "SIG" + name, None)
    return int(sig) if isinstance(sig, int) and 1 <= sig <= _signal.SIGRTMAX else None


_DURATION_HELP = ("a non-negative number of microseconds, or a number with the suffix s, ms, "
                  "us or ns (such as 100ms)")
_SCALES = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1, "": 10**3}


_INT64_MAX = (1 << 63) - 1
# strace reads a duration with strtoll, or with strtod when a '.' or an exponent follows
# the digits: white space first, a sign, ASCII digits only (no hex, inf or nan)
_DURATION = re.compile(
    r"[ \t\n\v\f\r]*(?:(?P<int>[+-]?[0-9]+)"
    r"|(?P<float>[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+|[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+)))"
    r"(?P<unit>s|ms|us|ns)?")


def parse_delay(text: str) -> int:
    """A duration in strace's format, in nanoseconds: a non-negative number of
    microseconds, or a number with the suffix ``s``, ``ms``, ``us`` or ``ns``
    (``"100ms"``, ``"1.5s"``, ``"250"``). As strace, an integer above 2**63 - 1 and a
    decimal number that a double cannot hold (``1e400``, ``1e-400``) are refused.
    Raises ``ValueError``."""
    ns = _delay_ns(text)
    if isinstance(ns, str):
        raise ValueError(f"a duration {ns}")
    return ns


def _delay_ns(text: str) -> int | str:
    """parse_delay(), or what is wrong (``takes ..., not 'TEXT'``)."""
    m = _DURATION.fullmatch(text)
    if m is None:
        return f"takes {_DURATION_HELP}, not {text!r}"
    number = m.group("int")
    if number is not None:
        digits = number.lstrip("+-").lstrip("0")
        if len(digits) > 19 or int(digits or "0") > _INT64_MAX:
            return f"takes {_DURATION_HELP}, up to {_INT64_MAX}, not {text!r}"
    else:
        number = m.group("float")
        as_double = float(number)
        if math.isinf(as_double) or (as_double == 0.0) != (Decimal(number) == 0) or (
                0.0 < abs(as_double) < sys.float_info.min):
            return f"takes {_DURATION_HELP}, one that a double can hold, not {text!r}"
    value = Decimal(number)
    if value < 0:
        return f"takes {_DURATION_HELP}, not {text!r}"
    return int(value * _SCALES[m.group("unit") or ""])


def _parse_when(val: str) -> tuple[int, int | None, int]:
    grammar = ("when= takes first, first..last, first+, first+step or first..last+step, "
               f"not {val!r}")
    m = re.fullmatch(r"([0-9]+)(?:\.\.([0-9]+))?(\+([0-9]*))?", val)
    if m is None:
        raise ValueError(grammar)
    first = _decimal(m.group(1))
    if not 1 <= first <= _WHEN_MAX:
        raise ValueError(f"when= first must be in 1..{_WHEN_MAX}, not {m.group(1)}")
    last: int | None = None
    if m.group(2) is not None:
        last = _decimal(m.group(2))
        if last < first:
            raise ValueError(f"when= last ({last}) must not be less than first ({first})")
        if last > _LAST_MAX:
            raise ValueError(f"when= last must be at most {_LAST_MAX}, not {m.group(2)}")
    if m.group(3) is not None:
        if m.group(4):
            step = _decimal(m.group(4))
            if not 1 <= step <= _WHEN_MAX:
                raise ValueError(f"when= step must be in 1..{_WHEN_MAX}, not {m.group(4)}")
        else:
            step = 1                        # F+ == F..INF+1, F..L+ == F..L+1
    else:
        step = 0 if last is None else 1     # F == F..INF+0 (once), F..L == F..L+1
    return first, last, step


#: each valued option: how it is read (None: refused), and what it takes (for the message)
_VALUES: dict[str, tuple[Callable[[str], int | None], str]] = {
    "error": (_parse_errno, f"an errno name such as ENOENT or a number in 1..{_MAX_ERRNO}"),
    "retval": (_parse_c_integer,
               "an integer (decimal, 0x hex or 0 octal) that fits in 64 bits"),
    "signal": (_parse_signal,
               f"a signal name such as SIGUSR1 or a number in 1..{int(_signal.SIGRTMAX)}"),
}


def parse_inject(
    spec: str, *, expand: Callable[[str], Iterable[str]] | None = None
) -> InjectRule:
    """Parse one strace ``-e inject=`` expression (without the ``inject=`` part):
    ``SET:error=E|retval=V|signal=S|delay_enter=D|delay_exit=D|when=EXPR``.

    SET is a comma-separated list of system call names (or numbers, ``?name``, ``all``,
    a leading ``!``); ``%class`` and ``/regex`` tokens are handed to *expand*, a callable
    returning the names (the CLI has the classes). Raises ``ValueError`` naming what is
    wrong: an unknown system call, an unknown errno or signal, a bad ``when=``, both
    ``error=`` and ``retval=``, a repeated option, no action at all...
    """
    if not isinstance(spec, str):
        raise TypeError(
            f"parse_inject() takes a string such as 'openat:error=ENOENT', not {spec!r}")

    def bad(reason: str) -> ValueError:
        return ValueError(f"invalid inject argument {spec!r}: {reason}")

    set_text, *tokens = spec.split(":")
    if not set_text.strip():
        raise bad("no system call given before the first ':'")
    try:
        syscalls = _parse_set(set_text, expand)
    except ValueError as exc:
        raise bad(str(exc)) from None
    got: dict[str, Any] = {}
    when: tuple[int, int | None, int] = (1, None, 1)
    for token in tokens:
        if not token:
            continue                        # strace's strtok() skips empty tokens
        key, eq, val = token.partition("=")
        if not eq:
            raise bad(f"{token!r} is not an option=value pair (expected {_OPTIONS_HINT})")
        if key == "when":
            try:
                when = _parse_when(val)     # strace: the last when= wins
            except ValueError as exc:
                raise bad(str(exc)) from None
            continue
        if key not in _ACTIONS:
            raise bad(f"unknown option {key + '=' if key else token!r} (expected {_OPTIONS_HINT})")
        if key in got:
            raise bad(f"{key}= is given twice")
        if key in ("error", "retval") and ({"error", "retval"} & got.keys()):
            raise bad("error= and retval= are mutually exclusive")
        if key == "syscall":
            problem = _impure(val)
            if problem:
                raise bad(f"syscall= {problem}")
            got[key] = val
        elif key in ("poke_enter", "poke_exit"):
            pokes = parse_pokes(val)
            if isinstance(pokes, str):
                raise bad(f"{key}= {pokes}")
            got[key] = pokes
        elif key in _VALUES:
            parse, wants = _VALUES[key]
            n = parse(val)
            if n is None:
                raise bad(f"{key}= takes {wants}, not {val!r}")
            got[key] = n
        else:
            ns = _delay_ns(val)
            if isinstance(ns, str):
                raise bad(f"{key}= {ns}")
            # (strace's grammar reaches 1e308 s; InjectRule holds up to 2**63-1 ns, 292
            # years: as long as for ever here)
            got[key] = min(ns, _INT64_MAX)
    if not got.keys() - {"syscall"}:
        raise bad("at least one of error=, retval=, signal=, delay_enter=, delay_exit=, "
                  "poke_enter= or poke_exit= is required")
    first, last, step = when
    return InjectRule(
        syscalls=syscalls, error=got.get("error"), retval=got.get("retval"),
        signal=got.get("signal"), delay_enter_ns=got.get("delay_enter"),
        delay_exit_ns=got.get("delay_exit"), first=first, last=last, step=step,
        syscall=got.get("syscall"), poke_enter=got.get("poke_enter", ()),
        poke_exit=got.get("poke_exit", ()), spec=spec,
    )


# -- the engine ------------------------------------------------------------------------


def _check_engine_process(proc: object, what: str) -> None:
    if not isinstance(proc, Process):
        raise TypeError(f"{what} takes the traced aiotrace.Process (from tracer.spawn() or "
                        f"tracer.attach()), not {_check.show(proc)}")


def _names(keys: Any) -> frozenset[str]:
    """Keys as the names events() takes (name@ABI where a name's other ABIs are left out)."""
    return syscalls.key_selectors(set(keys))


async def _release_after(handle: HoldHandle, delay_ns: int) -> None:
    try:
        await anyio.sleep(delay_ns / 1e9)   # the thread stays stopped meanwhile
    finally:
        handle.release()                    # even when cancelled: never leave it stopped


async def inject(
    proc: Process,
    *rules: InjectRule | str,
    only: Callable[[SyscallEntry], bool] | None = None,
    on_poke: Callable[[int, str | None], None] | None = None,
    task_status: anyio.abc.TaskStatus[Counter[str]] = anyio.TASK_STATUS_IGNORED,
) -> Counter[str]:
    """Tamper with the system calls of *proc* (and its followed children) until the whole
    family is gone; returns how many calls were tampered with, by system call name.

    *rules* are :class:`InjectRule` objects or strace ``-e inject=`` strings. Start it with
    ``counts = await tg.start(inject, proc, "openat:error=ENOENT")`` before
    ``proc.resume()``: ``start`` returns once the engine is subscribed (with the same
    Counter, filled as the process runs).

    Delays do not block the engine: each delayed thread is held with ``hold()`` while a
    task awaits ``anyio.sleep``, so other threads and processes keep running.

    *on_poke*, if given, hears of the pokes (``poke_enter=``, ``poke_exit=``) of each
    call, before the thread goes on: ``(tid, None)`` when one was written,
    ``(tid, message)`` for each that could not be (strace's "Failed to tamper with
    process N: couldn't poke").

    *only*, if given, is called with each call of the rules' system calls at its entry,
    the thread stopped; a call for which it returns False is neither tampered with nor
    counted for ``when=`` (strace's ``-P PATH`` with ``-e inject=``: only the calls
    that use PATH count).
    """
    parsed = [r if isinstance(r, InjectRule) else parse_inject(r) for r in rules]
    if not parsed:
        raise ValueError("inject() needs at least one rule, such as 'openat:error=ENOENT'")
    _check_engine_process(proc, "inject()")
    if only is not None and not callable(only):
        raise TypeError(f"inject(only=...) takes a function of the call, not {_check.show(only)}")
    table: dict[int, InjectRule] = {}   # the tracer's keys: a call of each ABI apart
    for given in parsed:
        for key in rule_keys(given):
            table[key] = given         # the last rule naming it wins
    exit_keys = {key for key, r in table.items()
                 if r.delay_exit_ns is not None or r.poke_exit}
    for r in parsed:
        if r.replacement is not None and rule_keys(r) & table.keys():
            exit_keys |= syscalls.selector_keys(r.replacement)   # (its exit: the result)
    done: Counter[str] = Counter()
    calls: dict[tuple[int, int], int] = {}   # (tid, key) -> calls seen, as strace's tcb
    exit_delay: dict[int, int] = {}          # tid -> ns to hold its current call's exit
    results: dict[int, int] = {}             # tid -> what its replaced call returns
    exit_pokes: dict[int, Pokes] = {}        # tid -> what to write at its call's exit

    async with anyio.create_task_group() as delays:
        entries = proc.events(SyscallEntry, syscalls=_names(table), intercept=True)
        exits = (proc.events(SyscallExit, syscalls=_names(exit_keys), intercept=True)
                 if exit_keys else None)
        task_status.started(done)

        async def on_exits() -> None:
            assert exits is not None
            async with exits:
                async for ev in exits:
                    pokes = exit_pokes.pop(ev.tid, None)
                    if pokes:
                        poke(ev, pokes, on_poke)
                    ns = exit_delay.pop(ev.tid, None)
                    if ns:
                        delays.start_soon(_release_after, ev.hold(), ns)
                    value = results.pop(ev.tid, None)
                    if value is not None:
                        ev.set_return(value)
                    else:
                        ev.resume()

        if exits is not None:
            delays.start_soon(on_exits)
        async with entries:
            async for call in entries:
                key = call.nr if call.abi == "x86_64" else call_key(call)
                rule = table.get(key)
                if rule is None:
                    call.resume()
                    continue
                if only is not None:
                    try:
                        chosen = only(call)
                    except TraceeGone:
                        continue              # killed while stopped
                    if not chosen:
                        exit_delay.pop(call.tid, None)
                        exit_pokes.pop(call.tid, None)
                        call.resume()
                        continue
                count = (call.tid, key)
                n = calls[count] = calls.get(count, 0) + 1
                if not rule.applies_to(n):
                    exit_delay.pop(call.tid, None)
                    exit_pokes.pop(call.tid, None)
                    call.resume()
                    continue
                done[call.name] += 1
                if rule.delay_exit_ns is not None:
                    exit_delay[call.tid] = rule.delay_exit_ns
                else:
                    exit_delay.pop(call.tid, None)
                if rule.poke_exit:
                    exit_pokes[call.tid] = rule.poke_exit
                else:
                    exit_pokes.pop(call.tid, None)
                if rule.poke_enter:
                    poke(call, rule.poke_enter, on_poke)   # (before the trace shows it)
                if rule.delay_enter_ns:
                    delays.start_soon(_release_after, call.hold(), rule.delay_enter_ns)
                sig = rule.signal or 0   # (sent as the thread goes on: send_signal)
                if rule.replacement is not None:
                    results[call.tid] = (-rule.error if rule.error is not None
                                         else int(rule.retval or 0))
                    call.rewrite(rule.replacement, signal=sig)
                elif rule.error is not None:
                    call.fail(rule.error, signal=sig)
                elif rule.retval is not None:
                    call.return_value(rule.retval, signal=sig)
                elif sig:
                    call.send_signal(sig)
                else:
                    call.resume()
        # The stream ended: the family is gone (or detached). A delay still running holds
        # a thread that is no more: end it now rather than sleep out its time.
        delays.cancel_scope.cancel()
    return done
