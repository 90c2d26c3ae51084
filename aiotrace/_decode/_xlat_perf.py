# SPDX-License-Identifier: GPL-2.0-or-later
"""Constants of perf_event_open, as strace 6.1 names them. The tables are in
``xlat/xlat_perf.in`` (``_tables`` says how they are read)."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_perf", globals())   # the tables declared below: xlat/xlat_perf.in

PERF_EVENT_OPEN_FLAGS: Flags
PERF_ATTR_SIZES: Names
PERF_TYPES: Names
PERF_HW_IDS: Names
PERF_SW_IDS: Names
PERF_HW_CACHE_IDS: Names
PERF_HW_CACHE_OPS: Names
PERF_HW_CACHE_RESULTS: Names
HW_BREAKPOINT_TYPES: Names
PERF_READ_FORMAT: Flags
PERF_SAMPLE_FORMAT: Flags
PERF_BRANCH_SAMPLE_TYPES: Flags
