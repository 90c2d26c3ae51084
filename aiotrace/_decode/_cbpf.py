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

from . import _xlat_prctl as XR
from . import _xlat_sockopt as XS
from ._ctx import Ctx
from ._style import combine
from ._xlat import hexa, xval

BPF_MAXINSNS = 4096
_INSN = struct.Struct("<HBBI")   # struct sock_filter: code, jt, jf, k

SECCOMP_RET_ACTION_FULL = 0xFFFF0000


def _unknown_bits(v: int) -> str:
    return "|%s /* BPF_??? */" % hexa(v)


def code_text(code: int) -> str:
    """An instruction's code: ``BPF_JMP|BPF_K|BPF_JEQ``."""
    cls = code & 7
    rest = code & ~7
    text = xval(cls, XR.BPF_CLASSES, "BPF_???")
    if cls in (0, 1):        # loads: size, mode
        return "%s|%s|%s" % (text, xval(code & 0x18, XR.BPF_SIZES, "BPF_???"),
                             xval(code & 0xE0, XR.BPF_MODES, "BPF_???"))
    if cls in (2, 3):        # stores: nothing more
        return text + _unknown_bits(rest) if rest else text
    if cls == 7:             # misc: the operation
        return "%s|%s" % (text, xval(code & 0xF8, XR.BPF_MISC_OPS, "BPF_???"))
    if cls in (4, 5):        # ALU, jumps: source, operation
        ops = XR.BPF_ALU_OPS if cls == 4 else XR.BPF_JMP_OPS
        return "%s|%s|%s" % (text, xval(code & 0x08, XR.BPF_SOURCES, "BPF_???"),
                             xval(code & 0xF0, ops, "BPF_???"))
    # BPF_RET: what it returns
    text = "%s|%s" % (text, xval(code & 0x18, XR.BPF_RVALS, "BPF_???"))
    rest &= ~0x18
    return text + _unknown_bits(rest) if rest else text


def seccomp_k(k: int) -> str:
    """A seccomp filter's return: the action, then its data in hex."""
    action = k & SECCOMP_RET_ACTION_FULL
    data = k & ~action
    text = xval(action, XR.SECCOMP_RET_ACTIONS, "SECCOMP_RET_???")
    return "%s|%s" % (text, hexa(data)) if data else text


def socket_k(k: int) -> str:
    """A socket filter's absolute load from a special offset: ``SKF_NET_OFF+8``,
    ``SKF_AD_OFF+SKF_AD_PROTOCOL``; other offsets in hex."""
    for name, start in XS.SKF_OFFSETS:
        if k >= start:
            rest = k - start
            return "%s+%s" % (combine(hexa(start), name), xval(rest, XS.SKF_AD, "SKF_AD_???")
                              if name == "SKF_AD_OFF" else str(rest))
    return hexa(k)


def insn_text(code: int, jt: int, jf: int, k: int, *, seccomp: bool) -> str:
    """An instruction of a seccomp filter (*seccomp*) or of a socket filter."""
    if jt or jf:
        return "BPF_JUMP(%s, %s, %s, %s)" % (code_text(code), hexa(k), hexa(jt), hexa(jf))
    if seccomp:
        shown = seccomp_k(k) if code & 7 == 6 else hexa(k)
    else:   # (BPF_LD|BPF_ABS)
        shown = socket_k(k) if code & 0xE7 == 0x20 else hexa(k)
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
