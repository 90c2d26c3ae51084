# SPDX-License-Identifier: GPL-2.0-or-later
"""The constants of ``_misc_args``, as strace 6.1 names them (xlat/xlat_args.in;
``_tables`` says how they are read)."""

from __future__ import annotations

from ._tables import Flags, Tables

_T = Tables("xlat_args", globals())   # the tables declared below

UNSHARE_FLAGS: Flags
