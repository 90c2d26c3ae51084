# SPDX-License-Identifier: GPL-2.0-or-later
"""What the data layer takes from the ``aiotrace`` command: its strace decoder and
printer (one printer for the command, ``str(event)`` and recordings), and the syscall
classes. In one place, so that a move of the command's modules is one edit here."""

from __future__ import annotations

from .._cli._decoder import Decoder as Decoder
from .._cli._decoder import execve_text as execve_text
from .._cli._filter import CLASSES as CLASSES
from .._cli._output import TextPrinter as TextPrinter
from .._cli._output import death_text as death_text

__all__ = ["CLASSES", "Decoder", "TextPrinter", "death_text", "execve_text", "syscall_class"]

# The class a call is filed under in a recording's ``class`` column: the first of these
# that strace puts it in (openat is %file before %desc); a call in none of them has "".
_ORDER = ("file", "network", "process", "signal", "ipc", "memory", "desc", "creds", "clock",
          "stat", "statfs", "pure")
_FIRST: dict[str, str] = {}
for _c in reversed(_ORDER):
    for _n in CLASSES.get(_c, ()):
        _FIRST[_n] = _c


def syscall_class(name: str) -> str:
    """The class of system call *name* (``"file"``, ``"network"``...), or ``""``."""
    return _FIRST.get(name, "")


def in_class(cls: str) -> frozenset[str]:
    """The calls strace's ``%CLS`` names (``file``, ``net``...); KeyError if none."""
    return CLASSES[cls.lstrip("%")]
