# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: KVM (0xae, linux/kvm.h), as strace 6.1 decodes it on x86-64: the extensions,
the memory regions, the CPUID entries, the registers and segment registers (in part
without -v), and the descriptors of the virtual machines and CPUs created."""

from __future__ import annotations

import struct
from typing import Callable, Optional

from . import _ioctl as I
from . import _xlat_kvm as K
from ._ctx import Ctx
from ._kinds import R_FD
from ._misc import array
from ._xlat import flags, hexa, xval
from ._xlat_ioctl_names import code

_REGS = ("rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp", "r8", "r9", "r10", "r11",
         "r12", "r13", "r14", "r15", "rip", "rflags")
_SHORT_REGS = ("rax", "...", "rsp", "rbp", "...", "rip", "rflags")   # without -v
_SEGMENTS = ("cs", "ds", "es", "fs", "gs", "ss", "tr", "ldt")
_SEG_BITS = ("type", "present", "dpl", "db", "s", "l", "g", "avl")


def _region(d: bytes) -> str:
    slot, fl, phys, size, user = struct.unpack("<IIQQQ", d)
    return "{slot=%d, flags=%s, guest_phys_addr=%s, memory_size=%d, userspace_addr=%s}" % (
        slot, flags(fl, K.KVM_MEM_FLAGS, "KVM_MEM_???"), hexa(phys), size, hexa(user))


def _regs(c: Ctx, d: bytes) -> str:
    values = dict(zip(_REGS, struct.unpack("<18Q", d), strict=True))
    names = _SHORT_REGS if c.abbrev else _REGS
    return "{%s}" % ", ".join(n if n == "..." else "%s=%s" % (n, hexa(values[n]))
                              for n in names)


def _segment(d: bytes, at: int) -> str:
    base, limit, selector, *bits = struct.unpack_from("<QIH8B", d, at)
    return "{base=%s, limit=%d, selector=%d, %s}" % (
        hexa(base), limit, selector, ", ".join("%s=%d" % p for p in zip(_SEG_BITS, bits,
                                                                       strict=True)))


def _dtable(d: bytes, at: int) -> str:
    return "{base=%s, limit=%d}" % (hexa(struct.unpack_from("<Q", d, at)[0]),
                                    struct.unpack_from("<H", d, at + 8)[0])


def _sregs(c: Ctx, d: bytes) -> str:
    if c.abbrev:
        return "{cs=%s, ...}" % _segment(d, 0)
    out = ["%s=%s" % (n, _segment(d, 24 * i)) for i, n in enumerate(_SEGMENTS)]
    out += ["gdt=" + _dtable(d, 192), "idt=" + _dtable(d, 208)]
    regs = struct.unpack_from("<7Q", d, 224)
    out += ["%s=%d" % p for p in zip(("cr0", "cr2", "cr3", "cr4", "cr8", "efer"), regs,
                                     strict=False)]
    out += ["apic_base=" + hexa(regs[6]),
            "interrupt_bitmap=" + I.hex_array(struct.unpack_from("<4Q", d, 280))]
    return "{" + ", ".join(out) + "}"


def _cpuid_entry(d: bytes) -> str:
    function, index, fl, *regs = struct.unpack_from("<7I", d)
    return "{function=%s, index=%s, flags=%s, eax=%s, ebx=%s, ecx=%s, edx=%s}" % (
        hexa(function), hexa(index), flags(fl, K.KVM_CPUID_FLAGS, "KVM_CPUID_FLAG_???"),
        *map(hexa, regs))


def _cpuid(c: Ctx, arg: int) -> str:
    data = I.fetch(c, arg, 8)
    if isinstance(data, str):
        return data
    n = struct.unpack_from("<I", data)[0]
    if c.abbrev:
        return "{nent=%d, entries=[%s]}" % (n, "..." if n else "")
    return "{nent=%d, entries=%s}" % (n, array(c, arg + 8, n, 40, _cpuid_entry))


def _getter_setter(size: int, show: Callable[[Ctx, bytes], str], get: str) -> I.Handler:
    """A structure read from (set) or written to (*get*: at exit, the ", " too) the
    kernel."""
    def decode(c: Ctx, req: int, arg: int) -> str:
        if req == code(get) and not c.exiting:
            return ""
        data = I.fetch(c, arg, size)
        return I.done(c, ", " + (data if isinstance(data, str) else show(c, data)))
    return decode


def _kvm(c: Ctx, req: int, arg: int) -> Optional[str]:
    if req == code("KVM_CREATE_VCPU"):
        return I.done(c, ", %d" % (arg & 0xFFFFFFFF))
    if req == code("KVM_CHECK_EXTENSION"):
        return I.done(c, ", " + xval(arg, K.KVM_CAP, "KVM_CAP_???"))
    if req == code("KVM_SET_USER_MEMORY_REGION"):
        return I.at_entry(c, arg, 32, _region)
    if req in (code("KVM_SET_REGS"), code("KVM_GET_REGS")):
        return _REGS_DECODER(c, req, arg)
    if req in (code("KVM_SET_SREGS"), code("KVM_GET_SREGS")):
        return _SREGS_DECODER(c, req, arg)
    if req in _CPUID:
        if req != code("KVM_SET_CPUID2") and not c.exiting:
            return ""
        return I.done(c, ", " + _cpuid(c, arg))
    return None


_REGS_DECODER = _getter_setter(144, _regs, "KVM_GET_REGS")
_SREGS_DECODER = _getter_setter(312, _sregs, "KVM_GET_SREGS")
_CPUID = {code("KVM_SET_CPUID2"), code("KVM_GET_SUPPORTED_CPUID"),
          code("KVM_GET_EMULATED_CPUID")}

I.FAMILIES[0xAE] = _kvm
I.RETURNS.update({code("KVM_CREATE_VM"): R_FD, code("KVM_CREATE_VCPU"): R_FD})

