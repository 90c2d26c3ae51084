# SPDX-License-Identifier: GPL-2.0-or-later
"""How calls of the other ABIs are printed: i386 (``int $0x80``, a 32-bit program) and x32.

The syscall table has their rows (see aiotrace._core._systable); this module has the
printers only they use.

An i386 call's arguments are 32-bit registers (the tracer hands them over cut to their low
32 bits), its pointers are 32 bits, and many of its structures are laid out otherwise than
x86-64's (``struct stat64``, ``timespec`` of the calls without ``_time64``, ``iovec``,
``sigaction``, ``siginfo``...). So the i386 rows decode what does not depend on that
layout, as strace does: integers, descriptors, strings and paths, flags, buffers, socket
addresses, and the structures whose layout is the same (``statx``, ``open_how``,
``epoll_event``, ``pollfd``, ``rlimit64``, the ``_time64`` calls' 64-bit times); a
structure it does not decode is shown as its address (``raw_out``: ``fstat64(3,
0xffd2c0a0)``), never decoded with x86-64's layout. A call whose i386 row is ``raw`` prints
its arguments in hex; one whose row is x86-64's too is printed as x86-64 prints it, longs
being 32 bits (see _specs).

An x32 call with a number below 512 runs x86-64's own handler, with x86-64's structures:
it is printed as x86-64 prints it (the same row). The x32 calls from 512 on (``readv``,
``execve``, ``rt_sigaction``...) use the 32-bit structures: their rows are ``raw``.
"""

from __future__ import annotations

from . import _structs as S
from . import _xlat as X
from ._ctx import Ctx
from ._files import _fcntl_entry, _fcntl_exit, _fcntl_ret, ioctl_request
from ._kinds import Kind, Spec, out
from ._process import _clone_entry, _clone_exit
from ._xlat import hexa, ptr, s32, u32

# the output of a structure not decoded: its address, at the exit (as strace splits the line)
RAW_OUT = out(lambda c, i: ptr(c.args[i]))
# a 16-bit uid or gid (chown, setuid... without 32): -1 is 0xffff
UID16 = Kind(lambda c, i: "-1" if c.args[i] & 0xFFFF == 0xFFFF else str(c.args[i] & 0xFFFF))
ARGV32 = Kind(lambda c, i: S.string_array(c, c.args[i], word=4))
ENVP32 = Kind(lambda c, i: S.count_array(c, c.args[i], "var", word=4))
_LEFT_OUT = Kind(lambda c, i: None)


def _off64(low_first: bool) -> Kind:
    """A 64-bit offset in two registers, this one and the next (left out)."""
    def fn(c: Ctx, i: int) -> str:
        a, b = u32(c.args[i]), u32(c.args[i + 1])
        v = (b << 32 | a) if low_first else (a << 32 | b)
        return str(v - (1 << 64) if v >> 63 else v)
    return Kind(fn)


OFF64_LO_HI = _off64(True)
OFF64_HI_LO = _off64(False)
# _llseek's result: a loff_t the kernel writes
LOFF_OUT = out(lambda c, i: c.struct(c.args[i], "<q", lambda v: "[%d]" % v))

_F_LOCKS = {5, 6, 7, 36, 37, 38}   # F_GETLK... F_OFD_SETLKW: struct flock, 32-bit layouts


def _fcntl32_entry(c: Ctx) -> str:
    cmd = s32(c.args[1])
    if cmd in _F_LOCKS:
        head = "%s, %s" % (c.fd(c.args[0]), X.xval(cmd, X.FCNTL_CMDS, "F_???"))
        return head + (", " if cmd in (5, 36) else ", " + ptr(c.args[2]))
    return _fcntl_entry(c)


def _fcntl32_exit(c: Ctx, entry: str) -> str:
    if s32(c.args[1]) in (5, 36):
        return entry + ptr(c.args[2])
    return _fcntl_exit(c, entry)


def _ioctl32_entry(c: Ctx) -> str:
    # the request's name, which is a number; its argument's layout may differ: raw
    return "%s, %s, %s" % (c.fd(c.args[0]), ioctl_request(c.args[1]), hexa(c.args[2]))


def _clone32_exit(c: Ctx, entry: str) -> str:
    # i386's clone(flags, stack, parent_tid, tls, child_tid): x86-64 swaps the last two
    a = c.args
    c.args = (a[0], a[1], a[2], a[4], a[3], a[5])
    try:
        return _clone_exit(c, entry)
    finally:
        c.args = a


# the names the syscall table gives these (see _specs)
KINDS: dict[str, Kind] = {
    "argv32": ARGV32, "envp32": ENVP32, "high_half": _LEFT_OUT, "loff_out": LOFF_OUT,
    "off64_hi_lo": OFF64_HI_LO, "off64_lo_hi": OFF64_LO_HI, "raw_out": RAW_OUT,
    "uid16": UID16,
}
DECODERS = {
    "clone32": Spec(entry=_clone_entry, exit=_clone32_exit),
    "fcntl32": Spec(ret=_fcntl_ret, entry=_fcntl32_entry, exit=_fcntl32_exit),
    "ioctl32": Spec(entry=_ioctl32_entry),
}
