"""The seccomp prefilter as data: which calls of which ABI the compiled BPF program
sends to the tracer, run by the filter's own interpreter (no tracee). Its effect on
real processes is in tests/tracing/test_seccomp.py."""

from __future__ import annotations

import pytest

from aiotrace._core._seccomp import (
    AUDIT_ARCH_X86_64, SECCOMP_RET_ALLOW, SECCOMP_RET_TRACE, compile_filter, run_filter,
)
from aiotrace._core._syscalls import ALL_KEYS, selector_keys


@pytest.mark.parametrize(
    "wanted, nr, arch, verdict",
    [
        ({110}, 110, AUDIT_ARCH_X86_64, SECCOMP_RET_TRACE),
        ({110}, 39, AUDIT_ARCH_X86_64, SECCOMP_RET_ALLOW),
        ({0, 1, 257}, 257, AUDIT_ARCH_X86_64, SECCOMP_RET_TRACE),
        ({0, 1, 257}, 2, AUDIT_ARCH_X86_64, SECCOMP_RET_ALLOW),
        ({110}, 110, 0x40000003, SECCOMP_RET_ALLOW),          # i386's 110 is iopl
        ({2}, 5, 0x40000003, SECCOMP_RET_ALLOW),              # x86-64's open only
        (selector_keys("open"), 5, 0x40000003, SECCOMP_RET_TRACE),   # i386's open
        (selector_keys("open"), 5, AUDIT_ARCH_X86_64, SECCOMP_RET_ALLOW),   # x86-64's fstat
        (selector_keys("open"), 0x40000002, AUDIT_ARCH_X86_64, SECCOMP_RET_TRACE),   # x32's
        (selector_keys("open@32"), 2, AUDIT_ARCH_X86_64, SECCOMP_RET_ALLOW),
        (selector_keys("stat64"), 195, 0x40000003, SECCOMP_RET_TRACE),
        ({-1}, 0xFFFFFFFF, AUDIT_ARCH_X86_64, SECCOMP_RET_TRACE),
        ({600}, 600, AUDIT_ARCH_X86_64, SECCOMP_RET_TRACE),
        (selector_keys("rt_sigreturn"), 173, 0x40000003, SECCOMP_RET_ALLOW),   # never traced
        (selector_keys("rt_sigreturn"), 0x40000201, AUDIT_ARCH_X86_64, SECCOMP_RET_ALLOW),
        (set(), 1, 0x1234, SECCOMP_RET_TRACE),                 # an ABI it does not know
        ({15, 219, 110}, 15, AUDIT_ARCH_X86_64, SECCOMP_RET_ALLOW),   # rt_sigreturn
        ({15, 219, 110}, 219, AUDIT_ARCH_X86_64, SECCOMP_RET_ALLOW),  # restart_syscall
        (set(), 0, AUDIT_ARCH_X86_64, SECCOMP_RET_ALLOW),
    ],
)
def test_filter_verdicts(wanted, nr, arch, verdict):
    assert run_filter(compile_filter(wanted), nr, arch) == verdict


def test_filter_for_every_syscall_fits():
    prog = compile_filter(range(470))
    assert len(prog) % 8 == 0 and len(prog) // 8 < 4096
    assert all(run_filter(prog, nr) == SECCOMP_RET_TRACE for nr in (0, 110, 469))
    prog = compile_filter(ALL_KEYS)   # every call of every ABI
    assert len(prog) // 8 < 4096
    assert run_filter(prog, 5, 0x40000003) == run_filter(prog, 0x40000220, AUDIT_ARCH_X86_64) \
        == SECCOMP_RET_TRACE
