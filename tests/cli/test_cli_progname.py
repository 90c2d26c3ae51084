# SPDX-License-Identifier: GPL-2.0-or-later
"""The name the command's messages begin with: strace begins them with the name it was
invoked by (its argv[0]); so does aiotrace, by the name Python keeps (sys.argv[0]), as
a link or a program that runs its main() names it. Against strace invoked by a link of
the same name."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cli_helpers import STRACE, TIMEOUT, aiotrace, needs_strace

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops


def _named(tmp_path, name):
    """An aiotrace command at tmp_path/a/NAME (a script as pip's console script is), and
    strace at tmp_path/s/NAME (a link)."""
    (tmp_path / "a").mkdir()
    (tmp_path / "s").mkdir()
    ours = tmp_path / "a" / name
    ours.write_text(f"#!{sys.executable}\nimport sys\nfrom aiotrace._cli import main\n"
                    "sys.exit(main())\n")
    ours.chmod(0o755)
    theirs = tmp_path / "s" / name
    os.symlink(STRACE, theirs)
    return str(ours), str(theirs)


def _run(cmd, *args, cwd):
    return subprocess.run([cmd, *args], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=TIMEOUT, cwd=cwd)


@needs_strace
@pytest.mark.parametrize("args", [
    ["-o", "/dev/full", "-e", "trace=none", "true"],    # the trace cannot be written
    ["-e", "trace=none", "./not-executable"],           # exec: Permission denied
    ["--read=", "true"],                                # a mistake on the command line
    ["-e", "write=!!x", "true"],
], ids=["output", "exec", "usage", "usage-negated"])
def test_messages_begin_with_the_invoked_name_like_strace(tmp_path, args):
    ours, theirs = _named(tmp_path, "tracer")
    (tmp_path / "not-executable").write_text("")
    program = args.index("true") if "true" in args else args.index("./not-executable")
    a = _run(ours, "run", *args[:program], "--", *args[program:], cwd=tmp_path)
    s = _run(theirs, *args, cwd=tmp_path)
    assert a.returncode == s.returncode
    first = s.stderr.splitlines()[0]
    assert first.startswith(theirs + ": ")
    assert a.stderr.splitlines()[0] == ours + first[len(theirs):]


def test_aiotrace_itself_is_aiotrace():
    """python -m aiotrace (and the installed console script) say ``aiotrace:``."""
    a = aiotrace("run", "--read=", "--", "true")
    assert (a.returncode, a.stderr) == (1, "aiotrace: invalid descriptor ''\n")
