# SPDX-License-Identifier: GPL-2.0-or-later
"""io_uring_setup and io_uring_enter, as strace 6.1 prints them (the lines its tests
io_uring_setup.c and io_uring_enter.c expect): tables, no tracee; the parameters in a
fake memory, the one of the call's entry and the one of its exit."""

from __future__ import annotations

import errno
import struct

from fake_memory import A, Memory
from aiotrace._decode import format_entry, format_exit, format_syscall_line


def line(name: str, args: tuple[int, ...], ret: int, entry_mem: Memory,
         exit_mem: Memory) -> str:
    entry = format_entry(name, args, entry_mem, fd_path=lambda fd: "/dev/full")
    full, rtext = format_exit(name, args, ret, exit_mem, entry_text=entry,
                              fd_path=lambda fd: "anon_inode:[io_uring]")
    return format_syscall_line(name, full, rtext, column=0)


def params(entries: tuple[int, ...], sq: tuple[int, ...] = (0,) * 9,
           cq: tuple[int, ...] = (0,) * 9) -> Memory:
    return Memory(struct.pack("<IIIIIIi3I", *entries) + struct.pack("<7IIQ", *sq)
                  + struct.pack("<7IIQ", *cq))


def test_setup() -> None:
    entry = params((0, 0, 0xFFFFFFFF, 0x8F8E8D8C, 2475856272, 0, -1684366952, 1, 2, 3))
    assert line("io_uring_setup", (1, A), -errno.EINVAL, entry, entry) == (
        "io_uring_setup(1, {flags=IORING_SETUP_IOPOLL|IORING_SETUP_SQPOLL|IORING_SETUP_SQ_AFF"
        "|IORING_SETUP_CQSIZE|IORING_SETUP_CLAMP|IORING_SETUP_ATTACH_WQ|"
        "IORING_SETUP_R_DISABLED|IORING_SETUP_SUBMIT_ALL|IORING_SETUP_COOP_TASKRUN|"
        "IORING_SETUP_TASKRUN_FLAG|IORING_SETUP_SQE128|IORING_SETUP_CQE32|0xfffff000, "
        "sq_thread_cpu=0x8f8e8d8c, sq_thread_idle=2475856272, wq_fd=-1684366952, "
        "resv=[0x1, 0x2, 0x3]}) = -1 EINVAL (Invalid argument)")
    done = params((2, 4, 0, 0, 0, 0x3 | 0x3E000, 0, 0, 0, 0), (0, 4, 16, 24, 36, 32, 128, 0, 0),
                  (8, 12, 20, 28, 44, 64, 40, 5, 0))
    assert line("io_uring_setup", (2, A), 4, params((0,) * 10), done) == (
        "io_uring_setup(2, {flags=0, sq_thread_cpu=0, sq_thread_idle=0, sq_entries=2, "
        "cq_entries=4, features=IORING_FEAT_SINGLE_MMAP|IORING_FEAT_NODROP|0x3e000, "
        "sq_off={head=0, tail=4, ring_mask=16, ring_entries=24, flags=36, dropped=32, "
        "array=128}, cq_off={head=8, tail=12, ring_mask=20, ring_entries=28, overflow=44, "
        "cqes=64, flags=40, resv1=0x5}}) = 4<anon_inode:[io_uring]>")
    attach = params((0, 0, 0x20, 0, 0, 0, 3, 0, 0, 0))
    assert line("io_uring_setup", (2, A), -errno.EINVAL, attach, attach) == (
        "io_uring_setup(2, {flags=IORING_SETUP_ATTACH_WQ, sq_thread_cpu=0, sq_thread_idle=0, "
        "wq_fd=3</dev/full>}) = -1 EINVAL (Invalid argument)")
    assert line("io_uring_setup", (0xFFFFFFFF, 0), -errno.EFAULT, Memory(b""), Memory(b"")) == (
        "io_uring_setup(4294967295, NULL) = -1 EFAULT (Bad address)")


def test_enter() -> None:
    mem = Memory(struct.pack("<Q", ~((1 << 0) | (1 << 8) | (1 << 18)) & (2**64 - 1)))
    args = (0xDEFACED00000003, 0xDEFACEDDEADBEEF, 0xDEFACEDCAFEF00D, 0xDEFACEDFFFFFFFFF, A, 8)
    text = line("io_uring_enter", args, -errno.EINVAL, mem, mem)
    assert text == (
        "io_uring_enter(3</dev/full>, 3735928559, 3405705229, IORING_ENTER_GETEVENTS|"
        "IORING_ENTER_SQ_WAKEUP|IORING_ENTER_SQ_WAIT|IORING_ENTER_EXT_ARG|"
        "IORING_ENTER_REGISTERED_RING|0xffffffe0, ~[HUP KILL STOP], 8) = "
        "-1 EINVAL (Invalid argument)")
