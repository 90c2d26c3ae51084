"""The aiotrace command (temporary plain printer; see docs/cli.md)."""

from __future__ import annotations

import argparse
import sys

import anyio

from . import open_tracer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aiotrace")
    sub = parser.add_subparsers(dest="cmd", required=True)
    run = sub.add_parser("run")
    run.add_argument("-f", action="store_true")
    run.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    cmd = args.command
    if cmd and cmd[0] == "--":
        cmd = cmd[1:]

    async def go() -> int:
        async with open_tracer() as tracer:
            proc = await tracer.spawn(cmd, follow=args.f)
            events = proc.events()
            proc.resume()
            async with events:
                async for ev in events:
                    print(ev, file=sys.stderr)
            rc = await proc.wait()
            return rc or 0

    return anyio.run(go)
