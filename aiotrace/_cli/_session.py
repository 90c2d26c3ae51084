# SPDX-License-Identifier: GPL-2.0-or-later
"""One run of the command: the decoder and the printer its options make, the engines
(``-c``, ``-e inject=``), the stream they read, and the text written out in batches."""

from __future__ import annotations

import functools
import os
from dataclasses import replace
from typing import Any, Callable

import anyio

import aiotrace
from aiotrace import (
    Clone, Continued, Death, Exec, Exit, GroupStop, ProbeHit, ProbeReturn, Signal,
    SyscallEntry, SyscallExit,
)
from aiotrace.lowlevel import Capture

from ._args import Options
from ._progname import prog
from ._filter import selectors_keys
from ._unnamed import LATER_KEYS, invalid_syscall
from ._decoder import Decoder
from ._dump import emit
from ._modes import OutputModes
from ._internals import ALL_KEYS, key_selectors, quote, short_reads
from ._output import JsonPrinter, SeparatePrinter, TextPrinter
from ._fastlines import fast_render
from ._fastlines import usable as fast_usable
from ._pairs import taker
from ._stamps import Stamps


class Out:
    """Blocking writes of text to a file descriptor; stops at EPIPE.

    Any other error (a full disk, ``-o /dev/full``, an I/O error) loses the text that
    could not be written and is said on *err* (``aiotrace: FILE: No space left on
    device``, as strace says it), once until the next write that works: the program
    goes on, and so does tracing, as with strace."""

    def __init__(self, fd: int, name: str | None = None, err: Out | None = None) -> None:
        self.fd = fd
        self.name = name
        self.err = err
        self.broken = False
        self.failing = 0   # the errno of the last write, when it failed

    def write(self, text: str) -> None:
        if not text or self.broken:
            return
        self.write_bytes(text.encode("utf-8", "surrogateescape"))

    def write_bytes(self, data: bytes | bytearray | memoryview) -> None:
        if self.broken:
            return
        view = memoryview(data)
        while view:
            try:
                k = os.write(self.fd, view)
            except BlockingIOError:
                import select
                select.select([], [self.fd], [])
                continue
            except InterruptedError:
                continue
            except BrokenPipeError:
                self.broken = True
                return
            except OSError as exc:
                if exc.errno != self.failing and self.err is not None:
                    self.err.write(f"{prog()}: {self.name}: {exc.strerror}\n")
                self.failing = exc.errno or -1
                return
            self.failing = 0
            view = view[k:]


_FLUSH_DELAY = 0.02   # seconds a finished line may wait to be written with the next ones
_FLUSH_PARTS = 512    # ... or this many pieces of text


class Session:
    """One run of the command: the decoder and the printer, the output, the engines'
    results."""

    def __init__(self, opts: Options, out: Out, err: Out) -> None:
        self.opts = opts
        self.out = out
        self.err = err
        self.printer: TextPrinter | JsonPrinter | SeparatePrinter | None = None
        self.decoder: Decoder | None = None
        self.counts: list[Any] = []
        self.interrupted = 0
        self.let_go = False   # -b execve: the program was detached as it exec'd
        self.program_cpus: frozenset[int] | None = None   # set when aiotrace's threads are pinned
        self.release_std = False   # let go of stdin and stdout once the program runs
        # lower the event loop thread's priority once the program runs (see drain); as
        # the command only: a thread cannot raise it again
        self.lower_loop = False
        self.daemon: Any = None    # -D: the program's process and pipes (see _daemon)
        self._due = anyio.Event()
        self._internal_errors = 0
        # the traced calls as the tracer's keys (each ABI's apart: see _core._syscalls),
        # and as names for the library (open@32 where a name's other ABIs are left out)
        keys = None if opts.trace is None else selectors_keys(opts.trace)
        if keys is not None:   # (strace traces the calls it has no name for, always)
            keys = keys | LATER_KEYS
        self.trace_nrs: frozenset[int] | None = None if keys == ALL_KEYS else keys
        self.trace_names: frozenset[str] | None = (
            None if self.trace_nrs is None else key_selectors(self.trace_nrs))
        self.trace_paths = _trace_paths(opts.paths, err)
        self.injects = self._traced_rules()
        # -e inject=...:syscall=NAME runs NAME in place of a traced call: the printer
        # also stops at NAME's exits (that call's result), and shows NAME's own calls
        # only if they are traced (the decoder's ``unshown``)
        self.unshown: frozenset[int] = frozenset()
        self.shown_names = self.trace_names
        if self.trace_nrs is not None:
            ran = {k for r in self.injects if r.replacement is not None
                   for k in selectors_keys({r.replacement})}
            self.unshown = frozenset(ran - self.trace_nrs)
            if self.unshown:
                self.shown_names = key_selectors(self.trace_nrs | self.unshown)
        self.probe_lines: Any = None   # --probe: see _probes
        if opts.summary != "only":
            self._make_printer()
            if opts.probes:
                from ._probes import ProbeLines
                self.probe_lines = ProbeLines(self.printer, opts.stack_trace,
                                              bool(opts.follow))

    def _traced_rules(self) -> list[Any]:
        """The -e inject= rules, each cut down to the calls -e trace= traces: strace
        tampers with traced calls only (and, with -P, only with those that use a path:
        see start_engines), so the others are neither tampered with nor counted."""
        if self.trace_nrs is None:
            return list(self.opts.injects)
        out = []
        for rule in self.opts.injects:
            keys = selectors_keys(rule.syscalls)
            kept = keys & self.trace_nrs
            if kept:
                out.append(rule if kept == keys
                           else replace(rule, syscalls=key_selectors(kept)))
        return out

    def _make_printer(self) -> None:
        o = self.opts
        inject: dict[int, Any] = {}   # the tracer's keys: each ABI's call apart
        for rule in self.injects:
            for key in selectors_keys(rule.syscalls):
                inject[key] = rule     # the last rule wins, as in strace
        self.decoder = Decoder(strsize=o.strsize, decode_fds=o.decode_fds, xflag=o.xflag,
                               fd_kinds=o.decode_fd_kinds,
                               inject=inject, paths=self.trace_paths, unshown=self.unshown,
                               dumps=(o.dump_read, o.dump_write), ips=o.ips,
                               modes=OutputModes.of(o))
        self.decoder.kvm_vcpu = o.kvm_vcpu
        if o.decode_pids:
            self.decoder.decode_pids(ns="pidns" in o.decode_pids,
                                     comm="comm" in o.decode_pids)
        common: dict[str, Any] = dict(signals=o.signals, status=o.status, follow=bool(o.follow))
        if o.json:
            self.printer = JsonPrinter(**common)
            return
        to_file = o.output is not None
        quiet = o.quiet
        if quiet is None:
            # strace: quiet about attaching when the trace goes to a file and we run PROG
            quiet = frozenset({"attach", "personality"}) if (to_file and o.mode == "run") \
                else frozenset()
        # (-p PID PROG: the program is one more process)
        pid_prefix = to_file and (bool(o.follow) or len(o.pids) + (o.mode == "run") > 1)
        stamps = Stamps(o.ts_format, o.ts_width, o.relative, o.syscall_times)
        text: dict[str, Any] = dict(stamps=stamps, column=o.column,
                                    quiet=quiet, numbers=o.numbers, ips=o.ips,
                                    comm="comm" in o.decode_pids, **common)
        if o.follow >= 2 and o.output is not None:
            self.printer = SeparatePrinter(o.output, append=o.append, **text)
        else:
            self.printer = TextPrinter(to_file=to_file, pid_prefix=pid_prefix, **text)

    # -- events -----------------------------------------------------------------------

    def event_types(self) -> tuple[type, ...]:
        o = self.opts
        types: list[type] = [Signal, GroupStop, Death, Exec]
        if self.trace_nrs is None or self.trace_nrs:
            types += [SyscallEntry, SyscallExit, Exit]
        elif o.json:
            types.append(Exit)
        if o.follow:
            types.append(Clone)
        if o.json:
            types.append(Continued)
        return tuple(types)

    def prefilter(self) -> frozenset[str] | None:
        """Syscalls to stop at with --seccomp-bpf (None: every call), by name: each in
        every ABI that -e trace= names it in (the filter is compiled per ABI, so that a
        traced i386 or x32 call stops too). Only with -f: the filter stays in the
        children, whose filtered calls would fail with ENOSYS if they ran untraced."""
        if not self.opts.seccomp or not self.opts.follow or self.trace_nrs is None:
            return None
        keys = set(self.trace_nrs)
        for rule in self.injects:
            keys |= selectors_keys(rule.syscalls)
        return key_selectors(keys)

    def flush(self) -> None:
        p = self.printer
        if p is None:
            return
        if isinstance(p, SeparatePrinter):
            p.flush_files()
        elif p.out:
            parts = p.out[:]
            p.out.clear()
            emit(parts, self.out.write_bytes)
        if p.err:
            text = "".join(p.err)
            p.err.clear()
            self.err.write(text)

    async def flusher(self, scope: anyio.CancelScope) -> None:
        """Writes pending lines out a little later, so that a burst of events makes one
        write; it wakes up only when there is something to write."""
        with scope:
            while True:
                await self._due.wait()
                await anyio.sleep(_FLUSH_DELAY)
                self._due = anyio.Event()
                self.flush()

    async def start_engines(self, tg: Any, proc: aiotrace.Process) -> None:
        o = self.opts
        if o.summary is not None:
            from aiotrace.engines import count_syscalls
            counter = functools.partial(count_syscalls, syscalls=self.trace_names,
                                        injected=self.injects, overhead_ns=o.overhead_ns,
                                        clock="wall" if o.wall_clock else "cpu")
            self.counts.append(await tg.start(counter, proc))
        if self.injects:
            from aiotrace.engines import inject
            decoder = self.decoder

            def uses_paths(call: Any) -> bool:   # -P: the calls that use one of the paths
                assert decoder is not None
                return decoder.uses_paths(call.name, call.args, call.thread, call.tid,
                                          call.abi)

            only = uses_paths if self.trace_paths is not None and decoder is not None else None
            await tg.start(functools.partial(inject, only=only, on_poke=self._poked), proc,
                           *self.injects)

    def _poked(self, tid: int, problem: str | None) -> None:
        """-e inject=...:poke_enter=/poke_exit=: a call's memory was written (its line
        says "INJECTED: args"), or could not be (said as strace says it)."""
        if problem is None:
            if self.decoder is not None:
                self.decoder.poked.add(tid)
        elif self.decoder is not None:
            self.decoder.poked_said(tid, problem)   # (before the stop's line, by drain)
        else:
            self.err.write(f"{prog()}: {problem}\n")

    def subscribe(self, proc: aiotrace.Process, tids: set[int] | None) -> Any:
        if self.decoder is None:
            return None
        if self.opts.stack_trace:   # (every capture at the stop, with the stack)
            return proc.events(*self.event_types(), syscalls=self.shown_names, tids=tids,
                               capture=self.decoder.capture, buffer=4096, stacks=True)
        # (a quiet call's two stops as one event, for the printer's fast path: see _pairs)
        pairs = (taker(self.decoder) if fast_usable(self.printer) and not self.opts.probes
                 and not self.opts.debug
                 else None)
        return proc.events(*self.event_types(), syscalls=self.shown_names, tids=tids,
                           capture=Capture(self.decoder.capture, _pairs=pairs,
                                           **self.decoder.after_resume()),
                           buffer=4096)

    def show(self, ev: Any) -> None:
        """Lay out one event (drain's, and the CLI's probes': see _probes)."""
        if isinstance(ev.captured, BaseException):
            self._internal_error(ev)
            return
        p = self.printer
        assert p is not None
        if self.probe_lines is not None and type(ev) in (ProbeHit, ProbeReturn):
            self.probe_lines.render(ev)
            return
        if not self.opts.stack_trace or (type(ev) is not SyscallExit and type(ev) is not Signal):
            p.render(ev)
            return
        from ._probes import _out, stack_text
        _, out = _out(p, ev.tid)
        n = len(out)
        p.render(ev)
        if len(out) > n:
            out.append(stack_text(ev, self.opts.json))

    def written(self) -> None:
        """After a batch of show(): write out soon, or now if much is pending."""
        p = self.printer
        out = p.dirty if isinstance(p, SeparatePrinter) else p.out if p is not None else []
        if out:
            if len(out) >= _FLUSH_PARTS:
                self.flush()
            elif not self._due.is_set():
                self._due.set()

    async def drain(self, stream: Any) -> None:
        """Lay out each event as it comes, in order; write the text out in batches."""
        if stream is None:
            return
        p = self.printer
        assert p is not None
        out = p.dirty if isinstance(p, SeparatePrinter) else p.out
        shown = self.show if self.opts.stack_trace else p.render

        def general(ev: Any) -> None:
            if isinstance(ev.captured, BaseException):
                self._internal_error(ev)
            else:
                shown(ev)

        render = (fast_render(p, general) if isinstance(p, TextPrinter)
                  and not self.opts.stack_trace and not self.opts.debug else general)
        if self.opts.debug:
            render = self._debug(render)
        dec = self.decoder
        assert dec is not None   # (a stream is the decoder's)
        said = dec.said   # (seq -> what strace says at that stop: before its line)
        take = stream.receive_batch
        if self.lower_loop:
            _lower_this_thread()
        # (the decoder's capture hears of short reads, on the tracer thread, while this
        # run's stream lasts: a later run in the process, or the library, does not)
        before, short_reads.hook = short_reads.hook, dec.heard
        try:
            async with stream:
                while True:
                    try:
                        batch = await take()   # (what the tracer handed over so far, at once)
                    except anyio.EndOfStream:
                        break
                    for ev in batch:
                        if said and ev.seq in said:
                            self._say(said.pop(ev.seq))
                        render(ev)
                    if out:
                        if len(out) >= _FLUSH_PARTS:
                            self.flush()
                        elif not self._due.is_set():
                            self._due.set()
        finally:
            short_reads.hook = before
        for seq in sorted(said):   # (of stops whose events never came)
            self._say(said.pop(seq))
        for tid in sorted(dec.poke_msgs):
            self._say(dec.poke_msgs.pop(tid))
        self.flush()

    def _say(self, said: list[str]) -> None:
        """strace's messages of a stop (its memory reader's "short read", a poke's), on
        stderr, in order with the trace: before the stop's line."""
        p = self.printer
        if isinstance(p, (TextPrinter, SeparatePrinter)):
            for text in said:
                p.message(f"{prog()}: {text}\n")
            return
        self.flush()   # (JSON: the trace so far first, then the message)
        for text in said:
            self.err.write(f"{prog()}: {text}\n")

    def _debug(self, render: Callable[[Any], None]) -> Callable[[Any], None]:
        """-d: *render*, and strace's debug line for each call it has no name for, on
        stderr (the trace so far first, when it goes there too)."""
        def debug_render(ev: Any) -> None:
            if type(ev) is SyscallEntry:
                line = invalid_syscall(ev)
                if line is not None:
                    self.flush()
                    self.err.write(f"{prog()}: {line}\n")
            render(ev)
        return debug_render

    def detached(self) -> None:
        """Said once the tracer has detached (Ctrl-C, -I2): the open line closed, the
        calls the threads were in, and which threads were let go."""
        p = self.printer
        if p is None:
            return
        calls = self.decoder.calls if self.decoder is not None else {}
        p.detached(sorted(p.live), [(tid, calls[tid].name, calls[tid].text)
                                    for tid in sorted(calls) if tid in p.live])

    def _internal_error(self, ev: Any) -> None:
        self._internal_errors += 1
        if self._internal_errors <= 3:
            exc = ev.captured
            self.err.write(f"{prog()}: internal error while decoding {ev!r}: {exc!r} "
                           "(please report it)\n")

    def summary(self) -> None:
        o = self.opts
        if o.summary is None or not self.counts:
            return
        import json   # (on use: start-up time)
        from aiotrace.engines import SyscallCounts
        from ._unnamed import counted
        # (the table leaves out the calls strace 6.1 has no name for, as it does)
        keep: Callable[[Any], bool] = (lambda st: True) if o.json else counted
        if len(self.counts) == 1 and all(keep(st) for st in self.counts[0].stats("nothing")):
            counts = self.counts[0]
        else:
            counts = SyscallCounts()
            for c in self.counts:
                for st in c.stats("nothing"):
                    if not keep(st):
                        continue
                    # (one call of its shortest time, then the rest: its min and max kept)
                    counts.add(st.nr, st.name, st.time_min_ns, False, st.abi)
                    merged = counts[st.name if st.abi == "x86_64" else
                                    st.name + {"i386": "@32", "x32": "@x32"}[st.abi]]
                    merged.calls += st.calls - 1
                    merged.errors += st.errors
                    merged.time_ns += st.time_ns - st.time_min_ns
                    merged.time_min_ns = min(merged.time_min_ns, st.time_min_ns)
                    merged.time_max_ns = max(merged.time_max_ns, st.time_max_ns)
        if o.json:
            rows = [{"syscall": st.name, "calls": st.calls, "errors": st.errors,
                     "seconds": round(st.seconds, 6), "usecs_per_call": st.usecs_per_call,
                     **({} if st.abi == "x86_64" else {"abi": st.abi})}
                    for st in counts.stats(o.sort_by)]
            self.out.write(json.dumps({"kind": "summary", "syscalls": rows,
                                       "calls": counts.calls, "errors": counts.errors,
                                       "seconds": round(counts.time_ns / 1e9, 6)},
                                      separators=(",", ":")) + "\n")
        elif o.columns is not None:
            from ._summary import table
            self.out.write(table(counts, o.sort_by, o.columns))
        else:
            self.out.write(counts.table(o.sort_by))


# The event loop thread's nice value over the tracer thread's (which the program inherits).
# On a shared CPU the loop, woken by each batch the tracer thread hands over, would run
# as soon as the tracer thread waits for the program's next stop, and take that batch of
# one or two stops: a wake-up, two passes of the event loop and two context switches per
# stop or two. Less weight makes the scheduler let the tracer thread and the program run
# on, and the loop take hundreds of events per wake-up (the getppid loop on one CPU:
# 26 000 wake-ups for 100 000 calls, 3 500 with +5; the tracer thread then keeps what it
# hands over within the stream's buffer, as always). See docs/performance.md.
_LOOP_NICE = 5


def _lower_this_thread() -> None:
    import threading
    tid = threading.get_native_id()
    try:
        nice = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(nice + _LOOP_NICE, 19))
    except OSError:
        pass   # (a sandbox that forbids it: the run is the same, slower)


def _trace_paths(paths: list[str], err: Out) -> frozenset[bytes] | None:
    """-P: each path as given and, where a symbolic link or a relative path leads
    elsewhere, as resolved (said on stderr, as strace does); None without -P."""
    if not paths:
        return None
    out: set[bytes] = set()
    for p in paths:
        out.add(os.fsencode(p))
        try:
            real = os.path.realpath(p, strict=True)
        except OSError:
            continue
        if real != p:   # (quoted as strace quotes them: a name may hold any byte)
            err.write(f"{prog()}: Requested path {quote(os.fsencode(p))} resolved into "
                      f"{quote(os.fsencode(real))}\n")
            out.add(os.fsencode(real))
    return frozenset(out)
