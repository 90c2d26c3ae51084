# SPDX-License-Identifier: GPL-2.0-or-later
"""strace's output modes on a real program, against strace: ``-X raw|abbrev|verbose``,
``-v``/``--no-abbrev``, ``-e verbose=``, ``-e raw=`` (the formats themselves are tested
as tables in tests/unit/test_output_modes.py)."""

from __future__ import annotations

import subprocess

import pytest

from cli_helpers import aiotrace, aiotrace_here, comparable, needs_strace, strace

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops


@needs_strace
@pytest.mark.parametrize("options", [
    ["-X", "raw"], ["-Xabbrev"], ["-Xverbose"], ["--const-print-style=verbose"],
    ["-v"], ["--no-abbrev", "-Xraw"], ["-v", "-Xverbose"],
    ["-e", "verbose=none"], ["-e", "verbose=!newfstatat", "-v"],
    ["-e", "raw=openat,read"], ["-e", "raw=%file,close"], ["--raw=close", "-Xverbose"],
    ["-e", "abbrev=none", "-e", "trace=newfstatat,execve"],
], ids=lambda o: " ".join(o))
def test_same_lines_as_strace(options, target, data_file):
    """A single process: the whole text is strace's, line for line (the loader's fstat of
    the libraries with -v: their times too)."""
    argv = [target("syscall_mix"), data_file]
    # (a first run, so that the files' access times are the same for both)
    subprocess.run(argv, stdout=subprocess.DEVNULL, check=True)
    a = aiotrace("run", *options, "--", *argv)
    s = strace(*options, *argv)
    assert (a.returncode, a.stdout) == (s.returncode, s.stdout)
    assert comparable(a.stderr) == comparable(s.stderr)


@pytest.mark.parametrize("options,message", [
    (["-X", "names"], "aiotrace: invalid -X argument: 'names' (raw, abbrev or verbose)"),
    (["-e", "abbrev=nosuchcall"], "aiotrace: invalid system call 'nosuchcall'"),
    (["-e", "raw=%nosuchclass"], "aiotrace: invalid system call '%nosuchclass'"),
])
def test_bad_modes_are_refused(capfd, options, message):
    r = aiotrace_here(capfd, "run", *options, "--", "true")
    assert r.returncode == 1
    assert r.stderr.splitlines()[0].startswith(message)
