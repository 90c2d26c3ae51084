"""Helpers of the loop side's public classes."""

from __future__ import annotations

from typing import NoReturn, TypeVar

_T = TypeVar("_T")


class NoPublicConstructor(type):
    """The metaclass of a class whose objects only aiotrace makes (``Tracer``,
    ``Process``, ``EventStream``): calling the class raises TypeError, with the class's
    ``_made_by`` to say where its objects come from; aiotrace makes them with
    ``cls._create(...)``. (trio's ``NoPublicConstructor`` is the model.)"""

    _made_by: str

    def __call__(cls, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError(f"{cls.__module__}.{cls.__qualname__} has no public constructor: "
                        f"{cls._made_by}")

    def _create(cls: type[_T], *args: object, **kwargs: object) -> _T:
        made: _T = type.__call__(cls, *args, **kwargs)
        return made
