"""What events(context=True) and events(paths=...) cost per event; with --overflow, what
a stream that is never read costs the program under overflow="drop" and "drop_oldest".

    .venv/bin/python benchmarks/monitor_cost.py [--calls N] [--runs R] [--backend trio]
    .venv/bin/python benchmarks/monitor_cost.py --overflow [--cpu 0] [--calls N] [--runs R]

A workload makes N openat() of one file, each closed (`openat_loop2` below, compiled
once into benchmarks/.build/); one observing stream takes each openat's exit, with nothing
asked, with context=True, with paths=[the file], with both, and with paths=[a glob that
matches the file]; "2 streams" is the plain stream and a second plain one of the same
calls, "2, paths" the plain stream and a second one with paths=[the file]. Prints the
median µs per event of each over R runs, and the difference to the plain stream: the
cost of asking.
Two references say what a stop costs, to compare with: "+2 stops", the plain stream while
the program also calls getppid() once per loop (two stops nobody wants), and "+1 event",
the plain stream taking close's exits too (an event made of a stop that is there anyway).
--threads adds the CPU time of the tracer's thread and of the event loop's thread per event
(from /proc/self/task/TID/schedstat, from resume() to the stream's end): the tracer
thread's is what a stop's decision costs, with less noise than the whole process's on a
shared machine.
Figures: docs/monitors.md, "What it costs".

--overflow: the same workload traced with no stream (the reference), with one stream of
openat's exits (buffer=256) read in full as the program runs (overflow="block": what
observing the calls costs), and with that stream never read while the program runs,
under overflow="drop" and under overflow="drop_oldest". Each run measures the CPU time (user +
system) of this process and of its children (the tracee, reaped by the tracer thread)
from before open_tracer() to after its close, and the wall time from resume() to the
program's end; the cases alternate run by run. --cpu pins this process, and so the
tracee, to one CPU (as `taskset -c`), so that what the stream costs is not hidden on
another CPU. Prints the medians and each case over the reference.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import threading
import time
from pathlib import Path

import anyio

import aiotrace
from aiotrace import SyscallExit

HERE = Path(__file__).resolve().parent
SRC = r"""
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv) {
    long n = atol(argv[2]);
    int more = argc > 3;   /* (one more call, getppid, per loop: two more stops) */
    for (long i = 0; i < n; i++) {
        int fd = open(argv[1], O_RDONLY);
        if (fd >= 0) close(fd);
        if (more) getppid();
    }
    return 0;
}
"""


def build() -> str:
    out = HERE / ".build"
    out.mkdir(exist_ok=True)
    src, exe = out / "openat_loop2.c", out / "openat_loop2"
    if not exe.exists():
        src.write_text(SRC)
        os.system(f"cc -O2 -o {exe} {src}")
    return str(exe)


async def one(exe: str, path: str, n: int, more: bool = False,
              calls: frozenset[str] = frozenset({"openat"}), also: dict[str, object] | None = None,
              **kw: object) -> tuple[float, float, float, float]:
    """(wall µs, CPU µs, tracer thread µs, loop thread µs) per event of one traced run: the
    wall time from resume() to the
    stream's end; the CPU time (user + system) of this process and of the tracee, from
    before open_tracer() to after the tracee was reaped (the tracer's start and close are
    in every case alike: the differences are the cost per event). *also*: a second
    stream of the same calls, with these options, read after the first."""
    c0 = _cpu()
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([exe, path, str(n)] + (["more"] if more else []))
        count = 0
        other = (proc.events(SyscallExit, syscalls=calls, buffer=4096, **also)
                 if also is not None else None)
        tracer_tid = next(t.native_id for t in threading.enumerate()
                          if t.name == "aiotrace-tracer")
        loop_tid = threading.get_native_id()
        async with proc.events(SyscallExit, syscalls=calls, buffer=4096, **kw) as evs:
            th0 = _thread_cpu(tracer_tid), _thread_cpu(loop_tid)
            t0 = time.perf_counter()
            proc.resume()
            async for ev in evs:
                count += ev.name == "openat"   # (per openat: "+1 event" takes close's too)
                if kw.get("context"):
                    assert ev.context is not None
            th1 = _thread_cpu(tracer_tid), _thread_cpu(loop_tid)
            if other is not None:
                async with other:
                    got = len([ev async for ev in other if ev.name == "openat"])
                assert got >= n, got
        dt = time.perf_counter() - t0
        await proc.wait()
        cpu = _cpu() - c0
    per = 1e6 / max(count, 1)
    return dt * per, cpu * per, (th1[0] - th0[0]) * per, (th1[1] - th0[1]) * per


def _thread_cpu(tid: int) -> float:
    """CPU seconds of thread *tid* of this process (its schedstat's time on a CPU)."""
    with open(f"/proc/self/task/{tid}/schedstat") as f:
        return int(f.read().split()[0]) / 1e9


def _cpu() -> float:
    """CPU seconds (user + system) of this process and of its reaped children."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


async def unread(exe: str, path: str, n: int, overflow: str | None) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one traced run with a stream never read while the
    program runs (*overflow*), or none (None)."""
    c0 = _cpu()
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([exe, path, str(n)])
        stream = None
        if overflow is not None:
            stream = proc.events(SyscallExit, syscalls={"openat"},
                                 overflow="block" if overflow == "read" else overflow)
        t0 = time.perf_counter()
        proc.resume()
        if overflow == "read":
            assert stream is not None
            async with stream:
                got = len([ev async for ev in stream])
            assert got >= n, got   # (and the loader's openat calls)
            stream = None
        assert await proc.wait() == 0
        wall = time.perf_counter() - t0
        if stream is not None:
            st = stream.statistics()
            assert st.delivered == 0 and st.dropped + st.buffered >= n, st
            await stream.aclose()
    return _cpu() - c0, wall


async def overflow_main(args: argparse.Namespace) -> None:
    exe = build()
    cases: dict[str, str | None] = {"no stream": None, "read": "read", "drop": "drop",
                                    "drop_oldest": "drop_oldest"}
    cpu: dict[str, list[float]] = {k: [] for k in cases}
    wall: dict[str, list[float]] = {k: [] for k in cases}
    with tempfile.NamedTemporaryFile() as f:
        await unread(exe, f.name, 100, None)   # (warm-up: imports, the first spawn)
        for _ in range(args.runs):
            for name, mode in cases.items():   # (alternated, so that load hits each alike)
                c, w = await unread(exe, f.name, args.calls, mode)
                cpu[name].append(c)
                wall[name].append(w)
    print(f"accelerated={os.environ.get('AIOTRACE_ACCEL', '1') != '0'}  calls={args.calls}  "
          f"runs={args.runs}  cpus={sorted(os.sched_getaffinity(0))}  "
          f"load={os.getloadavg()[0]:.1f}")
    base_c = statistics.median(cpu["no stream"])
    read_c = statistics.median(cpu["read"])
    base_w = statistics.median(wall["no stream"])
    read_w = statistics.median(wall["read"])
    print("medians; over the program with no stream, and over the same stream read in full")
    for name in cases:
        mc, mw = statistics.median(cpu[name]), statistics.median(wall[name])
        print(f"{name:12} cpu {mc * 1e3:8.1f} ms ({(mc / base_c - 1) * 100:+6.1f} %, "
              f"{(mc / read_c - 1) * 100:+6.1f} %)  wall {mw * 1e3:8.1f} ms "
              f"({(mw / base_w - 1) * 100:+6.1f} %, {(mw / read_w - 1) * 100:+6.1f} %)  "
              f"{mc / args.calls * 1e6:6.2f} us cpu/call")


async def main(args: argparse.Namespace) -> None:
    if args.overflow:
        await overflow_main(args)
        return
    exe = build()
    with tempfile.NamedTemporaryFile() as f:
        cases: dict[str, dict[str, object]] = {
            "plain": {}, "context": {"context": True}, "paths": {"paths": [f.name]},
            "both": {"context": True, "paths": [f.name]},
            # a glob that matches the file; and paths= on a second stream of the same
            # calls, next to the plain one, against two plain streams
            "glob": {"paths": [f.name[:-2] + "[!/]?"]},
            "2 streams": {"also": {}},
            "2, paths": {"also": {"paths": [f.name]}},
            # the reference of what a stop costs: the plain stream, with a getppid() more
            # per loop in the program, whose two stops (entry, exit) nobody wants
            "+2 stops": {"more": True},
            # ... and of what an observer's event costs beyond its stop: close's exits too
            "+1 event": {"calls": frozenset({"openat", "close"})}}
        wall: dict[str, list[float]] = {k: [] for k in cases}
        cpu: dict[str, list[float]] = {k: [] for k in cases}
        threads: dict[str, list[tuple[float, float]]] = {k: [] for k in cases}
        for _ in range(args.runs):
            for name, kw in cases.items():   # (alternated, so that load hits each alike)
                w, c, tr, lp = await one(exe, f.name, args.calls, **kw)
                wall[name].append(w)
                cpu[name].append(c)
                threads[name].append((tr, lp))
    base_w, base_c = statistics.median(wall["plain"]), statistics.median(cpu["plain"])
    base_t = [statistics.median(t[i] for t in threads["plain"]) for i in (0, 1)]
    print(f"accelerated={os.environ.get('AIOTRACE_ACCEL', '1') != '0'}  calls={args.calls}  "
          f"runs={args.runs}  cpus={sorted(os.sched_getaffinity(0))}  "
          f"load={os.getloadavg()[0]:.1f}")
    for name in cases:
        mw, mc = statistics.median(wall[name]), statistics.median(cpu[name])
        line = (f"{name:9} wall {mw:7.2f} us/event ({mw - base_w:+6.2f} over plain)  "
                f"cpu {mc:7.2f} us/event ({mc - base_c:+6.2f} over plain)")
        if args.threads:
            mt = [statistics.median(t[i] for t in threads[name]) for i in (0, 1)]
            line += (f"  tracer thread {mt[0]:6.2f} ({mt[0] - base_t[0]:+6.2f})  "
                     f"loop thread {mt[1]:6.2f} ({mt[1] - base_t[1]:+6.2f})")
        print(line)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--backend", default="asyncio")
    ap.add_argument("--overflow", action="store_true",
                    help="a never-read stream under drop and drop_oldest against none")
    ap.add_argument("--cpu", type=int, default=None, help="pin to this CPU (and the tracee)")
    ap.add_argument("--threads", action="store_true",
                    help="also the tracer thread's and the loop thread's CPU per event")
    a = ap.parse_args()
    if a.cpu is not None:
        os.sched_setaffinity(0, {a.cpu})
    anyio.run(main, a, backend=a.backend)
