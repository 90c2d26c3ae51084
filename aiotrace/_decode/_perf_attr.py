# SPDX-License-Identifier: GPL-2.0-or-later
"""struct perf_event_attr (perf_event_open, PERF_EVENT_IOC_MODIFY_ATTRIBUTES), as strace
6.1 prints it.

The structure is read as its ``size`` field says (0: the first version, 64 bytes; more
than the 128 bytes known: 128; less than 64: the address is printed, as the kernel
refuses it); without ``-v`` only the fields before ``wakeup_events``. A field is printed
when the bytes read reach its offset (the kernel reads a field cut in two as it is, the
rest zero), then ``...`` when the structure is larger than what was read. The union
fields are named by ``type`` (a breakpoint's ``bp_addr``, others' ``config1``), by a flag
(``freq``: ``sample_freq``, ``watermark``: ``wakeup_watermark``) or printed only when
``sample_type`` asks for them (``branch_sample_type``, ``sample_stack_user``).
"""

from __future__ import annotations

import struct

from . import _xlat_perf as XE
from . import _xlat_proc as XP
from ._ctx import Ctx
from ._xlat import flags, hexa, ptr, xval

ATTR_SIZE, SIZE_VER0, ABBREV_SIZE = 128, 64, 48   # (48: the offset of wakeup_events)
_TYPE_HARDWARE, _TYPE_SOFTWARE, _TYPE_TRACEPOINT, _TYPE_HW_CACHE, _TYPE_BREAKPOINT = \
    0, 1, 2, 3, 5
_SAMPLE_BRANCH_STACK, _SAMPLE_STACK_USER = 1 << 11, 1 << 13

# the one-bit flags of the word at offset 40, by bit (precise_ip: bits 15..16)
_BITS = ("disabled inherit pinned exclusive exclude_user exclude_kernel exclude_hv "
         "exclude_idle mmap comm freq inherit_stat enable_on_exec task watermark").split()
_BITS2 = ("mmap_data sample_id_all exclude_host exclude_guest exclude_callchain_kernel "
          "exclude_callchain_user mmap2 comm_exec use_clockid context_switch write_backward "
          "namespaces ksymbol bpf_event aux_output cgroup text_poke build_id "
          "inherit_thread remove_on_exec sigtrap").split()
_PRECISE_IP = ("arbitrary skid", "constant skid", "requested to have 0 skid",
               "must have 0 skid")
_FREQ, _WATERMARK, _USE_CLOCKID = 1 << 10, 1 << 14, 1 << 25


def fetch(c: Ctx, addr: int) -> bytes | str:
    """The bytes of the structure strace reads (see the module), or the text of its
    address when it cannot be read or is too short."""
    head = c.unpack("<I", addr + 4) if addr else None
    if head is None:
        return ptr(addr)
    size = min(head[0], ATTR_SIZE) or SIZE_VER0
    if size < SIZE_VER0:
        return ptr(addr)
    data = c.read(addr, ABBREV_SIZE if c.abbrev else size)
    return ptr(addr) if data is None else data


def _config(kind: int, config: int) -> str:
    """config, by type: a hardware event (with the PMU in its high half), a software one,
    a tracepoint's id, a cache event (cache, operation, result), else hex."""
    if kind == _TYPE_SOFTWARE:
        return xval(config, XE.PERF_SW_IDS, "PERF_COUNT_SW_???")
    if kind == _TYPE_TRACEPOINT:
        return str(config)
    if kind not in (_TYPE_HARDWARE, _TYPE_HW_CACHE):
        return hexa(config)
    parts = ["%s<<32" % hexa(config >> 32)] if config >> 32 else []
    if kind == _TYPE_HARDWARE:
        return "|".join(parts + [xval(config & 0xFFFFFFFF, XE.PERF_HW_IDS,
                                      "PERF_COUNT_HW_???")])
    if (config & 0xFFFFFFFF) >> 24:
        parts.append("%s<<24" % hexa((config & 0xFFFFFFFF) >> 24))
    return "|".join(parts + [
        xval((config >> 16) & 0xFF, XE.PERF_HW_CACHE_RESULTS,
             "PERF_COUNT_HW_CACHE_RESULT_???") + "<<16",
        xval((config >> 8) & 0xFF, XE.PERF_HW_CACHE_OPS, "PERF_COUNT_HW_CACHE_OP_???") + "<<8",
        xval(config & 0xFF, XE.PERF_HW_CACHE_IDS, "PERF_COUNT_HW_CACHE_???")])


def _bits(c: Ctx, word: int) -> list[str]:
    out = ["%s=%d" % (name, word >> i & 1) for i, name in enumerate(_BITS)
           if not c.abbrev or word >> i & 1]
    precise = word >> 15 & 3
    out.append("precise_ip=%d /* %s */" % (precise, _PRECISE_IP[precise]))
    out += ["%s=%d" % (name, word >> (17 + i) & 1) for i, name in enumerate(_BITS2)
            if not c.abbrev or word >> (17 + i) & 1]
    if word >> 38:
        out.append("__reserved_1=%s /* Bits 63..38 */" % hexa(word >> 38))
    return out


def _breakpoint_type(v: int) -> str:
    # (any mix of read/write with execute is refused: "invalid")
    return xval(v, XE.HW_BREAKPOINT_TYPES,
                "HW_BREAKPOINT_INVALID" if v <= 7 else "HW_BREAKPOINT_???")


def _later(c: Ctx, a: bytes, size: int, kind: int, sample_type: int, word: int) -> list[str]:
    """The fields past the flags (-v), as far as *size* reaches."""
    wakeup, bp_type, config1, config2, branch, regs_user, stack_user, clockid, regs_intr, \
        aux_watermark, max_stack, res2, aux_sample, res3, sig_data = struct.unpack_from(
            "<IIQQQQIIQIHHIIQ", a, 48)
    breakpoint = kind == _TYPE_BREAKPOINT
    out = ["%s=%d" % ("wakeup_watermark" if word & _WATERMARK else "wakeup_events", wakeup)]
    if breakpoint:
        out.append("bp_type=%s" % _breakpoint_type(bp_type))
    out.append("%s=%s" % ("bp_addr" if breakpoint else "config1", hexa(config1)))
    later: list[tuple[int, str | None]] = [
        (64, "bp_len=%d" % config2 if breakpoint else "config2=%s" % hexa(config2)),
        (72, "branch_sample_type=%s" % flags(branch, XE.PERF_BRANCH_SAMPLE_TYPES,
                                             "PERF_SAMPLE_BRANCH_???")
         if sample_type & _SAMPLE_BRANCH_STACK else None),
        (80, "sample_regs_user=%s" % hexa(regs_user)),
        (88, "sample_stack_user=%s" % hexa(stack_user)
         if sample_type & _SAMPLE_STACK_USER else None),
        (92, "clockid=%s" % xval(clockid, XP.CLOCKS, "CLOCK_???")
         if word & _USE_CLOCKID else None),
        (96, "sample_regs_intr=%s" % hexa(regs_intr)),
        (104, "aux_watermark=%d" % aux_watermark),
        (108, "sample_max_stack=%d" % max_stack),
        (110, " /* bytes 110..111: %s */" % hexa(res2) if res2 else None),
        (112, "aux_sample_size=%d" % aux_sample),
        (116, " /* bytes 116..119: %s */" % hexa(res3) if res3 else None),
        (120, "sig_data=%s" % hexa(sig_data)),
    ]
    for offset, text in later:
        if offset >= size:
            break
        if text is None:
            continue
        if text.startswith(" /*"):   # a comment on the field before
            out[-1] += text
        else:
            out.append(text)
    return out


def text(c: Ctx, data: bytes, new_size: str | None = None) -> str:
    """The structure whose bytes *fetch* read; *new_size*: the size the kernel wrote
    back (E2BIG), printed after the one given."""
    size = len(data)
    a = data.ljust(ATTR_SIZE, b"\0")
    kind, asize, config, sample, sample_type, read_format, word = struct.unpack_from(
        "<IIQQQQQ", a)
    size_text = xval(asize, XE.PERF_ATTR_SIZES, "PERF_ATTR_SIZE_???")
    if new_size is not None:
        size_text += " => " + new_size
    out = ["type=%s" % xval(kind, XE.PERF_TYPES, "PERF_TYPE_???"), "size=" + size_text,
           "config=" + _config(kind, config),
           "%s=%d" % ("sample_freq" if word & _FREQ else "sample_period", sample),
           "sample_type=%s" % flags(sample_type, XE.PERF_SAMPLE_FORMAT, "PERF_SAMPLE_???"),
           "read_format=%s" % flags(read_format, XE.PERF_READ_FORMAT, "PERF_FORMAT_???")]
    out += _bits(c, word)
    if not c.abbrev:
        out += _later(c, a, size, kind, sample_type, word)
    if asize > size or (not asize and size < SIZE_VER0):
        out.append("...")
    return "{%s}" % ", ".join(out)


def new_size(c: Ctx, addr: int) -> str | None:
    """At the exit of a call that failed with E2BIG: the size the kernel wants, that it
    wrote in the structure (``???`` when it cannot be read); else None."""
    if c.errno != 7:
        return None
    got = c.unpack("<I", addr + 4)
    return "???" if got is None else xval(got[0], XE.PERF_ATTR_SIZES, "PERF_ATTR_SIZE_???")


def attr_at_entry(c: Ctx, addr: int) -> str:
    """The structure at *addr* read and printed at once (the ioctl)."""
    data = fetch(c, addr)
    return data if isinstance(data, str) else text(c, data)

