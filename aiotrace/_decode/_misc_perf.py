# SPDX-License-Identifier: GPL-2.0-or-later
"""perf_event_open's arguments, as strace 6.1 prints them: the attributes, the pid and
the CPU in decimal, the group's descriptor, the flags; it returns a descriptor. The
struct perf_event_attr is not decoded yet: its address is printed (as strace prints it
with ``-e verbose=none``)."""

from __future__ import annotations

from . import _xlat_perf as XE
from ._kinds import F

KINDS = {"perf_flags": F(XE.PERF_EVENT_OPEN_FLAGS, "PERF_FLAG_???", width=64)}
