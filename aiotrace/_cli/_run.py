# SPDX-License-Identifier: GPL-2.0-or-later
"""``aiotrace run`` and ``aiotrace attach``: start the tracer, spawn or attach, run the
session until the program ends (or Ctrl-C detaches), and say how it ended.

While the program runs, Ctrl-C and Ctrl-\\ are the program's (``run``), SIGTERM and SIGHUP
go on to it; with ``attach`` they detach instead, and the processes go on.
"""

from __future__ import annotations

import errno as _errno
import os
import signal
import time
from typing import Any, Callable

import anyio

import aiotrace
from aiotrace import AttachDenied, SpawnFailed, TraceeGone

from ._progname import prog
from ._decoder import execve_text
from ._internals import which
from ._intr import FATAL, WAITING, detach_on_signal, set_dispositions, set_handlers
from ._modes import OutputModes
from ._output import JsonPrinter, SeparatePrinter, TextPrinter, split_args
from ._pipe import release_standard_fds
from ._session import Session


def _program_path(prog: str) -> str | None:
    """The file to run: a name without a slash is looked up in aiotrace's own PATH, not
    in the one -E gives the program (as strace)."""
    if "/" in prog:
        return prog
    return which(prog, os.environ.get("PATH", os.defpath))


def program(o: Any) -> tuple[str | None, dict[str, str]]:
    """The program's path (None, or a path that does not exist, if it cannot be found)
    and its environment (-E)."""
    env = dict(os.environ)
    for item in o.env:
        var, eq, val = item.partition("=")
        if eq:
            env[var] = val
        else:
            env.pop(var, None)
    return _program_path(o.argv[0]), env


def cannot_stat(err: Any, name: str, path: str | None) -> bool:
    """Said as strace says it when the program *name* cannot be found."""
    if path is None or ("/" in path and not os.path.exists(path)):
        err.write(f"{prog()}: Can't stat '{name}': No such file or directory\n")
        return True
    return False


def _warn_seccomp_without_follow(s: Session) -> None:
    if s.opts.seccomp and not s.opts.follow:
        s.err.write(f"{prog()}: --seccomp-bpf cannot be used without -f/--follow-forks, "
                    "disabling\n")


async def run(s: Session) -> tuple[str, int]:
    o = s.opts
    if o.seccomp and o.detach_on_execve:   # (as strace: before the -f warning, then off)
        s.err.write(f"{prog()}: --seccomp-bpf is not enabled because it is not compatible "
                    "with -b\n")
        o.seccomp = False
    _warn_seccomp_without_follow(s)
    path, env = program(o)
    if cannot_stat(s.err, o.argv[0], path):
        return "exit", 1
    assert path is not None
    p = s.printer
    exec_text = (execve_text(path, o.argv, [f"{k}={v}" for k, v in env.items()], o.strsize,
                             o.xflag, OutputModes.of(o)) if p is not None else "")
    flush_scope = anyio.CancelScope()
    async with aiotrace.open_tracer() as tracer:
        t0 = time.monotonic_ns()
        # (from before the fork: a Ctrl-C that comes as soon as the program exists is
        # already the program's, not a reason to kill it)
        restore = _ignore_interrupts() if o.interruptible is None else _no_restore
        try:
            # (probes need every thread and child traced: a breakpoint would kill an
            # untraced one; without -f, only the program's own lines are shown)
            release = None
            if s.daemon is not None:   # -D: the program is aiotrace's parent process
                from ._daemon import adopt
                got = await adopt(s, tracer, s.daemon, path)
                if got is None:
                    return "exit", 1
                proc, release = got
            else:
                proc = await tracer.spawn(o.argv, env=env, follow=bool(o.follow or o.probes),
                                          executable=path,
                                          syscalls=s.prefilter(), cpus=s.program_cpus)
        except SpawnFailed as exc:
            restore()
            err = exc.errno or _errno.ENOEXEC
            if p is not None and (s.trace_nrs is None or 59 in s.trace_nrs):
                line = "execve(%s) = -1 %s (%s)\n" % (
                    exec_text, _errno.errorcode.get(err, str(err)), os.strerror(err))
                if o.json:
                    import json   # (on use: start-up time)
                    line = json.dumps({
                        "kind": "syscall.exit", "seq": 0, "time": round(time.time(), 6),
                        "pid": None, "tid": None, "syscall": "execve", "nr": 59,
                        "args": split_args(exec_text), "retval": -err,
                        "return": line[line.rindex(" = ") + 3:-1],
                        "error": _errno.errorcode.get(err), "duration": None,
                    }, separators=(",", ":")) + "\n"
                s.out.write(line)
            s.err.write(f"{prog()}: exec: {os.strerror(err)}\n")
            if isinstance(p, TextPrinter) and not p.quiet_exit:
                s.out.write("+++ exited with 1 +++\n")
            if s.daemon is not None:
                os.close(s.daemon.go)   # (said: the program's process may end)
            return "exit", 1
        except BaseException:
            restore()
            raise
        if s.release_std:
            release_standard_fds()
        try:
            if isinstance(p, SeparatePrinter):
                try:   # (strace opens it as it starts tracing, and stops if it cannot)
                    p.open_file(proc.pid)
                except OSError as exc:
                    s.err.write(f"{prog()}: Can't fopen '{o.output}.{proc.pid}': "
                                f"{exc.strerror}\n")
                    return "exit", 1   # (the program, still held, dies with the tracer)
            if p is not None and s.decoder is not None:
                p.add_thread(proc.pid, proc.pid)
                if s.trace_paths is None or os.fsencode(path) in s.trace_paths:
                    s.decoder.expect_exec(proc.pid, exec_text, t0)
            stream = s.subscribe(proc, None if o.follow else {proc.pid})
            probes = None
            if o.probes and s.printer is not None:
                try:
                    probes = await _probe(s, proc)
                except aiotrace.ProbeError as exc:
                    s.err.write(f"{prog()}: {exc}\n")
                    return "exit", 1   # (the program, still held, dies with the tracer)
            async with anyio.create_task_group() as tg:
                await s.start_engines(tg, proc)
                forward = anyio.CancelScope()
                others = await _also_attached(s, tracer, tg) if o.pids else []
                if o.interruptible is None:
                    await tg.start(_forward_signals, s, proc, forward, [x[0] for x in others])
                elif o.interruptible == WAITING:
                    await tg.start(detach_on_signal, s, [proc, *(x[0] for x in others)],
                                   forward, FATAL, proc.pid)
                else:
                    restore = set_dispositions(o.interruptible)
                tg.start_soon(s.flusher, flush_scope)
                if o.detach_on_execve:
                    tg.start_soon(_detach_at_exec, s, proc,
                                  proc.events(aiotrace.Exec, intercept=True))
                if release is None:
                    proc.resume()
                else:
                    await release()
                async with anyio.create_task_group() as readers:
                    for other, other_stream, _ in others:
                        readers.start_soon(_to_the_end, s, other, other_stream)
                    if probes is not None:
                        from ._probes import drain_merged
                        await drain_merged(s, [stream, probes])
                    else:
                        await s.drain(stream)
                    rc = None if s.let_go else await proc.wait()
                forward.cancel()
                flush_scope.cancel()
            if s.interrupted or s.let_go:
                s.detached()
            if p is not None:
                p.finish()
                s.flush()
        finally:
            restore()
    s.summary()
    if s.interrupted:   # (-I2: detached, and the program sent the signal)
        return "signal", s.interrupted
    if rc is None:
        return "exit", 0
    if rc < 0:
        return "signal", -rc
    return "exit", rc


async def _detach_at_exec(s: Session, proc: aiotrace.Process, execs: Any) -> None:
    """-b execve: the program execs another (its own start is before the stream): the
    program is let go, untraced, from that stop (held there: the exec's return is not
    seen), and aiotrace ends without waiting for it (exit status 0, as strace's)."""
    async with execs:
        async for _ in execs:
            s.let_go = True
            await proc.detach()
            return


async def _probe(s: Session, proc: aiotrace.Process) -> Any:
    """--probe: the probes' stream, in place (ProbeError if it cannot be)."""
    stream = proc.probe(s.opts.probes, returns=True, stacks=s.opts.stack_trace, buffer=4096)
    await stream.armed()
    return stream


def _ignore_interrupts() -> Callable[[], None]:
    """While the program runs, Ctrl-C and Ctrl-\\ are for it (the terminal sends them to
    its whole process group, us included): we ignore them, as system(3) does. Not with
    SIG_IGN, which the program would inherit across its fork and exec, but with a handler
    that does nothing, which its exec resets to the default; a signal that was ignored
    when aiotrace started (``nohup``, ``cmd &``) stays ignored, for the program too."""
    return set_handlers((signal.SIGINT, signal.SIGQUIT), _no_op, keep_ignored=True)


def _no_op(signo: int, frame: Any) -> None:
    pass


def _no_restore() -> None:
    pass


async def _forward_signals(s: Session, proc: aiotrace.Process, scope: anyio.CancelScope,
                           attached: list[aiotrace.Process],
                           *, task_status: Any = anyio.TASK_STATUS_IGNORED) -> None:
    """SIGTERM and SIGHUP sent to aiotrace go on to the program (which may die of them:
    aiotrace then dies of the same signal); the processes -p attached are detached, and
    go on: said as strace says it, and aiotrace then dies of the signal once the program
    has ended, whatever the program's status (strace dies of it at once). Started (with
    ``tg.start``) once the signals are caught: before the program is resumed, so that
    none finds aiotrace with their default action."""
    with scope:
        try:
            receiver = anyio.open_signal_receiver(signal.SIGTERM, signal.SIGHUP)
            with receiver as signals:
                task_status.started()
                async for sig in signals:
                    if attached:   # (first: said before what the signal does)
                        s.interrupted = int(sig)
                        for other in attached:
                            await other.detach()
                        _said_detached(s, {other.pid for other in attached})
                        attached = []
                    proc.send_signal(sig)
        except (ValueError, NotImplementedError, RuntimeError):  # not the main thread
            task_status.started()
            await anyio.sleep_forever()


def _said_detached(s: Session, pids: set[int]) -> None:
    """"Process N detached" for each thread of *pids* that was traced, now let go."""
    p = s.printer
    if p is None:
        if not quiet_attach(s):
            s.err.write("".join(f"{prog()}: Process {pid} detached\n" for pid in sorted(pids)))
        return
    tids = sorted(t for t, pid in p.live.items() if pid in pids)
    for tid in tids:
        del p.live[tid]
    if not quiet_attach(s):
        for tid in tids:
            p.message(f"{prog()}: Process {tid} detached\n")
    s.written()


async def attach(s: Session) -> tuple[str, int]:
    o = s.opts
    if o.seccomp:   # both warnings, in strace's order
        s.err.write(f"{prog()}: --seccomp-bpf is not enabled for processes attached with -p\n")
        _warn_seccomp_without_follow(s)
    p = s.printer
    if isinstance(p, SeparatePrinter):
        for pid in o.pids:   # (FILE.PID: before attaching, as strace stops if it cannot)
            try:
                p.open_file(pid)
            except OSError as exc:
                s.err.write(f"{prog()}: Can't fopen '{o.output}.{pid}': {exc.strerror}\n")
                p.finish()
                return "exit", 1
    quiet = quiet_attach(s)
    # -c: no printer follows the tracees; what strace says of them comes from here
    lives: list[tuple[Any, set[int]]] = []   # (stream of Clone and Death, traced tids)
    async with aiotrace.open_tracer() as tracer:
        attached: list[tuple[aiotrace.Process, Any]] = []
        procs: list[aiotrace.Process] = []
        async with anyio.create_task_group() as tg:
            # Ctrl-C (SIGTERM, SIGHUP, SIGQUIT) detaches; watched from before the first
            # attach, so that no signal finds us without a handler.
            watch = anyio.CancelScope()
            await tg.start(detach_on_signal, s, procs, watch,
                           (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT))
            flush_scope = anyio.CancelScope()
            tg.start_soon(s.flusher, flush_scope)
            # The engines (-c, -e inject=) in a group of their own, which ends when the
            # processes are gone or detached: until then Ctrl-C must find the watcher
            # (with -c alone there is no stream to drain, and nothing else waits).
            async with anyio.create_task_group() as engines:
                for pid in o.pids:
                    if s.interrupted:
                        break
                    got = await _attach_one(s, tracer, pid, engines, quiet)
                    if got is None:
                        continue
                    proc, stream, threads = got
                    if p is None and not quiet:
                        kinds = (aiotrace.Clone, aiotrace.Death) if o.follow else (
                            aiotrace.Death,)
                        lives.append((proc.events(*kinds, tids=None if o.follow else {pid}),
                                      set(threads)))
                    attached.append((proc, stream))
                    procs.append(proc)
                    proc.resume()
                if s.interrupted:
                    for proc in procs:
                        await proc.detach()
                async with anyio.create_task_group() as readers:
                    for _, stream in attached:
                        readers.start_soon(s.drain, stream)
                    for life, live in lives:
                        readers.start_soon(_follow_life, s, life, live)
            watch.cancel()
            flush_scope.cancel()
        if s.interrupted and p is not None:
            s.detached()
        elif s.interrupted and lives:   # (-c: no printer, strace still says so)
            tids = sorted(tid for _, live in lives for tid in live)
            s.err.write("".join(f"{prog()}: Process {tid} detached\n" for tid in tids))
        if p is not None:
            p.finish()
            s.flush()
    if not attached:
        return "exit", 1
    s.summary()
    if s.interrupted:
        return "signal", s.interrupted
    return "exit", 0


async def _attach_one(s: Session, tracer: Any, pid: int, engines: Any, quiet: bool
                      ) -> tuple[aiotrace.Process, Any, list[int]] | None:
    """-p PID: attach to the process (held until resumed), its stream and engines, and
    say so; None (said as strace says it) when it cannot be attached."""
    o = s.opts
    p = s.printer
    try:
        proc = await tracer.attach(pid, follow=bool(o.follow))
    except (TraceeGone, AttachDenied) as exc:
        attach_one_error(s, pid, exc)
        return None
    threads = proc.threads if o.follow else [pid]
    if p is not None:
        for tid in threads:
            p.add_thread(tid, pid)
    stream = s.subscribe(proc, None if o.follow else {pid})
    await s.start_engines(engines, proc)
    if not isinstance(p, JsonPrinter) and not quiet:
        more = f" with {len(threads)} threads" if len(threads) > 1 else ""
        s.err.write(f"{prog()}: Process {pid} attached{more}\n")
    return proc, stream, threads


def attach_one_error(s: Session, pid: int, exc: Exception) -> None:
    """Why *pid* could not be attached, said as strace says it (and why, for EPERM)."""
    if isinstance(exc, TraceeGone):
        s.err.write(f"{prog()}: attach: ptrace(PTRACE_SEIZE, {pid}): No such process\n")
    else:
        err = getattr(exc, "errno", None) or _errno.EPERM
        s.err.write(f"{prog()}: attach: ptrace(PTRACE_SEIZE, {pid}): "
                    f"{os.strerror(err)}\n{prog()}: {exc}\n")


def quiet_attach(s: Session) -> bool:
    """Whether "Process N attached" (and detached) goes unsaid (-q, -e quiet=attach)."""
    p = s.printer
    if isinstance(p, (TextPrinter, SeparatePrinter)):
        return p.quiet_attach
    return s.opts.quiet is not None and "attach" in s.opts.quiet


async def _also_attached(s: Session, tracer: Any, engines: Any) -> list[Any]:
    """``-p PID PROG``: the processes -p names, attached once the program is spawned (and
    still held), as strace attaches them; each one's stream drained and its end awaited
    with the program's."""
    quiet = quiet_attach(s)
    found = []
    for pid in s.opts.pids:
        got = await _attach_one(s, tracer, pid, engines, quiet)
        if got is not None:
            found.append(got)
            got[0].resume()
    return found


async def _to_the_end(s: Session, proc: aiotrace.Process, stream: Any) -> None:
    """One attached process (-p PID PROG): its events shown, then its end awaited."""
    await s.drain(stream)
    await proc.wait()


async def _follow_life(s: Session, stream: Any, live: set[int]) -> None:
    """-c: the tracees that come (said, as strace says it) and go (not said), so that
    Ctrl-C's "detached" lines name those traced then."""
    async with stream:
        async for ev in stream:
            if type(ev) is aiotrace.Clone:
                live.add(ev.child_tid)
                s.err.write(f"{prog()}: Process {ev.child_tid} attached\n")
            else:
                live.discard(ev.tid)
