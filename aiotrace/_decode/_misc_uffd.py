# SPDX-License-Identifier: GPL-2.0-or-later
"""userfaultfd's flags, as strace 6.1 prints them (the requests of its descriptor are
``_ioctl_uffd``'s)."""

from __future__ import annotations

from ._kinds import F
from . import _xlat_ioctl_more as XM

KINDS = {"uffd_flags": F(XM.UFFD_FLAGS, "UFFD_???")}
