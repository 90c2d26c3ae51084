# SPDX-License-Identifier: GPL-2.0-or-later
"""A netlink dump asked of the kernel: the answers' payloads, one by one (the names of
generic netlink's families, _netlink_genl; a TCP socket's endpoints by sock_diag,
_fdinfo). Facts: a dump's answers come as several messages per read (each padded to 4
bytes) and end with NLMSG_DONE, or NLMSG_ERROR when the request is refused."""

from __future__ import annotations

import struct
from collections.abc import Iterator

NLM_F_REQUEST, NLM_F_DUMP = 1, 0x300
_NLMSG_ERROR, _NLMSG_DONE = 2, 3
_HEADER = 16   # struct nlmsghdr


def dump(protocol: int, request: bytes) -> Iterator[bytes]:
    """Send *request* (a whole netlink message, NLM_F_DUMP set) on a new socket of
    *protocol*; yield each answer's payload (after its header) until the end of the dump.
    Raises OSError (the socket's, or a timeout: the kernel answers at once, the timeout
    only bounds a surprise) and struct.error."""
    import socket   # (on use: start-up time)
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, protocol) as nl:
        nl.settimeout(1.0)
        nl.send(request)
        while True:
            data = nl.recv(65536)
            if not data:
                return
            off = 0
            while off + _HEADER <= len(data):
                length, kind = struct.unpack_from("<IH", data, off)
                if kind in (_NLMSG_DONE, _NLMSG_ERROR) or length < _HEADER:
                    return
                yield data[off + _HEADER: off + length]
                off += (length + 3) & ~3
