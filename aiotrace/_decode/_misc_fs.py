# SPDX-License-Identifier: GPL-2.0-or-later
"""Printers of the file system calls strace 6.1 decodes one by one: openat2's
``struct open_how`` and the mount API (fsopen, fsconfig, fsmount, fspick, move_mount,
open_tree, mount_setattr); see ``_specs``."""

from __future__ import annotations

from . import _xlat as X
from . import _xlat_misc as XM
from ._ctx import Ctx
from ._kinds import Kind
from ._kinds import F
from ._misc import bounded_str, extensible
from ._style import composite
from ._xlat import flags, hexa, ptr, s32, u32, xval



@composite(hexa)
def open_flags64(v: int) -> str:
    """open's flags as a 64-bit field (open_how's): the bits above 32 as a number."""
    acc = X.O_ACCMODE_NAMES[v & 3]
    rest = v & ~3
    return acc if not rest else acc + "|" + flags(rest, X.O_FLAGS, None)


def _open_how(c: Ctx, i: int) -> str:
    """``{flags=..., mode=..., resolve=...}`` (its size: argument 3); the mode only where
    flags create a file or it is not 0."""

    def fields(fl: int, mode: int, res: int) -> list[str]:
        parts = ["flags=%s" % open_flags64(fl)]
        if fl & (X.O_CREAT | X.O_TMPFILE_BIT) or mode:
            parts.append("mode=%s" % X.octal(mode))
        return parts + ["resolve=%s" % flags(res, X.RESOLVE_FLAGS, "RESOLVE_???")]

    return extensible(c, c.args[i], c.args[3], "<QQQ", fields)


# -- the mount API -------------------------------------------------------------------

_MOUNT_ATTRS = (*XM.MOUNT_ATTR_FLAGS, *XM.MOUNT_ATTR_MORE)   # (struct mount_attr's)
_OPEN_TREE_FLAGS = (*XM.OPEN_TREE_FLAGS, *X.AT_FLAGS)
_MOUNT_SETATTR_FLAGS = tuple(f for f in X.AT_FLAGS
                             if f[0] not in ("AT_REMOVEDIR", "AT_SYMLINK_FOLLOW"))
_FSCONFIG_KEY_MAX = 256


def _mount_attr(c: Ctx, i: int) -> str:
    """mount_setattr's ``struct mount_attr`` (its size: argument 4); its user namespace
    descriptor as one only with MOUNT_ATTR_IDMAP."""

    def fields(attr_set: int, attr_clr: int, propagation: int, userns_fd: int) -> list[str]:
        if userns_fd > 0x7FFFFFFF or not (attr_set | attr_clr) & XM.MOUNT_ATTR_IDMAP:
            userns = str(userns_fd)
        else:
            userns = c.fd(userns_fd)
        return ["attr_set=%s" % flags(attr_set, _MOUNT_ATTRS, "MOUNT_ATTR_???"),
                "attr_clr=%s" % flags(attr_clr, _MOUNT_ATTRS, "MOUNT_ATTR_???"),
                "propagation=%s" % xval(propagation, XM.MOUNT_ATTR_PROPAGATION, "MS_???"),
                "userns_fd=%s" % userns]

    return extensible(c, c.args[i], c.args[4], "<QQQQ", fields)


def _fsconfig_key(c: Ctx, i: int) -> str:
    """A string for the commands that set a parameter, else an address."""
    if u32(c.args[1]) <= XM.FSCONFIG_SET_FD:
        return bounded_str(c, c.args[i], _FSCONFIG_KEY_MAX)
    return ptr(c.args[i])


def _fsconfig_value(c: Ctx, i: int) -> str:
    cmd, addr, aux = u32(c.args[1]), c.args[i], s32(c.args[4])
    if cmd == XM.FSCONFIG_SET_STRING:
        return bounded_str(c, addr, _FSCONFIG_KEY_MAX)
    if cmd in (XM.FSCONFIG_SET_PATH, XM.FSCONFIG_SET_PATH_EMPTY):
        return c.path(addr)
    if cmd == XM.FSCONFIG_SET_BINARY and 0 <= aux <= 1 << 20:
        return c.buf(addr, aux, hex=True)
    return ptr(addr)


def _fsconfig_aux(c: Ctx, i: int) -> str:
    cmd = u32(c.args[1])
    if cmd in (XM.FSCONFIG_SET_PATH, XM.FSCONFIG_SET_PATH_EMPTY):
        return c.dirfd(c.args[i])
    if cmd == XM.FSCONFIG_SET_FD:
        return c.fd(c.args[i])
    return str(s32(c.args[i]))


KINDS: dict[str, Kind] = {
    "open_how": Kind(_open_how),
    "fsopen_flags": F(XM.FSOPEN_FLAGS, "FSOPEN_???"),
    "fsmount_flags": F(XM.FSMOUNT_FLAGS, "FSMOUNT_???"),
    "mount_attr_flags": F(XM.MOUNT_ATTR_FLAGS, "MOUNT_ATTR_???"),
    "fspick_flags": F(XM.FSPICK_FLAGS, "FSPICK_???"),
    "move_mount_flags": F(XM.MOVE_MOUNT_FLAGS, "MOVE_MOUNT_???"),
    "open_tree_flags": F(_OPEN_TREE_FLAGS, "OPEN_TREE_???"),
    "mount_setattr_flags": F(_MOUNT_SETATTR_FLAGS, "AT_???"),
    "mount_attr": Kind(_mount_attr),
    "fsconfig_cmd": Kind(lambda c, i: xval(u32(c.args[i]), XM.FSCONFIG_CMDS, "FSCONFIG_???")),
    "fsconfig_key": Kind(_fsconfig_key),
    "fsconfig_value": Kind(_fsconfig_value),
    "fsconfig_aux": Kind(_fsconfig_aux),
}
