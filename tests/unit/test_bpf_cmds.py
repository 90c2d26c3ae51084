"""bpf's commands as strace 6.1 prints them (the shapes of its tests bpf.c and
bpf-obj_get_info_by_fd.c): the fields the size reaches, the unions by type and flag, the
values the kernel writes back (read again at exit), the eBPF instructions with -v.
Tables, no tracee: the decoder is given the registers and a fake memory (data at A), one
at the entry and another at the exit (what the kernel wrote)."""

from __future__ import annotations

import errno
import struct

import pytest

from fake_memory import A, Memory
from aiotrace._decode import _style

EINVAL = " = -1 EINVAL (Invalid argument)"
(MAP_CREATE, LOOKUP, UPDATE, PIN, TEST_RUN, NEXT_ID, INFO, QUERY, TASK_FD, LOOKUP_BATCH,
 DELETE_BATCH, LINK_CREATE, LINK_UPDATE, PROG_LOAD) = (0, 1, 2, 6, 10, 11, 15, 16, 20, 24,
                                                        27, 28, 29, 5)
STYLES = {"abbrev": _style.ABBREV, "raw": _style.RAW, "verbose": _style.VERBOSE}


def bpf(cmd: int, size: int, data: bytes, ret: int = -errno.EINVAL, *,
        after: bytes | None = None, v: bool = False, style: str = "abbrev",
        fd_path=None, fd_link=None) -> str:
    """The line of bpf(cmd, A, size) with *data* at A at the entry, *after* at the exit."""
    from aiotrace._decode import format_entry, format_exit, format_syscall_line
    args = (cmd, A, size)
    kw = {"abbrev": not v, "xstyle": STYLES[style], "fd_path": fd_path, "fd_link": fd_link}
    entry = format_entry("bpf", args, Memory(data), **kw)
    full, rtext = format_exit("bpf", args, ret, Memory(data if after is None else after),
                              entry_text=entry, **kw)
    return format_syscall_line("bpf", full, rtext, column=0)


MAP = struct.pack("<7I16s5IQ", 2, 4, 8, 16, 0x5, 0xFFFFFFFF, 0xFFFFFFFF, b"map0123456789abc",
                  0, 7, 1, 2, 3, 4)
MAP_HEAD = ("bpf(BPF_MAP_CREATE, {map_type=BPF_MAP_TYPE_ARRAY, key_size=4, value_size=8,"
            " max_entries=16, map_flags=BPF_F_NO_PREALLOC|BPF_F_NUMA_NODE, inner_map_fd=-1,"
            " numa_node=4294967295 /* NUMA_NO_NODE */")


@pytest.mark.parametrize("cmd, size, data, ret, style, text", [
    # every group of fields; a name that fills its array: all but its last byte, "..."
    (MAP_CREATE, 72, MAP, 3, "abbrev", MAP_HEAD + ', map_name="map0123456789ab"...,'
     " map_ifindex=0, btf_fd=7, btf_key_type_id=1, btf_value_type_id=2,"
     " btf_vmlinux_value_type_id=3, map_extra=4}, 72) = 3"),
    # the size given ends in the name
    (MAP_CREATE, 36, MAP, -errno.EINVAL, "abbrev", MAP_HEAD + ', map_name="map0123"...}, 36)'
     + EINVAL),
    # numa_node only with BPF_F_NUMA_NODE; -X raw: the number alone
    (MAP_CREATE, 28, struct.pack("<7I", 0x20, 0, 0, 0, 0x2000, 3, 5), -errno.EINVAL, "abbrev",
     "bpf(BPF_MAP_CREATE, {map_type=0x20 /* BPF_MAP_TYPE_??? */, key_size=0, value_size=0,"
     " max_entries=0, map_flags=0x2000 /* BPF_F_??? */, inner_map_fd=3}, 28)" + EINVAL),
    (MAP_CREATE, 28, MAP[:28], -errno.EINVAL, "raw",
     "bpf(0, {map_type=0x2, key_size=4, value_size=8, max_entries=16, map_flags=0x5,"
     " inner_map_fd=-1, numa_node=4294967295}, 28)" + EINVAL),
    (MAP_CREATE, 28, MAP[:28], -errno.EINVAL, "verbose",
     "bpf(0 /* BPF_MAP_CREATE */, {map_type=0x2 /* BPF_MAP_TYPE_ARRAY */, key_size=4,"
     " value_size=8, max_entries=16, map_flags=0x5 /* BPF_F_NO_PREALLOC|BPF_F_NUMA_NODE */,"
     " inner_map_fd=-1, numa_node=4294967295 /* NUMA_NO_NODE */}, 28)" + EINVAL),
    # the flags, by lookup's and update's tables; a size without them
    (LOOKUP, 32, struct.pack("<IIQQQ", 5, 0, 0x1000, 0, 4), -errno.EINVAL, "abbrev",
     "bpf(BPF_MAP_LOOKUP_ELEM, {map_fd=5, key=0x1000, value=NULL, flags=BPF_F_LOCK}, 32)"
     + EINVAL),
    (LOOKUP, 24, struct.pack("<IIQQQ", 5, 0, 0x1000, 0, 4), -errno.EINVAL, "abbrev",
     "bpf(BPF_MAP_LOOKUP_ELEM, {map_fd=5, key=0x1000, value=NULL}, 24)" + EINVAL),
    (UPDATE, 32, struct.pack("<IIQQQ", 5, 0, 0, 0, 2), -errno.EINVAL, "abbrev",
     "bpf(BPF_MAP_UPDATE_ELEM, {map_fd=5, key=NULL, value=NULL, flags=BPF_EXIST}, 32)"
     + EINVAL),
    # a path, then the file's flags
    (PIN, 16, struct.pack("<QII", A + 16, 4, 0x18) + b"/sys/fs/bpf/m\0", -errno.EINVAL,
     "abbrev", 'bpf(BPF_OBJ_PIN, {pathname="/sys/fs/bpf/m", bpf_fd=4,'
     " file_flags=BPF_F_RDONLY|BPF_F_WRONLY}, 16)" + EINVAL),
    # the fields in a structure of their own; the bytes past it
    (TEST_RUN, 80, struct.pack("<4I2Q4I2Q3I", 3, 0, 1, 2, 0, 0, 9, 0, 0, 0, 0, 0, 1, 5, 6) + b"\0\0\0\1", -errno.EINVAL, "abbrev",
     "bpf(BPF_PROG_TEST_RUN, {test={prog_fd=3, retval=0, data_size_in=1, data_size_out=2,"
     " data_in=NULL, data_out=NULL, repeat=9, duration=0, ctx_size_in=0, ctx_size_out=0,"
     " ctx_in=NULL, ctx_out=NULL, flags=BPF_F_TEST_RUN_ON_CPU, cpu=5, batch_size=6},"
     " ...}, 80)" + EINVAL),
    # link_create: what follows the flags by attach_type, and the size that follows
    (LINK_CREATE, 24, struct.pack("<4IIxxxx", 3, 4, 0, 0, 77), -errno.EINVAL, "abbrev",
     "bpf(BPF_LINK_CREATE, {link_create={prog_fd=3, target_fd=4,"
     " attach_type=BPF_CGROUP_INET_INGRESS, flags=0, target_btf_id=77}}, 24)" + EINVAL),
    (LINK_CREATE, 24, struct.pack("<4IQ", 3, 4, 41, 0, 0xC0FFEE), -errno.EINVAL, "abbrev",
     "bpf(BPF_LINK_CREATE, {link_create={prog_fd=3, target_fd=4, attach_type=BPF_PERF_EVENT,"
     " flags=0, perf_event={bpf_cookie=0xc0ffee}}}, 24)" + EINVAL),
    (LINK_CREATE, 48, struct.pack("<4I2I3Q", 3, 4, 42, 0, 1, 2, 0, A + 48, 0)
     + struct.pack("<2Q", 0xA, 0xB), -errno.EINVAL, "abbrev",
     "bpf(BPF_LINK_CREATE, {link_create={prog_fd=3, target_fd=4,"
     " attach_type=BPF_TRACE_KPROBE_MULTI, flags=0, kprobe_multi={"
     "flags=BPF_F_KPROBE_MULTI_RETURN, cnt=2, syms=NULL, addrs=[0xa, 0xb], cookies=NULL}}},"
     " 48)" + EINVAL),
    (LINK_CREATE, 24, struct.pack("<4IQ", 3, 4, 1, 4, 1), -errno.EINVAL, "abbrev",
     "bpf(BPF_LINK_CREATE, {link_create={prog_fd=3, target_fd=4,"
     " attach_type=BPF_CGROUP_INET_EGRESS, flags=0x4}, ...}, 24)" + EINVAL),
    # old_prog_fd only with BPF_F_REPLACE
    (LINK_UPDATE, 16, struct.pack("<4I", 1, 2, 4, 3), -errno.EINVAL, "abbrev",
     "bpf(BPF_LINK_UPDATE, {link_update={link_fd=1, new_prog_fd=2, flags=BPF_F_REPLACE,"
     " old_prog_fd=3}}, 16)" + EINVAL),
    (LINK_UPDATE, 16, struct.pack("<4I", 1, 2, 1, 3), -errno.EINVAL, "abbrev",
     "bpf(BPF_LINK_UPDATE, {link_update={link_fd=1, new_prog_fd=2,"
     " flags=BPF_F_ALLOW_OVERRIDE}}, 16)" + EINVAL),
])
def test_entry_commands(cmd, size, data, ret, style, text):
    assert bpf(cmd, size, data, ret, style=style) == text


def test_program_instructions():
    """-v: the instructions of a program; without it, their address."""
    prog = struct.pack("<IIQQ", 1, 3, A + 32, 0) + b"\0" * 8
    insns = (struct.pack("<BBhi", 0xB7, 0x01, 0, 0) + struct.pack("<BBhi", 0x63, 0x1A, -4, 0)
             + struct.pack("<BBhi", 0x95, 0, 0, 0))
    assert bpf(PROG_LOAD, 24, prog + insns, v=True) == (
        "bpf(BPF_PROG_LOAD, {prog_type=BPF_PROG_TYPE_SOCKET_FILTER, insn_cnt=3, insns=["
        "{code=BPF_ALU64|BPF_K|BPF_MOV, dst_reg=BPF_REG_1, src_reg=BPF_REG_0, off=0, imm=0},"
        " {code=BPF_STX|BPF_W|BPF_MEM, dst_reg=BPF_REG_10, src_reg=BPF_REG_1, off=-4, imm=0},"
        " {code=BPF_JMP|BPF_K|BPF_EXIT, dst_reg=BPF_REG_0, src_reg=BPF_REG_0, off=0, imm=0}],"
        " license=NULL}, 24)" + EINVAL)
    assert bpf(PROG_LOAD, 24, prog + insns).startswith(
        "bpf(BPF_PROG_LOAD, {prog_type=BPF_PROG_TYPE_SOCKET_FILTER, insn_cnt=3,"
        " insns=0x10020, license=NULL}")


# -- the commands read again at exit -----------------------------------------------------

def test_next_id():
    """next_id as given, then what the kernel wrote; open_flags from the third word."""
    before = struct.pack("<III", 5, 0, 0)
    assert bpf(NEXT_ID, 12, before, 0, after=struct.pack("<III", 5, 7, 0)) == (
        "bpf(BPF_PROG_GET_NEXT_ID, {start_id=5, next_id=0 => 7, open_flags=0}, 12) = 0")
    assert bpf(NEXT_ID, 8, before, -errno.ENOENT) == (
        "bpf(BPF_PROG_GET_NEXT_ID, {start_id=5, next_id=0}, 8)"
        " = -1 ENOENT (No such file or directory)")


def test_batch():
    """The count the kernel wrote, when it changed, after the structure."""
    data = struct.pack("<4QIIQQ", 0, 0, A, 0, 3, 4, 0, 0)
    after = struct.pack("<4QIIQQ", 0, 0, A, 0, 2, 4, 0, 0)
    assert bpf(DELETE_BATCH, 56, data, 0, after=after) == (
        "bpf(BPF_MAP_DELETE_BATCH, {batch={keys=0x10000, count=3, map_fd=4,"
        " elem_flags=BPF_ANY, flags=0}} => {batch={count=2}}, 56) = 0")
    assert bpf(LOOKUP_BATCH, 56, data, -errno.EINVAL) == (
        "bpf(BPF_MAP_LOOKUP_BATCH, {batch={in_batch=NULL, out_batch=NULL, keys=0x10000,"
        " values=NULL, count=3, map_fd=4, elem_flags=BPF_ANY, flags=0}}, 56)" + EINVAL)


def test_prog_query():
    """The ids the kernel wrote (their address when the call failed), the count given
    and the one written."""
    data = struct.pack("<4IQI", 3, 1, 1, 2, A + 32, 4) + b"\0" * 4
    after = (struct.pack("<4IQI", 3, 1, 1, 2, A + 32, 2) + b"\0" * 4
             + struct.pack("<2I", 10, 11))
    assert bpf(QUERY, 28, data, 0, after=after) == (
        "bpf(BPF_PROG_QUERY, {query={target_fd=3, attach_type=BPF_CGROUP_INET_EGRESS,"
        " query_flags=BPF_F_QUERY_EFFECTIVE, attach_flags=BPF_F_ALLOW_MULTI,"
        " prog_ids=[10, 11], prog_cnt=4 => 2}}, 28) = 0")
    assert bpf(QUERY, 28, data, -errno.EINVAL) == (
        "bpf(BPF_PROG_QUERY, {query={target_fd=3, attach_type=BPF_CGROUP_INET_EGRESS,"
        " query_flags=BPF_F_QUERY_EFFECTIVE, attach_flags=BPF_F_ALLOW_MULTI,"
        " prog_ids=0x10020, prog_cnt=4}}, 28)" + EINVAL)


def test_task_fd_query():
    data = struct.pack("<4IQ2I2Q", 1, 3, 0, 16, A + 48, 0, 0, 0, 0) + b"tp_name\0"
    after = struct.pack("<4IQ2I2Q", 1, 3, 0, 8, A + 48, 9, 1, 0x10, 0x20) + b"tp_name\0"
    assert bpf(TASK_FD, 48, data, 0, after=after) == (
        "bpf(BPF_TASK_FD_QUERY, {task_fd_query={pid=1, fd=3, flags=0, buf_len=16 => 8,"
        ' buf="tp_name", prog_id=9, fd_type=BPF_FD_TYPE_TRACEPOINT, probe_offset=0x10,'
        " probe_addr=0x20}}, 48) = 0")


@pytest.mark.parametrize("buf, buf_len, ret, shown", [
    # strace 6.1 prints the buffer whether the call failed or not, "" for a length of 0
    (A + 48, 16, -524, '"tp_name"'),   # (ENOTSUPP)
    (A + 48, 16, -errno.EBADF, '"tp_name"'),
    (A + 48, 0, -errno.EBADF, '""'),
    (A + 48, 0, 0, '""'),
    (8, 0, -errno.EBADF, '""'),
    (8, 2, -errno.EBADF, "0x8"),
    (0, 4, -errno.EBADF, "NULL"),
])
def test_task_fd_query_buffer_as_strace(buf, buf_len, ret, shown):
    data = struct.pack("<4IQ2I2Q", 1, 3, 0, buf_len, buf, 0, 0, 0, 0) + b"tp_name\0"
    text = bpf(TASK_FD, 48, data, ret)
    assert ", buf=%s, prog_id=0," % shown in text, text


# -- BPF_OBJ_GET_INFO_BY_FD --------------------------------------------------------------

MAP_INFO = struct.pack("<6I16sIIQQ3I", 2, 9, 4, 8, 1, 0, b"m\0" + b"\0" * 14, 0, 0, 0, 0,
                       0, 0, 0) + b"\0" * 12


def info_line(fd_kind: str, info: bytes, given: int, written: int, *, v: bool = True,
              saved: bytes = b"", ret: int = 0) -> str:
    data = struct.pack("<IIQ", 4, given, A + 16)
    return bpf(INFO, 16, data + (saved or info), ret, v=v,
               after=struct.pack("<IIQ", 4, written, A + 16) + info,
               fd_path=lambda fd: fd_kind)


def test_map_info_with_v_alone():
    # -v without -y: strace 6.1 still asks what the descriptor is, and prints the info
    data = struct.pack("<IIQ", 4, 88, A + 16)
    text = bpf(INFO, 16, data + MAP_INFO, 0, v=True,
               after=struct.pack("<IIQ", 4, 88, A + 16) + MAP_INFO,
               fd_link=lambda fd: "anon_inode:bpf-map" if fd == 4 else None)
    assert text.startswith("bpf(BPF_OBJ_GET_INFO_BY_FD, {info={bpf_fd=4, info_len=88,"
                           " info={type=BPF_MAP_TYPE_ARRAY, id=9, key_size=4,"), text
    assert bpf(INFO, 16, data + MAP_INFO, 0, v=True,
               after=struct.pack("<IIQ", 4, 88, A + 16) + MAP_INFO,
               fd_link=lambda fd: "/dev/null").endswith(
        "{info={bpf_fd=4, info_len=88, info=%#x}}, 16) = 0" % (A + 16))


def test_map_info():
    assert info_line("anon_inode:bpf-map", MAP_INFO, 100, 88) == (
        "bpf(BPF_OBJ_GET_INFO_BY_FD, {info={bpf_fd=4<anon_inode:bpf-map>, info_len=100 => 88,"
        " info={type=BPF_MAP_TYPE_ARRAY, id=9, key_size=4, value_size=8, max_entries=1,"
        ' map_flags=0, name="m", ifindex=0, btf_vmlinux_value_type_id=0,'
        " netns_dev=makedev(0, 0), netns_ino=0, btf_id=0, btf_key_type_id=0,"
        " btf_value_type_id=0}}}, 16) = 0")
    # shorter: the groups of fields it reaches
    assert info_line("anon_inode:bpf-map", MAP_INFO[:30], 30, 30).endswith(
        ' info={type=BPF_MAP_TYPE_ARRAY, id=9, key_size=4, value_size=8, max_entries=1,'
        ' map_flags=0, name="m"}}}, 16) = 0')
    # without -v, or of another descriptor: the address
    assert info_line("anon_inode:bpf-map", MAP_INFO, 88, 88, v=False) == (
        "bpf(BPF_OBJ_GET_INFO_BY_FD, {info={bpf_fd=4<anon_inode:bpf-map>, info_len=88,"
        " info=0x10010}}, 16) = 0")
    assert info_line("/dev/null", MAP_INFO, 88, 88).endswith("info=0x10010}}, 16) = 0")


def test_prog_info():
    """The counts given beside the ones the kernel wrote; the arrays by the smaller."""
    info = bytearray(232)
    struct.pack_into("<II8sII", info, 0, 1, 3, b"\xfe\x7d" + b"\0" * 6, 0, 16)
    struct.pack_into("<QQQII", info, 24, 0, A + 16 + 232, 0, 0, 1)
    struct.pack_into("<Q16s", info, 56, A + 16 + 232 + 16, b"p\0")
    info = bytes(info)
    saved = bytearray(info)
    struct.pack_into("<II", saved, 16, 0, 8)
    insn = struct.pack("<BBhi", 0x95, 0, 0, 0)
    text = info_line("anon_inode:bpf-prog", info + insn * 2 + struct.pack("<I", 42), 232, 232,
                     saved=bytes(saved))
    assert text.startswith(
        "bpf(BPF_OBJ_GET_INFO_BY_FD, {info={bpf_fd=4<anon_inode:bpf-prog>, info_len=232,"
        ' info={type=BPF_PROG_TYPE_SOCKET_FILTER, id=3, tag="\\xfe\\x7d\\x00\\x00\\x00\\x00'
        '\\x00\\x00", jited_prog_len=0, jited_prog_insns=NULL, xlated_prog_len=8 => 16,'
        " xlated_prog_insns=[{code=BPF_JMP|BPF_K|BPF_EXIT, dst_reg=BPF_REG_0,"
        " src_reg=BPF_REG_0, off=0, imm=0}], load_time=0")
    assert (", created_by_uid=0, nr_map_ids=1, map_ids=[42], name=\"p\", ifindex=0,"
            " gpl_compatible=0, netns_dev=makedev(0, 0), netns_ino=0, nr_jited_ksyms=0,"
            " nr_jited_func_lens=0, jited_ksyms=NULL, jited_func_lens=NULL, btf_id=0,") in text
    assert text.endswith(", run_time_ns=0, run_cnt=0, recursion_misses=0,"
                         " verified_insns=0}}}, 16) = 0")


class _Counted(Memory):
    """Memory that counts the reads made of it."""

    reads = 0

    def read(self, addr: int, n: int) -> bytes:
        self.reads += 1
        return super().read(addr, n)


def test_verbose_array_of_the_callers_count_read_in_chunks():
    # -v prints a kprobe_multi's addrs up to the first unreadable byte, whatever cnt
    # says: 20000 readable elements took 20000 reads (a mapping of 1 GiB: hours)
    from aiotrace._decode import format_entry
    n = 20000
    data = struct.pack("<4I2I3Q", 3, 4, 42, 0, 0, 0xFFFFFFFF, 0, A + 48, 0) + bytes(
        range(256)) * (n * 8 // 256)
    mem = _Counted(data)
    text = format_entry("bpf", (LINK_CREATE, A, 48), mem, abbrev=False)
    addrs = text.split("addrs=[", 1)[1].split("]", 1)[0].split(", ")
    assert len(addrs) == n + 1 and addrs[-1] == "... /* %#x */" % (A + 48 + n * 8)
    assert addrs[:2] == ["0x706050403020100", "0xf0e0d0c0b0a0908"]
    assert addrs[n - 1] == hex(struct.unpack_from("<Q", data, 48 + (n - 1) * 8)[0])
    assert mem.reads < 200
