"""Per-stop cost of an intercepting engine that resumes at once, against an observer.

    python benchmarks/engine_cost.py [--calls N] [--runs R] [--backend asyncio|trio]
                                     [--cpus any|same|split]

Runs a syscall-dense C loop (N raw getppid calls) untraced, traced by an observer of
SyscallEntry+SyscallExit, and traced by an engine that intercepts the same events and
resumes each one at once; the tools alternate run by run. Prints medians, the cost per
stop (traced minus untraced, divided by the 2N stops) and the ratio interceptor/observer,
twice: in wall time (what the traced program waits, idle CPUs' wake-ups included) and in
the CPU time of this process (aiotrace's threads, user plus system: what tracing costs
the machine).
``--cpus`` places the threads as run.py's option does: ``same`` puts the tracer thread,
the event loop and the tracee on one CPU; ``split`` keeps the tracer and the loop on one
CPU and runs the tracee on the other (through taskset); ``any`` leaves it to the
scheduler.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import anyio

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _build import build  # noqa: E402
from run import place  # noqa: E402

import aiotrace  # noqa: E402
from aiotrace import SyscallEntry, SyscallExit  # noqa: E402


def cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


async def traced(argv: list[str], intercept: bool) -> tuple[float, float]:
    """Wall time and this process's CPU time, from the spawn to the end of the wait."""
    async with aiotrace.open_tracer() as tracer:
        c0 = cpu_s()
        t0 = time.perf_counter()
        proc = await tracer.spawn(argv)
        events = proc.events(SyscallEntry, SyscallExit, syscalls={"getppid"}, intercept=intercept)
        proc.resume()
        async with events:
            if intercept:
                async for ev in events:
                    ev.resume()
            else:
                async for _ in events:
                    pass
        await proc.wait()
        return time.perf_counter() - t0, cpu_s() - c0


def untraced(argv: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, check=True)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--backend", default="asyncio", choices=["asyncio", "trio"])
    ap.add_argument("--cpus", default="any", choices=["any", "same", "split"])
    a = ap.parse_args()
    prefix, where = place(a.cpus)
    argv = prefix + [str(build("getppid_loop")), str(a.calls)]
    times: dict[str, list[float]] = {"untraced": [], "observer": [], "interceptor": []}
    cpu: dict[str, list[float]] = {"observer": [], "interceptor": []}
    for _ in range(a.runs):
        times["untraced"].append(untraced(argv))
        for k, intercept in (("observer", False), ("interceptor", True)):
            wall, used = anyio.run(traced, argv, intercept, backend=a.backend)
            times[k].append(wall)
            cpu[k].append(used)
    med = {k: statistics.median(v) for k, v in times.items()}
    stops = 2 * a.calls
    per = {k: (med[k] - med["untraced"]) / stops * 1e6 for k in cpu}
    cpu_per = {k: statistics.median(v) / stops * 1e6 for k, v in cpu.items()}
    print(f"getppid loop, {a.calls} calls ({stops} stops), {a.runs} runs, backend {a.backend}, "
          f"{where}")
    for k in times:
        extra = (f"   {per[k]:6.1f} us/stop, aiotrace's CPU {cpu_per[k]:6.1f} us/stop"
                 if k in per else "")
        print(f"  {k:12s} median {med[k]:8.3f} s{extra}")
    print(f"  interceptor / observer per stop: {per['interceptor'] / per['observer']:.2f} "
          f"in wall time, {cpu_per['interceptor'] / cpu_per['observer']:.2f} in aiotrace's CPU")


if __name__ == "__main__":
    main()
