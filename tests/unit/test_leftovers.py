"""The suite's own guard, the no_leftovers fixture (tests/conftest.py): what it reads of
other processes, on this machine's real /proc (no tracee)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest


def test_a_process_whose_name_is_not_utf8(request: pytest.FixtureRequest,
                                          tmp_path: Path) -> None:
    """/proc/PID/status holds a process's name as its bytes: a name that is not UTF-8 (any
    process of the machine may have one) is read, and the process still reported."""
    conftest = request.config.pluginmanager.get_plugin(
        str(Path(__file__).resolve().parents[1] / "conftest.py"))
    program = os.path.join(os.fsencode(tmp_path), b"\xff\xfesleep")
    shutil.copy(shutil.which("sleep") or "/bin/sleep", program)
    proc = subprocess.Popen([program, "60"], stdin=subprocess.DEVNULL)
    try:
        os.kill(proc.pid, signal.SIGSTOP)
        _, status = os.waitpid(proc.pid, os.WUNTRACED)   # (stopped now: state T)
        assert os.WIFSTOPPED(status)
        left = conftest._leftovers()
        assert [line for line in left if line.startswith(f"{proc.pid} (")] == [
            f"{proc.pid} (\ufffd\ufffdsleep) left in state T (stopped)"]
    finally:
        proc.kill()
        proc.wait()
