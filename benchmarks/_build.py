"""Compile the benchmark workloads once, into benchmarks/.build/.

Sources come from benchmarks/workloads/, or from tests/targets/ for the programs the
tests already have (the getppid loop), so that each exists once.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / ".build"


def build(name: str) -> Path:
    src = HERE / "workloads" / f"{name}.c"
    if not src.exists():
        src = HERE.parent / "tests" / "targets" / f"{name}.c"
    exe = OUT / name
    if not exe.exists() or exe.stat().st_mtime < src.stat().st_mtime:
        OUT.mkdir(exist_ok=True)
        subprocess.run(["cc", "-O2", "-pthread", "-o", str(exe), str(src)], check=True)
    return exe
