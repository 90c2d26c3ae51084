"""docs/examples/live_server.py on a real program: several web clients, one of which never
reads, and the program still runs to its end. With both tracer loops; on asyncio only,
since aiohttp runs on asyncio (the ``web`` extra)."""

from __future__ import annotations

import importlib.util
import json
import socket
from pathlib import Path
from typing import Any

import anyio
import pytest

aiohttp = pytest.importorskip("aiohttp")

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "live_server.py"
N = 3000   # calls: several times what a client that does not read can hold in flight

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"   # (aiohttp's loop)


def _load() -> Any:
    spec = importlib.util.spec_from_file_location("live_server", EXAMPLE)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


async def _read(port: int, buffer: int) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """A client that reads every event: the calls, and the end's counts."""
    calls: list[dict[str, Any]] = []
    event = None
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}/calls?buffer={buffer}") as resp:
            assert resp.headers["Content-Type"] == "text/event-stream"
            async for raw in resp.content:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    event = line[len("event: "):]
                elif line.startswith("data: "):
                    data = json.loads(line[len("data: "):])
                    if event == "end":
                        return calls, data
                    calls.append(data)
                elif not line:
                    event = None
    raise AssertionError("the stream ended without its end event")


def _stalled_client(port: int) -> socket.socket:
    """A client that asks for the calls and never reads them (a small receive buffer,
    so that what it holds in flight is bounded)."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    s.sendall(f"GET /calls HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    return s


async def _serve_and_read(serve: Any, read: Any) -> None:
    async with anyio.create_task_group() as tg:
        port = await tg.start(serve)
        stalled = _stalled_client(port)
        try:
            async with anyio.create_task_group() as readers:
                for _ in range(2):
                    readers.start_soon(read, port)
        finally:
            stalled.close()   # (the server's write to it fails: its handler ends)


@pytest.mark.timeout(60)
async def test_a_client_that_never_reads_does_not_stall_the_program(target):
    """Two clients read, one never does; the job (N numbered getppid calls) starts once
    the three are connected. It runs to its end; the readers (with a buffer longer than
    the job) got every call, in order, and nothing dropped; the stalled client's stream
    fell behind by more than its buffer and dropped the oldest calls (under
    overflow="block" it would have stopped the program there)."""
    live = _load()
    result: list[Any] = []
    argv = [target("getppid_numbered"), str(N)]

    async def serve(task_status: Any) -> None:
        result.append(await live.run(argv, wait_for=3, grace=60, task_status=task_status))

    got: list[tuple[list[dict[str, Any]], dict[str, int]]] = []

    async def read(port: int) -> None:
        got.append(await _read(port, 100 * N))

    with anyio.fail_after(45):   # (a guard: under overflow="block" the job never ends)
        await _serve_and_read(serve, read)
    status, stats = result[0]
    assert status == 0
    assert len(got) == 2
    total = None
    for calls, end in got:
        assert [c["args"][0] for c in calls if c["name"] == "getppid"] == list(range(N))
        assert end == {"delivered": len(calls), "dropped": 0}
        assert total in (None, len(calls))
        total = len(calls)
    assert len(stats) == 3
    stuck = [s for s in stats if s.max_buffer == live.BUFFER]
    assert len(stuck) == 1 and stuck[0].overflow == "drop_oldest"
    s = stuck[0]
    assert s.delivered + s.buffered + s.dropped == total
    assert s.dropped > 0 and s.delivered < total - live.BUFFER, s

