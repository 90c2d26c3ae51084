"""Frozen dataclasses made cheaply at import (start-up time, issue 24).

``dataclass()`` writes the source of each method of each class (``__init__``,
``__repr__``, ``__eq__``, ``__hash__``, and a frozen class's ``__setattr__`` and
``__delattr__``) and compiles it: a few milliseconds of every start of the command for
aiotrace's events and verdicts. Here the methods that depend on nothing but the fields
are written once, for every class (they read the fields from ``dataclasses.fields``), and
the ``__init__`` of several classes, which must keep each its own signature, are compiled
as one source.

Type checkers see the plain ``dataclass`` (``if TYPE_CHECKING: from dataclasses import
dataclass as value_class``); at run time ``value_class`` leaves out what
``value_classes()`` then gives the classes.
"""

from __future__ import annotations

import dataclasses
from typing import Any

_COMPARED: dict[type, tuple[str, ...]] = {}
_SHOWN: dict[type, tuple[str, ...]] = {}


def value_class(**params: Any) -> Any:
    """``dataclass(**params)`` without the methods ``value_classes()`` gives: the class
    is frozen by the shared ``__setattr__`` and ``__delattr__``, not by the ones a
    ``frozen=True`` dataclass compiles."""
    params.pop("frozen", None)
    make = dataclasses.dataclass(init=False, repr=False, eq=False, **params)

    def declared(cls: type) -> Any:
        # said to be what it is (a program's frozen dataclass may derive from it only
        # when its base says it is frozen)
        cls = make(cls)
        done = cls.__dataclass_params__    # type: ignore[attr-defined]
        done.init = done.repr = done.eq = done.frozen = True
        return cls
    return declared


def value_classes(*classes: type) -> None:
    """Give each of *classes* (``value_class`` ones) its ``__init__`` (slot_inits) and the
    shared ``__repr__``, ``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__`` and
    the pickle state of a frozen dataclass's."""
    slot_inits(*classes)
    for cls in classes:
        for name, method in _SHARED.items():
            setattr(cls, name, method)


def slot_inits(*classes: type) -> None:
    """Give each of *classes* an ``__init__`` with the dataclass's exact signature that
    stores each field through its slot descriptor (a frozen dataclass's own goes through
    ``object.__setattr__`` once per field): one source for all of them, compiled once."""
    ns: dict[str, Any] = {}
    source: list[str] = []
    for i, cls in enumerate(classes):
        params: list[str] = []
        kw: list[str] = []
        body: list[str] = []
        for f in dataclasses.fields(cls):
            ns[f"_set{i}_{f.name}"] = getattr(cls, f.name).__set__
            if f.default is not dataclasses.MISSING:
                ns[f"_default{i}_{f.name}"] = f.default
                p = f"{f.name}=_default{i}_{f.name}"
            else:
                p = f.name
            (kw if f.kw_only else params).append(p)
            body.append(f"    _set{i}_{f.name}(self, {f.name})\n")
        sig = ", ".join(["self", *params, *(["*", *kw] if kw else [])])
        source.append(f"def __init__{i}({sig}):\n{''.join(body) or '    pass'}\n")
    exec("".join(source), ns)  # noqa: S102 - fixed field names
    for i, cls in enumerate(classes):
        init = ns[f"__init__{i}"]
        init.__code__ = init.__code__.replace(co_name="__init__",
                                              co_qualname=f"{cls.__qualname__}.__init__")
        init.__name__ = "__init__"
        init.__qualname__ = f"{cls.__qualname__}.__init__"
        init.__annotations__ = {f.name: f.type for f in dataclasses.fields(cls)}
        init.__annotations__["return"] = None
        setattr(cls, "__init__", init)   # noqa: B010 - replacing the generated method


def compared(cls: type) -> tuple[str, ...]:
    """The fields a dataclass's ``__eq__`` compares (and its ``__hash__`` hashes)."""
    names = _COMPARED.get(cls)
    if names is None:
        names = _COMPARED[cls] = tuple(
            f.name for f in dataclasses.fields(cls) if (f.compare if f.hash is None else f.hash))
    return names


def value_eq(self: Any, other: object) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    names = compared(self.__class__)
    return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)


def value_hash(self: Any) -> int:
    return hash(tuple(getattr(self, n) for n in compared(self.__class__)))


def _repr(self: Any) -> str:
    cls = self.__class__
    names = _SHOWN.get(cls)
    if names is None:
        names = _SHOWN[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.repr)
    shown = ", ".join(f"{n}={getattr(self, n)!r}" for n in names)
    return f"{cls.__qualname__}({shown})"


def _setattr(self: Any, name: str, value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _delattr(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def _getstate(self: Any) -> list[Any]:
    return [getattr(self, f.name) for f in dataclasses.fields(self)]


def _setstate(self: Any, state: list[Any]) -> None:
    for f, value in zip(dataclasses.fields(self), state, strict=True):
        object.__setattr__(self, f.name, value)


frozen_setattr, frozen_delattr = _setattr, _delattr   # (the events': see _events)

_SHARED = {"__repr__": _repr, "__eq__": value_eq, "__hash__": value_hash,
           "__setattr__": _setattr, "__delattr__": _delattr,
           "__getstate__": _getstate, "__setstate__": _setstate}
