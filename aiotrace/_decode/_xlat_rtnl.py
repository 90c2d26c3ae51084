# SPDX-License-Identifier: GPL-2.0-or-later
"""Symbolic names of NETLINK_ROUTE's constants: the fields of its messages' headers and
its attributes' types (``xlat/xlat_rtnl.in``, read on first use)."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_rtnl", globals())   # the tables declared below: xlat/xlat_rtnl.in

IFA_FLAGS: Flags
RT_SCOPES: Names
IPTOS: Flags
RT_TABLES: Names
RTPROT: Names
RTN_TYPES: Names
RTM_F_FLAGS: Flags
NUD_STATES: Flags
NTF_FLAGS: Flags
FR_ACTS: Names
FIB_RULE_FLAGS: Flags
RTNH_FLAGS: Flags
DCB_CMDS: Names
RTNL_FAMILIES: Names
IFLA_ATTRS: Names
IFA_ATTRS: Names
RTA_ATTRS: Names
NDA_ATTRS: Names
FRA_ATTRS: Names
TCA_ATTRS: Names
TCA_ACT_ATTRS: Names
NDTA_ATTRS: Names
MDBA_ATTRS: Names
NHA_ATTRS: Names
IFAL_ATTRS: Names
DCB_ATTRS: Names
NETCONFA_ATTRS: Names
NETNSA_ATTRS: Names
IFLA_STATS_ATTRS: Names
IFLA_STATS_FLAGS: Flags
NDTPA_ATTRS: Names
RTAX_ATTRS: Names
TCA_ACT_FLAGS: Flags
TCA_ACT_HW_STATS: Flags


TABLES = _T   # a table by its name, for the decoders' tables of tables: TABLES.names(...)
