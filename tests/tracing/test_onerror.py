"""Guards that fail closed: an intercepting stream's on_error decides what happens to the
call it holds when its engine raises, is cancelled, or its stream is closed; tracer.held()
shows what is held. On real processes, on asyncio and trio, with both tracer loops."""

from __future__ import annotations

import errno
import math

import anyio
import pytest

import aiotrace
from aiotrace import SyscallEntry, SyscallExit

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]


class Boom(Exception):
    pass


async def run_guarded(target, tmp_path, on_error, ending, cls=SyscallEntry):
    """openat_file on a file of tmp_path, with an engine that holds that file's openat and
    then ends without a verdict as *ending* says: "raise", "cancel", "close" (another
    task closes the stream), "bare" (a bare `async for` left by an exception), "deadline"
    (anyio.fail_after around an answer that never comes). Returns (stdout, returncode)."""
    data = tmp_path / "data"
    data.write_text("secret")
    out = tmp_path / "stdout"
    kw = {} if on_error is None else {"on_error": on_error}
    async with aiotrace.open_tracer() as tracer:
        with open(out, "wb") as f:
            proc = await tracer.spawn([target("openat_file"), str(data)], stdout=f)
        held = anyio.Event()
        never = anyio.Event()

        def is_ours(call):
            return call.thread.read_string(call.args[1]) == str(data).encode()

        async def engine(*, task_status=anyio.TASK_STATUS_IGNORED):
            stream = proc.events(cls, syscalls={"openat"}, intercept=True, **kw)
            if ending == "bare":
                task_status.started(stream)
                try:
                    async for call in stream:
                        if not is_ours(call):
                            call.resume()
                            continue
                        raise Boom
                except Boom:
                    pass
                return
            async with stream as calls:
                task_status.started(stream)
                async for call in calls:
                    if not is_ours(call):
                        call.resume()
                        continue
                    held.set()
                    if ending == "raise":
                        raise Boom
                    if ending == "deadline":
                        with anyio.fail_after(0.05):
                            await never.wait()     # (a policy service that never answers)
                    await anyio.sleep_forever()   # cancelled, or its stream closed

        scope = anyio.CancelScope()
        async with anyio.create_task_group() as tg:
            async def guarded(*, task_status=anyio.TASK_STATUS_IGNORED):
                with scope:
                    try:
                        await engine(task_status=task_status)
                    except (Boom, TimeoutError):
                        pass

            stream = await tg.start(guarded)
            proc.resume()
            if ending in ("cancel", "close"):
                await held.wait()
                if ending == "cancel":
                    scope.cancel()
                else:
                    await stream.aclose()
            rc = await proc.wait()
            tg.cancel_scope.cancel()
    return out.read_text(), rc


ENDINGS = ["raise", "cancel", "close", "bare", "deadline"]


@pytest.mark.parametrize("ending", ENDINGS)
async def test_default_resumes_the_call(target, tmp_path, ending):
    out, rc = await run_guarded(target, tmp_path, None, ending)
    assert (out, rc) == ("read 6: secret", 0)


@pytest.mark.parametrize("ending", ENDINGS)
async def test_errno_fails_the_held_call(target, tmp_path, ending):
    out, rc = await run_guarded(target, tmp_path, "EACCES", ending)
    assert (out, rc) == ("open failed: EACCES\n", 1)


@pytest.mark.parametrize("ending", ["raise", "close"])
async def test_errno_number_at_the_exit(target, tmp_path, ending):
    # at a syscall's exit the call has run: it returns -errno all the same
    out, rc = await run_guarded(target, tmp_path, errno.EPERM, ending, cls=SyscallExit)
    assert (out, rc) == ("open failed: EPERM\n", 1)


@pytest.mark.parametrize("ending", ["raise", "cancel", "close"])
async def test_kill_kills_the_process(target, tmp_path, ending):
    out, rc = await run_guarded(target, tmp_path, "kill", ending)
    assert (out, rc) == ("", -9)


async def test_explicit_resume_overrides_on_error(target, tmp_path):
    data = tmp_path / "data"
    data.write_text("secret")
    out = tmp_path / "stdout"
    async with aiotrace.open_tracer() as tracer:
        with open(out, "wb") as f:
            proc = await tracer.spawn([target("openat_file"), str(data)], stdout=f)
        async with proc.events(SyscallEntry, syscalls={"openat"}, intercept=True,
                               on_error="kill") as calls:
            proc.resume()
            async for call in calls:
                call.resume()
        assert await proc.wait() == 0
    assert out.read_text() == "read 6: secret"


async def test_bad_on_error_is_refused_at_subscription(target):
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("openat_file"), "/nonexistent"])
        with pytest.raises(ValueError, match="EFOO.*errno name"):
            proc.events(SyscallEntry, intercept=True, on_error="EFOO")
        with pytest.raises(ValueError, match="'fail'.*errno name"):
            proc.events(SyscallEntry, intercept=True, on_error="fail")
        with pytest.raises(ValueError, match="not an errno"):
            proc.events(SyscallEntry, intercept=True, on_error=0)
        with pytest.raises(TypeError, match="on_error takes"):
            proc.events(SyscallEntry, intercept=True, on_error=True)
        with pytest.raises(TypeError, match="on_error takes"):
            proc.events(SyscallEntry, intercept=True, on_error=math.pi)
        with pytest.raises(ValueError, match="intercepting"):
            proc.events(SyscallEntry, on_error="EACCES")
        proc.resume()
        assert await proc.wait() == 1


async def test_held_lists_what_is_held_and_by_whom(target, tmp_path):
    data = tmp_path / "data"
    data.write_text("x")
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("openat_file"), str(data)],
                                  stdout=open(tmp_path / "out", "wb"))
        # before resume(): the spawn hold
        (spawn,) = tracer.held()
        assert (spawn.pid, spawn.tid, spawn.reason, spawn.event, spawn.stream) == (
            proc.pid, proc.pid, "spawn", None, None)
        async with proc.events(SyscallEntry, syscalls={"openat"}, intercept=True) as calls:
            proc.resume()
            async for call in calls:
                if call.thread.read_string(call.args[1]) != str(data).encode():
                    call.resume()
                    continue
                (h,) = tracer.held()
                assert (h.pid, h.tid, h.reason, h.event, h.stream) == (
                    proc.pid, proc.pid, "engine", call, calls)
                assert h.since_ns == call.time_ns
                assert "openat" in repr(h) and "engine" in repr(h)
                call.resume()
                assert tracer.held() == []
        assert await proc.wait() == 0
        assert tracer.held() == []
