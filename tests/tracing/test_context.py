"""Process context (events(context=True)): comm, exe, argv, cwd and parent of the process
that made each event, right across PR_SET_NAME, chdir, fork and an exec from a non-leader
thread; the family's tree. On real processes, on asyncio and trio, both tracer loops."""

from __future__ import annotations

import os

import pytest

import aiotrace
from aiotrace import Death, SyscallEntry

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]


# a seccomp prefilter: none (every call stops), one that lets prctl and chdir run without a
# stop (the observer then reads comm and cwd at each stop), one that stops at them too
PREFILTERS = [None, {"getppid"}, {"getppid", "prctl", "chdir", "fchdir"}]


@pytest.mark.parametrize("prefilter", PREFILTERS, ids=["no-prefilter", "prefilter",
                                                        "prefilter-changers"])
@pytest.mark.parametrize("intercept", [False, True], ids=["observer", "engine"])
async def test_context_across_name_chdir_fork_and_exec_from_a_thread(target, tmp_path,
                                                                     intercept, prefilter):
    """An observer's context is kept from the stops that change it (before: read at each
    stop); an engine's is read when it takes the event."""
    prog = target("context_steps")
    where = tmp_path / "elsewhere"
    where.mkdir()
    start = os.getcwd()
    seen = []
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([prog, str(where)], syscalls=prefilter)
        async with proc.events(SyscallEntry, syscalls={"getppid"}, context=True,
                               intercept=intercept) as calls:
            proc.resume()
            async for call in calls:
                seen.append(call.context)
                if intercept:
                    call.resume()
        assert await proc.wait() == 0
    assert len(seen) == 5
    a, b, c, d, e = seen
    parent, child = a.pid, d.pid
    assert parent == proc.pid and child != parent
    assert [x.comm for x in seen] == ["context_steps", "renamed", "renamed", "renamed",
                                      "context_steps"]
    assert [x.cwd for x in seen] == [start, start, str(where), str(where), str(where)]
    assert [x.exe for x in seen] == [prog] * 5
    assert [x.argv for x in seen] == [(prog, str(where))] * 4 + [(prog, "done")]
    assert [x.pid for x in seen] == [parent] * 3 + [child] * 2
    # the exec'ing thread took the leader's tid
    assert [x.tid for x in seen] == [parent] * 3 + [child] * 2
    assert [x.ppid for x in seen] == [os.getpid()] * 3 + [parent] * 2


async def test_no_context_unless_asked(target, tmp_path):
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("context_steps"), str(tmp_path)])
        async with proc.events(SyscallEntry, syscalls={"getppid"}) as calls:
            proc.resume()
            contexts = [call.context async for call in calls]
        assert await proc.wait() == 0
    assert contexts == [None] * 5


async def test_death_keeps_what_was_known(target, tmp_path):
    prog = target("context_steps")
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([prog, str(tmp_path)])
        async with proc.events(SyscallEntry, Death, syscalls={"getppid"},
                               context=True) as evs:
            proc.resume()
            deaths = [ev.context for ev in [ev async for ev in evs] if isinstance(ev, Death)]
        assert await proc.wait() == 0
    assert deaths and all(c.exe == prog and c.comm is None and c.cwd is None for c in deaths)


async def test_tree_and_live_context(target, tmp_path):
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("context_steps"), str(tmp_path)])
        live = proc.context()
        assert (live.pid, live.exe, live.argv[1:]) == (proc.pid, target("context_steps"),
                                                      (str(tmp_path),))
        async with proc.events(SyscallEntry, syscalls={"getppid"}, intercept=True) as calls:
            proc.resume()
            async for call in calls:
                if call.pid != proc.pid:
                    # the child, held at its marker: both are in the tree
                    assert proc.tree() == {0: [proc.pid], proc.pid: [call.pid], call.pid: []}
                call.resume()
        assert await proc.wait() == 0


async def test_context_flag_is_checked(target):
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("context_steps"), "/"])
        with pytest.raises(TypeError, match="context takes True or False"):
            proc.events(context="yes")
        proc.kill()
        await proc.wait()


async def test_only_the_stream_that_asks_gets_a_context(target, tmp_path):
    """Two observers of the same calls, one with context=True: the other one's events
    have no context (before, on the Python loop, the first stream's snapshot was set on
    the event that both got). Both orders of subscription."""
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("context_steps"), str(tmp_path)])
        first = proc.events(SyscallEntry, syscalls={"getppid"})
        with_ctx = proc.events(SyscallEntry, syscalls={"getppid"}, context=True)
        last = proc.events(SyscallEntry, syscalls={"getppid"})
        proc.resume()
        assert await proc.wait() == 0
        async with first, with_ctx, last:
            plain = [ev async for ev in first] + [ev async for ev in last]
            asked = [ev async for ev in with_ctx]
    assert len(plain) == 10 and len(asked) == 5
    assert [ev.context for ev in plain] == [None] * 10
    assert all(ev.context is not None and ev.context.pid == ev.pid for ev in asked)


@pytest.mark.parametrize("prefilter", [PREFILTERS[0], PREFILTERS[2]],
                         ids=["no-prefilter", "prefilter-changers"])
async def test_a_context_made_after_its_thread_went_on_is_its_stops(target, tmp_path,
                                                                    prefilter):
    """The event loop is kept from running (a blocking read of the program's stdout, to
    its end) while the program runs, so that on the C loop every event is made by the
    tracer thread at the next stop that Python handles: the first one's after the
    program renamed itself. Its context is still the one of its stop (before, the first
    event's comm was read when it was made: "renamed")."""
    prog = target("context_steps")
    r, w = os.pipe()
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([prog, str(tmp_path)], stdout=w, syscalls=prefilter)
        os.close(w)
        async with proc.events(SyscallEntry, syscalls={"getppid"}, context=True) as calls:
            proc.resume()
            with os.fdopen(r, "rb") as out:
                assert out.read() == b""   # (blocks until every process has ended)
            seen = [call.context async for call in calls]
        assert await proc.wait() == 0
    assert [x.comm for x in seen] == ["context_steps", "renamed", "renamed", "renamed",
                                      "context_steps"]
    assert [x.cwd for x in seen] == [os.getcwd()] * 2 + [str(tmp_path)] * 3
