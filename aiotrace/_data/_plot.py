# SPDX-License-Identifier: GPL-2.0-or-later
"""Pictures of a recording, with matplotlib (the ``aiotrace[data]`` extra)."""

from __future__ import annotations

import os
from typing import Any

__all__ = ["plot_timeline", "plot_latency"]

_MAX_ROWS = 60   # threads shown on a timeline (the busiest)


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise ImportError("pictures need matplotlib: pip install 'aiotrace[data]'") from None
    if not os.environ.get("DISPLAY") and not os.environ.get("MPLBACKEND"):
        matplotlib.use("Agg")   # (headless: no window to open)
    import matplotlib.pyplot as plt
    return plt


def _colours(classes: list[str]) -> dict[str, Any]:
    plt = _pyplot()
    cmap = plt.get_cmap("tab10")
    return {c: cmap(i % 10) for i, c in enumerate(classes)}


def plot_timeline(trace: Any, path: str | os.PathLike[str] | None, ax: Any) -> Any:
    plt = _pyplot()
    t = trace.to_arrow().select(["tid", "comm", "class", "start_ns", "end_ns"]).to_pydict()
    start = trace.info["start_ns"]
    end = trace.info.get("end_ns") or start
    counts: dict[int, int] = {}
    for tid in t["tid"]:
        counts[tid] = counts.get(tid, 0) + 1
    threads = {th.tid: th for th in trace.threads()}
    shown = sorted(counts, key=lambda tid: (-counts[tid], tid))[:_MAX_ROWS]
    shown.sort(key=lambda tid: (threads[tid].start_ns if tid in threads else 0, tid))
    row = {tid: i for i, tid in enumerate(shown)}
    classes = sorted({c or "other" for c in t["class"]})
    colours = _colours(classes)
    bars: dict[tuple[int, str], list[tuple[float, float]]] = {}
    for tid, cls, s, e in zip(t["tid"], t["class"], t["start_ns"], t["end_ns"], strict=True):
        if tid not in row:
            continue
        s = end if s is None else s
        e = end if e is None else e
        # (a bar at least a pixel or so wide: most calls take microseconds)
        bars.setdefault((row[tid], cls or "other"), []).append(
            ((s - start) / 1e6, max((e - s) / 1e6, (end - start) / 1e6 / 2000)))
    if ax is None:
        fig, ax = plt.subplots(figsize=(12, 1.5 + 0.35 * max(1, len(shown))))
    else:
        fig = ax.figure
    for (y, cls), spans in bars.items():
        ax.broken_barh(spans, (y - 0.4, 0.8), facecolors=colours[cls], linewidth=0)
    labels = []
    for tid in shown:
        th = threads.get(tid)
        labels.append(f"{th.name if th and th.name else '?'} {tid}")
    ax.set_yticks(range(len(shown)), labels)
    ax.set_ylim(-0.6, len(shown) - 0.4)
    ax.invert_yaxis()
    ax.set_xlim(0, max((end - start) / 1e6, 1e-3))
    ax.set_xlabel("time since the start of the recording (ms)")
    ax.set_title(f"{len(trace)} system calls, {len(shown)} threads"
                 + ("" if len(counts) <= _MAX_ROWS else f" (of {len(counts)})"))
    from matplotlib.patches import Patch
    ax.legend(handles=[Patch(color=colours[c], label=c) for c in classes],
              loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize="small")
    fig.tight_layout()
    if path is not None:
        fig.savefig(os.fspath(path), dpi=100)
    return fig


def plot_latency(trace: Any, path: str | os.PathLike[str] | None, syscalls: Any,
                 ax: Any) -> Any:
    plt = _pyplot()
    import numpy as np
    t = trace.filter(status="complete").to_arrow().select(["name", "class", "duration_ns"])
    d = t.to_pydict()
    groups: dict[str, list[float]] = {}
    wanted = None if syscalls is None else set(syscalls)
    for name, cls, dur in zip(d["name"], d["class"], d["duration_ns"], strict=True):
        if dur is None:
            continue
        key = name if wanted is not None else (cls or "other")
        if wanted is not None and name not in wanted:
            continue
        groups.setdefault(key, []).append(max(dur, 1) / 1000.0)
    if ax is None:
        fig, ax = plt.subplots(figsize=(9, 5))
    else:
        fig = ax.figure
    every = [v for vals in groups.values() for v in vals]
    if every:
        bins = np.logspace(np.log10(min(every)), np.log10(max(every)) + 1e-9, 40)
        colours = _colours(sorted(groups))
        for key in sorted(groups, key=lambda k: -len(groups[k])):
            ax.hist(groups[key], bins=bins, histtype="step", linewidth=1.5,
                    color=colours[key], label=f"{key} ({len(groups[key])})")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.legend(fontsize="small")
    ax.set_xlabel("time in the call, entry stop to exit stop (µs)")
    ax.set_ylabel("calls")
    ax.set_title("System call latency")
    fig.tight_layout()
    if path is not None:
        fig.savefig(os.fspath(path), dpi=100)
    return fig
