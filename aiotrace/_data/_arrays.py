# SPDX-License-Identifier: GPL-2.0-or-later
"""Arrow arrays from Python lists, made from their buffers.

``pa.array(list)`` asks pandas whether the list is one of its objects, which imports
pandas (0.2 s of CPU) the first time: a recording would pay it for a table it may never
make. These builders give the same arrays (values, nulls, types) from ``array.array``
and byte buffers, without it.
"""

from __future__ import annotations

from array import array
from itertools import accumulate
from typing import Any, Sequence

import pyarrow as pa

__all__ = ["column", "ints", "strings", "string_lists"]

_CODES = {pa.int64(): "q", pa.int32(): "i", pa.uint64(): "Q"}


def _validity(values: Sequence[Any]) -> tuple[Any, int]:
    """The validity bitmap of *values* (None: null) and the number of nulls."""
    flags = array("B", [v is not None for v in values])
    bits = pa.Array.from_buffers(pa.uint8(), len(flags), [None, pa.py_buffer(flags)])
    return bits.cast(pa.bool_()).buffers()[1], flags.count(0)


def ints(values: Sequence[Any], type: pa.DataType) -> pa.Array:
    """An integer array (int64, int32 or uint64: the unsigned one takes negative values
    modulo 2**64) of *values*, None for null."""
    code = _CODES[type]
    valid, nulls = None, 0
    try:
        data = array(code, values)
    except (TypeError, OverflowError):   # (nulls, or negative registers)
        if None in values:
            valid, nulls = _validity(values)
            values = [0 if v is None else v for v in values]
        if code == "Q":
            values = [v & 0xFFFFFFFFFFFFFFFF for v in values]
        data = array(code, values)
    return pa.Array.from_buffers(type, len(data), [valid, pa.py_buffer(data)], nulls)


def _utf8(values: Sequence[str]) -> tuple[bytes, "array[int]"]:
    """The bytes of *values* joined and their offsets."""
    joined = "".join(values)
    if joined.isascii():
        return joined.encode("ascii"), array("i", accumulate(map(len, values), initial=0))
    enc = [_encode(v) for v in values]
    return b"".join(enc), array("i", accumulate(map(len, enc), initial=0))


def _encode(text: str) -> bytes:
    """*text* in UTF-8. Bytes that were not UTF-8 (an argument, a path: ``os.fsdecode``
    keeps them as lone surrogates, which Arrow's strings cannot hold) become ``\\xNN``
    escapes, as strace shows them."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape" if _fs_only(text) else "backslashreplace")
        return raw.decode("utf-8", "backslashreplace").encode("utf-8")


def _fs_only(text: str) -> bool:
    """Whether every surrogate of *text* is one that ``os.fsdecode`` makes (U+DC80-DCFF)."""
    return all(not 0xD800 <= ord(c) <= 0xDFFF or 0xDC80 <= ord(c) <= 0xDCFF for c in text)


def strings(values: Sequence[Any]) -> pa.Array:
    """A string array of *values* (str, or None for null)."""
    valid, nulls = None, 0
    try:
        data, offsets = _utf8(values)
    except TypeError:   # (nulls)
        valid, nulls = _validity(values)
        values = ["" if v is None else v for v in values]
        data, offsets = _utf8(values)
    return pa.Array.from_buffers(pa.string(), len(values),
                                 [valid, pa.py_buffer(offsets), pa.py_buffer(data)], nulls)


def string_lists(values: Sequence[Any]) -> pa.Array:
    """A list<string> array of *values* (lists of str, or None for null)."""
    valid, nulls = _validity(values) if None in values else (None, 0)
    lists = [() if v is None else v for v in values]
    flat = strings([s for v in lists for s in v])
    offsets = array("i", accumulate(map(len, lists), initial=0))
    return pa.Array.from_buffers(pa.list_(pa.string()), len(lists),
                                 [valid, pa.py_buffer(offsets)], nulls, children=[flat])


def column(values: Sequence[Any], type: pa.DataType) -> pa.Array:
    """*values* as an array of *type*, one of those of a recording's schemas."""
    if type in _CODES:
        return ints(values, type)
    if type == pa.string():
        return strings(values)
    if pa.types.is_dictionary(type):
        return strings(values).dictionary_encode()
    if type == pa.list_(pa.string()):
        return string_lists(values)
    raise TypeError(f"no builder for {type}")
