# SPDX-License-Identifier: GPL-2.0-or-later
"""Symbolic names of NETLINK_SOCK_DIAG's constants (``xlat/xlat_sockdiag.in``, read on
first use); the tables' names start with ``SD_`` (``_netlink_route.field`` looks them up
here by that)."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_sockdiag", globals())   # the tables declared below: xlat/xlat_sockdiag.in

SD_TCP_STATES: Names
SD_UDIAG_SHOW: Flags
SD_NDIAG_SHOW: Flags
SD_NETLINK_STATES: Names
SD_PACKET_SHOW: Flags
SD_UNIX_ATTRS: Names
SD_NETLINK_ATTRS: Names
SD_PACKET_ATTRS: Names
SD_TCP_STATE_FLAGS: Flags
SD_NDIAG_PROTOS: Names
SD_INET_ATTRS: Names
SD_INET_REQ_ATTRS: Names
SD_INET_EXT_FLAGS: Flags
SD_SMC_STATES: Names
SD_SMC_MODES: Names
SD_SMC_ATTRS: Names
SD_SMC_EXT_FLAGS: Flags
SD_ETH_P: Names
SD_SK_MEMINFO: Names
SD_NDIAG_FLAGS: Flags
SD_INET_BC: Names
SD_TPACKET_VERSIONS: Names
SD_PDI_FLAGS: Flags
SD_SMC_DECL_CODES: Names
SD_SHUTDOWN_FLAGS: Flags
SD_SMC_ROLES: Names


TABLES = _T   # a table by its name, for the decoders' tables of tables: TABLES.names(...)
