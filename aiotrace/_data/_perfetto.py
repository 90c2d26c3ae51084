# SPDX-License-Identifier: GPL-2.0-or-later
"""A recording as Chrome trace-event JSON (the "JSON Array/Object Format" that
ui.perfetto.dev and chrome://tracing open).

* a process track per pid (``process_name``: its command line) and a thread track per tid
  (``thread_name``: its comm and tid), from metadata events (``ph: "M"``);
* each call a complete slice (``ph: "X"``: start and duration, so every slice is closed),
  named by the call, in its class's category, with strace's text of the arguments and
  the return value; a call cut short ends where its thread ended (or the recording);
* signals, execs, exits and deaths as thread-scoped instants (``ph: "i"``);
* each fork, vfork and thread creation as a flow (``ph: "s"`` on the parent's thread at
  the clone, ``ph: "f"`` on the child's first slice).

Times are microseconds from the start of the recording.
"""

from __future__ import annotations

import json
import os
from typing import Any

__all__ = ["write_perfetto", "perfetto_events"]


def perfetto_events(trace: Any) -> list[dict[str, Any]]:
    start = trace.info["start_ns"]
    end = trace.info.get("end_ns") or start

    def us(ns: int) -> float:
        return float(ns - start) / 1000.0

    out: list[dict[str, Any]] = []
    procs = trace.processes()
    threads = trace.threads()
    pid_of = {th.tid: th.pid for th in threads}
    for p in procs:
        name = " ".join(p.argv) if p.argv else (p.comm or "?")
        out.append({"ph": "M", "name": "process_name", "pid": p.pid, "tid": p.pid,
                    "args": {"name": f"{name[:120]} ({p.pid})"}})
    for th in threads:
        out.append({"ph": "M", "name": "thread_name", "pid": th.pid, "tid": th.tid,
                    "args": {"name": f"{th.name or '?'} {th.tid}"}})
    first_slice: dict[int, float] = {}
    table = trace.to_arrow().select(["seq", "pid", "tid", "name", "class", "args", "ret",
                                     "retval", "errno", "start_ns", "end_ns", "status"])
    for batch in table.to_batches():
        d = batch.to_pydict()
        for seq, pid, tid, name, cls, args, ret, _retval, err, s, e, status in zip(
                d["seq"], d["pid"], d["tid"], d["name"], d["class"], d["args"], d["ret"],
                d["retval"], d["errno"], d["start_ns"], d["end_ns"], d["status"], strict=True):
            if s is None:
                s = e if e is not None else end
            if e is None:
                e = end
            ts = us(s)
            a: dict[str, Any] = {"args": args, "return": "?" if status == "unfinished" else ret,
                                 "seq": seq, "status": status}
            if err is not None:
                a["errno"] = err
            out.append({"ph": "X", "name": name, "cat": cls or "other", "pid": pid, "tid": tid,
                        "ts": ts, "dur": max(0.0, (e - s) / 1000.0), "args": a})
            if tid not in first_slice or ts < first_slice[tid]:
                first_slice[tid] = ts
    flow = 0
    ev = trace.events().to_pydict()
    for i in range(len(ev["seq"])):
        kind, pid, tid, t = ev["kind"][i], ev["pid"][i], ev["tid"][i], ev["time_ns"][i]
        if kind == "clone":
            child = ev["child_tid"][i]
            if child not in first_slice:
                continue   # (a child that made no call: nothing to point at)
            flow += 1
            name = ev["clone_type"][i]
            out.append({"ph": "s", "id": flow, "name": name, "cat": "clone", "pid": pid,
                        "tid": tid, "ts": us(t)})
            out.append({"ph": "f", "bp": "e", "id": flow, "name": name, "cat": "clone",
                        "pid": pid_of.get(child, ev["child_pid"][i]), "tid": child,
                        "ts": first_slice[child]})
        elif kind in ("signal", "exec", "exit", "death", "group_stop", "continued"):
            out.append({"ph": "i", "s": "t", "name": ev["text"][i] or kind, "cat": kind,
                        "pid": pid, "tid": tid, "ts": us(t), "args": {"seq": ev["seq"][i]}})
    return out


def write_perfetto(trace: Any, path: str | os.PathLike[str]) -> None:
    doc = {"traceEvents": perfetto_events(trace), "displayTimeUnit": "ns",
           "otherData": {"producer": "aiotrace"}}
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f, separators=(",", ":"))
