"""bpf as strace 6.1 prints it (the lines of its test kernel_version.c, and the shape of
bpf.c's): BPF_PROG_LOAD's attributes as far as the size given reaches, in each -X style;
the commands not decoded yet, their address. Tables, no tracee: the decoder is given the
registers and a fake memory (data at A)."""

from __future__ import annotations

import errno
import struct

import pytest

from fake_memory import A, call_line
from aiotrace._decode import _style

E2BIG = -errno.E2BIG
E2BIG_TEXT = " = -1 E2BIG (Argument list too long)"
STYLES = {"abbrev": _style.ABBREV, "raw": _style.RAW, "verbose": _style.VERBOSE}
MAP_CREATE, PROG_LOAD = 0, 5


def line(args: tuple[int, ...], ret: int, data: bytes = b"", *, style: str = "abbrev",
         v: bool = False) -> str:
    return call_line("bpf", args, ret, data, xstyle=STYLES[style], abbrev=not v)


PROG = struct.pack("<IIQQIIQII16sIIIIQIIQIIIIQ", 0x20, 3, 0, A + 128, 24, 0, 0, 0xCAFEF00D,
                   1, b"prog", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) + b"GPL\0"
TAIL = ("prog_flags=BPF_F_STRICT_ALIGNMENT, prog_name=\"prog\", prog_ifindex=0,"
        " expected_attach_type=BPF_CGROUP_INET_INGRESS, prog_btf_fd=0, func_info_rec_size=0,"
        " func_info=NULL, func_info_cnt=0, line_info_rec_size=0, line_info=NULL,"
        " line_info_cnt=0, attach_btf_id=0, attach_prog_fd=0, fd_array=NULL")

# (arguments, data at A, return value, style, -v, the line)
LINES = [
    ((PROG_LOAD, A, 128), PROG, E2BIG, "abbrev", False,
     "bpf(BPF_PROG_LOAD, {prog_type=0x20 /* BPF_PROG_TYPE_??? */, insn_cnt=3, insns=NULL,"
     ' license="GPL", log_level=24, log_size=0, log_buf=NULL,'
     " kern_version=KERNEL_VERSION(51966, 240, 13), " + TAIL + "}, 128)" + E2BIG_TEXT),
    ((PROG_LOAD, A, 128), PROG, E2BIG, "verbose", False,
     "bpf(0x5 /* BPF_PROG_LOAD */, {prog_type=0x20 /* BPF_PROG_TYPE_??? */, insn_cnt=3,"
     ' insns=NULL, license="GPL", log_level=24, log_size=0, log_buf=NULL,'
     " kern_version=0xcafef00d /* KERNEL_VERSION(51966, 240, 13) */, prog_flags=0x1"
     " /* BPF_F_STRICT_ALIGNMENT */, prog_name=\"prog\", prog_ifindex=0,"
     " expected_attach_type=0 /* BPF_CGROUP_INET_INGRESS */, prog_btf_fd=0,"
     " func_info_rec_size=0, func_info=NULL, func_info_cnt=0, line_info_rec_size=0,"
     " line_info=NULL, line_info_cnt=0, attach_btf_id=0, attach_prog_fd=0, fd_array=NULL},"
     " 128)" + E2BIG_TEXT),
    ((PROG_LOAD, A, 128), PROG, E2BIG, "raw", False,
     "bpf(0x5, {prog_type=0x20, insn_cnt=3, insns=NULL, license=\"GPL\", log_level=24,"
     " log_size=0, log_buf=NULL, kern_version=0xcafef00d, prog_flags=0x1,"
     " prog_name=\"prog\", prog_ifindex=0, expected_attach_type=0, prog_btf_fd=0,"
     " func_info_rec_size=0, func_info=NULL, func_info_cnt=0, line_info_rec_size=0,"
     " line_info=NULL, line_info_cnt=0, attach_btf_id=0, attach_prog_fd=0, fd_array=NULL},"
     " 128)" + E2BIG_TEXT),
    # a shorter structure: the fields it reaches; the name cut at the size given
    ((PROG_LOAD, A, 24), PROG, E2BIG, "abbrev", False,
     "bpf(BPF_PROG_LOAD, {prog_type=0x20 /* BPF_PROG_TYPE_??? */, insn_cnt=3, insns=NULL,"
     ' license="GPL"}, 24)' + E2BIG_TEXT),
    ((PROG_LOAD, A, 52), PROG, E2BIG, "abbrev", False,
     "bpf(BPF_PROG_LOAD, {prog_type=0x20 /* BPF_PROG_TYPE_??? */, insn_cnt=3, insns=NULL,"
     ' license="GPL", log_level=24, log_size=0, log_buf=NULL,'
     " kern_version=KERNEL_VERSION(51966, 240, 13), prog_flags=BPF_F_STRICT_ALIGNMENT,"
     ' prog_name="pro"...}, 52)' + E2BIG_TEXT),
    # bytes past the structure: "..." (their hex with -v) when not all zero
    ((PROG_LOAD, A, 132), PROG[:128] + b"\x01\0\0\0", E2BIG, "abbrev", False,
     "bpf(BPF_PROG_LOAD, {prog_type=0x20 /* BPF_PROG_TYPE_??? */, insn_cnt=3, insns=NULL,"
     ' license="\\1", log_level=24, log_size=0, log_buf=NULL,'
     " kern_version=KERNEL_VERSION(51966, 240, 13), " + TAIL + ", ...}, 132)" + E2BIG_TEXT),
    ((PROG_LOAD, A, 132), PROG[:128] + b"\x01\0\0\0", E2BIG, "abbrev", True,
     "bpf(BPF_PROG_LOAD, {prog_type=0x20 /* BPF_PROG_TYPE_??? */, insn_cnt=3, insns=NULL,"
     ' license="\\1", log_level=24, log_size=0, log_buf=NULL,'
     " kern_version=KERNEL_VERSION(51966, 240, 13), " + TAIL
     + ', extra_data="\\x01\\x00\\x00\\x00" /* bytes 128..131 */}, 132)' + E2BIG_TEXT),
    # unreadable, too large, or a command not decoded yet: the address
    ((PROG_LOAD, A + 4096, 128), b"", E2BIG, "abbrev", False,
     "bpf(BPF_PROG_LOAD, 0x11000, 128)" + E2BIG_TEXT),
    ((PROG_LOAD, A, 4097), PROG, E2BIG, "abbrev", False,
     "bpf(BPF_PROG_LOAD, 0x10000, 4097)" + E2BIG_TEXT),
    ((MAP_CREATE, 0, 256), b"", -errno.EFAULT, "abbrev", False,
     "bpf(BPF_MAP_CREATE, NULL, 256) = -1 EFAULT (Bad address)"),
    ((0xBAD, A, 4), b"", E2BIG, "abbrev", False,
     "bpf(0xbad /* BPF_??? */, 0x10000, 4)" + E2BIG_TEXT),
    # a program made: its descriptor
    ((PROG_LOAD, A, 24), PROG, 3, "abbrev", False,
     "bpf(BPF_PROG_LOAD, {prog_type=0x20 /* BPF_PROG_TYPE_??? */, insn_cnt=3, insns=NULL,"
     ' license="GPL"}, 24) = 3'),
]


@pytest.mark.parametrize("args, data, ret, style, v, text", LINES)
def test_bpf(args, data, ret, style, v, text):
    assert line(args, ret, data, style=style, v=v) == text
