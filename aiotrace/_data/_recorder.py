# SPDX-License-Identifier: GPL-2.0-or-later
"""The recorder: every call and event of a traced process family, as columns.

How it never stalls the program
-------------------------------
The recording is made on the tracer's side: it is the ``capture=`` function of an
observing stream, which the tracer thread runs at each stop (or, for the calls the
printer's decoder marks as safe, just after the thread was resumed: see
``Decoder.after_resume``), exactly as the ``aiotrace`` command decodes. The stream itself
is never read: its buffer holds one event and ``overflow="drop"`` drops the rest, after
their capture. So the event loop does no work per event, and a loop that is busy or
blocked (a notebook cell in ``time.sleep``) never holds the traced program. The end of
the family is watched by a second stream, of ``Death`` events only.

The calls whose text is a function of their registers alone (``_quiet``: ``getppid()``,
``close(3)``...) are not decoded at each stop: their entry is kept until the exit (as
a tuple), and their text comes from the first call with the same number, arguments and
return value. The decoder is given a kept entry whenever it must see it (a thread that
ends or execs inside the call, a call that turns out not to be quiet), so its state is
the same. The C loop's records of those stops (and of the calls decoded later from
their copies, ``_copied``) come to :meth:`Recorder.take` as their fields, before any
event is made of them (``Subscription.raw``): no event, no memory object, no capture
call for them; what ``take`` does not keep or end becomes an event for ``capture``.

Memory
------
Rows are appended as tuples; every ``CHUNK`` rows they are sorted by ``seq`` and become
an Arrow record batch (compact: ~100 bytes a call, strace's text included). Batches
beyond ``memory_limit`` bytes go to an Arrow IPC file in ``spill_dir`` (the system's
temporary directory by default), which the finished Trace maps into memory rather than
reading it back. The rows of calls that began before the last batch written ended are
kept apart, and merged in by slicing (``_order``): no global sort, so nothing reads the
spill file back. The recorder's own memory stays under about ``memory_limit`` plus one
chunk and the late rows, whatever the length of the run. The file is unlinked once
mapped.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from typing import Any

from .._core._events import (
    Clone, Continued, Death, Exec, Exit, GroupStop, Signal, SyscallEntry, SyscallExit,
)
from .._core._args import CopiedMemory
from ._copied import CopiedCalls, Pending, Undecoded, copies_of, flat, name_of, pairs
from ._links import Decoder, death_text
from ._quiet import QuietTexts, entry_event

__all__ = ["Recorder", "CHUNK", "DEFAULT_MEMORY_LIMIT"]

CHUNK = 16384
DEFAULT_MEMORY_LIMIT = 64 << 20

_EXECS = frozenset({"execve", "execveat"})


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def _argv(pid: int) -> list[str] | None:
    raw = _read(f"/proc/{pid}/cmdline")
    if not raw:
        return None
    return [os.fsdecode(a) for a in raw.rstrip(b"\0").split(b"\0")]


def _comm(pid: int, tid: int | None = None) -> str | None:
    raw = _read(f"/proc/{pid}/comm" if tid is None else f"/proc/{pid}/task/{tid}/comm")
    return None if raw is None else os.fsdecode(raw.rstrip(b"\n"))


def _exe(pid: int) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return None


class _Proc:
    __slots__ = ("pid", "ppid", "argv", "exe", "comm", "start_ns", "end_ns", "status")

    def __init__(self, pid: int, ppid: int | None, start_ns: int) -> None:
        self.pid = pid
        self.ppid = ppid
        self.argv: list[str] | None = None
        self.exe: str | None = None
        self.comm: str | None = None
        self.start_ns = start_ns
        self.end_ns: int | None = None
        self.status: int | None = None   # the wait status of its end


class _Thread:
    __slots__ = ("tid", "pid", "name", "start_ns", "end_ns")

    def __init__(self, tid: int, pid: int, start_ns: int, name: str | None) -> None:
        self.tid = tid
        self.pid = pid
        self.name = name
        self.start_ns = start_ns
        self.end_ns: int | None = None


class Recorder:
    """The tracer-side half of a recording (see the module's docstring)."""

    def __init__(self, *, strsize: int = 32, memory_limit: int = DEFAULT_MEMORY_LIMIT,
                 spill_dir: str | None = None) -> None:
        self.decoder = Decoder(strsize=strsize)
        self.memory_limit = memory_limit
        self.spill_dir = spill_dir
        self.lock = threading.Lock()
        self.rows: list[tuple[Any, ...]] = []      # calls not yet in a batch
        self.high = -1                            # the last seq in a batch (_order)
        self.late: list[tuple[Any, ...]] = []     # rows of calls that began before it
        self.late_batches: list[Any] = []
        self.late_count = 0
        self.batches: list[Any] = []              # pa.RecordBatch, in memory
        self.batch_bytes = 0
        self.spill: Any = None                    # the IPC writer, once spilling
        self.spill_path: str | None = None
        self.spilled_rows = 0
        self.events: list[tuple[Any, ...]] = []   # the other events, as rows
        # tid -> (seq, time_ns, nr, abi, args) of its call in progress
        self.entries: dict[int, tuple[int, int, int, str, tuple[int, ...]]] = {}
        # tid -> (seq, time_ns, nr, args, pid) of the entry of its quiet call in progress,
        # not given to the decoder (_quiet)
        self.quiet = QuietTexts(self.decoder)
        self.deferred: dict[int, tuple[int, int, int, tuple[int, ...], int]] = {}
        # ... and of a call decoded from its copies once the table is built (_copied):
        # tid -> the copies its entry's stop made (flat: _copied.flat)
        self.copied = CopiedCalls(self.decoder)
        self.deferred_mem: dict[int, tuple[Any, ...]] = {}
        self.procs: dict[int, _Proc] = {}
        self.threads: dict[int, _Thread] = {}
        self.calls = 0
        # (pid, name) -> calls: what a live view shows (_live); read without the lock
        self.counts: dict[tuple[int, str], int] = {}
        self.wall_offset_ns = time.time_ns() - time.monotonic_ns()
        self.start_ns = time.monotonic_ns()
        self.end_ns: int | None = None
        self.finished = False
        self._result: tuple[Any, dict[str, Any]] | None = None

    # -- the family ------------------------------------------------------------------

    def add_root(self, pid: int, argv: list[str] | None, exec_text: str | None) -> None:
        """The process recorded from its start (spawned, held) or attached."""
        now = time.monotonic_ns()
        ppid = None
        stat = _read(f"/proc/{pid}/stat")
        if stat:
            try:
                ppid = int(stat[stat.rfind(b")") + 2:].split()[1])
            except (ValueError, IndexError):
                ppid = None
        p = self.procs[pid] = _Proc(pid, ppid, now)
        p.argv = argv if argv is not None else _argv(pid)
        if exec_text is None:
            p.exe = _exe(pid)
            p.comm = _comm(pid)
        elif argv:
            p.comm = os.path.basename(argv[0])[:15]
        self.threads[pid] = _Thread(pid, pid, now, p.comm)
        if exec_text is not None:
            self.decoder.expect_exec(pid, exec_text, now)

    def _exec_done(self, pid: int, tid: int, filename: str | None = None) -> None:
        p = self.procs.get(pid)
        if p is None:
            return
        p.argv = _argv(pid) or p.argv
        p.exe = filename or _exe(pid) or p.exe
        p.comm = _comm(pid) or p.comm
        th = self.threads.get(tid)
        if th is not None:
            th.name = p.comm

    # -- capture: the tracer thread ----------------------------------------------------

    def capture(self, ev: Any, mem: Any) -> None:
        t = type(ev)
        with self.lock:
            if t is SyscallEntry:
                tid = ev.tid
                if tid in self.deferred:
                    self._undefer(tid)
                if ev.abi == "x86_64" and self._keep(ev.pid, tid, ev.seq, ev.time_ns, ev.nr,
                                                     ev.args[:], copies_of(mem)):
                    return None
                if self.decoder.capture(ev, mem) is not None:
                    self.entries[tid] = (ev.seq, ev.time_ns, ev.nr, ev.abi, ev.args[:])
            elif t is SyscallExit:
                tid = ev.tid
                if tid in self.deferred:
                    if ev.abi == "x86_64" and self._end(ev.pid, tid, ev.time_ns, ev.nr,
                                                        ev.args[:], ev.retval, copies_of(mem)):
                        return None
                    self._undefer(tid)
                self._exit(ev, mem)
            else:
                self._other(t, ev, mem)
        return None

    def take(self, entry: bool, pid: int, tid: int, seq: int, time_ns: int, nr: int,
             args: tuple[int, ...], retval: int, copies: tuple[Any, ...] | None) -> bool:
        """A syscall stop of the C loop as its fields, before any event is made of it
        (``Subscription.raw``): *copies* what it copied (``prefetch=``), None if it
        copied nothing. True: taken, as capture() would have taken its event, at less
        cost; False: capture() has it, as an event (what neither keeps nor ends a kept
        call: the decoder's). An exit that does not end its kept call gives the decoder
        the entry here, so that capture() does not try to end it again."""
        with self.lock:
            if entry:
                return tid not in self.deferred and self._keep(pid, tid, seq, time_ns, nr,
                                                               args, copies)
            if self._end(pid, tid, time_ns, nr, args, retval, copies):
                return True
            if tid in self.deferred:
                self._undefer(tid)
            return False

    def _keep(self, pid: int, tid: int, seq: int, time_ns: int, nr: int,
              args: tuple[int, ...], copies: tuple[Any, ...] | None) -> bool:
        """Whether the x86-64 entry is kept until its exit, not given to the decoder: a
        quiet call's (_quiet), or one decoded from its copies later (_copied)."""
        if nr in self.quiet.entries:
            self.deferred[tid] = (seq, time_ns, nr, args, pid)
            return True
        if self.copied.keeps(nr, copies):
            self.deferred[tid] = (seq, time_ns, nr, args, pid)
            self.deferred_mem[tid] = flat(copies) if copies else ()
            return True
        return False

    def _end(self, pid: int, tid: int, time_ns: int, nr: int, args: tuple[int, ...],
             retval: int, copies: tuple[Any, ...] | None) -> bool:
        """The row of the kept call that this x86-64 exit ends (True); False if the
        decoder must see both stops (the caller then gives it the entry)."""
        kept = self.deferred.get(tid)
        if kept is None:
            return False
        text: Any
        if tid in self.deferred_mem:
            text = self.copied.undecoded(kept, self.deferred_mem[tid], nr, retval, copies)
            if text is None:
                return False
            del self.deferred_mem[tid]
            name, ret = name_of(nr), None
        else:
            texts = self.quiet.texts(tid, kept, pid, time_ns, nr, args, retval)
            if texts is None:
                return False
            name, text, ret = texts
        del self.deferred[tid]
        self._row(kept[0], pid, tid, nr, name, "x86_64", args, text, retval, ret, kept[1],
                  time_ns, "complete", "")
        return True

    def _undefer(self, tid: int) -> None:
        """The decoder is given the deferred entry of *tid* (before any other stop of the
        thread it must see in order), with its copies if it has some (_copied)."""
        kept = self.deferred.pop(tid)
        copies = self.deferred_mem.pop(tid, None)
        seq, time_ns, nr, args, _ = kept
        self.decoder.capture(entry_event(tid, kept),
                             None if copies is None else CopiedMemory._create(tid, pairs(copies)))
        self.entries[tid] = (seq, time_ns, nr, "x86_64", args)

    def _exit(self, ev: Any, mem: Any) -> None:
        cap = self.decoder.capture(ev, mem)
        if cap is None:
            return   # (the first execve's duplicate)
        name, entry, args_text, ret, t0, marks, _dump = cap
        tid = ev.tid
        ent = self.entries.pop(tid, None)
        seq = ev.seq if ent is None else ent[0]
        status = "complete" if entry is not None else "resumed"
        a = ev.args[:]
        self._row(seq, ev.pid, tid, ev.nr, name, ev.abi, a, args_text, ev.retval, ret,
                  t0, ev.time_ns, status, marks)
        if name in _EXECS and ev.retval == 0:
            self._exec_done(ev.pid, tid)

    def _row(self, seq: int, pid: int, tid: int, nr: int, name: str, abi: str,
             a: tuple[int, ...], args_text: str | tuple[Any, ...], retval: int | None,
             ret: str | None, start: int | None, end: int | None, status: str,
             marks: str) -> None:
        # (args_text an Undecoded, ret None: a call whose texts are made later, _copied)
        if len(a) != 6:
            a = (a + (0,) * 6)[:6]
        # (the registers as one tuple: calls_batch makes their six columns)
        self.rows.append((seq, pid, tid, nr, name, abi, a, args_text, retval, ret, start,
                          end, status, marks))
        self.calls += 1
        counts = self.counts
        key = (pid, name)
        counts[key] = counts.get(key, 0) + 1
        if len(self.rows) >= CHUNK:
            self._flush()

    def _unfinished(self, tid: int, end: int | None) -> None:
        """The call *tid* was in never returns: a row ``= ?``."""
        ent = self.entries.pop(tid, None)
        call = self.decoder.calls.get(tid)
        if ent is None or call is None:
            return
        seq, t0, nr, abi, args = ent
        self._row(seq, call.pid, tid, nr, call.name, abi, args, call.text, None, "?", t0, end,
                  "unfinished", call.marks)

    def _other(self, t: type, ev: Any, mem: Any) -> None:
        tid, pid = ev.tid, ev.pid
        text = ""
        signo = child_pid = child_tid = old_tid = status = None
        clone_type = filename = None
        if self.deferred and (t is Exit or t is Death or t is Exec):
            for other in [x for x, e in self.deferred.items() if e[4] == pid]:
                self._undefer(other)
        if t is Exit:
            self._unfinished(tid, ev.time_ns)
            th = self.threads.get(tid)
            if th is not None:
                th.name = _comm(pid, tid) or th.name
            status = ev.status
            text = "exiting: %s" % death_text(ev.status)
        elif t is Death:
            self._unfinished(tid, None)
            status = ev.status
            text = "+++ %s +++" % death_text(ev.status)
            th = self.threads.get(tid)
            if th is not None:
                th.end_ns = ev.time_ns
            p = self.procs.get(pid)
            if p is not None and tid == pid:
                p.end_ns = ev.time_ns
                p.status = ev.status
        elif t is Exec:
            old_tid, filename = ev.old_tid, ev.filename
            if old_tid != tid:
                # the other threads of the process are gone, their calls with them; the
                # exec'ing thread takes the leader's tid
                for other in [x for x, c in self.decoder.calls.items()
                              if c.pid == pid and x != old_tid]:
                    self._unfinished(other, ev.time_ns)
                ent = self.entries.pop(old_tid, None)
                if ent is not None:
                    self.entries[tid] = ent
                th = self.threads.pop(old_tid, None)
                if th is not None:
                    th.end_ns = ev.time_ns
            self._exec_done(pid, tid, filename)
            text = "exec %s" % filename
        elif t is Clone:
            child_pid, child_tid, clone_type = ev.child_pid, ev.child_tid, ev.clone_type
            now = ev.time_ns
            parent = self.procs.get(pid)
            if clone_type == "thread":
                self.threads[child_tid] = _Thread(child_tid, pid, now,
                                                  parent.comm if parent else None)
            else:
                p = self.procs[child_pid] = _Proc(child_pid, pid, now)
                if parent is not None:
                    p.argv, p.exe, p.comm = parent.argv, parent.exe, parent.comm
                self.threads[child_tid] = _Thread(child_tid, child_pid, now, p.comm)
            text = "%s -> %d" % (clone_type, child_tid)
        elif t is Signal or t is GroupStop:
            signo = ev.signo
            cap = self.decoder.capture(ev, mem) if t is Signal else None
            text = cap if isinstance(cap, str) else ""
        elif t is not Continued:
            return
        if t is not Signal:
            self.decoder.capture(ev, mem)   # (its own state of the calls in progress)
        self.events.append((ev.seq, pid, tid, ev.time_ns, ev.kind, signo, child_pid,
                            child_tid, clone_type, filename, old_tid, status, text))

    # -- columns -------------------------------------------------------------------------

    def _flush(self) -> None:
        """The pending rows as one record batch; to the spill file past the limit."""
        if not self.rows:
            return
        from ._order import seq_of, split_late
        late, rows = split_late(self.rows, self.high)
        self.rows = []
        if late:
            self.late_count += len(late)
            self.late.extend(late)
            if len(self.late) >= CHUNK:
                self.late_batches.append(self._batch(sorted(self.late, key=seq_of)))
                self.late = []
        if not rows:
            return
        batch = self._batch(rows)
        self.high = rows[-1][0]
        self.batches.append(batch)
        self.batch_bytes += batch.nbytes
        if self.batch_bytes > self.memory_limit:
            self._spill()

    def _batch(self, rows: list[tuple[Any, ...]]) -> Any:
        """A record batch of *rows*, or a Pending chunk if some are not decoded yet."""
        from ._schema import calls_batch
        for row in rows:
            if type(row[7]) is Undecoded:
                return Pending(rows)
        return calls_batch(rows)

    def _decoded(self, batches: list[Any]) -> list[Any]:
        """*batches* with their Pending chunks decoded (_copied: in bulk)."""
        out = []
        for b in batches:
            if type(b) is Pending:
                b = b.batch(self.decoder.strsize)
            out.append(b)
        return out

    def _spill(self) -> None:
        import pyarrow as pa
        from ._schema import CALLS
        if self.spill is None:
            fd, path = tempfile.mkstemp(prefix="aiotrace-rec-", suffix=".arrow",
                                        dir=self.spill_dir)
            os.close(fd)
            self.spill_path = path
            self.spill = pa.ipc.new_stream(path, CALLS)   # (a stream: each batch has its own dictionaries)
        for b in self._decoded(self.batches):
            self.spill.write_batch(b)
            self.spilled_rows += b.num_rows
        self.batches = []
        self.batch_bytes = 0

    def finish(self) -> None:
        """No more stops: the calls still in progress become unfinished rows."""
        with self.lock:
            if self.finished:
                return
            self.finished = True
            self.end_ns = time.monotonic_ns()
            for tid in list(self.deferred):
                self._undefer(tid)
            for tid in list(self.entries):
                self._unfinished(tid, None)
            self._flush()

    def tables(self) -> tuple[Any, dict[str, Any]]:
        """The calls and the other tables; the recording is finished first if it was not.
        The calls are a :class:`Calls`, the table of which (a pa.Table, memory-mapped
        from the spill file if there is one) is built on first use, or at once if the
        recording spilled: the texts of the calls decoded from their copies are made
        then (_copied)."""
        self.finish()
        if self._result is None:
            from ._schema import events_table, processes_table, threads_table
            meta = {
                "events": events_table(self.events),
                "processes": processes_table(self.procs.values()),
                "threads": threads_table(self.threads.values()),
                "info": {"wall_offset_ns": self.wall_offset_ns, "start_ns": self.start_ns,
                         "end_ns": self.end_ns},
            }
            calls = Calls(self)
            if self.spill is not None:
                calls.table()   # (at once: it maps the spill file and unlinks it)
            self._result = (calls, meta)
        return self._result

    def calls_table(self) -> Any:
        """The calls as one pa.Table, in the order of seq (once: see Calls)."""
        import pyarrow as pa
        from ._order import merge
        from ._schema import CALLS
        parts = []
        if self.spill is not None:
            self.spill.close()
            self.spill = None
            path = self.spill_path
            assert path is not None
            parts.append(pa.ipc.open_stream(pa.memory_map(path)).read_all())
            os.unlink(path)   # (the mapping stays)
        parts.append(pa.Table.from_batches(self._decoded(self.batches), schema=CALLS))
        self.batches = []
        main = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
        late = pa.Table.from_batches(self._decoded(self.late_batches + [self._batch(self.late)]),
                                     schema=CALLS)
        self.late_batches, self.late = [], []
        if late.num_rows:
            import pyarrow.compute as pc
            late = late.take(pc.sort_indices(late["seq"]))
        return merge(main, late)


class Calls:
    """A finished recording's calls before their table is built (``Trace`` builds it on
    first use, ``table()``): ``num_rows`` is known without it."""

    __slots__ = ("_rec", "_table", "num_rows")

    def __init__(self, rec: Recorder) -> None:
        self._rec: Recorder | None = rec
        self._table: Any = None
        self.num_rows = rec.calls

    def table(self) -> Any:
        rec = self._rec
        if rec is None:
            return self._table
        with rec.lock:
            if self._table is None:
                self._table = rec.calls_table()
                self._rec = None   # (the recorder's rows are in the table now)
            return self._table
