"""Start-up cost of aiotrace: ``import aiotrace`` and ``aiotrace run -o /dev/null -- true``.

Issue 24's goals: ``python -c "import aiotrace"`` within 30 ms and ``aiotrace run -o
/dev/null -- true`` within 60 ms of wall time, with byte-compiled sources (a wheel install
leaves ``.pyc`` files; this script runs ``compileall`` on the package first, since
``PYTHONDONTWRITEBYTECODE`` may be set). Each command runs ``--runs`` times, the commands
alternated run by run so that they meet the same load; for each it prints the median CPU
time (user + system of the whole process tree, from ``wait4``) and the median wall time.
``--cpus same`` (the default) pins every command to one CPU with ``taskset``.

The bare interpreter (``python -c pass``) is measured too: what ``import aiotrace`` adds
is the difference (an editable install's path finder makes the bare start-up slower than
a wheel install's).

    .venv/bin/python benchmarks/startup.py --runs 20
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run_once(argv: list[str]) -> tuple[float, float]:
    """Run argv with output discarded; return (CPU s of the process tree, wall s)."""
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ,
                         file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                                       (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)])
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: status {status:#x}")
    return usage.ru_utime + usage.ru_stime, wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="runs per command (default 20)")
    parser.add_argument("--cpus", choices=("same", "any"), default="same",
                        help="same: every command on one CPU (taskset); any: the scheduler's")
    parser.add_argument("--no-compile", action="store_true",
                        help="do not byte-compile the package first")
    args = parser.parse_args(argv)

    if not args.no_compile:
        compileall.compile_dir(str(ROOT / "aiotrace"), quiet=1)
    python = sys.executable
    aiotrace_cli = str(Path(python).with_name("aiotrace"))
    commands: dict[str, list[str]] = {
        "python -c pass": [python, "-c", "pass"],
        "python -c 'import aiotrace'": [python, "-c", "import aiotrace"],
        "aiotrace run -o /dev/null -- true": [aiotrace_cli, "run", "-o", "/dev/null", "--",
                                              "true"],
    }
    strace = shutil.which("strace")
    if strace is not None:
        commands["strace -o /dev/null -- true"] = [strace, "-o", "/dev/null", "--", "true"]
    prefix: list[str] = []
    if args.cpus == "same":
        taskset = shutil.which("taskset")
        if taskset is None:
            parser.error("--cpus same needs taskset (util-linux); use --cpus any")
        prefix = [taskset, "-c", str(min(os.sched_getaffinity(0)))]

    cpu: dict[str, list[float]] = {name: [] for name in commands}
    wall: dict[str, list[float]] = {name: [] for name in commands}
    for cmd in commands.values():     # one warm-up run each (page cache)
        _run_once(prefix + cmd)
    for _ in range(args.runs):
        for name, cmd in commands.items():
            c, w = _run_once(prefix + cmd)
            cpu[name].append(c)
            wall[name].append(w)

    load = os.getloadavg()[0]
    print(f"{args.runs} runs each, alternated; cpus={args.cpus}; load average {load:.2f}")
    print(f"{'command':<38} {'CPU ms':>8} {'wall ms':>8} {'min wall':>8}")
    for name in commands:
        print(f"{name:<38} {statistics.median(cpu[name]) * 1e3:8.1f} "
              f"{statistics.median(wall[name]) * 1e3:8.1f} {min(wall[name]) * 1e3:8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
