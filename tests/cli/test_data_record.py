"""Recordings (issue 20, items 2-4): aiotrace.record, tracer.record, Trace, its files."""

from __future__ import annotations

import json
import os
from collections import Counter
import select
import subprocess
import sys

import pytest

pa = pytest.importorskip("pyarrow")

import aiotrace  # noqa: E402
from aiotrace import Trace  # noqa: E402
from cli_helpers import AIOTRACE, calls_of, sequences  # noqa: E402

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]


def _pipeline(target) -> str:
    return f"{target('threads')} 3 4 | cat >/dev/null; {target('openat_file')} /nonexistent"


def _as_strace(trace: Trace) -> str:
    """The recording as ``strace -f -o`` lines (``TID line``), in the order of the calls'
    entries, for the CLI tests' parser."""
    items = []
    for c in trace:
        items.append((c.seq, f"{c.tid} {c.name}({c.args_text}) = {c.ret_text}"))
    ev = trace.events().to_pydict()
    for seq, tid, kind, text in zip(ev["seq"], ev["tid"], ev["kind"], ev["text"], strict=True):
        if kind == "death":
            items.append((seq, f"{tid} {text}"))
    return "\n".join(line for _, line in sorted(items)) + "\n"


async def test_a_recording_has_the_calls_of_the_cli_trace(target, tmp_path):
    cmd = _pipeline(target)
    out = tmp_path / "cli.txt"
    r = subprocess.run([*AIOTRACE, "run", "-f", "-o", str(out), "--", "sh", "-c", cmd],
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert r.returncode == 1, r.stderr   # (openat_file's)
    # (recorded by the command too, so that the program inherits the same descriptors)
    saved = tmp_path / "rec.parquet"
    r = subprocess.run([*AIOTRACE, "record", "-o", str(saved), "--", "sh", "-c", cmd],
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert r.returncode == 1, r.stderr
    trace = aiotrace.load(saved)
    cli = sequences(out.read_text())
    rec = sequences(_as_strace(trace))
    assert set(cli) == set(rec)
    for name in cli:
        # (whether pthread_join and the threads meet in futex waits is a matter of timing)
        ours = [c for c in calls_of(rec[name]) if c[0] != "futex"]
        assert ours == [c for c in calls_of(cli[name]) if c[0] != "futex"], name
    # threads: 3 of them in the threads program, each with its 4 getppid
    procs = {p.pid: p for p in trace.processes()}
    (threads_pid,) = [pid for pid, p in procs.items() if p.argv and p.argv[0].endswith("threads")]
    tids = {t.tid for t in trace.threads() if t.pid == threads_pid}
    assert len(tids) == 4
    per_tid = {tid: [c.name for c in trace.filter(tids=tid)] for tid in tids}
    assert sorted(names.count("getppid") for names in per_tid.values()) == [0, 4, 4, 4]
    # and the calls as the CLI prints them, text for text, where nothing varies
    failed = [c for c in trace.filter(errno="ENOENT", syscalls="openat") if "nonexistent" in c.args_text]
    assert [c.text for c in failed] == [
        'openat(AT_FDCWD, "/nonexistent", O_RDONLY) = -1 ENOENT (No such file or directory)']
    assert str(failed[0]) == failed[0].text


async def test_the_trace_object(target, tmp_path):
    trace = await aiotrace.record(["sh", "-c", _pipeline(target)], stdout=subprocess.DEVNULL)
    n = len(trace)
    calls = list(trace)
    assert n == len(calls) > 100 and trace[0] == calls[0] and trace[-1] == calls[-1]
    assert [c.seq for c in calls] == sorted(c.seq for c in calls)
    assert calls[0].name == "execve" and calls[0].args_text.startswith('"/usr/bin/sh", ["sh", "-c"')
    # every call complete but the exits (they never return)
    assert {c.status for c in calls if c.name not in ("exit", "exit_group")} == {"complete"}
    assert {c.status for c in calls if c.name in ("exit", "exit_group")} == {"unfinished"}
    assert all(c.duration_ns is not None and c.duration_ns >= 0 for c in calls)
    import pandas as pd
    df = trace.to_pandas()
    assert len(df) == n and list(df["seq"]) == [c.seq for c in calls]
    assert {"pid", "tid", "comm", "name", "args", "retval", "errno", "start_ns", "duration_ns",
            "class", "text"} <= set(df.columns)
    assert set(df[df["name"] == "openat"]["class"]) == {"file"}
    # (the few-valued columns group as their values: one group per class, comm, errno)
    for col in ("class", "comm", "errno", "name"):
        groups = df.groupby(col, observed=True).size()
        assert groups.index.is_unique, col
        assert dict(groups) == dict(Counter(v for v in df[col] if v is not pd.NA)), col
    assert list(df["text"]) == [c.text for c in calls]
    assert trace.calls is trace and trace.to_arrow().num_rows == n
    # filters
    assert {c.name for c in trace.filter(classes="%network")} <= {"socket", "connect"}
    failed = trace.filter(errno=True)
    assert len(failed) > 0 and all(c.error is not None for c in failed)
    assert len(failed) + len(trace.filter(errno=False)) == n - len(trace.filter(status="unfinished"))
    mid = calls[n // 2].start_ns
    assert len(trace.filter(start_ns=mid)) + len(trace.filter(end_ns=mid)) == n
    with pytest.raises(ValueError, match="no system call class"):
        trace.filter(classes="%nope")
    # processes: sh, threads, cat, openat_file (cat and threads forked by sh)
    procs = trace.processes()
    assert procs[0].argv == ["sh", "-c", _pipeline(target)] and procs[0].returncode == 1
    kids = {os.path.basename(p.argv[0]): p for p in procs[1:]}
    assert set(kids) == {"threads", "cat", "openat_file"}
    assert {p.ppid for p in kids.values()} == {procs[0].pid}
    assert kids["cat"].exe == "/usr/bin/cat" and kids["openat_file"].returncode == 1
    # summary: strace -c, and per process
    text = trace.summary()
    assert text.splitlines()[0].split() == ["%", "time", "seconds", "usecs/call", "calls",
                                            "errors", "syscall"]
    total = text.splitlines()[-1].split()
    assert total[-1] == "total" and int(total[3]) == n - len(trace.filter(status="unfinished"))
    per = trace.summary(per_process=True)
    assert all(f"pid {p.pid} (" in per for p in procs)
    assert "<pre>" in trace._repr_html_() and repr(trace).startswith(f"<Trace {n} calls, 4 processes")


async def test_save_and_load_are_lossless(target, tmp_path):
    trace = await aiotrace.record(["sh", "-c", _pipeline(target)], stdout=subprocess.DEVNULL)
    path = tmp_path / "run.parquet"
    trace.save(path)
    back = aiotrace.load(path)
    assert back.to_arrow().equals(trace.to_arrow())
    assert list(back) == list(trace)
    assert back.processes() == trace.processes() and back.threads() == trace.threads()
    assert back.events().equals(trace.events()) and back.info == trace.info
    assert back.summary(per_process=True) == trace.summary(per_process=True)
    import pandas as pd
    assert len(pd.read_parquet(path)) == len(trace)   # (a plain Parquet table too)


async def test_bytes_that_are_not_utf8_are_recorded_as_escapes(target, tmp_path):
    # An argument (and so a path) that is not UTF-8: os.fsdecode keeps its bytes as lone
    # surrogates, which Arrow's strings cannot hold; the recording shows them as \\xNN.
    name = os.fsdecode(b"/nonexistent-caf\xe9")
    trace = await aiotrace.record([target("openat_file"), name])
    (root,) = [p for p in trace.processes() if p.argv and p.argv[0] == target("openat_file")]
    assert root.argv[1] == "/nonexistent-caf\\xe9"
    opens = [c for c in trace if c.name == "openat" and "nonexistent-caf" in c.args_text]
    assert len(opens) == 1 and opens[0].ret_text.startswith("-1 ENOENT")
    path = tmp_path / "run.parquet"
    trace.save(path)
    back = aiotrace.load(path)
    assert back.processes() == trace.processes() and list(back) == list(trace)


async def test_load_refuses_bad_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        aiotrace.load(tmp_path / "missing.parquet")
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(b"PAR1 this is not parquet at all PAR1")
    with pytest.raises(aiotrace.RecordingError, match="not a Parquet file"):
        aiotrace.load(junk)
    other = tmp_path / "other.parquet"
    import pyarrow.parquet as pq
    pq.write_table(pa.table({"x": [1, 2]}), other)
    with pytest.raises(aiotrace.RecordingError, match="not an aiotrace recording"):
        aiotrace.load(other)
    assert issubclass(aiotrace.RecordingError, aiotrace.AiotraceError)


async def test_perfetto_json_is_well_formed(target, tmp_path):
    trace = await aiotrace.record(["sh", "-c", _pipeline(target)], stdout=subprocess.DEVNULL)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        trace.to_perfetto(tmp_path / "no" / "such" / "dir.json")
    path = tmp_path / "run.json"
    trace.to_perfetto(path)
    doc = json.loads(path.read_text())
    evs = doc["traceEvents"]
    slices = [e for e in evs if e["ph"] == "X"]
    assert len(slices) == len(trace)
    assert all(e["dur"] >= 0 and "args" in e["args"] and "return" in e["args"] for e in slices)
    assert not [e for e in evs if e["ph"] in ("B", "E")]   # (only closed slices)
    named = {(e["pid"], e["tid"]) for e in evs if e["ph"] == "M" and e["name"] == "thread_name"}
    procs = {e["pid"] for e in evs if e["ph"] == "M" and e["name"] == "process_name"}
    assert {(e["pid"], e["tid"]) for e in slices} <= named
    assert {e["pid"] for e in slices} <= procs
    starts = {e["id"]: e for e in evs if e["ph"] == "s"}
    ends = {e["id"]: e for e in evs if e["ph"] == "f"}
    assert starts and set(starts) == set(ends)
    clones = trace.events().to_pydict()
    assert len(starts) == clones["kind"].count("clone")   # 2 forks + 3 threads (+ subshells)
    for i, s in starts.items():
        f = ends[i]
        assert (f["pid"], f["tid"]) in named and f["ts"] >= s["ts"]
    instants = [e for e in evs if e["ph"] == "i"]
    assert {e["cat"] for e in instants} >= {"exec", "exit", "death", "signal"}


async def test_pictures(target, tmp_path):
    pytest.importorskip("matplotlib")
    trace = await aiotrace.record(["sh", "-c", _pipeline(target)], stdout=subprocess.DEVNULL)
    fig = trace.plot_timeline(tmp_path / "t.png")
    assert (tmp_path / "t.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(fig.axes[0].get_yticklabels()) == len(trace.threads())
    trace.plot_latency(tmp_path / "l.png")
    assert (tmp_path / "l.png").stat().st_size > 0
    with pytest.raises(FileNotFoundError, match="does not exist"):
        trace.plot_timeline(tmp_path / "nodir" / "t.png")


async def test_tracer_record_and_a_closed_process(target):
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("print_getppid")], stdout=subprocess.DEVNULL)
        async with tracer.record(proc) as rec:
            proc.resume()
            assert await proc.wait() == 0
            await rec.done.wait()
        assert "getppid" in [c.name for c in rec.trace]
        assert len(rec) == len(rec.trace) and rec.summary() == rec.trace.summary()
        with pytest.raises(aiotrace.TracerClosed, match="has ended"):
            async with tracer.record(proc):
                pass


async def test_a_blocked_loop_does_not_hold_the_program(target):
    """The loop sleeps (blocking: a notebook cell in time.sleep) while the program makes
    far more calls than any stream buffer holds: it ends all the same, every call kept."""
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), "5000"], stdout=subprocess.DEVNULL)
        async with tracer.record(proc) as rec:
            ended = os.pidfd_open(proc.pid)   # (readable once the program has ended)
            try:
                proc.resume()
                # (no await: the loop is blocked until the program has ended by itself)
                select.select([ended], [], [])
            finally:
                os.close(ended)
            assert await proc.wait() == 0
            await rec.done.wait()
        assert [c.name for c in rec.trace].count("getppid") == 5000


async def test_spilling_to_disk_keeps_every_call(target, tmp_path):
    from aiotrace._data import _recorder
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("getppid_loop"), "40000"], stdout=subprocess.DEVNULL)
        async with tracer.record(proc, memory_limit=1 << 16, spill_dir=tmp_path) as rec:
            proc.resume()
            assert await proc.wait() == 0
            await rec.done.wait()
        assert rec._rec.spilled_rows >= _recorder.CHUNK   # (it did spill)
        trace = rec.trace
    assert not list(tmp_path.iterdir())   # (the spill file is unlinked once mapped)
    assert [c.name for c in trace].count("getppid") == 40000
    assert [c.seq for c in trace] == sorted(c.seq for c in trace)


async def test_calls_begun_before_a_chunk_are_merged_in_without_a_sort(target, tmp_path):
    """The parent waits in vfork while its child makes far more calls than a chunk: the
    vfork row comes after thousands of rows already written, yet the trace is in the order
    of the entries, and it is made without copying the spilled calls back into memory."""
    from aiotrace._data import _recorder
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("vfork_loop"), "40000"], stdout=subprocess.DEVNULL)
        async with tracer.record(proc, memory_limit=1 << 16, spill_dir=tmp_path) as rec:
            proc.resume()
            assert await proc.wait() == 0
            await rec.done.wait()
        recorder = rec._rec
        before = pa.total_allocated_bytes()
        trace = rec.trace
        grown = pa.total_allocated_bytes() - before
    assert recorder.spilled_rows >= 2 * _recorder.CHUNK and recorder.late_count >= 1
    spilled_bytes = recorder.spilled_rows * 40   # (at least: five int64 columns a row)
    assert grown < spilled_bytes // 10, (grown, spilled_bytes)
    calls = list(trace)
    assert [c.seq for c in calls] == sorted(c.seq for c in calls)
    child = [i for i, c in enumerate(calls) if c.name == "getppid" and c.pid != proc.pid]
    assert len(child) == 40000
    # the parent's vfork began before its child existed and ended once it had exited
    forks = [i for i, c in enumerate(calls) if c.pid == proc.pid and c.name == "vfork"]
    assert len(forks) == 1
    assert forks[0] < child[0] and calls[forks[0]].end_ns > calls[child[-1]].end_ns
    assert len(trace.to_pandas()) == len(calls)


def test_record_and_report_commands(target, tmp_path):
    out = tmp_path / "run.parquet"
    r = subprocess.run([*AIOTRACE, "record", "-o", str(out), "--", "sh", "-c", _pipeline(target)],
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert r.returncode == 1 and "recorded" in r.stderr, r.stderr   # (the program's status)
    r = subprocess.run([*AIOTRACE, "report", str(out), "--perfetto", str(tmp_path / "p.json"),
                        "--plot", str(tmp_path / "p.png"), "--csv", str(tmp_path / "c.csv")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout == aiotrace.load(out).summary()
    assert json.loads((tmp_path / "p.json").read_text())["traceEvents"]
    assert (tmp_path / "p.png").stat().st_size > 0
    assert (tmp_path / "c.csv").read_text().startswith("seq,pid,tid,nr,name")
    for args, msg in ((["report", str(tmp_path / "nope.parquet")], "no such file"),
                      (["report", "/etc/hostname"], "not a Parquet file"),
                      (["report", str(out), "--perfetto", str(tmp_path / "x" / "p.json")],
                       "does not exist"),
                      (["record", "-o", str(tmp_path / "x" / "r.parquet"), "--", "true"],
                       "does not exist"),
                      (["record", "-o", str(out)], "must have PROG")):
        r = subprocess.run([*AIOTRACE, *args], capture_output=True, text=True, timeout=60)
        assert r.returncode == 1 and msg in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert sys.executable


def test_record_live(target, tmp_path):
    """--live: the counts on stderr (not a terminal here: once, the final ones)."""
    out = tmp_path / "run.parquet"
    r = subprocess.run([*AIOTRACE, "record", "--live", "-o", str(out), "--", "sh", "-c",
                        _pipeline(target)], capture_output=True, text=True, timeout=60,
                       stdin=subprocess.DEVNULL)
    assert r.returncode == 1 and r.stderr.count("aiotrace live:") == 1, r.stderr
    n = len(aiotrace.load(out))
    assert f"aiotrace live: {n} calls, 4 processes" in r.stderr
