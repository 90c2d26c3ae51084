# SPDX-License-Identifier: GPL-2.0-or-later
"""The name the command's messages begin with (``NAME: exec: Permission denied``).

strace begins its messages with the name it was invoked by (its ``argv[0]``, the path
the shell or the calling program gave). aiotrace does the same, with what Python keeps
of it, ``sys.argv[0]``: its console script (``aiotrace``, a path the shell found on
PATH) and ``python -m aiotrace`` are ``aiotrace``; under another name (a link named
``strace``, a program that runs ``main()`` as its own command) that name, as given.
"""

from __future__ import annotations

import os

_OWN = frozenset({"aiotrace", "__main__.py", "-c", ""})
_name = "aiotrace"


def prog() -> str:
    """The name messages begin with."""
    return _name


def invoked_as(argv0: str) -> None:
    """The command was invoked as *argv0* (``sys.argv[0]``): messages begin with it."""
    global _name
    _name = "aiotrace" if os.path.basename(argv0) in _OWN else argv0


__all__ = ["invoked_as", "prog"]
