# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: small families, as strace 6.1 decodes them: the namespaces' (0xb7,
linux/nsfs.h) and the modem lines of terminals (TIOCM*, 'T': the other terminal
requests are left to ``_files``)."""

from __future__ import annotations

from typing import Optional

from . import _ioctl as I
from ._ctx import Ctx
from ._kinds import R_FD
from ._xlat import flags, s64, u32
from ._xlat_ioctl_names import code
from . import _xlat_ioctl_more as XM


def _uid(v: int) -> str:
    return "-1" if v == 0xFFFFFFFF else str(v)


def _nsfs(c: Ctx, req: int, arg: int) -> Optional[str]:
    """The namespace requests: a descriptor (printed as the return value), the type (its
    name after the return value), the owner's uid (at exit)."""
    if req in (code("NS_GET_USERNS"), code("NS_GET_PARENT"), code("NS_GET_NSTYPE")):
        return I.done(c, "")
    if req == code("NS_GET_OWNER_UID"):
        return I.at_exit(c, arg, 4, lambda d: "[%s]" % _uid(int.from_bytes(d, "little")))
    return None


def _nstype(c: Ctx) -> str:
    r = s64(c.retval or 0)
    name = XM.NS_TYPES.get(r)
    return str(r) if name is None else "%d (%s)" % (r, name)


def _modem(d: bytes) -> str:
    return "[%s]" % flags(int.from_bytes(d, "little"), XM.TIOCM_FLAGS, "TIOCM_???")


def _tiocm(c: Ctx, req: int, arg: int) -> Optional[str]:
    """TIOCMGET writes the modem lines, the others read them."""
    if req == code("TIOCMGET"):
        return I.at_exit(c, arg, 4, _modem)
    if req in (code("TIOCMBIS"), code("TIOCMBIC"), code("TIOCMSET")):
        return I.at_entry(c, arg, 4, _modem)
    return None


I.FAMILIES[0xB7] = _nsfs
I.FAMILIES[ord("T")] = _tiocm
I.RETURNS.update({code("NS_GET_USERNS"): R_FD, code("NS_GET_PARENT"): R_FD,
                  code("NS_GET_NSTYPE"): _nstype})
