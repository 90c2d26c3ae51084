# SPDX-License-Identifier: GPL-2.0-or-later
"""-P's rules for select's sets, poll's arrays and fsconfig (aiotrace/_cli/_pathsets.py):
which descriptors and path strings each call gives to check, for registers and memory
as strace's select-P, poll-P and fsconfig-P programs pass them. Tables, no tracee."""

from __future__ import annotations

import struct

import pytest

from fake_memory import A, Memory

from aiotrace._cli._pathsets import RULES

M64 = (1 << 64) - 1


def fdset(*fds: int, size: int = 8) -> bytes:
    return sum(1 << fd for fd in fds).to_bytes(size, "little")


def pollfds(*fds: int) -> bytes:
    return b"".join(struct.pack("<ihh", fd, 1, 0) for fd in fds)


# (call, arguments, memory at A, descriptors, path addresses)
CASES = [
    ("select", (10, A, 0, A + 8), fdset(3, 4, 9) + fdset(5), [3, 4, 9, 5], ()),
    # bits from nfds on are not descriptors of the call
    ("select", (4, A, 0, 0), fdset(3, 4, 9), [3], ()),
    ("select", (0, A, A, A), fdset(3), [], ()),
    ("select", (M64, A, A, A), fdset(3), [], ()),          # (nfds an int: -1)
    # a set that cannot all be read is skipped: 65 descriptors are 16 bytes
    ("select", (65, A, A + 8, 0), fdset(3) + fdset(4), [3], ()),
    ("select", (65, A + 8, A, 0), fdset(3, 64, size=16), [3, 64], ()),
    ("pselect6", (10, 0, A, 0, 0, 0), fdset(9), [9], ()),
    ("_newselect", (33, A, 0, 0), fdset(32, size=8), [32], ()),
    ("poll", (A, 3, 0), pollfds(0, 9, -1), [0, 9, -1], ()),
    # each descriptor once (each is looked up), in the order of the array
    ("poll", (A, 5, 0), pollfds(9, 0, 9, 9, 0), [9, 0], ()),
    # up to the first struct that cannot be read
    ("poll", (A, 5, 0), pollfds(7, 8), [7, 8], ()),
    ("ppoll", (A, 0, 0, 0, 8), pollfds(7), [], ()),
    ("poll", (M64 - 7, 2, 0), b"", [], ()),              # (the array wraps around)
    # fsconfig: a path command's value and aux; SET_FD's aux; never its own descriptor
    ("fsconfig", (3, 3, 0, A, M64 - 99), b"", [M64 - 99], (A,)),
    ("fsconfig", (3, 4, 0, A, 5), b"", [5], (A,)),
    ("fsconfig", (3, 5, 0, A, 5), b"", [5], ()),
    ("fsconfig", (3, 1, A, A, 5), b"", [], ()),
    ("fsconfig", (3, 0x100000005, A, A, 5), b"", [5], ()),   # (the command: 32 bits)
]


@pytest.mark.parametrize("name,args,data,fds,strings", CASES,
                         ids=[c[0] + "-" + str(n) for n, c in enumerate(CASES)])
def test_rule(name: str, args: tuple[int, ...], data: bytes, fds: list[int],
              strings: tuple[int, ...]) -> None:
    abi = "i386" if name == "_newselect" else "x86_64"
    got_fds, got_strings = RULES[(name, abi)](args, Memory(data))
    assert (list(got_fds), got_strings) == (fds, strings)
