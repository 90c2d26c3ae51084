# SPDX-License-Identifier: GPL-2.0-or-later
"""Process calls as strace 6.1 prints them (see ``_specs``): clone3's ``struct
clone_args`` (the fields its flags make meaningful, the set_tid array, the nonzero
bytes past the known structure, and at the exit what the kernel wrote: the pidfd, the
parent's tid) and sched_getattr/sched_setattr's ``struct sched_attr``."""

from __future__ import annotations

import struct

from . import _pidns as P
from . import _xlat as X
from . import _xlat_misc as XM
from . import _xlat_proc as XP
from ._ctx import Ctx
from ._kinds import Spec
from ._misc import array, nonzero_tail
from ._pids import R_TID
from ._xlat import flags, hexa, ptr

CLONE_ARGS_SIZE = 88    # up to cgroup: the largest strace 6.1 knows
CLONE_ARGS_MIN = 64     # up to tls: the first version
_CGROUP_AT = 80
_MAX_SET_TID = 32
_INT_MAX = (1 << 31) - 1


def _fetch_size(c: Ctx) -> int:
    return min(c.args[1], CLONE_ARGS_SIZE)


def _fields(c: Ctx) -> tuple[int, ...] | None:
    """The structure's eleven fields (those past the size read as 0), or None."""
    data = c.read(c.args[0], _fetch_size(c))
    if data is None:
        return None
    return struct.unpack("<11Q", data.ljust(CLONE_ARGS_SIZE, b"\0"))


def _int_item(data: bytes) -> str:
    return str(int.from_bytes(data, "little", signed=True))


def _entry(c: Ctx) -> str:
    addr, size = c.args[0], c.args[1]
    if _fetch_size(c) < CLONE_ARGS_MIN or not c.verbose:
        return ptr(addr)
    v = _fields(c)
    if v is None:
        return hexa(addr)
    (fl, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
     set_tid, set_tid_size, cgroup) = v
    parts = ["flags=%s" % flags(fl, XP.CLONE3_FLAGS, "CLONE_???")]
    if fl & XP.CLONE_PIDFD:
        parts.append("pidfd=%s" % ptr(pidfd))
    if fl & (XP.CLONE_CHILD_SETTID | XP.CLONE_CHILD_CLEARTID):
        parts.append("child_tid=%s" % ptr(child_tid))
    if fl & XP.CLONE_PARENT_SETTID:
        parts.append("parent_tid=%s" % ptr(parent_tid))
    parts.append("exit_signal=%s" % (X.signame(exit_signal) if exit_signal < _INT_MAX
                                     else str(exit_signal)))
    parts.append("stack=%s" % ptr(stack))
    parts.append("stack_size=%s" % hexa(stack_size))
    if fl & XP.CLONE_SETTLS:
        parts.append("tls=%s" % ptr(tls))
    if set_tid or set_tid_size:
        if not set_tid or not set_tid_size or set_tid_size > _MAX_SET_TID:
            parts.append("set_tid=%s" % ptr(set_tid))
        else:
            parts.append("set_tid=%s" % array(c, set_tid, set_tid_size, 4, _int_item))
        parts.append("set_tid_size=%d" % set_tid_size)
    if _fetch_size(c) > _CGROUP_AT and (cgroup or fl & (1 << 33)):
        parts.append("cgroup=%d" % cgroup)
    if size > _fetch_size(c):
        tail = nonzero_tail(c, addr, _fetch_size(c), size)
        if tail is not None:
            parts.append(tail)
    return "{%s}" % ", ".join(parts)


def _num(c: Ctx, addr: int, kind: int | None) -> str:
    """The int the kernel wrote at *addr* (``[3]``), a pid of *kind* or a descriptor."""
    return c.fields(addr, "<i", lambda v: "[%s]" % (c.fd(v) if kind is None else P.pid(v, kind)))


def _exit(c: Ctx, entry: str) -> str:
    """What the kernel wrote back: `` => {pidfd=[3], parent_tid=[1234]}``."""
    addr, size = c.args[0], c.args[1]
    changed = ""
    if (not c.failed and _fetch_size(c) >= CLONE_ARGS_MIN and entry.startswith("{")):
        v = _fields(c)
        if v is None:
            changed = " => %s" % hexa(addr)
        else:
            fl, pidfd, parent_tid = v[0], v[1], v[3]
            parts = []
            if fl & XP.CLONE_PIDFD:
                parts.append("pidfd=%s" % _num(c, pidfd, None))
            if fl & XP.CLONE_PARENT_SETTID:
                parts.append("parent_tid=%s" % _num(c, parent_tid, P.TID))
            if size > _fetch_size(c):
                tail = nonzero_tail(c, addr, _fetch_size(c), size)
                if tail is not None:
                    parts.append(tail)
            if parts:
                changed = " => {%s}" % ", ".join(parts)
    return "%s%s, %d" % (entry, changed, size)


# -- sched_getattr, sched_setattr ------------------------------------------------------

SCHED_ATTR_SIZE0, SCHED_ATTR_SIZE1 = 48, 56
_KEEP_POLICY, _KEEP_PARAMS = 0x08, 0x10


def _sched_attr(c: Ctx, data: bytes, size: int, wanted: int, setting: bool) -> str:
    """The fields *size* bytes hold (*data*, zero-padded), then "..." when *wanted*
    says there are more."""
    (asize, policy, fl, nice, prio, runtime, deadline, period, umin, umax) = struct.unpack(
        "<IIQiIQQQII", data.ljust(SCHED_ATTR_SIZE1, b"\0")[:SCHED_ATTR_SIZE1])
    parts = ["size=%d" % asize]
    if size >= SCHED_ATTR_SIZE0:
        if not setting or policy >= 1 << 31 or not fl & (_KEEP_POLICY | _KEEP_PARAMS):
            parts.append("sched_policy=%s" % X.xval(policy, X.SCHED_POLICIES, "SCHED_???"))
        parts.append("sched_flags=%s" % flags(fl, XM.SCHED_FLAGS, "SCHED_FLAG_???"))
        if not setting or not fl & _KEEP_PARAMS:
            parts += ["sched_nice=%d" % nice, "sched_priority=%d" % prio,
                      "sched_runtime=%d" % runtime, "sched_deadline=%d" % deadline,
                      "sched_period=%d" % period]
        if size >= SCHED_ATTR_SIZE1:
            parts += ["sched_util_min=%d" % umin, "sched_util_max=%d" % umax]
    if wanted > size:
        parts.append("...")
    return "{%s}" % ", ".join(parts)


def _setattr_entry(c: Ctx) -> str:
    addr = c.args[1]
    who = P.pid(X.s32(c.args[0]), P.TGID)
    if addr == 0 or not c.verbose:
        return "%s, %s" % (who, ptr(addr))
    head = c.unpack("<I", addr)
    if head is None:
        return "%s, %s" % (who, hexa(addr))
    usize = head[0] or SCHED_ATTR_SIZE0
    size = min(usize, SCHED_ATTR_SIZE1)
    data = struct.pack("<I", head[0])
    if size >= SCHED_ATTR_SIZE0:
        got = c.read(addr, size)
        if got is None:
            return "%s, %s" % (who, hexa(addr))
        data = got
    return "%s, %s" % (who, _sched_attr(c, data, size, usize, True))


def _setattr_exit(c: Ctx, entry: str) -> str:
    changed = ""
    if c.errno == 7 and c.verbose and c.args[1]:   # E2BIG: the size the kernel wants
        v = c.unpack("<I", c.args[1])
        if v is not None:
            changed = " => {size=%d}" % v[0]
    return "%s%s, %d" % (entry, changed, X.u32(c.args[2]))


def _getattr_entry(c: Ctx) -> str:
    return "%s, " % P.pid(X.s32(c.args[0]), P.TGID)


def _getattr_exit(c: Ctx, entry: str) -> str:
    addr, usize = c.args[1], X.u32(c.args[2])
    if not usize or addr == 0 or c.failed or not c.verbose:
        attr = ptr(addr)
    else:
        data = c.read(addr, min(usize, SCHED_ATTR_SIZE1))
        if data is None:
            attr = hexa(addr)
        else:
            written = struct.unpack_from("<I", data)[0]
            attr = _sched_attr(c, data, written, written, False)
    return "%s%s, %d, %d" % (entry, attr, usize, X.u32(c.args[3]))


DECODERS = {"clone3": Spec(entry=_entry, exit=_exit, ret=R_TID),
            "sched_setattr": Spec(entry=_setattr_entry, exit=_setattr_exit),
            "sched_getattr": Spec(entry=_getattr_entry, exit=_getattr_exit)}
