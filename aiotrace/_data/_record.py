# SPDX-License-Identifier: GPL-2.0-or-later
"""``aiotrace.record(argv)`` and ``tracer.record(proc)``: recordings on the public API."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any, TextIO

import anyio

from .._core._events import (
    Clone, Continued, Death, Exec, Exit, GroupStop, Signal, SyscallEntry, SyscallExit,
)
from .._exceptions import TracerClosed
from ..lowlevel import Capture
from ._live import LiveView
from ._recorder import DEFAULT_MEMORY_LIMIT, Recorder

__all__ = ["record", "record_process"]

_TYPES = (SyscallEntry, SyscallExit, Signal, Clone, Exec, Exit, Death, GroupStop, Continued)


class Recording:
    """A recording in progress (``async with tracer.record(proc) as rec``). Once the
    block is left, or the process family has ended, :attr:`trace` is the finished
    :class:`aiotrace.Trace`; until then ``len(rec)`` counts the calls so far."""

    def __init__(self, recorder: Recorder) -> None:
        self._rec = recorder
        self._trace: Any = None
        self.done = anyio.Event()   # set when the family has ended
        self._views: list[LiveView] = []
        self._tg: Any = None   # (the recording's task group, while it runs)

    def live(self, *, interval: float = 0.5, top: int = 10,
             file: TextIO | None = None) -> LiveView:
        """Show the counts of the recording per system call and per process, refreshed
        in place every *interval* seconds at most while it runs, and once more from the
        final counts when it ends: in a Jupyter kernel as an output of the cell, elsewhere
        as text on *file* (``sys.stderr`` by default; redrawn in place on a terminal,
        written once at the end otherwise). The *top* busiest of each are shown. The
        recorder never waits for the view: a busy event loop only delays a refresh.
        Returns the :class:`LiveView` (its ``by_syscall`` and ``by_process`` counts)."""
        view = LiveView(self._rec, interval=interval, top=top, file=file)
        if self._tg is None or self._rec.finished:
            view.close()
        else:
            self._views.append(view)
            self._tg.start_soon(view.run)
        return view

    def __len__(self) -> int:
        return self._rec.calls

    @property
    def trace(self) -> Any:
        """The :class:`aiotrace.Trace` (the recording is finished first if it was not:
        the calls still in progress are kept as unfinished)."""
        if self._trace is None:
            from ._trace import Trace
            calls, meta = self._rec.tables()   # (in the order of seq: _order)
            self._trace = Trace(calls, meta)
        return self._trace

    def __getattr__(self, name: str) -> Any:
        # rec.summary(), rec.to_pandas()...: those of the finished Trace
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.trace, name)

    def __repr__(self) -> str:
        state = "finished" if self._rec.finished else "recording"
        return f"<Recording {state}, {self._rec.calls} calls>"


@asynccontextmanager
async def record_process(
    proc: Any,
    *,
    strsize: int = 32,
    memory_limit: int = DEFAULT_MEMORY_LIMIT,
    spill_dir: str | os.PathLike[str] | None = None,
    _argv: Sequence[str] | None = None,
    _exec_text: str | None = None,
) -> AsyncIterator[Recording]:
    """``tracer.record(proc)``: record *proc* (and the children and threads it follows)
    while the block runs; subscribe before ``proc.resume()`` to miss nothing."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise ImportError("recordings need pyarrow: pip install 'aiotrace[data]'") from None
    if getattr(proc, "returncode", None) is not None:
        raise TracerClosed(f"process {proc.pid} has ended (returncode {proc.returncode}): "
                           "start the recording before the process runs (between spawn() "
                           "and resume()), or record a process still alive")
    if spill_dir is not None and not os.path.isdir(spill_dir):
        raise FileNotFoundError(2, f"spill_dir {os.fspath(spill_dir)!r} is not a directory",
                                os.fspath(spill_dir))
    rec = Recorder(strsize=strsize, memory_limit=memory_limit,
                   spill_dir=None if spill_dir is None else os.fspath(spill_dir))
    rec.add_root(proc.pid, None if _argv is None else list(_argv), _exec_text)
    # the stream that records: never read (see _recorder); and one that sees the end
    # (and takes the C loop's records of the calls it keeps as their fields: Recorder.take)
    capture = Capture(rec.capture, _raw=rec.take, **rec.decoder.after_resume())
    data = proc.events(*_TYPES, capture=capture, buffer=1, overflow="drop")
    # (its end is all it is for: it drops, as it need not hold anything)
    deaths = proc.events(Death, overflow="drop")
    recording = Recording(rec)

    async def watch() -> None:
        async with deaths:
            async for _ in deaths:
                pass
        recording.done.set()

    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(watch)
            recording._tg = tg
            try:
                yield recording
            finally:
                recording._tg = None
                tg.cancel_scope.cancel()
    finally:
        with anyio.CancelScope(shield=True):
            await data.aclose()
            await deaths.aclose()
        rec.finish()
        for view in recording._views:
            view.close()   # (the final counts)


async def record(
    argv: Sequence[str],
    *,
    cwd: str | os.PathLike[str] | None = None,
    env: dict[str, str] | None = None,
    follow: bool = True,
    strsize: int = 32,
    memory_limit: int = DEFAULT_MEMORY_LIMIT,
    spill_dir: str | os.PathLike[str] | None = None,
    live: bool = False,
    **spawn: Any,
) -> Any:
    """Run *argv* traced to its end (its children and threads too, unless
    ``follow=False``) and return its :class:`aiotrace.Trace`: every system call with
    strace's decoding of its arguments (strings up to *strsize* bytes, as ``-s``), the
    processes and the other events. The program is never held by the recording; memory
    stays under about *memory_limit* bytes, the rest going to a file in *spill_dir*.
    With ``live=True``, the counts per system call and per process are shown while it
    runs (``Recording.live``: in place in a notebook). Other keywords go to
    ``Tracer.spawn`` (``stdin``, ``stdout``, ``stderr``...)."""
    from .. import open_tracer
    from ._links import execve_text
    argv = list(argv)
    environ = dict(os.environ if env is None else env)
    path = shutil.which(argv[0], path=environ.get("PATH")) if argv and "/" not in argv[0] \
        else (argv[0] if argv else None)
    async with open_tracer() as tracer:
        proc = await tracer.spawn(argv, cwd=cwd, env=env, follow=follow, **spawn)
        text = execve_text(path or argv[0], argv, len(environ), strsize)
        async with record_process(proc, strsize=strsize, memory_limit=memory_limit,
                                  spill_dir=spill_dir, _argv=argv, _exec_text=text) as rec:
            if live:
                rec.live()
            proc.resume()
            await proc.wait()
            await rec.done.wait()
    return rec.trace
