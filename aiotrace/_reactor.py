"""The loop side of the reactor: the only module that imports anyio.

The tracer thread (``_core._tracer.Core``) queues callables in ``core.outbox`` and calls
``notify()`` once per batch; ``notify`` writes one byte on a pipe. On the loop thread, a
reader callback (asyncio) or a system task waiting with ``anyio.wait_readable`` (trio)
runs the callables: they wake the streams, ``wait()`` and commands that wait. Everything
else goes through anyio; the few places that know which event loop runs say so.
"""

from __future__ import annotations

import errno as _errno
import functools
import os
import signal as _signal
import subprocess
import sys
import warnings
import weakref
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import IO, Any, Awaitable, Callable, NamedTuple, Union

import anyio
import anyio.abc
import anyio.lowlevel
import sniffio

from ._core import _ffi
from ._core._events import SyscallEntry, SyscallExit, TraceEvent
from ._core._model import END, Family, Hold, Subscription
from ._core._spawn import AttachError, SpawnError
from ._core._tracer import BASE_OPTIONS, FOLLOW_OPTIONS, Core
from ._core._verdict import STEP, DeliverSignal, Rewrite, SetReturn, Skip, Verdict
from . import _check
from ._exceptions import (
    AttachDenied, NotDetachable, SpawnFailed, StreamClosedByLoop, TraceeGone, TracerClosed,
    VerdictAlreadyGiven,
)

FileArg = Union[int, IO[Any], None]

_checkpoint = anyio.lowlevel.checkpoint


# Events an EventStream hands out in a row without letting the event loop run (made during
# a verdict's yield, or converted in __anext__): then one checkpoint, so that an engine on
# a busy tracee does not keep the application's other tasks waiting (32 intercepted stops
# on one CPU: about half a millisecond, for 0.1 us per event).
_MAX_UNYIELDED = 32


class _Waiter:
    """A one-shot result set from the loop thread."""

    __slots__ = ("event", "value", "error")

    def __init__(self) -> None:
        self.event = anyio.Event()
        self.value: Any = None
        self.error: BaseException | None = None

    def set(self, value: Any = None, error: BaseException | None = None) -> None:
        self.value = value
        self.error = error
        self.event.set()

    async def wait(self) -> Any:
        await self.event.wait()
        if self.error is not None:
            raise self.error
        return self.value


class _Park:
    """Where a stream's consumer task waits for the pump's next batch: the event loop's own
    primitive (an asyncio future, trio's task rescheduling), as anyio.Event costs a few
    microseconds more per intercepted stop in its wrapping layers. Made, waited for and
    woken on the loop thread only."""

    __slots__ = ("fut", "task", "woken")

    def __init__(self, loop: Any) -> None:
        self.woken = False
        if loop is not None:                       # asyncio
            self.fut = loop.create_future()
            self.task = None
        else:                                      # trio
            self.fut = None
            self.task = _trio().lowlevel.current_task()

    def wake(self) -> None:
        if self.woken:
            return
        self.woken = True
        fut = self.fut
        if fut is not None:
            if not fut.done():
                fut.set_result(None)
        elif self.task is not None:
            task, self.task = self.task, None
            _trio().lowlevel.reschedule(task)

    async def wait(self) -> None:
        if self.fut is not None:
            await self.fut
            return
        if self.woken:
            await _checkpoint()
            return
        trio = _trio()

        def abort(_: Any) -> Any:
            self.task = None
            self.woken = True
            return trio.lowlevel.Abort.SUCCEEDED

        await trio.lowlevel.wait_task_rescheduled(abort)


def _trio() -> Any:
    global _trio_module
    if _trio_module is None:
        import trio

        _trio_module = trio
    return _trio_module


_trio_module: Any = None


class TracerStatistics(NamedTuple):
    """``stops``: what ``waitpid`` reported for the tracees (their ptrace stops and deaths;
    the tracer's own doorbell is not counted);
    ``events``: events delivered to streams; ``processes``/``threads``: traced now."""

    stops: int
    events: int
    processes: int
    threads: int


class Tracer:
    """A running tracer: one tracer thread and the processes it traces.

    Made by :func:`open_tracer`; it has no public constructor.
    """

    def __init__(self, *, kill_on_close: bool = True) -> None:
        self._kill_on_close = kill_on_close
        self._rfd, self._wfd = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self._notified = False
        self._core = Core(self._notify, _Ctl, self._wfd)
        self._core.handoff.looked = self._looked
        # events were made during a verdict's yield (see _looked): the next __anext__
        # that finds them skips its checkpoint, as one that makes them itself does
        self._fresh = False
        self._unyielded = 0   # events handed out in a row without a pass of the event loop
        self._closed = False
        self._finished = anyio.Event()
        self._finished_flag = False   # (the same, for the pump's loops)
        self._started = anyio.Event()
        self._aio_loop: Any = None   # the asyncio loop, None on trio (see _Park)
        # the loop's own checkpoint, without anyio's dispatch to its backend (0.9 us of
        # 3.4 on asyncio): asyncio.sleep(0), or trio's checkpoint (see EventStream.__anext__)
        self._yield: Callable[[], Awaitable[None]] = _checkpoint
        self._processes: list[Process] = []
        # replies awaited from the tracer thread (spawn, attach, detach): if the thread ends
        # first, they get an error instead (see _wait_reply)
        self._waiters: set[_Waiter] = set()
        # streams with a pipe of their own (trio); weak: a stream nobody holds is closed by
        # its finalizer (see EventStream.__del__)
        self._piped: weakref.WeakSet[EventStream] = weakref.WeakSet()
        self._trio_token: Any = None   # (trio: to run a finalizer's work, see _soon)
        # the pump was cancelled (its event loop ends) and closed the tracer itself: nobody
        # will call aclose() on this loop again, so the pump closes the pipe (see _pump)
        self._abandoned = False

    # -- tracer thread -> loop ------------------------------------------------------------

    def _notify(self) -> None:  # tracer thread
        ac = self._core.accel
        if ac is not None:
            ac.lib.notify(ac.ptr)   # (one flag with the C loop's records: one byte for both)
        elif not self._notified:
            self._notified = True
            _ffi.write_byte(self._wfd)   # see _ffi: the GIL is released first

    def _run_outbox(self, read: bool = True) -> int:
        """Run what the tracer thread queued for the loop (the byte first, so that nothing
        queued after this look goes without a wake-up); how many of the C loop's records
        it turned into events. *read* False: no byte was written (see _looked)."""
        if read:
            try:
                os.read(self._rfd, 4096)
            except BlockingIOError:
                pass
        self._notified = False
        core = self._core
        n = core.convert_on_loop() if core.accel is not None else 0   # (see Core.convert)
        outbox = core.handoff.outbox
        while outbox:
            outbox.popleft()()
        if self._core.finished and not outbox and not self._finished_flag:
            if self._aio_loop is not None:
                self._aio_loop.remove_reader(self._rfd)   # before anyone closes it
            self._closed = True
            for proc in self._processes:
                proc._tracer_finished()
            for stream in list(self._piped):
                stream._close_pipe()   # the tracer thread has written its last byte
            for w in list(self._waiters):
                w.set(error=self._end_error())   # (its command will never run)
            self._finished_flag = True
            self._finished.set()
        return n

    def _soon(self, fn: Callable[[], Any]) -> None:
        """Run *fn* on the loop thread at the event loop's next pass, outside any code of
        aiotrace. For finalizers: they run wherever the last reference to their object
        goes, which for the garbage collector is any thread (the tracer thread too) at
        any allocation, in the middle of a verdict or of a batch. Nothing if the event
        loop is gone (then the pump closed the tracer)."""
        try:
            if self._aio_loop is not None:
                self._aio_loop.call_soon_threadsafe(fn)
            elif self._trio_token is not None:
                self._trio_token.run_sync_soon(fn)
        except RuntimeError:   # (a closed asyncio loop; trio.RunFinishedError)
            pass

    def _looked(self) -> None:
        """Loop thread, in a verdict (Core.release_c): the records and replies that came
        while the loop yielded, perhaps without their byte. (A byte that did come stays
        for the pipe's reader, which then finds nothing.)"""
        if self._run_outbox(read=False):
            self._fresh = True

    async def _pump(self) -> None:
        """The loop side of the hand-off, for the tracer's whole life (a system task)."""
        loop = self._aio_loop
        if loop is None:
            await self._pump_task()
            return
        # asyncio: a reader callback runs each batch at once, without a task step or the
        # add/remove of a reader per wake-up that wait_readable costs; this task only
        # waits for the end.
        loop.add_reader(self._rfd, self._run_outbox)
        try:
            await self._until_finished(self._finished.wait)
        finally:
            loop.remove_reader(self._rfd)
            if self._abandoned:
                self._close_pipe()

    async def _pump_task(self) -> None:
        # trio (the other backend anyio has): its own wait, without anyio's dispatch
        wait_readable = _trio().lowlevel.wait_readable
        rfd, run = self._rfd, self._run_outbox

        async def batches() -> None:   # (one coroutine for all of them: see _until_finished)
            while not self._finished_flag:
                try:
                    await wait_readable(rfd)
                except _trio().ClosedResourceError:
                    return   # (the end was seen elsewhere, and the pipe closed: _close_pipe)
                run()

        try:
            await self._until_finished(batches)
        finally:
            if self._abandoned:
                self._close_pipe()

    async def _until_finished(self, step: Callable[[], Any]) -> None:
        """Run *step* (again) until the tracer thread has finished. If this task is cancelled
        (the event loop is shutting down: asyncio.run cancels every task, e.g. after an
        exception escaped a signal handler), close the tracer so that nothing is left
        stopped, go on until it has finished, then re-raise."""
        cancelled: BaseException | None = None
        while not self._finished_flag:
            try:
                if cancelled is None:
                    await step()
                else:
                    with anyio.CancelScope(shield=True):
                        await step()
            except anyio.get_cancelled_exc_class() as exc:
                if cancelled is None:
                    cancelled = exc
                    self._abandoned = True
                    self._closed = True
                    core = self._core
                    core.post(functools.partial(core.close, self._kill_on_close))
        if cancelled is not None:
            raise cancelled

    # -- public ---------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._closed:
            if self._core.crash is not None:
                raise self._end_error()
            raise TracerClosed("this tracer is closed; open a new one with aiotrace.open_tracer()")

    def _end_error(self) -> TracerClosed:
        """What a caller waiting for the tracer thread gets once the thread has ended."""
        crash = self._core.crash
        if crash is None:
            return TracerClosed("the tracer was closed before it could do this; open a new "
                                "one with aiotrace.open_tracer()")
        err = TracerClosed(
            f"the tracer thread stopped on an internal error ({type(crash).__name__}: "
            f"{crash}): a bug in aiotrace, please report it with this traceback. Its "
            "tracees were killed or released; open a new tracer with aiotrace.open_tracer()")
        err.__cause__ = crash
        return err

    async def _wait_reply(self, waiter: _Waiter) -> Any:
        """Wait for the reply to a command posted to the tracer thread, shielded from
        cancellation (the command runs anyway: what it made must be known). If the thread
        ends before it replies (closed, or an internal error), raise TracerClosed."""
        if self._finished_flag:
            raise self._end_error()
        self._waiters.add(waiter)
        try:
            with anyio.CancelScope(shield=True):
                return await waiter.wait()
        finally:
            self._waiters.discard(waiter)

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
    ) -> Process:
        """Start *argv* traced, held before its first instruction until ``resume()``.

        *argv* is the program and its arguments (a str alone is a program without
        arguments, as for subprocess); the program is looked up in ``env``'s PATH.

        ``stdin``/``stdout``/``stderr`` take a file descriptor, a file object,
        ``subprocess.DEVNULL`` or None (inherit); ``stderr`` also takes
        ``subprocess.STDOUT``. With ``follow`` (the default) its
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

        ``cpus`` is the set of CPUs the program may run on (as ``taskset``), set just
        before exec; by default it inherits the tracer thread's, which is the affinity
        of the thread that opened the tracer. The ``aiotrace`` command keeps its own
        threads on one CPU and gives the program back the CPUs it was started with.
        """
        self._check_open()
        argv = _check.argv(argv)
        env = _check.environment(env)
        cwd_s = _check.path(cwd, "cwd") if cwd is not None else None
        follow = _check.flag(follow, "follow")
        cpu_set = _cpu_set(cpus)
        seccomp = None if syscalls is None else _check.syscall_set(syscalls, "syscalls")
        if syscalls is not None and not follow:
            raise ValueError(
                "spawn(syscalls=...) needs follow=True: the seccomp filter is inherited by "
                "the children and threads, and their filtered calls would fail with ENOSYS "
                "if they ran untraced")
        devnull = -1
        fds: list[int | None] = []
        try:
            for name, f in (("stdin", stdin), ("stdout", stdout), ("stderr", stderr)):
                if f is subprocess.DEVNULL:
                    if devnull < 0:
                        devnull = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
                    fds.append(devnull)
                elif f is None:
                    fds.append(None)
                elif f is subprocess.PIPE:   # an int too (-1): checked before the fds
                    raise ValueError("subprocess.PIPE is not supported yet: pass a file or fd")
                elif f is subprocess.STDOUT and name == "stderr":   # (-2) as subprocess
                    fds.append(fds[1] if fds[1] is not None else 1)
                else:
                    fds.append(_stdio_fd(name, f))
            fam = Family(follow, BASE_OPTIONS | (FOLLOW_OPTIONS if follow else 0))
            fam.seccomp = seccomp
            proc = Process(self, fam, 0)
            waiter = _Waiter()
            core = self._core
            stdio = (fds[0], fds[1], fds[2])

            def done(err: BaseException | None) -> None:
                if isinstance(err, SpawnError):
                    waiter.set(error=SpawnFailed(err.path, err.errno, err.step, cwd_s))
                elif isinstance(err, AttachError):
                    waiter.set(error=AttachDenied(err.pid, err.errno, str(err)))
                else:
                    waiter.set(error=err)

            self._bind(proc)
            core.post(lambda: core.spawn(fam, argv, env, cwd_s, stdio, done, cpu_set))
            await self._wait_reply(waiter)
        finally:
            if devnull >= 0:
                os.close(devnull)
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
        self._check_open()
        pid = _check.tid(pid, "attach()")
        follow = _check.flag(follow, "follow")
        if os.path.exists(f"/proc/self/task/{pid}"):
            what = "this Python process" if pid == os.getpid() else "a thread of this process"
            raise AttachDenied(pid, _errno.EPERM, (
                f"pid {pid} is {what}: a process cannot trace itself (the tracer thread "
                "would stop the interpreter that runs it). Trace a child process instead."))
        fam = Family(follow, BASE_OPTIONS | (FOLLOW_OPTIONS if follow else 0))
        proc = Process(self, fam, pid)
        waiter = _Waiter()
        core = self._core

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
        await self._wait_reply(waiter)
        return proc

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
        if self._closed:
            await self._finished.wait()
            self._close_pipe()
        else:
            self._closed = True
            core = self._core
            core.post(functools.partial(core.close, self._kill_on_close))
            with anyio.CancelScope(shield=True):
                await self._finished.wait()
            self._close_pipe()
        if self._core.crash is not None:
            raise self._end_error()   # (never silent: its streams just ended)

    def _close_pipe(self) -> None:
        """Once the tracer thread has finished: join it (its last byte may still be on its
        way to the pipe) and close the pipe, once (aclose() and an abandoned pump both may)."""
        if self._rfd < 0:
            return
        core = self._core
        if core.thread is not None:
            core.thread.join()
        if self._aio_loop is None:
            # trio: the end may have been seen outside the pump (in a verdict, or in an
            # __anext__ that converted), with the pump still in wait_readable on the pipe;
            # trio must drop that registration before the descriptor is closed and given
            # to another pipe (another tracer's pump would get BusyResourceError)
            try:
                _trio().lowlevel.notify_closing(self._rfd)
            except RuntimeError:
                pass   # (not in trio's run: nothing registered)
        core.close_fds()
        os.close(self._rfd)
        os.close(self._wfd)
        self._rfd = self._wfd = -1

    @property
    def accelerated(self) -> bool:
        """Whether this tracer's thread runs the C loop (aiotrace/_core/_cloop/_accel.c), which
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


async def start_tracer(*, kill_on_close: bool = True) -> Tracer:
    """Start a tracer thread and return it; close it with ``await tracer.aclose()``.

    For notebooks (top-level ``await`` runs each cell as its own task, so an
    ``async with`` cannot span cells) and for objects that own a tracer. Prefer
    :func:`open_tracer` elsewhere.
    """
    tracer = Tracer(kill_on_close=_check.flag(kill_on_close, "kill_on_close"))
    core = tracer._core
    if sniffio.current_async_library() == "asyncio":
        import asyncio

        tracer._aio_loop = asyncio.get_running_loop()
        tracer._yield = functools.partial(asyncio.sleep, 0)
    else:
        tracer._yield = _trio().lowlevel.checkpoint
        tracer._trio_token = _trio().lowlevel.current_trio_token()
    _spawn_system_task(tracer._pump)
    # The thread's first wake-up of the loop (once it runs, or with start_error set) runs
    # what is queued now.
    core.reply(tracer._started.set)
    core.start()
    with anyio.CancelScope(shield=True):
        await tracer._started.wait()
    if core.start_error is not None:
        err = core.start_error
        core.thread.join()  # type: ignore[union-attr]
        tracer._closed = True
        core.finished = True
        tracer._notify()
        await tracer._finished.wait()
        tracer._close_pipe()
        if isinstance(err, AttachError):
            raise AttachDenied(err.pid, err.errno, str(err)) from None
        raise err
    return tracer


def _spawn_system_task(fn: Callable[[], Any]) -> None:
    """Run the hand-off task for the tracer's whole life, outside any caller's task group
    or cancel scope (the one place that knows which event loop runs)."""
    if sniffio.current_async_library() == "trio":
        import trio

        trio.lowlevel.spawn_system_task(fn, name="aiotrace-pump")
    else:
        import asyncio

        task = asyncio.get_running_loop().create_task(fn(), name="aiotrace-pump")
        _PUMPS.add(task)           # keep a reference: asyncio only keeps weak ones
        task.add_done_callback(_PUMPS.discard)


_PUMPS: set[Any] = set()


# ---------------------------------------------------------------------------------------


class Process:
    """A traced process (spawned or attached) and the children it is followed into.

    Made by :meth:`Tracer.spawn` and :meth:`Tracer.attach`.
    """

    def __init__(self, tracer: Tracer, fam: Family, pid: int) -> None:
        self._tracer = tracer
        self._fam = fam
        self.pid = pid
        self.returncode: int | None = None
        self._dead = anyio.Event()
        self._gone = anyio.Event()
        # its open streams (weak: a stream nobody holds is closed), told of the end if the
        # tracer thread finishes first
        self._streams: weakref.WeakSet[EventStream] = weakref.WeakSet()

    def __repr__(self) -> str:
        state = "running" if self.returncode is None else f"returncode={self.returncode}"
        return f"<aiotrace.Process pid={self.pid} {state}>"

    # callbacks from the tracer thread, run on the loop
    def _died(self, rc: int) -> None:
        self.returncode = rc
        self._dead.set()

    def _ended(self) -> None:
        self._gone.set()
        if self._fam.root is not None and self._fam.root.status is None:
            # detached: no status will come, unless the root is our own child
            if not self._fam.root.spawned:
                self._dead.set()

    def _tracer_finished(self) -> None:
        # the tracer thread is gone (closed, or crashed): nothing more will come
        for stream in list(self._streams):
            sub = stream._sub
            sub.buffer.append(END)
            sub.wake()
        self._dead.set()
        self._gone.set()

    @property
    def threads(self) -> list[int]:
        """Thread ids of this process that are traced now."""
        root = self._fam.root
        return sorted(list(root.threads)) if root is not None else []

    @property
    def pids(self) -> list[int]:
        """Every traced process of this family (this one and followed children)."""
        return sorted(p for p, pr in list(self._fam.procs.items()) if pr.status is None)

    def events(
        self,
        *types: type[TraceEvent],
        syscalls: Iterable[str | int] | None = None,
        tids: Iterable[int] | None = None,
        intercept: bool = False,
        buffer: int = 256,
        overflow: str = "block",
        capture: Callable[[TraceEvent, Any], Any] | None = None,
        capture_after_resume: Mapping[type[TraceEvent], Iterable[str | int]] | None = None,
        capture_reads_nothing: Mapping[type[TraceEvent], Iterable[str | int]] | None = None,
        prefetch: Mapping[type[TraceEvent], Mapping[str | int, Iterable[tuple[Any, ...]]]]
        | None = None,
    ) -> EventStream:
        """Subscribe now to events of this process (and its followed children).

        *types* are event classes (all when none are given); *syscalls* names or numbers
        filter syscall events: a name is its call in every system call ABI that has it
        (``"open"`` also matches the i386 ``open`` of a 32-bit program or of ``int $0x80``,
        and x32's), ``"open@64"``, ``"open@32"``, ``"open@x32"`` one ABI's, and an int an
        x86-64 number below the table's size (0 to 469, as strace's ``-e trace=``; see
        docs/engines.md); an empty set: no syscall event; *tids* filters threads. The
        buffer holds *buffer* events;
        when it is full the traced thread waits for the consumer (``overflow="block"``,
        lossless: a stream kept but never read stops the program) or the event is
        counted in ``dropped`` (``overflow="drop"``). A stream nobody holds any more is
        closed.
        With ``intercept=True`` each event arrives with its thread stopped, until a verdict.

        ``capture(event, memory)``, for observers, runs on the tracer thread while the
        thread is still stopped; what it returns is the event's ``captured`` field (an
        exception it raises is stored there instead). Use it to read strings or structs
        that the tracee may change once it runs on (``memory.read(addr, n)``,
        ``memory.read_string(addr, limit)``); keep it short: the tracee waits for it.
        ``Death`` events go through it too, after the thread is reaped: *memory* is then
        None (nothing is left to read, and no ptrace request may be made for that tid).

        ``capture_after_resume={SyscallEntry: syscalls, SyscallExit: syscalls}`` lets
        *capture* run after the thread was resumed, for those stops only, so that the
        tracee does not wait for it: for captures that read nothing the thread can change
        before its next stop. At a syscall's entry, when this stream also takes the
        call's exit, that is any argument the kernel only reads (the thread is in the
        call until its exit stop); at an exit, nothing read from memory at all. The
        capture then runs before the thread leaves its next stop (the thread waits there
        for it if need be), on the tracer thread or on the event loop's.

        ``capture_reads_nothing={SyscallEntry: syscalls, SyscallExit: syscalls}``: the
        stops where *capture* reads nothing of the tracee at all (it formats the
        arguments, say): it may run at any time after the stop, and the thread never
        waits for it.

        ``prefetch={SyscallExit: {"newfstatat": [(2, 72)], "read": [(1, "retval", 32)]}}``
        names, per syscall stop, all the memory *capture* reads there: at most two copies,
        each of them ``(arg, n)`` (n bytes at the address in argument *arg*),
        ``(arg, "retval", n)`` (as many bytes as the call returned, at an exit),
        ``(arg, "string", n)`` (a NUL-terminated string) or ``(arg, "arg", j, n)`` (as
        many bytes as argument *j* says); n is the most bytes a copy takes (65 536 at
        most; without it, 65 536, or 4 097 for a string). The tracer thread copies them at
        the stop (at an exit, only when the call succeeded), the thread goes on at once,
        and *capture* runs later with a *memory* whose reads of those ranges return the
        copies (others read the thread's memory as it is then). Where the copies cannot
        be made (the Python loop, or no room left for them), *capture* runs at the stop
        instead.
        """
        if overflow not in ("block", "drop"):
            raise ValueError(f"overflow must be 'block' or 'drop', not {_check.show(overflow)}")
        buffer = _check.integer(buffer, "buffer", 1, (1 << 31) - 1,
                                "the number of events the stream may hold, from 1 to 2**31-1")
        intercept = _check.flag(intercept, "intercept")
        for t in types:
            if not (isinstance(t, type) and issubclass(t, TraceEvent)):
                raise TypeError(f"events() takes event classes such as aiotrace.SyscallExit, not {t!r}")
        nrs = None if syscalls is None else _syscall_set(syscalls)
        tid_set = None if tids is None else _check.tid_set(tids, "tids")
        if capture is not None and not callable(capture):
            raise TypeError(f"capture takes a function fn(event, memory), not "
                            f"{_check.show(capture)}")
        fam = self._fam
        sub = Subscription(
            frozenset(types) if types else None,
            nrs,
            tid_set,
            intercept,
            buffer,
            overflow == "drop",
        )
        sub.family = fam
        if capture is not None:
            if intercept:
                raise ValueError("capture= is for observers: an intercepting engine reads "
                                 "memory itself while it holds the thread")
            sub.capture = capture
        if capture_after_resume is not None:
            sub.late = _late_sets(capture, capture_after_resume, "capture_after_resume")
        if prefetch is not None:
            if capture is None:
                raise ValueError("prefetch= goes with a capture= function")
            sub.prefetch = _prefetch_sets(prefetch)
        if capture_reads_nothing is not None:
            sub.free = _late_sets(capture, capture_reads_nothing, "capture_reads_nothing")
            sub.late = {cls: sub.late.get(cls, frozenset()) | sub.free.get(cls, frozenset())
                        for cls in (SyscallEntry, SyscallExit)}
        stream = EventStream(self._tracer, sub)
        if fam.ended or self._tracer._finished_flag:
            sub.buffer.append(END)   # (nothing more will come)
            return stream
        self._streams.add(stream)
        core = self._tracer._core
        # (the tracer thread takes it on before any command posted later: before resume()
        # for a held process, so nothing is missed; a running one may make a stop or two
        # meanwhile)
        core.subscribe(sub)
        return stream

    def resume(self) -> None:
        """Release the spawn/attach hold: the process starts (or goes on) running."""
        core = self._tracer._core
        fam = self._fam
        core.post(lambda: core.resume_family(fam))

    async def wait(self) -> int | None:
        """Wait for the process to end; its returncode (``-N`` if killed by signal N).

        For an attached process that was detached, returns None once detached: its exit
        status goes to its own parent. Raises :class:`TracerClosed` if the tracer thread
        stopped on an internal error before the process ended."""
        await self._dead.wait()
        if self.returncode is None and not self._fam.ended and self._tracer._core.crash:
            raise self._tracer._end_error()   # (no status will ever come)
        return self.returncode

    def kill(self) -> None:
        """SIGKILL every traced process of this family."""
        self.send_signal(_signal.SIGKILL)

    def send_signal(self, sig: int) -> None:
        """Send *sig* to this process (not its children); 0 only checks that it exists."""
        sig = _check.signal_number(sig, "send_signal()", lo=0)
        if self.returncode is None and not self._fam.ended:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass
        if sig == _signal.SIGKILL:
            core = self._tracer._core
            fam = self._fam
            core.post(lambda: core.kill_family(fam))

    def interrupt(self, tids: Iterable[int] | None = None) -> None:
        """Bring running threads (all, or *tids*) to a stop reported as an ``Interrupt``
        event (PTRACE_INTERRUPT), where an intercepting engine can act on them. A thread
        in a group-stop reports an ``Interrupt`` too, and stays in its group-stop."""
        core = self._tracer._core
        fam = self._fam
        wanted = None if tids is None else list(_check.tid_set(tids, "interrupt()"))
        core.post(lambda: core.interrupt(fam, wanted, report=True))

    def inject_signal(self, tid: int, signo: int) -> None:
        """Send *signo* to thread *tid* of this process or of a followed child (tgkill)."""
        tid = _check.tid(tid, "inject_signal() thread")
        signo = _check.signal_number(signo, "inject_signal()")
        tgid = next((pid for pid, pr in list(self._fam.procs.items()) if tid in pr.threads),
                    self.pid)
        try:
            _ffi.tgkill(tgid, tid, signo)
        except ProcessLookupError:
            raise TraceeGone(tid) from None

    async def detach(self) -> None:
        """Stop tracing this process (and its followed children); they keep running."""
        if self._fam.seccomp is not None and not self._fam.ended:
            raise NotDetachable(
                f"process {self.pid} runs under aiotrace's seccomp prefilter (spawned with "
                "syscalls=): detached, its filtered syscalls would fail with ENOSYS. Kill "
                "it, or spawn it without syscalls= to be able to detach."
            )
        if self._fam.ended:
            await _checkpoint()
            return
        tracer = self._tracer
        if tracer._closed:
            await _checkpoint()
            if tracer._core.crash is not None:
                raise tracer._end_error()
            return   # (closed: it was detached or killed then)
        waiter = _Waiter()
        core = tracer._core
        fam = self._fam
        core.post(lambda: core.detach(fam, waiter.set))
        await tracer._wait_reply(waiter)


def _stdio_fd(name: str, f: Any) -> int:
    """spawn()'s ``stdin``/``stdout``/``stderr`` (neither None nor a subprocess constant),
    as a descriptor: an int, or a file object's fileno()."""
    expect = ("a file descriptor (an int), a file object, subprocess.DEVNULL or None (and "
              "subprocess.STDOUT for stderr)")
    if isinstance(f, int) and not isinstance(f, bool):
        if f < 0:
            raise ValueError(f"{name}={_check.show(f)} is not a file descriptor: pass {expect}")
        return _check.integer(f, name, 0, (1 << 31) - 1, expect)
    fileno = getattr(f, "fileno", None)
    if fileno is None or isinstance(f, (bool, float, str, bytes)):
        raise TypeError(f"{name} takes {expect}, not {_check.show(f)}")
    try:
        fd = fileno()
    except (OSError, ValueError) as exc:   # (io.UnsupportedOperation: a BytesIO, say)
        raise TypeError(f"{name}={_check.show(f)} has no file descriptor ({exc}): pass "
                        f"{expect}") from None
    return _check.integer(fd, f"{name}.fileno()", 0, (1 << 31) - 1, expect)


def _cpu_set(cpus: Iterable[int] | None) -> frozenset[int] | None:
    """spawn()'s ``cpus``, checked: CPU numbers (the kernel checks that they exist)."""
    if cpus is None:
        return None
    if isinstance(cpus, (str, bytes, Mapping)) or not isinstance(cpus, Iterable):
        raise TypeError(f"cpus={_check.show(cpus)}: pass a set of CPU numbers, such as {{0, 1}}")
    out = frozenset(cpus)
    if not out:
        raise ValueError("cpus is empty: pass the CPUs the program may run on, or None")
    for c in out:
        if isinstance(c, bool) or not hasattr(type(c), "__index__") or c < 0:
            raise ValueError(f"cpus: {_check.show(c)} is not a CPU number (0, 1, ...)")
        _check.integer(c, "cpus", 0, _check.CPUS_MAX - 1,
                       f"CPU numbers from 0 to {_check.CPUS_MAX - 1}, such as "
                       "os.sched_getaffinity(0)")
    return frozenset(int(c) for c in out)


def _syscall_set(syscalls: Iterable[str | int], what: str = "syscalls") -> frozenset[int]:
    return _check.syscall_set(syscalls, what)


def _late_sets(
    capture: Any, late: Mapping[type[TraceEvent], Iterable[str | int]], what: str,
) -> dict[type[TraceEvent], frozenset[int]]:
    if capture is None:
        raise ValueError(f"{what}= goes with a capture= function")
    _mapping(late, what, "{SyscallExit: {'read'}}")
    out: dict[type[TraceEvent], frozenset[int]] = {}
    for cls, syscalls in late.items():
        if cls is not SyscallEntry and cls is not SyscallExit:
            raise ValueError(f"{what}= takes SyscallEntry and SyscallExit as "
                             f"keys, not {cls!r}")
        out[cls] = _syscall_set(syscalls, what)
    return out


def _mapping(value: Any, what: str, example: str) -> None:
    if not isinstance(value, Mapping):
        raise TypeError(f"{what}= takes a mapping such as {example}, not {_check.show(value)}")


def _prefetch_sets(
    spec: Mapping[type[TraceEvent], Mapping[str | int, Iterable[tuple[Any, ...]]]],
) -> dict[type[TraceEvent], dict[int, tuple[tuple[int, int, int, int], ...]]]:
    """prefetch=, checked, as the C loop's copies: syscall -> ((arg, mode, from, bytes),
    ...), mode 1 for a fixed size, 2 the return value's, 3 a string, 4 argument from's."""
    out: dict[type[TraceEvent], dict[int, tuple[tuple[int, int, int, int], ...]]] = {}
    _mapping(spec, "prefetch", "{SyscallExit: {'read': [(1, 'retval')]}}")
    for cls, calls in spec.items():
        if cls is not SyscallEntry and cls is not SyscallExit:
            raise ValueError(f"prefetch= takes SyscallEntry and SyscallExit as keys, not {cls!r}")
        _mapping(calls, "prefetch", "{SyscallExit: {'read': [(1, 'retval')]}}")
        table: dict[int, tuple[tuple[int, int, int, int], ...]] = {}
        for call, copies in calls.items():
            keys = _syscall_set([call], "prefetch")   # (only x86-64 calls are copied, by the C loop)
            made = []
            if isinstance(copies, (str, bytes, Mapping)) or not isinstance(copies, Iterable):
                raise TypeError(f"prefetch= of {call!r}: takes a list of copies such as "
                                f"[(1, 'retval')], not {_check.show(copies)}")
            for c in copies:
                copy = _copy_spec(call, tuple(c) if isinstance(c, (tuple, list)) else (c,))
                if copy[1] == 2 and cls is SyscallEntry:
                    raise ValueError(f"prefetch= of {call!r}: a call's entry has no return "
                                     "value to size a copy with")
                made.append(copy)
            if len(made) > 2:
                raise ValueError(f"prefetch= of {call!r}: at most 2 copies per stop")
            for key in keys:
                table[key] = tuple(made)
        out[cls] = table
    return out


_COPY_MAX = 1 << 16   # (the C loop's most, _accel.COPY_MAX)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _copy_spec(call: Any, c: tuple[Any, ...]) -> tuple[int, int, int, int]:
    """One copy of prefetch=, as the C loop's struct at_copy: (arg, mode, from, bytes)."""
    if c and _is_int(c[0]) and 0 <= c[0] < 6:
        rest = c[1:]
        if len(rest) == 1 and _is_int(rest[0]):
            mode, frm, n = 1, 0, rest[0]
        elif rest and rest[0] in ("retval", "string") and len(rest) <= 2 and all(
                _is_int(v) for v in rest[1:]):
            mode, frm = (2 if rest[0] == "retval" else 3), 0
            n = rest[1] if len(rest) == 2 else (_COPY_MAX if mode == 2 else 4097)
        elif (rest and rest[0] == "arg" and 2 <= len(rest) <= 3 and all(
                _is_int(v) for v in rest[1:]) and 0 <= rest[1] < 6):
            mode, frm = 4, rest[1]
            n = rest[2] if len(rest) == 3 else _COPY_MAX
        else:
            mode = 0
        if mode:
            if not 0 <= n <= _COPY_MAX:
                raise ValueError(f"prefetch= of {call!r}: {n} bytes: a copy takes 0 to "
                                 f"{_COPY_MAX} bytes")
            return (c[0], mode, frm, n)
    raise ValueError(
        f"prefetch= of {call!r}: {c!r} is not a copy: use (arg, nbytes), "
        "(arg, 'retval'[, nbytes]), (arg, 'string'[, nbytes]) or (arg, 'arg', j[, nbytes]),"
        " arg and j 0 to 5")


class EventStream:
    """An async iterator of events; use it with ``async with``.

    It ends when every process of the family is gone (or detached) or when closed.
    Leaving an intercepted event without a verdict, fetching the next one, closing the
    stream, an exception or a cancellation all release this stream's hold.

    Without ``async with``, the ``async for`` loop owns the stream: leaving it, however
    (its end, ``break``, ``return``, an exception, a cancellation), closes the stream as
    ``aclose()`` would, at the event loop's next pass; iterating it again then raises
    :class:`StreamClosedByLoop`. A stream that nobody holds any more is closed the same
    way (with a ResourceWarning if it was still open). See docs/engines.md, "Streams nobody closes".
    """

    def __init__(self, tracer: Tracer, sub: Subscription) -> None:
        self._tracer = tracer
        self._sub = sub
        self._waiter: _Park | None = None
        self._current: _Ctl | None = None
        self._done = False
        self._scope: anyio.CancelScope | None = None
        self._entered = False      # in `async with`: that block, not a loop, owns it
        self._loop_closed = False  # closed by the end of a bare `async for` (see _BareLoop)
        self._held_dead = False
        # trio: the consumer parks in wait_readable on a pipe of this stream's own, which
        # the tracer thread writes to (see _park_on_pipe); None before the first park
        self._pipe: tuple[int, int] | None = None
        # never (again): asyncio, no descriptor to spare, or the pipe was closed
        self._no_pipe = tracer._aio_loop is not None
        # (weakly: the subscription lives in its family's list as long as the stream is
        # open, and must not keep a stream nobody holds alive: see __del__)
        me = weakref.ref(self)

        def wake() -> None:
            stream = me()
            if stream is not None:
                stream._wake()

        def gone(tid: int) -> None:
            stream = me()
            if stream is not None:
                stream._gone(tid)
        sub.wake = wake
        sub.gone = gone

    def __del__(self) -> None:
        """Nobody holds this stream any more: close it (release its holds, stop its
        buffering), as aclose() would, at the event loop's next pass (see Tracer._soon)."""
        sub = self._sub
        if sub.closed or sys.is_finalizing():
            return
        live = not self._done and not (sub.buffer and sub.buffer[-1] is END)
        if live and not self._loop_closed:
            fam = sub.family
            root = fam.root if fam is not None else None
            warnings.warn(f"an aiotrace event stream of pid {root.pid if root else '?'} was "
                          "never closed; it is closed now. Use `async with stream:` or "
                          "`await stream.aclose()`", ResourceWarning, source=self,
                          stacklevel=2)
        self._tracer._soon(self._close_now)

    def _loop_ended(self) -> None:
        """The bare `async for` that iterated this stream was left (see _BareLoop)."""
        if self._entered or self._sub.closed:
            return
        if not self._done:
            self._loop_closed = True
        self._tracer._soon(self._close_now)

    def _wake(self) -> None:  # loop thread, from the pump
        # (sub.flagged stays set: the tracer thread queues no more wake-ups for this stream
        # until __anext__ clears it, right before it finds the buffer empty and parks. A
        # consumer busy with a batch takes what comes meanwhile without a wake-up.)
        w = self._waiter
        if w is not None:
            self._waiter = None
            w.wake()
        # (a consumer on the stream's own pipe is woken when the pipe is closed: see
        # _close_pipe, which follows each call of this outside the pump)

    def _open_pipe(self) -> None:
        """trio, before the first park: the tracer thread will wake this stream's consumer
        by a byte on a pipe of its own, which trio's I/O manager turns into that task's
        wake-up directly, instead of a byte on the tracer's pipe that the pump task reads
        before it reschedules the consumer: one task step and one pass of trio's run loop
        less per wake-up (an intercepting engine's round trip: 6 us less, one CPU)."""
        try:
            r, w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        except OSError:
            self._no_pipe = True   # out of descriptors: park through the pump
            return
        self._pipe = (r, w)
        self._tracer._piped.add(self)
        self._sub.wfd = w   # (before the flag is cleared: a push after that writes here)

    async def _park_on_pipe(self, pipe: tuple[int, int]) -> None:
        trio = _trio()
        try:
            await trio.lowlevel.wait_readable(pipe[0])
        except trio.ClosedResourceError:
            return   # closed under us (see _close_pipe): the caller looks again
        if self._pipe is pipe:
            try:
                os.read(pipe[0], 4096)
            except BlockingIOError:
                pass

    def _close_pipe(self) -> None:
        """Loop thread, once the tracer thread writes no more to this stream's pipe: after
        the command that ended the stream ran there, or after the thread finished."""
        pipe, self._pipe = self._pipe, None
        self._no_pipe = True
        if pipe is None:
            return
        self._tracer._piped.discard(self)
        self._sub.wfd = -1
        # (always: it also drops trio's registration of the descriptor; a consumer waiting
        # there gets ClosedResourceError)
        _trio().lowlevel.notify_closing(pipe[0])
        os.close(pipe[0])
        os.close(pipe[1])

    def _gone(self, tid: int) -> None:
        """Loop thread: a thread held by this stream died (tid), or, with tid 0, the
        whole family is gone."""
        cur = self._current
        if cur is not None and cur.tid == tid:
            cur.gone = True          # its verdict no longer matters
            self._held_dead = True
        if tid == 0 and self._held_dead and self._current is not None and self._scope is not None:
            # SIGKILL wins: the engine still awaits something for a thread that is gone,
            # and nothing of the family is left: its `async with` block is cancelled.
            self._scope.cancel()

    @property
    def dropped(self) -> int:
        """Events not delivered because the buffer was full (``overflow="drop"``)."""
        return self._sub.dropped

    def __aiter__(self) -> EventStream | _BareLoop:
        if self._entered:
            return self
        if self._loop_closed:
            raise StreamClosedByLoop(
                "this stream was closed when the `async for` loop that iterated it without "
                "`async with` ended: to iterate a stream in several loops, or to give a "
                "verdict after the loop, use `async with stream:`")
        return _BareLoop(self)

    def _release_current(self) -> None:
        """Fetching the next event ends this stream's hold on the previous one."""
        cur = self._current
        if cur is not None:
            self._current = None
            self._held_dead = False
            cur.release_implicitly()

    async def __anext__(self) -> Any:
        self._release_current()
        sub = self._sub
        if sub.closed:
            # closed (aclose(), detach()): what is still buffered is not delivered (the
            # tracer thread drops it and releases its holds)
            raise StopAsyncIteration
        buf = sub.buffer
        tracer = self._tracer
        waited = False
        if buf:
            # a checkpoint, as trio's rules ask, before taking the event, so that a
            # cancellation here loses nothing; not for events made during this loop's
            # verdict (see Tracer._looked), as when this makes them itself below (both
            # counted against _MAX_UNYIELDED at the end)
            if tracer._fresh:
                tracer._fresh = False
            else:
                await tracer._yield()
                waited = True
        elif self._pipe is None and not self._no_pipe:
            self._open_pipe()
        while not buf:
            sub.flagged = False   # the next push queues a wake-up (see _wake) ...
            if buf:               # ... unless it came just before
                break
            if self._done or sub.closed:
                raise StopAsyncIteration
            ac = tracer._core.accel
            if ac is not None and ac.core.head != ac.core.tail:
                # The C loop made records that are not events yet (the tracee's next stop
                # often comes during the verdict's yield): turn them into events here,
                # as the pipe's reader would, without a pass of the event loop first
                # (the wake-ups that queued go with it). Then look at the buffer again,
                # even if none were made here: the tracer thread may have been turning
                # them into events itself, and this stream's wake-up, queued by it, has
                # just run (and found nobody waiting).
                tracer._run_outbox()
                continue
            waited = True
            pipe = self._pipe
            if pipe is not None:
                await self._park_on_pipe(pipe)
                continue
            self._waiter = w = _Park(self._tracer._aio_loop)
            try:
                fut = w.fut   # (asyncio: awaited here, without wait()'s frame)
                await (fut if fut is not None else w.wait())
            finally:
                if self._waiter is w:
                    self._waiter = None
        if waited:
            tracer._unyielded = 0
        else:
            tracer._unyielded += 1
            if tracer._unyielded > _MAX_UNYIELDED:
                # an engine whose every event came without a pass of the event loop (one
                # CPU: each next stop comes during the verdict) lets the other tasks run
                tracer._unyielded = 0
                await tracer._yield()
        if sub.closed:
            # closed by another task during a checkpoint above or while this waited (an
            # event may have come meanwhile): nothing more is delivered, as at the top
            raise StopAsyncIteration
        item = self._take()
        if item is END:
            raise StopAsyncIteration
        return item

    def receive_nowait(self) -> Any:
        """The next event if one is buffered already, without waiting (and without a
        checkpoint): raises ``anyio.WouldBlock`` when none is, ``anyio.EndOfStream`` at
        the end. For consumers that take events in batches, after an ``await`` of
        ``__anext__``; like ``__anext__``, it releases the previous intercepted event."""
        self._release_current()
        if self._sub.closed:
            raise anyio.EndOfStream   # (as in __anext__)
        if not self._sub.buffer:
            if self._done:
                raise anyio.EndOfStream
            raise anyio.WouldBlock
        item = self._take()
        if item is END:
            raise anyio.EndOfStream
        return item

    def _take(self) -> Any:
        """Take the first buffered item (there is one)."""
        sub = self._sub
        item = sub.buffer.popleft()
        sub.taken += 1
        if item is END:
            self._done = True
            return END
        if sub.bp_holds:
            hold = sub.bp_holds.pop(item.seq, None)
            if hold is not None:
                core = self._tracer._core
                core.post(lambda: core.release(hold))
        ctl = item._ctl
        if ctl is not None:
            self._current = ctl
        return item

    async def aclose(self) -> None:
        """Stop receiving events and release every hold of this stream."""
        await self._close()
        await _checkpoint()

    async def _close(self) -> None:
        self._close_now()

    def _close_now(self) -> None:
        sub = self._sub
        if sub.closed:
            return
        sub.closed = True
        self._done = True
        cur = self._current
        self._current = None
        if cur is not None:
            cur.release_implicitly()
        self._wake()   # a task waiting in __anext__ sees the end
        core = self._tracer._core
        if not self._tracer._closed or not core.finished:
            def close() -> None:   # tracer thread
                core.close_sub(sub)   # (the last byte for its own pipe is written then)
                if self._pipe is not None:
                    core.reply(self._close_pipe)
            core.post(close)
        else:
            self._close_pipe()

    async def __aenter__(self) -> EventStream:
        self._entered = True
        if self._sub.intercept:
            self._scope = anyio.CancelScope()
            self._scope.__enter__()
        return self

    async def __aexit__(self, *exc: Any) -> bool | None:
        with anyio.CancelScope(shield=True):
            await self._close()
        scope, self._scope = self._scope, None
        if scope is not None:
            return scope.__exit__(*exc)
        return None


class _BareLoop:
    """What a bare ``async for`` iterates: a stream used without ``async with``.

    Python tells an async iterator nothing when a loop is left early (only an async
    generator is closed, and only when the garbage collector finds it). But the iterator
    that ``__aiter__`` returns is held by nothing but the loop itself (on its frame's value
    stack), so CPython drops it the moment the loop is left, however: at its end, by
    ``break`` or ``return``, or by an exception or a cancellation that passes through it,
    even one kept with its traceback (the traceback keeps the frame's variables, the
    stream among them, not its value stack). Its finalizer closes the stream: so that an
    engine whose loop is gone leaves no thread stopped and no stream filling up."""

    __slots__ = ("_stream",)

    def __init__(self, stream: EventStream) -> None:
        self._stream = stream

    def __aiter__(self) -> _BareLoop:
        return self

    def __anext__(self) -> Awaitable[Any]:
        return self._stream.__anext__()

    def __del__(self) -> None:
        self._stream._loop_ended()


class _Ctl:
    """The verdict API behind one intercepted event (one engine's hold)."""

    __slots__ = ("core", "_hold", "done", "_raw_regs", "_regs", "prior", "scratch_used", "gone",
                 "_c_ok")

    def __init__(self, core: Core, hold: Hold, regs: _ffi.UserRegs | None, prior: Any) -> None:
        self.core = core
        self._hold = hold
        self.done = False
        # a plain resume may go straight to the C loop (a C hold without hold() handles)
        self._c_ok = hold.cslot is not None
        self._raw_regs = regs
        self._regs: Registers | None = None   # made when an engine first asks
        self.prior = prior
        self.scratch_used = 0
        self.gone = False   # the thread died while held: verdicts are ignored

    @property
    def regs(self) -> Registers | None:
        regs = self._regs
        if regs is None and self._raw_regs is not None:
            regs = self._regs = Registers(self._raw_regs)
        return regs

    @property
    def tid(self) -> int:
        return self._hold.thread.tid

    def _give(self, verdict: Verdict | None) -> None:
        """Post this engine's verdict (None: resume() alone) with the registers it
        changed, to the tracer thread, which merges it into the stop's decision."""
        if self.gone:
            return
        if self.done:
            raise VerdictAlreadyGiven(
                "a verdict was already given for this event, or its hold was released (its "
                "stream went on to its next event, or was closed)")
        self.done = True
        regs = self._regs
        dirty = regs is not None and regs._dirty
        if verdict is None and self._c_ok and not dirty and self.core.release_c(self._hold):
            return
        core = self.core
        core.post_verdict(functools.partial(
            core.release, self._hold, verdict, regs._raw if dirty and regs is not None else None))

    def release_implicitly(self) -> None:
        if not self.done:
            self._give(None)

    def release_now(self, core: Core) -> None:  # tracer thread
        if not self.done:
            self.done = True
            core.release(self._hold)

    def resume(self, ev: TraceEvent) -> None:
        self._give(None)

    def return_value(self, ev: TraceEvent, value: int) -> None:
        _expect(ev, SyscallEntry, "fail()/return_value()")
        self._give(Skip(_check.signed_word(value, "return_value()")))

    def fail(self, ev: TraceEvent, err: int) -> None:
        err = _check.errno_value(err, "fail()")
        if isinstance(ev, SyscallExit):
            self.set_return(ev, -err)
        else:
            self.return_value(ev, -err)

    def rewrite(self, ev: TraceEvent, name_or_nr: str | int | None, args: Any) -> None:
        _expect(ev, SyscallEntry, "rewrite()")
        nr = None
        if name_or_nr is not None:
            # (a number, or a name of the call's own ABI: an i386 call stays one)
            nr = _check.syscall_number(name_or_nr, "rewrite()", getattr(ev, "abi", "x86_64"))
        # (as the kernel sees them: unsigned 64-bit, like every event's arguments)
        new_args = None if args is None else _check.sequence_of_words(args, "rewrite() args", 6)
        self._give(Rewrite(nr, new_args))

    def set_return(self, ev: TraceEvent, value: int) -> None:
        _expect(ev, SyscallExit, "set_return()")
        self._give(SetReturn(_check.signed_word(value, "set_return()")))

    def replace_signal(self, ev: TraceEvent, signo: int) -> None:
        from ._core._events import Signal
        _expect(ev, Signal, "suppress()/replace()")
        self._give(DeliverSignal(_check.signal_number(signo, "replace()", lo=0)))   # (0: suppress)

    def singlestep(self, ev: TraceEvent) -> None:
        self._give(STEP)

    def hold(self, ev: TraceEvent) -> HoldHandle:
        if self.done:
            raise VerdictAlreadyGiven("hold() must come before the verdict: a verdict was "
                                      "already given for this event")
        extra = Hold(self._hold.thread, None)
        self._c_ok = False   # the verdict goes after this hold, through the tracer thread
        core = self.core
        core.post(lambda: core.add_hold(extra))
        return HoldHandle(core, extra)

    def detach_engine(self, ev: TraceEvent) -> None:
        sub = self._hold.sub
        self.release_implicitly()
        if sub is not None:
            sub.closed = True
            core = self.core
            core.post(lambda: core.close_sub(sub))

    def thread(self, ev: TraceEvent) -> ThreadHandle:
        return ThreadHandle(ev.pid, ev.tid, self, getattr(ev, "abi", None) == "i386")


def _expect(ev: TraceEvent, cls: type, what: str) -> None:
    if not isinstance(ev, cls):
        raise TypeError(f"{what} is a verdict for {cls.__name__} events, not {ev.kind}")


class Registers:
    """A copy of a stopped thread's registers (x86-64 ``user_regs_struct`` names).

    Assigning a register (``regs.rax = 0``) writes it back when the engine gives its
    verdict, before the next engine is asked."""

    __slots__ = ("_raw", "_dirty")
    _raw: _ffi.UserRegs   # (declared: else the type checker takes them for __getattr__'s)
    _dirty: bool

    def __init__(self, raw: _ffi.UserRegs) -> None:
        object.__setattr__(self, "_raw", raw)
        object.__setattr__(self, "_dirty", False)

    def __getattr__(self, name: str) -> int:
        if name in _ffi.REG_NAMES:
            return int(getattr(self._raw, name))
        raise AttributeError(f"no register {name!r} (x86-64 names: {', '.join(_ffi.REG_NAMES)})")

    def __setattr__(self, name: str, value: int) -> None:
        if name not in _ffi.REG_NAMES:
            raise AttributeError(f"no register {name!r}")
        setattr(self._raw, name, _check.word(value, f"regs.{name}"))
        object.__setattr__(self, "_dirty", True)

    def as_dict(self) -> dict[str, int]:
        return {n: int(getattr(self._raw, n)) for n in _ffi.REG_NAMES}

    def __repr__(self) -> str:
        r = self._raw
        return f"<Registers rip={r.rip:#x} rsp={r.rsp:#x} rax={r.rax:#x} orig_rax={r.orig_rax:#x}>"


class HoldHandle:
    """Keeps a thread stopped beyond an event, until :meth:`release`."""

    __slots__ = ("_core", "_hold")

    def __init__(self, core: Core, hold: Hold) -> None:
        self._core = core
        self._hold = hold

    def release(self) -> None:
        core, hold = self._core, self._hold
        core.post(lambda: core.release(hold))


class ThreadHandle:
    """A stopped thread: its memory (read and written from the loop thread directly,
    without a round trip to the tracer thread) and a copy of its registers."""

    __slots__ = ("pid", "tid", "_ctl", "_narrow")

    def __init__(self, pid: int, tid: int, ctl: _Ctl | None = None,
                 narrow: bool = False) -> None:
        self.pid = pid
        self.tid = tid
        self._ctl = ctl
        self._narrow = narrow   # stopped in an i386 call: its pointers are 32 bits

    def __repr__(self) -> str:
        return f"<aiotrace thread pid={self.pid} tid={self.tid}>"

    @property
    def regs(self) -> Registers:
        """The registers at this stop; assignments are written back with the verdict."""
        ctl = self._ctl
        if ctl is None or ctl.regs is None:
            raise TraceeGone(self.tid, f"thread {self.tid} is gone: no registers")
        return ctl.regs

    def scratch(self, data: bytes) -> int:
        """Write *data* in the tracee's stack, below the red zone, and return its address:
        room for a new path or struct to point a rewritten argument at. Valid until the
        thread runs user code again (the end of the current syscall).

        At an i386 call (``abi == "i386"``) the kernel reads 32-bit pointers: a thread
        whose stack is above 4 GiB (a 64-bit program that makes ``int $0x80`` calls) has no
        room there, and this raises ValueError instead of handing out an address the
        kernel would cut."""
        data = bytes(_check.buffer(data, "scratch()"))
        ctl = self._ctl
        if ctl is None or ctl.regs is None:
            raise TraceeGone(self.tid, f"thread {self.tid} is gone")
        addr = (ctl.regs.rsp - 128 - 4096 - ctl.scratch_used - len(data) - 16) & ~15
        if self._narrow and (addr < 0 or addr + len(data) > 1 << 32):
            raise ValueError(
                f"thread {self.tid} is in an i386 system call, whose pointers are 32 bits, "
                f"and its stack ({ctl.regs.rsp:#x}) is above 4 GiB: no scratch memory")
        ctl.scratch_used += len(data) + 16
        self.write(addr, data)
        return addr

    def read(self, addr: int, n: int) -> bytes:
        """*n* bytes at *addr* (fewer at the end of a mapping)."""
        addr, n = _check.address_range(addr, n, "read()")
        try:
            return _ffi.vm_read(self.tid, addr, n)
        except ProcessLookupError:
            raise TraceeGone(self.tid) from None

    def read_string(self, addr: int, limit: int = 4096) -> bytes:
        """The NUL-terminated string at *addr* (without its NUL), at most *limit* bytes."""
        addr, limit = _check.address_range(addr, limit, "read_string()")
        out = b""
        while len(out) < limit:
            # never read across a page boundary in one go: the next page may be unmapped
            chunk = min(4096 - (addr + len(out)) % 4096, limit - len(out))
            data = self.read(addr + len(out), chunk)
            nul = data.find(b"\0")
            if nul >= 0:
                return out + data[:nul]
            out += data
            if len(data) < chunk:
                break
        return out

    def write(self, addr: int, data: bytes) -> None:
        """Write *data* at *addr*, read-only pages included."""
        data = bytes(_check.buffer(data, "write()"))
        addr, _ = _check.address_range(addr, len(data), "write()")
        try:
            n = _ffi.vm_write(self.tid, addr, data)
            if n == len(data):
                return
        except ProcessLookupError:
            raise TraceeGone(self.tid) from None
        except OSError as exc:
            if exc.errno != _errno.EFAULT or addr >= 1 << 63:
                raise   # (no user page is there: /proc/PID/mem cannot seek so far)
        # read-only pages: /proc/PID/mem writes with FOLL_FORCE, as debuggers do
        with open(f"/proc/{self.tid}/mem", "r+b", buffering=0) as f:
            f.seek(addr)
            f.write(data)
