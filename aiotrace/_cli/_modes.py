# SPDX-License-Identifier: GPL-2.0-or-later
"""strace's output modes, call by call: ``-X`` (how constants print), ``-v`` and
``-e abbrev=`` (structures and arrays in full), ``-e verbose=`` (structures decoded or
only their address) and ``-e raw=`` (arguments as hex numbers).

``OutputModes.kw(name, abi)`` gives the keywords of ``format_entry``/``format_exit`` for
one call: none at all when every mode is the default, so that the usual run decodes as
before.
"""

from __future__ import annotations

from typing import Any

_SUFFIX = {"x86_64": "@64", "i386": "@32", "x32": "@x32"}
_NONE: dict[str, Any] = {}


def _has(names: frozenset[str], name: str, abi: str) -> bool:
    return name in names or name + _SUFFIX.get(abi, "") in names


class OutputModes:
    """The modes of a run (sets of names as ``parse_syscall_set`` gives them)."""

    __slots__ = ("xstyle", "abbrev", "verbose", "raw", "plain")

    def __init__(self, xstyle: int = 0, abbrev: frozenset[str] | None = None,
                 verbose: frozenset[str] | None = None,
                 raw: frozenset[str] = frozenset()) -> None:
        self.xstyle = xstyle        # _decode._style: ABBREV (0), RAW, VERBOSE
        self.abbrev = abbrev        # the calls abbreviated; None: all (the default)
        self.verbose = verbose      # the calls whose structures are decoded; None: all
        self.raw = raw              # the calls printed raw
        self.plain = not xstyle and abbrev is None and verbose is None and not raw

    @classmethod
    def of(cls, opts: Any) -> "OutputModes":
        """From the CLI's Options."""
        return cls(opts.xstyle, opts.abbrev, opts.verbose, opts.raw)

    def kw(self, name: str, abi: str = "x86_64") -> dict[str, Any]:
        if self.plain:
            return _NONE
        kw: dict[str, Any] = {}
        if self.xstyle:
            kw["xstyle"] = self.xstyle
        if self.raw and _has(self.raw, name, abi):
            kw["raw"] = True
        if self.abbrev is not None and not _has(self.abbrev, name, abi):
            kw["abbrev"] = False
        if self.verbose is not None and not _has(self.verbose, name, abi):
            kw["verbose"] = False
        return kw
