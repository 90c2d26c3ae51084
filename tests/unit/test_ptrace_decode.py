"""ptrace as strace 6.1 prints it on x86-64 (the lines of its tests ptrace.c and
ptrace_syscall_info.c), in each -X style, and the siginfo fields those tests show.
Tables, no tracee: the decoder is given the registers and a fake memory (data at A)."""

from __future__ import annotations

import errno
import struct

import pytest

from fake_memory import A, Memory, call_line
from aiotrace._decode import _style, format_entry, format_exit, format_syscall_line

ESRCH = -errno.ESRCH
ESRCH_TEXT = " = -1 ESRCH (No such process)"
M64 = (1 << 64) - 1
STYLES = {"abbrev": _style.ABBREV, "raw": _style.RAW, "verbose": _style.VERBOSE}
PEEKDATA, PEEKUSER, POKEUSER, CONT, ATTACH = 2, 3, 6, 7, 0x10
GETREGS, SETREGS, GETFPREGS = 0xC, 0xD, 0xE
SETOPTIONS, GETEVENTMSG, SETSIGINFO = 0x4200, 0x4201, 0x4203
GETREGSET, SETREGSET, PEEKSIGINFO, SETSIGMASK = 0x4204, 0x4205, 0x4209, 0x420B
GET_METADATA, GET_SYSCALL_INFO = 0x420D, 0x420E
AUDIT_ARCH_X86_64 = 0xC000003E


def line(args: tuple[int, ...], ret: int, data: bytes = b"", *, style: str = "abbrev") -> str:
    return call_line("ptrace", args, ret, data, xstyle=STYLES[style])


def siginfo(signo: int, code: int, err: int = 0, tail: bytes = b"") -> bytes:
    return (struct.pack("<iii4x", signo, err, code) + tail).ljust(128, b"\0")


REGS = struct.pack("<27Q", *range(1, 28))
INFO_HEAD = struct.pack("<B3xIQQ", 1, AUDIT_ARCH_X86_64, 0x1000, 0x2000)

# (arguments, data at A, return value, style, the line)
LINES = [
    # the request, the pid, and what each request prints of the address and the data
    ((0xBADC0DED, 5, 0, 0), b"", ESRCH, "abbrev",
     "ptrace(0xbadc0ded /* PTRACE_??? */, 5, NULL, NULL)" + ESRCH_TEXT),
    ((0, 5, 1, 2), b"", 0, "abbrev", "ptrace(PTRACE_TRACEME) = 0"),
    ((ATTACH, 5, 1, 2), b"", ESRCH, "verbose",
     "ptrace(0x10 /* PTRACE_ATTACH */, 5)" + ESRCH_TEXT),
    ((CONT, 5, 0, 10), b"", ESRCH, "abbrev", "ptrace(PTRACE_CONT, 5, NULL, SIGUSR1)" + ESRCH_TEXT),
    ((CONT, 5, 0, 0), b"", ESRCH, "raw", "ptrace(0x7, 5, NULL, 0)" + ESRCH_TEXT),
    ((SETOPTIONS, 5, 0, 0x100009), b"", ESRCH, "abbrev",
     "ptrace(PTRACE_SETOPTIONS, 5, NULL, PTRACE_O_TRACESYSGOOD|PTRACE_O_TRACECLONE"
     "|PTRACE_O_EXITKILL)" + ESRCH_TEXT),
    ((SETSIGMASK, 5, 8, A), struct.pack("<Q", 1 << 9), ESRCH, "abbrev",
     "ptrace(PTRACE_SETSIGMASK, 5, 8, [USR1])" + ESRCH_TEXT),
    ((SETSIGMASK, 5, 7, A), struct.pack("<Q", 1 << 9), ESRCH, "abbrev",
     "ptrace(PTRACE_SETSIGMASK, 5, 7, 0x10000)" + ESRCH_TEXT),
    # offsets in struct user
    ((PEEKUSER, 5, 8 * 10, A), b"", ESRCH, "abbrev",
     "ptrace(PTRACE_PEEKUSER, 5, 8*RAX, 0x10000)" + ESRCH_TEXT),
    ((POKEUSER, 5, 850, 1), b"", ESRCH, "abbrev",
     "ptrace(PTRACE_POKEUSER, 5, offsetof(struct user, u_debugreg)+2, 0x1)" + ESRCH_TEXT),
    ((POKEUSER, 5, 144, 1), b"", ESRCH, "verbose",
     "ptrace(0x6 /* PTRACE_POKEUSER */, 5, 0x90 /* 8*EFL */, 0x1)" + ESRCH_TEXT),
    ((POKEUSER, 5, 912, 1), b"", ESRCH, "abbrev",
     "ptrace(PTRACE_POKEUSER, 5, sizeof(struct user), 0x1)" + ESRCH_TEXT),
    ((POKEUSER, 5, 913, 1), b"", ESRCH, "abbrev",
     "ptrace(PTRACE_POKEUSER, 5, 0x391, 0x1)" + ESRCH_TEXT),
    # words the kernel writes
    ((PEEKDATA, 5, 0x1000, A), struct.pack("<Q", 0xCAFE), 0, "abbrev",
     "ptrace(PTRACE_PEEKDATA, 5, 0x1000, [0xcafe]) = 0"),
    ((PEEKDATA, 5, 0x1000, A), struct.pack("<Q", 0xCAFE), ESRCH, "abbrev",
     "ptrace(PTRACE_PEEKDATA, 5, 0x1000, 0x10000)" + ESRCH_TEXT),
    ((GETEVENTMSG, 5, 0, A), struct.pack("<Q", 42), 0, "abbrev",
     "ptrace(PTRACE_GETEVENTMSG, 5, NULL, [42]) = 0"),
    # siginfos
    ((SETSIGINFO, 5, 0, A), siginfo(29, 1, 2, struct.pack("<qi", -2, 23)), ESRCH, "abbrev",
     "ptrace(PTRACE_SETSIGINFO, 5, NULL, {si_signo=SIGIO, si_code=POLL_IN, si_errno=ENOENT,"
     " si_band=-2, si_fd=23})" + ESRCH_TEXT),
    ((SETSIGINFO, 5, 0, A), siginfo(5, 7, 0, struct.pack("<Q", 0xBEEF)), ESRCH, "verbose",
     "ptrace(0x4203 /* PTRACE_SETSIGINFO */, 5, NULL, {si_signo=5 /* SIGTRAP */,"
     " si_code=0x7, si_addr=0xbeef})" + ESRCH_TEXT),
    ((SETSIGINFO, 5, 0, A), siginfo(7, 4, 0, struct.pack("<Qh", 0xBEEF, 12)), ESRCH, "abbrev",
     "ptrace(PTRACE_SETSIGINFO, 5, NULL, {si_signo=SIGBUS, si_code=BUS_MCEERR_AR,"
     " si_addr=0xbeef, si_addr_lsb=0xc})" + ESRCH_TEXT),
    ((SETSIGINFO, 5, 0, A), siginfo(11, 3, 0, struct.pack("<Q8xQQ", 1, 0, 2)), ESRCH, "abbrev",
     "ptrace(PTRACE_SETSIGINFO, 5, NULL, {si_signo=SIGSEGV, si_code=SEGV_BNDERR,"
     " si_addr=0x1, si_lower=NULL, si_upper=0x2})" + ESRCH_TEXT),
    ((SETSIGINFO, 5, 0, A), siginfo(31, 1, 0, struct.pack("<QiI", 0, 0, AUDIT_ARCH_X86_64)),
     ESRCH, "verbose",
     "ptrace(0x4203 /* PTRACE_SETSIGINFO */, 5, NULL, {si_signo=31 /* SIGSYS */,"
     " si_code=0x1 /* SYS_SECCOMP */, si_call_addr=NULL, si_syscall=0 /* __NR_read */,"
     " si_arch=0xc000003e /* AUDIT_ARCH_X86_64 */})" + ESRCH_TEXT),
    ((PEEKSIGINFO, 5, A, A + 16), struct.pack("<QII", 0, 1, 4) + siginfo(10, -6), 1, "abbrev",
     "ptrace(PTRACE_PEEKSIGINFO, 5, {off=0, flags=PTRACE_PEEKSIGINFO_SHARED, nr=4},"
     " [{si_signo=SIGUSR1, si_code=SI_TKILL, si_pid=0, si_uid=0}]) = 1"),
    # registers: printed in place of the address, as far as the size given reaches
    ((SETREGS, 5, 0, A), REGS, ESRCH, "abbrev",
     "ptrace(PTRACE_SETREGS, 5, {r15=0x1, r14=0x2, r13=0x3, r12=0x4, rbp=0x5, rbx=0x6,"
     " r11=0x7, r10=0x8, r9=0x9, r8=0xa, rax=0xb, rcx=0xc, rdx=0xd, rsi=0xe, rdi=0xf,"
     " orig_rax=0x10, rip=0x11, cs=0x12, eflags=0x13, rsp=0x14, ss=0x15, fs_base=0x16,"
     " gs_base=0x17, ds=0x18, es=0x19, fs=0x1a, gs=0x1b})" + ESRCH_TEXT),
    ((GETREGS, 5, 0, A), REGS, ESRCH, "abbrev", "ptrace(PTRACE_GETREGS, 5, 0x10000)" + ESRCH_TEXT),
    ((GETFPREGS, 5, 0, A), struct.pack("<4HQQII", 0x37F, 0, 0, 0, 0, 0, 0x1F80, 0xFFFF)
     + bytes(480), 0, "abbrev",
     "ptrace(PTRACE_GETFPREGS, 5, {cwd=0x37f, swd=0, ftw=0, fop=0, rip=0, rdp=0, mxcsr=0x1f80,"
     " mxcr_mask=0xffff, st_space=[%s], xmm_space=[%s], padding=[%s]}) = 0"
     % (", ".join(["0"] * 32), ", ".join(["0"] * 64), ", ".join(["0"] * 24))),
    ((SETREGSET, 5, 1, A), struct.pack("<QQ", A + 16, 16) + REGS, 0, "abbrev",
     "ptrace(PTRACE_SETREGSET, 5, NT_PRSTATUS, {iov_base={r15=0x1, r14=0x2}, iov_len=16}) = 0"),
    ((SETREGSET, 5, 1, A), struct.pack("<QQ", A + 16, 12) + REGS, 0, "abbrev",
     "ptrace(PTRACE_SETREGSET, 5, NT_PRSTATUS, {iov_base=0x10010, iov_len=12}) = 0"),
    ((GETREGSET, 5, 2, A), struct.pack("<QQ", A + 16, 8) + REGS, 0, "abbrev",
     "ptrace(PTRACE_GETREGSET, 5, NT_FPREGSET, {iov_base={cwd=0x1, swd=0, ftw=0, fop=0},"
     " iov_len=8}) = 0"),
    ((GETREGSET, 5, 3, A), struct.pack("<QQ", A + 16, 8), ESRCH, "abbrev",
     "ptrace(PTRACE_GETREGSET, 5, NT_PRPSINFO, {iov_base=0x10010, iov_len=8})" + ESRCH_TEXT),
    ((GETREGSET, 5, 1, A + 4096), b"", ESRCH, "abbrev",
     "ptrace(PTRACE_GETREGSET, 5, NT_PRSTATUS, 0x11000)" + ESRCH_TEXT),
    # seccomp metadata: the offset at entry, the flags the kernel wrote at exit
    ((GET_METADATA, 5, 16, A), struct.pack("<QQ", 7, 1), 16, "abbrev",
     "ptrace(PTRACE_SECCOMP_GET_METADATA, 5, 16, {filter_off=7,"
     " flags=SECCOMP_FILTER_FLAG_TSYNC}) = 16"),
    ((GET_METADATA, 5, 7, A), struct.pack("<QQ", 7, 1), ESRCH, "abbrev",
     "ptrace(PTRACE_SECCOMP_GET_METADATA, 5, 7, 0x10000)" + ESRCH_TEXT),
    # a syscall's information: as much as the kernel wrote and the caller asked for
    ((GET_SYSCALL_INFO, 5, 40, A), INFO_HEAD + struct.pack("<7Q", 80, 1, 2, 3, 4, 5, 6), 80,
     "abbrev",
     "ptrace(PTRACE_GET_SYSCALL_INFO, 5, 40, {op=PTRACE_SYSCALL_INFO_ENTRY,"
     " arch=AUDIT_ARCH_X86_64, instruction_pointer=0x1000, stack_pointer=0x2000,"
     " entry={nr=__NR_chdir, args=[0x1]}}) = 80"),
    ((GET_SYSCALL_INFO, 5, 8, A), INFO_HEAD, 80, "verbose",
     "ptrace(0x420e /* PTRACE_GET_SYSCALL_INFO */, 5, 8, {op=0x1 /* PTRACE_SYSCALL_INFO_ENTRY */,"
     " arch=0xc000003e /* AUDIT_ARCH_X86_64 */}) = 80"),
    ((GET_SYSCALL_INFO, 5, 88, A), struct.pack("<B3xIQQ", 2, AUDIT_ARCH_X86_64, 1, 2)
     + struct.pack("<qB", -2, 1), 33, "abbrev",
     "ptrace(PTRACE_GET_SYSCALL_INFO, 5, 88, {op=PTRACE_SYSCALL_INFO_EXIT,"
     " arch=AUDIT_ARCH_X86_64, instruction_pointer=0x1, stack_pointer=0x2,"
     " exit={rval=-ENOENT, is_error=1}}) = 33"),
    ((GET_SYSCALL_INFO, 5, 32, A), struct.pack("<B3xIQQ", 2, AUDIT_ARCH_X86_64, 1, 2)
     + struct.pack("<qB", -2, 1), 33, "abbrev",
     "ptrace(PTRACE_GET_SYSCALL_INFO, 5, 32, {op=PTRACE_SYSCALL_INFO_EXIT,"
     " arch=AUDIT_ARCH_X86_64, instruction_pointer=0x1, stack_pointer=0x2,"
     " exit={rval=-2}}) = 33"),
]


@pytest.mark.parametrize("args, data, ret, style, text", LINES)
def test_ptrace(args, data, ret, style, text):
    assert line(args, ret, data, style=style) == text


def test_a_regset_length_the_kernel_changed():
    """PTRACE_GETREGSET: the iovec's length at entry, then the one the kernel wrote."""
    mem = Memory(bytearray(struct.pack("<QQ", A + 16, 24) + REGS))
    args = (GETREGSET, 5, 1, A)
    entry = format_entry("ptrace", args, mem)
    mem.data[8:16] = struct.pack("<Q", 16)
    full, rtext = format_exit("ptrace", args, 0, mem, entry_text=entry)
    assert format_syscall_line("ptrace", full, rtext, column=0) == (
        "ptrace(PTRACE_GETREGSET, 5, NT_PRSTATUS, {iov_base={r15=0x1, r14=0x2},"
        " iov_len=24 => 16}) = 0")


@pytest.mark.parametrize("name, args", [
    ("ptrace", (GETREGS, 5, 0, A)), ("keyctl", (0, 1, 2, 3, 4)),
    ("io_uring_register", (3, 0, A, 1)),
])
def test_other_abis_stay_in_hex(name, args):
    """The decoders read x86-64's layouts: i386's calls of those names are printed in hex."""
    text = format_entry(name, args, Memory(REGS), abi="i386")
    assert text == ", ".join("0x%x" % a if a else "0" for a in args)
    assert format_entry(name, args, Memory(REGS)) != text
