# SPDX-License-Identifier: GPL-2.0-or-later
"""The constants of the btrfs requests of ``_ioctl_btrfs`` (linux/btrfs.h,
linux/btrfs_tree.h), as strace 6.1 names them (xlat/xlat_btrfs.in; ``_tables`` says how
they are read)."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_btrfs", globals())   # the tables declared below

BTRFS_BALANCE_ARGS: Flags
BTRFS_BALANCE_CTL_CMDS: Names
BTRFS_BALANCE_FLAGS: Flags
BTRFS_BALANCE_STATE: Flags
BTRFS_COMPRESS_TYPES: Names
BTRFS_CONT_READING_FROM_SRCDEV_MODE: Names
BTRFS_CSUM_TYPES: Names
BTRFS_DEFRAG_FLAGS: Flags
BTRFS_DEV_REPLACE_CMDS: Names
BTRFS_DEV_REPLACE_RESULTS: Names
BTRFS_DEV_REPLACE_STATE: Names
BTRFS_DEV_STATS_FLAGS: Flags
BTRFS_DEV_STATS_VALUES: Names
BTRFS_FEATURES_COMPAT_RO: Flags
BTRFS_FEATURES_INCOMPAT: Flags
BTRFS_FS_INFO_FLAGS: Flags
BTRFS_KEY_TYPES: Names
BTRFS_LOGICAL_INO_ARGS_FLAGS: Flags
BTRFS_QGROUP_CTL_CMDS: Names
BTRFS_QGROUP_INHERIT_FLAGS: Flags
BTRFS_QGROUP_LIMIT_FLAGS: Flags
BTRFS_QGROUP_STATUS_FLAGS: Flags
BTRFS_SCRUB_FLAGS: Flags
BTRFS_SEND_FLAGS: Flags
BTRFS_SNAP_FLAGS_V2: Flags
BTRFS_SPACE_INFO_FLAGS: Flags
BTRFS_TREE_OBJECTIDS: Names
