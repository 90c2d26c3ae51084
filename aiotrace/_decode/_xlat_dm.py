# SPDX-License-Identifier: GPL-2.0-or-later
"""The constants of the device mapper's requests of ``_ioctl_dm``, as strace 6.1 names
them (xlat/xlat_dm.in; ``_tables`` says how they are read)."""

from __future__ import annotations

from ._tables import Flags, Tables

_T = Tables("xlat_dm", globals())   # the tables declared below

DM_FLAGS: Flags
