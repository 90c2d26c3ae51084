# SPDX-License-Identifier: GPL-2.0-or-later
"""The event-loop half of the printer: strace's layout of the decoded events.

``TextPrinter.render`` / ``JsonPrinter.render`` run on the event loop, once per event, in
the order of the events (``seq``): they lay the decoded text (``event.captured``, made at
the stop by ``_decoder.Decoder``) out into lines. Doing the layout there, rather than on
the tracer thread, keeps it in the exact order of the stops for every event, ``Death``
included (its ``capture`` only forgets the thread's call in progress: a dead thread has
no memory to read).

strace's layout rules reproduced here (strace 6.1, ``printleader``,
``syscall_exiting_trace``, ``print_event_exit``):

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

import functools
import os
import time
from collections.abc import Iterator
from typing import Any

from aiotrace import (
    Clone, Continued, Death, Exec, Exit, GroupStop, Signal, SyscallEntry, SyscallExit,
)

from ._decoder import WithComm, WithIP
from ._dump import emit
from ._filter import signal_name
from ._internals import ABI_CODES, ABI_MODES, comm_of, errno_name
from ._progname import prog
from ._stamps import Stamps

__all__ = ["TextPrinter", "JsonPrinter", "SeparatePrinter", "split_args", "death_text"]


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


def _number(ev: Any) -> str:
    """-n: the call's number as strace shows it: as the thread passed it (an x32 call's
    with its bit), 64 bits wide, and ``???`` for -1."""
    nr = ev.nr
    if ev.abi == "x32":
        nr += 0x40000000
    if nr == -1:
        return "[???] "
    return "[%4d] " % (nr & 0xFFFFFFFFFFFFFFFF)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


_HIDDEN = object()   # (see _Layout._capture)
_PAD_INLINE = 4096   # more spaces than this before " = " are a Padding


class Padding:
    """*n* spaces of output, made a chunk at a time (see ``_dump.emit``)."""

    __slots__ = ("n",)
    _CHUNK = b" " * 65536

    def __init__(self, n: int) -> None:
        self.n = n

    def chunks(self) -> Iterator[bytes]:
        n, chunk = self.n, self._CHUNK
        while n > len(chunk):
            yield chunk
            n -= len(chunk)
        yield chunk[:n]


class _Layout:
    """What both printers share: filters, the traced threads, output parts."""

    def __init__(self, *, signals: frozenset[int] | None = None,
                 status: frozenset[str] | None = None, follow: bool = False) -> None:
        self.signals = signals             # None: every signal
        self.status = status               # None: every call, printed as it happens
        self.follow = follow
        self.out: list[Any] = []           # text (and Dumps) for the trace output
        self.err: list[str] = []           # "aiotrace: ..." messages for stderr
        self.live: dict[int, int] = {}     # traced tid -> pid
        self.hidden: set[int] = set()      # tids whose events strace would not see
        self.ip: dict[int, int | None] = {}   # tid -> its last stop's instruction pointer
        self.comms: dict[int, str] = {}       # -Y: tid -> "<COMM>" at its last stop
        self.wall_offset = time.time_ns() - time.monotonic_ns()

    def add_thread(self, tid: int, pid: int) -> None:
        self.live[tid] = pid

    def _status_ok(self, failed: bool) -> bool:
        st = self.status
        return st is None or (("failed" if failed else "successful") in st)

    def _capture(self, ev: Any) -> Any:
        """What the decoder captured at *ev*'s stop; with ``-i``, the instruction pointer
        taken with it is kept for the line's ``[ip]`` column."""
        if ev.tid in self.hidden and type(ev) is not Death:
            return _HIDDEN   # (a thread strace would not show)
        cap = ev.captured
        if type(cap) is WithComm:
            if cap.comm:
                self.comms[ev.tid] = cap.comm
            cap = cap.value
        if type(cap) is WithIP:
            self.ip[ev.tid] = cap.ip
            return cap.value
        return cap

    def _superseded(self, ev: Any) -> bool:
        """Exec from a non-leader thread: update the threads; False if strace would not
        show this process any more (without -f, a thread it did not trace exec'd)."""
        old, tid = ev.old_tid, ev.tid
        if old not in self.live:
            self.hidden.add(tid)
            return False
        pid = ev.pid
        for t in [t for t, p in self.live.items() if p == pid and t != old]:
            del self.live[t]
        self.live[tid] = self.live.pop(old, pid)
        return True


class TextPrinter(_Layout):
    """strace's text format."""

    def __init__(
        self,
        *,
        to_file: bool,
        pid_prefix: bool,
        stamps: Stamps | None = None,
        column: int = 40,
        quiet: frozenset[str] = frozenset(),
        numbers: bool = False,
        ips: bool = False,
        comm: bool = False,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.comm = comm                # -Y: "PID<COMM>" in the pid prefix
        # -i: "[00007f...] " from the last stop of the thread; "[????????????????] " unknown
        self.ips = ips
        # -n: each line starts with the number of its thread's last call ("[  59] ")
        self.numbers = numbers
        self.nrs: dict[int, str] = {}
        self.to_file = to_file          # False: the trace shares stderr with our messages
        self.pid_prefix = pid_prefix    # "%-5d " on every line (-o FILE with -f)
        self.stamps = stamps or Stamps()    # -t, -r, -T (one for every printer of a run)
        self.column = column
        self.quiet_attach = "attach" in quiet
        self.quiet_exit = "exit" in quiet
        self.quiet_superseded = "thread-execve" in quiet
        self.quiet_personality = "personality" in quiet
        # each thread's ABI at its last syscall entry, where not x86-64's: strace prints
        # "[ Process PID=N runs in 32 bit mode. ]" when it changes
        self.abis: dict[int, str] = {}
        self.open: int | None = None    # the tid whose line is open
        self.col = 0                    # length of the open line
        self.shown: set[int] = set()    # tids whose call in progress has its entry shown

    def add_thread(self, tid: int, pid: int) -> None:
        self.live[tid] = pid
        if self.comm and tid not in self.comms:   # (-Y: as strace reads it on attaching)
            self.comms[tid] = comm_of(tid)

    def _death_shown(self, status: int) -> bool:
        """Whether a thread's end gets its ``+++`` line, as strace decides: ``exited
        with`` unless -e quiet=exit (or -qq); ``killed by SIG`` unless -e signal=
        leaves SIG out, whatever quiet says."""
        if os.WIFSIGNALED(status):
            return self.signals is None or os.WTERMSIG(status) in self.signals
        return not self.quiet_exit

    # -- the leader: closes an open line, prints the pid prefix and the timestamp --------

    def _lead(self, tid: int, t_ns: int) -> str:
        if self.open is not None:
            head = " <unfinished ...>\n"
            self.open = None
        else:
            head = ""
        if self.pid_prefix:
            comm = self.comms.get(tid, "") if self.comm else ""
            pfx = "%d%s " % (tid, comm) if comm else "%-5d " % tid
        elif not self.to_file and len(self.live) > 1:
            pfx = "[pid %5d%s] " % (tid, self.comms.get(tid, "") if self.comm else "")
        else:
            pfx = ""
        if self.stamps.prefixed:
            pfx += self.stamps.prefix(t_ns, self.wall_offset)
        if self.numbers:
            pfx += self.nrs.get(tid, "[   0] ")
        if self.ips:
            ip = self.ip.get(tid)
            pfx += "[????????????????] " if ip is None else "[%016x] " % ip
        self.col = len(pfx)
        return head + pfx

    def message(self, text: str) -> None:
        """An ``aiotrace: ...`` line for stderr, in order with the trace if both share it."""
        if self.to_file:
            self.err.append(text)
        else:
            if self.open is not None:
                text = " <unfinished ...>\n" + text
                self.open = None
            self.out.append(text)

    # -- one event ----------------------------------------------------------------------

    def render(self, ev: Any) -> None:
        cap = self._capture(ev)
        if cap is _HIDDEN:
            return
        t = type(ev)
        tid = ev.tid
        if t is Death:
            self.ip[tid] = None
        if t is SyscallEntry and ev.abi != self.abis.get(tid, "x86_64"):
            self._personality(ev, tid)   # (under the thread's last call's number, as strace)
        if self.numbers and (t is SyscallEntry or t is SyscallExit):
            self.nrs[tid] = _number(ev)
        if t is SyscallEntry:
            if cap is None or self.status is not None:
                return   # with a status filter, a call is printed whole at its exit
            name, text = cap
            self.out.append(self._lead(tid, ev.time_ns) + name + "(" + text)
            self.col += len(name) + 1 + len(text)
            self.open = tid
            self.shown.add(tid)
        elif t is SyscallExit:
            if cap is not None:
                self._exit(ev, tid, cap)
        elif t is Signal:
            signo = ev.signo
            if self.signals is None or signo in self.signals:
                name = signal_name(signo)
                self.out.append(self._lead(tid, ev.time_ns) + "--- %s %s ---\n"
                                % (name, cap if cap is not None else "{si_signo=%s}" % name))
        elif t is Exit:
            if cap is not None:
                self._event_exit(ev, tid, cap)
        elif t is Death:
            self.shown.discard(tid)
            self.abis.pop(tid, None)
            if self._death_shown(ev.status):
                self.out.append(self._lead(tid, ev.time_ns)
                                + "+++ %s +++\n" % death_text(ev.status))
            elif self.open == tid:
                self._close_line("unfinished")
            self.live.pop(tid, None)
            self.hidden.discard(tid)
        elif t is Clone:
            if self.follow:
                self.live[ev.child_tid] = ev.child_pid
                if self.comm and tid in self.comms:   # (the child starts with its name)
                    self.comms.setdefault(ev.child_tid, self.comms[tid])
                abi = self.abis.get(tid)
                if abi is not None:   # (strace's new thread starts in its parent's mode)
                    self.abis[ev.child_tid] = abi
                if not self.quiet_attach:
                    self.message("%s: Process %d attached\n" % (prog(), ev.child_tid))
        elif t is Exec:
            if ev.old_tid != tid:
                self._exec(ev, tid)
        elif t is GroupStop:
            if self.signals is None or ev.signo in self.signals:
                self.out.append(self._lead(tid, ev.time_ns)
                                + "--- stopped by %s ---\n" % signal_name(ev.signo))

    def _personality(self, ev: Any, tid: int) -> None:
        """A syscall of another ABI than the thread's last one: strace's line for it."""
        abi = ev.abi
        if abi == "x86_64":
            self.abis.pop(tid, None)
        else:
            self.abis[tid] = abi
        if not self.quiet_personality:
            self.out.append(self._lead(tid, ev.time_ns) + "[ Process PID=%d runs in %s mode. ]\n"
                            % (tid, ABI_MODES[ABI_CODES[abi]]))

    def _exit(self, ev: Any, tid: int, cap: tuple[Any, ...]) -> None:
        name, entry, args, ret, t0, marks, dump = cap
        if self.status is not None and not self._status_ok(-4096 < ev.retval < 0):
            self.shown.discard(tid)
            return
        if tid in self.shown:
            self.shown.discard(tid)
            rest = args[len(entry):] + ")"
            if self.open == tid:
                s = rest
                col = self.col + len(rest)
            else:
                rest = "<... " + name + " resumed>" + rest
                s = self._lead(tid, ev.time_ns) + rest
                col = self.col + len(rest)
        else:
            rest = name + "(" + args + ")"
            s = self._lead(tid, ev.time_ns) + rest
            col = self.col + len(rest)
        s = self._pad(s, self.column - 1 - col)
        s += " = " + ret + marks
        if self.stamps.durations is not None and t0 is not None:
            s += self.stamps.duration(ev.time_ns - t0)
        self.out.append(s + "\n")
        if dump is not None:
            self.out.append(dump)
        self.open = None

    def _pad(self, s: str, pad: int) -> str:
        """*s* and *pad* spaces before the `` = ``: in the text when they are few; a
        :class:`Padding` written out a chunk at a time when ``-a`` is huge (strace writes
        them all; a 2 GB string per line would exhaust memory)."""
        if pad <= 0:
            return s
        if pad <= _PAD_INLINE:
            return s + " " * pad
        self.out.append(s)
        self.out.append(Padding(pad))
        return ""

    def _event_exit(self, ev: Any, tid: int, cap: tuple[Any, ...]) -> None:
        """PTRACE_EVENT_EXIT: a thread leaves; a call it was in never returns (``= ?``)."""
        name, entry, more = cap
        shown = tid in self.shown
        self.shown.discard(tid)
        if self.status is not None and "unfinished" not in self.status:
            return
        if shown and self.open == tid:
            s = ""
            col = self.col
        else:
            lead = self._lead(tid, ev.time_ns)
            s = ("<... " + name + " resumed>") if shown else (name + "(" + entry)
            col = self.col + len(s)
            s = lead + s
        if more:
            s += " <unfinished ...>"
            col += 17
        s += ")"
        col += 1
        s = self._pad(s, self.column - 1 - col)
        self.out.append(s + " = ?\n")
        self.open = None

    def _exec(self, ev: Any, tid: int) -> None:
        old = ev.old_tid
        shown = old in self.shown
        if not self._superseded(ev):
            self.shown.discard(tid)
            return
        for t in [t for t in self.shown if t not in self.live]:
            self.shown.discard(t)
        self.shown.discard(old)
        if self.open == old:
            # strace closes the exec'ing thread's open line this way (even when quiet
            # about the superseded thread: the line is the exec'ing thread's own)
            self._close_line("pid changed to %d" % tid)
        if not self.quiet_superseded:
            self.out.append(self._lead(tid, ev.time_ns)
                            + "+++ superseded by execve in pid %d +++\n" % old)
        else:
            self._close_line("unfinished")
        if shown:
            self.shown.add(tid)

    # -- once tracing is over ------------------------------------------------------------

    def detached(self, tids: list[int], calls: Any = ()) -> None:
        """The tracer detached: close an open line strace's way and say so. With
        ``-e status=`` (lines held until a call ends), the *calls* the threads were in,
        ``(tid, name, entry text)``, are shown if ``detached`` is in the set."""
        self._close_line("detached")
        if self.status is not None and "detached" in self.status:
            now = time.monotonic_ns()
            for tid, name, text in calls:
                self.out.append(self._lead(tid, now) + name + "(" + text
                                + " <detached ...>\n")
        if not self.quiet_attach:
            for tid in tids:
                self.message("%s: Process %d detached\n" % (prog(), tid))

    def finish(self) -> None:
        self._close_line("unfinished")

    def _close_line(self, why: str) -> bool:
        """Close the open line, if any, with strace's `` <WHY ...>``; True if there was one."""
        if self.open is None:
            return False
        self.out.append(" <%s ...>\n" % why)
        self.open = None
        return True


class JsonPrinter(_Layout):
    """One JSON object per event (JSON Lines), with strace's decoding of the arguments."""

    def __init__(self, **kw: Any) -> None:
        import json   # (on use: start-up time)
        kw.pop("quiet", None)
        for k in ("to_file", "pid_prefix", "stamps", "column"):
            kw.pop(k, None)
        super().__init__(**kw)
        self._dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        self.entered: set[int] = set()

    def message(self, text: str) -> None:
        pass

    def _obj(self, ev: Any, kind: str, **fields: Any) -> None:
        t = (ev.time_ns + self.wall_offset) / 1e9
        d = {"kind": kind, "seq": ev.seq, "time": round(t, 6), "pid": ev.pid, "tid": ev.tid}
        d.update(fields)
        self.out.append(self._dumps(d) + "\n")

    def render(self, ev: Any) -> None:
        cap = self._capture(ev)
        if cap is _HIDDEN:
            return
        tid = ev.tid
        t = type(ev)
        if t is SyscallEntry:
            if cap is not None and self.status is None:
                if ev.abi == "x86_64":
                    self._obj(ev, "syscall.entry", syscall=cap[0], nr=ev.nr,
                              args=split_args(cap[1]))
                else:
                    self._obj(ev, "syscall.entry", syscall=cap[0], abi=ev.abi, nr=ev.nr,
                              args=split_args(cap[1]))
        elif t is SyscallExit:
            if cap is None:
                return
            name, entry, args, ret, t0, marks, _dump = cap
            r = ev.retval
            failed = -4096 < r < 0
            if not self._status_ok(failed):
                return
            fields: dict[str, Any] = {"syscall": name}
            if ev.abi != "x86_64":
                fields["abi"] = ev.abi
            fields.update({
                "nr": ev.nr, "args": split_args(args), "retval": r,
                "return": ret, "error": errno_name(-r) if failed else None,
                "duration": None if t0 is None else round(max(0, ev.time_ns - t0) / 1e9, 6),
            })
            if marks:
                fields["injected"] = "INJECTED" in marks
                fields["delayed"] = "DELAYED" in marks
            self._obj(ev, "syscall.exit", **fields)
        elif t is Signal:
            signo = ev.signo
            if self.signals is None or signo in self.signals:
                self._obj(ev, "signal", signal=signal_name(signo), signo=signo, siginfo=cap)
        elif t is Exit:
            unfinished = None
            if cap is not None and (self.status is None or "unfinished" in self.status):
                unfinished = cap[0]
            self._obj(ev, "exit", status=ev.status, unfinished=unfinished)
        elif t is Death:
            st = ev.status
            sig = os.WTERMSIG(st) if os.WIFSIGNALED(st) else None
            self._obj(ev, "death", status=st,
                      exit_code=os.WEXITSTATUS(st) if os.WIFEXITED(st) else None,
                      signal=None if sig is None else signal_name(sig),
                      core_dumped=bool(sig is not None and os.WCOREDUMP(st)))
            self.live.pop(tid, None)
            self.hidden.discard(tid)
        elif t is Clone:
            if self.follow:
                self.live[ev.child_tid] = ev.child_pid
                self._obj(ev, "clone", child_pid=ev.child_pid, child_tid=ev.child_tid,
                          clone_type=ev.clone_type)
        elif t is Exec:
            if ev.old_tid != tid and not self._superseded(ev):
                return
            # (a file name is bytes: those that are not UTF-8 as \xNN, so that the line
            # stays UTF-8 text; JSON escapes the control characters)
            name = os.fsencode(ev.filename).decode("utf-8", "backslashreplace")
            self._obj(ev, "exec", filename=name, old_tid=ev.old_tid)
        elif t is GroupStop:
            if self.signals is None or ev.signo in self.signals:
                self._obj(ev, "group_stop", signal=signal_name(ev.signo))
        elif t is Continued:
            self._obj(ev, "continued")

    def detached(self, tids: list[int], calls: Any = ()) -> None:
        pass

    def finish(self) -> None:
        pass


class SeparatePrinter:
    """``-ff -o FILE``: the trace of each thread goes to ``FILE.TID``, as strace does.

    One TextPrinter per thread: lines of different threads never interrupt each other,
    so there is no ``<unfinished ...>`` but the thread's own (a call it dies in)."""

    def __init__(self, base: str, *, append: bool = False, **kw: Any) -> None:
        self.base = base
        self.append = append
        self.kw = dict(kw, to_file=True, pid_prefix=False)
        self.printers: dict[int, TextPrinter] = {}
        self.fds: dict[int, int] = {}
        self.live: dict[int, int] = {}     # shared by every printer
        self.abis: dict[int, str] = {}     # (the same: a child starts in its parent's ABI)
        self.err: list[str] = []
        self.out: list[str] = []           # (unused: each printer has its own)
        self.dirty: set[int] = set()
        self.closing: list[int] = []
        self.failing = 0                   # the errno of the last failed write
        probe = TextPrinter(**self.kw)
        self.quiet_attach = probe.quiet_attach
        self.quiet_exit = probe.quiet_exit
        self.follow = probe.follow

    def _printer(self, tid: int) -> TextPrinter:
        p = self.printers.get(tid)
        if p is None:
            p = self.printers[tid] = TextPrinter(**self.kw)
            p.live = self.live
            p.err = self.err
            p.abis = self.abis
        return p

    def add_thread(self, tid: int, pid: int) -> None:
        self.live[tid] = pid
        self._printer(tid)

    def open_file(self, tid: int) -> None:
        """Open ``FILE.TID`` now (as strace does for a process it starts tracing);
        raises OSError if it cannot be."""
        if tid not in self.fds:
            flags = os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC | (
                os.O_APPEND if self.append else os.O_TRUNC)
            self.fds[tid] = os.open("%s.%d" % (self.base, tid), flags, 0o666)

    def message(self, text: str) -> None:
        self.err.append(text)

    def render(self, ev: Any) -> None:
        t = type(ev)
        tid = ev.tid
        if t is Exec and ev.old_tid != tid:
            old = self.printers.get(ev.old_tid)
            if old is not None and ev.old_tid in self.live:
                if old._close_line("pid changed to %d" % tid):
                    self.dirty.add(ev.old_tid)
                leader = self._printer(tid)
                if ev.old_tid in old.shown:
                    leader.shown.add(ev.old_tid)   # moved to tid by leader._exec
                self.closing.append(ev.old_tid)
                leader.render(ev)
                self.dirty.add(tid)
                return
        p = self._printer(tid)
        p.render(ev)
        if p.out:
            self.dirty.add(tid)
        if t is Clone and self.follow:
            self._printer(ev.child_tid)
        elif t is Death:
            self.closing.append(tid)

    def flush_files(self) -> None:
        for tid in list(self.dirty):
            p = self.printers.get(tid)
            if p is None or not p.out:
                continue
            parts = p.out[:]
            p.out.clear()
            name = "%s.%d" % (self.base, tid)
            try:
                self.open_file(tid)
                emit(parts, functools.partial(_write_all, self.fds[tid]))
            except OSError as exc:   # (the text is lost; said once per kind of error)
                if exc.errno != self.failing:
                    self.err.append("%s: %s: %s\n" % (prog(), name, exc.strerror))
                self.failing = exc.errno or -1
        self.dirty.clear()
        for tid in self.closing:
            fd = self.fds.pop(tid, None)
            if fd is not None:
                os.close(fd)
            self.printers.pop(tid, None)
        self.closing.clear()

    def detached(self, tids: list[int], calls: Any = ()) -> None:
        for tid, p in self.printers.items():
            if p._close_line("detached"):
                self.dirty.add(tid)
        if not self.quiet_attach:
            for tid in tids:
                self.err.append("%s: Process %d detached\n" % (prog(), tid))

    def finish(self) -> None:
        for tid, p in self.printers.items():
            p.finish()
            if p.out:
                self.dirty.add(tid)
        self.flush_files()
        for fd in self.fds.values():
            os.close(fd)
        self.fds.clear()
