# SPDX-License-Identifier: GPL-2.0-or-later
"""Printers of the kernel structures (x86-64 layouts) in strace's default style."""

from __future__ import annotations

import os
import struct
from typing import Callable

from . import _xlat as X
from . import _structs_full as F
from . import _xlat_proc as XP
from ._style import RAW, combine
from ._style import get as _style_now
from ._ctx import Ctx
from ._quote import quote
from ._xlat import flags, hexa, ptr, s32, xval


def array_limit(ctx: Ctx) -> int:
    """strace prints at most strsize elements of an array, then ``...`` (all with -v)."""
    return ctx.strsize if ctx.abbrev else 1 << 62


# ---------------------------------------------------------------------------
# time


def timespec_vals(sec: int, nsec: int) -> str:
    """(tv_nsec unsigned, as strace prints it)"""
    return "{tv_sec=%d, tv_nsec=%d}" % (sec, nsec & 0xFFFFFFFFFFFFFFFF)


def timespec(ctx: Ctx, addr: int) -> str:
    return ctx.struct(addr, "<qq", timespec_vals)


def timeval_vals(sec: int, usec: int) -> str:
    """(tv_usec unsigned, as strace prints it)"""
    return "{tv_sec=%d, tv_usec=%d}" % (sec, usec & 0xFFFFFFFFFFFFFFFF)


def timeval(ctx: Ctx, addr: int) -> str:
    return ctx.struct(addr, "<qq", timeval_vals)


def itimerspec(ctx: Ctx, addr: int) -> str:
    def r(a: int, b: int, c: int, d: int) -> str:
        return "{it_interval=%s, it_value=%s}" % (timespec_vals(a, b), timespec_vals(c, d))

    return ctx.struct(addr, "<qqqq", r)


_SIGEV_SIGNAL, _SIGEV_THREAD, _SIGEV_THREAD_ID = 0, 2, 4


def nodemask(ctx: Ctx, addr: int, maxnode: int) -> str:
    """A NUMA node mask of *maxnode* - 1 bits, as the kernel reads it: unsigned longs
    printed ``%#0*lx`` (``0x00000000000001``; 0 without its 0x: ``0000000000000000``);
    its address where *maxnode* leaves no bit (1) or its size overflows, and what
    follows an unreadable long as ``... /* ADDRESS */``."""
    if addr == 0:
        return "NULL"
    maxnode &= X.MASK64
    nlongs = ((maxnode + 62) & X.MASK64) // 64
    if nlongs < maxnode // 64 or (maxnode and not nlongs):
        return hexa(addr)
    words = []
    for k in range(min(nlongs, array_limit(ctx))):
        data = ctx.read(addr + 8 * k, 8)
        if data is None:
            if not k:
                return hexa(addr)
            words.append("... /* %s */" % hexa(addr + 8 * k))
            break
        w = int.from_bytes(data, "little")
        words.append("%016x" % w if w == 0 else "%#016x" % w)
    else:
        k = array_limit(ctx)
        if nlongs > k:   # (strace reads the next long first: its address if it cannot)
            more = ctx.read(addr + 8 * k, 8) is not None
            words.append("..." if more else "... /* %s */" % hexa(addr + 8 * k))
    return "[" + ", ".join(words) + "]"


def sigevent(ctx: Ctx, addr: int) -> str:
    """``struct sigevent`` (timer_create): its value only when set, then what the
    notification needs (a thread id, or a function and its attributes)."""
    def r(value: int, signo: int, notify: int, a: int, b: int) -> str:
        parts = []
        if value:
            parts.append("sigev_value={sival_int=%d, sival_ptr=%s}" % (s32(value), ptr(value)))
        # (a signal only for the notifications that send one: else unsigned)
        shown = X.signame(signo) if notify in (0, _SIGEV_THREAD, _SIGEV_THREAD_ID) else str(
            signo & 0xFFFFFFFF)
        parts += ["sigev_signo=%s" % shown,
                  "sigev_notify=%s" % xval(notify & 0xFFFFFFFF, XP.SIGEV_NOTIFY, "SIGEV_???")]
        if notify == _SIGEV_THREAD_ID:
            parts.append("sigev_notify_thread_id=%d" % s32(a))
        elif notify == _SIGEV_THREAD:
            parts += ["sigev_notify_function=%s" % ptr(a), "sigev_notify_attributes=%s" % ptr(b)]
        return "{" + ", ".join(parts) + "}"

    return ctx.struct(addr, "<QiiQQ", r)


def itimerval(ctx: Ctx, addr: int) -> str:
    def r(a: int, b: int, c: int, d: int) -> str:
        return "{it_interval=%s, it_value=%s}" % (timeval_vals(a, b), timeval_vals(c, d))

    return ctx.struct(addr, "<qqqq", r)


def rusage(ctx: Ctx, addr: int) -> str:
    if not ctx.abbrev:
        return ctx.struct(addr, "<qqqq14q", F.rusage_full)

    def r(us: int, uu: int, ss: int, su: int, *rest: int) -> str:
        return "{ru_utime=%s, ru_stime=%s, ...}" % (timeval_vals(us, uu), timeval_vals(ss, su))

    return ctx.struct(addr, "<qqqq14q", r)


def tms(ctx: Ctx, addr: int) -> str:
    return ctx.struct(
        addr, "<qqqq",
        lambda a, b, c, d: "{tms_utime=%s, tms_stime=%s, tms_cutime=%s, tms_cstime=%s}"
        % (clock_t(a), clock_t(b), clock_t(c), clock_t(d)),
    )


# ---------------------------------------------------------------------------
# stat


STAT_FMT = "<QQQIII4xQqqq"  # dev ino nlink mode uid gid rdev size blksize blocks


def stat(ctx: Ctx, addr: int) -> str:
    if not ctx.abbrev:
        return ctx.struct(addr, F.STAT_FULL_FMT, F.stat_full)

    def r(dev: int, ino: int, nlink: int, mode: int, uid: int, gid: int,
          rdev: int, size: int, blksize: int, blocks: int) -> str:
        fmt = mode & 0o170000
        if fmt in (0o020000, 0o060000):
            tail = "st_rdev=%s" % makedev(rdev)
        else:
            tail = "st_size=%d" % size
        return "{st_mode=%s, %s, ...}" % (X.file_mode(mode), tail)

    return ctx.struct(addr, STAT_FMT, r)


def makedev(dev: int) -> str:
    return F.dev_t(dev)


STATX_FMT = "<IIQIIIH2xQQQQ"  # mask blksize attributes nlink uid gid mode ino size blocks attributes_mask


def statx(ctx: Ctx, addr: int) -> str:
    if not ctx.abbrev:
        return ctx.struct(addr, F.STATX_FULL_FMT, F.statx_full)

    def r(mask: int, blksize: int, attrs: int, nlink: int, uid: int, gid: int,
          mode: int, ino: int, size: int, blocks: int, attrs_mask: int) -> str:
        parts = ["stx_mask=%s" % flags(mask, X.STATX_MASK, "STATX_???"),
                 "stx_attributes=%s" % flags(attrs, X.STATX_ATTRS, "STATX_ATTR_???")]
        if mask & 0x3:      # STATX_TYPE|STATX_MODE
            parts.append("stx_mode=%s" % X.file_mode(mode))
        if mask & 0x200:    # STATX_SIZE
            parts.append("stx_size=%d" % size)
        return "{%s, ...}" % ", ".join(parts)

    return ctx.struct(addr, STATX_FMT, r)


def statfs(ctx: Ctx, addr: int) -> str:
    def r(ftype: int, bsize: int, blocks: int, bfree: int, bavail: int, files: int,
          ffree: int, fsid0: int, fsid1: int, namelen: int, frsize: int, fl: int, *spare: int) -> str:
        name = X.FS_MAGIC.get(ftype & 0xFFFFFFFF)
        return (
            "{f_type=%s, f_bsize=%d, f_blocks=%d, f_bfree=%d, f_bavail=%d, f_files=%d, "
            "f_ffree=%d, f_fsid={val=[%s, %s]}, f_namelen=%d, f_frsize=%d, f_flags=%s}"
            % (name or hexa(ftype), bsize, blocks, bfree, bavail, files, ffree,
               hexa(fsid0 & 0xFFFFFFFF), hexa(fsid1 & 0xFFFFFFFF), namelen, frsize,
               flags(fl, X.ST_FLAGS, "ST_???"))
        )

    return ctx.struct(addr, "<qqQQQQQiiqqq4q", r)


def clock_t(ticks: int) -> str:
    """A ``clock_t`` count, with its value in seconds as a comment when not 0
    (``23 /* 0.23 s */``), at the machine's USER_HZ."""
    if ticks <= 0 or _CLK_TCK <= 0 or _style_now() == RAW:
        return "%d" % ticks
    return "%d /* %d.%0*d s */" % (ticks, ticks // _CLK_TCK, _TCK_DIGITS, ticks % _CLK_TCK)


try:
    _CLK_TCK = os.sysconf("SC_CLK_TCK")
except (ValueError, OSError):
    _CLK_TCK = -1
_TCK_DIGITS = min(len(str(_CLK_TCK)) - 1, 9) if _CLK_TCK > 0 else 0

# ---------------------------------------------------------------------------
# resources


def rlim_value(v: int) -> str:
    if v == X.MASK64:
        name = "RLIM64_INFINITY"
    elif v > 1024 and v % 1024 == 0:
        name = "%d*1024" % (v // 1024)
    else:
        return str(v)
    return combine(str(v), name) if _style_now() else name


def rlimit(ctx: Ctx, addr: int) -> str:
    return ctx.struct(
        addr, "<QQ", lambda c, m: "{rlim_cur=%s, rlim_max=%s}" % (rlim_value(c), rlim_value(m))
    )


# ---------------------------------------------------------------------------
# signals


def sigset(ctx: Ctx, addr: int, size: int = 8, min_size: int = 8) -> str:
    """A kernel sigset of *size* bytes; a size the kernel refuses (not *min_size* to 8):
    the address, as strace prints it."""
    if addr == 0:
        return "NULL"
    if not min_size <= size <= 8:
        return hexa(addr)
    n = size
    data = ctx.read(addr, n)
    if data is None:
        return hexa(addr)
    return X.sigset_bits(int.from_bytes(data, "little"), n * 8)


def sa_handler(v: int) -> str:
    if v == 0:
        return "SIG_DFL"
    if v == 1:
        return "SIG_IGN"
    if v == X.MASK64:
        return "SIG_ERR"
    return hexa(v)


def sigaction(ctx: Ctx, addr: int) -> str:
    def r(handler: int, fl: int, restorer: int, mask: int) -> str:
        out = "{sa_handler=%s, sa_mask=%s, sa_flags=%s" % (
            sa_handler(handler), X.sigset_bits(mask), flags(fl, X.SA_FLAGS, "SA_???"))
        if fl & X.SA_RESTORER:
            out += ", sa_restorer=%s" % ptr(restorer)
        return out + "}"

    return ctx.struct(addr, "<QQQQ", r)


def stack_t(ctx: Ctx, addr: int) -> str:
    ss_flags: X.Flags = (("SS_ONSTACK", 1), ("SS_DISABLE", 2), ("SS_AUTODISARM", 1 << 31))
    return ctx.struct(
        addr, "<Qi4xQ",
        lambda sp, fl, size: "{ss_sp=%s, ss_flags=%s, ss_size=%d}" % (ptr(sp), flags(fl & 0xFFFFFFFF, ss_flags, "SS_???"), size),
    )


def wait_status(st: int) -> str:
    """A wait status as strace prints it: the macro that holds, then what is left of the
    status (a ptrace event ``<<16``, then any other bits in hex), joined by ``|``."""
    st &= 0xFFFFFFFF
    low = st & 0x7F
    if st & 0xFF == 0x7F:
        sig = (st >> 8) & 0xFF
        s = "{WIFSTOPPED(s) && WSTOPSIG(s) == %s%s}" % (
            X.signame(sig & 0x7F), " | 0x80" if sig & 0x80 else "")
        st &= ~0xFFFF
    elif 0 < low < 0x7F:
        s = "{WIFSIGNALED(s) && WTERMSIG(s) == %s%s}" % (
            X.signame(low), " && WCOREDUMP(s)" if st & 0x80 else "")
        st &= ~0xFF
    elif low == 0:
        s = "{WIFEXITED(s) && WEXITSTATUS(s) == %d}" % ((st >> 8) & 0xFF)
        st &= ~0xFF00
    elif st == 0xFFFF:
        s, st = "{WIFCONTINUED(s)}", 0
    else:
        return "[%#x]" % st
    parts = [s]
    if st >> 16:
        parts.append("%s<<16" % X.xval(st >> 16, XP.PTRACE_EVENTS, "PTRACE_EVENT_???"))
        st &= 0xFFFF
    if st:
        parts.append("%#x" % st)
    return "[%s]" % "|".join(parts)


# ---------------------------------------------------------------------------
# arrays of pointers / ints


def int_ptr(ctx: Ctx, addr: int) -> str:
    return ctx.struct(addr, "<i", lambda v: "[%d]" % v)


def uint_ptr(ctx: Ctx, addr: int) -> str:
    return ctx.struct(addr, "<I", lambda v: "[%d]" % v)


def ulong_ptr(ctx: Ctx, addr: int) -> str:
    return ctx.struct(addr, "<Q", lambda v: "[%d]" % v)


def hex_ulong_ptr(ctx: Ctx, addr: int) -> str:
    return ctx.struct(addr, "<Q", lambda v: "[%s]" % hexa(v))


def fd_pair(ctx: Ctx, addr: int) -> str:
    return ctx.struct(addr, "<ii", lambda a, b: "[%s, %s]" % (ctx.fd(a), ctx.fd(b)))


def string_array(ctx: Ctx, addr: int, word: int = 8) -> str:
    """execve's argv: ``["ls", "/"]`` (*word*: the size of a pointer, 4 for i386)."""
    if addr == 0:
        return "NULL"
    if not ctx.verbose:
        return hexa(addr)
    items: list[str] = []
    limit = array_limit(ctx)
    i = 0
    while True:
        data = ctx.read(addr + word * i, word)
        if data is None:
            if i == 0:
                return hexa(addr)
            items.append("... /* %s */" % hexa(addr + word * i))
            break
        p = int.from_bytes(data, "little")
        if p == 0:
            break
        if i >= limit:
            items.append("...")
            break
        items.append(ctx.cstr(p))
        i += 1
    return "[" + ", ".join(items) + "]"


def count_array(ctx: Ctx, addr: int, what: str = "var", word: int = 8) -> str:
    """execve's envp: ``0x7ffd... /* 20 vars */`` (*word*: the size of a pointer); with
    -v the strings, as argv's."""
    if addr == 0:
        return "NULL"
    if not ctx.verbose:
        return hexa(addr)
    if not ctx.abbrev:
        return string_array(ctx, addr, word)
    n = 0
    chunk = 64
    null = b"\0" * word
    while n < 1 << 20:
        data = ctx.read(addr + word * n, word * chunk)
        if data is None:  # maybe the end of the mapping: go one pointer at a time
            data = ctx.read(addr + word * n, word)
            if data is None:   # (strace: the pointers read, and no NULL among them)
                return hexa(addr) if n == 0 else "%s /* %d %s%s, unterminated */" % (
                    hexa(addr), n, what, "" if n == 1 else "s")
        for i in range(len(data) // word):
            if data[word * i: word * i + word] == null:
                return "%s /* %d %s%s */" % (hexa(addr), n, what, "" if n == 1 else "s")
            n += 1
    return "%s /* %d %s%s */" % (hexa(addr), n, what, "" if n == 1 else "s")


# ---------------------------------------------------------------------------
# iovec, poll, epoll, select


def iovec_array(ctx: Ctx, addr: int, count: int, data_budget: int | None,
                show: Callable[[int, int], str] | None = None) -> str:
    """``[{iov_base="abc", iov_len=3}, ...]``; ``data_budget`` bytes are shown in total
    (the return value of readv, or None for all of iov_len); *show(base, n)* prints the
    data of each (a string by default)."""
    if addr == 0:
        return "NULL"
    if count < 0 or count > 1 << 20:
        return hexa(addr)
    items: list[str] = []
    remaining = data_budget
    for i in range(count):
        data = ctx.read(addr + 16 * i, 16)   # (read first, as strace: past -s too)
        if data is None:
            if i == 0:
                return hexa(addr)
            items.append("... /* %s */" % hexa(addr + 16 * i))
            break
        if i >= array_limit(ctx):
            items.append("...")
            break
        base, length = struct.unpack("<QQ", data)
        if remaining is None:
            shown = length
        else:
            shown = min(length, max(remaining, 0))
            remaining -= shown
        if show is not None:
            b = show(base, shown)
        elif shown == 0 and base:
            b = '""'
        else:
            b = ctx.buf(base, shown)
        items.append("{iov_base=%s, iov_len=%d}" % (b, length))
    return "[" + ", ".join(items) + "]"


def array(ctx: Ctx, addr: int, n: int, fmt: str, render: Callable[..., str]) -> str:
    """An array of *n* structs ``fmt``, read at once: ``[render(*values), ...]`` up to
    array_limit elements, then ``...``; ``NULL`` for 0, the address when *n* is out of
    range (negative, over 2**20) or the array unreadable."""
    if addr == 0:
        return "NULL"
    if not 0 <= n <= 1 << 20:
        return hexa(addr)
    size = struct.calcsize(fmt)
    shown = min(n, array_limit(ctx))
    data = ctx.read(addr, size * n)
    if data is None:   # (as strace: element by element, up to the first unreadable)
        return _array_in_parts(ctx, addr, n, fmt, render)
    items = [render(*vals) for vals in struct.iter_unpack(fmt, data[:size * shown])]
    if shown < n:
        items.append("...")
    return "[" + ", ".join(items) + "]"


def _array_in_parts(ctx: Ctx, addr: int, n: int, fmt: str, render: Callable[..., str]) -> str:
    """An array that cannot be read whole: its address when its first element cannot be
    read, else the elements up to the first that cannot (``... /* ADDRESS */``, also
    when that is the one past the abbreviation)."""
    size = struct.calcsize(fmt)
    items: list[str] = []
    for k in range(n):
        vals = ctx.unpack(fmt, addr + k * size)
        if vals is None:
            if not k:
                return hexa(addr)
            items.append("... /* %s */" % hexa(addr + k * size))
            break
        if k >= array_limit(ctx):
            items.append("...")
            break
        items.append(render(*vals))
    return "[" + ", ".join(items) + "]"


def pollfd_array(ctx: Ctx, addr: int, nfds: int) -> str:
    def pollfd(fd: int, events: int, _revents: int) -> str:
        if fd < 0:
            return "{fd=%d}" % fd
        return "{fd=%s, events=%s}" % (ctx.fd(fd), flags(events & 0xFFFF, X.POLL_EVENTS, "POLL???"))
    return array(ctx, addr, nfds, "<ihh", pollfd)


def pollfd_revents(ctx: Ctx, addr: int, nfds: int) -> str:
    """The descriptors poll found ready, as strace 6.1 writes them after the return
    value: ``[{fd=1, revents=POLLOUT}, ...]`` (at most -s of them, then ``...``), the
    address of the first pollfd that cannot be read; "" when none is ready."""
    items: list[str] = []
    for k in range(nfds):
        got = ctx.unpack("<ihH", addr + 8 * k)
        if got is None:
            items.append(hexa(addr + 8 * k))
            break
        fd, _ev, rev = got
        if not rev:
            continue
        if len(items) >= array_limit(ctx):
            items.append("...")
            break
        items.append("{fd=%d, revents=%s}" % (fd, flags(rev, X.POLL_EVENTS, "POLL???")))
    return "[" + ", ".join(items) + "]" if items else ""


def epoll_event_vals(events: int, data: int) -> str:
    return "{events=%s, data={u32=%d, u64=%d}}" % (
        flags(events, X.EPOLL_EVENTS, "EPOLL???"), data & 0xFFFFFFFF, data)


def epoll_event(ctx: Ctx, addr: int) -> str:
    return ctx.struct(addr, "<IQ", epoll_event_vals)


def epoll_events(ctx: Ctx, addr: int, n: int) -> str:
    return array(ctx, addr, n, "<IQ", epoll_event_vals)


def fdset(ctx: Ctx, addr: int, nfds: int, annotate: bool = False) -> str | None:
    """``[0 5]`` or None when unreadable. *annotate*: with ``-y``, each descriptor with
    its path (strace does it for the sets passed in, not for those in the result)."""
    nfds = min(nfds, 1 << 20)   # (as strace: the first 2**20 of select(2**31 - 1, ...))
    if nfds <= 0:
        return None
    nbytes = ((nfds + 63) // 64) * 8
    data = ctx.read(addr, nbytes)
    if data is None:
        return None
    bits = int.from_bytes(data, "little")
    fmt = ctx.fd if annotate else str
    fds = [fmt(i) for i in range(nfds) if bits >> i & 1]
    return "[" + " ".join(fds) + "]"


def fdset_arg(ctx: Ctx, addr: int, nfds: int) -> str:
    if addr == 0:
        return "NULL"
    s = fdset(ctx, addr, nfds, annotate=True)
    return hexa(addr) if s is None else s


# ---------------------------------------------------------------------------
# misc structs


def utsname(ctx: Ctx, addr: int) -> str:
    if addr == 0:
        return "NULL"
    if not ctx.verbose:
        return hexa(addr)
    data = ctx.read(addr, 65 * (2 if ctx.abbrev else 6))
    if data is None:
        return hexa(addr)

    def field(i: int) -> str:
        raw = data[65 * i: 65 * (i + 1)]
        nul = raw.find(b"\0")
        return quote(raw if nul < 0 else raw[:nul])

    if not ctx.abbrev:
        return F.utsname_full(data)
    return "{sysname=%s, nodename=%s, ...}" % (field(0), field(1))


def sysinfo(ctx: Ctx, addr: int) -> str:
    def r(uptime: int, l1: int, l2: int, l3: int, totalram: int, freeram: int,
          sharedram: int, bufferram: int, totalswap: int, freeswap: int, procs: int,
          totalhigh: int, freehigh: int, mem_unit: int) -> str:
        return (
            "{uptime=%d, loads=[%d, %d, %d], totalram=%d, freeram=%d, sharedram=%d, "
            "bufferram=%d, totalswap=%d, freeswap=%d, procs=%d, totalhigh=%d, "
            "freehigh=%d, mem_unit=%d}"
            % (uptime, l1, l2, l3, totalram, freeram, sharedram, bufferram, totalswap,
               freeswap, procs, totalhigh, freehigh, mem_unit)
        )

    return ctx.struct(addr, "<qQQQQQQQQQH6xQQI", r)


def flock(ctx: Ctx, addr: int, with_pid: bool) -> str:
    def r(typ: int, whence: int, start: int, length: int, pid: int) -> str:
        out = "{l_type=%s, l_whence=%s, l_start=%d, l_len=%d" % (
            xval(typ, X.LOCK_TYPES, "F_???"), xval(whence, X.SEEK_WHENCE, "SEEK_???"), start, length)
        if with_pid:
            out += ", l_pid=%d" % pid
        return out + "}"

    return ctx.struct(addr, "<hh4xqqi4x", r)


_RECLEN = struct.Struct("<H").unpack_from


def getdents_count(ctx: Ctx, addr: int, nbytes: int) -> str:
    """``0x55b8... /* 28 entries */`` (both getdents and getdents64 keep d_reclen at offset 16)."""
    if nbytes < 0 or not ctx.verbose:
        return hexa(addr)
    if nbytes == 0:
        return "[]" if not ctx.abbrev else "%s /* 0 entries */" % hexa(addr)
    data = ctx.read(addr, nbytes)
    if data is None:
        return hexa(addr)
    if not ctx.abbrev:
        return F.dirents(data, ctx.name == "getdents64", ctx.xflag)
    n = 0
    off = 0
    while off + 18 <= len(data):
        reclen = _RECLEN(data, off + 16)[0]
        if reclen == 0:
            break
        n += 1
        off += reclen
    return "%s /* %d entries */" % (hexa(addr), n)


def sched_param(ctx: Ctx, addr: int) -> str:
    return ctx.struct(addr, "<i", lambda p: "[%d]" % p)


def cpu_set(ctx: Ctx, addr: int, nbytes: int) -> str:
    if addr == 0:
        return "NULL"
    n = min(max(nbytes, 0), 1024)
    data = ctx.read(addr, n)
    if data is None:
        return hexa(addr)
    bits = int.from_bytes(data, "little")
    cpus = [str(i) for i in range(n * 8) if bits >> i & 1]
    return "[" + " ".join(cpus) + "]"


__all__ = [n for n in dir() if not n.startswith("_")]
