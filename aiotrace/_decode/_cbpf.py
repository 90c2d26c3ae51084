# SPDX-License-Identifier: GPL-2.0-or-later
"""Classic BPF programs (``struct sock_fprog``), as strace 6.1 prints seccomp's filters:
``{len=3, filter=[BPF_STMT(BPF_LD|BPF_W|BPF_ABS, 0), BPF_JUMP(BPF_JMP|BPF_K|BPF_JEQ,
0x3, 0, 0x1), BPF_STMT(BPF_RET|BPF_K, SECCOMP_RET_ALLOW)]}``.

The instructions are listed only with ``-v`` (the filter's address otherwise). An
instruction that jumps (``jt`` or ``jf`` not 0) is a ``BPF_JUMP``, any other a
``BPF_STMT``; its code is its class and the fields that class has (``<linux/filter.h>``:
the size and mode of a load, the source and operation of an ALU or jump, the value a
``BPF_RET`` returns). A seccomp filter's ``BPF_RET`` constant is an action and its data
(``SECCOMP_RET_ERRNO|0x10``).
"""

from __future__ import annotations

import struct

from ._ctx import Ctx
from ._xlat import hexa, xval

BPF_MAXINSNS = 4096
_INSN = struct.Struct("<HBBI")   # struct sock_filter: code, jt, jf, k

CLASSES = {0: "BPF_LD", 1: "BPF_LDX", 2: "BPF_ST", 3: "BPF_STX", 4: "BPF_ALU",
           5: "BPF_JMP", 6: "BPF_RET", 7: "BPF_MISC"}
SIZES = {0x00: "BPF_W", 0x08: "BPF_H", 0x10: "BPF_B", 0x18: "BPF_DW"}
MODES = {0x00: "BPF_IMM", 0x20: "BPF_ABS", 0x40: "BPF_IND", 0x60: "BPF_MEM",
         0x80: "BPF_LEN", 0xA0: "BPF_MSH", 0xC0: "BPF_XADD"}
SOURCES = {0x00: "BPF_K", 0x08: "BPF_X"}
ALU_OPS = {0x00: "BPF_ADD", 0x10: "BPF_SUB", 0x20: "BPF_MUL", 0x30: "BPF_DIV",
           0x40: "BPF_OR", 0x50: "BPF_AND", 0x60: "BPF_LSH", 0x70: "BPF_RSH",
           0x80: "BPF_NEG", 0x90: "BPF_MOD", 0xA0: "BPF_XOR", 0xB0: "BPF_MOV",
           0xC0: "BPF_ARSH", 0xD0: "BPF_END"}
JMP_OPS = {0x00: "BPF_JA", 0x10: "BPF_JEQ", 0x20: "BPF_JGT", 0x30: "BPF_JGE",
           0x40: "BPF_JSET", 0x50: "BPF_JNE", 0x60: "BPF_JSGT", 0x70: "BPF_JSGE",
           0x80: "BPF_CALL", 0x90: "BPF_EXIT", 0xA0: "BPF_JLT", 0xB0: "BPF_JLE",
           0xC0: "BPF_JSLT", 0xD0: "BPF_JSLE"}
RVALS = {0x00: "BPF_K", 0x08: "BPF_X", 0x10: "BPF_A"}
MISC_OPS = {0x00: "BPF_TAX", 0x80: "BPF_TXA"}
SECCOMP_RET_ACTION_FULL = 0xFFFF0000
SECCOMP_RET_ACTIONS = {
    0x80000000: "SECCOMP_RET_KILL_PROCESS", 0x00000000: "SECCOMP_RET_KILL_THREAD",
    0x00030000: "SECCOMP_RET_TRAP", 0x00050000: "SECCOMP_RET_ERRNO",
    0x7FC00000: "SECCOMP_RET_USER_NOTIF", 0x7FF00000: "SECCOMP_RET_TRACE",
    0x7FFC0000: "SECCOMP_RET_LOG", 0x7FFF0000: "SECCOMP_RET_ALLOW",
}


def _unknown_bits(v: int) -> str:
    return "|%s /* BPF_??? */" % hexa(v)


def code_text(code: int) -> str:
    """An instruction's code: ``BPF_JMP|BPF_K|BPF_JEQ``."""
    cls = code & 7
    rest = code & ~7
    text = xval(cls, CLASSES, "BPF_???")
    if cls in (0, 1):        # loads: size, mode
        return "%s|%s|%s" % (text, xval(code & 0x18, SIZES, "BPF_???"),
                             xval(code & 0xE0, MODES, "BPF_???"))
    if cls in (2, 3):        # stores: nothing more
        return text + _unknown_bits(rest) if rest else text
    if cls == 7:             # misc: the operation
        return "%s|%s" % (text, xval(code & 0xF8, MISC_OPS, "BPF_???"))
    if cls in (4, 5):        # ALU, jumps: source, operation
        ops = ALU_OPS if cls == 4 else JMP_OPS
        return "%s|%s|%s" % (text, xval(code & 0x08, SOURCES, "BPF_???"),
                             xval(code & 0xF0, ops, "BPF_???"))
    # BPF_RET: what it returns
    text = "%s|%s" % (text, xval(code & 0x18, RVALS, "BPF_???"))
    rest &= ~0x18
    return text + _unknown_bits(rest) if rest else text


def seccomp_k(k: int) -> str:
    """A seccomp filter's return: the action, then its data in hex."""
    action = k & SECCOMP_RET_ACTION_FULL
    data = k & ~action
    text = xval(action, SECCOMP_RET_ACTIONS, "SECCOMP_RET_???")
    return "%s|%s" % (text, hexa(data)) if data else text


def insn_text(code: int, jt: int, jf: int, k: int, *, seccomp: bool) -> str:
    if jt or jf:
        return "BPF_JUMP(%s, %s, %s, %s)" % (code_text(code), hexa(k), hexa(jt), hexa(jf))
    shown = seccomp_k(k) if seccomp and code & 7 == 6 else hexa(k)
    return "BPF_STMT(%s, %s)" % (code_text(code), shown)


def filter_array(c: Ctx, addr: int, n: int, *, seccomp: bool) -> str:
    """The instructions at *addr* (the address alone without -v)."""
    if addr == 0:
        return "NULL"
    if c.abbrev:
        return hexa(addr)
    if n == 0:
        return "[]"
    items = []
    for i in range(n):
        if i >= BPF_MAXINSNS:
            items.append("...")
            break
        data = c.read(addr + _INSN.size * i, _INSN.size)
        if data is None:
            if i == 0:
                return hexa(addr)
            items.append("... /* %s */" % hexa(addr + _INSN.size * i))
            break
        items.append(insn_text(*_INSN.unpack(data), seccomp=seccomp))
    return "[" + ", ".join(items) + "]"


def fprog(c: Ctx, addr: int, *, seccomp: bool = False) -> str:
    """A ``struct sock_fprog``: ``{len=N, filter=...}``."""
    return c.struct(addr, "<H6xQ", lambda n, filt: "{len=%d, filter=%s}" % (
        n, filter_array(c, filt, n, seccomp=seccomp)))


def seccomp_fprog(c: Ctx, addr: int) -> str:
    """A seccomp filter program (prctl's PR_SET_SECCOMP, seccomp's
    SECCOMP_SET_MODE_FILTER)."""
    return fprog(c, addr, seccomp=True)
