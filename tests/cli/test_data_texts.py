"""The texts of a recording are the command's, call for call, though the recorder decodes
each distinct call that reads no memory once (aiotrace/_data/_quiet.py) and builds its
tables without pandas (aiotrace/_data/_arrays.py)."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("pyarrow")

import aiotrace  # noqa: E402
from cli_helpers import AIOTRACE, TIMEOUT, unpad  # noqa: E402

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]

# (their return values differ from run to run: the ids of the process, the time)
_IDS = re.compile(r"^(getpid|getppid|gettid|getpgrp|getpgid|getsid|times|time)\((.*)\) = "
                  r"\d+( \(.*\))?$")


def _comparable(lines: list[str]) -> list[str]:
    return [_IDS.sub(r"\1(\2) = ID", unpad(line)) for line in lines]


def _between_markers(lines: list[str]) -> list[str]:
    """The lines after write(1, "<<<\\n", 4) and before write(1, ">>>\\n", 4)."""
    start = lines.index('write(1, "<<<\\n", 4) = 4')
    end = lines.index('write(1, ">>>\\n", 4) = 4', start)
    return lines[start + 1:end]


@pytest.mark.parametrize("seed", (1, 2))
async def test_random_calls_have_the_texts_of_the_cli(target, tmp_path, seed):
    """fuzz_syscalls' calls (getpid, close(-5), lseek with random offsets, numbers no
    kernel knows, calls that read bad pointers...), repeated so that the same call comes
    back with the same and with other values: each line of the recording is the
    command's line of the same call."""
    argv = [target("fuzz_syscalls"), str(seed), "400"]
    out = tmp_path / "cli.txt"
    r = subprocess.run([*AIOTRACE, "run", "-o", str(out), "--", *argv], capture_output=True,
                       text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    assert r.returncode == 7, r.stderr
    cli = _between_markers(_comparable(out.read_text().splitlines()))
    trace = await aiotrace.record(argv, stdout=subprocess.DEVNULL)
    ours = _between_markers(_comparable([c.text for c in trace]))
    assert len(ours) == 400
    assert ours == cli


async def test_a_quiet_call_is_decoded_once(target, monkeypatch):
    """getppid() = PPID a thousand times: the decoder runs for the first calls only, the
    rows all have its text."""
    from aiotrace._cli._decoder import Decoder
    decoded = []
    capture = Decoder.capture

    def counting(self, ev, mem):
        if ev.kind.startswith("syscall.") and ev.name == "getppid":
            decoded.append(ev)
        return capture(self, ev, mem)

    monkeypatch.setattr(Decoder, "capture", counting)
    trace = await aiotrace.record([target("getppid_loop"), "1000"], stdout=subprocess.DEVNULL)
    calls = trace.filter(syscalls="getppid")
    assert len(calls) == 1000
    assert {c.text for c in calls} == {f"getppid() = {calls[0].retval}"}
    assert calls[0].retval > 1
    # (once per distinct registers: the first calls see what the start of the program
    # left in the unused ones, then the loop repeats the same)
    assert 2 <= len(decoded) <= 20


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
