"""An intercepting probe's hits, which the C loop holds for a lone engine as it holds a
syscall stop (a C hold), and every verdict on them; on asyncio and trio, with both tracer
loops (the Python loop takes every hit itself: the same results)."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest

import aiotrace

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]


def text_pages(pid: int, name: str) -> list[bytes]:
    """The executable mappings of the file *name* in *pid*, through /proc/PID/mem."""
    with open(f"/proc/{pid}/maps") as f:
        spans = [[int(x, 16) for x in line.split()[0].split("-")] for line in f
                 if len(line.split()) >= 6 and "x" in line.split()[1]
                 and os.path.basename(line.split()[5]) == name]
    with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        out = []
        for lo, hi in spans:
            mem.seek(lo)
            out.append(mem.read(hi - lo))
    return out


async def intercepted(argv: list[str], tmp_path: Any, verdict: Any) -> tuple[list[Any], str, int]:
    out = tmp_path / "out"
    seen: list[Any] = []
    with open(out, "wb") as f:
        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.spawn(argv, stdout=f)
            async with proc.probe("probe_calls:add", intercept=True, buffer=4096) as hits:
                proc.resume()
                async for hit in hits:
                    seen.append((hit.tid, hit.args[0], hit.args[1], hit.regs.rip - hit.address,
                                 hit.thread.regs.rip - hit.address))
                    verdict(hit)
            rc = await proc.wait()
            seen.append(tracer._core.accel.core.stops if tracer.accelerated else None)
    return seen, out.read_text(), rc


async def test_intercepted_hits_in_eight_threads_are_c_holds(target, tmp_path, tracer_loop):
    seen, out, rc = await intercepted([target("probe_calls"), "8", "300"], tmp_path,
                                      lambda hit: hit.resume())
    in_c = seen.pop()
    assert (out, rc) == (f"sum={8 * sum(i + 1 for i in range(300))} fact5=120\n", 0)
    per_thread = Counter(tid for tid, *_ in seen)
    assert len(per_thread) == 8 and set(per_thread.values()) == {300}
    assert Counter((tid, a) for tid, a, *_ in seen) == {
        (tid, a): 1 for tid in per_thread for a in range(300)}
    # the event shows the breakpoint's address; the held thread is just past its int3
    assert {(ev_rip, live_rip) for *_, ev_rip, live_rip in seen} == {(0, 1)}
    if tracer_loop == "c":
        # the first hit of each thread may come while the out-of-line area is being
        # mapped (Python); then the C loop holds them
        assert in_c >= 2400 - 8


async def test_every_verdict_on_held_hits(target, tmp_path):
    """rewrite(), return_value(), a register written, and resume() on C holds: a plain
    resume stays in C, the others make Python adopt the hold first."""
    def verdict(hit: Any) -> None:
        a = hit.args[0]
        if a % 4 == 0:
            hit.rewrite(args=[a, 12])          # add(a, 12)
        elif a % 4 == 1:
            hit.return_value(7)                # skipped: 7
        elif a % 4 == 2:
            hit.thread.regs.rsi = 20           # add(a, 20)
            hit.resume()
        else:
            hit.resume()                       # add(a, 1)

    seen, out, rc = await intercepted([target("probe_calls"), "4", "200"], tmp_path, verdict)
    seen.pop()
    each = sum((a + 12, 7, a + 20, a + 1)[a % 4] for a in range(200))
    assert (out, rc) == (f"sum={4 * each} fact5=120\n", 0)
    assert len(seen) == 800 and Counter(tid for tid, *_ in seen).most_common()[-1][1] == 200


async def test_a_stream_of_every_probe_hit_opened_among_held_hits(target, tmp_path):
    """events(ProbeHit) wants the hits of every probe: opened while an intercepting
    probe's hits are the C loop's to hold for that engine alone, it sees every hit from
    there on too, with the arguments the engine gave."""
    out = tmp_path / "out"
    every = None
    engine = []
    with open(out, "wb") as f:
        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.spawn([target("probe_calls"), "0", "100"], stdout=f)
            async with proc.probe("probe_calls:add", intercept=True, buffer=4096) as hits:
                proc.resume()
                async for hit in hits:
                    engine.append(hit.args[0])
                    if hit.args[0] == 10:   # (the thread waits here: later hits are seen)
                        every = proc.events(aiotrace.ProbeHit, buffer=4096)
                    hit.rewrite(args=[hit.args[0], 5])
            assert await proc.wait() == 0
            assert every is not None
            async with every:
                seen = [(ev.args[0], ev.args[1]) async for ev in every]
    assert out.read_text() == f"sum={sum(i + 5 for i in range(100))} fact5=120\n"
    assert engine == list(range(100))
    assert seen == [(a, 5) for a in range(11, 100)]


async def test_detach_among_held_hits_restores_the_code(target, tmp_path):
    """A detach while hits are held (one by the engine, undecided; others queued for it):
    every thread is put back on its function's first instruction, the code is what it
    was, and the program finishes with every call made."""
    out = tmp_path / "out"
    names = "probe_calls"
    r, w = os.pipe()
    try:
        with open(out, "wb") as f:
            async with aiotrace.open_tracer() as tracer:
                proc = await tracer.spawn([target("probe_calls"), "4", "5000", "wait"],
                                          stdout=f, stdin=r)
                before = text_pages(proc.pid, names)
                n = 0
                async with proc.probe("probe_calls:add", intercept=True) as hits:
                    proc.resume()
                    async for hit in hits:
                        n += 1
                        if n == 3000:
                            during = text_pages(proc.pid, names)
                            await proc.detach()
                            break
                        hit.resume()
                after = text_pages(proc.pid, names)   # (it waits for its stdin)
                os.close(w)
                w = -1
                assert await proc.wait() == 0
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)
    assert during != before and after == before
    assert out.read_text() == f"sum={4 * sum(i + 1 for i in range(5000))} fact5=120\n"
