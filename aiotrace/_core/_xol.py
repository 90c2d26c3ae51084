"""Executing a probed instruction out of line: what takes its place when a breakpoint hits.

A breakpoint is an ``int3`` (one byte, 0xCC) written over the first byte of an
instruction. When a thread hits it, the instruction it replaced must still run, exactly
once, and the ``int3`` must stay: a thread of the same process may run into it at any
moment, and if the original byte were put back for a while (to step over it in place,
as a naive debugger does), that thread would run the instruction without a stop, a hit
missed. So, as the kernel's uprobes do, the instruction runs *out of line*: a copy of it
sits in a *slot*, in a page aiotrace maps into the process (the *XOL area*), followed by
a jump back to the instruction after the original; the thread is sent to the slot, and
the breakpoint is never lifted. Unlike uprobes, which single-steps the slot and fixes the
registers up at a second trap, the jump back makes the slot finish on its own: one stop
per hit.

What a copy needs (facts of x86-64 encoding):

* an instruction that addresses memory relative to ``rip`` (``mov rax, [rip+x]``, ``lea``,
  ``cmp byte [rip+x], 0``) gets its 32-bit displacement changed so that it reaches the
  same address from the slot: the XOL area is mapped within reach (+-2 GiB) of the
  module, and the check is made here;
* a conditional jump (``jcc``, ``jrcxz``, ``loop``) is copied as its 32-bit form aimed at
  the original target, then the jump back (``jrcxz``/``loop`` have no 32-bit form: a
  short hop over a jump to the target);
* instructions whose effect depends on their own address are not copied but *emulated*
  by the tracer at the stop: ``jmp rel`` (rip = target), ``call rel32`` and indirect
  calls (the return address pushed must be the original's, not the slot's: rsp -= 8,
  the address written, rip = target), and no-ops (``endbr64``, ``nop``: rip moves on);
* ``syscall`` works from a slot: the kernel returns (and restarts an interrupted call)
  relative to where it ran, the slot;
* an ``int3`` already there (a breakpoint of someone else, or of the program), ``int1``
  and transactional ``xbegin`` are refused.

Pure: the decoding is capstone's; nothing here reads or writes a tracee.
"""

from __future__ import annotations

import struct
from typing import Any, NamedTuple

from ._symbols import need

SLOT_SIZE = 32    # bytes per slot: 15 (the longest instruction) + the jumps, aligned
_REL32 = struct.Struct("<i")

# what happens at a hit
K_SLOT = "slot"          # run the slot's code (the copy, then the jump back)
K_JUMP = "jump"          # rip = target
K_CALL = "call"          # push the return address, rip = target
K_CALL_INDIRECT = "icall"   # the same, the target read from a register or memory
K_NEXT = "next"          # a no-op: rip = the next instruction

_GPR64 = frozenset({
    "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12",
    "r13", "r14", "r15"})


class Plan(NamedTuple):
    """How to run the instruction at *address* out of line."""

    address: int
    size: int
    text: str                 # "cmp byte ptr [rip + 0x141b46], 0", for messages
    kind: str                 # K_*
    code: bytes = b""         # the instruction's bytes
    target: int = 0           # K_JUMP, K_CALL; K_SLOT: a conditional jump's target
    disp_at: int = -1         # K_SLOT: offset of a rip-relative displacement in code
    cond: int = -1            # K_SLOT: a jcc's condition (0-15), or 0x100 + opcode of
                              # jrcxz/loop*
    # K_CALL_INDIRECT: ("reg", name) or ("mem", base, index, scale, disp, segment)
    operand: tuple[Any, ...] = ()

    @property
    def next(self) -> int:
        return self.address + self.size

    @property
    def needs_slot(self) -> bool:
        return self.kind == K_SLOT


class Unsupported(ValueError):
    """The instruction cannot be run out of line (the message says which and why)."""


_cs: Any = None


def _disassembler() -> Any:
    global _cs
    if _cs is None:
        capstone = need("capstone")
        cs = capstone.Cs(capstone.CS_ARCH_X86, capstone.CS_MODE_64)
        cs.detail = True
        _cs = cs
    return _cs


def analyze(code: bytes, address: int) -> Plan:
    """The plan for the instruction that *code* (at least its bytes; 16 read from the
    process) starts with, at *address*; Unsupported if there is none."""
    capstone = need("capstone")
    x86 = capstone.x86
    cs = _disassembler()
    insn = next(cs.disasm(code, address, 1), None)
    if insn is None:
        raise Unsupported(f"no valid instruction at {address:#x} (bytes {code[:8].hex()}): "
                          "is it the start of an instruction?")
    size, raw = insn.size, bytes(insn.bytes)
    text = f"{insn.mnemonic} {insn.op_str}".strip()
    base = Plan(address, size, text, K_SLOT, raw)
    m = insn.mnemonic
    if m in ("int3", "int1", "xbegin", "xabort") or raw[0] == 0xCC:
        raise Unsupported(f"the instruction at {address:#x} ({text}) cannot be probed "
                          "(a breakpoint already, or transactional)")
    if m in ("endbr64", "endbr32", "nop"):
        return base._replace(kind=K_NEXT)
    groups = set(insn.groups)
    rel = x86.X86_GRP_BRANCH_RELATIVE in groups
    if x86.X86_GRP_CALL in groups:
        if rel:
            return base._replace(kind=K_CALL, target=insn.operands[0].imm)
        op = insn.operands[0]
        if op.type == x86.X86_OP_REG:
            name = insn.reg_name(op.reg)
            if name not in _GPR64:
                raise Unsupported(f"{text} at {address:#x}: a call through {name}")
            return base._replace(kind=K_CALL_INDIRECT, operand=("reg", name))
        mem = op.mem
        names = [insn.reg_name(r) if r else None for r in (mem.base, mem.index, mem.segment)]
        b, i, seg = names
        if b == "rip":
            b = None
            disp = mem.disp + address + size
        else:
            disp = mem.disp
        for r in (b, i):
            if r is not None and r not in _GPR64:
                raise Unsupported(f"{text} at {address:#x}: 32-bit addressing")
        return base._replace(kind=K_CALL_INDIRECT,
                             operand=("mem", b, i, mem.scale, disp, seg))
    if rel:
        target = insn.operands[0].imm
        if m == "jmp":
            return base._replace(kind=K_JUMP, target=target)
        op0 = raw[0]
        if 0x70 <= op0 <= 0x7F:
            return base._replace(target=target, cond=op0 - 0x70)
        if op0 == 0x0F and 0x80 <= raw[1] <= 0x8F:
            return base._replace(target=target, cond=raw[1] - 0x80)
        # jrcxz/jecxz (E3, perhaps after a 0x67 prefix) and loop/loope/loopne (E0-E2)
        return base._replace(target=target, cond=0x100)
    if insn.disp_size == 4 and any(
            o.type == x86.X86_OP_MEM and o.mem.base == x86.X86_REG_RIP for o in insn.operands):
        return base._replace(disp_at=insn.disp_offset)
    if any(o.type == x86.X86_OP_MEM and o.mem.base == x86.X86_REG_RIP for o in insn.operands):
        raise Unsupported(f"{text} at {address:#x}: rip-relative without a 32-bit displacement")
    return base


def _rel32(frm: int, to: int) -> bytes | None:
    d = to - frm
    if not -(1 << 31) <= d < (1 << 31):
        return None
    return _REL32.pack(d)


def slot_code(plan: Plan, slot: int) -> bytes | None:
    """The bytes of *plan*'s slot at address *slot*: the copy, then the jump back; None if
    the slot is out of reach (a displacement or a jump would not fit in 32 bits)."""
    out = bytearray()
    if plan.cond >= 0x100:
        # [jrcxz/loop +2][jmp short +5][jmp target][jmp back]
        prefix = plan.code[:-2]   # (an address-size prefix, kept)
        out += prefix + bytes([plan.code[-2], 2, 0xEB, 5])
        to = _rel32(slot + len(out) + 5, plan.target)
        if to is None:
            return None
        out += b"\xe9" + to
    elif plan.cond >= 0:
        to = _rel32(slot + 6, plan.target)
        if to is None:
            return None
        out += bytes([0x0F, 0x80 + plan.cond]) + to
    else:
        code = bytearray(plan.code)
        if plan.disp_at >= 0:
            old = _REL32.unpack_from(code, plan.disp_at)[0]
            to = _rel32(slot + plan.size, plan.next + old)
            if to is None:
                return None
            code[plan.disp_at:plan.disp_at + 4] = to
        out += code
    back = _rel32(slot + len(out) + 5, plan.next)
    if back is None:
        return None
    out += b"\xe9" + back
    assert len(out) <= SLOT_SIZE
    return bytes(out)


def original_address(plan: Plan, slot: int, rip: int) -> int:
    """Where a thread stopped at *rip*, inside *plan*'s slot at *slot*, would be in the
    original code: between two instructions of the slot, it is before the copy (the
    slot's start), or after it (the jump back), or at a conditional jump's target."""
    at = rip - slot
    if at == 0:
        return plan.address
    if plan.cond >= 0x100 and at == 4:
        return plan.target   # (jrcxz/loop taken: at the jump to the target)
    return plan.next


def operand_address(operand: tuple[Any, ...], regs: Any) -> int:
    """The address a ``("mem", base, index, scale, disp, segment)`` operand names, with
    the thread's registers *regs* (a UserRegs)."""
    _, b, i, scale, disp, seg = operand
    addr = disp
    if b is not None:
        addr += getattr(regs, b)
    if i is not None:
        addr += getattr(regs, i) * scale
    if seg == "fs":
        addr += regs.fs_base
    elif seg == "gs":
        addr += regs.gs_base
    return int(addr) & ((1 << 64) - 1)


__all__ = [
    "K_CALL", "K_CALL_INDIRECT", "K_JUMP", "K_NEXT", "K_SLOT", "Plan", "SLOT_SIZE",
    "Unsupported", "analyze", "operand_address", "original_address", "slot_code",
]
