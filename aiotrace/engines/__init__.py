"""Built-in engines, written on aiotrace's public API only (see docs/engines-builtin.md).

- :func:`inject` tampers with system calls as strace's ``-e inject=`` does
  (:func:`parse_inject` reads that grammar into an :class:`InjectRule`);
- :func:`count_syscalls` counts calls, errors and time per system call, as ``strace -c``
  (an observer: it never holds a thread);
- :func:`rewrite_paths` shows a directory at another path (PRoot style).

Each engine is a coroutine function taking the traced :class:`aiotrace.Process` and
running until the process and its followed children are gone. Start them with anyio's
``tg.start()`` before ``proc.resume()``: ``start`` returns once the engine's stream is
subscribed, with the engine's live result object::

    async with aiotrace.open_tracer() as tracer, anyio.create_task_group() as tg:
        proc = await tracer.spawn(["ls", "/"])
        counts = await tg.start(count_syscalls, proc)
        await tg.start(inject, proc, "openat:error=ENOENT:when=3")
        proc.resume()
        await proc.wait()
    print(counts.table())
"""

from __future__ import annotations

from ._count import SyscallCounts as SyscallCounts
from ._count import SyscallStat as SyscallStat
from ._count import count_syscalls as count_syscalls
from ._inject import InjectRule as InjectRule
from ._inject import inject as inject
from ._inject import parse_delay as parse_delay
from ._inject import parse_inject as parse_inject
from ._paths import PATH_SYSCALLS as PATH_SYSCALLS
from ._paths import PathMap as PathMap
from ._paths import rewrite_paths as rewrite_paths

__all__ = [
    "InjectRule", "PATH_SYSCALLS", "PathMap", "SyscallCounts", "SyscallStat",
    "count_syscalls", "inject", "parse_delay", "parse_inject", "rewrite_paths",
]

for _name in __all__:
    _obj = globals()[_name]
    if getattr(_obj, "__module__", "").startswith("aiotrace.engines."):
        try:
            _obj.__module__ = "aiotrace.engines"
        except (AttributeError, TypeError):
            pass
del _name, _obj
