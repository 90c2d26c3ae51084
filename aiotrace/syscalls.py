# SPDX-License-Identifier: GPL-2.0-or-later
"""What aiotrace knows about each system call: its name and number in each ABI, strace's
classes, which arguments are paths and descriptors, and the selectors that name calls.

``aiotrace.syscalls.lookup("openat")`` gives the call's :class:`Syscall`::

    Syscall(name='openat', abi='x86_64', nr=257, nargs=4,
            arg_names=('dirfd', 'filename', 'flags', 'mode'),
            classes=frozenset({'file', 'desc'}), paths=(1,), dirfds=(0,), fds=())

**ABIs.** An x86-64 kernel runs the calls of three ABIs, each with its own numbers:
``"x86_64"``, ``"i386"`` (``int $0x80``, or a 32-bit program: its 5 is ``open`` where
x86-64's 5 is ``fstat``) and ``"x32"``. A syscall event says which in ``ev.abi``, and its
``ev.nr`` is a number of that ABI's table.

**Selectors.** Where aiotrace takes system calls by name (``proc.events(syscalls=...)``,
the engines), a name stands for its call in every ABI that has it, and ``NAME@64``,
``NAME@32`` or ``NAME@x32`` for one ABI's (strace's qualifiers: ``open@32``); a name only
one ABI has (``stat64``) names that ABI's call.

**Keys.** A key is one int that tells a call of one ABI from the same number in another:
for an x86-64 call its number itself, for the others a number of its own
(:func:`key`, :func:`event_key`; :func:`key_abi` and :func:`key_nr` take it apart). Use
keys to index tables by call, as the built-in engines do; :func:`selector_keys` and
:func:`key_selectors` go from selectors to keys and back.

The table is aiotrace's own (Linux 6.18; python-ptrace's stops at 5.8); the command's
``-e trace=%file`` classes are strace 6.1's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from ._core import _syscalls as _s

__all__ = [
    "ABIS", "CLASSES", "MODES", "SUFFIXES", "Syscall", "by_number", "event_key", "in_class",
    "key", "key_abi", "key_name", "key_nr", "key_selectors", "lookup", "name", "names",
    "number", "path_args", "selector_keys", "table",
]

#: the ABIs of an x86-64 kernel, as events name them (``ev.abi``)
ABIS: tuple[str, ...] = _s.ABIS
#: the selector suffix of each ABI: ``open@32`` is i386's open
SUFFIXES: Mapping[str, str] = MappingProxyType(
    {_s.ABIS[code]: suffix for suffix, code in _s.ABI_SUFFIXES.items()})
#: how strace names each ABI's mode ("[ Process PID=N runs in 32 bit mode. ]")
MODES: Mapping[str, str] = MappingProxyType(dict(zip(_s.ABIS, _s.ABI_MODES, strict=True)))
#: strace's classes of system calls (``-e trace=%file``), without the ``%``; ``%stat`` and
#: ``%statfs`` are the stat-like and statfs-like calls (strace's ``%%stat``)
CLASSES: tuple[str, ...] = _s.CLASS_NAMES


class Syscall(NamedTuple):
    """One system call of one ABI, as aiotrace knows it.

    ``nargs`` is how many arguments it takes; ``arg_names`` their names as ``ev.args``
    takes them (``ev.args.filename``; empty when aiotrace has no prototype), on i386 up to
    the first 64-bit one (which takes two registers); ``classes`` strace's classes it is
    in. ``paths`` are the indices of the arguments that are file names the kernel looks
    up (not symlink's target, stored as it is); ``dirfds`` those of the directory
    descriptors (or ``AT_FDCWD``) they are relative to; ``fds`` those of the other file
    descriptors.
    """

    name: str
    abi: str
    nr: int
    nargs: int
    arg_names: tuple[str, ...]
    classes: frozenset[str]
    paths: tuple[int, ...]
    dirfds: tuple[int, ...]
    fds: tuple[int, ...]


def _abi_code(abi: str) -> int:
    try:
        return _s.ABI_CODES[abi]
    except (KeyError, TypeError):
        raise ValueError(f"unknown ABI {abi!r}: one of {', '.join(_s.ABIS)}") from None


def _syscall(r: _s.Row, code: int) -> Syscall:
    nr = r.nr(code)
    assert nr is not None
    return Syscall(r.name, _s.ABIS[code], nr, r.nargs, tuple(n for _, n in r.params(code)),
                   frozenset(r.classes.split()), r.paths, r.dirfds, r.fds)


def lookup(name: str, abi: str = "x86_64") -> Syscall:
    """Call *name* of *abi*; ``KeyError`` (saying so) when that ABI has no such call."""
    code = _abi_code(abi)
    r = _s.row(name, code)
    if r is None:
        raise KeyError(f"unknown {abi.replace('_', '-')} system call name {name!r}")
    return _syscall(r, code)


def table(abi: str | None = None) -> tuple[Syscall, ...]:
    """Every call of *abi* (or of every ABI), by number (all of them made at once: to look
    at a few, use :func:`lookup`)."""
    codes = range(len(_s.ABIS)) if abi is None else (_abi_code(abi),)
    out = []
    for code in codes:
        for _nr, call in sorted(_s.NAMES_BY_ABI[code].items()):
            r = _s.row(call, code)
            assert r is not None
            out.append(_syscall(r, code))
    return tuple(out)


def path_args(abi: str | None = None) -> dict[str, tuple[int, ...]]:
    """The calls of *abi* (or of every ABI) that take file names, by name: the indices of
    those arguments (as :attr:`Syscall.paths`)."""
    codes = range(len(_s.ABIS)) if abi is None else (_abi_code(abi),)
    out = {}
    for call, got in _s.rows().items():
        for r in got:
            if any(r.nr(code) is not None for code in codes) and r.paths:
                out[call] = r.paths
    return out


def name(nr: int, abi: str = "x86_64") -> str:
    """The name of call *nr* of *abi*, or ``syscall_0xNNN`` (strace's spelling) when that
    number has none."""
    _abi_code(abi)
    return _s.syscall_name(nr, abi)


def number(name: str, abi: str = "x86_64") -> int:
    """The number of call *name* in *abi*'s table; ``KeyError`` (saying so) when unknown."""
    _abi_code(abi)
    return _s.syscall_number(name, abi)


def by_number(abi: str = "x86_64") -> Mapping[int, str]:
    """*abi*'s table: number -> name (read-only)."""
    return MappingProxyType(_s.NAMES_BY_ABI[_abi_code(abi)])


def names(abi: str | None = None) -> frozenset[str]:
    """The names of every call of *abi* (or of every ABI)."""
    if abi is None:
        return _s.ALL_NAMES
    return frozenset(_s.NUMBERS_BY_ABI[_abi_code(abi)])


def in_class(cls: str) -> frozenset[str]:
    """The names of the calls in strace's class *cls*, one of :data:`CLASSES` (``"file"``
    for ``-e trace=%file``, ``"%stat"`` for ``%%stat``), of every ABI; ``KeyError`` for an
    unknown class."""
    got = _s.class_names().get(cls)
    if got is None:
        raise KeyError(f"unknown system call class {cls!r}: one of {', '.join(CLASSES)}")
    return got


def key(abi: str, nr: int) -> int:
    """The key of call *nr* (a number of *abi*'s table, or any int) of *abi*."""
    return nr if abi == "x86_64" else _s.make_key(_abi_code(abi), nr)


def event_key(ev: Any) -> int:
    """The key of a syscall event's call (``SyscallEntry``, ``SyscallExit``)."""
    abi = ev.abi
    return ev.nr if abi == "x86_64" else _s.make_key(_s.ABI_CODES[abi], ev.nr)


def key_abi(key: int) -> str:
    """The ABI of the call *key* stands for."""
    return _s.ABIS[_s.key_abi(key)]


def key_nr(key: int) -> int:
    """The number of the call *key* stands for, in its ABI's table."""
    return _s.key_nr(key)


def key_name(key: int) -> str:
    """The name of the call *key* stands for (``syscall_0xNNN`` when it has none)."""
    return _s.key_name(key)


def selector_keys(selector: str) -> frozenset[int]:
    """The keys of the calls *selector* names (``"open"``: open of every ABI that has it;
    ``"open@32"``: i386's). Empty for a name no ABI has."""
    return _s.selector_keys(selector)


def key_selectors(keys: Iterable[int]) -> frozenset[str]:
    """The selectors that name exactly the named calls among *keys*: a name alone when
    all of its calls are there, ``NAME@ABI`` for each one that is when some are not."""
    return _s.key_selectors(frozenset(keys))
