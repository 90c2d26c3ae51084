# SPDX-License-Identifier: GPL-2.0-or-later
"""x86-64 syscall numbers: the core's table (``aiotrace._core._syscalls``), one for all."""

from __future__ import annotations

from .._core._syscalls import SYSCALL_NAMES, SYSCALL_NUMBERS, syscall_name

__all__ = ["SYSCALL_NAMES", "SYSCALL_NUMBERS", "syscall_name"]
