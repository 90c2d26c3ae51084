# SPDX-License-Identifier: GPL-2.0-or-later
"""Printers of the smaller system calls that strace 6.1 decodes one by one: I/O
priorities (ioprio_get/set), protection keys (pkey_alloc), kcmp, mount, memfd_create
and memfd_secret, dup3, and clock_nanosleep's time left (see ``_specs``)."""

from __future__ import annotations

import struct
from typing import Callable

from . import _structs as S
from . import _xlat as X
from . import _xlat_misc as XM
from ._ctx import MAX_EINTR, Ctx
from ._kinds import F, Kind, RetFn
from ._pids import which_who
from ._style import ABBREV, RAW, combine
from ._style import get as _style_now
from ._quote import quote
from ._xlat import flags, hexa, ptr, s32, u32, xval

PAGE_SIZE = 4096


def nonzero_tail(c: Ctx, addr: int, start: int, total: int) -> str | None:
    """The bytes *start* to *total* - 1 of a structure larger than the one known (an
    extensible struct's newer fields), at most a page of them: None when they are all
    zero, ``???`` when they cannot be read, else ``/* bytes START..END */ "\\x.."``."""
    total = min(total, PAGE_SIZE)
    if start >= total:
        return None
    data = c.read(addr + start, total - start)
    if data is None:
        return "???"
    if not data.strip(b"\0"):
        return None
    shown = data[:c.strsize]
    return "/* bytes %d..%d */ %s" % (start, total - 1,
                                       quote(shown, truncated=len(shown) < len(data), hex=True))

def extensible(c: Ctx, addr: int, size: int, fmt: str,
               fields: Callable[..., list[str]]) -> str:
    """An extensible structure the kernel reads *size* bytes of (openat2's open_how,
    mount_setattr's mount_attr): its address when *size* is smaller than its first
    version (*fmt*), else the fields *fields* makes of it, then the nonzero bytes past
    them."""
    if addr == 0:
        return "NULL"
    known = struct.calcsize(fmt)
    if size < known or not c.verbose:
        return hexa(addr)
    v = c.unpack(fmt, addr)
    if v is None:
        return hexa(addr)
    parts = fields(*v)
    tail = nonzero_tail(c, addr, known, size)
    if tail is not None:
        parts.append(tail)
    return "{%s}" % ", ".join(parts)


def bounded_str(c: Ctx, addr: int, n: int) -> str:
    """A NUL-terminated string the kernel reads at most *n* bytes of: cut at -s, and
    at *n* bytes with a "..." when it has no NUL within them."""
    if c.strsize < n:
        return c.cstr(addr)
    if addr == 0:
        return "NULL"
    data = c.read_cstr(addr, n)
    if data is None:
        return hexa(addr)
    return quote(data[:n], truncated=len(data) >= n, xflag=c.xflag)


def array(c: Ctx, addr: int, n: int, size: int, render: Callable[[bytes], str],
          most: int | None = None) -> str:
    """An array of *n* elements of *size* bytes, each printed by *render*: ``[]``, at
    most -s elements (and at most *most*) then ``...``, ``... /* ADDRESS */`` at the
    first that cannot be read (the array's address when that is the first), the
    address of an array that does not fit in the address space."""
    if addr == 0:
        return "NULL"
    n &= X.MASK64
    if not n:
        return "[]"
    if addr + n * size > X.MASK64 + 1:
        return hexa(addr)
    limit = S.array_limit(c) if most is None else min(S.array_limit(c), most)
    items: list[str] = []
    k = 0
    while k < n:
        # one element at a time first (a copy made at the stop may hold only those);
        # past them, in chunks: with -v the count is the caller's and the array is read
        # up to the first byte that cannot be (a read per element made that a hang)
        want = 1 if k < _ARRAY_SINGLE else min(n - k, limit + 1 - k,
                                                 max(1, _ARRAY_CHUNK // size))
        data = (c.read(addr + k * size, size) if want == 1
                else c.read_prefix(addr + k * size, want * size)) or b""
        got = len(data) // size
        for j in range(got):
            if k >= limit:
                items.append("...")
                return "[%s]" % ", ".join(items)
            items.append(render(data[j * size:(j + 1) * size]))
            k += 1
        if got < want:
            if not k:
                return hexa(addr)
            items.append("... /* %s */" % hexa(addr + k * size))
            break
    return "[%s]" % ", ".join(items)


# array(): elements read one by one, then the size of the reads of the others
_ARRAY_SINGLE, _ARRAY_CHUNK = 64, 1 << 16


# -- I/O priorities ----------------------------------------------------------------


def ioprio_value(v: int) -> str:
    """``IOPRIO_PRIO_VALUE(class, data)``, the class named in the current style."""
    v = u32(v)
    cls = xval(v >> XM.IOPRIO_CLASS_SHIFT, XM.IOPRIO_CLASSES, "IOPRIO_CLASS_???")
    return "IOPRIO_PRIO_VALUE(%s, %d)" % (cls, v & ((1 << XM.IOPRIO_CLASS_SHIFT) - 1))


def _ioprio(c: Ctx, i: int) -> str:
    """ioprio_set's priority: decimal raw, the macro abbreviated, both verbose."""
    return combine(str(s32(c.args[i])), ioprio_value(c.args[i]))


def _ioprio_ret(c: Ctx) -> str:
    r = c.retval or 0
    if _style_now() == RAW:
        return str(r)
    return "%d (%s)" % (r, ioprio_value(r))


# -- memfd ---------------------------------------------------------------------------

_MFD_NAME_MAX = 255 - len("memfd:")


def _memfd_name(c: Ctx, i: int) -> str:
    """At most 249 bytes (what the kernel takes), and the "..." of a longer name."""
    return bounded_str(c, c.args[i], _MFD_NAME_MAX + 1)


def _memfd_flags_abbrev(v: int) -> str:
    huge = v & (XM.MFD_HUGE_MASK << XM.MFD_HUGE_SHIFT)
    rest = v & ~huge
    parts = []
    if rest or not huge:
        parts.append(X._flags(rest, XM.MFD_FLAGS, "MFD_???", "0"))
    if huge:
        parts.append("%d<<MFD_HUGE_SHIFT" % (huge >> XM.MFD_HUGE_SHIFT))
    return "|".join(parts)


def _memfd_flags(c: Ctx, i: int) -> str:
    """The flags, and the huge page size as ``N<<MFD_HUGE_SHIFT``."""
    v = u32(c.args[i])
    st = _style_now()
    if not v or st == RAW:
        return hexa(v)
    text = _memfd_flags_abbrev(v)
    return text if st == ABBREV else "%s /* %s */" % (hexa(v), text)


# -- mount ---------------------------------------------------------------------------


def _mount_flags_of(c: Ctx) -> tuple[int, bool]:
    """The flags without the old magic number, and whether it was there."""
    v = c.args[3]
    if v & XM.MS_MGC_MSK == XM.MS_MGC_VAL:
        return v & ~XM.MS_MGC_MSK, True
    return v, False


def _mount_ignores(c: Ctx) -> tuple[bool, bool]:
    """Whether the file system type, and the data, are not strings for these flags."""
    v, _ = _mount_flags_of(c)
    if v & XM.MS_REMOUNT:
        return True, False
    if v & XM.MS_NO_TYPE_NOR_DATA:
        return True, True
    return False, False


def _mount_type(c: Ctx, i: int) -> str:
    return ptr(c.args[i]) if _mount_ignores(c)[0] else c.cstr(c.args[i])


def _mount_data(c: Ctx, i: int) -> str:
    return ptr(c.args[i]) if _mount_ignores(c)[1] else c.cstr(c.args[i])


def _mount_flags(c: Ctx, i: int) -> str:
    v, magic = _mount_flags_of(c)
    parts = []
    if magic:
        parts.append(combine(hexa(XM.MS_MGC_VAL), "MS_MGC_VAL"))
    if v or not magic:
        parts.append(flags(v, XM.MOUNT_FLAGS, "MS_???"))
    return "|".join(parts)


# -- kcmp ----------------------------------------------------------------------------


def _kcmp_idx(second: bool) -> Kind:
    """kcmp's idx1 and idx2: descriptors (KCMP_FILE; KCMP_EPOLL_TFD's first and the
    slot it points to), nothing for the types that compare whole resources, hex for
    types strace does not know."""

    def fn(c: Ctx, i: int) -> str | None:
        t = s32(c.args[2])
        # (descriptors of pid1 and pid2: shown as the tracee's, pid1 taken for it)
        fd = c.fd if not second or s32(c.args[0]) == s32(c.args[1]) else (
            lambda v: str(s32(v)))
        if t == XM.KCMP_FILE or (t == XM.KCMP_EPOLL_TFD and not second):
            return fd(c.args[i])
        if t == XM.KCMP_EPOLL_TFD:
            return c.struct(c.args[i], "<III", lambda efd, tfd, toff: (
                "{efd=%s, tfd=%s, toff=%d}" % (fd(efd), fd(tfd), toff)))
        if t in XM.KCMP_TYPES:
            return None
        return hexa(c.args[i])

    return Kind(fn)


# -- move_pages, migrate_pages -------------------------------------------------------


def _page_status(data: bytes) -> str:
    """A page's status: its node, or a negated errno (``-EFAULT``)."""
    v = int.from_bytes(data, "little", signed=True)
    name = X.ERRNO_NAMES.get(-v) if v < 0 else None
    return combine(str(v), "-" + name if name else None)


def _int_item(data: bytes) -> str:
    return str(int.from_bytes(data, "little", signed=True))


def _pages(c: Ctx, i: int) -> str:
    return array(c, c.args[i], c.args[1], 8, lambda d: ptr(int.from_bytes(d, "little")))


def _nodes(c: Ctx, i: int) -> str:
    return array(c, c.args[i], c.args[1], 4, _int_item)


def _status(c: Ctx, i: int) -> str:
    """The status array, filled at the exit: an address when the call failed (but an
    empty one)."""
    if c.failed and c.args[i] and c.args[1]:
        return hexa(c.args[i])
    return array(c, c.args[i], c.args[1], 4, _page_status)


def _migrate_nodes(c: Ctx, i: int) -> str:
    return S.nodemask(c, c.args[i], c.args[1])


# -- kexec_load ----------------------------------------------------------------------


def _kexec_segment(data: bytes) -> str:
    buf, bufsz, mem, memsz = struct.unpack("<4Q", data)
    return "{buf=%s, bufsz=%d, mem=%s, memsz=%d}" % (ptr(buf), bufsz, ptr(mem), memsz)


def _kexec_segments(c: Ctx, i: int) -> str:
    """The segments (their number: argument 1), at most KEXEC_SEGMENT_MAX of them."""
    n = c.args[1]
    if n > XM.KEXEC_SEGMENT_MAX:
        return ptr(c.args[i])
    return array(c, c.args[i], n, 32, _kexec_segment)


def _kexec_flags(c: Ctx, i: int) -> str:
    """The architecture (the high 16 bits of the low 32), then the other flags."""
    v = c.args[i]
    arch = xval(v & XM.KEXEC_ARCH_MASK, XM.KEXEC_ARCHES, "KEXEC_ARCH_???")
    rest = v & ~XM.KEXEC_ARCH_MASK
    return arch if not rest else arch + "|" + flags(rest, XM.KEXEC_LOAD_FLAGS, "KEXEC_???")


# -- futex_waitv ---------------------------------------------------------------------

_FUTEX_WAITV_MAX = 128


def _waiter(data: bytes) -> str:
    val, uaddr, fl, reserved = struct.unpack("<QQII", data)
    text = "{val=%s, uaddr=%s, flags=%s" % (hexa(val), ptr(uaddr),
                                            flags(fl, XM.FUTEX_WAITER_FLAGS, "FUTEX_???"))
    return text + (", __reserved=%s}" % hexa(reserved) if reserved else "}")


def _waiters(c: Ctx, i: int) -> str:
    """The waiters (their number: argument 1), at most FUTEX_WAITV_MAX of them."""
    return array(c, c.args[i], u32(c.args[1]), 24, _waiter, _FUTEX_WAITV_MAX)


# -- clock_nanosleep -----------------------------------------------------------------


def _clock_rem(c: Ctx, i: int) -> str:
    """The time left: written only when a relative sleep (no flags) is interrupted."""
    if not c.args[1] and c.errno in MAX_EINTR[1:]:
        return S.timespec(c, c.args[i])
    return ptr(c.args[i])


KINDS: dict[str, Kind] = {
    "ioprio_which": Kind(lambda c, i: xval(u32(c.args[i]), XM.IOPRIO_WHO, "IOPRIO_WHO_???")),
    "ioprio_who": which_who(1),
    "ioprio": Kind(_ioprio),
    "pkey_access": F(XM.PKEY_ACCESS, "PKEY_???", width=64),
    "memfd_name": Kind(_memfd_name),
    "mfd_flags": Kind(_memfd_flags),
    # (bits it does not know: a plain number, without a comment)
    "memfd_secret_flags": Kind(lambda c, i: flags(u32(c.args[i]), XM.MEMFD_SECRET_FLAGS, None)),
    "mount_type": Kind(_mount_type),
    "mount_flags": Kind(_mount_flags),
    "mount_data": Kind(_mount_data),
    "kcmp_type": Kind(lambda c, i: xval(s32(c.args[i]) & 0xFFFFFFFF, XM.KCMP_TYPES,
                                        "KCMP_???")),
    "kcmp_idx1": _kcmp_idx(False),
    "kcmp_idx2": _kcmp_idx(True),
    "clock_rem_out": Kind(_clock_rem, True),
    "move_pages_pages": Kind(_pages),
    "move_pages_nodes": Kind(_nodes),
    "move_pages_status": Kind(_status, True),
    "move_pages_flags": F(XM.MOVE_PAGES_FLAGS, "MPOL_???"),
    "migrate_nodes": Kind(_migrate_nodes),
    "futex_waiters": Kind(_waiters),
    "kexec_segments": Kind(_kexec_segments),
    "kexec_flags": Kind(_kexec_flags),
    "kexec_file_flags": F(XM.KEXEC_FILE_FLAGS, "KEXEC_FILE_???", width=64),
}
RETURNS: dict[str, RetFn] = {"ioprio": _ioprio_ret}
