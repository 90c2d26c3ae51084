# SPDX-License-Identifier: GPL-2.0-or-later
"""The reader of the constant tables in ``xlat/*.in`` (as strace keeps its own in ``xlat/``).

Constants are data: the names of the values of an argument (``ENOENT``, ``O_CREAT``) are
kept in text files beside the decoders, one file per ``_xlat*`` module
(``xlat/xlat_net.in`` holds the tables of ``_xlat_net.py``), shipped as package data.

The format, one table after another::

    # a comment, on its own line (where the values come from, what strace does)
    [O_FLAGS]
    O_CREAT 0o100
    O_EXCL 0o200

A table starts with its name in brackets; each line after it is a name and a value, a
Python integer literal (``17``, ``-1``, ``0x800``, ``0o4000``).

The module declares each table by its name and its kind, and reads them on first use::

    from ._tables import Flags, Names, Tables

    _T = Tables("xlat_net", globals())     # xlat/xlat_net.in

    SOCK_TYPES: Names          # {1: "SOCK_STREAM", ...}: a value's name, for xval()
    SOCK_TYPE_FLAGS: Flags     # (("SOCK_CLOEXEC", 0o2000000), ...): in order, for flags()

``Tables`` gives the module its ``__getattr__`` (PEP 562), so ``XN.SOCK_TYPES`` (or ``from
._xlat_net import SOCK_TYPES``) reads the file the first time and keeps the table in the
module.  Code of the module itself asks ``_T.names(...)``
or ``_T.flags(...)`` (a bare name would not call ``__getattr__``).  Two names of one
value in a ``Names`` table are an error.  A new decoder adds its tables to its module's
file, or a new ``xlat/xlat_<family>.in`` for a new ``_xlat_<family>.py``;
tests/unit/test_xlat_tables.py checks that each declared table is in the file and each
table of the file declared.
"""

from __future__ import annotations

import os
from typing import Any, Sequence

Names = dict[int, str]
Flags = Sequence[tuple[str, int]]

_DIR = os.path.join(os.path.dirname(__file__), "xlat")


def _words(text: str) -> list[list[str]]:
    """The words of each line of *text* but blank lines and comments."""
    return [words for words in map(str.split, text.splitlines()) if words and words[0][0] != "#"]


class Tables:
    """The tables of one file of ``xlat/``, for the module whose *namespace* (globals())
    declares them: ``Tables("xlat_net", globals())`` reads ``xlat/xlat_net.in``."""

    def __init__(self, name: str, namespace: dict[str, Any]) -> None:
        self.path = os.path.join(_DIR, name + ".in")
        self._namespace = namespace
        self._file: dict[str, list[list[str]]] | None = None
        # the module's __getattr__ (PEP 562): a declared table is read on first use
        namespace.setdefault("__getattr__", self.attribute)

    def _lines(self) -> dict[str, list[list[str]]]:
        if self._file is not None:
            return self._file
        with open(self.path, encoding="ascii") as f:
            text = f.read()
        # (built aside and published whole: another thread may ask for a table meanwhile)
        file: dict[str, list[list[str]]] = {}
        # one split per table, then one per line
        before, *tables = ("\n" + text).split("\n[")
        if _words(before):
            raise ValueError("%s: %r before the first [TABLE]"
                             % (self.path, " ".join(_words(before)[0])))
        for block in tables:
            head, *lines = _words("[" + block)
            table = head[0][1:-1]
            if head != ["[%s]" % table] or table in file:
                raise ValueError("%s: %r: expected [TABLE], a name not seen before"
                                 % (self.path, " ".join(head)))
            for words in lines:
                if len(words) != 2:
                    raise ValueError("%s: [%s]: expected a name and a value, not %r"
                                     % (self.path, table, " ".join(words)))
            file[table] = lines
        self._file = file
        return file

    def _pairs(self, table: str) -> list[tuple[str, int]]:
        try:
            lines = self._lines()[table]
        except KeyError:
            raise KeyError("no table [%s] in %s" % (table, self.path)) from None
        return [(name, int(value, 0)) for name, value in lines]

    def names(self, table: str) -> dict[int, str]:
        """The table as value -> name (read once, then kept in the module)."""
        got = self._namespace.get(table)
        if isinstance(got, dict):
            return got
        pairs = self._pairs(table)
        out = self._namespace[table] = {value: name for name, value in pairs}
        if len(out) != len(pairs):
            raise ValueError("[%s] in %s gives a value two names" % (table, self.path))
        return out

    def flags(self, table: str) -> tuple[tuple[str, int], ...]:
        """The table as (name, value) pairs, in the file's order (read once, then kept)."""
        got = self._namespace.get(table)
        if isinstance(got, tuple):
            return got
        out = self._namespace[table] = tuple(self._pairs(table))
        return out

    def declared(self) -> dict[str, str]:
        """The module's tables: name -> kind (``Names`` or ``Flags``)."""
        return {name: kind for name, kind in self._namespace.get("__annotations__", {}).items()
                if kind in ("Names", "Flags")}

    def attribute(self, name: str) -> object:
        """The module's ``__getattr__``: a table the module declares, read now."""
        kind = self.declared().get(name)
        if kind == "Names":
            return self.names(name)
        if kind == "Flags":
            return self.flags(name)
        raise AttributeError("module %r has no attribute %r" % (self._namespace["__name__"], name))

    def tables(self) -> list[str]:
        """The names of the tables of the file."""
        return list(self._lines())
