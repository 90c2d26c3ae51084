"""What a recording costs (issue 20): aiotrace.record against a plain observer of the same
run, side by side; the recorder's peak memory; to_pandas() of a large recording.

    .venv/bin/python benchmarks/data_cost.py [--calls 100000] [--runs 3] [--big 1000000]
                                             [--memory-calls 5000000] [--reference DIR]
                                             [--workload getppid|tar] [--tree DIR]
                                             [--loops c,python] [--cpu N]

Each measurement runs in a fresh Python process (so that peak RSS is its own):
* ``observer``: tracer.spawn(PROGRAM) and one stream of every SyscallEntry and
  SyscallExit, each event taken by the loop (what a hand-written recorder starts from);
* ``record``: aiotrace.record(PROGRAM) to its finished Trace;
* ``record+table`` (``--table``): the same, then its calls table (``Trace._calls``): a
  recording makes the texts of the calls whose memory the C loop copied only then.
PROGRAM is the workload: ``getppid`` (the default), ``getppid_loop N`` (calls that read
no memory); ``tar``, ``tar cf /dev/null TREE`` (a walk of a tree: newfstatat, getdents64,
openat..., calls whose decoding reads the tracee's memory), TREE ``--tree`` or
/usr/include, or where that is missing a tree of 4 000 files the benchmark makes in
benchmarks/.build/tree. The data layer (pyarrow, the recorder, the decoder's tables) is
imported before the clock starts, in both modes. ``--loops c,python`` runs each mode on
the C tracer loop and on the Python one (AIOTRACE_ACCEL=0), alternated run by run;
``--cpu N`` pins every run (tracer and program) to CPU N (taskset).
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
import json, os, resource, subprocess, sys, time, anyio, aiotrace
from aiotrace import SyscallEntry, SyscallExit
import pyarrow, aiotrace._data._record, aiotrace._data._schema, aiotrace._data._trace
from aiotrace._data._links import Decoder
Decoder().after_resume()   # (the decoder's tables: imported before the clock starts)
mode, argv = sys.argv[1], json.loads(sys.argv[2])
async def observer():
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn(argv, stderr=subprocess.DEVNULL)
        evs = proc.events(SyscallEntry, SyscallExit, buffer=4096)
        proc.resume()
        k = 0
        async with evs:
            async for ev in evs:
                k += 1
        await proc.wait()
    return k
async def record():
    tr = await aiotrace.record(argv, stderr=subprocess.DEVNULL)
    if mode == "record+table":
        tr._calls   # (its table: the texts not made at the stops are made now)
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


def run(code: str, *args: str, src: str | None = None, timed: bool = False,
        accel: bool = True, cpu: int | None = None) -> dict:
    env = dict(os.environ)
    if src:
        env["AIOTRACE_SRC"] = src
    if not accel:
        env["AIOTRACE_ACCEL"] = "0"
    cmd = [sys.executable, "-c", code, *args]
    if timed:
        cmd = ["/usr/bin/time", "-v", *cmd]
    if cpu is not None:
        cmd = ["taskset", "-c", str(cpu), *cmd]
    r = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env)
    if r.returncode:
        raise SystemExit(r.stderr)
    out = json.loads(r.stdout.strip().splitlines()[-1])
    if timed:   # (the peak RSS of the whole process, as the kernel counts it)
        for line in r.stderr.splitlines():
            if "Maximum resident set size" in line:
                out["time_v_maxrss_mib"] = int(line.split()[-1]) / 1024
    return out


def tree() -> str:
    """/usr/include, or where it is missing a tree made once in benchmarks/.build/tree:
    40 directories of 100 small files each (what tar's walk stats, opens and lists)."""
    if os.path.isdir("/usr/include"):
        return "/usr/include"
    root = Path(__file__).resolve().parent / ".build" / "tree"
    done = root / ".made"
    if not done.exists():
        for d in range(40):
            sub = root / f"dir{d:02}" / "sub"
            sub.mkdir(parents=True, exist_ok=True)
            for f in range(100):
                (sub.parent if f % 2 else sub).joinpath(f"file{f:03}.h").write_text(
                    f"/* {d} {f} */\n")
        done.write_text("")
    return str(root)


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
    ap.add_argument("--skip-pandas", action="store_true", help="no to_pandas() runs")
    ap.add_argument("--workload", choices=("getppid", "tar"), default="getppid")
    ap.add_argument("--tree", default=None,
                    help="the tree tar walks (default /usr/include, or one made here)")
    ap.add_argument("--loops", default="c",
                    help="tracer loops, comma-separated: c, python (AIOTRACE_ACCEL=0)")
    ap.add_argument("--cpu", type=int, default=None, help="pin every run to this CPU")
    ap.add_argument("--table", action="store_true",
                    help="also record+table: the recording, then its calls table")
    a = ap.parse_args()
    versions = [("this", None)] + ([("reference", a.reference)] if a.reference else [])
    prog = str(build("getppid_loop"))
    if a.workload == "tar":
        argv = ["tar", "cf", "/dev/null", a.tree or tree()]
        title = " ".join(argv)
    else:
        argv = [prog, str(a.calls)]
        title = f"getppid_loop {a.calls}: {2 * a.calls} stops"
    loops = [x.strip() for x in a.loops.split(",") if x.strip()]
    if not loops or set(loops) - {"c", "python"}:
        raise SystemExit(f"--loops {a.loops!r}: give c, python or c,python")
    modes = (["observer", "record"] + (["record+table"] if a.table else [])
             + (["record (reference)"] if a.reference else []))
    rows: dict[tuple[str, str], list[dict]] = {(m, lp): [] for lp in loops for m in modes}
    for _ in range(0 if a.skip_cpu else a.runs):
        for mode, lp in rows:   # (alternating: the same conditions)
            src = a.reference if mode.endswith("(reference)") else None
            rows[mode, lp].append(run(_CHILD, mode.split()[0], json.dumps(argv), src=src,
                                      accel=lp == "c", cpu=a.cpu))
    if not a.skip_cpu:
        pin = "" if a.cpu is None else f", on CPU {a.cpu}"
        print(f"{title}: {a.runs} runs each (median){pin}")
        for lp in loops:
            print(f" {lp} tracer loop")
            med = {}
            for mode in modes:
                rs = sorted(rows[mode, lp], key=lambda r: r["cpu"])
                m = med[mode] = rs[len(rs) // 2]
                print(f"  {mode:18} cpu {m['cpu']:.3f} s  wall {m['wall']:.3f} s  "
                      f"peak RSS {m['maxrss_mib']:.0f} MiB  ({m['n']} events/calls)  "
                      "[cpu " + ", ".join(f"{r['cpu']:.2f}" for r in rs) + "]")
            for mode in modes[1:]:
                print(f"  {mode} / observer CPU: "
                      f"{med[mode]['cpu'] / med['observer']['cpu']:.2f}")
    if a.memory_calls:
        for name, src in versions:
            m = run(_CHILD, "record", json.dumps([prog, str(a.memory_calls)]), src=src,
                    timed=True)
            print(f"record of {a.memory_calls} calls ({name}): peak RSS "
                  f"{m['time_v_maxrss_mib']:.0f} MiB (/usr/bin/time -v), cpu {m['cpu']:.1f} s, "
                  f"wall {m['wall']:.1f} s")
    times: dict[str, list[float]] = {name: [] for name, _ in versions}
    imports: list[float] = []
    for _ in range(0 if a.skip_pandas else a.runs):
        for name, src in versions:   # (alternating)
            p = run(_PANDAS, prog, str(a.calls), str(a.big), src=src)
            times[name].append(p["to_pandas_s"])
            imports.append(p["import_pandas_s"])
    for name, ts in times.items():
        if not ts:
            continue
        ts.sort()
        print(f"to_pandas() of {p['rows']} calls ({name}): median {ts[len(ts) // 2]:.2f} s "
              f"of {len(ts)} ({', '.join(f'{t:.2f}' for t in ts)})")
    if not imports:
        return
    imports.sort()
    print(f"  (pandas imported before: median {imports[len(imports) // 2]:.2f} s, not counted)")
    os.sched_getaffinity(0)
    resource.getrusage(resource.RUSAGE_SELF)
    time.monotonic()


if __name__ == "__main__":
    main()
