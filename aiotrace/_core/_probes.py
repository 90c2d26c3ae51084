"""Probes: breakpoints at functions of a traced process, handed to engines as events.

A *probe* (``Process.probe(spec)``) is a stream of ``ProbeHit`` (and, with
``returns=True``, ``ProbeReturn``) events, whose spec names functions by symbol or an
address (see _symbols). Its breakpoints go into every process of the family, now and
when the spec comes to name more: a library mapped later (at start-up, or by
``dlopen``), the new program after an ``exec``, a fork child (whose memory is a copy,
breakpoints included).

How a stop becomes a hit (tracer thread, from _stops): a SIGTRAP signal-delivery-stop
whose rip-1 is one of the space's breakpoints (see _breakpoints for the checks). The hit
goes through the arbiter as any event, to the streams of the probes armed there, the
engine attached last first (a hit decides about a call, as a syscall entry does). When
the thread goes on (``Resumer.go_on`` calls :meth:`Probes.apply`), the verdicts are
applied to its registers (``rewrite(args=)``, ``return_value()``), and the displaced
instruction runs out of line (_xol), or is emulated.

Return probes replace the return address at the function's entry (the word at rsp) with
the address of a *trampoline* (an ``int3`` in the XOL area), and keep the real one on a
per-thread shadow stack with the stack slot it came from. The return traps at the
trampoline with rsp just above that slot, which finds the frame even in recursion;
frames whose slot is below it were left by ``longjmp`` (or an exception) without a
return, and are dropped. Limits: code that switches stacks (``swapcontext``, coroutines,
green threads) or reads its own return address (``__builtin_return_address``, C++
exceptions unwinding *through* a probed function: the unwinder finds the trampoline,
which has no unwind table, and the program terminates) must not be probed with
``returns=True``.

The dynamic linker calls ``_dl_debug_state()`` after each change of its list of loaded
objects (start-up, ``dlopen``, ``dlclose``): gdb's "r_brk" hook. A breakpoint of our own
there (*internal*: no event) re-reads the mappings, arms the probes in the new objects and
forgets the breakpoints of objects that are gone.
"""

from __future__ import annotations

import ctypes
import signal
import struct
import time
import warnings
from typing import Callable, NamedTuple

from . import _ffi, _symbols, _xol
from ._breakpoints import Breakpoint, InjectAborted, Space
from ._model import Family, Proc, Subscription, Thread
from ._policy import C_HOLDS
from ._probe_events import ProbeHit, ProbeReturn
from ._resolve import ProbeFailure, resolve
from ._verdict import CLEAN, Decision

_Q = struct.Struct("<Q")
_MASK64 = (1 << 64) - 1
_SIGTRAP_BIT = 1 << (signal.SIGTRAP - 1)
_ARG_REGS = ("rdi", "rsi", "rdx", "rcx", "r8", "r9")
_LINKER_HOOK = "_dl_debug_state"
_GETREGS, _SETREGS = int(_ffi.Req.GETREGS), int(_ffi.Req.SETREGS)
_raw_ptrace = _ffi.raw_ptrace


class Probe:
    """One probe: its spec, its stream, and the breakpoints it is armed at."""

    def __init__(self, specs: tuple[_symbols.Spec, ...], sub: Subscription,
                 returns: bool) -> None:
        self.specs = specs
        self.sub = sub
        self.returns = returns
        self.family: Family | None = None
        self.closed = False
        self.keys: set[int] = set()   # keys of its breakpoints (the stream's filter)

    def add(self, bp: Breakpoint) -> None:
        if self not in bp.probes:
            bp.probes.append(self)
        if bp.key not in self.keys:
            self.keys.add(bp.key)
            self.sub.syscalls = frozenset(self.keys)


class RetFrame(NamedTuple):
    """A call of a function with a return probe, in progress."""

    ret: int          # the real return address
    sp: int           # the stack slot it was in (rsp at the entry)
    bp: Breakpoint
    t0: int           # monotonic ns at the entry


class Hit:
    """The stop of a thread at one of our breakpoints, until it goes on."""

    __slots__ = ("kind", "bp", "regs", "slot", "frame", "fresh", "t0")

    def __init__(self, kind: str, bp: Breakpoint | None, regs: _ffi.UserRegs, slot: int = 0,
                 frame: RetFrame | None = None, fresh: bool = True) -> None:
        self.kind = kind      # "entry", "return", "internal" or "late"
        self.bp = bp
        self.regs = regs      # at the stop, rip = the breakpoint's address
        self.slot = slot
        self.frame = frame
        self.fresh = fresh    # no engine may have changed the registers since
        self.t0 = time.monotonic_ns()


class ThreadProbes:
    """A thread's part: the hit being handled, and its calls with return probes."""

    __slots__ = ("hit", "frames")

    def __init__(self, frames: list[RetFrame] | None = None) -> None:
        self.hit: Hit | None = None
        self.frames: list[RetFrame] = frames or []


class Probes:
    """The probes of every family, on the tracer thread. *dispatch* and *release* are the
    arbiter's; *handle* is the stop handler (for stops that come while a thread runs an
    injected call); *reply* queues a callable for the loop."""

    def __init__(self, dispatch: Callable[..., None], release: Callable[[Thread], None],
                 handle: Callable[[int, int], None], reply: Callable[[Callable[[], None]], None],
                 accel: bool = False) -> None:
        self._dispatch = dispatch
        self._release = release
        self._handle = handle
        self._reply = reply
        self._accel = accel   # the C loop runs: it handles observers' hits itself (publish)

    # -- arming (commands) ---------------------------------------------------------------

    def arm(self, fam: Family, probe: Probe, reply: Callable[[BaseException | None], None]) -> None:
        """Place *probe* in every process of *fam*: all of its breakpoints, or none and an
        error (*reply* gets None or a ProbeFailure)."""
        try:
            self._arm(fam, probe)
        except ProbeFailure as exc:
            err: BaseException = exc
            self._reply(lambda: reply(err))
            return
        except ImportError as exc:
            err2: BaseException = exc
            self._reply(lambda: reply(err2))
            return
        self._reply(lambda: reply(None))

    def _arm(self, fam: Family, probe: Probe) -> None:
        procs = [p for p in fam.procs.values()
                 if p.status is None and not p.detached and not p.pre_exec and p.threads]
        root = fam.root.pid if fam.root is not None else 0
        if fam.ended or not procs:
            raise ProbeFailure(f"process {root} has exited: nothing to probe")
        if fam.detaching:
            raise ProbeFailure(f"process {root} is being detached: nothing to probe")
        if not fam.follow:
            raise ProbeFailure(
                f"process {root} is traced with follow=False: a breakpoint in a thread or "
                "child that aiotrace does not trace would kill it with SIGTRAP. Spawn or "
                "attach it with follow=True to probe it")
        plans: list[tuple[Proc, Space, list[Breakpoint]]] = []
        errors: list[str] = []
        for proc in procs:
            space = proc.space if proc.space is not None else Space(proc.pid)
            try:
                space.modules = _symbols.modules(proc.pid)
                new = self._breakpoints(space, proc.pid, probe, space.modules, strict=True)
            except ProbeFailure as exc:
                errors.append(str(exc))
                continue
            except (ProcessLookupError, FileNotFoundError):
                continue   # (gone meanwhile)
            plans.append((proc, space, new))
        if not plans:
            raise ProbeFailure(errors[0] if errors else f"process {root} has exited: nothing "
                               "to probe")
        probe.family = fam
        fam.probes = fam.probes + (probe,)
        for proc, space, new in plans:
            fresh = [bp for bp in new if bp.address not in space.bps]
            try:
                space.insert(fresh)
            except OSError:
                continue   # (it died meanwhile: its death is reported next)
            for bp in new:
                probe.add(space.bps.get(bp.address, bp))
            proc.space = space
            self._linker_hook(space, proc.pid)
        for space in _spaces(fam):
            self.publish(space, fam)

    def _breakpoints(self, space: Space, pid: int, probe: Probe, mods: list[_symbols.Module],
                     strict: bool) -> list[Breakpoint]:
        """The breakpoints *probe* needs among *mods* (the existing ones reused); with
        *strict*, a ProbeFailure when the spec names nothing there or in a library the
        process will load."""
        targets = [t for spec in probe.specs for t in resolve(spec, pid, mods, strict)]
        out = []
        for t in targets:
            bp = space.bps.get(t.address)
            if bp is None:
                try:
                    code = space.read(t.address, 16)
                    plan = _xol.analyze(code, t.address)
                except _xol.Unsupported as exc:
                    if strict:
                        raise ProbeFailure(f"probe {t.symbol or hex(t.address)!r}: {exc}"
                                           ) from None
                    continue
                except OSError:
                    if strict:
                        raise ProbeFailure(f"probe {t.symbol or hex(t.address)!r}: cannot read "
                                           f"the code at {t.address:#x} of process {pid}"
                                           ) from None
                    continue
                bp = Breakpoint(t.address, code[0], plan, t.module, t.symbol)
            elif bp.internal:
                bp.symbol = t.symbol
            out.append(bp)
        return out

    def publish(self, space: Space, fam: Family) -> None:
        """Tell the C loop which of *space*'s breakpoints it handles itself: those whose
        instruction has its slot (or is a no-op or a jump), whose streams are all plain
        observers of every thread (no capture, no interceptor, no return probe: those
        need Python at the stop), or are one intercepting engine of every thread alone
        (a C hold, as a syscall stop's: see adopt). Called whenever any of that
        changes."""
        if not self._accel:
            return
        entries = []
        if not fam.detaching:
            for addr, bp in space.bps.items():
                if bp.internal or bp.returns:
                    continue
                plan = bp.plan
                k = plan.kind
                to = (space.slots.get(addr, 0) if k == _xol.K_SLOT else plan.next
                      if k == _xol.K_NEXT else plan.target if k == _xol.K_JUMP else 0)
                if to and _observed_only(fam.subs, bp.key):
                    entries.append((addr, to, bp.key, False))
                elif to and C_HOLDS and _lone_interceptor(fam.subs, bp.key):
                    entries.append((addr, to, bp.key, True))
        at = space.set_table(entries)
        for proc in fam.procs.values():
            if proc.space is space:
                for th in proc.threads.values():
                    if th.slot is not None:
                        th.slot.bps = at

    def streams_changed(self, fam: Family) -> None:
        """A stream that wants probe events (``events(ProbeHit)``) came or went: the C
        loop's tables say again who takes each hit."""
        for space in _spaces(fam):
            self.publish(space, fam)

    def _linker_hook(self, space: Space, pid: int) -> None:
        """The internal breakpoint at the dynamic linker's ``_dl_debug_state``."""
        if space.rbrk:
            return
        for m in space.modules:
            got = m.image.functions.get(_LINKER_HOOK)
            if got is None:
                continue
            addr = m.bias + got[0]
            bp = space.bps.get(addr)
            if bp is None:
                try:
                    code = space.read(addr, 16)
                    bp = Breakpoint(addr, code[0], _xol.analyze(code, addr), m.path,
                                    _LINKER_HOOK, internal=True)
                    space.insert([bp])
                except (OSError, _xol.Unsupported):
                    return
            bp.internal = True
            space.rbrk = addr
            return

    def rescan(self, proc: Proc, space: Space) -> None:
        """The mappings changed (the linker's hook): arm the family's probes in the objects
        mapped since, forget the breakpoints of the objects gone."""
        try:
            mods = _symbols.modules(proc.pid)
        except ProcessLookupError:
            return
        old = {(m.path, m.bias) for m in space.modules}
        new_mods = [m for m in mods if (m.path, m.bias) not in old]
        space.forget_unmapped(mods)
        if not new_mods:
            self.publish(space, proc.family)
            return
        fam = proc.family
        for probe in fam.probes:
            if probe.closed:
                continue
            try:
                new = self._breakpoints(space, proc.pid, probe, new_mods, strict=False)
                fresh = [bp for bp in new if bp.address not in space.bps]
                space.insert(fresh)
            except (ProbeFailure, OSError):
                continue
            for bp in new:
                probe.add(space.bps.get(bp.address, bp))
        self.publish(space, fam)

    def close(self, probe: Probe) -> None:
        """The probe's stream was closed: its breakpoints go (those no other probe needs)."""
        if probe.closed:
            return
        probe.closed = True
        fam = probe.family
        if fam is None:
            return
        fam.probes = tuple(p for p in fam.probes if p is not probe)
        for space in _spaces(fam):
            for bp in list(space.bps.values()):
                if probe in bp.probes:
                    bp.probes.remove(probe)
                    if not bp.probes and not bp.internal:
                        space.remove(bp)
            if not fam.probes and space.rbrk:
                hook = space.bps.get(space.rbrk)
                if hook is not None and not hook.probes:
                    space.remove(hook)
                space.rbrk = 0
            self.publish(space, fam)

    # -- stops -------------------------------------------------------------------------

    def trap(self, th: Thread) -> bool:
        """A SIGTRAP signal-delivery-stop of *th*, whose process has breakpoints: True if
        it is one of ours (handled: an event, or the thread goes on), False if it is a
        signal for the program."""
        space = th.proc.space
        assert space is not None
        tid = th.tid
        regs = _ffi.UserRegs()
        if _raw_ptrace(_GETREGS, tid, 0, ctypes.addressof(regs)) == -1:
            return True   # (killed: its death is reported next)
        pc = regs.rip - 1
        if not space.is_ours(pc) or not space.from_int3(tid):
            return False
        tp = th.probe
        if tp is None:
            tp = th.probe = ThreadProbes()
        if pc == space.tramp:
            regs.rip = pc
            return self._returned(th, space, tp, regs)
        bp = space.bps.get(pc)
        if bp is None:
            # a trap of a breakpoint removed since: the thread runs the restored instruction
            regs.rip = pc
            tp.hit = Hit("late", None, regs)
            self._release(th)
            return True
        slot = 0
        if bp.plan.needs_slot or (bp.returns and not bp.internal):
            stash: list[tuple[int, int]] = []
            made = (len(space.slots), space.tramp)
            try:
                slot = space.slot_for(bp, tid, regs, bp.returns and not bp.internal, stash)
            except InjectAborted as exc:
                stash.append((tid, exc.status))
                for t, st in stash:
                    self._handle(t, st)
                return True
            except OSError:
                return True   # (killed meanwhile)
            finally:
                regs.rip = pc
            for t, st in stash:
                self._handle(t, st)
            if made != (len(space.slots), space.tramp):
                self.publish(space, th.proc.family)   # (a new slot: the C loop may take it)
            if bp.plan.needs_slot and not slot:
                space.remove(bp)
                self._warn(f"aiotrace: the breakpoint at {pc:#x} ({bp.symbol}) of process "
                           f"{th.proc.pid} was removed: no room for its out-of-line copy "
                           "within 2 GiB of it")
                tp.hit = Hit("late", None, regs)
                self._release(th)
                return True
        regs.rip = pc
        if bp.internal:
            self.rescan(th.proc, space)
            if not bp.probes:
                tp.hit = Hit("internal", bp, regs, slot)
                self._release(th)
                return True
        key = bp.key
        fresh = True
        for sub in th.proc.family.subs:
            if sub.intercept and sub.wants(ProbeHit, tid, key):
                fresh = False
                break
        tp.hit = Hit("entry", bp, regs, slot, fresh=fresh)
        self._dispatch(th, ProbeHit, bp.key, symbol=bp.symbol, address=pc, module=bp.module,
                       args=(regs.rdi, regs.rsi, regs.rdx, regs.rcx, regs.r8, regs.r9),
                       _regs=bytes(regs))
        return True

    def adopt(self, th: Thread, pc: int, regs: _ffi.UserRegs) -> None:
        """Python takes over the C loop's hold of *th* at its breakpoint at *pc* (see
        CLoop._adopt): the hit as trap() leaves it for apply(). *regs*: the hit's (rip =
        *pc*)."""
        space = th.proc.space
        bp = space.bps.get(pc) if space is not None else None
        tp = th.probe
        if tp is None:
            tp = th.probe = ThreadProbes()
        if bp is None or space is None:
            tp.hit = Hit("late", None, regs)   # (removed since: the restored instruction)
            return
        tp.hit = Hit("entry", bp, regs, space.slots.get(pc, 0), fresh=False)

    def _returned(self, th: Thread, space: Space, tp: ThreadProbes, regs: _ffi.UserRegs) -> bool:
        """The trampoline's trap: a probed function returned."""
        slot = regs.rsp - 8
        frames = tp.frames
        while frames and frames[-1].sp < slot:
            frames.pop()   # left by longjmp: never returned
        if not frames or frames[-1].sp != slot:
            return False   # (an unusual stack: see the module's docstring)
        f = frames.pop()
        tid = th.tid
        bp = f.bp
        subs = th.proc.family.subs
        fresh = not any(s.intercept and s.wants(ProbeReturn, tid, bp.key) for s in subs)
        tp.hit = Hit("return", bp, regs, frame=f, fresh=fresh)
        rax = regs.rax
        regs.rip = f.ret   # (where it goes on; apply() sets it again)
        self._dispatch(th, ProbeReturn, bp.key, symbol=bp.symbol, address=bp.address,
                       module=bp.module, retval=rax - (1 << 64) if rax >> 63 else rax,
                       duration_ns=tp.hit.t0 - f.t0, _regs=bytes(regs))
        return True

    def apply(self, th: Thread, d: Decision) -> Decision:
        """Resumer.go_on, for a thread at one of our stops: the verdicts applied to its
        registers, and rip where it goes on. Returns what is left to the resumer (a
        single-step; the SIGTRAP is never delivered)."""
        tp = th.probe
        hit = tp.hit if tp is not None else None
        if hit is None or tp is None:
            return d
        tp.hit = None
        tid = th.tid
        space = th.proc.space
        if hit.fresh:
            regs = hit.regs
        else:
            try:
                regs = _ffi.getregs(tid)
            except OSError:
                return CLEAN   # (killed: its death is reported next)
            regs.rip = hit.regs.rip
        try:
            if hit.kind == "return":
                assert hit.frame is not None
                if d.set_return is not None:
                    regs.rax = d.set_return & _MASK64
                regs.rip = hit.frame.ret
            elif hit.kind != "late" and hit.bp is not None and space is not None:
                self._entry(th, space, tp, hit, hit.bp, regs, d)
        except OSError:
            return CLEAN   # (killed: its death is reported next)
        _raw_ptrace(_SETREGS, tid, 0, ctypes.addressof(regs))   # (-1: killed, as above)
        return Decision(singlestep=True) if d.singlestep else CLEAN

    def _entry(self, th: Thread, space: Space, tp: ThreadProbes, hit: Hit, bp: Breakpoint,
               regs: _ffi.UserRegs, d: Decision) -> None:
        pid = th.proc.pid
        if d.skip_return is not None:
            # as if the function's first instruction were `ret`
            regs.rip = _Q.unpack(_ffi.vm_read(pid, regs.rsp, 8))[0]
            regs.rsp += 8
            regs.rax = d.skip_return & _MASK64
            return
        if d.args is not None:
            for name, v in zip(_ARG_REGS, d.args, strict=False):
                setattr(regs, name, v)
        if hit.kind == "entry" and space.tramp and bp.returns:
            ret = _Q.unpack(_ffi.vm_read(pid, regs.rsp, 8))[0]
            if ret != space.tramp:   # (already ours: a probe at a tail call's target)
                _ffi.vm_write(pid, regs.rsp, _Q.pack(space.tramp))
                tp.frames.append(RetFrame(ret, regs.rsp, bp, hit.t0))
        plan = bp.plan
        k = plan.kind
        if k == _xol.K_SLOT:
            regs.rip = hit.slot
        elif k == _xol.K_NEXT:
            regs.rip = plan.next
        elif k == _xol.K_JUMP:
            regs.rip = plan.target
        else:
            if k == _xol.K_CALL:
                target = plan.target
            elif plan.operand[0] == "reg":
                target = getattr(regs, plan.operand[1])
            else:
                at = _xol.operand_address(plan.operand, regs)
                target = _Q.unpack(_ffi.vm_read(pid, at, 8))[0]
            regs.rsp -= 8
            _ffi.vm_write(pid, regs.rsp, _Q.pack(plan.next))
            regs.rip = target

    # -- life cycle ----------------------------------------------------------------------

    def exec(self, th: Thread) -> None:
        """*th*'s process exec'd: its breakpoints went with its memory; the family's
        probes are armed again where they name something in the new program."""
        proc = th.proc
        proc.space = None
        th.probe = None
        if th.slot is not None:
            th.slot.bps = None   # (the old program's table, freed with its space)
        fam = proc.family
        if not fam.probes:
            return
        space = Space(proc.pid)
        try:
            space.modules = _symbols.modules(proc.pid)
        except ProcessLookupError:
            return
        for probe in fam.probes:
            try:
                new = self._breakpoints(space, proc.pid, probe, space.modules, strict=False)
                space.insert([bp for bp in new if bp.address not in space.bps])
            except (ProbeFailure, OSError):
                continue
            for bp in new:
                probe.add(space.bps.get(bp.address, bp))
        proc.space = space
        self._linker_hook(space, proc.pid)
        self.publish(space, fam)

    def cloned(self, parent: Thread, kid: Thread, clone_type: str) -> None:
        """*kid* was made by *parent*: a fork child's memory is a copy (breakpoints and
        all), a vfork child's is its parent's; either returns through the same frames."""
        if parent.probe is not None and parent.probe.frames and clone_type != "thread":
            kid.probe = ThreadProbes(list(parent.probe.frames))
        space = parent.proc.space
        if space is None or clone_type == "thread":
            return
        if clone_type == "vfork":
            kid.proc.space = space
            return
        copy = space.copy(kid.proc.pid)
        kid.proc.space = copy
        for bp in copy.bps.values():
            for probe in bp.probes:
                probe.add(bp)
        self.publish(copy, kid.proc.family)

    def detach_family(self, fam: Family) -> None:
        """Before its threads are detached: every original byte back."""
        for space in _spaces(fam):
            space.restore_all()
            space.rbrk = 0
            self.publish(space, fam)

    def detach_thread(self, th: Thread, sig: int) -> int | None:
        """*th* is about to be detached at its stop (*sig*: the signal it would get): put
        it where it would be without our breakpoints. The signal to deliver, or None when
        it must not be detached yet: it has a trap of ours pending, reported once it is
        resumed (then it is detached at that stop)."""
        space = th.proc.space
        if space is None:
            return sig
        tid = th.tid
        tp = th.probe
        th.probe = None
        try:
            regs = _ffi.getregs(tid)
        except OSError:
            return sig
        before = bytes(regs)
        hit = tp.hit if tp is not None else None
        if hit is not None:
            if hit.kind == "return" and hit.frame is not None:
                regs.rip = hit.frame.ret
            else:
                regs.rip = hit.regs.rip
            sig = 0
        elif space.is_ours(regs.rip - 1) and (
                (sig == signal.SIGTRAP and space.from_int3(tid)) or (sig == 0 and _trap_pending(tid))):
            if sig == 0:
                th.probe = tp
                return None
            sig = 0
            if regs.rip - 1 == space.tramp:
                f = _frame_for(tp, regs.rsp - 8)
                regs.rip = f.ret if f is not None else regs.rip
            else:
                regs.rip -= 1
        elif regs.rip == space.tramp and tp is not None:
            f = _frame_for(tp, regs.rsp - 8)
            if f is not None:
                regs.rip = f.ret
        else:
            regs.rip = _out_of_slot(space, regs.rip)
        if tp is not None:
            for f in tp.frames:
                try:
                    if _Q.unpack(_ffi.vm_read(th.proc.pid, f.sp, 8))[0] == space.tramp:
                        _ffi.vm_write(th.proc.pid, f.sp, _Q.pack(f.ret))
                except OSError:
                    pass
        if bytes(regs) != before:
            try:
                _ffi.setregs(tid, regs)
            except OSError:
                pass
        return sig

    def _warn(self, text: str) -> None:
        self._reply(lambda: warnings.warn(text, RuntimeWarning, stacklevel=1))


def _wanting(subs: tuple[Subscription, ...], key: int) -> list[Subscription]:
    """The streams that want the hits of breakpoint *key*: its probes', and any stream of
    ``events(ProbeHit)`` (whatever thread)."""
    return [sub for sub in subs if not sub.closed and sub.types is not None
            and ProbeHit in sub.types and (sub.syscalls is None or key in sub.syscalls)]


def _observed_only(subs: tuple[Subscription, ...], key: int) -> bool:
    """Whether every stream that wants the hits of breakpoint *key* is an observer the C
    loop can serve (a record, made into an event later): no interceptor, no capture at
    the stop (stacks=True), no filter on threads or events."""
    return all(not sub.intercept and sub.capture is None and sub.tids is None
               and sub.select is None for sub in _wanting(subs, key))


def _lone_interceptor(subs: tuple[Subscription, ...], key: int) -> bool:
    """Whether the one stream that wants the hits of breakpoint *key* is an intercepting
    engine of every thread that the C loop can hold the hit for (as _policy's W_HOLD)."""
    subs_ = _wanting(subs, key)
    return (len(subs_) == 1 and subs_[0].intercept and subs_[0].tids is None
            and subs_[0].select is None and subs_[0].capture is None)


def _spaces(fam: Family) -> list[Space]:
    out: list[Space] = []
    for proc in fam.procs.values():
        s = proc.space
        if s is not None and proc.status is None and all(s is not o for o in out):
            out.append(s)
    return out


def _frame_for(tp: ThreadProbes | None, slot: int) -> RetFrame | None:
    if tp is None:
        return None
    for f in reversed(tp.frames):
        if f.sp == slot:
            return f
    return None


def _out_of_slot(space: Space, rip: int) -> int:
    """Where a thread stopped inside a slot (rip) would be in the original code."""
    for area in space.areas:
        if area[0] <= rip < area[0] + area[1]:
            for addr, slot in space.slots.items():
                plan = space.plans.get(addr)
                if slot <= rip < slot + _xol.SLOT_SIZE and plan is not None:
                    return _xol.original_address(plan, slot, rip)
    return rip


def _trap_pending(tid: int) -> bool:
    """Whether *tid* has a SIGTRAP pending (an int3 it ran before an interrupt stopped it)."""
    try:
        with open(f"/proc/{tid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"SigPnd:"):
                    return bool(int(line.split()[1], 16) & _SIGTRAP_BIT)
    except (OSError, ValueError):
        pass
    return False


__all__ = ["Probe", "ProbeFailure", "Probes", "RetFrame", "ThreadProbes"]

