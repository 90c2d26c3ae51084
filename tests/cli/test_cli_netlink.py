# SPDX-License-Identifier: GPL-2.0-or-later
"""Netlink on a real program, against strace: tests/targets/netlink_calls sends netlink
messages on sockets of a few protocols, peeks at an answer of the kernel, and sends the
same bytes on a UDP socket; the lines must be strace's (the data of a netlink socket as
messages, of the other as a string). The formats themselves are tested as tables in
tests/unit/test_netlink.py."""

from __future__ import annotations

import re

import pytest

from cli_helpers import aiotrace, needs_strace, strace

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops

CALLS = "trace=sendto,recvfrom,sendmsg"


@needs_strace
@pytest.mark.parametrize("options", [
    [], ["-s", "8"],
    # (-e verbose=none: the data as strings; sendmsg left out, whose msghdr aiotrace
    # still decodes there, as the UDP socket's address: see _udp)
    ["-e", "verbose=none", "-e", "trace=sendto,recvfrom"],
], ids=lambda o: " ".join(o) or "default")
def test_same_lines_as_strace(options, target):
    argv = [target("netlink_calls")]
    a = aiotrace("run", "-e", CALLS, *options, "--", *argv)
    s = strace("-e", CALLS, *options, *argv)
    assert (a.returncode, a.stdout) == (s.returncode, s.stdout) == (0, "")
    # (the program's calls were traced, and strace decoded netlink messages)
    assert s.stderr.count("\nsendto(") >= 6 and "nlmsg_type=NLMSG_NOOP" in s.stderr \
        or "verbose=none" in options
    if "verbose=none" in options:
        assert _udp(a.stderr) and _udp(s.stderr)
        a.stderr, s.stderr = a.stderr.replace(_udp(a.stderr), ""), s.stderr.replace(
            _udp(s.stderr), "")
    assert a.stderr.splitlines() == s.stderr.splitlines()


def _udp(text: str) -> str:
    """The address of the UDP socket's sendto (strace prints it as a hex address with
    -e verbose=none; aiotrace decodes it still)."""
    m = re.search(r", 0, (0x[0-9a-f]+|\{sa_family=AF_INET, [^}]*\}), 16\) = 20$", text, re.M)
    return m.group(1) if m else ""
