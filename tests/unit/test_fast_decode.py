# SPDX-License-Identifier: GPL-2.0-or-later
"""The usual mode's own printers of the stat family (statx too), open, openat and getdents
(_decode._fast) against the general path, on many values: the same text, byte for byte,
in every output mode (the modes the fast printers do not serve must go the general way),
through format_entry/format_exit and through the command's decoder (no tracee)."""

from __future__ import annotations

import itertools
import struct

import pytest

from fake_memory import A, Memory

_PATH_AT = A              # the path
_STAT_AT = A + 0x2000     # the struct stat
_END = A + 0x3000         # the buffer's end: a struct there is cut short
_UNMAPPED = 0x1000
_M64 = 0xFFFFFFFFFFFFFFFF

_PATHS = [b"", b"/etc/passwd", b"der_dsa.h", b"a b", b'quo"te', b"back\\slash", b"tab\there",
          b"new\nline\r\v\f", b"\x01\x02017", b"\x7f", b"caf\xc3\xa9", b"\xff\xfe", b"<x>",
          b"~!@#$%^&*()_+{}|:?`-=[];',./", b"x" * 4094, b"y" * 4095, b"z" * 4096,
          b"w" * 5000]
_MODES = [0, 0o644, 0o100644, 0o100000, 0o40755, 0o41777, 0o20666, 0o60660, 0o10644,
          0o120777, 0o140755, 0o104755, 0o102755, 0o107777, 0o30644, 0o170000, 0o177777,
          0xFFFFFFFF]
_SIZES = [0, 1, 4096, 2 ** 31, 2 ** 63 - 1, -1, -2 ** 63]
_RDEVS = [0, 0x103, 0x801, (0x12345 << 32) | (0xABC << 8) | 0xFE, _M64]
_DIRFDS = [2 ** 64 - 100, 0xFFFFFF9C, (7 << 32) | 0xFFFFFF9C, 0, 3, 2 ** 31, 2 ** 64 - 1,
           (1 << 40) | 5]
_AT_FLAGS = [0, 0x100, 0x1000, 0x800, 0x400, 0x1100, 0x6000, 0x80000000, 0xFFFFFFFF,
             (1 << 40) | 0x100]
_OPEN_FLAGS = [0, 1, 2, 3, 0o2000000, 0o2004000 | 0o400000, 0o100 | 0o1 | 0o1000,
               0o20200000 | 2, 0o20000000, 0xFFFFFFFF, (1 << 33) | 0o100, 0o4304400]
_OPEN_MODES = [0, 0o644, 0o7777, 0xFFFFF, _M64]
_RETVALS = [0, 3, 2 ** 31 - 1, 2 ** 31, 2 ** 63 - 1, -2, -13, -4095, -4096, -5000, -512]
# format_entry's and format_exit's output modes: the usual one, and each other
_KW = [{}, {"abbrev": False}, {"verbose": False}, {"raw": True}, {"xstyle": 1},
       {"xstyle": 2}, {"xflag": 1}, {"xflag": 2}, {"xflag": 3},
       {"fd_path": lambda fd: None}, {"fd_path": lambda fd: "/some/dir"}]


def _stat(mode: int, size: int, rdev: int, dev: int = 0x803, ino: int = 1234) -> bytes:
    return struct.pack("<QQQIII4xQqqq", dev, ino, 1, mode, 1000, 1000, rdev, size, 4096,
                       8) + struct.pack("<6q", 1, 2, -3, 999999999, 2 ** 40, 0)


def _dirents(reclens: list[int]) -> bytes:
    """Directory entries of these record lengths (d_reclen at offset 16, names after)."""
    out = b""
    for k, n in enumerate(reclens):
        out += struct.pack("<QqHB", k + 1, k + 2, n, 8) + b"n" * max(n - 19, 0)
    return out


def _statx(mask: int, attrs: int, mode: int, size: int) -> bytes:
    return struct.pack("<IIQIIIH2xQQQQ", mask, 4096, attrs, 1, 0, 0, mode, 99, size, 8,
                       0x1234) + bytes(256 - 64)


def _memory(path: bytes, stat: bytes, stat_at: int = _STAT_AT) -> Memory:
    buf = bytearray(_END - A)
    buf[:len(path) + 1] = path + b"\0"
    if stat_at + len(stat) > _END:
        stat = stat[:_END - stat_at]
    buf[stat_at - A:stat_at - A + len(stat)] = stat
    return Memory(bytes(buf))


@pytest.fixture
def general(monkeypatch: pytest.MonkeyPatch):
    """format_entry and format_exit with the fast printers turned off."""
    import aiotrace._decode as D

    def both(name: str, args: tuple[int, ...], ret: int, mem: Memory,
             **kw: object) -> tuple[str, str, str]:
        with monkeypatch.context() as m:
            m.setattr(D, "_FAST_ENTRIES", {})
            m.setattr(D, "_FAST_EXITS", {})
            return _line(name, args, ret, mem, **kw)

    return both


def _line(name: str, args: tuple[int, ...], ret: int, mem: Memory,
          **kw: object) -> tuple[str, str, str]:
    from aiotrace._decode import format_entry, format_exit
    entry = format_entry(name, args, mem, **kw)
    text, rtext = format_exit(name, args, ret, mem, entry_text=entry, **kw)
    return str(entry), text, rtext


def _cases():
    """(name, args, retval, memory) of each call on many values."""
    stat_ok = _stat(0o100644, 3873, 0)
    for path in _PATHS:
        mem = _memory(path, stat_ok)
        yield "newfstatat", (3, _PATH_AT, _STAT_AT, 0x100), 0, mem
        yield "stat", (_PATH_AT, _STAT_AT), 0, mem
        yield "openat", (2 ** 64 - 100, _PATH_AT, 0o2000000, 0), 3, mem
        yield "open", (_PATH_AT, 0o101, 0o640), 4, mem
    for mode, size, rdev in itertools.product(_MODES, _SIZES, _RDEVS):
        mem = _memory(b"f", _stat(mode, size, rdev))
        yield "newfstatat", (2 ** 64 - 100, _PATH_AT, _STAT_AT, 0), 0, mem
        yield "fstat", (5, _STAT_AT), 0, mem
    mem = _memory(b"/usr/include", stat_ok)
    for dirfd, fl in itertools.product(_DIRFDS, _AT_FLAGS):
        yield "newfstatat", (dirfd, _PATH_AT, _STAT_AT, fl), 0, mem
    for dirfd, fl, mode in itertools.product(_DIRFDS, _OPEN_FLAGS, _OPEN_MODES):
        yield "openat", (dirfd, _PATH_AT, fl, mode), 7, mem
        yield "open", (_PATH_AT, fl, mode, dirfd), 7, mem
    for ret in _RETVALS:
        for name, args in [("newfstatat", (4, _PATH_AT, _STAT_AT, 0x1000)),
                           ("fstat", (2 ** 32 + 1, _STAT_AT)), ("lstat", (_PATH_AT, _STAT_AT)),
                           ("openat", (4, _PATH_AT, 0, 0)), ("open", (_PATH_AT, 0o100, 0o600))]:
            yield name, args, ret, mem
    # addresses the general path prints as such: NULL, unmapped, a struct cut short
    for p, s in [(0, _STAT_AT), (_PATH_AT, 0), (_UNMAPPED, _STAT_AT), (_PATH_AT, _UNMAPPED),
                 (_PATH_AT, _END - 40), (_PATH_AT, _END - 72)]:
        short = _memory(b"/x", stat_ok, _END - 40 if s == _END - 40 else _STAT_AT)
        yield "newfstatat", (1, p, s, 0), 0, short
        yield "lstat", (p, s), 0, short
        yield "fstat", (1, s), 0, short
        yield "openat", (1, p, 0, 0), 5, short
    yield "fstat", (1, _STAT_AT), 0, None
    for mask, attrs, mode, size in itertools.product(
            [0, 0xFFF, 0x7FF, 0x200, 0x3, 0x1, 0x80000000, 0xFFFFFFFF],
            [0, 0x20, 0x100000, 2 ** 64 - 1], [0o100644, 0o20666, 0o30644, 0xFFFF],
            [0, 3873, 2 ** 64 - 1]):
        sx = _memory(b"/usr/include", _statx(mask, attrs, mode, size))
        yield "statx", (2 ** 64 - 100, _PATH_AT, 0x100, 0xFFF, _STAT_AT), 0, sx
    sx = _memory(b"x", _statx(0x7FF, 0, 0o100644, 12))
    for fl, mask in itertools.product([0, 0x100, 0x800, 0x1000, 0x2000, 0x4000, 0x6000,
                                       0x6100, 0x10000, 0xFFFFFFFF, (1 << 40) | 0x100],
                                      [0, 0x7FF, 0xFFF, 0x80000000, 0xFFFFFFFF, 1 << 33]):
        yield "statx", (3, _PATH_AT, fl, mask, _STAT_AT), 0, sx
    for p, s, ret in [(0, _STAT_AT, 0), (_PATH_AT, 0, 0), (_UNMAPPED, _STAT_AT, 0),
                      (_PATH_AT, _END - 100, 0), (_PATH_AT, _STAT_AT, -2),
                      (_PATH_AT, _STAT_AT, 5)]:
        yield "statx", (2 ** 64 - 100, p, 0, 0x7FF, s), ret, sx
    for reclens, tail in [([], b""), ([24], b""), ([24, 32, 40], b""), ([24] * 300, b""),
                          ([24, 0, 24], b""), ([24, 10], b""), ([24, 19], b""), ([5000], b""),
                          ([24], b"\1" * 17), ([24], b"\1" * 18), ([24], b"\1" * 19)]:
        dents = _memory(b"", _dirents(reclens) + tail)
        r = len(_dirents(reclens) + tail)
        for name, fd, count in [("getdents64", 4, 32768), ("getdents", 2 ** 64 - 1, 2 ** 40)]:
            yield name, (fd, _STAT_AT, count), r, dents
            yield name, (fd, _STAT_AT, count), 0, dents
            yield name, (fd, _STAT_AT, count), 0x1000, dents   # (more than the buffer)
            yield name, (fd, _STAT_AT, count), 1 << 17, dents
            yield name, (fd, 0, count), r, dents
            yield name, (fd, 0, count), 0, dents
            yield name, (fd, _UNMAPPED, count), r, dents
            yield name, (fd, _STAT_AT, count), -9, dents
    yield "newfstatat", (1, _PATH_AT), 0, mem   # (registers short of six: zeros)
    yield "openat", (-100, _PATH_AT, -1, -1), 3, mem   # (signed values, as a caller may)


_CASES = list(_cases())


def test_fast_printers_serve_the_usual_calls() -> None:
    """The fast printers do print the usual stops (or the comparisons below would test
    the general path against itself)."""
    from aiotrace._decode._fast import ENTRIES, EXITS, regs
    mem = _memory(b"der_dsa.h", _stat(0o100644, 3873, 0))
    args = regs((14, _PATH_AT, _STAT_AT, 0x100))
    entry = ENTRIES["newfstatat"](args, mem)
    assert entry == '14, "der_dsa.h", '
    assert EXITS["newfstatat"](args, 0, mem, entry) == (
        '14, "der_dsa.h", {st_mode=S_IFREG|0644, st_size=3873, ...}, AT_SYMLINK_NOFOLLOW', "0")
    served = sum(ENTRIES[name](regs(a), m) is not None for name, a, _r, m in _CASES)
    assert served > len(_CASES) * 3 // 4
    sx = _memory(b"/etc", _statx(0x7FF, 0, 0o40755, 4096))
    args = regs((2 ** 64 - 100, _PATH_AT, 0x100, 0x7FF, _STAT_AT))
    entry = ENTRIES["statx"](args, sx)
    assert entry == 'AT_FDCWD, "/etc", AT_STATX_SYNC_AS_STAT|AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, '
    assert EXITS["statx"](args, 0, sx, entry)[0] == entry + (
        "{stx_mask=STATX_BASIC_STATS, stx_attributes=0, stx_mode=S_IFDIR|0755, stx_size=4096, ...}")
    dents = _memory(b"", _dirents([24, 32, 40]))
    assert EXITS["getdents64"](regs((4, _STAT_AT, 32768)), 96, dents, "4, ") == (
        "4, %#x /* 3 entries */, 32768" % _STAT_AT, "96")


@pytest.mark.parametrize("kw", _KW, ids=[",".join(k) or "usual" for k in _KW])
def test_fast_printers_match_the_general_path(general, kw: dict) -> None:
    for name, args, ret, mem in _CASES:
        assert _line(name, args, ret, mem, **kw) == general(name, args, ret, mem, **kw), \
            (name, args, ret)


def test_fast_printers_in_another_style(general) -> None:
    """Called inside a -X block of the caller's (format_entry's own keyword not given),
    the fast printers step aside."""
    from aiotrace._decode import _style
    for style in (_style.RAW, _style.VERBOSE):
        with _style.using(style):
            for name, args, ret, mem in _CASES[::7]:
                assert _line(name, args, ret, mem) == general(name, args, ret, mem)


def test_the_commands_decoder_matches_the_general_path(general) -> None:
    """The command's decoder calls the fast printers itself: its entry and exit texts,
    in its usual mode and with -x, -y and -v, against the general path's."""
    from aiotrace import SyscallEntry, SyscallExit
    from aiotrace._cli._decoder import Decoder
    from aiotrace._cli._modes import OutputModes
    from aiotrace._core._syscalls import syscall_number

    for opts, kw in [({}, {}), ({"xflag": 1}, {"xflag": 1}),
                     ({"modes": OutputModes(abbrev=frozenset())}, {"abbrev": False})]:
        dec = Decoder(**opts)
        for k, (name, args, ret, mem) in enumerate(_CASES):
            nr = syscall_number(name)
            tid = 100 + k % 3
            got_in = dec.capture(SyscallEntry(tid, tid, 2 * k, 0, nr=nr, args=args), mem)
            got_out = dec.capture(SyscallExit(tid, tid, 2 * k + 1, 0, nr=nr, args=args,
                                              retval=ret), mem)
            entry, text, rtext = general(name, args, ret, mem, **kw)
            assert got_in == (name, entry), (name, args, opts)
            assert got_out[:4] == (name, entry, text, rtext), (name, args, ret, opts)
