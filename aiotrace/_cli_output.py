# SPDX-License-Identifier: GPL-2.0-or-later
"""The strace-style printer of the ``aiotrace`` command, in two halves.

``Decoder.capture`` is the ``capture=`` function of the printer's stream: it runs on the
tracer thread while the traced thread is stopped, so it reads the tracee's memory (and,
with ``-y``, ``/proc/PID/fd``) at the stop, as strace does, and returns the decoded text
(``event.captured``). It keeps only what decoding needs: the entry text of each call in
progress, for its exit.

``TextPrinter.render`` / ``JsonPrinter.render`` run on the event loop, once per event, in
the order of the events (``seq``): they lay the decoded text out into lines. Doing the
layout there, rather than on the tracer thread, keeps it in the exact order of the stops
for every event, ``Death`` included (its ``capture`` only forgets the thread's call in
progress: a dead thread has no memory to read).

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

import ctypes
import functools
import json
import os
import struct
import tempfile
import time
from typing import Any, Callable, Iterator

from . import Clone, Continued, Death, Exec, Exit, GroupStop, Signal, SyscallEntry, SyscallExit
from ._cli_filter import signal_name
from ._fdinfo import fd_details
from ._core._syscalls import ABI_CODES, ABI_MODES, make_key
from ._decode import (
    SYSCALL_NAMES, _spec, errno_name, format_entry, format_exit, format_siginfo, late_captures,
)
from ._decode._ctx import FdText
from ._decode._kinds import DIRFD, FD, PATH
from ._decode._quote import annotate_path

__all__ = ["Decoder", "TextPrinter", "JsonPrinter", "SeparatePrinter", "Dump", "emit", "split_args",
           "death_text"]

_NR_EXECVE = 59
_NR_RT_SIGRETURN = 15
_NR_RESTART_SYSCALL = 219
# -e read= / write=: the calls whose buffer (arg 1, arg 2 bytes) is dumped: 0 read, 1 write
_DUMPED_CALLS = {"read": 0, "pread64": 0, "recvfrom": 0, "write": 1, "pwrite64": 1, "sendto": 1,
                 "readv": 0, "preadv": 0, "preadv2": 0, "recvmsg": 0,
                 "writev": 1, "pwritev": 1, "pwritev2": 1, "sendmsg": 1}
_IOV_CALLS = {"readv", "preadv", "preadv2", "writev", "pwritev", "pwritev2"}   # (iov, count)
_PLAIN_DUMPS = {"read", "write", "pread64", "pwrite64", "recvfrom", "sendto"}   # (fd, buf, n)
_MSG_CALLS = {"recvmsg", "sendmsg"}                                           # (msghdr)
_CUSTOM_FD_ARGS = {"ioctl": (0,), "sendfile": (0, 1)}   # -P: decoders without arg kinds
_ERESTART_RESTARTBLOCK = 516
_PREFETCH_MAX = 1 << 16   # the most bytes one copy of prefetch= takes
_NAMES: list[str] = [SYSCALL_NAMES.get(i, "syscall_%#x" % i) for i in range(512)]

# ptrace(2) requests made from the capture function, which runs on the tracer thread
# (the thread that seized the tracee, as the kernel requires) while the thread is stopped.
_libc = ctypes.CDLL(None, use_errno=True)
_ptrace = _libc.ptrace
_ptrace.argtypes = (ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p)
_ptrace.restype = ctypes.c_long
_PTRACE_GETREGS = 12
_RIP_INDEX, _RSP_INDEX = 16, 19   # struct user_regs_struct: r15 ... rip cs eflags rsp


def _register(tid: int, index: int) -> int | None:
    """One register of a stopped thread (struct user_regs_struct's *index*)."""
    regs = (ctypes.c_ulonglong * 27)()
    if _ptrace(_PTRACE_GETREGS, tid, None, regs) != 0:
        return None
    return int(regs[index])




class WithIP:
    """A captured value and the instruction pointer of its stop (-i)."""

    __slots__ = ("value", "ip")

    def __init__(self, value: Any, ip: int | None) -> None:
        self.value = value
        self.ip = ip


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


# -- the tracer-thread half ---------------------------------------------------------------


class _Call:
    """A system call in progress on one thread, as its entry was decoded."""

    __slots__ = ("pid", "name", "args", "text", "t0", "marks", "abi")

    def __init__(self, pid: int, name: str, args: Any, text: str, t0: int, marks: str,
                 abi: str = "x86_64") -> None:
        self.pid = pid
        self.name = name
        self.args = args
        self.text = text
        self.t0 = t0
        self.marks = marks
        self.abi = abi


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
                 inject: dict[int, Any] | None = None,
                 paths: frozenset[bytes] | None = None,
                 dumps: tuple[Any, Any] = (None, None), ips: bool = False) -> None:
        self.strsize = strsize
        self.ips = ips   # -i: each capture also carries the thread's instruction pointer
        if ips:
            self.capture = self._capture_with_ip   # type: ignore[method-assign]
        # -e read= / write=: (negated, fds) for the data of reads and writes to hex-dump
        self.dumps = dumps if dumps != (None, None) else None
        self.xflag = xflag
        self.paths = paths   # -P: only the calls that use one of these
        self.fd_path = self._fd_path if decode_fds else None
        self.fd_details = decode_fds >= 2   # -yy: sockets, devices, pidfds
        self.inject = inject or {}
        self.inject_counts: dict[tuple[int, int], int] = {}
        self.calls: dict[int, _Call] = {}
        self.pending_exec: dict[int, tuple[str, int]] = {}   # pid -> (execve text, t0)
        # tid -> the call that returned ERESTART_RESTARTBLOCK: restart_syscall resumes it
        self.interrupted: dict[int, str] = {}
        self._tid = 0

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
                or self.ips):
            return {}
        late = late_captures()
        # (x86-64's calls: those of the other ABIs, rare, are decoded at the stop)
        return {"after_resume": {SyscallEntry: _at64(late.entries - late.quiet)},
                "reads_nothing": {SyscallEntry: _at64(late.quiet),
                                  SyscallExit: _at64(late.exits)},
                "prefetch": {SyscallEntry: self._copies(late.copied_entries),
                             SyscallExit: self._copies(late.copied)}}

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
                    made.append((i, "retval", s if n is None else n))
                else:
                    made.append((i, "arg", lenarg[0], s if n is None else n))
            # (a larger -s than a copy takes: that call is decoded at its stop instead)
            if all(c[-1] <= _PREFETCH_MAX for c in made):
                out[name] = made
        return out

    def expect_exec(self, pid: int, text: str, t0: int) -> None:
        """The spawned program's execve: its entry was not seen, its text is ``text``."""
        self.pending_exec[pid] = (text, t0)

    def _fd_path(self, fd: int) -> str | None:
        """-y: what a descriptor is open on. readlink marks a deleted file with a
        " (deleted)" after its path, which the printer moves after the brackets
        (``<PATH>(deleted)``); but a live file may have a name that ends so. As strace,
        the mark is the file's name when the path leads to the very file that is open.
        The working directory is shown as readlink says, mark or not (strace does)."""
        try:
            if fd == -100:
                return FdText(annotate_path(os.readlink("/proc/%d/cwd" % self._tid)))
            proc = "/proc/%d/fd/%d" % (self._tid, fd)
            link = os.readlink(proc)
        except OSError:
            return None
        deleted = link.endswith(_DELETED) and not _same_file(proc, link)
        if self.fd_details:
            details = fd_details(self._tid, fd, link, deleted=deleted)
            if details is not None:
                return details
        if link.endswith(_DELETED) and not deleted:
            return FdText(annotate_path(link))   # (printed as it is)
        return link

    def _dump(self, name: str, args: Any, retval: int, mem: Any,
              abi: str = "x86_64") -> Dump | None:
        """-e read=/write=: the bytes a call moved, for strace's hex dump lines."""
        kind = _DUMPED_CALLS.get(name)
        if kind is None or retval <= 0 or mem is None or self.dumps is None:
            return None
        if abi != "x86_64" and name not in _PLAIN_DUMPS:
            return None   # (iovec and msghdr have other layouts there)
        which = self.dumps[kind]
        fd = args[0] & 0xFFFFFFFF
        if which is None or (fd in which[1]) == which[0]:
            return None
        dump = Dump()
        try:
            if name in _IOV_CALLS:
                _dump_iov(dump, mem, args[1], args[2], retval)
            elif name in _MSG_CALLS:
                iov, iovlen = struct.unpack("<QQ", mem.read(args[1] + 16, 16))
                _dump_iov(dump, mem, iov, iovlen, retval)
            else:
                dump.copy(mem, args[1], min(retval, args[2]))
        except (OSError, struct.error):
            if not dump.parts:
                return None
        return dump

    def uses_paths(self, name: str, args: Any, mem: Any, tid: int, abi: str = "x86_64") -> bool:
        """-P: whether the call names one of the paths, or uses a descriptor open on one
        (the arguments the decoding table prints as paths, descriptors and directory
        descriptors; ioctl's and sendfile's descriptors)."""
        paths = self.paths
        assert paths is not None
        spec = _spec(name, abi)
        if spec is None:
            return False
        fds = _CUSTOM_FD_ARGS.get(name, ())
        for i, kind in enumerate(spec.args):
            if kind is PATH and mem is not None:
                try:
                    if mem.read_string(args[i], 4097) in paths:
                        return True
                except OSError:
                    pass
            elif kind is FD or kind is DIRFD:
                fds += (i,)
        for i in fds:
            fd = args[i] & 0xFFFFFFFF
            if fd < 0x80000000:
                try:
                    if os.fsencode(os.readlink("/proc/%d/fd/%d" % (tid, fd))) in paths:
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
        return marks

    def _capture_with_ip(self, ev: Any, mem: Any) -> Any:
        """-i: capture(), with the instruction pointer of the stop (WithIP)."""
        value = Decoder.capture(self, ev, mem)
        t = type(ev)
        if value is None or not (t is SyscallEntry or t is SyscallExit or t is Signal):
            return value
        return WithIP(value, _register(ev.tid, _RIP_INDEX))

    def capture(self, ev: Any, mem: Any) -> Any:
        t = type(ev)
        if t is SyscallEntry:
            abi = ev.abi
            if abi != "x86_64":
                return self._foreign_entry(ev, mem, abi)
            tid = self._tid = ev.tid
            nr = ev.nr
            name = _NAMES[nr] if 0 <= nr < 512 else _name(nr)
            if self.paths is not None and not self.uses_paths(name, ev.args, mem, tid):
                return None   # (and no _Call: its exit is not shown either)
            if nr == _NR_RESTART_SYSCALL:
                text = "<... resuming interrupted %s ...>" % self.interrupted.pop(tid, "system call")
            else:
                sp = _register(tid, _RSP_INDEX) if nr == _NR_RT_SIGRETURN else None
                text = format_entry(name, ev.args, mem, strsize=self.strsize,
                                    fd_path=self.fd_path, sp=sp, xflag=self.xflag)
            self.calls[tid] = _Call(ev.pid, name, ev.args, text, ev.time_ns,
                                    self._marks(tid, nr) if self.inject else "")
            return (name, text)
        if t is SyscallExit:
            tid = self._tid = ev.tid
            call = self.calls.pop(tid, None)
            if call is None and self.paths is not None and ev.pid not in self.pending_exec:
                return None   # a call -P leaves out (or one whose entry was not seen)
            abi = ev.abi
            if call is None:
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
            if ev.retval == -_ERESTART_RESTARTBLOCK:
                self.interrupted[tid] = name
            # a retval= injection is a success whatever the value, as strace shows it
            rule = self.inject.get(_key(ev)) if marks else None
            success = rule is not None and rule.retval is not None
            args, ret = format_exit(name, ev.args, ev.retval, mem, strsize=self.strsize,
                                    fd_path=self.fd_path, entry_text=entry, xflag=self.xflag,
                                    success=success, abi=abi)
            dump = self._dump(name, ev.args, ev.retval, mem, abi) if self.dumps else None
            return (name, entry, args, ret, t0, marks, dump)
        if t is Signal:
            raw = ev.siginfo   # read by the library at the stop
            return format_siginfo(raw) if raw else None
        if t is Exit:
            call = self.calls.pop(ev.tid, None)
            if call is None:
                return None
            # strace adds " <unfinished ...>" when the decoder had more to show at exit
            more = format_exit(call.name, call.args, 0, None, entry_text=call.text,
                               abi=call.abi)[0] != call.text
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
        tid = self._tid = ev.tid
        name = ev.name
        if self.paths is not None and not self.uses_paths(name, ev.args, mem, tid, abi):
            return None
        if name == "restart_syscall":
            text = "<... resuming interrupted %s ...>" % self.interrupted.pop(tid, "system call")
        else:
            text = format_entry(name, ev.args, mem, strsize=self.strsize,
                                fd_path=self.fd_path, xflag=self.xflag, abi=abi)
        self.calls[tid] = _Call(ev.pid, name, ev.args, text, ev.time_ns,
                                self._marks(tid, _key(ev)) if self.inject else "", abi)
        return (name, text)


def _number(ev: Any) -> str:
    """-n: the call's number as strace shows it: as the thread passed it (an x32 call's
    with its bit), 64 bits wide, and ``???`` for -1."""
    nr = ev.nr
    if ev.abi == "x32":
        nr += 0x40000000
    if nr == -1:
        return "[???] "
    return "[%4d] " % (nr & 0xFFFFFFFFFFFFFFFF)


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


def _dump_iov(dump: Dump, mem: Any, iov: int, count: int, total: int) -> None:
    """A vectored call's dump: ``* N bytes in buffer I`` and its bytes, buffer by buffer,
    until *total* bytes; like strace, it stops at the first empty buffer."""
    for i in range(min(count, 1024)):
        base, length = struct.unpack("<QQ", mem.read(iov + 16 * i, 16))
        n = min(length, total)
        if n <= 0:
            break
        dump.copy(mem, base, n, " * %d bytes in buffer %d\n" % (n, i))
        total -= n


_DUMP_KEPT = 1 << 16    # the bytes of a dump kept in memory; beyond, in a temporary file
_DUMP_COPY = 1 << 20    # bytes copied from the tracee to that file at a time
_DUMP_CHUNK = 1 << 16   # bytes made into text at a time (_hexdump's chunks start at multiples)


class _NoSpool(Exception):
    pass


class Dump:
    """-e read=/write=: the bytes one call moved, to be shown as strace's hex dump.

    The program decides how many bytes a call moves (a single write can move 2 GiB), and
    the dump is 5 times larger as text: so a dump is kept as bytes, not text, and, past
    its first 64 KiB, in an unnamed temporary file rather than in memory (copied from
    the stopped thread 1 MiB at a time). Its text is made 64 KiB of bytes at a time, as
    it is written out (``emit``): a 128 MiB write once took 2 GB, as text. The file goes
    when the dump does (written out, or left out by a filter)."""

    __slots__ = ("parts", "file", "kept", "spooled")

    def __init__(self) -> None:
        # (header, bytes or None for a range of the file, its offset there, size)
        self.parts: list[tuple[str, bytes | None, int, int]] = []
        self.file: Any = None
        self.kept = 0
        self.spooled = 0

    def copy(self, mem: Any, addr: int, n: int, header: str = "") -> None:
        """Keep *n* bytes at *addr* of the stopped thread (fewer where its memory ends).
        Raises OSError if none can be read."""
        if self.kept + n > _DUMP_KEPT:
            start = self.spooled
            try:
                size = self._spool(mem, addr, n)
            except _NoSpool:
                pass   # no temporary file to be had, or it is full: kept in memory
            else:
                self.parts.append((header, None, start, size))
                return
        data = mem.read(addr, n)
        self.kept += len(data)
        self.parts.append((header, data, 0, len(data)))

    def _spool(self, mem: Any, addr: int, n: int) -> int:
        """Copy the bytes to the end of the file; returns how many (OSError if none could
        be read, _NoSpool if the file cannot be made or written)."""
        try:
            if self.file is None:
                self.file = tempfile.TemporaryFile(prefix="aiotrace-dump-")
            fd = self.file.fileno()
        except OSError:
            raise _NoSpool from None
        start = self.spooled
        done = 0
        while done < n:
            want = min(_DUMP_COPY, n - done)
            try:
                data = mem.read(addr + done, want)
            except OSError:
                if done == 0:
                    raise
                break
            view = memoryview(data)
            at = start + done
            try:
                while view:
                    k = os.pwrite(fd, view, at)
                    view = view[k:]
                    at += k
            except OSError:
                raise _NoSpool from None
            done += len(data)
            if len(data) < want:
                break
        self.spooled = start + done
        return done

    def chunks(self) -> Iterator[bytes]:
        """The dump's text, as strace prints it, a piece at a time."""
        for header, data, offset, size in self.parts:
            if header:
                yield header.encode()
            # strace: the offsets as wide as the last line's needs, 5 hex digits at least
            width = max(5, len("%x" % ((size - 1) & ~15))) if size else 5
            for base in range(0, size, _DUMP_CHUNK):
                n = min(_DUMP_CHUNK, size - base)
                if data is not None:
                    piece = data[base:base + n]
                else:
                    try:
                        piece = os.pread(self.file.fileno(), n, offset + base)
                    except OSError:   # (the temporary file failed us: the rest is lost)
                        return
                yield _hexdump(piece, base, width)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def emit(parts: list[Any], write: Callable[[bytes], None]) -> None:
    """Write printer output out: text, and dumps made into text a chunk at a time."""
    text: list[str] = []
    for part in parts:
        if type(part) is str:
            text.append(part)
            continue
        if text:
            write("".join(text).encode("utf-8", "surrogateescape"))
            text.clear()
        for chunk in part.chunks():
            write(chunk)
    if text:
        write("".join(text).encode("utf-8", "surrogateescape"))


_PRINTABLE = bytes(b if 0x20 <= b < 0x7F else 0x2E for b in range(256))   # others: "."
_LINES = _DUMP_CHUNK // 16
_TEMPLATES: dict[int, bytes] = {}


def _template(width: int) -> bytes:
    """_LINES blank dump lines, their offsets' last 4 hex digits filled in (0000, 0010...
    fff0: the same in every chunk, since chunks start at multiples of 64 KiB)."""
    t = _TEMPLATES.get(width)
    if t is None:
        line = b" | " + b"0" * width + b"  " + b" " * 48 + b"  " + b" " * 16 + b" |\n"
        out = bytearray(line * _LINES)
        low = b"".join(b"%04x" % (16 * i) for i in range(_LINES))
        for d in range(4):
            out[3 + width - 4 + d::len(line)] = low[d::4]
        t = _TEMPLATES[width] = bytes(out)
    return t


def _hexdump(data: bytes, base: int, width: int) -> bytes:
    """strace's dump lines of *data*, found at offset *base* (a multiple of 64 KiB) of
    its buffer: `` | OFFSET  xx xx xx xx xx xx xx xx  xx ... xx  TEXT |``, 16 bytes a
    line. Column by column (extended slices of a template), not line by line: ten
    times faster in CPython."""
    full = len(data) // 16
    size = 74 + width                       # the length of one line
    out = bytearray(_template(width)[:full * size])
    if full:
        high = b"%0*x" % (width - 4, base >> 16)   # the offsets' other digits
        for d in range(width - 4):
            out[3 + d::size] = high[d:d + 1] * full
        whole = data[:full * 16]
        hexed = whole.hex().encode()
        h0 = 5 + width
        for j in range(16):
            at = h0 + 3 * j + (j >= 8)
            out[at::size] = hexed[2 * j::32]
            out[at + 1::size] = hexed[2 * j + 1::32]
        shown = whole.translate(_PRINTABLE)
        t0 = h0 + 50
        for j in range(16):
            out[t0 + j::size] = shown[j::16]
    rest = data[full * 16:]
    if rest:   # the last line, shorter
        h = " ".join("%02x" % b for b in rest[:8])
        if len(rest) > 8:
            h += "  " + " ".join("%02x" % b for b in rest[8:])
        out += b" | %0*x  %-48s  %-16s |\n" % (width, base + full * 16, h.encode(),
                                                rest.translate(_PRINTABLE))
    return bytes(out)


# -- the event-loop half ------------------------------------------------------------------


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
        self.wall_offset = time.time_ns() - time.monotonic_ns()

    def add_thread(self, tid: int, pid: int) -> None:
        self.live[tid] = pid

    def _status_ok(self, failed: bool) -> bool:
        st = self.status
        return st is None or (("failed" if failed else "successful") in st)

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
        timestamps: int | str = 0,
        syscall_times: bool = False,
        column: int = 40,
        quiet: frozenset[str] = frozenset(),
        numbers: bool = False,
        ips: bool = False,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        # -i: "[00007f...] " from the last stop of the thread; "[????????????????] " unknown
        self.ips = ips
        self.ip: dict[int, int | None] = {}
        # -n: each line starts with the number of its thread's last call ("[  59] ")
        self.numbers = numbers
        self.nrs: dict[int, str] = {}
        self.to_file = to_file          # False: the trace shares stderr with our messages
        self.pid_prefix = pid_prefix    # "%-5d " on every line (-o FILE with -f)
        self.timestamps = timestamps    # 0, 1 (-t), 2 (-tt), 3 (-ttt), "r" (-r)
        self.syscall_times = syscall_times
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
        self._last_ts = 0

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
            pfx = "%-5d " % tid
        elif not self.to_file and len(self.live) > 1:
            pfx = "[pid %5d] " % tid
        else:
            pfx = ""
        if self.timestamps:
            pfx += self._stamp(t_ns)
        if self.numbers:
            pfx += self.nrs.get(tid, "[   0] ")
        if self.ips:
            ip = self.ip.get(tid)
            pfx += "[????????????????] " if ip is None else "[%016x] " % ip
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
        t = type(ev)
        tid = ev.tid
        if tid in self.hidden and t is not Death:
            return
        cap = ev.captured
        if type(cap) is WithIP:
            self.ip[tid] = cap.ip
            cap = cap.value
        elif t is Death:
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
                abi = self.abis.get(tid)
                if abi is not None:   # (strace's new thread starts in its parent's mode)
                    self.abis[ev.child_tid] = abi
                if not self.quiet_attach:
                    self.message("aiotrace: Process %d attached\n" % ev.child_tid)
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
        pad = self.column - 1 - col
        if pad > 0:
            s += " " * pad
        s += " = " + ret + marks
        if self.syscall_times and t0 is not None:
            d = max(0, ev.time_ns - t0) // 1000
            s += " <%d.%06d>" % (d // 1000000, d % 1000000)
        self.out.append(s + "\n")
        if dump is not None:
            self.out.append(dump)
        self.open = None

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
        pad = self.column - 1 - col
        if pad > 0:
            s += " " * pad
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
        if self.open == old and not self.quiet_superseded:
            # strace closes the exec'ing thread's open line this way
            self._close_line("pid changed to %d" % tid)
        if not self.quiet_superseded:
            self.out.append(self._lead(tid, ev.time_ns)
                            + "+++ superseded by execve in pid %d +++\n" % old)
        else:
            self._close_line("unfinished")
        if shown:
            self.shown.add(tid)

    # -- once tracing is over ------------------------------------------------------------

    def detached(self, tids: list[int]) -> None:
        """The tracer detached: close an open line strace's way and say so."""
        self._close_line("detached")
        if not self.quiet_attach:
            for tid in tids:
                self.message("aiotrace: Process %d detached\n" % tid)

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
        kw.pop("quiet", None)
        for k in ("to_file", "pid_prefix", "timestamps", "syscall_times", "column"):
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
        t = type(ev)
        tid = ev.tid
        if tid in self.hidden and t is not Death:
            return
        cap = ev.captured
        if type(cap) is WithIP:
            cap = cap.value
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

    def detached(self, tids: list[int]) -> None:
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
                    self.err.append("aiotrace: %s: %s\n" % (name, exc.strerror))
                self.failing = exc.errno or -1
        self.dirty.clear()
        for tid in self.closing:
            fd = self.fds.pop(tid, None)
            if fd is not None:
                os.close(fd)
            self.printers.pop(tid, None)
        self.closing.clear()

    def detached(self, tids: list[int]) -> None:
        for tid, p in self.printers.items():
            if p._close_line("detached"):
                self.dirty.add(tid)
        if not self.quiet_attach:
            for tid in tids:
                self.err.append("aiotrace: Process %d detached\n" % tid)

    def finish(self) -> None:
        for tid, p in self.printers.items():
            p.finish()
            if p.out:
                self.dirty.add(tid)
        self.flush_files()
        for fd in self.fds.values():
            os.close(fd)
        self.fds.clear()
