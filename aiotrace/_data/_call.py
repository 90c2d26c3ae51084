# SPDX-License-Identifier: GPL-2.0-or-later
"""``Call``: one system call, its entry and its exit joined, as a recording keeps it."""

from __future__ import annotations

import errno as _errno
from dataclasses import dataclass, field

__all__ = ["Call", "CALL_STATUSES"]

#: how a call ended, as strace shows it:
#: ``"complete"``: it returned (``= 3``);
#: ``"unfinished"``: its thread ended inside it (``exit_group``, a fatal signal, an exec
#: by another thread of its process) or the recording ended first: ``= ?``;
#: ``"resumed"``: its entry was not seen (a call in progress when the recording began)
CALL_STATUSES = ("complete", "unfinished", "resumed")


@dataclass(frozen=True, slots=True)
class Call:
    """One system call of a recording: where it ran, its arguments (the six registers
    and strace's text of them, decoded at the stops), what it returned and when."""

    #: the global order of its entry stop (of its exit when the entry was not seen)
    seq: int
    pid: int
    tid: int
    #: its number in its ABI's table, its name and its ABI (``"x86_64"``, ``"i386"``...)
    nr: int
    name: str
    abi: str
    #: the argument registers at the exit stop (at the entry for an unfinished call)
    args: tuple[int, ...] = field(repr=False)
    #: strace's text of the arguments: ``AT_FDCWD, "/etc/hosts", O_RDONLY|O_CLOEXEC``
    args_text: str
    #: the return value, or None when the call never returned
    retval: int | None
    #: strace's text of the return value: ``3``, ``-1 ENOENT (No such file or directory)``,
    #: ``?`` for a call that never returned
    ret_text: str
    #: ``time.monotonic_ns()`` at the entry stop (None: not seen) and at the exit stop
    #: (for an unfinished call: when its thread ended, or None)
    start_ns: int | None = field(repr=False)
    end_ns: int | None = field(repr=False)
    status: str = "complete"
    #: what a fault injector or a delay did to it: ``" (INJECTED)"``, ``" (DELAYED)"`` or ""
    marks: str = field(default="", repr=False)

    @property
    def duration_ns(self) -> int | None:
        """Time from the entry stop to the exit stop, None when either is unknown."""
        if self.start_ns is None or self.end_ns is None:
            return None
        return self.end_ns - self.start_ns

    @property
    def error(self) -> int | None:
        """The errno when the call failed (-4095 <= retval < 0), else None."""
        r = self.retval
        return -r if r is not None and -4096 < r < 0 else None

    @property
    def errno_name(self) -> str | None:
        """``"ENOENT"``... when the call failed."""
        err = self.error
        return None if err is None else _errno.errorcode.get(err, str(err))

    @property
    def text(self) -> str:
        """The call as strace prints it on one line: ``openat(AT_FDCWD, "/x", O_RDONLY)
        = -1 ENOENT (No such file or directory)``."""
        return call_line(self.name, self.args_text, self.ret_text, self.status) + self.marks

    def __str__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        import html
        return f'<code>{html.escape(self.text)}</code>'


def call_line(name: str, args_text: str, ret_text: str, status: str) -> str:
    if status == "unfinished":
        return f"{name}({args_text}) = ?"
    return f"{name}({args_text}) = {ret_text}"


