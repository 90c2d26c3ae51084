# SPDX-License-Identifier: GPL-2.0-or-later
"""aiotrace as the first process of a PID namespace (``unshare -Urpf aiotrace run ...``).

The first process of a namespace is its init: every process of the namespace whose parent
dies becomes its child. aiotrace's tracer thread waits only for its own children and
tracees (``__WNOTHREAD``), so an orphaned tracee whose exit the kernel then reports to
its new parent, aiotrace's main thread, would never be seen to end, and the run would
wait for it forever. So, as pid 1, aiotrace forks: the child is the command as usual; the
parent stays the namespace's init, reaps the orphans, passes SIGTERM and SIGHUP on, and
ends as the child ends.
"""

from __future__ import annotations

import os
import signal
from typing import Any

# what is sent to the namespace's init (docker stop, kill 1...) goes on to the command; a
# terminal's Ctrl-C and Ctrl-\ reach the command anyway (its process group is ours)
_PASSED = (signal.SIGTERM, signal.SIGHUP)
_IGNORED = (signal.SIGINT, signal.SIGQUIT)


def stay_init_if_first() -> int | None:
    """As the first process of a PID namespace: fork; in the parent, reap every child
    until the forked one ends and return its exit status (128 + the signal that
    killed it); in the child, return None. Otherwise return None at once."""
    if os.getpid() != 1:
        return None
    child = os.fork()
    if child == 0:
        return None

    def pass_on(sig: int, _frame: Any) -> None:
        try:
            os.kill(child, sig)
        except ProcessLookupError:
            pass

    for sig in _PASSED:
        signal.signal(sig, pass_on)
    for sig in _IGNORED:
        signal.signal(sig, signal.SIG_IGN)
    while True:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            return 1
        except InterruptedError:   # (PEP 475 retries; kept for clarity)
            continue
        if pid == child:
            if os.WIFSIGNALED(status):
                return 128 + os.WTERMSIG(status)
            return os.waitstatus_to_exitcode(status)
