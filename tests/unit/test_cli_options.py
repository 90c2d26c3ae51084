# SPDX-License-Identifier: GPL-2.0-or-later
"""strace 6.1's options as the command reads them, no tracee: -e fault= (inject's older
spelling), bare class names in -e inject= sets, -Y / --decode-pids=, -o '|COMMAND'."""

from __future__ import annotations

import pytest

from aiotrace._cli._args import UsageError, parse_args
from aiotrace.engines import InjectRule


def _rules(*args: str) -> list[InjectRule]:
    return parse_args(["run", *args, "--", "true"]).injects


@pytest.mark.parametrize("args, want", [
    (["-e", "fault=chdir"], dict(error=38)),                       # ENOSYS by default
    (["-e", "fault=chdir:error=EPERM"], dict(error=1)),
    (["--fault=chdir:when=2+3"], dict(error=38, first=2, step=3)),
    (["-e", "fault=chdir:error=2:when=3..5"], dict(error=2, first=3, last=5)),
])
def test_fault(args, want):
    (rule,) = _rules(*args)
    assert rule.syscalls == frozenset({"chdir"})
    assert {k: getattr(rule, k) for k in want} == want
    assert rule.retval is None and rule.signal is None


@pytest.mark.parametrize("value", [
    "chdir:retval=0", "chdir:signal=1", "chdir:delay_enter=1", "chdir:poke_exit=@arg1=00",
    "chdir:42", "chdir:error=", "chdir:error=4096", "chdir:when=0", "chdir:error=1:error=2",
    "chdir:invalid", "nosuchcall",
])
def test_fault_refuses_what_inject_would_do(value):
    with pytest.raises(UsageError) as e:
        _rules("-e", "fault=" + value)
    assert str(e.value).startswith(f"invalid fault argument '{value}': ")


def test_bare_class_names_in_inject_sets():
    (rule,) = _rules("-e", "inject=process,getppid:retval=1")
    assert {"execve", "exit_group", "getppid"} <= rule.syscalls and "read" not in rule.syscalls
    (rule,) = _rules("-e", "fault=!process")
    assert "read" in rule.syscalls and "execve" not in rule.syscalls


@pytest.mark.parametrize("args, want", [
    ([], frozenset()), (["-Y"], {"comm"}), (["--decode-pids=comm"], {"comm"}),
    (["-e", "decode-pids=pidns,comm"], {"pidns", "comm"}),
    (["-e", "decode-pids=all"], {"pidns", "comm"}),
    (["-e", "decode-pids=!pidns"], {"comm"}),
    (["--decode-pids=pidns", "-Y"], {"comm"}),              # (the last one wins)
    (["-Y", "-e", "decode-pids=none"], frozenset()),
])
def test_decode_pids(args, want):
    assert parse_args(["run", *args, "--", "true"]).decode_pids == want


def test_decode_pids_mistakes():
    with pytest.raises(UsageError, match="invalid decode-pids 'names'"):
        parse_args(["run", "--decode-pids=names", "--", "true"])


def test_output_to_a_command():
    assert parse_args(["run", "-o", "|cat > x", "--", "true"]).output == "|cat > x"
    assert parse_args(["run", "-f", "-o", "!cat", "--", "true"]).output == "!cat"
    with pytest.raises(UsageError, match="piping the output and -ff"):
        parse_args(["run", "-ff", "-o", "|cat", "--", "true"])


@pytest.mark.parametrize("value, want", [
    ("0,3", (False, {0, 3})),
    ("!0,3", (True, {0, 3})),
    ("!!0,3", (False, {0, 3})),      # each leading '!' inverts what follows, as in strace
    ("!!!0,3", (True, {0, 3})),
    ("!!all", (True, set())),        # every descriptor
    ("!!!all", None),                # none
    ("!!none", None),
])
def test_read_write_sets_take_repeated_negations(value, want):
    for opt, field in (("read", "dump_read"), ("write", "dump_write")):
        got = getattr(parse_args(["run", "-e", f"{opt}={value}", "--", "true"]), field)
        assert (got if got is None else (got[0], set(got[1]))) == want
