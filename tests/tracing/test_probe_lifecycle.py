"""Probes over a program's life: placed while the tracer sleeps, and in a library that is
unloaded (dlclose) and loaded again. On asyncio and trio, with both tracer loops."""

from __future__ import annotations

import os

import pytest

import aiotrace
from aiotrace import SyscallEntry

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]


@pytest.mark.parametrize("sleep", ["waitpid", "all-held"])
async def test_a_probe_placed_while_the_tracer_sleeps(target, tmp_path, sleep):
    """proc.probe() on a tracer that sleeps rouses it: with the program blocked in a
    read() (the tracer in waitpid: no tracee can stop), or held at that read's entry by
    an engine (the tracer in its all-held sleep), the probe is placed at once, and the
    calls made once the read returns are seen, every one."""
    out = tmp_path / "out"
    r, w = os.pipe()
    try:
        with open(out, "wb") as f:
            async with aiotrace.open_tracer() as tracer:
                # ("before": it reads stdin to its end, then calls add() 5 times)
                proc = await tracer.spawn([target("probe_calls"), "0", "5", "before"],
                                          stdin=r, stdout=f)
                os.close(r)
                r = -1
                held = sleep == "all-held"
                reads = proc.events(SyscallEntry, syscalls={"read"}, intercept=held)
                handle = None
                async with reads:
                    proc.resume()
                    async for ev in reads:
                        if ev.args[0] == 0:
                            # the first read of stdin (the loader's read files)
                            if held:
                                handle = ev.hold()   # (the thread waits at its entry)
                                ev.resume()
                            break
                        if held:
                            ev.resume()
                # The tracer has nothing to wait for but a ring: the program's one thread
                # is blocked in read(), or held (the all-held sleep). The probe rouses it.
                async with proc.probe("probe_calls:add") as hits:
                    if handle is not None:
                        handle.release()
                    os.write(w, b"go")
                    os.close(w)
                    w = -1
                    got = [(hit.symbol, hit.args[0], hit.args[1]) async for hit in hits]
                assert await proc.wait() == 0
    finally:
        for fd in (r, w):
            if fd >= 0:
                os.close(fd)
    assert got == [("add", i, 1) for i in range(5)]
    assert out.read_text() == f"sum={sum(i + 1 for i in range(5))} fact5=120\n"
