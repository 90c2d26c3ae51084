# SPDX-License-Identifier: GPL-2.0-or-later
"""Symbolic names of NETLINK_ROUTE's link attributes (RTM_*LINK's, nested in IFLA_...):
the tables of ``_netlink_ifla`` (``xlat/xlat_ifla.in``, read on first use). Decoders
name them ``IF.TABLE``."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_ifla", globals())   # the tables declared below

IFLA_BRPORT_ATTRS: Names
IFLA_INET6_ATTRS: Names
INET6_IF_FLAGS: Flags
DEVCONF: Names
IPSTATS_MIB: Names
ICMP6_MIB: Names
IN6_ADDR_GEN_MODE: Names
RTEXT_FILTER: Flags
IFLA_EVENTS: Names
IFLA_PROTO_DOWN_REASON_ATTRS: Names
IFLA_XDP_ATTRS: Names
XDP_FLAGS: Flags
XDP_ATTACHED: Names
IFLA_INFO_ATTRS: Names
IFLA_PORT_ATTRS: Names
IFLA_VF_PORT_ATTRS: Names
IFLA_INET_ATTRS: Names
IPV4_DEVCONF: Names
IFLA_MCTP_ATTRS: Names
IFLA_BRIDGE_ATTRS: Names
IFLA_BRIDGE_FLAGS: Flags
BRIDGE_MODES: Names
IFLA_BRIDGE_VLAN_TUNNEL_ATTRS: Names
IFLA_BR_ATTRS: Names
IFLA_TUN_ATTRS: Names
TUN_DEVICE_TYPES: Names
BRIDGE_QUERIER_ATTRS: Names
BR_BOOLOPT_FLAGS: Flags
IFSTATS_MPLS_ATTRS: Names
IFLA_OFFLOAD_XSTATS_ATTRS: Names
BOND_XSTATS_ATTRS: Names
BOND_3AD_STAT_ATTRS: Names
BRIDGE_XSTATS_ATTRS: Names
BR_MCAST_DIR: Names
LINK_XSTATS_TYPE_ATTRS: Names
BRIDGE_VLAN_INFO_FLAGS: Flags
ETHERNET_PROTOCOLS: Names
IFLA_VFINFO_LIST_ATTRS: Names
IFLA_VF_INFO_ATTRS: Names
IFLA_VF_STATS_ATTRS: Names
IFLA_VF_VLAN_LIST_ATTRS: Names
IFLA_VF_LINK_STATES: Names

TABLES = _T
