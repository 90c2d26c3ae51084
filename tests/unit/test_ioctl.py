# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl requests and arguments as strace 6.1 prints them, as tables (no tracee): the
names of the request numbers, the numbers that carry a parameter, ``_IOC(...)``, the
``-X`` styles, and the argument decoders of the families (fs 'X', counter, HDIO).
The expected texts are strace 6.1's, for the same registers and memory (its test
suite's expectations: tests/ioctl_*.c)."""

from __future__ import annotations

import errno
import struct

import pytest

from fake_memory import A, Memory
from aiotrace._decode import _style, format_entry, format_exit
from aiotrace._decode._ioctl import request
from aiotrace._decode._xlat_ioctl_names import code, request_names

STYLE = {"abbrev": _style.ABBREV, "raw": _style.RAW, "verbose": _style.VERBOSE}
EBADF = -errno.EBADF


def ioctl(args, ret=0, data=b"", **kw):
    """The text between the parentheses of ``ioctl(...)``."""
    mem = Memory(data)
    entry = format_entry("ioctl", args, mem, **kw)
    return format_exit("ioctl", args, ret, mem, entry_text=entry, **kw)[0]


# -- request numbers ------------------------------------------------------------

@pytest.mark.parametrize("number, text", [
    (0x5401, "TCGETS"),
    (0x5402, "SNDCTL_TMR_START or TCSETS"),       # two names of one number, by name
    (0xC0045877, "FIFREEZE"),
    (0x40063E00, "COUNTER_ADD_WATCH_IOCTL"),
    (0x80044501, "EVIOCGVERSION"),
    (0x8100127D, "BLKZNAME"),   # (ZFS's; its number written "(0x12 << 8) | 125")
    # a parameter in the number: a size, an event type, an axis, a mixer channel
    (0x80FF4506, "EVIOCGNAME(255)"),
    (0x80604521, "EVIOCGBIT(EV_KEY, 96)"),
    (0x80044520, "EVIOCGBIT(0, 4)"),
    (0x8004453E, "EVIOCGBIT(0x1e /* EV_??? */, 4)"),
    (0x80184541, "EVIOCGABS(ABS_Y)"),
    (0x401845C0, "EVIOCSABS(ABS_X)"),
    (0x80044D02, "MIXER_READ(2) or MCE_GET_LOG_LEN"),   # then the names of the number
    (0x40044D05, "MIXER_WRITE(5)"),
    (0x40106B00, "SPI_IOC_MESSAGE(16)"),
    (0x80082102, "SECCOMP_IOCTL_NOTIF_ID_VALID_WRONG_DIR"),
    # no name: its fields, 0 as 0
    (0x4B00, "_IOC(_IOC_NONE, 0x4b, 0, 0)"),
    (0x1234ABCD, "_IOC(_IOC_NONE, 0xab, 0xcd, 0x1234)"),
    (0xC008ABFF, "_IOC(_IOC_READ|_IOC_WRITE, 0xab, 0xff, 0x8)"),
])
def test_request_names(number, text):
    assert request(number) == text


@pytest.mark.parametrize("style, text", [
    ("abbrev", "EVIOCGBIT(EV_KEY, 96)"),
    ("raw", "0x80604521"),
    # the parameter's name in abbrev style inside the comment
    ("verbose", "0x80604521 /* EVIOCGBIT(EV_KEY, 96) */"),
])
def test_request_in_each_style(style, text):
    with _style.using(STYLE[style]):
        assert request(0x80604521) == text


def test_unknown_request_verbose():
    with _style.using(_style.VERBOSE):
        assert request(0x4B00) == "0x4b00 /* _IOC(_IOC_NONE, 0x4b, 0, 0) */"


def test_names_table_is_sorted_like_strace():
    """Every number's names are in strace's order (by name), each name once."""
    for number, names in request_names().items():
        parts = names.split(" or ")
        assert parts == sorted(parts), hex(number)
        assert all(code(p) == number for p in parts)


# -- arguments ------------------------------------------------------------------

FSX = struct.pack("<5I8x", 0x80000009, 1, 2, 0xABCD, 3)

CASES = [
    # no argument at all
    ((-1 & (1 << 64) - 1, code("FIFREEZE"), 0), EBADF, b"", "-1, FIFREEZE"),
    ((3, code("COUNTER_ENABLE_EVENTS_IOCTL"), 0x42), 0, b"", "3, COUNTER_ENABLE_EVENTS_IOCTL"),
    # structures read at entry; NULL; an address that cannot be read
    ((3, code("FITRIM"), A), 0, struct.pack("<3Q", 0xDEADBEEF, 2, 3),
     "3, FITRIM, {start=0xdeadbeef, len=2, minlen=3}"),
    ((3, code("FITRIM"), 0), 0, b"", "3, FITRIM, NULL"),
    ((3, code("FITRIM"), A + 1), 0, bytes(24), "3, FITRIM, 0x10001"),
    ((3, code("FS_IOC_FSSETXATTR"), A), 0, FSX,
     "3, FS_IOC_FSSETXATTR, {fsx_xflags=FS_XFLAG_REALTIME|FS_XFLAG_IMMUTABLE|FS_XFLAG_HASATTR,"
     " fsx_extsize=1, fsx_projid=0xabcd, fsx_cowextsize=3}"),
    # read at exit: the address when the call failed
    ((3, code("FS_IOC_FSGETXATTR"), A), 0, FSX,
     "3, FS_IOC_FSGETXATTR, {fsx_xflags=FS_XFLAG_REALTIME|FS_XFLAG_IMMUTABLE|FS_XFLAG_HASATTR,"
     " fsx_extsize=1, fsx_nextents=2, fsx_projid=0xabcd, fsx_cowextsize=3}"),
    ((3, code("FS_IOC_FSGETXATTR"), A), EBADF, FSX, "3, FS_IOC_FSGETXATTR, 0x10000"),
    ((3, code("COUNTER_ADD_WATCH_IOCTL"), A), 0, bytes([5, 2, 23, 42, 6, 69]),
     "3, COUNTER_ADD_WATCH_IOCTL, {component={type=COUNTER_COMPONENT_EXTENSION,"
     " scope=COUNTER_SCOPE_COUNT, parent=23, id=42}, event=COUNTER_EVENT_CAPTURE, channel=69}"),
    ((3, code("COUNTER_ADD_WATCH_IOCTL"), A), 0, bytes([9, 3, 0, 0, 7, 0]),
     "3, COUNTER_ADD_WATCH_IOCTL, {component={type=0x9 /* COUNTER_COMPONENT_??? */,"
     " scope=0x3 /* COUNTER_SCOPE_??? */, parent=0, id=0},"
     " event=0x7 /* COUNTER_EVENT_??? */, channel=0}"),
    # HDIO: values, pointers to values, arrays, the drive command in and out
    ((3, code("HDIO_SET_DMA"), 0xFACEFEEDDEADBEEF), 0, b"",
     "3, HDIO_SET_DMA, %d" % 0xFACEFEEDDEADBEEF),
    ((3, code("HDIO_SET_BUSSTATE"), 2), 0, b"", "3, HDIO_SET_BUSSTATE, BUSSTATE_TRISTATE"),
    ((3, code("HDIO_SET_NICE"), 0xFACEFEEDDED2FFFF), 0, b"",
     "3, HDIO_SET_NICE, 1 << IDE_NICE_DSC_OVERLAP|1 << IDE_NICE_ATAPI_OVERLAP|1 << IDE_NICE_1"
     "|1 << IDE_NICE_0|1 << IDE_NICE_2|0xfacefeedded2ffe0"),
    ((3, code("HDIO_GET_32BIT"), A), 0, struct.pack("<Q", 0xFACEFEEDDEADBEEF),
     "3, HDIO_GET_32BIT, [%d]" % 0xFACEFEEDDEADBEEF),
    ((3, code("HDIO_GET_BUSSTATE"), A), 0, struct.pack("<Q", 7),
     "3, HDIO_GET_BUSSTATE, [0x7 /* BUSSTATE_??? */]"),
    ((3, code("HDIO_GET_32BIT"), A), EBADF, bytes(8), "3, HDIO_GET_32BIT, 0x10000"),
    ((3, code("HDIO_DRIVE_RESET"), A), 0, struct.pack("<3I", 0xDEADBEEF, 0, 0xBEEFBEEF),
     "3, HDIO_DRIVE_RESET, [0xdeadbeef, 0, 0xbeefbeef]"),
    ((3, code("HDIO_GETGEO"), A), 0, struct.pack("<BBH4xQ", 0xCA, 0xFE, 0xBABE, 1 << 63),
     "3, HDIO_GETGEO, {heads=202, sectors=254, cylinders=47806, start=9223372036854775808}"),
    ((3, code("HDIO_DRIVE_CMD"), A), 0, bytes([0xCA, 0xFF, 0xEE, 0]),
     "3, HDIO_DRIVE_CMD, {command=ATA_CMD_WRITE, sector_number=255, feature=238,"
     " sector_count=0} => {status=0xca, error=255, nsector=238}"),
    ((3, code("HDIO_DRIVE_CMD"), A), EBADF, bytes([0xCA, 0xFF, 0xEE, 0]),
     "3, HDIO_DRIVE_CMD, {command=ATA_CMD_WRITE, sector_number=255, feature=238,"
     " sector_count=0}"),
    ((3, code("HDIO_DRIVE_CMD"), A), 0, bytes([0x80, 0x81, 0x82, 1]) + b"\x01\x02",
     "3, HDIO_DRIVE_CMD, {command=0x80 /* ATA_CMD_??? */, sector_number=129, feature=130,"
     " sector_count=1} => {status=0x80, error=129, nsector=130, buf=0x10004}"),
    ((3, code("HDIO_GET_IDENTITY"), A), 0, b"ab" * 300,
     '3, HDIO_GET_IDENTITY, "%s"...' % ("ab" * 16)),
    # a request of a family that the family does not decode: the argument in hex
    ((3, code("HDIO_GET_QDMA"), 0xBADC0DEDDEADC0DE), 0, b"",
     "3, HDIO_GET_QDMA, 0xbadc0deddeadc0de"),
    ((3, code("HDIO_GET_QDMA"), 0), 0, b"", "3, HDIO_GET_QDMA, 0"),
]


@pytest.mark.parametrize("args, ret, data, text", CASES, ids=[c[3][:40] for c in CASES])
def test_arguments(args, ret, data, text):
    assert ioctl(args, ret, data) == text


def test_arguments_raw_and_verbose():
    args = (3, code("HDIO_SET_BUSSTATE"), 2)
    assert ioctl(args, xstyle=_style.RAW) == "3, 0x32d, 0x2"
    assert ioctl(args, xstyle=_style.VERBOSE) == (
        "3, 0x32d /* HDIO_SET_BUSSTATE */, 0x2 /* BUSSTATE_TRISTATE */")


def test_structures_not_read_with_verbose_none():
    assert ioctl((3, code("FITRIM"), A), 0, bytes(24), verbose=False) == "3, FITRIM, 0x10000"


# -- GPIO -----------------------------------------------------------------------

def _name(s: bytes) -> bytes:
    return s.ljust(32, b"\0")


LINE_INFO = struct.pack("<II", 50, 0xC) + _name(b"line name") + _name(b"line consumer")
HANDLE_REQUEST = (struct.pack("<64I", 18, 35, 52, 69, *range(60)) + struct.pack("<I", 0x14)
                  + bytes([0, 1, 2, 6]) + bytes(60) + _name(b"line consumer")
                  + struct.pack("<Ii", 4, 100))
V2_INFO = (_name(b"line name") + _name(b"line consumer") + struct.pack("<IIQ", 55, 1, 0x102)
           + struct.pack("<IIQ", 3, 0, 0xDEADBEEF) + bytes(144) + struct.pack("<4I", 0, 0, 7, 0))

GPIO_CASES = [
    ((3, code("GPIO_GET_CHIPINFO_IOCTL"), A), 0,
     _name(b"chip name") + _name(b"chip label") + struct.pack("<I", 0xCA),
     '3, GPIO_GET_CHIPINFO_IOCTL, {name="chip name", label="chip label", lines=202}'),
    ((3, code("GPIO_GET_CHIPINFO_IOCTL"), A), EBADF, bytes(68),
     "3, GPIO_GET_CHIPINFO_IOCTL, 0x10000"),
    # the offset at entry, the rest at exit; a name without its NUL: all but the place
    # of the NUL
    ((3, code("GPIO_GET_LINEINFO_IOCTL"), A), 0, LINE_INFO[:8] + b"n" * 32 + LINE_INFO[40:],
     '3, GPIO_GET_LINEINFO_IOCTL, {line_offset=50} => {flags=GPIOLINE_FLAG_ACTIVE_LOW'
     '|GPIOLINE_FLAG_OPEN_DRAIN, name="%s"..., consumer="line consumer"}' % ("n" * 31)),
    ((3, code("GPIO_GET_LINEINFO_IOCTL"), A), EBADF, LINE_INFO,
     "3, GPIO_GET_LINEINFO_IOCTL, {line_offset=50}"),
    ((3, code("GPIO_GET_LINEINFO_IOCTL"), A + 1), 0, LINE_INFO,
     "3, GPIO_GET_LINEINFO_IOCTL, 0x10001"),
    # arrays up to the count; the descriptor the call returns
    ((3, code("GPIO_GET_LINEHANDLE_IOCTL"), A), 0, HANDLE_REQUEST,
     '3, GPIO_GET_LINEHANDLE_IOCTL, {lines=4, lineoffsets=[18, 35, 52, 69],'
     ' flags=GPIOHANDLE_REQUEST_ACTIVE_LOW|GPIOHANDLE_REQUEST_OPEN_SOURCE,'
     ' default_values=[0, 1, 2, 6], consumer_label="line consumer"} => {fd=100}'),
    ((3, code("GPIOHANDLE_SET_LINE_VALUES_IOCTL"), A), 0, bytes(range(1, 65)),
     "3, GPIOHANDLE_SET_LINE_VALUES_IOCTL, {values=[%s, ...]}"
     % ", ".join(str(i) for i in range(1, 33))),
    # v2: attributes by id, padding shown when it is not zero
    ((3, code("GPIO_V2_GET_LINEINFO_IOCTL"), A), 0, V2_INFO,
     '3, GPIO_V2_GET_LINEINFO_IOCTL, {offset=55} => {name="line name", consumer="line consumer",'
     ' flags=GPIO_V2_LINE_FLAG_ACTIVE_LOW|GPIO_V2_LINE_FLAG_BIAS_PULL_UP, num_attrs=1,'
     ' attrs=[{debounce_period_us=3735928559}], padding=[0, 0, 0x7, 0]}'),
    ((3, code("GPIO_V2_LINE_SET_CONFIG_IOCTL"), A), 0,
     struct.pack("<QI20x", 0x102, 1) + struct.pack("<IIQQ", 2, 0xFEEDFACE, 0xBA11, 3)
     + bytes(216),
     "3, GPIO_V2_LINE_SET_CONFIG_IOCTL, {flags=GPIO_V2_LINE_FLAG_ACTIVE_LOW"
     "|GPIO_V2_LINE_FLAG_BIAS_PULL_UP, num_attrs=1, attrs=[{attr={id=2, padding=0xfeedface,"
     " data=0xba11}, mask=0x3}]}"),
    ((3, code("GPIO_V2_LINE_GET_VALUES_IOCTL"), A), 0, struct.pack("<QQ", 0xCAFE, 0xBABE),
     "3, GPIO_V2_LINE_GET_VALUES_IOCTL, {mask=0xbabe} => {bits=0xcafe}"),
]


@pytest.mark.parametrize("args, ret, data, text", GPIO_CASES, ids=[c[3][:40] for c in GPIO_CASES])
def test_gpio(args, ret, data, text):
    assert ioctl(args, ret, data) == text


def test_gpio_arrays_in_full_with_v():
    got = ioctl((3, code("GPIOHANDLE_SET_LINE_VALUES_IOCTL"), A), 0, bytes(range(1, 65)),
                abbrev=False)
    assert got.endswith(", 63, 64]}")


# -- 'f': inode flags, FIEMAP ------------------------------------------------------

EXTENT = struct.pack("<3Q16xI12x", 1, 2, 3, 0x1001)
FIEMAP = struct.pack("<QQIIII", 0xDEADBEEF, 4096, 1, 2, 3, 0) + EXTENT + EXTENT

FS_F_CASES = [
    ((3, code("FS_IOC_SETFLAGS"), A), 0, struct.pack("<I", 0x10 | 0x2000000),
     "3, FS_IOC_SETFLAGS, [FS_IMMUTABLE_FL|FS_DAX_FL]"),
    ((3, code("FS_IOC32_GETFLAGS"), A), 0, struct.pack("<I", 0x1000000),
     "3, FS_IOC32_GETFLAGS, [0x1000000 /* FS_???_FL */]"),
    ((3, code("FS_IOC_GETFLAGS"), 0), EBADF, b"", "3, FS_IOC_GETFLAGS, NULL"),
    ((3, code("FS_IOC_FIEMAP"), A), 0, FIEMAP,
     "3, FS_IOC_FIEMAP, {fm_start=3735928559, fm_length=4096, fm_flags=FIEMAP_FLAG_SYNC,"
     " fm_extent_count=3} => {fm_flags=FIEMAP_FLAG_SYNC, fm_mapped_extents=2, ...}"),
    ((3, code("FS_IOC_FIEMAP"), A), EBADF, FIEMAP,
     "3, FS_IOC_FIEMAP, {fm_start=3735928559, fm_length=4096, fm_flags=FIEMAP_FLAG_SYNC,"
     " fm_extent_count=3}"),
]


@pytest.mark.parametrize("args, ret, data, text", FS_F_CASES, ids=[c[3][:40] for c in FS_F_CASES])
def test_fs_f(args, ret, data, text):
    assert ioctl(args, ret, data) == text


def test_fiemap_extents_with_v():
    """-v: the extents the call mapped, read from the memory after the header; where
    the memory ends, strace's "... /* address */"."""
    ext = "{fe_logical=1, fe_physical=2, fe_length=3, fe_flags=FIEMAP_EXTENT_LAST|FIEMAP_EXTENT_MERGED}"
    got = ioctl((3, code("FS_IOC_FIEMAP"), A), 0, FIEMAP, abbrev=False)
    assert got.endswith("=> {fm_flags=FIEMAP_FLAG_SYNC, fm_mapped_extents=2, fm_extents=[%s, %s]}"
                        % (ext, ext))
    got = ioctl((3, code("FS_IOC_FIEMAP"), A), 0, FIEMAP[:-1], abbrev=False)
    assert got.endswith("fm_extents=[%s, ... /* 0x10058 */]}" % ext)


# -- evdev -------------------------------------------------------------------------

EV_BITS = struct.pack("<Q", (1 << 3) | (1 << 4) | (1 << 0x11) | (1 << 0x12) | (1 << 0x16))
ABSINFO = struct.pack("<6i", 1, 2, 3, 4, 5, 6)
FF_EFFECT = struct.pack("<HhH4H2xhHHHH", 0x52, 1, 2, 3, 4, 5, 6, -7, 8, 9, 10, 0xB) + bytes(22)

EVDEV_CASES = [
    # reads: at exit, the address when the call failed
    ((3, code("EVIOCGVERSION"), A), 0, struct.pack("<I", 0x10001), {},
     "3, EVIOCGVERSION, [0x10001]"),
    ((3, code("EVIOCGVERSION"), A), EBADF, bytes(4), {}, "3, EVIOCGVERSION, 0x10000"),
    ((3, code("EVIOCGID"), A), 0, struct.pack("<4H", 1, 2, 3, 4), {},
     "3, EVIOCGID, {bustype=1, vendor=2, product=3, version=4}"),
    ((3, code("EVIOCGKEYCODE"), A), 0, struct.pack("<2I", 9, 30), {},
     "3, EVIOCGKEYCODE, [9, KEY_A]"),
    # a bit set: as many bytes as the call returned, rounded up to words
    ((3, 0x80004520, A), 2, EV_BITS, {}, "3, EVIOCGBIT(0, 0), [EV_ABS EV_MSC]"),
    ((3, 0x80004520, A), 8, EV_BITS, {}, "3, EVIOCGBIT(0, 0), [EV_ABS EV_MSC EV_LED EV_SND ...]"),
    ((3, 0x80004520, A), 8, EV_BITS, {"abbrev": False},
     "3, EVIOCGBIT(0, 0), [EV_ABS EV_MSC EV_LED EV_SND EV_PWR]"),
    ((3, 0x80004520, A), 0, EV_BITS, {}, "3, EVIOCGBIT(0, 0), 0x10000"),
    ((3, 0x80004520, A), 2, EV_BITS, {"xstyle": _style.RAW}, "3, 0x80004520, [0x460018]"),
    ((3, 0x80004520, A), 2, EV_BITS, {"xstyle": _style.VERBOSE},
     "3, 0x80004520 /* EVIOCGBIT(0, 0) */, [0x3 /* EV_ABS */ 0x4 /* EV_MSC */] /* [0x460018] */"),
    # a string of the length the call returned
    ((3, 0x80404506, A), 5, b"mouse\0", {}, '3, EVIOCGNAME(64), "mouse"'),
    ((3, 0x80184541, A), 0, ABSINFO, {}, "3, EVIOCGABS(ABS_Y), {value=1, minimum=2, ...}"),
    ((3, 0x80184541, A), 0, ABSINFO, {"abbrev": False},
     "3, EVIOCGABS(ABS_Y), {value=1, minimum=2, maximum=3, fuzz=4, flat=5, resolution=6}"),
    # writes: at entry
    ((3, code("EVIOCRMFF"), 0xFFFFFFFF), 0, b"", {}, "3, EVIOCRMFF, -1"),
    ((3, code("EVIOCGRAB"), 1), 0, b"", {}, "3, EVIOCGRAB, 1"),
    ((3, code("EVIOCSFF"), A), 0, FF_EFFECT, {},
     "3, EVIOCSFF, {type=FF_CONSTANT, id=1, direction=2, ...}"),
    ((3, code("EVIOCSFF"), A), 0, FF_EFFECT, {"abbrev": False},
     "3, EVIOCSFF, {type=FF_CONSTANT, id=1, direction=2, trigger={button=3, interval=4},"
     " replay={length=5, delay=6}, constant={level=-7, envelope={attack_length=8,"
     " attack_level=9, fade_length=10, fade_level=0xb}}}"),
    ((3, 0x401845C0, A + 1), 0, ABSINFO, {}, "3, EVIOCSABS(ABS_X), 0x10001"),
]


@pytest.mark.parametrize("args, ret, data, kw, text", EVDEV_CASES,
                         ids=[c[4][:40] for c in EVDEV_CASES])
def test_evdev(args, ret, data, kw, text):
    assert ioctl(args, ret, data, **kw) == text


# -- PTP clocks ---------------------------------------------------------------------

def _ptp_time(sec: int, nsec: int, reserved: int = 0) -> bytes:
    return struct.pack("<qII", sec, nsec, reserved)


PIN = b"pin".ljust(64, b"\0") + struct.pack("<3I", 1, 2, 3) + struct.pack("<5I", 9, 0, 0, 0, 0)
SYS_OFFSET = struct.pack("<4I", 1, 0, 0, 0) + _ptp_time(-1, 2) + _ptp_time(3, 4, 5) + \
    _ptp_time(0, 0) + bytes(16 * 48)

PTP_CASES = [
    ((3, code("PTP_CLOCK_GETCAPS"), A), 0, struct.pack("<8i12I", -1, 1, 2, 3, 4, 5, 6, 7,
                                                        *([0] * 11 + [0xAB])),
     {}, "3, PTP_CLOCK_GETCAPS, {max_adj=-1, n_alarm=1, n_ext_ts=2, n_per_out=3, pps=4,"
         " n_pins=5, cross_timestamping=6, adjust_phase=7, rsv=[0, 0, 0, 0, 0, 0, 0, 0, 0,"
         " 0, 0, 0xab]}"),
    ((3, code("PTP_EXTTS_REQUEST2"), A), 0, struct.pack("<4I", 1, 0x3, 0, 7),
     {}, "3, PTP_EXTTS_REQUEST2, {index=1, flags=PTP_ENABLE_FEATURE|PTP_RISING_EDGE,"
         " rsv=[0, 0x7]}"),
    # a duration, no date; the phase instead of the start
    ((3, code("PTP_PEROUT_REQUEST"), A), 0,
     _ptp_time(1, 2) + _ptp_time(3, 4) + struct.pack("<II", 5, 0x6) + _ptp_time(7, 8),
     {}, "3, PTP_PEROUT_REQUEST, {phase={sec=1, nsec=2}, period={sec=3, nsec=4}, index=5,"
         " flags=PTP_PEROUT_DUTY_CYCLE|PTP_PEROUT_PHASE, on={sec=7, nsec=8}}"),
    ((3, code("PTP_ENABLE_PPS"), 1), 0, b"", {}, "3, PTP_ENABLE_PPS, 0x1"),
    # the name at exit, the function and channel
    ((3, code("PTP_PIN_GETFUNC"), A), 0, PIN, {},
     '3, PTP_PIN_GETFUNC, {index=1, name="pin", func=PTP_PF_PEROUT, chan=3}'),
    ((3, code("PTP_PIN_GETFUNC"), A), EBADF, PIN, {}, "3, PTP_PIN_GETFUNC, {index=1}"),
    ((3, code("PTP_PIN_SETFUNC2"), A), 0, PIN, {},
     "3, PTP_PIN_SETFUNC2, {index=1, func=PTP_PF_PEROUT, chan=3, rsv=[0x9, 0, 0, 0, 0]}"),
    ((3, code("PTP_SYS_OFFSET"), A), 0, SYS_OFFSET, {"xstyle": _style.RAW},
     "3, 0x43403d05, {n_samples=1, ts=[{sec=-1, nsec=2}, {sec=3, nsec=4, reserved=0x5},"
     " {sec=0, nsec=0}]}"),
    # -e verbose=none: the address
    ((3, code("PTP_PIN_GETFUNC"), A), 0, PIN, {"verbose": False}, "3, PTP_PIN_GETFUNC, 0x10000"),
]


@pytest.mark.parametrize("args, ret, data, kw, text", PTP_CASES, ids=[c[4][:40] for c in PTP_CASES])
def test_ptp(args, ret, data, kw, text):
    assert ioctl(args, ret, data, **kw) == text


# -- inotify, random, watchdog, NBD, LIRC, perf-------------------------------------------------

MISC_CASES = [
    ((3, code("INOTIFY_IOC_SETNEXTWD"), 0xFFFFFFFF), 0, b"", "3, INOTIFY_IOC_SETNEXTWD, -1"),
    ((3, code("RNDGETENTCNT"), A), 0, struct.pack("<i", -5), "3, RNDGETENTCNT, [-5]"),
    ((3, code("RNDADDENTROPY"), A), 0, struct.pack("<ii", 1, 3) + b"abc",
     '3, RNDADDENTROPY, {entropy_count=1, buf_size=3, buf="abc"}'),
    ((3, code("RNDZAPENTCNT"), A), 0, b"", "3, FASTRPC_IOCTL_INIT_ATTACH or RNDZAPENTCNT"),
    ((3, code("WDIOC_GETTIMEOUT"), A), EBADF, bytes(4), "3, WDIOC_GETTIMEOUT, 0x10000"),
    ((3, code("WDIOC_SETTIMEOUT"), A), 0, struct.pack("<i", 123), "3, WDIOC_SETTIMEOUT, [123]"),
    ((3, code("WDIOC_KEEPALIVE"), 7), 0, b"", "3, WDIOC_KEEPALIVE"),
    ((3, code("NBD_SET_SOCK"), 5), 0, b"", "3, NBD_SET_SOCK, 5"),
    ((3, code("NBD_SET_FLAGS"), 0x103), 0, b"",
     "3, NBD_SET_FLAGS, NBD_FLAG_HAS_FLAGS|NBD_FLAG_READ_ONLY|NBD_FLAG_CAN_MULTI_CONN"),
    ((3, code("NBD_SET_FLAGS"), 0x8000), 0, b"", "3, NBD_SET_FLAGS, 0x8000 /* NBD_IOC_FLAG_??? */"),
    ((3, code("NBD_DO_IT"), 5), 0, b"", "3, NBD_DO_IT"),
    ((3, code("LIRC_GET_FEATURES"), A), 0, struct.pack("<I", 0x102),
     "3, LIRC_GET_FEATURES, [LIRC_CAN_SEND_PULSE|LIRC_CAN_SET_SEND_CARRIER]"),
    ((3, code("LIRC_SET_REC_MODE"), A), 0, struct.pack("<I", 0x20),
     "3, LIRC_SET_REC_MODE, [0x20 /* LIRC_MODE_??? */]"),
    ((3, code("LIRC_SET_TRANSMITTER_MASK"), A), 0, struct.pack("<I", 0xFF),
     "3, LIRC_SET_TRANSMITTER_MASK, [0xff]"),
    ((3, code("LIRC_GET_LENGTH"), A), EBADF, bytes(4), "3, LIRC_GET_LENGTH, 0x10000"),
    ((3, code("PERF_EVENT_IOC_ENABLE"), 0xDEADBEEFBADC0DED), 0, b"",
     "3, PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP|0xbadc0dec"),
    ((3, code("PERF_EVENT_IOC_SET_FILTER"), A), 0, b"filter\0", '3, PERF_EVENT_IOC_SET_FILTER, "filter"'),
    ((3, code("PERF_EVENT_IOC_ID"), A), 0, struct.pack("<Q", 7), "3, PERF_EVENT_IOC_ID, [7]"),
    ((3, code("PERF_EVENT_IOC_QUERY_BPF"), A), 0, struct.pack("<III", 5, 1, 9),
     "3, PERF_EVENT_IOC_QUERY_BPF, {ids_len=5, prog_cnt=1, ids=[9]}"),
    ((3, code("PERF_EVENT_IOC_QUERY_BPF"), A), EBADF, struct.pack("<III", 5, 1, 9),
     "3, PERF_EVENT_IOC_QUERY_BPF, {ids_len=5, ...}"),
]


@pytest.mark.parametrize("args, ret, data, text", MISC_CASES, ids=[c[3][:40] for c in MISC_CASES])
def test_small_families(args, ret, data, text):
    assert ioctl(args, ret, data) == text


# -- real-time clocks -----------------------------------------------------------------

RTC_TM = struct.pack("<9i", 1, 2, 3, 4, 5, 6, 7, 8, -1)

RTC_CASES = [
    ((3, code("RTC_SET_TIME"), A), 0, RTC_TM, {},
     "3, RTC_SET_TIME, {tm_sec=1, tm_min=2, tm_hour=3, tm_mday=4, tm_mon=5, tm_year=6, ...}"),
    ((3, code("RTC_RD_TIME"), A), 0, RTC_TM, {"abbrev": False},
     "3, RTC_RD_TIME, {tm_sec=1, tm_min=2, tm_hour=3, tm_mday=4, tm_mon=5, tm_year=6,"
     " tm_wday=7, tm_yday=8, tm_isdst=-1}"),
    ((3, code("RTC_WKALM_SET"), A), 0, struct.pack("<BB2x", 1, 0) + RTC_TM, {},
     "3, RTC_WKALM_SET, {enabled=1, pending=0, time={tm_sec=1, tm_min=2, tm_hour=3,"
     " tm_mday=4, tm_mon=5, tm_year=6, ...}}"),
    ((3, code("RTC_IRQP_READ"), A), 0, struct.pack("<Q", 64), {}, "3, RTC_IRQP_READ, [64]"),
    ((3, code("RTC_VL_READ"), A), 0, struct.pack("<I", 0x21), {},
     "3, RTC_VL_READ, [RTC_VL_DATA_INVALID|0x20]"),
    ((3, code("RTC_AIE_ON"), A), 0, b"", {}, "3, RTC_AIE_ON"),
    # a parameter: the setter's value at entry, the getter's at exit
    ((3, code("RTC_PARAM_SET"), A), 0, struct.pack("<QQII", 0, 0x5, 1, 0), {},
     "3, RTC_PARAM_SET, {param=RTC_PARAM_FEATURES,"
     " uvalue=1<<RTC_FEATURE_ALARM|1<<RTC_FEATURE_NEED_WEEK_DAY, index=1}"),
    ((3, code("RTC_PARAM_GET"), A), 0, struct.pack("<QQII", 1, (1 << 64) - 2, 0, 3), {},
     "3, RTC_PARAM_GET, {param=RTC_PARAM_CORRECTION, index=0, __pad=0x3}"
     " => {svalue=-2, __pad=0x3}"),
    ((3, code("RTC_PARAM_GET"), A), EBADF, struct.pack("<QQII", 2, 1, 0, 0), {},
     "3, RTC_PARAM_GET, {param=RTC_PARAM_BACKUP_SWITCH_MODE, index=0} => 0x10000"),
]


@pytest.mark.parametrize("args, ret, data, kw, text", RTC_CASES, ids=[c[4][:40] for c in RTC_CASES])
def test_rtc(args, ret, data, kw, text):
    assert ioctl(args, ret, data, **kw) == text


# -- loop devices -----------------------------------------------------------------------

INFO64 = (struct.pack("<5Q4I", 0x801, 5, 0, 0x200, 0, 7, 0, 3, 4) + b"/tmp/img".ljust(64, b"\0")
          + b"".ljust(64, b"\0") + b"key".ljust(32, b"\0") + struct.pack("<2Q", 0, 0))

LOOP_CASES = [
    ((3, code("LOOP_SET_STATUS64"), A), 0, INFO64, {},
     '3, LOOP_SET_STATUS64, {lo_offset=0x200, lo_number=7, lo_flags=LO_FLAGS_AUTOCLEAR,'
     ' lo_file_name="/tmp/img", ...}'),
    ((3, code("LOOP_GET_STATUS64"), A), 0, INFO64, {"abbrev": False},
     '3, LOOP_GET_STATUS64, {lo_device=makedev(0x8, 0x1), lo_inode=5,'
     ' lo_rdevice=makedev(0, 0), lo_offset=0x200, lo_sizelimit=0, lo_number=7,'
     ' lo_encrypt_type=LO_CRYPT_NONE, lo_encrypt_key_size=3, lo_flags=LO_FLAGS_AUTOCLEAR,'
     ' lo_file_name="/tmp/img", lo_crypt_name="", lo_encrypt_key="key", lo_init=[0, 0]}'),
    ((3, code("LOOP_SET_FD"), 4), 0, b"", {}, "3, LOOP_SET_FD, 4"),
    ((3, code("LOOP_CTL_REMOVE"), 0xFFFFFFFF), 0, b"", {}, "3, LOOP_CTL_REMOVE, -1"),
    ((3, code("LOOP_CLR_FD"), 0), 0, b"", {}, "3, LOOP_CLR_FD"),
    ((3, code("LOOP_SET_STATUS64"), A), 0, INFO64, {"verbose": False},
     "3, LOOP_SET_STATUS64, 0x10000"),
]


@pytest.mark.parametrize("args, ret, data, kw, text", LOOP_CASES,
                         ids=[c[4][:40] for c in LOOP_CASES])
def test_loop(args, ret, data, kw, text):
    assert ioctl(args, ret, data, **kw) == text


# -- seccomp user notifications ------------------------------------------------------------

def _notif(nr: int, arch: int) -> bytes:
    return struct.pack("<QIIiIQ6Q", 0xDEAD, 42, 0, nr, arch, 0, *range(6))


SECCOMP_CASES = [
    # all zeros at entry: shown at exit only
    ((3, code("SECCOMP_IOCTL_NOTIF_RECV"), A), 0, bytes(80), {},
     "3, SECCOMP_IOCTL_NOTIF_RECV, {id=0, pid=0, flags=0, data={nr=0, arch=0 /* AUDIT_ARCH_??? */,"
     " instruction_pointer=NULL, args=[0, 0, 0, 0, 0, 0]}}"),
    ((3, code("SECCOMP_IOCTL_NOTIF_RECV"), A), EBADF, bytes(80), {},
     "3, SECCOMP_IOCTL_NOTIF_RECV, 0x10000"),
    # the tracee's own ABI: __NR_name; another: the number and the name in a comment
    ((3, code("SECCOMP_IOCTL_NOTIF_RECV"), A), EBADF, _notif(186, 0xC000003E), {},
     "3, SECCOMP_IOCTL_NOTIF_RECV, {id=0xdead, pid=42, flags=0, data={nr=__NR_gettid,"
     " arch=AUDIT_ARCH_X86_64, instruction_pointer=NULL, args=[0, 0x1, 0x2, 0x3, 0x4, 0x5]}}"
     " => 0x10000"),
    ((3, code("SECCOMP_IOCTL_NOTIF_RECV"), A), 0, _notif(224, 0x40000003), {"xstyle": _style.VERBOSE},
     "3, 0xc0502100 /* SECCOMP_IOCTL_NOTIF_RECV */, {id=0xdead, pid=42, flags=0, data={nr=224"
     " /* gettid */, arch=0x40000003 /* AUDIT_ARCH_I386 */, instruction_pointer=NULL,"
     " args=[0, 0x1, 0x2, 0x3, 0x4, 0x5]}} => {id=0xdead, pid=42, flags=0, data={nr=224"
     " /* gettid */, arch=0x40000003 /* AUDIT_ARCH_I386 */, instruction_pointer=NULL,"
     " args=[0, 0x1, 0x2, 0x3, 0x4, 0x5]}}"),
    ((3, code("SECCOMP_IOCTL_NOTIF_SEND"), A), 0, struct.pack("<QqiI", 1, -2, -63, 1), {},
     "3, SECCOMP_IOCTL_NOTIF_SEND, {id=0x1, val=-2, error=-ENOSR,"
     " flags=SECCOMP_USER_NOTIF_FLAG_CONTINUE}"),
    ((3, 0x80082102, A), 0, struct.pack("<Q", 0xDECAF), {},
     "3, SECCOMP_IOCTL_NOTIF_ID_VALID_WRONG_DIR, [0xdecaf]"),
    ((3, code("SECCOMP_IOCTL_NOTIF_ADDFD"), A), 0, struct.pack("<QIIiI", 1, 3, 5, -1, 0o2010000), {},
     "3, SECCOMP_IOCTL_NOTIF_ADDFD, {id=0x1, flags=SECCOMP_ADDFD_FLAG_SETFD"
     "|SECCOMP_ADDFD_FLAG_SEND, srcfd=5, newfd=-1, newfd_flags=O_DSYNC|O_CLOEXEC}"),
]


@pytest.mark.parametrize("args, ret, data, kw, text", SECCOMP_CASES,
                         ids=[c[4][:40] for c in SECCOMP_CASES])
def test_seccomp(args, ret, data, kw, text):
    assert ioctl(args, ret, data, **kw) == text


# -- block devices ------------------------------------------------------------------------

TRACE_SETUP = b"sda".ljust(32, b"\0") + struct.pack("<H2xII4xQQI4x", 1, 2, 3, 4, 5, 6)

BLOCK_CASES = [
    ((3, code("BLKRASET"), 0xFFFFFFFFFFFFFFFF), 0, b"", "3, BLKRASET, 18446744073709551615"),
    ((3, code("BLKSECTGET"), A), 0, struct.pack("<H", 0xFFFF), "3, BLKSECTGET, [65535]"),
    ((3, code("BLKRAGET"), A), 0, struct.pack("<q", -1), "3, BLKRAGET, [-1]"),
    ((3, code("BLKGETSIZE64"), A), EBADF, bytes(8), "3, BLKGETSIZE64, 0x10000"),
    ((3, code("BLKDISCARD"), A), 0, struct.pack("<2Q", 1, 2), "3, BLKDISCARD, [1, 2]"),
    ((3, code("BLKRRPART"), 1), 0, b"", "3, BLKRRPART"),
    ((3, code("BLKPG"), A), 0, struct.pack("<iii4xQ", 1, 2, 3, A + 24)
     + struct.pack("<qqi", 4, 5, 6) + b"dev".ljust(64, b"\0") + b"vol".ljust(64, b"\0") + bytes(4),
     '3, BLKPG, {op=BLKPG_ADD_PARTITION, flags=2, datalen=3, data={start=4, length=5, pno=6,'
     ' devname="dev", volname="vol"}}'),
    ((3, code("BLKTRACESETUP"), A), 0, TRACE_SETUP,
     '3, BLKTRACESETUP, {act_mask=1, buf_size=2, buf_nr=3, start_lba=4, end_lba=5, pid=6,'
     ' name="sda"}'),
    ((3, code("BLKTRACESETUP"), A), EBADF, TRACE_SETUP,
     "3, BLKTRACESETUP, {act_mask=1, buf_size=2, buf_nr=3, start_lba=4, end_lba=5, pid=6}"),
]


@pytest.mark.parametrize("args, ret, data, text", BLOCK_CASES, ids=[c[3][:40] for c in BLOCK_CASES])
def test_block(args, ret, data, text):
    assert ioctl(args, ret, data) == text


# -- UBI -------------------------------------------------------------------------------------

MKVOL = struct.pack("<iiqBBh4x", 1, 2, 3, 3, 1, 4) + b"vol1".ljust(128, b"\0")

UBI_CASES = [
    ((3, code("UBI_IOCMKVOL"), A), 0, MKVOL + struct.pack("<i", 9),
     '3, UBI_IOCMKVOL, {vol_id=1, alignment=2, bytes=3, vol_type=UBI_DYNAMIC_VOLUME,'
     ' flags=UBI_VOL_SKIP_CRC_CHECK_FLG, name_len=4, name="vol1"} => [1]'),
    ((3, code("UBI_IOCMKVOL"), A), EBADF, MKVOL,
     '3, UBI_IOCMKVOL, {vol_id=1, alignment=2, bytes=3, vol_type=UBI_DYNAMIC_VOLUME,'
     ' flags=UBI_VOL_SKIP_CRC_CHECK_FLG, name_len=4, name="vol1"}'),
    # a name as long as name_len says (the rest of the array is not shown)
    ((3, code("UBI_IOCMKVOL"), A), EBADF, MKVOL[:18] + struct.pack("<h", 2) + MKVOL[20:],
     '3, UBI_IOCMKVOL, {vol_id=1, alignment=2, bytes=3, vol_type=UBI_DYNAMIC_VOLUME,'
     ' flags=UBI_VOL_SKIP_CRC_CHECK_FLG, name_len=2, name="vo"...}'),
    ((3, code("UBI_IOCRNVOL"), A), 0, struct.pack("<i12x", -1) + bytes(4352),
     "3, UBI_IOCRNVOL, {count=-1, ents=[]}"),
    ((3, code("UBI_IOCEBMAP"), A), 0, struct.pack("<iB3x", 5, 7),
     "3, UBI_IOCEBMAP, {lnum=5, dtype=0x7 /* UBI_??? */}"),
    ((3, code("UBI_IOCDET"), A), 0, struct.pack("<i", -559038737), "3, UBI_IOCDET, [-559038737]"),
    ((3, code("UBI_IOCVOLCRBLK"), A), 0, b"", "3, UBI_IOCVOLCRBLK"),
]


@pytest.mark.parametrize("args, ret, data, text", UBI_CASES, ids=[c[3][:40] for c in UBI_CASES])
def test_ubi(args, ret, data, text):
    assert ioctl(args, ret, data) == text
