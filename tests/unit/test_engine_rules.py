"""The built-in engines' rules, without a tracee: -e inject= specs (what parse_inject
accepts and how it refuses the rest, delays, which calls when= selects, against
strace's own counter), the -c table's format, and how PathMap maps paths. Their effect
on real processes is in tests/tracing/test_engines.py."""

from __future__ import annotations

import errno
import signal

import pytest

from aiotrace.engines import InjectRule, PathMap, SyscallCounts, parse_delay, parse_inject


# -- parse_inject: good specs -------------------------------------------------------------

INF = None


@pytest.mark.parametrize("spec, fields", [
    ("getppid:error=ENOENT",
     dict(syscalls={"getppid"}, error=errno.ENOENT, first=1, last=INF, step=1)),
    ("getppid:error=enoent", dict(error=errno.ENOENT)),              # strcasecmp, as strace
    ("getppid:error=13", dict(error=13)),
    ("getppid:error=4095", dict(error=4095)),
    ("getppid:error=ERESTARTSYS", dict(error=512)),                 # kernel-internal names
    ("openat,read:retval=0x10", dict(syscalls={"openat", "read"}, retval=16, error=None)),
    ("getppid:retval=010", dict(retval=8)),                          # strtoull base 0: octal
    ("getppid:retval=-1", dict(retval=-1)),
    ("getppid:retval=18446744073709551615", dict(retval=-1)),       # as the kernel's long
    ("getppid:signal=SIGUSR1", dict(signal=signal.SIGUSR1)),
    ("getppid:signal=usr2", dict(signal=signal.SIGUSR2)),
    ("getppid:signal=9", dict(signal=9)),
    ("getppid:signal=SIGRTMIN+1", dict(signal=signal.SIGRTMIN + 1)),
    ("getppid:signal=SIGRT_2", dict(signal=34)),                     # strace: kernel 32+N
    ("getppid:delay_enter=100ms", dict(delay_enter_ns=100_000_000, delay_exit_ns=None)),
    ("getppid:delay_exit=250", dict(delay_exit_ns=250_000)),          # no suffix: microseconds
    ("getppid:delay_enter=1.5s:delay_exit=7ns",
     dict(delay_enter_ns=1_500_000_000, delay_exit_ns=7)),
    ("getppid:error=EPERM:when=3", dict(first=3, last=INF, step=0)),
    ("getppid:error=EPERM:when=3+", dict(first=3, last=INF, step=1)),
    ("getppid:error=EPERM:when=3+4", dict(first=3, last=INF, step=4)),
    ("getppid:error=EPERM:when=2..3", dict(first=2, last=3, step=1)),
    ("getppid:error=EPERM:when=2..3+", dict(first=2, last=3, step=1)),
    ("getppid:error=EPERM:when=2..9+3", dict(first=2, last=9, step=3)),
    ("getppid:error=EPERM:when=1..65534+65535", dict(first=1, last=65534, step=65535)),
    ("getppid:when=5:error=EPERM:when=2", dict(first=2, step=0)),     # the last when= wins
    ("getppid::error=EPERM:", dict(error=errno.EPERM)),               # empty tokens skipped
    # a syscall number, in each ABI (as strace: x32's 110 is getppid too, i386's iopl)
    ("110:error=EPERM", dict(syscalls={"getppid@64", "getppid@x32", "iopl@32"})),
    ("getppid,?no_such_call:error=EPERM", dict(syscalls={"getppid"})),
    # syscall=: a call without side effects run in its place (with error= or retval=)
    ("chdir:syscall=gettid:retval=0", dict(syscall="gettid", replacement="gettid")),
    ("chdir:error=ENOENT:syscall=getppid", dict(syscall="getppid", replacement="getppid")),
    ("chdir:signal=USR1:syscall=gettid", dict(syscall="gettid", replacement=None)),  # as strace
    # poke_enter=/poke_exit=: bytes written where arguments point
    ("chdir:poke_enter=@arg1=2f00", dict(poke_enter=((1, b"/\0"),), poke_exit=())),
    ("getcwd:poke_exit=@arg1=5374,@arg2=00:when=2",
     dict(poke_exit=((1, b"St"), (2, b"\0")), first=2)),
    ("sendfile:poke_enter=@arg3=00:poke_exit=@arg3=FF",
     dict(poke_enter=((3, b"\0"),), poke_exit=((3, b"\xff"),))),
])
def test_parse_inject_accepts(spec, fields):
    rule = parse_inject(spec)
    assert rule.spec == spec
    for name, value in fields.items():
        if name == "syscalls":
            value = frozenset(value)
        assert getattr(rule, name) == value, name


def test_parse_inject_negated_set_and_expand():
    rule = parse_inject("!getppid:error=EPERM")
    assert "getppid" not in rule.syscalls and {"read", "openat"} <= rule.syscalls
    rule = parse_inject("%creds,getpid:retval=0",
                        expand=lambda tok: {"%creds": ["getuid", "geteuid"]}[tok])
    assert rule.syscalls == {"getuid", "geteuid", "getpid"}


P = "invalid inject argument "


@pytest.mark.parametrize("spec, message", [
    ("foo:error=ENOENT", P + "'foo:error=ENOENT': unknown system call 'foo'"),
    ("getppd:error=EPERM",
     P + "'getppd:error=EPERM': unknown system call 'getppd' (did you mean getppid, getpid, "
         "getpgrp?)"),
    (":error=EPERM", P + "':error=EPERM': no system call given before the first ':'"),
    ("999:error=EPERM", P + "'999:error=EPERM': no system call has number 999"),
    ("?nope:error=EPERM", P + "'?nope:error=EPERM': the system call set is empty"),
    ("%file:error=EPERM",
     P + "'%file:error=EPERM': system call classes and regular expressions such as '%file' "
         "are not expanded here: list the names, or pass expand= to parse_inject()"),
    ("getppid",
     P + "'getppid': at least one of error=, retval=, signal=, delay_enter=, delay_exit=, "
         "poke_enter= or poke_exit= is required"),
    ("getppid:when=2",
     P + "'getppid:when=2': at least one of error=, retval=, signal=, delay_enter=, "
         "delay_exit=, poke_enter= or poke_exit= is required"),
    ("getppid:error=EFOO",
     P + "'getppid:error=EFOO': error= takes an errno name such as ENOENT or a number in "
         "1..4095, not 'EFOO'"),
    ("getppid:error=0",
     P + "'getppid:error=0': error= takes an errno name such as ENOENT or a number in "
         "1..4095, not '0'"),
    ("getppid:error=4096",
     P + "'getppid:error=4096': error= takes an errno name such as ENOENT or a number in "
         "1..4095, not '4096'"),
    ("getppid:error=ENOENT:retval=3",
     P + "'getppid:error=ENOENT:retval=3': error= and retval= are mutually exclusive"),
    ("getppid:retval=3:error=ENOENT",
     P + "'getppid:retval=3:error=ENOENT': error= and retval= are mutually exclusive"),
    ("getppid:error=ENOENT:error=EPERM",
     P + "'getppid:error=ENOENT:error=EPERM': error= is given twice"),
    ("getppid:signal=SIGUSR1:signal=2",
     P + "'getppid:signal=SIGUSR1:signal=2': signal= is given twice"),
    ("getppid:retval=x",
     P + "'getppid:retval=x': retval= takes an integer (decimal, 0x hex or 0 octal) that "
         "fits in 64 bits, not 'x'"),
    ("getppid:retval=08",
     P + "'getppid:retval=08': retval= takes an integer (decimal, 0x hex or 0 octal) that "
         "fits in 64 bits, not '08'"),
    ("getppid:retval=18446744073709551616",
     P + "'getppid:retval=18446744073709551616': retval= takes an integer (decimal, 0x hex "
         "or 0 octal) that fits in 64 bits, not '18446744073709551616'"),
    ("getppid:signal=FOO",
     P + "'getppid:signal=FOO': signal= takes a signal name such as SIGUSR1 or a number in "
         "1..64, not 'FOO'"),
    ("getppid:signal=65",
     P + "'getppid:signal=65': signal= takes a signal name such as SIGUSR1 or a number in "
         "1..64, not '65'"),
    ("getppid:signal=0",
     P + "'getppid:signal=0': signal= takes a signal name such as SIGUSR1 or a number in "
         "1..64, not '0'"),
    ("getppid:delay_enter=abc",
     P + "'getppid:delay_enter=abc': delay_enter= takes a non-negative number of "
         "microseconds, or a number with the suffix s, ms, us or ns (such as 100ms), not 'abc'"),
    ("getppid:delay_exit=-5ms",
     P + "'getppid:delay_exit=-5ms': delay_exit= takes a non-negative number of "
         "microseconds, or a number with the suffix s, ms, us or ns (such as 100ms), not '-5ms'"),
    ("getppid:delay_exit=5m",
     P + "'getppid:delay_exit=5m': delay_exit= takes a non-negative number of "
         "microseconds, or a number with the suffix s, ms, us or ns (such as 100ms), not '5m'"),
    ("getppid:delay_enter=1ms:delay_enter=2ms",
     P + "'getppid:delay_enter=1ms:delay_enter=2ms': delay_enter= is given twice"),
    ("getppid:error=EPERM:when=0",
     P + "'getppid:error=EPERM:when=0': when= first must be in 1..65535, not 0"),
    ("getppid:error=EPERM:when=65536",
     P + "'getppid:error=EPERM:when=65536': when= first must be in 1..65535, not 65536"),
    ("getppid:error=EPERM:when=3..2",
     P + "'getppid:error=EPERM:when=3..2': when= last (2) must not be less than first (3)"),
    ("getppid:error=EPERM:when=1..65535",
     P + "'getppid:error=EPERM:when=1..65535': when= last must be at most 65534, not 65535"),
    ("getppid:error=EPERM:when=2+0",
     P + "'getppid:error=EPERM:when=2+0': when= step must be in 1..65535, not 0"),
    ("getppid:error=EPERM:when=x",
     P + "'getppid:error=EPERM:when=x': when= takes first, first..last, first+, first+step or "
         "first..last+step, not 'x'"),
    ("getppid:error=EPERM:when=1.2",
     P + "'getppid:error=EPERM:when=1.2': when= takes first, first..last, first+, first+step "
         "or first..last+step, not '1.2'"),
    ("getppid:error=EPERM:when=-1",
     P + "'getppid:error=EPERM:when=-1': when= takes first, first..last, first+, first+step "
         "or first..last+step, not '-1'"),
    ("getppid:bogus=1",
     P + "'getppid:bogus=1': unknown option 'bogus=' (expected error=, retval=, signal=, "
         "delay_enter=, delay_exit=, poke_enter=, poke_exit=, syscall= or when=)"),
    ("getppid:error",
     P + "'getppid:error': 'error' is not an option=value pair (expected error=, retval=, "
         "signal=, delay_enter=, delay_exit=, poke_enter=, poke_exit=, syscall= or when=)"),
    ("getppid:syscall=unlink:error=EPERM",
     P + "'getppid:syscall=unlink:error=EPERM': syscall= takes a system call without side "
         "effects (of the class %pure, such as gettid), not 'unlink'"),
    ("getppid:syscall=nosuch:error=EPERM",
     P + "'getppid:syscall=nosuch:error=EPERM': syscall= takes a system call without side "
         "effects such as gettid, not 'nosuch'"),
    ("getppid:syscall=gettid",
     P + "'getppid:syscall=gettid': at least one of error=, retval=, signal=, delay_enter=, "
         "delay_exit=, poke_enter= or poke_exit= is required"),
    ("chdir:poke_enter=@arg0=00",
     P + "'chdir:poke_enter=@arg0=00': poke_enter= takes @argN=HEX items (N in 1..7, 1 to 1024 "
         "bytes in hex), not '@arg0=00'"),
    ("chdir:poke_exit=@arg1=0",
     P + "'chdir:poke_exit=@arg1=0': poke_exit= takes @argN=HEX items (N in 1..7, 1 to 1024 "
         "bytes in hex), not '@arg1=0'"),
    ("chdir:poke_exit=@arg1=" + "00" * 1025,
     P + "'chdir:poke_exit=@arg1=" + "00" * 1025 + "': poke_exit= takes @argN=HEX items (N in "
         "1..7, 1 to 1024 bytes in hex), not '@arg1=" + "00" * 1025 + "'"),
    ("chdir:poke_enter=@arg1=00,@arg1=01",
     P + "'chdir:poke_enter=@arg1=00,@arg1=01': poke_enter= names @arg1 twice"),
    ("chdir:poke_enter=@arg1=00:poke_enter=@arg2=00",
     P + "'chdir:poke_enter=@arg1=00:poke_enter=@arg2=00': poke_enter= is given twice"),
    ("chdir:poke_enter=",
     P + "'chdir:poke_enter=': poke_enter= takes @argN=HEX items, not ''"),
])
def test_parse_inject_rejects(spec, message):
    with pytest.raises(ValueError) as info:
        parse_inject(spec)
    assert str(info.value) == message


def test_parse_inject_wants_a_string():
    with pytest.raises(TypeError, match="takes a string"):
        parse_inject(42)  # type: ignore[arg-type]


@pytest.mark.parametrize("text, ns", [
    ("0", 0), ("250", 250_000), ("+3", 3_000), ("2s", 2_000_000_000), ("100ms", 100_000_000),
    ("7us", 7_000), ("9ns", 9), ("1.5", 1_500), ("0.25s", 250_000_000), (".5ms", 500_000),
    ("1e3ns", 1_000), ("2.ms", 2_000_000),
    # strace's strtoll/strtod: white space and a sign first, the int64 and double ranges
    (" 5s", 5_000_000_000), ("-0", 0), ("-0.0s", 0), ("0e0s", 0), ("1e-300s", 0),
    ("9223372036854775807ns", 9223372036854775807),
    ("9223372036854775807s", 9223372036854775807 * 10**9), ("1e308s", 10**317),
])
def test_parse_delay(text, ns):
    assert parse_delay(text) == ns


@pytest.mark.parametrize("text", ["", "ms", "-1", "1h", "1 s", "1.2.3", "nan", "inf", "0x10",
                                  "5s ", "-0.5", "infs", "1e", ".e3", "\u0663", "1_0",
                                  "9223372036854775808ns", "99999999999999999999s", "1e400s",
                                  "1e999999s", "1e-400", "1e-310s", "1" + "0" * 5000])
def test_parse_delay_rejects(text):
    with pytest.raises(ValueError, match="non-negative number of microseconds"):
        parse_delay(text)


def _strace_counter(first: int, last: int | None, step: int, calls: int) -> list[int]:
    """strace's own algorithm (tamper_with_syscall_entering in syscall.c): which of the
    first *calls* invocations are tampered with."""
    INJECT_LAST_INF = 0xFFFF
    f, l_ = first, INJECT_LAST_INF if last is None else last
    hit = []
    for n in range(1, calls + 1):
        if f == 0 or l_ == 0:
            continue
        if l_ != INJECT_LAST_INF:
            l_ -= 1
        f -= 1
        if f != 0:
            continue
        f = step
        hit.append(n)
    return hit


@pytest.mark.parametrize("when", [
    "1", "3", "1+", "4+", "2+3", "1..1", "2..5", "2..5+", "3..10+2", "1..20+7", "5..5+3",
])
def test_when_selects_the_same_calls_as_strace(when):
    rule = parse_inject(f"getppid:error=EPERM:when={when}")
    ours = [n for n in range(1, 41) if rule.applies_to(n)]
    assert ours == _strace_counter(rule.first, rule.last, rule.step, 40)
    assert ours   # every one of these selects something


def test_inject_rule_validates_when_built_directly():
    assert InjectRule({"getppid"}, retval=3).applies_to(7)
    with pytest.raises(ValueError, match="unknown system call 'nope'"):
        InjectRule({"nope"}, error=1)
    with pytest.raises(ValueError, match="mutually exclusive"):
        InjectRule({"getppid"}, error=1, retval=2)
    with pytest.raises(ValueError, match="at least one of"):
        InjectRule({"getppid"})
    with pytest.raises(ValueError, match="last \\(1\\) must not be less than first \\(2\\)"):
        InjectRule({"getppid"}, error=1, first=2, last=1)


# -- count_syscalls: the table ----------------------------------------------------------


def test_table_format_is_strace_c():
    c = SyscallCounts()
    for _ in range(2):
        c.add(0, "read", 1_500_000, False)         # 2 calls, 3 ms
    c.add(110, "getppid", 1_000_000, True)         # 1 call, 1 ms, failed
    for _ in range(4):
        c.add(3, "close", 0, False)
    assert c.table() == (
        "% time     seconds  usecs/call     calls    errors syscall\n"
        "------ ----------- ----------- --------- --------- ----------------\n"
        " 75.00    0.003000        1500         2           read\n"
        " 25.00    0.001000        1000         1         1 getppid\n"
        "  0.00    0.000000           0         4           close\n"
        "------ ----------- ----------- --------- --------- ----------------\n"
        "100.00    0.004000         571         7         1 total\n"
    )
    by = {k: [st.name for st in c.stats(k)] for k in ("calls", "name", "errors", "nothing")}
    assert by == {
        "calls": ["close", "read", "getppid"],
        "name": ["close", "getppid", "read"],
        "errors": ["getppid", "read", "close"],     # ties stay in syscall number order
        "nothing": ["read", "close", "getppid"],
    }
    assert c.table(sort_by="calls").splitlines()[2].endswith(" 4           close")
    with pytest.raises(ValueError, match="sort_by must be one of"):
        c.table(sort_by="size")


def test_table_widens_columns_like_strace():
    c = SyscallCounts()
    c.add(318, "getrandom_with_a_long_name", 12_345_678_901_000, False)   # 12345.68 s
    assert c.table().splitlines() == [
        "% time      seconds  usecs/call     calls    errors syscall",
        "------ ------------ ----------- --------- --------- " + "-" * 27,
        "100.00 12345.678901 12345678901         1           getrandom_with_a_long_name",
        "------ ------------ ----------- --------- --------- " + "-" * 27,
        "100.00 12345.678901 12345678901         1           total",
    ]


def test_empty_table():
    assert SyscallCounts().table().splitlines()[-1] == (
        "100.00    0.000000           0         0           total")


# -- rewrite_paths: the mapping ---------------------------------------------------------


@pytest.mark.parametrize("path, expected", [
    ("/virtual", "/real"),
    ("/virtual/", "/real/"),
    ("/virtual/x", "/real/x"),
    ("/virtual/a/b/", "/real/a/b/"),
    ("//virtual//./x", "/real/x"),
    ("/virtualx", None),
    ("/virtualx/y", None),
    ("/virtua", None),
    ("/etc/passwd", None),
    ("virtual/x", None),                       # relative: left to the kernel
    ("x", None),
    ("/virtual/a/../b", "/real/a/../b"),       # the kernel resolves it inside /real
    ("/virtual/../etc/passwd", "/etc/passwd"),  # climbs out of the mapping
    ("/virtual/..", "/"),
    ("/virtual/deep/x", "/elsewhere/x"),       # the longest prefix wins
    ("/virtual/deeper", "/real/deeper"),
    ("/virtual/deep/../y", "/real/y"),
])
def test_path_map(path, expected):
    pm = PathMap({"/virtual": "/real", "/virtual/deep/": "/elsewhere"})
    got = pm.map(path)
    assert got == (None if expected is None else expected.encode())


def test_path_map_rejects_relative_prefixes():
    with pytest.raises(ValueError, match="absolute path"):
        PathMap({"virtual": "/tmp"})
    with pytest.raises(ValueError, match="'..'"):
        PathMap({"/a/../b": "/tmp"})
