"""The documentation: the site builds with warnings as errors (MkDocs, mkdocs-material,
mkdocstrings), and every notebook in docs/notebooks runs top to bottom in a real Jupyter
kernel (nbclient), on the asyncio kernel and with ``%autoawait trio``, with both tracer
loops. Their tools come with the extras ``docs`` and ``notebook`` (``make test`` installs
them); without them these tests are skipped, except in CI, where they fail."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "docs" / "notebooks").glob("*.ipynb"))


def _need(module: str, extra: str) -> None:
    if importlib.util.find_spec(module) is None:
        message = f"{module} is missing: pip install -e '.[{extra}]'"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.mark.timeout(300)
def test_the_site_builds_strict(tmp_path):
    _need("mkdocs", "docs")
    _need("mkdocstrings_handlers.python", "docs")
    out = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
         "-d", str(tmp_path / "site")],
        capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, timeout=280)
    assert out.returncode == 0, out.stderr
    site = tmp_path / "site"
    for page in ("tutorial", "engines", "notebooks", "api", "cli", "performance", "limits",
                 "examples"):
        assert (site / page / "index.html").is_file(), page
    api = (site / "api" / "index.html").read_text()
    for name in ("aiotrace.open_tracer", "aiotrace.start_tracer", "aiotrace.Tracer.spawn",
                 "aiotrace.Process.events", "aiotrace.SyscallExit", "aiotrace.TracerClosed",
                 "aiotrace.engines"):
        assert f'id="{name}"' in api, name   # documented from its docstring
    assert (site / "notebooks" / "tracing.ipynb").is_file()


def test_there_is_a_notebook():
    assert NOTEBOOKS


@pytest.mark.usefixtures("tracer_loop")
@pytest.mark.timeout(300)
@pytest.mark.parametrize("mode", ["asyncio", "autoawait-trio"])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_the_notebook_runs_in_a_kernel(path, mode, tmp_path):
    _need("nbclient", "notebook")
    _need("ipykernel", "notebook")
    import nbclient
    import nbformat

    nb = nbformat.read(path, as_version=4)
    if mode == "autoawait-trio":
        nb.cells.insert(0, nbformat.v4.new_code_cell("%autoawait trio"))
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()   # raises CellExecutionError, with the cell and its traceback
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "exit status 0" in text
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1   # the timeline
    tables = [o for o in outputs if "text/html" in o.get("data", {})]
    assert len(tables) >= 2   # the recording and its calls, as the notebook shows them
    # the live view: one output, updated in place (nbclient applies the updates), whose
    # last state shows the final count of calls
    live = [o for o in outputs
            if o.get("data", {}).get("text/plain", "").startswith("aiotrace live:")]
    assert len(live) == 1 and "<table>" in live[0]["data"]["text/html"]
    recorded = re.search(r"exit status 0 - (\d+) calls recorded", text)
    assert recorded, text
    head = live[0]["data"]["text/plain"].splitlines()[0]
    assert head.startswith(f"aiotrace live: {recorded[1]} calls, ") and "(finished)" in head
