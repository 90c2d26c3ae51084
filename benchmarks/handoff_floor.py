"""The floor of the tracer-thread design: what an observer and an intercepting engine
cost per stop with nothing of aiotrace around them.

    python benchmarks/handoff_floor.py [--calls N] [--runs R] [--cpus any|same|split]

A tracer thread traces the getppid loop with the fewest Python steps possible:
waitpid, PTRACE_GET_SYSCALL_INFO, PTRACE_SYSCALL. As an *observer* it keeps each stop's
record and resumes at once. As an *interceptor* it hands each stop to an asyncio task
(one byte on a pipe read by a reader callback that completes a future) and waits in
poll() for the task's answer (one byte on another pipe) before it resumes: the round
trip an intercepting engine needs, and nothing else. No error handling, no events, no
filters: a lower bound for aiotrace's figures (benchmarks/engine_cost.py), not a tool.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import os
import select
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _build import build  # noqa: E402
from run import place  # noqa: E402

_libc = ctypes.CDLL(None, use_errno=True)
_ptrace = _libc.ptrace
_ptrace.restype = ctypes.c_long
_ptrace.argtypes = (ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p)
TRACEME, SYSCALL, SETOPTIONS, GET_SYSCALL_INFO = 0, 24, 0x4200, 0x420E
TRACESYSGOOD, EXITKILL = 0x1, 0x100000


def _trace(argv: list[str], intercept: bool, to_loop: int, from_loop: int,
           result: list[tuple[float, int]]) -> None:
    pid = os.fork()
    if pid == 0:   # the tracee: stopped until the tracer has set its options
        _ptrace(TRACEME, 0, None, None)
        os.kill(os.getpid(), 19)
        os.execv(argv[0], argv)
    os.waitpid(pid, 0)
    _ptrace(SETOPTIONS, pid, None, TRACESYSGOOD | EXITKILL)
    info = ctypes.create_string_buffer(88)
    poll = select.poll()
    poll.register(from_loop, select.POLLIN)
    kept = []
    stops = 0
    t0 = time.perf_counter()
    _ptrace(SYSCALL, pid, None, None)
    while True:
        _, status = os.waitpid(pid, 0)
        if not os.WIFSTOPPED(status):
            break
        _ptrace(GET_SYSCALL_INFO, pid, 88, info)
        stops += 1
        if intercept:
            os.write(to_loop, b"s")
            poll.poll()
            os.read(from_loop, 1)
        else:
            kept.append(info.raw[:8])
        _ptrace(SYSCALL, pid, None, None)
    result.append((time.perf_counter() - t0, stops))
    os.write(to_loop, b"e")


async def _run(argv: list[str], intercept: bool) -> tuple[float, int]:
    loop = asyncio.get_running_loop()
    to_r, to_w = os.pipe2(os.O_NONBLOCK)
    from_r, from_w = os.pipe2(os.O_NONBLOCK)
    result: list[tuple[float, int]] = []
    fut: asyncio.Future[None] | None = None

    def readable() -> None:
        os.read(to_r, 64)
        if fut is not None and not fut.done():
            fut.set_result(None)

    loop.add_reader(to_r, readable)
    thread = threading.Thread(target=_trace, args=(argv, intercept, to_w, from_r, result))
    thread.start()
    while intercept and not result:
        fut = loop.create_future()
        await fut          # the engine's "stop": here it would look at the event
        os.write(from_w, b"r")   # ... and resume
    loop.remove_reader(to_r)
    thread.join()
    for fd in (to_r, to_w, from_r, from_w):
        os.close(fd)
    return result[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=20000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cpus", default="any", choices=["any", "same", "split"],
                    help="as in run.py and engine_cost.py")
    a = ap.parse_args()
    prefix, where = place(a.cpus)
    argv = prefix + [str(build("getppid_loop")), str(a.calls)]
    per: dict[str, list[float]] = {"observer": [], "interceptor": []}
    for _ in range(a.runs):
        for name in per:
            dt, stops = asyncio.run(_run(argv, name == "interceptor"))
            per[name].append(dt / stops * 1e6)
    med = {k: statistics.median(v) for k, v in per.items()}
    print(f"getppid loop, {a.calls} calls, {a.runs} runs: minimal tracer thread + asyncio, "
          f"{where}")
    for k, v in med.items():
        print(f"  {k:12s} median {v:6.1f} us/stop")
    print(f"  interceptor / observer per stop: {med['interceptor'] / med['observer']:.2f}")


if __name__ == "__main__":
    main()
