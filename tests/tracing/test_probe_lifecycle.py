"""Probes over a program's life: placed while the tracer sleeps, and in a library that is
unloaded (dlclose) and loaded again. On asyncio and trio, with both tracer loops."""

from __future__ import annotations

import os
from typing import Any

import anyio

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


def mappings(pid: int, path: str) -> list[tuple[int, int, str, int]]:
    """(start, end, permissions, file offset) of each mapping of *path* in *pid*."""
    out = []
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and parts[5] == path:
                lo, hi = (int(x, 16) for x in parts[0].split("-"))
                out.append((lo, hi, parts[1], int(parts[2], 16)))
    return out


def code_changes(pid: int, path: str) -> dict[int, tuple[int, int]]:
    """The bytes of *path*'s executable mappings in *pid* that differ from the file:
    address -> (in the file, in memory)."""
    with open(path, "rb") as f:
        data = f.read()
    diff = {}
    with open(f"/proc/{pid}/mem", "rb", buffering=0) as mem:
        for lo, hi, perms, off in mappings(pid, path):
            if "x" not in perms:
                continue
            mem.seek(lo)
            got = mem.read(min(hi - lo, len(data) - off))
            for i, (a, b) in enumerate(zip(data[off:off + len(got)], got, strict=True)):
                if a != b:
                    diff[lo + i] = (a, b)
    return diff


async def test_a_library_unloaded_and_loaded_again(target, tmp_path):
    """dlclose takes a probed library's breakpoints with it (nothing is written into what
    is mapped there next: here another library, probed too, whose function is at the same
    offset with another first instruction); the library loaded again is probed again."""
    lib = os.path.realpath(target("probe_plugin"))
    other = os.path.realpath(target("probe_other"))
    out = tmp_path / "out"
    hits: list[tuple[str, int, int]] = []
    looked: list[Any] = []
    r, w = os.pipe()
    try:
        with open(out, "wb") as f:
            async with aiotrace.open_tracer() as tracer:
                proc = await tracer.spawn([target("probe_reload"), lib, other, "4"],
                                          stdin=r, stdout=f)
                reads = proc.events(SyscallEntry, syscalls={"read"}, intercept=True)
                probe = proc.probe([f"{lib}:plugin_fn", f"{other}:other_fn"])
                async with reads, probe, anyio.create_task_group() as tg:
                    async def pause() -> None:
                        async for ev in reads:
                            if ev.args[0] == 0:
                                # the first library is gone, the other one is in
                                looked.append((mappings(ev.pid, lib),
                                               mappings(ev.pid, other),
                                               code_changes(ev.pid, other)))
                                os.write(w, b"x")
                            ev.resume()

                    tg.start_soon(pause)
                    proc.resume()
                    async for hit in probe:
                        hits.append((hit.symbol, hit.args[0], hit.address))
                    tg.cancel_scope.cancel()
                assert await proc.wait() == 0
    finally:
        os.close(r)
        os.close(w)
    assert out.read_text() == "first=18 other=26 second=18\n"
    assert [(s, a) for s, a, _ in hits] == (
        [("plugin_fn", i) for i in range(4)] + [("other_fn", 5)]
        + [("plugin_fn", i) for i in range(4)])
    assert len({addr for _, _, addr in hits[:4]}) == 1
    assert len({addr for _, _, addr in hits[5:]}) == 1
    # (the kernel maps top-down: the other library, of the same size, takes the place the
    # first one left, so its function has the address of the breakpoint removed there)
    assert hits[4][2] == hits[0][2]
    [(lib_maps, other_maps, changes)] = looked
    assert lib_maps == [] and other_maps
    # the one byte changed in the other library is its own probe's int3
    assert changes == {hits[4][2]: (changes.get(hits[4][2], (0,))[0], 0xCC)}
