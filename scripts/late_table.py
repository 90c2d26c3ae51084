#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write ``aiotrace/_decode/_late.py`` again: the stops a capture may decode after the
thread has gone on, as ``aiotrace._decode.computed_late_captures()`` makes them from the
syscall table and the printers.

    .venv/bin/python scripts/late_table.py            # rewrite it
    .venv/bin/python scripts/late_table.py --check    # is it what this writes?

The command (``aiotrace run``) reads the written table at each start: computing it makes
the spec of every call, and so imports every module of printers, which a plain run does
not need (start-up time, issue 24). Run this after a change of the table's rows or of a
printer's ``Kind`` (late, scalar, copy, out) or ``Spec`` (entry, exit, pres, copies):
tests/unit/test_late_table.py says when it is due.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "aiotrace" / "_decode" / "_late.py"

HEAD = '''\
# SPDX-License-Identifier: GPL-2.0-or-later
"""The stops a capture may decode after the thread has gone on: what
``aiotrace._decode.computed_late_captures()`` makes of the syscall table, kept here so
that the command's start does not import every module of printers. Written by
scripts/late_table.py: do not edit; tests/unit/test_late_table.py checks it.
"""

from __future__ import annotations

from typing import Any

'''


def written() -> str:
    sys.path.insert(0, str(ROOT))
    from aiotrace._decode import computed_late_captures
    late = computed_late_captures()

    def frozen(name: str, value: frozenset[str]) -> str:
        lines = textwrap.wrap(" ".join(sorted(value)), width=88, break_on_hyphens=False)
        body = "".join(f"    {line}\n" for line in lines)
        return f'{name}: frozenset[str] = frozenset("""\\\n{body}""".split())\n'

    def table(name: str, value: dict[str, tuple[tuple[object, ...], ...]]) -> str:
        lines = [""]
        for k, v in sorted(value.items()):   # (packed: as many as fit in a line)
            item = f"{k!r}: {v!r},"
            if lines[-1] and len(lines[-1]) + len(item) > 87:
                lines.append("")
            lines[-1] += (" " if lines[-1] else "") + item
        body = "".join(f"    {line}\n" for line in lines)
        return f"{name}: dict[str, tuple[tuple[Any, ...], ...]] = {{\n{body}}}\n"

    return (HEAD + frozen("ENTRIES", late.entries) + frozen("EXITS", late.exits)
            + frozen("QUIET", late.quiet) + table("COPIED", late.copied)
            + table("COPIED_ENTRIES", late.copied_entries))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when the file differs from what this writes")
    args = parser.parse_args(argv)
    text = written()
    if not args.check:
        TABLE.write_text(text)
    elif TABLE.read_text() != text:
        print(f"{TABLE} is out of date: run scripts/late_table.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
