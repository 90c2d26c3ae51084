"""The C loop's records of the calls a recording keeps until their exit (quiet calls,
and calls decoded later from their copies) are taken by the recorder as their fields
(``Recorder.take``): no event is made of them, and the rows are those the events gave."""

from __future__ import annotations

import re
import subprocess

import pytest

pytest.importorskip("pyarrow")

import aiotrace  # noqa: E402
from aiotrace._data._recorder import Recorder  # noqa: E402
from cli_helpers import AIOTRACE, TIMEOUT, unpad  # noqa: E402

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]

_ADDR = re.compile(r"0x[0-9a-f]{5,}")


@pytest.fixture
def captured(monkeypatch):
    """The syscall events the recorder's capture function is given, by call name."""
    seen: list[str] = []
    capture = Recorder.capture

    def counting(self, ev, mem):
        if ev.kind.startswith("syscall."):
            seen.append(ev.name)
        return capture(self, ev, mem)

    monkeypatch.setattr(Recorder, "capture", counting)
    return seen


async def test_copied_calls_make_no_events(tmp_path, tracer_loop, captured):
    """tar over a tree: newfstatat and getdents64, whose memory the C loop copies, come
    to the recorder as records on the C loop (no event), as events on the Python loop;
    the recording's lines are the command's either way."""
    root = tmp_path / "tree"
    for d in range(4):
        sub = root / f"d{d}"
        sub.mkdir(parents=True)
        for f in range(6):
            (sub / f"file {f}.h").write_bytes(b"x" * f)
    argv = ["tar", "cf", "/dev/null", str(root)]
    out = tmp_path / "cli.txt"
    r = subprocess.run([*AIOTRACE, "run", "-o", str(out), "--", *argv], capture_output=True,
                       text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    trace = await aiotrace.record(argv, stdout=subprocess.DEVNULL)
    stats = len(trace.filter(syscalls="newfstatat"))
    lists = len(trace.filter(syscalls="getdents64"))
    assert stats > 4 * 6 and lists >= 2 * 4
    events = captured.count("newfstatat") + captured.count("getdents64")
    assert events == (0 if tracer_loop == "c" else 2 * (stats + lists))

    def walk(lines: list[str]) -> list[str]:
        lines = [_ADDR.sub("ADDR", unpad(line)) for line in lines]   # (ASLR)
        first = next(i for i, line in enumerate(lines) if str(root) in line)
        return [line for line in lines[first:] if not line.startswith("+++")]

    ours = walk([c.text for c in trace])
    assert len(ours) > 2 * 4 * 6
    assert ours == walk(out.read_text().splitlines())


async def test_quiet_calls_make_no_events(target, tracer_loop, captured):
    """getppid, 300 times: records taken as their fields on the C loop, events on the
    Python loop; every row has the call's text and its times. (Fewer stops than the C
    loop's ring holds, which it would otherwise hand to Python when it is full; and more
    than a stream that blocks would let it make before they are taken: the recording's
    Death stream drops.)"""
    trace = await aiotrace.record([target("getppid_loop"), "300"], stdout=subprocess.DEVNULL)
    calls = trace.filter(syscalls="getppid")
    assert len(calls) == 300
    assert captured.count("getppid") == (0 if tracer_loop == "c" else 2 * 300)
    ppid = calls[0].retval
    assert ppid > 1
    assert {(c.text, c.status) for c in calls} == {(f"getppid() = {ppid}", "complete")}
    assert all(c.duration_ns >= 0 for c in calls)
    seqs = [c.seq for c in calls]
    assert seqs == sorted(seqs) and len(set(seqs)) == 300
