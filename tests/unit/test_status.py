"""Pure decoding of wait statuses: tables, no tracee."""

from __future__ import annotations

import signal

import pytest

from aiotrace._core._status import Stop, StopKind, decode_status, returncode

SIGTRAP = int(signal.SIGTRAP)


def stopped(sig: int, event: int = 0) -> int:
    return (event << 16) | (sig << 8) | 0x7F


@pytest.mark.parametrize(
    "status, expected",
    [
        (0x0000, Stop(StopKind.EXITED, 0)),
        (0x0300, Stop(StopKind.EXITED, 3)),
        (0xFF00, Stop(StopKind.EXITED, 255)),
        (0x0009, Stop(StopKind.KILLED, 9)),
        (0x008B, Stop(StopKind.KILLED, 11, True)),     # SIGSEGV with core dump
        (stopped(SIGTRAP | 0x80), Stop(StopKind.SYSCALL, 0)),
        (stopped(SIGTRAP, 1), Stop(StopKind.EVENT, 1)),   # fork
        (stopped(SIGTRAP, 2), Stop(StopKind.EVENT, 2)),   # vfork
        (stopped(SIGTRAP, 3), Stop(StopKind.EVENT, 3)),   # clone
        (stopped(SIGTRAP, 4), Stop(StopKind.EVENT, 4)),   # exec
        (stopped(SIGTRAP, 6), Stop(StopKind.EVENT, 6)),   # exit
        (stopped(SIGTRAP, 7), Stop(StopKind.EVENT, 7)),   # seccomp
        (stopped(int(signal.SIGSTOP), 128), Stop(StopKind.GROUP_STOP, 19)),
        (stopped(int(signal.SIGTSTP), 128), Stop(StopKind.GROUP_STOP, 20)),
        (stopped(int(signal.SIGTTIN), 128), Stop(StopKind.GROUP_STOP, 21)),
        (stopped(int(signal.SIGTTOU), 128), Stop(StopKind.GROUP_STOP, 22)),
        (stopped(SIGTRAP, 128), Stop(StopKind.TRAP_STOP, 0)),
        (stopped(int(signal.SIGUSR1)), Stop(StopKind.SIGNAL, 10)),
        (stopped(int(signal.SIGSTOP)), Stop(StopKind.SIGNAL, 19)),  # before it becomes a group-stop
        (stopped(SIGTRAP), Stop(StopKind.SIGNAL, 5)),               # a real SIGTRAP
    ],
)
def test_decode_status(status: int, expected: Stop) -> None:
    assert decode_status(status) == expected


@pytest.mark.parametrize("status, rc", [(0, 0), (0x0700, 7), (0x0009, -9), (0x008B, -11)])
def test_returncode(status: int, rc: int) -> None:
    assert returncode(status) == rc


def test_returncode_of_a_stop_is_an_error() -> None:
    with pytest.raises(ValueError, match="is a stop"):
        returncode(stopped(SIGTRAP | 0x80))


def test_syscall_table_covers_new_kernels() -> None:
    from aiotrace._core._syscalls import SYSCALL_NAMES, syscall_name, syscall_number

    assert syscall_name(0) == "read" and syscall_name(59) == "execve"
    assert syscall_name(435) == "clone3" and syscall_name(462) == "mseal"
    assert syscall_name(469) == "file_setattr" and syscall_name(999) == "syscall_0x3e7"
    assert syscall_number("openat") == 257
    assert len(set(SYSCALL_NAMES.values())) == len(SYSCALL_NAMES)
    with pytest.raises(KeyError, match="unknown x86-64 system call name 'nope'"):
        syscall_number("nope")


@pytest.mark.parametrize("arch, raw, abi, nr, name", [
    # the kernel takes the low 32 bits of rax as an int (strace names them so)
    (0xC000003E, (1 << 64) - 1, "x86_64", -1, "syscall_0xffffffffffffffff"),
    (0xC000003E, 0xFFFFFFFF, "x86_64", -1, "syscall_0xffffffffffffffff"),
    (0xC000003E, 0x80000000, "x86_64", -(1 << 31), "syscall_0xffffffff80000000"),
    (0xC000003E, 1 << 63, "x86_64", 0, "read"),
    (0xC000003E, 0x100000027, "x86_64", 39, "getpid"),
    (0xC000003E, 600, "x86_64", 600, "syscall_0x258"),
    # x32: the bit set (but for -1), the number without it
    (0xC000003E, 0x40000002, "x32", 2, "open"),
    (0xC000003E, 0x40000000 + 520, "x32", 520, "execve"),
    (0xC000003E, 0x40000258, "x32", 600, "syscall_0x40000258"),
    (0xC000003E, 0xFFFFFFFE, "x32", -2 - 0x40000000, "syscall_0xfffffffffffffffe"),
    # i386: its own table
    (0x40000003, 5, "i386", 5, "open"),
    (0x40000003, 4, "i386", 4, "write"),
    (0x40000003, 1, "i386", 1, "exit"),
    (0x40000003, 140, "i386", 140, "_llseek"),
    (0x40000003, 0xFFFFFFFF, "i386", -1, "syscall_0xffffffffffffffff"),
    (0x40000003, 0x40000005, "i386", 0x40000005, "syscall_0x40000005"),
])
def test_syscall_keys(arch, raw, abi, nr, name) -> None:
    from aiotrace._core._syscalls import (
        ABIS, key_abi, key_name, key_nr, key_raw, make_key, syscall_key, syscall_name,
    )

    key = syscall_key(arch, raw)
    assert (ABIS[key_abi(key)], key_nr(key), key_name(key)) == (abi, nr, name)
    assert make_key(key_abi(key), nr) == key and syscall_name(nr, abi) == name
    assert key_raw(key) & 0xFFFFFFFF == raw & 0xFFFFFFFF   # (what a rewrite writes back)
    assert -(1 << 31) <= key_raw(key) < 1 << 31             # (as the kernel's int)
    if abi == "x86_64":
        assert key == nr   # an x86-64 call's key is its number


def test_names_stand_for_their_calls_in_every_abi() -> None:
    from aiotrace._core._syscalls import (
        ALL_KEYS, I386_NAMES, X32_NAMES, key_selectors, make_key, selector_keys,
    )

    assert I386_NAMES[5] == "open" and I386_NAMES[192] == "mmap2" and I386_NAMES[469] == "file_setattr"
    assert X32_NAMES[2] == "open" and X32_NAMES[520] == "execve" and 59 not in X32_NAMES
    assert selector_keys("open") == {2, make_key(1, 5), make_key(2, 2)}
    assert selector_keys("open@32") == {make_key(1, 5)}
    assert selector_keys("open@64") == {2} and selector_keys("stat64") == {make_key(1, 195)}
    assert selector_keys("arch_prctl@x32") == {make_key(2, 158)}
    assert selector_keys("nope") == selector_keys("newfstatat@32") == frozenset()
    assert key_selectors({2, make_key(1, 5), make_key(2, 2)}) == {"open"}
    assert key_selectors({2, make_key(1, 5)}) == {"open@64", "open@32"}
    both = set()
    for name in key_selectors(ALL_KEYS):
        both |= selector_keys(name)
    assert both == ALL_KEYS
