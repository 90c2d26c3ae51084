"""The calls a recording decodes from the memory the C loop copied at their stops, once
its table is built (aiotrace/_data/_copied.py): their texts are the command's, and their
decoding is not done while the program runs."""

from __future__ import annotations

import copy
import os
import pickle
import re
import subprocess

import anyio
import pytest

pytest.importorskip("pyarrow")

import aiotrace  # noqa: E402
from aiotrace import SyscallEntry  # noqa: E402
from cli_helpers import AIOTRACE, STRACE, TIMEOUT, needs_strace, unpad  # noqa: E402

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("tracer_loop")]

_ADDR = re.compile(r"0x[0-9a-f]{5,}")


def _tree(root) -> None:
    """Directories of files whose names need quoting, or are longer than -s."""
    for d in range(3):
        sub = root / f"dir{d}" / ("deeper-than-thirty-two-bytes-of-a-name" * 2)
        sub.mkdir(parents=True)
        for f in range(5):
            (sub.parent / f'f{f} "quoted"\t\\').write_bytes(b"x" * f)
            (sub / f"\u00e9t\u00e9-{f}.h").write_bytes(b"")
        os.symlink("nowhere", sub / "link")


def _texts(lines: list[str], root: str) -> list[str]:
    """The lines of the calls on the tree (from tar's first look at it), addresses
    masked (ASLR)."""
    lines = [_ADDR.sub("ADDR", unpad(line)) for line in lines]
    first = next(i for i, line in enumerate(lines) if root in line)
    return [line for line in lines[first:] if not line.startswith("+++")]


@pytest.fixture
def at_stops(monkeypatch):
    """The syscall events of the calls named in the list returned, that the recorder's
    decoder is given at their stops (as the test appends names to it)."""
    from aiotrace._cli._decoder import Decoder
    names: list[str] = []
    seen: list[object] = []
    capture = Decoder.capture

    def counting(self, ev, mem):
        if ev.kind.startswith("syscall.") and ev.name in names:
            seen.append(ev)
        return capture(self, ev, mem)

    monkeypatch.setattr(Decoder, "capture", counting)
    return names, seen


def _cli(argv: list[str], out) -> None:
    r = subprocess.run([*AIOTRACE, "run", "-o", str(out), "--", *argv], capture_output=True,
                       text=True, timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr


async def test_a_tree_walk_has_the_texts_of_the_cli(tmp_path, tracer_loop, at_stops):
    """tar over a tree: newfstatat, openat, getdents64, readlinkat..., calls that read
    paths and write structs. Each line of the recording is the command's; on the C
    loop, the decoder never ran at their stops (the texts were made from the copies when
    the table was built), on the Python loop it did, at each."""
    root = tmp_path / "tree"
    _tree(root)
    argv = ["tar", "cf", "/dev/null", str(root)]
    out = tmp_path / "cli.txt"
    _cli(argv, out)
    cli = _texts(out.read_text().splitlines(), str(root))
    names, seen = at_stops
    names.append("newfstatat")
    trace = await aiotrace.record(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stats = len(trace.filter(syscalls="newfstatat"))
    assert stats > 3 * 5 * 2
    assert len(seen) == (0 if tracer_loop == "c" else 2 * stats)
    ours = _texts([c.text for c in trace], str(root))
    assert len(ours) > 3 * 5 * 3
    assert ours == cli
    assert any('\\t\\\\"' in line and "newfstatat" in line for line in ours)


@needs_strace
async def test_fcntl_locks_have_the_texts_of_strace(target, tmp_path, tracer_loop, at_stops):
    """fcntl's struct flock and f_owner_ex, read at the entry and written by the call
    (F_GETLK), which the C loop copies at both stops (Spec.copies): the command prints
    strace's lines, and a recording has them too, decoded from the copies."""
    argv = [target("fcntl_locks"), str(tmp_path / "locked")]
    ref, out = tmp_path / "strace.txt", tmp_path / "cli.txt"
    r = subprocess.run([STRACE, "-o", str(ref), *argv], capture_output=True, text=True,
                       timeout=TIMEOUT, stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    _cli(argv, out)

    def fcntls(lines: list[str]) -> list[str]:
        return [unpad(line) for line in lines if line.startswith("fcntl(")]

    want = fcntls(ref.read_text().splitlines())
    assert len(want) == 12 and "l_type=F_UNLCK" in want[1]
    assert fcntls(out.read_text().splitlines()) == want
    names, seen = at_stops
    names.append("fcntl")
    trace = await aiotrace.record(argv, stdout=subprocess.DEVNULL)
    assert fcntls([c.text for c in trace]) == want
    assert len(seen) == (0 if tracer_loop == "c" else 2 * len(want))



async def test_a_recording_whose_table_is_not_built_yet_pickles(target, tmp_path):
    """A recording's table is built on first use (_recorder.Calls): a pickle or a deep
    copy of a Trace not used yet has its calls, texts made."""
    trace = await aiotrace.record([target("fcntl_locks"), str(tmp_path / "locked")],
                                  stdout=subprocess.DEVNULL)
    n = len(trace)
    for other in (pickle.loads(pickle.dumps(trace)), copy.deepcopy(trace)):
        assert len(other) == n > 12
        assert [c.text for c in other] == [c.text for c in trace]
    assert any("F_GETLK, {l_type=F_UNLCK" in c.text for c in trace)


async def test_copied_calls_cut_by_their_process_exit(target):
    """Threads blocked in read (whose exit the C loop would copy) when the process exits:
    each read is a row ``= ?``, its text the entry's, as the command prints it before
    ``<unfinished ...>``."""
    async with aiotrace.open_tracer() as tracer:
        proc = await tracer.spawn([target("blocker"), "3"], stdin=subprocess.PIPE,
                                  stdout=subprocess.DEVNULL)
        reads = proc.events(SyscallEntry, syscalls={"read"})
        async with tracer.record(proc) as rec:
            proc.resume()
            async with reads:
                blocked: set[int] = set()
                async for ev in reads:
                    if ev.tid != proc.pid:
                        blocked.add(ev.tid)
                    if len(blocked) == 3:
                        break
            await proc.stdin.send(b"\n")
            await proc.wait()
            with anyio.fail_after(TIMEOUT):
                await rec.done.wait()
        trace = rec.trace
    cut = [c for c in trace.filter(syscalls="read", tids=blocked)
           if c.status == "unfinished"]
    assert sorted(c.tid for c in cut) == sorted(blocked)
    fd = cut[0].args_text.split(",")[0]
    assert int(fd) > 2
    assert {c.text for c in cut} == {f"read({fd}, ) = ?"}
