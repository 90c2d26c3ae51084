# SPDX-License-Identifier: GPL-2.0-or-later
"""``Trace``: a finished recording, as a table of calls with its processes and events."""

from __future__ import annotations

import base64
import errno as _errno
import json
import os
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import pyarrow as pa
import pyarrow.compute as pc

from .._exceptions import AiotraceError
from ._call import Call
from ._links import in_class, syscall_class
from ._schema import CALLS, EVENTS, PROCESSES, THREADS

__all__ = ["Trace", "ProcessInfo", "ThreadInfo", "RecordingError", "load"]

_FORMAT = "aiotrace.recording/1"


class RecordingError(AiotraceError, ValueError):
    """A file is not a recording that aiotrace can load, or a recording cannot be used."""


class ProcessInfo(NamedTuple):
    """One process of a recording: its parent, what it ran and how it ended."""

    pid: int
    ppid: int | None
    argv: list[str] | None
    exe: str | None
    comm: str | None
    start_ns: int
    end_ns: int | None
    #: its wait status, or None if it had not ended when the recording did
    status: int | None

    @property
    def returncode(self) -> int | None:
        """The exit code, or ``-N`` if killed by signal N (asyncio's convention)."""
        st = self.status
        if st is None:
            return None
        if os.WIFSIGNALED(st):
            return -os.WTERMSIG(st)
        return os.WEXITSTATUS(st)


class ThreadInfo(NamedTuple):
    tid: int
    pid: int
    name: str | None
    start_ns: int
    end_ns: int | None


def _ints(values: Any) -> list[int]:
    if isinstance(values, int):
        return [values]
    return [int(v) for v in values]


class Trace:
    """A recording: one row per system call (:class:`Call`), in the order of their entry
    stops, with the processes, threads and other events (signals, clones, execs, exits)
    of the run. Made by :func:`aiotrace.record` or ``tracer.record(proc)``, or read back
    with :func:`aiotrace.load`.

    ``len(trace)`` calls; ``for call in trace``; ``trace[i]``; :meth:`filter` gives a
    Trace of some of the calls (the same processes and events). ``trace.calls`` is the
    trace itself (``rec.calls.to_pandas()`` reads as it means). Times are
    ``time.monotonic_ns()`` values; ``info["wall_offset_ns"]`` turns them into wall-clock
    time."""

    def __init__(self, calls: Any, meta: dict[str, Any]) -> None:
        # a pa.Table, or a recording's calls whose table is built on first use
        # (_recorder.Calls: the texts of some calls are made then)
        self._table = calls
        self._meta = meta

    @property
    def _calls(self) -> pa.Table:
        t = self._table
        if not isinstance(t, pa.Table):
            t = self._table = t.table()
        return t

    def __getstate__(self) -> dict[str, Any]:
        return {"_table": self._calls, "_meta": self._meta}   # (the table, built)

    # -- the calls as a sequence ----------------------------------------------------

    @property
    def calls(self) -> Trace:
        return self

    def __len__(self) -> int:
        return int(self._table.num_rows)

    def __iter__(self) -> Iterator[Call]:
        for batch in self._calls.to_batches(65536):
            cols = batch.to_pydict()
            names = CALLS.names
            for row in zip(*(cols[n] for n in names), strict=True):
                yield _call(row)

    def __getitem__(self, i: int) -> Call:
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"call {i} of a trace of {n} calls")
        row = self._calls.slice(i, 1).to_pydict()
        return _call(tuple(row[name][0] for name in CALLS.names))

    def __repr__(self) -> str:
        secs = self.duration_ns / 1e9
        return (f"<Trace {len(self)} calls, {len(self._meta['processes'])} processes, "
                f"{len(self._meta['threads'])} threads, {secs:.3f} s>")

    @property
    def info(self) -> dict[str, Any]:
        """``start_ns``, ``end_ns`` of the recording and ``wall_offset_ns``."""
        return dict(self._meta["info"])

    @property
    def duration_ns(self) -> int:
        info = self._meta["info"]
        end: int = info.get("end_ns") or info["start_ns"]
        return end - int(info["start_ns"])

    # -- filters ------------------------------------------------------------------

    def filter(
        self,
        *,
        syscalls: str | Iterable[str] | None = None,
        classes: str | Iterable[str] | None = None,
        pids: int | Iterable[int] | None = None,
        tids: int | Iterable[int] | None = None,
        errno: bool | int | str | Iterable[int | str] | None = None,
        start_ns: int | None = None,
        end_ns: int | None = None,
        status: str | Iterable[str] | None = None,
    ) -> Trace:
        """The calls that match every criterion given: ``syscalls`` (names), ``classes``
        (strace's: ``"file"`` or ``"%file"``, ``"network"``...), ``pids``, ``tids``,
        ``errno`` (True: failed calls, False: successful ones, or errno numbers or
        names: ``"ENOENT"``), a time range (calls that started at or after ``start_ns``
        and before ``end_ns``, monotonic ns) and ``status`` (``"complete"``,
        ``"unfinished"``, ``"resumed"``)."""
        t = self._calls
        mask = None

        def both(m: Any) -> None:
            nonlocal mask
            mask = m if mask is None else pc.and_kleene(mask, m)

        names: set[str] = set()
        if syscalls is not None:
            names |= {syscalls} if isinstance(syscalls, str) else set(syscalls)
        if classes is not None:
            for c in [classes] if isinstance(classes, str) else classes:
                try:
                    names |= in_class(c)
                except KeyError:
                    raise ValueError(f"no system call class {c!r} (file, network, process, "
                                     "signal, ipc, desc, memory...)") from None
        if syscalls is not None or classes is not None:
            both(pc.is_in(t["name"].cast(pa.string()), pa.array(sorted(names), pa.string())))
        if pids is not None:
            both(pc.is_in(t["pid"], pa.array(_ints(pids), pa.int32())))
        if tids is not None:
            both(pc.is_in(t["tid"], pa.array(_ints(tids), pa.int32())))
        if errno is not None:
            failed = pc.and_(pc.greater(t["retval"], -4096), pc.less(t["retval"], 0))
            if errno is True:
                both(pc.fill_null(failed, False))
            elif errno is False:
                both(pc.fill_null(pc.invert(failed), False))
            else:
                wanted = []
                for e in [errno] if isinstance(errno, (int, str)) else errno:
                    if isinstance(e, str):
                        num = getattr(_errno, e, None)
                        if not isinstance(num, int):
                            raise ValueError(f"no errno named {e!r}")
                        e = num
                    wanted.append(-int(e))
                both(pc.is_in(t["retval"], pa.array(wanted, pa.int64())))
        if start_ns is not None:
            both(pc.greater_equal(t["start_ns"], start_ns))
        if end_ns is not None:
            both(pc.less(t["start_ns"], end_ns))
        if status is not None:
            wanted_st = [status] if isinstance(status, str) else list(status)
            both(pc.is_in(t["status"].cast(pa.string()), pa.array(wanted_st, pa.string())))
        if mask is None:
            return self
        return Trace(t.filter(pc.fill_null(mask, False)), self._meta)

    # -- the family -----------------------------------------------------------------

    def processes(self) -> list[ProcessInfo]:
        """The process tree, in the order the processes started: ``pid``, ``ppid``,
        ``argv`` and ``exe`` (after their last exec), ``comm``, ``start_ns``, ``end_ns``
        and the wait ``status`` (``returncode`` from it)."""
        cols = self._meta["processes"].to_pydict()
        return [ProcessInfo(*row) for row in zip(*(cols[n] for n in PROCESSES.names), strict=True)]

    def threads(self) -> list[ThreadInfo]:
        """Every traced thread: ``tid``, ``pid``, ``name`` (its comm when it ended)..."""
        cols = self._meta["threads"].to_pydict()
        return [ThreadInfo(*row) for row in zip(*(cols[n] for n in THREADS.names), strict=True)]

    def events(self) -> pa.Table:
        """The other events (``signal``, ``clone``, ``exec``, ``exit``, ``death``,
        ``group_stop``, ``continued``) as an Arrow table, in their order."""
        return self._meta["events"]

    # -- tables ---------------------------------------------------------------------

    def to_arrow(self) -> pa.Table:
        """The calls as an Arrow table: the recorded columns (``seq``, ``pid``, ``tid``,
        ``nr``, ``name``, ``abi``, the registers ``a0``..``a5``, strace's ``args`` text,
        ``retval``, ``ret`` text, ``start_ns``, ``end_ns``, ``status``, ``marks``) and
        ``comm`` (the thread's name), ``class`` (``file``, ``network``...), ``errno``
        (``ENOENT``... or null), ``duration_ns`` and ``text`` (the strace line)."""
        t = self._calls
        # (the few-valued columns are built as dictionaries over the recorded ones: no
        # string is copied per row but the strace text's)
        comm = _dict_lookup(t["tid"], {th.tid: th.name for th in self.threads()})
        classes = _dict_map(t["name"], syscall_class)
        errno_names = _dict_lookup(t["retval"], {
            r: _errno.errorcode.get(-r, str(-r)) for r in pc.unique(t["retval"]).to_pylist()
            if r is not None and -4096 < r < 0})
        duration = pc.subtract(t["end_ns"], t["start_ns"])
        # (an unfinished call's ret is "?" as recorded)
        text = pc.binary_join_element_wise(t["name"].cast(pa.string()), "(", t["args"], ") = ",
                                           t["ret"], t["marks"].cast(pa.string()), "")
        out = t
        for name, col in (("comm", comm), ("class", classes), ("errno", errno_names),
                          ("duration_ns", duration), ("text", text)):
            out = out.append_column(name, col)
        return out

    def to_pandas(self) -> Any:
        """:meth:`to_arrow` as a pandas DataFrame (one row per call), its columns backed
        by Arrow (``pd.ArrowDtype``: no copy of the strings into Python objects, and
        integer columns keep their nulls)."""
        import pandas as pd
        return self.to_arrow().to_pandas(types_mapper=pd.ArrowDtype)

    # -- strace -c -------------------------------------------------------------------

    def summary(self, *, per_process: bool = False, sort_by: str = "time") -> str:
        """The table ``strace -c -w`` prints: calls, errors and time per system call
        (wall time from entry to exit stop; unfinished calls are not counted). With
        ``per_process=True``, one table per process after the total, each headed with
        its pid and command. ``sort_by``: ``time``, ``calls``, ``name``, ``errors`` or
        ``nothing``, as strace's -S."""
        from ..engines import SyscallCounts
        SyscallCounts().stats(sort_by)   # (a bad sort_by is refused before any work)
        done = self.filter(status=("complete", "resumed"))._calls
        cols = done.select(["pid", "nr", "name", "abi", "retval", "start_ns", "end_ns"])
        by_pid: dict[int, Any] = {}
        total = SyscallCounts()
        for batch in cols.to_batches():
            d = batch.to_pydict()
            for pid, nr, name, abi, rv, s, e in zip(d["pid"], d["nr"], d["name"], d["abi"],
                                                    d["retval"], d["start_ns"], d["end_ns"], strict=True):
                dur = 0 if s is None or e is None else e - s
                failed = rv is not None and -4096 < rv < 0
                total.add(nr, name, dur, failed, abi)
                if per_process:
                    c = by_pid.get(pid)
                    if c is None:
                        c = by_pid[pid] = SyscallCounts()
                    c.add(nr, name, dur, failed, abi)
        out = total.table(sort_by)
        if per_process:
            for p in self.processes():
                c = by_pid.get(p.pid)
                if c is None:
                    continue
                what = " ".join(p.argv) if p.argv else (p.comm or "?")
                out += f"\npid {p.pid} ({what}):\n" + c.table(sort_by)
        return out

    def _repr_html_(self) -> str:
        import html
        procs = self.processes()
        rows = "".join(
            f"<tr><td>{p.pid}</td><td>{p.ppid if p.ppid is not None else ''}</td>"
            f"<td>{html.escape(' '.join(p.argv or [p.comm or '?']))}</td>"
            f"<td>{'' if p.returncode is None else p.returncode}</td></tr>"
            for p in procs[:20])
        return (f"<div><b>{html.escape(repr(self))}</b>"
                f"<pre>{html.escape(self.summary())}</pre>"
                "<table><tr><th>pid</th><th>ppid</th><th>argv</th><th>returncode</th></tr>"
                f"{rows}</table></div>")

    # -- files and pictures ------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the recording to a Parquet file: the calls are its table (pandas,
        polars and DuckDB read it as it is), the rest is in its metadata;
        :func:`aiotrace.load` reads it back exactly."""
        import pyarrow.parquet as pq
        meta = {
            b"aiotrace.format": _FORMAT.encode(),
            b"aiotrace.info": json.dumps(self._meta["info"]).encode(),
        }
        for key in ("events", "processes", "threads"):
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, self._meta[key].schema) as w:
                w.write_table(self._meta[key])
            meta[f"aiotrace.{key}".encode()] = base64.b64encode(sink.getvalue().to_pybytes())
        table = self._calls.replace_schema_metadata(meta)
        _check_dir(path, "recording")
        pq.write_table(table, os.fspath(path))

    def to_perfetto(self, path: str | os.PathLike[str]) -> None:
        """Write the run as a Chrome trace-event JSON file, which ui.perfetto.dev and
        chrome://tracing open: a track per thread (named by process and thread), the calls
        as slices with their arguments, signals, execs and exits as instants, forks and
        clones as flows from the parent to the child."""
        from ._perfetto import write_perfetto
        _check_dir(path, "Perfetto trace")
        write_perfetto(self, path)

    def plot_timeline(self, path: str | os.PathLike[str] | None = None, *,
                      ax: Any = None) -> Any:
        """A matplotlib timeline: one row per thread, each call a bar coloured by its
        class. Saved to *path* (PNG, SVG, PDF) when given; returns the Figure."""
        from ._plot import plot_timeline
        if path is not None:
            _check_dir(path, "picture")
        return plot_timeline(self, path, ax)

    def plot_latency(self, path: str | os.PathLike[str] | None = None, *,
                     syscalls: Iterable[str] | None = None, ax: Any = None) -> Any:
        """A histogram of the calls' durations (log scales), one series per class (or per
        system call, for those of *syscalls*). Returns the Figure."""
        from ._plot import plot_latency
        if path is not None:
            _check_dir(path, "picture")
        return plot_latency(self, path, syscalls, ax)


def _call(row: tuple[Any, ...]) -> Call:
    (seq, pid, tid, nr, name, abi, a0, a1, a2, a3, a4, a5, args, retval, ret, start, end,
     status, marks) = row
    return Call(seq, pid, tid, nr, name, abi, (a0, a1, a2, a3, a4, a5), args, retval,
                "?" if status == "unfinished" else ret, start, end, status, marks or "")


_DICT = pa.dictionary(pa.int32(), pa.string())


def _dict_lookup(keys: Any, mapping: dict[Any, str | None]) -> pa.ChunkedArray:
    """A dictionary column of mapping[key] for each key (null where none): each string
    once in the dictionary (pandas groups by its codes), an index per row."""
    known = {k: v for k, v in mapping.items() if v is not None}
    values = list(dict.fromkeys(known.values()))
    where = {v: i for i, v in enumerate(values)}
    value_set = pa.array(list(known), keys.type)
    to_value = pa.array([where[v] for v in known.values()], pa.int32())
    dictionary = pa.array(values, pa.string())
    chunks = [pa.DictionaryArray.from_arrays(
        pc.take(to_value, pc.index_in(c, value_set=value_set)), dictionary)
        for c in keys.chunks]
    return pa.chunked_array(chunks, _DICT)


def _dict_map(strings: Any, fn: Any) -> pa.ChunkedArray:
    """fn of each value of a dictionary column, as a dictionary column (each result once
    in its dictionary) on the same indices, remapped."""
    values: dict[str, int] = {}
    remaps = []
    for c in strings.chunks:
        remaps.append(pa.array([values.setdefault(fn(s), len(values))
                                for s in c.dictionary.to_pylist()], pa.int32()))
    dictionary = pa.array(list(values), pa.string())
    chunks = [pa.DictionaryArray.from_arrays(pc.take(remap, c.indices), dictionary)
              for remap, c in zip(remaps, strings.chunks, strict=True)]
    return pa.chunked_array(chunks, _DICT)


def _check_dir(path: str | os.PathLike[str], what: str) -> None:
    """A clear error before writing into a directory that is not there."""
    parent = os.path.dirname(os.path.abspath(os.fspath(path)))
    if not os.path.isdir(parent):
        raise FileNotFoundError(_errno.ENOENT, f"cannot write the {what} to {os.fspath(path)!r}: "
                                f"directory {parent!r} does not exist (create it first)",
                                os.fspath(path))


def load(path: str | os.PathLike[str]) -> Trace:
    """Read a recording saved by :meth:`Trace.save`."""
    import pyarrow.parquet as pq
    p = os.fspath(path)
    if not os.path.exists(p):
        raise FileNotFoundError(_errno.ENOENT, f"cannot load {p!r}: no such file (a "
                                "recording saved with Trace.save or aiotrace record -o)", p)
    try:
        table = pq.read_table(p)
    except (pa.ArrowException, OSError) as exc:
        raise RecordingError(f"cannot load {p!r}: not a Parquet file ({exc})") from None
    meta = table.schema.metadata or {}
    if meta.get(b"aiotrace.format") != _FORMAT.encode():
        raise RecordingError(f"cannot load {p!r}: a Parquet file, but not an aiotrace "
                             "recording (save one with Trace.save or aiotrace record -o)")
    try:
        out: dict[str, Any] = {"info": json.loads(meta[b"aiotrace.info"])}
        for key, schema in (("events", EVENTS), ("processes", PROCESSES),
                            ("threads", THREADS)):
            raw = base64.b64decode(meta[f"aiotrace.{key}".encode()])
            got = pa.ipc.open_stream(pa.py_buffer(raw)).read_all()
            if not got.schema.equals(schema):
                raise ValueError(f"its {key} table has another layout")
            out[key] = got
        calls = table.replace_schema_metadata(None)
        if not calls.schema.equals(CALLS):
            raise ValueError("its calls table has another layout")
    except (KeyError, ValueError, pa.ArrowException) as exc:
        raise RecordingError(f"cannot load {p!r}: a damaged aiotrace recording ({exc})") \
            from None
    return Trace(calls, out)
