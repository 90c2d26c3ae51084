# SPDX-License-Identifier: GPL-2.0-or-later
"""The tracer-thread half of the printer: strace's decoding of each stop, at the stop.

``Decoder.capture`` is the ``capture=`` function of the printer's stream: it runs on the
tracer thread while the traced thread is stopped, so it reads the tracee's memory (and,
with ``-y``, ``/proc/PID/fd``) at the stop, as strace does, and returns the decoded text
(``event.captured``). It keeps only what decoding needs: the entry text of each call in
progress, for its exit. The printers of ``_output`` lay that text out, on the event loop.

``execve_text`` formats the spawned program's first execve, whose entry comes before
tracing starts, from the arguments it is given.
"""

from __future__ import annotations

import errno as _errno
import os
from dataclasses import dataclass
from typing import Any

from aiotrace import Death, Exec, Exit, Signal, SyscallEntry, SyscallExit

from .._fdnetlink import NetlinkFds
from ._dump import dump_call
from ._internals import (FD_KINDS, PidNs, comm_of, fd_details, pidfd_pid, pidns_decoding,
                         proc_dir)
from ._kvm import KVM_RUN
from ._kvm import exit_reason as kvm_exit_reason
from ._modes import OutputModes
from ._pathsets import RULES as PATH_RULES
from ._unnamed import LAST_NAMED
from ._internals import FAST_ENTRIES, FAST_EXITS, fast_regs
from ._internals import (
    ABI_CODES, SYSCALL_NAMES, FdText, annotate_path, environ_address, format_entry,
    format_exit, format_siginfo, getregs, late_captures, make_key, row, syscall_number,
)

_NR_EXECVE = syscall_number("execve")
_NR_RT_SIGRETURN = syscall_number("rt_sigreturn")
_NR_RESTART_SYSCALL = syscall_number("restart_syscall")
_ERESTART_RESTARTBLOCK = 516
_PREFETCH_MAX = 1 << 16   # the most bytes one copy of prefetch= takes
_NO_KW: dict[str, Any] = {}
_MEMO_MAX = 1 << 14   # distinct quiet calls remembered; then it starts again
_NAMES: list[str] = [SYSCALL_NAMES.get(i, "syscall_%#x" % i) if i <= LAST_NAMED
                     else "syscall_%#x" % i for i in range(512)]   # (strace 6.1's)

def _register(tid: int, name: str) -> int | None:
    """One register of the stopped thread *tid* (PTRACE_GETREGS), or None if it is gone.
    (Called from the capture function, which runs on the tracer thread, the thread that
    seized the tracee as the kernel requires, while the thread is stopped.)"""
    try:
        return int(getattr(getregs(tid), name))
    except OSError:
        return None


class WithIP:
    """A captured value and the instruction pointer of its stop (-i)."""

    __slots__ = ("value", "ip")

    def __init__(self, value: Any, ip: int | None) -> None:
        self.value = value
        self.ip = ip


class WithComm:
    """A captured value and its thread's command name at the stop (-Y: ``<COMM>``)."""

    __slots__ = ("value", "comm")

    def __init__(self, value: Any, comm: str) -> None:
        self.value = value
        self.comm = comm


def _name(nr: int) -> str:
    return _NAMES[nr] if 0 <= nr < 512 else "syscall_%#x" % (nr & 0xFFFFFFFFFFFFFFFF)


@dataclass(slots=True, eq=False)
class _Call:
    """A system call in progress on one thread, as its entry was decoded."""

    pid: int
    name: str
    args: Any
    text: str
    t0: int
    marks: str
    abi: str = "x86_64"
    key: Any = None   # (nr, its printed arguments): a quiet entry's, see Decoder._quiet
    asked_key: int = -1   # the tracer's key of the call asked, when an engine ran another


def _nargs(name: str) -> int:
    r = row(name)
    return 6 if r is None else r.nargs


def _key(ev: Any) -> int:
    """The tracer's key of a syscall event's call (its x86-64 number, or its ABI's)."""
    abi = ev.abi
    return ev.nr if abi == "x86_64" else make_key(ABI_CODES[abi], ev.nr)


class Decoder:
    """The ``capture=`` function: strace's decoding of each stop, at the stop.

    What ``capture`` returns (the event's ``captured``), by event type:

    * SyscallEntry: ``(name, entry_text)``;
    * SyscallExit: ``(name, entry_text or None, args_text, ret_text, t0 or None, marks)``,
      or None for a duplicate of the first execve;
    * Exit: ``(name, entry_text, more)`` for the call the thread dies in (``more``: it had
      arguments left to show at its exit), or None;
    * Signal: the siginfo text (``{si_signo=...}``);
    * others: None.
    """

    def __init__(self, *, strsize: int = 32, decode_fds: int = 0, xflag: int = 0,
                 fd_kinds: frozenset[str] | None = None,
                 inject: dict[int, Any] | None = None,
                 paths: frozenset[bytes] | None = None, unshown: frozenset[int] = frozenset(),
                 dumps: tuple[Any, Any] = (None, None), ips: bool = False,
                 modes: OutputModes | None = None) -> None:
        self.strsize = strsize
        # -X, -v, -e abbrev=/verbose=/raw=: the keywords of each call's decoding
        self.modes = modes if modes is not None else OutputModes()
        self.plain = self.modes.plain   # (then no keywords at all: the usual run's cost)
        self.xstyle = self.modes.xstyle
        self.ips = ips   # -i: each capture also carries the thread's instruction pointer
        if ips:
            self.capture = self._capture_with_ip   # type: ignore[method-assign]
        # -e read= / write=: (negated, fds) for the data of reads and writes to hex-dump
        self.dumps = dumps if dumps != (None, None) else None
        self.xflag = xflag
        self.paths = paths   # -P: only the calls that use one of these
        self.fd_path = self._fd_path if decode_fds else None
        self._netlink = NetlinkFds()   # sendto/recvfrom on a netlink socket
        self.netlink = self._fd_netlink
        # what -y/-yy/-e decode-fds= show: paths; sockets', devices', pidfds' details
        self._fd_kinds = fd_kinds if fd_kinds is not None else \
            FD_KINDS if decode_fds >= 2 else frozenset(("path",))
        self.fd_details = bool(self._fd_kinds - {"path"})
        self.inject = inject or {}
        self.kvm_vcpu = False   # -e kvm=vcpu: KVM_RUN's exit reason after its return value
        # calls not traced, stopped at only because -e inject=...:syscall= runs them in
        # place of traced ones (whose exits they are): their own calls are not shown
        self.unshown = unshown
        self.poked: set[int] = set()   # threads whose call's memory an inject poke wrote
        # strace's messages of a stop (its memory reader's "short read", a poke's), said
        # before its line: seq -> them (see heard); and tid -> those of a poke of the
        # thread's stop, taken by the stop's capture (see poke_said)
        self.said: dict[int, list[str]] = {}
        self.poke_msgs: dict[int, list[str]] = {}
        self.inject_counts: dict[tuple[int, int], int] = {}
        self.calls: dict[int, _Call] = {}
        self.pending_exec: dict[int, tuple[str, int]] = {}   # pid -> (execve text, t0)
        # tid -> the call that returned ERESTART_RESTARTBLOCK: restart_syscall resumes it
        self.interrupted: dict[int, str] = {}
        self._ev: Any = _NO_STOP   # the stop being decoded (its thread's /proc, its said)
        self.pidns: PidNs | None = None   # --decode-pids=pidns: see decode_pids()
        self._quiet()

    def decode_pids(self, ns: bool = True, comm: bool = False) -> None:
        """--decode-pids=pidns (*ns*): the printers follow each id of a tracee's PID
        namespace with its number in the tracer's (``_pidns``), read from /proc at the
        stop; --decode-pids=comm (-Y, *comm*): the ids of threads and processes with their
        command names, and each stop's value comes with its thread's (WithComm)."""
        pidns = self.pidns = PidNs(ns=ns, comm=comm)
        self._quiet()
        inner = self.capture

        def capture(ev: Any, mem: Any) -> Any:
            pidns_decoding(pidns, ev.tid)
            value = inner(ev, mem)
            if not comm or type(ev) is Death:   # (a dead thread's name is gone)
                return value
            return WithComm(value, comm_of(ev.tid))

        self.capture = capture   # type: ignore[method-assign]

    def after_resume(self) -> dict[str, Any]:
        """The keywords of the stream's ``lowlevel.Capture``, ``after_resume=``,
        ``reads_nothing=`` and ``prefetch=``: the stops where this decoder reads nothing
        that the thread can change before its next stop, those where it reads nothing of
        the tracee at all, and the exits where it reads nothing but outputs the C loop
        can copy at the stop (``late_captures``). None of them with fd paths (``-y``) or
        paths to match (``-P``): those come from /proc, which a call such as close
        changes; nor with dumps (``-e read=``/``write=``), read at the exit stop from
        memory the thread may change once resumed, nor with -i (the registers at the
        stop)."""
        if (self.fd_path is not None or self.paths is not None or self.dumps is not None
                or self.ips or self.pidns is not None or not self.modes.plain):
            return {}
        late = late_captures()
        # (x86-64's calls: those of the other ABIs, rare, are decoded at the stop)
        return {"after_resume": {SyscallEntry: _at64(late.entries - late.quiet)},
                "reads_nothing": {SyscallEntry: _at64(late.quiet),
                                  SyscallExit: _at64(late.exits)},
                "prefetch": {SyscallEntry: self._copies(late.copied_entries),
                             SyscallExit: self._copies(late.copied)}}

    def _quiet(self) -> None:
        """The quiet calls: those whose entry, or exit, this decoder prints from the
        registers alone (after_resume()'s ``reads_nothing``: scalars, no /proc, plain
        modes). Their text is a function of the call's number and printed arguments (and
        at the exit, of its return value), so it is made once per distinct call and
        reused: a busy loop repeats a few calls (getppid, close(3), lseek...).
        ``_in``/``_out``: x86-64 number -> how many arguments the call prints."""
        nothing = self.after_resume().get("reads_nothing", {})
        self._in, self._out = ({syscall_number(n[:-3]): _nargs(n[:-3])
                                for n in nothing.get(t, ())} for t in (SyscallEntry, SyscallExit))
        self._in.pop(_NR_RESTART_SYSCALL, None)   # (it names the interrupted call)
        self._memo: dict[Any, Any] = {}
        # the calls _decode._fast prints in the usual modes (the stat family and statx,
        # open, openat, getdents: most of a file tree walk), called directly, without
        # format_entry's keywords; x86-64 number -> printer (exits: by name)
        usual = (self.modes.plain and not self.xflag and self.fd_path is None
                 and self.dumps is None and self.pidns is None)
        self._fast_in = {syscall_number(n): f for n, f in FAST_ENTRIES.items()} if usual else {}
        self._fast_out = dict(FAST_EXITS) if usual else {}

    def _remember(self, key: Any, value: Any) -> Any:
        memo = self._memo
        if len(memo) >= _MEMO_MAX:
            memo.clear()
        memo[key] = value
        return value

    def _copies(self, table: dict[str, tuple[tuple[Any, ...], ...]]) -> dict[str, list[Any]]:
        """late_captures()' copies as prefetch= takes them, sized by -s where they say."""
        s = self.strsize
        out: dict[str, list[Any]] = {}
        for name, copies in table.items():
            name += "@64"
            made: list[Any] = []
            for i, mode, n, *lenarg in copies:
                if mode == "fixed":
                    made.append((i, n))
                elif mode == "string":
                    made.append((i, "string", s + 1 if n is None else n))
                elif mode == "retval":
                    made.append((i, "retval", s + 1 if n is None else n))
                else:
                    made.append((i, "arg", lenarg[0], s + 1 if n is None else n))
            # (a larger -s than a copy takes: that call is decoded at its stop instead)
            if all(c[-1] <= _PREFETCH_MAX for c in made):
                out[name] = made
        return out

    def expect_exec(self, pid: int, text: str, t0: int) -> None:
        """The spawned program's execve: its entry was not seen, its text is ``text``."""
        self.pending_exec[pid] = (text, t0)

    def _fd_path(self, fd: int, pidfd: int | None = None) -> str | None:
        """-y: what a descriptor is open on. readlink marks a deleted file with a
        " (deleted)" after its path, which the printer moves after the brackets
        (``<PATH>(deleted)``); but a live file may have a name that ends so. As strace,
        the mark is the file's name when the path leads to the very file that is open.
        The working directory is shown as readlink says, mark or not (strace does).
        *pidfd*: a descriptor of the process that the thread's pidfd *pidfd* refers to
        (pidfd_getfd's), None when it is not a pidfd."""
        tid: str | int | None = proc_dir(self._ev.tid)   # (/proc may be another namespace's)
        if tid is not None and pidfd is not None:
            tid = pidfd_pid(tid, pidfd)
        if tid is None:
            return None
        try:
            if fd == -100:
                if "path" not in self._fd_kinds:
                    return None
                return FdText(annotate_path(os.readlink("/proc/%s/cwd" % tid)))
            proc = "/proc/%s/fd/%d" % (tid, fd)
            link = os.readlink(proc)
        except OSError:
            return None
        deleted = link.endswith(_DELETED) and not _same_file(proc, link)
        if self.fd_details:
            details = fd_details(tid, fd, link, deleted=deleted, kinds=self._fd_kinds,
                                 thread=self._ev.tid if pidfd is None else None)
            if details is not None:
                return details
        if "path" not in self._fd_kinds:   # (-e decode-fds=socket and the like: only those)
            return None
        if link.endswith(_DELETED) and not deleted:
            return FdText(annotate_path(link))   # (printed as it is)
        return link

    def _fd_link(self, fd: int) -> str | None:
        """What a descriptor of the thread at its stop is open on, -y or not."""
        tid = proc_dir(self._ev.tid)
        try:
            return None if tid is None else os.readlink("/proc/%s/fd/%d" % (tid, fd))
        except OSError:
            return None

    def _fd_netlink(self, fd: int) -> int | None:
        """The netlink protocol of a descriptor of the thread at its stop (see
        aiotrace._fdnetlink)."""
        tid = proc_dir(self._ev.tid)
        return None if tid is None else self._netlink.protocol(tid, fd)

    def uses_paths(self, name: str, args: Any, mem: Any, tid: int, abi: str = "x86_64") -> bool:
        """-P: whether the call names one of the paths, or uses a descriptor open on one
        (the arguments the syscall table says are paths, descriptors and directory
        descriptors, of the calls it decodes; _pathsets' rules for those of select's
        sets, poll's arrays and fsconfig)."""
        paths = self.paths
        assert paths is not None
        rule = PATH_RULES.get((name, abi))   # (descriptors in memory: select, poll...)
        if rule is not None:
            fds, strings = rule(tuple(args), mem)
        else:
            r = row(name, ABI_CODES[abi])
            if r is None or r.decoder == "raw":   # (the calls printed in hex: never)
                return False
            strings = tuple(args[i] for i in r.shown_paths)
            fds = [args[i] for i in r.fds + r.dirfds]
        if mem is not None:
            for addr in strings:
                try:
                    if mem.read_string(addr, 4097) in paths:
                        return True
                except OSError:
                    pass
        proc = None
        for v in fds:
            fd = v & 0xFFFFFFFF
            if proc is None:
                proc = proc_dir(tid)
                if proc is None:
                    return False
            if fd < 0x80000000:
                try:
                    if os.fsencode(os.readlink("/proc/%s/fd/%d" % (proc, fd))) in paths:
                        return True
                except OSError:
                    pass
        return False

    def _marks(self, tid: int, key: int) -> str:
        """strace's " (INJECTED)" / " (DELAYED)" for the calls the injector tampers with:
        the same per-thread, per-syscall count as aiotrace.engines.inject (*key*: the
        tracer's key of the call, each ABI's apart)."""
        rule = self.inject.get(key)
        if rule is None:
            return ""
        count = (tid, key)
        n = self.inject_counts[count] = self.inject_counts.get(count, 0) + 1
        if not rule.applies_to(n):
            return ""
        marks = ""
        if rule.error is not None or rule.retval is not None:
            marks = " (INJECTED)"
        if rule.delay_enter_ns or rule.delay_exit_ns:
            marks += " (DELAYED)"
        return self._poke_marks(tid, marks)

    def _poke_marks(self, tid: int, marks: str) -> str:
        """*marks* with strace's "INJECTED: args" when a poke wrote the call's memory (at
        its entry or at its exit: the engine tells before the stop is decoded)."""
        if tid not in self.poked or "INJECTED: args" in marks:
            return marks
        self.poked.discard(tid)
        if marks.startswith(" (INJECTED)"):
            return " (INJECTED: args, retval)" + marks[len(" (INJECTED)"):]
        return " (INJECTED: args)" + marks

    def heard(self, message: str) -> None:
        """strace's message of its memory reader (``_short_reads``' hook), said while
        the current stop is decoded: printed before its line."""
        self.said.setdefault(self._ev.seq, []).append(message)

    def poked_said(self, tid: int, message: str) -> None:
        """What a poke of *tid*'s stop could not do (the engine tells before the stop
        is decoded): printed before its line, before what its decoding says."""
        self.poke_msgs.setdefault(tid, []).append(message)

    def _poke_said(self, ev: Any) -> None:
        said = self.poke_msgs.pop(ev.tid, None)
        if said:
            self.said[ev.seq] = said + self.said.get(ev.seq, [])

    def _capture_with_ip(self, ev: Any, mem: Any) -> Any:
        """-i: capture(), with the instruction pointer of the stop (WithIP)."""
        value = Decoder.capture(self, ev, mem)
        t = type(ev)
        if value is None or not (t is SyscallEntry or t is SyscallExit or t is Signal):
            return value
        return WithIP(value, _register(ev.tid, "rip"))

    def capture(self, ev: Any, mem: Any) -> Any:
        t = type(ev)
        if t is SyscallEntry:
            abi = ev.abi
            if abi != "x86_64":
                return self._foreign_entry(ev, mem, abi)
            self._ev = ev
            tid = ev.tid
            nr, args = ev.nr, ev.args
            asked = ev.asked
            if asked is not None:   # (the call the program made, as strace shows it:
                nr, args = asked    # -e inject=...:syscall= ran another in its place)
            elif nr in self.unshown:
                return None
            name = _NAMES[nr] if 0 <= nr < 512 else _name(nr)
            if self.paths is not None and not self.uses_paths(name, args, mem, tid):
                return None   # (and no _Call: its exit is not shown either)
            key = None
            text: str | None
            if nr == _NR_RESTART_SYSCALL:
                text = "<... resuming interrupted %s ...>" % self.interrupted.pop(tid, "system call")
            elif nr in self._in:
                key = (nr, args[:self._in[nr]])
                text = self._memo.get(key)   # (getppid's is "")
                if text is None:
                    text = self._remember(key, format_entry(
                        name, args, mem, strsize=self.strsize, xflag=self.xflag))
            elif nr in self._fast_in and (text := self._fast_in[nr](fast_regs(args), mem)):
                pass   # (None: one the general path prints)
            else:
                sp = _register(tid, "rsp") if nr == _NR_RT_SIGRETURN else None
                text = format_entry(name, args, mem, strsize=self.strsize,
                                    fd_path=self.fd_path, sp=sp, xflag=self.xflag,
                                    netlink=self.netlink, fd_link=self._fd_link,
                                    **(_NO_KW if self.plain else self.modes.kw(name)))
            marks = ""
            if self.inject:
                marks = self._marks(tid, nr)
                if self.poke_msgs:
                    self._poke_said(ev)
            self.calls[tid] = _Call(ev.pid, name, args, text, ev.time_ns, marks,   # (positional:
                                    "x86_64", key, -1 if asked is None else nr)   # cheaper)
            return (name, text)
        if t is SyscallExit:
            self._ev = ev
            tid = ev.tid
            call = self.calls.pop(tid, None)
            if call is None and self.paths is not None and ev.pid not in self.pending_exec:
                return None   # a call -P leaves out (or one whose entry was not seen)
            abi = ev.abi
            if call is None:
                if self.unshown and _key(ev) in self.unshown:
                    return None
                nr = ev.nr
                name = _name(nr) if abi == "x86_64" else ev.name
                entry = t0 = None
                marks = ""
                if nr == _NR_EXECVE and abi == "x86_64":
                    pending = self.pending_exec.pop(ev.pid, None)
                    if pending is not None:
                        entry, t0 = pending
            else:
                name, entry, t0, marks = call.name, call.text, call.t0, call.marks
                if self.poked:
                    marks = self._poke_marks(tid, marks)
                if self.poke_msgs:
                    self._poke_said(ev)
            if ev.retval == -_ERESTART_RESTARTBLOCK:
                self.interrupted[tid] = name
            # a retval= injection is a success whatever the value, as strace shows it
            rule = (self.inject.get(_key(ev) if call is None or call.asked_key < 0
                                    else call.asked_key)
                    if marks else None)
            success = rule is not None and rule.retval is not None
            if call is not None and call.key is not None and call.key[0] in self._out:
                done = (call.key, ev.retval, success)
                got = self._memo.get(done) or self._remember(done, format_exit(
                    name, ev.args, ev.retval, mem, strsize=self.strsize, entry_text=entry,
                    xflag=self.xflag, success=success))
                return (name, entry, got[0], got[1], t0, marks, None)
            fast = self._fast_out.get(name) if abi == "x86_64" and ev.retval >= 0 else None
            # (a plain str: the fast printers' entry, which carries no saved state)
            if fast is not None and entry is not None and (
                    type(entry) is str or not getattr(entry, "saved", None)):
                got = fast(fast_regs(ev.args), ev.retval, mem, entry)
                if got is not None:
                    return (name, entry, got[0], got[1], t0, marks, None)
            args, ret = format_exit(name, ev.args, ev.retval, mem, strsize=self.strsize,
                                    fd_path=self.fd_path, entry_text=entry, xflag=self.xflag,
                                    netlink=self.netlink, fd_link=self._fd_link,
                                    success=success, abi=abi,
                                    **(_NO_KW if self.plain else self.modes.kw(name, abi)))
            dump = (dump_call(self.dumps, name, ev.args, ev.retval, mem, abi, tid)
                    if self.dumps else None)
            if self.kvm_vcpu and name == "ioctl" and ev.retval == 0 \
                    and ev.args[1] & 0xFFFFFFFF == KVM_RUN:
                reason = kvm_exit_reason(tid, ev.args[0] & 0xFFFFFFFF, mem)
                ret = ret if reason is None else "%s (%s)" % (ret, reason)
            return (name, entry, args, ret, t0, marks, dump)
        if t is Signal:
            raw = ev.siginfo   # read by the library at the stop
            return format_siginfo(raw, xstyle=self.xstyle) if raw else None
        if t is Exit:
            call = self.calls.pop(ev.tid, None)
            if call is None:
                return None
            # strace adds " <unfinished ...>" when the decoder had more to show at exit
            more = format_exit(call.name, call.args, 0, None, entry_text=call.text,
                               abi=call.abi, **self.modes.kw(call.name, call.abi))[0] != call.text
            return (call.name, call.text, more)
        if t is Death:
            self.calls.pop(ev.tid, None)   # (no Exit event: it died in a call, untraced)
            self.interrupted.pop(ev.tid, None)
            return None
        if t is Exec:
            old, tid = ev.old_tid, ev.tid
            if old != tid:
                # Every other thread of the process is gone; the exec'ing one is the leader.
                pid = ev.pid
                for gone in [t2 for t2, c in self.calls.items() if c.pid == pid and t2 != old]:
                    del self.calls[gone]
                call = self.calls.pop(old, None)
                if call is not None:
                    self.calls[tid] = call
        return None


    def _foreign_entry(self, ev: Any, mem: Any, abi: str) -> Any:
        """capture() of an i386 or x32 call's entry: named and decoded from its ABI's
        table (see aiotrace._decode._compat)."""
        self._ev = ev
        tid = ev.tid
        name = ev.name
        if self.paths is not None and not self.uses_paths(name, ev.args, mem, tid, abi):
            return None
        if name == "restart_syscall":
            text = "<... resuming interrupted %s ...>" % self.interrupted.pop(tid, "system call")
        else:
            text = format_entry(name, ev.args, mem, strsize=self.strsize,
                                fd_path=self.fd_path, xflag=self.xflag, abi=abi,
                                netlink=self.netlink, fd_link=self._fd_link,
                                **self.modes.kw(name, abi))
        marks = ""
        if self.inject:
            marks = self._marks(tid, _key(ev))
            if self.poke_msgs:
                self._poke_said(ev)
        self.calls[tid] = _Call(ev.pid, name, ev.args, text, ev.time_ns, marks, abi)
        return (name, text)


class _NoStop:
    """The stop a decoder decodes before the first: none."""
    tid = 0
    seq = 0


_NO_STOP = _NoStop()


def _at64(names: frozenset[str]) -> frozenset[str]:
    """x86-64's calls of these names (not their namesakes of the other ABIs)."""
    return frozenset(n + "@64" for n in names)


_DELETED = " (deleted)"


def _same_file(a: str, b: str) -> bool:
    """Whether the paths *a* and *b* lead to the same file."""
    try:
        sa, sb = os.stat(a), os.stat(b)
    except (OSError, ValueError):
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


class _FakeMemory:
    """Memory holding the spawned program's execve arguments, to format its first line."""

    def __init__(self) -> None:
        self.regions: list[tuple[int, bytes]] = []
        self.next = 0x7FFF00001000   # (an address on the stack, as -e raw= shows it)

    def put(self, data: bytes, addr: int | None = None) -> int:
        if addr is None:
            addr = self.next
            self.next += (len(data) + 16) & ~7
        self.regions.append((addr, data))
        return addr

    def read(self, addr: int, n: int) -> bytes:
        for base, data in self.regions:
            if base <= addr < base + len(data):
                return data[addr - base: addr - base + n]
        raise OSError(_errno.EFAULT, "Bad address")

    def read_string(self, addr: int, limit: int) -> bytes:
        return self.read(addr, limit).split(b"\0", 1)[0]


def execve_text(path: str, argv: list[str], nenv: int | list[str], strsize: int,
                xflag: int = 0, modes: OutputModes | None = None) -> str:
    """The arguments of the spawned program's execve, formatted as strace prints them.
    *nenv*: the environment's strings (shown with -v), or only their number."""
    mem = _FakeMemory()
    fs = [os.fsencode(a) + b"\0" for a in argv]
    p_path = mem.put(os.fsencode(path) + b"\0")
    ptrs = [mem.put(a) for a in fs]
    p_argv = mem.put(b"".join(x.to_bytes(8, "little") for x in ptrs + [0]))
    envp = environ_address() or 0x7FFC00000000
    if isinstance(nenv, list):
        eptrs = [mem.put(os.fsencode(e) + b"\0") for e in nenv]
    else:
        eptrs = [envp + 0x1000 + 8 * k for k in range(nenv)]
    mem.put(b"".join(x.to_bytes(8, "little") for x in eptrs) + b"\0" * 8, envp)
    kw = modes.kw("execve") if modes is not None else {}
    return format_entry("execve", (p_path, p_argv, envp), mem, strsize=strsize, xflag=xflag,
                        **kw)
