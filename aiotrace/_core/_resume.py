"""Resuming a stopped thread: the engines' decision applied, then the right ptrace request.

Facts this depends on (ptrace(2)):

* a thread resumed with ``PTRACE_SYSCALL`` stops again at its next syscall entry or exit;
  with ``PTRACE_CONT`` only at the next signal, event or seccomp stop (the prefilter);
  ``PTRACE_LISTEN`` lets a thread in a group-stop stay there while still reporting;
* a syscall is skipped by setting its number to -1 at its entry (``orig_rax``, or
  ``PTRACE_SET_SYSCALL_INFO`` since Linux 6.16); its return value is then written into
  ``rax`` at its exit stop, which is why a skipped call is resumed with PTRACE_SYSCALL;
* ``ESRCH`` from any request means the thread was killed in its stop (SIGKILL takes a
  thread out of any stop): its death is reported by waitpid next, never an error here.
"""

from __future__ import annotations

import ctypes
import errno
import os
from typing import TYPE_CHECKING

from . import _ffi
from ._args import Args
from ._events import SyscallExit
from ._ffi import Opt, Req
from ._model import Family, Thread, wanted
from ._syscalls import ABI_I386, key_abi, key_raw, make_key
from ._verdict import CLEAN, Decision, rewritten_args

if TYPE_CHECKING:
    from ._probes import Probes

_MASK64 = (1 << 64) - 1
_MASK32 = 0xFFFFFFFF
_X86_64_ARG_REGS = ("rdi", "rsi", "rdx", "r10", "r8", "r9")
_I386_ARG_REGS = ("rbx", "rcx", "rdx", "rsi", "rdi", "rbp")
SYSCALL_REQ, CONT_REQ, SINGLESTEP_REQ = int(Req.SYSCALL), int(Req.CONT), int(Req.SINGLESTEP)
_LISTEN_REQ = int(Req.LISTEN)
_OP_SECCOMP = 3   # PTRACE_SYSCALL_INFO_SECCOMP: a PTRACE_EVENT_SECCOMP stop
_raw_ptrace = _ffi.raw_ptrace


def gone_or_raise() -> bool:
    """After a failed ptrace request: False when the tracee was killed while stopped (its
    death is reported by waitpid next), else the error as an OSError."""
    err = ctypes.get_errno()
    if err == errno.ESRCH:
        return False
    raise OSError(err, os.strerror(err))


def try_request(req: int, tid: int, data: int) -> bool:
    """A ptrace request that may find the thread gone (False then)."""
    if _raw_ptrace(req, tid, 0, data) != -1:
        return True
    return gone_or_raise()


def exit_option(tid: int, fam: Family) -> None:
    """PTRACE_O_TRACEEXIT on exactly when a stream of *fam* wants Exit events: off, a
    thread's end costs one stop less, and no PTRACE_SETOPTIONS is needed on either side of
    a held stop (see _loop's all-held sleep)."""
    opts = fam.options if fam.want_exit else fam.options & ~Opt.TRACEEXIT
    try_request(int(Req.SETOPTIONS), tid, int(opts))


class Resumer:
    """Applies a stop's decision and resumes the thread. The C loop's variant
    (_cloop.CResumer) also hands the thread back to the C loop."""

    def __init__(self, info: _ffi.SyscallInfo) -> None:
        self._info = info          # (the buffer PTRACE_SET_SYSCALL_INFO goes through)
        self._set_info_ok = True   # the kernel has PTRACE_SET_SYSCALL_INFO (6.16+)
        self.probes: Probes | None = None   # (set by the tracer thread's composition)

    def go_on(self, th: Thread) -> None:
        """Resume *th*, which nothing holds any more, with its decision applied: the
        request that makes it stop where its family's streams need it to."""
        d = th.decision
        th.decision = CLEAN
        th.event = None
        sig = d.signo
        if sig and self._at_event_stop(th):
            # A prefiltered call's entry is a PTRACE_EVENT_SECCOMP stop, where the kernel
            # drops a restart's signal: it is sent as a signal of its own (SI_TKILL, where
            # a syscall stop's restart gives SI_KERNEL), pending as the call goes on.
            try:
                _ffi.tgkill(th.proc.pid, th.tid, sig)
            except OSError:
                pass   # (gone: its death comes next)
            sig = 0
        tp = th.probe
        if tp is not None and tp.hit is not None and self.probes is not None:
            d = self.probes.apply(th, d)   # a breakpoint's stop: its verdicts (_probes)
        elif d is not CLEAN:
            if d.skip_return is not None or d.nr is not None or d.args is not None:
                self.rewrite_entry(th, d)
            if d.set_return is not None:
                self.set_return(th, d.set_return)
        if th.listening:
            self.resume(th, 0, _LISTEN_REQ)
            return
        if th.proc.family.full_stops or th.want_exit or th.fake_return is not None:
            req = SYSCALL_REQ
        else:
            req = CONT_REQ
            th.expect_exit = False
        if d.singlestep:
            req = SINGLESTEP_REQ
            th.stepping = True
            # (expect_exit as it was: stepped on from a syscall-entry-stop, the thread
            # may stop at that call's seccomp stop before the step's trap)
        self.resume(th, sig, req)

    def _at_event_stop(self, th: Thread) -> bool:
        """Whether *th* is in a seccomp stop (a PTRACE_EVENT stop) rather than a syscall
        or signal stop, whose restart delivers a signal."""
        try:
            return _ffi.get_syscall_info(th.tid, self._info) == _OP_SECCOMP
        except OSError:
            return False

    def resume(self, th: Thread, sig: int, req: int) -> None:
        """Resume *th* with ptrace request *req*, delivering signal *sig* (0: none)."""
        th.stopped = False
        th.gen += 1
        fam = th.proc.family
        if th.exit_off == fam.want_exit:
            exit_option(th.tid, fam)
            th.exit_off = not fam.want_exit
        if _raw_ptrace(req, th.tid, 0, sig) == -1:
            gone_or_raise()

    def rewrite_entry(self, th: Thread, d: Decision) -> None:
        """Skip the syscall (number -1) or change its number and arguments, at its entry.
        A new number is one of the call's own ABI (an i386 call stays an i386 call); the
        argument registers are the ABI's (ebx, ecx... for i386)."""
        key = th.nr if th.nr is not None else 0
        abi = key_abi(key)
        if d.skip_return is not None:
            raw: int | None = -1
            args: tuple[int, ...] | None = None
            th.fake_return = d.skip_return   # written into rax at the exit stop
        else:
            nr, args = d.nr, d.args
            raw = None
            if nr is not None:
                th.nr = key = make_key(abi, nr)
                raw = key_raw(key)
                if not th.want_exit:
                    # (prefiltered: whether the exit stops was decided for the old number)
                    th.want_exit = wanted(th.proc.family.subs, SyscallExit, th.tid, key)
            if args is not None and abi == ABI_I386:
                args = tuple(a & _MASK32 for a in args)
            if args is not None or nr is not None:
                full = th.args if args is None else rewritten_args(tuple(th.args), args)
                th.args = Args(tuple(full), key, th.tid)
        if self._set_info_ok and self._set_syscall_info(th, raw, args):
            return
        try:
            regs = _ffi.getregs(th.tid)
        except OSError:
            return
        if raw is not None:
            regs.orig_rax = raw & _MASK64
        if args is not None:
            names = _I386_ARG_REGS if abi == ABI_I386 else _X86_64_ARG_REGS
            for name, value in zip(names, args, strict=False):
                setattr(regs, name, value & _MASK64)
        try:
            _ffi.setregs(th.tid, regs)
        except OSError:
            pass

    def _set_syscall_info(self, th: Thread, nr: int | None, args: tuple[int, ...] | None) -> bool:
        """PTRACE_SET_SYSCALL_INFO (Linux 6.16+); False when the kernel lacks it."""
        info = self._info
        try:
            if _ffi.get_syscall_info(th.tid, info) != _ffi.SYSCALL_INFO_ENTRY:
                return False
            if nr is not None:
                info.entry.nr = nr & _MASK64
            if args is not None:
                for i, value in enumerate(args[:6]):
                    info.entry.args[i] = value & _MASK64
            _ffi.ptrace(Req.SET_SYSCALL_INFO, th.tid, ctypes.sizeof(info), ctypes.addressof(info))
            return True
        except OSError as exc:
            if exc.errno in (errno.EIO, errno.EINVAL, errno.EOPNOTSUPP):
                self._set_info_ok = False
                return False
            return True  # ESRCH: gone, nothing to rewrite

    def set_return(self, th: Thread, value: int) -> None:
        """The call's return value, at its exit stop (rax)."""
        try:
            regs = _ffi.getregs(th.tid)
            regs.rax = value & _MASK64
            _ffi.setregs(th.tid, regs)
        except OSError:
            pass


__all__ = [
    "CONT_REQ", "SINGLESTEP_REQ", "SYSCALL_REQ", "Resumer", "exit_option", "gone_or_raise",
    "try_request",
]
