"""The device mapper's requests (0xfd, linux/dm-ioctl.h) as strace 6.1 prints them (its
test ioctl_dm.c). Tables, no tracee: the decoder is given the registers and a fake
memory (data at A)."""

from __future__ import annotations

import struct

import pytest

from fake_memory import EBADF, EBADF_TEXT, M32, A
from fake_memory import ioctl_line as line
from aiotrace._decode._xlat_ioctl_names import code


def ioc(size: int = 312, start: int = 312, targets: int = 0, fl: int = 0, event: int = 0,
        version: int = 4, dev: int = 0x1234, name: bytes = b"nnn") -> bytes:
    return (struct.pack("<3IIIIiII4xQ", version, 1, 2, size, start, targets, 1, fl, event, dev)
            + name.ljust(128, b"\0") + b"uuu".ljust(129, b"\0")).ljust(312, b"\0")


HEAD = 'version=[4, 1, 2], data_size=%d, %sdev=makedev(0x12, 0x34), name="nnn", uuid="uuu"'


@pytest.mark.parametrize("name, data, ret, kw, text", [
    ("DM_VERSION", ioc(version=3), EBADF, {},
     "[{version=[3, 1, 2] /* unsupported device mapper ABI version */}]) = " + EBADF_TEXT),
    ("DM_VERSION", ioc(size=14), EBADF, {},
     "[{version=[4, 1, 2], data_size=14 /* data_size too small */}]) = " + EBADF_TEXT),
    ("DM_DEV_SUSPEND", ioc(fl=2, event=5), EBADF, {},
     "[{" + HEAD % (312, "") + ", flags=DM_SUSPEND_FLAG}]) = " + EBADF_TEXT),
    ("DM_DEV_REMOVE", ioc(event=5), EBADF, {},
     "[{" + HEAD % (312, "") + ", event_nr=5, flags=0}]) = " + EBADF_TEXT),
    # at exit, when the call succeeded: the counts
    ("DM_DEV_STATUS", ioc(event=5), 0, {},
     "[{" + HEAD % (312, "") + ", flags=0}] => [{" + HEAD % (312, "")
     + ", target_count=0, open_count=1, event_nr=5, flags=0}]) = 0"),
    # what follows: "..." without -v
    ("DM_TABLE_LOAD", ioc(size=312 + 48, targets=1) + struct.pack("<QQiI16s", 16, 32, 0, 0,
                                                                    b"tgt") + b"tp\0", EBADF,
     {}, "[{" + HEAD % (360, "data_start=312, ") + ", target_count=1, flags=0}, ...]) = "
     + EBADF_TEXT),
    ("DM_TABLE_LOAD", ioc(size=312 + 48, targets=1) + struct.pack("<QQiI16s", 16, 32, 0, 0,
                                                                    b"tgt") + b"tp\0", EBADF,
     {"abbrev": False}, "[{" + HEAD % (360, "data_start=312, ") + ", target_count=1, flags=0},"
     ' {sector_start=16, length=32, target_type="tgt", string="tp"}]) = ' + EBADF_TEXT),
    ("DM_TABLE_LOAD", ioc(size=340, targets=2) + struct.pack("<QQiI16s", 16, 32, 0, 0, b"t"),
     EBADF, {"abbrev": False}, "[{" + HEAD % (340, "data_start=312, ")
     + ", target_count=2, flags=0}, ??? /* misplaced struct dm_target_spec */]) = "
     + EBADF_TEXT),
    ("DM_DEV_RENAME", ioc(size=316) + b"new\0", EBADF, {"abbrev": False},
     "[{" + HEAD % (316, "data_start=312, ") + ', event_nr=0, flags=0}, {string="new"}]) = '
     + EBADF_TEXT),
    ("DM_LIST_DEVICES", ioc(size=312 + 24) + struct.pack("<QI", 0x801, 0) + b"sda\0", 0,
     {"abbrev": False}, "[{version=[4, 1, 2], data_size=336, data_start=312, flags=0}] =>"
     ' [{version=[4, 1, 2], data_size=336, data_start=312, flags=0}, {dev=makedev(0x8, 0x1),'
     ' name="sda"}]) = 0'),
    ("DM_TABLE_DEPS", ioc(size=312 + 16) + struct.pack("<I4xQ", 1, 0x801), 0,
     {"abbrev": False}, "[{" + HEAD % (328, "data_start=312, ") + ", flags=0}] => [{"
     + HEAD % (328, "data_start=312, ") + ", target_count=0, open_count=1, event_nr=0,"
     " flags=0}, {count=1, deps=[makedev(0x8, 0x1)]}]) = 0"),
])
def test_dm(name, data, ret, kw, text):
    assert line((M32, code(name), A), ret, data, **kw) == "ioctl(-1, %s, %s" % (name, text)


def test_unreadable():
    # (the structure cannot be read: its address, as an unknown request's argument)
    assert line((M32, code("DM_VERSION"), A), EBADF, ioc()[:300]) == (
        "ioctl(-1, DM_VERSION, 0x10000) = " + EBADF_TEXT)
