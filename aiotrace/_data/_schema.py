# SPDX-License-Identifier: GPL-2.0-or-later
"""The Arrow schemas of a recording: its calls, its other events, its processes and
threads. A saved recording (Parquet) keeps them exactly (``_trace.Trace.save``)."""

from __future__ import annotations

from typing import Any, Iterable

import pyarrow as pa

from ._arrays import column

__all__ = ["CALLS", "EVENTS", "PROCESSES", "THREADS", "calls_batch", "events_table",
           "processes_table", "threads_table"]

_STR = pa.dictionary(pa.int32(), pa.string())   # (names, ABIs, statuses: few values)

CALLS = pa.schema([
    ("seq", pa.int64()), ("pid", pa.int32()), ("tid", pa.int32()), ("nr", pa.int32()),
    ("name", _STR), ("abi", _STR),
    ("a0", pa.uint64()), ("a1", pa.uint64()), ("a2", pa.uint64()), ("a3", pa.uint64()),
    ("a4", pa.uint64()), ("a5", pa.uint64()),
    ("args", pa.string()), ("retval", pa.int64()), ("ret", pa.string()),
    ("start_ns", pa.int64()), ("end_ns", pa.int64()), ("status", _STR), ("marks", _STR),
])

EVENTS = pa.schema([
    ("seq", pa.int64()), ("pid", pa.int32()), ("tid", pa.int32()), ("time_ns", pa.int64()),
    ("kind", pa.string()), ("signo", pa.int32()), ("child_pid", pa.int32()),
    ("child_tid", pa.int32()), ("clone_type", pa.string()), ("filename", pa.string()),
    ("old_tid", pa.int32()), ("status", pa.int32()), ("text", pa.string()),
])

PROCESSES = pa.schema([
    ("pid", pa.int32()), ("ppid", pa.int32()), ("argv", pa.list_(pa.string())),
    ("exe", pa.string()), ("comm", pa.string()), ("start_ns", pa.int64()),
    ("end_ns", pa.int64()), ("status", pa.int32()),
])

THREADS = pa.schema([
    ("tid", pa.int32()), ("pid", pa.int32()), ("name", pa.string()), ("start_ns", pa.int64()),
    ("end_ns", pa.int64()),
])


def _columns(rows: list[tuple[Any, ...]], schema: pa.Schema) -> list[pa.Array]:
    cols = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    # (dictionary_encode gives int32 indices: the schemas say so)
    return [column(col, f.type) for col, f in zip(cols, schema, strict=True)]


_A0 = CALLS.get_field_index("a0")


def calls_batch(rows: list[tuple[Any, ...]]) -> pa.RecordBatch:
    """Rows of the recorder as a record batch: tuples in the order of CALLS, but for
    the six argument registers, one tuple of them in the place of ``a0`` (which
    ``a0``..``a5`` are made of here, a column at a time)."""
    cols = list(zip(*rows, strict=True)) if rows else [()] * (len(CALLS) - 5)
    regs = list(zip(*cols[_A0], strict=True)) if rows else [()] * 6
    cols[_A0:_A0 + 1] = regs
    arrays = [column(col, f.type) for col, f in zip(cols, CALLS, strict=True)]
    return pa.RecordBatch.from_arrays(arrays, schema=CALLS)


def events_table(rows: list[tuple[Any, ...]]) -> pa.Table:
    return pa.Table.from_arrays(_columns(rows, EVENTS), schema=EVENTS)


def processes_table(procs: Iterable[Any]) -> pa.Table:
    rows = [(p.pid, p.ppid, p.argv, p.exe, p.comm, p.start_ns, p.end_ns, p.status)
            for p in sorted(procs, key=lambda p: p.start_ns)]
    return pa.Table.from_arrays(_columns(rows, PROCESSES), schema=PROCESSES)


def threads_table(threads: Iterable[Any]) -> pa.Table:
    rows = [(t.tid, t.pid, t.name, t.start_ns, t.end_ns)
            for t in sorted(threads, key=lambda t: t.start_ns)]
    return pa.Table.from_arrays(_columns(rows, THREADS), schema=THREADS)
