"""userfaultfd and the requests of its descriptor (0xaa) as strace 6.1 prints them (its
tests userfaultfd.c and ioctl_uffdio.c). Tables, no tracee: the decoder is given the
registers and a fake memory (data at A)."""

from __future__ import annotations

import errno
import struct

import pytest

from fake_memory import A, Memory
from aiotrace._decode import format_entry, format_exit, format_syscall_line
from aiotrace._decode._xlat_ioctl_names import code

EBADF = -errno.EBADF
EBADF_TEXT = "-1 EBADF (Bad file descriptor)"
M32 = 0xFFFFFFFF


def line(name: str, args: tuple[int, ...], ret: int, data: bytes = b"",
         after: bytes | None = None) -> str:
    """*data* at A at entry, *after* (when given) at exit."""
    mem = Memory(data)
    entry = format_entry(name, args, mem)
    if after is not None:
        mem = Memory(after)
    full, rtext = format_exit(name, args, ret, mem, entry_text=entry)
    return format_syscall_line(name, full, rtext, column=0)


def q(*v: int) -> bytes:
    return struct.pack("<%dQ" % len(v), *v)


@pytest.mark.parametrize("args, ret, text", [
    ((0,), 3, "userfaultfd(0) = 3"),
    ((0o4001,), 4, "userfaultfd(UFFD_USER_MODE_ONLY|O_NONBLOCK) = 4"),
    ((0xFFFFFFFF00000000 | 0o2000000,), 5, "userfaultfd(O_CLOEXEC) = 5"),
    ((0x100,), -errno.EINVAL, "userfaultfd(0x100 /* UFFD_??? */) = -1 EINVAL (Invalid argument)"),
])
def test_userfaultfd(args, ret, text):
    assert line("userfaultfd", args, ret) == text


API_OUT = "{api=0xaa, features=0 => features=UFFD_FEATURE_PAGEFAULT_FLAG_WP|" \
          "UFFD_FEATURE_EVENT_FORK, ioctls=1<<_UFFDIO_REGISTER|1<<_UFFDIO_UNREGISTER|" \
          "1<<_UFFDIO_API}"


@pytest.mark.parametrize("args, ret, data, after, text", [
    # UFFDIO_API: the features given; at exit the features when they changed, the ioctls
    ((3, code("UFFDIO_API"), A), 0, q(0xAA, 0, 0), q(0xAA, 0x3, 1 << 63 | 3),
     "ioctl(3, UFFDIO_API, %s) = 0" % API_OUT),
    ((3, code("UFFDIO_API"), A), 0, q(0xAA, 0x2, 0), q(0xAA, 0x2, 1),
     "ioctl(3, UFFDIO_API, {api=0xaa, features=UFFD_FEATURE_EVENT_FORK,"
     " ioctls=1<<_UFFDIO_REGISTER}) = 0"),
    ((M32, code("UFFDIO_API"), A), EBADF, q(0, 0, 0), None,
     "ioctl(-1, UFFDIO_API, {api=0, features=0}) = " + EBADF_TEXT),
    ((3, code("UFFDIO_API"), 0), -errno.EFAULT, b"", None,
     "ioctl(3, UFFDIO_API, NULL) = -1 EFAULT (Bad address)"),
    ((3, code("UFFDIO_REGISTER"), A), 0, q(0x1000, 0x2000, 1, 0), q(0x1000, 0x2000, 1, 0x11C),
     "ioctl(3, UFFDIO_REGISTER, {range={start=0x1000, len=0x2000},"
     " mode=UFFDIO_REGISTER_MODE_MISSING, ioctls=1<<_UFFDIO_WAKE|1<<_UFFDIO_COPY|"
     "1<<_UFFDIO_ZEROPAGE|0x100}) = 0"),
    ((3, code("UFFDIO_COPY"), A), 0, q(0x1000, 0x2000, 0x10, 3, 0),
     q(0x1000, 0x2000, 0x10, 3, 0x10),
     "ioctl(3, UFFDIO_COPY, {dst=0x1000, src=0x2000, len=0x10,"
     " mode=UFFDIO_COPY_MODE_DONTWAKE|UFFDIO_COPY_MODE_WP, copy=0x10}) = 0"),
    ((3, code("UFFDIO_ZEROPAGE"), A), -errno.EINVAL, q(0x1000, 0x10, 0x2, 0), None,
     "ioctl(3, UFFDIO_ZEROPAGE, {range={start=0x1000, len=0x10},"
     " mode=0x2 /* UFFDIO_ZEROPAGE_??? */}) = -1 EINVAL (Invalid argument)"),
    ((3, code("UFFDIO_ZEROPAGE"), A), 0, q(0x1000, 0x10, 0, 0)[:24], None,
     "ioctl(3, UFFDIO_ZEROPAGE, 0x10000) = 0"),
    ((3, code("UFFDIO_WAKE"), A), 0, q(0x1000, 0x10), None,
     "ioctl(3, UFFDIO_WAKE, {start=0x1000, len=0x10}) = 0"),
    ((3, code("UFFDIO_UNREGISTER"), A + 8), 0, q(0x1000), None,
     "ioctl(3, UFFDIO_UNREGISTER, 0x10008) = 0"),
])
def test_uffdio(args, ret, data, after, text):
    assert line("ioctl", args, ret, data, after) == text
