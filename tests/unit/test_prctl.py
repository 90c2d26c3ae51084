# SPDX-License-Identifier: GPL-2.0-or-later
"""prctl's options, each as strace 6.1 prints it (the lines its own tests, tests/prctl-*.c,
expect), in each -X style; and the classic BPF programs of PR_SET_SECCOMP. Tables, no
tracee: the decoder is given the registers and a fake memory (data at A)."""

from __future__ import annotations

import errno
import struct

import pytest

from fake_memory import A, Memory
from aiotrace._core._seccomp import compile_filter
from aiotrace._decode import _style, format_entry, format_exit, format_syscall_line

M64 = (1 << 64) - 1
EINVAL = -errno.EINVAL
EINVAL_TEXT = "-1 EINVAL (Invalid argument)"
EFAULT = -errno.EFAULT
BAD = 0xBADC0DED00000000   # bits above an int that strace's tests set
STYLES = {"abbrev": _style.ABBREV, "raw": _style.RAW, "verbose": _style.VERBOSE}


def line(args: tuple[int, ...], ret: int, data: bytes = b"", *, style: str = "abbrev",
         injected: bool = False, verbose_structs: bool = False) -> str:
    """The line strace prints (as with -a0) for prctl(*args) returning *ret*."""
    mem = Memory(data)
    kw = {"xstyle": STYLES[style], "abbrev": not verbose_structs}
    entry = format_entry("prctl", args, mem, **kw)
    full, rtext = format_exit("prctl", args, ret, mem, entry_text=entry, success=injected,
                              **kw)
    return format_syscall_line("prctl", full, rtext, column=0)


# (arguments, data at A, return value, the line)
LINES = [
    # options without arguments; the option is an int, its upper half ignored
    ((BAD | 7, 0xFACEFEEDDEADBEEF), b"", 0, "prctl(PR_GET_KEEPCAPS) = 0"),
    ((BAD | 32, 0xFACEFEEDDEADBEEF), b"", 0, "prctl(PR_TASK_PERF_EVENTS_ENABLE) = 0"),
    ((0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC, 0xFFFFFFFB), b"", EINVAL,
     "prctl(0xffffffff /* PR_??? */, 0xfffffffe, 0xfffffffd, 0xfffffffc, 0xfffffffb)"
     " = " + EINVAL_TEXT),
    # options newer than strace 6.1 are unknown to it
    ((65, 1, 0, 0, 0), b"", EINVAL, "prctl(0x41 /* PR_??? */, 0x1, 0, 0, 0) = " + EINVAL_TEXT),
    # an int written by the kernel: at exit, its address when the call failed
    ((BAD | 37, A), struct.pack("<I", 1), 0, "prctl(PR_GET_CHILD_SUBREAPER, [1]) = 0"),
    ((BAD | 19, 0), b"", EFAULT, "prctl(PR_GET_ENDIAN, NULL) = -1 EFAULT (Bad address)"),
    ((BAD | 9, 0x1E55C0DE00000000), b"", EFAULT,
     "prctl(PR_GET_FPEMU, 0x1e55c0de00000000) = -1 EFAULT (Bad address)"),
    ((2, A), struct.pack("<i", 2), 0, "prctl(PR_GET_PDEATHSIG, [SIGINT]) = 0"),
    ((2, A + 4), struct.pack("<i", 2), 0, "prctl(PR_GET_PDEATHSIG, 0x10004) = 0"),
    ((25, A), struct.pack("<I", 2), 0, "prctl(PR_GET_TSC, [PR_TSC_SIGSEGV]) = 0"),
    ((5, A), struct.pack("<I", 2), 0, "prctl(PR_GET_UNALIGN, [PR_UNALIGN_SIGBUS]) = 0"),
    ((40, A), struct.pack("<Q", 0xBADC0DEDDA7A1057), 0,
     "prctl(PR_GET_TID_ADDRESS, [0xbadc0dedda7a1057]) = 0"),
    ((40, A), struct.pack("<Q", 0), 0, "prctl(PR_GET_TID_ADDRESS, [NULL]) = 0"),
    # signals: a number past 128 is printed as a number
    ((1, 0xBADC0DEDDEADFEED), b"", EINVAL,
     "prctl(PR_SET_PDEATHSIG, %d) = %s" % (0xBADC0DEDDEADFEED, EINVAL_TEXT)),
    ((1, 2), b"", 0, "prctl(PR_SET_PDEATHSIG, SIGINT) = 0"),
    # values named by a table, the whole register (printxval64) or its int (printxval)
    ((4, 0xDEADC0DE00000001), b"", EINVAL,
     "prctl(PR_SET_DUMPABLE, 0xdeadc0de00000001 /* SUID_DUMP_??? */) = " + EINVAL_TEXT),
    ((4, 2), b"", EINVAL, "prctl(PR_SET_DUMPABLE, SUID_DUMP_ROOT) = " + EINVAL_TEXT),
    ((3, 0xDEADC0DEFACEBEEF), b"", 1, "prctl(PR_GET_DUMPABLE) = 1 (SUID_DUMP_USER)"),
    ((26, 0xDEADC0DEFACEBEEF), b"", EINVAL,
     "prctl(PR_SET_TSC, 0xfacebeef /* PR_TSC_??? */) = " + EINVAL_TEXT),
    ((26, 0), b"", EINVAL, "prctl(PR_SET_TSC, 0 /* PR_TSC_??? */) = " + EINVAL_TEXT),
    ((6, 0xFF00), b"", EINVAL,
     "prctl(PR_SET_UNALIGN, 0xff00 /* PR_UNALIGN_??? */) = " + EINVAL_TEXT),
    ((24, 0xFF), b"", EINVAL, "prctl(PR_CAPBSET_DROP, 0xff /* CAP_??? */) = " + EINVAL_TEXT),
    ((47, 2, 13, 0, 0), b"", EINVAL,
     "prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW, 0, 0) = " + EINVAL_TEXT),
    ((47, 0xFF, 0xAAAA, 0xBBBB, 0xCCCC), b"", EINVAL,
     "prctl(PR_CAP_AMBIENT, 0xff /* PR_CAP_AMBIENT_??? */, 0xaaaa, 0xbbbb, 0xcccc) = "
     + EINVAL_TEXT),
    ((33, 1, 0xFF, 0, 0), b"", EINVAL,
     "prctl(PR_MCE_KILL, PR_MCE_KILL_SET, 0xff /* PR_MCE_KILL_??? */, 0, 0) = "
     + EINVAL_TEXT),
    ((33, 0xAAAA, 0xBBBB, 0xCCCC, 0xDDDD), b"", EINVAL,
     "prctl(PR_MCE_KILL, 0xaaaa /* PR_MCE_KILL_??? */, 0xbbbb, 0xcccc, 0xdddd) = "
     + EINVAL_TEXT),
    ((34, 0, 0, 0, 0), b"", 2, "prctl(PR_MCE_KILL_GET, 0, 0, 0, 0) = 2 (PR_MCE_KILL_DEFAULT)"),
    ((59, 0xFFFFFFFF00000000, 1, 1, 1), b"", EINVAL,
     "prctl(PR_SET_SYSCALL_USER_DISPATCH, 0xffffffff00000000 /* PR_SYS_DISPATCH_??? */,"
     " 0x1, 0x1, 0x1) = " + EINVAL_TEXT),
    ((59, 1, 0xDEADBEEFFACEFEED, 0, 0), b"", EINVAL,
     "prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, 0xdeadbeeffacefeed, 0, NULL)"
     " = " + EINVAL_TEXT),
    ((54, 0xBADC0DEDDADFACE0, 1, 2, 3), b"", EINVAL,
     "prctl(PR_PAC_RESET_KEYS, 0xbadc0deddadface0 /* PR_PAC_??? */, 0x1, 0x2, 0x3) = "
     + EINVAL_TEXT),
    ((54, 0xCAFE, 1, 2, 3), b"", EINVAL,
     "prctl(PR_PAC_RESET_KEYS, PR_PAC_APIBKEY|PR_PAC_APDAKEY|PR_PAC_APDBKEY|PR_PAC_APGAKEY"
     "|0xcae0, 0x1, 0x2, 0x3) = " + EINVAL_TEXT),
    # speculation: the set's state is one value, not a set
    ((53, 0, 3), b"", EINVAL,
     "prctl(PR_SET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, 0x3 /* PR_SPEC_??? */) = "
     + EINVAL_TEXT),
    ((53, 3, 0xDECAFEEDBEEFDA7E), b"", EINVAL,
     "prctl(PR_SET_SPECULATION_CTRL, 0x3 /* PR_SPEC_??? */, 0xdecafeedbeefda7e) = "
     + EINVAL_TEXT),
    # a task name: 15 bytes at most set, 16 got; an unterminated one is an address
    ((15, A), b"0123456789abcd\0", 0, 'prctl(PR_SET_NAME, "0123456789abcd") = 0'),
    ((15, A), b"0123456789abcde\0", 0, 'prctl(PR_SET_NAME, "0123456789abcde"...) = 0'),
    ((15, A), b"0123", 0, "prctl(PR_SET_NAME, 0x10000) = 0"),
    ((16, A), b"0123456789abcde\0", 0, 'prctl(PR_GET_NAME, "0123456789abcde") = 0'),
    ((16, A), b"", EFAULT, "prctl(PR_GET_NAME, 0x10000) = -1 EFAULT (Bad address)"),
    # PR_SET_VMA: an address, a size, a string
    ((0xDEFACED00000000 | 0x53564D41, 0, 0, 1, A), b"name\0", EINVAL,
     'prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, NULL, 1, "name") = ' + EINVAL_TEXT),
    ((0x53564D41, 0xDEFACED0FACE1FED, A, 0xDEFACED0FACE2FED, A), b"", EINVAL,
     "prctl(PR_SET_VMA, 0xdefaced0face1fed /* PR_SET_VMA_??? */, 0x10000,"
     " 0xdefaced0face2fed, 0x10000) = " + EINVAL_TEXT),
    # bit sets of the whole register
    ((28, 0xDEADC0DEFACEBEEF), b"", EINVAL,
     "prctl(PR_SET_SECUREBITS, SECBIT_NOROOT|SECBIT_NOROOT_LOCKED|SECBIT_NO_SETUID_FIXUP|"
     "SECBIT_NO_SETUID_FIXUP_LOCKED|SECBIT_KEEP_CAPS_LOCKED|SECBIT_NO_CAP_AMBIENT_RAISE|"
     "SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED|0xdeadc0defacebe00) = " + EINVAL_TEXT),
    ((28, 0xBADC0DED00000000), b"", EINVAL,
     "prctl(PR_SET_SECUREBITS, 0xbadc0ded00000000 /* SECBIT_??? */) = " + EINVAL_TEXT),
    # seccomp: strict mode has no more arguments; an unknown mode prints them
    ((22, 1), b"", 0, "prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) = 0"),
    ((22, M64, 1, 2, 3), b"", EINVAL,
     "prctl(PR_SET_SECCOMP, 0xffffffffffffffff /* SECCOMP_MODE_??? */, 0x1, 0x2, 0x3) = "
     + EINVAL_TEXT),
    ((22, 2, A), struct.pack("<H6xQ", 3, 0x7F0000001000), EINVAL,
     "prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, {len=3, filter=0x7f0000001000}) = "
     + EINVAL_TEXT),
    # PR_SCHED_CORE: the id as its type says, the type named in a comment; GET's cookie
    ((62, BAD | 0, BAD | 1234, BAD | 0, A), struct.pack("<Q", 0xDEADC0DEBADC0DED), 0,
     "prctl(PR_SCHED_CORE, PR_SCHED_CORE_GET, 1234, 0 /* PIDTYPE_PID */,"
     " [0xdeadc0debadc0ded]) = 0"),
    ((62, 0, 1234, 1, A), b"", EINVAL,
     "prctl(PR_SCHED_CORE, PR_SCHED_CORE_GET, 1234, 0x1 /* PIDTYPE_TGID */, 0x10000) = "
     + EINVAL_TEXT),
    ((62, 4, 0xFFFFFFFF, 0xFFFFFFFF, A), b"", EINVAL,
     "prctl(PR_SCHED_CORE, 0x4 /* PR_SCHED_CORE_??? */, -1, 0xffffffff /* PIDTYPE_??? */,"
     " 0x10000) = " + EINVAL_TEXT),
    ((62, 1, 1234, 3, 0), b"", EINVAL,
     "prctl(PR_SCHED_CORE, PR_SCHED_CORE_CREATE, 1234, 0x3 /* PIDTYPE_SID */, NULL) = "
     + EINVAL_TEXT),
    # PR_SET_PTRACER: a process, or any
    ((0x59616D61, 0xBADC0DEDFFFFFFFF), b"", 0, "prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY) = 0"),
]


@pytest.mark.parametrize("args, data, ret, want", LINES, ids=[w[6:40] for *_, w in LINES])
def test_options(args: tuple[int, ...], data: bytes, ret: int, want: str) -> None:
    assert line(args, ret, data) == want


# (arguments, return value (injected), {style: the line})
STYLED = [
    ((60, 0x1E, 0x7FFFFFF0, 0, 1), 0, {
        "abbrev": "prctl(PR_PAC_SET_ENABLED_KEYS, PR_PAC_APIBKEY|PR_PAC_APDAKEY|"
                  "PR_PAC_APDBKEY|0x10, 0x7ffffff0 /* PR_PAC_??? */, 0, 0x1) = 0",
        "raw": "prctl(0x3c, 0x1e, 0x7ffffff0, 0, 0x1) = 0",
        "verbose": "prctl(0x3c /* PR_PAC_SET_ENABLED_KEYS */, 0x1e /* PR_PAC_APIBKEY|"
                   "PR_PAC_APDAKEY|PR_PAC_APDBKEY|0x10 */, 0x7ffffff0 /* PR_PAC_??? */,"
                   " 0, 0x1) = 0",
    }),
    # a returned bit set: in hex, named but raw; unknown bits alone are not named
    ((61, 0, 0, 0, 0), 0x1E, {
        "abbrev": "prctl(PR_PAC_GET_ENABLED_KEYS, 0, 0, 0, 0) = 0x1e"
                  " (PR_PAC_APIBKEY|PR_PAC_APDAKEY|PR_PAC_APDBKEY|0x10)",
        "raw": "prctl(0x3d, 0, 0, 0, 0) = 0x1e",
        "verbose": "prctl(0x3d /* PR_PAC_GET_ENABLED_KEYS */, 0, 0, 0, 0) = 0x1e"
                   " (PR_PAC_APIBKEY|PR_PAC_APDAKEY|PR_PAC_APDBKEY|0x10)",
    }),
    ((61, 0, 0, 0, 0), 0xBEEF0, {
        "abbrev": "prctl(PR_PAC_GET_ENABLED_KEYS, 0, 0, 0, 0) = 0xbeef0",
        "raw": "prctl(0x3d, 0, 0, 0, 0) = 0xbeef0",
        "verbose": "prctl(0x3d /* PR_PAC_GET_ENABLED_KEYS */, 0, 0, 0, 0) = 0xbeef0",
    }),
    ((27, 0xDEADC0DEFACEBEEF), 511, {
        "abbrev": "prctl(PR_GET_SECUREBITS) = 0x1ff (SECBIT_NOROOT|SECBIT_NOROOT_LOCKED|"
                  "SECBIT_NO_SETUID_FIXUP|SECBIT_NO_SETUID_FIXUP_LOCKED|SECBIT_KEEP_CAPS|"
                  "SECBIT_KEEP_CAPS_LOCKED|SECBIT_NO_CAP_AMBIENT_RAISE|"
                  "SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED|0x100)",
        "raw": "prctl(0x1b) = 0x1ff",
        "verbose": "prctl(0x1b /* PR_GET_SECUREBITS */) = 0x1ff (SECBIT_NOROOT|"
                   "SECBIT_NOROOT_LOCKED|SECBIT_NO_SETUID_FIXUP|SECBIT_NO_SETUID_FIXUP_LOCKED|"
                   "SECBIT_KEEP_CAPS|SECBIT_KEEP_CAPS_LOCKED|SECBIT_NO_CAP_AMBIENT_RAISE|"
                   "SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED|0x100)",
    }),
    ((46, 0xDECAFEEDBEEFDA7E), 0x23, {
        "abbrev": "prctl(PR_GET_FP_MODE) = 0x23 (PR_FP_MODE_FR|PR_FP_MODE_FRE|0x20)",
        "raw": "prctl(0x2e) = 0x23",
        "verbose": "prctl(0x2e /* PR_GET_FP_MODE */) = 0x23"
                   " (PR_FP_MODE_FR|PR_FP_MODE_FRE|0x20)",
    }),
    ((46, 0), 0, {
        "abbrev": "prctl(PR_GET_FP_MODE) = 0",
        "raw": "prctl(0x2e) = 0",
        "verbose": "prctl(0x2e /* PR_GET_FP_MODE */) = 0",
    }),
    # PR_GET_SPECULATION_CTRL: 0 has a name; an unknown control's state is a number
    ((52, 0, 0), 0, {
        "abbrev": "prctl(PR_GET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS) = 0"
                  " (PR_SPEC_NOT_AFFECTED)",
        "raw": "prctl(0x34, 0) = 0",
        "verbose": "prctl(0x34 /* PR_GET_SPECULATION_CTRL */, 0 /* PR_SPEC_STORE_BYPASS */)"
                   " = 0 (PR_SPEC_NOT_AFFECTED)",
    }),
    ((52, 3, 0), 42, {
        "abbrev": "prctl(PR_GET_SPECULATION_CTRL, 0x3 /* PR_SPEC_??? */) = 42",
        "raw": "prctl(0x34, 0x3) = 42",
        "verbose": "prctl(0x34 /* PR_GET_SPECULATION_CTRL */, 0x3 /* PR_SPEC_??? */) = 42",
    }),
    # vector lengths: the flags, then the length
    ((50, 0x2EA57, 1, 2, 3), 0x4EA57, {
        "abbrev": "prctl(PR_SVE_SET_VL, PR_SVE_VL_INHERIT|0xea57) = 0x4ea57"
                  " (PR_SVE_SET_VL_ONEXEC|0xea57)",
        "raw": "prctl(0x32, 0x2ea57) = 0x4ea57",
        "verbose": "prctl(0x32 /* PR_SVE_SET_VL */, 0x2ea57 /* PR_SVE_VL_INHERIT|0xea57 */)"
                   " = 0x4ea57 (PR_SVE_SET_VL_ONEXEC|0xea57)",
    }),
    ((63, 0xBADC0DED0000FACE, 1, 2, 3), 0xDEAD, {
        "abbrev": "prctl(PR_SME_SET_VL, 0xbadc0ded00000000|0xface) = 0xdead",
        "raw": "prctl(0x3f, 0xbadc0ded0000face) = 0xdead",
        "verbose": "prctl(0x3f /* PR_SME_SET_VL */, 0xbadc0ded0000face"
                   " /* 0xbadc0ded00000000|0xface */) = 0xdead",
    }),
    ((64, 1, 2, 3, 4), 0x10000, {
        "abbrev": "prctl(PR_SME_GET_VL) = 0x10000 (0x10000|0)",
        "raw": "prctl(0x40) = 0x10000",
        "verbose": "prctl(0x40 /* PR_SME_GET_VL */) = 0x10000 (0x10000|0)",
    }),
    # tagged addresses: always the enable bit and the MTE mode
    ((55, 0, 1, 2, 3), 0, {
        "abbrev": "prctl(PR_SET_TAGGED_ADDR_CTRL, !PR_TAGGED_ADDR_ENABLE|PR_MTE_TCF_NONE,"
                  " 0x1, 0x2, 0x3) = 0",
        "raw": "prctl(0x37, 0, 0x1, 0x2, 0x3) = 0",
        "verbose": "prctl(0x37 /* PR_SET_TAGGED_ADDR_CTRL */, 0 /* !PR_TAGGED_ADDR_ENABLE|"
                   "PR_MTE_TCF_NONE */, 0x1, 0x2, 0x3) = 0",
    }),
    ((55, M64, 1, 2, 3), 0, {
        "abbrev": "prctl(PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE|PR_MTE_TCF_MASK|"
                  "0xffff<<PR_MTE_TAG_SHIFT|0xfffffffffff80000, 0x1, 0x2, 0x3) = 0",
        "raw": "prctl(0x37, 0xffffffffffffffff, 0x1, 0x2, 0x3) = 0",
        "verbose": "prctl(0x37 /* PR_SET_TAGGED_ADDR_CTRL */, 0xffffffffffffffff"
                   " /* PR_TAGGED_ADDR_ENABLE|PR_MTE_TCF_MASK|0xffff<<PR_MTE_TAG_SHIFT|"
                   "0xfffffffffff80000 */, 0x1, 0x2, 0x3) = 0",
    }),
    ((56, 0, 0, 0, 0), 0x57AE57F4, {
        "abbrev": "prctl(PR_GET_TAGGED_ADDR_CTRL, 0, 0, 0, 0) = 0x57ae57f4"
                  " (!PR_TAGGED_ADDR_ENABLE|PR_MTE_TCF_ASYNC|0xcafe<<PR_MTE_TAG_SHIFT|"
                  "0x57a80000)",
        "raw": "prctl(0x38, 0, 0, 0, 0) = 0x57ae57f4",
        "verbose": "prctl(0x38 /* PR_GET_TAGGED_ADDR_CTRL */, 0, 0, 0, 0) = 0x57ae57f4"
                   " (!PR_TAGGED_ADDR_ENABLE|PR_MTE_TCF_ASYNC|0xcafe<<PR_MTE_TAG_SHIFT|"
                   "0x57a80000)",
    }),
    # the pid type is named whatever -X says, but raw; PR_SET_PTRACER_ANY is a -1
    ((62, 2, 77, 2, 0), 0, {
        "abbrev": "prctl(PR_SCHED_CORE, PR_SCHED_CORE_SHARE_TO, 77, 0x2 /* PIDTYPE_PGID */,"
                  " NULL) = 0",
        "raw": "prctl(0x3e, 0x2, 77, 0x2, NULL) = 0",
        "verbose": "prctl(0x3e /* PR_SCHED_CORE */, 0x2 /* PR_SCHED_CORE_SHARE_TO */, 77,"
                   " 0x2 /* PIDTYPE_PGID */, NULL) = 0",
    }),
    ((0x59616D61, M64), 0, {
        "abbrev": "prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY) = 0",
        "raw": "prctl(0x59616d61, -1) = 0",
        "verbose": "prctl(0x59616d61 /* PR_SET_PTRACER */, -1 /* PR_SET_PTRACER_ANY */) = 0",
    }),
]


@pytest.mark.parametrize("style", list(STYLES))
@pytest.mark.parametrize("args, ret, want", STYLED, ids=[w["raw"][6:30] for *_, w in STYLED])
def test_options_in_each_style(style: str, args: tuple[int, ...], ret: int,
                               want: dict[str, str]) -> None:
    assert line(args, ret, style=style, injected=True) == want[style]


def test_a_failed_get_prints_no_names() -> None:
    """An error is an error: the names of a returned set are not looked for."""
    assert line((46, 0), EINVAL) == "prctl(PR_GET_FP_MODE) = " + EINVAL_TEXT
    assert line((3, 0), EINVAL) == "prctl(PR_GET_DUMPABLE) = " + EINVAL_TEXT
    assert line((62, 0, 1, 0, A), EFAULT, struct.pack("<Q", 7)) == (
        "prctl(PR_SCHED_CORE, PR_SCHED_CORE_GET, 1, 0 /* PIDTYPE_PID */, 0x10000)"
        " = -1 EFAULT (Bad address)")


# -- seccomp's filters, with -v --------------------------------------------------------

def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("<HBBI", code, jt, jf, k)


def test_seccomp_filter_in_full() -> None:
    """strace's prctl-seccomp-filter-v: a load, jumps, returns with their actions."""
    prog = b"".join([
        _insn(0x20, 0, 0, 0),                      # BPF_LD|BPF_W|BPF_ABS
        _insn(0x15, 0, 1, 3),                      # BPF_JMP|BPF_K|BPF_JEQ
        _insn(0x06, 0, 0, 0x7FFF0000),             # BPF_RET|BPF_K, ALLOW
        _insn(0x06, 0, 0, 0x00050000 | 16),        # ERRNO|EBUSY
        _insn(0x06, 0, 0, 0),                      # KILL_THREAD
    ])
    data = struct.pack("<H6xQ", 5, A + 16) + prog
    assert line((22, 2, A), 0, data, verbose_structs=True) == (
        "prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, {len=5, filter=["
        "BPF_STMT(BPF_LD|BPF_W|BPF_ABS, 0), BPF_JUMP(BPF_JMP|BPF_K|BPF_JEQ, 0x3, 0, 0x1), "
        "BPF_STMT(BPF_RET|BPF_K, SECCOMP_RET_ALLOW), "
        "BPF_STMT(BPF_RET|BPF_K, SECCOMP_RET_ERRNO|0x10), "
        "BPF_STMT(BPF_RET|BPF_K, SECCOMP_RET_KILL_THREAD)]}) = 0")


def test_seccomp_filter_cut_short_where_unreadable() -> None:
    """The instructions that can be read, then the address of the first that cannot."""
    data = struct.pack("<H6xQ", 3, A + 16) + _insn(0x20, 0, 0, 4)
    assert line((22, 2, A), 0, data, verbose_structs=True) == (
        "prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, {len=3, filter=["
        "BPF_STMT(BPF_LD|BPF_W|BPF_ABS, 0x4), ... /* 0x10018 */]}) = 0")
    data = struct.pack("<H6xQ", 3, A + 64)
    assert line((22, 2, A), 0, data, verbose_structs=True) == (
        "prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, {len=3, filter=0x10040}) = 0")


def test_the_prefilter_of_aiotrace_reads_back() -> None:
    """aiotrace's own seccomp prefilter, compiled, prints as the program it is: every
    instruction a load, a jump or a return, none with an unknown code."""
    prog = compile_filter({0, 1, 257})
    n = len(prog) // 8
    data = struct.pack("<H6xQ", n, A + 16) + prog
    text = line((22, 2, A), 0, data, verbose_structs=True)
    body = text[text.index("filter=[") + 8: text.index("]}")]
    insns = body.split("), ")
    assert len(insns) == n
    assert all(i.startswith(("BPF_STMT(BPF_LD|BPF_W|BPF_ABS, ", "BPF_JUMP(BPF_JMP|BPF_K|",
                             "BPF_STMT(BPF_JMP|BPF_K|BPF_JA, ", "BPF_STMT(BPF_RET|BPF_K, "))
               for i in insns), insns
    assert "???" not in body
    assert "SECCOMP_RET_TRACE" in body and "SECCOMP_RET_ALLOW" in body


# -- seccomp(2) --------------------------------------------------------------------------

def seccomp_line(args: tuple[int, ...], ret: int, data: bytes = b"", **kw: bool) -> str:
    mem = Memory(data)
    entry = format_entry("seccomp", args, mem, **kw)
    full, rtext = format_exit("seccomp", args, ret, mem, entry_text=entry)
    return format_syscall_line("seccomp", full, rtext, column=0)


# (arguments, data at A, return value, the line): strace's tests/seccomp*.c
SECCOMP = [
    ((1, M64, A), struct.pack("<H6xQ", 7, 0x7F0000001000), EINVAL,
     "seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC|SECCOMP_FILTER_FLAG_LOG|"
     "SECCOMP_FILTER_FLAG_SPEC_ALLOW|SECCOMP_FILTER_FLAG_NEW_LISTENER|"
     "SECCOMP_FILTER_FLAG_TSYNC_ESRCH|SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV|0xffffffc0,"
     " {len=7, filter=0x7f0000001000}) = " + EINVAL_TEXT),
    ((1, (-64) & M64, A + 8), b"", EFAULT,
     "seccomp(SECCOMP_SET_MODE_FILTER, 0xffffffc0 /* SECCOMP_FILTER_FLAG_??? */, 0x10008)"
     " = -1 EFAULT (Bad address)"),
    # the operation and the flags are unsigned ints
    ((BAD | 2, BAD, A), struct.pack("<I", 0x7FFC0000), 0,
     "seccomp(SECCOMP_GET_ACTION_AVAIL, 0, [SECCOMP_RET_LOG]) = 0"),
    ((2, 0, A), struct.pack("<I", M64 & 0xFFFFFFFF), EINVAL,
     "seccomp(SECCOMP_GET_ACTION_AVAIL, 0, [0xffffffff /* SECCOMP_RET_??? */]) = "
     + EINVAL_TEXT),
    ((2, 0xCAFEF00D, 0), b"", EINVAL,
     "seccomp(SECCOMP_GET_ACTION_AVAIL, 0xcafef00d, NULL) = " + EINVAL_TEXT),
    # the sizes are written: at exit, the address when it failed
    ((BAD | 3, 0xDEADC0DE, A), struct.pack("<HHH", 80, 24, 64), 0,
     "seccomp(SECCOMP_GET_NOTIF_SIZES, 0xdeadc0de, {seccomp_notif=80,"
     " seccomp_notif_resp=24, seccomp_data=64}) = 0"),
    ((3, 0, A), struct.pack("<HHH", 80, 24, 64), EINVAL,
     "seccomp(SECCOMP_GET_NOTIF_SIZES, 0, 0x10000) = " + EINVAL_TEXT),
    ((0, 0, 0), b"", EINVAL, "seccomp(SECCOMP_SET_MODE_STRICT, 0, NULL) = " + EINVAL_TEXT),
    ((0xFF, 1, A), b"", EINVAL,
     "seccomp(0xff /* SECCOMP_SET_MODE_??? */, 0x1, 0x10000) = " + EINVAL_TEXT),
]


@pytest.mark.parametrize("args, data, ret, want", SECCOMP, ids=[w[8:40] for *_, w in SECCOMP])
def test_seccomp(args: tuple[int, ...], data: bytes, ret: int, want: str) -> None:
    assert seccomp_line(args, ret, data) == want


def test_seccomp_filter_with_v() -> None:
    prog = _insn(0x06, 0, 0, 0x7FFF0000)
    data = struct.pack("<H6xQ", 1, A + 16) + prog
    assert seccomp_line((1, 0, A), 0, data, abbrev=False) == (
        "seccomp(SECCOMP_SET_MODE_FILTER, 0, {len=1, filter=["
        "BPF_STMT(BPF_RET|BPF_K, SECCOMP_RET_ALLOW)]}) = 0")
