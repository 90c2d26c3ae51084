# SPDX-License-Identifier: GPL-2.0-or-later
"""NETLINK_SOCK_DIAG's payloads: a request (NLM_F_REQUEST) or an answer about sockets of
an address family, each a fixed header (``REQUESTS``, ``ANSWERS``: one row per family, as
``_netlink_route.Header``), an answer's then followed by attributes. A family with no
row: ``{family=AF_X, data="\\x..."}``, as strace prints it. Layouts from the kernel's uapi
headers (linux/unix_diag.h, netlink_diag.h, packet_diag.h)."""

from __future__ import annotations

from . import _xlat_net as XN
from ._ctx import Ctx
from ._netlink_route import Header, struct_and_attrs
from ._xlat import ptr

_STATES = ("f", "SD_TCP_STATE_FLAGS", "1<<TCP_???")
_SOCKTYPE = ("e", "XN.SOCK_TYPES", "SOCK_???")

REQUESTS: dict[int, Header] = {
    1: Header("sdiag_family", 24, "<BxxIIIII", (
        ("sdiag_protocol", "u"), ("udiag_states", _STATES), ("udiag_ino", "u"),
        ("udiag_show", ("f", "SD_UDIAG_SHOW", "UDIAG_SHOW_???")), ("udiag_cookie", "cookie")),
        "", ""),
    16: Header("sdiag_family", 20, "<BxxIIII", (
        ("sdiag_protocol", ("e", "SD_NDIAG_PROTOS", "NETLINK_???")), ("ndiag_ino", "u"),
        ("ndiag_show", ("f", "SD_NDIAG_SHOW", "NDIAG_SHOW_???")), ("ndiag_cookie", "cookie")),
        "", ""),
    17: Header("sdiag_family", 20, "<BxxIIII", (
        ("sdiag_protocol", "x"), ("pdiag_ino", "u"),
        ("pdiag_show", ("f", "SD_PACKET_SHOW", "PACKET_SHOW_???")), ("pdiag_cookie", "cookie")),
        "", ""),
}
_INET_REQ = Header("sdiag_family", 56, "<BBxI HH16s16sIII".replace(" ", ""), (
    ("sdiag_protocol", ("e", "XN.IPPROTOS", "IPPROTO_???")),
    ("idiag_ext", ("f", "SD_INET_EXT_FLAGS", "1<<INET_DIAG_???-1")),
    ("idiag_states", _STATES), ("id", "sockid")), "SD_INET_REQ_ATTRS", "INET_DIAG_REQ_???")
# TCPDIAG_GETSOCK's and DCCPDIAG_GETSOCK's older request
_INET_REQ_COMPAT = Header("idiag_family", 60, "<BBB HH16s16sIII II".replace(" ", ""), (
    ("idiag_src_len", "u"), ("idiag_dst_len", "u"),
    ("idiag_ext", ("f", "SD_INET_EXT_FLAGS", "1<<INET_DIAG_???-1")), ("id", "sockid"),
    ("idiag_states", _STATES), ("idiag_dbs", "u")), "SD_INET_REQ_ATTRS", "INET_DIAG_REQ_???")
_INET_ANSWER = Header("idiag_family", 72, "<BBB HH16s16sIII IIIII".replace(" ", ""), (
    ("idiag_state", ("e", "SD_TCP_STATES", "TCP_???")), ("idiag_timer", "u"),
    ("idiag_retrans", "u"), ("id", "sockid"), ("idiag_expires", "u"), ("idiag_rqueue", "u"),
    ("idiag_wqueue", "u"), ("idiag_uid", "u"), ("idiag_inode", "u")),
    "SD_INET_ATTRS", "INET_DIAG_???")
_SMC_REQ = Header("diag_family", 52, "<xxBHH16s16sIII", (
    ("diag_ext", ("f", "SD_SMC_EXT_FLAGS", "1<<SMC_DIAG_???-1")), ("id", "sockid4")), "", "")
_SMC_ANSWER = Header("diag_family", 64, "<BBBHH16s16sIIIIQ", (
    ("diag_state", ("e", "SD_SMC_STATES", "SMC_???")),
    ("diag_fallback", ("e", "SD_SMC_MODES", "SMC_DIAG_MODE_???")), ("diag_shutdown", "u"),
    ("id", "sockid4"), ("diag_uid", "u"), ("diag_inode", "u")), "SD_SMC_ATTRS", "SMC_DIAG_???")
REQUESTS.update({2: _INET_REQ, 10: _INET_REQ, 43: _SMC_REQ})
_TCPDIAG_GETSOCK, _DCCPDIAG_GETSOCK = 18, 19

ANSWERS: dict[int, Header] = {
    2: _INET_ANSWER, 10: _INET_ANSWER, 43: _SMC_ANSWER,
    1: Header("udiag_family", 16, "<BBxIII", (
        ("udiag_type", _SOCKTYPE), ("udiag_state", ("e", "SD_TCP_STATES", "TCP_???")),
        ("udiag_ino", "u"), ("udiag_cookie", "cookie")), "SD_UNIX_ATTRS", "UNIX_DIAG_???"),
    16: Header("ndiag_family", 28, "<BBBIIIIII", (
        ("ndiag_type", _SOCKTYPE), ("ndiag_protocol", ("e", "XN.NETLINK_PROTOS", "NETLINK_???")),
        ("ndiag_state", ("e", "SD_NETLINK_STATES", "NETLINK_???")), ("ndiag_portid", "u"),
        ("ndiag_dst_portid", "u"), ("ndiag_dst_group", "u"), ("ndiag_ino", "u"),
        ("ndiag_cookie", "cookie")), "SD_NETLINK_ATTRS", "NETLINK_DIAG_???"),
    17: Header("pdiag_family", 16, "<BHIII", (
        ("pdiag_type", _SOCKTYPE), ("pdiag_num", ("e", "SD_ETH_P", "ETH_P_???")),
        ("pdiag_ino", "u"), ("pdiag_cookie", "cookie")), "SD_PACKET_ATTRS", "PACKET_DIAG_???"),
}
_NLM_F_REQUEST = 1


def sock_diag(ctx: Ctx, t: int, flags: int, addr: int, length: int) -> str | None:
    if t == 3:   # NLMSG_DONE: the generic decoding
        return None
    first = ctx.read(addr, 1)
    if first is None:
        return ptr(addr)
    family = first[0]
    rows = REQUESTS if flags & _NLM_F_REQUEST else ANSWERS
    header = rows.get(family) if length > 1 else None
    if header is _INET_REQ and t in (_TCPDIAG_GETSOCK, _DCCPDIAG_GETSOCK):
        header = _INET_REQ_COMPAT
    fam = XN.sockaddr_family(family)
    if header is None:
        if length > 1:
            return "{family=%s, data=%s}" % (fam, ctx.buf(addr + 1, length - 1, hex=True))
        return "{family=%s}" % fam
    from ._netlink_rtattr import decoders
    return struct_and_attrs(ctx, header, family, addr, length,
                            decoders(header.attrs, family) if header.attrs else None)
