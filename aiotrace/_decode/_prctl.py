# SPDX-License-Identifier: GPL-2.0-or-later
"""prctl, and seccomp: each option's (operation's) arguments and return value, as strace
6.1 prints them.

The option is an ``int`` (its upper 32 bits are ignored: ``0xffffffff /* PR_??? */``);
the other four arguments are ``unsigned long``. What each option prints is a row of
``_ROWS``: the text of its arguments at entry, what it prints at exit (an output the
kernel wrote, shown after the call returns, or its address when the call failed), and
how its return value reads. Options without a row (the "get" options that take no
pointer, the ones strace 6.1 does not know) print their four other arguments in hex.

The facts (the values are the kernel's uapi ``<linux/prctl.h>``; which options strace
6.1 names, and how it prints them):

- a return value that is a set of bits (``PR_GET_SECUREBITS``, ``PR_GET_FP_MODE``...) is
  printed in hex with the names in parentheses: ``= 0x3 (PR_FP_MODE_FR|PR_FP_MODE_FRE)``;
  not when it is 0 (unless 0 has a name), nor when no bit is known, nor with ``-X raw``;
- ``PR_GET_DUMPABLE`` and ``PR_MCE_KILL_GET`` return a value: decimal, with its name;
- a vector length (``PR_SVE_SET_VL``, ``PR_SME_SET_VL``) is its flags and its 16-bit
  length: ``PR_SVE_VL_INHERIT|0xea57``;
- ``PR_SET_TAGGED_ADDR_CTRL``'s value always names its enable bit and MTE mode
  (``!PR_TAGGED_ADDR_ENABLE|PR_MTE_TCF_NONE`` for 0), then its tag mask, shifted;
- ``PR_SCHED_CORE``'s pid type prints its name in a comment even without ``-X verbose``;
  the id before it is translated (``--decode-pids=pidns``) as the type says.

seccomp(2)'s operation and flags are unsigned ints; a filter prints as PR_SET_SECCOMP's
(see _cbpf). Its x32 form, whose ``struct sock_fprog`` holds a 32-bit pointer, is left in
hex (the syscall table's row).
"""

from __future__ import annotations

from typing import Callable, NamedTuple, Optional

from . import _style
from . import _xlat as X
from . import _xlat_prctl as XR
from ._cbpf import seccomp_fprog
from ._ctx import Ctx
from ._kinds import Spec
from ._pidns import PGID, SID, TGID, TID, pid
from ._quote import quote
from ._style import RAW, VERBOSE, combine
from ._tables import Names
from ._xlat import Flags, flags, hexa, ptr, s32, s64, u32, u64, xval

# -- the constants (the tables of names: _xlat_prctl) ----------------------------

_PIDTYPE_KIND = {0: TID, 1: TGID, 2: PGID, 3: SID}   # PR_SCHED_CORE's pid types
# vector lengths (SVE, SME): flags, and the length in the low 16 bits
VL_LEN_MASK = 0xFFFF
# tagged addresses (arm64): an enable bit, a 2-bit MTE mode, a 16-bit tag mask
TAGGED_ADDR_ENABLE = 1
MTE_TCF_MASK = 6
MTE_TAG_SHIFT = 3
MTE_TAG_MASK = 0xFFFF << MTE_TAG_SHIFT

TASK_COMM_LEN = 16


# -- printers of values --------------------------------------------------------

def _names(table: str) -> Names:
    """A table of xlat/xlat_prctl.in, or of xlat.in (capabilities, SUID_DUMP_*), by name:
    looked up when a call is printed, so that the files are read on first use."""
    got: Names = getattr(XR, table, None) or getattr(X, table)
    return got


def _flags(table: str) -> Flags:
    got: Flags = getattr(XR, table)
    return got


def _aux_flags(v: int, table: Flags, zero: str | None = None) -> str | None:
    """The names of a returned bit set, for the parentheses after it (None: none are
    printed): the known bits and the rest in hex, in every -X style but raw; 0 only when
    it has a name; a set of unknown bits only, nothing."""
    if _style.get() == RAW:
        return None
    if v == 0:
        return zero
    names = []
    rest = v
    for name, bit in table:
        if rest & bit == bit:
            names.append(name)
            rest &= ~bit
    if not names:
        return None
    if rest:
        names.append(hexa(rest))
    return "|".join(names)


def _hex_aux(v: int, aux: str | None) -> str:
    return hexa(v) if aux is None else "%s (%s)" % (hexa(v), aux)


def _vl_text(v: int, table: Flags, ret: bool) -> str | None:
    """A vector length (SVE, SME): its flags and its length (``PR_SVE_VL_INHERIT|0xff``;
    unknown flags in hex); as a return value's parentheses (*ret*), None when it has no
    flag."""
    st = _style.get()
    if st == RAW:
        return None if ret else hexa(v)
    length = v & VL_LEN_MASK
    fl = v & ~VL_LEN_MASK
    if not fl:
        return None if ret else hexa(length)
    with _style.using(_style.ABBREV):
        text = "%s|%s" % (flags(fl, table, None), hexa(length))
    if st == VERBOSE and not ret:
        return "%s /* %s */" % (hexa(v), text)
    return text


def _tagged_addr_text(v: int, ret: bool) -> str | None:
    """PR_SET_TAGGED_ADDR_CTRL's value (or, *ret*, the return value's parentheses)."""
    st = _style.get()
    if st == RAW:
        return None if ret else hexa(v)
    enabled = "PR_TAGGED_ADDR_ENABLE" if v & TAGGED_ADDR_ENABLE else "!PR_TAGGED_ADDR_ENABLE"
    parts = [enabled, XR.PR_MTE_TCF[v & MTE_TCF_MASK]]
    tag = v & MTE_TAG_MASK
    if tag:
        parts.append("%s<<PR_MTE_TAG_SHIFT" % hexa(tag >> MTE_TAG_SHIFT))
    rest = v & ~(TAGGED_ADDR_ENABLE | MTE_TCF_MASK | MTE_TAG_MASK)
    if rest:
        parts.append(hexa(rest))
    text = "|".join(parts)
    if ret or st != VERBOSE:
        return text
    return "%s /* %s */" % (hexa(v), text)


def _name_arg(c: Ctx, limit: int) -> str:
    """A task name (PR_SET_NAME, PR_GET_NAME): up to its NUL within *limit* bytes, else
    *limit* bytes and ``...``; its address when that much cannot be read."""
    addr = c.args[1]
    if addr == 0:
        return "NULL"
    data = c.read_prefix(addr, limit)
    if data is None:
        return hexa(addr)
    nul = data.find(b"\0")
    if nul >= 0:
        return quote(data[:nul], xflag=c.xflag)
    if len(data) < limit:
        return hexa(addr)
    return quote(data, truncated=True, xflag=c.xflag)


def _hex_from(c: Ctx, first: int) -> list[str]:
    """The arguments from index *first* to the fifth, in hex."""
    return [hexa(a) for a in c.args[first:5]]


# -- the options: their arguments at entry ---------------------------------------

Args = Callable[[Ctx], list[str]]


def _none(c: Ctx) -> list[str]:
    return []


def _out(c: Ctx) -> list[str]:
    """An output (printed at exit): the entry ends with ", "."""
    return [""]


def _ulong(c: Ctx) -> list[str]:
    return [str(u64(c.args[1]))]


def _ulong_rest(c: Ctx) -> list[str]:
    return [str(u64(c.args[1])), *_hex_from(c, 2)]


def _hex_all(c: Ctx) -> list[str]:
    return _hex_from(c, 1)


def _enum(table: str, unknown: str, *, narrow: bool = False, rest: bool = False) -> Args:
    """An argument named by *table* (as an unsigned int with *narrow*), and with *rest*
    the others in hex."""
    def fn(c: Ctx) -> list[str]:
        v = u32(c.args[1]) if narrow else c.args[1]
        return [xval(v, _names(table), unknown), *(_hex_from(c, 2) if rest else ())]
    return fn


def _bits(table: str, unknown: str, *, wide: bool = False) -> Args:
    def fn(c: Ctx) -> list[str]:
        return [flags(c.args[1] if wide else u32(c.args[1]), _flags(table), unknown)]
    return fn


def _pdeathsig(c: Ctx) -> list[str]:
    sig = c.args[1]
    return [str(sig) if sig > 128 else X.signame(sig)]


def _set_name(c: Ctx) -> list[str]:
    return [_name_arg(c, TASK_COMM_LEN - 1)]


def _ptracer(c: Ctx) -> list[str]:
    who = s32(c.args[1])
    if who == -1:
        return [combine("-1", "PR_SET_PTRACER_ANY")]
    return [pid(who, TGID)]


def _seccomp(c: Ctx) -> list[str]:
    mode = c.args[1]
    head = xval(mode, XR.SECCOMP_MODES, "SECCOMP_MODE_???")
    if mode == 1:
        return [head]
    if mode == 2:
        return [head, seccomp_fprog(c, c.args[2])]
    return [head, *_hex_from(c, 2)]


def _cap_ambient(c: Ctx) -> list[str]:
    op = c.args[1]
    head = xval(op, XR.PR_CAP_AMBIENT, "PR_CAP_AMBIENT_???")
    if op in (1, 2, 3):
        return [head, xval(c.args[2], X.CAPABILITIES, "CAP_???"), *_hex_from(c, 3)]
    return [head, *_hex_from(c, 2)]


def _mce_kill(c: Ctx) -> list[str]:
    op, policy = c.args[1], c.args[2]
    second = (xval(policy, XR.PR_MCE_KILL_POLICY, "PR_MCE_KILL_???") if op == 1
              else hexa(policy))
    return [xval(op, XR.PR_MCE_KILL, "PR_MCE_KILL_???"), second, *_hex_from(c, 3)]


def _set_vma(c: Ctx) -> list[str]:
    op = c.args[1]
    head = xval(op, XR.PR_SET_VMA, "PR_SET_VMA_???")
    if op == 0:   # PR_SET_VMA_ANON_NAME: address, size, name
        return [head, ptr(c.args[2]), str(u64(c.args[3])), c.cstr(c.args[4])]
    return [head, *_hex_from(c, 2)]


def _spec_get(c: Ctx) -> list[str]:
    return [xval(c.args[1], XR.PR_SPEC_CMDS, "PR_SPEC_???")]


def _spec_set(c: Ctx) -> list[str]:
    which = c.args[1]
    state = (xval(c.args[2], XR.PR_SPEC_SET, "PR_SPEC_???") if which in XR.PR_SPEC_CMDS
             else hexa(c.args[2]))
    return [xval(which, XR.PR_SPEC_CMDS, "PR_SPEC_???"), state]


def _pac_set(c: Ctx) -> list[str]:
    a = c.args
    return [flags(a[1], XR.PR_PAC_ENABLED_KEYS, "PR_PAC_???"),
            flags(a[2], XR.PR_PAC_ENABLED_KEYS, "PR_PAC_???"), *_hex_from(c, 3)]


def _pac_reset(c: Ctx) -> list[str]:
    return [flags(c.args[1], XR.PR_PAC_KEYS, "PR_PAC_???"), *_hex_from(c, 2)]


def _sud(c: Ctx) -> list[str]:
    a = c.args
    return [xval(a[1], XR.PR_SUD_CMDS, "PR_SYS_DISPATCH_???"), hexa(a[2]), hexa(a[3]), ptr(a[4])]


def _vl(table: str) -> Args:
    def fn(c: Ctx) -> list[str]:
        text = _vl_text(c.args[1], _flags(table), False)
        assert text is not None   # (None only for a return value)
        return [text]
    return fn


def _tagged_set(c: Ctx) -> list[str]:
    text = _tagged_addr_text(c.args[1], False)
    assert text is not None   # (None only for a return value)
    return [text, *_hex_from(c, 2)]


def _sched_core(c: Ctx) -> list[str]:
    a = c.args
    cmd, ptype = u32(a[1]), u32(a[3])
    kind = _PIDTYPE_KIND.get(ptype)
    who = pid(s32(a[2]), kind) if kind is not None else str(s32(a[2]))
    if _style.get() == RAW:
        ptext = hexa(ptype)
    else:   # (named in a comment whatever -X says)
        with _style.using(VERBOSE):
            ptext = xval(ptype, XR.PR_SCHED_CORE_PIDTYPES, "PIDTYPE_???")
    head = [xval(cmd, XR.PR_SCHED_CORE_CMDS, "PR_SCHED_CORE_???"), who, ptext]
    # PR_SCHED_CORE_GET writes the cookie: printed at exit
    return head + [""] if cmd == 0 else head + [ptr(a[4])]


# -- outputs, at exit ---------------------------------------------------------------

Out = Callable[[Ctx], str]


def _int_out(render: Callable[[int], str], fmt: str = "<i") -> Out:
    def fn(c: Ctx) -> str:
        return c.struct(c.args[1], fmt, lambda v: "[%s]" % render(v))
    return fn


def _get_name(c: Ctx) -> str:
    return _name_arg(c, TASK_COMM_LEN)


def _sched_core_out(c: Ctx) -> str:
    return c.struct(c.args[4], "<Q", lambda v: "[%s]" % hexa(v))


# -- return values -------------------------------------------------------------------

Ret = Callable[[Ctx], str]


def _ret_named(table: str) -> Ret:
    def fn(c: Ctx) -> str:
        r = s64(c.retval or 0)
        name = _names(table).get(r)
        return str(r) if name is None else "%d (%s)" % (r, name)
    return fn


def _ret_bits(table: str, zero: str | None = None) -> Ret:
    def fn(c: Ctx) -> str:
        r = u64(c.retval or 0)
        return _hex_aux(r, _aux_flags(r, _flags(table), zero)) if r or zero else "0"
    return fn


def _ret_vl(table: str) -> Ret:
    def fn(c: Ctx) -> str:
        r = u64(c.retval or 0)
        return _hex_aux(r, _vl_text(r, _flags(table), True)) if r else "0"
    return fn


def _ret_spec(c: Ctx) -> str:
    if c.args[1] in XR.PR_SPEC_CMDS:
        r = u64(c.retval or 0)
        return _hex_aux(r, _aux_flags(r, XR.PR_SPEC_STATES, "PR_SPEC_NOT_AFFECTED"))
    return str(s64(c.retval or 0))


def _ret_tagged(c: Ctx) -> str:
    r = u64(c.retval or 0)
    return _hex_aux(r, _tagged_addr_text(r, True))


class _Row(NamedTuple):
    args: Args = _hex_all
    out: Optional[Out] = None    # the output printed at exit (when args ended with "")...
    ret: Optional[Ret] = None    # (None: decimal)
    out_at: int = 1              # ...and the argument it is at (its address if it failed)


_ROWS: dict[int, _Row] = {
    1: _Row(_pdeathsig),
    2: _Row(_out, _int_out(X.signame)),
    3: _Row(_none, ret=_ret_named("SUID_DUMP")),
    4: _Row(_enum("SUID_DUMP", "SUID_DUMP_???")),
    5: _Row(_out, _int_out(lambda v: flags(v, XR.PR_UNALIGN, "PR_UNALIGN_???"), "<I")),
    6: _Row(_bits("PR_UNALIGN", "PR_UNALIGN_???")),
    7: _Row(_none), 13: _Row(_none), 21: _Row(_none), 30: _Row(_none),
    31: _Row(_none), 32: _Row(_none),
    8: _Row(_ulong), 10: _Row(_ulong), 12: _Row(_ulong), 14: _Row(_ulong),
    20: _Row(_ulong), 36: _Row(_ulong),
    9: _Row(_out, _int_out(str, "<I")), 11: _Row(_out, _int_out(str, "<I")),
    19: _Row(_out, _int_out(str, "<I")), 37: _Row(_out, _int_out(str, "<I")),
    15: _Row(_set_name),
    16: _Row(_out, _get_name),
    22: _Row(_seccomp),
    23: _Row(_enum("CAPABILITIES", "CAP_???")),
    24: _Row(_enum("CAPABILITIES", "CAP_???")),
    25: _Row(_out, _int_out(lambda v: xval(v, XR.PR_TSC, "PR_TSC_???"), "<I")),
    26: _Row(_enum("PR_TSC", "PR_TSC_???", narrow=True)),
    27: _Row(_none, ret=_ret_bits("SECBITS")),
    28: _Row(_bits("SECBITS", "SECBIT_???", wide=True)),
    29: _Row(lambda c: [str(s64(c.args[1]))]),
    33: _Row(_mce_kill),
    34: _Row(ret=_ret_named("PR_MCE_KILL_POLICY")),
    35: _Row(_enum("PR_SET_MM", "PR_SET_MM_???", narrow=True, rest=True)),
    38: _Row(_ulong_rest), 41: _Row(_ulong_rest), 57: _Row(_ulong_rest),
    40: _Row(_out, _int_out(ptr, "<Q")),
    45: _Row(_bits("PR_FP_MODE", "PR_FP_MODE_???")),
    46: _Row(_none, ret=_ret_bits("PR_FP_MODE")),
    47: _Row(_cap_ambient),
    50: _Row(_vl("PR_SVE_VL_FLAGS"), ret=_ret_vl("PR_SVE_VL_FLAGS")),
    51: _Row(_none, ret=_ret_vl("PR_SVE_VL_FLAGS")),
    52: _Row(_spec_get, ret=_ret_spec),
    53: _Row(_spec_set),
    54: _Row(_pac_reset),
    55: _Row(_tagged_set),
    56: _Row(ret=_ret_tagged),
    59: _Row(_sud),
    60: _Row(_pac_set),
    61: _Row(ret=_ret_bits("PR_PAC_ENABLED_KEYS")),
    62: _Row(_sched_core, _sched_core_out, out_at=4),
    63: _Row(_vl("PR_SME_VL_FLAGS"), ret=_ret_vl("PR_SME_VL_FLAGS")),
    64: _Row(_none, ret=_ret_vl("PR_SME_VL_FLAGS")),
    0x53564D41: _Row(_set_vma),
    0x59616D61: _Row(_ptracer),
}
_DEFAULT = _Row()


def _row(c: Ctx) -> _Row:
    return _ROWS.get(u32(c.args[0]), _DEFAULT)


def _entry(c: Ctx) -> str:
    option = u32(c.args[0])
    row = _ROWS.get(option, _DEFAULT)
    args = row.args(c)
    if args and args[-1] == "":   # an output follows, at exit
        c.saved["out"] = True
    return ", ".join([xval(option, XR.PRCTL_OPTIONS, "PR_???"), *args])


def _exit(c: Ctx, entry: str) -> str:
    row = _row(c)
    if row.out is None or not c.saved.get("out"):
        return entry
    return entry + (ptr(c.args[row.out_at]) if c.failed else row.out(c))


def _ret(c: Ctx) -> str:
    fn = _row(c).ret
    return str(s64(c.retval or 0)) if fn is None else fn(c)


# -- seccomp(2) ------------------------------------------------------------------------

def _seccomp_entry(c: Ctx) -> str:
    op, fl, addr = u32(c.args[0]), u32(c.args[1]), c.args[2]
    head = xval(op, XR.SECCOMP_OPS, "SECCOMP_SET_MODE_???")
    if op == 1:
        return "%s, %s, %s" % (head, flags(fl, XR.SECCOMP_FILTER_FLAGS,
                                           "SECCOMP_FILTER_FLAG_???"), seccomp_fprog(c, addr))
    if op == 2:   # an action the kernel only reads
        action = c.struct(addr, "<I", lambda v: "[%s]" % xval(v, XR.SECCOMP_RET_ACTIONS,
                                                                "SECCOMP_RET_???"))
        return "%s, %s, %s" % (head, hexa(fl), action)
    if op == 3:   # sizes the kernel writes: at exit
        c.saved["out"] = True
        return "%s, %s, " % (head, hexa(fl))
    return "%s, %s, %s" % (head, hexa(fl), ptr(addr))


def _seccomp_exit(c: Ctx, entry: str) -> str:
    if not c.saved.get("out"):
        return entry
    addr = c.args[2]
    if c.failed:
        return entry + ptr(addr)
    return entry + c.struct(addr, "<HHH", lambda n, r, d: (
        "{seccomp_notif=%d, seccomp_notif_resp=%d, seccomp_data=%d}" % (n, r, d)))


DECODERS = {
    "prctl": Spec(entry=_entry, exit=_exit, ret=_ret),
    "seccomp": Spec(entry=_seccomp_entry, exit=_seccomp_exit),
}
