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


async def test_policy_engine_fails_closed_when_the_service_does_not_answer():
    log = await load("policy_engine").main(mute=True, deadline=0.2)
    assert len(log) == 3
    assert [line.endswith(": denied (no answer)") for line in log[:2]] == [True, True]
    assert log[2] == "program exited with 0"


async def test_build_monitor_names_who_writes_what(tmp_path):
    alerts, summary, status = await load("build_monitor").main(str(tmp_path))
    assert status == 0
    # make -j2 runs the two rules in either order: compare what, not when
    assert sorted(a.split("]", 1)[0].split("[")[0] + a.split("]", 1)[1] for a in alerts) == [
        "cp writes a.o", "cp writes b.o", "touch writes a.o", "touch writes b.o"]
    assert sorted(n for n in summary.values()) == [1, 1, 1, 1]
    assert all(who.split("[")[0] in ("cp", "touch") for who in summary)


def test_build_monitor_is_under_30_lines():
    import inspect
    src = inspect.getsource(load("build_monitor").monitor).splitlines()
    code = [line for line in src if line.strip() and not line.strip().startswith("#")]
    assert len(code) < 30
