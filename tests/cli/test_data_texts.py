"""A recording builds its tables without pandas (aiotrace/_data/_arrays.py)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("pyarrow")

from cli_helpers import TIMEOUT  # noqa: E402

pytestmark = [pytest.mark.usefixtures("tracer_loop")]


def test_a_recording_does_not_import_pandas(target):
    """A recording needs no pandas until a DataFrame is asked for (importing it costs
    about 0.2 s of CPU); its tables are the same either way (test_data_record)."""
    # (sh in wait4 while its child makes more calls than a chunk: rows merged in late;
    # and a small memory limit: batches spilled to a file)
    loop = target("getppid_loop")
    code = textwrap.dedent(f"""
        import subprocess, sys, anyio, aiotrace
        async def main():
            async with aiotrace.open_tracer() as tracer:
                proc = await tracer.spawn(["sh", "-c", "{loop} 17000; {loop} 3"],
                                          stdout=subprocess.DEVNULL)
                async with tracer.record(proc, memory_limit=1 << 16) as rec:
                    proc.resume()
                    await proc.wait()
                    await rec.done.wait()
            return rec
        rec = anyio.run(main)
        trace = rec.trace
        print(len(trace), rec._rec.spilled_rows > 0 and rec._rec.late_count > 0,
              "pandas" in sys.modules)
        """)
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    n, merged, pandas = r.stdout.split()
    assert int(n) > 17003 and merged == "True" and pandas == "False"
