# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: the device mapper (0xfd, linux/dm-ioctl.h), as strace 6.1 decodes it: struct
dm_ioctl in brackets, then what follows it in the buffer (the targets of a table, a
message, a new name...), in full with -v only; at exit, `` => `` the structure again
when the call succeeded or changed it."""

from __future__ import annotations

import struct
from typing import Callable, Optional

from . import _ioctl as I
from ._ctx import Ctx
from ._misc import array, bounded_str
from ._structs_full import dev_t
from ._xlat import flags
from ._xlat_dm import DM_FLAGS
from ._xlat_ioctl_names import code

_HEADER = 305                   # offsetof(struct dm_ioctl, data)
_SPEC, _DEPS_DEV, _NAME_LIST_NAME, _VERSIONS_NAME, _MSG = 40, 8, 12, 16, 8
_SUSPEND, _DATA_OUT = 0x2, 0x10000
M32 = 0xFFFFFFFF

_REQUESTS = {code("DM_" + n): n for n in (
    "VERSION", "REMOVE_ALL", "LIST_DEVICES", "DEV_CREATE", "DEV_REMOVE", "DEV_RENAME",
    "DEV_SUSPEND", "DEV_STATUS", "DEV_WAIT", "TABLE_LOAD", "TABLE_CLEAR", "TABLE_DEPS",
    "TABLE_STATUS", "LIST_VERSIONS", "TARGET_MSG", "DEV_SET_GEOMETRY", "DEV_ARM_POLL")}
_NO_PARAMS = {"VERSION", "REMOVE_ALL", "DEV_CREATE", "DEV_REMOVE", "DEV_SUSPEND",
              "DEV_STATUS", "TABLE_CLEAR", "DEV_ARM_POLL"}
_NO_DEVICE = {"REMOVE_ALL", "LIST_DEVICES", "LIST_VERSIONS"}
_STATUS_AT_EXIT = {"DEV_CREATE", "DEV_RENAME", "DEV_SUSPEND", "DEV_STATUS", "DEV_WAIT",
                   "TABLE_LOAD", "TABLE_CLEAR", "TABLE_DEPS", "TABLE_STATUS", "TARGET_MSG"}
_MISPLACED = "??? /* misplaced struct dm_%s */"


class _Ioc:
    """The fields of struct dm_ioctl."""

    def __init__(self, d: bytes) -> None:
        (self.version, self.size, self.start, self.targets, self.opened, self.flags,
         self.event, self.dev) = (d[:12], *struct.unpack_from("<IIIiII4xQ", d, 12))
        self.name, self.uuid = d[48:176], d[176:305]

    def key(self) -> tuple[bytes, int, int, int]:
        return self.version, self.size, self.start, self.flags


def _string(c: Ctx, addr: int, size: int) -> str:
    """A NUL-terminated string in at most *size* bytes, cut at -s."""
    return '""' if size <= 0 else bounded_str(c, addr, size)


def _header(c: Ctx, name: str, ioc: _Ioc) -> str:
    """Struct dm_ioctl, then what follows it (when its version and size are known)."""
    version = struct.unpack("<3I", ioc.version)
    out = ["version=[%d, %d, %d]" % version]
    if version[0] != 4:
        return "{%s /* unsupported device mapper ABI version */}" % out[0]
    out.append("data_size=%d" % ioc.size)
    if ioc.size < _HEADER:
        return "{%s /* data_size too small */}" % ", ".join(out)
    if name not in _NO_PARAMS:
        out.append("data_start=%d" % ioc.start)
    if name not in _NO_DEVICE:
        if ioc.dev:
            out.append("dev=" + dev_t(ioc.dev))
        if ioc.name[0]:
            out.append("name=" + I.cstring(c, ioc.name))
        if ioc.uuid[0]:
            out.append("uuid=" + I.cstring(c, ioc.uuid))
    if not c.exiting:
        if name == "TABLE_LOAD":
            out.append("target_count=%d" % ioc.targets)
        elif name in ("DEV_RENAME", "DEV_REMOVE", "DEV_WAIT") or (
                name == "DEV_SUSPEND" and not ioc.flags & _SUSPEND):
            out.append("event_nr=%d" % ioc.event)
    elif not c.failed and name in _STATUS_AT_EXIT:
        out.append("target_count=%d, open_count=%d, event_nr=%d" % (ioc.targets, ioc.opened,
                                                                  ioc.event))
    out.append("flags=" + flags(ioc.flags, DM_FLAGS, "DM_???"))
    return "{" + ", ".join(out) + "}" + (_payload(c, name, ioc) or "")


# -- what follows the structure ---------------------------------------------------

def _specs(c: Ctx, ioc: _Ioc) -> str:
    """The targets of a table (struct dm_target_spec, each followed by its parameters)."""
    if c.abbrev:
        return ", ..." if ioc.targets else ""
    arg, out = c.args[2], []
    offset, end = ioc.start, 0
    for i in range(ioc.targets):
        if (i and offset <= end) or not offset < (offset + _SPEC) & M32 <= ioc.size:
            out.append(_MISPLACED % "target_spec")
            break
        end = offset + _SPEC
        if i >= c.strsize:
            out.append("...")
            break
        data = I.fetch(c, arg + offset, _SPEC)
        if isinstance(data, str):
            out.append(data)
            break
        sector, length, status, nxt = struct.unpack_from("<QQiI", data)
        out.append("{sector_start=%d, length=%d%s, target_type=%s, string=%s}" % (
            sector, length, ", status=%d" % status if c.exiting else "",
            I.cstring(c, data[24:40]), _string(c, arg + end, ioc.size - end)))
        offset = ((offset if not c.exiting else ioc.start) + nxt) & M32
    return "".join(", " + x for x in out)


def _fixed_part(c: Ctx, ioc: _Ioc, size: int, what: str) -> tuple[Optional[bytes], str, int]:
    """The fixed part (*size* bytes) of the structure at data_start: its bytes, "" and
    where what follows it starts; else None and the text to print instead (nothing when
    there is no data, "..." without -v, the structure misplaced or its address)."""
    if ioc.start == ioc.size:
        return None, "", 0
    if c.abbrev:
        return None, ", ...", 0
    end = (ioc.start + size) & M32
    if not ioc.start < end <= ioc.size:
        return None, ", " + _MISPLACED % what, 0
    data = I.fetch(c, c.args[2] + ioc.start, size)
    return (None, ", " + data, 0) if isinstance(data, str) else (data, "", end)


def _deps(c: Ctx, ioc: _Ioc) -> str:
    """The devices a table uses (struct dm_target_deps)."""
    data, text, end = _fixed_part(c, ioc, _DEPS_DEV, "target_deps")
    if data is None:
        return text
    count = struct.unpack_from("<I", data)[0]
    if count > (ioc.size - end) // 8:
        return ", " + _MISPLACED % "target_deps"
    devs = array(c, c.args[2] + end, count, 8, lambda d: dev_t(struct.unpack("<Q", d)[0]))
    return ", {count=%d, deps=%s}" % (count, devs)


def _listing(what: str, name_at: int, show: Callable[[Ctx, _Ioc, bytes, int], str]
             ) -> Callable[[Ctx, _Ioc], str]:
    """A chained list of entries (each says where the next is), as struct dm_name_list
    and struct dm_target_versions."""
    def decode(c: Ctx, ioc: _Ioc) -> str:
        if ioc.start == ioc.size:
            return ""
        if c.abbrev:
            return ", ..."
        out: list[str] = []
        offset, end = ioc.start, 0
        for count in range(1 << 32):
            if (count and offset <= end) or not offset < (offset + name_at) & M32 <= ioc.size:
                out.append(_MISPLACED % what)
                break
            end = offset + name_at
            if count >= c.strsize:
                out.append("...")
                break
            data = I.fetch(c, c.args[2] + offset, name_at)
            if isinstance(data, str):
                out.append(data)
                break
            out.append(show(c, ioc, data, end))
            nxt = struct.unpack_from("<I", data, 8 if what == "name_list" else 0)[0]
            if not nxt:
                break
            offset = (offset + nxt) & M32
        return "".join(", " + x for x in out)
    return decode


def _name_entry(c: Ctx, ioc: _Ioc, d: bytes, end: int) -> str:
    return "{dev=%s, name=%s}" % (dev_t(struct.unpack_from("<Q", d)[0]),
                                  _string(c, c.args[2] + end, ioc.size - end))


def _version_entry(c: Ctx, ioc: _Ioc, d: bytes, end: int) -> str:
    return "{name=%s, version=[%d, %d, %d]}" % (
        _string(c, c.args[2] + end, ioc.size - end), *struct.unpack_from("<3I", d, 4))


def _message(c: Ctx, ioc: _Ioc) -> str:
    """A message to a target (struct dm_target_msg)."""
    data, text, end = _fixed_part(c, ioc, _MSG, "target_msg")
    if data is None:
        return text
    return ", {sector=%d, message=%s}" % (struct.unpack("<Q", data)[0],
                                          _string(c, c.args[2] + end, ioc.size - end))


def _data_string(c: Ctx, ioc: _Ioc) -> str:
    if c.abbrev:
        return ", ..."
    if ioc.start > ioc.size:
        return ", ??? /* misplaced string */"
    return ", {string=%s}" % _string(c, c.args[2] + ioc.start, ioc.size - ioc.start)


def _payload(c: Ctx, name: str, ioc: _Ioc) -> Optional[str]:
    ok_exit = c.exiting and not c.failed
    if name in ("DEV_WAIT", "TABLE_STATUS") and ok_exit or (
            name == "TABLE_LOAD" and not c.exiting):
        return _specs(c, ioc)
    if name == "TABLE_DEPS" and ok_exit:
        return _deps(c, ioc)
    if name == "LIST_DEVICES" and ok_exit:
        return _names(c, ioc)
    if name == "LIST_VERSIONS" and ok_exit:
        return _versions(c, ioc)
    if name == "TARGET_MSG":
        if not c.exiting:
            return _message(c, ioc)
        return _data_string(c, ioc) if ok_exit and ioc.flags & _DATA_OUT else None
    if name in ("DEV_RENAME", "DEV_SET_GEOMETRY") and not c.exiting:
        return _data_string(c, ioc)
    return None


_names = _listing("name_list", _NAME_LIST_NAME, _name_entry)
_versions = _listing("target_versions", _VERSIONS_NAME, _version_entry)


def _dm(c: Ctx, req: int, arg: int) -> Optional[str]:
    name = _REQUESTS.get(req)
    if name is None:
        return None
    data = c.read(arg, _HEADER)
    if data is None or _Ioc(data).size < 12:
        return None if not c.exiting else ""
    ioc = _Ioc(data)
    if not c.exiting:
        c.saved["dm"] = ioc.key()
        return ", [%s]" % _header(c, name, ioc)
    if c.failed and c.saved.get("dm") == ioc.key():
        return ""
    return " => [%s]" % _header(c, name, ioc)


I.FAMILIES[0xFD] = _dm
