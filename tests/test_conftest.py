"""The suite's own guards (tests/conftest.py), on what other programs may do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path



def test_leftovers_read_a_process_whose_name_is_not_utf8(tmp_path: Path) -> None:
    # (a process of any user may have such a name: test_cli runs one, and suites run side
    # by side; the guard reads every process's status after each test)
    sys.path.insert(0, str(Path(__file__).parent))
    try:
        from conftest import _leftovers
    finally:
        sys.path.pop(0)
    link = os.path.join(os.fsencode(tmp_path), b"t\xff")
    os.symlink(b"/bin/cat", link)
    # (cat waits on its stdin: the process is there, named t\xff, until the pipe closes;
    # a line it echoes says it runs the new program, past the exec that renames it)
    with subprocess.Popen([link], stdin=subprocess.PIPE, stdout=subprocess.PIPE) as cat:
        assert cat.stdin is not None and cat.stdout is not None
        try:
            cat.stdin.write(b"up\n")
            cat.stdin.flush()
            assert cat.stdout.readline() == b"up\n"
            with open(f"/proc/{cat.pid}/comm", "rb") as f:
                assert f.read() == b"t\xff\n"
            assert _leftovers() == []
        finally:
            cat.stdin.close()
    assert cat.returncode == 0
