# SPDX-License-Identifier: GPL-2.0-or-later
"""The commonest calls that read the tracee (the stat family and statx, open, openat,
getdents), printed without the general machinery, in the usual output mode only.

A file tree walk (``tar``, ``find``, ``ls -R``) is mostly ``newfstatat``: the general path
makes a ``Ctx`` at the entry and another at the exit, goes through each argument's
``Kind``, reads the struct with a format parsed each time and names the mode bits again
for each file. Here each call has a function of its own that reads the path and the
struct as the general printers do and formats them with one format string, the texts of
modes and flags cached by their value.

Only the usual mode: ``format_entry``/``format_exit`` ask for it only without ``-X``,
``-x``, ``-y``, ``-v``, ``-e raw=``/``verbose=``, for x86-64's calls (and the command's
decoder calls them itself in such runs). A function returns
None for anything else it meets (a NULL or unreadable address, a path without its NUL in
PATH_MAX bytes, a failed call...), and the general path prints it: that path also reports
what it must (a short read). ``tests/unit/test_fast_decode.py`` compares both on many
values.
"""

from __future__ import annotations

import struct
from typing import Any, Callable, Optional

from .._core._args import Args

from . import _structs_full as F
from . import _xlat as X
from ._ctx import Ctx, Memory
from ._quote import _PLAIN
from ._structs import STAT_FMT, STATX_FMT
from ._xlat import s32

_STAT_SIZE = struct.calcsize(STAT_FMT)   # dev ino nlink mode uid gid rdev size blksize blocks
_STAT_FIELDS = struct.Struct("<24xI12xQq").unpack_from   # its mode, rdev and size
_STATX = struct.Struct(STATX_FMT)   # mask blksize attributes nlink uid gid mode ino size...
_RECLEN = struct.Struct("<H").unpack_from   # (d_reclen, at offset 16 in both dirents)
_PATH_LIMIT = 4095   # (Ctx.path: PATH_MAX - 1 bytes, and one more to see it goes on)
_MASK32 = 0xFFFFFFFF
_CACHED = 4096   # the most values each cache of texts keeps (registers can be anything)

EntryFn = Callable[[tuple[int, ...], Optional[Memory]], Optional[str]]
ExitFn = Callable[[tuple[int, ...], int, Optional[Memory], str], Optional[tuple[str, str]]]

_heads: dict[int, str] = {}   # st_mode -> "{st_mode=S_IFREG|0644, st_size=" (no device)
_dirfds: dict[int, str] = {}
_statx_heads: dict[tuple[int, int, int], str] = {}   # (mask, attributes, mode) -> "{stx_..."
_statx_args: dict[tuple[int, int], str] = {}   # statx's (flags, mask) -> their text
_at_flags: dict[int, str] = {}
_open_flags: dict[int, str] = {}


def regs(args: Any) -> tuple[int, ...]:
    """The six registers as the general path sees them (Ctx: unsigned, padded with 0)."""
    if type(args) is Args and len(args._v) == 6:
        return args._v
    a = tuple([int(x) & 0xFFFFFFFFFFFFFFFF for x in args])
    return a + (0,) * (6 - len(a))


def _path(mem: Memory | None, addr: int) -> str | None:
    """Ctx.path's text of a printable path; None where it is anything else."""
    if mem is None or not addr:
        return None
    try:
        data = mem.read_string(addr, _PATH_LIMIT + 1)
    except (OSError, ValueError, OverflowError):
        return None   # (the general path reads it again, and reports a short read)
    if data is None:
        return None
    if type(data) is not bytes:
        data = bytes(data)
    nul = data.find(b"\0")
    if nul >= 0:
        data = data[:nul]
    if len(data) > _PATH_LIMIT or data.translate(None, _PLAIN):
        return None   # (cut short, or bytes to escape)
    return '"%s"' % data.decode("ascii")


def _dirfd(v: int) -> str:
    text = _dirfds.get(v)
    if text is None:
        fd = s32(v)
        text = "AT_FDCWD" if fd == X.AT_FDCWD else str(fd)
        if len(_dirfds) < _CACHED:
            _dirfds[v] = text
    return text


def _stat(mem: Memory | None, addr: int) -> str | None:
    """S.stat's abbreviated text of the struct at *addr*; None where it cannot be read."""
    if mem is None or not addr:
        return None
    try:
        data = mem.read(addr, _STAT_SIZE)
    except (OSError, ValueError, OverflowError):
        return None
    if len(data) < _STAT_SIZE:
        return None
    mode, rdev, size = _STAT_FIELDS(data)
    head = _heads.get(mode)
    if head is not None:
        return "%s%d, ...}" % (head, size)
    if mode & 0o170000 in (0o020000, 0o060000):   # (a device: its number, not its size)
        return "{st_mode=%s, st_rdev=%s, ...}" % (X.file_mode(mode), F.dev_t(rdev))
    head = "{st_mode=%s, st_size=" % X.file_mode(mode)
    if len(_heads) < _CACHED:
        _heads[mode] = head
    return "%s%d, ...}" % (head, size)


def _statx(mem: Memory | None, addr: int) -> str | None:
    """S.statx's abbreviated text of the struct at *addr*; None where it cannot be read."""
    if mem is None or not addr:
        return None
    try:
        data = mem.read(addr, _STATX.size)
    except (OSError, ValueError, OverflowError):
        return None
    if len(data) < _STATX.size:
        return None
    mask, _bs, attrs, _nlink, _uid, _gid, mode, _ino, size, _blocks, _am = _STATX.unpack_from(
        data)
    key = (mask, attrs, mode)
    head = _statx_heads.get(key)
    if head is None:
        head = "{stx_mask=%s, stx_attributes=%s" % (
            X.flags(mask, X.STATX_MASK, "STATX_???"),
            X.flags(attrs, X.STATX_ATTRS, "STATX_ATTR_???"))
        if mask & 0x3:      # STATX_TYPE|STATX_MODE
            head += ", stx_mode=" + X.file_mode(mode)
        if len(_statx_heads) < _CACHED:
            _statx_heads[key] = head
    if mask & 0x200:    # STATX_SIZE
        return "%s, stx_size=%d, ...}" % (head, size)
    return head + ", ...}"


def _statx_args_text(flags: int, mask: int) -> str:
    """statx's flags and mask, as the general printers write them (made once a value)."""
    key = (flags, mask)
    text = _statx_args.get(key)
    if text is None:
        from ._specs import spec
        s = spec("statx")
        assert s is not None
        ctx = Ctx("statx", (0, 0, flags, mask, 0, 0), None, 32, None)
        text = "%s, %s" % (s.args[2].fn(ctx, 2), s.args[3].fn(ctx, 3))
        if len(_statx_args) < _CACHED:
            _statx_args[key] = text
    return text


def _at_flags_text(v: int) -> str:
    text = _at_flags.get(v)
    if text is None:
        text = X.flags(v & _MASK32, X.AT_FLAGS, "AT_???")
        if len(_at_flags) < _CACHED:
            _at_flags[v] = text
    return text


def _open_flags_text(v: int) -> str:
    text = _open_flags.get(v)
    if text is None:
        text = X.open_flags(v & _MASK32)
        if len(_open_flags) < _CACHED:
            _open_flags[v] = text
    return text


# -- the entries ---------------------------------------------------------------


def _newfstatat_in(args: tuple[int, ...], mem: Memory | None) -> str | None:
    p = _path(mem, args[1])
    return None if p is None else "%s, %s, " % (_dirfd(args[0]), p)


def _statx_in(args: tuple[int, ...], mem: Memory | None) -> str | None:
    p = _path(mem, args[1])
    return None if p is None else "%s, %s, %s, " % (_dirfd(args[0]), p,
                                                     _statx_args_text(args[2], args[3]))


def _path_first_in(args: tuple[int, ...], mem: Memory | None) -> str | None:
    p = _path(mem, args[0])
    return None if p is None else p + ", "


def _fd_in(args: tuple[int, ...], mem: Memory | None) -> str | None:
    return "%d, " % s32(args[0])


def _opened(flags: int, mode: int) -> str:
    """open's flags, and its mode where they create a file."""
    if flags & (X.O_CREAT | X.O_TMPFILE_BIT):
        return "%s, %s" % (_open_flags_text(flags), X.octal(mode & 0xFFFF))
    return _open_flags_text(flags)


def _openat_in(args: tuple[int, ...], mem: Memory | None) -> str | None:
    p = _path(mem, args[1])
    return None if p is None else "%s, %s, %s" % (_dirfd(args[0]), p, _opened(args[2], args[3]))


def _open_in(args: tuple[int, ...], mem: Memory | None) -> str | None:
    p = _path(mem, args[0])
    return None if p is None else "%s, %s" % (p, _opened(args[1], args[2]))


# -- the exits (of the calls that succeeded) -------------------------------------


def _newfstatat_out(args: tuple[int, ...], retval: int, mem: Memory | None,
                    entry: str) -> tuple[str, str] | None:
    s = _stat(mem, args[2])
    if s is None:
        return None
    return "%s%s, %s" % (entry, s, _at_flags_text(args[3])), str(retval)


def _statx_out(args: tuple[int, ...], retval: int, mem: Memory | None,
               entry: str) -> tuple[str, str] | None:
    s = _statx(mem, args[4])
    return None if s is None else (entry + s, str(retval))


def _stat_out(args: tuple[int, ...], retval: int, mem: Memory | None,
              entry: str) -> tuple[str, str] | None:
    s = _stat(mem, args[1])
    return None if s is None else (entry + s, str(retval))


def _dents_out(args: tuple[int, ...], retval: int, mem: Memory | None,
               entry: str) -> tuple[str, str] | None:
    """S.getdents_count's abbreviated text: the address and how many entries."""
    addr = args[1]
    if mem is None or not addr or retval > 1 << 16:
        return None
    if retval:
        try:
            data = mem.read(addr, retval)
        except (OSError, ValueError, OverflowError):
            return None
        if len(data) < retval:
            return None
    else:
        data = b""
    n = off = 0
    end = len(data) - 18
    while off <= end:
        reclen = _RECLEN(data, off + 16)[0]
        if not reclen:
            break
        n += 1
        off += reclen
    return ("%s0x%x /* %d entries */, %d" % (entry, addr, n, args[2] & _MASK32),
            str(retval))


def _fd_out(args: tuple[int, ...], retval: int, mem: Memory | None,
            entry: str) -> tuple[str, str] | None:
    return str(entry), str(s32(retval))


ENTRIES: dict[str, EntryFn] = {
    "newfstatat": _newfstatat_in, "fstat": _fd_in, "stat": _path_first_in,
    "lstat": _path_first_in, "openat": _openat_in, "open": _open_in,
    "getdents64": _fd_in, "getdents": _fd_in, "statx": _statx_in,
}
EXITS: dict[str, ExitFn] = {
    "newfstatat": _newfstatat_out, "fstat": _stat_out, "stat": _stat_out,
    "lstat": _stat_out, "openat": _fd_out, "open": _fd_out,
    "getdents64": _dents_out, "getdents": _dents_out, "statx": _statx_out,
}
