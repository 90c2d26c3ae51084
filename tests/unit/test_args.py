"""Decoding of syscall arguments (table cases), and reading and writing memory with
process_vm_readv/writev on this process: no tracee. (Arguments by name on a real
tracee: tests/tracing/test_intercept.py.)"""

from __future__ import annotations

import ctypes
import errno
import gc
import mmap
import os
import socket
import struct

import pytest

from aiotrace._core import _ffi
from aiotrace._core._args import Args, decode_sockaddr


@pytest.mark.parametrize(
    "data, family, address",
    [
        (struct.pack("=H", socket.AF_INET) + struct.pack("!H", 80) + socket.inet_aton("127.0.0.1") + b"\0" * 8,
         socket.AF_INET, ("127.0.0.1", 80)),
        (struct.pack("=H", socket.AF_INET6) + struct.pack("!HI", 443, 0)
         + socket.inet_pton(socket.AF_INET6, "::1") + struct.pack("=I", 0),
         socket.AF_INET6, ("::1", 443, 0, 0)),
        (struct.pack("=H", socket.AF_UNIX) + b"/run/x.sock\0", socket.AF_UNIX, "/run/x.sock"),
        (struct.pack("=H", socket.AF_UNIX) + b"\0abstract", socket.AF_UNIX, "\0abstract"),
        (struct.pack("=H", 4242) + b"xy", 4242, b"xy"),
    ],
)
def test_decode_sockaddr(data, family, address):
    assert decode_sockaddr(data) == (family, address)


def test_args_is_a_tuple_with_names():
    a = Args((0xFFFFFF9C, 0x1000, 0o2000000, 0, 0, 0), 257, 1)
    assert a == (0xFFFFFF9C, 0x1000, 0o2000000, 0, 0, 0) and a[1:3] == (0x1000, 0o2000000)
    assert a.dirfd == -100 and a.flags == 0o2000000
    assert "path" in a.names and "filename" in a.names
    with pytest.raises(AttributeError, match="no argument 'nope'.*dirfd"):
        _ = a.nope


@pytest.mark.parametrize("offset,n", [(0, 0), (0, 1), (5, 300), (4000, 200), (0, 4096), (3, 4097), (0, 10000)])
def test_vm_read_of_our_own_memory(offset, n):
    """process_vm_readv through the per-thread page buffer (and, beyond a page, a buffer of
    its own), on this process: sizes and page crossings, with no tracee involved."""
    data = bytes(range(256)) * 48   # 12 KiB
    buf = ctypes.create_string_buffer(data, len(data))
    got = _ffi.vm_read(os.getpid(), ctypes.addressof(buf) + offset, n)
    assert got == data[offset:offset + n]
    # the next read does not see the previous one's bytes
    assert _ffi.vm_read(os.getpid(), ctypes.addressof(buf) + 1, 2) == data[1:3]


@pytest.mark.parametrize("write", [False, True])
def test_large_vm_read_and_write_leave_no_garbage(write):
    """Beyond a page, vm_read and vm_write use a buffer of their own, freed when the call
    returns: none is left for the garbage collector (a dump of a 64 MiB write once kept all
    its 1 MiB buffers until the end, through reference cycles)."""
    data = bytes(range(256)) * 64   # 16 KiB
    buf = ctypes.create_string_buffer(data, len(data))
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            if write:
                assert _ffi.vm_write(os.getpid(), ctypes.addressof(buf), data) == len(data)
            else:
                assert _ffi.vm_read(os.getpid(), ctypes.addressof(buf), len(data)) == data
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_vm_read_of_a_bad_address_raises():
    with pytest.raises(OSError) as e:
        _ffi.vm_read(os.getpid(), 8, 16)
    assert e.value.errno == errno.EFAULT


@pytest.mark.parametrize("length", [0, 1, 100, 4095])
def test_stop_reader_reads_a_string_that_ends_in_its_page(length):
    """StopReader.string (paths= at a stop, on the Python loop): one read, to the end of the
    page, gives the string up to its NUL, however near the page's end the NUL is; a string
    that goes on past the page is None (read_string's, then), an unmapped page OSError."""
    with mmap.mmap(-1, 3 * mmap.PAGESIZE) as m:
        base = ctypes.addressof(ctypes.c_char.from_buffer(m))   # (the export ends here)
        r = _ffi.StopReader()
        end = mmap.PAGESIZE   # (the NUL is the first page's last byte)
        text = bytes(b"abcdefgh"[i % 8] for i in range(length))
        m[end - 1 - length:end] = text + b"\0"
        assert r.string(os.getpid(), base + end - 1 - length) == text
        # the same string without its NUL: it goes on in the next page
        m[end - 1] = ord("x")
        m[end:end + 2] = b"y\0"
        assert r.string(os.getpid(), base + end - 1 - length) is None
        # a shorter one after it: none of the longer one's bytes are left
        m[end - 3:end] = b"ok\0"
        assert r.string(os.getpid(), base + end - 3) == b"ok"
        with pytest.raises(OSError) as e:
            r.string(os.getpid(), 8)
        assert e.value.errno == errno.EFAULT


def test_stop_reader_reads_links():
    r = _ffi.StopReader()
    assert r.link(b"/proc/self/cwd") == os.fsencode(os.getcwd())
    assert r.link(b"/proc/self/fd/%d" % 10**6) is None


def test_vm_read_reentered_takes_its_own_buffer():
    """A read made while another read on the same thread is in progress (a signal handler
    can do that) does not use the thread's page buffer, which the outer read is using."""
    b = ctypes.create_string_buffer(b"B" * 64)
    s = _ffi._scratch
    s.buf[:8] = b"SENTINEL"
    s.busy = True   # as if a read were in progress on this thread
    try:
        assert _ffi.vm_read(os.getpid(), ctypes.addressof(b), 32) == b"B" * 32
        assert s.buf[:8] == b"SENTINEL"
    finally:
        s.busy = False
    assert _ffi.vm_read(os.getpid(), ctypes.addressof(b), 32) == b"B" * 32
    assert s.buf[:8] == b"B" * 8
