# SPDX-License-Identifier: GPL-2.0-or-later
"""The netlink dump that -yy's bound TCP sockets and the generic netlink families' names
are asked with (_decode/_nldump.py), against this machine's kernel (no tracee)."""

from __future__ import annotations

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
