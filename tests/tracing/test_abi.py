"""What a tracee's system call number and ABI can do to the tracer, on real processes.

* Numbers the kernel has no call for, or takes the low 32 bits of (``syscall(-1L)``,
  2**63, 0x100000027...): one event each, named as strace names them, and the program
  goes on to its own exit status (the tracer thread used to crash on any number with
  bit 31 set).
* Calls of the other ABIs of an x86-64 kernel: i386 (``int $0x80`` from a 64-bit program,
  a 32-bit program) and x32. Their numbers are of another table (i386's 5 is open,
  x86-64's fstat): events name them in their ABI, filters and engines that name a call
  see it in every ABI, the seccomp prefilter stops them, and verdicts apply to them.

Each tracing test runs on asyncio and trio, and on both tracer loops. The command's
output for them, against strace: tests/cli/test_cli_abi.py.
"""

from __future__ import annotations

import errno
import subprocess
from pathlib import Path
from typing import Any

import anyio
import pytest

import aiotrace
from aiotrace import Death, SyscallEntry, SyscallExit
from aiotrace.engines import count_syscalls, inject, rewrite_paths

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]

# huge_nr's calls, in order: (abi, nr, name) as strace names them, and what they return
HUGE = [
    ("x86_64", -1, "syscall_0xffffffffffffffff", -errno.ENOSYS),
    ("x86_64", -1, "syscall_0xffffffffffffffff", -errno.ENOSYS),
    ("x86_64", -0x80000000, "syscall_0xffffffff80000000", -errno.ENOSYS),
    ("x86_64", 0, "read", -errno.EBADF),
    ("x86_64", 39, "getpid", None),                 # (its pid)
    ("x32", 39, "getpid", None),                    # (ENOSYS, or the pid with x32)
    ("x86_64", 600, "syscall_0x258", -errno.ENOSYS),
    ("x32", 0x3FFFFFFF, "syscall_0x7fffffff", -errno.ENOSYS),
    ("x32", -2 - 0x40000000, "syscall_0xfffffffffffffffe", -errno.ENOSYS),
    ("x32", -0x40000000 - 0x40000000, "syscall_0xffffffffc0000000", -errno.ENOSYS),
    # after strace 6.1 (the library names them; ENOSYS on a kernel without them)
    ("x86_64", 451, "cachestat", (-errno.EBADF, -errno.ENOSYS)),
    ("x86_64", 469, "file_setattr", (-errno.EBADF, -errno.EINVAL, -errno.ENOSYS)),
]


def _between_markers(events: list[Any]) -> list[Any]:
    """The syscall events between the two getppid calls (huge_nr's and int80's markers)."""
    calls = [e for e in events if isinstance(e, (SyscallEntry, SyscallExit))]
    marks = [i for i, e in enumerate(calls) if e.name == "getppid"]
    assert len(marks) >= 2, [e.name for e in calls]
    first = marks[0] + (2 if len(marks) == 4 else 1)   # (after the exit, when entries come)
    return calls[first:marks[-2 if len(marks) == 4 else 1]]


async def _run(argv: list[str], tmp_path: Path, *streams: tuple[tuple[type, ...], dict],
               syscalls: Any = None) -> tuple[int | None, str, list[list[Any]]]:
    out = tmp_path / "stdout"
    with open(out, "wb") as f:
        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.spawn(argv, stdout=f, syscalls=syscalls)
            opened = [proc.events(*types, **kw) for types, kw in streams]
            proc.resume()
            got: list[list[Any]] = [[] for _ in opened]

            async def drain(k: int) -> None:
                async with opened[k]:
                    async for ev in opened[k]:
                        got[k].append(ev)

            async with anyio.create_task_group() as tg:
                for k in range(len(opened)):
                    tg.start_soon(drain, k)
            rc = await proc.wait()
    return rc, out.read_text(), got


def _check_huge(exits: list[Any], pid: int) -> None:
    got = [(e.abi, e.nr, e.name) for e in exits]
    assert got == [h[:3] for h in HUGE]
    for e, (abi, _, _name, ret) in zip(exits, HUGE, strict=True):
        if isinstance(ret, tuple):
            assert e.retval in ret, (e, ret)
        elif ret is not None:
            assert e.retval == ret, (e, ret)
        elif abi == "x86_64":
            assert e.retval == pid
        else:
            assert e.retval in (pid, -errno.ENOSYS)


# -- numbers the kernel has no call for ------------------------------------------------------


async def test_huge_numbers_one_event_each_and_the_program_goes_on(target, tmp_path):
    rc, out, (evs,) = await _run([target("huge_nr")], tmp_path,
                                 ((SyscallEntry, SyscallExit, Death), {}))
    assert rc == 3 and out == "after\n"
    calls = _between_markers(evs)
    assert [type(e) for e in calls] == [SyscallEntry, SyscallExit] * len(HUGE)
    assert [(e.abi, e.nr) for e in calls[::2]] == [(e.abi, e.nr) for e in calls[1::2]]
    _check_huge(calls[1::2], evs[-1].pid)
    assert isinstance(evs[-1], Death) and evs[-1].returncode == 3


async def test_huge_numbers_under_an_intercepting_engine(target, tmp_path):
    """Every stop held and released by an engine (the C loop hands each one back)."""
    async def engine(stream: aiotrace.EventStream, seen: list[Any]) -> None:
        async with stream:
            async for ev in stream:
                seen.append(ev)
                ev.resume()

    out = tmp_path / "stdout"
    seen: list[Any] = []
    with open(out, "wb") as f:
        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.spawn([target("huge_nr")], stdout=f)
            stream = proc.events(SyscallEntry, SyscallExit, intercept=True)
            proc.resume()
            await engine(stream, seen)
            assert await proc.wait() == 3
    assert out.read_text() == "after\n"
    _check_huge(_between_markers(seen)[1::2], proc.pid)


async def test_huge_numbers_pass_no_filter_that_does_not_name_them(target, tmp_path):
    """-1 was also the tracer's "no call": such a call passed every syscalls= filter."""
    rc, out, (evs, ones) = await _run(
        [target("huge_nr")], tmp_path, ((SyscallEntry, SyscallExit), {"syscalls": {"getppid"}}),
        ((SyscallExit,), {"syscalls": {"getpid@64"}}))
    assert rc == 3 and out == "after\n"
    assert [e.name for e in evs] == ["getppid"] * 4
    # (a filter names numbers of the table only, as strace's -e trace=: -1 is refused)
    assert [(e.abi, e.nr) for e in ones] == [("x86_64", 39)]


async def test_huge_numbers_through_attach(target, spawned):
    p = spawned(subprocess.Popen([target("huge_nr"), "wait"], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True))
    assert p.stdout.readline() == f"ready {p.pid}\n"
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.attach(p.pid)
        events = proc.events(SyscallExit)
        proc.resume()
        p.stdin.write("go\n")
        p.stdin.flush()
        async with events:
            got = [ev async for ev in events]
        assert await proc.wait() == 3
    _check_huge(_between_markers(got), p.pid)
    assert p.stdout.read() == "after\n"   # (its status went to the tracer: see docs)


# -- calls of another ABI --------------------------------------------------------------------


async def test_int80_calls_are_named_in_their_abi(target, tmp_path):
    data = tmp_path / "data"
    data.write_text("x")
    def path(ev: Any, mem: Any) -> Any:   # (at the stop: the program reuses nothing)
        return ev.args.path if isinstance(ev, SyscallEntry) and ev.name == "open" else None

    rc, out, (evs,) = await _run([target("int80"), str(data)], tmp_path,
                                 ((SyscallEntry, SyscallExit), {"capture": path}))
    assert rc == 0
    assert out.splitlines()[0] == "i386 open: 3"
    entry, exit_, x32_entry, x32_exit = _between_markers(evs)
    assert (entry.abi, entry.nr, entry.name) == ("i386", 5, "open")
    assert entry.captured == str(data) and entry.args[1] == 0   # (its i386 arguments)
    assert (exit_.abi, exit_.name, exit_.retval) == ("i386", "open", 3)
    assert (x32_entry.abi, x32_entry.nr, x32_entry.name) == ("x32", 2, "open")
    assert x32_entry.captured == str(data)
    assert x32_exit.retval == int(out.splitlines()[1].split()[-1])
    assert "[i386]" in repr(entry) and "[x32]" in repr(x32_exit)


@pytest.mark.parametrize("syscalls, want", [
    ({"open"}, [("i386", "open"), ("x32", "open")]),
    ({"open@32"}, [("i386", "open")]),
    ({"open@x32"}, [("x32", "open")]),
    ({"open@64", "fstat"}, []),   # (x86-64's fstat is 5: not i386's open)
    ({5}, []),                    # (an int is an x86-64 number)
])
async def test_filters_name_a_call_in_every_abi(syscalls, want, target, tmp_path):
    rc, _, (evs,) = await _run([target("int80"), "/dev/null"], tmp_path,
                               ((SyscallEntry,), {"syscalls": syscalls}))
    assert rc == 0
    assert [(e.abi, e.name) for e in evs if e.name != "fstat"] == want


async def test_unknown_names_are_refused(target):
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("int80"), "/dev/null"])
        with pytest.raises(ValueError, match="unknown system call .nosuchcall@32."):
            proc.events(syscalls={"nosuchcall@32"})
        with pytest.raises(ValueError, match="'newfstatat@32': i386 has no 'newfstatat'"):
            proc.events(syscalls={"newfstatat@32"})
        proc.events(syscalls={"stat64", "socketcall", "_llseek", "mmap2"})   # i386's own
        proc.kill()
        await proc.wait()


@pytest.mark.parametrize("prefilter", [None, {"open"}], ids=["", "prefilter"])
async def test_an_engine_that_denies_open_denies_the_i386_open(prefilter, target, tmp_path):
    async def deny(stream: aiotrace.EventStream, denied: list[Any]) -> None:
        async with stream:
            async for call in stream:
                denied.append((call.abi, call.name))
                call.fail(errno.EACCES)

    out = tmp_path / "stdout"
    denied: list[Any] = []
    with open(out, "wb") as f:
        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.spawn([target("int80"), "/dev/null"], stdout=f,
                                      syscalls=prefilter)
            stream = proc.events(SyscallEntry, syscalls={"open"}, intercept=True)
            proc.resume()
            await deny(stream, denied)
            rc = await proc.wait()
    assert denied == [("i386", "open"), ("x32", "open")]
    assert rc == 1
    assert out.read_text() == f"i386 open: {-errno.EACCES}\nx32 open: {-errno.EACCES}\n"


async def test_the_prefilter_stops_calls_of_every_abi(target, tmp_path):
    """spawn(syscalls=) compiles the wanted calls per ABI: the i386 and x32 opens stop
    (they ran untraced), and x86-64's fstat, i386's 5 in the other table, does not."""
    rc, _, (evs,) = await _run([target("int80"), "/dev/null"], tmp_path,
                               ((SyscallEntry, SyscallExit), {"syscalls": {"open", "getppid"}}),
                               syscalls={"open", "getppid"})
    assert rc == 0
    assert [(e.kind, e.abi, e.name) for e in _between_markers(evs)] == [
        ("syscall.entry", "i386", "open"), ("syscall.exit", "i386", "open"),
        ("syscall.entry", "x32", "open"), ("syscall.exit", "x32", "open")]


@pytest.mark.parametrize("verdict, printed", [
    ("return_value", "i386 open: 42"),
    ("rewrite", "i386 open: PID"),        # the i386 getpid (20), not x86-64's (39: mkdir)
    ("set_return", "i386 open: 77"),
])
async def test_verdicts_on_an_i386_call(verdict, printed, target, tmp_path):
    out = tmp_path / "stdout"
    with open(out, "wb") as f:
        async with aiotrace.open_tracer() as tracer:
            proc = await tracer.spawn([target("int80"), "/dev/null"], stdout=f)
            cls = SyscallExit if verdict == "set_return" else SyscallEntry
            stream = proc.events(cls, syscalls={"open@32"}, intercept=True)
            proc.resume()
            async with stream:
                async for call in stream:
                    if verdict == "return_value":
                        call.return_value(42)
                    elif verdict == "rewrite":
                        call.rewrite("getpid")
                    else:
                        assert call.retval == 3
                        call.set_return(77)
            rc = await proc.wait()
    assert rc == 0
    assert out.read_text().splitlines()[0] == printed.replace("PID", str(proc.pid))


async def test_rewrite_refuses_a_number_the_kernel_would_cut(target):
    """(1 << 32) + 39 would be written as 39 and recorded as a call of another ABI; a
    name is looked up in the call's own ABI."""
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("int80"), "/dev/null"], stdout=subprocess.DEVNULL)
        stream = proc.events(SyscallEntry, syscalls={"open@32"}, intercept=True)
        proc.resume()
        async with stream:
            async for call in stream:
                with pytest.raises(ValueError, match="not a system call number"):
                    call.rewrite((1 << 32) + 39)
                with pytest.raises(ValueError, match="i386 has no system call 'newfstatat'"):
                    call.rewrite("newfstatat")   # (a name of the call's own ABI)
                call.resume()
        assert await proc.wait() == 0


async def test_a_32_bit_program_under_write_error_eio(target, tmp_path):
    """inject=write:error=EIO must fail the i386 write (4), not the i386 exit (1, which
    is x86-64's write): the program used to run on past its exit and die of SIGSEGV."""
    out = tmp_path / "stdout"
    with open(out, "wb") as f:
        async with aiotrace.open_tracer() as tracer, anyio.create_task_group() as tg:
            proc = await tracer.spawn([target("t32")], stdout=f)
            done = await tg.start(inject, proc, "write:error=EIO")
            counts = await tg.start(count_syscalls, proc)
            proc.resume()
            assert await proc.wait() == 5
    assert out.read_text() == ""
    assert done == {"write": 1}
    st = counts["write@32"]
    assert (st.abi, st.nr, st.calls, st.errors) == ("i386", 4, 1, 1)
    assert counts["execve"].abi == "x86_64"   # (the exec's own call)
    assert "System call usage summary for 32 bit mode:" in counts.table()


@pytest.mark.parametrize("prefilter", [None, {"open"}], ids=["", "prefilter"])
async def test_rewrite_paths_of_i386_calls(prefilter, target, tmp_path):
    """A 32-bit program's open (its stack below 4 GiB) is rewritten: /dev/null is looked
    for in an empty directory (with the prefilter, at the seccomp stop, the rewrite goes
    through PTRACE_SETREGS, into ebx); a 64-bit program's int $0x80 open cannot point at
    its stack (above 4 GiB), and fails with EFAULT rather than open the unmapped path."""
    empty = tmp_path / "empty"
    empty.mkdir()
    async with aiotrace.open_tracer() as tracer, anyio.create_task_group() as tg:
        proc = await tracer.spawn([target("t32")], stdout=subprocess.DEVNULL,
                                  syscalls=prefilter)
        done = await tg.start(rewrite_paths, proc, {"/dev": str(empty)})
        opens = proc.events(SyscallExit, syscalls={"open"})
        proc.resume()
        async with opens:
            got = [(e.abi, e.retval) async for e in opens]
        assert await proc.wait() == 0
    assert got == [("i386", -errno.ENOENT)] and done == {"open": 1}

    out = tmp_path / "stdout"
    with open(out, "wb") as f:
        async with aiotrace.open_tracer() as tracer, anyio.create_task_group() as tg:
            proc = await tracer.spawn([target("int80"), "/virtual/null"], stdout=f)
            done = await tg.start(rewrite_paths, proc, {"/virtual": str(empty)})
            proc.resume()
            assert await proc.wait() == 1
    assert out.read_text().splitlines()[0] == f"i386 open: {-errno.EFAULT}"
    assert done == {"open": 1}   # (the x32 open: its pointer is 64 bits wide)
