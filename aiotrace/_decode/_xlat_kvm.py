# SPDX-License-Identifier: GPL-2.0-or-later
"""The constants of the KVM requests of ``_ioctl_kvm``, as strace 6.1 names them
(xlat/xlat_kvm.in; ``_tables`` says how they are read)."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_kvm", globals())   # the tables declared below

KVM_CAP: Names
KVM_MEM_FLAGS: Flags
KVM_CPUID_FLAGS: Flags
KVM_EXIT_REASONS: Names
