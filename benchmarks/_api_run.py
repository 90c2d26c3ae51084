"""One traced run through aiotrace's Python API, in a fresh process (used by run.py).

    python benchmarks/_api_run.py [--backend asyncio|trio] MODE -- CMD ARGS...

MODE is one of

- ``observer``:  spawn (following children), one observer of every ``SyscallExit``;
- ``batch``:     the same observer, taking its events by batches
  (``EventStream.receive_batch()``);
- ``prefilter``: ``spawn(argv, syscalls={"openat"})`` (seccomp prefilter), one observer
  of ``SyscallExit`` for openat;
- ``intercept``: spawn, one intercepting engine on every ``SyscallExit`` that resumes
  each event at once.

The traced program's stdin and stdout are /dev/null, its stderr is ours. Prints one JSON
object on stdout: ``elapsed`` (seconds from before ``open_tracer()`` until the tracer is
closed: tracer start, spawn, the run, and close), ``returncode`` of the traced program,
``events`` the engine received, the tracer's ``stops``, ``cpu`` (user + system seconds
of this process over the same span: the tracer thread and the event loop), ``cpu_tree``
(the same plus the traced processes', which the tracer reaps: what the command-line
tools' CPU time counts, less the interpreter's start-up) and ``maxrss_kb``, this process's
peak resident set size (``getrusage(RUSAGE_SELF)``: the tracer alone, since tracees are
other processes). A fresh process per run keeps the peak memory of one run unpolluted by
another. Exits 1 with the reason on stderr when the run failed.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
import traceback
from typing import Any

import anyio

import aiotrace
from aiotrace import SyscallExit

MODES = ("observer", "batch", "prefilter", "intercept")


async def traced(mode: str, argv: list[str]) -> dict[str, Any]:
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    n = 0
    async with aiotrace.open_tracer() as tracer:
        io = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL}
        if mode == "prefilter":
            proc = await tracer.spawn(argv, syscalls={"openat"}, **io)
            events = proc.events(SyscallExit, syscalls={"openat"})
        else:
            proc = await tracer.spawn(argv, **io)
            events = proc.events(SyscallExit, intercept=(mode == "intercept"))
        proc.resume()
        async with events:
            if mode == "intercept":
                async for ev in events:
                    ev.resume()
                    n += 1
            elif mode == "batch":
                while True:
                    try:
                        n += len(await events.receive_batch())
                    except anyio.EndOfStream:
                        break
            else:
                async for _ in events:
                    n += 1
        rc = await proc.wait()
        stats = tracer.statistics()
    elapsed = time.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    return {
        "elapsed": elapsed,
        "returncode": rc,
        "events": n,
        "stops": stats.stops,
        "cpu": cpu,
        "cpu_tree": cpu + (c1.ru_utime + c1.ru_stime) - (c0.ru_utime + c0.ru_stime),
        "maxrss_kb": r1.ru_maxrss,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("mode", choices=MODES)
    ap.add_argument("--backend", default="asyncio", choices=["asyncio", "trio"])
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    argv = a.command[1:] if a.command[:1] == ["--"] else a.command
    if not argv:
        ap.error("no command given")
    try:
        result = anyio.run(traced, a.mode, argv, backend=a.backend)
    except Exception:  # the harness reports the reason (the last line) and goes on
        traceback.print_exc()
        return 1
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
