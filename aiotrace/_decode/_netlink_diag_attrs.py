# SPDX-License-Identifier: GPL-2.0-or-later
"""The attributes of NETLINK_SOCK_DIAG's answers, as strace 6.1 prints them: rows of the
form of ``_netlink_rtattr``'s ``ATTRS`` (table -> type -> how its data prints), for
``_netlink_diag``'s answers of each family (``SD_..._ATTRS``). Layouts from the kernel's
uapi headers (linux/unix_diag.h, netlink_diag.h, sock_diag.h)."""

from __future__ import annotations

import struct
from typing import Any, Callable, Optional

from ._ctx import Ctx
from ._netlink_ifla import Custom, fixed, indexed

Data = Any


def _array(fmt: str, render: Callable[[int], str]) -> Custom:
    """An array of integers (*fmt*, one) each printed by *render*; the bytes after the
    last whole one not shown; no whole one: in hex."""
    size = struct.calcsize(fmt)

    def decode(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
        from ._misc import array
        if length < size:
            return None
        return array(ctx, addr, length // size, size,
                     lambda data: render(struct.unpack(fmt, data)[0]))

    return decode


@fixed("<II")
def _vfs(ctx: Ctx, addr: int, length: int, vals: tuple[Any, ...]) -> str:
    """struct unix_diag_vfs: an inode (u32), then a device (u32)."""
    from ._structs import makedev
    return "{udiag_vfs_dev=%s, udiag_vfs_ino=%d}" % (makedev(vals[1]), vals[0])


def _hex(v: int) -> str:
    from ._xlat import hexa
    return hexa(v)


def _bc_op(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
    """INET_DIAG_REQ_BYTECODE: struct inet_diag_bc_op (code, yes, no), then the data
    its code takes (in hex when shorter than that, or for other codes)."""
    from ._xlat import ptr
    if length < 4:
        return None
    op = ctx.unpack("<BBH", addr)
    if op is None:
        return ptr(addr)
    text = _op_text(op)
    if length > 4:
        text += ", " + _bc_data(ctx, op[0], addr + 4, length - 4)
    return text


def _op_text(op: tuple[int, ...]) -> str:
    from ._netlink_route import field
    return "{code=%s, yes=%d, no=%d}" % (field(("e", "SD_INET_BC", "INET_DIAG_BC_???"), op[0]),
                                         op[1], op[2])


_S_GE, _S_LE, _D_GE, _D_LE, _S_COND, _D_COND, _DEV_COND, _MARK_COND = 2, 3, 4, 5, 7, 8, 9, 10


def _bc_data(ctx: Ctx, code: int, addr: int, length: int) -> str:
    from . import _xlat_net as XN
    from ._netlink import inet_field
    from ._sockaddr import ifindex
    from ._xlat import ptr
    need = {_S_GE: 4, _S_LE: 4, _D_GE: 4, _D_LE: 4, _S_COND: 8, _D_COND: 8, _DEV_COND: 4,
            _MARK_COND: 8}.get(code)
    if need is None or length < need:
        return ctx.buf(addr, length, hex=True)
    data = ctx.read(addr, need)
    if data is None:
        return ptr(addr)
    if code == _DEV_COND:
        return ifindex(int.from_bytes(data, "little"))
    if code == _MARK_COND:
        return "{mark=%d, mask=%d}" % struct.unpack("<II", data)
    if need == 4:
        return _op_text(struct.unpack("<BBH", data))
    # struct inet_diag_hostcond: family, prefix_len, port, then an address of the family
    fam, prefix, port = struct.unpack("<BBxxi", data)
    text = "{family=%s, prefix_len=%d, port=%d" % (XN.sockaddr_family(fam), prefix, port)
    if length > 8:
        more = ctx.read(addr + 8, length - 8)
        text += ", " + ("addr=" + ptr(addr + 8) if more is None else inet_field(fam, more, "addr"))
    return text + "}"


def _mclist(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
    """An array of struct packet_diag_mclist (44 bytes: the address, pdmc_alen of its
    32 bytes, in hex)."""
    from ._misc import array
    from ._quote import quote
    from ._sockaddr import ifindex

    def render(data: bytes) -> str:
        index, count, kind, alen = struct.unpack_from("<IIHH", data)
        return ("{pdmc_index=%s, pdmc_count=%d, pdmc_type=%d, pdmc_alen=%d, pdmc_addr=%s}"
                % (ifindex(index), count, kind, alen, quote(data[12:12 + min(alen, 32)],
                                                            hex=True)))

    if length < 44:
        return None
    return array(ctx, addr, length // 44, 44, render)


_MD5SIG_SIZE = 100   # struct tcp_diag_md5sig


def _md5sig(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
    """INET_DIAG_MD5SIG: an array of struct tcp_diag_md5sig (family, prefix length, key
    length, an address of the family, then the key's first tcpm_keylen of 80 bytes in
    hex); less than one of them: in hex."""
    from . import _xlat_net as XN
    from ._misc import array
    from ._netlink import inet_field
    from ._quote import quote

    def render(data: bytes) -> str:
        fam, prefix, keylen = struct.unpack_from("<BBH", data)
        return ("{tcpm_family=%s, tcpm_prefixlen=%d, tcpm_keylen=%d, %s, tcpm_key=%s}" % (
            XN.sockaddr_family(fam), prefix, keylen, inet_field(fam, data[4:20], "tcpm_addr"),
            quote(data[20:20 + min(keylen, 80)], hex=True)))

    if length < _MD5SIG_SIZE:
        return None
    return array(ctx, addr, length // _MD5SIG_SIZE, _MD5SIG_SIZE, render)


def _filter(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
    """PACKET_DIAG_FILTER: classic BPF instructions (8 bytes each)."""
    from ._cbpf import filter_array
    n = length // 8
    if not n or n > 0xFFFF:
        return None
    return filter_array(ctx, addr, n, seccomp=False)


def _cursor(reserved: int, wrap: int, count: int) -> str:
    return "{reserved=%d, wrap=%d, count=%d}" % (reserved, wrap, count)


@fixed("<4I" + "HHI" * 4 + "4B" + "HHI" * 3)
def _smc_conninfo(ctx: Ctx, addr: int, length: int, v: tuple[Any, ...]) -> str:
    """struct smc_diag_conninfo (76 bytes): sizes, cursors (u16 reserved, u16 wrap, u32
    count), flags (u8 each, as 0x%02x)."""
    curs = [_cursor(*v[i:i + 3]) for i in (4, 7, 10, 13, 20, 23, 26)]
    flag = ["0x%02x" % f if f else "0000" for f in v[16:20]]   # (C's %#04x)
    return ("{token=%d, sndbuf_size=%d, rmbe_size=%d, peer_rmbe_size=%d, rx_prod=%s, "
            "rx_cons=%s, tx_prod=%s, tx_cons=%s, rx_prod_flags=%s, rx_conn_state_flags=%s, "
            "tx_prod_flags=%s, tx_conn_state_flags=%s, tx_prep=%s, tx_sent=%s, tx_fin=%s}"
            % (*v[:4], *curs[:4], *flag, *curs[4:]))


def _cstring(data: bytes) -> str:
    """A NUL-terminated string of a fixed-size field (``...`` after one without)."""
    from ._quote import quote
    if b"\0" in data:
        return quote(data.split(b"\0", 1)[0])
    return quote(data) + "..."


@fixed("<B64sB40s40sB")
def _smc_lgrinfo(ctx: Ctx, addr: int, length: int, v: tuple[Any, ...]) -> str:
    """struct smc_diag_lgrinfo: one struct smc_diag_linkinfo (147 bytes), a role."""
    from ._netlink_route import field
    return ("{lnk=[{link_id=%d, ibname=%s, ibport=%d, gid=%s, peer_gid=%s}], role=%s}" % (
        v[0], _cstring(v[1]), v[2], _cstring(v[3]), _cstring(v[4]),
        field(("e", "SD_SMC_ROLES", "SMC_???"), v[5])))


@fixed("<II")
def _smc_fallback(ctx: Ctx, addr: int, length: int, v: tuple[Any, ...]) -> str:
    """struct smc_diag_fallback: two SMC_CLC_DECL_ codes, with their names in comments
    (strace: they are not in the uapi headers)."""
    from ._netlink_route import names_of
    from ._style import RAW, get
    from ._xlat import hexa
    names = names_of("SD_SMC_DECL_CODES")

    def code(c: int) -> str:
        if get() == RAW:
            return hexa(c)
        return "%s /* %s */" % (hexa(c), names.get(c, "SMC_CLC_DECL_???"))

    return "{reason=%s, peer_diagnosis=%s}" % (code(v[0]), code(v[1]))


def _diag_shutdown(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
    """INET_DIAG_SHUTDOWN: RCV_SHUTDOWN and SEND_SHUTDOWN, always with the number (strace:
    the constants are not in the uapi headers): as -X verbose, unless -X raw."""
    from . import _style
    from ._netlink_rtattr import print_data
    style = _style.get()
    with _style.using(style if style == _style.RAW else _style.VERBOSE):
        return print_data(ctx, ("f", "SD_SHUTDOWN_FLAGS", "???_SHUTDOWN", "u8"), addr, length,
                          family)


MEMINFO = indexed("<I", "SD_SK_MEMINFO", "SK_MEMINFO_???")
_RING = ("struct", "<4I", *((n, "u") for n in ("ndr_block_size", "ndr_block_nr",
                                               "ndr_frame_size", "ndr_frame_nr")))

def _u32_struct(*names: str) -> Data:
    return ("struct", "<" + "I" * len(names), *((n, "u") for n in names))


_PACKET_RING = ("struct", "<7I", *((n, "u") for n in (
    "pdr_block_size", "pdr_block_nr", "pdr_frame_size", "pdr_frame_nr", "pdr_retire_tmo",
    "pdr_sizeof_priv", "pdr_features")))

# attribute table -> type -> how its data prints
ATTRS: dict[str, dict[int, Data]] = {
    "SD_UNIX_ATTRS": {0: "str", 1: _vfs, 2: "u32", 3: _array("<I", str),
                      4: ("struct", "<II", ("udiag_rqueue", "u"), ("udiag_wqueue", "u")),
                      5: MEMINFO, 6: "u8", 7: "u32"},
    "SD_PACKET_ATTRS": {
        0: ("struct", "<6I", ("pdi_index", "ifindex"),
            ("pdi_version", ("e", "SD_TPACKET_VERSIONS", "TPACKET_???")),
            ("pdi_reserve", "u"), ("pdi_copy_thresh", "u"), ("pdi_tstamp", "u"),
            ("pdi_flags", ("f", "SD_PDI_FLAGS", "PDI_???"))),
        1: _mclist, 2: _PACKET_RING, 3: _PACKET_RING, 4: "u32", 5: "u32", 6: MEMINFO,
        7: _filter},
    "SD_INET_ATTRS": {
        1: _u32_struct("idiag_rmem", "idiag_wmem", "idiag_fmem", "idiag_tmem"),
        3: _u32_struct("tcpv_enabled", "tcpv_rttcnt", "tcpv_rtt", "tcpv_minrtt"),
        4: "str", 5: "u8", 6: "u8", 7: MEMINFO, 8: _diag_shutdown,
        9: ("struct", "<HHIII", *((n, "u") for n in (
            "dctcp_enabled", "dctcp_ce_state", "dctcp_alpha", "dctcp_ab_ecn", "dctcp_ab_tot"))),
        10: "ipproto", 11: "u8", 15: "u32", 17: "u32", 18: _md5sig, 21: "u64",
        16: ("struct", "<5I", ("bbr_bw_lo", "x"), ("bbr_bw_hi", "x"), ("bbr_min_rtt", "u"),
             ("bbr_pacing_gain", "u"), ("bbr_cwnd_gain", "u"))},
    "SD_SMC_ATTRS": {
        1: _smc_conninfo, 2: _smc_lgrinfo,
        3: ("f", "SD_SHUTDOWN_FLAGS", "???_SHUTDOWN", "u8"),
        4: ("struct", "<I4xQQQQ", ("linkid", "u"), ("peer_gid", "x"), ("my_gid", "x"),
            ("token", "x"), ("peer_token", "x")),
        5: _smc_fallback},
    "SD_INET_REQ_ATTRS": {1: _bc_op, 3: "ipproto"},
    "SD_NETLINK_ATTRS": {0: MEMINFO, 1: _array("<Q", _hex), 2: _RING, 3: _RING,
                         4: ("f", "SD_NDIAG_FLAGS", "NDIAG_FLAG_???", "u32")},
}
