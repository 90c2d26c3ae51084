# SPDX-License-Identifier: GPL-2.0-or-later
"""x86's segment descriptors: modify_ldt, set_thread_area and get_thread_area and their
``struct user_desc``, as strace 6.1 prints them (see ``_specs``).

Kernel facts: ``struct user_desc`` is 16 bytes, three u32 (entry_number, base_addr,
limit) and a word of bit fields (seg_32bit:1, contents:2, read_exec_only:1,
limit_in_pages:1, seg_not_present:1, useable:1, and lm:1 on x86-64). modify_ldt's
return value is an int that x86-64 zero-extends into rax: an error comes back as
0xffffffda, not -38, and strace prints it so, with the errno of its low 32 bits.
get_thread_area reads only entry_number and writes the rest."""

from __future__ import annotations

import struct
from typing import Callable

from ._ctx import Ctx
from ._kinds import Kind, RetFn, out
from ._sockaddr import c_0x
from ._xlat import ERRNO_NAMES, ptr, s32, strerror, u64

_SIZE = 16
_BITS = (("seg_32bit", 0, 1), ("contents", 1, 3), ("read_exec_only", 3, 1),
         ("limit_in_pages", 4, 1), ("seg_not_present", 5, 1), ("useable", 6, 1),
         ("lm", 7, 1))


def _id(v: int) -> str:
    """An id that is -1 when unset (strace's PRINT_VAL_ID)."""
    return "-1" if v == 0xFFFFFFFF else str(v)


def _rest(raw: bytes) -> str:
    """The fields after entry_number, and the closing brace."""
    _, base, limit, bits = struct.unpack("<4I", raw)
    parts = ["base_addr=" + c_0x(base, 4), "limit=" + c_0x(limit, 4)]
    parts += ["%s=%d" % (name, (bits >> shift) & mask) for name, shift, mask in _BITS]
    return ", " + ", ".join(parts) + "}"


def _whole(c: Ctx, addr: int) -> str:
    raw = c.read(addr, _SIZE) if addr else None
    if raw is None:
        return ptr(addr)
    return "{entry_number=" + _id(struct.unpack_from("<I", raw)[0]) + _rest(raw)


def _ldt_ptr(count_index: int) -> Kind:
    """modify_ldt's ptr: a user_desc when bytecount is its size, else the address."""
    def fn(c: Ctx, i: int) -> str:
        if u64(c.args[count_index]) != _SIZE:
            return ptr(c.args[i])
        return _whole(c, c.args[i])
    return Kind(fn)


def _ldt_ret(c: Ctx) -> str:
    r = u64(c.retval or 0)
    text = str(r)
    if 0xFFFFF000 <= r <= 0xFFFFFFFF:   # (an int error, zero-extended)
        err = -s32(r)
        name = ERRNO_NAMES.get(err)
        return text + (" %s (%s)" % (name, strerror(err)) if name else " (errno %d)" % err)
    return text


def _set_ret(c: Ctx) -> str:
    """set_thread_area's: the entry the kernel chose, read back (with -e verbose=)."""
    text = str(u64(c.retval or 0))
    got = c.unpack("<I", c.args[0]) if c.verbose else None
    return text if got is None else "%s (entry_number=%d)" % (text, got[0])


def _save_entry(c: Ctx, i: int) -> None:
    got = c.unpack("<I", c.args[i]) if c.args[i] else None
    c.saved["entry_number"] = None if got is None else got[0]
    return None


def _get_head(c: Ctx, i: int) -> str | None:
    """What get_thread_area printed at entry: ``{entry_number=N``, or None for the
    address."""
    entry = c.saved.get("entry_number")
    return None if entry is None else "{entry_number=" + _id(entry)


def _get_failed(c: Ctx, i: int) -> str:
    head = _get_head(c, i)
    if head is None:
        return ptr(c.args[i])
    return head if not c.verbose else head + ", ...}"


def _get_done(c: Ctx, i: int) -> str:
    addr = c.args[i]
    head = _get_head(c, i)
    if head is None:
        return ptr(addr)
    if not c.verbose:
        return head
    raw = c.read(addr, _SIZE)
    if raw is None:
        return head + ", ...}"
    now = struct.unpack_from("<I", raw)[0]
    if now != c.saved.get("entry_number"):
        head += " => " + _id(now)
    return head + _rest(raw)


KINDS: dict[str, Kind] = {
    "user_desc": Kind(lambda c, i: _whole(c, c.args[i])),
    "user_desc_get": out(_get_done, _save_entry, on_error=_get_failed),
}
FACTORIES: dict[str, Callable[[int], Kind]] = {"ldt_ptr": _ldt_ptr}
RETURNS: dict[str, RetFn] = {"modify_ldt": _ldt_ret, "thread_area": _set_ret}
