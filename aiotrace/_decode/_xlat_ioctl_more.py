# SPDX-License-Identifier: GPL-2.0-or-later
"""The constants of the small ioctl families of ``_ioctl_more``, as strace 6.1 names them
(xlat/xlat_ioctl_more.in; ``_tables`` says how they are read)."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_ioctl_more", globals())   # the tables declared below

TIOCM_FLAGS: Flags
NS_TYPES: Names
LINE_DISCS: Names
TERMIOS_CC: Names
MTD_OPS: Names
MTD_FILE_MODES: Names
MTD_TYPES: Names
MTD_FLAGS: Flags
MTD_OTP: Names
MTD_NANDECC: Names
UFFD_FLAGS: Flags
UFFD_FEATURES: Flags
UFFD_API_IOCTLS: Flags
UFFD_RANGE_IOCTLS: Flags
UFFD_REGISTER_MODES: Flags
UFFD_COPY_MODES: Flags
UFFD_ZEROPAGE_MODES: Flags
SG_SCSI_RESET: Names
V4L2_BUF_TYPES: Names
V4L2_INPUT_TYPES: Names
