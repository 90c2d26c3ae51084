"""What a recording costs (issue 20): aiotrace.record against a plain observer of the same
run, side by side; the recorder's peak memory; to_pandas() of a large recording.

    .venv/bin/python benchmarks/data_cost.py [--calls 100000] [--runs 3] [--big 1000000]
                                             [--memory-calls 5000000] [--reference DIR]

Each measurement runs in a fresh Python process (so that peak RSS is its own):
* ``observer``: tracer.spawn(getppid_loop N) and one stream of every SyscallEntry and
  SyscallExit, each event taken by the loop (what a hand-written recorder starts from);
* ``record``: aiotrace.record(getppid_loop N) to its finished Trace.
CPU time is the tracing process's (user + system, tracer thread and event loop), from
getrusage; the program's own time is apart. ``to_pandas`` is timed on a Trace of
``--big`` calls (a recorded run repeated). ``--memory-calls N`` records a run of N calls
under ``/usr/bin/time -v`` for its peak RSS. ``--reference DIR`` (a checkout of another
version, e.g. ``git worktree add /tmp/ref main``) measures ``to_pandas`` and the peak RSS
of that version too, run by run alternated with this one. Results are printed, never
asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _build import build  # noqa: E402

# (with AIOTRACE_SRC, the aiotrace of that checkout rather than the installed one)
_PRE = r"""
import os, sys
if os.environ.get("AIOTRACE_SRC"):
    sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in repr(f)]
    sys.path.insert(0, os.environ["AIOTRACE_SRC"])
"""

_CHILD = _PRE + r"""
import json, os, resource, sys, time, anyio, aiotrace
from aiotrace import SyscallEntry, SyscallExit
mode, prog, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
async def observer():
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([prog, str(n)])
        evs = proc.events(SyscallEntry, SyscallExit, buffer=4096)
        proc.resume()
        k = 0
        async with evs:
            async for ev in evs:
                k += 1
        await proc.wait()
    return k
async def record():
    tr = await aiotrace.record([prog, str(n)])
    return len(tr)
r0 = resource.getrusage(resource.RUSAGE_SELF)
t0 = time.perf_counter()
got = anyio.run(observer if mode == "observer" else record)
wall = time.perf_counter() - t0
r1 = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"mode": mode, "n": got, "wall": wall,
                  "cpu": (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime),
                  "maxrss_mib": r1.ru_maxrss / 1024}))
"""

_PANDAS = _PRE + r"""
import json, sys, time, anyio, aiotrace, pyarrow as pa
prog, n, big = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
tr = anyio.run(aiotrace.record, [prog, str(n)])
reps = -(-big // len(tr))
calls = pa.concat_tables([tr._calls] * reps).slice(0, big)
t = aiotrace.Trace(calls, tr._meta)
t0 = time.perf_counter(); import pandas; imp = time.perf_counter() - t0
t0 = time.perf_counter(); df = t.to_pandas(); dt = time.perf_counter() - t0
print(json.dumps({"rows": len(df), "to_pandas_s": dt, "import_pandas_s": imp}))
"""


def run(code: str, *args: str, src: str | None = None, timed: bool = False) -> dict:
    env = dict(os.environ)
    if src:
        env["AIOTRACE_SRC"] = src
    cmd = [sys.executable, "-c", code, *args]
    if timed:
        cmd = ["/usr/bin/time", "-v", *cmd]
    r = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env)
    if r.returncode:
        raise SystemExit(r.stderr)
    out = json.loads(r.stdout.strip().splitlines()[-1])
    if timed:   # (the peak RSS of the whole process, as the kernel counts it)
        for line in r.stderr.splitlines():
            if "Maximum resident set size" in line:
                out["time_v_maxrss_mib"] = int(line.split()[-1]) / 1024
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--big", type=int, default=1_000_000)
    ap.add_argument("--memory-calls", type=int, default=0,
                    help="also record a run of this many calls for the peak memory")
    ap.add_argument("--reference", default=None,
                    help="a checkout of another aiotrace to compare with (to_pandas, memory)")
    ap.add_argument("--skip-cpu", action="store_true", help="no record/observer runs")
    a = ap.parse_args()
    versions = [("this", None)] + ([("reference", a.reference)] if a.reference else [])
    prog = str(build("getppid_loop"))
    rows: dict[str, list[dict]] = {"observer": [], "record": []}
    if a.reference:
        rows["record (reference)"] = []
    for _ in range(0 if a.skip_cpu else a.runs):
        for mode in rows:   # (alternating: the same conditions)
            src = a.reference if mode.endswith("(reference)") else None
            rows[mode].append(run(_CHILD, mode.split()[0], prog, str(a.calls), src=src))
    if not a.skip_cpu:
        print(f"getppid_loop {a.calls}: {2 * a.calls} stops, {a.runs} runs each (median)")
        med = {}
        for mode, rs in rows.items():
            rs.sort(key=lambda r: r["cpu"])
            m = rs[len(rs) // 2]
            med[mode] = m
            print(f"  {mode:18} cpu {m['cpu']:.3f} s  wall {m['wall']:.3f} s  "
                  f"peak RSS {m['maxrss_mib']:.0f} MiB  ({m['n']} events/calls)")
        for mode in rows:
            if mode != "observer":
                print(f"  {mode} / observer CPU: "
                      f"{med[mode]['cpu'] / med['observer']['cpu']:.2f}")
    if a.memory_calls:
        for name, src in versions:
            m = run(_CHILD, "record", prog, str(a.memory_calls), src=src, timed=True)
            print(f"record of {a.memory_calls} calls ({name}): peak RSS "
                  f"{m['time_v_maxrss_mib']:.0f} MiB (/usr/bin/time -v), cpu {m['cpu']:.1f} s, "
                  f"wall {m['wall']:.1f} s")
    times: dict[str, list[float]] = {name: [] for name, _ in versions}
    imports: list[float] = []
    for _ in range(a.runs):
        for name, src in versions:   # (alternating)
            p = run(_PANDAS, prog, str(a.calls), str(a.big), src=src)
            times[name].append(p["to_pandas_s"])
            imports.append(p["import_pandas_s"])
    for name, ts in times.items():
        ts.sort()
        print(f"to_pandas() of {p['rows']} calls ({name}): median {ts[len(ts) // 2]:.2f} s "
              f"of {len(ts)} ({', '.join(f'{t:.2f}' for t in ts)})")
    imports.sort()
    print(f"  (pandas imported before: median {imports[len(imports) // 2]:.2f} s, not counted)")
    os.sched_getaffinity(0)
    resource.getrusage(resource.RUSAGE_SELF)
    time.monotonic()


if __name__ == "__main__":
    main()
