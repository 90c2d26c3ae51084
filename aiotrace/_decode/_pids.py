# SPDX-License-Identifier: GPL-2.0-or-later
"""The syscall table's words for process ids (see ``_specs``): which id an argument or a
return value is -- a thread's, a process's, a group's, a session's -- for
``--decode-pids=pidns`` (``_pidns``), which follows it with its number in the tracer's
PID namespace. Without it they print as plain signed ints."""

from __future__ import annotations

from . import _pidns as P
from ._ctx import Ctx
from ._kinds import Kind, RetFn
from ._xlat import s32, s64


def _arg(kind: int) -> Kind:
    return Kind(lambda c, i: P.pid(s32(c.args[i]), kind))


def _ret(kind: int) -> RetFn:
    def ret(c: Ctx) -> str:
        return P.pid(s64(c.retval or 0), kind)
    return ret


def which_who(process: int) -> Kind:
    """A *who* that is a process, a process group or a user as argument 0 (*which*)
    says: *process* for a process, the next value for a group (get/setpriority's
    PRIO_PROCESS is 0, ioprio's IOPRIO_WHO_PROCESS 1)."""

    def fn(c: Ctx, i: int) -> str:
        which, who = s32(c.args[0]), s32(c.args[i])
        if which == process:
            return P.pid(who, P.TGID)
        if which == process + 1:
            return P.pid(who, P.PGID)
        return str(who)

    return Kind(fn)


KINDS: dict[str, Kind] = {
    "pid": _arg(P.TGID), "tid": _arg(P.TID), "pgid": _arg(P.PGID),
    "tgid_pgid": Kind(lambda c, i: P.tgid_or_pgid(s32(c.args[i]))),
    "prio_who": which_who(0),
}
R_TGID, R_TID, R_PGID, R_SID = (_ret(k) for k in (P.TGID, P.TID, P.PGID, P.SID))
RETURNS: dict[str, RetFn] = {"tgid": R_TGID, "tid": R_TID, "pgid": R_PGID, "sid": R_SID}
