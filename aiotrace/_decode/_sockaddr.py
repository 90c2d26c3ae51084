# SPDX-License-Identifier: GPL-2.0-or-later
"""Socket addresses (``struct sockaddr`` and each family's own), as strace 6.1 prints
them: ``{sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}``.

The length the caller gives says how much is read (at most a ``sockaddr_storage``: 128
bytes); the bytes after it read as zeros. A family is printed field by field when the
length holds at least its structure's least size (``_FAMILIES``), its bytes
(``sa_data="..."``) otherwise or when it is not known here. Numbers that a name or a
conversion stands for (a port: ``htons(80)``) follow the ``-X`` style: raw prints their
bytes, verbose both.
"""

from __future__ import annotations

import struct
from typing import Callable

from . import _pidns
from . import _style
from . import _xlat_net as XN
from . import _xlat_sockaddr as XA
from ._ctx import Ctx
from ._quote import quote
from ._style import combine
from ._tables import Flags
from ._xlat import flags, hexa, ptr, xval

STORAGE = 128   # sizeof(struct sockaddr_storage)


def sockaddr(ctx: Ctx, addr: int, length: int) -> str:
    """The address of *length* bytes at *addr* (its address where it cannot be read)."""
    if addr == 0:
        return "NULL"
    if length < 2:
        return ptr(addr)
    length = min(length, STORAGE)
    data = ctx.read(addr, length)
    if data is None:
        return ptr(addr)
    return sockaddr_bytes(ctx, data)


def sockaddr_bytes(ctx: Ctx, data: bytes) -> str:
    """A socket address of ``len(data)`` bytes (at least 2)."""
    n = len(data)
    b = data + bytes(STORAGE + 1 - n) if n <= STORAGE else data
    family = struct.unpack_from("<H", b)[0]
    text = "sa_family=" + XN.sockaddr_family(family)
    if n > 2:
        got = _FAMILIES.get(family)
        if got is not None and n >= got[0]:
            text += ", " + got[1](ctx, b, n)
        else:
            text += ", " + _raw(ctx, b, n)
    return "{" + text + "}"


def _raw(ctx: Ctx, b: bytes, n: int) -> str:
    return "sa_data=" + quote(b[2:n], xflag=ctx.xflag)


# -- the pieces that -X prints as bytes ------------------------------------------

def _hex(b: bytes) -> str:
    return quote(b, hex=True)


def net_port(raw: bytes) -> str:
    """A port in network order: ``htons(80)``."""
    return combine(_hex(raw), "htons(%d)" % struct.unpack(">H", raw)[0])


def inet_addr(raw: bytes) -> str:
    """An IPv4 address: ``inet_addr("127.0.0.1")``."""
    import socket   # (on use: start-up time)
    return combine(_hex(raw), 'inet_addr("%s")' % socket.inet_ntop(socket.AF_INET, raw))


def inet6_field(name: str, raw: bytes) -> str:
    """An IPv6 address field: ``inet_pton(AF_INET6, "::1", &name)``."""
    import socket   # (on use: start-up time)
    text = socket.inet_ntop(socket.AF_INET6, raw)
    if _style.get() == _style.ABBREV:
        return 'inet_pton(AF_INET6, "%s", &%s)' % (text, name)
    return combine("%s=%s" % (name, _hex(raw)), 'inet_pton(AF_INET6, "%s")' % text)


def ifindex(index: int) -> str:
    """An interface index, named as strace names it (on the tracer's host) when it can:
    ``if_nametoindex("lo")``."""
    import socket   # (on use: start-up time)
    name = None
    if index:
        try:
            name = 'if_nametoindex("%s")' % socket.if_indextoname(index)
        except (OSError, OverflowError, ValueError):
            pass
    return combine(str(index), name)


def mac(raw: bytes) -> str:
    """A hardware address: ``ff:ff:ff:ff:ff:ff``."""
    return combine(_hex(raw), ":".join("%02x" % x for x in raw))


def c_0x(v: int, size: int) -> str:
    """C's ``%#0*x`` with the width of a *size*-byte field (no 0x before 0)."""
    return "0" * (2 * size) if v == 0 else "%#0*x" % (2 * size, v)


def _named(v: int, names: dict[int, str]) -> str:
    """A value by its name, or its number (with no comment) where it has none."""
    return combine(hexa(v), names.get(v))


# -- the families ------------------------------------------------------------------

def _unix(ctx: Ctx, b: bytes, n: int) -> str:
    path_len = min(n, 110) - 2
    sun = b[2:2 + path_len]
    if sun[:1] != b"\0":
        nul = sun.find(b"\0")
        return "sun_path=" + quote(sun if nul < 0 else sun[:nul], xflag=ctx.xflag)
    return "sun_path=@" + quote(sun[1:], xflag=ctx.xflag)


def _in(ctx: Ctx, b: bytes, n: int) -> str:
    return "sin_port=%s, sin_addr=%s" % (net_port(b[2:4]), inet_addr(b[4:8]))


def _in6(ctx: Ctx, b: bytes, n: int) -> str:
    flow = struct.unpack_from(">I", b, 4)[0]
    out = "sin6_port=%s, sin6_flowinfo=%s, %s" % (
        net_port(b[2:4]), combine(_hex(b[4:8]), "htonl(%d)" % flow),
        inet6_field("sin6_addr", b[8:24]))
    if n > 24:
        scope = struct.unpack_from("<I", b, 24)[0]
        link_local = (b[8] == 0xFE and b[9] & 0xC0 == 0x80) or (
            b[8] == 0xFF and b[9] & 0x0F == 0x02)
        out += ", sin6_scope_id=" + (ifindex(scope) if link_local else str(scope))
    return out


def _ax25_style(call: bytes) -> int | None:
    """How an AX.25 call sign is printed: None (in the -X style), VERBOSE (it is not a
    valid one: its bytes too) or RAW (it has characters that cannot be printed)."""
    style = None
    space_seen = char_seen = False
    for c in call[:6]:
        if c & 1:
            style = _style.VERBOSE
        c >>= 1
        if c == 0x20:
            space_seen = True
        else:
            char_seen = True
        ch = chr(c)
        if not (ch.isdigit() or "A" <= ch <= "Z" or ch == " ") or (c != 0x20 and space_seen):
            style = _style.VERBOSE
        if c < 0x20 or c > 0x7E or ch in "*/":
            return _style.RAW
    if call[6] & ~0x1E or (not char_seen and call[6]):
        style = _style.VERBOSE
    return style


def ax25_addr(call: bytes) -> str:
    """An AX.25 call sign and its SSID: ``VALID-13``; ``*`` for an empty one."""
    style = _ax25_style(call)
    if style is None:
        style = _style.get()
    raw = '{ax25_call=%s}' % _hex(call)
    if style == _style.RAW:
        return raw
    end = 6
    while end and call[end - 1] >> 1 == 0x20:
        end -= 1
    ssid = (call[6] >> 1) & 0xF
    text = "".join(chr(c >> 1) for c in call[:end]) + "-%d" % ssid
    if text == "-0":
        text = "*"
    return "%s /* %s */" % (raw, text) if style == _style.VERBOSE else text


def _ax25(ctx: Ctx, b: bytes, n: int) -> str:
    ndigis = struct.unpack_from("<i", b, 12)[0]
    full = ndigis != 0 or n > 16
    out = "sax25_call=%s, sax25_ndigis=%d" % (ax25_addr(b[2:9]), ndigis)
    if not full:
        return out
    out = "fsa_ax25={%s}" % out
    has = min((n - 16) // 7, 8)
    want = min(max(ndigis, 0), 8)
    if want:
        items = [ax25_addr(b[16 + 7 * i:23 + 7 * i]) for i in range(min(has, want))]
        if want > has:
            items.append("...")
        out += ", fsa_digipeater=[%s]" % ", ".join(items)
    if n > 16 + 7 * has:
        out += ", ..."
    return out


def _ipx(ctx: Ctx, b: bytes, n: int) -> str:
    network = struct.unpack_from(">I", b, 4)[0]
    out = "sipx_port=%s, sipx_network=htonl(%s), sipx_node=[%s], sipx_type=%s" % (
        net_port(b[2:4]), hexa(network), ", ".join(c_0x(x, 1) for x in b[8:14]), c_0x(b[14], 1))
    return out + (", sipx_zero=%s" % hexa(b[15]) if b[15] else "")


def _x25(ctx: Ctx, b: bytes, n: int) -> str:
    return "sx25_addr={x25_addr=%s}" % _cstring(b[2:18])


def _netlink(ctx: Ctx, b: bytes, n: int) -> str:
    pad, pid, groups = struct.unpack_from("<HII", b, 2)
    out = "nl_pad=%s, " % hexa(pad) if pad else ""
    return out + "nl_pid=%s, nl_groups=%s" % (_pidns.pid(pid, _pidns.TGID), c_0x(groups, 4))


def _packet(ctx: Ctx, b: bytes, n: int) -> str:
    proto = struct.unpack_from(">H", b, 2)[0]
    index, hatype, pkttype, halen = struct.unpack_from("<IHBB", b, 4)
    name = XN.ETH_P.get(proto) or "%s /* ETH_P_??? */" % hexa(proto)
    out = "sll_protocol=%s, sll_ifindex=%s, sll_hatype=%s, sll_pkttype=%s, sll_halen=%d" % (
        combine(_hex(b[2:4]), "htons(%s)" % name), ifindex(index),
        xval(hatype, XN.ARPHRD, "ARPHRD_???"), xval(pkttype, XA.PACKET_TYPES, "PACKET_???"),
        halen)
    if halen:
        items = []
        for i in range(halen):
            if i >= n - 12:
                items.append("...")
                break
            items.append(c_0x(b[12 + i], 1))
        out += ", sll_addr=[%s]" % ", ".join(items)
    return out


def _l2cap(v: int, names: dict[int, str], ranges: tuple[tuple[str, int, int], ...],
           unknown: str) -> str:
    """A Bluetooth L2CAP port or channel: ``htobs(L2CAP_PSM_SDP)``,
    ``htobs(L2CAP_PSM_DYN_START+1)``."""
    sym = names.get(v)
    for start_name, start, end in ranges:
        if sym is None and start <= v <= end:
            sym = "%s+%d" % (start_name, v - start)
    st = _style.get()
    if st == _style.RAW:
        return "htobs(%s)" % hexa(v)
    if sym is None:
        return "htobs(%s /* %s */)" % (hexa(v), unknown)
    return "htobs(%s)" % (sym if st == _style.ABBREV else "%s /* %s */" % (hexa(v), sym))


_PSM_RANGES = (("L2CAP_PSM_LE_DYN_START", 0x80, 0xFF), ("L2CAP_PSM_DYN_START", 0x1001, 0xFFFF))
_CID_RANGES = (("L2CAP_CID_DYN_START", 0x40, 0xFFFF),)


def _bluetooth(ctx: Ctx, b: bytes, n: int) -> str:
    if n in (4, 6):   # sockaddr_hci (without its channel: older kernels)
        out = "hci_dev=htobs(%d)" % struct.unpack_from("<H", b, 2)[0]
        if n == 6:
            out += ", hci_channel=" + xval(struct.unpack_from("<H", b, 4)[0],
                                           XA.HCI_CHANNELS, "HCI_CHANNEL_???")
        return out
    if n == 8:        # sockaddr_sco
        return "sco_bdaddr=" + mac(b[2:8])
    if n == 9:        # sockaddr_rc
        return "rc_bdaddr=%s, rc_channel=%d" % (mac(b[2:8]), b[8])
    if n in (12, 14):   # sockaddr_l2 (without its address type: older kernels)
        psm, cid = struct.unpack_from("<H", b, 2)[0], struct.unpack_from("<H", b, 10)[0]
        out = "l2_psm=%s, l2_bdaddr=%s, l2_cid=%s" % (
            _l2cap(psm, XA.L2CAP_PSMS, _PSM_RANGES, "L2CAP_PSM_???"), mac(b[4:10]),
            _l2cap(cid, XA.L2CAP_CIDS, _CID_RANGES, "L2CAP_CID_???"))
        if n == 14:
            out += ", l2_bdaddr_type=" + xval(b[12], XA.BDADDR_TYPES, "BDADDR_???")
        return out
    return _raw(ctx, b, n)


def _vsock(ctx: Ctx, b: bytes, n: int) -> str:
    reserved, port, cid, fl = struct.unpack_from("<HIIB", b, 2)
    out = "svm_reserved1=%s, " % hexa(reserved) if reserved else ""
    out += "svm_cid=%s, svm_port=%s, svm_flags=%s" % (
        _named(cid, XA.VSOCK_CIDS), _named(port, XA.VSOCK_PORTS),
        flags(fl, XA.VSOCK_FLAGS, "VMADDR_FLAG_???"))
    if any(b[13:16]):
        out += ", svm_zero=" + _hex(b[13:16])
    return out


def _qrtr(ctx: Ctx, b: bytes, n: int) -> str:
    node, port = struct.unpack_from("<II", b, 4)
    return "sq_node=%s, sq_port=%s" % (_named(node, XA.QRTR_NODES), _named(port, XA.QRTR_PORTS))


def _xdp(ctx: Ctx, b: bytes, n: int) -> str:
    fl, index, queue, umem = struct.unpack_from("<HIII", b, 2)
    out = "sxdp_flags=%s, sxdp_ifindex=%s, sxdp_queue_id=%d" % (
        flags(fl, XA.XDP_FLAGS, "XDP_???"), ifindex(index), queue)
    if fl & 1:   # XDP_SHARED_UMEM
        out += ", sxdp_shared_umem_fd=" + ctx.fd(umem)
    elif umem:
        out += ", sxdp_shared_umem_fd=" + hexa(umem)
    return out


def _mctp(ctx: Ctx, b: bytes, n: int) -> str:
    pad0, net, addr, kind, tag, pad1 = struct.unpack_from("<HIBBBB", b, 2)
    out = "__smctp_pad0=%s, " % hexa(pad0) if pad0 else ""
    out += "smctp_network=%s, smctp_addr={s_addr=%s}, smctp_type=%s, smctp_tag=%s" % (
        _named(net, XA.MCTP_NETS), _named(addr, XA.MCTP_ADDRS), hexa(kind), hexa(tag))
    return out + (", __smctp_pad1=%s" % hexa(pad1) if pad1 else "")


def _xval_verbose(v: int, names: dict[int, str], unknown: str | None = None) -> str:
    """A value with its name in a comment, whatever the -X style but raw (strace's
    PRINT_FIELD_XVAL_VERBOSE): ``0x1 /* CM_SERVICE */``, ``0x2 /* ???_SERVICE */``."""
    name = names.get(v) or unknown
    if _style.get() == _style.RAW or name is None:
        return hexa(v)
    return "%s /* %s */" % (hexa(v), name)


def _flags_verbose(v: int, table: Flags, unknown: str) -> str:
    """A set of flags with their names in a comment, whatever the -X style but raw."""
    if _style.get() == _style.RAW or v == 0:
        return hexa(v)
    with _style.using(_style.ABBREV):
        text = flags(v, table, unknown)
    return text if text.startswith(hexa(v) + " /* ") else "%s /* %s */" % (hexa(v), text)


def _cstring(field: bytes) -> str:
    """A NUL-terminated string in a fixed-size field: up to its NUL, or all but the
    field's last byte and ``...``."""
    nul = field.find(b"\0")
    return quote(field[:nul]) if nul >= 0 else quote(field[:-1], truncated=True)


def _rxrpc(ctx: Ctx, b: bytes, n: int) -> str:
    service, kind, tlen, family = struct.unpack_from("<HHHH", b, 2)
    size = min(tlen, n - 8)          # the transport address's bytes
    rest = b[10:10 + max(0, size - 2)]
    fam = XN.sockaddr_family(family)
    if family in (2, 10):
        short, name, least, fields = (("sin", "sin_family", 16, _in) if family == 2 else
                                      ("sin6", "sin6_family", 24, _in6))
        body = "%s=%s" % (name, fam)
        if tlen >= least:
            body += ", " + fields(ctx, b[8:], size)
        elif rest:
            body += ", " + quote(rest, xflag=ctx.xflag)
        transport = "%s={%s}" % (short, body)
    else:
        transport = "family=" + fam + (", " + quote(rest, xflag=ctx.xflag) if rest else "")
    return "srx_service=%s, transport_type=%s, transport_len=%d, transport={%s}" % (
        _xval_verbose(service, XA.RXRPC_SERVICES, "???_SERVICE"),
        xval(kind, XN.SOCK_TYPES, "SOCK_???"), tlen, transport)


def _ieee802154(ctx: Ctx, b: bytes, n: int) -> str:
    kind, pan, short = struct.unpack_from("<IHH", b, 4)
    out = "addr={addr_type=%s, pan_id=%s" % (
        _xval_verbose(kind, XA.IEEE802154_ADDR_TYPES, "IEEE802154_ADDR_???"),
        _xval_verbose(pan, XA.IEEE802154_PAN_IDS))
    if kind == 2:     # IEEE802154_ADDR_SHORT
        out += ", short_addr=" + _xval_verbose(short, XA.IEEE802154_ADDRS)
    elif kind != 0:   # (IEEE802154_ADDR_NONE: no address)
        out += ", hwaddr=" + mac(b[10:18])
    return out + "}"


def _alg(ctx: Ctx, b: bytes, n: int) -> str:
    feat, mask = struct.unpack_from("<II", b, 16)
    return "salg_type=%s, salg_feat=%s, salg_mask=%s, salg_name=%s" % (
        _cstring(b[2:16]), _flags_verbose(feat, XA.ALG_FLAGS, "CRYPTO_ALG_???"),
        _flags_verbose(mask, XA.ALG_FLAGS, "CRYPTO_ALG_???"), _cstring(b[24:n]))


def _nfc(ctx: Ctx, b: bytes, n: int) -> str:
    dev, target, proto = struct.unpack_from("<III", b, 4)
    out = "dev_idx=%s, target_idx=%s, nfc_protocol=%s" % (
        ifindex(dev), hexa(target), xval(proto, XA.NFC_PROTOCOLS, "NFC_PROTO_???"))
    if n < 96:        # not a sockaddr_nfc_llcp
        return out + (", ..." if n > 16 else "")
    name_len = struct.unpack_from("<Q", b, 88)[0]
    return out + ", dsap=%s, ssap=%s, service_name=%s, service_name_len=%d" % (
        _xval_verbose(b[16], XA.NFC_SAPS), _xval_verbose(b[17], XA.NFC_SAPS),
        quote(b[18:18 + min(63, name_len)], xflag=ctx.xflag), name_len)


# family -> (the least length printed field by field, the printer of the fields)
_FAMILIES: dict[int, tuple[int, Callable[[Ctx, bytes, int], str]]] = {
    1: (3, _unix), 2: (16, _in), 3: (16, _ax25), 4: (16, _ipx), 9: (18, _x25),
    10: (24, _in6), 16: (12, _netlink), 17: (20, _packet), 31: (3, _bluetooth),
    33: (36, _rxrpc), 36: (20, _ieee802154), 38: (25, _alg), 39: (16, _nfc),
    40: (16, _vsock), 42: (12, _qrtr), 44: (16, _xdp), 45: (12, _mctp),
}
