# SPDX-License-Identifier: GPL-2.0-or-later
"""strace's ``-e trace=``, ``-e signal=``, ``-e status=`` and ``-e quiet=`` sets.

The system call classes (``%file``, ``%process``...) are those of strace 6.1, kept in the
syscall table (aiotrace._core._systable). They were read off strace itself: a probe
program called every system call number under a seccomp filter that made each call fail
with ENOSYS, and ``strace -e trace=%CLASS`` printed the members of each class
(``tests/cli/test_cli_args.py`` repeats that probe against /usr/bin/strace). Calls newer than
strace 6.1 (451 and up) are classed as later strace releases class them.
"""

from __future__ import annotations

import re

from ._internals import (
    ABI_SUFFIX, ABI_SUFFIXES, ALL_KEYS, ALL_NAMES, NAMES_BY_ABI, NUMBERS_BY_ABI, SIGNAL_NAMES,
    class_names, key_selectors, selector_keys,
)

__all__ = [
    "CLASSES", "SetError", "parse_syscall_set", "expand_token", "parse_signal_set",
    "parse_status_set", "parse_quiet_set", "SIGNAL_NAMES", "signal_name", "STATUSES",
    "selectors_keys",
]


class SetError(ValueError):
    """A bad -e expression; the message is what aiotrace prints after ``aiotrace: ``."""


# strace's classes (the syscall table's: see aiotrace._core._systable), and "net"
CLASSES: dict[str, frozenset[str]] = dict(class_names())
CLASSES["net"] = CLASSES["network"]
# strace still accepts these without the "%" (deprecated spelling).
BARE_CLASSES = ("file", "process", "network", "signal", "ipc", "desc", "memory")


def _unknown(token: str) -> SetError:
    import difflib   # (on use: start-up time)
    msg = f"invalid system call '{token}'"
    name = token.lstrip("%")
    close = difflib.get_close_matches(name, sorted(ALL_NAMES), n=3, cutoff=0.75)
    if token.startswith("%"):
        classes = sorted("%" + c for c in CLASSES)
        near = difflib.get_close_matches(token, classes, n=2, cutoff=0.6)
        msg += f" (classes: {', '.join(classes)})" if not near else \
            f" (did you mean {' or '.join(near)}?)"
    elif close:
        msg += f" (did you mean {', '.join(close)}?)"
    return SetError(msg)


def expand_token(token: str) -> set[str]:
    """Names for one element of a syscall set (a name, number, ``%class``, bare class
    name, ``/regex``, ``all``, ``none``, with ``@64``/``@32``/``@x32``); raises SetError.
    An unknown element or one matching nothing is an error unless it starts with ``?``.

    A name stands for its call in every ABI that has it (``open`` is also i386's and
    x32's), a name with ``@64``, ``@32`` or ``@x32`` for that ABI's only, and a number
    for the call of that number in each ABI (as strace takes them): the names returned
    are qualified (``fstat@64``, ``open@32``) where they stand for less than every ABI."""
    optional = token.startswith("?")
    if optional:
        token = token[1:]
    orig = token
    pers = None
    m = re.fullmatch(r"(.*)@(64|32|x32)", token)
    if m is not None and not token.startswith("/"):
        token, pers = m.group(1), ABI_SUFFIXES[m.group(2)]
    found: set[str]
    if token == "all":
        found = set(ALL_NAMES)
    elif token == "none":
        found = set()
    elif token.startswith("/"):
        try:
            rx = re.compile(token[1:])
        except re.error as exc:
            raise SetError(f"invalid regular expression '{token[1:]}': {exc}") from None
        found = {n for n in ALL_NAMES if rx.search(n)}
        if not found and not optional:
            raise SetError(f"invalid system call '{token}' (the regular expression "
                           "matches no system call)")
    elif token.startswith("%"):
        cls = CLASSES.get(token[1:])
        if cls is None:
            if optional:
                return set()
            raise _unknown(token)
        found = {n for n in cls if n in ALL_NAMES}
    elif token in BARE_CLASSES:
        found = {n for n in CLASSES[token] if n in ALL_NAMES}
    elif token.isascii() and token.isdigit():
        nr = int(token) if len(token.lstrip("0")) <= 9 else -1   # (-1: no call has it)
        found = {f"{table[nr]}@{ABI_SUFFIX[abi]}" for abi, table in enumerate(NAMES_BY_ABI)
                 if nr in table and (pers is None or pers == abi)}
        if not found:
            if optional:
                return set()
            raise SetError(f"invalid system call '{token}' (no system call has that number)")
        return found
    elif token in ALL_NAMES:
        found = {token}
    else:
        if optional:
            return set()
        raise _unknown(orig)
    if pers is not None:
        # (that ABI's calls only, of those names it has)
        return {f"{n}@{ABI_SUFFIX[pers]}" for n in found if n in NUMBERS_BY_ABI[pers]}
    return found


def selectors_keys(names: frozenset[str] | set[str]) -> frozenset[int]:
    """The tracer's keys (see aiotrace._core._syscalls) of a set of names (qualified or
    not)."""
    keys: set[int] = set()
    for n in names:
        keys |= selector_keys(n)
    return frozenset(keys)


def _split_set(text: str, what: str) -> tuple[bool, list[str]]:
    """strace's ``[!]value[,value]...``: whether it is negated, and its values (at least
    one, or SetError ``invalid WHAT 'TEXT'``)."""
    negate = text.startswith("!")
    body = text[1:] if negate else text
    tokens = [t for t in body.split(",") if t]
    if not tokens:
        raise SetError(f"invalid {what} '{text}'")
    return negate, tokens


def parse_syscall_set(text: str) -> frozenset[str]:
    """strace's ``[!]value[,value]...``; returns the set of names (``open``, or ``open@32``
    where a name stands for less than every ABI that has it). Raises SetError."""
    negate, tokens = _split_set(text, "system call")
    names: set[str] = set()
    for tok in tokens:
        names |= expand_token(tok)
    if negate:
        return key_selectors(ALL_KEYS - selectors_keys(names))
    return frozenset(names)


# -- signals ----------------------------------------------------------------------------

_SIGNAL_NUMBERS = {name: n for n, name in SIGNAL_NAMES.items()}
_SIGNAL_NUMBERS.update({"SIGIOT": 6, "SIGPOLL": 29, "SIGCLD": 17, "SIGUNUSED": 31})


def signal_name(signo: int) -> str:
    """``SIGCHLD``, ``SIGRT_3``... as strace prints them."""
    return SIGNAL_NAMES.get(signo, str(signo))


def signal_number(text: str) -> int | None:
    """A signal name (any case, with or without ``SIG``) or a decimal number in 0..255, as
    strace accepts them (numbers outside 1..64 are valid but match no signal)."""
    if text.isdigit() and text.isascii():
        n = int(text, 10) if len(text.lstrip("0")) <= 9 else 256
        return n if n <= 255 else None
    name = text.upper()
    if not name.startswith("SIG"):
        name = "SIG" + name
    return _SIGNAL_NUMBERS.get(name)


def parse_signal_set(text: str) -> frozenset[int]:
    """``-e signal=[!]sig[,sig]...``: names (``SIGUSR1``, ``usr1``), numbers, ``all``,
    ``none``. Raises SetError."""
    negate, tokens = _split_set(text, "signal")
    sigs: set[int] = set()
    for tok in tokens:
        if tok == "all":
            sigs.update(range(1, 65))
        elif tok == "none":
            pass
        else:
            n = signal_number(tok)
            if n is None:
                raise SetError(f"invalid signal '{tok}'")
            sigs.add(n)
    if negate:
        sigs = set(range(1, 65)) - sigs
    return frozenset(s for s in sigs if 1 <= s <= 64)


# -- status and quiet -------------------------------------------------------------------

STATUSES = ("successful", "failed", "unfinished", "unavailable", "detached")


def _parse_keywords(text: str, universe: tuple[str, ...], what: str,
                    aliases: dict[str, tuple[str, ...]] | None = None) -> frozenset[str]:
    negate, tokens = _split_set(text, what)
    got: set[str] = set()
    for tok in tokens:
        if tok == "all":
            got.update(universe)
        elif tok == "none":
            pass
        elif aliases and tok in aliases:
            got.update(aliases[tok])
        elif tok in universe:
            got.add(tok)
        else:
            raise SetError(f"invalid {what} '{tok}' (expected {', '.join(universe)}, "
                           "all or none)")
    if negate:
        got = set(universe) - got
    return frozenset(got)


def parse_status_set(text: str) -> frozenset[str]:
    """``-e status=SET``: successful, failed, unfinished, unavailable, detached."""
    return _parse_keywords(text, STATUSES, "status")


QUIET = ("attach", "exit", "path-resolution", "personality", "thread-execve")


def parse_quiet_set(text: str) -> frozenset[str]:
    """``-e quiet=SET`` / ``--quiet=SET``: attach, exit, path-resolution, personality,
    thread-execve (alias superseded)."""
    return _parse_keywords(text, QUIET, "quiet argument",
                           {"exits": ("exit",), "superseded": ("thread-execve",),
                            "personalities": ("personality",), "attaches": ("attach",)})
