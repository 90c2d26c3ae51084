# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: the requests of a userfaultfd descriptor (0xaa, linux/userfaultfd.h), as strace
6.1 decodes them: the structure the call reads at entry, and what it writes back at exit
(nothing more when it failed)."""

from __future__ import annotations

import struct
from typing import Callable, Optional

from . import _ioctl as I
from ._ctx import Ctx
from ._xlat import flags, hexa
from ._xlat_ioctl_names import code
from . import _xlat_ioctl_more as XM


def _range(start: int, length: int) -> str:
    return "{start=%s, len=%s}" % (hexa(start), hexa(length))


def _api_in(c: Ctx, v: tuple[int, ...]) -> str:
    c.saved["uffd_features"] = v[1]
    return "{api=%s, features=%s" % (hexa(v[0]), flags(v[1], XM.UFFD_FEATURES,
                                                          "UFFD_FEATURE_???"))


def _api_out(c: Ctx, v: tuple[int, ...]) -> str:
    """The features when the kernel changed them, and the requests it offers."""
    changed = "" if c.saved.get("uffd_features") == v[1] else \
        " => features=" + flags(v[1], XM.UFFD_FEATURES, "UFFD_FEATURE_???")
    return "%s, ioctls=%s}" % (changed, flags(v[2], XM.UFFD_API_IOCTLS, "_UFFDIO_???"))


def _register_in(c: Ctx, v: tuple[int, ...]) -> str:
    return "{range=%s, mode=%s" % (_range(v[0], v[1]), flags(
        v[2], XM.UFFD_REGISTER_MODES, "UFFDIO_REGISTER_MODE_???"))


def _copy_in(c: Ctx, v: tuple[int, ...]) -> str:
    return "{dst=%s, src=%s, len=%s, mode=%s" % (hexa(v[0]), hexa(v[1]), hexa(v[2]), flags(
        v[3], XM.UFFD_COPY_MODES, "UFFDIO_COPY_???"))


def _zeropage_in(c: Ctx, v: tuple[int, ...]) -> str:
    return "{range=%s, mode=%s" % (_range(v[0], v[1]), flags(
        v[2], XM.UFFD_ZEROPAGE_MODES, "UFFDIO_ZEROPAGE_???"))


Part = Callable[[Ctx, tuple[int, ...]], str]
# request -> (the structure's format, its fields at entry, the rest at exit)
_ROWS: dict[str, tuple[str, Part, Part]] = {
    "UFFDIO_API": ("<3Q", _api_in, _api_out),
    "UFFDIO_REGISTER": ("<4Q", _register_in, lambda c, v: ", ioctls=%s}" % flags(
        v[3], XM.UFFD_RANGE_IOCTLS, "UFFDIO_???")),
    "UFFDIO_COPY": ("<4Qq", _copy_in, lambda c, v: ", copy=%s}" % hexa(v[4])),
    "UFFDIO_ZEROPAGE": ("<3Qq", _zeropage_in, lambda c, v: ", zeropage=%s}" % hexa(v[3])),
}
_BY_CODE: dict[int, tuple[str, Part, Part]] = {}


def _in_out(c: Ctx, arg: int, fmt: str, show_in: Part, show_out: Part) -> str:
    size = struct.calcsize(fmt)
    if not c.exiting:
        data = I.fetch(c, arg, size)
        if isinstance(data, str):
            return I.done(c, ", " + data)
        return ", " + show_in(c, struct.unpack(fmt, data))
    out = None if c.failed else c.read(arg, size)
    return "}" if out is None else show_out(c, struct.unpack(fmt, out))


def _uffd(c: Ctx, req: int, arg: int) -> Optional[str]:
    if not _BY_CODE:
        _BY_CODE.update((code(name), row) for name, row in _ROWS.items())
    if req in (code("UFFDIO_WAKE"), code("UFFDIO_UNREGISTER")):
        return I.at_entry(c, arg, 16, lambda d: _range(*struct.unpack("<QQ", d)))
    row = _BY_CODE.get(req)
    return None if row is None else _in_out(c, arg, *row)


I.FAMILIES[0xAA] = _uffd
