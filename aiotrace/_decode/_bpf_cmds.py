# SPDX-License-Identifier: GPL-2.0-or-later
"""The bpf commands printed whole at entry, as strace 6.1 prints them: a table of fields
per command (``COMMANDS``: its fields, the size of its structure, whether it returns a
descriptor, the name of the structure its fields are printed in, ``{test={...}}``), and
the eBPF instructions of a program (``-v``)."""

from __future__ import annotations

import struct
from typing import Callable, NamedTuple, Optional

from . import _xlat_bpf as XB
from . import _xlat_prctl as XR
from ._bpf_attr import (Attr, Field, addr, bits, bits_any, decimal_named, fd, hexv, names,
                        u)
from ._ctx import Ctx
from ._misc import array, bounded_str
from ._sockaddr import ifindex
from ._style import composite
from ._xlat import flags, hexa, ptr, xval

BPF_MAXINSNS = 4096


class Cmd(NamedTuple):
    fields: tuple[Field, ...]
    size: int                   # the structure's size
    fd: bool = False            # it returns a descriptor
    wrap: str = ""              # the fields are printed in a structure of that name
    sized: Optional[Callable[[Attr], int]] = None   # the size, by the fields' values


@composite(hexa)
def kernel_version(v: int) -> str:
    """``KERNEL_VERSION(5, 10, 0)``."""
    return "KERNEL_VERSION(%d, %d, %d)" % (v >> 16, (v >> 8) & 0xFF, v & 0xFF)


# -- eBPF instructions (-v) --------------------------------------------------------------

def insn_code(code: int) -> str:
    """An eBPF instruction's code: its class, then the size and mode of a load or store,
    the source and operation of the others."""
    cls = code & 7
    text = xval(cls, XB.EBPF_CLASSES, "BPF_???")
    if cls <= 3:            # loads and stores: size, mode
        return "%s|%s|%s" % (text, xval(code & 0x18, XR.BPF_SIZES, "BPF_???"),
                             xval(code & 0xE0, XB.EBPF_MODES, "BPF_???"))
    ops = XR.BPF_ALU_OPS if cls in (4, 7) else XR.BPF_JMP_OPS
    return "%s|%s|%s" % (text, xval(code & 0x08, XR.BPF_SOURCES, "BPF_???"),
                         xval(code & 0xF0, ops, "BPF_???"))


def _insn(data: bytes) -> str:
    code, regs, off, imm = struct.unpack("<BBhI", data)
    return "{code=%s, dst_reg=%s, src_reg=%s, off=%d, imm=%s}" % (
        insn_code(code), xval(regs & 0xF, XB.EBPF_REGS, "BPF_REG_???"),
        xval(regs >> 4, XB.EBPF_REGS, "BPF_REG_???"), off, hexa(imm))


def insns(c: Ctx, where: int, count: int) -> str:
    """A program: its address, with -v its instructions (BPF_MAXINSNS at most)."""
    if c.abbrev:
        return ptr(where)
    return array(c, where, count, 8, _insn, BPF_MAXINSNS)


def _log_buf(c: Ctx, v: int, a: Attr) -> str:
    log_size = struct.unpack_from("<I", a.data, 28)[0]
    if not v or not log_size:
        return "NULL" if not v else '""'
    return bounded_str(c, v, log_size)


def _numa_node(c: Ctx, v: int, a: Attr) -> Optional[str]:
    map_flags = struct.unpack_from("<I", a.data, 16)[0]
    return decimal_named(v, XB.NUMA_NODES) if map_flags & 4 else None   # BPF_F_NUMA_NODE


_MAP_CREATE = (
    Field("map_type", 0, "I", names("BPF_MAP_TYPES", "BPF_MAP_TYPE_???"), 0),
    Field("key_size", 4, "I", u, 0),
    Field("value_size", 8, "I", u, 0),
    Field("max_entries", 12, "I", u, 0),
    Field("map_flags", 16, "I", bits("BPF_MAP_FLAGS", "BPF_F_???"), 16),
    Field("inner_map_fd", 20, "I", fd, 20),
    Field("numa_node", 24, "I", _numa_node, 24),
    Field("map_name", 28, "16s", u, 28),
    Field("map_ifindex", 44, "I", lambda c, v, a: ifindex(v), 44),
    Field("btf_fd", 48, "I", fd, 48),
    Field("btf_key_type_id", 52, "I", u, 48),
    Field("btf_value_type_id", 56, "I", u, 48),
    Field("btf_vmlinux_value_type_id", 60, "I", u, 60),
    Field("map_extra", 64, "Q", u, 64),
)

_PROG_LOAD = (
    Field("prog_type", 0, "I", names("BPF_PROG_TYPES", "BPF_PROG_TYPE_???"), 0),
    Field("insn_cnt", 4, "I", u, 0),
    Field("insns", 8, "Q",
          lambda c, v, a: insns(c, v, struct.unpack_from("<I", a.data, 4)[0]), 0),
    Field("license", 16, "Q", lambda c, v, a: c.cstr(v), 0),
    Field("log_level", 24, "I", u, 24),
    Field("log_size", 28, "I", u, 24),
    Field("log_buf", 32, "Q", _log_buf, 24),
    Field("kern_version", 40, "I", lambda c, v, a: kernel_version(v), 40),
    Field("prog_flags", 44, "I", bits("BPF_PROG_FLAGS", "BPF_F_???"), 44),
    Field("prog_name", 48, "16s", u, 48),
    Field("prog_ifindex", 64, "I", lambda c, v, a: ifindex(v), 64),
    Field("expected_attach_type", 68, "I", names("BPF_ATTACH_TYPES", "BPF_???"), 68),
    Field("prog_btf_fd", 72, "I", fd, 72),
    Field("func_info_rec_size", 76, "I", u, 72),
    Field("func_info", 80, "Q", addr, 72),
    Field("func_info_cnt", 88, "I", u, 72),
    Field("line_info_rec_size", 92, "I", u, 72),
    Field("line_info", 96, "Q", addr, 72),
    Field("line_info_cnt", 104, "I", u, 72),
    Field("attach_btf_id", 108, "I", u, 108),
    Field("attach_prog_fd", 112, "I", fd, 112),
    Field("fd_array", 120, "Q", addr, 120),
)

_MAP_FD = Field("map_fd", 0, "I", fd, 0)
_KEY = Field("key", 8, "Q", addr, 0)
_LOOKUP = (_MAP_FD, _KEY, Field("value", 16, "Q", addr, 0),
           Field("flags", 24, "Q", bits_any("BPF_LOOKUP_FLAGS"), 24))
_OPEN_FLAGS = Field("open_flags", 8, "I", bits("BPF_FILE_MODE_FLAGS", "BPF_F_???"), 8)


def _by_id(name: str) -> tuple[Field, ...]:
    return (Field(name, 0, "I", u, 0), Field("next_id", 4, "I", u, 0), _OPEN_FLAGS)


_OBJ_PIN = (Field("pathname", 0, "Q", lambda c, v, a: c.path(v), 0),
            Field("bpf_fd", 8, "I", fd, 0),
            Field("file_flags", 12, "I", bits("BPF_FILE_MODE_FLAGS", "BPF_F_???"), 12))

_TEST_RUN = (
    Field("prog_fd", 0, "I", fd, 0), Field("retval", 4, "I", u, 0),
    Field("data_size_in", 8, "I", u, 0), Field("data_size_out", 12, "I", u, 0),
    Field("data_in", 16, "Q", addr, 0), Field("data_out", 24, "Q", addr, 0),
    Field("repeat", 32, "I", u, 0), Field("duration", 36, "I", u, 0),
    Field("ctx_size_in", 40, "I", u, 40), Field("ctx_size_out", 44, "I", u, 40),
    Field("ctx_in", 48, "Q", addr, 40), Field("ctx_out", 56, "Q", addr, 40),
    Field("flags", 64, "I", bits("BPF_TEST_RUN_FLAGS", "BPF_F_???"), 64),
    Field("cpu", 68, "I", u, 64), Field("batch_size", 72, "I", u, 72),
)

_ATTACH_TYPE = Field("attach_type", 8, "I", names("BPF_ATTACH_TYPES", "BPF_???"), 0)

# -- BPF_LINK_CREATE: what follows its flags is by attach_type ---------------------------
_TRACE_ITER, _PERF_EVENT, _KPROBE_MULTI = 28, 41, 42


def _link_target(c: Ctx, v: int, a: Attr) -> Optional[str]:
    kind, = struct.unpack_from("<I", a.data, 8)
    if kind == 0:
        return "target_btf_id=%d" % v if v else None
    if kind == _TRACE_ITER:
        info, count = struct.unpack_from("<QI", a.data, 16)
        return "iter_info=%s, iter_info_len=%d" % (array(
            c, info, count, 4, lambda d: "{map={map_fd=%s}}" % c.fd(
                struct.unpack("<i", d)[0])), count)
    if kind == _PERF_EVENT:
        return "perf_event={bpf_cookie=%s}" % hexa(struct.unpack_from("<Q", a.data, 16)[0])
    if kind == _KPROBE_MULTI:
        fl, cnt, syms, addrs, cookies = struct.unpack_from("<IIQQQ", a.data, 16)

        def hex_u64(d: bytes) -> str:
            return hexa(struct.unpack("<Q", d)[0])
        return ("kprobe_multi={flags=%s, cnt=%d, syms=%s, addrs=%s, cookies=%s}" % (
            flags(fl, XB.BPF_KPROBE_MULTI_FLAGS, "BPF_F_???"), cnt,
            array(c, syms, cnt, 8, lambda d: c.cstr(struct.unpack("<Q", d)[0])),
            array(c, addrs, cnt, 8, hex_u64), array(c, cookies, cnt, 8, hex_u64)))
    return None


def _link_size(a: Attr) -> int:
    if a.length <= 16:
        return 48
    kind, = struct.unpack_from("<I", a.data, 8)
    return {0: 20, _TRACE_ITER: 28, _PERF_EVENT: 24, _KPROBE_MULTI: 48}.get(kind, 16)


_LINK_CREATE = (Field("prog_fd", 0, "I", fd, 0), Field("target_fd", 4, "I", fd, 0),
                _ATTACH_TYPE, Field("flags", 12, "I", hexv, 0),
                Field("", 16, "I", _link_target, 16))

_LINK_UPDATE = (
    Field("link_fd", 0, "I", fd, 0), Field("new_prog_fd", 4, "I", fd, 0),
    Field("flags", 8, "I", bits("BPF_ATTACH_FLAGS", "BPF_F_???"), 0),
    Field("old_prog_fd", 12, "I",
          lambda c, v, a: fd(c, v, a) if a.data[8] & 4 else None, 0),   # BPF_F_REPLACE
)


def _tp_name(c: Ctx, v: int, a: Attr) -> str:
    return bounded_str(c, v, 128)


def _btf(c: Ctx, v: int, a: Attr) -> str:
    return c.buf(v, struct.unpack_from("<I", a.data, 16)[0])


COMMANDS: dict[str, Cmd] = {
    "BPF_MAP_CREATE": Cmd(_MAP_CREATE, 72, True),
    "BPF_MAP_LOOKUP_ELEM": Cmd(_LOOKUP, 32),
    "BPF_MAP_LOOKUP_AND_DELETE_ELEM": Cmd(_LOOKUP, 32),
    "BPF_MAP_UPDATE_ELEM": Cmd(_LOOKUP[:3] + (
        Field("flags", 24, "Q", names("BPF_UPDATE_FLAGS", "BPF_???"), 0),), 32),
    "BPF_MAP_DELETE_ELEM": Cmd((_MAP_FD, _KEY), 16),
    "BPF_MAP_GET_NEXT_KEY": Cmd((_MAP_FD, _KEY, Field("next_key", 16, "Q", addr, 0)), 24),
    "BPF_MAP_FREEZE": Cmd((_MAP_FD,), 4),
    "BPF_PROG_LOAD": Cmd(_PROG_LOAD, 128, True),
    "BPF_OBJ_PIN": Cmd(_OBJ_PIN, 16, True),
    "BPF_OBJ_GET": Cmd(_OBJ_PIN, 16, True),
    "BPF_PROG_ATTACH": Cmd((
        Field("target_fd", 0, "I", fd, 0), Field("attach_bpf_fd", 4, "I", fd, 0), _ATTACH_TYPE,
        Field("attach_flags", 12, "I", bits("BPF_ATTACH_FLAGS", "BPF_F_???"), 0),
        Field("replace_bpf_fd", 16, "I", fd, 16)), 20),
    "BPF_PROG_DETACH": Cmd((Field("target_fd", 0, "I", fd, 0), _ATTACH_TYPE), 12),
    "BPF_PROG_TEST_RUN": Cmd(_TEST_RUN, 76, wrap="test"),
    "BPF_PROG_GET_FD_BY_ID": Cmd(_by_id("prog_id"), 12, True),
    "BPF_MAP_GET_FD_BY_ID": Cmd(_by_id("map_id"), 12, True),
    "BPF_RAW_TRACEPOINT_OPEN": Cmd((Field("name", 0, "Q", _tp_name, 0),
                                    Field("prog_fd", 8, "I", fd, 0)), 12,
                                   wrap="raw_tracepoint"),
    "BPF_BTF_LOAD": Cmd((Field("btf", 0, "Q", _btf, 0), Field("btf_log_buf", 8, "Q", addr, 0),
                         Field("btf_size", 16, "I", u, 0), Field("btf_log_size", 20, "I", u, 0),
                         Field("btf_log_level", 24, "I", u, 0)), 28, True),
    "BPF_BTF_GET_FD_BY_ID": Cmd((Field("btf_id", 0, "I", u, 0),), 4, True),
    "BPF_LINK_CREATE": Cmd(_LINK_CREATE, 48, True, "link_create", _link_size),
    "BPF_LINK_UPDATE": Cmd(_LINK_UPDATE, 16, wrap="link_update"),
    "BPF_LINK_GET_FD_BY_ID": Cmd((Field("link_id", 0, "I", u, 0),), 4, True),
}
