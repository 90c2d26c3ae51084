# SPDX-License-Identifier: GPL-2.0-or-later
"""Argument kinds of decoded calls that strace 6.1 prints otherwise than the common
kinds would (see ``_specs``): pidfd_getfd's target descriptor, a descriptor of another
process; unshare's flags (its own table, 64 bits)."""

from __future__ import annotations

from . import _xlat_args as XA
from ._kinds import F, Kind
from ._xlat import s32


def _pidfd_target(pidfd_index: int) -> Kind:
    """A descriptor of the process that argument *pidfd_index*, a pidfd, refers to: with
    -y what it is open on in that process (a plain number when that is no pidfd)."""
    return Kind(lambda c, i: c.fd(c.args[i], pidfd=s32(c.args[pidfd_index])))


KINDS: dict[str, Kind] = {
    "unshare_flags": F(XA.UNSHARE_FLAGS, "CLONE_???", width=64),
}
FACTORIES = {"pidfd_target": _pidfd_target}
