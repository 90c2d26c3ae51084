# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: the socket requests (0x89, linux/sockios.h) that are not an interface request
(those, struct ifreq and struct ifconf, are ``_files``'s), as strace 6.1 decodes them:
ints through a pointer, a bridge's name, an interface index, and the requests whose
argument strace shows as an address."""

from __future__ import annotations

import socket
import struct
from typing import Optional

from . import _ioctl as I
from ._ctx import Ctx
from ._quote import quote
from ._xlat import ptr
from ._xlat_ioctl_names import code

_INT_OUT = {code(n) for n in ("FIOGETOWN", "SIOCATMARK", "SIOCGIFENCAP", "SIOCGPGRP",
                              "SIOCOUTQNSD")}
_INT_IN = {code(n) for n in ("FIOSETOWN", "SIOCSIFENCAP", "SIOCSPGRP")}
_BRIDGE = {code("SIOCBRADDBR"), code("SIOCBRDELBR")}
_BRIDGE_IF = {code("SIOCBRADDIF"), code("SIOCBRDELIF")}
_ADDRESS = {code(n) for n in (
    "SIOCADDDLCI", "SIOCADDRT", "SIOCBONDCHANGEACTIVE", "SIOCBONDENSLAVE",
    "SIOCBONDINFOQUERY", "SIOCBONDRELEASE", "SIOCBONDSETHWADDR", "SIOCBONDSLAVEINFOQUERY",
    "SIOCDARP", "SIOCDELDLCI", "SIOCDELRT", "SIOCDIFADDR", "SIOCDRARP", "SIOCETHTOOL",
    "SIOCGARP", "SIOCGHWTSTAMP", "SIOCGIFBR", "SIOCGIFCOUNT", "SIOCGIFMEM", "SIOCGIFPFLAGS",
    "SIOCGIFVLAN", "SIOCGMIIPHY", "SIOCGMIIREG", "SIOCGRARP", "SIOCGSKNS", "SIOCGSTAMP_OLD",
    "SIOCGSTAMP_NEW", "SIOCGSTAMPNS_OLD", "SIOCGSTAMPNS_NEW", "SIOCRTMSG", "SIOCSARP",
    "SIOCSHWTSTAMP", "SIOCSIFBR", "SIOCSIFLINK", "SIOCSIFMEM", "SIOCSIFPFLAGS",
    "SIOCSIFVLAN", "SIOCSMIIREG", "SIOCSRARP", "SIOCWANDEV")}
_IFNAMSIZ = 16


def _int(d: bytes) -> str:
    return "[%d]" % struct.unpack("<i", d)[0]


def _bridge_name(c: Ctx, arg: int) -> str:
    """A NUL-terminated name of IFNAMSIZ bytes at most (more: those and ``...``)."""
    if arg == 0:
        return "NULL"
    data = c.read_prefix(arg, _IFNAMSIZ)
    nul = -1 if data is None else data.find(b"\0")
    if data is None or (nul < 0 and len(data) < _IFNAMSIZ):
        return hex(arg)
    return quote(data[:nul]) if nul >= 0 else quote(data) + "..."


def _ifindex(d: bytes) -> str:
    """``{ifr_ifindex=if_nametoindex("lo")}`` when the tracer knows the interface."""
    (index,) = struct.unpack_from("<i", d, 16)
    try:
        return '{ifr_ifindex=if_nametoindex("%s")}' % socket.if_indextoname(index)
    except (OSError, OverflowError, ValueError):
        return "{ifr_ifindex=%d}" % index


def _sock(c: Ctx, req: int, arg: int) -> Optional[str]:
    if req in _INT_OUT:
        return I.at_exit(c, arg, 4, _int)
    if req in _INT_IN:
        return I.at_entry(c, arg, 4, _int)
    if req in _BRIDGE:
        return I.done(c, ", " + _bridge_name(c, arg))
    if req in _BRIDGE_IF:
        return I.at_entry(c, arg, 40, _ifindex)
    if req in _ADDRESS:
        return I.done(c, ", " + ptr(arg))
    return None


I.FAMILIES[0x89] = _sock
