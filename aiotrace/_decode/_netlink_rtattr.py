# SPDX-License-Identifier: GPL-2.0-or-later
"""The data of NETLINK_ROUTE's attributes, as strace prints them: each attribute table's
decoders are rows of ``ATTRS`` (type -> how its data prints), made into the decoders
``_netlink.nlattr`` takes for a message of a given address family.

How data prints (``Data``): an integer of its size (``"u32"``, ``"s32"``, ``"x32"``...), a
string (``"str"``: its NUL not shown), an interface index, an address of the message's
family (``"inet"``), a name from a table (``("e", TABLE, unknown, size)``) or flags, a
structure (``("struct", fmt, (field, how), ...)``). Data shorter than the value: in hex;
unreadable: its address. Sizes and layouts from the kernel's uapi headers."""

from __future__ import annotations

import struct
from typing import Any, Optional

from . import _xlat_net as XN
from ._ctx import Ctx
from ._netlink import AttrData, inet_field, nla_str, nlattr
from ._netlink_route import field, names_of
from ._sockaddr import ifindex
from ._structs import clock_t
from ._xlat import hexa, ptr, xval

Data = Any

_INTS = {"u8": "<B", "u16": "<H", "u32": "<I", "u64": "<Q", "s8": "<b", "s16": "<h",
         "s32": "<i", "s64": "<q", "x8": "<B", "x16": "<H", "x32": "<I", "x64": "<Q",
         "be16": "<H"}


def _inet(ctx: Ctx, addr: int, length: int, family: int) -> str:
    """An address of *family* (AF_INET, AF_INET6), or the bytes in hex."""
    from ._style import combine
    size = {2: 4, 10: 16}.get(family, 0)
    if not size or length < size:
        return ctx.buf(addr, length, hex=True)
    data = ctx.read(addr, size)
    if data is None:
        return ptr(addr)
    # (-X raw: the bytes in hex; -X verbose: and the address in a comment)
    return combine(ctx.buf(addr, size, hex=True), inet_field(family, data))


def print_data(ctx: Ctx, how: Data, addr: int, length: int, family: int) -> Optional[str]:
    """The data of an attribute as *how* says (None: in hex)."""
    return _print(ctx, how, addr, length, family)


def _print(ctx: Ctx, how: Data, addr: int, length: int, family: int) -> Optional[str]:
    if callable(how):   # (_netlink_rtattr_more's)
        text: Optional[str] = how(ctx, addr, length, family)
        return text
    if how == "str":
        return nla_str(ctx, addr, length)
    if how in ("inet", "in_addr", "in6_addr"):   # (the message's family; AF_INET's; AF_INET6's)
        return _inet(ctx, addr, length, {"inet": family, "in_addr": 2}.get(how, 10))
    if how == "clock_t":   # (1 to 8 bytes)
        if length > 8:
            return None
        data = ctx.read(addr, length)
        return ptr(addr) if data is None else clock_t(int.from_bytes(data, "little"))
    if how == "ifindex":
        how = ("ifindex", "<I")
    elif how == "fd":
        how = ("fd", "<i")
    elif how == "ipproto":
        how = ("ipproto", "")
    elif isinstance(how, str):
        how = (how, _INTS[how])
    kind = how[0]
    if kind == "struct":
        fmt, fields = how[1], how[2:]
        if length < struct.calcsize(fmt):
            return None
        if fields and fields[-1][0] == "+":   # a field newer kernels add: when it is there
            _, more, extra = fields[-1]
            fields = fields[:-1]
            if length >= struct.calcsize(fmt + more):
                fmt, fields = fmt + more, fields + (extra,)
        vals = ctx.unpack(fmt, addr)
        if vals is None:
            return ptr(addr)
        return "{" + ", ".join("%s=%s" % (name, field(f, v))
                               for (name, f), v in zip(fields, vals, strict=True)) + "}"
    if kind in ("e", "f", "ipproto") and length > 8:   # (strace: longer than a u64, in hex)
        return None
    if kind == "ipproto":   # (of any size up to 8 bytes)
        how = (kind, "<%ds" % length)
    fmt = _INTS[how[3]] if kind in ("e", "f") else how[1]
    if length < struct.calcsize(fmt):
        return None
    v = ctx.unpack(fmt, addr)
    if v is None:
        return ptr(addr)
    n = v[0]
    if kind == "ifindex":
        return ifindex(n)
    if kind == "fd":
        return ctx.fd(n)
    if kind[0] == "x":
        return hexa(n)
    if kind == "be16":
        return "htons(%d)" % struct.unpack(">H", struct.pack("<H", n))[0]
    if kind == "be64":
        return "htobe64(%d)" % struct.unpack(">Q", struct.pack("<Q", n))[0]
    if kind in ("e", "f"):
        return field((kind, how[1], how[2]), n)
    if kind == "ipproto":
        return xval(int.from_bytes(n, "little"), XN.IPPROTOS, "IPPROTO_???")
    return str(n)


def decoders(table: str, family: int) -> dict[int, AttrData]:
    """The decoders of the attributes of *table* in a message of *family*."""
    from ._netlink_diag_attrs import ATTRS as DIAG
    from ._netlink_ifla import ATTRS as IFLA
    from ._netlink_ifla_vf import ATTRS as IFLA_VF
    from ._netlink_linkinfo import ATTRS as LINKINFO
    from ._netlink_ifstats import ATTRS as IFSTATS
    from ._netlink_rtattr_more import ATTRS as MORE
    rows = {}
    for rows_of in (ATTRS, MORE, IFLA, IFLA_VF, IFSTATS, DIAG, LINKINFO):
        rows.update(rows_of.get(table, {}))
    return {t: _decoder(how, family) for t, how in rows.items()}


def _decoder(how: Data, family: int) -> AttrData:
    if isinstance(how, tuple) and how[0] == "nested":   # (a 4th item: the decoders' table)
        table, unknown = how[1], how[2]
        rows = how[3] if len(how) > 3 else table

        def nested(c: Ctx, a: int, n: int) -> Optional[str]:
            return nlattr(c, a, n, names_of(table), unknown, decoders(rows, family))

        return nested

    def one(c: Ctx, a: int, n: int) -> Optional[str]:
        return _print(c, how, a, n, family)

    return one


_RT_CLASS = ("e", "RT_TABLES", None, "u32")
_RANGE32 = ("struct", "<II", ("start", "u"), ("end", "u"))
_RANGE16 = ("struct", "<HH", ("start", "u"), ("end", "u"))
_HW_STATS = ("f", "TCA_ACT_HW_STATS", "TCA_ACT_HW_STATS_???", "u32")
_RT_PROTO = ("e", "RTPROT", "RTPROT_???", "u8")


def _u32s(*names: str) -> Data:
    """A structure of u32 fields, each in decimal."""
    return ("struct", "<" + "I" * len(names), *((n, "u") for n in names))



# attribute table -> type -> how its data prints
ATTRS: dict[str, dict[int, Data]] = {
    "IFA_ATTRS": {1: "inet", 2: "inet", 3: "str", 4: "inet", 5: "inet",
                  6: _u32s("ifa_prefered", "ifa_valid", "cstamp", "tstamp"),
                  7: "inet", 8: ("f", "IFA_FLAGS", "IFA_F_???", "u32"), 9: "u32", 10: "s32"},
    "RTA_ATTRS": {1: "inet", 2: "inet", 3: "ifindex", 4: "ifindex", 5: "inet", 6: "u32",
                  7: "inet", 10: "u32", 11: "u32", 14: "u32", 15: _RT_CLASS, 16: "u32",
                  8: ("nested", "RTAX_ATTRS", "RTAX_???"), 19: "inet", 20: "u8", 23: "u64", 25: "u32", 26: "u8",
                  27: "ipproto", 28: "u16", 29: "u16"},
    "FRA_ATTRS": {1: "inet", 2: "inet", 3: "str", 4: "u32", 6: "u32", 10: "u32",
                  11: "u32", 12: ("be64", "<Q"), 13: "u32", 14: "u32", 15: _RT_CLASS, 16: "u32",
                  17: "str",
                  19: "u8", 20: _RANGE32, 21: _RT_PROTO, 22: "ipproto",
                  23: _RANGE16, 24: _RANGE16},
    "NDTA_ATTRS": {1: "str", 2: "u32", 3: "u32", 4: "u32", 8: "u64",
                   6: ("nested", "NDTPA_ATTRS", "NDTPA_???"),
                   7: ("struct", "<" + "Q" * 10, *((n, "u") for n in (
                       "ndts_allocs", "ndts_destroys", "ndts_hash_grows", "ndts_res_failed",
                       "ndts_lookups", "ndts_hits", "ndts_rcv_probes_mcast",
                       "ndts_rcv_probes_ucast", "ndts_periodic_gc_runs",
                       "ndts_forced_gc_runs")), ("+", "Q", ("ndts_table_fulls", "u"))),
                   5: ("struct", "<HHIIIIIII", ("ndtc_key_len", "u"), ("ndtc_entry_size", "u"),
                       ("ndtc_entries", "u"), ("ndtc_last_flush", "u"),
                       ("ndtc_last_rand", "u"), ("ndtc_hash_rnd", "u"),
                       ("ndtc_hash_mask", "0x32"), ("ndtc_hash_chain_gc", "u"),
                       ("ndtc_proxy_qlen", "u"))},
    "IFAL_ATTRS": {1: "inet", 2: "u32"},
    "TCA_ATTRS": {1: "str", 3: ("struct", "<QIIIIIII", ("bytes", "u"), ("packets", "u"),
                                ("drops", "u"), ("overlimits", "u"), ("bps", "u"),
                                ("pps", "u"), ("qlen", "u"), ("backlog", "u")),
                  6: "u32", 11: "u32", 12: "u8", 13: "u32", 14: "u32", 15: "u32"},
    "NDTPA_ATTRS": {1: "ifindex", 2: "u32", 3: "u64", 4: "u64", 5: "u64", 6: "u64", 7: "u64",
                    8: "u32", 9: "u32", 10: "u32", 11: "u32", 12: "u64", 13: "u64",
                    14: "u32", 15: "u64", 16: "u32", 17: "u32", 19: "u64"},
    "RTAX_ATTRS": {**{i: "u32" for i in range(1, 16)}, 16: "str"},
    "NETCONFA_ATTRS": {1: "ifindex", 2: "s32", 3: "s32", 4: "s32", 5: "s32", 6: "s32",
                       7: "s32", 8: "s32"},
    "NETNSA_ATTRS": {1: "s32", 2: "u32", 3: "u32", 4: "s32", 5: "s32"},
    "TCA_ACT_ATTRS": {1: "str", 3: "u32", 7: ("f", "TCA_ACT_FLAGS", "TCA_ACT_FLAGS_???", "u32"),
                      8: _HW_STATS, 9: _HW_STATS, 10: "u32"},
    "NHA_ATTRS": {1: "u32", 4: "u32", 5: "ifindex", 9: "u32", 10: "ifindex", 11: "u32"},
}
