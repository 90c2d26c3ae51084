"""The texts a recording makes from a call's copies (aiotrace/_data/_copied.py), from
tables: no tracee."""

from __future__ import annotations

import struct

import pytest

pytest.importorskip("pyarrow")

from aiotrace._data._copied import _Copies, decode_rows, flat, undecoded  # noqa: E402
from aiotrace._decode import format_entry, format_exit  # noqa: E402

PATH, BUF = 0x7FFD0000, 0x7FFE0000
# struct stat as the decoder reads it: dev, ino, nlink, mode, uid, gid, pad, rdev, size
STAT = struct.pack("<QQQIIIIQq", 2049, 77, 1, 0o100644, 0, 0, 0, 0, 1234).ljust(72, b"\0")


def _row(name: str, args: tuple[int, ...], retval: int, entry: tuple, exit: tuple) -> tuple:
    return (1, 10, 10, 262, name, "x86_64", args, undecoded(args, flat(entry) if entry else (), flat(exit) if exit else ()), retval,
            None, 0, 1, "complete", "")


@pytest.mark.parametrize("path, stat", [
    (b"/usr/include/stdio.h\0", STAT),
    (b'a "quoted"\tname\0', STAT),
    (b"x" * 40 + b"\0", STAT[:40]),   # a short copy: the struct cannot all be read
])
def test_the_texts_are_the_decoders_from_the_same_bytes(path, stat):
    args = (0xFFFFFF9C, PATH, BUF, 0x100, 0, 0)
    row = _row("newfstatat", args, 0, ((PATH, path),), ((BUF, stat),))
    (got,) = decode_rows([row], 32)
    mem = _Copies((PATH, path, BUF, stat))
    entry = format_entry("newfstatat", args, mem)
    assert got[7:10] == (*format_exit("newfstatat", args, 0, mem, entry_text=entry)[:1], 0,
                         "0")
    assert got[:7] == row[:7] and got[10:] == row[10:]


def test_a_read_outside_the_copies_prints_as_a_bad_address():
    args = (0xFFFFFF9C, PATH, BUF, 0x100, 0, 0)
    row = _row("newfstatat", args, 0, ((PATH, b"/etc\0"),), ())
    (got,) = decode_rows([row], 32)
    assert got[7] == 'AT_FDCWD, "/etc", 0x7ffe0000, AT_SYMLINK_NOFOLLOW'
    assert got[9] == "0"


def test_rows_with_their_texts_are_left_as_they_are():
    row = (1, 10, 10, 39, "getpid", "x86_64", (0,) * 6, "", 10, "10", 0, 1, "complete", "")
    assert decode_rows([row], 32) == [row]


def test_the_copies_of_undecoded_rows_count_in_the_recorders_memory():
    # a directory's entries are copied whole (up to 64 KiB): what the traced program makes
    # the recorder hold counts towards memory_limit, not a fixed size per row
    from aiotrace._data._copied import ROW_BYTES, Pending
    big = (BUF, b"\0" * 65536)
    dents = _row("getdents64", (3, BUF, 65536, 0, 0, 0), 65536, (), (big,))
    small = _row("newfstatat", (0xFFFFFF9C, PATH, BUF, 0x100, 0, 0), 0, ((PATH, b"/etc\0"),), ())
    done = (1, 10, 10, 39, "getpid", "x86_64", (0,) * 6, "", 10, "10", 0, 1, "complete", "")
    assert Pending([dents, small, done]).nbytes == 3 * ROW_BYTES + 65536 + 5
