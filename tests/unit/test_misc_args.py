# SPDX-License-Identifier: GPL-2.0-or-later
"""Arguments of decoded calls that printed otherwise than strace 6.1 (found by fuzzing
the plain output against /usr/bin/strace on a small C program; no test of strace's
suite covers them): each expected line is what strace 6.1 prints for those registers.
Tables, no tracee."""

from __future__ import annotations

import errno

import pytest

from test_fidelity_misc import err, line

M32 = 0xFFFFFFFF
M64 = (1 << 64) - 1
EBADF, EINVAL = -errno.EBADF, -errno.EINVAL

# (call, arguments, return value, what strace prints)
CALLS = [
    # msg flags: 0x10 is MSG_PROBE, 0x80000000 MSG_CMSG_COMPAT; the sendpage flags
    ("sendto", (M64, 0, 0, 0x10, 0, 0), EBADF,
     "sendto(-1, NULL, 0, MSG_PROBE, NULL, 0) = " + err(errno.EBADF)),
    ("sendto", (M64, 0, 0, M32, 0, 0), EBADF,
     "sendto(-1, NULL, 0, MSG_OOB|MSG_PEEK|MSG_DONTROUTE|MSG_CTRUNC|MSG_PROBE|MSG_TRUNC|"
     "MSG_DONTWAIT|MSG_EOR|MSG_WAITALL|MSG_FIN|MSG_SYN|MSG_CONFIRM|MSG_RST|MSG_ERRQUEUE|"
     "MSG_NOSIGNAL|MSG_MORE|MSG_WAITFORONE|MSG_SENDPAGE_NOTLAST|MSG_BATCH|"
     "MSG_NO_SHARED_FRAGS|MSG_ZEROCOPY|MSG_FASTOPEN|MSG_CMSG_CLOEXEC|MSG_CMSG_COMPAT|"
     "0x1bf00000, NULL, 0) = " + err(errno.EBADF)),
    ("recvfrom", (M64, 0, 0, 0x80000010, 0, 0), EBADF,
     "recvfrom(-1, NULL, 0, MSG_PROBE|MSG_CMSG_COMPAT, NULL, NULL) = " + err(errno.EBADF)),
    ("sendmsg", (M64, 0, 0x80000000), EINVAL,
     "sendmsg(-1, NULL, MSG_CMSG_COMPAT) = " + err(errno.EINVAL)),
    ("recvmmsg", (M64, 0, 0, 0x80000000, 0), EINVAL,
     "recvmmsg(-1, NULL, 0, MSG_CMSG_COMPAT, NULL) = " + err(errno.EINVAL)),
    # pipe2: every open flag
    ("pipe2", (0, 0x80000 | 0x800 | 0x4000 | 1 | 0x40 | 0x200), EINVAL,
     "pipe2(NULL, O_CREAT|O_TRUNC|O_NONBLOCK|O_DIRECT|O_CLOEXEC|0x1) = " + err(errno.EINVAL)),
    ("pipe2", (0, M32), EINVAL,
     "pipe2(NULL, O_CREAT|O_EXCL|O_NOCTTY|O_TRUNC|O_APPEND|O_NONBLOCK|O_SYNC|O_DIRECT|"
     "O_LARGEFILE|O_NOFOLLOW|O_NOATIME|O_CLOEXEC|O_PATH|O_TMPFILE|FASYNC|0xff80003f) = "
     + err(errno.EINVAL)),
    ("pipe2", (0, 2), EINVAL, "pipe2(NULL, 0x2 /* O_??? */) = " + err(errno.EINVAL)),
    # flock: LOCK_MAND and its read and write bits
    ("flock", (M64, 0xE0), 0, "flock(-1, LOCK_MAND|LOCK_RW) = 0"),
    ("flock", (M64, 0x20), 0, "flock(-1, LOCK_MAND) = 0"),
    ("flock", (M64, 0x44), EINVAL, "flock(-1, LOCK_NB|LOCK_READ) = " + err(errno.EINVAL)),
    ("flock", (M64, M32), 0,
     "flock(-1, LOCK_SH|LOCK_EX|LOCK_NB|LOCK_UN|LOCK_MAND|LOCK_RW|0xffffff10) = 0"),
    # getitimer's and setitimer's which: a 32-bit int
    ("getitimer", (M32, 0), EINVAL,
     "getitimer(0xffffffff /* ITIMER_??? */, NULL) = " + err(errno.EINVAL)),
    ("getitimer", (0xFFFFFFFF00000001, 0), -errno.EFAULT,
     "getitimer(ITIMER_VIRTUAL, NULL) = " + err(errno.EFAULT)),
    ("setitimer", (M32, 0, 0), EINVAL,
     "setitimer(0xffffffff /* ITIMER_??? */, NULL, NULL) = " + err(errno.EINVAL)),
    # the length, unsigned
    ("ftruncate", (M64, M64), EINVAL, "ftruncate(-1, 18446744073709551615) = "
     + err(errno.EINVAL)),
    # socket types: an unknown type, whole, as flags
    ("socket", (1, 0x4D, 0), EINVAL, "socket(AF_UNIX, 0x4d /* SOCK_??? */, 0) = "
     + err(errno.EINVAL)),
    ("socket", (1, 0x8004D, 0), EINVAL, "socket(AF_UNIX, SOCK_CLOEXEC|0x4d, 0) = "
     + err(errno.EINVAL)),
    ("socket", (1, M32, 0), EINVAL,
     "socket(AF_UNIX, SOCK_CLOEXEC|SOCK_NONBLOCK|0xfff7f7ff, 0) = " + err(errno.EINVAL)),
    ("socket", (1, 0x101, 0), EINVAL,
     "socket(AF_UNIX, SOCK_STREAM|0x100 /* SOCK_??? */, 0) = " + err(errno.EINVAL)),
    ("socket", (1, 0x80801, 0), EINVAL,
     "socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0) = " + err(errno.EINVAL)),
    ("socketpair", (1, 0x4D, 0, 0), EINVAL,
     "socketpair(AF_UNIX, 0x4d /* SOCK_??? */, 0, NULL) = " + err(errno.EINVAL)),
    # unshare: the flags it takes, of all 64 bits
    ("unshare", (0xBADC0DED0000000F,), EINVAL,
     "unshare(0xbadc0ded0000000f /* CLONE_??? */) = " + err(errno.EINVAL)),
    ("unshare", (0x2000000,), 0, "unshare(CLONE_NEWCGROUP) = 0"),
    ("unshare", (0xDEADCAF5,), EINVAL,
     "unshare(CLONE_NEWTIME|CLONE_FS|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|"
     "CLONE_NEWCGROUP|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWUSER|CLONE_NEWNET|0x80a8c075) = "
     + err(errno.EINVAL)),
    ("unshare", (0x81F8F07F,), EINVAL, "unshare(0x81f8f07f /* CLONE_??? */) = "
     + err(errno.EINVAL)),
    # pidfd_getfd without -y: the target a plain int
    ("pidfd_getfd", (M64, M64, 0), EBADF, "pidfd_getfd(-1, -1, 0) = " + err(errno.EBADF)),
]


@pytest.mark.parametrize("name,args,ret,want", CALLS,
                         ids=[c[0] + "-" + str(n) for n, c in enumerate(CALLS)])
def test_call(name: str, args: tuple[int, ...], ret: int, want: str) -> None:
    assert line(name, args, ret) == want


def test_truncate_length_unsigned() -> None:
    from fake_memory import A
    assert line("truncate", (A, M64), EINVAL, b"/nonexistent\0") == (
        'truncate("/nonexistent", 18446744073709551615) = ' + err(errno.EINVAL))


@pytest.mark.parametrize("flags,want", [
    (0x1000 | 17, "parent_tid=[3<anon_inode:[pidfd]>]"),    # CLONE_PIDFD: a descriptor
    (0x100000 | 17, "parent_tid=[3]"),                      # CLONE_PARENT_SETTID: a tid
])
def test_clone_pidfd_with_y(flags: int, want: str) -> None:
    """clone's parent_tid holds the pidfd with CLONE_PIDFD alone: -y shows its file."""
    from fake_memory import A, Memory
    from aiotrace._decode import format_entry, format_exit

    mem = Memory(b"\3\0\0\0")
    kw = {"fd_path": lambda fd: "anon_inode:[pidfd]" if fd == 3 else None}
    args = (flags, 0x7FFF0000, A, 0, 0)
    entry = format_entry("clone", args, mem, **kw)
    text, _ = format_exit("clone", args, 1234, mem, entry_text=entry, **kw)
    assert text.endswith(", " + want), text
