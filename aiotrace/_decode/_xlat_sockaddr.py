# SPDX-License-Identifier: GPL-2.0-or-later
"""Symbolic names of the values of socket addresses' fields (packet types, Bluetooth
channels and ports, vsock and qrtr addresses...), as strace 6.1 prints them: the tables
are in ``xlat/xlat_sockaddr.in``."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_sockaddr", globals())   # the tables declared below

PACKET_TYPES: Names
HCI_CHANNELS: Names
BDADDR_TYPES: Names
L2CAP_PSMS: Names
L2CAP_CIDS: Names
VSOCK_CIDS: Names
VSOCK_PORTS: Names
VSOCK_FLAGS: Flags
QRTR_NODES: Names
QRTR_PORTS: Names
XDP_FLAGS: Flags
MCTP_NETS: Names
MCTP_ADDRS: Names
RXRPC_SERVICES: Names
NFC_PROTOCOLS: Names
NFC_SAPS: Names
IEEE802154_ADDR_TYPES: Names
IEEE802154_PAN_IDS: Names
IEEE802154_ADDRS: Names
ALG_FLAGS: Flags
