# SPDX-License-Identifier: GPL-2.0-or-later
"""The strace-style printer of the ``aiotrace`` command.

Everything here runs inside a ``capture=`` function, on aiotrace's tracer thread, while
the traced thread is stopped: memory is read at the stop (as strace reads it) and the
text is built in the true order of the stops, which also gives strace's
``<unfinished ...>`` / ``<... NAME resumed>`` splitting for free. The finished text goes
into a deque that the event loop drains and writes (``Printer.drain``).

strace's rules reproduced here (strace 6.1, ``printleader``/``syscall_exiting_trace``/
``print_event_exit``):

* a syscall entry prints ``NAME(ARGS`` and leaves the line open; the exit of the same
  thread completes it with ``) = RET``;
* anything else printed while a line is open first closes it with ``" <unfinished ...>"``;
  the exit of that call then starts a new line with ``<... NAME resumed>``;
* a thread that exits inside a call (``exit_group``, a fatal signal) gets ``) = ?``,
  with ``" <unfinished ...>"`` before the ``)`` if arguments were left to decode at exit;
* ``[pid N] `` prefixes when several threads are traced and the output is stderr,
  ``N `` (``%-5d``) on every line with ``-o FILE -f``; the return value is aligned at
  column 40 (``-a``).
"""

from __future__ import annotations

import ctypes
import json
import os
import threading
import time
from collections import deque
from typing import Any

from . import Clone, Continued, Death, Exec, Exit, GroupStop, Signal, SyscallEntry, SyscallExit
from ._cli_filter import signal_name
from ._decode import SYSCALL_NAMES, errno_name, format_entry, format_exit, format_siginfo

__all__ = ["Printer", "TextPrinter", "JsonPrinter", "split_args"]

_NR_EXECVE = 59
_NR_RT_SIGRETURN = 15
_NAMES: list[str] = [SYSCALL_NAMES.get(i, "syscall_%#x" % i) for i in range(512)]

# ptrace(2) requests made from the capture function, which runs on the tracer thread
# (the thread that seized the tracee, as the kernel requires) while the thread is stopped.
_libc = ctypes.CDLL(None, use_errno=True)
_ptrace = _libc.ptrace
_ptrace.argtypes = (ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p)
_ptrace.restype = ctypes.c_long
_PTRACE_GETREGS = 12
_PTRACE_GETSIGINFO = 0x4202
_RSP_INDEX = 19   # struct user_regs_struct: r15 ... rip cs eflags rsp


def _siginfo(tid: int) -> bytes | None:
    buf = ctypes.create_string_buffer(128)
    if _ptrace(_PTRACE_GETSIGINFO, tid, None, buf) != 0:
        return None
    return buf.raw


def _stack_pointer(tid: int) -> int | None:
    regs = (ctypes.c_ulonglong * 27)()
    if _ptrace(_PTRACE_GETREGS, tid, None, regs) != 0:
        return None
    return int(regs[_RSP_INDEX])


def _name(nr: int) -> str:
    return _NAMES[nr] if 0 <= nr < 512 else "syscall_%#x" % (nr & 0xFFFFFFFFFFFFFFFF)


def split_args(text: str) -> list[str]:
    """Split strace's argument text at its top-level commas
    (``'3, "a, b", [1, 2]'`` -> ``['3', '"a, b"', '[1, 2]']``)."""
    out: list[str] = []
    depth = 0
    start = 0
    i = 0
    n = len(text)
    quoted = False
    while i < n:
        c = text[i]
        if quoted:
            if c == "\\":
                i += 2
                continue
            if c == '"':
                quoted = False
        elif c == '"':
            quoted = True
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            out.append(text[start:i].strip())
            start = i + 1
        i += 1
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


def death_text(status: int) -> str:
    """``exited with 3`` / ``killed by SIGSEGV (core dumped)``, from a wait status."""
    if os.WIFEXITED(status):
        return "exited with %d" % os.WEXITSTATUS(status)
    if os.WIFSIGNALED(status):
        core = " (core dumped)" if os.WCOREDUMP(status) else ""
        return "killed by %s%s" % (signal_name(os.WTERMSIG(status)), core)
    return "exited with %d" % (status & 0xFF)


class _Call:
    """A system call in progress on one thread."""

    __slots__ = ("name", "nr", "args", "text", "t0", "shown", "marks")

    def __init__(self, name: str, nr: int, args: Any, text: str, t0: int, marks: str) -> None:
        self.name = name
        self.nr = nr
        self.args = args
        self.text = text
        self.t0 = t0
        self.shown = False
        self.marks = marks


class Printer:
    """State shared by the text and JSON printers (tracer thread only, except ``drain``)."""

    def __init__(
        self,
        *,
        strsize: int = 32,
        decode_fds: bool = False,
        signals: frozenset[int] | None = None,
        status: frozenset[str] | None = None,
        follow: bool = False,
        inject: dict[int, Any] | None = None,
        syscall_times: bool = False,
    ) -> None:
        self.q: deque[str] = deque()       # trace text, in order; drained by the loop
        self.msgs: deque[str] = deque()    # "aiotrace: ..." messages for stderr
        self.strsize = strsize
        self.fd_path = self._fd_path if decode_fds else None
        self.signals = signals             # None: every signal
        self.status = status               # None: every call, printed as it happens
        self.follow = follow
        self.inject = inject or {}
        self.inject_counts: dict[tuple[int, int], int] = {}
        self.syscall_times = syscall_times
        self.calls: dict[int, _Call] = {}  # tid -> call in progress
        self.live: dict[int, int] = {}     # traced tid -> pid
        self.hidden: set[int] = set()      # tids whose events strace would not see
        self.pending_exec: dict[int, tuple[str, int]] = {}  # pid -> (execve text, t0)
        self.exec_shown: set[int] = set()
        self._tid = 0
        self.wall_offset = time.time_ns() - time.monotonic_ns()
        # The capture function runs on the tracer thread; ``death`` may run on the loop
        # thread (see there): the lock keeps the printer's state consistent.
        self.lock = threading.Lock()

    def capture(self, ev: Any, mem: Any) -> bool:
        """The ``capture=`` function of the printer's stream."""
        with self.lock:
            self._capture(ev, mem)
        return True

    def death(self, ev: Any) -> None:
        """A Death event that reached the stream without going through ``capture``
        (aiotrace 0.1 pushes deaths directly to the streams): printed from the loop, so
        possibly a few lines later than strace would print it."""
        with self.lock:
            self._capture(ev, None)

    def _capture(self, ev: Any, mem: Any) -> None:
        raise NotImplementedError

    # -- set-up from the loop, before the tracee runs -----------------------------------

    def add_thread(self, tid: int, pid: int) -> None:
        self.live[tid] = pid

    def expect_exec(self, pid: int, text: str, t0: int) -> None:
        """The spawned program's execve: its entry was not seen, its text is ``text``."""
        self.pending_exec[pid] = (text, t0)

    def _initial_exec(self, ev: Any) -> tuple[str, int] | None:
        """The entry text of the spawned program's execve, at its exit; None for other
        calls. Raises LookupError for an exit of that execve already shown."""
        pid = ev.pid
        pending = self.pending_exec.pop(pid, None)
        if pending is None:
            if pid in self.exec_shown:
                self.exec_shown.discard(pid)
                raise LookupError(pid)
            return None
        self.exec_shown.add(pid)
        return pending

    def exec_done(self, pid: int, t_ns: int) -> None:
        """Show the spawned program's ``execve(...) = 0`` now: with a seccomp prefilter
        its exit is not reported (the filter is installed just before the exec)."""
        if pid in self.pending_exec:
            ev = SyscallExit(pid, pid, 0, t_ns, nr=_NR_EXECVE, args=(0,) * 6, retval=0)
            self.capture(ev, None)

    def drain(self, q: deque[str] | None = None) -> str:
        """Everything printed so far (loop thread; the tracer thread may append meanwhile)."""
        q = self.q if q is None else q
        parts = []
        pop = q.popleft
        try:
            while True:
                parts.append(pop())
        except IndexError:
            pass
        return "".join(parts)

    # -- helpers ---------------------------------------------------------------------------

    def _fd_path(self, fd: int) -> str | None:
        try:
            if fd == -100:
                return os.readlink("/proc/%d/cwd" % self._tid)
            return os.readlink("/proc/%d/fd/%d" % (self._tid, fd))
        except OSError:
            return None

    def _marks(self, tid: int, nr: int) -> str:
        """strace's " (INJECTED)" / " (DELAYED)" for the calls the injector tampers with:
        the same per-thread, per-syscall count as the engine (aiotrace.engines.inject)."""
        rule = self.inject.get(nr)
        if rule is None:
            return ""
        key = (tid, nr)
        n = self.inject_counts[key] = self.inject_counts.get(key, 0) + 1
        if not rule.applies_to(n):
            return ""
        marks = ""
        if rule.error is not None or rule.retval is not None:
            marks = " (INJECTED)"
        if rule.delay_enter_ns or rule.delay_exit_ns:
            marks += " (DELAYED)"
        return marks

    def _format_entry(self, ev: Any, mem: Any, name: str) -> str:
        tid = self._tid = ev.tid
        sp = _stack_pointer(tid) if ev.nr == _NR_RT_SIGRETURN else None
        return format_entry(name, ev.args, mem, strsize=self.strsize, fd_path=self.fd_path,
                            sp=sp)

    def _forget_process_threads(self, pid: int, keep: int) -> None:
        for t in [t for t, p in self.live.items() if p == pid and t != keep]:
            del self.live[t]
            self.calls.pop(t, None)

    def _track_clone(self, ev: Any) -> bool:
        """A followed child or thread: count it; True when it is followed."""
        if not self.follow:
            return False
        self.live[ev.child_tid] = ev.child_pid
        return True

    def _status_ok(self, failed: bool) -> bool:
        st = self.status
        return st is None or (("failed" if failed else "successful") in st)


class TextPrinter(Printer):
    """strace's text format."""

    def __init__(
        self,
        *,
        to_file: bool,
        pid_prefix: bool,
        timestamps: int | str = 0,
        column: int = 40,
        quiet: frozenset[str] = frozenset(),
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.to_file = to_file          # False: the trace shares stderr with our messages
        self.pid_prefix = pid_prefix    # "%-5d " on every line (-o FILE with -f)
        self.timestamps = timestamps    # 0, 1 (-t), 2 (-tt), 3 (-ttt), "r" (-r)
        self.column = column
        self.quiet_attach = "attach" in quiet
        self.quiet_exit = "exit" in quiet
        self.quiet_superseded = "thread-execve" in quiet
        self.open: int | None = None    # the tid whose line is open
        self.col = 0                    # length of the open line
        self._last_ts = 0

    # -- the leader: closes an open line, prints the pid prefix and the timestamp --------

    def _lead(self, tid: int, t_ns: int) -> str:
        if self.open is not None:
            head = " <unfinished ...>\n"
            self.open = None
        else:
            head = ""
        if self.pid_prefix:
            pfx = "%-5d " % tid
        elif not self.to_file and len(self.live) > 1:
            pfx = "[pid %5d] " % tid
        else:
            pfx = ""
        if self.timestamps:
            pfx += self._stamp(t_ns)
        self.col = len(pfx)
        return head + pfx

    def _stamp(self, t_ns: int) -> str:
        mode = self.timestamps
        if mode == "r":
            last = self._last_ts or t_ns
            self._last_ts = t_ns
            d = max(0, t_ns - last) // 1000
            return "%6d.%06d " % (d // 1000000, d % 1000000)
        wall = (t_ns + self.wall_offset) // 1000
        sec, usec = divmod(wall, 1000000)
        if mode == 3:
            return "%d.%06d " % (sec, usec)
        clock = time.strftime("%H:%M:%S", time.localtime(sec))
        if mode == 2:
            return "%s.%06d " % (clock, usec)
        return clock + " "

    def _message(self, text: str) -> None:
        """An ``aiotrace: ...`` line for stderr, in order with the trace if both share it."""
        if self.to_file:
            self.msgs.append(text)
        else:
            head = ""
            if self.open is not None:
                head = " <unfinished ...>\n"
                self.open = None
            self.q.append(head + text)

    # -- the capture function ----------------------------------------------------------

    def _capture(self, ev: Any, mem: Any) -> None:
        t = type(ev)
        if t is SyscallEntry:
            self._entry(ev, mem)
        elif t is SyscallExit:
            self._exit(ev, mem)
        elif t is Signal:
            self._signal(ev)
        elif t is Exit:
            self._event_exit(ev)
        elif t is Death:
            self._death(ev)
        elif t is Clone:
            if self._track_clone(ev) and not self.quiet_attach:
                self._message("aiotrace: Process %d attached\n" % ev.child_tid)
        elif t is Exec:
            self._exec(ev)
        elif t is GroupStop:
            tid = ev.tid
            if tid not in self.hidden and (self.signals is None or ev.signo in self.signals):
                self.q.append(self._lead(tid, ev.time_ns)
                              + "--- stopped by %s ---\n" % signal_name(ev.signo))

    def _entry(self, ev: Any, mem: Any) -> None:
        tid = ev.tid
        if tid in self.hidden:
            return
        nr = ev.nr
        name = _name(nr)
        text = self._format_entry(ev, mem, name)
        call = self.calls[tid] = _Call(name, nr, ev.args, text,
                                       ev.time_ns, self._marks(tid, nr) if self.inject else "")
        if self.status is not None:
            return   # printed whole at the exit, if its status is wanted
        self.q.append(self._lead(tid, ev.time_ns) + name + "(" + text)
        self.col += len(name) + 1 + len(text)
        self.open = tid
        call.shown = True

    def _exit(self, ev: Any, mem: Any) -> None:
        tid = ev.tid
        if tid in self.hidden:
            return
        call = self.calls.pop(tid, None)
        nr = ev.nr
        if call is None:
            try:
                pending = self._initial_exec(ev) if nr == _NR_EXECVE else None
            except LookupError:
                return
            if pending is not None:
                entry: str | None = pending[0]
                t0 = pending[1]
            else:
                entry = None
                t0 = ev.time_ns
            name = _name(nr)
            shown = False
            marks = ""
        else:
            name = call.name
            entry = call.text
            t0 = call.t0
            shown = call.shown
            marks = call.marks
        self._tid = tid
        args, ret = format_exit(name, ev.args, ev.retval, mem, strsize=self.strsize,
                                fd_path=self.fd_path, entry_text=entry)
        r = ev.retval
        if self.status is not None and not self._status_ok(-4096 < r < 0):
            return
        if shown and self.open == tid:
            s = args[len(entry):] + ")"          # type: ignore[arg-type]
            col = self.col + len(s)
        elif shown:
            lead = self._lead(tid, ev.time_ns)
            rest = "<... " + name + " resumed>" + args[len(entry):] + ")"  # type: ignore[arg-type]
            s = lead + rest
            col = self.col + len(rest)
        else:
            lead = self._lead(tid, ev.time_ns)
            rest = name + "(" + args + ")"
            s = lead + rest
            col = self.col + len(rest)
        pad = self.column - 1 - col
        if pad > 0:
            s += " " * pad
        s += " = " + ret + marks
        if self.syscall_times:
            d = max(0, ev.time_ns - t0) // 1000
            s += " <%d.%06d>" % (d // 1000000, d % 1000000)
        self.q.append(s + "\n")
        self.open = None

    def _event_exit(self, ev: Any) -> None:
        """PTRACE_EVENT_EXIT: a thread leaves; a call it was in never returns (``= ?``)."""
        tid = ev.tid
        call = self.calls.pop(tid, None)
        if call is None or tid in self.hidden:
            return
        if self.status is not None and "unfinished" not in self.status:
            return
        name, entry = call.name, call.text
        if call.shown and self.open == tid:
            s = ""
            col = self.col
        else:
            lead = self._lead(tid, ev.time_ns)
            s = ("<... " + name + " resumed>") if call.shown else (name + "(" + entry)
            col = self.col + len(s)
            s = lead + s
        # strace: " <unfinished ...>" when the decoder still had arguments to print at exit
        if format_exit(name, call.args, 0, None, entry_text=entry)[0] != entry:
            s += " <unfinished ...>"
            col += 17
        s += ")"
        col += 1
        pad = self.column - 1 - col
        if pad > 0:
            s += " " * pad
        self.q.append(s + " = ?\n")
        self.open = None

    def _signal(self, ev: Any) -> None:
        tid = ev.tid
        signo = ev.signo
        if tid in self.hidden or (self.signals is not None and signo not in self.signals):
            return
        name = signal_name(signo)
        raw = _siginfo(tid)
        info = format_siginfo(raw) if raw is not None else "{si_signo=%s}" % name
        self.q.append(self._lead(tid, ev.time_ns) + "--- %s %s ---\n" % (name, info))

    def _death(self, ev: Any) -> None:
        tid = ev.tid
        self.calls.pop(tid, None)
        if not self.quiet_exit:
            self.q.append(self._lead(tid, ev.time_ns) + "+++ %s +++\n" % death_text(ev.status))
        elif self.open == tid:
            self.q.append(" <unfinished ...>\n")
            self.open = None
        self.live.pop(tid, None)
        self.hidden.discard(tid)

    def _exec(self, ev: Any) -> None:
        old, tid = ev.old_tid, ev.tid
        if old == tid:
            return
        if old not in self.live:
            # Without -f only the leader is traced; a thread strace does not see replaced it.
            self.calls.pop(tid, None)
            self.hidden.add(tid)
            return
        call = self.calls.pop(old, None)
        # The leader is gone, and with it every other thread (their deaths may never be
        # reported); the exec'ing thread now has the leader's tid.
        if not self.quiet_superseded:
            self.q.append(self._lead(tid, ev.time_ns)
                          + "+++ superseded by execve in pid %d +++\n" % old)
        elif self.open in (old, tid):
            self.q.append(" <unfinished ...>\n")
            self.open = None
        self._forget_process_threads(ev.pid, keep=old)
        pid = self.live.pop(old, ev.pid)
        self.live[tid] = pid
        if call is not None:
            self.calls[tid] = call

    # -- from the loop, once tracing is over -----------------------------------------------

    def detached(self, tids: list[int]) -> None:
        """The tracer detached: close an open line strace's way and say so."""
        if self.open is not None:
            self.q.append(" <detached ...>\n")
            self.open = None
        if not self.quiet_attach:
            for tid in tids:
                self._message("aiotrace: Process %d detached\n" % tid)

    def finish(self) -> None:
        if self.open is not None:
            self.q.append(" <unfinished ...>\n")
            self.open = None


class JsonPrinter(Printer):
    """One JSON object per event (JSON Lines), with strace's decoding of the arguments."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self._dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

    def _obj(self, ev: Any, kind: str, **fields: Any) -> None:
        t = (ev.time_ns + self.wall_offset) / 1e9
        d = {"kind": kind, "seq": ev.seq, "time": round(t, 6), "pid": ev.pid, "tid": ev.tid}
        d.update(fields)
        self.q.append(self._dumps(d) + "\n")

    def _capture(self, ev: Any, mem: Any) -> None:
        t = type(ev)
        tid = ev.tid
        if t is SyscallEntry:
            if tid in self.hidden:
                return
            nr = ev.nr
            name = _name(nr)
            text = self._format_entry(ev, mem, name)
            self.calls[tid] = _Call(name, nr, ev.args, text, ev.time_ns,
                                    self._marks(tid, nr) if self.inject else "")
            if self.status is None:
                self._obj(ev, "syscall.entry", syscall=name, nr=nr, args=split_args(text))
        elif t is SyscallExit:
            if tid in self.hidden:
                return
            self._exit(ev, mem)
        elif t is Signal:
            signo = ev.signo
            if tid in self.hidden or (self.signals is not None and signo not in self.signals):
                return
            raw = _siginfo(tid)
            self._obj(ev, "signal", signal=signal_name(signo), signo=signo,
                      siginfo=format_siginfo(raw) if raw is not None else None)
        elif t is Exit:
            call = self.calls.pop(tid, None)
            if tid in self.hidden:
                return
            if call is not None and self.status is not None and "unfinished" not in self.status:
                call = None
            self._obj(ev, "exit", status=ev.status,
                      unfinished=None if call is None else call.name)
        elif t is Death:
            self.calls.pop(tid, None)
            st = ev.status
            sig = os.WTERMSIG(st) if os.WIFSIGNALED(st) else None
            self._obj(ev, "death", status=st,
                      exit_code=os.WEXITSTATUS(st) if os.WIFEXITED(st) else None,
                      signal=None if sig is None else signal_name(sig),
                      core_dumped=bool(sig is not None and os.WCOREDUMP(st)))
            self.live.pop(tid, None)
            self.hidden.discard(tid)
        elif t is Clone:
            if self._track_clone(ev):
                self._obj(ev, "clone", child_pid=ev.child_pid, child_tid=ev.child_tid,
                          clone_type=ev.clone_type)
        elif t is Exec:
            old = ev.old_tid
            if old != tid:
                if old not in self.live:
                    self.calls.pop(tid, None)
                    self.hidden.add(tid)
                    return
                call = self.calls.pop(old, None)
                self._forget_process_threads(ev.pid, keep=old)
                self.live[tid] = self.live.pop(old, ev.pid)
                if call is not None:
                    self.calls[tid] = call
            if tid not in self.hidden:
                self._obj(ev, "exec", filename=ev.filename, old_tid=old)
        elif t is GroupStop:
            if tid not in self.hidden and (self.signals is None or ev.signo in self.signals):
                self._obj(ev, "group_stop", signal=signal_name(ev.signo))
        elif t is Continued:
            if tid not in self.hidden:
                self._obj(ev, "continued")

    def _exit(self, ev: Any, mem: Any) -> None:
        tid = ev.tid
        call = self.calls.pop(tid, None)
        nr = ev.nr
        if call is None:
            try:
                pending = self._initial_exec(ev) if nr == _NR_EXECVE else None
            except LookupError:
                return
            entry, t0 = pending if pending is not None else (None, None)
            name = _name(nr)
            marks = ""
        else:
            name, entry, t0, marks = call.name, call.text, call.t0, call.marks
        self._tid = tid
        args, ret = format_exit(name, ev.args, ev.retval, mem, strsize=self.strsize,
                                fd_path=self.fd_path, entry_text=entry)
        r = ev.retval
        failed = -4096 < r < 0
        if not self._status_ok(failed):
            return
        fields: dict[str, Any] = {
            "syscall": name, "nr": nr, "args": split_args(args), "retval": r, "return": ret,
            "error": errno_name(-r) if failed else None,
            "duration": None if t0 is None else round(max(0, ev.time_ns - t0) / 1e9, 6),
        }
        if marks:
            fields["injected"] = "INJECTED" in marks
            fields["delayed"] = "DELAYED" in marks
        self._obj(ev, "syscall.exit", **fields)

    def detached(self, tids: list[int]) -> None:
        pass

    def finish(self) -> None:
        pass
