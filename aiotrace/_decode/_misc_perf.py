# SPDX-License-Identifier: GPL-2.0-or-later
"""perf_event_open's arguments, as strace 6.1 prints them: the attributes (read at entry,
printed at exit with the size the kernel wrote back when it failed with E2BIG; see
``_perf_attr``), the pid and the CPU in decimal, the group's descriptor, the flags; it
returns a descriptor. With ``-e verbose=none`` the attributes' address is printed."""

from __future__ import annotations

from . import _perf_attr as PA
from . import _xlat_perf as XE
from ._ctx import Ctx
from ._kinds import F, R_FD, Spec
from ._xlat import flags, ptr, s32

KINDS = {"perf_flags": F(XE.PERF_EVENT_OPEN_FLAGS, "PERF_FLAG_???", width=64)}


def _entry(c: Ctx) -> str:
    addr = c.args[0]
    c.saved["perf_attr"] = PA.fetch(c, addr) if c.verbose else ptr(addr)
    return ""


def _exit(c: Ctx, entry: str) -> str:
    addr = c.args[0]
    data = c.saved.get("perf_attr")
    if data is None:   # (no entry seen)
        data = PA.fetch(c, addr) if c.verbose else ptr(addr)
    attr = data if isinstance(data, str) else PA.text(c, data, PA.new_size(c, addr))
    return "%s%s, %d, %d, %s, %s" % (
        entry, attr, s32(c.args[1]), s32(c.args[2]), c.fd(s32(c.args[3])),
        flags(c.args[4], XE.PERF_EVENT_OPEN_FLAGS, "PERF_FLAG_???"))


DECODERS = {"perf_event_open": Spec(entry=_entry, exit=_exit, ret=R_FD)}
