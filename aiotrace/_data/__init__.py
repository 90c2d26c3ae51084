# SPDX-License-Identifier: GPL-2.0-or-later
"""Traces as data: completed calls, recordings, tables, files and pictures (issue 20).

Built on the public API and on the ``aiotrace`` command's strace printer (one printer for
the command, ``str(event)`` and the recordings). pyarrow, pandas and matplotlib are the
``aiotrace[data]`` extra: they are imported only when a recording is made or used.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ._call import Call as Call

if TYPE_CHECKING:
    from ._trace import Trace


async def record(argv: Sequence[str], **options: Any) -> Trace:
    """Run *argv* traced to its end and return its :class:`aiotrace.Trace` (see
    ``aiotrace._data._record.record`` for the options: ``cwd``, ``env``, ``follow``,
    ``strsize``, ``memory_limit``, ``spill_dir``, ``live`` (counts per system call and
    per process while it runs, refreshed in place: ``Recording.live``), and
    ``Tracer.spawn``'s)."""
    from ._record import record as _record
    trace: Trace = await _record(argv, **options)
    return trace


def load(path: str | os.PathLike[str]) -> Trace:
    """Read a recording saved by ``Trace.save`` (or ``aiotrace record -o``)."""
    from ._trace import load as _load
    return _load(path)
