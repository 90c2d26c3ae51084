"""A live server: a traced job's system calls, streamed to web clients as they happen.

    pip install 'aiotrace[web]'
    python docs/examples/live_server.py [--port 8080] [--wait-for N] -- make -j2

Open http://127.0.0.1:8080/ in a browser, or read the stream itself (Server-Sent Events,
one JSON object per call): ``curl -N http://127.0.0.1:8080/calls``. ``--wait-for N``
holds the job until N clients are connected (by default it starts at once).

Each client gets a stream of its own (``proc.events(..., overflow="drop_oldest")``), so a
client that reads slowly, or stops reading, cannot stall the job: once it is BUFFER calls
behind, its stream drops the oldest, counts them, and shows it the newest. With the
default ``overflow="block"``, one such client would stop the traced program. A client
may ask for a longer buffer (``/calls?buffer=100000``: the calls it may fall behind by
before it loses any). When the job ends, each client gets an ``end`` event with what its
stream delivered and dropped.
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
from typing import Any

import anyio
from aiohttp import web
from anyio.abc import TaskStatus

import aiotrace
from aiotrace import SyscallExit

BUFFER = 256            # calls a client may fall behind by before it loses the oldest
SEND_BUFFER = 16384     # bytes the kernel keeps for a client that does not read
PAGE = """<!doctype html><title>aiotrace live</title><pre id=out></pre><script>
const out = document.getElementById("out"), src = new EventSource("calls");
src.onmessage = (e) => { const c = JSON.parse(e.data);
  out.textContent += `[${c.pid}] ${c.name}(${c.args.join(", ")}) = ${c.retval}\\n`; };
src.addEventListener("end", (e) => { out.textContent += `end: ${e.data}\\n`; src.close(); });
</script>"""


def sse(event: str | None, data: dict[str, Any]) -> bytes:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data)}\n\n".encode()


class LiveCalls:
    """One traced job's calls, for any number of clients."""

    def __init__(self, proc: aiotrace.Process, wait_for: int) -> None:
        self.proc = proc
        self.wait_for = wait_for
        self.ready = anyio.Event()     # wait_for clients are subscribed
        self.clients = 0
        self.serving: dict[int, web.Request] = {}   # (by id: a Request is not hashable)
        self.served = anyio.Event()    # the job has ended and no client is being served
        self.ended = False
        self.stats: list[aiotrace.EventStreamStatistics] = []

    async def page(self, request: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    async def calls(self, request: web.Request) -> web.StreamResponse:
        buffer = int(request.query.get("buffer", BUFFER))
        sock = request.transport.get_extra_info("socket") if request.transport else None
        if sock is not None:   # (a client that stops reading holds this much, not megabytes)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER)
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream",
                                           "Cache-Control": "no-cache"})
        self.serving[id(request)] = request
        try:
            async with self.proc.events(SyscallExit, buffer=buffer,
                                        overflow="drop_oldest") as calls:
                self.clients += 1
                if self.clients >= self.wait_for:
                    self.ready.set()
                await resp.prepare(request)
                try:
                    async for c in calls:
                        await resp.write(sse(None, {
                            "pid": c.pid, "tid": c.tid, "name": c.name,
                            "args": list(c.args), "retval": c.retval}))
                    s = calls.statistics()
                    await resp.write(sse("end", {"delivered": s.delivered, "dropped": s.dropped}))
                except ConnectionError:
                    pass   # (the client went away)
                finally:
                    self.stats.append(calls.statistics())
        finally:
            del self.serving[id(request)]
            if self.ended and not self.serving:
                self.served.set()
        return resp

    def job_ended(self) -> None:
        self.ended = True
        if not self.serving:
            self.served.set()

    def cut_off(self) -> None:
        """Close the connections of the clients still served (that do not read)."""
        for request in list(self.serving.values()):
            if request.transport is not None:
                request.transport.abort()   # (their write raises ConnectionResetError)


async def run(argv: list[str], *, port: int = 0, wait_for: int = 0, grace: float = 5.0,
              task_status: TaskStatus[int] = anyio.TASK_STATUS_IGNORED,
              ) -> tuple[int | None, list[aiotrace.EventStreamStatistics]]:
    """Trace *argv* and serve its calls on 127.0.0.1:*port* (0: any free port, given to
    ``task_status.started()``); start it once *wait_for* clients are connected. Returns
    once the job has ended and every client had its end, or *grace* seconds after the
    job's end: the job's exit status, and each client's stream statistics."""
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn(argv)
        live = LiveCalls(proc, wait_for)
        if wait_for <= 0:
            live.ready.set()
        app = web.Application()
        app.router.add_get("/", live.page)
        app.router.add_get("/calls", live.calls)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            site = web.TCPSite(runner, "127.0.0.1", port)
            await site.start()
            task_status.started(runner.addresses[0][1])
            await live.ready.wait()
            proc.resume()
            status = await proc.wait()
            live.job_ended()
            with anyio.move_on_after(grace):
                await live.served.wait()
            live.cut_off()   # (a client that does not read is not waited for)
            await live.served.wait()
        finally:
            await runner.cleanup()
    return status, live.stats


async def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--wait-for", type=int, default=0, metavar="N")
    ap.add_argument("argv", nargs="+")
    a = ap.parse_args()
    status: list[int | None] = []

    async def serve(task_status: TaskStatus[int]) -> None:
        status.append((await run(a.argv, port=a.port, wait_for=a.wait_for,
                                 task_status=task_status))[0])

    async with anyio.create_task_group() as tg:
        port = await tg.start(serve)
        print(f"serving on http://127.0.0.1:{port}/", file=sys.stderr)
    return status[0] or 0


if __name__ == "__main__":
    sys.exit(anyio.run(main))
