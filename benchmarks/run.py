"""aiotrace against strace and python-ptrace, side by side (issue 5's benchmark harness).

    python benchmarks/run.py [--runs N] [--quick] [--only NAMES] [--scale | --scale-only]
                             [--cpus same,any,split] [--backend asyncio|trio]
                             [--format text|markdown] [--json FILE] [--list]

Runs each workload untraced and under every tool, alternating the tools run by run (the
order is rotated each round), and prints per workload the median CPU time of the process
tree and its ratio to strace (full-tracing rows) or strace --seccomp-bpf (filtered rows),
then the median, min and max wall time and the ratios of the medians to strace, to strace
--seccomp-bpf and to the untraced run. The whole table is made once per CPU placement:
by default first with everything on one CPU (the figures that hold on any machine), then
with the scheduler's placement (a user's wall time). See benchmarks/README.md for the tools, the
workloads, what is timed, and the scale run.

A tool that fails (a non-zero exit, a missing option, a timeout, an exception) is
reported as "failed" in its cell, with the reason on stderr; the harness goes on.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _build import build  # noqa: E402

API_RUNNER = HERE / "_api_run.py"


# ---------------------------------------------------------------------------------------
# tools


@dataclass(frozen=True)
class Tool:
    name: str                 # what --only takes
    label: str                # what the table shows
    kind: str                 # "base" (untraced), "full" or "filtered"
    api_mode: str | None = None   # run through _api_run.py in this mode


TOOLS = [
    Tool("untraced", "untraced", "base"),
    Tool("strace", "strace -f", "full"),
    Tool("strace-bpf", "strace -f --seccomp-bpf -e trace=openat", "filtered"),
    Tool("ptrace-py", "python-ptrace strace.py -f --trace-clone", "full"),
    Tool("cli", "aiotrace run -f", "full"),
    Tool("cli-filter", "aiotrace run -f -e trace=openat", "filtered"),
    Tool("cli-bpf", "aiotrace run -f --seccomp-bpf -e trace=openat", "filtered"),
    Tool("api-observer", "API: observer of every SyscallExit", "full", "observer"),
    Tool("api-prefilter", "API: spawn(syscalls={openat}) + observer", "filtered", "prefilter"),
    Tool("api-intercept", "API: interceptor of every SyscallExit", "full", "intercept"),
]
TOOL_BY_NAME = {t.name: t for t in TOOLS}
SCALE_TOOLS = ["untraced", "strace", "strace-bpf", "api-observer", "api-prefilter"]


def find_strace_py() -> Path | None:
    """python-ptrace's strace.py: a script next to our python, else in the distribution."""
    cand = Path(sys.executable).parent / "strace.py"
    if cand.is_file():
        return cand
    try:
        from importlib.metadata import PackageNotFoundError, distribution

        for f in distribution("python-ptrace").files or ():
            if f.name == "strace.py":
                p = Path(str(f.locate()))
                if p.is_file():
                    return p
    except (ImportError, PackageNotFoundError):
        pass
    which = shutil.which("strace.py")
    return Path(which) if which else None


def find_aiotrace_cli() -> list[str]:
    cand = Path(sys.executable).parent / "aiotrace"
    if cand.is_file() and os.access(cand, os.X_OK):
        return [str(cand)]
    return [sys.executable, "-m", "aiotrace"]


class Env:
    """Where the external tools are; a missing one makes its cells fail, not the run."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.strace = shutil.which("strace")
        self.strace_py = find_strace_py()
        self.aiotrace = find_aiotrace_cli()

    def command(self, tool: Tool, argv: list[str]) -> list[str]:
        """The command line that runs *argv* under *tool*; raises RuntimeError if absent."""
        n = tool.name
        if n == "untraced":
            return argv
        if n in ("strace", "strace-bpf"):
            if self.strace is None:
                raise RuntimeError("strace is not installed (apt-get install strace)")
            if n == "strace":
                return [self.strace, "-f", "-o", "/dev/null", *argv]
            return [self.strace, "-f", "--seccomp-bpf", "-e", "trace=openat", "-o", "/dev/null",
                    *argv]
        if n == "ptrace-py":
            if self.strace_py is None:
                raise RuntimeError("python-ptrace's strace.py not found "
                                   "(pip show -f python-ptrace)")
            # --trace-clone: without it python-ptrace does not trace the threads at all
            return [sys.executable, str(self.strace_py), "-f", "--trace-clone",
                    "-o", "/dev/null", "--", *argv]
        if n == "cli":
            return [*self.aiotrace, "run", "-f", "-o", "/dev/null", "--", *argv]
        if n == "cli-filter":
            return [*self.aiotrace, "run", "-f", "-e", "trace=openat", "-o", "/dev/null",
                    "--", *argv]
        if n == "cli-bpf":
            return [*self.aiotrace, "run", "-f", "--seccomp-bpf", "-e", "trace=openat",
                    "-o", "/dev/null", "--", *argv]
        if tool.api_mode is not None:
            return [sys.executable, str(API_RUNNER), "--backend", self.backend, tool.api_mode,
                    "--", *argv]
        raise AssertionError(n)


# ---------------------------------------------------------------------------------------
# workloads


@dataclass
class Workload:
    name: str
    label: str
    argv: list[str]
    syscalls: int | None = None   # known syscall count, for the cost per syscall


def make_workloads(a: argparse.Namespace) -> list[Workload]:
    python3 = shutil.which("python3") or sys.executable
    out = []
    out.append(Workload("getppid", f"C loop of {a.calls} raw getppid syscalls",
                        [str(build("getppid_loop")), str(a.calls)], a.calls))
    out.append(Workload("tar", "tar cf /dev/null /usr/include",
                        ["tar", "cf", "/dev/null", "/usr/include"]))
    out.append(Workload("shloop", f"sh loop: {a.execs} x fork+exec /bin/true",
                        ["sh", "-c", f"for i in $(seq {a.execs}); do /bin/true; done"]))
    out.append(Workload("threads",
                        f"8 threads x {a.thread_calls} getppid (+ openat/close every 16)",
                        [str(build("threads_loop")), "8", str(a.thread_calls)]))
    out.append(Workload("pystart", 'python3 -c "import json"', [python3, "-c", "import json"]))
    return out


def make_scale_workloads(a: argparse.Namespace) -> list[Workload]:
    return [
        Workload("idle", "sleep 0.3 (tracer at rest)", ["sleep", "0.3"]),
        Workload("threads1000", f"{a.scale_threads} threads alive at once",
                 [str(build("many_threads")), str(a.scale_threads)]),
        Workload("forks500", f"{a.scale_forks} child processes alive at once",
                 [str(build("many_forks")), str(a.scale_forks)]),
    ]


# ---------------------------------------------------------------------------------------
# one run


@dataclass
class Sample:
    seconds: float
    tracer_kb: int | None = None    # the tracer's peak RSS
    extra: dict[str, object] = field(default_factory=dict)
    # user + system seconds of the process tree: the command and the processes it reaps
    # (wait4's rusage), for the API rows over the span of ``seconds``
    cpu: float | None = None


class Failed(Exception):
    pass


def _tail(f: IO[bytes], n: int = 3) -> str:
    """The last *n* non-blank lines of a captured stderr, joined on one line."""
    f.seek(0)
    data = f.read()[-4000:].decode(errors="replace")
    lines = [ln for ln in data.splitlines() if ln.strip()]
    return " | ".join(lines[-n:]) if lines else "(no output on stderr)"


def _vm_hwm(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def run_once(env: Env, tool: Tool, wl: Workload, timeout: float,
             poll_memory: bool = False) -> Sample:
    """Run *wl* under *tool* once; raise Failed(reason) if it did not work."""
    try:
        cmd = env.command(tool, wl.argv)
    except RuntimeError as e:
        raise Failed(str(e)) from None
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out:
        api = tool.api_mode is not None
        hwm: list[int] = []
        t0 = time.perf_counter()
        try:
            p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                 stdout=out if api else subprocess.DEVNULL, stderr=err,
                                 start_new_session=True)
        except OSError as e:
            raise Failed(f"cannot run {cmd[0]}: {e}") from None
        stop = threading.Event()
        poller = None
        if poll_memory and not api:
            # strace's peak RSS: its VmHWM, read until it exits (wait4's ru_maxrss would
            # mix in the tracees strace reaps). HWM only grows, so the last read is the peak
            # unless the peak came in the last few milliseconds.
            def poll() -> None:
                while not stop.is_set():
                    v = _vm_hwm(p.pid)
                    if v is not None:
                        hwm.append(v)
                    stop.wait(0.002)

            poller = threading.Thread(target=poll, daemon=True)
            poller.start()
        # Block in waitpid: Popen.wait(timeout) would poll with sleeps of up to 50 ms and
        # round every time up to its next poll. A timer enforces the timeout instead.
        timed_out = threading.Event()

        def kill_group() -> None:
            timed_out.set()
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill_group)
        timer.start()
        try:
            # (wait4: the CPU time of the command and of what it reaped, its tracees)
            _, status, usage = os.wait4(p.pid, 0)
            rc = p.returncode = os.waitstatus_to_exitcode(status)
        except BaseException:  # ^C: take the tool and its tracees down
            kill_group()
            p.wait()
            raise
        finally:
            timer.cancel()
            stop.set()
            if poller is not None:
                poller.join()
        elapsed = time.perf_counter() - t0
        if timed_out.is_set():
            raise Failed(f"timed out after {timeout:.0f} s")
        if rc != 0:
            raise Failed(f"exit status {rc}: {_tail(err)}")
        cpu = usage.ru_utime + usage.ru_stime
        if not api:
            return Sample(elapsed, max(hwm) if hwm else None, cpu=cpu)
        out.seek(0)
        try:
            res = json.loads(out.read().decode())
        except ValueError:
            raise Failed(f"no result from {API_RUNNER.name}: {_tail(err)}") from None
        if res.get("returncode") != 0:
            raise Failed(f"traced program exited with {res.get('returncode')}: {_tail(err)}")
        return Sample(float(res["elapsed"]), int(res["maxrss_kb"]),
                      {"outer_seconds": elapsed, "outer_cpu": cpu, "cpu": res.get("cpu"),
                       "events": res.get("events"), "stops": res.get("stops")},
                      cpu=res.get("cpu_tree"))


# ---------------------------------------------------------------------------------------
# a series of runs


@dataclass
class Cell:
    samples: list[Sample] = field(default_factory=list)
    failure: str | None = None

    def median(self) -> float | None:
        if self.failure is not None or not self.samples:
            return None
        return statistics.median(s.seconds for s in self.samples)

    def median_cpu(self) -> float | None:
        cpu = [s.cpu for s in self.samples if s.cpu is not None]
        if self.failure is not None or not cpu:
            return None
        return statistics.median(cpu)

    def median_kb(self) -> float | None:
        kbs = [s.tracer_kb for s in self.samples if s.tracer_kb is not None]
        if self.failure is not None or not kbs:
            return None
        return statistics.median(kbs)


def series(env: Env, workloads: list[Workload], tools: list[Tool], runs: int, timeout: float,
           poll_memory: bool = False) -> dict[str, dict[str, Cell]]:
    results: dict[str, dict[str, Cell]] = {}
    for wl in workloads:
        cells = results[wl.name] = {t.name: Cell() for t in tools}
        for r in range(runs):
            k = r % len(tools)
            for tool in tools[k:] + tools[:k]:       # rotate the order each round
                cell = cells[tool.name]
                if cell.failure is not None:
                    continue                        # failed once: do not wait for it again
                # a hung tool must not eat the whole run: once something ran, allow 20
                # times the slowest run of this workload so far (at least 60 s)
                done = [x.seconds for c in cells.values() for x in c.samples]
                limit = min(timeout, max(60.0, 20 * max(done))) if done else timeout
                try:
                    s = run_once(env, tool, wl, limit, poll_memory)
                except Failed as e:
                    cell.failure = str(e)
                    print(f"FAILED  {wl.name} / {tool.name}: {e}", file=sys.stderr, flush=True)
                    continue
                except Exception as e:  # never crash the whole run for one cell
                    cell.failure = f"{type(e).__name__}: {e}"
                    print(f"FAILED  {wl.name} / {tool.name}: {cell.failure}", file=sys.stderr,
                          flush=True)
                    continue
                cell.samples.append(s)
                print(f"[{wl.name} {r + 1}/{runs}] {tool.name:14s} {s.seconds:9.3f} s",
                      file=sys.stderr, flush=True)
    return results


# ---------------------------------------------------------------------------------------
# output


def fmt_s(v: float | None) -> str:
    if v is None:
        return ""
    return f"{v:.3f}" if v < 100 else f"{v:.1f}"


def fmt_ratio(v: float | None, ref: float | None) -> str:
    if v is None or ref is None or ref <= 0:
        return ""
    r = v / ref
    return f"{r:.2f}" if r < 10 else f"{r:.1f}" if r < 100 else f"{r:.0f}"


def render(rows: list[list[str]], header: list[str], fmt: str, right: set[int]) -> str:
    if fmt == "markdown":
        out = ["| " + " | ".join(header) + " |",
               "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|"]
        out += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(out)
    widths = [max(len(x[i]) for x in [header, *rows]) for i in range(len(header))]

    def line(r: list[str]) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(r, widths, strict=True))).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def main_table(workloads: list[Workload], tools: list[Tool],
               results: dict[str, dict[str, Cell]], runs: int, fmt: str) -> str:
    header = ["workload", "tool", "CPU s", "CPU / ref", "median s", "min s", "max s",
              "/ strace", "/ strace-bpf", "/ untraced"]
    rows: list[list[str]] = []
    notes: list[str] = []
    for wl in workloads:
        cells = results[wl.name]
        med = {n: c.median() for n, c in cells.items()}
        cpu = {n: c.median_cpu() for n, c in cells.items()}
        # (CPU time against the reference of the row's kind: strace for full tracing,
        # strace --seccomp-bpf for the filtered rows)
        ref = {"full": cpu.get("strace"), "filtered": cpu.get("strace-bpf")}
        first = True
        for tool in tools:
            c = cells[tool.name]
            wname = wl.label if first else ""
            first = False
            if c.failure is not None:
                rows.append([wname, tool.label, "failed", "", "", "", "", "", "", ""])
                continue
            v = med[tool.name]
            times = [s.seconds for s in c.samples]
            rows.append([
                wname, tool.label, fmt_s(cpu[tool.name]),
                fmt_ratio(cpu[tool.name], ref.get(tool.kind)),
                fmt_s(v), fmt_s(min(times)), fmt_s(max(times)),
                fmt_ratio(v, med.get("strace")) if tool.kind == "full" else "",
                fmt_ratio(v, med.get("strace-bpf")) if tool.kind == "filtered" else "",
                fmt_ratio(v, med.get("untraced")) if tool.kind != "base" else "",
            ])
        # derived figures: per-stop cost of an interceptor against an observer, and the
        # cost per syscall where the workload's syscall count is known
        base = med.get("untraced")
        obs, itc = med.get("api-observer"), med.get("api-intercept")
        if base is not None and obs is not None and itc is not None and obs > base:
            notes.append(f"{wl.name}: interceptor / observer, time over untraced "
                         f"(per stop): {(itc - base) / (obs - base):.2f}")
        cpu_base = cpu.get("untraced")
        if wl.syscalls and base is not None:
            per, per_cpu = [], []
            for tool in tools:
                v, c_ = med.get(tool.name), cpu.get(tool.name)
                if tool.kind != "base" and v is not None:
                    per.append(f"{tool.name} {(v - base) / wl.syscalls * 1e6:.1f}")
                if tool.kind != "base" and c_ is not None and cpu_base is not None:
                    per_cpu.append(f"{tool.name} {(c_ - cpu_base) / wl.syscalls * 1e6:.1f}")
            if per:
                notes.append(f"{wl.name}: extra us per syscall: " + ", ".join(per))
            if per_cpu:
                notes.append(f"{wl.name}: extra CPU us per syscall: " + ", ".join(per_cpu))
    text = render(rows, header, fmt, set(range(2, 10)))
    if notes:
        bullet = "- " if fmt == "markdown" else "  "
        text += "\n\n" + "\n".join(bullet + n for n in notes)
    return text


def scale_table(workloads: list[Workload], tools: list[Tool],
                results: dict[str, dict[str, Cell]], fmt: str) -> str:
    header = ["workload", "tool", "median s", "/ strace", "/ strace-bpf", "/ untraced",
              "tracer peak RSS MiB", "tracer CPU s"]
    rows: list[list[str]] = []
    for wl in workloads:
        cells = results[wl.name]
        med = {n: c.median() for n, c in cells.items()}
        first = True
        for tool in tools:
            c = cells[tool.name]
            wname = wl.label if first else ""
            first = False
            if c.failure is not None:
                rows.append([wname, tool.label, "failed", "", "", "", "", ""])
                continue
            v = med[tool.name]
            kb = c.median_kb()
            cpu = [float(x.extra["cpu"]) for x in c.samples  # type: ignore[arg-type]
                   if x.extra.get("cpu") is not None]
            rows.append([
                wname, tool.label, fmt_s(v),
                fmt_ratio(v, med.get("strace")) if tool.kind == "full" else "",
                fmt_ratio(v, med.get("strace-bpf")) if tool.kind == "filtered" else "",
                fmt_ratio(v, med.get("untraced")) if tool.kind != "base" else "",
                f"{kb / 1024:.1f}" if kb is not None and tool.kind != "base" else "",
                fmt_s(statistics.median(cpu)) if cpu else "",
            ])
    return render(rows, header, fmt, {2, 3, 4, 5, 6, 7})


def machine() -> dict[str, str]:
    info: dict[str, str] = {}
    info["nproc"] = f"{len(os.sched_getaffinity(0))} (of {os.cpu_count()})"
    try:
        cpu = Path("/proc/cpuinfo").read_text()
        m = re.search(r"^model name\s*:\s*(.*)$", cpu, re.M)
        info["cpu"] = m.group(1).strip() if m else "unknown"
    except OSError:
        info["cpu"] = "unknown"
    info["kernel"] = f"{platform.system()} {platform.release()} {platform.machine()}"
    info["python"] = f"{platform.python_implementation()} {platform.python_version()}"
    strace = shutil.which("strace")
    if strace:
        try:
            v = subprocess.run([strace, "-V"], capture_output=True, text=True, timeout=10)
            info["strace"] = v.stdout.splitlines()[0] if v.stdout else "?"
        except (OSError, subprocess.SubprocessError):
            info["strace"] = "?"
    try:
        from importlib.metadata import version

        info["python-ptrace"] = version("python-ptrace")
    except Exception:
        info["python-ptrace"] = "not installed"
    try:
        g = subprocess.run(["git", "-C", str(HERE), "describe", "--always"],
                           capture_output=True, text=True, timeout=10)
        d = subprocess.run(["git", "-C", str(HERE.parent), "status", "--porcelain", "--",
                            "aiotrace"], capture_output=True, text=True, timeout=10)
        info["aiotrace commit"] = (g.stdout.strip() or "?") + (
            " (aiotrace/ has uncommitted changes)" if d.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        info["aiotrace commit"] = "?"
    info["load average"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return info


# ---------------------------------------------------------------------------------------


PLACEMENTS = ("same", "any", "split")


def place(cpus: str, allowed: list[int]) -> tuple[list[str], str]:
    """One placement of --cpus: pin the tools, and the workloads, to some of the CPUs
    *allowed* (this process's at the start); returns the workload's argv prefix and a
    description.

    ``same``: this process, hence every tool and its tracees, on one CPU: each ptrace stop
    is a switch on that CPU. ``split``: the tools on one CPU, the workloads (through
    ``taskset``) on another: each stop wakes a task on the other CPU. ``any``: the
    scheduler decides, run by run, as for a user; on a small virtual machine that choice
    alone can change a syscall-dense traced run tenfold."""
    os.sched_setaffinity(0, set(allowed))
    if cpus == "any":
        return [], f"any of {','.join(map(str, allowed))} (scheduler's choice)"
    if cpus == "same":
        os.sched_setaffinity(0, {allowed[0]})
        return [], f"everything pinned to CPU {allowed[0]}"
    if len(allowed) < 2:
        raise RuntimeError("--cpus split needs two CPUs")
    taskset = shutil.which("taskset")
    if taskset is None:
        raise RuntimeError("--cpus split needs taskset (util-linux)")
    os.sched_setaffinity(0, {allowed[0]})
    return ([taskset, "-c", str(allowed[1])],
            f"tools pinned to CPU {allowed[0]}, workloads to CPU {allowed[1]} (taskset)")


def select(only: str | None) -> tuple[set[str] | None, set[str] | None]:
    """--only NAMES: workload names and tool names, mixed; none of a kind means all."""
    if not only:
        return None, None
    names = {n.strip() for n in only.split(",") if n.strip()}
    wl_names = {"getppid", "tar", "shloop", "threads", "pystart"}
    bad = names - wl_names - set(TOOL_BY_NAME)
    if bad:
        raise SystemExit(f"--only: unknown name(s) {', '.join(sorted(bad))}; "
                         f"workloads: {', '.join(sorted(wl_names))}; "
                         f"tools: {', '.join(TOOL_BY_NAME)}")
    w = names & wl_names
    t = names & set(TOOL_BY_NAME)
    return (w or None), (t or None)


def precompile() -> None:
    """Byte-compile aiotrace as an installed wheel would be: with an editable install and
    PYTHONDONTWRITEBYTECODE set (or a read-only tree), every CLI run would otherwise
    compile the sources again (about 80 ms per start on the reference machine)."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("aiotrace")
    if spec is not None and spec.submodule_search_locations:
        for d in spec.submodule_search_locations:
            compileall.compile_dir(d, quiet=1)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, help="runs of each tool on each workload (default 5, "
                    "1 with --quick)")
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: 1 run, small counts (a minute or two)")
    ap.add_argument("--only", metavar="NAMES",
                    help="comma-separated workload and/or tool names (see --list); "
                         "untraced is always run")
    ap.add_argument("--calls", type=int, help="getppid loop count (default 100000; "
                    "10000 with --quick)")
    ap.add_argument("--thread-calls", type=int, help="getppid calls per thread of the 8-thread "
                    "workload (default 5000; 1000 with --quick)")
    ap.add_argument("--execs", type=int, help="/bin/true runs of the shell loop (default 300; "
                    "50 with --quick)")
    ap.add_argument("--scale", action="store_true", help="also run the scale section")
    ap.add_argument("--scale-only", action="store_true", help="run the scale section only")
    ap.add_argument("--scale-threads", type=int, help="threads of the scale run (default 1000; "
                    "100 with --quick)")
    ap.add_argument("--scale-forks", type=int, help="children of the scale run (default 500; "
                    "50 with --quick)")
    ap.add_argument("--timeout", type=float, help="seconds before one run counts as failed "
                    "(default 600; 120 with --quick)")
    ap.add_argument("--backend", default="asyncio", choices=["asyncio", "trio"],
                    help="event loop of the API rows")
    ap.add_argument("--cpus", default="same,any", metavar="PLACEMENTS",
                    help="comma-separated, each a run of the whole table: same: all on one "
                         "CPU; any: the scheduler places tracer and tracee; split: tools on "
                         "one CPU, workloads on another (default: same,any)")
    ap.add_argument("--format", default="text", choices=["text", "markdown"])
    ap.add_argument("--json", metavar="FILE", help="also write every sample to FILE")
    ap.add_argument("--list", action="store_true", help="list workload and tool names")
    a = ap.parse_args(argv)
    q = a.quick
    a.runs = a.runs if a.runs is not None else (1 if q else 5)
    a.calls = a.calls if a.calls is not None else (10000 if q else 100000)
    a.thread_calls = a.thread_calls if a.thread_calls is not None else (1000 if q else 5000)
    a.execs = a.execs if a.execs is not None else (50 if q else 300)
    a.scale_threads = a.scale_threads if a.scale_threads is not None else (100 if q else 1000)
    a.scale_forks = a.scale_forks if a.scale_forks is not None else (50 if q else 500)
    a.timeout = a.timeout if a.timeout is not None else (120.0 if q else 600.0)
    if a.runs < 1:
        ap.error("--runs must be at least 1")
    placements = [c.strip() for c in a.cpus.split(",") if c.strip()]
    bad = [c for c in placements if c not in PLACEMENTS]
    if bad or not placements:
        ap.error(f"--cpus: {', '.join(bad) or 'nothing'}: give one or more of "
                 f"{', '.join(PLACEMENTS)}, comma-separated")

    if a.list:
        for wl in make_workloads(a):
            print(f"workload  {wl.name:14s} {wl.label}")
        for t in TOOLS:
            print(f"tool      {t.name:14s} {t.label}")
        print("scale     (--scale)      " + ", ".join(SCALE_TOOLS))
        return 0

    want_wl, want_tools = select(a.only)
    precompile()
    info = machine()
    allowed = sorted(os.sched_getaffinity(0))
    for c in placements:   # (refused before anything runs)
        try:
            place(c, allowed)
        except RuntimeError as e:
            ap.error(str(e))
    env = Env(a.backend)
    out: list[str] = []
    out.append("machine: " + "; ".join(f"{k} {v}" for k, v in info.items()))
    out.append(f"runs: {a.runs} per cell, tools alternated (order rotated each round); "
               f"API backend {a.backend}")
    out.append("CPU s: user + system time of the process tree (the command and the processes "
               "it reaps; the API rows from before open_tracer() to close, like their wall "
               "time); CPU / ref: against strace, or strace --seccomp-bpf for filtered rows")
    data: dict[str, object] = {"machine": info, "runs": a.runs, "backend": a.backend}
    t_start = time.monotonic()

    def pick(names: list[str]) -> list[Tool]:
        return [TOOL_BY_NAME[n] for n in names
                if want_tools is None or n in want_tools or n == "untraced"]

    if not a.scale_only:
        data["main"] = main_runs = {}
        for c in placements:
            prefix, where = place(c, allowed)
            wls = [w for w in make_workloads(a) if want_wl is None or w.name in want_wl]
            for w in wls:
                w.argv = prefix + w.argv
            tools = pick([t.name for t in TOOLS])
            res = series(env, wls, tools, a.runs, a.timeout)
            out.append("")
            out.append(f"CPUs: {where}")
            out.append("")
            out.append(main_table(wls, tools, res, a.runs, a.format))
            main_runs[c] = {"cpus": where, "workloads": _dump(wls, res)}
    if a.scale or a.scale_only:
        prefix, where = place(placements[0], allowed)
        out.append("")
        out.append(f"scale run, CPUs: {where}")
        wls = make_scale_workloads(a)
        for w in wls:
            w.argv = prefix + w.argv
        tools = pick(SCALE_TOOLS)
        res = series(env, wls, tools, a.runs, a.timeout, poll_memory=True)
        out.append("")
        out.append("scale run (tracer peak RSS: aiotrace's getrusage(RUSAGE_SELF).ru_maxrss in a "
                   "fresh process per run; strace's VmHWM. tracer CPU: aiotrace's user+system "
                   "time from open_tracer() to close)")
        out.append("")
        out.append(scale_table(wls, tools, res, a.format))
        data["scale"] = _dump(wls, res)
    out.append("")
    out.append(f"total {time.monotonic() - t_start:.0f} s; load average at the end "
               + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    print("\n".join(out))
    if a.json:
        Path(a.json).write_text(json.dumps(data, indent=1))
    return 0


def _dump(wls: list[Workload], res: dict[str, dict[str, Cell]]) -> dict[str, object]:
    return {
        wl.name: {"label": wl.label, "argv": wl.argv, "tools": {
            name: {"failure": c.failure,
                   "seconds": [s.seconds for s in c.samples],
                   "cpu": [s.cpu for s in c.samples],
                   "tracer_kb": [s.tracer_kb for s in c.samples],
                   "extra": [s.extra for s in c.samples]}
            for name, c in res[wl.name].items()}}
        for wl in wls
    }


if __name__ == "__main__":
    sys.exit(main())
