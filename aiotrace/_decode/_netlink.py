# SPDX-License-Identifier: GPL-2.0-or-later
"""Netlink messages, as strace prints the data sent and received on a netlink socket:
``[{nlmsg_len=16, nlmsg_type=AUDIT_GET, nlmsg_flags=NLM_F_REQUEST, nlmsg_seq=0,
nlmsg_pid=0}, payload]``, a list of them when the buffer holds several.

``decode(ctx, addr, length, protocol)`` prints the buffer of a call on a socket of that
netlink protocol (-1: a netlink socket whose protocol is not known). The header's type
and flags are named from the protocol's tables (``PROTOCOLS``); the payload by the
protocol's decoder (``PAYLOADS``: ``(ctx, type, flags, addr, length) -> text``, or None to
print it in hex), with the attributes (``nlattr``) that follow a protocol's fixed
header. Everything read of the tracee may be missing or odd: what cannot be read is
shown as its address, as strace does, never an error.

Facts from the kernel's uapi headers (linux/netlink.h): a header is 16 bytes (u32 length,
u16 type, u16 flags, u32 sequence, u32 port id), messages and attributes are aligned
on 4 bytes, an attribute is a u16 length and a u16 type whose two high bits are flags.
"""

from __future__ import annotations

import struct
from typing import Callable, Optional

from . import _pidns
from . import _xlat_netlink as XL
from ._ctx import Ctx
from ._xlat import ERRNO_NAMES, flags, hexa, ptr, xval

HDRLEN = 16
NLA_HDRLEN = 4
NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE = 1, 2, 3
NLMSG_MIN_TYPE = 0x10
NLM_F_CAPPED = 0x100
NLA_F_NESTED, NLA_F_NET_BYTEORDER = 0x8000, 0x4000

# protocols (linux/netlink.h)
ROUTE, SOCK_DIAG, XFRM, SELINUX, AUDIT = 0, 4, 6, 7, 9
NETFILTER, KOBJECT_UEVENT, GENERIC, CRYPTO = 12, 15, 16, 21

Payload = Callable[[Ctx, int, int, int, int], Optional[str]]
# an attribute's data: (ctx, addr, length) -> text, or None to print it in hex
AttrData = Callable[[Ctx, int, int], Optional[str]]


def align(n: int) -> int:
    return (n + 3) & ~3


def hexbuf(ctx: Ctx, addr: int, length: int) -> str:
    """Bytes every one in hex (strace's QUOTE_FORCE_HEX), up to -s of them."""
    return ctx.buf(addr, length, hex=True)


# -- the header -----------------------------------------------------------------------

def _names_of(table: str, unknown: str) -> Callable[[int], str]:
    return lambda t: xval(t, XL.TABLES.names(table), unknown)


def _netfilter_type(t: int) -> str:
    """Control messages by name, the others as ``SUBSYS<<8|TYPE``."""
    name = XL.NFNL_MSG_TYPES.get(t)
    if name is not None:
        return xval(t, XL.NFNL_MSG_TYPES)
    subsys, msg = t >> 8, t & 0xFF
    text = xval(subsys, XL.NFNL_SUBSYS, "NFNL_SUBSYS_???") + "<<8|"
    per = NF_SUBSYS_TYPES.get(subsys)
    if per is None:
        return text + hexa(msg)
    return text + xval(msg, XL.TABLES.names(per[0]), per[1])


def _generic_type(t: int) -> str:
    from ._netlink_genl import families
    return xval(t, families(), "GENERIC_FAMILY_???")


# netfilter subsystems 1, 2, ... -> (the table of their message types, the unknown name)
NF_SUBSYS_TYPES: dict[int, tuple[str, str]] = dict(enumerate((
    ("NF_CT_MSG", "IPCTNL_MSG_CT_???"),
    ("NF_CT_EXP_MSG", "IPCTNL_MSG_EXP_???"),
    ("NF_QUEUE_MSG", "NFQNL_MSG_???"),
    ("NF_ULOG_MSG", "NFULNL_MSG_???"),
    ("NF_OSF_MSG", "OSF_MSG_???"),
    ("NF_IPSET_MSG", "IPSET_CMD_???"),
    ("NF_ACCT_MSG", "NFNL_MSG_ACCT_???"),
    ("NF_CTTIMEOUT_MSG", "IPCTNL_MSG_TIMEOUT_???"),
    ("NF_CTHELPER_MSG", "NFNL_MSG_CTHELPER_???"),
    ("NF_NFT_MSG", "NFT_MSG_???"),
    ("NF_COMPAT_MSG", "NFNL_MSG_COMPAT_???"),
    ("NF_HOOK_MSG", "NFT_MSG_HOOK_???"),
), start=1))

# the message types that take the flags of a new object, a deletion or a request ("get"),
# by name (strace 6.1's lists)
_NEW, _DEL, _GET = "NLM_NEW_FLAGS", "NLM_DELETE_FLAGS", "NLM_GET_FLAGS"
_KIND_BY_NAME: dict[str, str] = {}
for _kind, _names in (
    (_NEW, "CRYPTO_MSG_NEWALG XFRM_MSG_NEWSA XFRM_MSG_NEWPOLICY XFRM_MSG_NEWAE "
           "XFRM_MSG_NEWSADINFO XFRM_MSG_NEWSPDINFO IPCTNL_MSG_CT_NEW IPCTNL_MSG_EXP_NEW "
           "NFNL_MSG_ACCT_NEW IPCTNL_MSG_TIMEOUT_NEW NFNL_MSG_CTHELPER_NEW NFT_MSG_NEWTABLE "
           "NFT_MSG_NEWCHAIN NFT_MSG_NEWRULE NFT_MSG_NEWSET NFT_MSG_NEWSETELEM NFT_MSG_NEWGEN "
           "NFT_MSG_NEWOBJ NFT_MSG_NEWFLOWTABLE"),
    (_DEL, "CRYPTO_MSG_DELALG CRYPTO_MSG_DELRNG XFRM_MSG_DELSA XFRM_MSG_DELPOLICY "
           "IPCTNL_MSG_CT_DELETE IPCTNL_MSG_EXP_DELETE NFNL_MSG_ACCT_DEL "
           "IPCTNL_MSG_TIMEOUT_DELETE NFNL_MSG_CTHELPER_DEL NFT_MSG_DELTABLE NFT_MSG_DELCHAIN "
           "NFT_MSG_DELRULE NFT_MSG_DELSET NFT_MSG_DELSETELEM NFT_MSG_DELOBJ "
           "NFT_MSG_DELFLOWTABLE"),
    (_GET, "CRYPTO_MSG_GETALG XFRM_MSG_GETSA XFRM_MSG_GETPOLICY XFRM_MSG_GETAE "
           "XFRM_MSG_GETSADINFO XFRM_MSG_GETSPDINFO IPCTNL_MSG_CT_GET "
           "IPCTNL_MSG_CT_GET_CTRZERO IPCTNL_MSG_CT_GET_STATS_CPU IPCTNL_MSG_CT_GET_STATS "
           "IPCTNL_MSG_CT_GET_DYING IPCTNL_MSG_CT_GET_UNCONFIRMED IPCTNL_MSG_EXP_GET "
           "IPCTNL_MSG_EXP_GET_STATS_CPU NFNL_MSG_ACCT_GET NFNL_MSG_ACCT_GET_CTRZERO "
           "IPCTNL_MSG_TIMEOUT_GET NFNL_MSG_CTHELPER_GET NFT_MSG_GETTABLE NFT_MSG_GETCHAIN "
           "NFT_MSG_GETRULE NFT_MSG_GETSET NFT_MSG_GETSETELEM NFT_MSG_GETGEN NFT_MSG_GETOBJ "
           "NFT_MSG_GETOBJ_RESET NFT_MSG_GETFLOWTABLE NFNL_MSG_COMPAT_GET NFNL_MSG_HOOK_GET")):
    for _n in _names.split():
        _KIND_BY_NAME[_n] = _kind


def _kind_of(table: str, t: int) -> str | None:
    name = XL.TABLES.names(table).get(t)
    return _KIND_BY_NAME.get(name) if name is not None else None


def _route_kind(t: int) -> str | None:
    if t == 49:   # RTM_DELACTION takes NLM_F_ROOT's flags
        return _GET
    return (_NEW, _DEL, _GET, None)[t & 3]


def _netfilter_kind(t: int) -> str | None:
    per = NF_SUBSYS_TYPES.get(t >> 8)
    return _kind_of(per[0], t & 0xFF) if per is not None else None


# protocol -> (how its message types print, which flags a type takes)
PROTOCOLS: dict[int, tuple[Callable[[int], str], Callable[[int], Optional[str]]]] = {
    AUDIT: (_names_of("AUDIT_TYPES", "AUDIT_???"), lambda t: None),
    CRYPTO: (_names_of("CRYPTO_TYPES", "CRYPTO_MSG_???"), lambda t: _kind_of("CRYPTO_TYPES", t)),
    GENERIC: (_generic_type, lambda t: None),
    NETFILTER: (_netfilter_type, _netfilter_kind),
    ROUTE: (_names_of("RTM_TYPES", "RTM_???"), _route_kind),
    SELINUX: (_names_of("SELNL_TYPES", "SELNL_MSG_???"), lambda t: None),
    SOCK_DIAG: (_names_of("SOCK_DIAG_TYPES", "SOCK_DIAG_???"), lambda t: _GET),
    XFRM: (_names_of("XFRM_TYPES", "XFRM_MSG_???"), lambda t: _kind_of("XFRM_TYPES", t)),
}


def nlmsghdr(ctx: Ctx, hdr: tuple[int, int, int, int, int], protocol: int) -> str:
    length, t, fl, seq, pid = hdr
    known = PROTOCOLS.get(protocol) if t >= NLMSG_MIN_TYPE else None
    if known is None:
        type_text = xval(t, XL.NLMSG_TYPES, "NLMSG_???")
        extra = XL.NLM_ACK_FLAGS if t == NLMSG_ERROR else ()
    else:
        type_text = known[0](t)
        kind = known[1](t)
        extra = XL.TABLES.flags(kind) if kind is not None else ()
    return "{nlmsg_len=%d, nlmsg_type=%s, nlmsg_flags=%s, nlmsg_seq=%d, nlmsg_pid=%s}" % (
        length, type_text, flags(fl, tuple(XL.NLM_FLAGS) + tuple(extra), "NLM_F_???"), seq,
        _pidns.pid(struct.unpack("<i", struct.pack("<I", pid))[0], _pidns.TGID))


# -- lists of messages and of attributes --------------------------------------------

def _walk(ctx: Ctx, addr: int, length: int, hdr_fmt: str,
          one: Callable[[tuple[int, ...], int, int], str]) -> str:
    """strace's walk of a list of messages (or attributes): each element's header says
    its length; one element prints bare, more as a list; a buffer too short for a header
    in hex; an unreadable header as its address (``... /* ADDR */`` after the first);
    -s elements at most (then ``...``)."""
    size = struct.calcsize(hdr_fmt)
    items: list[str] = []
    elt = 0
    while True:
        if length < size:
            items.append(hexbuf(ctx, addr, length))
            break
        data = ctx.read(addr, size)
        if data is None:
            items.append("... /* %s */" % hexa(addr) if items else ptr(addr))
            break
        if ctx.abbrev and elt == ctx.strsize:
            items.append("...")
            break
        hdr = struct.unpack(hdr_fmt, data)
        step = align(hdr[0])
        nxt = 0
        if hdr[0] >= size and length > step:
            nxt = addr + step
        items.append(one(hdr, addr, length))
        elt += 1
        if not nxt or nxt > 0xFFFFFFFFFFFFFFFF:
            break
        addr, length = nxt, length - step
    return items[0] if len(items) == 1 else "[" + ", ".join(items) + "]"


def sockbuf(ctx: Ctx, fd: int, addr: int, length: int, *, netlink_only: bool = False) -> str:
    """The data of sendto/recvfrom on descriptor *fd*: netlink messages when it is a
    netlink socket (``Ctx.netlink`` says), a string otherwise (and with -e verbose=).
    *netlink_only*: data known to be netlink's (sendmsg to a netlink address), of the
    protocol of *fd* when it is known."""
    proto = -1 if netlink_only else None
    if ctx.verbose and ctx.netlink is not None:
        try:
            proto = ctx.netlink(fd & 0xFFFFFFFF)
        except Exception:   # noqa: BLE001 - (a vanished process must not break printing)
            proto = None
        if proto is None and netlink_only:
            proto = -1
    if proto is None:
        return ctx.buf(addr, length)
    return decode(ctx, addr, length, proto)


def decode(ctx: Ctx, addr: int, length: int, protocol: int) -> str:
    """The buffer of a call on a netlink socket of *protocol* (-1: unknown)."""
    if protocol == KOBJECT_UEVENT:
        from ._netlink_misc import kobject_uevent
        return kobject_uevent(ctx, addr, length)
    return _walk(ctx, addr, length, "<IHHII",
                 lambda hdr, a, n: _message(ctx, hdr, a, n, protocol))


def _message(ctx: Ctx, hdr: tuple[int, ...], addr: int, length: int, protocol: int) -> str:
    """A header and its payload (as much of it as the buffer holds)."""
    n = min(hdr[0], length)
    head = nlmsghdr(ctx, hdr, protocol)   # type: ignore[arg-type]
    if n <= HDRLEN:
        return head
    return "[%s, %s]" % (head, _payload(ctx, hdr, addr + HDRLEN, n - HDRLEN, protocol))


def _payload(ctx: Ctx, hdr: tuple[int, ...], addr: int, length: int, protocol: int) -> str:
    t, fl = hdr[1], hdr[2]
    if t == NLMSG_ERROR:
        return _nlmsgerr(ctx, addr, length, protocol, bool(fl & NLM_F_CAPPED))
    if t >= NLMSG_MIN_TYPE or t == NLMSG_DONE:
        decoder = payloads().get(protocol)
        if decoder is not None:
            text = decoder(ctx, t, fl, addr, length)
            if text is not None:
                return text
    if t == NLMSG_DONE and length == 4:
        v = ctx.unpack("<i", addr)
        return ptr(addr) if v is None else str(v[0])
    return hexbuf(ctx, addr, length)


def errno_value(v: int) -> str:
    """``-EACCES`` for a negated errno strace names, the number otherwise."""
    name = ERRNO_NAMES.get(-v) if v < 0 else None
    return "-" + name if name else str(v)


def _nlmsgerr(ctx: Ctx, addr: int, length: int, protocol: int, capped: bool) -> str:
    """struct nlmsgerr: the error, the header of the message it answers (and that
    message's payload, unless capped), then attributes. An answered message that is an
    error itself is walked in a loop, not by recursion: strace prints a nesting of any
    depth (the text of each level is the text before its inner message, and after)."""
    before: list[str] = []
    after: list[str] = []
    while True:
        if length < 4 + HDRLEN:
            inner = hexbuf(ctx, addr, length)
            break
        vals = ctx.unpack("<iIHHII", addr)
        if vals is None:
            inner = ptr(addr)
            break
        error, msg = vals[0], vals[1:]
        addr, length = addr + 4, length - 4
        payload = min(length, HDRLEN if capped else max(HDRLEN, msg[0]))
        pre, post = "{error=%s, msg=" % errno_value(error), "}"
        if length > payload:
            pre, post = "[" + pre, post + ", %s]" % nlattr(
                ctx, addr + payload, length - payload, XL.NLMSGERR_ATTRS, "NLMSGERR_ATTR_???",
                NLMSGERR_ATTRS)
        n = min(msg[0], payload)
        head = nlmsghdr(ctx, msg, protocol)
        if n > HDRLEN and msg[1] == NLMSG_ERROR:   # (the message answered is an error)
            before.append(pre + "[" + head + ", ")
            after.append("]" + post)
            addr, length, capped = addr + HDRLEN, n - HDRLEN, bool(msg[2] & NLM_F_CAPPED)
            continue
        before.append(pre)
        after.append(post)
        inner = head if n <= HDRLEN else "[%s, %s]" % (
            head, _payload(ctx, msg, addr + HDRLEN, n - HDRLEN, protocol))
        break
    return "".join(before) + inner + "".join(reversed(after))


def nlattr(ctx: Ctx, addr: int, length: int, table: dict[int, str] | None,
           unknown: str, decoders: dict[int, AttrData] | None = None) -> str:
    """A list of attributes: ``[{nla_len=8, nla_type=NAME}, data]`` each; *table* names
    the types (None: in hex), *decoders* prints the data of some (the others in hex)."""
    return _walk(ctx, addr, length, "<HH",
                 lambda hdr, a, n: _attr(ctx, hdr, a, n, table, unknown, decoders))


def _attr(ctx: Ctx, hdr: tuple[int, ...], addr: int, length: int,
          table: dict[int, str] | None, unknown: str,
          decoders: dict[int, AttrData] | None) -> str:
    nla_len, t = hdr
    kind = t & ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER)
    pre = ("NLA_F_NESTED|" if t & NLA_F_NESTED else "") + \
        ("NLA_F_NET_BYTEORDER|" if t & NLA_F_NET_BYTEORDER else "")
    head = "{nla_len=%d, nla_type=%s%s}" % (
        nla_len, pre, hexa(kind) if table is None else xval(kind, table, unknown))
    n = min(nla_len, length)
    if n <= NLA_HDRLEN:
        return head
    fn = decoders.get(kind) if decoders else None
    text = fn(ctx, addr + NLA_HDRLEN, n - NLA_HDRLEN) if fn is not None else None
    if text is None:
        text = hexbuf(ctx, addr + NLA_HDRLEN, n - NLA_HDRLEN)
    return "[%s, %s]" % (head, text)


def inet_field(family: int, data: bytes, name: str | None = None) -> str:
    """An address of *family* as strace prints it: ``inet_addr("1.2.3.4")``,
    ``inet_pton(AF_INET6, "::1")``; as a field *name*: ``name=inet_addr(...)``,
    ``inet_pton(AF_INET6, "::1", &name)``; of another family, its bytes in hex."""
    import socket   # (on use: start-up time)
    from ._quote import quote
    field = name + "=" if name else ""
    if family == 2 and len(data) >= 4:
        return '%sinet_addr("%s")' % (field, socket.inet_ntop(socket.AF_INET, data[:4]))
    if family == 10 and len(data) >= 16:
        return 'inet_pton(AF_INET6, "%s"%s)' % (socket.inet_ntop(socket.AF_INET6, data[:16]),
                                                 ", &" + name if name else "")
    return field + quote(data, hex=True)


# -- attribute data -------------------------------------------------------------------

def nla_str(ctx: Ctx, addr: int, length: int) -> str | None:
    """A string whose NUL, expected at its end, is not shown (without one, or longer
    than -s: ``...``)."""
    from ._quote import quote
    want = min(length, ctx.strsize + 1)
    data = ctx.read_prefix(addr, want)
    if data is None or (len(data) < want and b"\0" not in data):   # (no end in reach)
        return ptr(addr)
    whole = len(data) == length and data.endswith(b"\0")
    return quote(data[:-1] if whole else data[:ctx.strsize], truncated=not whole,
                 xflag=ctx.xflag)


def nla_u32(ctx: Ctx, addr: int, length: int) -> str | None:
    if length < 4:
        return None
    v = ctx.unpack("<I", addr)
    return ptr(addr) if v is None else str(v[0])


def nla_u8_array(ctx: Ctx, addr: int, length: int) -> str | None:
    data = ctx.read(addr, min(length, ctx.strsize) if ctx.abbrev else length)
    if data is None:
        return ptr(addr)
    more = ", ..." if len(data) < length else ""
    return "[" + ", ".join(str(b) for b in data) + more + "]"


NLMSGERR_ATTRS: dict[int, AttrData] = {1: nla_str, 2: nla_u32, 3: nla_u8_array}


def payloads() -> dict[int, Payload]:
    """protocol -> its payload decoder (imported on first use)."""
    global _PAYLOADS
    if _PAYLOADS is None:
        from ._netlink_misc import PAYLOADS
        from ._netlink_diag import sock_diag
        from ._netlink_route import route
        _PAYLOADS = {**PAYLOADS, ROUTE: route, SOCK_DIAG: sock_diag}
    return _PAYLOADS


_PAYLOADS: dict[int, Payload] | None = None
