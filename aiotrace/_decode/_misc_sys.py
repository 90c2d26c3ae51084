# SPDX-License-Identifier: GPL-2.0-or-later
"""Printers of the smaller system calls strace 6.1 decodes and aiotrace printed in hex:
module loading (init_module, finit_module, delete_module), splice's relatives (tee,
vmsplice, sync_file_range), swapon, reboot, syslog, sethostname, utime and utimes,
ustat, adjtimex's struct timex, setgroups, _sysctl, process_vm_readv/writev and
process_madvise's arrays of remote addresses; and argument kinds of decoded calls that
strace prints otherwise (setxattr's value and flags, splice's offsets, setns' types,
preadv2's flags, struct timezone) (see ``_specs``)."""

from __future__ import annotations

import time
from typing import Callable

from . import _structs as S
from . import _xlat_proc as XP
from . import _xlat_sys as XS
from ._ctx import Ctx
from ._kinds import E, F, Kind, RetFn, Spec, out
from ._misc import array, bounded_str
from ._quote import quote
from ._structs_full import date_comment, dev_t
from ._xlat import flags, ptr, s32, s64, u32, u64, xval

_NEW_UTS_LEN = 64          # the longest host or domain name
_REBOOT_ARG_MAX = 255      # what the kernel copies of LINUX_REBOOT_CMD_RESTART2's command
_RESTART2 = 0xA1B2C3D4
_SWAP_PRIO_MASK = 0x7FFF


def _u32_scalar(fn: Callable[[int], str]) -> Kind:
    """A kind printed from the low 32 bits of its register alone."""
    return Kind(lambda c, i: fn(u32(c.args[i])), late=True, scalar=True)


# -- scalars -------------------------------------------------------------------------


def _swap_flags(v: int) -> str:
    """swapon's flags, then the priority (the low 15 bits) in decimal:
    ``SWAP_FLAG_PREFER|42``."""
    rest = v & ~_SWAP_PRIO_MASK
    prio = str(v & _SWAP_PRIO_MASK)
    return prio if not rest else flags(rest, XS.SWAP_FLAGS, "SWAP_FLAG_???") + "|" + prio


def _reboot_arg(c: Ctx, i: int) -> str | None:
    """The command string of LINUX_REBOOT_CMD_RESTART2 only."""
    if u32(c.args[2]) != _RESTART2:
        return None
    return bounded_str(c, c.args[i], _REBOOT_ARG_MAX)


def _hostname(c: Ctx, i: int) -> str:
    """sethostname's name: its length bytes (argument i + 1), its address when that is
    longer than a name can be."""
    n = u32(c.args[i + 1])
    if n > _NEW_UTS_LEN:
        return ptr(c.args[i])
    return c.buf(c.args[i], n)


def decimal_named(v: int, table: dict[int, str], unknown: str) -> str:
    """``0 /* SYSLOG_ACTION_CLOSE */``: the number in decimal, its name in a comment."""
    return "%d /* %s */" % (v, table.get(v, unknown))


_XATTR_SIZE_MAX = 1 << 16


def _xattr_value(size_index: int) -> Kind:
    """setxattr's value: its size's bytes, without the NUL that ends them (its address
    when it is larger than a value can be)."""
    def fn(c: Ctx, i: int) -> str:
        addr, size = c.args[i], u64(c.args[size_index])
        if size > _XATTR_SIZE_MAX or addr == 0:
            return ptr(addr)
        n = min(size, c.strsize)
        data = c.read(addr, n)
        if data is None:
            return ptr(addr)
        if n == size and data.endswith(b"\0"):
            data = data[:-1]
        return quote(data, truncated=size > n, xflag=c.xflag)
    return Kind(fn, late=True)


def _xattr_list(c: Ctx, i: int) -> str:
    """listxattr's names: the bytes it returned; the address for a size of 0."""
    if not c.args[i + 1]:
        return ptr(c.args[i])
    return c.buf(c.args[i], c.retval or 0)


def _loff(c: Ctx, i: int) -> str:
    """A pointer to a signed 64-bit offset: ``[-1]`` (splice's)."""
    return c.fields(c.args[i], "<q", lambda v: "[%d]" % v)


# -- structures ----------------------------------------------------------------------


def _usec_comment(sec: int, usec: int) -> str:
    """A timeval's date: `` /* 2017-04-16T16:03:27.345678+0000 */`` (none for a time
    that cannot be dated, or microseconds out of range)."""
    if not 0 <= usec < 1000000:
        return ""
    text = date_comment(sec, 0)
    if not text or not usec:
        return text
    try:
        lt = time.localtime(sec)
    except (OverflowError, OSError, ValueError):
        return ""
    return " /* %s.%06d%s */" % (time.strftime("%Y-%m-%dT%H:%M:%S", lt), usec,
                                  time.strftime("%z", lt))


def _timeval_pair(c: Ctx, i: int) -> str:
    """utimes' two times: ``[{tv_sec=.., tv_usec=..} /* date */, ...]``."""
    def render(s0: int, u0: int, s1: int, u1: int) -> str:
        return "[%s%s, %s%s]" % (S.timeval_vals(s0, u0), _usec_comment(s0, u64(u0)),
                                 S.timeval_vals(s1, u1), _usec_comment(s1, u64(u1)))
    return c.fields(c.args[i], "<qqqq", render)


def _utimbuf(c: Ctx, i: int) -> str:
    """utime's ``{actime=.. /* date */, modtime=.. /* date */}``."""
    def render(a: int, m: int) -> str:
        return "{actime=%d%s, modtime=%d%s}" % (a, date_comment(a, 0), m, date_comment(m, 0))
    return c.fields(c.args[i], "<qq", render)


def _ustat(c: Ctx, i: int) -> str:
    return c.fields(c.args[i], "<I4xQ", lambda tfree, tinode: "{f_tfree=%d, f_tinode=%d}" % (
        tfree, tinode))


def _rwf_flags_of(j: int) -> Kind:
    """preadv2's flags, shown in place of the high half of the offset (argument *j*, as
    strace prints them on x86-64: the offset is one register)."""
    return Kind(lambda c, i: flags(u32(c.args[j]), XS.RWF_FLAGS, "RWF_???"), late=True,
                scalar=True)


def _timezone(c: Ctx, i: int) -> str:
    return c.fields(c.args[i], "<ii", lambda west, dst: "{tz_minuteswest=%d, tz_dsttime=%d}" % (
        west, dst))


# struct timex (x86-64): modes, four longs, status, three longs, the time (two longs),
# three longs, shift, five longs, tai
_TIMEX_FMT = "<I4x4qi4x3q2q3qi4x5qi"
_TIMEX_LONGS = ("offset", "freq", "maxerror", "esterror")
_TIMEX_MORE = ("constant", "precision", "tolerance")
_TIMEX_TAIL = ("tick", "ppsfreq", "jitter")
_TIMEX_COUNTS = ("shift", "stabil", "jitcnt", "calcnt", "errcnt", "stbcnt", "tai")


def _timex(c: Ctx, i: int) -> str:
    """adjtimex's struct timex, every field (strace prints them all)."""
    def render(modes: int, *v: int) -> str:
        parts = ["modes=%s" % flags(modes, XS.ADJTIMEX_MODES, "ADJ_???")]
        parts += ["%s=%d" % p for p in zip(_TIMEX_LONGS, v[0:4], strict=True)]
        parts.append("status=%s" % flags(u32(v[4]), XS.ADJTIMEX_STATUS, "STA_???"))
        parts += ["%s=%d" % p for p in zip(_TIMEX_MORE, v[5:8], strict=True)]
        parts.append("time={tv_sec=%d, tv_usec=%d}" % (v[8], u64(v[9])))
        parts += ["%s=%d" % p for p in zip(_TIMEX_TAIL + _TIMEX_COUNTS, v[10:], strict=True)]
        return "{%s}" % ", ".join(parts)
    return c.fields(c.args[i], _TIMEX_FMT, render)


def _timex_ret(i: int) -> Callable[[Ctx], str]:
    """The clock's state by name after it (when the structure could be read)."""
    def fn(c: Ctx) -> str:
        r = s64(c.retval or 0)
        name = XS.ADJTIMEX_STATES.get(r)
        if name is None or c.unpack(_TIMEX_FMT, c.args[i]) is None:
            return str(r)
        return "%d (%s)" % (r, name)
    return fn


def _sysctl_args(c: Ctx, i: int) -> str:
    """_sysctl's struct __sysctl_args (80 bytes, read whole): its pointers and sizes."""
    return c.fields(c.args[i], "<Qi4xQQQQ32x", lambda name, nlen, old, oldlenp, new, newlen: (
        "{name=%s, nlen=%d, oldval=%s, oldlenp=%s, newval=%s, newlen=%d}" % (
            ptr(name), nlen, ptr(old), ptr(oldlenp), ptr(new), newlen)))


_NGROUPS_MAX = 65536


def _groups(c: Ctx, i: int) -> str:
    """setgroups' list of argument 0 gids (-1 as -1); its address above NGROUPS_MAX."""
    n = u32(c.args[0])
    if n > _NGROUPS_MAX:
        return ptr(c.args[i])
    return array(c, c.args[i], n, 4, lambda b: _gid(int.from_bytes(b, "little")))


def _gid(v: int) -> str:
    return "-1" if v == 0xFFFFFFFF else str(v)


def _iov_addrs(count_index: int) -> Kind:
    """An array of iovecs of another process (or of no data to show): the addresses."""
    return Kind(lambda c, i: S.iovec_array(c, c.args[i], _count(c, count_index), None,
                                           lambda base, n: ptr(base)), late=True)


def _count(c: Ctx, j: int) -> int:
    """An unsigned long count; out of range (iovec_array prints the address) above 2**31."""
    n = u64(c.args[j])
    return -1 if n >> 31 else n


def _vm_local_in(count_index: int) -> Kind:
    """process_vm_writev's local iovecs: the data it writes."""
    return Kind(lambda c, i: S.iovec_array(c, c.args[i], _count(c, count_index), None),
                late=True)


def _vm_local_out(count_index: int) -> Kind:
    """process_vm_readv's local iovecs: the data it read (the return value's bytes), their
    addresses when it failed."""
    return out(lambda c, i: S.iovec_array(c, c.args[i], _count(c, count_index),
                                          c.retval or 0),
               on_error=lambda c, i: S.iovec_array(c, c.args[i], _count(c, count_index), None,
                                                   lambda base, n: ptr(base)))


# -- syslog ---------------------------------------------------------------------------

_SYSLOG_NO_ARGS = (0, 1, 5, 6, 7, 9, 10)   # CLOSE, OPEN, CLEAR, CONSOLE_*, SIZE_*
_SYSLOG_READS = (2, 3, 4)                  # READ, READ_ALL, READ_CLEAR
_SYSLOG_CONSOLE_LEVEL = 8


def _syslog_entry(c: Ctx) -> str:
    kind = s32(c.args[0])
    text = decimal_named(kind, XS.SYSLOG_ACTIONS, "SYSLOG_ACTION_???")
    if kind in _SYSLOG_NO_ARGS or kind in _SYSLOG_READS:
        return text
    if kind == _SYSLOG_CONSOLE_LEVEL:
        return "%s, %s, %s" % (text, ptr(c.args[1]),
                               decimal_named(s32(c.args[2]), XS.SYSLOG_LEVELS, "LOGLEVEL_???"))
    return "%s, %s, %d" % (text, ptr(c.args[1]), s32(c.args[2]))


def _syslog_exit(c: Ctx, entry: str) -> str:
    """The buffer a read filled (its address when the call failed), and its size."""
    if s32(c.args[0]) not in _SYSLOG_READS:
        return entry
    buf = ptr(c.args[1]) if c.failed else c.buf(c.args[1], c.retval or 0)
    return "%s, %s, %d" % (entry, buf, s32(c.args[2]))


KINDS: dict[str, Kind] = {
    "delete_module_flags": F(XS.DELETE_MODULE_FLAGS, "O_???"),
    "module_init_flags": F(XS.MODULE_INIT_FLAGS, "MODULE_INIT_???"),
    "splice_flags": F(XS.SPLICE_FLAGS, "SPLICE_F_???"),
    "sync_file_range_flags": F(XS.SYNC_FILE_RANGE_FLAGS, "SYNC_FILE_RANGE_???"),
    "xattr_flags": F(XS.XATTR_FLAGS, "XATTR_???"),
    "mlock2_flags": F(XS.MLOCK_FLAGS, "MLOCK_???"),
    # (process_madvise's advice: unknown ones in hex, as 32 bits)
    "madvise_advice32": E(XP.MADVISE, "MADV_???", signed=False),
    "swap_flags": _u32_scalar(_swap_flags),
    "reboot_magic1": _u32_scalar(lambda v: xval(v, XS.REBOOT_MAGIC1, "LINUX_REBOOT_MAGIC_???")),
    "reboot_magic2": _u32_scalar(lambda v: xval(v, XS.REBOOT_MAGIC2, "LINUX_REBOOT_MAGIC_???")),
    "reboot_cmd": _u32_scalar(lambda v: xval(v, XS.REBOOT_CMDS, "LINUX_REBOOT_CMD_???")),
    "reboot_arg": Kind(_reboot_arg, late=True),
    "hostname": Kind(_hostname, late=True),
    "ustat_dev": _u32_scalar(dev_t),
    "ustat_out": out(_ustat),
    "utimbuf": Kind(_utimbuf, late=True),
    "timeval_pair": Kind(_timeval_pair, late=True),
    "xattr_list_out": out(_xattr_list),
    "timezone": Kind(_timezone, late=True),
    "timex_out": out(_timex),
    "groups_in": Kind(_groups),
    "sysctl_args": Kind(_sysctl_args),
    "timezone_out": out(_timezone),
    "setns_types": F(XS.SETNS_TYPES, "CLONE_NEW???"),
    "loff_ptr": Kind(_loff),
}
FACTORIES: dict[str, Callable[[int], Kind]] = {
    "iov_addrs": _iov_addrs, "rwf_flags_of": _rwf_flags_of, "xattr_value": _xattr_value, "vm_local_in": _vm_local_in, "vm_local_out": _vm_local_out,
}
RETURNS: dict[str, RetFn] = {"adjtimex": _timex_ret(0), "clock_adjtime": _timex_ret(1)}
DECODERS = {"syslog": Spec(entry=_syslog_entry, exit=_syslog_exit)}
