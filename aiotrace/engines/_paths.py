"""Path rewriting (PRoot/kmview style): show one directory at another path.

At the entry of a path-taking system call the engine reads the path from the tracee; if
it lies under a mapped prefix it writes the new path into the tracee's stack (below the
red zone, with ``call.thread.scratch``) and points the argument at it
(``call.rewrite(args=...)``). The kernel then does everything else.
"""

from __future__ import annotations

import errno
import os
import posixpath
from collections import Counter
from collections.abc import Mapping

import anyio
import anyio.abc

from aiotrace import Process, SyscallEntry, TraceeGone, _check, syscalls

from ._inject import _check_engine_process, call_key

__all__ = ["PATH_SYSCALLS", "PathMap", "rewrite_paths"]

# Which arguments (0-based) of each system call are paths that name a file to look up
# (aiotrace.syscalls' ``paths``: not symlink's target, stored as it is, nor getxattr's
# attribute name), in any ABI.
PATH_SYSCALLS: dict[str, tuple[int, ...]] = syscalls.path_args()


# str or bytes prefixes (Mapping's key type is invariant: a dict[str, str] is not a
# Mapping[str | bytes, ...])
_Prefixes = (
    Mapping[str, str | bytes] | Mapping[bytes, str | bytes] | Mapping[str | bytes, str | bytes]
)


def _parts(path: bytes) -> list[bytes]:
    return [p for p in path.split(b"/") if p and p != b"."]


class PathMap:
    """Directory prefixes and the real directories they stand for.

    ``PathMap({"/virtual": "/tmp/x"}).map(b"/virtual/a")`` is ``b"/tmp/x/a"``. Only
    absolute paths are mapped, and only at component boundaries: ``/virtual`` and
    ``/virtual/...``, never ``/virtualx``. The longest matching prefix wins. Repeated
    slashes and ``.`` components are dropped. A ``..`` is left to the kernel (so that it
    follows symlinks inside the real directory) unless it climbs above the mapped prefix:
    ``/virtual/../etc`` means ``/etc``, as across a bind mount. A trailing slash is kept.
    """

    def __init__(self, mapping: _Prefixes) -> None:
        if not isinstance(mapping, Mapping):
            raise TypeError("PathMap takes a mapping of prefixes to directories, such as "
                            f"{{'/virtual': '/tmp/real'}}, not {_check.show(mapping)}")
        rules: list[tuple[list[bytes], bytes]] = []
        for prefix, target in mapping.items():
            p = os.fsencode(_check.path(prefix, "PathMap (a prefix)"))
            _check.path(target, f"PathMap[{prefix!r}]")
            if not p.startswith(b"/"):
                raise ValueError(f"a mapped prefix must be an absolute path, not {prefix!r}")
            if b"\0" in p or b"\0" in os.fsencode(target):
                raise ValueError("paths cannot contain NUL bytes")
            if b".." in p.split(b"/"):
                raise ValueError(f"a mapped prefix cannot contain '..': {prefix!r}")
            t = os.fsencode(os.path.abspath(os.fsencode(target)))
            rules.append((_parts(p), t.rstrip(b"/") or b"/"))
        rules.sort(key=lambda r: -len(r[0]))      # longest prefix first
        self._rules = rules

    def __repr__(self) -> str:
        pairs = ", ".join(f"{os.fsdecode(b'/' + b'/'.join(p))!r}: {os.fsdecode(t)!r}"
                          for p, t in self._rules)
        return f"PathMap({{{pairs}}})"

    def map(self, path: bytes | str) -> bytes | None:
        """The real path for *path*, or None when no prefix matches."""
        raw = os.fsencode(path)
        if not raw.startswith(b"/"):
            return None       # relative: resolved by the kernel from the real cwd/dirfd
        parts = _parts(raw)
        for prefix, target in self._rules:
            n = len(prefix)
            if parts[:n] != prefix:
                continue
            rest = parts[n:]
            depth = 0
            for p in rest:
                depth += -1 if p == b".." else 1
                if depth < 0:
                    # climbs out of the mapped directory: what the path means outside it
                    outside = posixpath.normpath(b"/" + b"/".join(parts))
                    if outside.startswith(b"//"):
                        outside = b"/" + outside.lstrip(b"/")
                    return self.map(outside) or outside
            new = target if not rest else (target.rstrip(b"/") + b"/" + b"/".join(rest))
            if raw.endswith(b"/") and not new.endswith(b"/"):
                new += b"/"
            return new
        return None


async def rewrite_paths(
    proc: Process,
    mapping: Mapping[str, str] | PathMap,
    *,
    task_status: anyio.abc.TaskStatus[Counter[str]] = anyio.TASK_STATUS_IGNORED,
) -> Counter[str]:
    """Make the directories of *mapping* (``{"/virtual": "/tmp/real"}``) appear at their
    prefixes for *proc* and its followed children, until the family is gone; returns how
    many calls were rewritten, by system call name.

    Covers the system calls of :data:`PATH_SYSCALLS` (open/openat/openat2, the stat family,
    access, readlink, exec, chdir, mkdir, unlink, rename, link...), in every ABI: an i386
    call (``int $0x80``, a 32-bit program) is rewritten as well, unless its thread's stack
    is above 4 GiB (a 64-bit program's), where no new path can go that a 32-bit pointer
    reaches: such a call fails with EFAULT rather than see the unmapped path. Start it with
    ``await tg.start(rewrite_paths, proc, {"/virtual": tmpdir})`` before ``proc.resume()``.
    """
    _check_engine_process(proc, "rewrite_paths()")
    pm = mapping if isinstance(mapping, PathMap) else PathMap(mapping)
    # by key (see aiotrace.syscalls): each call of every ABI that takes a path
    indices = {syscalls.key(abi, syscalls.number(name, abi)): paths for abi in syscalls.ABIS
               for name, paths in syscalls.path_args(abi).items()}
    done: Counter[str] = Counter()
    calls = proc.events(SyscallEntry, syscalls=syscalls.key_selectors(indices), intercept=True)
    task_status.started(done)
    async with calls:
        async for call in calls:
            args = list(call.args)
            changed = False
            try:
                for i in indices.get(call_key(call), ()):
                    if args[i] == 0:
                        continue
                    new = pm.map(call.thread.read_string(args[i]))
                    if new is not None:
                        args[i] = call.thread.scratch(new + b"\0")
                        changed = True
            except TraceeGone:
                continue                  # killed while stopped: nothing to rewrite
            except OSError:
                call.resume()             # a bad pointer: the kernel returns EFAULT
                continue
            except ValueError:            # an i386 call whose stack is above 4 GiB
                call.fail(errno.EFAULT)
                continue
            if changed:
                done[call.name] += 1
                call.rewrite(args=args)
            else:
                call.resume()
    return done
