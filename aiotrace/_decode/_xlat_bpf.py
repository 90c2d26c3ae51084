# SPDX-License-Identifier: GPL-2.0-or-later
"""Constants of bpf, as strace 6.1 names them. The tables are in ``xlat/xlat_bpf.in``
(``_tables`` says how they are read)."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_bpf", globals())   # the tables declared below: xlat/xlat_bpf.in

BPF_COMMANDS: Names
BPF_PROG_TYPES: Names
BPF_ATTACH_TYPES: Names
BPF_PROG_FLAGS: Flags
BPF_MAP_TYPES: Names
BPF_MAP_FLAGS: Flags
BPF_LOOKUP_FLAGS: Flags
BPF_UPDATE_FLAGS: Names
BPF_FILE_MODE_FLAGS: Flags
BPF_ATTACH_FLAGS: Flags
BPF_QUERY_FLAGS: Flags
BPF_TASK_FD_TYPES: Names
BPF_TEST_RUN_FLAGS: Flags
BPF_KPROBE_MULTI_FLAGS: Flags
EBPF_REGS: Names
EBPF_CLASSES: Names
EBPF_MODES: Names
NUMA_NODES: Names
