# SPDX-License-Identifier: GPL-2.0-or-later
"""io_uring_setup and io_uring_enter, as strace 6.1 prints them.

io_uring_setup's parameters: what the caller sets at entry (``{flags=..., sq_thread_cpu=0,
sq_thread_idle=0``, the ``wq_fd`` of IORING_SETUP_ATTACH_WQ, the reserved words when
they are not zero), then, when the call succeeded, what the kernel wrote (the rings'
sizes, the features, the offsets of the rings' fields); the new ring's descriptor.
"""

from __future__ import annotations

import struct

from . import _xlat_io_uring as XU
from ._ctx import Ctx
from ._kinds import F, R_FD, Spec
from ._xlat import flags, hexa, ptr, u32

# struct io_uring_params: sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle,
# features, wq_fd, resv[3]; then struct io_sqring_offsets and io_cqring_offsets
_PARAMS = struct.Struct("<IIIIIIi3I")
_OFFSETS = struct.Struct("<7IIQ")
PARAMS_SIZE = _PARAMS.size + 2 * _OFFSETS.size
IORING_SETUP_ATTACH_WQ = 1 << 5
_SQ_FIELDS = ("head", "tail", "ring_mask", "ring_entries", "flags", "dropped", "array")
_CQ_FIELDS = ("head", "tail", "ring_mask", "ring_entries", "overflow", "cqes", "flags")


def _setup_entry(c: Ctx) -> str:
    head = "%d, " % u32(c.args[0])
    data = c.read(c.args[1], PARAMS_SIZE)
    if data is None:
        c.saved["decoded"] = True
        return head + ptr(c.args[1])
    p = _PARAMS.unpack_from(data)
    out = "{flags=%s, sq_thread_cpu=%s, sq_thread_idle=%d" % (
        flags(p[2], XU.IORING_SETUP_FLAGS, "IORING_SETUP_???"), hexa(p[3]), p[4])
    if p[2] & IORING_SETUP_ATTACH_WQ:
        out += ", wq_fd=" + c.fd(p[6])
    if any(p[7:10]):
        out += ", resv=[%s]" % ", ".join(hexa(v) for v in p[7:10])
    return head + out


def _offsets(data: bytes, at: int, names: tuple[str, ...]) -> str:
    *vals, resv1, resv2 = _OFFSETS.unpack_from(data, at)
    out = ", ".join("%s=%d" % pair for pair in zip(names, vals, strict=True))
    out += ", resv1=%s" % hexa(resv1) if resv1 else ""
    out += ", resv2=%s" % hexa(resv2) if resv2 else ""
    return "{" + out + "}"


def _setup_exit(c: Ctx, entry: str) -> str:
    if c.saved.get("decoded"):
        return entry
    data = None if c.failed else c.read(c.args[1], PARAMS_SIZE)
    if data is None:
        return entry + "}"
    p = _PARAMS.unpack_from(data)
    return entry + ", sq_entries=%d, cq_entries=%d, features=%s, sq_off=%s, cq_off=%s}" % (
        p[0], p[1], flags(p[5], XU.IORING_FEATURES, "IORING_FEAT_???"),
        _offsets(data, _PARAMS.size, _SQ_FIELDS),
        _offsets(data, _PARAMS.size + _OFFSETS.size, _CQ_FIELDS))


KINDS = {"uring_enter_flags": F(XU.IORING_ENTER_FLAGS, "IORING_ENTER_???")}
DECODERS = {"io_uring_setup": Spec(entry=_setup_entry, exit=_setup_exit, ret=R_FD)}
