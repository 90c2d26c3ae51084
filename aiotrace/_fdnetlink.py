# SPDX-License-Identifier: GPL-2.0-or-later
"""Which descriptors are netlink sockets, and of which protocol: what the printer needs
to decode the data of sendto and recvfrom as netlink messages, as strace does.

Learnt only for the calls that need it, at their stop: ``/proc/PID/fd/N`` names the
socket's inode; the kernel names its protocol family in the extended attribute
``system.sockprotoname`` of that link (``NETLINK``), and ``/proc/PID/net/netlink`` lists
the namespace's netlink sockets with their protocol (column ``Eth``) and inode. What is
learnt is kept by inode, so each socket is looked up once: the usual call on a socket
costs one readlink."""

from __future__ import annotations

import os

_CACHE_MAX = 4096
_UNSEEN = -2


class NetlinkFds:
    """``protocol(tid, fd)``: the netlink protocol of a descriptor of thread *tid* (or of
    the thread whose directory in /proc *tid* is: ``_core._procns.proc_dir``), None when
    it is not a netlink socket (or is gone), -1 for one whose protocol is unknown."""

    __slots__ = ("_known",)

    def __init__(self) -> None:
        self._known: dict[int, int | None] = {}   # socket inode -> protocol

    def protocol(self, tid: int | str, fd: int) -> int | None:
        try:
            link = os.readlink("/proc/%s/fd/%d" % (tid, fd))
        except OSError:
            return None
        if not link.startswith("socket:["):
            return None
        try:
            ino = int(link[8:-1])
        except ValueError:
            return None
        known = self._known.get(ino, _UNSEEN)
        if known != _UNSEEN:
            return known
        proto = _lookup(tid, fd, ino)
        if proto == -1:
            return proto   # (not bound yet, so not listed: asked again at its next call)
        if len(self._known) >= _CACHE_MAX:
            self._known.clear()
        self._known[ino] = proto
        return proto


def _lookup(tid: int | str, fd: int, ino: int) -> int | None:
    try:
        name = os.getxattr("/proc/%s/fd/%d" % (tid, fd), "system.sockprotoname")
    except OSError:
        return None
    if name.rstrip(b"\0") != b"NETLINK":
        return None
    want = str(ino)
    try:
        with open("/proc/%s/net/netlink" % tid) as f:
            next(f, None)
            for line in f:
                fields = line.split()
                if len(fields) >= 10 and fields[9] == want:
                    return int(fields[1])
    except (OSError, ValueError):
        pass
    return -1
