# SPDX-License-Identifier: GPL-2.0-or-later
"""Symbolic names of the constants of prctl, seccomp and classic BPF programs (the
kernel's uapi ``<linux/prctl.h>``, ``<linux/seccomp.h>``, ``<linux/filter.h>``, as far as
strace 6.1 names them), printed by ``_prctl`` and ``_cbpf``."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_prctl", globals())   # the tables declared below: xlat/xlat_prctl.in

# prctl's options (strace 6.1's list: later options print as 0x.. /* PR_??? */)
PRCTL_OPTIONS: Names

# their arguments
PR_CAP_AMBIENT: Names
PR_FP_MODE: Flags
PR_MCE_KILL: Names
PR_MCE_KILL_POLICY: Names
PR_PAC_ENABLED_KEYS: Flags
PR_PAC_KEYS: Flags
PR_SCHED_CORE_CMDS: Names
PR_SCHED_CORE_PIDTYPES: Names
PR_SET_MM: Names
PR_SET_VMA: Names
PR_SPEC_CMDS: Names
PR_SPEC_STATES: Flags
PR_SPEC_SET: Names
PR_SUD_CMDS: Names
PR_TSC: Names
PR_UNALIGN: Flags
SECBITS: Flags
PR_SVE_VL_FLAGS: Flags
PR_SME_VL_FLAGS: Flags
PR_MTE_TCF: Names

# seccomp: prctl's modes, seccomp(2)'s operations and flags, a filter's actions
SECCOMP_MODES: Names
SECCOMP_OPS: Names
SECCOMP_FILTER_FLAGS: Flags
SECCOMP_RET_ACTIONS: Names

# classic BPF: an instruction's class, then each class's fields
BPF_CLASSES: Names
BPF_SIZES: Names
BPF_MODES: Names
BPF_SOURCES: Names
BPF_ALU_OPS: Names
BPF_JMP_OPS: Names
BPF_RVALS: Names
BPF_MISC_OPS: Names
