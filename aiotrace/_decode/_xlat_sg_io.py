# SPDX-License-Identifier: GPL-2.0-or-later
"""The constants of SCSI generic's SG_IO of ``_ioctl_sg_io``, as strace 6.1 names them
(xlat/xlat_sg_io.in; ``_tables`` says how they are read)."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_sg_io", globals())   # the tables declared below

SG_IO_DXFER_DIRECTION: Names
SG_IO_FLAGS: Flags
SG_IO_INFO: Flags
BSG_PROTOCOL: Names
BSG_SUBPROTOCOL: Names
BSG_FLAGS: Flags
