# SPDX-License-Identifier: GPL-2.0-or-later
"""More of NETLINK_ROUTE's constants: the attribute tables of ``_netlink_rtattr_more``
(``xlat/xlat_rtnl_more.in``, read on first use). Decoders name them ``RM.TABLE``."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_rtnl_more", globals())   # the tables declared below

IPMRA_CREPORT_ATTRS: Names
IP6MRA_CREPORT_ATTRS: Names
IGMPMSG_TYPES: Names
MRT6MSG_TYPES: Names
NEXTHOP_GRP_TYPES: Names
NHA_RES_GROUP_ATTRS: Names
NHA_RES_BUCKET_ATTRS: Names
LWTUNNEL_ENCAP_TYPES: Names
NFEA_ATTRS: Names
FDB_NOTIFY_FLAGS: Flags
NTF_EXT_FLAGS: Flags
MDB_STATES: Names
MULTICAST_ROUTER_TYPES: Names
MDBA_MDB_ATTRS: Names
MDBA_MDB_EATTR_ATTRS: Names
MDBA_MDB_ENTRY_ATTRS: Names
MDBA_ROUTER_ATTRS: Names
MDBA_ROUTER_PATTR_ATTRS: Names
MDB_FLAGS: Flags
TCA_STATS_ATTRS: Names
TCA_STAB_ATTRS: Names

TABLES = _T
