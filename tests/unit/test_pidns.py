# SPDX-License-Identifier: GPL-2.0-or-later
"""--decode-pids=pidns's formatting, by table: which id each argument, return value and
structure field is, and how its translation is shown (``N /* M in strace's PID NS */``),
with a translation given by the table (no tracee, no /proc); and the option's spellings.
The translation itself, from /proc, on real namespaces: tests/cli/test_cli_pidns.py."""

from __future__ import annotations

import struct

import pytest

from fake_memory import Memory

from aiotrace._cli._args import UsageError, parse_args
from aiotrace._decode import format_entry, format_exit, format_siginfo
from aiotrace._decode import _pidns as P

# the tracee's namespace -> the tracer's: (id, kind) -> id
_MAP = {(1, P.TGID): 501, (1, P.TID): 501, (2, P.TID): 502, (2, P.TGID): 502,
        (7, P.PGID): 507, (9, P.SID): 509, (3, P.TGID): 3}


class _Table(P.PidNs):
    def translate(self, tid: int, pid: int, kind: int) -> int | None:
        assert tid == 4242
        return _MAP.get((pid, kind))


@pytest.fixture
def translated():
    P.decoding(_Table(), 4242)
    yield
    P.decoding(None, 0)


def _Mem(data: bytes) -> Memory:
    return Memory(data, base=0x1000)


N = " /* %d in strace's PID NS */"


def NEG(v: int) -> int:   # a negative argument, as a register holds it
    return v & 0xFFFFFFFFFFFFFFFF


@pytest.mark.parametrize("name, args, text", [
    ("kill", (1, 0), "1" + N % 501 + ", 0"),
    ("kill", (NEG(-7), 9), "-7" + N % 507 + ", SIGKILL"),   # a group
    ("kill", (NEG(-1), 0), "-1, 0"),                          # everyone: no id
    ("kill", (0, 0), "0, 0"),
    ("kill", (3, 0), "3, 0"),                                 # the same number: no comment
    ("kill", (8, 0), "8, 0"),                                 # not found: no comment
    ("tkill", (2, 0), "2" + N % 502 + ", 0"),
    ("tgkill", (1, 2, 0), "1" + N % 501 + ", 2" + N % 502 + ", 0"),
    ("getsid", (1,), "1" + N % 501),
    ("setpgid", (1, 7), "1" + N % 501 + ", 7" + N % 507),
    ("getpriority", (0, 1), "PRIO_PROCESS, 1" + N % 501),
    ("getpriority", (1, 7), "PRIO_PGRP, 7" + N % 507),
    ("getpriority", (2, 1), "PRIO_USER, 1"),                  # a user id
    ("fcntl", (0, 8, 1), "0, F_SETOWN, 1" + N % 501),
    ("fcntl", (0, 8, NEG(-7)), "0, F_SETOWN, -7" + N % 507),
    ("sched_getscheduler", (2,), "2" + N % 502),
    ("pidfd_open", (1, 0), "1" + N % 501 + ", 0"),
])
def test_arguments(translated, name, args, text):
    assert format_entry(name, args, None) == text


@pytest.mark.parametrize("name, args, ret, text", [
    ("getpid", (), 1, "1" + N % 501),
    ("getppid", (), 0, "0"),
    ("gettid", (), 2, "2" + N % 502),
    ("getpgrp", (), 7, "7" + N % 507),
    ("getpgid", (0,), 7, "7" + N % 507),
    ("getsid", (0,), 9, "9" + N % 509),
    ("fork", (), 2, "2" + N % 502),
    ("fcntl", (0, 9), 1, "1" + N % 501),                      # F_GETOWN: a process
    ("fcntl", (0, 9), NEG(-70000), "-70000"),                          # a group: not translated
    ("getpid", (), NEG(-3), "-1 ESRCH (No such process)"),
])
def test_return_values(translated, name, args, ret, text):
    assert format_exit(name, args, ret if ret < 1 << 63 else ret - (1 << 64), None)[1] == text


@pytest.mark.parametrize("cmd, kind, pid, shown", [
    (15, 0, 2, "{type=F_OWNER_TID, pid=2" + N % 502 + "}"),
    (15, 1, 1, "{type=F_OWNER_PID, pid=1" + N % 501 + "}"),
    (15, 2, 7, "{type=F_OWNER_PGRP, pid=7" + N % 507 + "}"),
    (15, 5, 1, "{type=0x5 /* F_OWNER_??? */, pid=1}"),
])
def test_f_owner_ex(translated, cmd, kind, pid, shown):
    mem = _Mem(struct.pack("<ii", kind, pid))
    assert format_entry("fcntl", (0, cmd, 0x1000), mem) == "0, F_SETOWN_EX, " + shown
    got = format_exit("fcntl", (0, 16, 0x1000), 0, _Mem(struct.pack("<ii", kind, pid)))
    assert got == ("0, F_GETOWN_EX, " + shown, "0")
    assert format_exit("fcntl", (0, 16, 0x1000), -14, mem)[0] == "0, F_GETOWN_EX, 0x1000"


def test_siginfo_si_pid(translated):
    raw = struct.pack("<iii4xiI", 10, 0, 0, 1, 0)   # SIGUSR1, SI_USER, from pid 1, uid 0
    assert "si_pid=1" + N % 501 + ", si_uid=0" in format_siginfo(raw)


def test_siginfo_uid_minus_one_and_short_siginfo():
    """si_uid (-1)u is shown as -1; a siginfo_t that cannot be read whole is an address."""
    raw = struct.pack("<iii4xiI", 10, 0, -1, 1, 0xFFFFFFFF)   # SI_QUEUE
    assert "si_uid=-1" in format_siginfo(raw)
    mem = _Mem(raw.ljust(127, b"\0"))   # (one byte short of a siginfo_t)
    assert format_entry("rt_sigqueueinfo", (1, 10, 0x1000), mem) == "1, SIGUSR1, 0x1000"


def test_nothing_installed_prints_plain_ids():
    P.decoding(None, 0)
    assert format_entry("kill", (1, 0), None) == "1, 0"
    assert format_exit("getpid", (), 1, None)[1] == "1"
    assert format_entry("fcntl", (0, 8, NEG(-7)), None) == "0, F_SETOWN, -7"


@pytest.mark.parametrize("argv, want", [
    (["--decode-pids=pidns"], {"pidns"}),
    (["--pidns-translation"], {"pidns"}),
    (["-e", "decode-pids=pidns"], {"pidns"}),
    (["-e", "decode-pids=all"], {"pidns", "comm"}),
    (["-e", "decode-pids=none"], set()),
    # (strace's set inverted: all but pidns, which is comm)
    (["--decode-pids=pidns", "-e", "decode-pids=!pidns"], {"comm"}),
    ([], set()),
])
def test_option_spellings(argv, want):
    assert parse_args(["run", *argv, "true"]).decode_pids == want


@pytest.mark.parametrize("argv, said", [
    (["--decode-pids=bogus"], "invalid decode-pids 'bogus'"),
    (["--decode-pids="], "invalid decode-pids ''"),
])
def test_option_mistakes(argv, said):
    with pytest.raises(UsageError, match=said):
        parse_args(["run", *argv, "true"])


@pytest.mark.parametrize("name, args, ret, text", [
    # PR_SET_PTRACER's process is an int: the upper half of the register is not shown
    ("prctl", (0x59616D61, 0xFFFFFFFF00000001), 0, ("PR_SET_PTRACER, 1" + N % 501, "0")),
    ("prctl", (0x59616D61, 0xBADC0DEDFFFFFFFF), 0, ("PR_SET_PTRACER, PR_SET_PTRACER_ANY", "0")),
    ("prctl", (0x59616D61, 0), 0, ("PR_SET_PTRACER, 0", "0")),
    ("fcntl", (0, 1026, 0x80000003), 0, ("0, F_NOTIFY, DN_ACCESS|DN_MODIFY|DN_MULTISHOT", "0")),
    ("fcntl", (0, 1026, 0x40), 0, ("0, F_NOTIFY, 0x40 /* DN_??? */", "0")),
    ("fcntl", (1, 1025), 2, ("1, F_GETLEASE", "0x2 (F_UNLCK)")),
    ("fcntl", (1, 1025), 0, ("1, F_GETLEASE", "0 (F_RDLCK)")),
    ("fcntl", (1, 11), 1, ("1, F_GETSIG", "1 (SIGHUP)")),
    ("fcntl", (1, 11), 0, ("1, F_GETSIG", "0")),
    ("pidfd_send_signal", (3, 12, 0, 0xFFFFFFFF), -22,
     ("3, SIGUSR2, NULL, 0xffffffff", "-1 EINVAL (Invalid argument)")),
])
def test_calls_of_the_pidns_tests(translated, name, args, ret, text):
    """The other arguments of the calls strace's pidns tests make, as strace 6.1 prints
    them."""
    assert format_exit(name, args, ret, None) == text
