# SPDX-License-Identifier: GPL-2.0-or-later
"""The ``aiotrace`` command (``python -m aiotrace``): strace's options and output, on
aiotrace's public API. See docs/cli.md."""

from ._main import main as main

__all__ = ["main"]
