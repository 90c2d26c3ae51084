# SPDX-License-Identifier: GPL-2.0-or-later
"""The bpf commands the kernel answers in their attributes, as strace 6.1 prints them:
part at entry, the rest read again at exit (``STAGED``: the command's printer at entry,
its printer at exit, the size of its structure, whether it returns a descriptor). A value
the kernel changed is printed ``old => new``.

BPF_OBJ_GET_INFO_BY_FD prints the structure the kernel fills (with ``-v``, when the
descriptor is a map's or a program's, as ``-y`` shows it): struct bpf_map_info or struct
bpf_prog_info, the counts the caller gave at entry beside the ones the kernel wrote."""

from __future__ import annotations

import struct
import time
from typing import Callable, NamedTuple, Optional

from . import _pidns as P
from . import _xlat_bpf as XB
from ._bpf_attr import PAGE_SIZE, cstring, extra
from ._bpf_cmds import insns
from ._ctx import Ctx
from ._misc import array, bounded_str
from ._quote import quote
from ._sockaddr import ifindex
from ._structs import makedev
from ._style import RAW
from ._style import get as _style_now
from ._xlat import flags, hexa, ptr, s32, xval

Data = Optional[bytes]     # the structure read again at exit (None: it could not be)


class Staged(NamedTuple):
    enter: Callable[[Ctx, bytes], str]
    leave: Callable[[Ctx, bytes], str]
    size: int
    fd: bool = False


def _pad(data: bytes, size: int) -> bytes:
    return data[:size].ljust(size, b"\0")


def _changed(old: int, new: int, text: Callable[[int], str] = str) -> str:
    return text(new) if old == new else "%s => %s" % (text(old), text(new))


def _failed(c: Ctx, where: int, n: int) -> bool:
    """Whether an array of *n* elements at *where* the kernel writes is printed as its
    address: the call failed (its memory is not read then)."""
    return c.failed and bool(where) and bool(n)


def _u32_array(c: Ctx, where: int, n: int) -> str:
    if _failed(c, where, n):
        return ptr(where)
    return array(c, where, n, 4, lambda d: str(struct.unpack("<I", d)[0]))


# -- BPF_{PROG,MAP,BTF,LINK}_GET_NEXT_ID ---------------------------------------------------

def _next_id_enter(c: Ctx, data: bytes) -> str:
    start, nxt = struct.unpack("<II", _pad(data, 8))
    c.saved["bpf_next_id"] = nxt
    return "{start_id=%d, next_id=%d" % (start, nxt)


def _next_id_leave(c: Ctx, data: bytes) -> str:
    nxt, open_flags = struct.unpack_from("<II", _pad(data, 12), 4)
    out = "" if c.saved.get("bpf_next_id", nxt) == nxt else " => %d" % nxt
    if len(data) > 8:
        out += ", open_flags=" + flags(open_flags, XB.BPF_FILE_MODE_FLAGS, "BPF_F_???")
    return out + "".join(", " + x for x in extra(c, data, 12)) + "}"


# -- BPF_PROG_QUERY ------------------------------------------------------------------------

def _query_enter(c: Ctx, data: bytes) -> str:
    target, kind, qflags, aflags, _ids, cnt = struct.unpack("<IIIIQI", _pad(data, 28))
    c.saved["bpf_count"] = cnt
    return ("{query={target_fd=%s, attach_type=%s, query_flags=%s, attach_flags=%s,"
            " prog_ids=" % (c.fd(s32(target)), xval(kind, XB.BPF_ATTACH_TYPES, "BPF_???"),
                            flags(qflags, XB.BPF_QUERY_FLAGS, "BPF_F_QUERY_???"),
                            flags(aflags, XB.BPF_ATTACH_FLAGS, "BPF_F_???")))


def _query_leave(c: Ctx, data: bytes) -> str:
    ids, cnt = struct.unpack_from("<QI", _pad(data, 28), 16)
    return "%s, prog_cnt=%s}%s}" % (_u32_array(c, ids, cnt),
                                    _changed(c.saved.get("bpf_count", cnt), cnt),
                                    "".join(", " + x for x in extra(c, data, 28)))


# -- BPF_TASK_FD_QUERY ---------------------------------------------------------------------

def _task_fd_enter(c: Ctx, data: bytes) -> str:
    pid, fd, fl, buf_len = struct.unpack("<IIII", _pad(data, 16))
    c.saved["bpf_count"] = buf_len
    return "{task_fd_query={pid=%s, fd=%s, flags=%d, buf_len=%d" % (
        P.pid(s32(pid), P.TGID), c.fd(s32(fd)), fl, buf_len)


def _task_fd_leave(c: Ctx, data: bytes) -> str:
    buf_len, buf, prog_id, fd_type, offset, where = struct.unpack_from(
        "<IQIIQQ", _pad(data, 48), 12)
    saved = c.saved.get("bpf_count", buf_len)
    out = "" if saved == buf_len else " => %d" % buf_len
    n = min(saved, buf_len)
    # (as strace 6.1: the buffer whether the call failed or not; "" when its length is 0)
    text = ptr(buf) if not buf else '""' if not n else bounded_str(c, buf, n)
    return "%s, buf=%s, prog_id=%d, fd_type=%s, probe_offset=%s, probe_addr=%s}%s}" % (
        out, text, prog_id, xval(fd_type, XB.BPF_TASK_FD_TYPES, "BPF_FD_TYPE_???"),
        hexa(offset), hexa(where), "".join(", " + x for x in extra(c, data, 48)))


# -- BPF_MAP_*_BATCH -----------------------------------------------------------------------

_BATCH_ADDRS = {"in_batch": 0, "out_batch": 8, "keys": 16, "values": 24}


def _batch(names: tuple[str, ...]) -> Staged:
    """A batch operation on a map: the addresses *names* (of in_batch, out_batch, keys,
    values), then the count; at exit, the count the kernel wrote when it changed."""

    def enter(c: Ctx, data: bytes) -> str:
        d = _pad(data, 56)
        count, map_fd, elem_flags, fl = struct.unpack_from("<IIQQ", d, 32)
        c.saved["bpf_count"] = count
        parts = ["%s=%s" % (n, ptr(struct.unpack_from("<Q", d, _BATCH_ADDRS[n])[0]))
                 for n in names]
        parts += ["count=%d" % count, "map_fd=%s" % c.fd(s32(map_fd)),
                  "elem_flags=%s" % flags(elem_flags, XB.BPF_LOOKUP_FLAGS, "BPF_???",
                                          zero="BPF_ANY"),
                  "flags=%s" % hexa(fl)]
        return "{batch={%s}%s}" % (", ".join(parts),
                                   "".join(", " + x for x in extra(c, data, 56)))

    def leave(c: Ctx, data: bytes) -> str:
        count = struct.unpack_from("<I", _pad(data, 56), 32)[0]
        if c.saved.get("bpf_count", count) == count:
            return ""
        return " => {batch={count=%d}}" % count
    return Staged(enter, leave, 56)


# -- BPF_OBJ_GET_INFO_BY_FD ----------------------------------------------------------------

MAP_INFO_SIZE, PROG_INFO_SIZE = 88, 220


def _map_info(c: Ctx, info: bytes, saved: bytes) -> str:
    size = len(info)
    d = _pad(info, MAP_INFO_SIZE)
    kind, ident, key, value, entries, fl = struct.unpack_from("<6I", d)
    out = ["type=%s" % xval(kind, XB.BPF_MAP_TYPES, "BPF_MAP_TYPE_???"), "id=%d" % ident,
           "key_size=%d" % key, "value_size=%d" % value, "max_entries=%d" % entries,
           "map_flags=%s" % flags(fl, XB.BPF_MAP_FLAGS, "BPF_F_???")]
    while True:     # (the groups of fields as far as the size reaches)
        if size <= 24:
            break
        out.append("name=%s" % cstring(c, d[24:40]))
        if size <= 40:
            break
        idx, vmlinux, dev, ino = struct.unpack_from("<IIQQ", d, 40)
        out += ["ifindex=%s" % ifindex(idx), "btf_vmlinux_value_type_id=%d" % vmlinux,
                "netns_dev=%s" % makedev(dev), "netns_ino=%d" % ino]
        if size <= 64:
            break
        out += ["%s=%d" % p for p in zip(("btf_id", "btf_key_type_id", "btf_value_type_id"),
                                         struct.unpack_from("<3I", d, 64), strict=True)]
        out += extra(c, info, MAP_INFO_SIZE)
        break
    return "{%s}" % ", ".join(out)


_rtc_offset: list[float] = []


def _boottime(ns: int) -> str:
    """The comment of a time since boot: the date it was (not in -X raw)."""
    if _style_now() == RAW:
        return ""
    if not _rtc_offset:
        _rtc_offset.append(time.clock_gettime(time.CLOCK_REALTIME)
                           - time.clock_gettime(time.CLOCK_BOOTTIME))
    sec = int(ns // 1000000000 + _rtc_offset[0] + (ns % 1000000000) / 1e9)
    try:
        return " /* %s */" % time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(sec))
    except (OverflowError, ValueError, OSError):
        return ""


# the fields of struct bpf_prog_info from nr_jited_ksyms on: its name, its offset, its
# format, its printer, whether the value given at entry is printed too (``old => new``)
_U, _A = str, ptr
_PROG_LATER: tuple[tuple[str, int, str, Callable[[int], str], bool], ...] = (
    ("nr_jited_ksyms", 104, "I", _U, True), ("nr_jited_func_lens", 108, "I", _U, True),
    ("jited_ksyms", 112, "Q", _A, True), ("jited_func_lens", 120, "Q", _A, True),
    ("btf_id", 128, "I", _U, False), ("func_info_rec_size", 132, "I", _U, True),
    ("func_info", 136, "Q", _A, False), ("nr_func_info", 144, "I", _U, True),
    ("nr_line_info", 148, "I", _U, True), ("line_info", 152, "Q", _A, False),
    ("jited_line_info", 160, "Q", _A, True), ("nr_jited_line_info", 168, "I", _U, True),
    ("line_info_rec_size", 172, "I", _U, True), ("jited_line_info_rec_size", 176, "I", _U, True),
    ("nr_prog_tags", 180, "I", _U, True), ("prog_tags", 184, "Q", _A, False),
    ("run_time_ns", 192, "Q", _U, False), ("run_cnt", 200, "Q", _U, False),
    ("recursion_misses", 208, "Q", _U, False), ("verified_insns", 216, "I", _U, False))
_PROG_GROUPS = frozenset((104, 128, 192, 208, 216))   # where a group of fields starts


def _prog_info(c: Ctx, info: bytes, saved: bytes) -> str:
    size = len(info)
    d, s = _pad(info, PROG_INFO_SIZE), _pad(saved, PROG_INFO_SIZE)

    def num(offset: int, fmt: str = "I") -> tuple[int, int]:
        return (struct.unpack_from("<" + fmt, s, offset)[0],
                struct.unpack_from("<" + fmt, d, offset)[0])

    kind, ident = struct.unpack_from("<II", d)
    jited, xlated = num(16), num(20)
    jited_insns, xlated_insns, load_time, uid = struct.unpack_from("<QQQI", d, 24)
    out = ["type=%s" % xval(kind, XB.BPF_PROG_TYPES, "BPF_PROG_TYPE_???"), "id=%d" % ident,
           "tag=%s" % quote(d[8:16], hex=True), "jited_prog_len=%s" % _changed(*jited),
           "jited_prog_insns=%s" % (ptr(jited_insns) if not jited_insns or c.failed
                                    else c.buf(jited_insns, jited[1], hex=True)),
           "xlated_prog_len=%s" % _changed(*xlated),
           "xlated_prog_insns=%s" % _insns_out(c, xlated_insns, min(xlated) // 8)]
    while True:
        if size <= 40:
            break
        nr_maps, map_ids = num(52), struct.unpack_from("<Q", d, 56)[0]
        out += ["load_time=%d%s" % (load_time, _boottime(load_time)),
                "created_by_uid=%s" % ("-1" if uid == 0xFFFFFFFF else str(uid)),
                "nr_map_ids=%s" % _changed(*nr_maps),
                "map_ids=%s" % _u32_array(c, map_ids, min(nr_maps)),
                "name=%s" % cstring(c, d[64:80])]
        if size <= 80:
            break
        idx, gpl, dev, ino = struct.unpack_from("<IIQQ", d, 80)
        out += ["ifindex=%s" % ifindex(idx), "gpl_compatible=%d" % (gpl & 1),
                "netns_dev=%s" % makedev(dev), "netns_ino=%d" % ino]
        for name, offset, fmt, show, changed in _PROG_LATER:
            if offset in _PROG_GROUPS and size <= offset:
                break
            old, new = num(offset, fmt)
            out.append("%s=%s" % (name, _changed(old, new, show) if changed else show(new)))
        else:
            out += extra(c, info, PROG_INFO_SIZE)
        break
    return "{%s}" % ", ".join(out)


def _insns_out(c: Ctx, where: int, count: int) -> str:
    return ptr(where) if _failed(c, where, count) else insns(c, where, count)


_INFO_PRINTERS = {"anon_inode:bpf-map": _map_info, "anon_inode:bpf-prog": _prog_info}


def _info_kind(c: Ctx, fd: int) -> str:
    """What the descriptor is open on (strace asks whether -y is given or not)."""
    see = c.fd_link if c.fd_link is not None else c.fd_path
    if see is None or fd < 0:
        return ""
    try:
        return str(see(fd) or "")
    except Exception:   # a vanished process must not break printing
        return ""


def _info_enter(c: Ctx, data: bytes) -> str:
    bpf_fd, info_len, info = struct.unpack("<IIQ", _pad(data, 16))
    c.saved["bpf_count"] = info_len
    kind = "" if c.abbrev else _info_kind(c, s32(bpf_fd))
    if kind in _INFO_PRINTERS:   # (the counts given: 0 when they cannot be read)
        got = c.read(info, info_len) if 0 < info_len <= PAGE_SIZE else None
        c.saved["bpf_info"] = (kind, got or b"")
    return "{info={bpf_fd=%s, info_len=%d" % (c.fd(s32(bpf_fd)), info_len)


def _info_leave(c: Ctx, data: bytes) -> str:
    info_len, info = struct.unpack_from("<IQ", _pad(data, 16), 4)
    saved = c.saved.get("bpf_info")
    out = "" if c.saved.get("bpf_count", info_len) == info_len else " => %d" % info_len
    text = ptr(info)
    if saved is not None and 0 < info_len <= PAGE_SIZE:
        got = c.read(info, info_len)
        if got is not None:
            text = _INFO_PRINTERS[saved[0]](c, got, saved[1])
    return "%s, info=%s}%s}" % (out, text, "".join(", " + x for x in extra(c, data, 16)))


STAGED: dict[str, Staged] = {
    "BPF_PROG_GET_NEXT_ID": Staged(_next_id_enter, _next_id_leave, 12),
    "BPF_MAP_GET_NEXT_ID": Staged(_next_id_enter, _next_id_leave, 12),
    "BPF_BTF_GET_NEXT_ID": Staged(_next_id_enter, _next_id_leave, 12),
    "BPF_LINK_GET_NEXT_ID": Staged(_next_id_enter, _next_id_leave, 12),
    "BPF_OBJ_GET_INFO_BY_FD": Staged(_info_enter, _info_leave, 16),
    "BPF_PROG_QUERY": Staged(_query_enter, _query_leave, 28),
    "BPF_TASK_FD_QUERY": Staged(_task_fd_enter, _task_fd_leave, 48),
    "BPF_MAP_LOOKUP_BATCH": _batch(("in_batch", "out_batch", "keys", "values")),
    "BPF_MAP_LOOKUP_AND_DELETE_BATCH": _batch(("in_batch", "out_batch", "keys", "values")),
    "BPF_MAP_UPDATE_BATCH": _batch(("keys", "values")),
    "BPF_MAP_DELETE_BATCH": _batch(("keys",)),
}
