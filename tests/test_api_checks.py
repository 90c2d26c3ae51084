"""The public API's boundary: bad values are refused at the call with a clear error,
before anything reaches the tracer thread; an error on the tracer thread reaches every
caller waiting for it. On real processes, on asyncio and trio, with both tracer loops."""

from __future__ import annotations

import anyio
import pytest

import aiotrace

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]


class _Injected(Exception):
    """An internal error made to happen on the tracer thread."""


def _crash_the_tracer_thread(tracer: aiotrace.Tracer) -> None:
    """A command that raises on the tracer thread, as a bug in aiotrace would."""
    def boom() -> None:
        raise _Injected("injected into the tracer thread by the test")
    tracer._core.post(boom)


def _is_the_crash(exc: BaseException) -> bool:
    return isinstance(exc, aiotrace.TracerClosed) and isinstance(exc.__cause__, _Injected)


@pytest.mark.timeout(20)
async def test_a_crash_of_the_tracer_thread_reaches_every_waiting_caller(target, capfd):
    """spawn(), attach() and detach() wait for the tracer thread's reply, shielded from
    cancellation: if the thread ends first (an internal error), they raise instead of
    waiting for ever, and so do wait() of a process whose status will never come and the
    tracer's close."""
    with pytest.raises(aiotrace.TracerClosed) as closed:
        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.spawn([target("getppid_loop"), "1"])
            _crash_the_tracer_thread(tracer)
            with pytest.raises(aiotrace.TracerClosed) as spawn_err:
                await tracer.spawn([target("getppid_loop"), "1"])   # (posted after the crash)
            assert _is_the_crash(spawn_err.value)
            assert "internal error" in str(spawn_err.value)
            for call in (proc.detach, proc.wait, lambda: tracer.attach(proc.pid)):
                with pytest.raises(aiotrace.TracerClosed) as err:
                    with anyio.fail_after(5):
                        await call()
                assert _is_the_crash(err.value)
    assert _is_the_crash(closed.value)
    assert "_Injected" in capfd.readouterr().err   # (the thread printed its traceback)
