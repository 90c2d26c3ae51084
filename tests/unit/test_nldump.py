# SPDX-License-Identifier: GPL-2.0-or-later
"""The netlink dump that -yy's bound TCP sockets and the generic netlink families' names
are asked with (_decode/_nldump.py), against this machine's kernel (no tracee)."""

from __future__ import annotations

import os
import socket

from aiotrace import _fdinfo
from aiotrace._decode import _netlink_genl


def test_the_generic_families_dump_names_the_controller() -> None:
    # (genetlink's own controller has the fixed id GENL_ID_CTRL, 0x10, on every kernel)
    assert _netlink_genl._ask().get(0x10) == "nlctrl"


def test_a_bound_tcp_socket_found_by_its_inode_in_the_dump() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, \
            socket.socket(socket.AF_INET, socket.SOCK_STREAM) as unbound:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        ino = _fdinfo.os.fstat(s.fileno()).st_ino
        assert _fdinfo._tcp_diag(socket.AF_INET, ino) == f"127.0.0.1:{port}"
        # (one that is in no table: the whole dump read, and nothing found)
        assert _fdinfo._tcp_diag(socket.AF_INET, _fdinfo.os.fstat(unbound.fileno()).st_ino) is None


def test_an_unbound_tcp_socket_costs_no_dump_and_its_bind_is_seen(monkeypatch) -> None:
    """-yy's look-up of a TCP socket that no /proc/net table lists: one with no local
    port (before its bind) is in no table at all, which the socket itself says
    (getsockname of a copy): neither its /proc/net table read nor a dump of every TCP
    socket for it, however often it is looked up; once bound (the same socket, the same
    inode), the dump finds it: nothing kept of the misses went stale."""
    dumps: list[int] = []
    dump, read = _fdinfo._tcp_diag, _fdinfo._inet
    monkeypatch.setattr(_fdinfo, "_tcp_diag",
                        lambda family, ino: dumps.append(ino) or dump(family, ino))
    monkeypatch.setattr(_fdinfo, "_inet",
                        lambda tid, table, ino: dumps.append(-ino) or read(tid, table, ino))
    monkeypatch.setattr(_fdinfo, "_cache", [None] * (_fdinfo._CACHE_MASK + 1))
    pid = os.getpid()
    for family, host, shown in ((socket.AF_INET, "127.0.0.1", "127.0.0.1:%d"),
                                (socket.AF_INET6, "::1", "[::1]:%d")):
        proto = "TCP" if family == socket.AF_INET else "TCPv6"
        with socket.socket(family, socket.SOCK_STREAM) as s:
            ino = os.fstat(s.fileno()).st_ino
            for _ in range(3):
                assert _fdinfo._socket(str(pid), pid, s.fileno(), proto, ino) is None
            assert dumps == []
            s.bind((host, 0))
            assert _fdinfo._socket(str(pid), pid, s.fileno(), proto, ino) == shown % s.getsockname()[1]
            assert dumps == [-ino, ino]
            dumps.clear()
