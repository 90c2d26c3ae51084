# SPDX-License-Identifier: GPL-2.0-or-later
"""Constants of quotactl and quotactl_fd, as strace 6.1 names them. The tables are in
``xlat/xlat_quota.in`` (``_tables`` says how they are read)."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_quota", globals())   # the tables declared below: xlat/xlat_quota.in

QUOTA_CMDS: Names
QUOTA_TYPES: Names
QUOTA_FORMATS: Names
XFS_QUOTA_FLAGS: Flags
XFS_DQBLK_FLAGS: Flags
DQBLK_VALID: Flags
DQINFO_FLAGS: Flags
DQINFO_VALID: Flags
