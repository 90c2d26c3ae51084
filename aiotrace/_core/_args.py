"""System call arguments: the raw registers as a tuple, decoded by name on demand.

``ev.args`` is a tuple of six ints (``ev.args[1]``); ``ev.args.path``, ``ev.args.flags``,
``ev.args.addr`` decode the argument of that name, reading the tracee's memory at the
moment of the access. Names come from the prototypes of the syscall table (see
_syscalls); every pathname-like argument is also reachable as ``path`` (the first one) and
``path2`` (the second).

Reading memory is only meaningful while the thread is stopped: for an intercepted event,
before the verdict. An observer that reads after the thread went on may see newer data.
"""

from __future__ import annotations

import functools
import os
import struct
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple, overload

from .._exceptions import TraceeGone
from .._util import NoPublicConstructor
from . import _ffi
from ._syscalls import ABI_I386, ABIS, make_key, rows

_PATH_NAMES = frozenset({"filename", "pathname", "path", "oldname", "newname", "oldpath",
                         "newpath", "specialfile", "dir_name", "old", "new", "dev_name",
                         "library", "target", "linkpath"})


class _Param(NamedTuple):
    pos: int    # (not "index": that would shadow tuple.index)
    ctype: str
    name: str
    kind: str   # "str", "strv", "sockaddr", "ptr", "signed" or "unsigned"
    narrow: bool = False   # an i386 call's: longs and pointers are 32 bits


_SIGNED = frozenset({"int", "pid_t", "long", "off_t", "loff_t", "ssize_t", "key_t", "clockid_t",
                     "timer_t", "mqd_t"})
_WIDE = frozenset({"long", "off_t", "loff_t", "ssize_t"})


def _kind(ctype: str, pname: str) -> str:
    if ctype.startswith("const char *const") or ctype == "char **":
        return "strv"
    if "char" in ctype and "*" in ctype and (
        pname in _PATH_NAMES or "name" in pname or "path" in pname
    ):
        return "str"
    if "sockaddr" in ctype:
        return "sockaddr"
    if "*" in ctype:
        return "ptr"
    return "signed" if ctype in _SIGNED else "unsigned"


def _build() -> dict[int, dict[str, _Param]]:
    # Made on first use: the CLI never asks for an argument by name. Keyed by the calls'
    # keys (see _syscalls): a call's prototype serves it in every ABI, but on i386 only up
    # to its first 64-bit parameter (Row.params), and every long there is 32 bits.
    table: dict[int, dict[str, _Param]] = {}
    for got in rows().values():
        for row in got:
            for abi in range(len(ABIS)):
                nr = row.nr(abi)
                proto = row.params(abi) if nr is not None else None
                if nr is None or not proto:
                    continue
                params: dict[str, _Param] = {}
                paths = 0
                for i, (ctype, pname) in enumerate(proto):
                    param = _Param(i, ctype, pname, _kind(ctype, pname), abi == ABI_I386)
                    params[pname] = param
                    if param.kind == "str":
                        alias = "path" if paths == 0 else f"path{paths + 1}"
                        paths += 1
                        params.setdefault(alias, param)
                table[make_key(abi, nr)] = params
    return table


_NO_PARAMS: dict[str, _Param] = {}   # a syscall without known prototype (never filled)
_params_table: dict[int, dict[str, _Param]] | None = None


def _params(key: int) -> dict[str, _Param]:
    """The parameters of syscall *key* (see _syscalls: the x86-64 number, or a call of
    another ABI) by name (the table is built on first use)."""
    global _params_table
    if _params_table is None:
        _params_table = _build()
    return _params_table.get(key, _NO_PARAMS)


class SockAddr(NamedTuple):
    """A decoded ``struct sockaddr``: ``family`` (socket.AddressFamily or int) and
    ``address``: ``(host, port)`` for AF_INET, ``(host, port, flowinfo, scope_id)`` for
    AF_INET6, the path (str; abstract names start with ``"\\0"``) for AF_UNIX, else the
    raw bytes."""

    family: int
    address: Any


def decode_sockaddr(data: bytes) -> SockAddr | None:
    """Decode a ``struct sockaddr`` from its bytes (pure)."""
    import socket   # (on use: start-up time)
    if len(data) < 2:
        return None
    (fam,) = struct.unpack_from("=H", data)
    try:
        family: int = socket.AddressFamily(fam)
    except ValueError:
        family = fam
    if fam == socket.AF_INET and len(data) >= 8:
        port = struct.unpack_from("!H", data, 2)[0]
        return SockAddr(family, (socket.inet_ntop(socket.AF_INET, data[4:8]), port))
    if fam == socket.AF_INET6 and len(data) >= 24:
        port, flow = struct.unpack_from("!HI", data, 2)
        scope = struct.unpack_from("=I", data, 24)[0] if len(data) >= 28 else 0
        return SockAddr(family, (socket.inet_ntop(socket.AF_INET6, data[8:24]), port, flow, scope))
    if fam == socket.AF_UNIX:
        path = data[2:]
        if path[:1] == b"\0":
            return SockAddr(family, "\0" + os.fsdecode(path[1:]))
        return SockAddr(family, os.fsdecode(path.split(b"\0", 1)[0]))
    return SockAddr(family, data[2:])


def gone(tid: int) -> TraceeGone:
    """The error of a read of the memory of thread *tid* once it is gone (ESRCH)."""
    return TraceeGone(tid, (
        f"thread {tid} is gone: its memory can no longer be read. Decode arguments while "
        "the thread is stopped (an intercepting stream, before the verdict), at the stop "
        "with capture=, or record the run with aiotrace.record(), which keeps each call's "
        "decoded arguments"))


def _read_string(tid: int, addr: int, limit: int = 4096) -> bytes:
    return read_cstring(functools.partial(_ffi.vm_read, tid), addr, limit)


def read_cstring(read: Callable[[int, int], bytes], addr: int, limit: int) -> bytes:
    """The NUL-terminated string at *addr* (without its NUL), at most *limit* bytes, read
    with *read(addr, n)* a page at most at a time: the next page may be unmapped."""
    out = b""
    while len(out) < limit:
        chunk = min(4096 - (addr + len(out)) % 4096, limit - len(out))
        data = read(addr + len(out), chunk)
        nul = data.find(b"\0")
        if nul >= 0:
            return out + data[:nul]
        out += data
        if len(data) < chunk:
            break
    return out


class Memory(metaclass=NoPublicConstructor):
    """Memory of one thread, read with process_vm_readv from any OS thread: what a
    capture function reads through. It has no public constructor."""

    __slots__ = ("tid",)
    _made_by = "a Memory is what a capture function is given"

    def __init__(self, tid: int) -> None:
        self.tid = tid

    def read(self, addr: int, n: int) -> bytes:
        return _ffi.vm_read(self.tid, addr, n)

    def read_string(self, addr: int, limit: int = 4096) -> bytes:
        return _read_string(self.tid, addr, limit)


class CopiedMemory(Memory):
    """Memory of one thread as the C loop copied it at a stop (``prefetch=``): reads within
    a copy return it; any other read goes to the thread's memory as it is now."""

    __slots__ = ("copies",)

    def __init__(self, tid: int, copies: tuple[tuple[int, bytes], ...]) -> None:
        self.tid = tid   # (Memory's, set here: one made per record with copies)
        self.copies = copies

    def read(self, addr: int, n: int) -> bytes:
        for start, data in self.copies:
            if start <= addr and addr + n <= start + len(data):
                return data[addr - start:addr - start + n]
        return _ffi.vm_read(self.tid, addr, n)

    def read_string(self, addr: int, limit: int = 4096) -> bytes:
        for start, data in self.copies:
            if start <= addr < start + len(data):
                rest = data[addr - start:addr - start + limit]
                nul = rest.find(b"\0")
                if nul >= 0 or len(rest) == limit:
                    return rest if nul < 0 else rest[:nul]
        return _read_string(self.tid, addr, limit)


class Args:
    """The six argument registers of a syscall, as a sequence of ints (``args[1]``,
    slices give tuples, it compares equal to the tuple of its values), with decoding by
    parameter name (``args.path``). Not a tuple subclass, so that parameters named
    ``count`` or ``index`` are reachable by name. ``nr`` is the call's key (its x86-64
    number, or a key of another ABI's call: see _syscalls), which picks the names."""

    __slots__ = ("_v", "nr", "tid")

    def __init__(self, values: tuple[int, ...], nr: int, tid: int) -> None:
        self._v = values
        self.nr = nr
        self.tid = tid

    @overload
    def __getitem__(self, i: int) -> int: ...
    @overload
    def __getitem__(self, i: slice) -> tuple[int, ...]: ...
    def __getitem__(self, i: int | slice) -> int | tuple[int, ...]:
        return self._v[i]

    def __len__(self) -> int:
        return len(self._v)

    def __iter__(self) -> Iterator[int]:
        return iter(self._v)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Args):
            return self._v == other._v
        if isinstance(other, tuple):
            return self._v == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._v)

    def __add__(self, other: tuple[int, ...]) -> tuple[int, ...]:
        return self._v + tuple(other)

    def __radd__(self, other: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(other) + self._v

    def __repr__(self) -> str:
        return repr(self._v)

    @property
    def names(self) -> list[str]:
        """The parameter names known for this syscall (aliases included)."""
        return list(_params(self.nr))

    # An Args is a value: copies share it, pickles carry the registers, nr and tid.
    def __reduce__(self) -> tuple[Any, ...]:
        return (Args, (self._v, self.nr, self.tid))

    def __copy__(self) -> Args:
        return self

    def __deepcopy__(self, memo: Any) -> Args:
        return self

    def __getattr__(self, name: str) -> Any:
        # (only parameter names: a dunder or a slot not yet set, as pickle and copy ask
        # for on an instance being made, is no argument)
        if name.startswith("__") or name in ("_v", "nr", "tid"):
            raise AttributeError(name)
        try:
            return self._decode(name)
        except ProcessLookupError as exc:
            if isinstance(exc, TraceeGone):
                raise
            raise gone(self.tid) from None

    def _decode(self, name: str) -> Any:
        params = _params(self.nr)
        p = params.get(name)
        if p is None:
            known = ", ".join(params) if params else "none known"
            raise AttributeError(f"no argument {name!r} for this syscall (names: {known})")
        raw = self[p.pos]
        kind = p.kind
        if kind == "signed":
            bits = 64 if p.ctype in _WIDE and not p.narrow else 32
            raw &= (1 << bits) - 1
            return raw - (1 << bits) if raw >> (bits - 1) else raw
        if kind == "unsigned" or kind == "ptr" or raw == 0:
            return None if raw == 0 and kind != "unsigned" and kind != "ptr" else raw
        if kind == "str":
            return os.fsdecode(_read_string(self.tid, raw))
        if kind == "strv":
            return self._string_array(raw, 4 if p.narrow else 8)
        return decode_sockaddr(_ffi.vm_read(self.tid, raw, self._addrlen(params, p)))

    def _addrlen(self, params: dict[str, _Param], p: _Param) -> int:
        nxt = [q for q in params.values() if q.pos == p.pos + 1]
        if nxt and nxt[0].ctype in ("int", "socklen_t", "unsigned int"):
            return max(2, min(int(self[p.pos + 1]) & 0xFFFFFFFF, 128))
        return 128

    def _string_array(self, addr: int, word: int = 8, limit: int = 4096) -> list[str] | None:
        if addr == 0:
            return None
        out = []
        fmt = "=Q" if word == 8 else "=I"
        for i in range(limit):
            (ptr,) = struct.unpack(fmt, _ffi.vm_read(self.tid, addr + word * i, word))
            if ptr == 0:
                break
            out.append(os.fsdecode(_read_string(self.tid, ptr)))
        return out
