"""The shape of the public API: what is exported, the errors' classes.

Pure: no tracee (the behaviour behind these names is tested where it traces).
"""

from __future__ import annotations

import pytest

import aiotrace

MISUSES = ["NotIntercepted", "VerdictAlreadyGiven", "NotDetachable", "StreamClosedByLoop"]


@pytest.mark.parametrize("name", MISUSES)
def test_every_misuse_error_is_an_aiotrace_error_and_still_a_runtime_error(name):
    cls = getattr(aiotrace, name)
    assert issubclass(cls, aiotrace.AiotraceError)
    assert issubclass(cls, RuntimeError)   # (what aiotrace raised before: except still works)
    assert cls.__module__ == "aiotrace"
