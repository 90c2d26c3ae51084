# SPDX-License-Identifier: GPL-2.0-or-later
"""Symbolic names of io_uring's flags, as strace 6.1 prints them: the tables are in
``xlat/xlat_io_uring.in``."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_io_uring", globals())   # the tables declared below

IORING_SETUP_FLAGS: Flags
IORING_FEATURES: Flags
IORING_ENTER_FLAGS: Flags
IORING_REGISTER_OPS: Names
IORING_OPS: Names
IO_URING_OP_FLAGS: Flags
IORING_RESTRICTION_OPS: Names
IOSQE_FLAGS: Flags
IORING_RSRC_REGISTER_FLAGS: Flags
IO_WQ_ACCTS: Names
IORING_FILES_UPDATE_FDS: Names
