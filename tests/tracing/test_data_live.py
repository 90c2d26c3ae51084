"""The live view of a recording (issue 20, item 5): counts per system call and per
process while a real program runs, refreshed in place, and a last refresh that shows the
final counts, those of the finished trace. No assertion depends on how many refreshes
timing allowed."""

from __future__ import annotations

import io
import subprocess
from collections import Counter

import pytest

pytest.importorskip("pyarrow")

import aiotrace  # noqa: E402

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]


def _family(target) -> list[str]:
    loop = target("getppid_loop")
    return ["sh", "-c", f"{loop} 3000 & {loop} 2000; wait"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _final_counts(view, trace) -> None:
    assert view.finished and view.refreshes >= 1
    assert view.by_syscall == Counter(c.name for c in trace)
    assert view.by_process == Counter(c.pid for c in trace)
    assert view.calls == len(trace)
    loops = [p.pid for p in trace.processes() if p.argv and p.argv[0].endswith("getppid_loop")]
    assert sorted(view.by_process[pid] for pid in loops)[0] > 2000   # (2000 getppid + libc's)


async def test_the_last_refresh_shows_the_final_counts(target):
    out = io.StringIO()   # (not a terminal: the view is written once, at the end)
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn(_family(target), stdout=subprocess.DEVNULL)
        async with tracer.record(proc) as rec:
            view = rec.live(file=out, interval=0.01, top=3)
            proc.resume()
            assert await proc.wait() == 0
            await rec.done.wait()
        trace = rec.trace
    _final_counts(view, trace)
    text = out.getvalue()
    assert text.count("aiotrace live:") == 1 and "(finished)" in text.splitlines()[0]
    assert f"{len(trace)} calls, {len(trace.processes())} processes" in text
    lines = text.splitlines()
    assert lines[2] == f"{view.by_syscall['getppid']:>10}  getppid"   # (the busiest)
    procs = [line for line in lines if line.endswith(("getppid_loop 3000", "getppid_loop 2000"))]
    assert len(procs) == 2 and len(lines) == 2 + 3 + 1 + 3   # (top=3 of each)
    for pid, n in view.by_process.most_common(3):
        assert any(line.startswith(f"{n:>10}  {pid:>7}  ") for line in lines)
    # a view asked for once the recording has ended is that last one at once
    late = rec.live(file=io.StringIO())
    assert late.finished and late.by_syscall == view.by_syscall


async def test_on_a_terminal_it_is_redrawn_in_place(target):
    term = _Terminal()
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn(_family(target), stdout=subprocess.DEVNULL)
        async with tracer.record(proc) as rec:
            view = rec.live(file=term, interval=0.01)
            proc.resume()
            assert await proc.wait() == 0
            await rec.done.wait()
        trace = rec.trace
    _final_counts(view, trace)
    drawn = term.getvalue().split("\x1b[J")
    assert len(drawn) == view.refreshes   # each redraw goes back over the last one
    assert drawn[-1] == view.text() + "\n" and "(finished)" in drawn[-1]
    assert all(part.endswith("F") for part in term.getvalue().split("\x1b[J")[:-1])


async def test_record_live_true(target, capsys):
    trace = await aiotrace.record(_family(target), live=True, stdout=subprocess.DEVNULL)
    err = capsys.readouterr().err   # (sys.stderr, not a terminal here: once, at the end)
    assert err.count("aiotrace live:") == 1
    assert f"{len(trace)} calls" in err
    assert f"{Counter(c.name for c in trace)['getppid']:>10}  getppid" in err


async def test_bad_live_options(target):
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), "1"], stdout=subprocess.DEVNULL)
        async with tracer.record(proc) as rec:
            with pytest.raises(ValueError, match="interval must be a positive"):
                rec.live(interval=0)
            with pytest.raises(ValueError, match="top must be at least 1"):
                rec.live(top=0)
            proc.resume()
            assert await proc.wait() == 0


class _Broken(_Terminal):
    def write(self, text: str) -> int:
        raise OSError(28, "No space left on device")


async def test_a_view_that_cannot_draw_does_not_end_the_recording(target):
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn(_family(target), stdout=subprocess.DEVNULL)
        async with tracer.record(proc) as rec:
            view = rec.live(file=_Broken(), interval=0.01)
            proc.resume()
            assert await proc.wait() == 0
            await rec.done.wait()
        trace = rec.trace
    assert isinstance(view.error, OSError) and view.finished and view.refreshes == 1
    assert Counter(c.name for c in trace)["getppid"] >= 5000
