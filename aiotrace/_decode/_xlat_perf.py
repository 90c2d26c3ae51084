# SPDX-License-Identifier: GPL-2.0-or-later
"""Constants of perf_event_open, as strace 6.1 names them. The tables are in
``xlat/xlat_perf.in`` (``_tables`` says how they are read)."""

from __future__ import annotations

from ._tables import Flags, Tables

_T = Tables("xlat_perf", globals())   # the tables declared below: xlat/xlat_perf.in

PERF_EVENT_OPEN_FLAGS: Flags
