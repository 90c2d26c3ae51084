# SPDX-License-Identifier: GPL-2.0-or-later
"""The decoder's subclasses of ``str``, in a module of their own: mypyc cannot compile a
class that inherits from a built-in type, and keeping them here leaves the modules that
use them (``_ctx``, the decoder's entry points) compilable (docs/performance.md,
"Compiling the hot modules")."""

from __future__ import annotations

from typing import Any


class FdText(str):
    """An fd annotation's body that is already formatted (``-yy``): printed as it is."""


class EntryText(str):
    """The entry text, with the state the exit decoder needs."""

    saved: dict[str, Any]
