"""The rules of paths= at a stop (aiotrace/_core/_pathrules.py) against the C loop's own
(aiotrace/_core/_cloop/_accel_paths.c, through at_path_join and at_path_match): the same
answer for every input; and the want-tables' W_PATHS, which says which stops the C loop
decides for a paths= stream.

No tracee: the rules are pure on both sides (tests/tracing/test_paths.py traces real
programs on both loops). Each input is made by a seeded generator, so that a failure names
its case and comes again.
"""

from __future__ import annotations

import ctypes
import os
import posixpath
import random

import pytest

from aiotrace import SyscallEntry, SyscallExit
from aiotrace._core._cloop import _binding as _accel
from aiotrace._core._cloop._binding import (
    COPIES, NR, W_CLASS, W_KEEP, W_PATHS, W_PIN, W_RECORD, W_SLOW,
)
from aiotrace._core._pathrules import (
    C_CALLS, G_ANY, G_CLASS, G_STAR, P_CHDIR, P_FD, P_PATH, STEPS, c_decidable, c_paths,
    glob_program, join, plan,
)
from aiotrace._core._policy import want_tables
from aiotrace._core._syscalls import SYSCALL_NAMES
from aiotrace._core._tracer import Subscription
from aiotrace._paths import PathFilter, path_syscalls
from aiotrace.lowlevel import Capture

SEED = 20261207
CASES = 20_000
OPENAT = 257
CLOSE = 3
GETPPID = 110


@pytest.fixture(scope="module")
def lib() -> _accel.Lib:
    if not _accel.available():
        pytest.skip("the C loop is not built (pip install -e . needs a C compiler): "
                    "there are no C rules to compare with")
    saved = os.environ.pop("AIOTRACE_ACCEL", None)   # (load() would say None)
    try:
        got = _accel.load()
    finally:
        if saved is not None:
            os.environ["AIOTRACE_ACCEL"] = saved
    assert got is not None
    return got


# components at the edges of normpath: empty, ".", "..", names that look like them
COMPONENTS = ["", "", ".", "..", "...", "a", "bb", ".x", "..y", "a.b", "é", "-", " "]


def path(rng: random.Random, absolute: bool) -> str:
    parts = [rng.choice(COMPONENTS) for _ in range(rng.randrange(0, 7))]
    text = "/".join(parts)
    if rng.getrandbits(3) == 0:
        text += "/"
    if absolute:
        text = "/" * rng.choice((1, 1, 1, 2, 3)) + text
    return text


def c_join(lib: _accel.Lib, base: str, raw: str) -> str:
    b, r = os.fsencode(base), os.fsencode(raw)
    out = ctypes.create_string_buffer(len(b) + len(r) + 2)
    n = lib.path_join(b, len(b), r, len(r), out)
    return os.fsdecode(out.raw[:n])


def test_c_joins_and_normalises_as_the_rules_say(lib: _accel.Lib) -> None:
    rng = random.Random(SEED)
    kinds = {"absolute": 0, "relative": 0, "empty": 0, "changed": 0}
    for i in range(CASES):
        base = path(rng, True)
        raw = path(rng, rng.getrandbits(2) == 0)
        want, got = join(base, raw), c_join(lib, base, raw)
        assert got == want, f"case {i}: join({base!r}, {raw!r}): C {got!r}, rules {want!r}"
        kinds["absolute" if raw.startswith("/") else "relative" if raw else "empty"] += 1
        kinds["changed"] += want != (raw if raw.startswith("/") else base + "/" + raw)
    assert min(kinds.values()) >= 500, kinds


def test_join_is_normpath_of_posixpath_join() -> None:
    """join's answer is what its docstring says, posixpath.normpath of posixpath.join (also
    where it skips normpath, for a path with nothing for it to take away)."""
    rng = random.Random(SEED)
    skipped = 0
    for i in range(CASES):
        base = path(rng, True)
        raw = path(rng, rng.getrandbits(2) == 0)
        joined = posixpath.join(base, raw) if raw else base
        want = posixpath.normpath(joined)
        assert join(base, raw) == want, f"case {i}: join({base!r}, {raw!r})"
        skipped += want == joined
    assert skipped >= 200, skipped


@pytest.mark.parametrize(("base", "raw", "want"), [
    ("/", "..", "/"), ("//", "a/..", "//"), ("///", "a", "/a"), ("/a/b", "../../..", "/"),
    ("/a", "", "/a"), ("/a/", "./b/./", "/a/b"), ("/x", "//y//z/", "//y/z"),
    ("/x", "/", "/"), ("/a/b/", "../c", "/a/c"),
])
def test_join_edges(lib: _accel.Lib, base: str, raw: str, want: str) -> None:
    assert join(base, raw) == want == c_join(lib, base, raw)


def test_c_matches_as_the_filter_says(lib: _accel.Lib) -> None:
    rng = random.Random(SEED + 1)
    seen = {True: 0, False: 0}
    for i in range(CASES // 10):
        patterns = []
        for _ in range(rng.randrange(1, 4)):
            p = posixpath.normpath(path(rng, True))
            patterns.append(p.rstrip("/") + "/" if rng.getrandbits(1) else p)
        filt = PathFilter(patterns)
        table = c_paths([filt])
        for _ in range(10):
            # (paths near the patterns: one of them, under one, a prefix of one)
            base = rng.choice(patterns)
            p = posixpath.normpath(base + rng.choice(("", "/", "x", "/x", "/..", "/a/b")))
            if rng.getrandbits(2) == 0:
                p = p[:rng.randrange(1, len(p) + 1)] or "/"
            raw = os.fsencode(p)
            got = bool(lib.path_match(ctypes.addressof(table), raw, len(raw)))
            assert got == filt.matches(p), f"case {i}: {p!r} against {patterns}: C {got}"
            seen[got] += 1
    assert min(seen.values()) >= 1000, seen


# what globs are made of: fnmatch's specials, characters a set names, "/" (which "*"
# crosses); in paths, characters beyond ASCII too (a pattern with them is Python's), and
# bytes that are not UTF-8, each a character of its own for os.fsdecode: a lone byte, an
# overlong form, a surrogate, beyond U+10FFFF, a sequence cut short (as surrogateescape's)
GLOB_CHARS = "ab/.*?[]!-^\\z"
PATH_CHARS = list("ab/.z-!^[]\\éé€") + [
    os.fsdecode(b) for b in (b"\xff", b"\xe0\x80", b"\xc1\xbf", b"\xed\xa0\x80",
                             b"\xf4\x90\x80\x80", b"\xe2\x82", b"\xf0\x9f\x98\x80")]


def glob_pattern(rng: random.Random) -> str:
    return "/" + "".join(rng.choice(GLOB_CHARS) for _ in range(rng.randrange(0, 9)))


def glob_path(rng: random.Random, pattern: str) -> str:
    if rng.getrandbits(1):   # (near the pattern: its specials replaced or left as they are)
        return "".join(rng.choice(PATH_CHARS) if c in "*?[]!-^" and rng.getrandbits(1)
                       else c * rng.randrange(0, 3) if c in "*?" else c for c in pattern)
    return "/" + "".join(rng.choice(PATH_CHARS) for _ in range(rng.randrange(0, 9)))


def test_c_globs_match_as_the_filter_says(lib: _accel.Lib) -> None:
    """Globs (fnmatch's: * crosses /, sets with ! and ranges, a [ that no ] closes is
    itself, no escapes) on paths with characters beyond ASCII and bytes that are not
    UTF-8 (os.fsdecode's surrogates): the C loop's matcher answers as PathFilter does."""
    rng = random.Random(SEED + 2)
    seen = {True: 0, False: 0}
    shapes = {"set": 0, "negated set": 0, "open [": 0, "?": 0, "*": 0, "beyond ASCII": 0}
    for i in range(CASES // 4):
        patterns = [glob_pattern(rng) for _ in range(rng.randrange(1, 3))]
        filt = PathFilter(patterns)
        assert c_decidable(filt), patterns
        table = c_paths([filt])
        for _ in range(4):
            p = glob_path(rng, rng.choice(patterns))
            raw = os.fsencode(p)
            got = bool(lib.path_match(ctypes.addressof(table), raw, len(raw)))
            want = filt.matches(p)
            assert got == want, f"case {i}: {p!r} against {patterns}: C {got}, Python {want}"
            seen[want] += 1
            if want:
                progs = b"".join(glob_program(g) or b"" for g in filt.globs)
                shapes["set"] += G_CLASS in progs
                shapes["negated set"] += any("[!" in g for g in filt.globs)
                shapes["open ["] += any("[" in g and "]" not in g for g in filt.globs)
                shapes["?"] += G_ANY in progs
                shapes["*"] += G_STAR in progs
                shapes["beyond ASCII"] += not p.isascii()
    assert min(seen.values()) >= 1000, seen
    assert min(shapes.values()) >= 50, shapes


@pytest.mark.parametrize(("pattern", "path", "want"), [
    ("/a*", "/a/b/c", True), ("/*c", "/ab/c", True), ("/a?c", "/a/c", True),
    ("/a?c", "/aéc", True), ("/a?c", "/a\udcffc", True), ("/a??c", "/aéc", False),
    ("/[ab]", "/b", True), ("/[!ab]", "/é", True), ("/[ab]", "/é", False),
    ("/[]]", "/]", True), ("/[!]]", "/]", False), ("/[!]]", "/x", True),
    ("/[a-c]", "/b", True), ("/[c-a]", "/b", False), ("/[a-]", "/-", True),
    ("/[", "/[", True), ("/a[b", "/a[b", True), ("/[!]", "/[!]", True),
    ("/[^a]", "/^", True), ("/[^a]", "/b", False), ("/\\[a]", "/\\a", True),
    ("/**a", "/xa", True), ("/a*b*c", "/abxbxc", True), ("/a*b*c", "/abxbx", False),
])
def test_glob_edges(lib: _accel.Lib, pattern: str, path: str, want: bool) -> None:
    filt = PathFilter([pattern])
    raw = os.fsencode(path)
    assert filt.matches(path) == want
    assert bool(lib.path_match(ctypes.addressof(c_paths([filt])), raw, len(raw))) == want


def test_a_glob_beyond_ascii_is_pythons() -> None:
    assert glob_program("/é*") is None and not c_decidable(PathFilter(["/x/", "/é*"]))
    assert glob_program("/a*") == b"/a" + bytes([G_STAR])
    assert c_decidable(PathFilter(["/é", "/é/"]))   # (exact paths and prefixes: bytes)


def test_the_steps_are_the_plans() -> None:
    """struct at_paths' steps say what plan() says, for every x86-64 call."""
    for nr, name in SYSCALL_NAMES.items():
        if not 0 <= nr < NR:
            continue
        steps = plan(name, "x86_64")
        assert len(steps) <= COPIES and nr in C_CALLS
        got = [b for b in STEPS[nr * COPIES:(nr + 1) * COPIES] if b]
        assert len(got) == len(steps), name
        for b, (what, i, dirfd) in zip(got, steps, strict=True):
            kind = P_FD if what == "fd" else P_CHDIR if name == "chdir" else P_PATH
            assert (b >> 6, (b >> 3 & 7) - 1, b & 7) == (kind, dirfd, i), name
    assert STEPS[OPENAT * COPIES] == P_PATH << 6 | 1 << 3 | 1   # openat(dirfd, path)
    assert STEPS[CLOSE * COPIES] == P_FD << 6 | 0               # close(fd)


# ---------------------------------------------------------------------------------------
# Which stops the C loop decides: W_PATHS


def stream(patterns: list[str] | None, *, syscalls: set[int] | None = None,
           intercept: bool = False, types: frozenset[type] | None = None) -> Subscription:
    keys = frozenset(syscalls if syscalls is not None else {OPENAT, CLOSE})
    sub = Subscription(types or frozenset({SyscallExit}), keys, None, intercept, 16, False)
    if patterns is not None:
        sub.paths = PathFilter(patterns)
        sub.select = lambda ev: True
    return sub


def exit_byte(*subs: Subscription, nr: int = OPENAT) -> int:
    return want_tables(subs).exit[nr]


def test_a_paths_observer_alone_is_decided_in_c() -> None:
    assert exit_byte(stream(["/build/", "/etc/passwd"])) == W_RECORD | W_PATHS
    assert exit_byte(stream(["/build/"]), nr=CLOSE) == W_RECORD | W_PATHS
    two = [stream(["/a/"]), stream(["/b"])]   # (the C loop matches both patterns)
    assert exit_byte(*two) == W_RECORD | W_PATHS
    assert want_tables([stream(["/a/"])]).entry[OPENAT] == 0   # (exits only)
    assert set(path_syscalls()) >= {"openat", "close", "chdir", "read"}


def test_globs_and_plain_streams_are_decided_in_c() -> None:
    """A glob; another observer of the same calls without paths=, which takes the record
    whatever its paths (W_KEEP)."""
    assert exit_byte(stream(["/build/*.o"])) == W_RECORD | W_PATHS
    assert exit_byte(stream(["/build/"]), stream(["/x/[!a-c]?*"])) == W_RECORD | W_PATHS
    assert exit_byte(stream(["/build/*"]), stream(None)) == W_RECORD | W_PATHS | W_KEEP
    assert exit_byte(stream(None), stream(["/a"]), stream(None)) == W_RECORD | W_PATHS | W_KEEP
    assert exit_byte(stream(None)) == W_RECORD   # (and without paths=, as before)


def test_what_c_does_not_decide_is_pythons() -> None:
    # a glob beyond ASCII; an engine; another stream that is Python's anyway
    assert exit_byte(stream(["/build/é*"])) == W_SLOW
    assert exit_byte(stream(["/build/"], intercept=True)) & W_CLASS != W_RECORD
    assert exit_byte(stream(["/build/"]), stream(None, intercept=True)) == W_SLOW
    other = stream(None)
    other.tids = frozenset({1})
    assert exit_byte(stream(["/build/"]), other) == W_SLOW
    # ... or another stream whose capture copies memory (the copies are the paths) or
    # pins its thread (reads its memory after the stop)
    copying, pinning = stream(None), stream(None)
    cap = Capture(lambda ev, mem: None, prefetch={SyscallExit: {"openat": [(1, 64)]}})
    copying.capture, copying.prefetch = cap.fn, cap._copies
    copying.late, copying.free = cap._late, cap._free
    assert exit_byte(stream(None), copying) == W_RECORD   # (no paths=: as before)
    assert exit_byte(stream(["/build/"]), copying) == W_SLOW
    late = Capture(lambda ev, mem: None, after_resume={SyscallExit: {"openat"}})
    pinning.capture, pinning.late, pinning.free = late.fn, late._late, late._free
    assert exit_byte(pinning) == W_RECORD | W_PIN
    assert exit_byte(stream(["/build/"]), pinning) == W_SLOW
    # ... but a stream of other calls does not change those of the paths= stream
    assert exit_byte(stream(["/build/"]), stream(None, syscalls={GETPPID})) == W_RECORD | W_PATHS
    # a capture that reads at the stop, or copies memory there (prefetch=)
    at_stop = stream(["/build/"])
    at_stop.capture = lambda ev, mem: None
    assert exit_byte(at_stop) == W_SLOW
    copied = stream(["/build/"])
    cap = Capture(lambda ev, mem: None, prefetch={SyscallExit: {"openat": [(1, 64)]}})
    copied.capture, copied.prefetch = cap.fn, cap._copies
    copied.late, copied.free = cap._late, cap._free
    assert exit_byte(copied) == W_SLOW


def test_a_capture_that_reads_nothing_stays_in_c() -> None:
    """context=True's capture (a look-up, run once the thread went on) with paths=."""
    both = stream(["/build/"])
    both.capture = lambda ev, mem: None
    everything = frozenset(range(NR))
    both.late = both.free = {SyscallEntry: everything, SyscallExit: everything}
    assert exit_byte(both) == W_RECORD | W_PATHS
