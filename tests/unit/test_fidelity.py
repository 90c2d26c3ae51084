# SPDX-License-Identifier: GPL-2.0-or-later
"""Slips found by running strace's own test suite against ``aiotrace run``
(conformance/): each expected line is one that strace 6.1's test programs expect, and
that the installed strace prints. Tables, no tracee: the decoder is given the
registers the test program passed, the command line parser the options."""

from __future__ import annotations

import errno
import time

import pytest

from fake_memory import A, Memory
from aiotrace._cli._args import parse_args
from aiotrace._decode import format_entry, format_exit, format_syscall_line

M64 = (1 << 64) - 1
HIGH = 0xFFFFFFFFFFFF0000   # the bits above a umode_t that strace's tests set
PATH = b"../creat\0"


def line(name: str, args: tuple[int, ...], ret: int, data: bytes = PATH) -> str:
    mem = Memory(data)
    entry = format_entry(name, args, mem)
    full, rtext = format_exit(name, args, ret, mem, entry_text=entry)
    return format_syscall_line(name, full, rtext, column=0)   # (as strace -a0)


EINVAL = -errno.EINVAL
EINVAL_TEXT = "-1 EINVAL (Invalid argument)"

# (the call, its arguments, what strace prints of them): a umode_t is 16 bits, printed
# with "%#03o"; a file type that has no name prints the whole mode in octal
MODES = [
    ("creat", (A, HIGH | 0), '"../creat", 000'),
    ("creat", (A, HIGH | 0xFFFF), '"../creat", 0177777'),
    ("creat", (A, HIGH | 0o6), '"../creat", 006'),
    ("creat", (A, HIGH | 0o600), '"../creat", 0600'),
    ("creat", (A, HIGH | 0o40006), '"../creat", 040006'),
    ("chmod", (A, HIGH | 0o60), '"../creat", 060'),
    ("mkdir", (A, HIGH | 0o24), '"../creat", 024'),
    ("umask", (HIGH | 0o22,), "022"),
    ("open", (A, 0o100, HIGH | 0o600), '"../creat", O_RDONLY|O_CREAT, 0600'),
    ("mknod", (A, HIGH | 0, 0xDEADBEEFBADC0DED), '"../creat", 000'),
    ("mknod", (A, HIGH | 0xFFFF, 0xDEADBEEFBADC0DED), '"../creat", 0177777'),
    ("mknod", (A, HIGH | 0o100000, 0), '"../creat", S_IFREG|000'),
    ("mknod", (A, HIGH | 0o120060, 0), '"../creat", S_IFLNK|060'),
    # mknod's dev is an unsigned int: the upper half of the register is not its
    ("mknod", (A, HIGH | 0o20024, 0xDEADBEEF00000107),
     '"../creat", S_IFCHR|024, makedev(0x1, 0x7)'),
    ("mknod", (A, HIGH | 0o67777, 0xDEADBEEFBADC0DED),
     '"../creat", S_IFBLK|S_ISUID|S_ISGID|S_ISVTX|0777, makedev(0xc0d, 0xbaded)'),
    ("mknodat", (M64 - 99, A, HIGH | 0xFFFF, 0), 'AT_FDCWD, "../creat", 0177777'),
]


@pytest.mark.parametrize("name, args, text", MODES, ids=[f"{m[0]}-{m[2][-12:]}" for m in MODES])
def test_modes(name: str, args: tuple[int, ...], text: str) -> None:
    assert line(name, args, EINVAL) == f"{name}({text}) = {EINVAL_TEXT}"


@pytest.mark.parametrize("args, text", [
    # prctl's option is an int: strace's tests mark their start with prctl(-1U, ...)
    ((0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC, 0xFFFFFFFB),
     "0xffffffff /* PR_??? */, 0xfffffffe, 0xfffffffd, 0xfffffffc, 0xfffffffb"),
    ((M64, 0, 0, 0, 0), "0xffffffff /* PR_??? */, 0, 0, 0, 0"),
    ((0xDEADBEEF00000017, 0x15), "PR_CAPBSET_READ, CAP_SYS_ADMIN"),
])
def test_prctl_option_is_an_int(args: tuple[int, ...], text: str) -> None:
    assert line("prctl", args, EINVAL) == f"prctl({text}) = {EINVAL_TEXT}"


@pytest.mark.parametrize("options, level", [
    (["--decode-fds=none"], 0),
    (["--decode-fds=path"], 1),
    (["--decode-fds=socket"], 2),
    (["--decode-fds=all"], 2),
    (["--decode-fds"], 1),              # alone: strace's "path"
    (["-yy", "--decode-fds=none"], 0),
    (["-e", "decode-fds=none"], 0),
    (["-e", "decode-fd=pidfd"], 2),     # (strace takes both spellings)
    (["-e", "decode-fd=path"], 1),
    (["-y"], 1),
    (["-yy"], 2),
])
def test_decode_fds_option(options: list[str], level: int) -> None:
    assert parse_args(["run", *options, "--", "true"]).decode_fds == level


# a sigset whose size the kernel refuses (not 8 bytes; rt_sigpending: 1 to 8) is shown
# as its address (strace's rt_sigsuspend and rt_sigprocmask tests)
SIGSETS = [
    ("rt_sigsuspend", (A, 128), EINVAL, "0x10000, 128"),
    ("rt_sigsuspend", (A, 4), EINVAL, "0x10000, 4"),
    ("rt_sigsuspend", (A, 8), EINVAL, "[], 8"),
    ("rt_sigprocmask", (2, A, 0, 16), EINVAL, "SIG_SETMASK, 0x10000, NULL, 16"),
    ("rt_sigprocmask", (2, A, 0, 8), EINVAL, "SIG_SETMASK, [], NULL, 8"),
    ("rt_sigpending", (A, 4), 0, "[], 4"),
    ("rt_sigpending", (A, 16), EINVAL, "0x10000, 16"),
]


@pytest.mark.parametrize("name, args, ret, text", SIGSETS,
                         ids=[f"{s[0]}-{s[1][-1]}" for s in SIGSETS])
def test_sigset_of_a_refused_size(name: str, args: tuple[int, ...], ret: int,
                                  text: str) -> None:
    assert line(name, args, ret, bytes(16)) == f"{name}({text}) = " + (
        "0" if ret == 0 else EINVAL_TEXT)


def test_time_comments_the_date_it_stored() -> None:
    """strace's time test: the value stored gets the date as a comment."""
    if time.localtime(1796617361).tm_gmtoff != 0:
        pytest.skip("time() prints the local time; the reference was taken in UTC")
    assert line("time", (A,), 1796617361, bytes(8)) == (
        "time([1796617361 /* 2026-12-07T04:22:41+0000 */]) = 1796617361 "
        "(2026-12-07T04:22:41+0000)")
    assert line("time", (0,), 1796617361) == (
        "time(NULL) = 1796617361 (2026-12-07T04:22:41+0000)")
