# SPDX-License-Identifier: GPL-2.0-or-later
"""The smaller calls strace 6.1 decodes one by one (I/O priorities, protection keys,
kcmp, memfd, mount and the mount API, openat2, clone3, move_pages, System V IPC, message
queues, native AIO, sched_attr), made by a real program: the same lines as strace, in
each -X style."""

from __future__ import annotations

import pytest

from cli_helpers import aiotrace, comparable, needs_strace, strace

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops

CALLS = ("ioprio_set,ioprio_get,pkey_alloc,pkey_free,kcmp,memfd_create,mount,dup3,"
         "inotify_init1,openat2,clone3,move_pages,migrate_pages,fsopen,fsmount,fspick,"
         "open_tree,mount_setattr,msgget,msgctl,semop,semtimedop,shmget,shmat,mq_open,"
         "mq_getsetattr,io_setup,io_destroy,io_getevents,sched_getattr,sched_rr_get_interval")


@needs_strace
@pytest.mark.parametrize("options", [[], ["-X", "raw"], ["-X", "verbose"]],
                         ids=lambda o: " ".join(o) or "default")
def test_same_lines_as_strace(options, target):
    argv = [target("misc_calls")]
    a = aiotrace("run", "-e", "trace=" + CALLS, *options, "--", *argv)
    s = strace("-e", "trace=" + CALLS, *options, *argv)
    assert (a.returncode, a.stdout) == (s.returncode, s.stdout)
    assert s.stderr.count("\n") > 30   # (every call was made, and traced)
    assert comparable(a.stderr) == comparable(s.stderr)
