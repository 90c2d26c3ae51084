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
