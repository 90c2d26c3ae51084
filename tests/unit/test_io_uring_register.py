"""io_uring_register as strace 6.1 prints it (the lines of its test io_uring_register.c),
in each -X style. Tables, no tracee: the decoder is given the registers and a fake memory
(data at A)."""

from __future__ import annotations

import errno
import struct

import pytest

from fake_memory import A, Memory, call_line
from aiotrace._decode import _style, format_entry, format_exit, format_syscall_line

EOPNOTSUPP = -errno.EOPNOTSUPP
FAILED = " = -1 EOPNOTSUPP (Operation not supported)"
STYLES = {"abbrev": _style.ABBREV, "raw": _style.RAW, "verbose": _style.VERBOSE}
BUFFERS, UNREGISTER_BUFFERS, FILES, FILES_UPDATE, PROBE = 0, 1, 2, 6, 8
RESTRICTIONS, FILES2, FILES_UPDATE2, IOWQ_AFF, MAX_WORKERS = 11, 13, 14, 17, 19
RING_FDS, UNREGISTER_RING_FDS, PBUF_RING = 20, 21, 22


def line(args: tuple[int, ...], ret: int, data: bytes = b"", *, style: str = "abbrev") -> str:
    return call_line("io_uring_register", args, ret, data, xstyle=STYLES[style])


def probe(last: int, ops_len: int, *ops: tuple[int, int, int, int]) -> bytes:
    return struct.pack("<BBH3I", last, ops_len, 0, 0, 0, 0) + b"".join(
        struct.pack("<BBHI", *op) for op in ops)


FDS = struct.pack("<5i", 1, 0, -1, -2, -3)
RSRC = struct.pack("<IIQQQ", 2, 1, 0, A + 32, A + 40) + struct.pack("<2i2Q", 4, -2, 5, 0)
UPDATE2 = struct.pack("<IIQQII", 7, 0, A + 32, 0, 2, 0) + struct.pack("<2i", 4, -2)

# (arguments, data at A, return value, style, the line)
LINES = [
    # the opcode; an unknown one, or one without an argument: the address
    ((0, 0xBADC0DED, A, 0xDEADBEEF), b"", EOPNOTSUPP, "abbrev",
     "io_uring_register(0, 0xbadc0ded /* IORING_REGISTER_??? */, 0x10000, 3735928559)"
     + FAILED),
    ((0, UNREGISTER_BUFFERS, A, 1), b"", EOPNOTSUPP, "verbose",
     "io_uring_register(0, 0x1 /* IORING_UNREGISTER_BUFFERS */, 0x10000, 1)" + FAILED),
    ((0, UNREGISTER_BUFFERS, A, 1), b"", EOPNOTSUPP, "raw",
     "io_uring_register(0, 0x1, 0x10000, 1)" + FAILED),
    # arrays: buffers (their addresses), descriptors
    ((3, BUFFERS, A, 1), struct.pack("<QQ", 0xFACE, 10), EOPNOTSUPP, "abbrev",
     "io_uring_register(3, IORING_REGISTER_BUFFERS, [{iov_base=0xface, iov_len=10}], 1)"
     + FAILED),
    ((3, FILES, A, 5), FDS, EOPNOTSUPP, "abbrev",
     "io_uring_register(3, IORING_REGISTER_FILES, [1, 0, -1, -2, -3], 5)" + FAILED),
    ((3, FILES, A, 6), FDS, EOPNOTSUPP, "abbrev",
     "io_uring_register(3, IORING_REGISTER_FILES, [1, 0, -1, -2, -3, ... /* 0x10014 */], 6)"
     + FAILED),
    ((3, FILES_UPDATE, A, 2), struct.pack("<IIQ", 9, 1, A + 16) + FDS, EOPNOTSUPP, "abbrev",
     "io_uring_register(3, IORING_REGISTER_FILES_UPDATE, {offset=9, resv=0x1, fds=[1, 0]}, 2)"
     + FAILED),
    ((3, FILES_UPDATE, A, 4), struct.pack("<IIQ", 9, 0, A + 16) + FDS, EOPNOTSUPP, "verbose",
     "io_uring_register(3, 0x6 /* IORING_REGISTER_FILES_UPDATE */, {offset=9, fds=[1, 0, -1,"
     " -2 /* IORING_REGISTER_FILES_SKIP */]}, 4)" + FAILED),
    # the resources: 32 bytes known, then what is not zero; the size too small: the address
    ((3, FILES2, A, 32), RSRC, EOPNOTSUPP, "abbrev",
     "io_uring_register(3, IORING_REGISTER_FILES2, {nr=2, flags=IORING_RSRC_REGISTER_SPARSE,"
     " data=[4, -2], tags=[0x5, 0]}, 32)" + FAILED),
    ((3, FILES2, A, 24), RSRC, EOPNOTSUPP, "abbrev",
     "io_uring_register(3, IORING_REGISTER_FILES2, 0x10000, 24)" + FAILED),
    ((3, FILES2, A, 40), RSRC, EOPNOTSUPP, "abbrev",
     "io_uring_register(3, IORING_REGISTER_FILES2, {nr=2, flags=IORING_RSRC_REGISTER_SPARSE,"
     ' data=[4, -2], tags=[0x5, 0], /* bytes 32..39 */ "\\x04\\x00\\x00\\x00'
     '\\xfe\\xff\\xff\\xff"}, 40)' + FAILED),
    ((3, FILES2, A, 4200), RSRC, EOPNOTSUPP, "abbrev",
     "io_uring_register(3, IORING_REGISTER_FILES2, {nr=2, flags=IORING_RSRC_REGISTER_SPARSE,"
     " data=[4, -2], tags=[0x5, 0], ???}, 4200)" + FAILED),
    ((3, FILES_UPDATE2, A, 32), UPDATE2, EOPNOTSUPP, "abbrev",
     "io_uring_register(3, IORING_REGISTER_FILES_UPDATE2, {offset=7, data=[4,"
     " IORING_REGISTER_FILES_SKIP], tags=NULL, nr=2}, 32)" + FAILED),
    # restrictions, ring descriptors, a buffer ring, a CPU set
    ((3, RESTRICTIONS, A, 4), struct.pack("<HBB3I", 0, 1, 0, 0, 0, 0)
     + struct.pack("<HBB3I", 1, 0x40, 0, 0, 0, 0) + struct.pack("<HBB3I", 3, 0x81, 1, 0, 2, 0)
     + struct.pack("<HBB3I", 9, 0xef, 0, 0, 0, 0), EOPNOTSUPP, "abbrev",
     "io_uring_register(3, IORING_REGISTER_RESTRICTIONS, [{opcode=IORING_RESTRICTION_REGISTER_OP,"
     " register_op=IORING_UNREGISTER_BUFFERS}, {opcode=IORING_RESTRICTION_SQE_OP,"
     " sqe_op=0x40 /* IORING_OP_??? */}, {opcode=IORING_RESTRICTION_SQE_FLAGS_REQUIRED,"
     " sqe_flags=IOSQE_FIXED_FILE|0x80, resv=0x1, resv2=[0, 0x2, 0]},"
     " {opcode=0x9 /* IORING_RESTRICTION_??? */ /* op: 0xef */}], 4)" + FAILED),
    ((3, RING_FDS, A, 2), struct.pack("<IIQ", 0xFFFFFFFF, 0, 1) + struct.pack("<IIQ", 5, 3, 2),
     EOPNOTSUPP, "abbrev",
     "io_uring_register(3, IORING_REGISTER_RING_FDS, [{offset=-1, data=1}, {offset=5, resv=0x3,"
     " data=2}], 2)" + FAILED),
    ((3, UNREGISTER_RING_FDS, A, 2), struct.pack("<IIQ", 0xFFFFFFFF, 0, 0)
     + struct.pack("<IIQ", 5, 0, 2), EOPNOTSUPP, "abbrev",
     "io_uring_register(3, IORING_UNREGISTER_RING_FDS, [{offset=4294967295}, {offset=5,"
     " data=0x2}], 2)" + FAILED),
    ((3, PBUF_RING, A, 1), struct.pack("<QIHH3Q", 0, 8, 1, 2, 0, 5, 0), EOPNOTSUPP, "abbrev",
     "io_uring_register(3, IORING_REGISTER_PBUF_RING, {ring_addr=NULL, ring_entries=8, bgid=1,"
     " pad=0x2, resv=[0, 0x5, 0]}, 1)" + FAILED),
    ((3, IOWQ_AFF, A, 2), b"\x05\x80", EOPNOTSUPP, "abbrev",
     "io_uring_register(3, IORING_REGISTER_IOWQ_AFF, [0 2 15], 2)" + FAILED),
    ((3, IOWQ_AFF, A, 0), b"", EOPNOTSUPP, "abbrev",
     "io_uring_register(3, IORING_REGISTER_IOWQ_AFF, [], 0)" + FAILED),
    # the worker counts, read and written: both when read in full
    ((3, MAX_WORKERS, A, 3), struct.pack("<3I", 0, 1, 7), 0, "abbrev",
     "io_uring_register(3, IORING_REGISTER_IOWQ_MAX_WORKERS, [[IO_WQ_BOUND]=0,"
     " [IO_WQ_UNBOUND]=1, [2 /* IO_WQ_??? */]=7] => [[IO_WQ_BOUND]=0, [IO_WQ_UNBOUND]=1,"
     " [2 /* IO_WQ_??? */]=7], 3) = 0"),
    ((3, MAX_WORKERS, A, 3), struct.pack("<3I", 0, 1, 7), EOPNOTSUPP, "abbrev",
     "io_uring_register(3, IORING_REGISTER_IOWQ_MAX_WORKERS, [[IO_WQ_BOUND]=0,"
     " [IO_WQ_UNBOUND]=1, [2 /* IO_WQ_??? */]=7] => 0x10000, 3)" + FAILED),
    ((3, MAX_WORKERS, A, 2), struct.pack("<I", 5), 0, "verbose",
     "io_uring_register(3, 0x13 /* IORING_REGISTER_IOWQ_MAX_WORKERS */,"
     " [[0 /* IO_WQ_BOUND */]=5, ... /* 0x10004 */], 2) = 0"),
    # the probe: given as zeroes, the kernel's at exit; else both
    ((3, PROBE, A, 2), probe(0, 0) + bytes(16), EOPNOTSUPP, "abbrev",
     "io_uring_register(3, IORING_REGISTER_PROBE, 0x10000, 2)" + FAILED),
    ((3, PROBE, A, 2), probe(1, 3, (0, 0, 1, 0), (47, 2, 0, 9)), 0, "abbrev",
     "io_uring_register(3, IORING_REGISTER_PROBE, {last_op=IORING_OP_READV, ops_len=3,"
     " ops=[{op=IORING_OP_NOP, flags=IO_URING_OP_SUPPORTED}, {op=47 /* IORING_OP_??? */,"
     " resv=0x2, flags=0, resv2=0x9}]} => {last_op=IORING_OP_READV, ops_len=3,"
     " ops=[{op=IORING_OP_NOP, flags=IO_URING_OP_SUPPORTED}, {op=47 /* IORING_OP_??? */,"
     " resv=0x2, flags=0, resv2=0x9}, ...]}, 2) = 0"),
    ((3, PROBE, A, 1), probe(1, 3, (0, 0, 1, 0)), EOPNOTSUPP, "raw",
     "io_uring_register(3, 0x8, {last_op=1, ops_len=3, ops=[{op=0, flags=0x1}]}, 1)" + FAILED),
    ((3, PROBE, A, 300), b"", EOPNOTSUPP, "abbrev",
     "io_uring_register(3, IORING_REGISTER_PROBE, 0x10000, 300)" + FAILED),
]


@pytest.mark.parametrize("args, data, ret, style, text", LINES)
def test_io_uring_register(args, data, ret, style, text):
    assert line(args, ret, data, style=style) == text


def test_a_zero_probe_is_the_kernels_at_exit():
    """A probe given as zeroes prints nothing at entry: what the kernel wrote, at exit."""
    mem = Memory(bytearray(probe(0, 0) + bytes(8)))
    args = (3, PROBE, A, 1)
    entry = format_entry("io_uring_register", args, mem)
    mem.data[:24] = probe(2, 1, (0, 0, 1, 0))
    full, rtext = format_exit("io_uring_register", args, 0, mem, entry_text=entry)
    assert format_syscall_line("io_uring_register", full, rtext, column=0) == (
        "io_uring_register(3, IORING_REGISTER_PROBE, {last_op=IORING_OP_WRITEV, ops_len=1,"
        " ops=[{op=IORING_OP_NOP, flags=IO_URING_OP_SUPPORTED}]}, 1) = 0")
