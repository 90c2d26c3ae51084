# SPDX-License-Identifier: GPL-2.0-or-later
"""-P's own rules for the calls whose descriptors are not (all) in their registers, as
strace 6.1 applies them: select's and pselect6's descriptor sets and poll's and ppoll's
arrays of struct pollfd (a call matches when one of the descriptors in them is open on
a path), and fsconfig, whose path and descriptor depend on its command (and whose own
descriptor, the filesystem context, does not count). The other calls: the syscall
table's path, descriptor and directory descriptor arguments (``_decoder.uses_paths``).

Each rule gives, for a call's arguments and the tracee's memory at its entry, the
descriptors and the addresses of path strings to check; memory it cannot read is
skipped, as strace skips it."""

from __future__ import annotations

import struct
from typing import Any, Callable, Iterable, Iterator

_MOST = 1024 * 1024   # (strace's bound on nfds: select(2**31 - 1, ...) reads no more)
_POLLFD = 8           # struct pollfd: int fd, short events, short revents
_CHUNK = 4096         # pollfds read at once
# fsconfig's commands with a path in its value (and a directory descriptor in aux), and
# with a descriptor in aux
_FSCONFIG_SET_PATH, _FSCONFIG_SET_PATH_EMPTY, _FSCONFIG_SET_FD = 3, 4, 5

Rule = Callable[[tuple[int, ...], Any], tuple[Iterable[int], tuple[int, ...]]]


def _s32(v: int) -> int:
    v &= 0xFFFFFFFF
    return v - (1 << 32) if v & 0x80000000 else v


def _set_fds(args: tuple[int, ...], mem: Any, word: int) -> Iterator[int]:
    """The descriptors in the three sets of select(nfds, read, write, except)."""
    nfds = min(_s32(args[0]), _MOST)
    if nfds <= 0 or mem is None:
        return
    size = ((nfds + 7) // 8 + word - 1) & -word
    for addr in args[1:4]:
        if not addr:
            continue
        try:
            data = mem.read(addr, size)
        except OSError:
            continue
        if len(data) < size:   # (a set that cannot all be read is skipped, as strace)
            continue
        bits = int.from_bytes(data, "little")
        bits &= (1 << nfds) - 1
        while bits:
            low = bits & -bits
            yield low.bit_length() - 1
            bits ^= low


def _poll_fds(args: tuple[int, ...], mem: Any) -> Iterator[int]:
    """The descriptors of poll's array of nfds struct pollfd, up to the first that cannot
    be read; each once (each is a readlink: an array of 2**20 of the same descriptor
    took seconds at every call)."""
    start, nfds = args[0], min(args[1] & 0xFFFFFFFF, _MOST)
    if mem is None or not nfds or start + nfds * _POLLFD > 1 << 64:
        return
    seen: set[int] = set()
    for first in range(0, nfds, _CHUNK):
        n = min(_CHUNK, nfds - first)
        try:
            data = mem.read(start + first * _POLLFD, n * _POLLFD)
        except OSError:
            data = b""
        if len(data) < n * _POLLFD:   # (then one by one, to the first unreadable)
            data = b""
            for k in range(n):
                try:
                    got = mem.read(start + (first + k) * _POLLFD, _POLLFD)
                except OSError:
                    got = b""
                if len(got) < _POLLFD:
                    break
                data += got
        for (fd,) in struct.iter_unpack("<i4x", data):
            if fd not in seen:
                seen.add(fd)
                yield fd
        if len(data) < n * _POLLFD:
            return


def _select(word: int) -> Rule:
    return lambda args, mem: (_set_fds(args, mem, word), ())


def _poll(args: tuple[int, ...], mem: Any) -> tuple[Iterable[int], tuple[int, ...]]:
    return _poll_fds(args, mem), ()


def _fsconfig(args: tuple[int, ...], mem: Any) -> tuple[Iterable[int], tuple[int, ...]]:
    cmd = args[1] & 0xFFFFFFFF
    if cmd in (_FSCONFIG_SET_PATH, _FSCONFIG_SET_PATH_EMPTY):
        return (args[4],), (args[3],)
    if cmd == _FSCONFIG_SET_FD:
        return (args[4],), ()
    return (), ()


# (name, abi) -> rule
RULES: dict[tuple[str, str], Rule] = {
    ("select", "x86_64"): _select(8), ("pselect6", "x86_64"): _select(8),
    ("_newselect", "i386"): _select(4), ("pselect6", "i386"): _select(4),
    ("pselect6_time64", "i386"): _select(4),
    ("poll", "x86_64"): _poll, ("ppoll", "x86_64"): _poll, ("poll", "i386"): _poll,
    ("ppoll", "i386"): _poll, ("ppoll_time64", "i386"): _poll,
    ("fsconfig", "x86_64"): _fsconfig, ("fsconfig", "i386"): _fsconfig,
}
