# SPDX-License-Identifier: GPL-2.0-or-later
"""The calls of a recording in the order of their entry stops, without a global sort.

A call's row is made at its exit, so rows come in the order of the exits. The recorder
sorts each chunk of rows by ``seq`` (nearly sorted already: linear) before it becomes a
record batch, and keeps apart the *late* rows: those of calls that began before the last
batch written ended (a parent in ``wait4`` while its child made thousands of calls).
Then the batches written form one sorted run, and the late rows another, small one
(at most one per thread and chunk boundary). :func:`merge` interleaves the two by
slicing the first at the late rows' places: nothing is copied, so the batches of a
spilled recording stay in their memory-mapped file.
"""

from __future__ import annotations

import bisect
import operator
from typing import Any

import numpy as np
import pyarrow as pa

__all__ = ["merge", "seq_of", "split_late"]


#: a row's seq (its first column)
seq_of = operator.itemgetter(0)


def split_late(rows: list[tuple[Any, ...]], high: int) -> tuple[list[tuple[Any, ...]],
                                                                 list[tuple[Any, ...]]]:
    """*rows* sorted by seq (in place), then split: those at or before *high* (the last
    seq already written: late) and the others."""
    rows.sort(key=seq_of)
    i = bisect.bisect_right(rows, high, key=seq_of)
    return rows[:i], rows[i:]


def merge(main: pa.Table, late: pa.Table) -> pa.Table:
    """*main* and *late*, each sorted by seq, as one table sorted by seq: slices of both
    (zero-copy)."""
    if late.num_rows == 0:
        return main
    if main.num_rows == 0:
        return late
    late_seq = _seqs(late["seq"].combine_chunks())
    # where each late row goes: the number of main rows before it
    chunks = [_seqs(c) for c in main["seq"].chunks if len(c)]
    lasts = np.array([c[-1] for c in chunks])
    offsets = np.cumsum([0] + [len(c) for c in chunks])
    k = np.searchsorted(lasts, late_seq)
    pos = np.empty(len(late_seq), np.int64)
    for i, (s, ki) in enumerate(zip(late_seq, k, strict=True)):
        if ki == len(chunks):
            pos[i] = offsets[-1]
        else:
            pos[i] = offsets[ki] + np.searchsorted(chunks[ki], s)
    pieces = []
    prev = 0
    i = 0
    n = len(pos)
    while i < n:
        j = i
        while j + 1 < n and pos[j + 1] == pos[i]:
            j += 1
        p = int(pos[i])
        if p > prev:
            pieces.append(main.slice(prev, p - prev))
        pieces.append(late.slice(i, j + 1 - i))
        prev = p
        i = j + 1
    if prev < main.num_rows:
        pieces.append(main.slice(prev))
    if len(pieces) > _MAX_PIECES:
        pieces = _regroup(pieces)
    return pa.concat_tables(pieces)


def _seqs(arr: pa.Array) -> Any:
    """The seq column's values (int64, no nulls) as a numpy view of its buffer
    (``to_numpy`` would import pandas, which a recording does not need)."""
    return np.frombuffer(arr.buffers()[1], np.int64, len(arr), arr.offset * 8)


#: more pieces than this (many threads blocked across chunk boundaries: each late row
#: splits the run) and every later step would work a few rows at a time
_MAX_PIECES = 1024
_GROUP_ROWS = 65536


def _regroup(pieces: list[pa.Table]) -> list[pa.Table]:
    """*pieces* made into chunks of about _GROUP_ROWS rows: the small pieces are copied
    together (the price of a table that would be tens of thousands of chunks), a large
    one is kept as it is."""
    out: list[pa.Table] = []
    group: list[pa.Table] = []
    rows = 0
    for piece in pieces:
        if piece.num_rows >= _GROUP_ROWS:
            if group:
                out.append(pa.concat_tables(group).combine_chunks())
                group, rows = [], 0
            out.append(piece)
            continue
        group.append(piece)
        rows += piece.num_rows
        if rows >= _GROUP_ROWS:
            out.append(pa.concat_tables(group).combine_chunks())
            group, rows = [], 0
    if group:
        out.append(pa.concat_tables(group).combine_chunks())
    return out
