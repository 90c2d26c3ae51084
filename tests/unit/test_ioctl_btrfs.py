"""btrfs's requests and the file system requests of type 0x94 (linux/btrfs.h,
linux/fs.h) as strace 6.1 prints them (its test btrfs.c). Tables, no tracee: the decoder
is given the registers and a fake memory (data at A)."""

from __future__ import annotations

import struct

import pytest

from fake_memory import EBADF, EBADF_TEXT, M32, A
from fake_memory import ioctl_line as line
from aiotrace._decode._style import RAW, VERBOSE
from aiotrace._decode._xlat_ioctl_names import code

OK, FAIL = ") = 0", ") = " + EBADF_TEXT
B = A + 0x1000     # (a second buffer, in the same fake memory)
U64_MAX = (1 << 64) - 1


def at_b(head: bytes, tail: bytes) -> bytes:
    return head.ljust(0x1000, b"\0") + tail


def key(tree: int, lo: int, hi: int, n: int) -> bytes:
    return struct.pack("<7Q4I32x", tree, lo, hi, 0, U64_MAX, 0, U64_MAX, 0, 0xFFFFFFFF, n, 0)


UUID = bytes(range(16))
# (the requests of linux/fs.h that btrfs named first)
SHOWN = {"FICLONE": "BTRFS_IOC_CLONE or FICLONE",
         "FICLONERANGE": "BTRFS_IOC_CLONE_RANGE or FICLONERANGE",
         "FIDEDUPERANGE": "BTRFS_IOC_FILE_EXTENT_SAME or FIDEDUPERANGE"}


@pytest.mark.parametrize("name, arg, data, ret, kw, text", [
    ("BTRFS_IOC_SYNC", A, b"", EBADF, {}, FAIL),
    ("BTRFS_IOC_BALANCE_CTL", 2, b"", EBADF, {}, ", BTRFS_BALANCE_CTL_CANCEL" + FAIL),
    ("BTRFS_IOC_WAIT_SYNC", A, struct.pack("<Q", 7), EBADF, {}, ", [7]" + FAIL),
    ("BTRFS_IOC_START_SYNC", A, struct.pack("<Q", 7), 0, {}, ", [7]" + OK),
    ("BTRFS_IOC_SUBVOL_SETFLAGS", A, struct.pack("<Q", 2), EBADF, {},
     ", BTRFS_SUBVOL_RDONLY" + FAIL),
    ("BTRFS_IOC_SNAP_CREATE", A, struct.pack("<q", 3) + b"snap\0".ljust(4088, b"\0"), EBADF,
     {}, ', {fd=3, name="snap"}' + FAIL),
    ("BTRFS_IOC_SNAP_CREATE_V2", A, struct.pack("<qQQQQ", 3, 0, 1, 0, 0).ljust(56, b"\0")
     + b"s".ljust(4040, b"\0"), 0, {},
     ', {fd=3, flags=BTRFS_SUBVOL_CREATE_ASYNC, name="s"} => {transid=0}' + OK),
    # UINT64_MAX, by name but in -X raw
    ("BTRFS_IOC_DEFRAG_RANGE", A, struct.pack("<QQQII16x", 0, U64_MAX, 1, 5, 1), EBADF, {},
     ", {start=0, len=UINT64_MAX, flags=BTRFS_DEFRAG_RANGE_COMPRESS, extent_thresh=5,"
     " compress_type=BTRFS_COMPRESS_ZLIB}" + FAIL),
    ("BTRFS_IOC_DEFRAG_RANGE", A, struct.pack("<QQQII16x", 0, U64_MAX, 1, 5, 1), EBADF,
     {"xstyle": VERBOSE}, ", {start=0, len=18446744073709551615 /* UINT64_MAX */,"
     " flags=0x1 /* BTRFS_DEFRAG_RANGE_COMPRESS */, extent_thresh=5,"
     " compress_type=0x1 /* BTRFS_COMPRESS_ZLIB */}" + FAIL),
    # the tree searches: the usual object ids left out but with -v
    ("BTRFS_IOC_TREE_SEARCH", A, key(5, 0x100, 0xFFFFFFFFFFFFFF00, 10), EBADF, {},
     ", {key={tree_id=BTRFS_FS_TREE_OBJECTID, min_offset=0, max_offset=UINT64_MAX,"
     " min_transid=0, max_transid=UINT64_MAX, min_type=0, max_type=UINT32_MAX,"
     " nr_items=10}}" + FAIL),
    ("BTRFS_IOC_TREE_SEARCH_V2", A, key(5, 0x100, 0xFFFFFFFFFFFFFF00, 10)
     + struct.pack("<Q", 64), EBADF, {"abbrev": False, "xstyle": RAW},
     ", {key={tree_id=5, min_objectid=256, max_objectid=18446744073709551360, min_offset=0,"
     " max_offset=18446744073709551615, min_transid=0, max_transid=18446744073709551615,"
     " min_type=0, max_type=4294967295, nr_items=10}, buf_size=64}" + FAIL),
    ("BTRFS_IOC_TREE_SEARCH_V2", A, key(5, 6, 7, 1) + struct.pack("<Q", 64)
     + struct.pack("<QQQII", 9, 256, 0, 1, 0), 0, {"abbrev": False},
     ", {key={tree_id=BTRFS_FS_TREE_OBJECTID, min_objectid=BTRFS_ROOT_TREE_DIR_OBJECTID,"
     " max_objectid=BTRFS_CSUM_TREE_OBJECTID, min_offset=0, max_offset=UINT64_MAX,"
     " min_transid=0, max_transid=UINT64_MAX, min_type=0, max_type=UINT32_MAX, nr_items=1},"
     " buf_size=64} => {key={nr_items=1}, buf_size=64, buf=[{transid=9,"
     " objectid=BTRFS_FIRST_FREE_OBJECTID, offset=0, type=BTRFS_INODE_ITEM_KEY, len=0}]}"
     + OK),
    # the devices
    ("BTRFS_IOC_DEV_INFO", A, struct.pack("<Q", 1) + UUID + bytes(4072), EBADF, {},
     ", {devid=makedev(0, 0x1), uuid=00010203-0405-0607-0809-0a0b0c0d0e0f}" + FAIL),
    ("BTRFS_IOC_DEV_INFO", A, struct.pack("<Q", 1) + bytes(16) + struct.pack("<QQ", 5, 6)
     + bytes(3032) + b"/dev/sda".ljust(1024, b"\0"), 0, {},
     ', {devid=makedev(0, 0x1)} => {bytes_used=5, total_bytes=6, path="/dev/sda"}' + OK),
    ("BTRFS_IOC_GET_DEV_STATS", A, struct.pack("<8Q", 1, 7, 1, 1, 2, 3, 4, 5).ljust(1024, b"\0"),
     0, {}, ", {devid=makedev(0, 0x1), nr_items=7, flags=BTRFS_DEV_STATS_RESET} =>"
     " {nr_items=7, flags=BTRFS_DEV_STATS_RESET, [[BTRFS_DEV_STAT_WRITE_ERRS] = 1,"
     " [BTRFS_DEV_STAT_READ_ERRS] = 2, [BTRFS_DEV_STAT_FLUSH_ERRS] = 3,"
     " [BTRFS_DEV_STAT_CORRUPTION_ERRS] = 4, [BTRFS_DEV_STAT_GENERATION_ERRS] = 5, ...]}"
     + OK),
    ("BTRFS_IOC_INO_LOOKUP", A, struct.pack("<QQ", 0, 256) + b"dir".ljust(4080, b"\0"), 0, {},
     ", {treeid=0, objectid=BTRFS_FIRST_FREE_OBJECTID} => {treeid=0, name=\"dir\"}" + OK),
    ("BTRFS_IOC_LOGICAL_INO", A, at_b(struct.pack("<7Q", 256, 4096, 0, 0, 0, 1, B),
                                      struct.pack("<4I3Q", 0, 0, 3, 0, 257, 0, 5)), 0,
     {"abbrev": False}, ", {logical=256, size=4096, flags=BTRFS_LOGICAL_INO_ARGS_IGNORE_OFFSET,"
     " inodes=0x11000} => {inodes={bytes_left=0, bytes_missing=0, elem_cnt=3, elem_missed=0,"
     " val=[{inum=257, offset=0, root=5}]}}" + OK),
    ("BTRFS_IOC_SET_RECEIVED_SUBVOL", A, UUID + struct.pack("<QQQI4x", 5, 0, 0, 0).ljust(184,
                                                                                     b"\0"),
     EBADF, {}, ", {uuid=00010203-0405-0607-0809-0a0b0c0d0e0f, stransid=5, stime={sec=0,"
     " nsec=0}, flags=0}" + FAIL),
    ("BTRFS_IOC_SEND", A, struct.pack("<qQQQQ", 4, 1, B, 257, 0).ljust(72, b"\0"), EBADF, {},
     ", {send_fd=4, clone_sources_count=1, clone_sources=0x11000, parent_root=257, flags=0}"
     + FAIL),
    ("BTRFS_IOC_QUOTA_CTL", A, struct.pack("<QQ", 4, 0), EBADF, {},
     ", {cmd=0x4 /* BTRFS_QUOTA_CTL_??? */}" + FAIL),
    ("BTRFS_IOC_GET_SUPPORTED_FEATURES", A, struct.pack("<9Q", 0, 1, 0, 0, 0, 0, 0, 0, 0), 0,
     {}, ", [{compat_flags=0, compat_ro_flags=BTRFS_FEATURE_COMPAT_RO_FREE_SPACE_TREE,"
     " incompat_flags=0} /* supported */, {compat_flags=0, compat_ro_flags=0,"
     " incompat_flags=0} /* safe to set */, {compat_flags=0, compat_ro_flags=0,"
     " incompat_flags=0} /* safe to clear */]" + OK),
    # and linux/fs.h's
    ("FICLONE", M32, b"", EBADF, {}, ", -1" + FAIL),
    ("FICLONERANGE", A, struct.pack("<qQQQ", 4, 1, 2, 3), EBADF, {},
     ", {src_fd=4, src_offset=1, src_length=2, dest_offset=3}" + FAIL),
    ("FIDEDUPERANGE", A, struct.pack("<QQHHI", 1, 2, 3, 0, 0) + struct.pack("<qQQiI", 5, 6, 0,
                                                                           0, 0) * 3, 0, {},
     ", {src_offset=1, src_length=2, dest_count=3, info=[{dest_fd=5, dest_offset=6},"
     " {dest_fd=5, dest_offset=6}, ...]} => {info=[{bytes_deduped=0, status=0},"
     " {bytes_deduped=0, status=0}, ...]}" + OK),
    ("FS_IOC_GETFSLABEL", A, b"lbl".ljust(256, b"\0"), 0, {}, ', "lbl"' + OK),
])
def test_btrfs(name, arg, data, ret, kw, text):
    shown = SHOWN.get(name, name)
    if "xstyle" in kw:
        shown = hex(code(name)) + (" /* %s */" % shown if kw["xstyle"] == VERBOSE else "")
    assert line((M32, code(name), arg), ret, data, **kw) == "ioctl(-1, %s%s" % (shown, text)
