"""A traced process: what ``Tracer.spawn()`` and ``Tracer.attach()`` return."""

from __future__ import annotations

import functools
import os
import signal as _signal
import weakref
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Literal, TypedDict, TypeVar, overload

import anyio
import anyio.lowlevel

from .. import _check, _context, _paths, _pipes
from .._context import Contexts, ProcessContext
from .._exceptions import NotDetachable, TraceeGone
from .._util import NoPublicConstructor
from ._core_api import END, Family, Subscription, TraceEvent, _ffi, _onerror
from ._hub import Hub, Waiter
from ._options import Capture, CaptureFunction, overflow_mode
from ._stream import EventStream

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from .._probing import ProbeStream

_checkpoint = anyio.lowlevel.checkpoint

#: what a stream does when its buffer is full (see Process.events)
Overflow = Literal["block", "drop", "drop_oldest"]
_E1 = TypeVar("_E1", bound=TraceEvent)
_E2 = TypeVar("_E2", bound=TraceEvent)
_E3 = TypeVar("_E3", bound=TraceEvent)


class _EventsOptions(TypedDict, total=False):
    """The keyword arguments of Process.events(), for its typed overloads."""

    syscalls: Iterable[str | int] | None
    tids: Iterable[int] | None
    intercept: bool
    buffer: int
    overflow: Overflow
    capture: Capture | CaptureFunction | None
    stacks: bool
    on_error: str | int
    context: bool
    paths: Iterable[str] | None


class Process(metaclass=NoPublicConstructor):
    """A traced process (spawned or attached) and the children it is followed into.

    Made by :meth:`Tracer.spawn` and :meth:`Tracer.attach`; it has no public constructor.
    """

    _made_by = "a Process comes from tracer.spawn() or tracer.attach()"

    def __init__(self, hub: Hub, fam: Family, pid: int, contexts: Contexts) -> None:
        self._hub = hub
        self._fam = fam
        self._contexts = contexts   # (the tracer's: events(context=True), context())
        self.pid = pid
        self.returncode: int | None = None
        #: with ``spawn(stdin=subprocess.PIPE)`` (and stdout=, stderr=): this end of the
        #: pipe, an anyio byte stream; None otherwise
        self.stdin: _pipes.PipeSendStream | None = None
        self.stdout: _pipes.PipeReceiveStream | None = None
        self.stderr: _pipes.PipeReceiveStream | None = None
        self._dead = anyio.Event()
        self._gone = anyio.Event()
        # its open streams (weak: a stream nobody holds is closed), told of the end if the
        # tracer thread finishes first
        self._streams: weakref.WeakSet[EventStream[TraceEvent]] = weakref.WeakSet()

    def __repr__(self) -> str:
        state = "running" if self.returncode is None else f"returncode={self.returncode}"
        return f"<aiotrace.Process pid={self.pid} {state}>"

    def _new_loop(self) -> None:
        """The tracer moves to a new event loop (see Hub.rouse)."""
        if not self._dead.is_set():
            self._dead = anyio.Event()
        if not self._gone.is_set():
            self._gone = anyio.Event()
        for stream in list(self._streams):
            stream._new_loop()

    # callbacks from the tracer thread, run on the loop
    def _died(self, rc: int) -> None:
        self.returncode = rc
        self._dead.set()

    def _ended(self) -> None:
        self._gone.set()
        root = self._fam.root
        if root is not None and root.status is None and not root.spawned:
            # detached: no status will come, unless the root is our own child
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
        return sorted(root.threads) if root is not None else []

    @property
    def pids(self) -> list[int]:
        """Every traced process of this family (this one and followed children)."""
        return sorted(p for p, pr in list(self._fam.procs.items()) if pr.status is None)

    # (the overloads give the stream its event type; the options are the implementation's)
    @overload
    def events(self, t1: type[_E1], /,
               **options: Unpack[_EventsOptions]) -> EventStream[_E1]: ...

    @overload
    def events(self, t1: type[_E1], t2: type[_E2], /,
               **options: Unpack[_EventsOptions]) -> EventStream[_E1 | _E2]: ...

    @overload
    def events(self, t1: type[_E1], t2: type[_E2], t3: type[_E3], /,
               **options: Unpack[_EventsOptions]) -> EventStream[_E1 | _E2 | _E3]: ...

    @overload
    def events(self, *types: type[TraceEvent],
               **options: Unpack[_EventsOptions]) -> EventStream[TraceEvent]: ...

    def events(
        self,
        *types: type[TraceEvent],
        syscalls: Iterable[str | int] | None = None,
        tids: Iterable[int] | None = None,
        intercept: bool = False,
        buffer: int = 256,
        overflow: Overflow = "block",
        capture: Capture | CaptureFunction | None = None,
        stacks: bool = False,
        on_error: str | int = "resume",
        context: bool = False,
        paths: Iterable[str] | None = None,
    ) -> EventStream[TraceEvent]:
        """Subscribe now to events of this process (and its followed children).

        *types* are event classes (all when none are given): the stream's type says which
        (``events(SyscallExit)`` is an ``EventStream[SyscallExit]``, ``events(SyscallEntry,
        SyscallExit)`` an ``EventStream[SyscallEntry | SyscallExit]``); *syscalls* names or numbers
        filter syscall events: a name is its call in every system call ABI that has it
        (``"open"`` also matches the i386 ``open`` of a 32-bit program or of ``int $0x80``,
        and x32's), ``"open@64"``, ``"open@32"``, ``"open@x32"`` one ABI's, and an int an
        x86-64 number below the table's size (0 to 469, as strace's ``-e trace=``; see
        docs/engines.md); an empty set: no syscall event; *tids* filters threads. The
        buffer holds *buffer* events; when it is full:

        - ``overflow="block"`` (the default, lossless): the traced thread waits for the
          consumer. **A stream kept but read slower than the program runs stalls the
          program**, and one never read stops it after *buffer* events. For streams read
          until they end: recorders, counters, monitors that must see every call.
        - ``overflow="drop"``: the new event is dropped; the stream keeps the oldest.
          Never stalls the program.
        - ``overflow="drop_oldest"``: the oldest buffered event is dropped for the new
          one; the stream keeps the newest. Never stalls the program: for live views
          (a dashboard, a web client) that want what happens now. Observers only.

        Either drop counts what it dropped in ``dropped`` (and ``statistics()``). A
        stream nobody holds any more is closed.
        With ``intercept=True`` each event arrives with its thread stopped, until a verdict.
        *on_error* says what happens to the events such a stream holds when it ends
        without their verdict (the engine raised, was cancelled, or the stream was closed
        or dropped): ``"resume"`` (the default), an errno (``errno.EACCES`` or
        ``"EACCES"``: the call fails with it) or ``"kill"`` (the process is killed); see
        docs/engines.md, "Guards that fail closed".

        With ``context=True`` each event's ``context`` is the process's
        :class:`aiotrace.ProcessContext` at the stop (``comm``, ``exe``, ``argv``,
        ``cwd``, ``ppid``), kept from the stops that change it (``PR_SET_NAME``,
        ``chdir``, exec, clone: an observer's costs a look-up per event); it costs
        nothing otherwise. See docs/monitors.md.

        ``paths=["/build/", "/etc/*.conf", "/tmp/x"]`` delivers only the syscalls that use
        a matching path (strace's ``-P``; a directory ending in ``/`` with everything
        under it, a glob, or one path), resolved at the stop against the call's dirfd or
        working directory, descriptors included; each such event's ``paths`` lists them
        (``paths=["/"]``: every call that uses a file). See docs/monitors.md.

        ``capture(event, memory)``, for observers, runs on the tracer thread while the
        thread is still stopped; what it returns is the event's ``captured`` field (an
        exception it raises is stored there instead). Use it to read strings or structs
        that the tracee may change once it runs on (``memory.read(addr, n)``,
        ``memory.read_string(addr, limit)``); keep it short: the tracee waits for it.
        ``Death`` events go through it too, after the thread is reaped: *memory* is then
        None (nothing is left to read, and no ptrace request may be made for that tid).

        A :class:`aiotrace.lowlevel.Capture` (``capture=Capture(fn, after_resume=...,
        reads_nothing=..., prefetch=...)``) also says which stops' captures may run
        later, once the thread has gone on, and what memory the C loop may copy for them
        at the stop: tuning for captures on busy tracees (the ``aiotrace`` command's).

        ``stacks=True`` takes the thread's stack at each stop (``event.stack()``; the
        thread waits for it): see docs/probes.md.
        """
        buffer = _check.integer(buffer, "buffer", 1, (1 << 31) - 1,
                                "the number of events the stream may hold, from 1 to 2**31-1")
        intercept = _check.flag(intercept, "intercept")
        drop, oldest = overflow_mode(overflow, intercept)
        context = _check.flag(context, "context")
        for t in types:
            if not (isinstance(t, type) and issubclass(t, TraceEvent)):
                raise TypeError(
                    f"events() takes event classes such as aiotrace.SyscallExit, not {t!r}")
        fail_mode = _onerror.parse(on_error)
        if fail_mode is not None and not intercept:
            raise ValueError("on_error= is for intercepting streams (intercept=True): an "
                             "observer holds no call")
        nrs = None if syscalls is None else _check.syscall_set(syscalls, "syscalls")
        path_filter = None if paths is None else _paths.PathFilter(paths)
        if path_filter is not None:
            # (decided as early as possible: a call that takes no path nor descriptor
            # never stops for this stream)
            nrs = _path_keys() if nrs is None else nrs & _path_keys()
        tid_set = None if tids is None else _check.tid_set(tids, "tids")
        if capture is not None and not isinstance(capture, Capture):
            capture = Capture(capture)   # (checks that it is a function)
        if self._hub.dormant:
            self._hub.rouse()
        if _check.flag(stacks, "stacks") and not intercept:
            from .._probing import stack_capture
            capture = stack_capture(capture)
        fam = self._fam
        sub = Subscription(
            frozenset(types) if types else None,
            nrs,
            tid_set,
            intercept,
            buffer,
            drop,
        )
        if oldest:
            sub.drop_oldest()
        sub.family = fam
        sub.on_error = fail_mode
        if path_filter is not None:
            sub.select = _paths.selector(path_filter)
            sub.take_paths = _paths.taker(path_filter)
            sub.paths = path_filter
        if capture is not None:
            if intercept:
                raise ValueError("capture= is for observers: an intercepting engine reads "
                                 "memory itself while it holds the thread")
            sub.capture = capture.fn
            if capture.after_resume is not None or capture.reads_nothing is not None:
                sub.late = capture._late
                sub.free = capture._free
            if capture.prefetch is not None:
                sub.prefetch = capture._copies
            sub.raw = capture._raw
            sub.pairs = capture._pairs
            # (with paths=, the capture runs at the stop: the C loop reads the paths)
            sub.cpu = capture._cpu and path_filter is None
        if context and not intercept:
            # (an observer's context is a look-up of what the keeper noted at the stops
            # that change it, made where the event is made, as a capture that reads
            # nothing; with a prefilter that lets those stops run, it is read at the stop.
            # An engine's is read when it takes the event. See _context.)
            kept = self._contexts.watch(fam, _changer_keys(), self._hub.core.subscribe)
            sub.capture = _with_context(self._contexts,
                                        capture.fn if capture is not None else None, kept)
            sub.raw = sub.pairs = None   # (the context is the capture's: events, then)
            sub.cpu = False
            if kept and capture is None:
                sub.late = sub.free = _context.ANY_TIME
        stream: EventStream[TraceEvent] = EventStream._create(self._hub, sub)
        if context and intercept:
            stream._contexts = self._contexts
        if fam.ended or self._hub.finished_flag:
            sub.buffer.append(END)   # (nothing more will come)
            return stream
        self._streams.add(stream)
        core = self._hub.core
        # (the tracer thread takes it on before any command posted later: before resume()
        # for a held process, so nothing is missed; a running one may make a stop or two
        # meanwhile)
        core.subscribe(sub)
        return stream

    def probe(self, spec: str | int | Iterable[str | int], *, returns: bool = False,
              intercept: bool = False, buffer: int = 256, overflow: Overflow = "block",
              stacks: bool = False) -> ProbeStream:
        """A stream of ``ProbeHit`` events, one each time a thread of this process (or of a
        followed child) reaches a function: *spec* is ``"MODULE:SYMBOL"``
        (``"libc.so.6:malloc"``, ``"prog:main"``; globs allowed), ``"SYMBOL"`` (in any
        loaded object), ``"SYMBOL+OFFSET"``, an address, or a list of them. With
        ``returns=True``, also a ``ProbeReturn`` when each call returns; with
        ``stacks=True``, each event's stack is taken at the stop (``event.stack()``). With
        ``intercept=True`` the thread is held at each event until a verdict
        (``rewrite(args=)``, ``return_value()``, ``set_return()``). ``async with`` it:
        entering raises ``aiotrace.ProbeError`` if the probe cannot be placed. See
        docs/probes.md."""
        from .._probing import probe
        return probe(self, spec, returns=returns, intercept=intercept, buffer=buffer,
                     overflow=overflow, stacks=stacks)

    def context(self) -> ProcessContext:
        """This process's context now (``comm``, ``exe``, ``argv``, ``cwd``, ``ppid``)."""
        return self._contexts.snapshot(self.pid, self.pid)

    def tree(self) -> dict[int, list[int]]:
        """The traced processes of this family as a tree, now: parent pid -> the pids of
        its children; the family's root (and any process whose parent is not traced) is
        listed under 0."""
        return _context.tree(self.pids)

    def resume(self) -> None:
        """Release the spawn/attach hold: the process starts (or goes on) running."""
        if self._hub.dormant:
            self._hub.rouse()
        core = self._hub.core
        fam = self._fam
        core.post(lambda: core.resume_family(fam))

    async def wait(self) -> int | None:
        """Wait for the process to end; its returncode (``-N`` if killed by signal N).

        For an attached process that was detached, returns None once detached: its exit
        status goes to its own parent. Raises :class:`TracerClosed` if the tracer thread
        stopped on an internal error before the process ended."""
        if self._hub.dormant:
            self._hub.rouse()
        await self._dead.wait()
        if self.returncode is None and not self._fam.ended and self._hub.core.crash:
            raise self._hub.end_error()   # (no status will ever come)
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
            core = self._hub.core
            fam = self._fam
            core.post(lambda: core.kill_family(fam))

    def interrupt(self, tids: Iterable[int] | None = None) -> None:
        """Bring running threads (all, or *tids*) to a stop reported as an ``Interrupt``
        event (PTRACE_INTERRUPT), where an intercepting engine can act on them. A thread
        in a group-stop reports an ``Interrupt`` too, and stays in its group-stop. A thread
        held by an engine, a ``hold()`` or the spawn hold is stopped already: nothing is
        reported. One that waits for room in a full buffer (``overflow="block"``) reports
        its ``Interrupt`` at that stop, once the stream takes the stop's event."""
        core = self._hub.core
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
        hub = self._hub
        if hub.dormant:
            hub.rouse()
        if hub.closed:
            await _checkpoint()
            if hub.core.crash is not None:
                raise hub.end_error()
            return   # (closed: it was detached or killed then)
        waiter = Waiter()
        core = hub.core
        fam = self._fam
        core.post(lambda: core.detach(fam, waiter.set))
        await hub.wait_reply(waiter)


@functools.lru_cache(maxsize=None)
def _path_keys() -> frozenset[int]:
    """The keys of the calls that take a path or a descriptor, in every ABI."""
    return _check.syscall_set(_paths.path_syscalls(), "syscalls")


def _changer_keys() -> frozenset[int]:
    """The keys of the calls that change a context, in every ABI (see Contexts.watch)."""
    return _check.syscall_set(_context.CHANGERS, "syscalls")


def _with_context(contexts: Contexts, capture: Callable[[TraceEvent, Any], Any] | None,
                  kept: bool) -> Callable[[TraceEvent, Any], Any]:
    """A stream's capture that also sets the event's process context: as kept (*kept*),
    or read at the stop."""
    if capture is None and kept:
        return contexts.kept_capture()
    add = contexts.add_kept if kept else contexts.add_to
    if capture is None:
        def with_context(ev: TraceEvent, memory: Any) -> Any:
            add(ev)
            return None
    else:
        def with_context(ev: TraceEvent, memory: Any) -> Any:
            add(ev)
            return capture(ev, memory)
    return with_context
