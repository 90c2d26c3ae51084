# SPDX-License-Identifier: GPL-2.0-or-later
"""strace's ``--decode-pids=pidns``: a process id the tracee gave or got, in the tracee's
PID namespace, followed by what it is in the tracer's: ``2 /* 4711 in strace's PID NS */``.

How an id is translated (the kernel's interfaces; strace reads the same ones):

* ``/proc/P/status`` lists each id of process P in every PID namespace from the one /proc
  was mounted in down to P's own: ``NSpid`` (the thread), ``NStgid``, ``NSpgid``,
  ``NSsid``. A namespace is thus a *level* in those lists: the tracer's is its own
  ``NSpid`` count less one, a tracee's likewise.
* ``/proc/P/ns/pid`` is P's namespace (its inode names it); ``ioctl(NS_GET_PARENT)`` on
  it opens the namespace above, so that P's namespace at a given level can be compared
  with the tracee's.
* An id of namespace N at level L is the process whose list has that id at L and whose
  namespace at L is N; its id at the tracer's level is the answer. The tracee itself is
  looked at first (most ids are its own), then the process found last time for that id,
  then every process (and, for a thread id, every thread) in /proc.
* When /proc is not the tracer's (``unshare -Urpf aiotrace ...``: a new namespace, the
  old /proc), the tracee's ``/proc`` directory is found the same way, from its id in the
  tracer's namespace.

The decoder installs a :class:`PidNs` for the thread whose stop it decodes
(:func:`decoding`); the printers call :func:`pid` and :func:`comment`, which print the
bare number when none is installed (the default).
"""

from __future__ import annotations

import threading

from .._core._procns import PGID, SID, TGID, TID, find, me, ns_ids, ns_up, proc_dir
from ._quote import escape

__all__ = ["PidNs", "decoding", "comment", "comm_of", "pid", "tgid_or_pgid", "TID", "TGID",
           "PGID", "SID"]


class PidNs:
    """Translates the ids of the tracees' PID namespaces into the tracer's. *ns*: the
    ids are followed by their translation (``--decode-pids=pidns``); *comm*: the ids of
    threads and processes by their command name (``-Y``, ``--decode-pids=comm``)."""

    def __init__(self, ns: bool = True, comm: bool = False) -> None:
        self.tid = 0   # the thread whose stop is being decoded
        self.ns = ns
        self.comm = comm

    def translate(self, tid: int, pid: int, kind: int) -> int | None:
        """Id *pid* of type *kind* (TID, TGID, PGID, SID) in the namespace of thread *tid*,
        in the tracer's namespace; None when it cannot be found."""
        if pid <= 0:
            return None
        proc = proc_dir(tid)
        if proc is None:
            return None
        ids = ns_ids(proc)
        ns = ns_up(proc, 0)
        m = me()
        if ids is None or ns is None:
            return None
        if ns == m.ns:
            return pid
        level = len(ids[TID]) - 1
        if level < m.level:
            return None
        got = find(ns, level, pid, kind, first=(proc,))
        if got is None:
            return None
        return got[1][kind][m.level] or None


# -- what the printers use ------------------------------------------------------

_state = threading.local()
_ever = False   # whether a PidNs was ever installed here: else every id prints as it is


def decoding(pidns: PidNs | None, tid: int) -> None:
    """Install *pidns* for the stop of thread *tid* on this thread (None: no translation)."""
    global _ever
    if pidns is not None:
        pidns.tid = tid
        _ever = True
    _state.pidns = pidns


def comment(pid: int, kind: int) -> str:
    """What follows *pid* (of the decoded thread's namespace), N in the tracer's: with
    -Y, ``<COMM>`` for a thread or process; `` /* N in strace's PID NS */`` when N is
    another number; else ""."""
    pidns: PidNs | None = getattr(_state, "pidns", None)
    if pidns is None or pid <= 0:
        return ""
    try:
        got = pidns.translate(pidns.tid, pid, kind)
    except Exception:   # a vanished process must not break printing
        return ""
    if got is None:
        return ""
    out = ""
    if pidns.comm and kind in (TID, TGID):
        out = comm_of(got)
    if pidns.ns and got != pid:
        out += " /* %d in strace's PID NS */" % got
    return out


def comm_of(tid: int) -> str:
    """``<COMM>``: the command name of thread *tid* of the tracer's namespace, escaped
    as strace escapes it ("" when it cannot be read)."""
    proc = proc_dir(tid)
    try:
        if proc is None:
            return ""
        with open("/proc/%s/comm" % proc, "rb") as f:
            name = f.read()
    except OSError:
        return ""
    if name.endswith(b"\n"):
        name = name[:-1]
    return "<%s>" % escape(name, extra=b"<>") if name else ""


def pid(pid: int, kind: int) -> str:
    """The id, as a signed int, and its translation."""
    if not _ever:   # (the usual case, at the cost of one look-up)
        return str(pid)
    return "%d%s" % (pid, comment(pid, kind))


def tgid_or_pgid(pid: int) -> str:
    """kill's and wait's first argument: a process (> 0), or a group (< -1)."""
    if not _ever:
        return str(pid)
    if pid > 0:
        return "%d%s" % (pid, comment(pid, TGID))
    if pid < -1:
        return "%d%s" % (pid, comment(-pid, PGID))
    return str(pid)

