"""Out-of-line execution plans and symbol tables, pure: tables of instructions and specs,
no tracee."""

from __future__ import annotations

import struct

import pytest

from aiotrace._core import _symbols, _xol

A = 0x555555555000   # where the "original" instruction is
NEAR = A + 0x10000   # a slot within reach
FAR = A + (3 << 31)  # a slot out of reach of rel32


def rel(frm: int, to: int) -> bytes:
    return struct.pack("<i", to - frm)


@pytest.mark.parametrize("code, kind, size", [
    (b"\x55", _xol.K_SLOT, 1),                                   # push rbp
    (b"\x48\x8d\x04\x37", _xol.K_SLOT, 4),                       # lea rax, [rdi+rsi]
    (b"\xc3", _xol.K_SLOT, 1),                                   # ret
    (b"\x0f\x05", _xol.K_SLOT, 2),                               # syscall
    (b"\xf3\x0f\x1e\xfa", _xol.K_NEXT, 4),                       # endbr64
    (b"\x90", _xol.K_NEXT, 1),                                   # nop
    (b"\xeb\x10", _xol.K_JUMP, 2),                               # jmp short
    (b"\xe9\x00\x01\x00\x00", _xol.K_JUMP, 5),                   # jmp rel32
    (b"\xe8\x00\x01\x00\x00", _xol.K_CALL, 5),                   # call rel32
    (b"\xff\xd0", _xol.K_CALL_INDIRECT, 2),                      # call rax
    (b"\xff\x15\x10\x00\x00\x00", _xol.K_CALL_INDIRECT, 6),      # call [rip+0x10]
    (b"\x74\x05", _xol.K_SLOT, 2),                               # je short
    (b"\x0f\x84\xf8\x01\x00\x00", _xol.K_SLOT, 6),               # je rel32
    (b"\xe3\x02", _xol.K_SLOT, 2),                               # jrcxz
    (b"\x80\x3d\x46\x1b\x14\x00\x00", _xol.K_SLOT, 7),           # cmp byte [rip+x], 0
])
def test_plans(code, kind, size):
    plan = _xol.analyze(code + b"\x90" * 16, A)
    assert (plan.kind, plan.size, plan.next) == (kind, size, A + size)


@pytest.mark.parametrize("code", [b"\xcc", b"\xf1", b"\xc7\xf8\x00\x00\x00\x00", b"\xff\xff"])
def test_refused(code):
    with pytest.raises(_xol.Unsupported):
        _xol.analyze(code + b"\x00" * 16, A)


def test_plain_copy_then_jump_back():
    plan = _xol.analyze(b"\x55" + b"\x90" * 15, A)
    assert _xol.slot_code(plan, NEAR) == b"\x55\xe9" + rel(NEAR + 6, A + 1)
    assert _xol.slot_code(plan, FAR) is None


def test_rip_relative_displacement_is_re_aimed():
    code = b"\x80\x3d\x46\x1b\x14\x00\x00"   # cmp byte [rip+0x141b46], 0
    plan = _xol.analyze(code + b"\x90" * 9, A)
    target = A + 7 + 0x141B46
    got = _xol.slot_code(plan, NEAR)
    assert got == b"\x80\x3d" + rel(NEAR + 7, target) + b"\x00\xe9" + rel(NEAR + 12, A + 7)


def test_conditional_jumps():
    plan = _xol.analyze(b"\x74\x05" + b"\x90" * 14, A)     # je A+7
    assert _xol.slot_code(plan, NEAR) == (b"\x0f\x84" + rel(NEAR + 6, A + 7)
                                          + b"\xe9" + rel(NEAR + 11, A + 2))
    plan = _xol.analyze(b"\xe3\x10" + b"\x90" * 14, A)     # jrcxz A+0x12
    code = _xol.slot_code(plan, NEAR)
    assert code == (b"\xe3\x02\xeb\x05\xe9" + rel(NEAR + 9, A + 0x12)
                    + b"\xe9" + rel(NEAR + 14, A + 2))
    # where a thread stopped in the slot would be in the original code
    assert _xol.original_address(plan, NEAR, NEAR) == A
    assert _xol.original_address(plan, NEAR, NEAR + 4) == A + 0x12
    assert _xol.original_address(plan, NEAR, NEAR + 9) == A + 2


def test_emulated_targets():
    assert _xol.analyze(b"\xe8\x00\x01\x00\x00" + b"\x90" * 11, A).target == A + 5 + 0x100
    plan = _xol.analyze(b"\x41\xff\x54\x24\x08" + b"\x90" * 11, A)   # call [r12+8]
    assert plan.operand == ("mem", "r12", None, 1, 8, None)

    class Regs:
        r12 = 0x1000
        fs_base = gs_base = 0
    assert _xol.operand_address(plan.operand, Regs) == 0x1008
    plan = _xol.analyze(b"\xff\x15\x10\x00\x00\x00" + b"\x90" * 10, A)   # call [rip+0x10]
    assert _xol.operand_address(plan.operand, Regs) == A + 6 + 0x10


@pytest.mark.parametrize("text, spec", [
    ("libc.so.6:malloc", _symbols.Spec("libc.so.6", "malloc", 0, None)),
    ("main", _symbols.Spec(None, "main", 0, None)),
    ("prog:main+0x10", _symbols.Spec("prog", "main", 16, None)),
    ("/usr/lib/x.so:f*", _symbols.Spec("/usr/lib/x.so", "f*", 0, None)),
    ("0x401136", _symbols.Spec(None, None, 0, 0x401136)),
    (0x401136, _symbols.Spec(None, None, 0, 0x401136)),
])
def test_specs(text, spec):
    assert _symbols.parse_spec(text) == spec


@pytest.mark.parametrize("text", ["", ":main", "libc.so.6:", "main+zz"])
def test_bad_specs(text):
    with pytest.raises(ValueError, match="probe"):
        _symbols.parse_spec(text)


def test_maps_and_symbols_of_a_program(target):
    path = target("probe_calls")
    img = _symbols.image(path)
    value, _ = img.functions["add"]
    assert img.symbol_at(value) == ("add", 0)
    assert img.symbol_at(value + 2) == ("add", 2)
    assert img.pie and img.needed == ["libc.so.6"]
    maps = _symbols.parse_maps(
        "55d0c0000000-55d0c0001000 r--p 00000000 08:01 42 /bin/x\n"
        "55d0c0001000-55d0c0002000 r-xp 00001000 08:01 42 /bin/x\n"
        "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]\n")
    assert maps[1] == _symbols.Region(0x55D0C0001000, 0x55D0C0002000, "r-xp", 0x1000, 42,
                                      "/bin/x")
    assert maps[1].executable and not maps[2].executable and maps[2].path == "[stack]"


def test_missing_extra_says_what_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "capstone", None)
    with pytest.raises(ImportError, match=r"pip install 'aiotrace\[probes\]'"):
        _symbols.need("capstone")
