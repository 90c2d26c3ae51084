"""Resolved paths (events(paths=...)): path arguments made absolute at the stop against
their dirfd or the working directory, descriptors followed (also over dup2), and the
paths= filter against strace -P on the same program. On real processes, on asyncio and
trio, both tracer loops."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess

import pytest

import aiotrace
from aiotrace import SyscallEntry, SyscallExit, _paths

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop", "path_rules")]


@pytest.fixture(params=["c-helper", "py-rules"])
def path_rules(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Each path argument a stop resolves in Python (the Python loop's stops, the C loop's
    that it leaves to Python) goes through the C loop's helper when the library is built,
    or through the same rules in Python (a build without a C compiler): both."""
    if request.param == "py-rules":
        monkeypatch.setattr(_paths, "COMPILED", False)
    return str(request.param)


def make_tree(tmp_path):
    d = tmp_path / "tree"
    (d / "sub").mkdir(parents=True)
    (d / "f").write_text("f")
    (d / "sub" / "g").write_text("g")
    return str(d)


async def calls_with_paths(argv, patterns, types=(SyscallEntry,), intercept=False):
    out = []
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn(argv, stdout=subprocess.DEVNULL)
        async with proc.events(*types, paths=patterns, intercept=intercept) as calls:
            proc.resume()
            async for call in calls:
                out.append((call.kind, call.name, call.paths))
                if intercept:
                    call.resume()
        rc = await proc.wait()
    return out, rc


@pytest.mark.parametrize("intercept", [False, True], ids=["observer", "engine"])
async def test_a_threads_own_working_directory_and_descriptors(target, tmp_path, intercept):
    """A thread that unshared its working directory (CLONE_FS) and moved: its relative
    paths and descriptors are its own (/proc/TID), not its process leader's (/proc/PID,
    which also has none once the leader has ended while other threads run)."""
    d = make_tree(tmp_path)
    got, rc = await calls_with_paths([target("paths_thread_cwd"), d], [d + "/"],
                                     intercept=intercept)
    assert rc == 0
    assert [(name, paths) for _, name, paths in got] == [
        ("chdir", (d,)), ("openat", (f"{d}/f",)), ("close", (f"{d}/f",))]


@pytest.mark.parametrize("intercept", [False, True], ids=["observer", "engine"])
async def test_paths_resolved_through_dirfd_chdir_and_dup2(target, tmp_path, intercept):
    d = make_tree(tmp_path)
    f, sub, g = f"{d}/f", f"{d}/sub", f"{d}/sub/g"
    got, rc = await calls_with_paths([target("paths_steps"), d], [d + "/"],
                                     intercept=intercept)
    assert rc == 0
    assert [(name, paths) for _, name, paths in got] == [
        ("openat", (d,)),
        ("openat", (f,)),          # openat(dfd, "f")
        ("openat", (f,)),          # openat(dfd, "sub/../f")
        ("fchdir", (d,)),
        ("chdir", (sub,)),         # chdir("sub") after fchdir(dfd)
        ("openat", (g,)),          # openat(AT_FDCWD, "g") in sub
        ("dup2", (g,)),            # fd 10 not open yet at the entry
        ("read", (g,)),            # fd 10, dup2'ed from g
        ("close", (g,)),
        ("close", (g,)),
        ("close", (f,)),
        ("close", (f,)),
        ("close", (d,)),
    ]


async def test_exit_events_and_a_glob(target, tmp_path):
    d = make_tree(tmp_path)
    got, rc = await calls_with_paths([target("paths_steps"), d], [d + "/sub*"],
                                     types=(SyscallExit,))
    assert rc == 0
    sub, g = f"{d}/sub", f"{d}/sub/g"
    # chdir("sub")'s exit names the directory it went to (not sub/sub); at dup2's exit fd
    # 10 is open on g too
    assert [(name, paths) for _, name, paths in got] == [
        ("chdir", (sub,)), ("openat", (g,)), ("dup2", (g, g)), ("read", (g,)),
    ]


async def test_paths_none_unless_asked(target, tmp_path):
    d = make_tree(tmp_path)
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("paths_steps"), d])
        async with proc.events(SyscallEntry, syscalls={"openat"}) as calls:
            proc.resume()
            assert {c.paths async for c in calls} == {None}
        assert await proc.wait() == 0


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
async def test_paths_filter_shows_what_strace_P_shows(tmp_path):
    f = tmp_path / "data"
    f.write_text("x" * 100)
    cat = shutil.which("cat")
    log = tmp_path / "strace.log"
    subprocess.run(["strace", "-qq", "-P", str(f), "-o", str(log), cat, str(f)],
                   check=True, stdout=subprocess.DEVNULL)
    strace_names = [line.split("(", 1)[0] for line in log.read_text().splitlines()
                    if line and not line.startswith("+++")]
    got, rc = await calls_with_paths([cat, str(f)], [str(f)])
    assert rc == 0
    assert strace_names and [name for _, name, _ in got] == strace_names


async def test_bad_paths_are_refused_at_subscription(target):
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("paths_steps"), "/"])
        with pytest.raises(ValueError, match="can never match"):
            proc.events(paths=["build/"])
        with pytest.raises(ValueError, match="can never match"):
            proc.events(paths=["/a\0b"])
        with pytest.raises(ValueError, match="paths is empty"):
            proc.events(paths=[])
        with pytest.raises(TypeError, match="list of absolute paths"):
            proc.events(paths="/build/")
        with pytest.raises(TypeError, match="not a path"):
            proc.events(paths=[3])
        proc.kill()
        await proc.wait()


async def test_a_call_with_a_decoder_of_its_own_uses_its_descriptor(target, tmp_path):
    """fcntl on a descriptor open on the file is one of the file's calls, as for
    ``aiotrace run -P`` and strace -P (the syscall table says its first argument is a
    descriptor)."""
    f = tmp_path / "data"
    f.write_text("x")
    got, rc = await calls_with_paths([target("fcntl_file"), str(f)], [str(f)])
    assert rc == 0
    assert [(name, paths) for _, name, paths in got] == [
        ("openat", (str(f),)), ("fcntl", (str(f),)), ("fcntl", (str(f),)),
        ("fcntl", (str(f),)), ("close", (str(f),)),
    ]


async def test_two_paths_streams_and_a_plain_one(target, tmp_path):
    """Streams of one process with different patterns each get the calls of their own
    (the C loop makes a record when a pattern of any of them matches, and each stream
    takes those that match its own); a stream of the same calls without paths= gets every
    call (then Python decides for the paths= streams at each stop)."""
    d = make_tree(tmp_path)
    f, sub, g = f"{d}/f", f"{d}/sub", f"{d}/sub/g"
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("paths_steps"), d], stdout=subprocess.DEVNULL)
        exact = proc.events(SyscallExit, paths=[f])
        under = proc.events(SyscallExit, paths=[sub + "/"])
        plain = proc.events(SyscallExit, syscalls={"dup2"})
        mixed = proc.events(SyscallExit, syscalls={"dup2"}, paths=[g])
        async with exact, under, plain, mixed:
            proc.resume()
            assert await proc.wait() == 0
            got = []
            for s in (exact, under, plain, mixed):
                got.append([(c.name, c.paths) async for c in s])
    assert got == [
        [("openat", (f,)), ("openat", (f,))],
        [("chdir", (sub,)), ("openat", (g,)), ("dup2", (g, g)), ("read", (g,))],
        [("dup2", None)],
        [("dup2", (g, g))],
    ]


async def test_paths_with_context(target, tmp_path):
    """paths= and context=True on one stream: each call's paths and its process's
    context at its stop (the working directory before and after chdir)."""
    d = make_tree(tmp_path)
    f, g = f"{d}/f", f"{d}/sub/g"
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("paths_steps"), d], stdout=subprocess.DEVNULL)
        async with proc.events(SyscallExit, syscalls={"openat"}, paths=[d + "/"],
                               context=True) as calls:
            proc.resume()
            got = [(c.paths, c.context.cwd, c.context.comm) async for c in calls]
        assert await proc.wait() == 0
    start = os.getcwd()
    assert got == [((d,), start, "paths_steps"), ((f,), start, "paths_steps"),
                   ((f,), start, "paths_steps"), ((g,), f"{d}/sub", "paths_steps")]


async def test_a_glob_and_a_plain_stream_of_the_same_calls(target, tmp_path, tracer_loop):
    """A glob (a set, "?" for a character beyond ASCII, "*" across "/") and a stream of
    the same calls without paths=: the glob stream gets the calls whose paths match, the
    plain one every call, without paths. On the C loop both are decided at the stop (a
    record per call that the glob matches or the plain stream wants): none is Python's."""
    d = make_tree(tmp_path / "é")
    sub, g = f"{d}/sub", f"{d}/sub/g"
    pattern = glob.escape(str(tmp_path)) + "/?/tree/[r-t]?b*"   # (? is é, two bytes)
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("paths_steps"), d], stdout=subprocess.DEVNULL)
        globbed = proc.events(SyscallExit, paths=[pattern])
        plain = proc.events(SyscallExit, syscalls={"dup2", "read"})
        async with globbed, plain:
            proc.resume()
            assert await proc.wait() == 0
            got = []
            for s in (globbed, plain):
                got.append([(c.name, c.paths) async for c in s])
        converted = proc._fam.converted
    assert got[0] == [("chdir", (sub,)), ("openat", (g,)), ("dup2", (g, g)), ("read", (g,))]
    assert got[1][-2:] == [("dup2", None), ("read", None)]
    # (the records the C loop made: the glob's calls, and the plain stream's reads of the
    # loader before them, each a record whatever its paths)
    assert converted == (len(got[0]) + len(got[1]) - 2 if tracer_loop == "c" else 0)


@pytest.mark.parametrize("overflow", ["drop", "drop_oldest"])
async def test_a_full_paths_stream_drops_as_a_plain_one(target, tmp_path, overflow):
    """A paths= stream of one event's room, never read while the program runs: "drop" keeps
    the first call that matches, "drop_oldest" the last, each with its paths, and counts
    the others (the Python loop decides at the stop, then finds the buffer full)."""
    d = make_tree(tmp_path)
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("paths_steps"), d], stdout=subprocess.DEVNULL)
        async with proc.events(SyscallEntry, paths=[d + "/"], buffer=1,
                               overflow=overflow) as calls:
            proc.resume()
            assert await proc.wait() == 0
            got = [(c.name, c.paths) async for c in calls]
            stats = calls.statistics()
    assert got == ([("openat", (d,))] if overflow == "drop" else [("close", (d,))])
    assert stats.dropped == 12   # (the 13 calls of test_paths_resolved_through_dirfd...)
