# SPDX-License-Identifier: GPL-2.0-or-later
"""The memory a child started with clone(CLONE_VM) runs on outlives a tracer that let the
child go before its exec (the child may still be running on it)."""

from aiotrace._core import _spawn
from aiotrace._core._lifecycle import Lifecycle
from aiotrace._core._model import Tracees


def test_a_closing_tracer_keeps_the_memory_of_children_not_yet_execd():
    life = Lifecycle(Tracees(), None, None, None, None)  # type: ignore[arg-type]
    stack = bytearray(64)
    life.child_memory[12345] = stack
    life.close(kill_spawned=False)
    assert not life.child_memory
    assert any(kept is stack for kept in _spawn.let_go)
    _spawn.let_go.remove(stack)
