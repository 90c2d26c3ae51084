# SPDX-License-Identifier: GPL-2.0-or-later
"""getsockopt and setsockopt: the level, the option's name and its value, as strace 6.1
prints them.

The value is printed by what the option is: most are an ``int`` (``[1]``), some a
structure (``SO_LINGER``: ``{l_onoff=1, l_linger=5}``), the others the bytes the length
says. A getsockopt value is printed at the call's end with the length the kernel
returned (``rlen``; ``ulen``: the caller's, saved at entry by the optlen argument); a
structure the returned length cuts short shows its whole fields, then the bytes of the
cut one in hex (``{pid="\\x90\\x79\\x00"}``).
"""

from __future__ import annotations

import struct
from typing import Callable

from . import _cbpf
from . import _structs as S
from . import _pidns
from . import _sockaddr as SA
from . import _xlat as X
from . import _xlat_sockopt as XS
from ._ctx import Ctx
from ._kinds import Kind, out
from ._quote import quote
from . import _style
from ._style import combine
from ._xlat import ptr, s32, u32, xval

# -- the level and the name ----------------------------------------------------


def _level(c: Ctx, i: int) -> str:
    return xval(u32(c.args[i]), XS.SOCKOPT_LEVELS, "SOL_??")


def _name(c: Ctx, i: int) -> str:
    names = XS.option_names(u32(c.args[1]), c.name == "getsockopt")
    v = u32(c.args[i])
    if names is None:
        return str(v)
    return xval(v, *names)


# -- values ------------------------------------------------------------------

SOL_IP, SOL_SOCKET, SOL_IPV6, SOL_RAW, SOL_PACKET, SOL_NETLINK = 0, 1, 41, 255, 263, 270

# SOL_SOCKET options whose value is an int (strace 6.1's list)
_INT_OPTIONS = frozenset((
    1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16, 18, 19, 27, 29, 30, 32, 33, 34, 35, 36, 37,
    40, 41, 42, 43, 44, 45, 46, 49, 53, 56, 60, 63, 64, 65, 68, 69, 70, 73, 75))
SO_LINGER, SO_PEERCRED, SO_ATTACH_FILTER, SO_ERROR, SO_TXREHASH = 13, 17, 26, 4, 74
SO_ATTACH_REUSEPORT_CBPF = 51
NETLINK_LIST_MEMBERSHIPS = 9
ICMP_FILTER = 1
PACKET_STATISTICS = 6


def _hexbytes(c: Ctx, addr: int, n: int) -> str:
    """*n* bytes, every one in hex (strace's QUOTE_FORCE_HEX)."""
    data = c.read(addr, n) if n > 0 else b""
    return ptr(addr) if data is None else quote(data, hex=True)


def _int(c: Ctx, addr: int) -> str:
    return c.fields(addr, "<i", lambda v: "[%d]" % v)


def _bytes(c: Ctx, addr: int, n: int) -> str:
    """The bytes the length says (a negative one: the address)."""
    return ptr(addr) if n < 0 else c.buf(addr, n)


def fields_len(c: Ctx, addr: int, n: int, fields: tuple[tuple[str, str], ...],
               show: Callable[[str, int], str]) -> str:
    """A structure of 4-byte fields of which the kernel wrote *n* bytes: each whole field
    by ``show(name, value)``, a cut one as its bytes in hex (``fmt``: ``i`` or ``I``)."""
    n = min(n, 4 * len(fields))
    data = c.read(addr, n)
    if data is None:
        return ptr(addr)
    parts = []
    for k, (name, fmt) in enumerate(fields):
        start = 4 * k
        if n <= start:
            break
        if n >= start + 4:
            parts.append(show(name, struct.unpack_from("<" + fmt, data, start)[0]))
        else:
            parts.append("%s=%s" % (name, quote(data[start:n], hex=True)))
    return "{" + ", ".join(parts) + "}"


def _plain(name: str, v: int) -> str:
    return "%s=%d" % (name, v)


def _ucred(name: str, v: int) -> str:
    if name == "pid":
        return "pid=%s" % _pidns.pid(v, _pidns.TGID)
    return "%s=%d" % (name, s32(v))   # (uid_t: -1 as strace prints it)


_LINGER = (("l_onoff", "i"), ("l_linger", "i"))
_UCRED = (("pid", "i"), ("uid", "I"), ("gid", "I"))
_TP_STATS = (("tp_packets", "I"), ("tp_drops", "I"), ("tp_freeze_q_cnt", "I"))


def _txrehash(c: Ctx, addr: int, n: int) -> str:
    if n < 4:
        return _hexbytes(c, addr, n) if c.exiting else ptr(addr)
    return c.fields(addr, "<i", lambda v: "[%s]" % _decimal_xval(v, XS.TXREHASH_VALS,
                                                                  "SOCK_TXREHASH_???"))


def _decimal_xval(v: int, names: dict[int, str], unknown: str) -> str:
    """A value by its name, in decimal where it is printed as a number."""
    name = names.get(v)
    text = combine(str(v), name)
    return text if name is not None or _style.get() == _style.RAW else \
        "%d /* %s */" % (v, unknown)


def icmp_filter(c: Ctx, addr: int, n: int) -> str:
    """``[ICMP_ECHO ICMP_REDIRECT]``, or ``~[...]`` (the types not filtered) when more
    than half the bits are set; fewer than 4 bytes leave the others set."""
    n = min(n, 4)
    if n <= 0:
        return ptr(addr)
    data = c.read(addr, n)
    if data is None:
        return ptr(addr)
    bits = struct.unpack("<I", data + b"\xff" * (4 - n))[0]
    prefix = ""
    if bin(bits).count("1") > 16:
        bits ^= 0xFFFFFFFF
        prefix = "~"
    names = [xval(i, XS.ICMP_FILTER_TYPES, "ICMP_???") for i in range(32) if bits >> i & 1]
    return prefix + "[" + " ".join(names) + "]"


def _getsockopt_value(c: Ctx, level: int, name: int, addr: int, ulen: int, rlen: int) -> str:
    if ulen <= 0 or rlen <= 0:
        return ptr(addr)
    if addr and c.verbose:
        if level == SOL_SOCKET:
            if name == SO_LINGER:
                return fields_len(c, addr, rlen, _LINGER, _plain)
            if name == SO_PEERCRED:
                return fields_len(c, addr, rlen, _UCRED, _ucred)
            if name == SO_ATTACH_FILTER:   # (rlen: the number of instructions)
                return _cbpf.filter_array(c, addr, rlen, seccomp=False) \
                    if rlen <= 0xFFFF else ptr(addr)
            if name == SO_ERROR:
                if rlen < 4:
                    return _hexbytes(c, addr, rlen)
                return c.fields(addr, "<i", lambda v: "[%s]" % (X.ERRNO_NAMES.get(v) or v))
            if name == SO_TXREHASH:
                return _txrehash(c, addr, rlen)
            if name in _INT_OPTIONS:
                return _int(c, addr) if rlen >= 4 else _hexbytes(c, addr, rlen)
        elif level == SOL_PACKET and name == PACKET_STATISTICS:
            return fields_len(c, addr, rlen, _TP_STATS, _plain)
        elif level == SOL_RAW and name == ICMP_FILTER:
            return icmp_filter(c, addr, rlen)
        elif level == SOL_NETLINK:
            if name == NETLINK_LIST_MEMBERSHIPS:
                return S.array(c, addr, min(ulen, rlen) // 4, "<I", str)
            return _int(c, addr)
    if not c.verbose:
        return ptr(addr)
    return _int(c, addr) if rlen == 4 else _bytes(c, addr, rlen)


# setsockopt's structures, by (level, name): (size, the length must be exactly it,
# printer of the values)
def _mreq(c: Ctx, addr: int) -> str:
    return c.fields(addr, "<4s4s", lambda grp, iface: "{imr_multiaddr=%s, imr_interface=%s}"
                    % (SA.inet_addr(grp), SA.inet_addr(iface)))


def _mreq6(c: Ctx, addr: int) -> str:
    return c.fields(addr, "<16sI", lambda grp, iface: "{%s, ipv6mr_interface=%s}" % (
        SA.inet6_field("ipv6mr_multiaddr", grp), SA.ifindex(iface)))


def _group_req(c: Ctx, addr: int) -> str:
    return c.fields(addr, "<I132x", lambda iface: "{gr_interface=%s, gr_group=%s}" % (
        SA.ifindex(iface), SA.sockaddr(c, addr + 8, 128)))


def _tpacket_req(c: Ctx, addr: int) -> str:
    return c.fields(addr, "<IIII", lambda bs, bn, fs, fn: (
        "{tp_block_size=%d, tp_block_nr=%d, tp_frame_size=%d, tp_frame_nr=%d}"
        % (bs, bn, fs, fn)))


def _packet_mreq(c: Ctx, addr: int) -> str:
    return c.fields(addr, "<iHH8s", lambda ifindex, kind, alen, mac: (
        "{mr_ifindex=%s, mr_type=%s, mr_alen=%d, mr_address=%s}" % (
            SA.ifindex(ifindex), xval(kind, XS.PACKET_MR_TYPES, "PACKET_MR_???"), alen,
            _mac(mac[:min(alen, 8)]))))


def _mac(b: bytes) -> str:
    """A hardware address: ``ff:ff:ff`` (-X raw: its bytes, -X verbose: both)."""
    return combine(quote(b, hex=True), ":".join("%02x" % x for x in b))


def _set_linger(c: Ctx, addr: int) -> str:
    return c.fields(addr, "<ii", lambda on, linger: "{l_onoff=%d, l_linger=%d}" % (on, linger))


_SET_STRUCTS: dict[tuple[int, int], tuple[int, bool, Callable[[Ctx, int], str]]] = {
    (SOL_SOCKET, SO_LINGER): (8, False, _set_linger),
    (SOL_IP, 35): (8, False, _mreq), (SOL_IP, 36): (8, False, _mreq),   # IP_ADD/DROP_MEMBERSHIP
    (SOL_IP, 42): (136, False, _group_req), (SOL_IP, 45): (136, False, _group_req),   # MCAST_
    (SOL_IPV6, 20): (20, False, _mreq6), (SOL_IPV6, 21): (20, False, _mreq6),
    (SOL_IPV6, 27): (20, False, _mreq6), (SOL_IPV6, 28): (20, False, _mreq6),
    (SOL_IPV6, 42): (136, False, _group_req), (SOL_IPV6, 45): (136, False, _group_req),
    (SOL_PACKET, 5): (16, True, _tpacket_req), (SOL_PACKET, 13): (16, True, _tpacket_req),
    (SOL_PACKET, 1): (16, True, _packet_mreq), (SOL_PACKET, 2): (16, True, _packet_mreq),
}


def _setsockopt_value(c: Ctx, level: int, name: int, addr: int, n: int) -> str:
    if addr and c.verbose:
        got = _SET_STRUCTS.get((level, name))
        if got is not None:
            size, exact, show = got
            if (n != size) if exact else (n < size):
                return ptr(addr)
            return show(c, addr)
        if level == SOL_SOCKET:
            if name in (SO_ATTACH_FILTER, SO_ATTACH_REUSEPORT_CBPF):
                return _cbpf.fprog(c, addr) if n == 16 else ptr(addr)
            if name == SO_TXREHASH:
                return _txrehash(c, addr, n)
            if name in _INT_OPTIONS:
                return ptr(addr) if n < 4 else _int(c, addr)
        elif level == SOL_RAW and name == ICMP_FILTER:
            return icmp_filter(c, addr, n)
        elif level == SOL_NETLINK:
            return ptr(addr) if n < 4 else _int(c, addr)
    if not c.verbose:
        return ptr(addr)
    return _int(c, addr) if n == 4 else _bytes(c, addr, n)


def _optval_in(c: Ctx, i: int) -> str:
    return _setsockopt_value(c, u32(c.args[1]), u32(c.args[2]), c.args[i], s32(c.args[4]))


def _optval_out(c: Ctx, i: int) -> str:
    ulen = c.saved.get("socklen")
    got = c.unpack("<i", c.args[4]) if c.args[4] else None
    if ulen is None or got is None:
        return ptr(c.args[i])
    return _getsockopt_value(c, u32(c.args[1]), u32(c.args[2]), c.args[i], ulen, got[0])


SOCKOPT_LEVEL = Kind(_level, late=True, scalar=True)
SOCKOPT_NAME = Kind(_name, late=True, scalar=True)

KINDS: dict[str, Kind] = {
    "sockopt_level": SOCKOPT_LEVEL, "sockopt_name": SOCKOPT_NAME,
    "optval_in": Kind(_optval_in), "optval_out": out(_optval_out),
}
