# SPDX-License-Identifier: GPL-2.0-or-later
"""Symbolic names of the Linux x86-64 constants of sockets and network
interfaces, and the helpers that print them (``_xlat`` says how a flag table is read)."""

from __future__ import annotations

from ._tables import Flags, Names, Tables
from ._xlat import xval

_T = Tables("xlat_net", globals())   # the tables declared below: xlat/xlat_net.in

# ---------------------------------------------------------------------------
# sockets

ADDRESS_FAMILIES: Names
SOCK_TYPES: Names
SOCK_TYPE_FLAGS: Flags
IPPROTOS: Names
NETLINK_PROTOS: Names
ETH_P: Names

MSG_FLAGS: Flags
SHUTDOWN_HOW: Names

IFF_FLAGS: Flags
ARPHRD: Names


def sockaddr_family(v: int) -> str:
    return xval(v, _T.names("ADDRESS_FAMILIES"), "AF_???")
