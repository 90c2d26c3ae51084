# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: the btrfs requests (0x94, linux/btrfs.h) whose structure the kernel fills --
the devices, their replacement and statistics, the inode lookups, the received
subvolumes, scrubbing, the file system's information -- as strace 6.1 decodes them; and
the registration of the family, with the requests of ``_ioctl_btrfs``."""

from __future__ import annotations

import struct
from typing import Callable

from . import _ioctl as I
from . import _ioctl_btrfs as BT
from . import _xlat_btrfs as B
from ._ctx import Ctx
from ._ioctl_btrfs import Fields, features, objectid, rw, u64, uuid
from ._kinds import date_text
from ._misc import array
from ._structs_full import date_comment, dev_t
from ._xlat import flags, ptr, s32, xval
from ._xlat_ioctl_names import code

_REPLACE_START, _REPLACE_STATUS = 0, 1
_CSUM_INFO, _GENERATION, _METADATA_UUID = 0x1, 0x2, 0x4     # BTRFS_FS_INFO_FLAG_*


def _dev_info_in(d: bytes) -> str:
    devid, ident = struct.unpack_from("<Q", d)[0], d[8:24]
    return "{devid=%s%s}" % (dev_t(devid), ", uuid=" + uuid(ident) if any(ident) else "")


def _dev_info_out(c: Ctx, d: bytes) -> str:
    ident, (used, total) = d[8:24], struct.unpack_from("<QQ", d, 24)
    return "{%sbytes_used=%d, total_bytes=%d, path=%s}" % (
        "uuid=%s, " % uuid(ident) if any(ident) else "", used, total, I.cstring(c, d[3072:4096]))


def _replace_in(c: Ctx, d: bytes) -> str:
    cmd = struct.unpack_from("<Q", d)[0]
    text = "{cmd=" + xval(cmd, B.BTRFS_DEV_REPLACE_CMDS, "BTRFS_IOCTL_DEV_REPLACE_CMD_???")
    if cmd == _REPLACE_START:
        devid, mode = struct.unpack_from("<QQ", d, 16)
        text += ", start={srcdevid=%s, cont_reading_from_srcdev_mode=%s, srcdev_name=%s," \
            " tgtdev_name=%s}" % (dev_t(devid), xval(
                mode, B.BTRFS_CONT_READING_FROM_SRCDEV_MODE,
                "BTRFS_IOCTL_DEV_REPLACE_CONT_READING_FROM_SRCDEV_MODE_???"),
                I.cstring(c, d[32:1057]), I.cstring(c, d[1057:2082]))
    return text + "}"


def _date(t: int) -> str:
    text = date_text(t) if t else None
    return "" if text is None else " /* %s */" % text


def _replace_out(d: bytes) -> str:
    cmd, result = struct.unpack_from("<QQ", d)
    text = "{result=" + xval(result, B.BTRFS_DEV_REPLACE_RESULTS,
                             "BTRFS_IOCTL_DEV_REPLACE_RESULT_???")
    if cmd == _REPLACE_STATUS:
        state, progress, started, stopped, werr, rerr = struct.unpack_from("<6Q", d, 16)
        text += (", status={replace_state=%s, progress_1000=%d%s, time_started=%d%s,"
                 " time_stopped=%d%s, num_write_errors=%d, num_uncorrectable_read_errors=%d}"
                 % (xval(state, B.BTRFS_DEV_REPLACE_STATE, "BTRFS_IOCTL_DEV_REPLACE_STATE_???"),
                    progress, " /* %d.%d%% */" % divmod(progress, 10) if progress <= 1000
                    else "", started, _date(started), stopped, _date(stopped), werr, rerr))
    return text + "}"


def _dev_stats(c: Ctx, req: int, arg: int) -> str:
    def head(d: bytes) -> str:
        n, fl = struct.unpack_from("<QQ", d, 8)
        return "nr_items=%d, flags=%s" % (n, flags(fl, B.BTRFS_DEV_STATS_FLAGS,
                                                  "BTRFS_DEV_STATS_???"))

    def then(d: bytes) -> str:
        n = struct.unpack_from("<Q", d, 8)[0]
        values = struct.unpack_from("<5Q", d, 24)
        items = ["[%s] = %d" % (BT.xval_u(i, B.BTRFS_DEV_STATS_VALUES), values[i])
                 for i in range(min(n, 5))]
        return "{%s, [%s]}" % (head(d), ", ".join(items + (["..."] if n > 5 else [])))
    return rw(c, arg, 1024, lambda d: "{devid=%s, %s}" % (
        dev_t(struct.unpack_from("<Q", d)[0]), head(d)), then)


def _ino_lookup(c: Ctx, req: int, arg: int) -> str:
    def first(d: bytes) -> str:
        tree, obj = struct.unpack_from("<QQ", d)
        c.saved["btrfs_tree"] = tree == 0     # (the id of the containing tree, at exit)
        return "{treeid=%s, objectid=%s}" % (objectid(tree), objectid(obj))

    def then(d: bytes) -> str:
        tree = "treeid=%s, " % objectid(struct.unpack_from("<Q", d)[0]) if c.saved.get(
            "btrfs_tree") else ""
        return "{%sname=%s}" % (tree, I.cstring(c, d[16:4096]))
    return rw(c, arg, 4096, first, then)


def _container(c: Ctx, addr: int, item: Callable[[int], tuple[int, int, Fields]]) -> str:
    """struct btrfs_data_container: its counts, then its values (*item* of the element
    count: how many, their size, their printer)."""
    data = I.fetch(c, addr, 16)
    if isinstance(data, str):
        return data
    left, missing, count, missed = struct.unpack("<4I", data)
    text = "{bytes_left=%d, bytes_missing=%d, elem_cnt=%d, elem_missed=%d" % (
        left, missing, count, missed)
    if c.abbrev:
        return text + ", ...}"
    n, size, show = item(count)
    return text + ", val=%s}" % array(c, addr + 16, n, size, show)


def _ino_paths(c: Ctx, req: int, arg: int) -> str:
    def then(d: bytes) -> str:
        base = struct.unpack_from("<Q", d, 48)[0]
        return "{fspath=%s}" % _container(c, base, lambda n: (n, 8, lambda e: c.path(
            base + 16 + struct.unpack("<Q", e)[0])))
    return rw(c, arg, 56, lambda d: "{inum=%d, size=%d, fspath=%s}" % (
        *struct.unpack_from("<QQ", d), ptr(struct.unpack_from("<Q", d, 48)[0])), then)


def _logical_ino(c: Ctx, req: int, arg: int) -> str:
    def first(d: bytes) -> str:
        logical, size, *res = struct.unpack_from("<5Q", d)
        fl, inodes = struct.unpack_from("<QQ", d, 40)
        return "{logical=%d, size=%d%s, flags=%s, inodes=%s}" % (
            logical, size, ", reserved=" + I.hex_array(res) if any(res) else "",
            flags(fl, B.BTRFS_LOGICAL_INO_ARGS_FLAGS, "BTRFS_LOGICAL_INO_ARGS_???"), ptr(inodes))

    def then(d: bytes) -> str:
        return "{inodes=%s}" % _container(c, struct.unpack_from("<Q", d, 48)[0], lambda n: (
            n // 3, 24, lambda e: "{inum=%d, offset=%d, root=%d}" % struct.unpack("<3Q", e)))
    return rw(c, arg, 56, first, then)


def _timespec(d: bytes, at: int) -> str:
    sec, nsec = struct.unpack_from("<QI", d, at)
    return "{sec=%d, nsec=%d}%s" % (sec, nsec, date_comment(sec, nsec))


def _received(c: Ctx, req: int, arg: int) -> str:
    return rw(c, arg, 200, lambda d: "{uuid=%s, stransid=%d, stime=%s, flags=%d}" % (
        uuid(d[:16]), struct.unpack_from("<Q", d, 16)[0], _timespec(d, 32),
        struct.unpack_from("<Q", d, 64)[0]), lambda d: "{rtransid=%d, rtime=%s}" % (
        struct.unpack_from("<Q", d, 24)[0], _timespec(d, 48)))


_PROGRESS = ("data_extents_scrubbed", "tree_extents_scrubbed", "data_bytes_scrubbed",
             "tree_bytes_scrubbed", "read_errors", "csum_errors", "verify_errors", "no_csum",
             "csum_discards", "super_errors", "malloc_errors", "uncorrectable_errors",
             "corrected_errors", "last_physical", "unverified_errors")


def _scrub(c: Ctx, req: int, arg: int) -> str:
    def first(d: bytes) -> str:
        devid, start, end, fl = struct.unpack_from("<4Q", d)
        if req != code("BTRFS_IOC_SCRUB"):
            return "{devid=%s}" % dev_t(devid)
        return "{devid=%s, start=%d, end=%s, flags=%s}" % (
            dev_t(devid), start, u64(end), flags(fl, B.BTRFS_SCRUB_FLAGS, "BTRFS_SCRUB_???"))
    return rw(c, arg, 1024, first, lambda d: "{progress={%s}}" % ", ".join(
        "%s=%d" % p for p in zip(_PROGRESS, struct.unpack_from("<15Q", d, 32), strict=True)))


def _fs_info(d: bytes) -> str:
    max_id, ndev = struct.unpack_from("<QQ", d)
    node, sector, align, csum_type, csum_size, fl, gen = struct.unpack_from("<IIIHHQQ", d, 32)
    text = "{max_id=%d, num_devices=%d, fsid=%s, nodesize=%d, sectorsize=%d," \
        " clone_alignment=%d" % (max_id, ndev, uuid(d[16:32]), node, sector, align)
    if fl & _CSUM_INFO:
        text += ", csum_type=%s, csum_size=%d" % (
            xval(csum_type, B.BTRFS_CSUM_TYPES, "BTRFS_CSUM_TYPE_???"), csum_size)
    text += ", flags=" + flags(fl, B.BTRFS_FS_INFO_FLAGS, "BTRFS_FS_INFO_FLAG_???")
    if fl & _GENERATION:
        text += ", generation=%d" % gen
    if fl & _METADATA_UUID:
        text += ", metadata_uuid=" + uuid(d[64:80])
    return text + "}"


# -- the family ---------------------------------------------------------------------

def _entry(size: int, show: Callable[[Ctx, bytes], str]) -> I.Handler:
    """A structure the call reads (shown at entry)."""
    return lambda c, req, arg: I.at_entry(c, arg, size, lambda d: show(c, d))


def _exit(size: int, show: Callable[[Ctx, bytes], str]) -> I.Handler:
    """A structure the call writes (shown at exit, the ", " too)."""
    return lambda c, req, arg: "" if not c.exiting else I.at_exit(c, arg, size,
                                                                  lambda d: show(c, d))


def _none(c: Ctx, req: int, arg: int) -> str:
    return I.done(c, "")


def _u64(fmt: Callable[[int], str], brackets: bool = True) -> Callable[[Ctx, bytes], str]:
    return lambda c, d: (("[%s]" if brackets else "%s")
                         % fmt(struct.unpack_from("<Q", d)[0]))


def _snap_flags(v: int) -> str:
    return flags(v, B.BTRFS_SNAP_FLAGS_V2, "BTRFS_SUBVOL_???")


_VOL_ARGS = _entry(4096, BT._vol_args)
_FAMILY = I.family({
    **{"BTRFS_IOC_" + n: _none for n in (
        "TRANS_START", "TRANS_END", "SYNC", "SCRUB_CANCEL", "QUOTA_RESCAN_WAIT", "DEFRAG",
        "BALANCE")},
    **{"BTRFS_IOC_" + n: _VOL_ARGS for n in (
        "SNAP_CREATE", "RESIZE", "SCAN_DEV", "FORGET_DEV", "ADD_DEV", "RM_DEV", "SUBVOL_CREATE",
        "SNAP_DESTROY", "DEVICES_READY")},
    "BTRFS_IOC_BALANCE_CTL": lambda c, req, arg: I.done(c, ", " + xval(
        arg, B.BTRFS_BALANCE_CTL_CMDS, "BTRFS_BALANCE_CTL_???")),
    "BTRFS_IOC_START_SYNC": _exit(8, _u64(str)),
    "BTRFS_IOC_DEFAULT_SUBVOL": _entry(8, _u64(str)),
    "BTRFS_IOC_WAIT_SYNC": _entry(8, _u64(str)),
    "BTRFS_IOC_SUBVOL_GETFLAGS": _exit(8, _u64(_snap_flags, False)),
    "BTRFS_IOC_SUBVOL_SETFLAGS": _entry(8, _u64(_snap_flags, False)),
    "BTRFS_IOC_BALANCE_V2": BT._balance_v2,
    "BTRFS_IOC_BALANCE_PROGRESS": _exit(1024, lambda c, d: BT.balance(d, True)),
    "BTRFS_IOC_DEFRAG_RANGE": _entry(48, lambda c, d: BT._defrag_range(d)),
    "BTRFS_IOC_DEV_INFO": lambda c, req, arg: rw(c, arg, 4096, _dev_info_in,
                                                 lambda d: _dev_info_out(c, d)),
    "BTRFS_IOC_DEV_REPLACE": lambda c, req, arg: rw(c, arg, 2600, lambda d: _replace_in(c, d),
                                                    _replace_out),
    "BTRFS_IOC_GET_FEATURES": _exit(24, lambda c, d: features(d)),
    "BTRFS_IOC_SET_FEATURES": _entry(48, lambda c, d: "[%s, %s]" % (features(d),
                                                                     features(d, 24))),
    "BTRFS_IOC_GET_SUPPORTED_FEATURES": _exit(72, lambda c, d: BT._supported(d)),
    "BTRFS_IOC_FS_INFO": _exit(1024, lambda c, d: _fs_info(d)),
    "BTRFS_IOC_GET_DEV_STATS": _dev_stats,
    "BTRFS_IOC_INO_LOOKUP": _ino_lookup,
    "BTRFS_IOC_INO_PATHS": _ino_paths,
    "BTRFS_IOC_LOGICAL_INO": _logical_ino,
    "BTRFS_IOC_QGROUP_ASSIGN": _entry(24, lambda c, d: "{assign=%d, src=%d, dst=%d}"
                                      % struct.unpack_from("<3Q", d)),
    "BTRFS_IOC_QGROUP_CREATE": _entry(16, lambda c, d: "{create=%d, qgroupid=%d}"
                                      % struct.unpack_from("<2Q", d)),
    "BTRFS_IOC_QGROUP_LIMIT": _exit(48, lambda c, d: "{qgroupid=%d, lim=%s}" % (
        struct.unpack_from("<Q", d)[0], BT._qgroup_limit(d, 8))),
    "BTRFS_IOC_QUOTA_CTL": _entry(16, lambda c, d: "{cmd=%s}" % xval(
        struct.unpack_from("<Q", d)[0], B.BTRFS_QGROUP_CTL_CMDS, "BTRFS_QUOTA_CTL_???")),
    "BTRFS_IOC_QUOTA_RESCAN": _entry(64, lambda c, d: "{flags=%d}" % struct.unpack_from(
        "<Q", d)[0]),
    "BTRFS_IOC_QUOTA_RESCAN_STATUS": _exit(64, lambda c, d: "{flags=%d, progress=%s}" % (
        struct.unpack_from("<Q", d)[0], objectid(struct.unpack_from("<Q", d, 8)[0]))),
    "BTRFS_IOC_SET_RECEIVED_SUBVOL": _received,
    "BTRFS_IOC_SCRUB": _scrub, "BTRFS_IOC_SCRUB_PROGRESS": _scrub,
    "BTRFS_IOC_TREE_SEARCH": BT._tree_search, "BTRFS_IOC_TREE_SEARCH_V2": BT._tree_search_v2,
    "BTRFS_IOC_SEND": _entry(72, BT._send),
    "BTRFS_IOC_SPACE_INFO": BT._space_info,
    "BTRFS_IOC_SNAP_CREATE_V2": BT._vol_args_v2, "BTRFS_IOC_SUBVOL_CREATE_V2": BT._vol_args_v2,
    # the file system requests of the same type (linux/fs.h)
    "FICLONE": lambda c, req, arg: I.done(c, ", %d" % s32(arg)),
    "FICLONERANGE": _entry(32, BT._file_clone_range),
    "FIDEDUPERANGE": BT._dedupe,
    "FS_IOC_GETFSLABEL": _exit(256, lambda c, d: I.cstring(c, d)),
    "FS_IOC_SETFSLABEL": _entry(256, lambda c, d: I.cstring(c, d)),
})
I.FAMILIES[0x94] = _FAMILY
