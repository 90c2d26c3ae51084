"""DWARF call frame information (``.eh_frame``): where a function keeps its caller's
registers at each instruction. Pure: parses the bytes of an ELF file; nothing here reads a
tracee.

Facts (the DWARF 4 standard, section 6.4, and the LSB's description of ``.eh_frame``):

* ``.eh_frame`` is a list of CIEs (common parts: alignment factors, the return address
  register, how pointers are encoded) and FDEs (one per range of code: its initial
  location and length, then *instructions* that build, row by row, a table saying for
  each address how to compute the CFA (the caller's stack pointer) and where each saved
  register is);
* ``.eh_frame_hdr`` holds a table of (initial location, FDE address) sorted by location,
  for a binary search; without it, the FDEs are read in a row once;
* x86-64 numbers the registers rax 0, rdx 1, rcx 2, rbx 3, rsi 4, rdi 5, rbp 6, rsp 7,
  r8-r15 8-15, and the return address 16;
* the PLT's FDE computes its CFA with an expression (rsp + 8, + 8 more in the second half
  of each 16-byte entry), glibc's signal trampoline ``__restore_rt`` (an 'S' CIE) reads
  every register from the signal frame with expressions: the few DWARF operations those
  use are evaluated here.
"""

from __future__ import annotations

import bisect
import struct
from typing import Any, Callable, NamedTuple, TypeVar

RA = 16            # the return address column
NREGS = 17
_U32 = struct.Struct("<I")

# register rules
SAME, UNDEFINED, OFFSET, VAL_OFFSET, REGISTER, EXPRESSION, VAL_EXPRESSION = range(7)


class Rule(NamedTuple):
    kind: int
    arg: Any = 0      # an offset, a register, or an expression's bytes


class Row(NamedTuple):
    """The unwinding rule at one address: the CFA (register + offset, or an expression)
    and each register's rule."""

    cfa_reg: int
    cfa_off: int
    cfa_expr: bytes | None
    regs: tuple[Rule, ...]
    signal: bool       # a signal frame: its pc is not a return address


class CIE(NamedTuple):
    code_align: int
    data_align: int
    ra: int
    fde_enc: int
    signal: bool
    init: bytes
    z: bool            # its FDEs have augmentation data (a length first)


def _uleb(b: bytes, i: int) -> tuple[int, int]:
    out = shift = 0
    while True:
        c = b[i]
        i += 1
        out |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            return out, i


def _sleb(b: bytes, i: int) -> tuple[int, int]:
    out, j = _uleb(b, i)
    bits = 7 * (j - i)
    if b[j - 1] & 0x40:   # (the sign: bit 6 of the last byte)
        out -= 1 << bits
    return out, j


# DW_EH_PE_absptr, udata2/4/8, sdata2/4/8: fixed sizes (uleb128 and sleb128 are 0x01, 0x09)
_FIXED = {0x00: struct.Struct("<Q"), 0x02: struct.Struct("<H"), 0x03: struct.Struct("<I"),
          0x04: struct.Struct("<Q"), 0x0A: struct.Struct("<h"), 0x0B: struct.Struct("<i"),
          0x0C: struct.Struct("<q")}


def _pointer(b: bytes, i: int, enc: int, here: int, datarel: int) -> tuple[int, int]:
    """A pointer encoded with DW_EH_PE *enc* at offset *i* of *b*, whose address is
    *here*; (value, next offset)."""
    fmt = enc & 0x0F
    if fmt in _FIXED:
        v = _FIXED[fmt].unpack_from(b, i)[0]
        n = _FIXED[fmt].size
    elif fmt == 0x01 or fmt == 0x09:
        v, j = (_uleb if fmt == 0x01 else _sleb)(b, i)
        n = j - i
    else:
        raise ValueError(f"pointer encoding {enc:#x}")
    app = enc & 0x70
    if app == 0x10:
        v += here
    elif app == 0x30:
        v += datarel
    return v & ((1 << 64) - 1), i + n


_E = TypeVar("_E")


def _cached(cache: dict[int, _E], off: int, read: Callable[[int], _E]) -> _E:
    """The entry at *off* of the table, read once."""
    got = cache.get(off)
    if got is None:
        got = cache[off] = read(off)
    return got


class FrameTable:
    """The call frame information of one ELF file (its ``.eh_frame`` and
    ``.eh_frame_hdr``, as (address, bytes))."""

    def __init__(self, eh_frame: tuple[int, bytes], hdr: tuple[int, bytes] | None) -> None:
        self.addr, self.data = eh_frame
        self._cies: dict[int, CIE] = {}
        self._fdes: dict[int, tuple[int, int, CIE, bytes]] = {}
        locs: list[int] = []
        offs: list[int] = []
        if hdr is not None and len(hdr[1]) >= 12 and hdr[1][0] == 1:
            haddr, h = hdr
            enc_count, enc_table = h[2], h[3]
            _, i = _pointer(h, 4, h[1], haddr + 4, haddr)
            count, i = _pointer(h, i, enc_count, haddr + i, haddr)
            for _ in range(count):
                loc, i = _pointer(h, i, enc_table, haddr + i, haddr)
                fde, i = _pointer(h, i, enc_table, haddr + i, haddr)
                locs.append(loc)
                offs.append(fde - self.addr)
        else:
            for off, (start, _, _, _) in self._all_fdes():
                locs.append(start)
                offs.append(off)
            order = sorted(range(len(locs)), key=locs.__getitem__)
            locs = [locs[k] for k in order]
            offs = [offs[k] for k in order]
        self._locs, self._offs = locs, offs

    def _all_fdes(self) -> list[tuple[int, tuple[int, int, CIE, bytes]]]:
        out = []
        i, data = 0, self.data
        while i + 4 <= len(data):
            length = _U32.unpack_from(data, i)[0]
            if length == 0:
                break
            if _U32.unpack_from(data, i + 4)[0] != 0:
                try:
                    out.append((i, self._fde(i)))
                except (ValueError, IndexError, struct.error):
                    pass
            i += 4 + length
        return out

    def _cie(self, off: int) -> CIE:
        return _cached(self._cies, off, self._read_cie)

    def _fde(self, off: int) -> tuple[int, int, CIE, bytes]:
        return _cached(self._fdes, off, self._read_fde)

    def _read_cie(self, off: int) -> CIE:
        b = self.data
        length = _U32.unpack_from(b, off)[0]
        end = off + 4 + length
        i = off + 9   # (length, CIE id, version)
        version = b[off + 8]
        aug_end = b.index(b"\0", i)
        aug = b[i:aug_end].decode("ascii", "replace")
        i = aug_end + 1
        code_align, i = _uleb(b, i)
        data_align, i = _sleb(b, i)
        if version == 1:
            ra, i = b[i], i + 1
        else:
            ra, i = _uleb(b, i)
        fde_enc = 0
        signal = "S" in aug
        if aug.startswith("z"):
            n, i = _uleb(b, i)
            j = i
            for ch in aug[1:]:
                if ch == "R":
                    fde_enc = b[j]
                    j += 1
                elif ch == "P":
                    enc = b[j]
                    _, j = _pointer(b, j + 1, enc, self.addr + j + 1, 0)
                elif ch == "L":
                    j += 1
            i += n
        return CIE(code_align, data_align, ra, fde_enc, signal, bytes(b[i:end]),
                   aug.startswith("z"))

    def _read_fde(self, off: int) -> tuple[int, int, CIE, bytes]:
        b = self.data
        length = _U32.unpack_from(b, off)[0]
        end = off + 4 + length
        cie = self._cie(off + 4 - _U32.unpack_from(b, off + 4)[0])
        i = off + 8
        start, i = _pointer(b, i, cie.fde_enc, self.addr + i, 0)
        size, i = _pointer(b, i, cie.fde_enc & 0x0F, 0, 0)
        if cie.z:
            n, i = _uleb(b, i)
            i += n
        return (start, start + size, cie, bytes(b[i:end]))

    def row(self, pc: int) -> Row | None:
        """The rule at file address *pc*, or None if no FDE covers it."""
        k = bisect.bisect_right(self._locs, pc) - 1
        if k < 0:
            return None
        try:
            start, end, cie, insns = self._fde(self._offs[k])
        except (ValueError, IndexError, struct.error):
            return None
        if not start <= pc < end:
            return None
        try:
            return _execute(cie, insns, start, pc)
        except (ValueError, IndexError, struct.error):
            return None


def _execute(cie: CIE, insns: bytes, start: int, pc: int) -> Row:
    """Run the CIE's initial instructions, then the FDE's, up to *pc*."""
    regs: list[Rule] = [Rule(SAME)] * NREGS
    state: list[Any] = [7, 8, None]   # cfa register, offset, expression
    init_regs: list[Rule] = []
    stack: list[tuple[list[Rule], list[Any]]] = []
    loc = start

    def run(code: bytes, limit: bool) -> bool:
        nonlocal loc, regs
        i = 0
        while i < len(code):
            op = code[i]
            i += 1
            hi, lo = op & 0xC0, op & 0x3F
            if hi == 0x40:
                loc += lo * cie.code_align
                if limit and loc > pc:
                    return False
                continue
            if hi == 0x80:
                off, i = _uleb(code, i)
                _set(regs, lo, Rule(OFFSET, off * cie.data_align))
                continue
            if hi == 0xC0:
                _set(regs, lo, init_regs[lo] if lo < len(init_regs) else Rule(SAME))
                continue
            if op in (0x02, 0x03, 0x04, 0x01):
                if op == 0x01:
                    loc, i = struct.unpack_from("<Q", code, i)[0], i + 8
                else:
                    n = {0x02: 1, 0x03: 2, 0x04: 4}[op]
                    loc += int.from_bytes(code[i:i + n], "little") * cie.code_align
                    i += n
                if limit and loc > pc:
                    return False
            elif op == 0x00 or op == 0x2E:   # nop; GNU_args_size
                if op == 0x2E:
                    _, i = _uleb(code, i)
            elif op in (0x05, 0x11, 0x14, 0x15, 0x2F):
                r, i = _uleb(code, i)
                if op in (0x11, 0x15):
                    off, i = _sleb(code, i)
                else:
                    off, i = _uleb(code, i)
                off *= cie.data_align if op != 0x2F else -cie.data_align
                _set(regs, r, Rule(VAL_OFFSET if op in (0x14, 0x15) else OFFSET, off))
            elif op in (0x06, 0x07, 0x08):
                r, i = _uleb(code, i)
                rule = (init_regs[r] if op == 0x06 and r < len(init_regs) else
                        Rule(UNDEFINED) if op == 0x07 else Rule(SAME))
                _set(regs, r, rule)
            elif op == 0x09:
                r, i = _uleb(code, i)
                r2, i = _uleb(code, i)
                _set(regs, r, Rule(REGISTER, r2))
            elif op == 0x0A:
                stack.append((list(regs), list(state)))
            elif op == 0x0B:
                if stack:
                    regs, state[:] = stack.pop()
            elif op in (0x0C, 0x12):
                state[0], i = _uleb(code, i)
                if op == 0x12:
                    off, i = _sleb(code, i)
                    state[1] = off * cie.data_align
                else:
                    state[1], i = _uleb(code, i)
                state[2] = None
            elif op == 0x0D:
                state[0], i = _uleb(code, i)
                state[2] = None
            elif op in (0x0E, 0x13):
                if op == 0x13:
                    off, i = _sleb(code, i)
                    state[1] = off * cie.data_align
                else:
                    state[1], i = _uleb(code, i)
            elif op == 0x0F:
                n, i = _uleb(code, i)
                state[2] = code[i:i + n]
                i += n
            elif op in (0x10, 0x16):
                r, i = _uleb(code, i)
                n, i = _uleb(code, i)
                _set(regs, r, Rule(EXPRESSION if op == 0x10 else VAL_EXPRESSION, code[i:i + n]))
                i += n
            else:
                raise ValueError(f"DW_CFA {op:#x}")
        return True

    run(cie.init, False)
    init_regs = list(regs)
    run(insns, True)
    return Row(state[0], state[1], state[2], tuple(regs), cie.signal)


def _set(regs: list[Rule], r: int, rule: Rule) -> None:
    if r < NREGS:
        regs[r] = rule


def evaluate(expr: bytes, regs: list[int | None], read: Callable[[int], int],
             initial: int | None = None) -> int:
    """A DWARF expression of the few operations unwinding tables use (registers, constants,
    arithmetic, comparisons, deref). ValueError on anything else."""
    st: list[int] = [] if initial is None else [initial]
    i = 0
    m = (1 << 64) - 1
    while i < len(expr):
        op = expr[i]
        i += 1
        if 0x70 <= op <= 0x8F:
            off, i = _sleb(expr, i)
            v = regs[op - 0x70] if op - 0x70 < len(regs) else None
            if v is None:
                raise ValueError("unknown register")
            st.append((v + off) & m)
        elif 0x30 <= op <= 0x4F:
            st.append(op - 0x30)
        elif op in (0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F):
            n = {0x08: 1, 0x09: 1, 0x0A: 2, 0x0B: 2, 0x0C: 4, 0x0D: 4, 0x0E: 8, 0x0F: 8}[op]
            st.append(int.from_bytes(expr[i:i + n], "little", signed=bool(op & 1)) & m)
            i += n
        elif op == 0x11:
            v, i = _sleb(expr, i)
            st.append(v & m)
        elif op == 0x10:
            v, i = _uleb(expr, i)
            st.append(v)
        elif op == 0x23:
            v, i = _uleb(expr, i)
            st.append((st.pop() + v) & m)
        elif op == 0x06:
            st.append(read(st.pop()))
        elif op == 0x12:
            st.append(st[-1])
        elif op == 0x13:
            st.pop()
        elif op == 0x16:
            st[-1], st[-2] = st[-2], st[-1]
        elif op == 0x1F:
            st.append(-st.pop() & m)
        elif op == 0x20:
            st.append(~st.pop() & m)
        elif op in _BINARY:
            b, a = st.pop(), st.pop()
            st.append(_BINARY[op](a, b) & m)
        else:
            raise ValueError(f"DW_OP {op:#x}")
    return st[-1]


def _signed(v: int) -> int:
    return v - (1 << 64) if v >> 63 else v


_BINARY: dict[int, Callable[[int, int], int]] = {
    0x1A: lambda a, b: a & b, 0x21: lambda a, b: a | b, 0x27: lambda a, b: a ^ b,
    0x22: lambda a, b: a + b, 0x1C: lambda a, b: a - b, 0x1E: lambda a, b: a * b,
    0x24: lambda a, b: a << b, 0x25: lambda a, b: a >> b,
    0x29: lambda a, b: int(a == b), 0x2E: lambda a, b: int(a != b),
    0x2A: lambda a, b: int(_signed(a) >= _signed(b)), 0x2B: lambda a, b: int(_signed(a) > _signed(b)),
    0x2C: lambda a, b: int(_signed(a) <= _signed(b)), 0x2D: lambda a, b: int(_signed(a) < _signed(b)),
}


__all__ = ["FrameTable", "NREGS", "RA", "Row", "Rule", "evaluate"]
