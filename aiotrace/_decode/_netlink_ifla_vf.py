# SPDX-License-Identifier: GPL-2.0-or-later
"""NETLINK_ROUTE's attributes of a link's virtual functions (IFLA_VFINFO_LIST: IFLA_VF_*
and the tables nested in them), as strace 6.1 prints them: rows of the form of
``_netlink_rtattr``'s ``ATTRS``. Each IFLA_VF_* setting is a small structure
(``{vf=1, setting=0}``) printed when the data holds it (in hex otherwise); hardware
addresses as ``ab:cd:...`` (bytes with -X raw), a VLAN protocol as ``htons(ETH_P_...)``.
Layouts from the kernel's uapi header linux/if_link.h."""

from __future__ import annotations

import struct
from typing import Any, Optional

from ._ctx import Ctx
from ._netlink_ifla import Custom, fixed

Data = Any
_MAC, _ETH = "mac", "htons_eth"   # fields: a hardware address; an ethernet protocol


def vf_struct(fmt: str, *fields: tuple[str, Any]) -> Custom:
    """A structure of layout *fmt*: fields printed as ``_netlink_route.field`` does,
    or _MAC (bytes), _ETH (a big-endian u16); shorter data: in hex."""
    @fixed(fmt)
    def decode(ctx: Ctx, addr: int, length: int, vals: tuple[Any, ...]) -> str:
        from ._netlink_route import field, names_of
        from ._style import combine
        from ._xlat import xval
        parts = []
        for (name, how), v in zip(fields, vals, strict=True):
            if how == _MAC:
                text: Optional[str] = combine(
                    '"%s"' % "".join("\\x%02x" % b for b in v), ":".join("%02x" % b for b in v))
            elif how == _ETH:
                v = struct.unpack(">H", struct.pack("<H", v))[0]
                text = "htons(%s)" % xval(v, names_of("IF.ETHERNET_PROTOCOLS"), "ETH_P_???")
            else:
                text = field(how, v)
            if text is not None:
                parts.append("%s=%s" % (name, text))
        return "{" + ", ".join(parts) + "}"

    return decode


def _guid(ctx: Ctx, addr: int, length: int, family: int) -> Optional[str]:
    """struct ifla_vf_guid: u32 vf, u64 guid, packed (12 bytes) or aligned (16)."""
    if length == 12:
        return vf_struct("<IQ", ("vf", "u"), ("guid", "x"))(ctx, addr, length, family)
    if length == 16:
        return vf_struct("<I4xQ", ("vf", "u"), ("guid", "x"))(ctx, addr, length, family)
    return None


def _vf_setting(*names: str) -> Custom:
    return vf_struct("<" + "I" * (1 + len(names)), ("vf", "u"), *((n, "u") for n in names))


# attribute table -> type -> how its data prints
ATTRS: dict[str, dict[int, Data]] = {
    "IFLA_ATTRS": {0x16: ("nested", "IF.IFLA_VFINFO_LIST_ATTRS", "IFLA_VF_INFO_???")},
    "IF.IFLA_VFINFO_LIST_ATTRS": {1: ("nested", "IF.IFLA_VF_INFO_ATTRS", "IFLA_VF_???")},
    "IF.IFLA_VF_INFO_ATTRS": {
        1: vf_struct("<I32s", ("vf", "u"), ("mac", _MAC)),
        2: _vf_setting("vlan", "qos"),
        3: _vf_setting("rate"),
        4: _vf_setting("setting"),
        5: vf_struct("<II", ("vf", "u"),
                     ("link_state", ("e", "IF.IFLA_VF_LINK_STATES", "IFLA_VF_LINK_STATE_???"))),
        6: _vf_setting("min_tx_rate", "max_tx_rate"),
        7: _vf_setting("setting"),
        8: ("nested", "IF.IFLA_VF_STATS_ATTRS", "IFLA_VF_STATS_???"),
        9: _vf_setting("setting"),
        10: _guid, 11: _guid,
        12: ("nested", "IF.IFLA_VF_VLAN_LIST_ATTRS", "IFLA_VF_VLAN_INFO_???"),
        13: vf_struct("<32s", ("broadcast", _MAC))},
    "IF.IFLA_VF_STATS_ATTRS": {t: "u64" for t in (0, 1, 2, 3, 4, 5, 7, 8)},
    "IF.IFLA_VF_VLAN_LIST_ATTRS": {
        1: vf_struct("<IIIH2x", ("vf", "u"), ("vlan", "u"), ("qos", "u"),
                     ("vlan_proto", _ETH))},
}
