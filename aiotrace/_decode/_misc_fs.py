# SPDX-License-Identifier: GPL-2.0-or-later
"""Printers of the file system calls strace 6.1 decodes one by one: openat2's
``struct open_how`` and the mount API (fsopen, fsconfig, fsmount, fspick, move_mount,
open_tree, mount_setattr); see ``_specs``."""

from __future__ import annotations

from . import _xlat as X
from . import _xlat_misc as XM
from ._ctx import Ctx
from ._kinds import Kind
from ._misc import nonzero_tail
from ._style import composite
from ._xlat import flags, hexa

OPEN_HOW_SIZE = 24   # flags, mode, resolve: the first version, and the only one known


@composite(hexa)
def open_flags64(v: int) -> str:
    """open's flags as a 64-bit field (open_how's): the bits above 32 as a number."""
    acc = X.O_ACCMODE_NAMES[v & 3]
    rest = v & ~3
    return acc if not rest else acc + "|" + flags(rest, X.O_FLAGS, None)


def _open_how(c: Ctx, i: int) -> str:
    """``{flags=..., mode=..., resolve=...}``: its address when the size (argument 3)
    is smaller than the first version; the mode only where flags create a file or it
    is not 0; nonzero bytes past the known fields (up to a page) after them."""
    addr, size = c.args[i], c.args[3]
    if addr == 0:
        return "NULL"
    if size < OPEN_HOW_SIZE or not c.verbose:
        return hexa(addr)
    v = c.unpack("<QQQ", addr)
    if v is None:
        return hexa(addr)
    fl, mode, res = v
    parts = ["flags=%s" % open_flags64(fl)]
    if fl & (X.O_CREAT | X.O_TMPFILE_BIT) or mode:
        parts.append("mode=%s" % X.octal(mode))
    parts.append("resolve=%s" % flags(res, XM.RESOLVE_FLAGS, "RESOLVE_???"))
    if size > OPEN_HOW_SIZE:
        tail = nonzero_tail(c, addr, OPEN_HOW_SIZE, size)
        if tail is not None:
            parts.append(tail)
    return "{%s}" % ", ".join(parts)


KINDS: dict[str, Kind] = {
    "open_how": Kind(_open_how),
}
