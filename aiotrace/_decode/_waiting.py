# SPDX-License-Identifier: GPL-2.0-or-later
"""Printers of the calls that wait: futex, poll, select, epoll, and time
(named in the syscall table: see ``KINDS``)."""

from __future__ import annotations

from typing import Optional

from . import _structs as S
from . import _xlat_proc as XP
from ._ctx import Ctx
from ._kinds import Kind, Spec, date_text, out
from ._xlat import flags, hexa, ptr, s32, s64, u32


# -- futex -----------------------------------------------------------------

def futex_op(op: int) -> str:
    op = u32(op)
    cmd = op & 0x7F
    name = XP.FUTEX_CMDS.get(cmd)
    # (strace 6.1 names a clock only for the waits that take one, and no other bit)
    if name is None or op & ~0x1FF or (op & XP.FUTEX_CLOCK_REALTIME and cmd not in (0, 9, 11)):
        return "%s /* FUTEX_??? */" % hexa(op)
    rest = op & ~0x7F
    parts = []
    if rest & XP.FUTEX_PRIVATE_FLAG:
        if cmd == 2:
            parts = [name, "FUTEX_PRIVATE_FLAG"]
        else:
            parts = [name + "_PRIVATE"]
        rest &= ~XP.FUTEX_PRIVATE_FLAG
    else:
        parts = [name]
    if rest & XP.FUTEX_CLOCK_REALTIME:
        parts.append("FUTEX_CLOCK_REALTIME")
    return "|".join(parts)

def _wake_op(v: int) -> str:
    v = u32(v)
    op = (v >> 28) & 0xF
    oparg = (v >> 12) & 0xFFF
    cmp = (v >> 24) & 0xF
    cmparg = v & 0xFFF
    shift = ""
    if op & 8:
        shift = "FUTEX_OP_OPARG_SHIFT<<28|"
        op &= 7
    return "%s%s|%s<<12|%s|%s" % (
        shift, _shifted(op, 28, XP.FUTEX_WAKE_OP_OPS, "FUTEX_OP_???"), hexa(oparg),
        _shifted(cmp, 24, XP.FUTEX_WAKE_OP_CMPS, "FUTEX_OP_CMP_???"), hexa(cmparg))


def _shifted(v: int, bits: int, names: dict[int, str], unknown: str) -> str:
    """``NAME<<BITS``; one strace 6.1 does not know: ``0x5<<28 /* FUTEX_OP_??? */``."""
    name = names.get(v)
    return "%s<<%d" % (name, bits) if name else "%s<<%d /* %s */" % (hexa(v), bits, unknown)

def _futex_entry(c: Ctx) -> str:
    uaddr, op, val, timeout, uaddr2, val3 = c.args
    cmd = u32(op) & 0x7F
    head = "%s, %s" % (ptr(uaddr), futex_op(op))
    v = "%d" % u32(val)
    if cmd not in XP.FUTEX_CMDS:
        return "%s, %s, %s, %s, %s" % (head, v, ptr(timeout), ptr(uaddr2), hexa(u32(val3)))
    ts = S.timespec(c, timeout)
    bitset = "FUTEX_BITSET_MATCH_ANY" if u32(val3) == 0xFFFFFFFF else hexa(u32(val3))
    if cmd == 0:
        return "%s, %s, %s" % (head, v, ts)
    if cmd in (1, 2):
        return "%s, %s" % (head, v)
    if cmd == 3:
        return "%s, %s, %d, %s" % (head, v, u32(timeout), ptr(uaddr2))
    if cmd in (4, 12):
        return "%s, %s, %d, %s, %d" % (head, v, u32(timeout), ptr(uaddr2), u32(val3))
    if cmd == 5:
        return "%s, %s, %d, %s, %s" % (head, v, u32(timeout), ptr(uaddr2), _wake_op(val3))
    if cmd in (6, 13):
        return "%s, %s" % (head, ts)
    if cmd in (7, 8):
        return head
    if cmd == 9:
        return "%s, %s, %s, %s" % (head, v, ts, bitset)
    if cmd == 10:
        return "%s, %s, %s" % (head, v, bitset)
    if cmd == 11:
        return "%s, %s, %s, %s" % (head, v, ts, ptr(uaddr2))
    return head


# -- execve ----------------------------------------------------------------

# -- wait ------------------------------------------------------------------


# -- poll, select ------------------------------------------------------------

def _poll_ret(c: Ctx, timeout: Optional[int] = None) -> str:
    """``N ([{fd=1, revents=POLLOUT}], left {...})``: the ready descriptors (the
    timespec left, ppoll's) in parentheses, when there is something to show."""
    r = c.retval or 0
    if r == 0:
        return "0 (Timeout)"
    addr, nfds = c.args[0], u32(c.args[1])
    if not c.verbose or not addr or not nfds or addr + 8 * nfds > 1 << 64:
        return str(r)
    text = S.pollfd_revents(c, addr, nfds)
    if timeout:
        text += "%sleft %s" % (", " if text else "", S.timespec(c, timeout))
    return "%d (%s)" % (r, text) if text else str(r)

def _ppoll_ret(c: Ctx) -> str:
    return _poll_ret(c, c.args[2])

def _select_ret(c: Ctx, timespec: bool) -> str:
    """``N (in [3], out [4], left {...})``, as strace 6.1 writes it: the descriptors of
    each set up to N in all (the sets the kernel wrote), ``()`` when none is shown; each
    set read ends with a ``]`` once something is written (strace's: twice after an
    empty set that follows another)."""
    r = c.retval or 0
    if r == 0:
        return "0 (Timeout)"
    nfds = s32(c.args[0])
    out_, sep, ready = "", "", r
    for idx, label in ((1, "in"), (2, "out"), (3, "except")):
        if ready <= 0:
            break
        got = S.fdset(c, c.args[idx], nfds) if c.args[idx] else None
        if got is None:
            continue
        for k, fd in enumerate(got[1:-1].split()):
            out_ += "%s%s [%s" % (sep, label, fd) if not k else " " + fd
            sep = ", "
            ready -= 1
            if not ready:
                break
        if out_:
            out_ += "]"
    if c.args[4]:
        left = S.timespec(c, c.args[4]) if timespec else S.timeval(c, c.args[4])
        out_ += "%sleft %s" % (sep, left)
    return "%d (%s)" % (r, out_)

FDSET = Kind(lambda c, i: S.fdset_arg(c, c.args[i], s32(c.args[0])))

def _pselect_sigmask(c: Ctx, i: int) -> str:
    return c.fields(c.args[i], "<QQ", lambda mask, size: "{sigmask=%s, sigsetsize=%d}" % (
        S.sigset(c, mask, size), size))


# -- misc ------------------------------------------------------------------

POLLFDS = Kind(lambda c, i: S.pollfd_array(c, c.args[i], u32(c.args[1])))


# -- epoll -------------------------------------------------------------------

def _epoll_wait_events(c: Ctx, i: int) -> str:
    return S.epoll_events(c, c.args[i], c.retval or 0)

EPOLL_EVENTS_OUT = out(_epoll_wait_events)

# EPOLL_CTL_DEL ignores the event: strace shows its address only
EPOLL_CTL_EVENT = Kind(lambda c, i: ptr(c.args[i]) if s32(c.args[1]) == 2 else S.epoll_event(c, c.args[i]))


# -- time ----------------------------------------------------------------------

def _time_out(c: Ctx, i: int) -> str:
    """time()'s [N /* date */] (the value it stored is the one it returns)."""
    if not c.args[i]:
        return ptr(c.args[i])
    t = s64(c.retval or 0)
    stamp = date_text(t)
    return "[%d]" % t if stamp is None else "[%d /* %s */]" % (t, stamp)

def _timer_flags(c: Ctx, i: int) -> str:
    return flags(u32(c.args[i]), XP.TIMER_FLAGS, "TIMER_???")


# the names the syscall table gives these (see _specs)
KINDS: dict[str, Kind] = {
    "epoll_ctl_event": EPOLL_CTL_EVENT,
    "epoll_events_out": EPOLL_EVENTS_OUT,
    "fdset": FDSET,
    "nanosleep_flags": Kind(_timer_flags),
    "pollfds": POLLFDS,
    "pselect_sigmask": Kind(_pselect_sigmask),
    "time_out": out(_time_out),
}
RETURNS = {"poll": _poll_ret, "ppoll": _ppoll_ret,
           "select": lambda c: _select_ret(c, False),
           "pselect6": lambda c: _select_ret(c, True)}
DECODERS = {"futex": Spec(entry=_futex_entry)}
