# SPDX-License-Identifier: GPL-2.0-or-later
"""How constants are printed: strace's ``-X abbrev`` (names, the default), ``-X raw``
(numbers only) and ``-X verbose`` (the number, then the names in a comment).

The style is a context variable: the decoding entry points (``format_entry``,
``format_exit``, ``format_siginfo``) set it for the call they decode, on the thread that
decodes, and the printers of ``_xlat`` (and the few others that combine a number with
names) read it.  The rules, as strace 6.1 prints:

- a value with a name: ``NAME`` / ``0x3`` / ``0x3 /* NAME */``;
- a value without one: ``0x3 /* PREFIX_??? */`` in abbrev and verbose, ``0x3`` raw;
- a set of flags: ``A|B|0x100`` / ``0x103`` / ``0x103 /* A|B|0x100 */``; no flag known:
  ``0x100 /* PREFIX_??? */`` (or ``0x100`` where the set prints no such comment); zero:
  ``0``, or its name where 0 has one (``0 /* NAME */`` verbose, ``0`` raw);
- a composite (a mode, a signal set...): the number raw, the name form abbrev, both
  verbose (``0100644 /* S_IFREG|0644 */``).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, Callable, Iterator, TypeVar

ABBREV = 0
RAW = 1
VERBOSE = 2
STYLES = {"abbrev": ABBREV, "raw": RAW, "verbose": VERBOSE}

_style: ContextVar[int] = ContextVar("aiotrace_xlat_style", default=ABBREV)
get = _style.get

F = TypeVar("F", bound=Callable[..., str])


@contextmanager
def using(style: int) -> Iterator[None]:
    """Print with *style* in this block (on this thread)."""
    token = _style.set(style)
    try:
        yield
    finally:
        _style.reset(token)


def combine(number: str, names: str | None) -> str:
    """*number* and its symbolic form *names* (None: it has none) in the current style."""
    st = _style.get()
    if names is None or st == RAW:
        return number
    if st == VERBOSE:
        return "%s /* %s */" % (number, names)
    return names


def composite(number_of: Callable[[int], str]) -> Callable[[F], F]:
    """A printer of a value whose abbrev text combines names (``O_RDONLY|O_CLOEXEC``):
    raw, the value as *number_of* prints it; verbose, that number and the abbrev text in
    a comment.  An abbrev text that is already the number (nothing known), or the number
    and its comment (``0x80 /* O_??? */``), is kept as it is."""

    def deco(fn: F) -> F:
        @wraps(fn)
        def wrapper(v: int, *args: Any, **kw: Any) -> str:
            st = _style.get()
            if st == ABBREV:
                return fn(v, *args, **kw)
            num = number_of(v)
            if st == RAW:
                return num
            token = _style.set(ABBREV)
            try:
                text = fn(v, *args, **kw)
            finally:
                _style.reset(token)
            if text == num or text.startswith(num + " /* "):
                return text
            return "%s /* %s */" % (num, text)

        return wrapper  # type: ignore[return-value]

    return deco
