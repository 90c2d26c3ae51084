# SPDX-License-Identifier: GPL-2.0-or-later
"""What the command takes from aiotrace's private modules: all of it, here.

The command is built on aiotrace's public API (``aiotrace``, ``aiotrace.engines``), as
httpx's command is on httpx's. What it needs and that API does not offer yet comes from
this module only, so that when it is public these lines change and no other:

- the system call table (each ABI's names and numbers, the tracer's keys of calls,
  strace's classes, and a call's row: which arguments are paths and descriptors, which
  data ``-e read=``/``-e write=`` dump), beyond what ``aiotrace.syscalls`` gives;
- strace's decoder, ``aiotrace._decode``: arguments, return values and siginfo as strace
  prints them, and the stops a capture may decode after the thread has gone on;
- four system calls of the command's own, in ``aiotrace._core._ffi`` with every other
  ctypes call of aiotrace: a stopped thread's registers (``-i``, and rt_sigreturn's stack
  pointer), the address of ``environ`` (the first execve's line), the CPU a thread
  runs on (``--tracer-cpu=auto``), and a process letting any tracer in (``-D``);
- the core's search of PATH for a program (``which``), which spares the command the
  import of ``shutil``; and a thread's directory in /proc when /proc is another PID
  namespace's (``proc_dir``).
"""

from __future__ import annotations

from .._core._ffi import allow_any_tracer, current_cpu, environ_address, getregs
from .._core._procns import proc_dir
from .._core._spawn import which
from .._core._syscalls import (
    ABI_CODES, ABI_MODES, ABI_SUFFIX, ABI_SUFFIXES, ALL_KEYS, ALL_NAMES, NAMES_BY_ABI,
    NUMBERS_BY_ABI, class_names, key_selectors, make_key, row, selector_keys, syscall_number,
)
from .._decode import (
    SYSCALL_NAMES, errno_name, format_entry, format_exit, format_siginfo, late_captures,
)
from .._decode._ctx import FdText
from .._decode._fast import ENTRIES as FAST_ENTRIES
from .._decode._fast import EXITS as FAST_EXITS
from .._decode._fast import regs as fast_regs
from .._decode._pidns import PidNs, comm_of
from .._decode._pidns import decoding as pidns_decoding
from .._decode._quote import annotate_path, quote
from .._decode import _short_reads as short_reads
from .._decode._xlat import SIGNAL_NAMES
from .._decode import _xlat_kvm as kvm_tables   # (.KVM_EXIT_REASONS: read on first use)
from .._fdinfo import FD_KINDS, fd_details, pidfd_pid

__all__ = [
    # aiotrace._core._ffi
    "allow_any_tracer", "current_cpu", "environ_address", "getregs",
    # aiotrace._core._spawn, _procns
    "which", "proc_dir",
    # the system call table
    "ABI_CODES", "ABI_MODES", "ABI_SUFFIX", "ABI_SUFFIXES", "ALL_KEYS", "ALL_NAMES",
    "NAMES_BY_ABI", "NUMBERS_BY_ABI", "class_names", "key_selectors", "make_key", "row",
    "selector_keys", "syscall_number",
    # strace's decoder
    "SYSCALL_NAMES", "errno_name", "format_entry", "format_exit", "format_siginfo",
    "late_captures", "FdText", "annotate_path", "quote", "SIGNAL_NAMES", "kvm_tables",
    "short_reads", "FAST_ENTRIES", "FAST_EXITS", "fast_regs",
    # what an fd is (-y, -yy), shared with the library's paths=
    "FD_KINDS",
    "fd_details", "pidfd_pid",
    # --decode-pids=pidns: ids of the tracees' PID namespaces in the tracer's
    "PidNs", "pidns_decoding", "comm_of",
]
