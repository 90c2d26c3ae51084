# SPDX-License-Identifier: GPL-2.0-or-later
"""``rec.live()``: the counts of a recording in progress, per system call and per process,
refreshed in place.

The recorder counts each call it makes a row of (``Recorder.counts``: ``(pid, name) ->
calls``, one dict update on the tracer thread). The view never asks the recorder for
anything: a task on the event loop copies that dict every *interval* seconds (a dict copy
is one step under the GIL, so the tracer thread neither waits for it nor sees it) and
redraws, only when the count has changed. If the event loop is busy or blocked, the view
is simply not redrawn; the program goes on. When the recording ends the view is drawn
once more, from the final counts: those of the finished trace.

Where it is drawn: in a Jupyter kernel, an output of the cell updated in place (IPython's
``display(..., display_id=True)``: HTML, and text for other front ends); elsewhere as text
on *file* (``sys.stderr`` by default), redrawn in place when that is a terminal, and
written once, at the end, when it is not (a log file gets one table, not hundreds).
"""

from __future__ import annotations

import html
import sys
import time
from collections import Counter
from typing import Any, TextIO

import anyio

__all__ = ["LiveView"]


def _in_kernel() -> bool:
    """Running in a Jupyter kernel (an IPython shell with a kernel), not a terminal."""
    ipy = sys.modules.get("IPython")
    if ipy is None:
        return False
    shell = ipy.get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


class LiveView:
    """A live view of a recording (``rec.live()``). ``by_syscall`` and ``by_process``
    are the counts (``collections.Counter``) of the last refresh, ``calls`` their total;
    ``finished`` is true once the last refresh, made from the final counts, is done."""

    def __init__(self, recorder: Any, *, interval: float = 0.5, top: int = 10,
                 file: TextIO | None = None) -> None:
        if not interval > 0:
            raise ValueError(f"interval must be a positive number of seconds, not {interval!r}")
        if top < 1:
            raise ValueError(f"top must be at least 1, not {top!r}")
        self._rec = recorder
        self.interval = float(interval)
        self.top = int(top)
        self.by_syscall: Counter[str] = Counter()
        self.by_process: Counter[int] = Counter()
        self.calls = 0
        self.refreshes = 0
        self.finished = False
        #: what stopped the view from drawing (its file or IPython raised), if anything:
        #: the view then stops, the recording goes on
        self.error: BaseException | None = None
        self._labels: dict[int, str] = {}
        self._handle: Any = None
        self._lines = 0   # drawn on a terminal: how many to go back over
        if file is None and _in_kernel():
            self._mode = "notebook"
            self._file: TextIO | None = None
        else:
            self._file = sys.stderr if file is None else file
            isatty = getattr(self._file, "isatty", None)
            self._mode = "tty" if isatty is not None and isatty() else "final"

    # -- the counts ----------------------------------------------------------------

    def _snapshot(self) -> bool:
        """Take the recorder's counts; False if nothing changed since the last time."""
        counts = self._rec.counts.copy()   # (one step under the GIL: no lock)
        total = sum(counts.values())
        if total == self.calls and self.refreshes and not self._rec.finished:
            return False
        by_syscall: Counter[str] = Counter()
        by_process: Counter[int] = Counter()
        for (pid, name), n in counts.items():
            by_syscall[name] += n
            by_process[pid] += n
        self.by_syscall, self.by_process, self.calls = by_syscall, by_process, total
        for pid in by_process:
            p = self._rec.procs.get(pid)
            if p is not None:
                self._labels[pid] = " ".join(p.argv) if p.argv else (p.comm or "?")
        return True

    def refresh(self) -> None:
        """Take the counts now and redraw (if they changed)."""
        if self.finished or self.error is not None or not self._snapshot():
            return
        self.refreshes += 1
        self._safe_draw()

    def close(self) -> None:
        """The last refresh, from the final counts (the recording has ended)."""
        if self.finished:
            return
        self._snapshot()
        self.finished = True
        if self.error is None:
            self.refreshes += 1
            self._safe_draw()

    def _safe_draw(self) -> None:
        # (a view that cannot draw must not end the recording it shows)
        try:
            self._draw()
        except Exception as exc:   # noqa: BLE001 - kept in .error
            self.error = exc

    async def run(self) -> None:
        """Refresh every *interval* seconds until cancelled (the recording's task)."""
        self.refresh()
        while True:
            await anyio.sleep(self.interval)
            self.refresh()

    # -- drawing -----------------------------------------------------------------------

    def _draw(self) -> None:
        if self._mode == "notebook":
            from IPython import display as ipd
            if self._handle is None:
                show: Any = ipd.display
                self._handle = show(self, display_id=True)
            else:
                self._handle.update(self)
        elif self._mode == "tty":
            assert self._file is not None
            text = self.text()
            back = f"\x1b[{self._lines}F\x1b[J" if self._lines else ""
            self._file.write(back + text + "\n")
            self._file.flush()
            self._lines = text.count("\n") + 1
        elif self.finished:
            assert self._file is not None
            self._file.write(self.text() + "\n")
            self._file.flush()

    def _head(self) -> str:
        state = "finished" if self.finished else "recording"
        elapsed = ((self._rec.end_ns or time.monotonic_ns()) - self._rec.start_ns) / 1e9
        return (f"aiotrace live: {self.calls} calls, {len(self.by_process)} processes, "
                f"{elapsed:.1f} s ({state})")

    def _rows(self) -> tuple[list[tuple[int, str]], list[tuple[int, int, str]]]:
        calls = [(n, name) for name, n in self.by_syscall.most_common(self.top)]
        procs = [(n, pid, self._labels.get(pid, "?"))
                 for pid, n in self.by_process.most_common(self.top)]
        return calls, procs

    def text(self) -> str:
        """The view as text: the busiest system calls, then the busiest processes."""
        calls, procs = self._rows()
        out = [self._head(), f"{'calls':>10}  syscall"]
        out += [f"{n:>10}  {name}" for n, name in calls]
        out += [f"{'calls':>10}  {'pid':>7}  command"]
        out += [f"{n:>10}  {pid:>7}  {label[:60]}" for n, pid, label in procs]
        return "\n".join(out)

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        calls, procs = self._rows()
        e = html.escape
        left = "".join(f"<tr><td>{e(name)}</td><td style='text-align:right'>{n}</td></tr>"
                       for n, name in calls)
        right = "".join(f"<tr><td>{pid}</td><td>{e(label[:60])}</td>"
                        f"<td style='text-align:right'>{n}</td></tr>" for n, pid, label in procs)
        return (f"<div><b>{e(self._head())}</b><div style='display:flex;gap:2em'>"
                f"<table><tr><th>syscall</th><th>calls</th></tr>{left}</table>"
                f"<table><tr><th>pid</th><th>command</th><th>calls</th></tr>{right}</table>"
                "</div></div>")
