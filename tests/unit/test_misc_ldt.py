# SPDX-License-Identifier: GPL-2.0-or-later
"""modify_ldt, set_thread_area and get_thread_area (struct user_desc) as strace 6.1
prints them: the expected lines are those of strace's modify_ldt and xet_thread_area_x86
test programs (conformance/), for the registers and memory they pass. Tables, no
tracee."""

from __future__ import annotations

import errno
import struct

import pytest

from fake_memory import A
from test_fidelity_misc import err, line

M64 = (1 << 64) - 1
ENOSYS = -errno.ENOSYS
FUNC = 0xBADC0DEDDA7A1057
FILLED = bytes(range(0x80, 0x90))          # strace's fill_memory()
UNSET = struct.pack("<4I", 0xFFFFFFFF, 0, 0, 0x55)
FILLED_TEXT = ("{entry_number=2206368128, base_addr=0x87868584, limit=0x8b8a8988, seg_32bit=0, "
               "contents=2, read_exec_only=1, limit_in_pages=0, seg_not_present=0, useable=0, "
               "lm=1}")
UNSET_FIELDS = ("base_addr=00000000, limit=00000000, seg_32bit=1, contents=2, "
                "read_exec_only=0, limit_in_pages=1, seg_not_present=0, useable=1, lm=0}")
LDT_ENOSYS = "4294967258 ENOSYS (Function not implemented)"   # (an int, zero-extended)

# (call, arguments, return value, memory at A, what strace prints)
CALLS = [
    ("modify_ldt", (0, 0, 0), 0, b"", "modify_ldt(0, NULL, 0) = 0"),
    ("modify_ldt", (FUNC, M64, 0xDEADFACEFA57BEEF), 0xFFFFFFDA, b"",
     "modify_ldt(-629534633, 0xffffffffffffffff, 16045756814261206767) = " + LDT_ENOSYS),
    # the struct only when bytecount is its size
    ("modify_ldt", (FUNC, A, 42), 0xFFFFFFDA, FILLED,
     "modify_ldt(-629534633, 0x10000, 42) = " + LDT_ENOSYS),
    ("modify_ldt", (FUNC, A + 16, 16), 0xFFFFFFDA, FILLED,
     "modify_ldt(-629534633, 0x10010, 16) = " + LDT_ENOSYS),
    ("modify_ldt", (FUNC, A, 16), 0xFFFFFFDA, FILLED,
     "modify_ldt(-629534633, %s, 16) = %s" % (FILLED_TEXT, LDT_ENOSYS)),
    ("modify_ldt", (1, A, 16), 16, FILLED, "modify_ldt(1, %s, 16) = 16" % FILLED_TEXT),
    ("set_thread_area", (0,), ENOSYS, b"", "set_thread_area(NULL) = " + err(errno.ENOSYS)),
    ("set_thread_area", (A + 12,), ENOSYS, FILLED,
     "set_thread_area(0x1000c) = " + err(errno.ENOSYS)),
    ("set_thread_area", (A,), ENOSYS, FILLED,
     "set_thread_area(%s) = %s" % (FILLED_TEXT, err(errno.ENOSYS))),
    # the entry the kernel chose, read back at the exit
    ("set_thread_area", (A,), 0, struct.pack("<4I", 12, 0, 0, 0x55),
     "set_thread_area({entry_number=12, " + UNSET_FIELDS + ") = 0 (entry_number=12)"),
    ("set_thread_area", (A,), ENOSYS, UNSET,
     "set_thread_area({entry_number=-1, %s) = %s" % (UNSET_FIELDS, err(errno.ENOSYS))),
    # get_thread_area reads entry_number only, the rest when it succeeded
    ("get_thread_area", (0,), ENOSYS, b"", "get_thread_area(NULL) = " + err(errno.ENOSYS)),
    ("get_thread_area", (M64,), ENOSYS, b"",
     "get_thread_area(0xffffffffffffffff) = " + err(errno.ENOSYS)),
    ("get_thread_area", (A,), ENOSYS, struct.pack("<I", 2718281828),
     "get_thread_area({entry_number=2718281828, ...}) = " + err(errno.ENOSYS)),
    ("get_thread_area", (A,), ENOSYS, UNSET,
     "get_thread_area({entry_number=-1, ...}) = " + err(errno.ENOSYS)),
    ("get_thread_area", (A,), 0, UNSET,
     "get_thread_area({entry_number=-1, " + UNSET_FIELDS + ") = 0"),
]


@pytest.mark.parametrize("name,args,ret,data,want", CALLS,
                         ids=[c[0] + "-" + str(n) for n, c in enumerate(CALLS)])
def test_call(name: str, args: tuple[int, ...], ret: int, data: bytes, want: str) -> None:
    assert line(name, args, ret, data) == want


def test_get_thread_area_entry_changed() -> None:
    """An entry_number the call changed: ``{entry_number=12 => 13, ...}``."""
    from fake_memory import Memory
    from aiotrace._decode import format_entry, format_exit

    mem = Memory(bytearray(UNSET))
    mem.data[:4] = struct.pack("<I", 12)
    entry = format_entry("get_thread_area", (A,), mem)
    mem.data[:4] = struct.pack("<I", 13)
    text, ret = format_exit("get_thread_area", (A,), 0, mem, entry_text=entry)
    assert (text, ret) == ("{entry_number=12 => 13, " + UNSET_FIELDS, "0")
