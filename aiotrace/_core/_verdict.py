"""Verdicts as values: what one engine asks for a stop, and what the engines decided.

An engine's verdict method (``call.fail(errno.EACCES)``, on the event loop's thread) makes
a *verdict*, an immutable value such as ``Skip(-13)``, and posts it to the tracer thread
with the engine's hold. There :func:`merge` folds it into the stop's :class:`Decision`,
which the next engine sees (``event.verdict``) and which is applied when the thread goes
on (``_resume``). Nothing here runs a syscall: the rules are pure, and tested without a
tracee (tests/unit/test_verdict.py).

The merge rules are utrace's: the engines of a stop are asked one after the other
(on a syscall entry the one attached last first), and each later verdict overrides what it
names: a ``Skip`` cancels an earlier ``Rewrite`` and the other way round; a
``SetReturn``, a signal and a single-step are kept unless a later verdict names them again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from dataclasses import dataclass as value_class
else:   # (methods shared by the classes rather than compiled for each: start-up time)
    from ._valueclass import value_class, value_classes


@value_class(frozen=True, slots=True)
class Decision:
    """What the engines asked so far decided for the current stop (``event.verdict``).

    Every field has the value that means "nothing decided": an event whose decision is
    all defaults goes on as the thread would have without engines."""

    #: the call is skipped (at its entry) and returns this value: ``fail(err)`` is -err
    skip_return: int | None = None
    #: the call runs as this number instead (``rewrite()``), in its own ABI
    nr: int | None = None
    #: the call runs with these first arguments instead (``rewrite(args=...)``)
    args: tuple[int, ...] | None = None
    #: the call returns this value instead (at its exit: ``set_return()``, ``fail()``)
    set_return: int | None = None
    #: the signal delivered when the thread goes on (0: none): at a signal-delivery-stop
    #: its own or another; at a syscall stop, one sent to it (as ptrace's restart does)
    signo: int = 0
    #: the thread goes on for one instruction, then reports a ``SingleStep`` event
    singlestep: bool = False

    @property
    def changes_the_call(self) -> bool:
        """Whether the call is skipped or rewritten, or its return value changed."""
        return (self.skip_return is not None or self.nr is not None or self.args is not None
                or self.set_return is not None)


@value_class(frozen=True, slots=True)
class Skip:
    """Skip the call at its entry; it returns *retval* (``fail``, ``return_value``); the
    thread goes on with signal *signo* sent to it (0: none)."""

    retval: int
    signo: int = 0


@value_class(frozen=True, slots=True)
class Rewrite:
    """Run another call (*nr*) or the same with other first arguments (*args*)."""

    nr: int | None
    args: tuple[int, ...] | None
    signo: int = 0   # (as Skip's)


@value_class(frozen=True, slots=True)
class SetReturn:
    """The call returns *value* (at its exit: ``set_return``, ``fail``)."""

    value: int


@value_class(frozen=True, slots=True)
class DeliverSignal:
    """The signal of a signal-delivery-stop becomes *signo* (0: suppressed); at a syscall
    entry, *signo* is sent to the thread as it goes on (the ptrace restart's signal)."""

    signo: int


@value_class(frozen=True, slots=True)
class Step:
    """Go on for one instruction (``singlestep()``)."""


if not TYPE_CHECKING:
    value_classes(Decision, Skip, Rewrite, SetReturn, DeliverSignal, Step)

#: the decision of a stop nobody has decided anything for (shared: never changed)
CLEAN = Decision()
#: one engine's verdict (a plain ``resume()`` posts none: it changes nothing)
Verdict = Union[Skip, Rewrite, SetReturn, DeliverSignal, Step]
STEP = Step()


def merge(d: Decision, v: Verdict) -> Decision:
    """*d* with *v*, asked later, applied on top."""
    t = type(v)
    if t is Skip:
        assert isinstance(v, Skip)
        return Decision(v.retval, None, None, d.set_return, v.signo or d.signo, d.singlestep)
    if t is Rewrite:
        assert isinstance(v, Rewrite)
        return Decision(None, d.nr if v.nr is None else v.nr,
                        d.args if v.args is None else v.args, d.set_return,
                        v.signo or d.signo, d.singlestep)
    if t is SetReturn:
        assert isinstance(v, SetReturn)
        return Decision(d.skip_return, d.nr, d.args, v.value, d.signo, d.singlestep)
    if t is DeliverSignal:
        assert isinstance(v, DeliverSignal)
        return Decision(d.skip_return, d.nr, d.args, d.set_return, v.signo, d.singlestep)
    if t is Step:
        return Decision(d.skip_return, d.nr, d.args, d.set_return, d.signo, True)
    raise TypeError(f"not a verdict: {v!r}")


def seen_by_next(d: Decision) -> Decision | None:
    """What the next engine of the stop sees as ``event.verdict``: the decision if it
    changes the call, else None (a signal delivered as it came, no step: nothing asked)."""
    return d if d.changes_the_call else None


def rewritten_args(old: tuple[int, ...], new: tuple[int, ...]) -> tuple[int, ...]:
    """The arguments after a rewrite of the first ``len(new)`` of them."""
    return tuple(new) + tuple(old[len(new):])


__all__ = [
    "CLEAN", "STEP", "Decision", "DeliverSignal", "Rewrite", "SetReturn", "Skip", "Step",
    "Verdict", "merge", "rewritten_args", "seen_by_next",
]
