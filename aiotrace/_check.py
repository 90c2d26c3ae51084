"""Checks of the values the public API takes, at the call.

A value the tracer thread cannot use must be refused where the caller passes it, before
anything is posted to that thread: there it would end the thread (a ``struct.error`` in
the seccomp compiler, an ``OverflowError`` in ctypes) or be silently cut to 64 bits. A
wrong type raises ``TypeError``, a value out of range ``ValueError``; each names the
argument and says what to pass. ``bool`` is refused where a number is expected (``True``
is an int to Python, but ``fail(True)`` or ``replace(True)`` is a mistake, not errno 1 or
SIGHUP). Integers are taken through ``__index__``, so numpy's and ``IntEnum``'s count.

Pure: no tracee, no async library.
"""

from __future__ import annotations

import operator
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ._core._syscalls import ABI_CODES, ALL_NAMES, NAMES_BY_ABI, SYSCALL_NAMES, selector_keys
from ._core._syscalls import syscall_number as _syscall_number_of

#: a register, an argument or a return value: 64 bits, signed or unsigned
WORD_MIN, WORD_MAX = -(1 << 63), (1 << 64) - 1
#: pids and tids are the kernel's pid_t, a positive C int (one that no process has is
#: refused by the kernel: ESRCH)
PID_MAX = (1 << 31) - 1
#: kernel signals are 1 to 64 (SIGRTMAX); errnos 1 to 4095 (what a syscall can return)
SIGNAL_MAX = 64
ERRNO_MAX = 4095
#: x86-64 Linux is built for at most 8192 CPUs (NR_CPUS)
CPUS_MAX = 8192
#: syscall numbers below this are accepted (see syscall_number)
SYSCALL_TABLE_SIZE = max(SYSCALL_NAMES) + 1


def show(value: Any) -> str:
    """*value* for an error message: an int of many digits by its size only."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"an integer of {value.bit_length()} bits"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def integer(value: Any, what: str, lo: int, hi: int, expect: str) -> int:
    """*value* as an int from *lo* to *hi*; *what* names the argument, *expect* says what
    to pass ("an errno from 1 to 4095, such as errno.EACCES")."""
    if isinstance(value, bool) or not hasattr(type(value), "__index__"):
        raise TypeError(f"{what} takes {expect}, not {show(value)}")
    v = operator.index(value)
    if not lo <= v <= hi:
        raise ValueError(f"{what}: {show(v)} is out of range: pass {expect}")
    return v


def word(value: Any, what: str) -> int:
    """A 64-bit value (a register, an argument, a return value), signed or unsigned, as
    the kernel will see it: unsigned."""
    v = integer(value, what, WORD_MIN, WORD_MAX,
                f"an int that fits in 64 bits ({WORD_MIN} to {WORD_MAX})")
    return v & WORD_MAX


def signed_word(value: Any, what: str) -> int:
    """A 64-bit return value, as the kernel's signed long (-13 for -EACCES)."""
    v = word(value, what)
    return v - (1 << 64) if v >= 1 << 63 else v


def errno_value(value: Any, what: str) -> int:
    return integer(value, what, 1, ERRNO_MAX,
                   f"a positive errno, 1 to {ERRNO_MAX}, such as errno.EACCES")


def signal_number(value: Any, what: str, lo: int = 1) -> int:
    return integer(value, what, lo, SIGNAL_MAX,
                   f"a signal number from {lo} to {SIGNAL_MAX}, such as signal.SIGUSR1")


def tid(value: Any, what: str) -> int:
    return integer(value, what, 1, PID_MAX,
                   f"a process or thread id (an int from 1 to {PID_MAX}), such as proc.pid")


def flag(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{what} takes True or False, not {show(value)}")
    return value


def unknown_syscall(name: str) -> ValueError:
    """The error for a system call name no ABI has (or the ABI named with @ lacks)."""
    base, at, suffix = name.rpartition("@")
    if at and suffix in _ABI_OF_SUFFIX and base in ALL_NAMES:
        return ValueError(f"unknown system call {name!r}: {_ABI_OF_SUFFIX[suffix]} has no "
                          f"{base!r}")
    close = sorted(n for n in ALL_NAMES if n.startswith(name[:3]))[:5] if name else []
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return ValueError(f"unknown system call {name!r}{hint}")


_ABI_OF_SUFFIX = {"64": "x86-64", "32": "i386", "x32": "x32"}


def _number(value: Any, what: str, abi: str) -> int:
    if isinstance(value, bool) or not hasattr(type(value), "__index__"):
        raise TypeError(f"{what} takes system call names (such as 'openat') or numbers, "
                        f"not {show(value)}")
    nr = operator.index(value)
    size = max(NAMES_BY_ABI[ABI_CODES[abi]]) + 1
    if not 0 <= nr < size:
        shown = abi.replace("_", "-")
        raise ValueError(
            f"{what}: {show(nr)} is not a system call number: {shown} numbers go from 0 to "
            f"{size - 1} (Linux 6.18); pass a name such as 'openat' or a number in that "
            "range")
    return nr


def syscall_number(value: Any, what: str, abi: str = "x86_64") -> int:
    """One system call of ABI *abi* (a rewrite keeps its call's ABI), by name or number.

    The rule is strace's (``-e trace=``): a name must be one of that ABI's table; a
    number must be below the table's size (x86-64: 0 to 469), holes included (a number
    the kernel does not have makes the call fail with ENOSYS, and can still be traced or
    rewritten to). Larger numbers, negative ones and strace's ``syscall_0x1f4`` spelling
    are refused."""
    if isinstance(value, str):
        try:
            return _syscall_number_of(value, abi)
        except KeyError:
            if value in ALL_NAMES:
                shown = abi.replace("_", "-")
                raise ValueError(f"{what}: {shown} has no system call {value!r} (the call "
                                 f"is an {shown} one)") from None
            raise ValueError(f"{what}: {unknown_syscall(value)}") from None
    return _number(value, what, abi)


def syscall_set(value: Any, what: str) -> frozenset[int]:
    """Names or numbers (one alone too) as the set of keys the tracer filters with (see
    aiotrace._core._syscalls): a name is its call in every ABI that has it, ``NAME@64``,
    ``NAME@32`` or ``NAME@x32`` one ABI's (strace's qualifiers), and a number an x86-64
    one (see syscall_number). An empty set means none."""
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        value = (value,)
    elif isinstance(value, (bytes, Mapping)) or not isinstance(value, Iterable):
        raise TypeError(f"{what} takes a set of system call names or numbers, such as "
                        f"{{'openat', 'read'}}, not {show(value)}")
    keys: set[int] = set()
    for s in value:
        if isinstance(s, str):
            got = selector_keys(s)
            if not got:
                raise ValueError(f"{what}: {unknown_syscall(s)}")
            keys |= got
        else:
            keys.add(_number(s, what, "x86_64"))   # (an x86-64 number is its own key)
    return frozenset(keys)


def tid_set(value: Any, what: str) -> frozenset[int]:
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,)
    elif isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise TypeError(f"{what} takes thread ids (ints), such as {{proc.pid}}, not "
                        f"{show(value)}")
    return frozenset(integer(t, what, 1, PID_MAX,
                             f"thread ids (ints from 1 to {PID_MAX}), such as {{proc.pid}}")
                     for t in value)


def path(value: Any, what: str) -> str:
    """A path or a program argument: str, bytes or os.PathLike, without NUL."""
    try:
        text = os.fsdecode(value)
    except TypeError:
        raise TypeError(f"{what} takes a str, bytes or os.PathLike, not {show(value)}") from None
    if "\0" in text:
        raise ValueError(f"{what}: {show(value)} contains a NUL character, which no path or "
                         "argument can hold")
    return text


def argv(value: Any) -> list[str]:
    if isinstance(value, (str, bytes, os.PathLike)):
        value = [value]   # a program without arguments, as subprocess takes it
    elif isinstance(value, Mapping) or not isinstance(value, Iterable):
        raise TypeError(f"spawn() takes the program and its arguments as a list, such as "
                        f"['ls', '-l'], not {show(value)}")
    out = [path(a, f"argv[{i}]") for i, a in enumerate(value)]
    if not out:
        raise ValueError("spawn() needs a program to run: argv is empty")
    return out


def environment(value: Any) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TypeError(f"env takes a mapping of names to values, such as "
                        f"dict(os.environ, LANG='C'), or None, not {show(value)}")
    out: dict[str, str] = {}
    for k, v in value.items():
        key = path(k, "env (a name)")
        if not key or "=" in key:
            raise ValueError(f"env: {show(k)} is not a variable name (empty, or with '=')")
        out[key] = path(v, f"env[{key!r}]")
    return out


def sequence_of_words(value: Any, what: str, most: int) -> tuple[int, ...]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        raise TypeError(f"{what} takes a sequence of ints, such as list(call.args), not "
                        f"{show(value)}")
    if len(value) > most:
        raise ValueError(f"{what}: a system call has at most {most} arguments, not {len(value)}")
    return tuple(word(v, f"{what}[{i}]") for i, v in enumerate(value))


def buffer(value: Any, what: str) -> bytes | bytearray | memoryview:
    if not isinstance(value, (bytes, bytearray, memoryview)):
        hint = " (encode a str first, such as path.encode())" if isinstance(value, str) else ""
        raise TypeError(f"{what} takes bytes{hint}, not {show(value)}")
    return value


def address_range(addr: Any, n: Any, what: str) -> tuple[int, int]:
    """An address in the tracee and a byte count, as a range inside the 64-bit space."""
    a = integer(addr, f"{what} address", 0, WORD_MAX,
                f"an address from 0 to {WORD_MAX:#x}, such as call.args[1]")
    size = integer(n, f"{what} size", 0, WORD_MAX + 1 - a,
                   "a byte count from 0 to the end of the address space")
    return a, size
