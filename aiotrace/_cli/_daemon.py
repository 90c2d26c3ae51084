# SPDX-License-Identifier: GPL-2.0-or-later
"""``-D``, ``-DD``, ``-DDD`` (``--daemonize=grandchild|pgroup|session``): the tracer runs
as a detached grandchild of the command, and the command itself becomes the program, so
that the program keeps the caller's pid and parent (its exit status is the caller's to
see, as if it ran untraced); with -DD the tracer is in a process group of its own (a
``kill`` of the caller's group misses it), with -DDD in a session of its own.

What happens in which process (all before any thread is started: a fork copies only the
thread that calls it):

- the command (P) finds the program (``Can't stat`` otherwise, exit status 1), opens the
  output file (so that a mistake is said before anything starts), lets any tracer in
  (Yama's ptrace_scope 1), and forks C;
- C forks G and exits; P reaps C, so that G's parent is the reaper (init or the
  nearest subreaper), as strace's tracer's is;
- G leaves the process group or the session (-DD, -DDD) and runs the usual ``run``,
  but attaches to P instead of spawning (``adopt``): it seizes P, then writes a byte on
  the *go* pipe; P, which waits for that byte, execs the program. G has P held at the
  exec (an intercepted ``Exec``), where ``run`` goes on as after a spawn: the line of
  the execve, the streams and engines opened, and the program resumed. Nothing of P
  before its exec is shown (strace hides it too) and, with no stream open until then,
  P runs at full speed (``PTRACE_CONT``) from the attach to the exec.
- If G cannot attach (it says why), it exits and P reads end-of-file: P exits with
  status 1, the program not run. If the exec fails, P writes its errno on the close-on-
  exec *failed* pipe (whose end-of-file otherwise means that the exec happened); G says
  so as ``run`` says a failed spawn, then closes *go*, and P exits with status 1.

Without -I, -D makes aiotrace ignore SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM and
SIGTSTP (strace's default for -D: ``never_tstp``): they are the program's. The seccomp
prefilter (--seccomp-bpf) is not used: it is installed by a spawned program before its
exec, and the program is not spawned here (the trace is the same, at a higher cost).
"""

from __future__ import annotations

import errno as _errno
import os
import signal
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

import anyio

import aiotrace

from ._internals import allow_any_tracer
from ._intr import NEVER_TSTP, set_dispositions
from ._progname import prog

_RESET_SIGNALS = (signal.SIGPIPE, signal.SIGXFSZ)   # (ignored by Python: not by a program)


@dataclass
class Daemon:
    """What G keeps of the split: the program's process and the two pipes' ends."""
    pid: int
    go: int        # write end: a byte once P is seized; closed: P gives up
    failed: int    # read end: P's errno if its exec failed; end-of-file once it exec'd


def split(opts: Any, path: str, env: dict[str, str]) -> Daemon | int:
    """In P: fork; return (in G) what G needs, or (in P) the exit status if the program
    could not be run. In P, on success, this never returns: P becomes the program."""
    if opts.interruptible is None:
        opts.interruptible = NEVER_TSTP
    opts.seccomp = False
    go_r, go_w = os.pipe()            # (close-on-exec, as every pipe of Python's)
    failed_r, failed_w = os.pipe()
    allow_any_tracer()
    parent = os.getpid()
    child = os.fork()
    if child == 0:
        try:
            if os.fork() != 0:
                os._exit(0)
            # G, the tracer
            os.close(go_r)
            os.close(failed_w)
            if opts.daemonize == 2:
                os.setpgid(0, 0)
            elif opts.daemonize == 3:
                os.setsid()
            set_dispositions(opts.interruptible)   # (from now: -I says what they do)
            return Daemon(parent, go_w, failed_r)
        except BaseException:
            os._exit(1)
    os.close(go_w)
    os.close(failed_r)
    try:
        os.waitpid(child, 0)
        if not os.read(go_r, 1):
            return 1   # (G said why)
        for sig in _RESET_SIGNALS:
            signal.signal(sig, signal.SIG_DFL)
        try:
            os.execve(path, opts.argv, env)
        except OSError as exc:
            os.write(failed_w, str(exc.errno or _errno.ENOEXEC).encode())
            os.read(go_r, 1)   # (until G has said so)
            return 1
    except KeyboardInterrupt:
        return 130
    raise AssertionError("unreachable")  # pragma: no cover


async def adopt(s: Any, tracer: Any, d: Daemon, path: str
                ) -> tuple[aiotrace.Process, Callable[[], Awaitable[None]]] | None:
    """In G: attach to P, let it exec the program, and return it held at the exec with
    what releases it; None if it could not be attached (said as ``-p`` says it).
    Raises SpawnFailed if the exec failed."""
    from ._run import attach_one_error, quiet_attach

    o = s.opts
    try:
        proc = await tracer.attach(d.pid, follow=bool(o.follow))
    except (aiotrace.TraceeGone, aiotrace.AttachDenied) as exc:
        attach_one_error(s, d.pid, exc)
        return None
    if not quiet_attach(s) and not o.json:
        s.err.write(f"{prog()}: Process {d.pid} attached\n")
    execs = proc.events(aiotrace.Exec, intercept=True, tids={d.pid})
    proc.resume()
    os.write(d.go, b"g")
    await anyio.wait_readable(d.failed)
    err = os.read(d.failed, 16)
    os.close(d.failed)
    if err:
        await execs.aclose()
        raise aiotrace.SpawnFailed(path, int(err), "exec", None)
    try:
        ev: Any = await execs.receive()
    except anyio.EndOfStream:   # (killed before its exec: its end is said as usual)
        ev = None

    async def release() -> None:
        if ev is not None:
            ev.resume()
        await execs.aclose()
    return proc, release
