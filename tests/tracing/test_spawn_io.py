"""spawn()'s pipes (stdin/stdout/stderr=subprocess.PIPE as anyio byte streams) and its
start_new_session= and executable=, on real processes, on asyncio and trio, with both tracer loops."""

from __future__ import annotations

import os
import subprocess

import anyio
import anyio.abc
import pytest

import aiotrace
from aiotrace import SyscallEntry, SyscallExit

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]


def _fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


async def _read_all(stream: anyio.abc.ByteReceiveStream) -> bytes:
    out = b""
    async for chunk in stream:
        out += chunk
    return out


async def test_stdin_and_stdout_pipes_carry_the_data_and_the_calls_are_traced():
    """cat copies what we send on its stdin pipe to its stdout pipe; the stream of its
    read/write calls sees the same bytes go through, and EOF on stdin ends it."""
    data = b"".join(b"line %d\n" % i for i in range(2000))   # more than a pipe holds
    before = _fds()
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert isinstance(proc.stdin, anyio.abc.ByteSendStream)
        assert isinstance(proc.stdout, anyio.abc.ByteReceiveStream)
        assert proc.stderr is None
        events = proc.events(SyscallExit, syscalls={"write"})
        proc.resume()
        got: list[bytes] = []
        written = 0

        async def feed() -> None:
            assert proc.stdin is not None
            await proc.stdin.send(data)
            await proc.stdin.aclose()

        async def read() -> None:
            assert proc.stdout is not None
            got.append(await _read_all(proc.stdout))
            await proc.stdout.aclose()

        async with anyio.create_task_group() as tg:
            tg.start_soon(feed)
            tg.start_soon(read)
            async with events:
                async for ev in events:
                    if ev.args[0] == 1 and ev.retval > 0:
                        written += ev.retval
        assert await proc.wait() == 0
    assert got == [data]
    assert written == len(data)
    assert _fds() == before


async def test_stderr_pipe_and_stderr_to_stdout():
    script = "echo out; echo err >&2; echo more"
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn(["sh", "-c", script], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        proc.resume()
        assert proc.stdout is not None and proc.stderr is not None
        out, err = await _read_all(proc.stdout), await _read_all(proc.stderr)
        assert await proc.wait() == 0
        both = await tracer.spawn(["sh", "-c", script], stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        both.resume()
        assert both.stdout is not None and both.stderr is None
        merged = await _read_all(both.stdout)
        assert await both.wait() == 0
    assert (out, err) == (b"out\nmore\n", b"err\n")
    assert merged == b"out\nerr\nmore\n"
    # closing the tracer closed the pipes nobody closed
    for stream in (proc.stdout, proc.stderr, both.stdout):
        with pytest.raises(anyio.ClosedResourceError):
            await stream.receive()


async def test_closing_the_tracer_ends_a_reader_waiting_on_a_pipe():
    """A task waiting for output that will never come (the program is blocked, reading
    its own stdin pipe) ends when the tracer closes: with EndOfStream if it sees the killed
    program's end of the pipe close first, else ClosedResourceError; nothing is left open."""
    before = _fds()
    errors: list[BaseException] = []
    async with anyio.create_task_group() as tg:
        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.spawn(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            reads = proc.events(SyscallEntry, syscalls={"read"})
            proc.resume()
            async with reads:
                await reads.__anext__()   # cat is about to block in read(0)

            async def reader() -> None:
                assert proc.stdout is not None
                try:
                    await proc.stdout.receive()
                except (anyio.ClosedResourceError, anyio.EndOfStream) as exc:
                    errors.append(exc)

            tg.start_soon(reader)
            await anyio.wait_all_tasks_blocked()
    assert len(errors) == 1
    assert proc.returncode == -9
    assert _fds() == before


async def test_writing_to_a_program_that_closed_its_stdin():
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn(["true"], stdin=subprocess.PIPE)
        proc.resume()
        assert await proc.wait() == 0
        assert proc.stdin is not None
        with pytest.raises(anyio.BrokenResourceError, match="closed its stdin"):
            await proc.stdin.send(b"x" * 100)
        await proc.stdin.aclose()
        with pytest.raises(anyio.ClosedResourceError):
            await proc.stdin.send(b"x")


async def test_a_failed_spawn_leaves_no_pipe_open():
    before = _fds()
    async with aiotrace.open_tracer() as tracer:
        with pytest.raises(aiotrace.SpawnFailed):
            await tracer.spawn(["/nonexistent/program"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert _fds() == before


@pytest.mark.parametrize("new_session", [False, True])
async def test_start_new_session(new_session):
    """start_new_session=True: the program leads a session and a process group of its
    own, so that a signal to ours (a terminal's ^C, a Jupyter kernel's interrupt) misses
    it; by default it shares ours, as subprocess does."""
    async with aiotrace.open_tracer() as tracer:
        kw = {"start_new_session": True} if new_session else {}
        proc = await tracer.spawn(["cat"], stdin=subprocess.PIPE, **kw)
        proc.resume()
        sid, pgid = os.getsid(proc.pid), os.getpgid(proc.pid)
        assert proc.stdin is not None
        await proc.stdin.aclose()
        assert await proc.wait() == 0
    if new_session:
        assert sid == pgid == proc.pid
    else:
        assert (sid, pgid) == (os.getsid(0), os.getpgid(0))


async def test_start_new_session_is_checked():
    async with aiotrace.open_tracer() as tracer:
        with pytest.raises(TypeError, match="start_new_session"):
            await tracer.spawn(["true"], start_new_session="yes")  # type: ignore[arg-type]


async def test_executable_runs_in_place_of_argv0():
    """executable= names the file run (looked up in env's PATH), argv[0] is only what the
    program gets: sh prints its $0, which names no program."""
    sh = os.path.realpath("/bin/sh")
    env = {"PATH": os.path.dirname(sh)}
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn(["no-such-program-0", "-c", 'echo "$0"'], env=env,
                                  executable=os.path.basename(sh), stdout=subprocess.PIPE)
        assert proc.stdout is not None
        proc.resume()
        out = await _read_all(proc.stdout)
        await proc.stdout.aclose()
        assert await proc.wait() == 0
    assert out == b"no-such-program-0\n"


async def test_executable_that_is_missing_fails_with_its_name():
    async with aiotrace.open_tracer() as tracer:
        with pytest.raises(aiotrace.SpawnFailed) as info:
            await tracer.spawn(["true"], executable="/no/such/program")
        assert info.value.path == "/no/such/program"
        with pytest.raises(TypeError, match="executable"):
            await tracer.spawn(["true"], executable=3)  # type: ignore[arg-type]
