"""What the public classes of both sides share (the core's ``Memory``, the loop side's
``Tracer``, ``Process``, ``EventStream`` and handles)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn, TypeVar

_T = TypeVar("_T")


class NoPublicConstructor(type):
    """The metaclass of a class whose objects only aiotrace makes (``Tracer``,
    ``Process``, ``EventStream``, the handles of ``aiotrace.lowlevel`` and its
    ``Memory``): calling the class raises TypeError, with the class's ``_made_by`` to say
    where its objects come from; aiotrace makes them with ``cls._create(...)``. (trio's
    ``NoPublicConstructor`` is the model.)"""

    _made_by: str

    def __call__(cls, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError(f"{cls.__module__}.{cls.__qualname__} has no public constructor: "
                        f"{cls._made_by}")

    if TYPE_CHECKING:
        def _create(cls: type[_T], *args: object, **kwargs: object) -> _T: ...
    else:
        # type's own call, bound to the class: it makes the object as a plain class call
        # would, with no Python frame of ours in between (handles are made per event)
        _create = type.__call__
