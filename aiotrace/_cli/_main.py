# SPDX-License-Identifier: GPL-2.0-or-later
"""The ``aiotrace`` command: strace's options and output, on aiotrace's public API.

    aiotrace run [OPTIONS] [--] PROG [ARGS...]
    aiotrace attach [OPTIONS] PID...        (or: aiotrace [OPTIONS] -p PID)

See docs/cli.md, and this package's ``__init__`` for where each part lives. ``main``
reads the options, opens the output, pins aiotrace's threads (``--tracer-cpu``), runs
the session, and makes aiotrace exit the way the program did.
"""

from __future__ import annotations

import gc
import os
import resource
import signal
import sys
from typing import Any, Awaitable, Callable

import anyio

import aiotrace

from ._args import USAGE, Options, UsageError, c_uint, parse_args
from ._run import attach, run
from ._init import stay_init_if_first
from ._internals import current_cpu
from ._pipe import close_pipe, is_pipe, open_pipe
from ._progname import invoked_as, prog
from ._session import Out, Session


def _open_output(opts: Options) -> tuple[int, Any]:
    """The descriptor the trace goes to, and the command it is piped to (-o '|CMD')."""
    if opts.output is None or (opts.follow >= 2 and not opts.json):
        return 2, None   # (-ff -o FILE writes FILE.PID files, see SeparatePrinter)
    if is_pipe(opts.output):
        return open_pipe(opts.output[1:])
    flags = os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC | (os.O_APPEND if opts.append else os.O_TRUNC)
    return os.open(opts.output, flags, 0o666), None


def _die_of(sig: int, tty: Any) -> int:
    """Die of *sig*, as the program did (strace does the same): no core file of our own;
    the terminal as it was when aiotrace started (the program may have left it raw)."""
    if tty is not None:
        import termios
        fd, attrs = tty
        try:
            termios.tcsetattr(fd, termios.TCSANOW, attrs)
        except (OSError, termios.error):
            pass
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        pass
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {sig})
    except (ValueError, OSError):
        pass
    os.kill(os.getpid(), sig)
    return 128 + sig   # the signal was not fatal after all


def _tracer_cpu(choice: str, allowed: set[int]) -> int | None:
    """The CPU for aiotrace's own threads (--tracer-cpu), or None to leave them free."""
    if choice == "any":
        return None
    if choice == "auto":
        if len(allowed) < 2:
            return None
        cpu = current_cpu()
        return cpu if cpu in allowed else min(allowed)
    number = c_uint(choice)   # (a number: checked by parse_args)
    if number not in allowed:
        cpus = ",".join(map(str, sorted(allowed)))
        raise UsageError(f"--tracer-cpu={number}: aiotrace may not run on CPU {number} (it "
                         f"may use {cpus}; or give auto or any)")
    return number


def _tty_state() -> Any:
    """The terminal on stdin and its settings, for _die_of: a descriptor of its own
    (close-on-exec), as stdin itself is let go once the program runs (_pipe)."""
    import termios
    try:
        if os.isatty(0):
            attrs = termios.tcgetattr(0)
            return os.dup(0), attrs
    except (OSError, termios.error):
        pass
    return None


def _aiotrace_error(exc: BaseException) -> BaseException | None:
    """The AiotraceError (cannot trace, cannot spawn...) behind *exc*, if any."""
    if isinstance(exc, aiotrace.AiotraceError):
        return exc
    for sub in getattr(exc, "exceptions", ()):
        found = _aiotrace_error(sub)
        if found is not None:
            return found
    return None


def _hold_standard_fds() -> None:
    """A closed stdin, stdout or stderr is opened on /dev/null, close-on-exec: otherwise
    the tracer's own pipes and its event loop's epoll would get those numbers, and the
    trace, written to 2, would go into one of them. (Close-on-exec: the program still
    finds it closed, as it would untraced.)"""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
            if null != fd:
                os.dup2(null, fd, inheritable=False)
                os.close(null)



def _features() -> list[str]:
    """The optional parts in use, as strace -V lists its own: the C tracer loop when it is
    built and not turned off (AIOTRACE_ACCEL=0)."""
    from aiotrace._core._cloop import _binding

    features = []
    if _binding.load() is not None:
        features.append("c-tracer-loop")
    elif _binding.available():
        features.append("c-tracer-loop=off")
    return features


async def _begin(how: Callable[[Session], Awaitable[tuple[str, int]]], session: Session,
                 paused: bool) -> tuple[str, int]:
    """The run (``run`` or ``attach``), once the collector paused by main() is started
    again, with what was imported until now frozen out of its sight."""
    if paused:
        gc.freeze()
        gc.enable()
    return await how(session)


def command() -> None:
    """The console script and ``python -m aiotrace``: :func:`main`, then the exit without
    the interpreter's teardown, which frees every module, class and table one by one for
    a process that is about to end (about 10 ms of a traced ``true``, issue 24). What the
    teardown does that shows is done first: the ``atexit`` functions, then standard
    output and error flushed. Where something is left that the teardown would wait for
    (a thread that is not a daemon), or a flush fails (its message and status are
    Python's), the exit is the usual one."""
    status = main()
    import atexit
    import threading
    atexit._run_exitfuncs()
    if any(t.is_alive() and not t.daemon and t is not threading.main_thread()
           for t in threading.enumerate()):
        sys.exit(status)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:   # noqa: BLE001 - (as the usual exit reports it)
        sys.exit(status)
    os._exit(status)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``aiotrace`` command; returns the exit status."""
    _hold_standard_fds()
    if argv is None:
        invoked_as(sys.argv[0])   # (messages begin with it, as strace's: _progname)
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["record"] or args[:1] == ["report"]:
        from .._data._command import main as data_main   # recordings: aiotrace[data]
        return data_main(args)
    err = Out(2)
    try:
        opts = parse_args(args)
    except UsageError as exc:
        err.write(f"{prog()}: {exc}\n")
        if exc.hint:
            err.write(f"Try '{prog()} -h' for more information.\n")
        return 1
    if opts.help:
        sys.stdout.write(USAGE)
        sys.stdout.flush()
        return 0
    if opts.version:
        sys.stdout.write(f"{prog()} -- version {aiotrace.__version__}\n\n"
                         f"Optional features enabled: {' '.join(_features()) or '(none)'}\n")
        sys.stdout.flush()
        return 0
    status = stay_init_if_first()   # (as pid 1 of a namespace: see _init)
    if status is not None:
        return status
    allowed = os.sched_getaffinity(0)
    try:
        cpu = _tracer_cpu(opts.tracer_cpu, allowed)
    except UsageError as exc:
        err.write(f"{prog()}: {exc}\n")
        return 1
    daemon = None
    try:
        # (-D: a pipe's command is started by the tracer, whose child it must be)
        fd, command = (2, None) if opts.daemonize and is_pipe(opts.output) else (
            _open_output(opts))
        if opts.daemonize:   # here, before any thread is started: see _daemon
            from ._daemon import split
            from ._run import cannot_stat, program
            path, env = program(opts)
            if cannot_stat(err, opts.argv[0], path):
                return 1
            assert path is not None
            daemon = split(opts, path, env)
            if isinstance(daemon, int):
                return daemon   # (the program's process: it could not be run)
            if is_pipe(opts.output):
                fd, command = _open_output(opts)
    except OSError as exc:
        err.write(f"{prog()}: Can't fopen '{opts.output}': {exc.strerror}\n")
        return 1
    out = err if fd == 2 else Out(fd, opts.output, err)
    tty = _tty_state()
    session = Session(opts, out, err)
    session.release_std = argv is None   # (as the command: see _pipe.release_standard_fds)
    session.lower_loop = argv is None
    session.daemon = daemon
    if cpu is not None:
        # This thread (and the tracer thread it starts, which inherits the mask) on one
        # CPU: the two hand every stop to each other and never run Python at once (the
        # GIL), so apart they only add cross-CPU wake-ups. The program gets back the CPUs
        # aiotrace was given. See docs/performance.md.
        os.sched_setaffinity(0, {cpu})
        session.program_cpus = frozenset(allowed)
    # What the imports made lives as long as the command: out of the collector's sight,
    # its full collections during the run no longer walk it (about 10% of the CPU time
    # of a short run such as `aiotrace run -- true`; issue 24). The collector is paused
    # until then, while the event loop's modules are imported (as the command's own
    # were: see __init__), and frozen and started again as the run begins (_begin).
    # Only as the command (no argv given): a program that calls main(argv) keeps its
    # collector as it was.
    paused = argv is None and gc.isenabled()
    if paused:
        gc.disable()
    try:
        how, value = anyio.run(_begin, run if opts.mode == "run" else attach, session, paused)
    except KeyboardInterrupt:
        return 130
    except BaseException as exc:   # aiotrace's own errors, maybe inside an ExceptionGroup
        found = _aiotrace_error(exc)
        if found is None:
            raise
        err.write(f"{prog()}: {found}\n")
        return 1
    finally:
        if paused:
            gc.enable()   # (already, unless the run never began)
        if command is not None:
            close_pipe(fd, command)
        elif fd != 2:
            os.close(fd)
        if cpu is not None:
            os.sched_setaffinity(0, allowed)   # (main() may be called from Python)
    if how == "signal":
        return _die_of(value, tty)
    return value
