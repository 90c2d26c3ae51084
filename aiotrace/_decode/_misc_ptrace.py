# SPDX-License-Identifier: GPL-2.0-or-later
"""ptrace, as strace 6.1 prints it on x86-64.

The request says which of the other arguments are printed and how: the pid always (but
for PTRACE_TRACEME), then the address and the data, each by a printer of ``_ADDR`` and
``_DATA`` (by default their address). The data the kernel writes (a word, an event
message, a siginfo, a signal mask, siginfos, a seccomp filter, a syscall's information,
registers) is printed at exit: ``_OUT``. The register requests print the registers in
place of the address (x86-64's PTRACE_GETREGS takes them in data); a register set
(PTRACE_GETREGSET, PTRACE_SETREGSET) is an iovec whose length the kernel updates,
printed ``iov_len=OLD => NEW`` when it changed. The registers and the x87/SSE state are
printed as far as the size given reaches.
"""

from __future__ import annotations

import struct
from typing import Callable, Optional

from . import _pidns
from . import _structs as S
from ._siginfo import AUDIT_ARCHES, siginfo, syscall_nr
from . import _xlat_ptrace as XT
from ._cbpf import filter_array
from ._ctx import Ctx
from ._kinds import Spec
from ._misc import array
from ._style import RAW, VERBOSE, combine
from ._style import get as _style_now
from ._xlat import ERRNO_NAMES, flags, hexa, ptr, s32, signame, xval
from ._xlat_prctl import SECCOMP_FILTER_FLAGS

Arg = Callable[[Ctx], str]
_SIZEOF_USER = 912

# -- the registers ------------------------------------------------------------------

_REGS = ("r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx",
         "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base",
         "gs_base", "ds", "es", "fs", "gs")
REGS_SIZE = 8 * len(_REGS)      # struct user_regs_struct
# struct user_fpregs_struct: the scalars (name, offset, struct format), then the arrays
_FP_SCALARS = (("cwd", 0, "H"), ("swd", 2, "H"), ("ftw", 4, "H"), ("fop", 6, "H"),
               ("rip", 8, "Q"), ("rdp", 16, "Q"), ("mxcsr", 24, "I"), ("mxcr_mask", 28, "I"))
_FP_ARRAYS = (("st_space", 32, 32), ("xmm_space", 160, 64), ("padding", 416, 24))
FPREGS_SIZE = 512


def _fields_upto(c: Ctx, addr: int, size: int, full: int,
                 fields: Callable[[bytes], list[str]]) -> str:
    """A register structure of which the caller gives *size* bytes: the fields in the
    bytes read (at most *full*), then ``...`` when *size* is larger; its address when
    *size* is 0 or not a multiple of 8, or when the bytes cannot be read."""
    if not size or size & 7 or (c.exiting and c.failed):
        return ptr(addr)
    data = c.read(addr, min(size, full)) if addr else None
    if data is None:
        return ptr(addr)
    return "{%s}" % ", ".join(fields(data) + (["..."] if size > full else []))


def regs(c: Ctx, addr: int, size: int = REGS_SIZE) -> str:
    """struct user_regs_struct (NT_PRSTATUS), all in hex."""
    def fields(data: bytes) -> list[str]:
        vals = struct.unpack_from("<%dQ" % (len(data) // 8), data)
        return ["%s=%s" % (_REGS[i], hexa(v)) for i, v in enumerate(vals)]
    return _fields_upto(c, addr, size, REGS_SIZE, fields)


def fpregs(c: Ctx, addr: int, size: int = FPREGS_SIZE) -> str:
    """struct user_fpregs_struct (NT_FPREGSET): its arrays as far as the bytes read."""
    def fields(data: bytes) -> list[str]:
        out = ["%s=%s" % (name, hexa(struct.unpack_from("<" + fmt, data, off)[0]))
               for name, off, fmt in _FP_SCALARS if off < len(data)]
        for name, off, most in _FP_ARRAYS:
            if off < len(data):
                n = min((len(data) - off) // 4, most)
                words = struct.unpack_from("<%dI" % n, data, off)
                out.append("%s=[%s]" % (name, ", ".join(map(hexa, words))))
        return out
    return _fields_upto(c, addr, size, FPREGS_SIZE, fields)


def _regset(c: Ctx, base: int, length: int) -> str:
    nt = XT.NT_TYPES.get(c.args[2])
    if nt == "NT_PRSTATUS":
        return regs(c, base, length)
    if nt == "NT_FPREGSET":
        return fpregs(c, base, length)
    return ptr(base)


def _iovec(c: Ctx) -> Optional[tuple[int, int]]:
    got = c.unpack("<QQ", c.args[3]) if c.args[3] else None
    return None if got is None else (got[0], got[1])


def _getregset_entry(c: Ctx) -> str:
    iov = _iovec(c)
    if iov is None:
        return ptr(c.args[3])
    c.saved["ptrace_len"] = iov[1]
    return ""


def _getregset_exit(c: Ctx) -> str:
    old = c.saved.get("ptrace_len")
    if old is None:
        return ""
    iov = _iovec(c)
    if iov is None:
        return ptr(c.args[3])
    length = "%d" % old if old == iov[1] else "%d => %d" % (old, iov[1])
    return "{iov_base=%s, iov_len=%s}" % (_regset(c, iov[0], iov[1]), length)


def _setregset_entry(c: Ctx) -> str:
    iov = _iovec(c)
    if iov is None:
        return ptr(c.args[3])
    c.saved["ptrace_len"] = iov[1]
    return "{iov_base=%s, iov_len=%d" % (_regset(c, iov[0], iov[1]), iov[1])


def _setregset_exit(c: Ctx) -> str:
    old = c.saved.get("ptrace_len")
    if old is None:
        return ""
    iov = _iovec(c)
    return (" => %d" % iov[1] if iov is not None and iov[1] != old else "") + "}"


# -- the other structures -------------------------------------------------------------

def _user_offset(v: int) -> str:
    """An offset in struct user: ``8*RAX``, ``offsetof(struct user, u_debugreg)+8``."""
    names = [(off, name) for off, name in XT.USER_REGS.items()]
    names += [(off, "offsetof(struct user, %s)" % name) for off, name in XT.USER_FIELDS.items()]
    names.append((_SIZEOF_USER, "sizeof(struct user)"))
    base, name = max((pair for pair in names if pair[0] <= v), default=(0, ""))
    if not name or (v > base == _SIZEOF_USER):
        return ptr(v)
    text = name + ("+%d" % (v - base) if v != base else "")
    return combine(ptr(v), text) if _style_now() else text


def _peeksiginfo_args(c: Ctx) -> str:
    return c.fields(c.args[2], "<QII", lambda off, fl, nr: "{off=%d, flags=%s, nr=%d}" % (
        off, flags(fl, XT.PTRACE_PEEKSIGINFO_FLAGS, "PTRACE_PEEKSIGINFO_???"), nr))


def _siginfos(c: Ctx) -> str:
    addr, k = c.args[3], [0]

    def render(_b: bytes) -> str:
        k[0] += 1
        return siginfo(c, addr + 128 * (k[0] - 1))
    return array(c, addr, c.retval or 0, 128, render)


def _metadata_entry(c: Ctx) -> str:
    size, addr = c.args[2], c.args[3]
    got = c.unpack("<Q", addr) if size >= 8 and addr else None
    if got is None:
        return ptr(addr)
    c.saved["ptrace_md"] = True
    return "{filter_off=%d" % got[0]


def _metadata_exit(c: Ctx) -> str:
    if not c.saved.get("ptrace_md"):
        return ""
    size = (c.retval or 0) & 0xFFFFFFFFFFFFFFFF
    if c.failed or size <= 8:
        return "}"
    got = c.unpack("<Q", c.args[3] + 8) if size >= 16 else None
    if got is None:
        return ", ???}"
    more = ", ..." if size > 16 else ""
    return ", flags=%s%s}" % (flags(got[0], SECCOMP_FILTER_FLAGS, "SECCOMP_FILTER_FLAG_???"),
                              more)


def _rval_error(rval: int) -> str:
    """A syscall's return value that is an error: ``-ENOENT``."""
    name = ERRNO_NAMES.get(-rval)
    if name is None or _style_now() == RAW:
        return str(rval)
    return "%d /* -%s */" % (rval, name) if _style_now() == VERBOSE else "-" + name


def _syscall_info(c: Ctx) -> str:
    """struct ptrace_syscall_info, as far as the kernel wrote it and the caller asked."""
    addr, user_len = c.args[3], c.args[2]
    size = min(user_len, (c.retval or 0) & 0xFFFFFFFFFFFFFFFF, 84)
    data = c.read(addr, size) if size and addr else None
    if data is None:
        return ptr(addr)
    data += bytes(84 - len(data))
    op, arch, ip, sp = struct.unpack_from("<B3xIQQ", data)
    fields = ["op=" + xval(op, XT.PTRACE_SYSCALL_INFO_OPS, "PTRACE_SYSCALL_INFO_???")]
    if size >= 8:
        fields.append("arch=" + xval(arch, AUDIT_ARCHES, "AUDIT_ARCH_???"))
    fields += ["instruction_pointer=" + ptr(ip)] if size >= 16 else []
    fields += ["stack_pointer=" + ptr(sp)] if size >= 24 else []
    kind = XT.PTRACE_SYSCALL_INFO_OPS.get(op)
    if size >= 32 and kind in ("PTRACE_SYSCALL_INFO_ENTRY", "PTRACE_SYSCALL_INFO_SECCOMP"):
        nr, *args = struct.unpack_from("<7Q", data, 24)
        call = ["nr=" + syscall_nr(nr, arch)]
        nargs = min((size - 32) // 8, 6)
        call += ["args=[%s]" % ", ".join(map(hexa, args[:nargs]))] if nargs else []
        if kind == "PTRACE_SYSCALL_INFO_SECCOMP" and size >= 84:
            call.append("ret_data=%d" % struct.unpack_from("<I", data, 80)[0])
        fields.append("%s={%s}" % ("entry" if kind.endswith("ENTRY") else "seccomp",
                                   ", ".join(call)))
    elif size >= 32 and kind == "PTRACE_SYSCALL_INFO_EXIT":
        rval, is_error = struct.unpack_from("<qB", data, 24)
        full = size >= 33
        call = ["rval=" + (_rval_error(rval) if full and is_error else str(rval))]
        call += ["is_error=%d" % is_error] if full else []
        fields.append("exit={%s}" % ", ".join(call))
    return "{%s}" % ", ".join(fields)


def _word(c: Ctx, show: Callable[[int], str]) -> str:
    """A word the kernel wrote: ``[VALUE]``."""
    if c.failed:
        return ptr(c.args[3])
    got = c.unpack("<Q", c.args[3]) if c.args[3] else None
    return ptr(c.args[3]) if got is None else "[%s]" % show(got[0])


def _out(fn: Arg) -> Arg:
    """A structure the kernel writes: its address when the call failed."""
    return lambda c: ptr(c.args[3]) if c.failed else fn(c)


# -- the table ---------------------------------------------------------------------

_NO_ARGS = ("PTRACE_TRACEME",)
_PID_ONLY = ("PTRACE_ATTACH", "PTRACE_INTERRUPT", "PTRACE_KILL", "PTRACE_LISTEN")
_RESUME = ("PTRACE_CONT", "PTRACE_DETACH", "PTRACE_SYSCALL", "PTRACE_SINGLESTEP",
           "PTRACE_SINGLEBLOCK", "PTRACE_SYSEMU", "PTRACE_SYSEMU_SINGLESTEP")
_DECIMAL_ADDR = ("PTRACE_GETSIGMASK", "PTRACE_SETSIGMASK", "PTRACE_SECCOMP_GET_FILTER",
                 "PTRACE_SECCOMP_GET_METADATA", "PTRACE_GET_SYSCALL_INFO")

_ADDR: dict[str, Arg] = {
    "PTRACE_PEEKUSER": lambda c: _user_offset(c.args[2]),
    "PTRACE_POKEUSER": lambda c: _user_offset(c.args[2]),
    "PTRACE_GETREGSET": lambda c: xval(c.args[2], XT.NT_TYPES, "NT_???"),
    "PTRACE_SETREGSET": lambda c: xval(c.args[2], XT.NT_TYPES, "NT_???"),
    "PTRACE_PEEKSIGINFO": _peeksiginfo_args,
    **{name: (lambda c: str(c.args[2])) for name in _DECIMAL_ADDR},
}
_DATA: dict[str, Arg] = {
    **{name: (lambda c: signame(c.args[3])) for name in _RESUME},
    **{name: (lambda c: flags(c.args[3], XT.PTRACE_OPTIONS, "PTRACE_O_???"))
       for name in ("PTRACE_SEIZE", "PTRACE_SETOPTIONS", "PTRACE_OLDSETOPTIONS")},
    "PTRACE_SETSIGINFO": lambda c: siginfo(c, c.args[3]),
    "PTRACE_SETSIGMASK": lambda c: S.sigset(c, c.args[3], c.args[2]),
    "PTRACE_GETREGSET": _getregset_entry,
    "PTRACE_SETREGSET": _setregset_entry,
    "PTRACE_SECCOMP_GET_METADATA": _metadata_entry,
}
# what the kernel writes, printed at exit (with -e verbose=: the address at entry)
_OUT: dict[str, Arg] = {
    "PTRACE_PEEKDATA": lambda c: _word(c, ptr), "PTRACE_PEEKTEXT": lambda c: _word(c, ptr),
    "PTRACE_PEEKUSER": lambda c: _word(c, ptr),
    "PTRACE_GETEVENTMSG": lambda c: _word(c, str),
    "PTRACE_GETSIGINFO": _out(lambda c: siginfo(c, c.args[3])),
    "PTRACE_GETSIGMASK": _out(lambda c: S.sigset(c, c.args[3], c.args[2])),
    "PTRACE_PEEKSIGINFO": _siginfos,
    "PTRACE_SECCOMP_GET_FILTER": lambda c: filter_array(
        c, c.args[3], (c.retval or 0) & 0xFFFF, seccomp=True),
    "PTRACE_GET_SYSCALL_INFO": _syscall_info,
}
# the ones that go on at exit whatever -e verbose= says
_SPLIT: dict[str, Arg] = {
    "PTRACE_GETREGSET": _getregset_exit, "PTRACE_SETREGSET": _setregset_exit,
    "PTRACE_SECCOMP_GET_METADATA": _metadata_exit,
    "PTRACE_GETREGS": lambda c: regs(c, c.args[3]),
    "PTRACE_GETFPREGS": lambda c: fpregs(c, c.args[3]),
}
_REGS_IN: dict[str, Arg] = {
    "PTRACE_SETREGS": lambda c: regs(c, c.args[3]),
    "PTRACE_SETFPREGS": lambda c: fpregs(c, c.args[3]),
    "PTRACE_GETREGS": lambda c: "", "PTRACE_GETFPREGS": lambda c: "",
}


def _request(c: Ctx) -> str:
    return XT.PTRACE_REQUESTS.get(c.args[0], "")


def _entry(c: Ctx) -> str:
    name = _request(c)
    text = xval(c.args[0], XT.PTRACE_REQUESTS, "PTRACE_???")
    if name in _NO_ARGS:
        return text
    text += ", " + _pidns.pid(s32(c.args[1]), _pidns.TGID)
    if name in _PID_ONLY:
        return text
    regs_in = _REGS_IN.get(name)
    if regs_in is not None:
        return text + ", " + regs_in(c)
    addr = _ADDR.get(name)
    text += ", " + (ptr(c.args[2]) if addr is None else addr(c))
    data = _DATA.get(name)
    if data is not None:
        return text + ", " + data(c)
    if name in _OUT and c.verbose:
        return text + ", "
    return text + ", " + ptr(c.args[3])


def _exit(c: Ctx, entry: str) -> str:
    name = _request(c)
    split = _SPLIT.get(name)
    if split is not None:
        return entry + split(c)
    out = _OUT.get(name)
    if out is None or not c.verbose:
        return entry
    return entry + out(c)


DECODERS = {"ptrace": Spec(entry=_entry, exit=_exit)}
