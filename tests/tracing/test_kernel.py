"""aiotrace in a real Jupyter kernel (ipykernel, driven by jupyter_client): top-level await
on the asyncio kernel and with ``%autoawait trio``; a tracer that
lives across cells; a kernel interrupt and ``start_new_session``; pipes. The kernel inherits
the tracer_loop fixture's AIOTRACE_ACCEL, so each runs with both tracer loops."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

jupyter_client = pytest.importorskip("jupyter_client", reason="pip install 'aiotrace[notebook]'")
pytest.importorskip("ipykernel", reason="pip install 'aiotrace[notebook]'")

pytestmark = [pytest.mark.usefixtures("tracer_loop"), pytest.mark.timeout(120)]

# how each kind of kernel runs top-level await
MODES = {
    "asyncio": ([], ""),                                  # ipykernel's default
    "autoawait-trio": ([], "%autoawait trio\n"),          # each cell its own trio.run
}
# (ipykernel's own trio loop, --IPKernelApp.trio_loop=True, one trio run for every cell,
# does not start in ipykernel 7.4: an AssertionError in its kernelbase.shell_main, whose
# shell then runs in a thread that is not the one it asserts; it is not tested here)


class Kernel:
    """A kernel of this Python, and a client that runs cells in it."""

    def __init__(self, extra: list[str]) -> None:
        self.km = jupyter_client.KernelManager(kernel_name="python3")
        self.km.start_kernel(extra_arguments=extra)
        self.kc = self.km.client()
        self.kc.start_channels()
        try:
            self.kc.wait_for_ready(timeout=60)
        except BaseException:
            self.close()
            raise

    def run(self, code: str, timeout: float = 60) -> tuple[str, dict[str, Any]]:
        """Run a cell; its output (streams, results and tracebacks) and reply."""
        out: list[str] = []

        def hook(msg: dict[str, Any]) -> None:
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                out.append(content["text"])
            elif kind in ("execute_result", "display_data"):
                out.append(content["data"].get("text/plain", "") + "\n")
            elif kind == "error":
                out.append("\n".join(content["traceback"]) + "\n")

        reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=hook)
        return _plain("".join(out)), reply["content"]

    def ok(self, code: str, timeout: float = 60) -> str:
        out, reply = self.run(code, timeout)
        assert reply["status"] == "ok", out
        return out

    def close(self) -> None:
        self.kc.stop_channels()
        self.km.shutdown_kernel(now=True)


def _plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)   # (tracebacks come in colour)


@pytest.fixture(params=list(MODES))
def kernel(request: pytest.FixtureRequest) -> Iterator[tuple[Kernel, str]]:
    extra, magic = MODES[request.param]
    k = Kernel(extra)
    try:
        if magic:
            k.ok(magic)
        yield k, request.param
    finally:
        k.close()


def test_a_tracer_lives_across_cells(kernel, target):
    """Top-level await in each cell; the tracer, the process and its stream made in one
    cell are used in the next ones (with %autoawait trio the tracer was closed at the end
    of each cell: TracerClosed). The program needs more events than the stream holds, so
    it waits between cells for the next cell to read on."""
    k, mode = kernel
    out = k.ok("import aiotrace, sniffio\n"
               "tracer = await aiotrace.start_tracer()\n"
               "print('loop', sniffio.current_async_library())")
    assert f"loop {'asyncio' if mode == 'asyncio' else 'trio'}" in out
    k.ok(f"proc = await tracer.spawn([{target('getppid_loop')!r}, '500'])\n"
         "events = proc.events(aiotrace.SyscallExit, syscalls={'getppid'}, buffer=32)\n"
         "proc.resume()\n"
         "first = [await events.__anext__() for _ in range(5)]")
    out = k.ok("rest = [ev async for ev in events]\n"
               "seqs = [e.seq for e in first + rest]\n"
               "print('events', len(seqs), seqs == sorted(seqs))\n"
               "print('rc', await proc.wait())")
    assert "events 500 True" in out and "rc 0" in out
    out = k.ok("await tracer.aclose()\nprint('closed', tracer.processes)")
    assert "closed []" in out


def test_pipes_in_a_kernel(kernel):
    k, _ = kernel
    out = k.ok("import aiotrace, subprocess\n"
               "async with aiotrace.open_tracer() as tracer:\n"
               "    proc = await tracer.spawn(['sh', '-c', 'read x; echo got $x'],\n"
               "                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)\n"
               "    proc.resume()\n"
               "    await proc.stdin.send(b'hello\\n')\n"
               "    await proc.stdin.aclose()\n"
               "    print('out', repr(await proc.stdout.receive()))\n"
               "    print('rc', await proc.wait())")
    assert "out b'got hello\\n'" in out and "rc 0" in out


@pytest.mark.parametrize("new_session", [False, True])
def test_a_kernel_interrupt_and_start_new_session(kernel, new_session):
    """A kernel interrupt signals the kernel's process group with SIGINT: a traced program
    in that group dies of it (returncode -2); one spawned with start_new_session=True goes
    on, and later cells still use it. (The interrupted cell sleeps in short steps:
    ipykernel 7.4 handles an interrupt only once its main thread runs Python code, which
    a cell that awaits does not make it do, and a long time.sleep wakes for it only if
    the kernel gave the signal to the main thread: any thread that does not block SIGINT
    may get it.)"""
    k, _ = kernel
    flag = ", start_new_session=True" if new_session else ""
    k.ok("import aiotrace, subprocess, time\n"
         "tracer = await aiotrace.start_tracer()\n"
         f"proc = await tracer.spawn(['cat'], stdin=subprocess.PIPE{flag})\n"
         "reads = proc.events(aiotrace.SyscallEntry, syscalls={'read'})\n"
         "proc.resume()\n"
         "await reads.__anext__()\n"   # cat is about to block in read(0)
         "await reads.aclose()")
    # (stop_on_error=False: else the kernel aborts the cells sent just after its error)
    msg_id = k.kc.execute("print('waiting', flush=True)\nfor _ in range(2400):\n"
                          "    time.sleep(0.05)", stop_on_error=False)
    while True:   # the cell runs: interrupt the kernel
        msg = k.kc.get_iopub_msg(timeout=60)
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream"
                and "waiting" in msg["content"]["text"]):
            break
    k.km.interrupt_kernel()
    reply = k.kc.get_shell_msg(timeout=60)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    if new_session:
        out = k.ok("print('alive', proc.returncode is None, proc in tracer.processes)\n"
                   "await proc.stdin.aclose()\n"
                   "print('rc', await proc.wait())")
        assert "alive True True" in out and "rc 0" in out
    else:
        out = k.ok("print('rc', await proc.wait())")
        assert "rc -2" in out
    k.ok("await tracer.aclose()")
