# SPDX-License-Identifier: GPL-2.0-or-later
"""Printers of the process, signal, scheduling and memory calls: clone, wait4, arch_prctl,
rt_sigreturn, sched_*, mbind... (named in the syscall table: see ``KINDS``)."""

from __future__ import annotations

import struct
from typing import Optional

from . import _structs as S
from . import _xlat as X
from . import _xlat_proc as XP
from . import _style
from ._ctx import Ctx
from ._kinds import E, F, Kind, Spec, out
from ._pids import R_TID
from ._siginfo import siginfo
from ._xlat import flags, hexa, ptr, s32, u32, u64, xval


# -- clone / clone3 --------------------------------------------------------

def _clone_flags(fl: int) -> str:
    sig = fl & 0xFF
    rest = fl & ~0xFF
    parts = []
    if rest:
        parts.append(flags(rest, XP.CLONE_FLAGS, None if sig else "CLONE_???"))
    if sig:
        parts.append(X.signame(sig))
    return "|".join(parts) if parts else "0"

def _clone_entry(c: Ctx) -> str:
    fl, stack = c.args[0], c.args[1]
    return "child_stack=%s, flags=%s" % (ptr(stack), _clone_flags(fl))

def _clone_exit(c: Ctx, entry: str) -> str:
    fl, _stack, parent_tid, child_tid, tls = c.args[:5]
    parts = [entry]
    if fl & (XP.CLONE_PARENT_SETTID | XP.CLONE_PIDFD):
        shown = None
        if not c.failed and parent_tid:
            v = c.unpack("<i", parent_tid)
            if v is not None:   # (a tid; with CLONE_PIDFD alone, the pidfd: -y shows it)
                shown = "[%s]" % (v[0] if fl & XP.CLONE_PARENT_SETTID else c.fd(v[0]))
        parts.append("parent_tid=%s" % (shown or ptr(parent_tid)))
    if fl & XP.CLONE_SETTLS:
        parts.append("tls=%s" % ptr(tls))
    if fl & (XP.CLONE_CHILD_SETTID | XP.CLONE_CHILD_CLEARTID):
        parts.append("child_tidptr=%s" % ptr(child_tid))
    return ", ".join(parts)


# -- fcntl -----------------------------------------------------------------


# -- wait ------------------------------------------------------------------

def _status_out(c: Ctx, i: int) -> str:
    addr = c.args[i]
    if addr == 0:
        return "NULL"
    if (c.retval or 0) == 0:
        return hexa(addr)
    v = c.unpack("<i", addr)
    if v is None:
        return hexa(addr)
    return S.wait_status(v[0])

STATUS_OUT = out(_status_out)


def _wait_rusage_out(c: Ctx, i: int) -> str:
    """wait4's rusage: decoded only when a child was reaped (a positive return)."""
    addr = c.args[i]
    if (c.retval or 0) <= 0:
        return c.ptr(addr)
    return S.rusage(c, addr)

# -- poll / select -----------------------------------------------------------

WAIT_OPTS = F(XP.WAIT_OPTIONS, "W???")


# -- arch_prctl (prctl: see _prctl) -------------------------------------------------------

_ARCH_GET_FS_GS = (0x1003, 0x1004)
_ARCH_GET_XCOMP = (0x1021, 0x1022, 0x1024)    # *_SUPP, *_PERM, *_GUEST_PERM
_ARCH_REQ_XCOMP = (0x1023, 0x1025)


def _xfeatures_text(v: int) -> str:
    """An XSAVE feature mask, as strace prints it whatever -X says but raw: the number
    and the names (``0x600e7 /* XFEATURE_MASK_FPSSE|... */``)."""
    if _style.get() == _style.RAW:
        return hexa(v)
    with _style.using(_style.VERBOSE):
        return flags(v, XP.XFEATURE_MASKS, "XFEATURE_MASK_???")


def _arch_prctl_entry(c: Ctx) -> str:
    code = u32(c.args[0])   # (an int)
    name = xval(code, XP.ARCH_PRCTL, "ARCH_???")
    if code in _ARCH_GET_FS_GS or code in _ARCH_GET_XCOMP:
        return name + ", "
    if code == 0x1011:      # ARCH_GET_CPUID: no argument
        return name
    if code in _ARCH_REQ_XCOMP:   # a feature number: named as the masks are
        bit = c.args[1]
        if _style.get() == _style.RAW:
            return "%s, %s" % (name, hexa(bit))
        with _style.using(_style.VERBOSE):
            return "%s, %s" % (name, xval(bit, XP.XFEATURE_BITS, "XFEATURE_???"))
    return "%s, %s" % (name, hexa(c.args[1]))

def _arch_prctl_exit(c: Ctx, entry: str) -> str:
    code = u32(c.args[0])
    addr = c.args[1]
    if code in _ARCH_GET_FS_GS:
        if c.failed:
            return entry + ptr(addr)
        return entry + c.struct(addr, "<Q", lambda v: "[%s]" % ptr(v))
    if code in _ARCH_GET_XCOMP:
        if c.failed:
            return entry + ptr(addr)
        return entry + c.struct(addr, "<Q", lambda v: "[%s]" % _xfeatures_text(v))
    return entry

def _arch_prctl_ret(c: Ctx) -> str:
    r = c.retval or 0
    if u32(c.args[0]) in _ARCH_REQ_XCOMP and r > 0:
        # the features granted, in hex, and their names (none raw, nor when none known)
        if _style.get() == _style.RAW:
            return hexa(r)
        names = []
        rest = r
        for name, bits in XP.XFEATURE_MASKS:
            if rest & bits == bits:
                names.append(name)
                rest &= ~bits
        if not names:
            return hexa(r)
        if rest:
            names.append(hexa(rest))
        return "%s (%s)" % (hexa(r), "|".join(names))
    return str(r)


# -- signals -------------------------------------------------------------------

# x86-64: at rt_sigreturn's entry the stack pointer is at the ucontext of the
# signal frame; uc_sigmask follows uc_flags, uc_link, uc_stack and the 256-byte
# sigcontext.
UC_SIGMASK_OFFSET = 8 + 8 + 24 + 256

def _rt_sigreturn_entry(c: Ctx) -> str:
    if c.sp is None:
        return ""
    addr = (c.sp + UC_SIGMASK_OFFSET) & X.MASK64
    return "{mask=%s}" % S.sigset(c, addr, 8)

def _siginfo(c: Ctx, i: int) -> str:
    return siginfo(c, c.args[i])

def _rt_sigtimedwait_ret(c: Ctx) -> str:
    r = c.retval or 0
    return "%d (%s)" % (r, X.signame(r)) if r > 0 else str(r)


# -- scheduling, credentials -----------------------------------------------------

def _sched_affinity_out(c: Ctx, i: int) -> str:
    return S.cpu_set(c, c.args[i], c.retval or 0)

def _sched_param_out(c: Ctx, i: int) -> str:
    return S.sched_param(c, c.args[i])

def _sched_param_in(c: Ctx, i: int) -> str:
    return S.sched_param(c, c.args[i])

_SCHED_POLICIES = {0: "SCHED_OTHER", 1: "SCHED_FIFO", 2: "SCHED_RR", 3: "SCHED_BATCH",
                   5: "SCHED_IDLE", 6: "SCHED_DEADLINE"}

def _sched_policy_ret(c: Ctx) -> str:
    r = c.retval or 0
    return "%d (%s)" % (r, X.sched_policy(r))

def _personality_ret(c: Ctx) -> str:
    r = u32(c.retval or 0)
    return "%s (%s)" % (hexa(r) if r else "0", X.personality(r))

def _getgroups_out(c: Ctx, i: int) -> str:
    n = c.retval or 0
    size = s32(c.args[0])
    addr = c.args[i]
    if addr == 0 or (size == 0 and n):
        return ptr(addr)
    data = c.read(addr, 4 * n)
    if data is None:
        return hexa(addr)
    items = [str(x) for x in struct.unpack("<%dI" % n, data)]
    if len(items) > c.strsize:
        items = items[: c.strsize] + ["..."]
    return "[" + ", ".join(items) + "]"


# -- memory ----------------------------------------------------------------

def _msync_flags(c: Ctx, i: int) -> str:
    return flags(u32(c.args[i]), XP.MSYNC_FLAGS, "MS_???")

def _mincore_vec(c: Ctx, i: int) -> str:
    addr = c.args[i]
    pages = (u64(c.args[1]) + 4095) // 4096
    n = min(pages, c.strsize)
    data = c.read(addr, n)
    if data is None:
        return hexa(addr)
    items = [str(b) for b in data]
    if pages > n:
        items.append("...")
    return "[" + ", ".join(items) + "]"

def _mremap_new(c: Ctx, i: int) -> Optional[str]:
    return ptr(c.args[i]) if c.args[3] & 2 else None

def _nodemask(c: Ctx, i: int) -> str:
    """A node mask argument; the next argument is its maxnode."""
    return S.nodemask(c, c.args[i], c.args[i + 1])

_MLOCKALL: X.Flags = (("MCL_CURRENT", 1), ("MCL_FUTURE", 2), ("MCL_ONFAULT", 4))

def _rseq_len(c: Ctx, i: int) -> str:
    return hexa(u32(c.args[i]))

_MEMBARRIER = {0: "MEMBARRIER_CMD_QUERY", 1: "MEMBARRIER_CMD_GLOBAL",
               2: "MEMBARRIER_CMD_GLOBAL_EXPEDITED",
               4: "MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED",
               8: "MEMBARRIER_CMD_PRIVATE_EXPEDITED",
               16: "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED",
               32: "MEMBARRIER_CMD_PRIVATE_EXPEDITED_SYNC_CORE",
               64: "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_SYNC_CORE",
               128: "MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ",
               256: "MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED_RSEQ"}

def _membarrier_ret(c: Ctx) -> str:
    r = c.retval or 0
    if s32(c.args[0]) == 0 and r > 0:
        table = tuple((n, v) for v, n in sorted(_MEMBARRIER.items()) if v)
        return "%s (%s)" % (hexa(r), flags(r, table, None))
    return str(r)


# the names the syscall table gives these (see _specs)
KINDS: dict[str, Kind] = {
    "cpu_set": Kind(lambda c, i: S.cpu_set(c, c.args[i], u32(c.args[1]))),
    "cpu_set_out": out(_sched_affinity_out),
    "groups_out": out(_getgroups_out),
    "hex_ulong_out": out(lambda c, i: S.hex_ulong_ptr(c, c.args[i])),
    "membarrier_cmd": E(_MEMBARRIER, "MEMBARRIER_CMD_???"),
    "mincore_vec": out(_mincore_vec),
    "mlockall_flags": F(_MLOCKALL, "MCL_???"),
    # (mbind's mode is an unsigned long, set_mempolicy's an int)
    "mpol_mode": Kind(lambda c, i: XP.mpol_mode(c.args[i] if c.name == "mbind"
                                                else u32(c.args[i]))),
    "mpol_mode_out": out(lambda c, i: c.struct(c.args[i], "<i",
                                               lambda m: "[%s]" % XP.mpol_mode(m))),
    "mremap_new_address": Kind(_mremap_new),
    "msync_flags": Kind(_msync_flags),
    "nodemask": Kind(_nodemask),
    "nodemask_out": out(_nodemask),
    "persona": Kind(lambda c, i: X.personality(c.args[i])),
    "rseq_len": Kind(_rseq_len),
    "sched_param": Kind(_sched_param_in),
    "sched_param_out": out(_sched_param_out),
    "sched_policy": E(_SCHED_POLICIES, "SCHED_???"),
    "sched_policy_flags": Kind(lambda c, i: X.sched_policy(c.args[i])),
    "sighow": E(X.SIGPROCMASK_HOW, "SIG_???"),
    "siginfo": Kind(_siginfo),
    "siginfo_out": out(_siginfo),
    "status_out": STATUS_OUT,
    "wait_rusage_out": out(_wait_rusage_out),
    "ulong_out": out(lambda c, i: S.ulong_ptr(c, c.args[i])),
    "wait_opts": WAIT_OPTS,
}
RETURNS = {"membarrier": _membarrier_ret, "persona": _personality_ret,
           "sched_policy": _sched_policy_ret, "signo": _rt_sigtimedwait_ret}
DECODERS = {
    "arch_prctl": Spec(entry=_arch_prctl_entry, exit=_arch_prctl_exit, ret=_arch_prctl_ret),
    "clone": Spec(entry=_clone_entry, exit=_clone_exit, ret=R_TID),
    "rt_sigreturn": Spec(entry=_rt_sigreturn_entry),
}
