# SPDX-License-Identifier: GPL-2.0-or-later
"""fanotify_init and fanotify_mark, as strace 6.1 prints them: the class of a group and
its flags, the open flags of its events' descriptors, a mark's flags, its 64-bit mask
and its directory, FAN_NOFD by name (see ``_specs``)."""

from __future__ import annotations

from . import _xlat as X
from . import _xlat_sys as XS
from ._ctx import Ctx
from ._kinds import F, Kind
from ._style import combine
from ._style import get as _style_now
from ._xlat import flags, s32, u32, xval

_CLASS_BITS = 0xC
_FAN_NOFD = -1


def _init_flags(v: int) -> str:
    """``FAN_CLASS_CONTENT|FAN_CLOEXEC``: the class, then the other flags."""
    text = xval(v & _CLASS_BITS, XS.FAN_CLASSES, "FAN_CLASS_???")
    rest = v & ~_CLASS_BITS
    return text if not rest else text + "|" + flags(rest, XS.FAN_INIT_FLAGS, "FAN_???")


def _mark_dirfd(c: Ctx, i: int) -> str:
    if s32(c.args[i]) == _FAN_NOFD:
        return combine("-1", "FAN_NOFD") if _style_now() else "FAN_NOFD"
    return c.dirfd(c.args[i])


KINDS: dict[str, Kind] = {
    "fan_init_flags": Kind(lambda c, i: _init_flags(u32(c.args[i])), late=True, scalar=True),
    "fan_event_f_flags": Kind(lambda c, i: X.open_flags(u32(c.args[i])), late=True,
                              scalar=True),
    "fan_mark_flags": F(XS.FAN_MARK_FLAGS, "FAN_MARK_???"),
    "fan_event_mask": F(XS.FAN_EVENT_FLAGS, "FAN_???", width=64),
    "fan_mark_dirfd": Kind(_mark_dirfd),
}
