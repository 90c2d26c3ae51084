"""Shared pytest fixtures: event-loop backends, the compiled C test targets, and
clean-up of spawned processes.

The tests are in three folders: ``unit/`` (no tracee: tables, pure functions),
``tracing/`` (real programs through the library, on asyncio and trio and on both tracer
loops: the ``anyio_backend`` and ``tracer_loop`` fixtures) and ``cli/`` (the command,
against strace, on both tracer loops).

The C programs in ``tests/targets/*.c`` are compiled once per session into a
temporary directory; tests get their paths through the ``target`` fixture.
"""

from __future__ import annotations

import faulthandler
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable, Generator, Iterator

import pytest

TARGETS_SRC = Path(__file__).resolve().parent / "targets"
CFLAGS = ["-O1", "-g", "-Wall", "-pthread"]
# a target that needs other flags says so on its first line: "/* aiotrace-cflags: ..."
_OWN_FLAGS = re.compile(r"^\s*/\*\s*aiotrace-cflags:\s*(.*?)\s*(?:\*/)?\s*$")


def target_cflags(src: Path) -> list[str]:
    """The flags *src* is compiled with: its own (first line), or CFLAGS."""
    with open(src) as f:
        m = _OWN_FLAGS.match(f.readline())
    return m.group(1).split() if m else CFLAGS


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, None, None]:
    """The last line against hangs. pytest-timeout fails a test that runs too long by
    raising in it; if what it interrupted cannot be unwound (a tracer whose close waits
    for a tracee that never ends), the teardown would hang with no timeout left. So each
    test, setup and teardown included, also has a hard limit, three times the timeout:
    past it the stacks of every thread are printed and the run ends (exit status 1)
    instead of hanging CI. (The tracees die with the tracer: PTRACE_O_EXITKILL.)"""
    limit = item.config.getini("timeout")
    seconds = 3 * float(limit) if limit else 0.0
    timer = None
    if seconds > 0:
        timer = threading.Timer(seconds, _end_the_run, (item, seconds))
        timer.daemon = True
        timer.start()
    try:
        yield
    finally:
        if timer is not None:
            timer.cancel()
            timer.join()


def _end_the_run(item: pytest.Item, seconds: float) -> None:
    capman = item.config.pluginmanager.getplugin("capturemanager")
    if capman is not None:
        capman.suspend_global_capture(in_=True)   # (so that this reaches the terminal)
    sys.stderr.write(f"\n{item.nodeid}: still running {seconds:.0f} s after its setup began "
                     "(past pytest-timeout's limit, in a teardown that could not end); "
                     "ending the run. Every thread's stack:\n")
    faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
    sys.stderr.flush()
    os._exit(1)


UNIT = Path(__file__).resolve().parent / "unit"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A unit test has no tracee, so the matrix would only run it two or four times over
    for nothing: one that asks for it is refused (it belongs in tracing/ or cli/)."""
    matrix = ("tracer_loop", "anyio_backend")
    wrong = [item.nodeid for item in items
             if UNIT in item.path.parents
             and any(name in getattr(item, "fixturenames", ()) for name in matrix)]
    if wrong:
        raise pytest.UsageError(
            "these tests in tests/unit/ ask for the event-loop or tracer-loop matrix "
            "(anyio, tracer_loop); a test with a tracee belongs in tests/tracing/ or "
            "tests/cli/, a test without one needs neither: " + ", ".join(wrong))


class TargetBuildError(RuntimeError):
    """A test target failed to compile; the message holds the compiler's stderr."""


@pytest.fixture(params=["asyncio", "trio"], ids=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run every anyio test on both event loops."""
    return request.param


@pytest.fixture(params=["c", "python"], ids=["c-loop", "py-loop"])
def tracer_loop(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with each of the tracer thread's loops: the C loop (aiotrace/_core/
    _accel_*.c, the default) and the pure Python one (AIOTRACE_ACCEL=0), which must
    behave the same. (unit/test_cloop.py checks that the C loop is built at all.)"""
    if request.param == "python":
        monkeypatch.setenv("AIOTRACE_ACCEL", "0")
    else:
        monkeypatch.delenv("AIOTRACE_ACCEL", raising=False)
    return str(request.param)


@pytest.fixture(scope="session")
def targets_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Directory holding every ``tests/targets/NAME.c`` compiled to ``NAME``.

    All sources are compiled once per session, concurrently; any failure raises
    TargetBuildError carrying the compiler's stderr.
    """
    cc = shutil.which("cc")
    if cc is None:
        raise TargetBuildError("no C compiler: 'cc' is not on PATH")
    sources = sorted(TARGETS_SRC.glob("*.c"))
    if not sources:
        raise TargetBuildError(f"no C sources in {TARGETS_SRC}")
    out_dir = tmp_path_factory.mktemp("targets")

    builds = []
    for src in sources:
        cmd = [cc, *target_cflags(src), "-o", str(out_dir / src.stem), str(src)]
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )
        builds.append((cmd, proc))

    failures = []
    for cmd, proc in builds:
        out, err = proc.communicate()  # blocks until this compiler is done
        if proc.returncode != 0:
            failures.append(
                f"$ {' '.join(cmd)}\n(exit status {proc.returncode})\n{out}{err}"
            )
    if failures:
        raise TargetBuildError("compiling test targets failed:\n\n" + "\n".join(failures))
    return out_dir


@pytest.fixture(scope="session")
def target(targets_dir: Path) -> Callable[[str], str]:
    """``target(name)`` -> absolute path of the compiled ``tests/targets/NAME.c``."""

    def path_of(name: str) -> str:
        path = targets_dir / name
        if not (TARGETS_SRC / f"{name}.c").is_file() or not path.is_file():
            known = ", ".join(sorted(p.stem for p in TARGETS_SRC.glob("*.c")))
            raise LookupError(f"unknown test target {name!r} (known: {known})")
        return str(path.resolve())

    return path_of


@pytest.fixture
def spawned() -> Iterator[Callable[[subprocess.Popen], subprocess.Popen]]:
    """Register processes started by a test: ``spawned(popen)`` (returns popen).

    At teardown, even when the test failed, every registered process still alive
    is sent SIGKILL (which also ends stopped and ptrace-stopped processes) and
    waited for, so no zombie or stopped process outlives the test.
    """
    procs: list[subprocess.Popen] = []

    def register(proc: subprocess.Popen) -> subprocess.Popen:
        procs.append(proc)
        return proc

    yield register

    errors: list[BaseException] = []
    # Kill everything first, then reap: one process may hold up another.
    for proc in procs:
        try:
            proc.kill()  # no-op if Popen already reaped it
        except ProcessLookupError:
            pass
        except Exception as exc:  # keep going: the others must still be killed
            errors.append(exc)
    for proc in procs:
        try:
            proc.wait()
        except Exception as exc:
            errors.append(exc)
        finally:
            for stream in (proc.stdin, proc.stdout, proc.stderr):
                if stream is not None:
                    try:
                        stream.close()
                    except OSError:  # e.g. BrokenPipeError flushing a dead child's stdin
                        pass
    if errors:
        raise errors[0]


def _leftovers() -> list[str]:
    """Children of this process that are zombies or stopped, and tracees of this process."""
    me = str(__import__("os").getpid())
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text(errors="replace")   # (a name is any bytes)
        except OSError:
            continue
        fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
        state = fields.get("State", "")
        if fields.get("TracerPid", "0").strip() == me:
            found.append(f"{entry.name} ({fields.get('Name', '?').strip()}) is still traced by us")
        elif fields.get("PPid", "").strip() == me and state[:1] in ("Z", "t", "T"):
            found.append(f"{entry.name} ({fields.get('Name', '?').strip()}) left in state {state.strip()}")
    return found


@pytest.fixture(autouse=True)
def no_leftovers() -> Iterator[None]:
    """After every test (and after other fixtures cleaned up): nothing stopped, nothing
    unreaped, nothing still traced."""
    yield
    left = _leftovers()
    assert not left, "the test left processes behind: " + "; ".join(left)


@pytest.fixture
def quiet_stdin() -> Iterator[int]:
    """A stdin for tracees that must block reading it (the `blocker` target): the read end
    of a pipe nobody writes to, so the tracee waits until it is killed or the test ends,
    whatever stdin the test runner has (CI runs with none)."""
    r, w = os.pipe()
    try:
        yield r
    finally:
        os.close(r)
        os.close(w)
