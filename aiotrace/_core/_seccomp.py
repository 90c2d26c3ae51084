"""Compiling a set of syscalls to a seccomp-bpf filter that returns SECCOMP_RET_TRACE.

Installed in a spawned child just before exec, with ``PTRACE_O_TRACESECCOMP``, it makes
only the wanted syscalls stop (a ``PTRACE_EVENT_SECCOMP`` stop at entry); the others run
at full speed. strace calls this ``--seccomp-bpf``. The filter is pure data: this module
builds it as bytes and has no side effects.

Facts it relies on (seccomp(2), ptrace(2)):
* the filter sees ``struct seccomp_data``: ``nr`` at offset 0, ``arch`` at offset 4;
* ``SECCOMP_RET_TRACE`` with no tracer attached makes the syscall fail with ENOSYS, so a
  filtered process must not be detached while it runs (aiotrace refuses to);
* a filter can never be removed or widened, only stacked;
* ``restart_syscall`` and ``rt_sigreturn`` are never traced (stopping there would show
  calls the program did not make, and strace does the same).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable

AUDIT_ARCH_X86_64 = 0xC000003E
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_TRACE = 0x7FF00000
_NEVER = frozenset({15, 219})   # rt_sigreturn, restart_syscall

BPF_LD_W_ABS = 0x20
BPF_JEQ_K = 0x15
BPF_RET_K = 0x06
MAX_INSNS = 4096


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def compile_filter(nrs: Iterable[int]) -> bytes:
    """The filter program (an array of ``struct sock_filter``) tracing exactly *nrs*."""
    wanted = sorted(set(nrs) - _NEVER)
    prog = [
        _insn(BPF_LD_W_ABS, 0, 0, 4),                    # A = arch
        _insn(BPF_JEQ_K, 1, 0, AUDIT_ARCH_X86_64),      # x86-64? skip the next
        _insn(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),      # other ABIs run untraced
        _insn(BPF_LD_W_ABS, 0, 0, 0),                    # A = nr
    ]
    for nr in wanted:
        prog.append(_insn(BPF_JEQ_K, 0, 1, nr))          # nr? next : skip one
        prog.append(_insn(BPF_RET_K, 0, 0, SECCOMP_RET_TRACE))
    prog.append(_insn(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW))
    if len(prog) > MAX_INSNS:
        raise ValueError(f"seccomp filter too long ({len(prog)} instructions)")
    return b"".join(prog)


def run_filter(program: bytes, nr: int, arch: int = AUDIT_ARCH_X86_64) -> int:
    """Interpret *program* for one syscall (the subset of BPF compile_filter emits);
    for tests and for checking a filter without a kernel."""
    data = struct.pack("=iI", nr, arch)
    insns: list[tuple[int, int, int, int]] = [
        struct.unpack_from("=HBBI", program, i) for i in range(0, len(program), 8)]
    pc, acc = 0, 0
    while True:
        code, jt, jf, k = insns[pc]
        if code == BPF_LD_W_ABS:
            acc = struct.unpack_from("=I", data, k)[0]
            pc += 1
        elif code == BPF_JEQ_K:
            pc += 1 + (jt if acc == k else jf)
        elif code == BPF_RET_K:
            return k
        else:
            raise ValueError(f"unexpected BPF instruction {code:#x}")
