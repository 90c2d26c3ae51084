"""strace's ``poke_enter=``/``poke_exit=`` of ``-e inject=``: bytes written into the
tracee's memory where an argument of the call points (see ``_inject``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from aiotrace import SyscallEntry, SyscallExit, TraceeGone, _check, syscalls

POKE_MAX = 1024   # strace: at most 2048 hex digits a poke
#: (argument number 1..7, the bytes written where it points), in order
Pokes = tuple[tuple[int, bytes], ...]


def checked_pokes(pokes: Any, what: str, name: str) -> Pokes:
    """*pokes* as a tuple of (argument number, bytes), checked."""
    wants = (f"{what}: {name} takes (argument number 1..7, 1 to {POKE_MAX} bytes) pairs, "
             f"such as ((1, b'x'),), not {_check.show(pokes)}")
    if isinstance(pokes, (str, bytes)) or not isinstance(pokes, Iterable):
        raise TypeError(wants)
    out: list[tuple[int, bytes]] = []
    for item in pokes:
        if not (isinstance(item, tuple) and len(item) == 2 and type(item[0]) is int
                and isinstance(item[1], (bytes, bytearray))):
            raise TypeError(wants)
        argno, data = item
        if not 1 <= argno <= 7 or not 1 <= len(data) <= POKE_MAX:
            raise ValueError(wants)
        if any(n == argno for n, _ in out):
            raise ValueError(f"{what}: {name} names argument {argno} twice")
        out.append((argno, bytes(data)))
    return tuple(out)


def parse_pokes(val: str) -> Pokes | str:
    """``@argN=HEX[,@argM=HEX...]`` as pokes, or what is wrong."""
    out: list[tuple[int, bytes]] = []
    for token in val.split(","):
        if not token:
            continue                       # (strace's strtok skips empty tokens)
        m = re.fullmatch(r"@arg([1-7])=((?:[0-9a-fA-F]{2}){1,%d})" % POKE_MAX, token)
        if m is None:
            return (f"takes @argN=HEX items (N in 1..7, 1 to {POKE_MAX} bytes in hex), "
                    f"not {token!r}")
        argno = int(m.group(1))
        if any(n == argno for n, _ in out):
            return f"names @arg{argno} twice"
        out.append((argno, bytes.fromhex(m.group(2))))
    if not out:
        return f"takes @argN=HEX items, not {val!r}"
    return tuple(out)


def _nargs(call: SyscallEntry | SyscallExit) -> int:
    try:
        return syscalls.lookup(call.name, call.abi).nargs
    except (KeyError, ValueError):
        return 6


def poke(call: SyscallEntry | SyscallExit, pokes: Pokes,
          on_poke: Callable[[int, str | None], None] | None) -> None:
    """Write *pokes* where the call's arguments point; tell *on_poke* (tid, None) when
    one was written, (tid, what went wrong) for each that was not, or was written only
    in part (strace's "short write", then it counts as written)."""
    poked = False
    for argno, data in pokes:
        nargs = _nargs(call)
        if argno > nargs:
            problem = (f"requested to tamper with argument #{argno}, but system call "
                       f"'{call.name}' has only {nargs} arguments")
        else:
            addr = call.args[argno - 1]
            try:
                n = call.thread.write(addr, data)
            except TraceeGone:
                return
            except (OSError, ValueError):
                n = 0
            if n == len(data):
                poked = True
                continue
            if n:   # (a poke cut short by the end of a mapping is a poke, as in strace)
                poked = True
                if on_poke is not None:
                    on_poke(call.tid, f"pid:{call.tid} short write ({n} < {len(data)}) "
                                      f"@{addr:#x}")
                continue
            problem = "couldn't poke"
        if on_poke is not None:
            on_poke(call.tid, f"Failed to tamper with process {call.tid}: {problem}")
    if poked and on_poke is not None:
        on_poke(call.tid, None)


__all__ = ["POKE_MAX", "Pokes", "checked_pokes", "parse_pokes", "poke"]
