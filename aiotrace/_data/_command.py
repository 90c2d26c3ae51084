# SPDX-License-Identifier: GPL-2.0-or-later
"""``aiotrace record`` and ``aiotrace report``: recordings from the shell.

    aiotrace record -o FILE [-s N] [--no-follow] -- PROG ARGS...
    aiotrace report FILE [--per-process] [-S SORTBY] [--perfetto OUT.json]
                         [--plot OUT.png] [--latency OUT.png] [--csv OUT.csv]

``record`` runs PROG traced (its children and threads too) and saves the recording to FILE
(Parquet: see ``Trace.save``); it exits with PROG's status. ``report`` prints the summary
``strace -c`` prints and writes the files asked for.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from typing import Any

__all__ = ["main"]


def _record_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="aiotrace record",
                                description="Record a program's system calls to a file.")
    p.add_argument("-o", "--output", required=True, metavar="FILE",
                   help="the recording to write (Parquet)")
    p.add_argument("-s", "--string-limit", type=int, default=32, metavar="N",
                   help="bytes of each string to keep, as strace -s (default 32)")
    p.add_argument("--no-follow", action="store_true",
                   help="record the program only, not its children")
    p.add_argument("--memory-limit", type=int, default=64, metavar="MIB",
                   help="memory for the recording before it spills to disk (default 64)")
    p.add_argument("--live", action="store_true",
                   help="show the calls per syscall and per process on stderr while it runs "
                        "(redrawn in place on a terminal; once, at the end, otherwise)")
    p.add_argument("argv", nargs=argparse.REMAINDER, metavar="-- PROG ARGS")
    return p


def _report_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="aiotrace report",
                                description="Summarise a recording; export it.")
    p.add_argument("file", metavar="FILE", help="a recording (aiotrace record -o FILE)")
    p.add_argument("--per-process", action="store_true", help="a table per process too")
    p.add_argument("-S", "--sort-by", default="time",
                   choices=("time", "calls", "name", "errors", "nothing"))
    p.add_argument("--perfetto", metavar="OUT", help="write Chrome trace-event JSON")
    p.add_argument("--plot", metavar="OUT", help="write the timeline picture (PNG, SVG...)")
    p.add_argument("--latency", metavar="OUT", help="write the latency histogram")
    p.add_argument("--csv", metavar="OUT", help="write the calls as CSV")
    return p


def _err(text: str) -> int:
    sys.stderr.write(f"aiotrace: {text}\n")
    return 1


def _record(args: list[str]) -> int:
    import anyio

    from . import record
    from ._trace import _check_dir
    ns = _record_parser().parse_args(args)
    argv = ns.argv[1:] if ns.argv[:1] == ["--"] else ns.argv
    if not argv:
        return _err("record: must have PROG [ARGS] (aiotrace record -o FILE -- PROG)")
    if ns.string_limit < 0 or ns.memory_limit <= 0:
        return _err("record: -s and --memory-limit take positive numbers")
    try:
        _check_dir(ns.output, "recording")   # (before the program runs)
    except OSError as exc:
        return _err(str(exc.strerror))

    async def run() -> Any:
        return await record(argv, follow=not ns.no_follow, strsize=ns.string_limit,
                            memory_limit=ns.memory_limit << 20, live=ns.live)

    try:
        trace = anyio.run(run)
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        return _err(f"record: {exc}")
    trace.save(ns.output)
    procs = trace.processes()
    root = procs[0] if procs else None
    rc = root.returncode if root is not None else None
    sys.stderr.write(f"aiotrace: recorded {len(trace)} calls of {len(procs)} processes "
                     f"to {ns.output}\n")
    if rc is not None and rc < 0:
        sys.stdout.flush()
        signal.signal(-rc, signal.SIG_DFL)
        os.kill(os.getpid(), -rc)
        return int(128 - rc)
    return int(rc or 0)


def _report(args: list[str]) -> int:
    from . import load
    ns = _report_parser().parse_args(args)
    try:
        trace = load(ns.file)
    except (OSError, ValueError) as exc:
        return _err(str(exc.strerror if isinstance(exc, OSError) and exc.strerror else exc))
    try:
        sys.stdout.write(trace.summary(per_process=ns.per_process, sort_by=ns.sort_by))
        sys.stdout.flush()
        if ns.perfetto:
            trace.to_perfetto(ns.perfetto)
        if ns.plot:
            trace.plot_timeline(ns.plot)
        if ns.latency:
            trace.plot_latency(ns.latency)
        if ns.csv:
            from ._trace import _check_dir
            _check_dir(ns.csv, "CSV file")
            trace.to_pandas().to_csv(ns.csv, index=False)
    except OSError as exc:
        return _err(str(exc.strerror or exc))
    except ValueError as exc:
        return _err(str(exc))
    return 0


def main(args: list[str]) -> int:
    """``aiotrace record ...`` or ``aiotrace report ...`` (*args* starts with the word)."""
    try:
        if args[0] == "record":
            return _record(args[1:])
        return _report(args[1:])
    except ImportError as exc:
        return _err(str(exc))
