# SPDX-License-Identifier: GPL-2.0-or-later
"""The payloads of the smaller netlink protocols: SELinux's notifications, netfilter's
``struct nfgenmsg`` and its attributes, and the udev messages of NETLINK_KOBJECT_UEVENT
(``_netlink`` walks the messages; facts from linux/selinux_netlink.h,
linux/netfilter/nfnetlink.h and libudev's monitor header)."""

from __future__ import annotations

import struct

from . import _xlat_net as XN
from . import _xlat_netlink as XL
from ._ctx import Ctx
from ._netlink import NETFILTER, SELINUX, Payload, align, hexbuf, nlattr
from ._xlat import ptr, xval

_SELNL_SETENFORCE, _SELNL_POLICYLOAD = 0x10, 0x11


def selinux(ctx: Ctx, t: int, fl: int, addr: int, length: int) -> str | None:
    """selnl_msg_setenforce {int val} and selnl_msg_policyload {u32 seqno}."""
    if t == _SELNL_SETENFORCE:
        field, fmt = "val", "<i"
    elif t == _SELNL_POLICYLOAD:
        field, fmt = "seqno", "<I"
    else:
        return None
    if length < 4:
        return hexbuf(ctx, addr, length)
    v = ctx.unpack(fmt, addr)
    return ptr(addr) if v is None else "{%s=%d}" % (field, v[0])


_NFNL_BATCH_BEGIN, _NFNL_BATCH_END, _NFNL_SUBSYS_NFTABLES = 0x10, 0x11, 10


def netfilter(ctx: Ctx, t: int, fl: int, addr: int, length: int) -> str | None:
    """struct nfgenmsg (family, version, res_id: big-endian, but nftables' own was
    long sent in host order), then attributes (their types in hex: strace 6.1 names
    none of them here)."""
    if t == 3:   # NLMSG_DONE: the generic decoding
        return None
    if length < 4:
        return hexbuf(ctx, addr, length)
    vals = ctx.unpack("<BBH", addr)
    if vals is None:
        return ptr(addr)
    family, version, raw_res = vals
    res = struct.unpack(">H", struct.pack("<H", raw_res))[0]
    nft = t >> 8 == _NFNL_SUBSYS_NFTABLES
    if nft and res == _NFNL_SUBSYS_NFTABLES:
        res_text = "htons(NFNL_SUBSYS_NFTABLES)"
    elif nft and raw_res == _NFNL_SUBSYS_NFTABLES:
        res_text = "NFNL_SUBSYS_NFTABLES"
    else:
        res_text = "htons(%d)" % res
    head = "{nfgen_family=%s, version=%s, res_id=%s}" % (
        XN.sockaddr_family(family),
        xval(version, XL.NETFILTER_VERSIONS, "NFNETLINK_???"), res_text)
    off = align(4)
    if length <= off:
        return head
    if _NFNL_BATCH_BEGIN <= t <= _NFNL_BATCH_END or t < 0x10:
        rest = hexbuf(ctx, addr + off, length - off)
    else:
        rest = nlattr(ctx, addr + off, length - off, None, "")
    return "%s, %s" % (head, rest)


# struct udev_monitor_netlink_header: "libudev\0", magic (big-endian), header size,
# properties offset and length, then four big-endian filter words
_UDEV_FMT = "<8sIIIIIIII"
_UDEV_SIZE = struct.calcsize(_UDEV_FMT)


def kobject_uevent(ctx: Ctx, addr: int, length: int) -> str:
    """A udev monitor message (its header, then the properties as a string), or the
    kernel's own uevent text: a plain string."""
    data = ctx.read(addr, _UDEV_SIZE) if ctx.verbose and length >= _UDEV_SIZE else None
    if (data is None or (ctx.exiting and ctx.failed)
            or not data.startswith(b"libudev\0")):
        return ctx.buf(addr, length)
    v = struct.unpack(_UDEV_FMT, data)

    def be(x: int) -> str:
        return "htonl(%#x)" % struct.unpack(">I", struct.pack("<I", x))[0]

    head = ("{prefix=\"libudev\", magic=%s, header_size=%d, properties_off=%d, "
            "properties_len=%d, filter_subsystem_hash=%s, filter_devtype_hash=%s, "
            "filter_tag_bloom_hi=%s, filter_tag_bloom_lo=%s}") % (
        be(v[1]), v[2], v[3], v[4], be(v[5]), be(v[6]), be(v[7]), be(v[8]))
    if length == _UDEV_SIZE:
        return head
    return "[%s, %s]" % (head, ctx.buf(addr + _UDEV_SIZE, length - _UDEV_SIZE))


PAYLOADS: dict[int, Payload] = {SELINUX: selinux, NETFILTER: netfilter}
