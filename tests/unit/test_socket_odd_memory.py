# SPDX-License-Identifier: GPL-2.0-or-later
"""The socket decoders never raise, whatever the tracee's memory holds: socket addresses
of every family, control messages, socket option values and mmsghdrs made of random
bytes and lengths (a fixed seed: the same cases at every run). The decoders are called
directly, not through format_entry (which would hide an exception behind raw values)."""

from __future__ import annotations

import random
import struct

import pytest

from fake_memory import A, Memory
from aiotrace._decode import _cmsg, _sockaddr, _specs, _structs_net
from aiotrace._decode import _sockopt
from aiotrace._decode._ctx import Ctx


def ctx(name: str, args: tuple[int, ...], data: bytes, retval: int | None = None,
        saved: dict[str, object] | None = None, abbrev: bool = True) -> Ctx:
    return Ctx(name, args, Memory(data), 32, lambda fd: "/dev/null", retval, saved or {},
               abbrev=abbrev)


@pytest.mark.parametrize("seed", range(8))
def test_sockaddr(seed: int) -> None:
    rng = random.Random(seed)
    for family in range(48):
        for _ in range(20):
            n = rng.randrange(0, 140)
            data = struct.pack("<H", family) + rng.randbytes(n)
            assert isinstance(_sockaddr.sockaddr(ctx("connect", (), data), A, n), str)


@pytest.mark.parametrize("seed", range(8))
def test_msg_control(seed: int) -> None:
    rng = random.Random(seed)
    kinds = list(_cmsg._PRINTERS) + [(6, 1), (1, 99)]
    for _ in range(200):
        buf = b""
        while len(buf) < rng.randrange(16, 200):
            level, kind = rng.choice(kinds)
            length = rng.choice((0, 8, 15, 16, 17, 20, 28, 32, 64, 0xFFFFFFFF,
                                 rng.randrange(200)))
            buf += struct.pack("<Qii", length, level, kind) + rng.randbytes(rng.randrange(40))
        n = rng.randrange(0, len(buf) + 20)
        assert isinstance(_cmsg.msg_control(ctx("sendmsg", (), buf), A, n), str)


@pytest.mark.parametrize("seed", range(4))
def test_sockopt_values(seed: int) -> None:
    rng = random.Random(seed)
    options = [(0, 35), (0, 42), (41, 20), (41, 42), (263, 1), (263, 5), (263, 6),
               (255, 1), (270, 9), (270, 1), (1, 13), (1, 17), (1, 26), (1, 4), (1, 74),
               (1, 1), (6, 1), (0xFFFFFFFF, 0xFFFFFFFF)]
    setval = _specs.spec("setsockopt").args[3]
    getval = _specs.spec("getsockopt").args[3]
    for level, name in options:
        for _ in range(30):
            value = rng.randbytes(rng.randrange(0, 160))
            n = rng.choice((-1, 0, 1, 3, 4, 5, 8, 12, 16, 20, 136, 0x7FFFFFFF,
                            rng.randrange(0, 200)))
            data = value.ljust(0x200, b"\0") + struct.pack("<i", n)
            abbrev = rng.random() < 0.5
            c = ctx("setsockopt", (3, level, name, A, n), data, abbrev=abbrev)
            assert isinstance(setval.fn(c, 3), str)
            c = ctx("getsockopt", (3, level, name, A, A + 0x200), data, retval=0,
                    saved={"socklen": rng.choice((None, -1, 0, 3, 4, 12, 100))},
                    abbrev=abbrev)
            assert isinstance(getval.fn(c, 3), str)
    assert _sockopt.SOCKOPT_NAME.scalar


@pytest.mark.parametrize("seed", range(4))
def test_mmsghdrs(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(100):
        data = rng.randbytes(rng.randrange(0, 400))
        count = rng.randrange(0, 10)
        names = None if rng.random() < 0.5 else [rng.randrange(1 << 32) for _ in range(count)]
        text = _structs_net.mmsghdr_array(ctx("recvmmsg", (3,), data), A, count,
                                          rng.randrange(0, 10), names)
        assert isinstance(text, str)
