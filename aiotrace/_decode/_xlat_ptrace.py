# SPDX-License-Identifier: GPL-2.0-or-later
"""Constants of ptrace, as strace 6.1 names them on x86-64: the requests (x86-64's own
among them), the options, the note types of the register sets, the offsets in struct
user. The tables are in ``xlat/xlat_ptrace.in`` (``_tables`` says how they are read)."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_ptrace", globals())   # the tables declared below: xlat/xlat_ptrace.in

PTRACE_REQUESTS: Names
PTRACE_OPTIONS: Flags
PTRACE_PEEKSIGINFO_FLAGS: Flags
PTRACE_SYSCALL_INFO_OPS: Names
NT_TYPES: Names
USER_REGS: Names
USER_FIELDS: Names
