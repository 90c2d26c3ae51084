"""``strace -c``: count calls, errors and time per system call, as an observer."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.abc

from aiotrace import Exec, Process, SyscallEntry, SyscallExit, _check
from aiotrace.lowlevel import Capture
from aiotrace.syscalls import ABIS, MODES, SUFFIXES

from ._inject import InjectRule, _check_engine_process, call_key, rule_keys

__all__ = ["SyscallCounts", "SyscallStat", "count_syscalls"]

_SORT_KEYS = ("time", "calls", "name", "errors", "nothing", "time_min", "time_max",
              "time_avg")
_ABI_OF_SUFFIX = {suffix: abi for abi, suffix in SUFFIXES.items()}
_ABI_ORDER = {abi: i for i, abi in enumerate(ABIS)}


@dataclass
class SyscallStat:
    """The totals of one system call: ``calls``, ``errors`` (calls that returned
    -4095..-1) and ``time_ns``, the time from its entry stop to its exit stop (wall-clock
    or CPU time: see :func:`count_syscalls`'s ``clock``). ``nr`` and
    ``name`` are of the call's ABI (``abi``: ``"x86_64"``, ``"i386"`` or ``"x32"``); the
    same name in two ABIs is two stats."""

    name: str
    nr: int
    calls: int = 0
    errors: int = 0
    time_ns: int = 0
    abi: str = "x86_64"
    time_min_ns: int = 0   # the shortest call, and the longest
    time_max_ns: int = 0

    @property
    def seconds(self) -> float:
        return self.time_ns / 1e9

    @property
    def usecs_per_call(self) -> int:
        """Average time per call in whole microseconds (strace's ``usecs/call``)."""
        if not self.calls:
            return 0
        return (self.time_ns + self.calls // 2) // self.calls // 1000   # strace's ts_div


class SyscallCounts:
    """What :func:`count_syscalls` measured: a mapping of system call name to
    :class:`SyscallStat` (``counts["read"].calls``), with totals and :meth:`table`.

    Time is wall-clock time between the entry and exit stops of each call, as
    ``strace -c -w`` measures it, or with ``clock="cpu"`` the thread's CPU time between
    them, as plain ``strace -c`` does; either includes the cost of the stops. Calls that never return (``exit_group``, a thread
    killed in a call) are not counted, as in strace.
    """

    def __init__(self) -> None:
        self._stats: dict[tuple[int, int], SyscallStat] = {}   # (ABI's place, nr) -> stat

    def add(self, nr: int, name: str, duration_ns: int, failed: bool,
            abi: str = "x86_64") -> None:
        """Count one finished call (used by the engine; handy to merge counts)."""
        key = (_ABI_ORDER[abi], nr)
        st = self._stats.get(key)
        if st is None:
            st = self._stats[key] = SyscallStat(name, nr, abi=abi)
        duration_ns = max(0, duration_ns)
        st.time_min_ns = duration_ns if not st.calls else min(st.time_min_ns, duration_ns)
        st.time_max_ns = max(st.time_max_ns, duration_ns)
        st.calls += 1
        st.errors += bool(failed)
        st.time_ns += duration_ns

    # mapping protocol, by name: "open" is x86-64's open if it was called, else that of
    # the first other ABI that called it; "open@32" (@64, @x32) names one ABI's
    def __getitem__(self, name: str) -> SyscallStat:
        base, at, suffix = name.rpartition("@")
        abi = _ABI_OF_SUFFIX.get(suffix) if at else None
        if abi is not None:
            name = base
        for _, st in sorted(self._stats.items(), key=lambda kv: kv[0]):
            if st.name == name and (abi is None or st.abi == abi):
                return st
        raise KeyError(name)

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self[name]
        except KeyError:
            return default

    def __contains__(self, name: object) -> bool:
        return any(st.name == name for st in self._stats.values())

    def __iter__(self) -> Iterator[str]:
        return (st.name if st.abi == "x86_64" else f"{st.name}@{SUFFIXES[st.abi]}"
                for st in self.stats())

    def __len__(self) -> int:
        return len(self._stats)

    def __repr__(self) -> str:
        return f"<SyscallCounts {len(self)} syscalls, {self.calls} calls, {self.errors} errors>"

    @property
    def calls(self) -> int:
        return sum(st.calls for st in self._stats.values())

    @property
    def errors(self) -> int:
        return sum(st.errors for st in self._stats.values())

    @property
    def time_ns(self) -> int:
        return sum(st.time_ns for st in self._stats.values())

    def stats(self, sort_by: str = "time", abi: str | None = None) -> list[SyscallStat]:
        """Every :class:`SyscallStat` (of ABI *abi* only, if given), in the order strace's
        ``-S`` option gives: ``"time"`` (most first, the default), ``"calls"``,
        ``"errors"`` (most first), ``"name"`` (alphabetical), ``"nothing"`` (system
        call number), or ``"time_min"``, ``"time_max"``, ``"time_avg"`` (the
        shortest, longest, average call: longest first). Ties stay in system call
        number order (ABI by ABI)."""
        if sort_by not in _SORT_KEYS:
            raise ValueError(f"sort_by must be one of {', '.join(_SORT_KEYS)}, not {sort_by!r}")
        rows = [st for key, st in sorted(self._stats.items(), key=lambda kv: kv[0])
                if abi is None or st.abi == abi]
        if sort_by == "time":
            rows.sort(key=lambda st: st.time_ns, reverse=True)
        elif sort_by == "calls":
            rows.sort(key=lambda st: st.calls, reverse=True)
        elif sort_by == "errors":
            rows.sort(key=lambda st: st.errors, reverse=True)
        elif sort_by == "name":
            rows.sort(key=lambda st: st.name)
        elif sort_by == "time_min":
            rows.sort(key=lambda st: st.time_min_ns, reverse=True)
        elif sort_by == "time_max":
            rows.sort(key=lambda st: st.time_max_ns, reverse=True)
        elif sort_by == "time_avg":
            rows.sort(key=lambda st: st.time_ns / st.calls if st.calls else 0, reverse=True)
        return rows

    def table(self, sort_by: str = "time") -> str:
        """The summary table that ``strace -c`` prints, column for column::

            % time     seconds  usecs/call     calls    errors syscall
            ------ ----------- ----------- --------- --------- ----------------
             99.12    0.004211          42       100           getppid
            ...
            ------ ----------- ----------- --------- --------- ----------------
            100.00    0.004248          40       105         1 total

        Calls of another ABI than x86-64 (i386, x32) get a table of their own after it,
        headed ``System call usage summary for 32 bit mode:`` as in strace."""
        return self.layout(self._table, sort_by)

    def layout(self, render: Callable[[list[SyscallStat]], str], sort_by: str = "time") -> str:
        """The text of ``render(rows)`` for the stats of each ABI (sorted by *sort_by*),
        x86-64's first, the others headed as :meth:`table` heads them; ``render([])``
        when nothing was counted."""
        out = []
        for code, abi in enumerate(ABIS):
            rows = self.stats(sort_by, abi)
            if not rows:
                continue
            if code:
                out.append(f"System call usage summary for {MODES[abi]} mode:\n")
            out.append(render(rows))
        return "".join(out) if out else render([])

    @staticmethod
    def _table(rows: list[SyscallStat]) -> str:
        total_ns = sum(st.time_ns for st in rows)
        calls = sum(st.calls for st in rows)
        errors = sum(st.errors for st in rows)
        total_s = total_ns / 1e9
        max_avg = max((st.usecs_per_call for st in rows), default=0)
        w_time = max(11, len(f"{total_s:.6f}"))
        w_avg = max(11, len(str(max_avg)))
        w_calls = max(9, len(str(calls)))
        w_err = max(9, len(str(errors)))
        w_name = max(16, max((len(st.name) for st in rows), default=0) + 1)
        widths = (6, w_time, w_avg, w_calls, w_err, w_name)
        rule = " ".join("-" * w for w in widths)

        def line(pct: float, secs: float, avg: int, n: int, e: int, name: str) -> str:
            err = str(e) if e else ""     # strace prints "%.0u": nothing for zero
            return (f"{pct:6.2f} {secs:{w_time}.6f} {avg:{w_avg}d} {n:{w_calls}d} "
                    f"{err:>{w_err}} {name}")

        out = [(f"{'% time':>6} {'seconds':>{w_time}} {'usecs/call':>{w_avg}} "
                f"{'calls':>{w_calls}} {'errors':>{w_err}} syscall"), rule]
        for st in rows:
            pct = 100.0 * st.time_ns / total_ns if total_ns and st.time_ns else 0.0
            out.append(line(pct, st.seconds, st.usecs_per_call, st.calls, st.errors, st.name))
        out.append(rule)
        avg_total = int(total_s / calls * 1e6) if calls else 0
        out.append(line(100.0, total_s, avg_total, calls, errors, "total"))
        return "\n".join(out) + "\n"


def _cpu_ns(ev: Any, mem: Any) -> int | None:
    """The capture of clock="cpu": the stopped thread's time on a CPU so far, in ns (the
    first field of its schedstat), or None (an Exec, or the thread is gone)."""
    if type(ev) is Exec:
        return None
    try:
        fd = os.open(f"/proc/{ev.pid}/task/{ev.tid}/schedstat", os.O_RDONLY)
    except OSError:
        return None
    try:
        return int(os.read(fd, 64).split(None, 1)[0])
    except (OSError, ValueError, IndexError):
        return None
    finally:
        os.close(fd)


# (the C loop reads the CPU time itself, into its records: its stops need no Python; the
# Python loop calls _cpu_ns at each stop)
_CPU = Capture(_cpu_ns, _cpu=True)


async def count_syscalls(
    proc: Process,
    *,
    syscalls: Iterable[str | int] | None = None,
    injected: Iterable[Any] = (),
    clock: str = "wall",
    overhead_ns: int = 0,
    task_status: anyio.abc.TaskStatus[SyscallCounts] = anyio.TASK_STATUS_IGNORED,
) -> SyscallCounts:
    """Count the system calls of *proc* (and its followed children) until the whole family
    is gone, like ``strace -c``; returns the :class:`SyscallCounts`.

    An observer: threads are never held for it (beyond its buffer filling up, which
    blocks the tracee rather than lose a call). *syscalls* restricts the count to some
    calls (``strace -c -e trace=...``). Start it with
    ``counts = await tg.start(count_syscalls, proc)`` before ``proc.resume()``; the
    object returned by ``start`` fills up while the process runs.

    *injected* are the :class:`~aiotrace.engines.InjectRule` objects an :func:`inject`
    engine applies to the same calls (the last one naming a call wins, as there): a call
    one of its ``retval=`` rules tampers with is counted as a success whatever the value,
    as ``strace -c`` counts it (``retval=-1`` is not an error).

    *clock* says what time is counted: ``"wall"`` (the default), the wall-clock time
    from each call's entry stop to its exit stop (``strace -c -w``); ``"cpu"``, the time
    the thread spent on a CPU between them (from ``/proc``'s schedstat, read at each
    stop, by the C tracer loop itself when it runs), which is the system CPU time of the
    call, since between those stops the thread runs only the kernel's code (plain
    ``strace -c``: a sleep costs next to nothing). *overhead_ns* is taken off each call's time, not below 0 (strace's
    ``-O``).
    """
    _check_engine_process(proc, "count_syscalls()")
    if isinstance(injected, (str, bytes)) or not isinstance(injected, Iterable):
        raise TypeError("count_syscalls(injected=...) takes InjectRule objects, not "
                        f"{_check.show(injected)}")
    injected = list(injected)
    if clock not in ("wall", "cpu"):
        raise ValueError(f"count_syscalls(clock=...) takes 'wall' or 'cpu', not "
                         f"{_check.show(clock)}")
    overhead = _check.integer(overhead_ns, "count_syscalls(overhead_ns=...)", 0, 2**63 - 1,
                              "a number of nanoseconds (an int >= 0)")
    cpu = clock == "cpu"
    for rule in injected:
        if not isinstance(rule, InjectRule):
            raise TypeError("count_syscalls(injected=...) takes InjectRule objects (such as "
                            f"parse_inject('openat:retval=0')), not {_check.show(rule)}")
    counts = SyscallCounts()
    # tid -> time_ns (or CPU time) at the entry of its call in progress
    entered: dict[int, int | None] = {}
    retval_rules: dict[int, Any] = {}   # key (aiotrace.syscalls) -> the rule of its calls
    for rule in injected:
        for key in rule_keys(rule):
            retval_rules[key] = rule
    retval_rules = {key: r for key, r in retval_rules.items() if r.retval is not None}
    seen: dict[tuple[int, int], int] = {}   # (tid, key) -> calls, as the injector counts
    set_by_rule: set[int] = set()           # tids whose call in progress a retval= set
    events = proc.events(SyscallEntry, SyscallExit, Exec, syscalls=syscalls, buffer=4096,
                         capture=_CPU if cpu else None)
    task_status.started(counts)
    async with events:
        async for ev in events:
            if isinstance(ev, SyscallEntry):
                entered[ev.tid] = ev.captured if cpu else ev.time_ns
                rule = retval_rules.get(call_key(ev)) if retval_rules else None
                if rule is not None:
                    count = (ev.tid, call_key(ev))
                    n = seen[count] = seen.get(count, 0) + 1
                    if rule.applies_to(n):
                        set_by_rule.add(ev.tid)
                    else:
                        set_by_rule.discard(ev.tid)
                else:
                    set_by_rule.discard(ev.tid)
            elif isinstance(ev, SyscallExit):
                # No entry: the exit of the execve that started a spawned program, or of
                # the call an attached thread was in. Counted, with no time.
                start = entered.pop(ev.tid, None)
                end = ev.captured if cpu else ev.time_ns
                took = end - start if start is not None and end is not None else 0
                failed = ev.error is not None
                if ev.tid in set_by_rule:
                    set_by_rule.discard(ev.tid)
                    failed = False
                counts.add(ev.nr, ev.name, max(took - overhead, 0), failed, ev.abi)
            elif ev.old_tid != ev.tid:
                # exec from a non-leader thread: it takes the leader's tid, and the
                # leader's unfinished call is gone.
                execve_start = entered.pop(ev.old_tid, None)
                if execve_start is not None:
                    entered[ev.tid] = execve_start
                else:
                    entered.pop(ev.tid, None)
    return counts
