# SPDX-License-Identifier: GPL-2.0-or-later
"""Symbolic names of the socket option levels and of each level's options (getsockopt,
setsockopt), and of the values their structures hold, as strace 6.1 prints them: the
tables are in ``xlat/xlat_sockopt.in``."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_sockopt", globals())   # the tables declared below

SOCKOPT_LEVELS: Names
SO_GET_OPTS: Names
SO_SET_OPTS: Names
IP_GET_OPTS: Names
IP_SET_OPTS: Names
IPV6_GET_OPTS: Names
IPV6_SET_OPTS: Names
VSOCK_OPTS: Names
IPX_OPTS: Names
AX25_OPTS: Names
PACKET_OPTS: Names
TCP_OPTS: Names
CAN_RAW_OPTS: Names
SCTP_OPTS: Names
RAW_OPTS: Names
NETLINK_OPTS: Names
UDP_OPTS: Names
IRDA_OPTS: Names
LLC_OPTS: Names
DCCP_OPTS: Names
TIPC_OPTS: Names
RXRPC_OPTS: Names
PPPOL2TP_OPTS: Names
BLUETOOTH_OPTS: Names
PNPIPE_OPTS: Names
RDS_OPTS: Names
IUCV_OPTS: Names
CAIF_OPTS: Names
ALG_OPTS: Names
NFC_LLCP_OPTS: Names
KCM_OPTS: Names
TLS_OPTS: Names
XDP_OPTS: Names
ICMP_FILTER_TYPES: Names
PACKET_MR_TYPES: Names
TXREHASH_VALS: Names
SCM_TYPES: Names
IP_CMSG_TYPES: Names
SKF_OFFSETS: Flags
SKF_AD: Names

# level -> (the table of its getsockopt options, of its setsockopt options, the text of
# an unknown one); a level not here prints its options as numbers
LEVEL_OPTIONS = {
    0: ("IP_GET_OPTS", "IP_SET_OPTS", "IP_???"),
    1: ("SO_GET_OPTS", "SO_SET_OPTS", "SO_???"),
    6: ("TCP_OPTS", "TCP_OPTS", "TCP_???"),
    17: ("UDP_OPTS", "UDP_OPTS", "UDP_???"),
    40: ("VSOCK_OPTS", "VSOCK_OPTS", "SO_VM_???"),   # (AF_VSOCK: vsock's "level")
    41: ("IPV6_GET_OPTS", "IPV6_SET_OPTS", "IPV6_???"),
    101: ("CAN_RAW_OPTS", "CAN_RAW_OPTS", "CAN_RAW_???"),
    132: ("SCTP_OPTS", "SCTP_OPTS", "SCTP_???"),
    255: ("RAW_OPTS", "RAW_OPTS", "RAW_???"),
    256: ("IPX_OPTS", "IPX_OPTS", "IPX_???"),
    257: ("AX25_OPTS", "AX25_OPTS", "AX25_???"),
    263: ("PACKET_OPTS", "PACKET_OPTS", "PACKET_???"),
    266: ("IRDA_OPTS", "IRDA_OPTS", "IRLMP_???"),
    268: ("LLC_OPTS", "LLC_OPTS", "LLC_OPT_???"),
    269: ("DCCP_OPTS", "DCCP_OPTS", "DCCP_SOCKOPT_???"),
    270: ("NETLINK_OPTS", "NETLINK_OPTS", "NETLINK_???"),
    271: ("TIPC_OPTS", "TIPC_OPTS", "TIPC_???"),
    272: ("RXRPC_OPTS", "RXRPC_OPTS", "RXRPC_???"),
    273: ("PPPOL2TP_OPTS", "PPPOL2TP_OPTS", "PPPOL2TP_SO_???"),
    274: ("BLUETOOTH_OPTS", "BLUETOOTH_OPTS", "BT_???"),
    275: ("PNPIPE_OPTS", "PNPIPE_OPTS", "PNPIPE_???"),
    276: ("RDS_OPTS", "RDS_OPTS", "RDS_???"),
    277: ("IUCV_OPTS", "IUCV_OPTS", "SO_???"),
    278: ("CAIF_OPTS", "CAIF_OPTS", "CAIFSO_???"),
    279: ("ALG_OPTS", "ALG_OPTS", "ALG_???"),
    280: ("NFC_LLCP_OPTS", "NFC_LLCP_OPTS", "NFC_LLCP_???"),
    281: ("KCM_OPTS", "KCM_OPTS", "KCM_???"),
    282: ("TLS_OPTS", "TLS_OPTS", "TLS_???"),
    283: ("XDP_OPTS", "XDP_OPTS", "XDP_???"),
}


def option_names(level: int, getting: bool) -> tuple[Names, str] | None:
    """The names of the options of *level* (of getsockopt's or setsockopt's) and the text
    of an unknown one; None for a level whose options print as numbers."""
    got = LEVEL_OPTIONS.get(level)
    if got is None:
        return None
    return _T.names(got[0] if getting else got[1]), got[2]
