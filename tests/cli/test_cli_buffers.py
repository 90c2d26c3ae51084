# SPDX-License-Identifier: GPL-2.0-or-later
"""Buffers at the edge of what can be read, against strace (tests/targets/buf_edge.c):
strace reads one byte more than -s of a longer buffer, and shows the address when that
byte cannot be read; the C loop's copies hold that byte, so that a buffer whose next
page goes away right after the call still shows what the call was given."""

from __future__ import annotations

import re

import pytest

from cli_helpers import aiotrace, needs_strace, strace, unpad

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops


@needs_strace
@pytest.mark.parametrize("follow", [[], ["-f"]], ids=["plain", "f"])
@pytest.mark.parametrize("size", [1, 32])
def test_buffer_one_byte_past_s_like_strace(size, follow, target, tmp_path):
    argv = [target("buf_edge"), str(size)]
    opts = [*follow, f"-s{size}", "-e", "trace=read,write", "-e", "signal=none", "-qq"]
    a = aiotrace("run", *opts, "-o", str(tmp_path / "a"), "--", *argv)
    s = strace(*opts, "-o", str(tmp_path / "s"), *argv)
    assert a.returncode == s.returncode == 0, a.stderr

    def lines(path):   # (the program's own calls: not the loader's read of libc)
        text = re.sub(r"0x[0-9a-f]{6,}", "ADDR", path.read_text())
        text = re.sub(r"^\d+ +", "", text, flags=re.M)   # (-f: the pid)
        return [unpad(ln) for ln in text.splitlines() if not ln.startswith("read(3, ")]
    ours = lines(tmp_path / "a")
    assert ours == lines(tmp_path / "s")
    a8, z8 = "a" * size, "z" * size
    assert ours == [
        f"write(3, ADDR, {2 * size}) = {2 * size}",
        f'write(3, "{a8}"..., {2 * size}) = {2 * size}',
        f'write(3, "{a8}", {size}) = {size}',
        'read(4, "%s", %d) = %d' % ("\\0" * size, size, size),
        f'write(3, "{z8}"..., {2 * size}) = {2 * size}',
    ], ours


@needs_strace
def test_dump_stops_where_memory_ends_like_strace(target, tmp_path):
    """-e write= of a buffer whose memory ends before it does: strace reads it 64 KiB at
    a time, dumps the pieces it read whole and says which it could not fetch:
    `` | <Cannot fetch 8195 bytes from pid PID @ADDR>``."""
    argv = [target("buf_edge"), "8", "dump"]
    opts = ["-e", "trace=write", "-e", "write=3", "-e", "signal=none", "-qq"]
    a = aiotrace("run", *opts, "-o", str(tmp_path / "a"), "--", *argv)
    s = strace(*opts, "-o", str(tmp_path / "s"), *argv)
    assert a.returncode == s.returncode == 0, a.stderr

    def lines(path):
        text = re.sub(r"0x[0-9a-f]{6,}", "ADDR", path.read_text())
        return re.sub(r"from pid \d+ ", "from pid PID ", text).splitlines()
    ours = lines(tmp_path / "a")
    assert ours == lines(tmp_path / "s")
    assert ours[-1] == " | <Cannot fetch 8195 bytes from pid PID @ADDR>"
    assert ours[-2].startswith(" | 0fff0  f0 f1") and len(ours) == 4098   # (64 KiB: 4096)
