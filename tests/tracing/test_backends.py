"""The loop side's backends: one per event loop, and only the running loop's is imported."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.usefixtures("tracer_loop")

# An observer and an intercepting engine on asyncio, with nothing but asyncio imported
# by the program itself; prints what was traced and every trio module loaded.
_ASYNCIO_TRACER = """
import asyncio, sys
import aiotrace
from aiotrace import SyscallEntry, SyscallExit

async def main():
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([sys.argv[1], "3"])
        calls = proc.events(SyscallEntry, syscalls={"getppid"}, intercept=True)
        exits = proc.events(SyscallExit, syscalls={"getppid"})
        proc.resume()
        async with calls:
            async for call in calls:
                call.resume()
        async with exits:
            n = len([ev async for ev in exits])
        assert await proc.wait() == 0
        print(n, sorted(m for m in sys.modules if m.split(".")[0] == "trio"))

asyncio.run(main())
"""


def test_a_tracer_on_asyncio_imports_no_trio(target):
    r = subprocess.run([sys.executable, "-c", _ASYNCIO_TRACER, target("getppid_loop")],
                       check=False, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "3 []\n"
