# SPDX-License-Identifier: GPL-2.0-or-later
"""``-I``/``--interruptible``: what the signals that end a tracer (SIGHUP, SIGINT, SIGQUIT,
SIGPIPE, SIGTERM) do to ``aiotrace run`` while the program runs, as strace's levels say:

1. ``anywhere`` (``always``): nothing is caught; aiotrace dies of them (its program,
   seized with PTRACE_O_EXITKILL, with it);
2. ``waiting``: aiotrace detaches, the program gets SIGCONT and the signal (strace's
   order), and aiotrace dies of the same signal; the open line ends ``<detached ...>``;
3. ``never``: they are ignored (by aiotrace only: set after the program is started, so
   that it does not inherit them);
4. ``never_tstp``: so is SIGTSTP (^Z).

Without -I, ``run`` keeps its own rule (Ctrl-C and Ctrl-\\ are the program's, SIGTERM and
SIGHUP are passed on to it: see _run).
"""

from __future__ import annotations

import os
import signal
from typing import Any, Callable, Iterable

import anyio

import aiotrace

ANYWHERE, WAITING, NEVER, NEVER_TSTP = 1, 2, 3, 4
_NAMES = {"anywhere": ANYWHERE, "always": ANYWHERE, "waiting": WAITING, "never": NEVER,
          "never_tstp": NEVER_TSTP}
FATAL = (signal.SIGHUP, signal.SIGINT, signal.SIGQUIT, signal.SIGPIPE, signal.SIGTERM)


def parse_interruptible(text: str) -> int | None:
    """-I's argument (a name, or a number 1 to 4, read as strace reads it), or None."""
    if text in _NAMES:
        return _NAMES[text]
    from ._args import c_uint
    level = c_uint(text, NEVER_TSTP)
    return level or None


def set_dispositions(level: int) -> Callable[[], None]:
    """Levels 1, 3 and 4: the signals' dispositions in aiotrace, once the program runs;
    returns what puts them back (main() may be called from Python)."""
    sigs: tuple[int, ...] = FATAL + ((signal.SIGTSTP,) if level == NEVER_TSTP else ())
    how = signal.SIG_DFL if level == ANYWHERE else signal.SIG_IGN
    return set_handlers(() if level == WAITING else sigs, how)


def set_handlers(sigs: Iterable[int], how: Any, keep_ignored: bool = False
                 ) -> Callable[[], None]:
    """*how* for each of *sigs* (but those ignored, with *keep_ignored*); returns what
    puts the old ones back. Not in the main thread: nothing is done."""
    old = {}
    try:
        for sig in sigs:
            if not (keep_ignored and signal.getsignal(sig) is signal.SIG_IGN):
                old[sig] = signal.signal(sig, how)
    except ValueError:   # not the main thread
        pass

    def restore() -> None:
        for sig, handler in old.items():
            signal.signal(sig, handler)
    return restore


async def detach_on_signal(s: Any, procs: list[aiotrace.Process], scope: anyio.CancelScope,
                           sigs: tuple[signal.Signals, ...] = FATAL,
                           program: int | None = None,
                           *, task_status: Any = anyio.TASK_STATUS_IGNORED) -> None:
    """At the first of *sigs*, detach from every process of *procs* (a list that may
    still grow), then (level 2 of run) send the *program* SIGCONT and the signal: after
    the detach, as a signal sent to a traced process would stop it, and be lost at the
    detach. ``s.interrupted`` says which signal came."""
    with scope:
        try:
            receiver = anyio.open_signal_receiver(*sigs)
        except (ValueError, NotImplementedError, RuntimeError):  # pragma: no cover
            task_status.started()
            await anyio.sleep_forever()
            return
        with receiver as signals:
            task_status.started()
            async for sig in signals:
                s.interrupted = int(sig)
                for proc in list(procs):
                    await proc.detach()
                if program is None:
                    return
                for how in (signal.SIGCONT, sig):
                    try:   # (our child, not reaped yet: its pid is still its own)
                        os.kill(program, how)
                    except ProcessLookupError:
                        pass
                return
