# SPDX-License-Identifier: GPL-2.0-or-later
"""A ``siginfo_t`` as strace prints it (signal stops, waitid, rt_sigqueueinfo, ptrace's
PTRACE_GETSIGINFO...), and the system call numbers of the ABIs seccomp, ptrace and a
SIGSYS name (``__NR_read``, ``3 /* read */``)."""

from __future__ import annotations

import struct
from typing import Optional

from . import _pidns
from . import _xlat as X
from .._core._syscalls import AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, NAMES_BY_ABI, X32_SYSCALL_BIT
from ._ctx import Ctx
from ._structs import clock_t
from ._style import RAW, combine
from ._style import get as _style_now
from ._xlat import hexa, ptr, s32, xval

_SI_TKILL, _SI_TIMER, _SI_SIGIO = -6, -2, -5
_SIGS_WITH_ADDR = (4, 5, 7, 8, 11)        # SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV
AUDIT_ARCHES = {AUDIT_ARCH_X86_64: "AUDIT_ARCH_X86_64", AUDIT_ARCH_I386: "AUDIT_ARCH_I386"}


def _call_name(nr: int, arch: int) -> Optional[tuple[str, bool]]:
    """The name of call *nr* of the ABI of *arch*, and whether that is the tracee's own
    (x86-64: then strace names it ``__NR_name``)."""
    if arch == AUDIT_ARCH_X86_64:
        name = NAMES_BY_ABI[0].get(nr)
        if name is not None:
            return name, True
        if nr & X32_SYSCALL_BIT:
            name = NAMES_BY_ABI[2].get(nr & ~X32_SYSCALL_BIT)
            return None if name is None else (name, False)
        return None
    if arch == AUDIT_ARCH_I386:
        name = NAMES_BY_ABI[1].get(nr)
        return None if name is None else (name, False)
    return None


def syscall_nr(nr: int, arch: int) -> str:
    """A syscall number of the ABI of the audit architecture *arch* (seccomp's, ptrace's
    and a SIGSYS's): ``__NR_read``, a call of another ABI ``3 /* read */``."""
    got = _call_name(nr, arch)
    st = _style_now()
    if got is None or st == RAW:
        return str(nr)
    name, own = got
    if own and not st:
        return "__NR_" + name
    return "%d /* %s%s */" % (nr, "__NR_" if own else "", name)


def _sigfault_more(data: bytes, signo: int, code: int) -> list[str]:
    """What follows si_addr for some codes: the address's lowest bit of a machine check
    (SIGBUS), the bounds of a bound check, the protection key (SIGSEGV)."""
    if signo == 7 and code in (4, 5):   # BUS_MCEERR_AR, BUS_MCEERR_AO
        return ["si_addr_lsb=%s" % hexa(struct.unpack_from("<h", data, 24)[0] & 0xFFFF)]
    if signo == 11 and code == 3:       # SEGV_BNDERR
        lower, upper = struct.unpack_from("<QQ", data, 32)
        return ["si_lower=%s" % ptr(lower), "si_upper=%s" % ptr(upper)]
    if signo == 11 and code == 4:       # SEGV_PKUERR
        return ["si_pkey=%d" % struct.unpack_from("<I", data, 32)[0]]
    return []


def siginfo(ctx: Ctx, addr: int) -> str:
    if addr == 0:
        return "NULL"
    data = ctx.read(addr, 128)   # (all of a siginfo_t, or its address, as strace)
    if data is None:
        return hexa(addr)
    signo, err, code = struct.unpack_from("<iii", data)
    if signo == 0:
        return "{}"
    # the generic codes first (SI_USER, SI_KERNEL, ...), then the signal's own
    # (in the -X style of the moment; one no table names in hex, as an unsigned int)
    code_name = combine(hexa(code & 0xFFFFFFFF),
                        X.SI_CODES.get(code) or X.si_code_names(signo).get(code))
    parts = ["si_signo=%s" % X.signame(signo), "si_code=%s" % code_name]
    if err:
        err &= 0xFFFFFFFF
        parts.append("si_errno=%s" % combine(str(err), X.ERRNO_NAMES.get(err)))
    pid, uid = struct.unpack_from("<iI", data, 16)
    sigval = struct.unpack_from("<Q", data, 24)[0]
    source = ["si_pid=%s" % _pidns.pid(pid, _pidns.TGID),
              "si_uid=%d" % (-1 if uid == 0xFFFFFFFF else uid)]
    value = ["si_int=%d" % s32(sigval), "si_ptr=%s" % ptr(sigval)]
    if code <= 0:   # sent by a process (kill, sigqueue, a POSIX timer, ...)
        if code == _SI_TIMER:
            timerid, overrun = struct.unpack_from("<ii", data, 16)
            parts += ["si_timerid=%s" % hexa(timerid & 0xFFFFFFFF), "si_overrun=%d" % overrun]
            parts += value
        elif code == _SI_SIGIO:
            band, fd = struct.unpack_from("<qi", data, 16)
            parts += ["si_band=%d" % band, "si_fd=%s" % ctx.fd(fd)]
        else:
            parts += source
            if code != 0 and code != _SI_TKILL and sigval:
                parts += value
    elif signo == 17:   # SIGCHLD
        status, utime, stime = struct.unpack_from("<i4xqq", data, 24)
        st = str(status) if code == 1 else X.signame(status)
        parts += source + ["si_status=%s" % st, "si_utime=%s" % clock_t(utime),
                           "si_stime=%s" % clock_t(stime)]
    elif signo in _SIGS_WITH_ADDR:
        parts.append("si_addr=%s" % ptr(struct.unpack_from("<Q", data, 16)[0]))
        parts += _sigfault_more(data, signo, code)
    elif signo == 29:   # SIGIO: band and fd for POLL_IN, POLL_OUT and POLL_MSG only
        if code in (1, 2, 3):
            band, fd = struct.unpack_from("<qi", data, 16)
            parts += ["si_band=%d" % band, "si_fd=%s" % ctx.fd(fd)]
    elif signo == 31:   # SIGSYS (seccomp's SECCOMP_RET_TRAP)
        call_addr, nr, arch = struct.unpack_from("<QiI", data, 16)
        parts += ["si_call_addr=%s" % ptr(call_addr),
                  "si_syscall=%s" % syscall_nr(nr & 0xFFFFFFFF, arch),
                  "si_arch=%s" % xval(arch, AUDIT_ARCHES, "AUDIT_ARCH_???")]
    else:
        if pid or uid:
            parts += source
        if sigval:
            parts += value
    return "{" + ", ".join(parts) + "}"
