"""The written table of late captures (``aiotrace/_decode/_late.py``, which the command
reads at its start) is what the syscall table and the printers make of it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from aiotrace._decode import computed_late_captures, late_captures

ROOT = Path(__file__).resolve().parents[2]


def test_the_written_table_is_the_computed_one():
    # (on a difference: run scripts/late_table.py)
    written, computed = late_captures(), computed_late_captures()
    assert computed.entries and computed.copied   # (the check can fail: there are some)
    assert written == computed


@pytest.mark.timeout(60)
def test_the_script_checks_what_it_writes():
    got = subprocess.run([sys.executable, str(ROOT / "scripts" / "late_table.py"), "--check"],
                         capture_output=True, text=True, timeout=60)
    assert got.returncode == 0, got.stderr
