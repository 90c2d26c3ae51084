# SPDX-License-Identifier: GPL-2.0-or-later
"""capget and capset, as strace 6.1 prints them: the header ``{version=..., pid=...}``
and the capability sets, ``1<<CAP_CHOWN|1<<CAP_KILL`` (two 32-bit words each from
_LINUX_CAPABILITY_VERSION_2 on); the address of each where -e verbose= leaves the
call out or the header cannot be read (see ``_specs``)."""

from __future__ import annotations

import functools

from . import _xlat as X
from . import _xlat_sys as XS
from ._ctx import Ctx
from ._kinds import Kind, out
from ._xlat import Flags, flags, ptr, s32, xval

_VERSIONS_OF_TWO = (0x20071026, 0x20080522)   # _LINUX_CAPABILITY_VERSION_2 and _3


@functools.lru_cache(maxsize=None)
def _masks() -> tuple[Flags, Flags]:
    """The bits of the first and of the second word: ``1<<CAP_CHOWN``..."""
    caps = sorted(X.CAPABILITIES.items())
    return (tuple(("1<<" + name, 1 << n) for n, name in caps if n < 32),
            tuple(("1<<" + name, 1 << (n - 32)) for n, name in caps if n >= 32))


def _bits(lo: int, hi: int) -> str:
    low, high = _masks()
    parts = [flags(lo, low, "CAP_???")] if lo or not hi else []
    if hi:
        parts.append(flags(hi, high, "CAP_???"))
    return "|".join(parts)


def _header(c: Ctx) -> tuple[int, int] | None:
    """The header of argument 0, None without -e verbose or where it cannot be read."""
    addr = c.args[0]
    if not addr or not c.verbose:
        return None
    got = c.unpack("<Ii", addr)
    return None if got is None else (got[0], got[1])


def _header_text(c: Ctx, i: int) -> str:
    h = _header(c)
    if h is None:
        return ptr(c.args[i])
    return "{version=%s, pid=%d}" % (
        xval(h[0], XS.CAP_VERSIONS, "_LINUX_CAPABILITY_VERSION_???"), s32(h[1]))


def _data(c: Ctx, i: int) -> str:
    """``{effective=..., permitted=..., inheritable=...}``, of one or two words."""
    h = _header(c)
    if h is None or not c.args[i]:
        return ptr(c.args[i])
    words = 2 if h[0] in _VERSIONS_OF_TWO else 1
    got = c.unpack("<%dI" % (3 * words), c.args[i])
    if got is None:
        return ptr(c.args[i])
    hi = got[3:] if words == 2 else (0, 0, 0)
    return "{effective=%s, permitted=%s, inheritable=%s}" % tuple(
        _bits(got[k], hi[k]) for k in range(3))


KINDS: dict[str, Kind] = {
    "cap_header": Kind(_header_text),
    "cap_data": Kind(_data),
    "cap_data_out": out(_data),
}
