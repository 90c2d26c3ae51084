# SPDX-License-Identifier: GPL-2.0-or-later
"""The command on a terminal: a program killed by a signal leaves aiotrace dying of the
same signal, with the terminal as it found it (the program may have left it raw), as
strace does; stdin itself is let go once the program runs."""

from __future__ import annotations

import os
import signal
import subprocess
import termios

import pytest

from cli_helpers import AIOTRACE, TIMEOUT

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops


def test_a_killed_program_leaves_the_terminal_as_it_was():
    master, slave = os.openpty()
    try:
        before = termios.tcgetattr(slave)
        assert before[3] & termios.ECHO
        r = subprocess.run(
            [*AIOTRACE, "run", "-e", "trace=none", "--",
             "sh", "-c", "stty raw -echo; kill -KILL $$"],
            stdin=slave, stdout=slave, stderr=subprocess.PIPE, text=True, timeout=TIMEOUT)
        assert r.returncode == -signal.SIGKILL, r.stderr
        assert "Traceback" not in r.stderr
        assert r.stderr.endswith("+++ killed by SIGKILL +++\n")
        after = termios.tcgetattr(slave)
        assert after[3] & termios.ECHO and after[3] & termios.ICANON
        assert after == before
    finally:
        os.close(master)
        os.close(slave)
