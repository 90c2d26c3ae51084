# SPDX-License-Identifier: GPL-2.0-or-later
"""Fixtures of the CLI tests (the helpers they share are in cli_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def data_file(tmp_path: Path) -> str:
    p = tmp_path / "data.txt"
    p.write_text("hello, world\n")
    return str(p)
