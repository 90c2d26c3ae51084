"""The syscall table (aiotrace._core._systable) and the public aiotrace.syscalls: pure
tables, no tracee."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import pytest

from aiotrace import syscalls
from aiotrace._core import _syscalls
from aiotrace._decode import _kinds, _specs

ROOT = Path(__file__).resolve().parents[2]


def test_the_table_is_what_its_script_writes():
    """scripts/syscall_table.py --check: the rows in order, one per call and ABI, the
    prototypes python-ptrace's (or the script's own), nothing inconsistent."""
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "syscall_table.py"), "--check"],
                       capture_output=True, text=True, timeout=60)
    assert (r.returncode, r.stderr) == (0, "")


def test_lookup():
    call = syscalls.lookup("openat")
    assert (call.name, call.abi, call.nr, call.nargs) == ("openat", "x86_64", 257, 4)
    assert call.arg_names == ("dirfd", "filename", "flags", "mode")
    assert call.classes == {"file", "desc"}
    assert (call.paths, call.dirfds, call.fds) == ((1,), (0,), ())
    assert syscalls.lookup("open", "i386").nr == 5 and syscalls.lookup("fstat").nr == 5
    assert syscalls.lookup("readv", "x32").nr == 515
    # on i386 a 64-bit argument takes two registers: the names stop before it
    assert syscalls.lookup("pread64").arg_names == ("fd", "buf", "count", "pos")
    assert syscalls.lookup("pread64", "i386").arg_names == ("fd", "buf", "count")
    with pytest.raises(KeyError, match="unknown x86-64 system call name 'stat64'"):
        syscalls.lookup("stat64")
    with pytest.raises(ValueError, match="unknown ABI 'arm64'"):
        syscalls.lookup("open", "arm64")


def test_what_the_arguments_are():
    assert syscalls.lookup("symlinkat").paths == (2,)    # the target is stored as it is
    assert syscalls.lookup("symlinkat").dirfds == (1,)
    linkat = syscalls.lookup("linkat")
    assert (linkat.paths, linkat.dirfds) == ((1, 3), (0, 2))
    assert syscalls.lookup("dup2").fds == (0, 1)
    assert syscalls.lookup("fcntl").fds == (0,)           # (a decoder of its own)
    assert syscalls.lookup("fchmodat2").paths == (1,)     # (printed in hex)
    assert syscalls.lookup("getpid").paths == syscalls.lookup("getpid").fds == ()
    paths = syscalls.path_args()
    assert paths["rename"] == (0, 1) and "getxattr" in paths and "symlink" in paths
    assert "stat64" in paths and "stat64" not in syscalls.path_args("x86_64")


def test_every_number_and_name():
    for abi in syscalls.ABIS:
        table = syscalls.by_number(abi)
        assert table and set(table.values()) == syscalls.names(abi)
        for nr, name in table.items():
            assert syscalls.number(name, abi) == nr and syscalls.name(nr, abi) == name
            assert syscalls.lookup(name, abi).nr == nr
    assert syscalls.name(335) == "syscall_0x14f" and syscalls.name(-1) == "syscall_0xffffffffffffffff"
    assert syscalls.names() == set().union(*(syscalls.names(abi) for abi in syscalls.ABIS))
    assert len(syscalls.table()) == sum(len(syscalls.by_number(abi)) for abi in syscalls.ABIS)
    with pytest.raises(KeyError, match="unknown i386 system call name 'newfstatat'"):
        syscalls.number("newfstatat", "i386")


def test_keys_and_selectors():
    for call in syscalls.table():
        key = syscalls.key(call.abi, call.nr)
        assert syscalls.key_abi(key) == call.abi and syscalls.key_nr(key) == call.nr
        assert syscalls.key_name(key) == call.name
        assert syscalls.event_key(types.SimpleNamespace(abi=call.abi, nr=call.nr)) == key
        suffixed = f"{call.name}@{syscalls.SUFFIXES[call.abi]}"
        assert syscalls.selector_keys(suffixed) == {key}
    assert syscalls.key("x86_64", 2) == 2
    opens = syscalls.selector_keys("open")
    assert len(opens) == 3 and syscalls.key_selectors(opens) == {"open"}
    assert syscalls.key_selectors(opens - syscalls.selector_keys("open@32")) == {
        "open@64", "open@x32"}
    assert syscalls.selector_keys("stat64@64") == syscalls.selector_keys("nosuch") == set()
    assert syscalls.MODES["i386"] == "32 bit"


def test_classes():
    assert syscalls.CLASSES[:3] == ("file", "process", "network")
    assert {"openat", "stat64", "symlink"} <= syscalls.in_class("file")
    assert {"stat", "fstat", "statx", "stat64"} <= syscalls.in_class("%stat")
    assert syscalls.in_class("stat") == {"stat", "stat64", "oldstat"}
    assert syscalls.in_class("pure") >= {"getpid", "gettid", "getuid32"}
    for call in syscalls.table():
        for cls in call.classes:
            assert call.name in syscalls.in_class(cls)
    with pytest.raises(KeyError, match="unknown system call class 'nope'"):
        syscalls.in_class("nope")


@pytest.mark.parametrize("abi", _syscalls.ABIS)
def test_every_word_of_the_table_has_a_printer(abi):
    """Each row's kinds, return and decoder name a printer of aiotrace._decode, and what
    the decoder prints as a path or a descriptor is what the row says is one."""
    for name in syscalls.names(abi):
        row = _syscalls.row(name, _syscalls.ABI_CODES[abi])
        assert row is not None
        spec = _specs.spec(name, abi)
        if row.decoder == "raw":
            assert spec is None
            continue
        assert spec is not None
        if row.decoder:
            continue
        assert len(spec.args) == len(row.kinds.split()) <= row.nargs
        shown = tuple(i for i, k in enumerate(spec.args) if k is _kinds.PATH)
        fds = tuple(i for i, k in enumerate(spec.args) if k is _kinds.FD)
        dirfds = tuple(i for i, k in enumerate(spec.args) if k is _kinds.DIRFD)
        assert (shown, fds, dirfds) == (row.shown_paths, row.fds, row.dirfds), name


def test_the_calls_whose_data_is_dumped():
    """-e read=/write=: the calls that move data through the descriptor of their first
    argument, from a buffer, iovecs, a msghdr or mmsghdrs: on x86-64 strace's; on i386
    those whose buffer has the same layout."""
    def dumped(abi):
        code = _syscalls.ABI_CODES[abi]
        return {name: row.data for name in syscalls.names(abi)
                if (row := _syscalls.row(name, code)) is not None and row.data is not None}
    assert dumped("x86_64") == {
        "read": (0, "buf"), "pread64": (0, "buf"), "recvfrom": (0, "buf"),
        "readv": (0, "iov"), "preadv": (0, "iov"), "preadv2": (0, "iov"),
        "recvmsg": (0, "msg"), "write": (1, "buf"), "pwrite64": (1, "buf"),
        "sendto": (1, "buf"), "writev": (1, "iov"), "pwritev": (1, "iov"),
        "pwritev2": (1, "iov"), "sendmsg": (1, "msg"), "vmsplice": (1, "iov"),
        "mq_timedreceive": (0, "buf"), "mq_timedsend": (1, "buf"),
        "recvmmsg": (0, "mmsg"), "sendmmsg": (1, "mmsg")}
    assert set(dumped("i386")) == {"read", "write", "pread64", "pwrite64", "recvfrom",
                                   "sendto"}


def test_the_engines_paths_are_the_tables():
    from aiotrace.engines import PATH_SYSCALLS

    assert PATH_SYSCALLS == syscalls.path_args()


def test_python_ptrace_is_not_imported():
    """Its prototypes are in the table: aiotrace does not import it to name arguments."""
    code = ("import sys, aiotrace, aiotrace._decode as d, aiotrace._core._args as a\n"
            "d.format_entry('open', (0, 0, 0), None)\n"
            "assert 'path' in a.Args((0,) * 6, 2, 1).names\n"
            "aiotrace.syscalls.table()\n"
            "print('ptrace' in sys.modules)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=60)
    assert (r.returncode, r.stdout) == (0, "False\n"), r.stderr
