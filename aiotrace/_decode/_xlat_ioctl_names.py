# SPDX-License-Identifier: GPL-2.0-or-later
"""The names of the ioctl request numbers (xlat/xlat_ioctl_names.in: the kernel's uapi
headers' requests as strace 6.1 lists them, written by ``scripts/ioctl_names.py``).

A number can have several names (``SNDCTL_TMR_START`` and ``TCSETS``): the table is a
list of (name, number) pairs, by number then by name, the order in which strace prints
them ("SNDCTL_TMR_START or TCSETS")."""

from __future__ import annotations

from ._tables import Flags, Tables

_T = Tables("xlat_ioctl_names", globals())   # xlat/xlat_ioctl_names.in

IOCTL_NAMES: Flags

_by_number: dict[int, str] = {}
_by_name: dict[str, int] = {}


def request_names() -> dict[int, str]:
    """Request number -> its names, joined with `` or ``."""
    if not _by_number:
        for name, number in _T.flags("IOCTL_NAMES"):
            known = _by_number.get(number)
            _by_number[number] = name if known is None else known + " or " + name
    return _by_number


def code(name: str) -> int:
    """The number of the request *name*."""
    if not _by_name:
        _by_name.update(_T.flags("IOCTL_NAMES"))
    return _by_name[name]
