"""A build monitor: which program writes which file under build/ while `make -j2` runs.

    python docs/examples/build_monitor.py [DIR]

Each file opened for writing under DIR/build/ is reported once per process (rate-limited:
a process that rewrites a file is not reported again), with the program that did it, and
a summary per process at the end. aiotrace resolves the paths (relative ones included,
against the dirfd or the process's directory) and names the process (events(paths=...,
context=True)): the user code is the 25 lines of monitor().
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections import Counter

import anyio

import aiotrace
from aiotrace import SyscallExit

WRITES = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC


async def monitor(argv: list[str], build: str) -> tuple[list[str], Counter[str], int | None]:
    alerts: list[str] = []
    per_process: Counter[str] = Counter()
    seen: set[tuple[int, str]] = set()
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn(argv, cwd=os.path.dirname(build))
        async with proc.events(SyscallExit, syscalls={"open", "openat", "creat"},
                               paths=[build + "/"], context=True) as calls:
            proc.resume()
            async for call in calls:
                writes = call.name == "creat" or call.args.flags & WRITES
                if call.retval < 0 or not writes:
                    continue
                who = f"{call.context.comm}[{call.pid}]"
                per_process[who] += 1
                if (call.pid, call.paths[0]) not in seen:      # once per process and file
                    seen.add((call.pid, call.paths[0]))
                    alerts.append(f"{who} writes {os.path.relpath(call.paths[0], build)}")
        status = await proc.wait()
    return alerts, per_process, status


MAKEFILE = """\
all: build/a.o build/b.o
build/%.o: src/%.c
\tmkdir -p build && cp $< $@ && touch $@
"""


def project(root: str) -> str:
    """A tiny project to build: src/a.c, src/b.c, a Makefile; returns DIR/build."""
    os.makedirs(os.path.join(root, "src"), exist_ok=True)
    for name in ("a", "b"):
        with open(os.path.join(root, "src", f"{name}.c"), "w") as f:
            f.write(f"int {name};\n")
    with open(os.path.join(root, "Makefile"), "w") as f:
        f.write(MAKEFILE)
    return os.path.join(root, "build")


async def main(root: str) -> tuple[list[str], Counter[str], int | None]:
    return await monitor(["make", "-s", "-j2"], project(root))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        alerts, summary, status = anyio.run(main, sys.argv[1] if len(sys.argv) > 1 else tmp)
    print(*alerts, sep="\n")
    for who, n in summary.most_common():
        print(f"{who}: {n} opens for writing")
    print(f"make exited with {status}")
