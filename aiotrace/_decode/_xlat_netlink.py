# SPDX-License-Identifier: GPL-2.0-or-later
"""Symbolic names of netlink's constants: the message header's types and flags, each
protocol's message types (``xlat/xlat_netlink.in``, read on first use)."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_netlink", globals())   # the tables declared below: xlat/xlat_netlink.in

# the header: flags of every message, then those of a kind of request
NLM_FLAGS: Flags
NLM_GET_FLAGS: Flags
NLM_NEW_FLAGS: Flags
NLM_DELETE_FLAGS: Flags
NLM_ACK_FLAGS: Flags
NLMSG_TYPES: Names
NLMSGERR_ATTRS: Names

# message types, by protocol
AUDIT_TYPES: Names
SELNL_TYPES: Names
XFRM_TYPES: Names
CRYPTO_TYPES: Names
RTM_TYPES: Names
SOCK_DIAG_TYPES: Names
NFNL_SUBSYS: Names
NFNL_MSG_TYPES: Names
NETFILTER_VERSIONS: Names

# netfilter's message types, by subsystem
NF_CT_MSG: Names
NF_CT_EXP_MSG: Names
NF_QUEUE_MSG: Names
NF_ULOG_MSG: Names
NF_OSF_MSG: Names
NF_IPSET_MSG: Names
NF_ACCT_MSG: Names
NF_CTTIMEOUT_MSG: Names
NF_CTHELPER_MSG: Names
NF_NFT_MSG: Names
NF_COMPAT_MSG: Names
NF_HOOK_MSG: Names


TABLES = _T   # a table by its name, for the decoders' tables of tables: TABLES.names(...)
