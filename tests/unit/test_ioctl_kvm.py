"""KVM's requests (0xae, linux/kvm.h) as strace 6.1 prints them on x86-64 (its test
ioctl_kvm_run.c). Tables, no tracee: the decoder is given the registers and a fake
memory (data at A)."""

from __future__ import annotations

import struct

import pytest

from fake_memory import EBADF, EBADF_TEXT, A
from fake_memory import ioctl_line as line
from aiotrace._decode._xlat_ioctl_names import code

OK = ") = 0"
SEGMENT = struct.pack("<QIH8B2x", 0xFFFF0000, 65535, 61440, 11, 1, 0, 0, 1, 0, 0, 0)
SEG_TEXT = ("{base=0xffff0000, limit=65535, selector=61440, type=11, present=1, dpl=0, db=0,"
            " s=1, l=0, g=0, avl=0}")
REGS = struct.pack("<18Q", *range(18))
CPUID = struct.pack("<II", 1, 0) + struct.pack("<7I12x", 4, 1, 1, 0x24, 0, 0, 0)


@pytest.mark.parametrize("name, arg, data, ret, kw, text", [
    ("KVM_CHECK_EXTENSION", 3, b"", 1, {}, "KVM_CAP_USER_MEMORY) = 1"),
    ("KVM_CHECK_EXTENSION", 100000, b"", 0, {}, "0x186a0 /* KVM_CAP_??? */" + OK),
    ("KVM_SET_USER_MEMORY_REGION", A, struct.pack("<IIQQQ", 0, 2, 0x1000, 4096, 0x7F00), 0,
     {}, "{slot=0, flags=KVM_MEM_READONLY, guest_phys_addr=0x1000, memory_size=4096,"
     " userspace_addr=0x7f00}" + OK),
    # the registers: in part without -v
    ("KVM_SET_REGS", A, REGS, 0, {}, "{rax=0, ..., rsp=0x6, rbp=0x7, ..., rip=0x10,"
     " rflags=0x11}" + OK),
    ("KVM_GET_REGS", A, REGS, 0, {"abbrev": False},
     "{rax=0, rbx=0x1, rcx=0x2, rdx=0x3, rsi=0x4, rdi=0x5, rsp=0x6, rbp=0x7, r8=0x8, r9=0x9,"
     " r10=0xa, r11=0xb, r12=0xc, r13=0xd, r14=0xe, r15=0xf, rip=0x10, rflags=0x11}" + OK),
    ("KVM_GET_REGS", A, REGS, EBADF, {}, "0x10000) = " + EBADF_TEXT),
    ("KVM_GET_SREGS", A, SEGMENT * 8 + bytes(312 - 192), 0, {}, "{cs=%s, ...}" % SEG_TEXT
     + OK),
    ("KVM_SET_SREGS", A, SEGMENT * 8 + struct.pack("<QH6xQH6x7Q4Q", 1, 2, 3, 4, 0, 0, 0, 0,
                                                    0, 0, 0xFEE00000, 0, 0, 0, 0),
     0, {"abbrev": False}, "{" + ", ".join("%s=%s" % (n, SEG_TEXT) for n in (
         "cs", "ds", "es", "fs", "gs", "ss", "tr", "ldt")) + ", gdt={base=0x1, limit=2},"
     " idt={base=0x3, limit=4}, cr0=0, cr2=0, cr3=0, cr4=0, cr8=0, efer=0,"
     " apic_base=0xfee00000, interrupt_bitmap=[0, 0, 0, 0]}" + OK),
    # the CPUID entries
    ("KVM_SET_CPUID2", A, CPUID, 0, {}, "{nent=1, entries=[...]}" + OK),
    ("KVM_GET_SUPPORTED_CPUID", A, CPUID, 0, {"abbrev": False},
     "{nent=1, entries=[{function=0x4, index=0x1, flags=KVM_CPUID_FLAG_SIGNIFCANT_INDEX,"
     " eax=0x24, ebx=0, ecx=0, edx=0}]}" + OK),
    ("KVM_SET_CPUID2", A, struct.pack("<II", 0, 0), 0, {}, "{nent=0, entries=[]}" + OK),
])
def test_kvm(name, arg, data, ret, kw, text):
    assert line((3, code(name), arg), ret, data, **kw) == "ioctl(3, %s, %s" % (name, text)


def test_created_descriptors():
    # (the descriptor of a virtual CPU: -y names it)
    paths = {4: "anon_inode:kvm-vm", 5: "anon_inode:kvm-vcpu:0"}
    assert line((4, code("KVM_CREATE_VCPU"), 0), 5, fd_path=paths.get) == (
        "ioctl(4<anon_inode:kvm-vm>, KVM_CREATE_VCPU, 0) = 5<anon_inode:kvm-vcpu:0>")
