"""The recorder's order of calls without a global sort (aiotrace/_data/_order.py): rows
split into late and in-order ones at each chunk, and the two sorted runs merged by
slicing. Pure tables, no tracee."""

from __future__ import annotations

import random

import pytest

pa = pytest.importorskip("pyarrow")
pytest.importorskip("numpy")

from aiotrace._data._order import merge, split_late  # noqa: E402


def _table(seqs: list[int], chunk: int = 3) -> pa.Table:
    batches = [pa.record_batch({"seq": pa.array(seqs[i:i + chunk], pa.int64()),
                                "x": pa.array([f"s{s}" for s in seqs[i:i + chunk]])})
               for i in range(0, len(seqs), chunk)]
    schema = pa.schema([("seq", pa.int64()), ("x", pa.string())])
    return pa.Table.from_batches(batches, schema=schema)


@pytest.mark.parametrize("main, late", [
    ([1, 2, 4, 5, 7, 8, 9], [3, 6]),          # inside chunks and at their edges
    ([5, 6, 7], [1, 2]),                      # all before
    ([1, 2, 3], [8, 9]),                      # all after
    ([], [1, 4]),
    ([1, 4], []),
    ([10, 20, 30, 40, 50, 60], [11, 12, 13, 31, 59]),   # several at one place
])
def test_merge_is_sorted_and_keeps_every_row(main, late):
    got = merge(_table(main), _table(late, chunk=2))
    assert got["seq"].to_pylist() == sorted(main + late)
    assert got["x"].to_pylist() == [f"s{s}" for s in sorted(main + late)]


def test_merge_of_random_runs():
    rnd = random.Random(20)
    for _ in range(50):
        every = rnd.sample(range(10_000), rnd.randrange(1, 300))
        late = sorted(rnd.sample(every, rnd.randrange(0, len(every) + 1)))
        main = sorted(set(every) - set(late))
        got = merge(_table(main, rnd.randrange(1, 40)), _table(late, rnd.randrange(1, 9)))
        assert got["seq"].to_pylist() == sorted(every)


def test_merge_copies_nothing():
    main = _table(list(range(0, 30_000, 2)), chunk=4096)
    late = _table([1, 2001, 29_999], chunk=3)
    before = pa.total_allocated_bytes()
    got = merge(main, late)
    assert got.num_rows == main.num_rows + 3
    assert pa.total_allocated_bytes() - before < 1024   # (slices of both tables)


def test_split_late():
    rows = [(5, "e"), (3, "c"), (9, "i"), (4, "d"), (8, "h")]
    late, rest = split_late(rows, 4)
    assert late == [(3, "c"), (4, "d")] and rest == [(5, "e"), (8, "h"), (9, "i")]
    assert split_late([(2, "b"), (1, "a")], -1) == ([], [(1, "a"), (2, "b")])


def test_merge_with_many_late_rows_keeps_few_chunks():
    """A late row every few rows (a pool of threads blocked across chunk boundaries)
    split the table into two chunks per late row, and every later step (to_arrow,
    to_pandas) then worked a few rows at a time: 20 023 chunks for 400 000 rows, ten
    times slower. The small pieces are now copied into chunks of about 65 536 rows."""
    main = [s for s in range(1, 300_001) if s % 30]
    late = [s for s in range(1, 300_001) if not s % 30]
    got = merge(_table(main, chunk=16_384), _table(late, chunk=16_384))
    assert got["seq"].to_pylist() == list(range(1, 300_001))
    assert got["x"].to_pylist()[-3:] == ["s299998", "s299999", "s300000"]
    assert got["seq"].num_chunks <= 300_000 // 65_536 + 2
