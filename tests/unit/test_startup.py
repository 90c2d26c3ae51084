"""What ``import aiotrace`` leaves unimported (start-up time, issue 24).

Pure: each check runs a fresh interpreter and looks at ``sys.modules``; nothing is timed
(benchmarks/startup.py measures the time).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

import aiotrace

# Imported on first use, not by ``import aiotrace``: the data layer and its extra, the
# decoders, the trio backend, and standard modules a plain run does not need.
NOT_AT_IMPORT = [
    "aiotrace._data", "aiotrace._decode", "pyarrow", "trio", "aiotrace._reactor._backend_trio",
    "subprocess", "shutil", "traceback", "socket",
]


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys\nprint(*sys.modules)"],
                         capture_output=True, text=True, check=True).stdout
    return set(out.split())


@pytest.mark.timeout(60)
def test_import_aiotrace_imports_nothing_else():
    # (every public name is imported on first use: the module __getattr__)
    before = _modules_after("")
    after = _modules_after("import aiotrace")
    assert "aiotrace" in after and "aiotrace" not in before
    assert sorted(after - before - {"aiotrace", "__future__"}) == []


@pytest.mark.timeout(60)
def test_a_name_binds_only_public_names_of_loaded_modules():
    # (Trace and RecordingError are given, not bound: vars(aiotrace) holds __all__'s names)
    got = _modules_after("import aiotrace._data._trace, aiotrace._reactor\n"
                         "import aiotrace\n"
                         "aiotrace.Tracer\n"
                         "print('Tracer-bound' * ('Tracer' in vars(aiotrace)))\n"
                         "print('SyscallExit-bound' * ('SyscallExit' in vars(aiotrace)))\n"
                         "print('Trace-bound' * ('Trace' in vars(aiotrace)))\n"
                         "assert aiotrace.Trace.__name__ == 'Trace'\n"
                         "print('Trace-bound-later' * ('Trace' in vars(aiotrace)))")
    assert {"Tracer-bound", "SyscallExit-bound"} <= got
    assert not {"Trace-bound", "Trace-bound-later"} & got


@pytest.mark.timeout(60)
def test_the_reactor_leaves_unused_modules_unimported():
    before = _modules_after("")
    after = _modules_after("import aiotrace._reactor")
    assert "aiotrace._core._tracer" in after   # (the check can fail: it sees aiotrace's modules)
    assert sorted(m for m in NOT_AT_IMPORT if m in after and m not in before) == []


@pytest.mark.timeout(60)
def test_every_public_name_imports_and_says_aiotrace():
    got = _modules_after("from aiotrace import *\n"
                         "import aiotrace\n"
                         "assert all(globals()[n] is getattr(aiotrace, n) for n in aiotrace.__all__)\n"
                         "assert aiotrace.Call.__module__ == 'aiotrace', aiotrace.Call.__module__")
    assert "aiotrace._data" in got   # (a lazy name imports its module when used)


def test_lazy_names_are_the_data_layers():
    from aiotrace import _data
    assert aiotrace.Call is _data.Call
    assert aiotrace.load is _data.load and aiotrace.record is _data.record
    assert {"Call", "load", "record", "Trace", "RecordingError"} <= set(dir(aiotrace))
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        aiotrace.nothing  # noqa: B018


@pytest.mark.timeout(60)
def test_the_commands_modules_leave_their_rare_helpers_unimported():
    # (suggestions for a misspelt name, -e read= spooling, JSON output: on use)
    before = _modules_after("")
    after = _modules_after("import aiotrace._cli")
    assert "aiotrace._cli._run" in after
    assert sorted(m for m in ("difflib", "tempfile", "json", "aiotrace._data")
                  if m in after and m not in before) == []
