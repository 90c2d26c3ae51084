"""The CLI's -k (stack traces, against strace -k) and --probe, on real programs, on both
tracer loops."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from aiotrace._core import _symbols

pytestmark = [pytest.mark.usefixtures("tracer_loop")]

STRACE = "/usr/bin/strace"


_FRAME = re.compile(r"^ > (\S+?)\((.*)\) \[(0x[0-9a-f]+)\]$")


def stack_blocks(text):
    """Each traced line (without its pid and values) and its frames: (module, symbol or
    "", offset), the offset of the frame in the module's file."""
    blocks = []
    for line in text.splitlines():
        m = _FRAME.match(line)
        if m:
            sym = m.group(2).rpartition("+")[0]
            blocks[-1][1].append((m.group(1), sym, int(m.group(3), 16)))
        elif line.startswith(("getppid", "write", "---")):
            blocks.append((line.split("(")[0].split(" {")[0], []))
    return blocks


def same_function(module, ours, theirs, offset):
    """Our name and strace's for the frame at file *offset* of *module*: the same, or two
    names of one function (write and __write), or strace's is the nearest symbol before
    an address that no symbol covers (libunwind names it so; aiotrace leaves it out)."""
    if ours == theirs:
        return True
    funcs = _symbols.image(module).functions
    if ours and theirs in funcs and funcs[theirs][0] == funcs[ours][0]:
        return True
    if not ours and theirs in funcs:
        value, size = funcs[theirs]
        return offset - 1 >= value + size   # (its file offset is its address in libc)
    return False


@pytest.mark.skipif(not os.path.exists(STRACE), reason="needs /usr/bin/strace")
def test_k_like_strace(target, tmp_path):
    prog = target("stack_calls")
    theirs = tmp_path / "strace.txt"
    ours = tmp_path / "aiotrace.txt"
    args = ["-k", "-e", "trace=getppid,write", "-o"]
    subprocess.run([STRACE, *args, str(theirs), prog], check=True, timeout=60,
                   stdout=subprocess.DEVNULL)
    subprocess.run([sys.executable, "-m", "aiotrace", "run", *args, str(ours), "--", prog],
                   check=True, timeout=60, stdout=subprocess.DEVNULL)
    a, b = stack_blocks(ours.read_text()), stack_blocks(theirs.read_text())
    assert [x[0] for x in a] == [x[0] for x in b] == [
        "getppid", "getppid", "--- SIGUSR1", "getppid", "write"]
    for (line, fa), (_, fb) in zip(a, b, strict=True):
        assert [(m, off) for m, _, off in fa] == [(m, off) for m, _, off in fb], line
        for (m, sa, off), (_, sb, _) in zip(fa, fb, strict=True):
            assert same_function(m, sa, sb, off), (line, m, sa, sb)
    resolved = sum(1 for _, fa in a for _, s, _ in fa if s)
    assert resolved >= 30   # (most frames are named)


def test_probe_option_prints_calls_and_returns(target, tmp_path):
    out = tmp_path / "trace.txt"
    r = subprocess.run([sys.executable, "-m", "aiotrace", "run", "-e", "trace=none",
                        "--probe=probe_calls:add,probe_calls:fact", "-o", str(out), "--",
                        target("probe_calls"), "0", "2"],
                       timeout=60, capture_output=True, text=True)
    assert (r.returncode, r.stdout) == (0, "sum=3 fact5=120\n")
    lines = out.read_text().splitlines()
    assert [ln.split("(")[0] for ln in lines[:3]] == ["add", "add", "fact"]
    assert lines[0].startswith("add(0, 0x1, ") and lines[0].endswith(") = 0x1")
    assert lines[1].startswith("add(0x1, 0x1, ") and lines[1].endswith(") = 0x2")
    assert lines[6].startswith("fact(0x1, ") and lines[6].endswith(") = 0x1")
    assert lines[7:11] == ["<... fact resumed> ) = 0x2", "<... fact resumed> ) = 0x6",
                           "<... fact resumed> ) = 0x18", "<... fact resumed> ) = 0x78"]
    assert lines[-1] == "+++ exited with 0 +++"


def test_probe_option_refuses_what_it_cannot_place(target):
    r = subprocess.run([sys.executable, "-m", "aiotrace", "run", "--probe=probe_calls:nope",
                        "--", target("probe_calls"), "0", "2"],
                       timeout=60, capture_output=True, text=True)
    assert r.returncode == 1 and r.stdout == ""
    assert "aiotrace: probe 'probe_calls:nope': no function 'nope'" in r.stderr


def test_probe_option_with_attach_is_refused():
    r = subprocess.run([sys.executable, "-m", "aiotrace", "attach", "--probe=main", "1"],
                       timeout=60, capture_output=True, text=True)
    assert r.returncode == 1
    assert "--probe works with 'run' only" in r.stderr
