"""What events(context=True) and events(paths=...) cost per event.

    .venv/bin/python benchmarks/monitor_cost.py [--calls N] [--runs R] [--backend trio]

A workload makes N openat() of one file (the getppid-free `openat_loop` below, compiled
once into benchmarks/.build/); one observing stream takes each call's exit, with nothing
asked, with context=True, with paths=[the file], and with both. Prints the median µs per
event of each over R runs, and the difference to the plain stream: the cost of asking.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
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
    for (long i = 0; i < n; i++) { int fd = open(argv[1], O_RDONLY); if (fd >= 0) close(fd); }
    return 0;
}
"""


def build() -> str:
    out = HERE / ".build"
    out.mkdir(exist_ok=True)
    src, exe = out / "openat_loop.c", out / "openat_loop"
    if not exe.exists():
        src.write_text(SRC)
        os.system(f"cc -O2 -o {exe} {src}")
    return str(exe)


async def one(exe: str, path: str, n: int, **kw: object) -> float:
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([exe, path, str(n)])
        count = 0
        async with proc.events(SyscallExit, syscalls={"openat"}, buffer=4096, **kw) as evs:
            t0 = time.perf_counter()
            proc.resume()
            async for ev in evs:
                count += 1
                if kw.get("context"):
                    assert ev.context is not None
        dt = time.perf_counter() - t0
        await proc.wait()
    return dt / max(count, 1) * 1e6


async def main(args: argparse.Namespace) -> None:
    exe = build()
    with tempfile.NamedTemporaryFile() as f:
        cases = {"plain": {}, "context": {"context": True}, "paths": {"paths": [f.name]},
                 "both": {"context": True, "paths": [f.name]}}
        results: dict[str, list[float]] = {k: [] for k in cases}
        for _ in range(args.runs):
            for name, kw in cases.items():   # (alternated, so that load hits each alike)
                results[name].append(await one(exe, f.name, args.calls, **kw))
    base = statistics.median(results["plain"])
    print(f"accelerated={os.environ.get('AIOTRACE_ACCEL', '1') != '0'}  calls={args.calls}")
    for name, vals in results.items():
        med = statistics.median(vals)
        print(f"{name:8} {med:7.2f} us/event  (+{med - base:5.2f} over plain)")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--backend", default="asyncio")
    a = ap.parse_args()
    anyio.run(main, a, backend=a.backend)
