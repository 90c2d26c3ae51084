"""The recorder's side of the C loop's records taken as their fields (Recorder.take):
from tables, no tracee (the recordings of real programs are tests/cli/test_data_*)."""

from __future__ import annotations

import gc
import struct

import pytest

pytest.importorskip("pyarrow")

from aiotrace._core._args import Args  # noqa: E402
from aiotrace._core._events import SyscallExit  # noqa: E402
from aiotrace._core._syscalls import SYSCALL_NUMBERS  # noqa: E402
from aiotrace._data._recorder import Recorder  # noqa: E402

NEWFSTATAT = SYSCALL_NUMBERS["newfstatat"]
PATH, BUF = 0x7FFD0000, 0x7FFE0000
ARGS = (0xFFFFFF9C, PATH, BUF, 0x100, 0, 0)
STAT = struct.pack("<QQQIIIIQq", 2049, 77, 1, 0o100644, 0, 0, 0, 0, 1234).ljust(144, b"\0")


def test_the_rows_of_calls_decoded_later_are_not_tracked_by_the_collector():
    # (what a row held was followed at each collection: a recording of many calls made
    # the collector's work grow with it)
    rec = Recorder()
    for i in range(3):
        assert rec.take(True, 5, 5, 2 * i, 10 * i, NEWFSTATAT, ARGS, 0,
                        ((PATH, b"/usr/include/stdio.h\0"),))
        assert rec.take(False, 5, 5, 2 * i + 1, 10 * i + 5, NEWFSTATAT, ARGS, 0,
                        ((BUF, STAT),))
    assert len(rec.rows) == 3
    for _ in range(4):
        gc.collect()
    assert [gc.is_tracked(row) for row in rec.rows] == [False] * 3
    (calls, _) = rec.tables()
    texts = calls.table().column("args").to_pylist()
    assert texts == ['AT_FDCWD, "/usr/include/stdio.h", {st_mode=S_IFREG|0644, '
                     'st_size=1234, ...}, AT_SYMLINK_NOFOLLOW'] * 3


def test_an_exit_that_does_not_end_its_kept_call_gives_the_decoder_the_entry():
    # (a stat whose struct the C loop could not copy: the decoder decodes both stops, at
    # the exit's event; take gives it the entry before that event, once)
    rec = Recorder()
    assert rec.take(True, 5, 5, 1, 10, NEWFSTATAT, ARGS, 0, ((PATH, b"/etc\0"),))
    assert 5 in rec.deferred
    assert not rec.take(False, 5, 5, 2, 15, NEWFSTATAT, ARGS, -2, None)
    assert 5 not in rec.deferred and 5 not in rec.deferred_mem
    assert rec.entries[5][:3] == (1, 10, NEWFSTATAT)   # (the decoder has the entry)
    assert rec.decoder.calls[5].name == "newfstatat"
    rec.capture(SyscallExit(5, 5, 2, 15, NEWFSTATAT, Args(ARGS, NEWFSTATAT, 5), -2), None)
    (row,) = rec.rows
    assert row[0] == 1 and row[4] == "newfstatat" and row[12] == "complete"
    assert row[7].startswith('AT_FDCWD, "/etc", ') and row[9].startswith("-1 ENOENT")
