# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl against strace: the names of the requests (with a parameter in the number, or
none: ``_IOC(...)``) and the arguments of the families aiotrace decodes, in each ``-X``
style (tests/targets/ioctl_requests.c)."""

from __future__ import annotations

import pytest

from cli_helpers import aiotrace, comparable, needs_strace, strace, unpad

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops


@needs_strace
@pytest.mark.parametrize("style", [[], ["-X", "raw"], ["-X", "verbose"], ["-v"]],
                         ids=["abbrev", "raw", "verbose", "v"])
def test_ioctl_requests_like_strace(style, target):
    argv = [target("ioctl_requests")]
    opts = [*style, "-e", "trace=ioctl", "-qq"]
    a = aiotrace("run", *opts, "--", *argv)
    s = strace(*opts, *argv)
    assert a.returncode == s.returncode == 0
    ours = [unpad(ln) for ln in comparable(a.stderr)]
    assert ours == [unpad(ln) for ln in comparable(s.stderr)]
    assert len(ours) == 42 and all(ln.startswith("ioctl(-1, ") for ln in ours)
