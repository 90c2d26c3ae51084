# SPDX-License-Identifier: GPL-2.0-or-later
"""Constants of add_key, request_key and keyctl, as strace 6.1 names them. The tables are
in ``xlat/xlat_keyctl.in`` (``_tables`` says how they are read)."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_keyctl", globals())   # the tables declared below: xlat/xlat_keyctl.in

KEY_SPEC: Names
KEY_REQKEYS: Names
KEYCTL_COMMANDS: Names
KEY_PERMS: Flags
KEYCTL_MOVE_FLAGS: Flags
KEYCTL_PKEY_OPS: Flags
KEYCTL_CAPS0: Flags
KEYCTL_CAPS1: Flags
