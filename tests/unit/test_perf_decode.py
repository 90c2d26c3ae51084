"""perf_event_open's arguments as strace 6.1 prints them (its tests
perf_event_open_nonverbose.c, perf_event_open.c, ioctl_perf.c), in each -X style: the
struct perf_event_attr by its size, type and flags. Tables, no tracee."""

from __future__ import annotations

import errno
import struct

import pytest

from fake_memory import A, M32, Memory, call_line, ioctl_line
from aiotrace._decode import _style

M64 = (1 << 64) - 1
STYLES = {"abbrev": _style.ABBREV, "raw": _style.RAW, "verbose": _style.VERBOSE}


def line(args: tuple[int, ...], ret: int, style: str = "abbrev") -> str:
    return call_line("perf_event_open", args, ret, xstyle=STYLES[style])


@pytest.mark.parametrize("args, ret, style, text", [
    ((0, M64 - 4, 0xDEAD00000000 | 0xFFFFFFFE, M64, M64), -errno.EINVAL, "abbrev",
     "perf_event_open(NULL, -5, -2, -1, PERF_FLAG_FD_NO_GROUP"
     "|PERF_FLAG_FD_OUTPUT|PERF_FLAG_PID_CGROUP|PERF_FLAG_FD_CLOEXEC|0xfffffffffffffff0)"
     " = -1 EINVAL (Invalid argument)"),
    ((0x1000, 0, 0, 0, 0), 3, "abbrev", "perf_event_open(0x1000, 0, 0, 0, 0) = 3"),
    ((0x1000, 0, 0, 0, 0x20), -errno.EINVAL, "abbrev",
     "perf_event_open(0x1000, 0, 0, 0, 0x20 /* PERF_FLAG_??? */)"
     " = -1 EINVAL (Invalid argument)"),
    ((0x1000, 0, 0, 0, 8), -errno.EINVAL, "verbose",
     "perf_event_open(0x1000, 0, 0, 0, 0x8 /* PERF_FLAG_FD_CLOEXEC */)"
     " = -1 EINVAL (Invalid argument)"),
    ((0x1000, 0, 0, 0, 8), -errno.EINVAL, "raw",
     "perf_event_open(0x1000, 0, 0, 0, 0x8) = -1 EINVAL (Invalid argument)"),
])
def test_perf_event_open(args, ret, style, text):
    assert line(args, ret, style) == text


# -- struct perf_event_attr (its test perf_event_open.c, ioctl_perf.c) ------------------

def attr(kind: int, size: int, config: int = 0, sample: int = 0, sample_type: int = 0,
         read_format: int = 0, bits: int = 0, tail: bytes = b"") -> bytes:
    """A struct perf_event_attr: its first 48 bytes, then *tail* (wakeup_events on)."""
    return struct.pack("<IIQQQQQ", kind, size, config, sample, sample_type, read_format,
                       bits) + tail


# wakeup_events, bp_type, config1, config2, branch_sample_type, sample_regs_user,
# sample_stack_user, clockid, sample_regs_intr, aux_watermark, sample_max_stack,
# __reserved_2, aux_sample_size, __reserved_3, sig_data
TAIL = struct.pack("<IIQQQQIIQIHHIIQ", 7, 3, 0xC1, 0xC2, 0x801, 0xF0, 0x1000, 11, 0xF1, 9, 8,
                   0xEF, 5, 0, 0xABC)
SIZE5 = ("size=PERF_ATTR_SIZE_VER5, config=0xcafe<<32|PERF_COUNT_HW_REF_CPU_CYCLES,"
         " sample_freq=100, sample_type=PERF_SAMPLE_BRANCH_STACK|PERF_SAMPLE_STACK_USER,"
         " read_format=0x40 /* PERF_FORMAT_??? */, disabled=1")
BITS_V = (", inherit=0, pinned=0, exclusive=0, exclude_user=0, exclude_kernel=0,"
          " exclude_hv=0, exclude_idle=0, mmap=0, comm=0, freq=1, inherit_stat=0,"
          " enable_on_exec=0, task=0, watermark=0, precise_ip=2 /* requested to have 0"
          " skid */, mmap_data=0, sample_id_all=0, exclude_host=0, exclude_guest=0,"
          " exclude_callchain_kernel=0, exclude_callchain_user=0, mmap2=0, comm_exec=0,"
          " use_clockid=1, context_switch=0, write_backward=0, namespaces=0, ksymbol=0,"
          " bpf_event=0, aux_output=0, cgroup=0, text_poke=0, build_id=0, inherit_thread=0,"
          " remove_on_exec=0, sigtrap=1, __reserved_1=0x5 /* Bits 63..38 */")
HW5 = attr(0, 112, 0xCAFE00000009, 100, 0x2800, 0x40,
           1 | 1 << 10 | 2 << 15 | 1 << 25 | 1 << 37 | 5 << 38, TAIL)
EINVAL_TEXT = " = -1 EINVAL (Invalid argument)"
ARGS = ", 0, -1, -1, 0)" + EINVAL_TEXT


def attr_line(data: bytes, *, v: bool = False, ret: int = -errno.EINVAL,
              after: bytes | None = None, style: str = "abbrev") -> str:
    """perf_event_open of *data* at A; *after*: the memory at the exit (the kernel wrote
    its size in it)."""
    from aiotrace._decode import format_entry, format_exit, format_syscall_line
    args = (A, 0, M64, M64, 0)
    kw = {"abbrev": not v, "xstyle": STYLES[style]}
    entry = format_entry("perf_event_open", args, Memory(data), **kw)
    full, rtext = format_exit("perf_event_open", args, ret, Memory(data if after is None else after),
                              entry_text=entry, **kw)
    return format_syscall_line("perf_event_open", full, rtext, column=0)


@pytest.mark.parametrize("data, v, text", [
    # without -v: the flags set, then "..." (the rest not read)
    (HW5, False, "perf_event_open({type=PERF_TYPE_HARDWARE, " + SIZE5 + ", freq=1,"
     " precise_ip=2 /* requested to have 0 skid */, use_clockid=1, sigtrap=1,"
     " __reserved_1=0x5 /* Bits 63..38 */, ...}" + ARGS),
    # -v: every field the size reaches, the unions by type and flags, the reserved bytes
    (HW5, True, "perf_event_open({type=PERF_TYPE_HARDWARE, " + SIZE5 + BITS_V +
     ", wakeup_events=7, config1=0xc1, config2=0xc2, branch_sample_type="
     "PERF_SAMPLE_BRANCH_USER|PERF_SAMPLE_BRANCH_CALL_STACK, sample_regs_user=0xf0,"
     " sample_stack_user=0x1000, clockid=CLOCK_TAI, sample_regs_intr=0xf1,"
     " aux_watermark=9, sample_max_stack=8 /* bytes 110..111: 0xef */}" + ARGS),
    # a size past the structure known: 128 bytes read, "..."
    (attr(0, 200, 1, tail=TAIL) + b"\xff" * 72, True, "perf_event_open({type="
     "PERF_TYPE_HARDWARE, size=0xc8 /* PERF_ATTR_SIZE_??? */,"
     " config=PERF_COUNT_HW_INSTRUCTIONS" + ", sample_period=0, sample_type=0,"
     " read_format=0, disabled=0" + BITS_V.replace("freq=1", "freq=0").replace(
         "precise_ip=2 /* requested to have 0 skid */", "precise_ip=0 /* arbitrary skid */")
     .replace("use_clockid=1", "use_clockid=0").replace("sigtrap=1", "sigtrap=0")
     .replace(", __reserved_1=0x5 /* Bits 63..38 */", "") + ", wakeup_events=7,"
     " config1=0xc1, config2=0xc2, sample_regs_user=0xf0, sample_regs_intr=0xf1,"
     " aux_watermark=9, sample_max_stack=8 /* bytes 110..111: 0xef */,"
     " aux_sample_size=5, sig_data=0xabc, ...}" + ARGS),
    # size 0: the first version (64 bytes) read
    (attr(1, 0, 12, tail=TAIL), False, "perf_event_open({type=PERF_TYPE_SOFTWARE,"
     " size=0 /* PERF_ATTR_SIZE_??? */, config=0xc /* PERF_COUNT_SW_??? */,"
     " sample_period=0, sample_type=0, read_format=0, precise_ip=0 /* arbitrary skid */,"
     " ...}" + ARGS),
    # a breakpoint: bp_type, bp_addr, bp_len; the first version ends at config2
    (attr(5, 72, 0, tail=TAIL) + b"\xff" * 8, True, "perf_event_open({type="
     "PERF_TYPE_BREAKPOINT, size=PERF_ATTR_SIZE_VER1, config=0, sample_period=0,"
     " sample_type=0, read_format=0, disabled=0" + BITS_V.replace("freq=1", "freq=0")
     .replace("precise_ip=2 /* requested to have 0 skid */", "precise_ip=0 /* arbitrary"
              " skid */").replace("use_clockid=1", "use_clockid=0").replace(
         "sigtrap=1", "sigtrap=0").replace(", __reserved_1=0x5 /* Bits 63..38 */", "")
     + ", wakeup_events=7, bp_type=HW_BREAKPOINT_RW, bp_addr=0xc1, bp_len=194}" + ARGS),
    # a cache event: result, operation, cache, and the bits past them
    (attr(3, 64, 0xAB01FF0203), False, "perf_event_open({type=PERF_TYPE_HW_CACHE,"
     " size=PERF_ATTR_SIZE_VER0, config=0xab<<32|0x1<<24|0xff /*"
     " PERF_COUNT_HW_CACHE_RESULT_??? */<<16|PERF_COUNT_HW_CACHE_OP_PREFETCH<<8"
     "|PERF_COUNT_HW_CACHE_DTLB, sample_period=0, sample_type=0, read_format=0,"
     " precise_ip=0 /* arbitrary skid */, ...}" + ARGS),
    # smaller than the first version (the kernel refuses it), unreadable: the address
    (attr(0, 63), True, "perf_event_open(0x10000" + ARGS),
    (b"\0" * 4, True, "perf_event_open(0x10000" + ARGS),
    (attr(0, 64)[:60], True, "perf_event_open(0x10000" + ARGS),
])
def test_perf_event_attr(data, v, text):
    assert attr_line(data, v=v) == text


def test_perf_event_attr_e2big():
    """E2BIG: the size the kernel wrote back, after the one given."""
    data = attr(2, 0x88, 42, tail=TAIL)
    after = attr(2, 128, 42, tail=TAIL)
    assert attr_line(data, ret=-errno.E2BIG, after=after) == (
        "perf_event_open({type=PERF_TYPE_TRACEPOINT, size=0x88 /* PERF_ATTR_SIZE_??? */"
        " => PERF_ATTR_SIZE_VER7, config=42, sample_period=0, sample_type=0,"
        " read_format=0, precise_ip=0 /* arbitrary skid */, ...}, 0, -1, -1, 0)"
        " = -1 E2BIG (Argument list too long)")
    assert attr_line(data, ret=-errno.E2BIG, after=b"") .startswith(
        "perf_event_open({type=PERF_TYPE_TRACEPOINT, size=0x88 /* PERF_ATTR_SIZE_??? */"
        " => ???, config=42,")


def test_perf_event_attr_styles():
    data = attr(4, 64, 0x1234)
    assert attr_line(data, style="raw") == (
        "perf_event_open({type=0x4, size=0x40, config=0x1234, sample_period=0,"
        " sample_type=0, read_format=0, precise_ip=0 /* arbitrary skid */, ...}" + ARGS)
    assert attr_line(data, style="verbose").startswith(
        "perf_event_open({type=0x4 /* PERF_TYPE_RAW */, size=0x40 /* PERF_ATTR_SIZE_VER0 */,"
        " config=0x1234,")


def test_ioctl_modify_attributes():
    req = 0x4008240B
    assert ioctl_line((M32, req, 0), -errno.EBADF) == (
        "ioctl(-1, PERF_EVENT_IOC_MODIFY_ATTRIBUTES, NULL) = -1 EBADF (Bad file descriptor)")
    assert ioctl_line((M32, req, A), -errno.EBADF, attr(1, 64, 9, bits=1)) == (
        "ioctl(-1, PERF_EVENT_IOC_MODIFY_ATTRIBUTES, {type=PERF_TYPE_SOFTWARE,"
        " size=PERF_ATTR_SIZE_VER0, config=PERF_COUNT_SW_DUMMY, sample_period=0,"
        " sample_type=0, read_format=0, disabled=1, precise_ip=0 /* arbitrary skid */,"
        " ...}) = -1 EBADF (Bad file descriptor)")
