# SPDX-License-Identifier: GPL-2.0-or-later
"""What the command leaves unimported on a plain run (start-up time, issue 24), and its
search of PATH, which spares it ``shutil``.

Nothing is timed here: benchmarks/startup.py measures the time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from aiotrace._cli._internals import which

# Modules a plain `aiotrace run -o FILE -- PROG` does not need: the other event loop, the
# data layer and its extras, the engines (-c), and standard modules used only by options
# (json: --json and -c's; difflib, tempfile: a misspelt name, -e read=) or not at all
# (shutil, which loads bz2 and lzma; pathlib, which an editable install's path finder
# imports at start-up anyway, a wheel's not).
NOT_ON_A_PLAIN_RUN = [
    "trio", "aiotrace._reactor._backend_trio", "aiotrace._data", "pyarrow", "pandas", "numpy",
    "aiotrace.engines", "json", "difflib", "tempfile", "shutil", "bz2", "lzma", "pathlib",
    # the decoders of calls `true` does not make (each is imported when a call first needs
    # it), with their tables, and computing the late captures (which imports them all)
    "aiotrace._decode._ioctl", "aiotrace._decode._ioctl_block", "aiotrace._decode._netlink",
    "aiotrace._decode._netlink_route", "aiotrace._decode._misc_bpf",
    "aiotrace._decode._bpf_attr", "aiotrace._decode._io_uring",
    "aiotrace._decode._io_uring_register", "aiotrace._decode._misc_perf",
    "aiotrace._decode._misc_keyctl", "aiotrace._decode._misc_ptrace",
    "aiotrace._decode._prctl", "aiotrace._decode._sockopt", "aiotrace._decode._mmsg",
    "aiotrace._decode._xlat_bpf", "aiotrace._decode._xlat_io_uring",
    "aiotrace._decode._xlat_ioctl", "aiotrace._decode._xlat_netlink",
    "aiotrace._decode._misc_quota", "aiotrace._decode._misc_uffd",
    # breakpoints and stacks (--probe, -k): made by the first probe armed
    "aiotrace._core._probes", "aiotrace._core._breakpoints", "aiotrace._core._xol",
    "aiotrace._core._symbols", "aiotrace._core._unwind", "aiotrace._core._cfi",
    "aiotrace._core._resolve", "aiotrace._probing", "aiotrace._cli._probes",
]

# main() as the command runs it (no argv: it lets go of this process's stdout, so the
# findings go to a file)
_RUN = """
import gc, os, sys
IMPORTS = ("aiotrace._cli", "anyio._backends", "asyncio")
during = []   # (collections while those modules were being imported)

def importing(name):
    module = sys.modules[name]
    # (aiotrace._cli pauses the collector in its first line: not while its source, when
    # there is no .pyc, is compiled)
    begun = name != "aiotrace._cli" or hasattr(module, "_gc")
    return (name.startswith(IMPORTS) and getattr(module.__spec__, "_initializing", 0)
            and begun)

gc.callbacks.append(lambda phase, info: phase == "start"
                    and any(importing(name) for name in list(sys.modules))
                    and during.append(info["generation"]))
from aiotrace._cli import main
imported = gc.isenabled()
sys.argv = ["aiotrace", "run", "-o", os.devnull, "--", "true"]
status = main()
# (tables made on first use that a plain run does not use: paths= streams' steps, the
# names of KVM exits)
pathrules = sys.modules["aiotrace._core._pathrules"]
made = (pathrules._steps.cache_info().currsize + pathrules.c_calls.cache_info().currsize
        + ("KVM_EXIT_REASONS" in vars(sys.modules["aiotrace._decode._xlat_kvm"])))
with open(sys.argv_out, "w") as f:
    print(status, imported, gc.isenabled(), len(during), gc.get_freeze_count() > 0, made,
          *sys.modules, file=f)
"""


def _modules_after(code: str) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    return out.split()


@pytest.mark.timeout(90)
def test_a_plain_run_leaves_what_it_does_not_use_unimported(tracer_loop, tmp_path):
    before = set(_modules_after("import sys\nprint(*sys.modules)"))
    out = tmp_path / "out"
    subprocess.run([sys.executable, "-c", f"import sys; sys.argv_out = {str(out)!r}\n" + _RUN],
                   stdin=subprocess.DEVNULL, capture_output=True, check=True, timeout=60)
    status, imported, collecting, during, frozen, made, *after = out.read_text().split()
    assert status == "0"
    assert made == "0"
    # (the check can fail: it sees the modules of the run)
    assert {"aiotrace._cli._session", "aiotrace._reactor._backend_asyncio",
            "aiotrace._decode._files", "aiotrace._decode._specs"} <= set(after)
    assert sorted(m for m in NOT_ON_A_PLAIN_RUN if m in after and m not in before) == []
    # the collector, paused while the command's modules and the event loop's are imported
    # (no collection then), runs again after, with what was imported frozen
    assert (imported, collecting, during, frozen) == ("True", "True", "0", "True")


@pytest.mark.timeout(90)
def test_the_command_exits_without_the_interpreters_teardown(tracer_loop):
    """The command (`python -m aiotrace`, as the console script) ends with os._exit once
    its atexit functions have run and its standard output and error are flushed:
    `python -v` shows no module freed one by one, and the status and the output,
    block-buffered in a pipe, are whole. (Its standard output is let go of once the
    program runs, as strace does: the atexit function writes to standard error.)"""
    code = ("import atexit, runpy, sys\n"
            "atexit.register(lambda: sys.stderr.write('atexit ran\\n'))\n"
            "sys.stderr = open(2, 'w', buffering=1 << 16, closefd=False)\n"
            "sys.argv = ['aiotrace', '-o', '/dev/null', '--', 'sh', '-c', 'exit 7']\n"
            "runpy.run_module('aiotrace', run_name='__main__')\n")
    done = subprocess.run([sys.executable, "-v", "-c", code], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 7
    assert done.stderr.endswith("atexit ran\n")
    assert "# cleanup" not in done.stderr
    # (the check can fail: the usual exit frees the modules, and says so)
    usual = subprocess.run([sys.executable, "-v", "-c", "import aiotrace._cli"],
                           capture_output=True, text=True, timeout=60, check=True)
    assert "# cleanup" in usual.stderr


def test_importing_the_command_leaves_a_paused_collector_paused():
    code = "import gc\ngc.disable()\nimport aiotrace._cli\nprint(gc.isenabled())"
    assert _modules_after(code) == ["False"]


def test_importing_the_command_leaves_no_collection_due():
    # The collector, started again once the modules are imported, must not find them all
    # still counted as new: it would walk them at once (about 5 ms of a run's start-up).
    # (counted from the command's first line: not while its source is compiled, when
    # there is no .pyc)
    code = ("import gc, sys\ncollections = []\n"
            "gc.callbacks.append(lambda phase, info: phase == 'start' "
            "and hasattr(sys.modules.get('aiotrace._cli'), '_gc') "
            "and collections.append(info['generation']))\n"
            "import aiotrace._cli\nmade = [[] for _ in range(100)]\n"
            "print(gc.isenabled(), gc.get_freeze_count(), collections)")
    assert _modules_after(code) == ["True", "0", "[]"]


def _exe(path, mode=0o755):
    path.write_text("#!/bin/sh\n")
    path.chmod(mode)
    return path


def test_which_finds_what_shutil_which_finds(tmp_path, monkeypatch):
    a, b, c, d, e = (tmp_path / n for n in "abcde")
    for directory in (a, b, c, d, e):
        directory.mkdir()
    _exe(a / "prog", 0o644)   # (not executable)
    (b / "prog").mkdir()      # (a directory)
    _exe(c / "prog")
    _exe(d / "prog")
    _exe(e / "other")
    monkeypatch.chdir(d)      # (an empty entry of PATH is the working directory)
    missing = tmp_path / "missing"
    paths = [f"{a}:{b}:{c}:{d}", f"{d}:{c}", f"{a}:{b}", f"{missing}:{c}", f"{c}:{c}", "",
             ":", f"{a}::{c}", f"{a}:", f"{e}", f"{b}:{d}"]
    found = []
    for path in paths:
        for prog in ("prog", "other", "nothing", ""):
            expected = shutil.which(prog, path=path)
            assert which(prog, path) == expected, (prog, path)
            found.append(expected)
    # (the cases can fail: they find a program, in PATH order, and miss one)
    assert str(c / "prog") in found and str(d / "prog") in found and "prog" in found
    assert str(e / "other") in found and None in found
    assert os.path.isdir(b / "prog")
