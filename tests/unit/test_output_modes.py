# SPDX-License-Identifier: GPL-2.0-or-later
"""strace's output modes, as tables (no tracee): ``-X raw|abbrev|verbose`` (how constants
print), ``-v`` (structures in full), ``-e verbose=`` (structures as addresses) and
``-e raw=`` (arguments in hex). Each expected text is what strace 6.1 prints for the
same registers and memory (checked against /usr/bin/strace on the same calls)."""

from __future__ import annotations

import errno
import struct
import time

import pytest

from fake_memory import A, Memory
from aiotrace._cli._args import UsageError, parse_args
from aiotrace._cli._modes import OutputModes
from aiotrace._decode import format_entry, format_exit, format_siginfo
from aiotrace._decode import _style
from aiotrace._decode import _xlat as X

AT_FDCWD = (1 << 64) - 100


STYLE = {"abbrev": _style.ABBREV, "raw": _style.RAW, "verbose": _style.VERBOSE}


def call(name, args, ret, data=b"/tmp\0", **kw):
    mem = Memory(data)
    entry = format_entry(name, args, mem, **kw)
    return format_exit(name, args, ret, mem, entry_text=entry, **kw)


# (call, arguments, data at A, return value, {style: (arguments text, return text)})
CALLS = [
    ("openat", (AT_FDCWD, A, 0o2000101, 0o644), b"/tmp/x\0", 3, {
        "abbrev": ('AT_FDCWD, "/tmp/x", O_WRONLY|O_CREAT|O_CLOEXEC, 0644', "3"),
        "raw": ('-100, "/tmp/x", 0x80041, 0644', "3"),
        "verbose": ('-100 /* AT_FDCWD */, "/tmp/x", 0x80041 /* O_WRONLY|O_CREAT|O_CLOEXEC */,'
                    " 0644", "3"),
    }),
    # a set of flags with bits that have no name, and one with none known at all
    ("access", (A, 0x14), b"/tmp\0", 0, {
        "abbrev": ('"/tmp", R_OK|0x10', "0"),
        "raw": ('"/tmp", 0x14', "0"),
        "verbose": ('"/tmp", 0x14 /* R_OK|0x10 */', "0"),
    }),
    ("access", (A, 0x10), b"/tmp\0", 0, {
        "abbrev": ('"/tmp", 0x10 /* ?_OK */', "0"),
        "raw": ('"/tmp", 0x10', "0"),
        "verbose": ('"/tmp", 0x10 /* ?_OK */', "0"),
    }),
    # a value (SIG_BLOCK is 0) and a signal set; a signal number
    ("rt_sigprocmask", (0, A, 0, 8), struct.pack("<Q", (1 << 1) | (1 << 14)), 0, {
        "abbrev": ("SIG_BLOCK, [INT TERM], NULL, 8", "0"),
        "raw": ("0, [2 15], NULL, 8", "0"),
        "verbose": ("0 /* SIG_BLOCK */, [2 /* INT */ 15 /* TERM */], NULL, 8", "0"),
    }),
    ("kill", (1234, 15), b"", 0, {
        "abbrev": ("1234, SIGTERM", "0"),
        "raw": ("1234, 15", "0"),
        "verbose": ("1234, 15 /* SIGTERM */", "0"),
    }),
    # a value that has no name
    ("lseek", (3, 0, 7), b"", -errno.EINVAL, {
        "abbrev": ("3, 0, 0x7 /* SEEK_??? */", "-1 EINVAL (Invalid argument)"),
        "raw": ("3, 0, 0x7", "-1 EINVAL (Invalid argument)"),
        "verbose": ("3, 0, 0x7 /* SEEK_??? */", "-1 EINVAL (Invalid argument)"),
    }),
]


@pytest.mark.parametrize("style", ["abbrev", "raw", "verbose"])
@pytest.mark.parametrize("name,args,data,ret,want", CALLS, ids=[c[0] for c in CALLS])
def test_constants_in_each_style(style, name, args, data, ret, want):
    assert call(name, args, ret, data, xstyle=STYLE[style]) == want[style]


def test_the_style_is_only_that_of_the_call():
    """The style is set for the call being decoded, and left as it was after."""
    call("kill", (1, 15), 0, xstyle=_style.RAW)
    assert _style.get() == _style.ABBREV
    assert call("kill", (1, 15), 0) == ("1, SIGTERM", "0")


# -- the printers themselves ----------------------------------------------------------

FLAGS = (("A", 1), ("B", 2))

PRINTERS = [
    # (printer, abbrev, raw, verbose)
    (lambda: X.flags(3, FLAGS, "X_???"), "A|B", "0x3", "0x3 /* A|B */"),
    (lambda: X.flags(0x103, FLAGS, "X_???"), "A|B|0x100", "0x103", "0x103 /* A|B|0x100 */"),
    (lambda: X.flags(0x100, FLAGS, "X_???"), "0x100 /* X_??? */", "0x100",
     "0x100 /* X_??? */"),
    (lambda: X.flags(0x100, FLAGS, None), "0x100", "0x100", "0x100"),
    (lambda: X.flags(0, FLAGS, "X_???"), "0", "0", "0"),
    (lambda: X.flags(0, FLAGS, "X_???", zero="X_NONE"), "X_NONE", "0", "0 /* X_NONE */"),
    (lambda: X.xval(2, {2: "TWO"}), "TWO", "0x2", "0x2 /* TWO */"),
    (lambda: X.xval(3, {2: "TWO"}, "T_???"), "0x3 /* T_??? */", "0x3", "0x3 /* T_??? */"),
    (lambda: X.file_mode(0o100644), "S_IFREG|0644", "0100644", "0100644 /* S_IFREG|0644 */"),
    (lambda: X.file_mode(0o4755), "S_ISUID|0755", "04755", "04755 /* S_ISUID|0755 */"),
    (lambda: X.file_mode(0o170000), "0170000", "0170000", "0170000"),
    (lambda: X.signame(9), "SIGKILL", "9", "9 /* SIGKILL */"),
    (lambda: X.signame(99), "99", "99", "99"),
    (lambda: X.sigset_bits((1 << 1) | (1 << 14)), "[INT TERM]", "[2 15]",
     "[2 /* INT */ 15 /* TERM */]"),
    (lambda: X.open_flags(0), "O_RDONLY", "0", "0 /* O_RDONLY */"),
    # (the domain and the flags each in the style)
    (lambda: X.personality(0x40008), "PER_LINUX32|ADDR_NO_RANDOMIZE", "0x8|0x40000",
     "0x8 /* PER_LINUX32 */|0x40000 /* ADDR_NO_RANDOMIZE */"),
    (lambda: X.personality(0x4000001), "0x1 /* PER_??? */|STICKY_TIMEOUTS", "0x1|0x4000000",
     "0x1 /* PER_??? */|0x4000000 /* STICKY_TIMEOUTS */"),
    (lambda: X.personality(0x701001F),
     "0x1f /* PER_??? */|SHORT_INODE|WHOLE_SECONDS|STICKY_TIMEOUTS|0x10000", "0x1f|0x7010000",
     "0x1f /* PER_??? */|0x7010000 /* SHORT_INODE|WHOLE_SECONDS|STICKY_TIMEOUTS|0x10000 */"),
    (lambda: X.personality(0x10000), "PER_LINUX|0x10000", "0|0x10000",
     "0 /* PER_LINUX */|0x10000"),
]


@pytest.mark.parametrize("printer,abbrev,raw,verbose", PRINTERS)
def test_printers_in_each_style(printer, abbrev, raw, verbose):
    for style, want in ((_style.ABBREV, abbrev), (_style.RAW, raw), (_style.VERBOSE, verbose)):
        with _style.using(style):
            assert printer() == want


# -- structures: -v, -e verbose= ------------------------------------------------------

# a struct stat (x86-64): /dev/null's numbers, with times
STAT = struct.pack("<QQQIII4xQqqq6q", 0x6, 3, 1, 0o20666, 0, 0, 0x103, 0, 4096, 0,
                   1700000000, 5, 1700000001, 0, 0, 0)


def _date(sec, frac=""):
    lt = time.localtime(sec)
    return time.strftime("%Y-%m-%dT%H:%M:%S", lt) + frac + time.strftime("%z", lt)


def _times():
    """(a time of 0 has no date; one of whole seconds no fraction)"""
    return ("st_atime=1700000000 /* %s */, st_atime_nsec=5, st_mtime=1700000001 /* %s */, "
            "st_mtime_nsec=0, st_ctime=0, st_ctime_nsec=0"
            % (_date(1700000000, ".000000005"), _date(1700000001)))


def test_stat_abbreviated_and_in_full():
    args = (3, A)
    assert call("fstat", args, 0, STAT) == ("3, {st_mode=S_IFCHR|0666, "
                                            "st_rdev=makedev(0x1, 0x3), ...}", "0")
    full = ("3, {st_dev=makedev(0, 0x6), st_ino=3, st_mode=S_IFCHR|0666, st_nlink=1, "
            "st_uid=0, st_gid=0, st_blksize=4096, st_blocks=0, st_rdev=makedev(0x1, 0x3), "
            + _times() + "}")
    assert call("fstat", args, 0, STAT, abbrev=False) == (full, "0")
    raw = ("3, {st_dev=0x6, st_ino=3, st_mode=020666, st_nlink=1, st_uid=0, st_gid=0, "
           "st_blksize=4096, st_blocks=0, st_rdev=0x103, " + _times() + "}")
    assert call("fstat", args, 0, STAT, abbrev=False, xstyle=_style.RAW) == (raw, "0")
    verbose = ("3, {st_dev=0x6 /* makedev(0, 0x6) */, st_ino=3, st_mode=020666 /* "
               "S_IFCHR|0666 */, st_nlink=1, st_uid=0, st_gid=0, st_blksize=4096, "
               "st_blocks=0, st_rdev=0x103 /* makedev(0x1, 0x3) */, " + _times() + "}")
    assert call("fstat", args, 0, STAT, abbrev=False, xstyle=_style.VERBOSE) == (verbose, "0")


def test_structures_as_addresses_without_verbose():
    assert call("fstat", (3, A), 0, STAT, verbose=False) == ("3, 0x10000", "0")


def test_uname_in_full():
    fields = [b"Linux", b"host", b"6.1", b"#1", b"x86_64", b"(none)"]
    data = b"".join(f.ljust(65, b"\0") for f in fields)
    assert call("uname", (A,), 0, data) == ('{sysname="Linux", nodename="host", ...}', "0")
    assert call("uname", (A,), 0, data, abbrev=False) == (
        '{sysname="Linux", nodename="host", release="6.1", version="#1", '
        'machine="x86_64", domainname="(none)"}', "0")


# -- -e raw= ---------------------------------------------------------------------------

def test_raw_arguments_and_return_value():
    args = (0xFFFFFF9C, A, 0o2000000, 0)   # (an int: the register's upper half is 0)
    assert call("openat", args, 3, b"/tmp\0", raw=True) == (
        "0xffffff9c, 0x10000, 0x80000, 0", "0x3")
    assert call("openat", args, -errno.ENOENT, b"/tmp\0", raw=True) == (
        "0xffffff9c, 0x10000, 0x80000, 0", "-1 ENOENT (No such file or directory)")


def test_siginfo_in_each_style():
    info = struct.pack("<iii4xii", 17, 0, 1, 42, 0).ljust(128, b"\0")
    assert format_siginfo(info).startswith("{si_signo=SIGCHLD, si_code=CLD_EXITED, ")
    assert format_siginfo(info, xstyle=_style.RAW).startswith("{si_signo=17, ")
    assert format_siginfo(info, xstyle=_style.VERBOSE).startswith(
        "{si_signo=17 /* SIGCHLD */, ")


# -- the command line ---------------------------------------------------------------------

@pytest.mark.parametrize("options,style", [
    ([], 0), (["-X", "raw"], 1), (["-Xverbose"], 2), (["-Xraw", "-X", "abbrev"], 0),
    (["--const-print-style=verbose"], 2), (["--const-print-style", "raw"], 1),
])
def test_x_option(options, style):
    assert parse_args(["run", *options, "--", "true"]).xstyle == style


@pytest.mark.parametrize("options", [["-X", "full"], ["-X", ""], ["-XRAW"],
                                     ["--const-print-style=numbers"]])
def test_x_option_refuses_other_styles(options):
    with pytest.raises(UsageError, match="invalid -X argument: '.*' \\(raw, abbrev or "
                                         "verbose\\)"):
        parse_args(["run", *options, "--", "true"])


@pytest.mark.parametrize("options,kw", [
    ([], {}),
    (["-v"], {"abbrev": False}),
    (["--no-abbrev"], {"abbrev": False}),
    (["-e", "abbrev=none"], {"abbrev": False}),
    (["-e", "abbrev=all"], {}),
    (["-e", "abbrev=openat"], {}),
    (["-e", "abbrev=read"], {"abbrev": False}),
    (["-e", "a=!openat"], {"abbrev": False}),
    (["-e", "verbose=none"], {"verbose": False}),
    (["--verbose=read"], {"verbose": False}),
    (["-e", "v=openat"], {}),
    (["-e", "raw=openat"], {"raw": True}),
    (["--raw=all"], {"raw": True}),
    (["-e", "x=read"], {}),
    (["-Xraw", "-v"], {"xstyle": 1, "abbrev": False}),
])
def test_modes_of_a_call(options, kw):
    modes = OutputModes.of(parse_args(["run", *options, "--", "true"]))
    assert modes.kw("openat") == kw
    assert modes.plain == (options == [])


@pytest.mark.parametrize("expr", ["abbrev=nosuchcall", "verbose=", "raw=%nosuchclass"])
def test_bad_sets_are_refused(expr):
    with pytest.raises(UsageError):
        parse_args(["run", "-e", expr, "--", "true"])


# -- found by strace's tests with -X and -v ------------------------------------------------

MORE = [
    # a memory policy: mbind's mode is an unsigned long, set_mempolicy's an int; 6 has
    # no name in strace 6.1; flags with a known mode are named after it
    ("mbind", (0, 4096, 6, 0, 0, 0), b"", 0, {
        "abbrev": ("NULL, 4096, 0x6 /* MPOL_??? */, NULL, 0, 0", "0"),
        "raw": ("NULL, 4096, 0x6, NULL, 0, 0", "0"),
        "verbose": ("NULL, 4096, 0x6 /* MPOL_??? */, NULL, 0, 0", "0"),
    }),
    ("mbind", (0, 4096, 0x8002, 0, 0, 0), b"", 0, {
        "abbrev": ("NULL, 4096, MPOL_BIND|MPOL_F_STATIC_NODES, NULL, 0, 0", "0"),
        "raw": ("NULL, 4096, 0x8002, NULL, 0, 0", "0"),
        "verbose": ("NULL, 4096, 0x8002 /* MPOL_BIND|MPOL_F_STATIC_NODES */, NULL, 0, 0",
                    "0"),
    }),
    ("set_mempolicy", (0xDEFACED00000002, 0, 0), b"", 0, {
        "abbrev": ("MPOL_BIND, NULL, 0", "0"),
        "raw": ("0x2, NULL, 0", "0"),
        "verbose": ("0x2 /* MPOL_BIND */, NULL, 0", "0"),
    }),
    # remap_file_pages: decoded (it printed raw hex); map flags nest their comments
    ("remap_file_pages", (0xFACEFEEDDEADBEEF, 0xDEFACED1BAD2F00D, 7, 0xCAF3BABEBAD4DEED,
                          0x5404401F), b"", 0, {
        "abbrev": ("0xfacefeeddeadbeef, 16067382020775538701, PROT_READ|PROT_WRITE|PROT_EXEC,"
                   " 14624237743343197933, 0xf /* MAP_??? */|MAP_FIXED|MAP_NORESERVE|"
                   "MAP_HUGETLB|21<<MAP_HUGE_SHIFT", "0"),
        "raw": ("0xfacefeeddeadbeef, 16067382020775538701, 0x7, 14624237743343197933, "
                "0x5404401f", "0"),
        "verbose": ("0xfacefeeddeadbeef, 16067382020775538701, 0x7 /* PROT_READ|PROT_WRITE|"
                    "PROT_EXEC */, 14624237743343197933, 0x5404401f /* 0xf /* MAP_??? */|"
                    "MAP_FIXED|MAP_NORESERVE|MAP_HUGETLB|21<<MAP_HUGE_SHIFT */", "0"),
    }),
    # arch_prctl: the option is an int; XSAVE masks are printed with their names in a
    # comment except raw
    ("arch_prctl", (0xFFFFFFFFDEADC0DE, 0), b"", -errno.EINVAL, {
        "abbrev": ("0xdeadc0de /* ARCH_??? */, 0", "-1 EINVAL (Invalid argument)"),
        "raw": ("0xdeadc0de, 0", "-1 EINVAL (Invalid argument)"),
        "verbose": ("0xdeadc0de /* ARCH_??? */, 0", "-1 EINVAL (Invalid argument)"),
    }),
    ("arch_prctl", (0x1021, A), struct.pack("<Q", 0x600E7), 0, {
        "abbrev": ("ARCH_GET_XCOMP_SUPP, [0x600e7 /* XFEATURE_MASK_FPSSE|XFEATURE_MASK_YMM|"
                   "XFEATURE_MASK_AVX512|XFEATURE_MASK_XTILE */]", "0"),
        "raw": ("0x1021, [0x600e7]", "0"),
        "verbose": ("0x1021 /* ARCH_GET_XCOMP_SUPP */, [0x600e7 /* XFEATURE_MASK_FPSSE|"
                    "XFEATURE_MASK_YMM|XFEATURE_MASK_AVX512|XFEATURE_MASK_XTILE */]", "0"),
    }),
    ("arch_prctl", (0x1023, 18), b"", 0x20, {
        "abbrev": ("ARCH_REQ_XCOMP_PERM, 0x12 /* XFEATURE_XTILE_DATA */",
                   "0x20 (XFEATURE_MASK_OPMASK)"),
        "raw": ("0x1023, 0x12", "0x20"),
        "verbose": ("0x1023 /* ARCH_REQ_XCOMP_PERM */, 0x12 /* XFEATURE_XTILE_DATA */",
                    "0x20 (XFEATURE_MASK_OPMASK)"),
    }),
    ("arch_prctl", (0x1004, A), b"\0" * 8, 0, {
        "abbrev": ("ARCH_GET_GS, [NULL]", "0"),
        "raw": ("0x1004, [NULL]", "0"),
        "verbose": ("0x1004 /* ARCH_GET_GS */, [NULL]", "0"),
    }),
    # a node mask: maxnode 1 leaves no bit (its address); past -s longs, the next one
    # unreadable: its address in a comment
    ("set_mempolicy", (0, A, 1), b"\0" * 8, 0, {
        "abbrev": ("MPOL_DEFAULT, 0x10000, 1", "0"),
        "raw": ("0, 0x10000, 1", "0"),
        "verbose": ("0 /* MPOL_DEFAULT */, 0x10000, 1", "0"),
    }),
    # utimensat: UTIME_NOW and UTIME_OMIT, a time of 0 without a date, tv_nsec unsigned
    ("utimensat", (0xFFFFFF9C, 0, A, 0), struct.pack("<qqqq", 5, (1 << 30) - 1, 0,
                                                     (1 << 30) - 2), 0, {
        "abbrev": ("AT_FDCWD, NULL, [UTIME_NOW, UTIME_OMIT], 0", "0"),
        "raw": ("-100, NULL, [{tv_sec=5, tv_nsec=1073741823}, {tv_sec=0, "
                "tv_nsec=1073741822}], 0", "0"),
        "verbose": ("-100 /* AT_FDCWD */, NULL, [{tv_sec=5, tv_nsec=1073741823} /* UTIME_NOW */,"
                    " {tv_sec=0, tv_nsec=1073741822} /* UTIME_OMIT */], 0", "0"),
    }),
    ("utimensat", (0xFFFFFF9C, 0, A, 0), struct.pack("<qqqq", 0, 0, -1, -1), 0, {
        "abbrev": ("AT_FDCWD, NULL, [{tv_sec=0, tv_nsec=0}, {tv_sec=-1, "
                   "tv_nsec=18446744073709551615}], 0", "0"),
        "raw": ("-100, NULL, [{tv_sec=0, tv_nsec=0}, {tv_sec=-1, "
                "tv_nsec=18446744073709551615}], 0", "0"),
        "verbose": ("-100 /* AT_FDCWD */, NULL, [{tv_sec=0, tv_nsec=0}, {tv_sec=-1, "
                    "tv_nsec=18446744073709551615}], 0", "0"),
    }),
]


@pytest.mark.parametrize("style", ["abbrev", "raw", "verbose"])
@pytest.mark.parametrize("name,args,data,ret,want", MORE, ids=[c[0] for c in MORE])
def test_more_calls_in_each_style(style, name, args, data, ret, want):
    assert call(name, args, ret, data, xstyle=STYLE[style]) == want[style]


def test_node_mask_past_the_limit():
    args = (0, A, 8 * 64 + 1)     # 8 longs, 2 readable, -s 1
    mem = Memory(b"\0" * 16)
    entry = format_entry("set_mempolicy", args, mem, strsize=1)
    assert entry == "MPOL_DEFAULT, [0000000000000000, ...], 513"
    entry = format_entry("set_mempolicy", args, Memory(b"\0" * 8), strsize=1)
    assert entry == "MPOL_DEFAULT, [0000000000000000, ... /* 0x10008 */], 513"


def _dirent64(ino, off, dtype, name):
    reclen = (19 + len(name) + 1 + 7) & ~7
    return struct.pack("<QqHB", ino, off, reclen, dtype) + name.ljust(reclen - 19, b"\0")


def _dirent(ino, off, dtype, name):
    reclen = (18 + len(name) + 2 + 7) & ~7
    body = name.ljust(reclen - 18 - 1, b"\0") + bytes([dtype])
    return struct.pack("<QqH", ino, off, reclen) + body


def test_dirents_in_full():
    data = _dirent64(7, 1, 4, b".") + _dirent64(8, 2, 8, b"a\nb")
    args = (3, A, 8192)
    assert call("getdents64", args, len(data), data) == (
        "3, 0x10000 /* 2 entries */, 8192", str(len(data)))
    assert call("getdents64", args, len(data), data, abbrev=False) == (
        '3, [{d_ino=7, d_off=1, d_reclen=24, d_type=DT_DIR, d_name="."}, '
        '{d_ino=8, d_off=2, d_reclen=24, d_type=DT_REG, d_name="a\\nb"}], 8192',
        str(len(data)))
    data = _dirent(7, 1, 4, b"..") + _dirent(8, 2, 99, b"x")
    assert call("getdents", args, len(data), data, abbrev=False) == (
        '3, [{d_ino=7, d_off=1, d_reclen=24, d_name="..", d_type=DT_DIR}, '
        '{d_ino=8, d_off=2, d_reclen=24, d_name="x", d_type=0x63 /* DT_??? */}], 8192',
        str(len(data)))
    assert call("getdents64", args, 0, b"", abbrev=False) == ("3, [], 8192", "0")
    assert call("getdents64", args, 0, b"") == ("3, 0x10000 /* 0 entries */, 8192", "0")


def test_wait4_rusage_only_for_a_reaped_child():
    ru = struct.pack("<qqqq14q", 0, 1, 0, 2, *range(14))
    args = (5, 0, 1, A)
    assert call("wait4", args, 0, ru)[0] == "5, NULL, WNOHANG, 0x10000"
    assert call("wait4", args, 5, ru)[0] == (
        "5, NULL, WNOHANG, {ru_utime={tv_sec=0, tv_usec=1}, ru_stime={tv_sec=0, tv_usec=2}, "
        "...}")
    full = call("wait4", args, 5, ru, abbrev=False)[0]
    assert full.endswith("ru_nsignals=11, ru_nvcsw=12, ru_nivcsw=13}")
