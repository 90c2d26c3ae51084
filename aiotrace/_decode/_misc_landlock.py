# SPDX-License-Identifier: GPL-2.0-or-later
"""landlock_create_ruleset and landlock_add_rule, as strace 6.1 prints them: the
ruleset's ``struct landlock_ruleset_attr`` (its size: argument 1), a rule's ``struct
landlock_path_beneath_attr``, and the new ruleset's descriptor (a version number with
LANDLOCK_CREATE_RULESET_VERSION) (see ``_specs``)."""

from __future__ import annotations

from . import _xlat_sys as XS
from ._ctx import Ctx
from ._kinds import F, Kind, R_DEC, R_FD, RetFn
from ._xlat import flags, ptr, u32, u64, xval

_ATTR_SIZE = 8             # handled_access_fs, the field strace knows
_RULE_PATH_BENEATH = 1
_VERSION = 1


def _access(v: int) -> str:
    return flags(v, XS.LANDLOCK_ACCESS_FS, "LANDLOCK_ACCESS_FS_???")


def _ruleset_attr(c: Ctx, i: int) -> str:
    """``{handled_access_fs=...}``, then ``...`` when the size says there is more; the
    address when it is shorter than that field."""
    addr, size = c.args[i], u64(c.args[i + 1])
    if size < _ATTR_SIZE:
        return ptr(addr)
    return c.fields(addr, "<Q", lambda v: "{handled_access_fs=%s%s}" % (
        _access(v), ", ..." if size > _ATTR_SIZE else ""))


def _rule_attr(c: Ctx, i: int) -> str:
    """A rule of the type of argument 1: ``{allowed_access=..., parent_fd=...}`` for
    LANDLOCK_RULE_PATH_BENEATH (packed: 12 bytes), else the address."""
    if u32(c.args[1]) != _RULE_PATH_BENEATH:
        return ptr(c.args[i])
    return c.fields(c.args[i], "<Qi", lambda access, fd: "{allowed_access=%s, parent_fd=%s}" % (
        _access(access), c.fd(fd)))


def _ruleset_ret(c: Ctx) -> str:
    """A descriptor, but the ABI version it asked for."""
    return R_DEC(c) if u32(c.args[2]) & _VERSION else R_FD(c)


KINDS: dict[str, Kind] = {
    "landlock_ruleset_attr": Kind(_ruleset_attr, late=True),
    "landlock_ruleset_flags": F(XS.LANDLOCK_CREATE_RULESET_FLAGS, "LANDLOCK_CREATE_RULESET_???"),
    "landlock_rule_type": Kind(lambda c, i: xval(u32(c.args[i]), XS.LANDLOCK_RULE_TYPES,
                                                 "LANDLOCK_RULE_???"), late=True, scalar=True),
    "landlock_rule_attr": Kind(_rule_attr),
}
RETURNS: dict[str, RetFn] = {"landlock_ruleset": _ruleset_ret}
