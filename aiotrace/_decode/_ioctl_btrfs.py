# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: btrfs and the file system requests of type 0x94 (linux/btrfs.h, linux/fs.h),
as strace 6.1 decodes them: the volumes, subvolumes and snapshots, balancing,
defragmenting, the devices, the quota groups, the tree searches, send, the features,
cloning and deduplicating ranges, the labels (the requests whose structure is read again
at exit are in ``_ioctl_btrfs_rw``)."""

from __future__ import annotations

import struct
from typing import Callable

from . import _ioctl as I
from . import _style
from . import _xlat_btrfs as B
from ._ctx import Ctx
from ._misc import array
from ._structs_full import dev_t
from ._tables import Names
from ._xlat import flags, ptr, s64, xval

Fields = Callable[[bytes], str]
_FIRST_FREE, _LAST_FREE = 0x100, 0xFFFFFFFFFFFFFF00
U64_MAX, U32_MAX = (1 << 64) - 1, (1 << 32) - 1
_DATA, _SYSTEM, _METADATA = 0x1, 0x2, 0x4       # BTRFS_BALANCE_*: the parts balanced
_QGROUP_INHERIT = 0x4


def xval_u(v: int, table: Names) -> str:
    """A value by name, else in decimal (strace's printxval_u without a default)."""
    return _style.combine(str(v), table.get(v))


def u64(v: int) -> str:
    """A 64-bit number, ``UINT64_MAX`` for all ones."""
    return _style.combine(str(v), "UINT64_MAX") if v == U64_MAX else str(v)


def objectid(v: int) -> str:
    return xval_u(v, B.BTRFS_TREE_OBJECTIDS)


def key_type(v: int) -> str:
    return xval_u(v, B.BTRFS_KEY_TYPES)


def uuid(d: bytes) -> str:
    h = d.hex()
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:32])


def struct_at(c: Ctx, arg: int, size: int, show: Fields) -> str:
    """A structure the call reads, all at entry (its address when it cannot be read)."""
    return I.at_entry(c, arg, size, show)


# -- the volumes and snapshots -----------------------------------------------------

def _vol_args(c: Ctx, d: bytes) -> str:
    return "{fd=%s, name=%s}" % (c.fd(s64(struct.unpack_from("<q", d)[0])),
                                 I.cstring(c, d[8:4096]))


def _qgroup_limit(d: bytes, at: int) -> str:
    fl, *rest = struct.unpack_from("<5Q", d, at)
    return "{flags=%s, max_rfer=%d, max_excl=%d, rsv_rfer=%d, rsv_excl=%d}" % (
        flags(fl, B.BTRFS_QGROUP_LIMIT_FLAGS, "BTRFS_QGROUP_LIMIT_???"), *rest)


def _qgroup_inherit(c: Ctx, addr: int) -> str:
    data = I.fetch(c, addr, 72)
    if isinstance(data, str):
        return data
    fl, n, refs, excl = struct.unpack_from("<4Q", data)
    text = "{flags=%s, num_qgroups=%d, num_ref_copies=%d, num_excl_copies=%d, lim=%s" % (
        flags(fl, B.BTRFS_QGROUP_INHERIT_FLAGS, "BTRFS_QGROUP_INHERIT_???"), n, refs, excl,
        _qgroup_limit(data, 32))
    if c.abbrev:
        return text + ", ...}"
    return text + ", qgroups=%s}" % array(c, addr + 72, n, 8,
                                          lambda e: str(struct.unpack("<Q", e)[0]))


def _vol_args_v2(c: Ctx, req: int, arg: int) -> str:
    """BTRFS_IOC_SNAP_CREATE_V2, BTRFS_IOC_SUBVOL_CREATE_V2: `` => `` the transaction
    id at exit."""
    def first(d: bytes) -> str:
        fd, _, fl, size, inherit = struct.unpack_from("<qQQQQ", d)
        text = "{fd=%s, flags=%s" % (c.fd(fd), flags(fl, B.BTRFS_SNAP_FLAGS_V2,
                                                        "BTRFS_SUBVOL_???"))
        if fl & _QGROUP_INHERIT:
            text += ", size=%d, qgroup_inherit=%s" % (size, _qgroup_inherit(c, inherit))
        return text + ", name=%s}" % I.cstring(c, d[56:4096])
    return rw(c, arg, 4096, first, lambda d: "{transid=%d}" % struct.unpack_from("<Q", d, 8)[0])


def rw(c: Ctx, arg: int, size: int, first: Fields, then: Fields) -> str:
    """A structure the call reads and writes: *first* at entry, `` => `` *then* at exit
    when the call succeeded (the address when it cannot be read)."""
    if not c.exiting:
        data = I.fetch(c, arg, size)
        return I.done(c, ", " + data) if isinstance(data, str) else ", " + first(data)
    if c.failed:
        return ""
    out = I.fetch(c, arg, size)
    return " => " + (out if isinstance(out, str) else then(out))


# -- balancing -------------------------------------------------------------------

def _balance_args(d: bytes, at: int) -> str:
    prof, usage, devid, pstart, pend, vstart, vend, target, fl = struct.unpack_from(
        "<9Q", d, at)
    return ("{profiles=%s, usage=%s, devid=%s, pstart=%s, pend=%s, vstart=%s, vend=%s,"
            " target=%s, flags=%s}") % (
        flags(prof, B.BTRFS_SPACE_INFO_FLAGS, "BTRFS_BLOCK_GROUP_???"), u64(usage),
        dev_t(devid), u64(pstart), u64(pend), u64(vstart), u64(vend), u64(target),
        flags(fl, B.BTRFS_BALANCE_ARGS, "BTRFS_BALANCE_ARGS_???"))


def balance(d: bytes, out: bool) -> str:
    fl, state = struct.unpack_from("<QQ", d)
    text = "{flags=" + flags(fl, B.BTRFS_BALANCE_FLAGS, "BTRFS_BALANCE_???")
    if out:
        text += ", state=" + flags(state, B.BTRFS_BALANCE_STATE, "BTRFS_BALANCE_STATE_???")
    for bit, name, at in ((_DATA, "data", 16), (_METADATA, "meta", 152), (_SYSTEM, "sys", 288)):
        if fl & bit:
            text += ", %s=%s" % (name, _balance_args(d, at))
    return text + "}"


def _balance_v2(c: Ctx, req: int, arg: int) -> str:
    return rw(c, arg, 1024, lambda d: balance(d, False), lambda d: balance(d, True))


def _defrag_range(d: bytes) -> str:
    start, length, fl, thresh, compress = struct.unpack_from("<QQQII", d)
    return "{start=%d, len=%s, flags=%s, extent_thresh=%d, compress_type=%s}" % (
        start, u64(length), flags(fl, B.BTRFS_DEFRAG_FLAGS, "BTRFS_DEFRAG_RANGE_???"), thresh,
        xval(compress, B.BTRFS_COMPRESS_TYPES, "BTRFS_COMPRESS_???"))


# -- the features ------------------------------------------------------------------

def features(d: bytes, at: int = 0) -> str:
    compat, ro, incompat = struct.unpack_from("<3Q", d, at)
    return "{compat_flags=%s, compat_ro_flags=%s, incompat_flags=%s}" % (
        flags(compat, (), "BTRFS_FEATURE_COMPAT_???"),   # (strace 6.1 names none)
        flags(ro, B.BTRFS_FEATURES_COMPAT_RO, "BTRFS_FEATURE_COMPAT_RO_???"),
        flags(incompat, B.BTRFS_FEATURES_INCOMPAT, "BTRFS_FEATURE_INCOMPAT_???"))


def _supported(d: bytes) -> str:
    return "[%s /* supported */, %s /* safe to set */, %s /* safe to clear */]" % (
        features(d), features(d, 24), features(d, 48))


# -- the tree searches -------------------------------------------------------------

def search_key(c: Ctx, d: bytes) -> str:
    (tree, lo_obj, hi_obj, lo_off, hi_off, lo_tr, hi_tr, lo_type, hi_type,
     n) = struct.unpack_from("<7Q3I", d)
    if c.exiting:
        return "{nr_items=%d}" % n
    out = ["tree_id=" + objectid(tree)]
    if lo_obj != _FIRST_FREE or not c.abbrev:
        out.append("min_objectid=" + objectid(lo_obj))
    if hi_obj != _LAST_FREE or not c.abbrev:
        out.append("max_objectid=" + objectid(hi_obj))
    out += ["min_offset=" + u64(lo_off), "max_offset=" + u64(hi_off),
            "min_transid=" + u64(lo_tr), "max_transid=" + u64(hi_tr),
            "min_type=" + key_type(lo_type), "max_type=" + key_type(hi_type),
            "nr_items=%d" % n]
    return "{" + ", ".join(out) + "}"


def search_buf(c: Ctx, addr: int, size: int, n: int) -> str:
    """At exit, the items found: their headers."""
    if not c.exiting:
        return ""
    if c.abbrev:
        return ", ..."
    out, off = [], 0
    for i in range(n):
        if off + 32 > size or i > c.strsize:
            out.append("...")
            break
        data = c.read(addr + off, 32)
        if data is None:
            out.append("... /* %s */" % ptr(addr + off))
            break
        transid, obj, offset, typ, length = struct.unpack("<QQQII", data)
        out.append("{transid=%d, objectid=%s, offset=%d, type=%s, len=%d}" % (
            transid, objectid(obj), offset, key_type(typ), length))
        off += 32 + length
    return ", buf=[%s]" % ", ".join(out)


def _tree_search(c: Ctx, req: int, arg: int) -> str:
    def show(d: bytes) -> str:
        return "{key=%s%s}" % (search_key(c, d), search_buf(c, arg + 104, 4096 - 104,
                                                            struct.unpack_from("<I", d, 64)[0]))
    return rw(c, arg, 104, show, show)


def _tree_search_v2(c: Ctx, req: int, arg: int) -> str:
    def show(d: bytes) -> str:
        size = struct.unpack_from("<Q", d, 104)[0]
        return "{key=%s, buf_size=%d%s}" % (search_key(c, d), size, search_buf(
            c, arg + 112, size, struct.unpack_from("<I", d, 64)[0]))
    if c.exiting and c.errno == 75:      # EOVERFLOW: the size the buffer would need
        out = c.read(arg, 112) if c.verbose else None
        return " => " + ("{buf_size=%d}" % struct.unpack_from("<Q", out, 104)[0] if out
                         else ptr(arg))
    return rw(c, arg, 112, show, show)


# -- send, the space, the quota groups ------------------------------------------------

def _send(c: Ctx, d: bytes) -> str:
    fd, count, sources, parent, fl = struct.unpack_from("<qQQQQ", d)
    shown = ptr(sources) if c.abbrev else array(
        c, sources, count, 8, lambda e: objectid(struct.unpack("<Q", e)[0]))
    return "{send_fd=%s, clone_sources_count=%d, clone_sources=%s, parent_root=%s, flags=%s}" % (
        c.fd(fd), count, shown, objectid(parent),
        flags(fl, B.BTRFS_SEND_FLAGS, "BTRFS_SEND_FLAGS_???"))


def _space_info(c: Ctx, req: int, arg: int) -> str:
    def then(d: bytes) -> str:
        slots, total = struct.unpack_from("<QQ", d)
        if not slots and total:
            return "{total_spaces=%d}" % total
        if c.abbrev:
            return "{total_spaces=%d, ...}" % total
        return "{total_spaces=%d, spaces=%s}" % (total, array(c, arg + 16, total, 24, lambda e: (
            "{flags=%s, total_bytes=%d, used_bytes=%d}" % (
                flags(struct.unpack_from("<Q", e)[0], B.BTRFS_SPACE_INFO_FLAGS,
                      "BTRFS_SPACE_INFO_???"), *struct.unpack_from("<QQ", e, 8)))))
    return rw(c, arg, 16, lambda d: "{space_slots=%d}" % struct.unpack_from("<Q", d)[0], then)


def _file_clone_range(c: Ctx, d: bytes) -> str:
    fd, *rest = struct.unpack_from("<qQQQ", d)
    return "{src_fd=%s, src_offset=%d, src_length=%d, dest_offset=%d}" % (c.fd(fd), *rest)


def _dedupe(c: Ctx, req: int, arg: int) -> str:
    """FIDEDUPERANGE: the ranges at entry (the first two without -v), `` => `` the
    bytes deduplicated and the status of each at exit."""
    if c.exiting and c.failed:
        return ""
    data = I.fetch(c, arg, 24)
    if isinstance(data, str):
        return I.done(c, ", " + data) if not c.exiting else " => " + data
    start, length, count = struct.unpack_from("<QQH", data)

    def info(e: bytes) -> str:
        if c.exiting:
            return "{bytes_deduped=%d, status=%d}" % struct.unpack_from("<Qi", e, 16)
        fd, offset = struct.unpack_from("<qQ", e)
        return "{dest_fd=%s, dest_offset=%d}" % (c.fd(fd), offset)
    items = array(c, arg + 24, count, 32, info, 2 if c.abbrev and count > 2 else None)
    if c.exiting:
        return " => {info=%s}" % items
    text = ", {src_offset=%d, src_length=%d, dest_count=%d, info=%s}" % (start, length, count,
                                                                        items)
    whole = items.startswith("[") and items != "[]" and not items.endswith("*/]")
    return text if whole else I.done(c, text)
