# SPDX-License-Identifier: GPL-2.0-or-later
"""Argument kinds: small printers that the syscall table is made of.

A kind is called as ``kind.fn(ctx, i)`` and returns the text of argument
``i`` (or None to leave the argument out).  Kinds with ``out=True`` describe
data the kernel writes: they are printed when the call returns, and as a bare
address when it failed.  ``pre`` is an optional hook run at syscall entry to
remember what an output decoder needs to compare with later.
"""

from __future__ import annotations

import struct
import time
from typing import Any, Callable, Optional

from . import _structs as S
from . import _structs_net as SN
from . import _xlat as X
from . import _xlat_net as XN
from . import _xlat_proc as XP
from ._ctx import Ctx
from ._xlat import Flags, flags, hexa, ptr, s32, s64, u32, u64, xval

Fn = Callable[[Ctx, int], Optional[str]]
RetFn = Callable[[Ctx], str]


class Kind:
    """``late``: an input that prints the same when read after the thread was resumed
    into the call (a scalar, or memory the kernel only reads): see late_captures().
    ``scalar``: it is printed from the register alone, without reading the tracee.
    ``copy``: all it reads of the tracee, at the address in its argument, as a copy of
    ``prefetch=``: ``("fixed", n)`` bytes, ``("retval", n)`` (the return value's bytes, at
    most n), ``("string", n)`` (a NUL-terminated string, at most n bytes) or ``("arg", n,
    j)`` (as many bytes as argument j says, at most n); n None for the string size (-s:
    the bytes it shows, plus the one after them that strace reads to know a string or a
    buffer goes on). The C loop can copy that at the stop and the decoding run after the
    thread went on."""

    __slots__ = ("fn", "out", "pre", "late", "scalar", "copy")

    def __init__(self, fn: Fn, out: bool = False, pre: Fn | None = None,
                 late: bool = False, scalar: bool = False) -> None:
        self.fn = fn
        self.out = out
        self.pre = pre
        self.late = late
        self.scalar = scalar
        self.copy: tuple[Any, ...] | None = None


def out(fn: Fn, pre: Fn | None = None, *, on_error: Fn | None = None) -> Kind:
    """An output argument: decoded at exit when the call succeeded."""

    def wrapped(c: Ctx, i: int) -> str | None:
        if c.failed:
            if on_error is not None:
                return on_error(c, i)
            return ptr(c.args[i])
        return fn(c, i)

    return Kind(wrapped, True, pre)


# -- scalars -----------------------------------------------------------------

INT = Kind(lambda c, i: str(s32(c.args[i])))
UINT = Kind(lambda c, i: str(u32(c.args[i])))
LONG = Kind(lambda c, i: str(s64(c.args[i])))
ULONG = Kind(lambda c, i: str(u64(c.args[i])))
HEX = Kind(lambda c, i: hexa(c.args[i]))
HEX32 = Kind(lambda c, i: hexa(u32(c.args[i])))
PTR = Kind(lambda c, i: ptr(c.args[i]))
FD = Kind(lambda c, i: c.fd(c.args[i]))
DIRFD = Kind(lambda c, i: c.dirfd(c.args[i]))
PATH = Kind(lambda c, i: c.path(c.args[i]))
PATH.copy = ("string", 4096)   # (PATH_MAX: without a NUL in them, the path is cut)
STR = Kind(lambda c, i: c.cstr(c.args[i]))
STR.copy = ("string", None)
MODE = Kind(lambda c, i: X.octal(c.args[i] & 0xFFFF))   # umode_t: 16 bits
SIGNAL = Kind(lambda c, i: X.signame(c.args[i]))
PID = INT
UID = Kind(lambda c, i: str(s32(c.args[i])) if u32(c.args[i]) == 0xFFFFFFFF else str(u32(c.args[i])))
# (a CPU-time clock of a process or thread is negative: strace shows it as 32 bits)
CLOCKID = Kind(lambda c, i: xval(u32(c.args[i]), XP.CLOCKS, "CLOCK_???"))
OPEN_FLAGS = Kind(lambda c, i: X.open_flags(c.args[i]))
ACCESS_MODE = Kind(lambda c, i: X.access_mode(c.args[i]))
PROT = Kind(lambda c, i: XP.prot(c.args[i]))
MAP_FLAGS = Kind(lambda c, i: XP.map_flags(c.args[i]))
WHENCE = Kind(lambda c, i: xval(u32(c.args[i]), X.SEEK_WHENCE, "SEEK_???"))
RESOURCE = Kind(lambda c, i: xval(u32(c.args[i]), XP.RLIMIT_RESOURCES, "RLIMIT_???"))


def F(table: Flags, unknown: str, *, width: int = 32, zero: str = "0") -> Kind:
    mask = (1 << width) - 1
    return Kind(lambda c, i: flags(c.args[i] & mask, table, unknown, zero=zero), late=True,
                scalar=True)


def E(table: dict[int, str], unknown: str, *, signed: bool = True) -> Kind:
    conv = s32 if signed else u32
    return Kind(lambda c, i: xval(conv(c.args[i]), table, unknown), late=True, scalar=True)


def OPT_MODE(flags_index: int) -> Kind:
    """open's mode: only shown with O_CREAT or O_TMPFILE."""

    def fn(c: Ctx, i: int) -> str | None:
        fl = c.args[flags_index]
        if fl & (X.O_CREAT | X.O_TMPFILE_BIT):
            return X.octal(c.args[i] & 0xFFFF)   # umode_t: 16 bits
        return None

    return Kind(fn, late=True, scalar=True)


# -- buffers -----------------------------------------------------------------


def BUF_IN(len_index: int) -> Kind:
    k = Kind(lambda c, i: c.buf(c.args[i], u64(c.args[len_index])), late=True)
    k.copy = ("arg", None, len_index)
    return k


BUF_OUT = out(lambda c, i: c.buf(c.args[i], c.retval or 0))
BUF_OUT.copy = ("retval", None)   # (up to -s bytes of what the call returned)
HEXBUF_OUT = out(lambda c, i: c.buf(c.args[i], c.retval or 0, hex=True))
PATH_OUT = out(lambda c, i: c.path(c.args[i]))
STR_OUT = out(lambda c, i: c.cstr(c.args[i]))

# -- structs -----------------------------------------------------------------


def S_IN(fn: Callable[[Ctx, int], str]) -> Kind:
    return Kind(lambda c, i: fn(c, c.args[i]))


def S_OUT(fn: Callable[[Ctx, int], str]) -> Kind:
    return out(lambda c, i: fn(c, c.args[i]))


TIMESPEC = S_IN(S.timespec)
TIMESPEC_OUT = S_OUT(S.timespec)
TIMEVAL = S_IN(S.timeval)
TIMEVAL_OUT = S_OUT(S.timeval)
ITIMERSPEC = S_IN(S.itimerspec)
ITIMERSPEC_OUT = S_OUT(S.itimerspec)
SIGEVENT = S_IN(S.sigevent)
ITIMERVAL = S_IN(S.itimerval)
ITIMERVAL_OUT = S_OUT(S.itimerval)
STAT_OUT = S_OUT(S.stat)
STAT_OUT.copy = ("fixed", struct.calcsize(S.STAT_FMT))
STATX_OUT = S_OUT(S.statx)
STATFS_OUT = S_OUT(S.statfs)
RLIMIT = S_IN(S.rlimit)
RLIMIT_OUT = S_OUT(S.rlimit)
RUSAGE_OUT = S_OUT(S.rusage)
TMS_OUT = S_OUT(S.tms)
UTSNAME_OUT = S_OUT(S.utsname)
SYSINFO_OUT = S_OUT(S.sysinfo)
SIGACTION = S_IN(S.sigaction)
SIGACTION_OUT = S_OUT(S.sigaction)
STACK = S_IN(S.stack_t)
STACK_OUT = S_OUT(S.stack_t)
INTPTR = S_IN(S.int_ptr)
INTPTR_OUT = S_OUT(S.int_ptr)
UINTPTR_OUT = S_OUT(S.uint_ptr)
ULONGPTR = S_IN(S.ulong_ptr)
FDPAIR_OUT = S_OUT(S.fd_pair)
EPOLL_EVENT = S_IN(S.epoll_event)
ARGV = S_IN(S.string_array)
ENVP = S_IN(lambda c, a: S.count_array(c, a, "var"))


def SIGSET(size_index: int | None = None) -> Kind:
    return Kind(lambda c, i: S.sigset(c, c.args[i], 8 if size_index is None else u64(c.args[size_index])),
                late=True)


def SIGSET_OUT(size_index: int | None = None, min_size: int = 8) -> Kind:
    return out(lambda c, i: S.sigset(c, c.args[i], 8 if size_index is None else u64(c.args[size_index]),
                                     min_size))


def _rem(c: Ctx, i: int) -> str:
    """nanosleep's remaining time: only written when interrupted."""
    if c.errno in (4, 512, 513, 514, 516):
        return S.timespec(c, c.args[i])
    return ptr(c.args[i])


REM_OUT = Kind(_rem, True)


def IOV_IN(count_index: int) -> Kind:
    return Kind(lambda c, i: S.iovec_array(c, c.args[i], s32(c.args[count_index]), None),
                late=True)


def IOV_OUT(count_index: int) -> Kind:
    """The iovecs a read filled: their data, their addresses when it failed."""
    return out(lambda c, i: S.iovec_array(c, c.args[i], s32(c.args[count_index]), c.retval or 0),
               on_error=lambda c, i: S.iovec_array(c, c.args[i], s32(c.args[count_index]), None,
                                                   lambda base, n: ptr(base)))


def DENTS_OUT() -> Kind:
    k = out(lambda c, i: S.getdents_count(c, c.args[i], c.retval or 0))
    k.copy = ("retval", 1 << 16)   # (the entries the call wrote: up to the C loop's most)
    return k


# -- sockets -----------------------------------------------------------------


def SOCKADDR_IN(len_index: int) -> Kind:
    return Kind(lambda c, i: SN.sockaddr(c, c.args[i], s32(c.args[len_index])), late=True)


def _save_socklen(c: Ctx, i: int) -> None:
    v = c.unpack("<i", c.args[i]) if c.args[i] else None
    c.saved["socklen"] = v[0] if v else None
    return None


def _sockaddr_out(len_ptr_index: int) -> Fn:
    def fn(c: Ctx, i: int) -> str:
        addr = c.args[i]
        if addr == 0:
            return "NULL"
        lp = c.args[len_ptr_index]
        cur = c.unpack("<i", lp) if lp else None
        if cur is None:
            return hexa(addr)
        n = cur[0]
        before = c.saved.get("socklen")
        if before is not None:
            n = min(n, before)
        return SN.sockaddr(c, addr, n)

    return fn


def SOCKADDR_OUT(len_ptr_index: int) -> Kind:
    return out(_sockaddr_out(len_ptr_index))


def _socklen_out(c: Ctx, i: int) -> str:
    addr = c.args[i]
    if addr == 0:
        return "NULL"
    cur = c.unpack("<i", addr)
    before = c.saved.get("socklen")
    if cur is None:
        return hexa(addr)
    if before is not None and before != cur[0]:
        return "[%d => %d]" % (before, cur[0])
    return "[%d]" % cur[0]


def _socklen_err(c: Ctx, i: int) -> str:
    addr = c.args[i]
    before = c.saved.get("socklen")
    if addr and before is not None:
        return "[%d]" % before
    return ptr(addr)


SOCKLEN_INOUT = out(_socklen_out, _save_socklen, on_error=_socklen_err)


def _socket_type(v: int) -> str:
    """A known type (the low 4 bits) and the flags; with an unknown type, the whole
    value as flags (``0x4d /* SOCK_??? */``), as strace."""
    v = u32(v)
    name = XN.SOCK_TYPES.get(v & 0xF)
    if name is None:
        return flags(v, XN.SOCK_TYPE_FLAGS, "SOCK_???")
    rest = v & ~0xF
    return name if not rest else name + "|" + flags(rest, XN.SOCK_TYPE_FLAGS, "SOCK_???")


SOCKTYPE = Kind(lambda c, i: _socket_type(c.args[i]))
FAMILY = Kind(lambda c, i: XN.sockaddr_family(u32(c.args[i])))


def _protocol(c: Ctx, i: int) -> str:
    family = u32(c.args[0])
    v = u32(c.args[i])
    if family in (2, 10):
        return xval(v, XN.IPPROTOS, "IPPROTO_???")
    if family == 16:
        return xval(v, XN.NETLINK_PROTOS, "NETLINK_???")
    if family == 17:
        proto = struct.unpack(">H", struct.pack("<H", v & 0xFFFF))[0]
        name = XN.ETH_P.get(proto)
        return "htons(%s)" % (name if name else hexa(proto))
    return str(s32(v))


PROTOCOL = Kind(_protocol)
MSGFLAGS = F(XN.MSG_FLAGS, "MSG_???")


# Inputs that read the same after the thread was resumed into the call: scalars, and
# memory the kernel only reads (paths, strings, sigaction and rlimit structs). Not
# TIMESPEC or TIMEVAL (select, ppoll and pselect6 write the time left back) and not the
# structs whose calls may change them; the factories above mark their own.
for _k in (INT, UINT, LONG, ULONG, HEX, HEX32, PTR, FD, DIRFD, PATH, STR, MODE, SIGNAL,
           UID, CLOCKID, OPEN_FLAGS, ACCESS_MODE, PROT, MAP_FLAGS, WHENCE, RESOURCE,
           SIGACTION, RLIMIT, SOCKTYPE, FAMILY, PROTOCOL):
    _k.late = True
# ... and of those, the ones printed from the register alone (FD and DIRFD read /proc
# only with -y, when nothing is decoded late)
for _k in (INT, UINT, LONG, ULONG, HEX, HEX32, PTR, FD, DIRFD, MODE, SIGNAL, UID, CLOCKID,
           OPEN_FLAGS, ACCESS_MODE, PROT, MAP_FLAGS, WHENCE, RESOURCE, SOCKTYPE, FAMILY,
           PROTOCOL):
    _k.scalar = True
del _k


OPTLEN_INOUT = SOCKLEN_INOUT


def SOCKBUF_IN(len_index: int) -> Kind:
    """sendto's data: netlink messages on a netlink socket (_netlink.sockbuf). Not late:
    what the socket is comes from /proc, at the stop."""
    return Kind(lambda c, i: _sockbuf(c, c.args[i], u64(c.args[len_index])))


# recvfrom's: what the call returned, up to its size
SOCKBUF_OUT = out(lambda c, i: _sockbuf(c, c.args[i], min(u64(c.retval or 0), u64(c.args[2]))))


def _sockbuf(c: Ctx, addr: int, size: int) -> str:
    from . import _netlink   # (with its tables: by the first data on a socket)
    return _netlink.sockbuf(c, c.args[0], addr, size)


def MSGHDR_IN() -> Kind:
    return Kind(lambda c, i: SN.msghdr(c, c.args[i], None))


def _save_namelen(c: Ctx, i: int) -> None:
    got = c.unpack("<I", c.args[i] + 8) if c.args[i] and c.verbose else None
    c.saved["namelen"] = got[0] if got else None
    return None


def _msghdr_err(c: Ctx, i: int) -> str:
    """A failed recvmsg: the msg_namelen given (strace), or the address."""
    namelen = c.saved.get("namelen")
    return ptr(c.args[i]) if namelen is None else "{msg_namelen=%d}" % s32(namelen)


def MSGHDR_OUT() -> Kind:
    return out(lambda c, i: SN.msghdr(c, c.args[i], c.retval or 0, c.saved.get("namelen")),
               _save_namelen, on_error=_msghdr_err)



# -- return values (success only; errors are handled by the caller) ------------

def R_DEC(c: Ctx) -> str:
    return str(u64(c.retval or 0))   # (strace's RVAL_UDECIMAL)

def R_HEX(c: Ctx) -> str:
    return hexa(c.retval or 0)

def R_OCT(c: Ctx) -> str:
    return X.octal(u32(c.retval or 0))

def R_FD(c: Ctx) -> str:
    return c.fd(c.retval or 0)

def R_NONE(c: Ctx) -> str:
    return "?"

def date_text(t: int) -> Optional[str]:
    """A time_t as strace dates it (local time), or None where it cannot."""
    try:
        return time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(t))
    except (OverflowError, OSError, ValueError):
        return None

def R_TIME(c: Ctx) -> str:
    t = s64(c.retval or 0)
    stamp = date_text(t)
    return str(t) if stamp is None else "%d (%s)" % (t, stamp)


class Spec:
    """How one syscall is printed."""

    __slots__ = ("args", "ret", "entry", "exit", "first_out", "pres", "ins", "outs", "copies")

    def __init__(
        self,
        args: tuple[Kind, ...] = (),
        ret: RetFn = R_DEC,
        entry: Optional[Callable[[Ctx], str]] = None,
        exit: Optional[Callable[[Ctx, str], str]] = None,
        copies: Optional[tuple[tuple[tuple[Any, ...], ...], ...]] = None,
    ) -> None:
        self.args, self.ret, self.entry, self.exit = args, ret, entry, exit
        # decoders of their own (entry=, exit=): all they read of the tracee at the entry
        # and at the exit, as Kind.copy's with the argument's index first, when that is
        # copies the C loop can make (late_captures); ret then reads nothing
        self.copies = copies
        self.first_out = next((i for i, k in enumerate(args) if k.out), None)
        # what _entry and _exit walk at every decoded stop, worked out once
        self.pres = tuple((i, k.pre) for i, k in enumerate(args) if k.pre is not None)
        n_in = len(args) if self.first_out is None else self.first_out
        self.ins = tuple(enumerate(k.fn for k in args[:n_in]))
        self.outs = () if self.first_out is None else tuple(
            (i, args[i].fn) for i in range(self.first_out, len(args)))


# -- the names the syscall table gives them (see _specs) -----------------------

KINDS: dict[str, Kind] = {
    "int": INT, "uint": UINT, "long": LONG, "ulong": ULONG, "hex": HEX, "hex32": HEX32,
    "ptr": PTR, "fd": FD, "dirfd": DIRFD, "path": PATH, "target": PATH, "str": STR,
    "mode": MODE, "signal": SIGNAL, "uid": UID, "clockid": CLOCKID,
    "open_flags": OPEN_FLAGS, "access_mode": ACCESS_MODE, "prot": PROT,
    "map_flags": MAP_FLAGS, "whence": WHENCE, "resource": RESOURCE,
    "buf_out": BUF_OUT, "data_out": BUF_OUT, "hexbuf_out": HEXBUF_OUT,
    "dents_out": DENTS_OUT(), "argv": ARGV, "envp": ENVP, "rem_out": REM_OUT,
    "timespec": TIMESPEC, "timespec_out": TIMESPEC_OUT, "timeval": TIMEVAL,
    "timeval_out": TIMEVAL_OUT, "itimerspec": ITIMERSPEC, "itimerspec_out": ITIMERSPEC_OUT,
    "itimerval": ITIMERVAL, "itimerval_out": ITIMERVAL_OUT, "sigevent": SIGEVENT,
    "stat_out": STAT_OUT, "statx_out": STATX_OUT, "statfs_out": STATFS_OUT,
    "rlimit": RLIMIT, "rlimit_out": RLIMIT_OUT, "rusage_out": RUSAGE_OUT, "tms_out": TMS_OUT,
    "utsname_out": UTSNAME_OUT, "sysinfo_out": SYSINFO_OUT, "sigaction": SIGACTION,
    "sigaction_out": SIGACTION_OUT, "stack": STACK, "stack_out": STACK_OUT,
    "intptr_out": INTPTR_OUT, "uintptr_out": UINTPTR_OUT, "fdpair_out": FDPAIR_OUT,
    # sockets
    "family": FAMILY, "socktype": SOCKTYPE, "protocol": PROTOCOL, "msgflags": MSGFLAGS,
    "optlen_inout": OPTLEN_INOUT, "socklen_inout": SOCKLEN_INOUT,
    "msghdr_in": MSGHDR_IN(), "msghdr_out": MSGHDR_OUT(), "sockbuf_out": SOCKBUF_OUT,
    # flags and enumerations
    "clone_flags": F(XP.CLONE_FLAGS, "CLONE_???"),
    "close_range_flags": F(X.CLOSE_RANGE_FLAGS, "CLOSE_RANGE_???"),
    "dup3_flags": F(X.O_FLAGS, "O_???"),   # (strace: every open flag)
    "epoll_create_flags": F(X.EPOLL_CREATE_FLAGS, "EPOLL_???"),
    "epoll_op": E(X.EPOLL_CTL_OPS, "EPOLL_CTL_???"),
    "eventfd_flags": F(X.EFD_FLAGS, "EFD_???"),
    "faccessat_flags": F(X.AT_FACCESS_FLAGS, "AT_???"),
    "flock_op": F(X.FLOCK_OPS, "LOCK_???"),
    "getrandom_flags": F(X.GRND_FLAGS, "GRND_???"),
    "idtype": E(XP.IDTYPES, "P_???"),
    "inotify_init_flags": F(X.IN_INIT_FLAGS, "IN_???"),
    "inotify_mask": F(X.IN_EVENTS, "IN_???"),
    "itimer_which": E(XP.ITIMERS, "ITIMER_???", signed=False),
    "madvise_advice": E(XP.MADVISE, "MADV_???"),
    "memfd_flags": F(X.MFD_FLAGS, "MFD_???"),
    "mpol_f_flags": F(XP.MPOL_F_FLAGS, "MPOL_F_???"),
    "mpol_mf_flags": F(XP.MPOL_MF_FLAGS, "MPOL_MF_???"),
    "mremap_flags": F(XP.MREMAP_FLAGS, "MREMAP_???"),
    "prio_which": E(XP.PRIO_WHICH, "PRIO_???"),
    "rename_flags": F(X.RENAME_FLAGS, "RENAME_???"),
    "rusage_who": E(XP.RUSAGE_WHO, "RUSAGE_???"),
    "shutdown_how": E(XN.SHUTDOWN_HOW, "SHUT_???"),
    "signalfd_flags": F(X.SFD_FLAGS, "SFD_???"),
    "sock_flags": F(XN.SOCK_TYPE_FLAGS, "SOCK_???"),
    "statx_mask": F(X.STATX_MASK, "STATX_???"),
    "timer_flags": F(XP.TIMER_FLAGS, "TIMER_???"),
    "timerfd_flags": F(X.TFD_FLAGS, "TFD_???"),
    "timerfd_settime_flags": F(X.TFD_SETTIME_FLAGS, "TFD_???"),
    "umount_flags": F(X.UMOUNT_FLAGS, "MNT_???"),
}
# kinds that take the index of another argument: "buf_in(2)"
FACTORIES: dict[str, Callable[[int], Kind]] = {
    "buf_in": BUF_IN, "data_in": BUF_IN, "iov_in": IOV_IN, "iov_out": IOV_OUT,
    "open_mode": OPT_MODE, "sigset": SIGSET, "sigset_out": SIGSET_OUT,
    # rt_sigpending's set (its size: argument N): 1 to 8 bytes are decoded
    "sigpending_out": lambda n: SIGSET_OUT(n, min_size=1),
    "sockaddr_in": SOCKADDR_IN, "sockaddr_out": SOCKADDR_OUT, "sockbuf_in": SOCKBUF_IN,
}
RETURNS: dict[str, RetFn] = {"": R_DEC, "fd": R_FD, "hex": R_HEX, "none": R_NONE,
                             "oct": R_OCT, "time": R_TIME}

