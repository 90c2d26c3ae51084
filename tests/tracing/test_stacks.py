"""Stack traces (event.stack(), stacks=True, the CLI's -k), on real programs; -k against
strace -k."""

from __future__ import annotations

import os
import subprocess

import pytest

import aiotrace
from aiotrace import ProbeHit, ProbeReturn, Signal, SyscallEntry

pytestmark = [pytest.mark.usefixtures("tracer_loop")]



def names(frames):
    return [f.symbol for f in frames if os.path.basename(f.module) != "libc.so.6"]


@pytest.mark.anyio
async def test_stacks_of_syscalls_and_signals(target):
    out = []
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("stack_calls")], stdout=subprocess.DEVNULL)
        events = proc.events(SyscallEntry, Signal, syscalls={"getppid"}, stacks=True)
        proc.resume()
        async with events:
            async for ev in events:
                out.append((type(ev), ev.stack()))
        assert await proc.wait() == 0
    assert [t for t, _ in out] == [SyscallEntry, SyscallEntry, Signal, SyscallEntry]
    prog = ["inner", "outer", "main", "_start"]
    assert names(out[0][1]) == prog and names(out[1][1]) == prog
    assert names(out[2][1]) == prog   # (raise() is libc's)
    # through the kernel's signal frame (glibc's __restore_rt) to the interrupted code
    assert names(out[3][1]) == ["on_usr1", *prog]
    frames = out[3][1]
    assert frames[0].module.endswith("libc.so.6") and frames[0].symbol == "syscall"
    assert all(f.address > 0 for f in frames)


@pytest.mark.anyio
async def test_stacks_of_probes_in_recursion_with_returns(target):
    got = []
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("probe_calls"), "0", "1"], stdout=subprocess.DEVNULL)
        async with proc.probe("probe_calls:fact", returns=True, stacks=True) as hits:
            proc.resume()
            async for ev in hits:
                got.append((type(ev), names(ev.stack())))
        assert await proc.wait() == 0
    # each hit's stack goes through the callers' frames, whose return addresses are the
    # return probe's trampoline in memory: the real ones are shown
    for depth in range(5):
        assert got[depth] == (ProbeHit, ["fact"] * (depth + 1) + ["main", "_start"])
    for k, (kind, frames) in enumerate(got[5:]):
        assert kind is ProbeReturn
        assert frames == ["fact"] * (4 - k) + ["main", "_start"]


@pytest.mark.anyio
async def test_an_engine_reads_the_stack_while_it_holds(target):
    got = []
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("stack_calls")], stdout=subprocess.DEVNULL)
        async with proc.events(SyscallEntry, syscalls={"getppid"}, intercept=True) as calls:
            proc.resume()
            async for call in calls:
                got.append(names(call.stack()))
                call.resume()
                with pytest.raises(RuntimeError, match="stacks=True"):
                    call.stack()   # (no longer held: its stack may be another by now)
        assert await proc.wait() == 0
    assert got[0] == ["inner", "outer", "main", "_start"]
    assert got[2][0] == "on_usr1"


@pytest.mark.anyio
async def test_an_observer_without_stacks_is_told(target):
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("stack_calls")], stdout=subprocess.DEVNULL)
        async with proc.events(SyscallEntry, syscalls={"getppid"}) as calls:
            proc.resume()
            async for call in calls:
                with pytest.raises(RuntimeError, match="stacks=True"):
                    call.stack()
        await proc.wait()
