# SPDX-License-Identifier: GPL-2.0-or-later
"""Times on trace lines, as strace prints them: ``-t``/``--absolute-timestamps`` (time of
day or seconds since the epoch, with 0, 3, 6 or 9 digits after the second), ``-r``/
``--relative-timestamps`` (since the previous line) and ``-T``/``--syscall-times`` (the
time spent in each call), each with its own precision.

The options' arguments are read here (``time_scale``, ``absolute_format``); a
:class:`Stamps` holds what a run prints and keeps the time of the previous line for
``-r`` (one for the whole trace, as strace has one: with ``-ff`` too).
"""

from __future__ import annotations

import time

# the precisions strace knows: name -> digits after the second
_SCALES = {"s": 0, "ms": 3, "us": 6, "ns": 9}


def time_scale(arg: str | None, default: int = 6) -> int | None:
    """The digits after the second of a precision argument (``s``, ``ms``, ``us``, ``ns``;
    *default* when there is no argument), or None if it is not one of them."""
    if arg is None:
        return default
    return _SCALES.get(arg)


def absolute_format(arg: str, fmt: str | None, width: int) -> tuple[str | None, int] | None:
    """``--absolute-timestamps=ARG`` applied to the current (format, digits): a list of
    ``[format:]none|time|unix`` and ``[precision:]s|ms|us|ns``, separated by commas.
    Returns the new pair (format None: no timestamps), or None if ARG is invalid. A
    precision alone keeps the format (time of day if there was none); a format alone
    keeps the precision."""
    new_fmt = ""     # "": not given
    new_width = None
    for token in filter(None, arg.split(",")):
        low = token.lower()
        kinds: tuple[str, ...] = ("format", "precision")
        for kind in kinds:
            if low.startswith(kind + ":"):
                token, low, kinds = token[len(kind) + 1:], low[len(kind) + 1:], (kind,)
                break
        if "format" in kinds and low in ("none", "time", "unix"):
            new_fmt = low
            continue
        if "precision" in kinds and token in _SCALES:
            new_width = _SCALES[token]
            continue
        return None
    if new_fmt == "":
        fmt = fmt or "time"
    else:
        fmt = None if new_fmt == "none" else new_fmt
    return fmt, width if new_width is None else new_width


def _fraction(ns: int, width: int) -> str:
    """``.DIGITS`` of the nanoseconds *ns* (< 1 s) cut to *width* digits ('' for 0)."""
    if not width:
        return ""
    return ".%0*d" % (width, ns // 10 ** (9 - width))


class Stamps:
    """What a run prints before each line (``-t``, ``-r``) and after each call (``-T``).

    *absolute*: None, "time" or "unix"; *abs_width*, *relative*, *durations*: digits
    after the second (*relative*, *durations*: None when not asked for)."""

    __slots__ = ("absolute", "abs_width", "relative", "durations", "_last")

    def __init__(self, absolute: str | None = None, abs_width: int = 0,
                 relative: int | None = None, durations: int | None = None) -> None:
        self.absolute = absolute
        self.abs_width = abs_width
        self.relative = relative
        self.durations = durations
        self._last: int | None = None

    @property
    def prefixed(self) -> bool:
        """Whether lines start with a time."""
        return self.absolute is not None or self.relative is not None

    def prefix(self, t_ns: int, wall_offset: int) -> str:
        """The times that start a line of the event at *t_ns* (a monotonic clock;
        *wall_offset* turns it into the time since the epoch)."""
        out = ""
        if self.absolute is not None:
            sec, ns = divmod(t_ns + wall_offset, 1_000_000_000)
            head = str(sec) if self.absolute == "unix" else \
                time.strftime("%H:%M:%S", time.localtime(sec))
            out = head + _fraction(ns, self.abs_width) + " "
        if self.relative is not None:
            last = t_ns if self._last is None else self._last
            self._last = t_ns
            sec, ns = divmod(max(0, t_ns - last), 1_000_000_000)
            rel = "%6d%s" % (sec, _fraction(ns, self.relative))
            out += "(+%s) " % rel if self.absolute is not None else rel + " "
        return out

    def duration(self, d_ns: int) -> str:
        """`` <TIME>``: -T's time spent in a call of *d_ns* nanoseconds."""
        sec, ns = divmod(max(0, d_ns), 1_000_000_000)
        return " <%d%s>" % (sec, _fraction(ns, self.durations or 0))
