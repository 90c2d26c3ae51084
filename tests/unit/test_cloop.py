"""The tracer thread's C loop without a tracee: that its library is built and matches
its Python mirror, and its bookkeeping of releases. How it traces is in
tests/tracing/test_accel.py and every tracing test (the tracer_loop fixture)."""

from __future__ import annotations

import ctypes

from aiotrace._core._cloop import _binding as _accel


def test_the_library_matches_its_python_mirror() -> None:
    # (the layout check runs at load: a mismatch would turn the C loop off with a warning)
    lib = _accel.load()
    assert lib is not None, "the C loop is not built: pip install -e . needs a C compiler"
    assert lib.run is not None and lib.drain is not None
    assert ctypes.sizeof(_accel.Slot) == 120 and _accel.RECORD_SIZE == 360


def test_a_queued_release_ends_with_its_slot_whatever_its_state() -> None:
    # The C loop's bookkeeping alone (no tracee; at_release only queues while the tracer
    # thread is awake, and nothing here runs at_run). A release queued for a C hold must
    # leave the queue when Python takes a stop of that thread (killed: its death, or its
    # PTRACE_EVENT_EXIT stop) and when the slot is dropped, whatever state the slot is in
    # by then: left queued, it was resumed after its slot had been freed.
    lib = _accel.load()
    assert lib is not None
    ac = _accel.Accel(lib)
    fam = _accel.Family()
    for tid, step in ((10_001, "take"), (10_002, "drop"), (10_003, "take, then drop")):
        slot = _accel.Slot()
        slot.tid, slot.fam, slot.state, slot.gen = tid, ctypes.addressof(fam), _accel.S_HELD, 7
        assert lib.add(ac.ptr, ctypes.addressof(slot)) == 0
        assert lib.release(ac.ptr, ctypes.addressof(slot), 7, 0) == 1
        assert (slot.state, ac.core.releases) == (_accel.S_RELEASING, 1), step
        if step.startswith("take"):
            lib.take(ac.ptr, ctypes.addressof(slot))
            assert (slot.state, ac.core.releases) == (_accel.S_STOPPED, 0), step
            assert lib.release(ac.ptr, ctypes.addressof(slot), 7, 0) == 0, step   # Python's now
        if step.endswith("drop"):
            slot.state = _accel.S_STOPPED   # (as Python's _handle used to leave it)
            lib.delete(ac.ptr, tid)
            assert (slot.state, ac.core.releases) == (_accel.S_GONE, 0), step
        lib.apply_releases(ac.ptr)   # nothing queued: nothing resumed (no ptrace call)
        assert ac.core.releases == 0, step
        if not step.endswith("drop"):
            lib.delete(ac.ptr, tid)


def test_a_build_older_than_the_python_code_is_refused_with_what_to_do(tmp_path) -> None:
    # A library whose structures match but that lacks a function this Python code calls
    # (built before the function was added): loading it raises ImportError, which the
    # loader turns into a warning and the Python loop, not an AttributeError that stops
    # every tracer.
    import shutil
    import subprocess

    import pytest

    cc = shutil.which("cc")
    if cc is None:
        pytest.skip("no C compiler")
    cases = "".join(f"case {n}: return {v}LL; " for n, v in _accel._LAYOUT.items())
    src = tmp_path / "old.c"
    src.write_text("long long at_layout(int n) { switch (n) { %s} return -1; }\n" % cases)
    so = tmp_path / "old.so"
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(so), str(src)], check=True)
    with pytest.raises(ImportError, match="has no at_run: build it again"):
        _accel.Lib(str(so))
