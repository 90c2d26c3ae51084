# SPDX-License-Identifier: GPL-2.0-or-later
"""The ``-c``/``-C`` summary's options: ``-S``/``--summary-sort-by`` (strace 6.1's names
for the sort keys) and ``-U``/``--summary-columns`` (which columns, in which order),
and the table with the columns chosen. The default table is the engine's
(``SyscallCounts.table``); this one lays out any choice of columns the same way.
"""

from __future__ import annotations

from typing import Any

# the columns: key -> (heading, smallest width, right-aligned)
_COLUMNS = {
    "percent": ("% time", 6, True), "total": ("seconds", 11, True),
    "min": ("shortest", 8, True), "max": ("longest", 7, True),
    "avg": ("usecs/call", 11, True), "calls": ("calls", 9, True),
    "errors": ("errors", 9, True), "name": ("syscall", 16, False),
}

# strace's names for the columns, which -S takes for the sort keys too
_NAMES = {
    "percent": ("time", "time_percent", "time-percent"),
    "total": ("time_total", "time-total", "total_time", "total-time"),
    "min": ("min_time", "min-time", "shortest", "time_min", "time-min"),
    "max": ("longest", "max_time", "max-time", "time_max", "time-max"),
    "avg": ("avg_time", "avg-time", "time_avg", "time-avg"),
    "calls": ("calls", "count"),
    "errors": ("error", "errors"),
    "name": ("name", "syscall", "syscall_name", "syscall-name"),
    "": ("none", "nothing"),
}
_COLUMN_OF = {name: key for key, names in _NAMES.items() for name in names}
# the engine's sort keys (SyscallCounts.stats)
_SORT = {"percent": "time", "total": "time", "min": "time_min", "max": "time_max",
         "avg": "time_avg", "calls": "calls", "errors": "errors", "name": "name",
         "": "nothing"}

DEFAULT_COLUMNS = ("percent", "total", "avg", "calls", "errors", "name")


def sort_key(text: str) -> str | None:
    """The engine's sort key for ``-S TEXT``, or None if strace has no such name."""
    col = _COLUMN_OF.get(text)
    return None if col is None else _SORT[col]


def parse_columns(text: str) -> tuple[str, ...]:
    """``-U NAME[,NAME]...``: the columns in that order (the name of the call last if it
    is not among them); raises ValueError with strace's words for a mistake."""
    out: list[str] = []
    for word in text.split(","):
        col = _COLUMN_OF.get(word)
        if not col:   # (none/nothing name no column)
            raise ValueError(f"unknown column name: '{word}'")
        if col in out:
            raise ValueError(f"call summary column has been provided more than once: "
                             f"'{word}'")
        out.append(col)
    if "name" not in out:
        out.append("name")
    return tuple(out)


def table(counts: Any, sort_by: str, columns: tuple[str, ...]) -> str:
    """The summary of *counts* (SyscallCounts) with *columns*, ABI by ABI as strace
    prints them."""
    return str(counts.layout(lambda rows: _table(rows, columns), sort_by))


def _table(rows: list[Any], columns: tuple[str, ...]) -> str:
    total_ns = sum(st.time_ns for st in rows)
    calls = sum(st.calls for st in rows)
    errors = sum(st.errors for st in rows)
    shortest = min((st.time_min_ns for st in rows), default=0)
    longest = max((st.time_max_ns for st in rows), default=0)

    def values(st: Any) -> dict[str, str]:
        pct = 100.0 * st.time_ns / total_ns if total_ns and st.time_ns else 0.0
        return {"percent": "%.2f" % pct, "total": "%.6f" % (st.time_ns / 1e9),
                "min": "%.6f" % (st.time_min_ns / 1e9), "max": "%.6f" % (st.time_max_ns / 1e9),
                "avg": str(st.usecs_per_call), "calls": str(st.calls),
                "errors": str(st.errors) if st.errors else "", "name": st.name}

    lines = [values(st) for st in rows]
    totals = {"percent": "100.00", "total": "%.6f" % (total_ns / 1e9),
              "min": "%.6f" % (shortest / 1e9), "max": "%.6f" % (longest / 1e9),
              "avg": str(int(total_ns / 1e9 / calls * 1e6)) if calls else "0",
              "calls": str(calls), "errors": str(errors) if errors else "", "name": "total"}
    widths = {
        "percent": 6, "total": len(totals["total"]),
        "min": len("%d.000000" % (max((st.time_min_ns for st in rows), default=0) // 10**9)),
        "max": len("%d.000000" % (longest // 10**9)),
        "avg": max((len(v["avg"]) for v in lines), default=1), "calls": len(str(calls)),
        "errors": len(str(errors)), "name": max((len(st.name) for st in rows), default=0) + 1,
    }
    widths = {k: max(w, _COLUMNS[k][1]) for k, w in widths.items()}

    def line(cells: dict[str, str]) -> str:
        parts = []
        for i, col in enumerate(columns):
            text, w = cells[col], widths[col]
            if _COLUMNS[col][2]:
                parts.append(text.rjust(w))
            else:
                parts.append(text if i == len(columns) - 1 else text.ljust(w))
        return " ".join(parts)

    rule = " ".join("-" * widths[col] for col in columns)
    out = [line({col: spec[0] for col, spec in _COLUMNS.items()}), rule]
    out += [line(v) for v in lines]
    out += [rule, line(totals)]
    return "\n".join(out) + "\n"
