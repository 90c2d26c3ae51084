"""A stop, classified and acted on: what waitpid reported of a tracee, and what follows.

The wait status alone says little (_status.decode_status); with the thread's own state it
says which stop it is (facts from ptrace(2), under PTRACE_SEIZE):

* ``SIGTRAP | 0x80`` (TRACESYSGOOD) is a syscall stop: an entry, or the exit of the call
  whose entry the thread was resumed from with PTRACE_SYSCALL (``expect_exit``); which
  one, and the call's number, arguments and ABI, PTRACE_GET_SYSCALL_INFO tells;
* ``SIGTRAP | event << 8`` is an event stop: clone/fork/vfork (the new tracee's tid in
  the event message), exec (the former tid: an exec from a non-leader thread takes the
  leader's tid), exit (still examinable), seccomp (the prefilter: a call's entry, or,
  right after that call's syscall-entry-stop, the same call again);
* ``PTRACE_EVENT_STOP`` is a group-stop (with a stopping signal), the end of a
  ``PTRACE_LISTEN`` (SIGCONT), a ``PTRACE_INTERRUPT`` or a new tracee's first stop:
  told apart by the thread's own ``listening`` and ``interrupt_requested``;
* anything else is a signal-delivery-stop, unless it is the trap of our own
  ``PTRACE_SINGLESTEP``;
* a new thread's or child's first stop can come before its parent's clone event: it is
  kept in ``early`` until the parent claims it (or, the parent being killed, until we
  take it on ourselves: a killed thread never stops for its clone event);
* a child made with ``CLONE_PTRACE`` is traced by the kernel whatever our options, so one
  made by a tracee that does not follow forks stops for us with no clone event to claim
  it: it is detached at that first stop (strace: "Detached unknown pid").
"""

from __future__ import annotations

import ctypes
import os
import signal
import struct
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from . import _ffi, _policy
from ._arbiter import Arbiter
from ._args import Args
from ._cloop._slots import Slots
from ._doorbell import Doorbell
from ._events import (
    Clone, Continued, Exec, Exit, GroupStop, Interrupt, Signal, SingleStep, SyscallEntry,
    SyscallExit,
)
from ._ffi import Event, Req
from ._handoff import Handoff
from ._lifecycle import Lifecycle
from ._model import Proc, Thread, Tracees, wanted
from ._resume import Resumer
from ._spawn import proc_status
from ._status import StopKind, decode_status
from ._syscalls import (
    ABI_I386, ABIS, AUDIT_ARCH_X86_64, X32_SYSCALL_BIT, key_abi, key_nr, selector_keys,
    syscall_key,
)
from ._verdict import STEP, Decision, merge

if TYPE_CHECKING:
    from ._probes import Probes

_NR_EXECVE = 59
_MASK32 = 0xFFFFFFFF
_SYSCALL_STOP = ((signal.SIGTRAP | 0x80) << 8) | 0x7F   # waitpid status of a syscall stop
_SYSCALL = decode_status(_SYSCALL_STOP)                  # ... and what it decodes to
_SECCOMP_STOP = ((signal.SIGTRAP | (Event.SECCOMP << 8)) << 8) | 0x7F   # the prefilter's stop
_SECCOMP = decode_status(_SECCOMP_STOP)
# PTRACE_GET_SYSCALL_INFO's entry (arch, then nr and 6 arguments) and exit (rval) read
# straight from the buffer: a ctypes array made into a tuple costs about 0.9 us, this 0.1 us
_INFO_DATA = _ffi.SyscallInfo.entry.offset
_INFO_ARCH = _ffi.SyscallInfo.arch.offset
_ENTRY = struct.Struct("=I%dx7Q" % (_INFO_DATA - _INFO_ARCH - 4))
_RVAL = struct.Struct("=q")
_INFO_SIZE = ctypes.sizeof(_ffi.SyscallInfo)
_OP_ENTRY, _OP_EXIT, _OP_SECCOMP = (
    _ffi.SYSCALL_INFO_ENTRY, _ffi.SYSCALL_INFO_EXIT, _ffi.SYSCALL_INFO_SECCOMP)
# an x86-64 call whose number is below this (unsigned) is its own key (see _syscalls)
_PLAIN = X32_SYSCALL_BIT
_ARCH_X86_64 = AUDIT_ARCH_X86_64
_X86_64_ARG_REGS = ("rdi", "rsi", "rdx", "r10", "r8", "r9")
_I386_ARG_REGS = ("rbx", "rcx", "rdx", "rsi", "rdi", "rbp")
# execve and execveat of every ABI (their keys)
_EXECS = selector_keys("execve") | selector_keys("execveat")
_CLONE_EVENTS = (Event.CLONE, Event.FORK, Event.VFORK)
_GET_SYSCALL_INFO = int(Req.GET_SYSCALL_INFO)
_GETREGS = int(Req.GETREGS)
_CONT = int(Req.CONT)
_SIGTRAP = int(signal.SIGTRAP)
_DETACH = int(Req.DETACH)
_raw_ptrace = _ffi.raw_ptrace
_table_wanted = _policy.wanted


@dataclass(eq=False)
class Stops:
    """What the tracer thread does with each stop its loop collects."""

    tracees: Tracees
    arbiter: Arbiter
    lifecycle: Lifecycle
    resumer: Resumer
    handoff: Handoff
    slots: Slots
    bell: Doorbell
    _info: _ffi.SyscallInfo
    _tracer_tid: Callable[[], int]
    count: int = field(default=0, init=False)   # every waitpid report of a tracee handled here
    # (set by the tracer thread's composition)
    probes: Probes | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.threads = self.tracees.threads
        self._info_addr = ctypes.addressof(self._info)
        self._dispatch = self.arbiter.dispatch
        self._release_if_free = self.arbiter.release_if_free

    def handle(self, tid: int, status: int) -> None:
        """One report of waitpid (tid, status): classify it, then act."""
        if self.handoff.new_subs:
            self.arbiter.take_subscriptions()
        if tid == self.bell.pid:
            self.handoff.rung = False   # (a ring of a dead one is lost: commands are looked at next)
            self.bell.report(status)
            return
        self.count += 1
        th = self.threads.get(tid)
        if th is None:
            proc = self.tracees.procs.get(tid)
            if proc is not None and proc.detached:
                # a spawned child that we detached from: reap it for its wait()
                if not os.WIFSTOPPED(status):
                    self.lifecycle.proc_dead(proc, status)
                return
            if os.WIFSTOPPED(status) and not self._claimable(tid):
                # A child made with CLONE_PTRACE by a tracee that does not follow: the
                # kernel traces it (with the parent's options) though no clone event
                # will claim it. Let it go, as strace does ("Detached unknown pid").
                _raw_ptrace(_DETACH, tid, 0, 0)
                return
            # A new thread or child whose first stop came before its parent's
            # PTRACE_EVENT_CLONE/FORK: keep it aside until the parent claims it.
            self.tracees.early[tid] = status
            if self.tracees.dying:
                self._claim_early(tid)
            return
        self.slots.take(th)
        if (status & 0xFFFF) == _SYSCALL_STOP:
            stop = _SYSCALL   # the common case, without decode_status
        elif status == _SECCOMP_STOP:   # (its event is above the low 16 bits)
            stop = _SECCOMP   # (the prefilter's common case)
        else:
            stop = decode_status(status)
            if stop.kind is StopKind.EXITED or stop.kind is StopKind.KILLED:
                self.lifecycle.thread_dead(th, status)
                return
        if th.stopped:
            self.arbiter.abandon_stop(th)
        th.stopped = True
        th.gen += 1
        # set by the syscall entry this thread was last resumed from (see _syscall_stop)
        expecting_exit = th.expect_exit
        th.expect_exit = False
        proc = th.proc
        fam = proc.family
        kind, detail = stop.kind, stop.detail
        if th.detach_requested or fam.detaching:
            if kind is StopKind.EVENT and detail in _CLONE_EVENTS and fam.detaching:
                # the thread or child it made is traced too: take it on, so that the
                # family's detach reaches it (left, it would stay stopped, traced)
                if self._clone_child(th, detail) is None:
                    return
            self.lifecycle.detach_thread(th, detail if kind is StopKind.SIGNAL else 0)
            return
        if proc.pre_exec:
            self._pre_exec_stop(th, kind, detail)
            return
        if stop is _SYSCALL:
            self._syscall_stop(th, expecting_exit)
        elif kind is StopKind.SIGNAL:
            if (detail == _SIGTRAP and proc.space is not None and self.probes is not None
                    and self.probes.trap(th)):
                th.stepping = False
                return   # one of our breakpoints (_probes)
            if th.stepping and detail == signal.SIGTRAP:
                th.stepping = False   # the trap of our own PTRACE_SINGLESTEP: not a signal
                self._dispatch(th, SingleStep, None)
            else:
                th.stepping = False
                th.decision = Decision(signo=detail)
                info = b""
                if wanted(fam.subs, Signal, tid, None):
                    try:
                        info = _ffi.getsiginfo(tid)
                    except OSError:
                        pass   # killed meanwhile: its death is reported next
                self._dispatch(th, Signal, None, signo=detail, siginfo=info)
        elif kind is StopKind.EVENT:
            self._event_stop(th, detail, expecting_exit)
        elif kind is StopKind.GROUP_STOP:
            if th.interrupt_requested:
                th.interrupt_requested = False   # (this stop is one: none must come later)
                if th.listening:
                    # interrupt() of a thread in a group-stop (resumed with PTRACE_LISTEN):
                    # the kernel reports its trap as a group-stop, but it is the stop that
                    # was asked for; the thread stays in its group-stop
                    self._dispatch(th, Interrupt, None)
                    return
            th.listening = True
            if fam.held:
                # A process attached in a group-stop: its stop comes before anyone could
                # subscribe (attach() returns first). Reported at resume(), to the
                # streams opened by then, as strace reports it after "attached".
                th.held_stop = detail
                self._release_if_free(th)
                return
            self._dispatch(th, GroupStop, None, signo=detail)
        else:  # TRAP_STOP: PTRACE_INTERRUPT, first stop of a new tracee, or end of listen
            if th.listening:
                th.listening = False
                self._dispatch(th, Continued, None)
            elif th.interrupt_requested:
                th.interrupt_requested = False
                self._dispatch(th, Interrupt, None)
            else:
                self._release_if_free(th)

    def _claimable(self, tid: int) -> bool:
        """Whether the clone event of the tracee that made *tid* (unknown, stopped) can
        still come: its process (a thread's) or its parent (a child's; with CLONE_PARENT,
        the parent's parent) is traced by a family that follows, or, the maker not known,
        some family follows."""
        tgid, ppid = proc_status(tid, b"Tgid", b"PPid")
        if not tgid:
            return True   # gone: its death is reported next
        maker = self.tracees.procs.get(tgid if tgid != tid else ppid)
        if maker is not None:
            return maker.family.follow and not maker.detached
        return any(fam.follow for fam in self.tracees.families)

    def _syscall_stop(self, th: Thread, expecting_exit: bool = False) -> None:
        """*expecting_exit*: resumed from an entry with PTRACE_SYSCALL, so this stop is that
        call's exit. When nobody wants it (and no verdict must be applied there), the
        thread goes on at once, without PTRACE_GET_SYSCALL_INFO."""
        fam = th.proc.family
        if (expecting_exit and th.fake_return is None
                and not _table_wanted(fam.tables.exit, fam.subs, SyscallExit, th.tid, th.nr)):
            th.want_exit = False
            th.nr = None
            th.raw_args = None
            self._release_if_free(th)
            return
        info = self._info
        if not self.slots.info_read(th.tid) and _raw_ptrace(
                _GET_SYSCALL_INFO, th.tid, _INFO_SIZE, self._info_addr) == -1:
            return  # gone: its death is reported next
        op = info.op
        if op == _OP_ENTRY or op == _OP_SECCOMP:
            # (the seccomp variant has the same layout up to the arguments)
            th.expect_exit = True   # cleared when it is not resumed with PTRACE_SYSCALL
            vals = _ENTRY.unpack_from(info, _INFO_ARCH)   # arch, nr, then the 6 arguments
            nr = vals[1]
            if vals[0] == _ARCH_X86_64 and nr < _PLAIN:
                vals = vals[1:]   # an x86-64 call's key is its number (the common case)
            else:
                vals = _foreign(vals)   # its key, and its arguments as the kernel takes them
                nr = vals[0]
            th.nr = nr
            tid = th.tid
            subs = fam.subs
            if op == _OP_SECCOMP:
                th.want_exit = _table_wanted(fam.tables.exit, subs, SyscallExit, tid, nr)
            else:
                # A syscall-entry-stop goes on with PTRACE_SYSCALL, whatever the mode: its
                # next syscall stop is then this call's own, its exit or (with a
                # prefilter) its seccomp stop, which expect_exit tells from a new call's.
                th.want_exit = True
            if not _table_wanted(fam.tables.entry, subs, SyscallEntry, tid, nr):
                # nobody wants this entry: keep its raw arguments (for the exit's event,
                # made only if a stream wants it) and resume
                th.raw_args = vals
                th.args = ()
                self._release_if_free(th)
                return
            th.raw_args = None
            th.args = args = Args(vals[1:], nr, th.tid)
            if -0x80000000 <= nr < 0x80000000:
                self._dispatch(th, SyscallEntry, nr, nr=nr, args=args)
            else:
                self._dispatch(th, SyscallEntry, nr, nr=key_nr(nr), args=args,
                               abi=ABIS[key_abi(nr)])
        elif op == _OP_EXIT:
            th.want_exit = False
            key = th.nr
            rval = _RVAL.unpack_from(info, _INFO_DATA)[0]
            if key is None or (not expecting_exit and th.fake_return is None):
                # Not resumed from this call's entry: a fork, clone or exec event stop came
                # in between, or the entry did not stop at all (the thread ran with
                # PTRACE_CONT then, or was attached inside the call). th.nr is then this
                # call's, or another's (None, or an earlier call whose exit was not seen);
                # the kernel keeps the number in orig_rax, the arguments in their registers.
                regs = _ffi.UserRegs()
                if _raw_ptrace(_GETREGS, th.tid, 0, ctypes.addressof(regs)) == -1:
                    return  # gone: its death is reported next
                real = syscall_key(info.arch, regs.orig_rax)
                # (an exec into a program of another ABI renames the call to that ABI's
                # execve, for its return to user space: it is still the entry's call)
                if key is None or (key != real and not (key in _EXECS and real in _EXECS)):
                    key = real
                    th.args = ()
                    th.raw_args = _regs_args(real, regs)
            if th.fake_return is not None:
                rval = th.fake_return
                th.fake_return = None
                self.resumer.set_return(th, rval)
            th.nr = None
            exit_args = th.args
            if th.raw_args is not None:   # its entry was not dispatched (nobody wanted it)
                exit_args = Args(th.raw_args[1:], key, th.tid)
                th.raw_args = None
            if -0x80000000 <= key < 0x80000000:
                self._dispatch(th, SyscallExit, key, nr=key, args=exit_args, retval=rval)
            else:
                self._dispatch(th, SyscallExit, key, nr=key_nr(key), args=exit_args,
                               retval=rval, abi=ABIS[key_abi(key)])
        else:
            self._release_if_free(th)

    def _event_stop(self, th: Thread, event: int, expecting_exit: bool = False) -> None:
        if event in _CLONE_EVENTS:
            got = self._clone_child(th, event)
            if got is None:
                return
            child, clone_type, child_pid = got
            self._dispatch(
                th, Clone, None, child_pid=child_pid, child_tid=child, clone_type=clone_type
            )
        elif event == Event.EXEC:
            self._exec_stop(th)
        elif event == Event.SECCOMP:
            fam = th.proc.family
            if expecting_exit:
                # Resumed from this call's syscall-entry-stop, which came first (Linux >=
                # 4.8) and reported it. (Not full_stops: that may have changed since the
                # thread was resumed. A thread resumed with PTRACE_CONT while the prefilter
                # was enough stops here at a new call's entry even if every syscall must
                # stop now; one resumed from an entry while every syscall stopped comes
                # here for that call even if the prefilter is enough now.)
                th.want_exit = _table_wanted(fam.tables.exit, fam.subs, SyscallExit, th.tid,
                                             th.nr)
                th.expect_exit = True   # (cleared if it goes on with PTRACE_CONT)
                if th.stepping:   # the entry's singlestep() verdict: its trap comes next
                    th.decision = merge(th.decision, STEP)
                self._release_if_free(th)
            else:
                self._syscall_stop(th)      # the prefilter's stop is this call's entry
        elif event == Event.EXIT:
            try:
                st = _ffi.geteventmsg(th.tid)
            except OSError:
                st = 0
            th.exiting = True
            if st & 0x7F or th.tid == th.proc.pid:
                # killed, or the leader's end (a group exit takes every thread): a thread
                # of this process may have been inside clone() (not one that just ends)
                self._dying(th.proc)
            self._dispatch(th, Exit, None, status=st)
        else:  # VFORK_DONE, SECCOMP without interest
            self._release_if_free(th)

    def _clone_child(self, th: Thread, event: int) -> tuple[int, str, int] | None:
        """At *th*'s clone, fork or vfork event stop: the new tracee (its tid, clone type
        and pid), taken on; None if the message was lost (the thread was killed)."""
        try:
            child = _ffi.geteventmsg(th.tid)
        except OSError:
            child = -1   # (ESRCH: SIGKILL took the thread out of this stop)
        tgid = None
        if child >= 0 and child not in self.threads and child not in self.tracees.early:
            tgid, tracer = proc_status(child, b"Tgid", b"TracerPid")
            if tracer != self._tracer_tid():
                child = -1
        if child < 0:
            # Not a tracee of ours: the thread left this stop before we read its
            # message (SIGKILL: then it is on its way to its death or to its
            # PTRACE_EVENT_EXIT stop, whose message is its exit status). That comes
            # next (no resume here); the child it made is traced all the same.
            self._dying(th.proc)
            return None
        kid = self.threads.get(child)
        if kid is not None:   # (taken on already by _claim_early)
            return child, ("thread" if kid.proc is th.proc else
                           "vfork" if event == Event.VFORK else "fork"), kid.proc.pid
        return (child, *self._take_on(th, child, event, tgid))

    def _take_on(self, parent: Thread, child: int, event: int,
                 tgid: int | None) -> tuple[str, int]:
        """A new tracee made by *parent*, and its first stop if it came first."""
        clone_type, child_pid, early = self.lifecycle.new_tracee(parent, child, event, tgid)
        if self.probes is not None and (parent.probe is not None or parent.proc.space is not None):
            self.probes.cloned(parent, self.threads[child], clone_type)
        if early is not None:
            self.handle(child, early)
        return clone_type, child_pid

    def _exec_stop(self, th: Thread) -> None:
        proc = th.proc
        self.tracees.dying.discard(proc.pid)   # (its other threads' exit stops: it lives on)
        try:
            old_tid = _ffi.geteventmsg(th.tid)
        except OSError:
            old_tid = th.tid
        if old_tid != th.tid:
            # Exec from a non-leader thread: every other thread is gone and the exec'ing
            # thread now has the leader's tid (ptrace(2), "execve(2) under ptrace").
            mover = proc.threads.pop(old_tid, None)
            self.threads.pop(old_tid, None)
            if mover is not None:
                self.slots.drop(th)      # (the leader's: its tid is the mover's now)
                self.slots.move(mover, th.tid)
                mover.stopped = True
                mover.gen = th.gen
                proc.threads[th.tid] = mover
                self.threads[th.tid] = mover
                th = mover
        # Threads other than the exec'ing one are gone after a successful exec; their
        # deaths may or may not be reported: forget them now.
        for tid in [t for t in proc.threads if t != th.tid]:
            gone = proc.threads.pop(tid)
            self.threads.pop(tid, None)
            self.slots.drop(gone)
            gone.gen += 1
        if th.nr is None:
            th.nr = _NR_EXECVE
        if self.probes is not None and (proc.space is not None or proc.family.probes):
            self.probes.exec(th)   # (its breakpoints went with its memory)
        try:
            filename = os.readlink(f"/proc/{proc.pid}/exe")
        except OSError:
            filename = ""
        proc.exe = filename
        proc.execs += 1   # (what the process contexts keep is out of date: see _context)
        self._dispatch(th, Exec, None, filename=filename, old_tid=old_tid)

    def _pre_exec_stop(self, th: Thread, kind: StopKind, detail: int) -> None:
        """Stops of a spawned child between fork and the exec of the target."""
        if kind is StopKind.EVENT and detail == Event.EXEC:
            proc = th.proc
            proc.pre_exec = False
            self.lifecycle.child_memory.pop(proc.pid, None)   # (its own memory now)
            if proc.errpipe >= 0:
                os.close(proc.errpipe)
                proc.errpipe = -1
            th.nr = _NR_EXECVE
            fam = proc.family
            if fam.spawn_reply is not None:
                done, fam.spawn_reply = fam.spawn_reply, None
                self.handoff.reply(lambda: done(None))
            # The spawn hold: parked until resume(), so that streams opened now miss nothing.
            self._release_if_free(th)
            return
        sig = detail if kind is StopKind.SIGNAL else 0
        self.resumer.resume(th, sig, _CONT)

    def _dying(self, proc: Proc) -> None:
        """*proc* is being killed or ends: take on the children it made whose clone event
        will not come (see Tracees.dying), those already reported first."""
        dying = self.tracees.dying
        if proc.pid not in dying:
            dying.add(proc.pid)
            for tid in list(self.tracees.early):
                self._claim_early(tid)

    def _claim_early(self, tid: int) -> None:
        """Take on *tid*, whose stops wait in ``early``, if it is a thread or a child of a
        dying process."""
        dying = self.tracees.dying
        tgid, ppid = proc_status(tid, b"Tgid", b"PPid")
        if tgid != tid and tgid in dying:
            proc, event = self.tracees.procs.get(tgid), Event.CLONE
        elif tgid == tid and ppid in dying:
            proc, event = self.tracees.procs.get(ppid), Event.FORK
        else:
            return
        parent = None if proc is None else next(iter(proc.threads.values()), None)
        if parent is not None and tid in self.tracees.early:
            self._take_on(parent, tid, event, tgid)


def _foreign(vals: tuple[int, ...]) -> tuple[int, ...]:
    """(key, 6 arguments) of a syscall entry that is not a plain x86-64 call, from
    PTRACE_GET_SYSCALL_INFO's (arch, nr, 6 arguments): an i386 call (its arguments cut to
    the 32 bits the kernel takes), an x32 call, or an x86-64 number out of the int range
    or negative (see _syscalls)."""
    key = syscall_key(vals[0], vals[1])
    if key_abi(key) == ABI_I386:
        return (key, *[v & _MASK32 for v in vals[2:]])
    return (key, *vals[2:])


def _regs_args(key: int, regs: _ffi.UserRegs) -> tuple[int, ...]:
    """(key, 6 arguments) of call *key*, from the registers of a thread in it."""
    if key_abi(key) == ABI_I386:
        return (key, *[getattr(regs, r) & _MASK32 for r in _I386_ARG_REGS])
    return (key, *[getattr(regs, r) for r in _X86_64_ARG_REGS])


__all__ = ["Stops"]
