# SPDX-License-Identifier: GPL-2.0-or-later
"""NETLINK_ROUTE's payloads: each message type's fixed header (``struct ifinfomsg``,
``rtmsg``, ``ndmsg``...: ``STRUCTS``, one row each), then its attributes, named from
the header's table (their data in hex unless ``_netlink_rtattr`` decodes it).

As strace prints them: the header's first byte is the address family, always shown; the
rest only when the payload holds the whole header (``...`` otherwise), or its address when
it cannot be read; attributes follow the header (aligned on 4 bytes) when it was printed.
A type with no row: ``{family=AF_INET, data="\\x..."}``. Layouts from the kernel's uapi
headers (linux/rtnetlink.h, if_link.h, if_addr.h, neighbour.h, fib_rules.h, ...)."""

from __future__ import annotations

from typing import Any, Callable, NamedTuple, Optional

from . import _xlat_net as XN
from . import _xlat_rtnl as XR
from ._ctx import Ctx
from ._netlink import AttrData, align, hexbuf, inet_field, nlattr
from ._sockaddr import ifindex
from ._xlat import flags, hexa, ptr, xval

# "u" | "x" | "x?" (shown when not 0) | "0x32" (8 hex digits) | "ifindex" |
# ("e"|"f", TABLE, unknown)
Field = Any


class Header(NamedTuple):
    """A message type's fixed header: its family field's name, its size, the layout of
    the bytes after the family (struct, little-endian, pads as "x"), its other fields
    and how each prints; its attributes' table and unknown name."""

    family: str
    size: int
    fmt: str
    fields: tuple[tuple[str, Field], ...]
    attrs: str
    unknown: str


def field(how: Field, v: int) -> str | None:
    if how == "u":
        return str(v)
    if how == "x":
        return hexa(v)
    if how == "x?":
        return hexa(v) if v else None
    if how == "0x32":   # (zero-padded to its width)
        return "%#010x" % v
    if how == "ifindex":
        return ifindex(v)
    kind, table, unknown = how
    if kind == "f":   # (0 by its name, where the table has one, as strace's printflags)
        known = flag_table(table)
        zero = next((name for name, bit in known if not bit), "0")
        return flags(v, known, unknown, zero=zero)
    names = names_of(table)
    if unknown is None:
        return xval(v, names) if v in names else hexa(v)
    return xval(v, names, unknown)


def names_of(table: str) -> dict[int, str]:
    """A table of names: NETLINK_ROUTE's (more of them: ``RM.NAME``, its link attributes':
    ``IF.NAME``), NETLINK_SOCK_DIAG's
    (``SD_...``) or _xlat_net's (``XN.NAME``)."""
    if table.startswith("RM."):
        from . import _xlat_rtnl_more as XM
        return XM.TABLES.names(table[3:])
    if table.startswith("IF."):
        from . import _xlat_ifla as XI
        return XI.TABLES.names(table[3:])
    if table.startswith("SD_"):
        from . import _xlat_sockdiag as XD
        return XD.TABLES.names(table)
    if table.startswith("XN."):
        got: dict[int, str] = getattr(XN, table[3:])
        return got
    return XR.TABLES.names(table)


def flag_table(table: str) -> tuple[tuple[str, int], ...]:
    if table.startswith("RM."):
        from . import _xlat_rtnl_more as XM
        return tuple(XM.TABLES.flags(table[3:]))
    if table.startswith("IF."):
        from . import _xlat_ifla as XI
        return tuple(XI.TABLES.flags(table[3:]))
    if table.startswith("SD_"):
        from . import _xlat_sockdiag as XD
        return tuple(XD.TABLES.flags(table))
    return tuple(XR.TABLES.flags(table))


_SCOPE = ("e", "RT_SCOPES", None)
_TOS = ("f", "IPTOS", "IPTOS_TOS_???")
_PROTO = ("e", "RTPROT", "RTPROT_???")

IFINFOMSG = Header("ifi_family", 16, "<xHiII", (
    ("ifi_type", "arphrd"), ("ifi_index", "ifindex"), ("ifi_flags", "iff"),
    ("ifi_change", "x")), "IFLA_ATTRS", "IFLA_???")
IFADDRMSG = Header("ifa_family", 8, "<BBBI", (
    ("ifa_prefixlen", "u"), ("ifa_flags", ("f", "IFA_FLAGS", "IFA_F_???")),
    ("ifa_scope", _SCOPE), ("ifa_index", "ifindex")), "IFA_ATTRS", "IFA_???")
RTMSG = Header("rtm_family", 12, "<BBBBBBBI", (
    ("rtm_dst_len", "u"), ("rtm_src_len", "u"), ("rtm_tos", _TOS),
    ("rtm_table", ("e", "RT_TABLES", None)), ("rtm_protocol", _PROTO),
    ("rtm_scope", _SCOPE), ("rtm_type", ("e", "RTN_TYPES", "RTN_???")),
    ("rtm_flags", ("f", "RTM_F_FLAGS", "RTM_F_???"))), "RTA_ATTRS", "RTA_???")
NDMSG = Header("ndm_family", 12, "<3xiHBB", (
    ("ndm_ifindex", "ifindex"), ("ndm_state", ("f", "NUD_STATES", "NUD_???")),
    ("ndm_flags", ("f", "NTF_FLAGS", "NTF_???")),
    ("ndm_type", ("e", "RTN_TYPES", "RTN_???"))), "NDA_ATTRS", "NDA_???")
FIB_RULE_HDR = Header("family", 12, "<BBBBxxBI", (
    ("dst_len", "u"), ("src_len", "u"), ("tos", _TOS),
    ("table", ("e", "RT_TABLES", "RT_TABLE_???")), ("action", ("e", "FR_ACTS", "FR_ACT_???")),
    ("flags", ("f", "FIB_RULE_FLAGS", "FIB_RULE_???"))), "FRA_ATTRS", "FRA_???")
TCMSG = Header("tcm_family", 20, "<3xiIII", (
    ("tcm_ifindex", "ifindex"), ("tcm_handle", "u"), ("tcm_parent", "u"), ("tcm_info", "u")),
    "TCA_ATTRS", "TCA_???")
BR_PORT_MSG = Header("family", 8, "<3xI", (("ifindex", "ifindex"),), "MDBA_ATTRS", "MDBA_???")
IF_STATS_MSG = Header("family", 12, "<BHII", (
    ("pad1", "x?"), ("pad2", "x?"), ("ifindex", "ifindex"),
    ("filter_mask", ("f", "IFLA_STATS_FLAGS", "1<<IFLA_STATS_???"))),
    "IFLA_STATS_ATTRS", "IFLA_STATS_???")
NHMSG = Header("nh_family", 8, "<BBBI", (
    ("nh_scope", _SCOPE), ("nh_protocol", _PROTO), ("resvd", "x?"),
    ("nh_flags", ("f", "RTNH_FLAGS", "RTNH_F_???"))), "NHA_ATTRS", "NHA_???")
IFADDRLBLMSG = Header("ifal_family", 12, "<xBBII", (
    ("ifal_prefixlen", "u"), ("ifal_flags", "u"), ("ifal_index", "ifindex"),
    ("ifal_seq", "u")), "IFAL_ATTRS", "IFAL_???")
DCBMSG = Header("dcb_family", 4, "<Bxx", (("cmd", ("e", "DCB_CMDS", "DCB_CMD_???")),),
                "DCB_ATTRS", "DCB_ATTR_???")
# headers of a family alone (their size: the family and its padding)
NETCONFMSG = Header("ncm_family", 1, "", (), "NETCONFA_ATTRS", "NETCONFA_???")
RTGENMSG_NSID = Header("rtgen_family", 1, "", (), "NETNSA_ATTRS", "NETNSA_???")
TCAMSG = Header("tca_family", 4, "", (), "TCA_ACT_ATTRS", "TCA_ACT_???")
NDTMSG = Header("ndtm_family", 4, "", (), "NDTA_ATTRS", "NDTA_???")


def _types(first: int, header: Header, n: int = 3) -> dict[int, Header]:
    return {first + i: header for i in range(n)}


# message type -> its header (RTM_NEWLINK 16, ...)
STRUCTS: dict[int, Header] = {
    **_types(16, IFINFOMSG, 4), **_types(20, IFADDRMSG), **_types(24, RTMSG),
    **_types(28, NDMSG), **_types(32, FIB_RULE_HDR), **_types(36, TCMSG),
    **_types(40, TCMSG), **_types(44, TCMSG), **_types(48, TCAMSG),
    58: IFADDRMSG, 62: IFADDRMSG, 64: NDTMSG, 66: NDTMSG, 67: NDTMSG,
    **_types(72, IFADDRLBLMSG), 78: DCBMSG, 79: DCBMSG, **_types(80, NETCONFMSG),
    **_types(84, BR_PORT_MSG), **_types(88, RTGENMSG_NSID), 92: IF_STATS_MSG,
    94: IF_STATS_MSG, **_types(100, TCMSG), **_types(104, NHMSG),
}
_RTM_GETNEIGH, _RTM_NEWCACHEREPORT, _AF_BRIDGE = 30, 96, 7

_SPECIAL: dict[str, Callable[[int], str]] = {
    "arphrd": lambda v: xval(v, XN.ARPHRD, "ARPHRD_???"),
    "iff": lambda v: flags(v, XN.IFF_FLAGS, "IFF_???"),
}


def fields(specs: tuple[tuple[str, Field], ...], vals: tuple[Any, ...],
           family: int = -1) -> list[str]:
    """``name=value`` of each field (a "cookie" takes two values: ``[c0, c1]``; a
    "sockid", struct inet_diag_sockid, seven, its addresses of *family*)."""
    out = []
    it = iter(vals)
    for name, how in specs:
        v = next(it)
        if how == "cookie":
            text: str | None = "[%d, %d]" % (v, next(it))
        elif how in ("sockid", "sockid4"):   # (sockid4: its addresses IPv4's)
            text = _sockid(family if how == "sockid" else 2, v, *(next(it) for _ in range(6)))
        else:
            text = _SPECIAL[how](v) if how in _SPECIAL else field(how, v)
        if text is not None:
            out.append("%s=%s" % (name, text))
    return out


def _sockid(family: int, sport: int, dport: int, src: bytes, dst: bytes, index: int,
            c0: int, c1: int) -> str:
    def port(v: int) -> str:
        return "htons(%d)" % (((v & 0xFF) << 8) | (v >> 8))

    return "{idiag_sport=%s, idiag_dport=%s, %s, %s, idiag_if=%s, idiag_cookie=[%d, %d]}" % (
        port(sport), port(dport), inet_field(family, src, "idiag_src"),
        inet_field(family, dst, "idiag_dst"), ifindex(index), c0, c1)


def route(ctx: Ctx, t: int, fl: int, addr: int, length: int) -> str | None:
    """A NETLINK_ROUTE message's payload (None for NLMSG_DONE's: the generic one)."""
    if t == 3:
        return None
    first = ctx.read(addr, 1)
    if first is None:
        return ptr(addr)
    family = first[0]
    header = STRUCTS.get(t)
    if t == _RTM_GETNEIGH and family == _AF_BRIDGE:
        header = IFINFOMSG
    if t == _RTM_NEWCACHEREPORT:
        return _cachereport(ctx, family, addr, length)
    if header is None:
        if length > 1:
            return "{family=%s, data=%s}" % (XN.sockaddr_family(family),
                                             hexbuf(ctx, addr + 1, length - 1))
        return "{family=%s}" % XN.sockaddr_family(family)
    from ._netlink_rtattr import decoders
    return struct_and_attrs(ctx, header, family, addr, length, decoders(header.attrs, family))


def _cachereport(ctx: Ctx, family: int, addr: int, length: int) -> str:
    """struct rtgenmsg (its family named as RTNL_FAMILY_... or AF_...), then the
    attributes of the family's cache reports (another family's: in hex)."""
    from ._netlink_rtattr import decoders
    from ._netlink_rtattr_more import CACHEREPORT_TABLES
    head = "{rtgen_family=%s}" % xval(family, {**XN.ADDRESS_FAMILIES, **XR.RTNL_FAMILIES},
                                      "RTNL_FAMILY_???")
    if length <= 4:
        return head
    attrs = CACHEREPORT_TABLES.get(family)
    if attrs is None:
        return "%s, %s" % (head, hexbuf(ctx, addr + 4, length - 4))
    return "%s, %s" % (head, nlattr(ctx, addr + 4, length - 4, names_of(attrs[0]), attrs[1],
                                    decoders(attrs[0], family)))


def struct_and_attrs(ctx: Ctx, header: Header, family: int, addr: int, length: int,
                     decoders: Optional[dict[int, AttrData]]) -> str:
    parts = ["%s=%s" % (header.family, XN.sockaddr_family(family))]
    attrs = not header.fields
    if header.fields:
        if length < header.size:
            parts.append("...")
        else:
            vals = ctx.unpack(header.fmt, addr + 1)
            if vals is None:
                parts.append(ptr(addr + 1))
            else:
                parts += fields(header.fields, vals, family)
                attrs = True
    head = "{" + ", ".join(parts) + "}"
    off = align(header.size)
    if not attrs or length <= off or not header.attrs:   # (no table: strace ignores them)
        return head
    return "%s, %s" % (head, nlattr(ctx, addr + off, length - off, names_of(header.attrs),
                                    header.unknown, decoders))

