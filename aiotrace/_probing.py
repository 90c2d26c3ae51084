"""The loop side of probes: ``Process.probe()`` and its stream (see _core/_probes for the
tracer thread's side, and docs/probes.md)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from . import _check
from ._core._model import Subscription
from ._core._probe_events import ProbeHit, ProbeReturn
from ._core._probes import Probe, ProbeFailure
from ._core._symbols import Spec, parse_spec
from ._core._unwind import capturing
from ._exceptions import AiotraceError, TraceeGone
from ._reactor import EventStream
from ._reactor._hub import Hub, Waiter
from ._reactor._options import Capture, overflow_mode

if TYPE_CHECKING:
    from typing_extensions import Self

    from ._reactor import Process


class ProbeError(AiotraceError, ValueError):
    """A probe cannot be placed: an unknown library or function, an address outside the
    process's code, an instruction that cannot be stepped over, or a process that has
    exited. Nothing of the probe is left in the process."""


class ProbeStream(EventStream[ProbeHit | ProbeReturn]):
    """The events of one probe (``Process.probe()``); use it with ``async with``, which
    waits until its breakpoints are in place (or raises :class:`ProbeError`).

    Made by :meth:`Process.probe`; it has no public constructor."""

    _made_by = "a ProbeStream comes from proc.probe()"

    def __init__(self, hub: Hub, sub: Subscription, waiter: Waiter) -> None:
        super().__init__(hub, sub)
        self._armed: Waiter | None = waiter
        self._arm_error: BaseException | None = None

    async def armed(self) -> None:
        """Wait until the probe's breakpoints are in every process of the family (those
        in libraries not loaded yet are placed when they are); raise ProbeError if the
        probe cannot be placed (its stream is closed then)."""
        waiter, self._armed = self._armed, None
        if waiter is not None:
            try:
                await self._hub.wait_reply(waiter)
            except ProbeFailure as exc:
                self._arm_error = ProbeError(str(exc))
            except ImportError as exc:
                self._arm_error = exc
            if self._arm_error is not None:
                self._close_now()
        if self._arm_error is not None:
            raise self._arm_error

    async def __aenter__(self) -> Self:
        await self.armed()
        await super().__aenter__()
        return self

    async def __anext__(self) -> ProbeHit | ProbeReturn:
        if self._armed is not None or self._arm_error is not None:
            await self.armed()
        return await super().__anext__()


def probe(process: Process, spec: object, *, returns: bool, intercept: bool, buffer: int,
          overflow: str, stacks: bool = False) -> ProbeStream:
    """Process.probe(), checked (see its docstring)."""
    specs = _specs(spec)
    returns = _check.flag(returns, "returns")
    intercept = _check.flag(intercept, "intercept")
    drop, oldest = overflow_mode(overflow, intercept)
    buffer = _check.integer(buffer, "buffer", 1, (1 << 31) - 1,
                            "the number of events the stream may hold, from 1 to 2**31-1")
    _check_extra()
    types = frozenset({ProbeHit, ProbeReturn} if returns else {ProbeHit})
    sub = Subscription(types, frozenset(), None, intercept, buffer, drop)
    if oldest:
        sub.drop_oldest()
    fam = process._fam
    sub.family = fam
    if _check.flag(stacks, "stacks") and not intercept:
        sub.capture = capturing(None)
    p = Probe(specs, sub, returns)
    sub.probe = p
    waiter = Waiter()
    hub = process._hub
    stream = ProbeStream._create(hub, sub, waiter)
    if fam.ended or hub.closed:
        waiter.set(error=ProbeFailure(
            f"process {process.pid} has exited: nothing to probe" if fam.ended else
            "the tracer is closed: open a new one with aiotrace.open_tracer()"))
        return stream
    process._streams.add(stream)
    core = hub.core
    core.subscribe(sub)   # (taken on before the command below: no hit is missed)

    def done(err: BaseException | None) -> None:
        waiter.set(error=err)

    core.post(lambda: core.arm_probe(fam, p, done))
    return stream


def stack_capture(capture: Capture | None) -> Capture:
    """``events(stacks=True)``: a capture that takes the stack at each stop (the thread
    waits for it), then runs *capture*'s function. A stack read after the thread went on
    would be another one: no ``Capture(after_resume=, reads_nothing=, prefetch=)`` with
    it."""
    if capture is not None and (capture.after_resume is not None
                                or capture.reads_nothing is not None
                                or capture.prefetch is not None):
        raise ValueError("stacks=True takes each stack at the stop: it does not go with a "
                         "Capture's after_resume=, reads_nothing= or prefetch=")
    _check_extra()
    return Capture(capturing(capture.fn if capture is not None else None))


def _specs(spec: object) -> tuple[Spec, ...]:
    if isinstance(spec, (str, int)) and not isinstance(spec, bool):
        return (parse_spec(spec),)
    if isinstance(spec, Iterable) and not isinstance(spec, (bytes, dict)):
        out = tuple(parse_spec(s) for s in spec)
        if out:
            return out
    raise TypeError(f"probe() takes 'MODULE:SYMBOL', 'SYMBOL', an address, or a list of "
                    f"them, not {_check.show(spec)}")


def _check_extra() -> None:
    """The 'probes' extra, checked before anything reaches the tracer thread."""
    from ._core._symbols import need

    need("elftools")
    need("capstone")


__all__ = ["ProbeError", "ProbeStream", "TraceeGone", "probe"]
