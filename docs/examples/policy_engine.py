"""A policy engine: every connect() of the traced program waits for a policy service.

    python docs/examples/policy_engine.py

The policy service is a tiny TCP server on 127.0.0.1 (started here, in the same event
loop, to keep the example self-contained; in real life it is another process or host).
It answers "allow" or "deny" for an address. The engine intercepts connect(): the calling
thread stays stopped while the engine awaits the service's answer; a denied connect fails
with EACCES, as if the kernel had refused it.

The traced program tries two local servers: one the policy allows, one it denies.

The guard fails closed: a policy service that does not answer within DEADLINE seconds
denies the call, and if the guard itself fails (an exception, a cancellation) while a
connect() waits for it, that connect() fails with EACCES (on_error="EACCES") instead of
going out unchecked.
"""

from __future__ import annotations

import errno
import functools
import socket
import sys

import anyio
from anyio.abc import SocketStream, TaskStatus

import aiotrace
from aiotrace import SyscallEntry

CLIENT = """
import socket, sys
for port in map(int, sys.argv[1:]):
    s = socket.socket()
    try:
        s.connect(("127.0.0.1", port))
        print(f"port {port}: connected", flush=True)
    except OSError as e:
        print(f"port {port}: {e.strerror}", flush=True)
    finally:
        s.close()
"""


DEADLINE = 2.0   # seconds a connect() may wait for the policy service


async def policy_service(denied_port: int, *, mute: bool = False,
                         task_status: TaskStatus[int] = anyio.TASK_STATUS_IGNORED) -> None:
    """Answers one line per request: 'deny' for denied_port, else 'allow' (*mute*: never
    answers, as a service that hangs)."""

    async def handle(stream: SocketStream) -> None:
        async with stream:
            request = (await stream.receive(1024)).decode().strip()   # "HOST PORT"
            if mute:
                await anyio.sleep_forever()
            port = int(request.split()[1])
            await stream.send(b"deny\n" if port == denied_port else b"allow\n")

    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    task_status.started(listener.extra(anyio.abc.SocketAttribute.local_port))
    await listener.serve(handle)


async def ask(policy_port: int, host: str, port: int) -> bool:
    async with await anyio.connect_tcp("127.0.0.1", policy_port) as conn:
        await conn.send(f"{host} {port}\n".encode())
        return (await conn.receive(64)).strip() == b"allow"


async def guard(proc: aiotrace.Process, policy_port: int, log: list[str], *,
                deadline: float = DEADLINE,
                task_status: TaskStatus[None] = anyio.TASK_STATUS_IGNORED) -> None:
    # on_error: a connect() held when this guard fails or is cancelled fails with EACCES
    async with proc.events(SyscallEntry, syscalls={"connect"}, intercept=True,
                           on_error="EACCES") as calls:
        task_status.started()
        async for call in calls:                       # the calling thread is stopped here
            addr = call.args.addr                      # decoded sockaddr, read from the tracee
            if addr is None or addr.family not in (socket.AF_INET, socket.AF_INET6):
                call.resume()
                continue
            host, port = addr.address[:2]
            allowed = None
            with anyio.move_on_after(deadline):            # a deadline for the verdict
                allowed = await ask(policy_port, host, port)   # the thread stays stopped
            verdict = {True: "allowed", False: "denied", None: "denied (no answer)"}[allowed]
            log.append(f"connect to {host}:{port}: {verdict}")
            if allowed:
                call.resume()
            else:
                call.fail(errno.EACCES)                # skipped; connect() returns -EACCES


async def main(*, mute: bool = False, deadline: float = DEADLINE) -> list[str]:
    log: list[str] = []
    async with anyio.create_task_group() as tg:
        # two local servers the traced program will try to reach
        ok_listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
        bad_listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
        ok_port = ok_listener.extra(anyio.abc.SocketAttribute.local_port)
        bad_port = bad_listener.extra(anyio.abc.SocketAttribute.local_port)

        async def accept_and_close(stream: SocketStream) -> None:
            await stream.aclose()

        tg.start_soon(ok_listener.serve, accept_and_close)
        tg.start_soon(bad_listener.serve, accept_and_close)
        policy_port = await tg.start(functools.partial(policy_service, bad_port, mute=mute))

        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.spawn([sys.executable, "-c", CLIENT, str(ok_port), str(bad_port)])
            async with anyio.create_task_group() as engines:
                await engines.start(functools.partial(guard, deadline=deadline), proc,
                                    policy_port, log)
                proc.resume()
                log.append(f"program exited with {await proc.wait()}")
                engines.cancel_scope.cancel()
        tg.cancel_scope.cancel()
    return log


if __name__ == "__main__":
    for line in anyio.run(main):
        print(line)
