# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: the loop devices and /dev/loop-control ('L', linux/loop.h), as strace 6.1
decodes them.  Without -v the status structures show only their main fields, and
the encryption fields only when an encryption type is set."""

from __future__ import annotations

import struct
from typing import Callable, Optional

from . import _ioctl as I
from ._ctx import Ctx
from ._quote import quote
from ._structs_full import dev_t
from ._xlat import flags, hexa, s32, u32, xval
from ._xlat_ioctl import LO_CRYPT, LO_FLAGS
from ._xlat_ioctl_names import code

_KEY_SIZE = 32                    # LO_KEY_SIZE
_INFO, _INFO64, _CONFIG = 168, 232, 304


def _crypt(v: int) -> str:
    return xval(v, LO_CRYPT, "LO_CRYPT_???")


def _key(c: Ctx, key: bytes, size: int) -> str:
    return quote(key[:min(u32(size), _KEY_SIZE)], xflag=c.xflag)


def _info(c: Ctx, d: bytes) -> str:
    """struct loop_info (the old one: int and long fields)."""
    number, device, inode, rdevice = struct.unpack_from("<i4xQQQ", d)
    offset, crypt, key_size, lo_flags = struct.unpack_from("<iiiI", d, 32)
    out = ["lo_number=%d" % number]
    if not c.abbrev:
        out += ["lo_device=" + dev_t(device), "lo_inode=%d" % inode,
                "lo_rdevice=" + dev_t(rdevice)]
    out.append("lo_offset=" + hexa(u32(offset)))
    encrypted = not c.abbrev or crypt != 0
    if encrypted:
        out += ["lo_encrypt_type=" + _crypt(u32(crypt)), "lo_encrypt_key_size=%d" % u32(key_size)]
    out += ["lo_flags=" + flags(lo_flags, LO_FLAGS, "LO_FLAGS_???"),
            "lo_name=" + I.cstring(c, d[48:112])]
    if encrypted:
        out.append("lo_encrypt_key=" + _key(c, d[112:144], key_size))
    if c.abbrev:
        out.append("...")
    else:
        out += ["lo_init=" + I.hex_array(struct.unpack_from("<2Q", d, 144)),
                "reserved=" + I.hex_array(d[160:164])]
    return "{" + ", ".join(out) + "}"


def _info64(c: Ctx, d: bytes, base: int = 0) -> str:
    device, inode, rdevice, offset, sizelimit = struct.unpack_from("<5Q", d, base)
    number, crypt, key_size, lo_flags = struct.unpack_from("<4I", d, base + 40)
    if c.abbrev:
        out = ["lo_offset=" + hexa(offset), "lo_number=%d" % number]
    else:
        out = ["lo_device=" + dev_t(device), "lo_inode=%d" % inode,
               "lo_rdevice=" + dev_t(rdevice), "lo_offset=" + hexa(offset),
               "lo_sizelimit=%d" % sizelimit, "lo_number=%d" % number]
    encrypted = not c.abbrev or crypt != 0
    if encrypted:
        out += ["lo_encrypt_type=" + _crypt(crypt), "lo_encrypt_key_size=%d" % key_size]
    out += ["lo_flags=" + flags(lo_flags, LO_FLAGS, "LO_FLAGS_???"),
            "lo_file_name=" + I.cstring(c, d[base + 56:base + 120])]
    if encrypted:
        out += ["lo_crypt_name=" + I.cstring(c, d[base + 120:base + 184]),
                "lo_encrypt_key=" + _key(c, d[base + 184:base + 216], key_size)]
    if c.abbrev:
        out.append("...")
    else:
        out.append("lo_init=" + I.hex_array(struct.unpack_from("<2Q", d, base + 216)))
    return "{" + ", ".join(out) + "}"


def _config(c: Ctx, d: bytes) -> str:
    fd, block_size = struct.unpack_from("<iI", d)
    reserved = struct.unpack_from("<8Q", d, 240)
    return "{fd=%s, block_size=%d, info=%s%s}" % (
        c.fd(fd), block_size, _info64(c, d, 8),
        ", __reserved=" + I.hex_array(reserved) if any(reserved) else "")


def _read(c: Ctx, arg: int, size: int, show: Callable[[bytes], str]) -> str:
    data = I.fetch(c, arg, size)
    return ", " + (data if isinstance(data, str) else show(data))


_NO_ARG = {code("LOOP_CLR_FD"), code("LOOP_SET_CAPACITY"), code("LOOP_CTL_GET_FREE")}
_FDS = (code("LOOP_SET_FD"), code("LOOP_CHANGE_FD"))
_INTS = (code("LOOP_CTL_ADD"), code("LOOP_CTL_REMOVE"))
_VALUES = (code("LOOP_SET_DIRECT_IO"), code("LOOP_SET_BLOCK_SIZE"))


def _loop(c: Ctx, req: int, arg: int) -> Optional[str]:
    if req in (code("LOOP_GET_STATUS"), code("LOOP_GET_STATUS64")):
        if not c.exiting:
            return ""
        if req == code("LOOP_GET_STATUS"):
            return _read(c, arg, _INFO, lambda d: _info(c, d))
        return _read(c, arg, _INFO64, lambda d: _info64(c, d))
    if req == code("LOOP_SET_STATUS"):
        return I.done(c, _read(c, arg, _INFO, lambda d: _info(c, d)))
    if req == code("LOOP_SET_STATUS64"):
        return I.done(c, _read(c, arg, _INFO64, lambda d: _info64(c, d)))
    if req == code("LOOP_CONFIGURE"):
        return I.done(c, _read(c, arg, _CONFIG, lambda d: _config(c, d)))
    if req in _NO_ARG:
        return I.done(c, "")
    if req in _FDS:
        return I.done(c, ", " + c.fd(arg))
    if req in _INTS:
        return I.done(c, ", %d" % s32(arg))
    if req in _VALUES:
        return I.done(c, ", %d" % arg)
    return None


I.FAMILIES[ord("L")] = _loop
