"""Compiling a set of syscalls to a seccomp-bpf filter that returns SECCOMP_RET_TRACE.

Installed in a spawned child just before exec, with ``PTRACE_O_TRACESECCOMP``, it makes
only the wanted syscalls stop (a ``PTRACE_EVENT_SECCOMP`` stop at entry); the others run
at full speed. strace calls this ``--seccomp-bpf``. The filter is pure data: this module
builds it as bytes and has no side effects.

Facts it relies on (seccomp(2), ptrace(2)):
* the filter sees ``struct seccomp_data``: ``nr`` (an int: the kernel's own, the low 32
  bits of rax) at offset 0, ``arch`` at offset 4;
* a process of any ABI can make calls of another: a 64-bit program ``int $0x80`` (arch
  AUDIT_ARCH_I386, i386 numbers), an x32 call (arch AUDIT_ARCH_X86_64, the number with
  __X32_SYSCALL_BIT). So the wanted calls are compiled per ABI, from their keys (see
  _syscalls): a call of another ABI that a stream may want stops like any other, and one
  of an architecture the filter does not know (none, on x86-64) always stops;
* ``SECCOMP_RET_TRACE`` with no tracer attached makes the syscall fail with ENOSYS, so a
  filtered process must not be detached while it runs (aiotrace refuses to);
* a filter can never be removed or widened, only stacked;
* ``restart_syscall``, ``rt_sigreturn`` (and i386's ``sigreturn``) are never traced
  (stopping there would show calls the program did not make, and strace does the same).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable

from ._syscalls import ABI_I386, AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, key_abi, key_raw, make_key

SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_TRACE = 0x7FF00000
_NEVER = frozenset({
    15, 219,                                                           # x86-64
    make_key(ABI_I386, 0), make_key(ABI_I386, 119), make_key(ABI_I386, 173),   # i386
    make_key(2, 513), make_key(2, 219),                                # x32
})

BPF_LD_W_ABS = 0x20
BPF_JEQ_K = 0x15
BPF_JA = 0x05
BPF_RET_K = 0x06
MAX_INSNS = 4096


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("=HBBI", code, jt, jf, k)


def _section(numbers: list[int]) -> list[bytes]:
    """A = nr; trace each of *numbers* (32-bit values), allow the rest."""
    prog = [_insn(BPF_LD_W_ABS, 0, 0, 0)]
    for n in numbers:
        prog.append(_insn(BPF_JEQ_K, 0, 1, n))          # nr? next : skip one
        prog.append(_insn(BPF_RET_K, 0, 0, SECCOMP_RET_TRACE))
    prog.append(_insn(BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW))
    return prog


def compile_filter(keys: Iterable[int]) -> bytes:
    """The filter program (an array of ``struct sock_filter``) tracing exactly the calls of
    *keys* (see _syscalls: x86-64 numbers, i386 and x32 calls), each in its own ABI."""
    x86_64: set[int] = set()   # x86-64 and x32 calls: arch X86_64, the number as it comes
    i386: set[int] = set()
    for key in set(keys) - _NEVER:
        raw = key_raw(key) & 0xFFFFFFFF
        (i386 if key_abi(key) == ABI_I386 else x86_64).add(raw)
    second = _section(sorted(i386))
    first = _section(sorted(x86_64))
    prog = [
        _insn(BPF_LD_W_ABS, 0, 0, 4),                    # A = arch
        _insn(BPF_JEQ_K, 1, 0, AUDIT_ARCH_X86_64),      # x86-64 (and x32): skip one
        _insn(BPF_JA, 0, 0, len(first)),                # the other section
    ]
    prog += first
    prog += [_insn(BPF_LD_W_ABS, 0, 0, 4),               # A = arch
             _insn(BPF_JEQ_K, 1, 0, AUDIT_ARCH_I386),    # i386: skip one
             _insn(BPF_RET_K, 0, 0, SECCOMP_RET_TRACE)]  # an ABI we do not know: stop
    prog += second
    if len(prog) > MAX_INSNS:
        raise ValueError(f"seccomp filter too long ({len(prog)} instructions)")
    return b"".join(prog)


def run_filter(program: bytes, nr: int, arch: int = AUDIT_ARCH_X86_64) -> int:
    """Interpret *program* for one syscall (the subset of BPF compile_filter emits);
    for tests and for checking a filter without a kernel. *nr* is the number as the
    thread passes it (an x32 call's with its bit); only its low 32 bits count."""
    data = struct.pack("=II", nr & 0xFFFFFFFF, arch)
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
        elif code == BPF_JA:
            pc += 1 + k
        elif code == BPF_RET_K:
            return k
        else:
            raise ValueError(f"unexpected BPF instruction {code:#x}")
