# SPDX-License-Identifier: GPL-2.0-or-later
"""Constants of the smaller system calls of ``_misc_sys``, as strace 6.1 names them. The
tables are in ``xlat/xlat_sys.in`` (``_tables`` says how they are read)."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_sys", globals())   # the tables declared below: xlat/xlat_sys.in

DELETE_MODULE_FLAGS: Flags
MODULE_INIT_FLAGS: Flags
SPLICE_FLAGS: Flags
SYNC_FILE_RANGE_FLAGS: Flags
XATTR_FLAGS: Flags
MLOCK_FLAGS: Flags
SWAP_FLAGS: Flags
REBOOT_MAGIC1: Names
REBOOT_MAGIC2: Names
REBOOT_CMDS: Names
SYSLOG_ACTIONS: Names
SYSLOG_LEVELS: Names
LANDLOCK_ACCESS_FS: Flags
LANDLOCK_CREATE_RULESET_FLAGS: Flags
LANDLOCK_RULE_TYPES: Names
FAN_CLASSES: Names
FAN_INIT_FLAGS: Flags
FAN_MARK_FLAGS: Flags
FAN_EVENT_FLAGS: Flags
SETNS_TYPES: Flags
RWF_FLAGS: Flags
CAP_VERSIONS: Names
ADJTIMEX_MODES: Flags
ADJTIMEX_STATUS: Flags
ADJTIMEX_STATES: Names
