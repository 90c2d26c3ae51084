"""Breakpoints in one address space: the int3 bytes, the XOL area, the injected mmap.

A *space* is the memory of one traced process (a vfork child shares its parent's until
it execs; a fork child gets a copy, breakpoints and XOL area included). Everything here
runs on the tracer thread. Facts it depends on:

* ``/proc/PID/mem`` writes with FOLL_FORCE, as debuggers do: it writes into read-only
  and executable pages (the kernel gives the process a private copy of the page), and it
  works while the process's threads run, unlike ``PTRACE_POKEDATA``, which needs the
  thread named to be stopped. A one-byte write is seen whole by the other threads: each
  sees the old instruction or the ``int3``, never a mix (the page is replaced at once),
  which is why a breakpoint is one byte and is never lifted while the process runs
  (see _xol for how the displaced instruction runs);
* ``int3`` traps with rip after it, and the kernel sends SIGTRAP with ``si_code``
  SI_KERNEL (0x80); a ``kill()`` or ``tgkill()`` of SIGTRAP has SI_USER or SI_TKILL, so a
  trap is ours only if rip-1 is one of our addresses *and* si_code is SI_KERNEL;
* a thread can run into an ``int3`` an instant before it is removed: its SIGTRAP is
  reported after the byte is back. Removed addresses are remembered (``retired``), so
  that such a late trap rewinds the thread onto the restored instruction instead of
  delivering SIGTRAP;
* the XOL area is mapped by the process itself: the tracer makes a stopped thread run
  one ``mmap`` system call (a ``syscall`` instruction found in the vDSO or another
  executable mapping, the arguments in the registers, ``PTRACE_SINGLESTEP``) with every
  signal blocked meanwhile (``PTRACE_SETSIGMASK``), then puts the registers and the mask
  back. ``orig_rax`` is -1 during the call, so that no interrupted system call of the
  thread is restarted on the way (its restart is decided when it leaves its stop, from
  the registers put back). This is done only at a signal-delivery-stop (the hit's own
  SIGTRAP): at a syscall or event stop, the kernel still has the current call to finish
  and would overwrite rax on the way out;
* the area is mapped within +-2 GiB of the module whose instructions it runs (a gap in
  ``/proc/PID/maps``, ``MAP_FIXED_NOREPLACE``), so that rip-relative displacements and
  32-bit jumps reach from it (see _xol). It is never unmapped: after a detach a thread
  may still be inside a slot (it runs the copied instruction and jumps back), so the
  area stays, as uprobes' ``[uprobes]`` area stays in a process.
"""

from __future__ import annotations

import ctypes
import os
import weakref
from typing import Any

from . import _ffi, _xol
from ._symbols import AddressMap, Module, Region, read_maps

_SI_KERNEL = 0x80
_PAGE = 4096
_AREA_MAX_DISTANCE = (1 << 31) - (16 << 20)   # (a margin for the module's own size)
_NR_MMAP = 9
_PROT_READ_EXEC = 0x1 | 0x4
_MAP_PRIVATE_ANON_NOREPLACE = 0x02 | 0x20 | 0x100000
_GETSIGMASK, _SETSIGMASK = 0x420A, 0x420B
_SINGLESTEP = 9
_WALL, _WNOTHREAD = 0x40000000, 0x20000000
_MASK64 = (1 << 64) - 1

_GETSIGINFO = int(_ffi.Req.GETSIGINFO)
_raw_ptrace = _ffi.raw_ptrace


class _Siginfo(ctypes.Structure):
    _fields_ = [("si_signo", ctypes.c_int), ("si_errno", ctypes.c_int),
                ("si_code", ctypes.c_int), ("rest", ctypes.c_char * 116)]


_SIGINFO = _Siginfo()   # (the tracer thread's: the only one that asks)
_SIGINFO_AT = ctypes.addressof(_SIGINFO)

_key_counter = [0]
# every live breakpoint by key: for the C loop's records of hits (see Handoff.convert)
BY_KEY: weakref.WeakValueDictionary[int, Breakpoint] = weakref.WeakValueDictionary()


def next_key() -> int:
    """A key no breakpoint has had (the streams' filters name breakpoints by key)."""
    _key_counter[0] += 1
    return _key_counter[0]


class Breakpoint:
    """An ``int3`` at *address*, and how the instruction it displaced runs."""

    __slots__ = ("key", "address", "orig", "plan", "module", "symbol", "probes", "internal",
                 "__weakref__")

    def __init__(self, address: int, orig: int, plan: _xol.Plan, module: str, symbol: str,
                 internal: bool = False) -> None:
        self.key = next_key()
        self.address = address
        self.orig = orig                 # the byte the int3 replaced
        self.plan = plan
        self.module = module
        self.symbol = symbol
        self.probes: list[Any] = []      # the _probes.Probe objects armed here
        self.internal = internal         # the dynamic linker's hook (see _probes)
        BY_KEY[self.key] = self

    @property
    def returns(self) -> bool:
        return any(p.returns and not p.closed for p in self.probes)


class InjectAborted(Exception):
    """The thread stopped for something else while it ran the injected call: *status* is
    that stop's wait status, to be handled as any stop (the thread was put back at the
    breakpoint, which it hits again once resumed)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class Space:
    """The breakpoints and XOL areas of one address space."""

    def __init__(self, pid: int) -> None:
        self.pid = pid                            # a process whose memory this is
        self.bps: dict[int, Breakpoint] = {}      # address -> breakpoint
        self.retired: set[int] = set()            # addresses whose int3 was removed
        self.slots: dict[int, int] = {}           # address -> its slot (kept for good)
        self.plans: dict[int, _xol.Plan] = {}     # address -> its plan (kept for good)
        self.areas: list[list[int]] = []          # [start, size, used]
        self.free: list[int] = []                 # slots of unmapped code, to reuse
        self.tramp = 0                            # the return trampoline (an int3), or 0
        self.modules: list[Module] = []           # as last read (see _probes.rescan)
        self.syscall_at = 0                       # a `syscall` instruction, once found
        self.rbrk = 0                             # the dynamic linker's hook, or 0
        # the C loop's table of the breakpoints it handles itself (see set_table)
        self.ctable: Any = None
        self._centries: Any = None

    def set_table(self, entries: list[tuple[int, int, int, bool]]) -> int:
        """The C loop's table (struct at_bps) of (address, where the thread goes on, key,
        whether a hit is a C hold): the breakpoints whose hits it handles itself; its
        address, for the threads' slots (0: none). Tracer thread, between two calls of the
        C loop (which reads it only then)."""
        from ._cloop import _binding

        if not entries:
            if self.ctable is not None:
                self.ctable.mask = 0
                self._centries = (_binding.Bp * 1)()
                self.ctable.table = ctypes.addressof(self._centries)
            return ctypes.addressof(self.ctable) if self.ctable is not None else 0
        cap = 8
        while cap < 2 * len(entries):
            cap *= 2
        arr = (_binding.Bp * cap)()
        for addr, to, key, hold in entries:
            i = _binding.bp_hash(addr, cap - 1)
            while arr[i].addr:
                i = (i + 1) & (cap - 1)
            arr[i].addr, arr[i].to, arr[i].key, arr[i].hold = addr, to, key, hold
        if self.ctable is None:
            self.ctable = _binding.Bps()
        self.ctable.table = ctypes.addressof(arr)
        self.ctable.mask = cap - 1
        self._centries = arr   # (kept alive: the table points at it)
        return ctypes.addressof(self.ctable)

    def copy(self, pid: int) -> Space:
        """The space of a fork child: the same bytes at the same addresses."""
        new = Space(pid)
        for addr, bp in self.bps.items():
            nb = Breakpoint(addr, bp.orig, bp.plan, bp.module, bp.symbol, bp.internal)
            nb.probes = [p for p in bp.probes if not p.closed]
            new.bps[addr] = nb
        new.retired = set(self.retired)
        new.slots = dict(self.slots)
        new.plans = dict(self.plans)
        new.areas = [list(a) for a in self.areas]
        new.free = list(self.free)
        new.tramp, new.modules = self.tramp, list(self.modules)
        new.syscall_at, new.rbrk = self.syscall_at, self.rbrk
        return new

    # -- memory ------------------------------------------------------------------------

    def write(self, addr: int, data: bytes) -> None:
        """Write code bytes (read-only pages too); OSError if the process is gone."""
        fd = os.open(f"/proc/{self.pid}/mem", os.O_RDWR | os.O_CLOEXEC)
        try:
            if os.pwrite(fd, data, addr) != len(data):
                raise OSError(5, f"short write at {addr:#x}")
        finally:
            os.close(fd)

    def read(self, addr: int, n: int) -> bytes:
        """Code bytes as the program would see them without our breakpoints."""
        fd = os.open(f"/proc/{self.pid}/mem", os.O_RDONLY | os.O_CLOEXEC)
        try:
            data = bytearray(os.pread(fd, n, addr))
        finally:
            os.close(fd)
        for a, bp in self.bps.items():
            if addr <= a < addr + len(data):
                data[a - addr] = bp.orig
        return bytes(data)

    def insert(self, bps: list[Breakpoint]) -> None:
        """Write the int3 of each of *bps*, all or none (OSError: none is left)."""
        done: list[Breakpoint] = []
        try:
            for bp in bps:
                self.write(bp.address, b"\xcc")
                done.append(bp)
        except OSError:
            for bp in done:
                try:
                    self.write(bp.address, bytes([bp.orig]))
                except OSError:
                    pass
            raise
        for bp in bps:
            self.bps[bp.address] = bp
            self.plans[bp.address] = bp.plan
            self.retired.discard(bp.address)

    def remove(self, bp: Breakpoint) -> None:
        """Put the original byte back (a thread may still report a trap of it: see
        ``retired``)."""
        if self.bps.get(bp.address) is bp:
            del self.bps[bp.address]
            self.retired.add(bp.address)
            try:
                self.write(bp.address, bytes([bp.orig]))
            except OSError:
                pass   # (gone: nothing to restore)

    def forget_unmapped(self, mods: list[Module]) -> None:
        """The objects mapped are now *mods* (the dynamic linker's hook, after a dlopen or a
        dlclose): forget what was in those unmapped since, the breakpoints (no byte to put
        back: the next object mapped there is another file, or the same one again, whose
        code is fresh from its file), the traps of removed ones, and the slots, whose copy
        of an instruction would be run for whatever comes to have that address next."""
        now = AddressMap(mods)
        before = AddressMap(self.modules)
        kept = {(m.path, m.bias) for m in mods}

        def gone(addr: int, path: str | None = None) -> bool:
            m, was = now.find(addr), before.find(addr)
            return (m is None or (path is not None and m.path != path)
                    or (was is not None and (was.path, was.bias) not in kept))

        for addr, bp in list(self.bps.items()):
            if gone(addr, bp.module):
                del self.bps[addr]
        self.retired = {a for a in self.retired if not gone(a)}
        for addr in [a for a in self.slots if gone(a)]:
            self.free.append(self.slots.pop(addr))   # (a library loaded again reuses it)
        for addr in [a for a in self.plans if gone(a)]:
            del self.plans[addr]
        self.modules = mods

    def restore_all(self) -> None:
        """Every original byte back (detach)."""
        for bp in list(self.bps.values()):
            self.remove(bp)

    # -- traps -------------------------------------------------------------------------

    def is_ours(self, pc: int) -> bool:
        return pc in self.bps or pc in self.retired or (pc == self.tramp and pc != 0)

    @staticmethod
    def from_int3(tid: int) -> bool:
        """Whether the SIGTRAP *tid* is stopped for came from an instruction (int3), not
        from kill() or tgkill()."""
        if _raw_ptrace(_GETSIGINFO, tid, 0, _SIGINFO_AT) == -1:
            return False
        return bool(_SIGINFO.si_code == _SI_KERNEL)

    # -- the XOL area --------------------------------------------------------------------

    def slot_for(self, bp: Breakpoint, tid: int, regs: _ffi.UserRegs, want_tramp: bool,
                 stash: list[tuple[int, int]]) -> int:
        """The slot of *bp* (written now if it has none), and the return trampoline if
        *want_tramp*; an area is mapped first if none is in reach. Runs at *tid*'s stop
        at *bp* (its SIGTRAP), whose registers are *regs*. 0 if no slot can be made;
        InjectAborted if the thread stopped for something else meanwhile."""
        slot = self.slots.get(bp.address, 0) if bp.plan.needs_slot else -1
        if slot and (self.tramp or not want_tramp):
            return max(slot, 0)
        if slot == 0:
            for i, at in enumerate(self.free):
                code = _xol.slot_code(bp.plan, at)
                if code is not None:
                    self.write(at, code)
                    del self.free[i]
                    self.slots[bp.address] = slot = at
                    break
        if slot == 0:
            for area in self.areas:
                if area[2] + _xol.SLOT_SIZE <= area[1]:
                    at = area[0] + area[2]
                    code = _xol.slot_code(bp.plan, at)
                    if code is not None:
                        self.write(at, code)
                        area[2] += _xol.SLOT_SIZE
                        self.slots[bp.address] = slot = at
                        break
        if (slot == 0 or (want_tramp and not self.tramp)):
            size = _PAGE * max(1, (len(self.bps) * _xol.SLOT_SIZE * 2 + _PAGE - 1) // _PAGE)
            start = self._map_area(tid, regs, bp.address, size, stash)
            if start:
                self.areas.append([start, size, _xol.SLOT_SIZE])   # (the first: trampoline)
                if not self.tramp:
                    self.write(start, b"\xcc")
                    self.tramp = start
                if slot == 0:
                    return self.slot_for(bp, tid, regs, False, stash)
        return max(slot, 0)

    def _map_area(self, tid: int, regs: _ffi.UserRegs, near: int, size: int,
                  stash: list[tuple[int, int]]) -> int:
        """Map an area of *size* bytes within reach of *near*, by the thread *tid* (see the
        module's docstring); its address, or 0."""
        regions = read_maps(self.pid)
        if not self.syscall_at:
            self.syscall_at = _find_syscall(self.pid, regions)
            if not self.syscall_at:
                return 0
        for hint in _gaps_near(regions, near, size):
            got = inject_syscall(tid, regs, self.syscall_at, _NR_MMAP, (
                hint, size, _PROT_READ_EXEC, _MAP_PRIVATE_ANON_NOREPLACE, _MASK64, 0), stash)
            if got == hint:
                return hint
            if not -4096 < got < 0:   # (mapped elsewhere: an old kernel ignored the flag)
                inject_syscall(tid, regs, self.syscall_at, 11, (got, size, 0, 0, 0, 0), stash)
        return 0


def _gaps_near(regions: list[Region], near: int, size: int) -> list[int]:
    """Addresses where *size* bytes fit in a gap of *regions* within reach of *near*,
    nearest first (a page of room left on each side)."""
    out = []
    prev_end = 0x10000
    for r in [*regions, Region(1 << 47, 1 << 47, "", 0, 0, "")]:
        lo, hi = prev_end + _PAGE, r.start - _PAGE - size
        prev_end = max(prev_end, r.end)
        if hi < lo:
            continue
        at = hi if hi < near else lo   # (the end of the gap nearest to *near*)
        if abs(at - near) < _AREA_MAX_DISTANCE:
            out.append(at)
    out.sort(key=lambda a: abs(a - near))
    return out[:4]


def _find_syscall(pid: int, regions: list[Region]) -> int:
    """The address of a ``syscall`` instruction (0f 05) in an executable mapping, the
    vDSO first; 0 if none is found."""
    order = sorted((r for r in regions if r.executable), key=lambda r: r.path != "[vdso]")
    try:
        fd = os.open(f"/proc/{pid}/mem", os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return 0
    try:
        for r in order[:8]:
            try:
                data = os.pread(fd, min(r.end - r.start, 1 << 20), r.start)
            except OSError:
                continue
            i = data.find(b"\x0f\x05")
            if i >= 0:
                return r.start + i
    finally:
        os.close(fd)
    return 0


def inject_syscall(tid: int, regs: _ffi.UserRegs, at: int, nr: int, args: tuple[int, ...],
                   stash: list[tuple[int, int]]) -> int:
    """Make the thread *tid*, stopped at a signal-delivery-stop with registers *regs*,
    run system call *nr* with *args* at the ``syscall`` instruction *at*, and put its
    registers and signal mask back; the call's return value. InjectAborted if it stopped
    for anything else on the way (its registers are put back, rip at the breakpoint it
    stopped at: rip - 1).

    It waits for the thread with ``waitpid(-1, __WALL | __WNOTHREAD)``, as the tracer's
    loop does, never for *tid* alone (a killed leader is not reported before its other
    threads are reaped, which only this thread does): the reports of other tracees that
    come meanwhile are appended to *stash*, for the caller to handle next."""
    saved = _ffi.UserRegs.from_buffer_copy(regs)
    mask = ctypes.c_uint64(0)
    _ffi.ptrace(_GETSIGMASK, tid, 8, ctypes.addressof(mask))
    every = ctypes.c_uint64(_MASK64)
    _ffi.ptrace(_SETSIGMASK, tid, 8, ctypes.addressof(every))
    call = _ffi.UserRegs.from_buffer_copy(regs)
    call.rax, call.orig_rax, call.rip = nr, _MASK64, at
    for name, v in zip(("rdi", "rsi", "rdx", "r10", "r8", "r9"), args, strict=False):
        setattr(call, name, v & _MASK64)
    result: int | None = None
    aborted: int | None = None
    try:
        _ffi.setregs(tid, call)
        _ffi.ptrace(_SINGLESTEP, tid, 0, 0)
        while True:
            got, status = os.waitpid(-1, _WALL | _WNOTHREAD)
            if got != tid:
                stash.append((got, status))
                continue
            if os.WIFSTOPPED(status):
                sig, event = os.WSTOPSIG(status), status >> 16
                if event == _ffi.Event.SECCOMP:   # (a prefilter that traces mmap)
                    _ffi.ptrace(_SINGLESTEP, tid, 0, 0)
                    continue
                if sig == 5 and event == 0:
                    now = _ffi.getregs(tid)
                    if now.rip == at + 2:
                        result = now.rax - (1 << 64) if now.rax >> 63 else int(now.rax)
                        break
            aborted = status
            break
    finally:
        if aborted is None or os.WIFSTOPPED(aborted):
            try:
                if aborted is not None:
                    saved.rip -= 1   # back onto the int3: the hit comes again
                _ffi.setregs(tid, saved)
                _ffi.ptrace(_SETSIGMASK, tid, 8, ctypes.addressof(mask))
            except OSError:
                pass
    if aborted is not None:
        raise InjectAborted(aborted)
    assert result is not None
    return result


__all__ = ["Breakpoint", "InjectAborted", "Space", "inject_syscall", "next_key"]
