"""The tracer: ``open_tracer()``/``start_tracer()``, and what a ``Tracer`` does (spawn,
attach, close)."""

from __future__ import annotations

import errno as _errno
import os
import signal
import sys
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import IO, TYPE_CHECKING, Any, NamedTuple

import anyio

from .. import _check, _held, _pipes
from .._context import Contexts
from .._exceptions import AttachDenied, SpawnFailed, TraceeGone
from .._util import NoPublicConstructor
from ._backends import current_backend
from ._core_api import BASE_OPTIONS, FOLLOW_OPTIONS, AttachError, Family, SpawnError
from ._hub import Hub, Waiter
from ._options import cpu_set, stdio_fd
from ._process import Process

if TYPE_CHECKING:
    from .._data._record import Recording
    from .._held import Held

FileArg = int | IO[Any] | None


class TracerStatistics(NamedTuple):
    """``stops``: what ``waitpid`` reported for the tracees (their ptrace stops and deaths;
    the tracer's own doorbell is not counted);
    ``events``: events delivered to streams; ``processes``/``threads``: traced now."""

    stops: int
    events: int
    processes: int
    threads: int


class Tracer(metaclass=NoPublicConstructor):
    """A running tracer: one tracer thread and the processes it traces.

    Made by :func:`open_tracer` (or :func:`start_tracer`); it has no public constructor.
    """

    _made_by = ("use `async with aiotrace.open_tracer() as tracer:` (or "
                "`tracer = await aiotrace.start_tracer()`)")

    def __init__(self, hub: Hub) -> None:
        self._hub = hub
        self._core = hub.core
        self._processes: list[Process] = []
        self._contexts = Contexts(self._core.procs)   # (events(context=True), see _context)
        hub.on_finished = self._tracer_finished
        hub.on_new_loop = self._new_loop

    def _tracer_finished(self) -> None:
        for proc in self._processes:
            proc._tracer_finished()

    def _new_loop(self) -> None:
        """The tracer moves to a new event loop (see Hub.rouse)."""
        for proc in self._processes:
            proc._new_loop()

    async def spawn(
        self,
        argv: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        stdin: FileArg = None,
        stdout: FileArg = None,
        stderr: FileArg = None,
        follow: bool = True,
        syscalls: Iterable[str | int] | None = None,
        cpus: Iterable[int] | None = None,
        start_new_session: bool = False,
        executable: str | os.PathLike[str] | None = None,
    ) -> Process:
        """Start *argv* traced, held before its first instruction until ``resume()``.

        *argv* is the program and its arguments (a str alone is a program without
        arguments, as for subprocess); the program is looked up in ``env``'s PATH.
        ``executable`` names the file to run in its place, *argv* then being only the
        arguments the program gets (``argv[0]`` included), as subprocess's ``executable``:
        a name without a slash is looked up in ``env``'s PATH too.

        ``stdin``/``stdout``/``stderr`` take a file descriptor, a file object,
        ``subprocess.DEVNULL``, ``subprocess.PIPE`` or None (inherit); ``stderr`` also takes
        ``subprocess.STDOUT``. With ``PIPE``, ``proc.stdin`` is an anyio byte send stream
        and ``proc.stdout``/``proc.stderr`` byte receive streams (as ``anyio.open_process``
        gives); close them with ``aclose()`` (closing the tracer closes them too).

        ``start_new_session=True`` makes the program call ``setsid()`` before exec (as for
        subprocess): it gets a session and process group of its own, so that signals sent
        to this process's group (a terminal's Ctrl-C, a Jupyter kernel's interrupt) do not
        reach it. With ``follow`` (the default) its
        threads and the children it forks are traced too; with ``follow=False`` only its
        first thread is (as strace without ``-f``): other threads and children run
        untraced, and no ``Clone`` event is reported. Raises :class:`SpawnFailed` if the program
        cannot be executed.

        ``syscalls`` declares, before the program starts, the only syscalls any stream
        will want: a seccomp-bpf filter installed just before exec then stops the
        program at those calls only, and at their exits only when a stream wants them
        (strace's ``--seccomp-bpf``). A stream opened later for other syscalls still
        works: the process then falls back to stopping at every syscall. A prefiltered
        process cannot be detached (its filter would make those calls fail with ENOSYS),
        and ``syscalls`` needs ``follow`` (ValueError otherwise) for the same reason.
        Names are resolved as in ``events()``: the filter stops the named calls of every
        system call ABI (a 32-bit ``open`` too), so none that a stream may want runs
        untraced. A number is an x86-64 one below the table's size (strace's rule for
        ``-e trace=``: 0 to 469, holes included); anything else is a ValueError.

        The program starts with the signals blocked that the calling thread blocks (as
        with subprocess), and the others' dispositions as they are in this process,
        except SIGPIPE and SIGXFSZ, which Python ignores, set back to the default.

        ``cpus`` is the set of CPUs the program may run on (as ``taskset``), set just
        before exec; by default it inherits the tracer thread's, which is the affinity
        of the thread that opened the tracer. The ``aiotrace`` command keeps its own
        threads on one CPU and gives the program back the CPUs it was started with.
        """
        import subprocess   # (on use: start-up time)
        hub = self._hub
        hub.check_open()
        argv = _check.argv(argv)
        env = _check.environment(env)
        cwd_s = _check.path(cwd, "cwd") if cwd is not None else None
        follow = _check.flag(follow, "follow")
        new_session = _check.flag(start_new_session, "start_new_session")
        exe = _check.path(executable, "executable") if executable is not None else None
        cpus_ = cpu_set(cpus)
        seccomp = None if syscalls is None else _check.syscall_set(syscalls, "syscalls")
        if syscalls is not None and not follow:
            raise ValueError(
                "spawn(syscalls=...) needs follow=True: the seccomp filter is inherited by "
                "the children and threads, and their filtered calls would fail with ENOSYS "
                "if they ran untraced")
        devnull = -1
        fds: list[int | None] = []
        pipes = _pipes.Pipes()
        spawned = False
        try:
            for name, f in (("stdin", stdin), ("stdout", stdout), ("stderr", stderr)):
                if f is subprocess.DEVNULL:
                    if devnull < 0:
                        devnull = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
                    fds.append(devnull)
                elif f is None:
                    fds.append(None)
                elif f is subprocess.PIPE:   # an int too (-1): checked before the fds
                    fds.append(pipes.make(len(fds)))
                elif f is subprocess.STDOUT and name == "stderr":   # (-2) as subprocess
                    fds.append(fds[1] if fds[1] is not None else 1)
                else:
                    fds.append(stdio_fd(name, f))
            fam = Family(follow, BASE_OPTIONS | (FOLLOW_OPTIONS if follow else 0))
            fam.seccomp = seccomp
            fam.new_session = new_session
            fam.executable = exe
            fam.sigmask = frozenset(signal.pthread_sigmask(signal.SIG_BLOCK, ()))
            proc = Process._create(hub, fam, 0, self._contexts)
            proc.stdin, proc.stdout, proc.stderr = pipes.stdin, pipes.stdout, pipes.stderr
            waiter = Waiter()
            core = hub.core
            stdio = (fds[0], fds[1], fds[2])

            def done(err: BaseException | None) -> None:
                if isinstance(err, SpawnError):
                    waiter.set(error=SpawnFailed(err.path, err.errno, err.step, cwd_s))
                elif isinstance(err, AttachError):
                    waiter.set(error=AttachDenied(err.pid, err.errno, str(err)))
                else:
                    waiter.set(error=err)

            self._bind(proc)
            core.post(lambda: core.spawn(fam, argv, env, cwd_s, stdio, done, cpus_))
            await hub.wait_reply(waiter)
            spawned = True
        finally:
            if devnull >= 0:
                os.close(devnull)
            if spawned:
                pipes.spawned()
            else:
                pipes.failed()
        assert fam.root is not None
        proc.pid = fam.root.pid
        return proc

    async def attach(self, pid: int, *, follow: bool = True) -> Process:
        """Trace the running process *pid*, held until ``resume()``.

        With ``follow`` (the default) every thread of *pid* is traced, and the threads and
        children they create; with ``follow=False`` only the thread *pid* itself (as
        ``strace -p PID`` without ``-f``).

        A child of this very process (a ``subprocess.Popen``, say) that dies while traced
        is reaped by the tracer thread: the kernel lets a tracer in its parent's thread
        group reap it. ``proc.wait()`` has its status; ``Popen.wait()`` then finds no
        child and returns 0."""
        hub = self._hub
        hub.check_open()
        pid = _check.tid(pid, "attach()")
        follow = _check.flag(follow, "follow")
        if os.path.exists(f"/proc/self/task/{pid}"):
            what = "this Python process" if pid == os.getpid() else "a thread of this process"
            raise AttachDenied(pid, _errno.EPERM, (
                f"pid {pid} is {what}: a process cannot trace itself (the tracer thread "
                "would stop the interpreter that runs it). Trace a child process instead."))
        fam = Family(follow, BASE_OPTIONS | (FOLLOW_OPTIONS if follow else 0))
        proc = Process._create(hub, fam, pid, self._contexts)
        waiter = Waiter()
        core = hub.core

        def done(err: BaseException | None) -> None:
            if isinstance(err, AttachError):
                if err.errno == _errno.ESRCH:
                    waiter.set(error=TraceeGone(pid, f"cannot attach: {err}"))
                else:
                    waiter.set(error=AttachDenied(pid, err.errno, str(err)))
            else:
                waiter.set(error=err)

        self._bind(proc)
        core.post(lambda: core.attach(fam, pid, done))
        await hub.wait_reply(waiter)
        return proc

    def record(self, proc: Process, **options: Any) -> AbstractAsyncContextManager[Recording]:
        """``async with tracer.record(proc) as rec:`` records *proc* (see
        :func:`aiotrace.record` for the options) while the block runs; ``rec.trace`` is
        then its :class:`aiotrace.Trace`. Enter it before ``proc.resume()``."""
        from .._data._record import record_process
        return record_process(proc, **options)

    def _bind(self, proc: Process) -> None:
        fam = proc._fam
        fam.on_death = proc._died
        fam.on_end = proc._ended
        self._processes.append(proc)

    async def aclose(self) -> None:
        """Stop tracing: spawned processes are killed (or detached, if the tracer was
        opened with ``kill_on_close=False``), attached ones detached. Returns once the
        tracer thread has reaped or released every tracee and exited. Raises
        :class:`TracerClosed` if the tracer thread had stopped on an internal error."""
        hub = self._hub
        if hub.dormant:
            hub.rouse()
        if hub.closed:
            await hub.finished.wait()
            hub.close_pipe()
        else:
            hub.close()
            with anyio.CancelScope(shield=True):
                await hub.finished.wait()
            hub.close_pipe()
        for proc in self._processes:
            _pipes.close_ends((proc.stdin, proc.stdout, proc.stderr))
        if hub.core.crash is not None:
            raise hub.end_error()   # (never silent: its streams just ended)

    @property
    def accelerated(self) -> bool:
        """Whether this tracer's thread runs the C loop (aiotrace/_core/_cloop/_accel_*.c), which
        handles the common stops without the GIL; False when it was not built (no C
        compiler at install time) or ``AIOTRACE_ACCEL=0`` was set when the tracer opened:
        the same behaviour, at a higher cost per stop."""
        return self._core.accel is not None

    def statistics(self) -> TracerStatistics:
        """Counters of this tracer (a frozen snapshot)."""
        core = self._core
        stops = core.stops_seen
        return TracerStatistics(stops=stops, events=core.handoff.seq,
                                processes=len(core.procs), threads=len(core.threads))

    def held(self) -> list[Held]:
        """What keeps a traced thread stopped right now, and who: an engine that has not
        given its verdict, a ``hold()`` handle, a full ``overflow="block"`` buffer, the
        spawn hold; ordered by the time of the stop. For debugging a monitor whose program
        does not move (a snapshot: see :class:`aiotrace.Held`)."""
        return _held.held(self)

    @property
    def processes(self) -> list[Process]:
        """Processes spawned or attached by this tracer that are still traced."""
        return [p for p in self._processes if not p._fam.ended]


@asynccontextmanager
async def open_tracer(*, kill_on_close: bool = True) -> AsyncIterator[Tracer]:
    """Start a tracer thread for the duration of the ``async with`` block.

    On exit, spawned processes still running are killed (``kill_on_close=False``:
    detached) and attached ones are detached; nothing is left stopped.
    """
    _check.flag(kill_on_close, "kill_on_close")   # (before the thread starts)
    tracer = await start_tracer(kill_on_close=kill_on_close)
    try:
        yield tracer
    finally:
        with anyio.CancelScope(shield=True):
            await tracer.aclose()


async def start_tracer(*, kill_on_close: bool = True,
                       outlive_loop: bool | None = None) -> Tracer:
    """Start a tracer thread and return it; close it with ``await tracer.aclose()``.

    For notebooks (top-level ``await`` runs each cell as its own task, so an
    ``async with`` cannot span cells) and for objects that own a tracer. Prefer
    :func:`open_tracer` elsewhere.

    When the event loop that started it ends with the tracer still open, the tracer is
    closed (its spawned processes killed), unless ``outlive_loop`` is True: then it
    waits, its processes held at their next event once a stream's buffer is full, until
    it is used again in another event loop of the same library (``trio.run``, or
    ``asyncio.run``), which it then moves to. IPython's ``%autoawait trio`` runs each
    cell in a ``trio.run`` of its own: there the default (None) is True, so that a tracer
    lives across cells as it does on an asyncio kernel; elsewhere it is False.
    """
    kill_on_close = _check.flag(kill_on_close, "kill_on_close")
    outlive = _cells_run_own_loops() if outlive_loop is None else _check.flag(
        outlive_loop, "outlive_loop")
    hub = Hub(current_backend(), kill_on_close)
    hub.outlive = outlive
    try:
        await hub.start()
    except AttachError as err:
        raise AttachDenied(err.pid, err.errno, str(err)) from None
    return Tracer._create(hub)


def _cells_run_own_loops() -> bool:
    """Whether this runs in IPython with ``%autoawait trio`` (each cell a ``trio.run``),
    not in ipykernel's trio loop (``--IPKernelApp.trio_loop=True``: one run for all)."""
    ipython = sys.modules.get("IPython")
    helpers = sys.modules.get("IPython.core.async_helpers")
    if ipython is None or helpers is None:
        return False
    try:
        shell = ipython.get_ipython()
    except Exception:   # (an IPython half imported, or of another shape: not a cell)
        return False
    return (shell is not None and getattr(shell, "trio_runner", None) is None
            and getattr(shell, "loop_runner", None) is getattr(helpers, "_trio_runner", 0))
