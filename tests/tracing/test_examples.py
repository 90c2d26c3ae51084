"""The runnable examples in docs/examples/ keep working."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"

pytestmark = pytest.mark.anyio


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


async def test_policy_engine_denies_one_connect():
    log = await load("policy_engine").main()
    assert len(log) == 3
    assert log[0].endswith(": allowed") and log[1].endswith(": denied")
    assert log[2] == "program exited with 0"


def test_policy_engine_as_a_script():
    out = subprocess.run([sys.executable, str(EXAMPLES / "policy_engine.py")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0
    lines = out.stdout.splitlines()
    assert lines[0].endswith(": connected") and lines[1].endswith(": Permission denied")
