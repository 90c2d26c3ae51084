"""Stack traces of a stopped thread: unwinding with ``.eh_frame`` (and frame pointers where
there is none), frames named module+function+offset.

How (facts of the x86-64 System V ABI and of DWARF call frame information, see _cfi):
the first frame's pc is rip; each caller's is the return address its callee saved. The
callee's unwinding rule at its pc says where: the CFA (the stack pointer before the call
instruction) is a register plus an offset (or an expression), the return address is at
CFA-8, the saved rbp (and other callee-saved registers) at offsets from the CFA. For code
without call frame information (a module without ``.eh_frame``, JIT code), the frame
pointer chain is followed instead: [rbp] is the caller's rbp, [rbp+8] the return address.
A return address points after its call: the caller's rule is looked up at pc-1, except
after a signal frame (glibc's ``__restore_rt``, whose CIE says 'S'), where the interrupted
pc is exact.

A return probe's trampoline in a return address is replaced by the real address, which
the thread's probes keep by the stack slot it was read from (see _probes).

Unwinding reads the tracee's memory: it is right only while the thread is stopped (an
intercepted event, or a stream with ``stacks=True``, whose stacks are taken at the stop).
"""

from __future__ import annotations

import struct
from typing import Any

from . import _cfi, _ffi, _symbols
from ._symbols import AddressMap, Frame

_Q = struct.Struct("<Q")
_DWARF_REGS = ("rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10",
               "r11", "r12", "r13", "r14", "r15")
_MASK = (1 << 64) - 1
MAX_FRAMES = 256
_FP_REACH = 64 << 20   # a frame pointer this far above rsp is not one


class _Memory:
    """Reads of a stopped thread's memory, a page at a time."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._pages: dict[int, bytes] = {}

    def read(self, addr: int) -> int:
        page = addr & ~0xFFF
        off = addr - page
        data = self._pages.get(page)
        if data is None:
            try:
                data = _ffi.vm_read(self.pid, page, 4096)
            except OSError:
                data = b""
            self._pages[page] = data
        if off + 8 <= len(data):
            return int(_Q.unpack_from(data, off)[0])
        got = _ffi.vm_read(self.pid, addr, 8)   # (across two pages)
        if len(got) < 8:
            raise OSError(14, f"cannot read {addr:#x}")
        return int(_Q.unpack(got)[0])


def _table(m: _symbols.Module) -> _cfi.FrameTable | None:
    img = m.image
    got = img.frame_table
    if got is None:
        eh = img.section(".eh_frame")
        hdr = img.section(".eh_frame_hdr")
        got = _cfi.FrameTable(eh, hdr) if eh is not None and eh[1] else False
        img.frame_table = got
    return got if isinstance(got, _cfi.FrameTable) else None


def unwind(pid: int, regs: _ffi.UserRegs, amap: AddressMap, returns: dict[int, int] | None = None,
           limit: int = MAX_FRAMES) -> list[int]:
    """The pcs of the stack of the thread *pid* (a tid), stopped with registers *regs*,
    innermost first. *returns* maps the stack slots of return addresses that return
    probes replaced to the real ones."""
    mem = _Memory(pid)
    r: list[int | None] = [int(getattr(regs, n)) for n in _DWARF_REGS]
    r.append(int(regs.rip))
    pcs: list[int] = []
    exact = True   # this frame's pc is where it stopped, not a return address
    while len(pcs) < limit:
        pc = r[_cfi.RA]
        if not pc:
            break
        pcs.append(pc)
        look = pc if exact else pc - 1
        m = amap.find(look)
        table = _table(m) if m is not None else None
        row = table.row(look - m.bias) if table is not None and m is not None else None
        try:
            if row is None:
                nxt, slot = _by_frame_pointer(r, mem)
                exact = False
            else:
                nxt, slot = _by_rule(row, r, mem)
                exact = row.signal
        except (OSError, ValueError, IndexError, TypeError):
            break
        if nxt is None:
            break
        ra = nxt[_cfi.RA]
        if ra is not None and returns and slot in returns:
            nxt[_cfi.RA] = returns[slot]
        sp, new_sp = r[7], nxt[7]
        if new_sp is None or sp is None or (new_sp <= sp and not (row and row.signal)):
            if ra:
                pcs.append(nxt[_cfi.RA] or 0)
            break
        r = nxt
    return [p for p in pcs if p]


def _by_frame_pointer(r: list[int | None], mem: _Memory) -> tuple[list[int | None] | None, int]:
    bp, sp = r[6], r[7]
    if bp is None or sp is None or not sp <= bp < sp + _FP_REACH or bp & 7:
        return None, 0
    nxt: list[int | None] = [None] * _cfi.NREGS
    nxt[6] = mem.read(bp)
    nxt[7] = bp + 16
    nxt[_cfi.RA] = mem.read(bp + 8)
    return nxt, bp + 8


def _by_rule(row: _cfi.Row, r: list[int | None], mem: _Memory
             ) -> tuple[list[int | None] | None, int]:
    if row.cfa_expr is not None:
        cfa = _cfi.evaluate(row.cfa_expr, r, mem.read)
    else:
        base = r[row.cfa_reg] if row.cfa_reg < len(r) else None
        if base is None:
            return None, 0
        cfa = (base + row.cfa_off) & _MASK
    nxt: list[int | None] = list(r)
    slot = 0
    for k, rule in enumerate(row.regs):
        kind = rule.kind
        if kind == _cfi.SAME:
            continue
        if kind == _cfi.UNDEFINED:
            nxt[k] = None
        elif kind == _cfi.OFFSET:
            at = (cfa + rule.arg) & _MASK
            nxt[k] = mem.read(at)
            if k == _cfi.RA:
                slot = at
        elif kind == _cfi.VAL_OFFSET:
            nxt[k] = (cfa + rule.arg) & _MASK
        elif kind == _cfi.REGISTER:
            nxt[k] = r[rule.arg] if rule.arg < len(r) else None
        elif kind == _cfi.EXPRESSION:
            at = _cfi.evaluate(rule.arg, r, mem.read, cfa)
            nxt[k] = mem.read(at)
            if k == _cfi.RA:
                slot = at
        else:
            nxt[k] = _cfi.evaluate(rule.arg, r, mem.read, cfa)
    if row.regs[7].kind == _cfi.SAME:
        nxt[7] = cfa
    if row.regs[_cfi.RA].kind == _cfi.UNDEFINED:
        return None, 0   # (the outermost frame: _start, a thread's start)
    return nxt, slot


# -- naming the frames ----------------------------------------------------------------------

_maps: dict[int, tuple[str, AddressMap]] = {}


def address_map(pid: int) -> AddressMap:
    """The objects mapped in *pid* now (read again only when its maps changed)."""
    try:
        with open(f"/proc/{pid}/maps") as f:
            text = f.read()
    except OSError:
        got = _maps.get(pid)
        if got is not None:
            return got[1]
        raise ProcessLookupError(f"no process {pid}") from None
    got = _maps.get(pid)
    if got is not None and got[0] == text:
        return got[1]
    amap = AddressMap(_symbols.modules(pid, _symbols.parse_maps(text)))
    if len(_maps) > 64:
        _maps.clear()
    _maps[pid] = (text, amap)
    return amap


class Stack:
    """A stack taken at a stop: its pcs, innermost first, named when asked for."""

    __slots__ = ("pcs", "_amap")

    def __init__(self, pcs: list[int], amap: AddressMap) -> None:
        self.pcs = pcs
        self._amap = amap

    def frames(self) -> list[Frame]:
        out = []
        for i, pc in enumerate(self.pcs):
            out.append(_symbols.symbolize(self._amap, pc, caller=i > 0))
        return out


def take(pid: int, tid: int, regs: _ffi.UserRegs, returns: dict[int, int] | None = None) -> Stack:
    """The stack of thread *tid* of process *pid*, stopped with *regs*."""
    amap = address_map(pid)
    return Stack(unwind(tid, regs, amap, returns), amap)


# the tracer threads' tables of threads (see Probes), for the real return addresses of the
# threads whose stacks a capture takes (the tracer thread that runs the capture owns them)
thread_tables: list[dict[int, Any]] = []


def returns_of_tid(tid: int) -> dict[int, int] | None:
    for table in thread_tables:
        th = table.get(tid)
        if th is not None:
            return returns_of(th)
    return None


def returns_of(thread: Any) -> dict[int, int] | None:
    """The real return addresses a thread's return probes replaced, by stack slot."""
    tp = getattr(thread, "probe", None)
    if tp is None or not tp.frames:
        return None
    return {f.sp: f.ret for f in tp.frames}


def capturing(user: Any) -> Any:
    """A stream's capture= function that takes the stack at each stop (``stacks=True``),
    then runs the user's capture (*user*, or None)."""
    def capture(ev: Any, memory: Any) -> Any:
        if memory is not None:   # (None: a Death, nothing left to read)
            raw = getattr(ev, "_regs", None)
            try:
                regs = (_ffi.UserRegs.from_buffer_copy(raw) if raw is not None
                        else _ffi.getregs(ev.tid))
                object.__setattr__(ev, "_stack", take(ev.pid, ev.tid, regs,
                                                      returns_of_tid(ev.tid)))
            except (OSError, ValueError):
                pass   # (gone meanwhile: no stack)
        return user(ev, memory) if user is not None else None
    return capture


def event_stack(ev: Any) -> list[Frame]:
    """``TraceEvent.stack()``: the stack taken at the stop, or, for an event whose thread
    is held for this engine now, the stack read now."""
    st = ev._stack
    if st is not None:
        return list(st.frames())
    ctl = ev._ctl
    if ctl is not None and not ctl.done and not ctl.gone:
        raw = getattr(ev, "_regs", None)
        regs = _ffi.UserRegs.from_buffer_copy(raw) if raw is not None else ctl._raw_regs
        if regs is not None:
            thread = ctl._hold.thread
            return list(take(ev.pid, ev.tid, regs, returns_of(thread)).frames())
    raise RuntimeError(
        f"no stack for {ev.kind} event #{ev.seq}: an observer's stacks are taken at the stop "
        "only for a stream opened with stacks=True; an intercepting engine reads one with "
        "stack() while it holds the thread (before its verdict)")


__all__ = [
    "MAX_FRAMES", "Stack", "address_map", "capturing", "event_stack", "returns_of", "take",
    "unwind",
]
