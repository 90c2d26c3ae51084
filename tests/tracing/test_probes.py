"""Probes (Process.probe): breakpoints at functions of real programs, on asyncio and trio,
with both tracer loops."""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import anyio
import pytest

import aiotrace
from aiotrace import ProbeError, ProbeHit, ProbeReturn, SyscallEntry

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]


def expected_sum(threads: int, calls: int, b: int = 1) -> int:
    return max(threads, 1) * sum(i + b for i in range(calls))


def text_pages(pid: int, names: tuple[str, ...]) -> dict[tuple[int, str], bytes]:
    """The executable mappings of *pid* whose file name is one of *names*, read through
    /proc/PID/mem (the program's code as it runs, breakpoints included)."""
    out = {}
    with open(f"/proc/{pid}/maps") as f:
        lines = f.read().splitlines()
    with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for line in lines:
            parts = line.split()
            if len(parts) < 6 or "x" not in parts[1]:
                continue
            if os.path.basename(parts[5]) not in names:
                continue
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            mem.seek(lo)
            out[(lo, parts[5])] = mem.read(hi - lo)
    return out


async def run_probed(argv: list[str], spec: Any, tmp_path: Any, *, returns: bool = False,
                     on_event: Any = None, intercept: bool = False) -> tuple[list[Any], str, int]:
    out = tmp_path / "out"
    events: list[Any] = []
    with open(out, "wb") as f:
        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.spawn(argv, stdout=f)
            async with proc.probe(spec, returns=returns, intercept=intercept) as hits:
                proc.resume()
                async for ev in hits:
                    events.append(ev)
                    if on_event is not None:
                        on_event(ev)
            rc = await proc.wait()
    return events, out.read_text(), rc


async def test_exact_hit_counts_in_eight_threads(target, tmp_path):
    events, out, rc = await run_probed([target("probe_calls"), "8", "300"],
                                       "probe_calls:add", tmp_path)
    assert (out, rc) == (f"sum={expected_sum(8, 300)} fact5=120\n", 0)
    per_thread = Counter(ev.tid for ev in events)
    assert len(per_thread) == 8
    assert set(per_thread.values()) == {300}
    assert {ev.symbol for ev in events} == {"add"}
    # every call's arguments, exactly once per thread
    args = Counter((ev.tid, ev.args[0], ev.args[1]) for ev in events)
    assert set(args.values()) == {1}
    assert {a for _, a, _ in args} == set(range(300))


async def test_probe_by_glob_and_bare_name(target, tmp_path):
    events, out, rc = await run_probed([target("probe_calls"), "0", "3"],
                                       ["probe_calls:l*f", "fact"], tmp_path)
    assert rc == 0
    assert Counter(ev.symbol for ev in events) == {"leaf": 3, "fact": 5}


async def test_returns_values_and_durations(target, tmp_path):
    events, out, rc = await run_probed([target("probe_calls"), "0", "4"],
                                       ["probe_calls:add", "probe_calls:fact"], tmp_path,
                                       returns=True)
    assert (out, rc) == (f"sum={expected_sum(0, 4)} fact5=120\n", 0)
    adds = [(type(ev), ev.args[:2] if isinstance(ev, ProbeHit) else ev.retval)
            for ev in events if ev.symbol == "add"]
    assert adds == [x for i in range(4) for x in ((ProbeHit, (i, 1)), (ProbeReturn, i + 1))]
    # recursion: fact(5) -> fact(4) ... fact(1), then the returns, innermost first
    facts = [ev for ev in events if ev.symbol == "fact"]
    assert [ev.args[0] for ev in facts[:5]] == [5, 4, 3, 2, 1]
    assert [ev.retval for ev in facts[5:]] == [1, 2, 6, 24, 120]
    assert all(isinstance(ev, ProbeReturn) for ev in facts[5:])
    # each return's duration covers the calls it made: strictly increasing outwards
    durations = [ev.duration_ns for ev in facts[5:]]
    assert all(d > 0 for d in durations)
    assert durations == sorted(durations)
    assert all(ev.address == facts[0].address for ev in facts)


async def test_return_probes_in_eight_threads(target, tmp_path):
    events, out, rc = await run_probed([target("probe_calls"), "8", "100"],
                                       "probe_calls:add", tmp_path, returns=True)
    assert (out, rc) == (f"sum={expected_sum(8, 100)} fact5=120\n", 0)
    rets = Counter((ev.tid, ev.retval) for ev in events if isinstance(ev, ProbeReturn))
    assert len(rets) == 800 and set(rets.values()) == {1}
    # in each thread, every hit is followed by its own return
    by_tid: dict[int, list[Any]] = {}
    for ev in events:
        by_tid.setdefault(ev.tid, []).append(ev)
    for evs in by_tid.values():
        kinds = [type(ev) for ev in evs]
        assert kinds == [ProbeHit, ProbeReturn] * 100
        assert all(r.retval == h.args[0] + 1 for h, r in zip(evs[::2], evs[1::2], strict=True))


async def test_intercept_changes_an_argument(target, tmp_path):
    def twelve(ev):
        ev.rewrite(args=[ev.args[0], 12])

    events, out, rc = await run_probed([target("probe_calls"), "2", "50"], "probe_calls:add",
                                       tmp_path, intercept=True, on_event=twelve)
    assert (out, rc) == (f"sum={expected_sum(2, 50, 12)} fact5=120\n", 0)
    assert len(events) == 100


async def test_intercept_skips_the_call_and_sets_its_return(target, tmp_path):
    def seven(ev):
        if isinstance(ev, ProbeHit):
            ev.return_value(7)

    events, out, rc = await run_probed([target("probe_calls"), "2", "50"], "probe_calls:add",
                                       tmp_path, intercept=True, on_event=seven, returns=True)
    assert (out, rc) == ("sum=700 fact5=120\n", 0)
    # a skipped call does not return through its probe
    assert Counter(type(ev) for ev in events) == {ProbeHit: 100}


async def test_set_return_at_the_return(target, tmp_path):
    def double(ev):
        if isinstance(ev, ProbeReturn):
            ev.set_return(2 * ev.retval)
        else:
            ev.resume()

    events, out, rc = await run_probed([target("probe_calls"), "0", "10"], "probe_calls:add",
                                       tmp_path, intercept=True, on_event=double, returns=True)
    assert (out, rc) == (f"sum={2 * expected_sum(0, 10)} fact5=120\n", 0)


async def test_library_loaded_by_dlopen(target, tmp_path):
    lib = target("probe_plugin")
    events, out, rc = await run_probed([target("probe_dlopen"), lib, "6"],
                                       f"{lib}:plugin_fn", tmp_path, returns=True)
    assert (out, rc) == (f"sum={3 * sum(range(6))}\n", 0)
    assert [ev.retval for ev in events if isinstance(ev, ProbeReturn)] == [
        3 * i for i in range(6)]
    assert {ev.module for ev in events} == {os.path.realpath(lib)}


async def test_library_loaded_at_start_up(target, tmp_path):
    # libc is not mapped yet at the spawn hold: the probe waits for it
    events, out, rc = await run_probed([target("probe_calls"), "0", "3"], "libc.so.6:fflush",
                                       tmp_path)
    assert rc == 0
    assert out == f"sum={expected_sum(0, 3)} fact5=120\n"


async def test_fork_child_and_exec(target, tmp_path):
    calls = target("probe_calls")
    events, out, rc = await run_probed([target("probe_fork"), "3", "4", calls, "0", "5"],
                                       "add", tmp_path)
    assert rc == 0
    assert out.count("child sum=10\n") == 1 and "sum=15 fact5=120\n" in out
    parent = events[0].pid
    by = Counter((ev.pid == parent, os.path.basename(ev.module)) for ev in events)
    assert by == {(True, "probe_fork"): 3, (False, "probe_fork"): 4,
                  (False, "probe_calls"): 5}


async def test_several_engines_on_one_probe(target, tmp_path):
    seen: list[Any] = []
    out = tmp_path / "out"
    with open(out, "wb") as f:
        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.spawn([target("probe_calls"), "0", "5"], stdout=f)
            first = proc.probe("probe_calls:add", intercept=True)
            second = proc.probe("probe_calls:add", intercept=True)
            observer = proc.probe("probe_calls:add")
            async with first, second, observer, anyio.create_task_group() as tg:
                async def last_attached() -> None:
                    async for hit in second:
                        seen.append(("second", hit.verdict))
                        hit.rewrite(args=[hit.args[0], 100])

                async def first_attached() -> None:
                    async for hit in first:
                        seen.append(("first", hit.verdict.args if hit.verdict else None))
                        hit.resume()

                async def observe() -> None:
                    async for hit in observer:
                        seen.append(("observer", hit.args[1]))

                tg.start_soon(last_attached)
                tg.start_soon(first_attached)
                tg.start_soon(observe)
                proc.resume()
                assert await proc.wait() == 0
    assert out.read_text() == f"sum={expected_sum(0, 5, 100)} fact5=120\n"
    # the engine attached last decides first; the next sees its verdict; observers see
    # the arguments after every verdict (when each task runs is the scheduler's choice)
    assert [v for who, v in seen if who == "second"] == [None] * 5
    assert [v for who, v in seen if who == "first"] == [(i, 100) for i in range(5)]
    assert [v for who, v in seen if who == "observer"] == [100] * 5
    engines = [who for who, _ in seen if who != "observer"]
    assert engines == ["second", "first"] * 5


async def test_probes_and_syscalls_on_one_thread(target, tmp_path):
    out = tmp_path / "out"
    with open(out, "wb") as f:
        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.spawn([target("probe_calls"), "0", "3"], stdout=f)
            calls = proc.events(SyscallEntry, syscalls={"write"})
            async with proc.probe("probe_calls:add") as hits, calls:
                proc.resume()
                got = [ev async for ev in hits]
                writes = [ev async for ev in calls]
            assert await proc.wait() == 0
    assert [ev.args[0] for ev in got] == [0, 1, 2]
    assert len(writes) == 1 and writes[0].tid == got[0].tid
    assert max(ev.seq for ev in got) < writes[0].seq


async def test_detach_during_a_storm_restores_the_code(target, tmp_path):
    out = tmp_path / "out"
    names = ("probe_calls", "ld-linux-x86-64.so.2")
    r, w = os.pipe()
    try:
        with open(out, "wb") as f:
            async with aiotrace.open_tracer() as tracer:
                proc = await tracer.spawn([target("probe_calls"), "4", "20000", "wait"],
                                          stdout=f, stdin=r)
                before = text_pages(proc.pid, names)
                n = 0
                async with proc.probe(["probe_calls:add", "probe_calls:leaf"],
                                      returns=True) as hits:
                    proc.resume()
                    async for _ in hits:
                        n += 1
                        if n == 3000:
                            during = text_pages(proc.pid, names)
                            await proc.detach()
                            break
                after = text_pages(proc.pid, names)   # (it waits for its stdin)
                os.close(w)
                w = -1
                assert await proc.wait() == 0
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)
    assert during != before   # (the breakpoints were there)
    assert after == before
    assert out.read_text() == f"sum={expected_sum(4, 20000)} fact5=120\n"


async def test_close_a_probe_restores_the_code(target, tmp_path):
    out = tmp_path / "out"
    with open(out, "wb") as f:
        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.spawn([target("probe_calls"), "2", "5000"], stdout=f)
            before = text_pages(proc.pid, ("probe_calls",))
            async with proc.probe("probe_calls:fact", intercept=True, returns=True) as keep:
                async with proc.probe("probe_calls:add", returns=True) as hits:
                    proc.resume()
                    n = 0
                    async for _ in hits:
                        n += 1
                        if n == 500:
                            break
                facts = []
                async for ev in keep:
                    if not facts:
                        # held at fact(5), after every add(): add's breakpoint is gone
                        # (its stream's close ran before the stops that came since)
                        middle = text_pages(proc.pid, ("probe_calls",))
                    if isinstance(ev, ProbeReturn):
                        facts.append(ev.retval)
                    else:
                        facts.append(0)
            assert await proc.wait() == 0
    assert out.read_text() == f"sum={expected_sum(2, 5000)} fact5=120\n"
    assert facts == [0] * 5 + [1, 2, 6, 24, 120]
    diff = [(k, i) for (k, a), b in zip(before.items(), middle.values(), strict=True) for i in range(len(a))
            if a[i] != b[i]]
    assert len(diff) == 1   # fact's int3 alone


async def test_probes_in_an_attached_process(target, tmp_path):
    import subprocess

    child = subprocess.Popen([target("probe_calls"), "2", "100", "before"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.attach(child.pid)
            # (every library is mapped already: libc's printf is found at once)
            async with proc.probe(["probe_calls:add", "libc.so.6:printf"],
                                  returns=True) as hits:
                proc.resume()
                child.stdin.close()   # now it makes its calls
                events = [ev async for ev in hits]
            assert await proc.wait() == 0
        out = child.stdout.read().decode()
    finally:
        child.kill()
        child.wait()
    assert out == f"sum={expected_sum(2, 100)} fact5=120\n"
    count = Counter((type(ev), ev.symbol) for ev in events)
    assert count == {(ProbeHit, "add"): 200, (ProbeReturn, "add"): 200,
                     (ProbeHit, "printf"): 1, (ProbeReturn, "printf"): 1}
    assert [ev.retval for ev in events if ev.symbol == "printf" and
            isinstance(ev, ProbeReturn)] == [len(out)]


async def test_tracer_close_mid_storm_leaves_an_attached_process_intact(target, tmp_path):
    """The tracer closes (detaching an attached process) while its probes are armed, an
    engine holds one thread at a hit and the others run through breakpoints, slots and
    return trampolines: the code is as before, the return addresses too (the sums)."""
    import subprocess

    names = ("probe_calls", "ld-linux-x86-64.so.2")
    child = subprocess.Popen([target("probe_calls"), "4", "20000", "around"],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.attach(child.pid)
            # (read once it is stopped: when Popen returns, its exec may not have mapped
            # the program yet)
            before = text_pages(child.pid, names)
            hits = proc.probe(["probe_calls:add", "probe_calls:leaf"], returns=True,
                              intercept=True)
            await hits.__aenter__()   # (left open: the tracer's close takes it down)
            proc.resume()
            child.stdin.write(b"go\n")
            child.stdin.flush()
            n = 0
            async for ev in hits:
                n += 1
                if n == 3000:
                    during = text_pages(child.pid, names)
                    break   # (held: no verdict)
                ev.resume()
        after = text_pages(child.pid, names)   # (it waits for the rest of its stdin)
        await hits.aclose()
        child.stdin.close()
        out = child.stdout.read().decode()
        assert child.wait() == 0
    finally:
        child.kill()
        child.wait()
    assert during != before   # (the breakpoints were there)
    assert after == before
    assert out == f"sum={expected_sum(4, 20000)} fact5=120\n"


async def test_bad_probes_are_refused_and_leave_nothing(target, tmp_path):
    out = tmp_path / "out"
    with open(out, "wb") as f:
        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.spawn([target("probe_calls"), "0", "3"], stdout=f)
            before = text_pages(proc.pid, ("probe_calls",))
            cases = {
                "libnope.so.9:malloc": "no library 'libnope.so.9'",
                "libc.so.6:no_such_function": "no function 'no_such_function' in /",
                "probe_calls:nope": "no function 'nope' in",
                0x10: "is not in an executable mapping",
                # (one good name does not let a bad one through: all or nothing)
                ("probe_calls:add", "probe_calls:nope"): "no function 'nope'",
            }
            for spec, message in cases.items():
                with pytest.raises(ProbeError, match=message):
                    async with proc.probe(spec):
                        pass
            assert text_pages(proc.pid, ("probe_calls",)) == before
            proc.resume()
            assert await proc.wait() == 0
            with pytest.raises(ProbeError, match="has exited"):
                async with proc.probe("probe_calls:add"):
                    pass
    assert out.read_text() == f"sum={expected_sum(0, 3)} fact5=120\n"


async def test_probe_needs_follow(target, tmp_path):
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("probe_calls"), "0", "3"], follow=False,
                                  stdout=open(os.devnull, "wb"))
        with pytest.raises(ProbeError, match="follow=True"):
            async with proc.probe("probe_calls:add"):
                pass
        proc.resume()
        assert await proc.wait() == 0


async def test_observers_hits_are_handled_by_the_c_loop(target, tmp_path, tracer_loop):
    if tracer_loop != "c":
        pytest.skip("the C loop's fast path")
    out = tmp_path / "out"
    with open(out, "wb") as f:
        async with aiotrace.open_tracer() as tracer:
            assert tracer.accelerated
            proc = await tracer.spawn([target("probe_calls"), "4", "500"], stdout=f)
            # (a buffer for every hit: no backpressure, which is Python's to apply)
            async with proc.probe("probe_calls:add", buffer=4096) as hits:
                proc.resume()
                events = [ev async for ev in hits]
            assert await proc.wait() == 0
            in_c = tracer._core.accel.core.stops
    assert Counter(ev.tid for ev in events).most_common()[-1][1] == 500 and len(events) == 2000
    assert sorted(ev.args[0] for ev in events) == sorted(list(range(500)) * 4)
    assert all(ev.regs.rip == ev.address and ev.symbol == "add" for ev in events)
    # the first hit maps the out-of-line area (Python; the other threads' hits that come
    # meanwhile too); then the C loop takes them
    assert in_c >= 2000 - 4


async def test_a_hit_that_goes_to_python_does_not_remake_the_c_table(target, tmp_path,
                                                                     tracer_loop, monkeypatch):
    """The C loop's table is made again when what it holds changes (a new slot, a stream
    taken on or closed), not at every hit Python handles (an interceptor's: 2000 here)."""
    if tracer_loop != "c":
        pytest.skip("the C loop's table")
    from aiotrace._core._breakpoints import Space

    made = []
    set_table = Space.set_table

    def counted(self: Space, entries: Any) -> int:
        made.append(len(entries))
        return set_table(self, entries)

    monkeypatch.setattr(Space, "set_table", counted)
    events, out, rc = await run_probed([target("probe_calls"), "4", "500"], "probe_calls:add",
                                       tmp_path, intercept=True, on_event=lambda ev: ev.resume())
    assert (out, rc) == (f"sum={expected_sum(4, 500)} fact5=120\n", 0)
    assert len(events) == 2000
    assert 0 < len(made) < 20


async def test_exec_after_the_probes_closed_drops_the_old_table(target, tmp_path, tracer_loop):
    """A process that execs once its probes are closed: its thread must not keep pointing
    the C loop at the old program's table of breakpoints (freed with its space)."""
    if tracer_loop != "c":
        pytest.skip("the C loop's table")
    calls = target("probe_calls")
    out = tmp_path / "out"
    tables = []
    with open(out, "wb") as f:
        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.spawn([target("probe_fork"), "0", "2", calls, "0", "1"],
                                      stdout=f)
            writes = proc.events(SyscallEntry, syscalls={"write"}, intercept=True)
            async with writes:
                # (an observer's probe: the C loop has a table of it; the child waits at
                # its first write, held, while the probe closes)
                async with proc.probe("probe_fork:add") as hits:
                    proc.resume()
                    async for hit in hits:
                        if hit.args[0] == 1:
                            break   # (the child's last call)
                async for ev in writes:
                    exe = os.readlink(f"/proc/{ev.pid}/exe")
                    if os.path.basename(exe) == "probe_calls":
                        slot = tracer._core.threads[ev.tid].slot
                        tables.append(slot.bps if slot is not None else None)
                    ev.resume()
            assert await proc.wait() == 0
    assert "child sum=3\n" in out.read_text() and "sum=1 fact5=120\n" in out.read_text()
    assert tables == [None]
