# SPDX-License-Identifier: GPL-2.0-or-later
"""prctl and seccomp on a real program, against strace: tests/targets/prctl_calls makes
most prctl options' calls and seccomp's operations, with good and bad arguments, and
installs a seccomp filter; the lines must be
strace's, in each -X style, with -v (the filter's instructions), and with a return
value injected into every call (the "get" options' returned sets, named). The formats
themselves are tested as tables in tests/unit/test_prctl.py."""

from __future__ import annotations

import pytest

from cli_helpers import aiotrace, needs_strace, strace

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops


@needs_strace
@pytest.mark.parametrize("options", [
    [], ["-v"], ["-Xraw"], ["-Xverbose", "-v"],
    ["-e", "inject=prctl:retval=42"], ["-Xverbose", "-e", "inject=prctl:retval=0x1ff"],
    ["-Xraw", "-e", "inject=prctl:retval=0x1ff"],
], ids=lambda o: " ".join(o) or "default")
def test_same_lines_as_strace(options, target):
    """The whole text, as it is: the program prints no pid, and only fixed addresses."""
    argv = [target("prctl_calls")]
    a = aiotrace("run", "-e", "trace=prctl,seccomp", *options, "--", *argv)
    s = strace("-e", "trace=prctl,seccomp", *options, *argv)
    assert (a.returncode, a.stdout) == (s.returncode, s.stdout)
    # (all the program's calls were traced)
    assert s.stderr.count("\nprctl(") > 45 and s.stderr.count("\nseccomp(") == 7
    assert a.stderr.splitlines() == s.stderr.splitlines()
