"""Cost of a probe hit: aiotrace's probes, ltrace and gdb's dprintf on the same program,
and aiotrace's own syscall stop for reference (issue 22's benchmark).

    python benchmarks/probe_cost.py [--calls N] [--runs R] [--backend asyncio|trio]
                                    [--cpus any|same|split] [--only NAME,...]

The program (benchmarks/workloads/probe_loop.c) calls a function that does nothing N
times; each tool stops at every call and reports it:

| name | what |
|---|---|
| `observer-c`, `observer-py` | `proc.probe("probe_loop:probed")`, an observer of each hit, with the C tracer loop and with the Python one (AIOTRACE_ACCEL=0) |
| `intercept-c`, `intercept-py` | the same, intercepting: each hit resumed at once |
| `returns-c` | an observer with `returns=True` (two stops per call) |
| `ltrace` | `ltrace -x probed -o /dev/null` (ltrace stops at each return too) |
| `gdb-dprintf` | `gdb -batch -ex 'dprintf probed,...' -ex run` (its output to /dev/null) |
| `syscall-c`, `syscall-py` | an observer of SyscallEntry+SyscallExit of `getppid_loop N` (2N stops): the reference for "a hit costs at most 2x a syscall stop"; its row is per stop |
| `sysint-c`, `sysint-py` | the same, intercepting: each stop resumed at once (the reference for `intercept-*`); per stop |

Each tool runs the program with N calls and with N/10 calls; the cost per hit is the
difference of the two divided by the difference of the counts, minus the same for the
untraced program: start-up (an interpreter, gdb's, reading symbol tables, mapping the
out-of-line area) cancels out. Two measures: wall time, and CPU time of the tracer and
the program together (this process's own plus its reaped children's: the tracee, or
ltrace or gdb with theirs). Rounds alternate the tools (the order rotated by one each
round); the table gives the median over the rounds, and min-max.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import anyio

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _build import build  # noqa: E402
from run import place  # noqa: E402

import aiotrace  # noqa: E402
from aiotrace import SyscallEntry, SyscallExit  # noqa: E402


def cpu_s() -> float:
    """CPU time of this process and of its children that were waited for (theirs too)."""
    s = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def command(argv: list[str]) -> None:
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def probed(argv: list[str], intercept: bool, returns: bool) -> None:
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn(argv, stdout=subprocess.DEVNULL)
        async with proc.probe("probe_loop:probed", intercept=intercept, returns=returns,
                              buffer=4096) as hits:
            proc.resume()
            if intercept:
                async for hit in hits:
                    hit.resume()
            else:
                async for _ in hits:
                    pass
        if await proc.wait() != 0:
            raise RuntimeError("probe_loop failed under probes")


async def syscalls(argv: list[str], intercept: bool = False) -> None:
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn(argv)
        events = proc.events(SyscallEntry, SyscallExit, syscalls={"getppid"}, buffer=4096,
                             intercept=intercept)
        proc.resume()
        async with events:
            if intercept:
                async for ev in events:
                    ev.resume()
            else:
                async for _ in events:
                    pass
        await proc.wait()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--backend", default="asyncio", choices=["asyncio", "trio"])
    ap.add_argument("--cpus", default="any", choices=["any", "same", "split"])
    ap.add_argument("--only", default="", help="tool names, comma-separated")
    a = ap.parse_args()
    prefix, where = place(a.cpus)
    loop = prefix + [str(build("probe_loop"))]
    ppid = prefix + [str(build("getppid_loop"))]

    def api(fn: Callable[..., object], argv: list[str], accel: bool,
            *args: object) -> Callable[[int], None]:
        def run(n: int) -> None:
            os.environ["AIOTRACE_ACCEL"] = "1" if accel else "0"   # read when a tracer opens
            anyio.run(fn, argv + [str(n)], *args, backend=a.backend)
        return run

    # name -> (run with n calls, stops per call, which untraced program to subtract)
    tools: dict[str, tuple[Callable[[int], None], int, str]] = {
        "observer-c": (api(probed, loop, True, False, False), 1, "loop"),
        "observer-py": (api(probed, loop, False, False, False), 1, "loop"),
        "intercept-c": (api(probed, loop, True, True, False), 1, "loop"),
        "intercept-py": (api(probed, loop, False, True, False), 1, "loop"),
        "returns-c": (api(probed, loop, True, False, True), 1, "loop"),
        "syscall-c": (api(syscalls, ppid, True), 2, "ppid"),
        "syscall-py": (api(syscalls, ppid, False), 2, "ppid"),
        "sysint-c": (api(syscalls, ppid, True, True), 2, "ppid"),
        "sysint-py": (api(syscalls, ppid, False, True), 2, "ppid"),
    }
    if shutil.which("ltrace"):
        tools["ltrace"] = (lambda n: command(["ltrace", "-x", "probed", "-o", os.devnull,
                                              *loop, str(n)]), 1, "loop")
    if shutil.which("gdb"):
        tools["gdb-dprintf"] = (lambda n: command(
            ["gdb", "-batch", "-nx", "-ex", 'dprintf probed,"probed %ld\\n",$rdi', "-ex", "run",
             "--args", *loop, str(n)]), 1, "loop")
    if a.only:
        keep = set(a.only.split(","))
        tools = {k: v for k, v in tools.items() if k in keep}
    bases: dict[str, Callable[[int], None]] = {
        "loop": lambda n: command(loop + [str(n)]),
        "ppid": lambda n: command(ppid + [str(n)]),
    }
    big, small = a.calls, a.calls // 10

    def slope(fn: Callable[[int], None]) -> tuple[float, float]:
        """Seconds of wall time and of CPU time per call."""
        out = []
        for n in (small, big):
            c0, t0 = cpu_s(), time.perf_counter()
            fn(n)
            out.append((time.perf_counter() - t0, cpu_s() - c0))
        d = big - small
        return (out[1][0] - out[0][0]) / d, (out[1][1] - out[0][1]) / d

    names = list(tools)
    wall: dict[str, list[float]] = {k: [] for k in names}
    cpu: dict[str, list[float]] = {k: [] for k in names}
    for fn, _, _ in tools.values():    # imports, symbol tables read once per process
        fn(small)
    for r in range(a.runs):
        base = {k: slope(fn) for k, fn in bases.items()}
        for name in names[r % len(names):] + names[:r % len(names)]:
            fn, stops, which = tools[name]
            w, c = slope(fn)
            wall[name].append((w - base[which][0]) / stops * 1e6)
            cpu[name].append((c - base[which][1]) / stops * 1e6)
    os.environ.pop("AIOTRACE_ACCEL", None)
    print(f"# {small} and {big} calls, {a.runs} rounds, {a.backend}, {where}")
    print("# us per hit (per stop for syscall-*), the untraced program's subtracted: "
          "median [min-max]")
    print(f"{'':14} {'wall':>24} {'CPU (tracer+program)':>24}")
    med: dict[str, tuple[float, float]] = {}
    for name in names:
        mw, mc = statistics.median(wall[name]), statistics.median(cpu[name])
        med[name] = (mw, mc)
        print(f"{name:14} {mw:7.1f} [{min(wall[name]):6.1f}-{max(wall[name]):6.1f}]"
              f" {mc:7.1f} [{min(cpu[name]):6.1f}-{max(cpu[name]):6.1f}]")
    for kind in ("c", "py"):
        for probe, ref in (("observer", "syscall"), ("intercept", "syscall"),
                           ("intercept", "sysint")):
            hit, stop = med.get(f"{probe}-{kind}"), med.get(f"{ref}-{kind}")
            if hit and stop:
                print(f"{probe}-{kind} / {ref}-{kind} stop: {hit[0] / stop[0]:.2f}x wall, "
                      f"{hit[1] / stop[1]:.2f}x CPU")


if __name__ == "__main__":
    main()
