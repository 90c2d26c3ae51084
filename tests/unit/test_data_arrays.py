"""The recorder's Arrow builders (aiotrace/_data/_arrays.py) give the arrays pa.array
gives, for every type of a recording's schemas, nulls and all."""

from __future__ import annotations

import pytest

pa = pytest.importorskip("pyarrow")

from aiotrace._data._arrays import column  # noqa: E402
from aiotrace._data._schema import CALLS, EVENTS, PROCESSES, THREADS  # noqa: E402

_DICT = pa.dictionary(pa.int32(), pa.string())

CASES = [
    ([1, None, -3, 2**63 - 1], pa.int64()),
    ([1, 2, -(2**31)], pa.int32()),
    ([None] * 9 + [3], pa.int32()),
    ([2**64 - 1, 5, 0], pa.uint64()),
    ([-1, 5], pa.uint64()),            # (a register read as signed: modulo 2**64)
    ([None, -1, 5], pa.uint64()),
    (["a", None, "é", "", "\x00x"], pa.string()),
    (["getppid", "read", "getppid"], _DICT),
    ([None, "x", "x"], _DICT),
    ([["sh", "-c", "ü"], None, [], ["a"]], pa.list_(pa.string())),
    ([], pa.int64()), ([], pa.string()), ([], _DICT), ([], pa.list_(pa.string())),
    ([None], pa.string()), ([None], pa.int64()),
]


def _reference(values, type):
    if type == pa.uint64():
        values = [None if v is None else v & (2**64 - 1) for v in values]
    if pa.types.is_dictionary(type):
        return pa.array(values, pa.string()).dictionary_encode()
    return pa.array(values, type)


@pytest.mark.parametrize(("values", "type"), CASES)
def test_the_same_array_as_pa_array(values, type):
    got = column(values, type)
    got.validate(full=True)
    want = _reference(values, type)
    assert got.type == want.type and got.null_count == want.null_count
    assert got.equals(want), (got, want)
    assert got.to_pylist() == want.to_pylist()


def test_every_type_of_the_schemas_is_built():
    for schema in (CALLS, EVENTS, PROCESSES, THREADS):
        for f in schema:
            assert column([], f.type).type == f.type, f


def test_a_type_it_has_no_builder_for():
    with pytest.raises(TypeError, match="no builder"):
        column([1.5], pa.float64())


def test_strings_that_are_not_utf8_become_escapes():
    # pa.array refuses them; a recording keeps them, as strace shows bytes: \xNN
    with pytest.raises(UnicodeEncodeError):
        pa.array(["\udcff"], pa.string())
    got = column(["caf\udce9", "caf\u00e9", "\ud800x", None, "plain"], pa.string())
    assert got.to_pylist() == ["caf\\xe9", "caf\u00e9", "\\ud800x", None, "plain"]
