# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: SCSI generic (0x22, scsi/sg.h), as strace 6.1 decodes it: ints given or
returned through a pointer, the reset request, the structures SG_GET_SCSI_ID and
SG_GET_REQUEST_TABLE write; SG_IO is in ``_ioctl_sg_io``."""

from __future__ import annotations

import struct
from typing import Optional

from . import _ioctl as I
from ._ctx import Ctx
from ._ioctl_sg_io import sg_io
from ._xlat import hexa, ptr, xval
from ._xlat_ioctl_names import code
from . import _xlat_ioctl_more as XM

_INT_IN = {code("SG_" + n) for n in (
    "NEXT_CMD_LEN", "SET_COMMAND_Q", "SET_DEBUG", "SET_FORCE_LOW_DMA", "SET_FORCE_PACK_ID",
    "SET_KEEP_ORPHAN", "SET_RESERVED_SIZE", "SET_TIMEOUT")}
_INT_OUT = {code("SG_" + n) for n in (
    "EMULATED_HOST", "GET_ACCESS_COUNT", "GET_COMMAND_Q", "GET_KEEP_ORPHAN", "GET_LOW_DMA",
    "GET_NUM_WAITING", "GET_PACK_ID", "GET_RESERVED_SIZE", "GET_SG_TABLESIZE",
    "GET_TRANSFORM", "GET_VERSION_NUM")}
_NO_ESCALATE = 0x100


def _int(d: bytes) -> str:
    return "[%d]" % struct.unpack("<i", d)[0]


def _reset(d: bytes) -> str:
    (v,) = struct.unpack("<I", d)
    head = "SG_SCSI_RESET_NO_ESCALATE|" if v & _NO_ESCALATE else ""
    return "[%s%s]" % (head, xval(v & ~_NO_ESCALATE, XM.SG_SCSI_RESET, "SG_SCSI_RESET_???"))


def _scsi_id(d: bytes) -> str:
    v = struct.unpack("<5ihh8x", d)
    return I.fields(("host_no", v[0]), ("channel", v[1]), ("scsi_id", hexa(v[2])),
                    ("lun", v[3]), ("scsi_type", hexa(v[4])), ("h_cmd_per_lun", v[5]),
                    ("d_queue_depth", v[6]))


def _req_info(d: bytes) -> str:
    v = struct.unpack("<4biQIi", d)
    return I.fields(("req_state", v[0]), ("orphan", v[1]), ("sg_io_owned", v[2]),
                    ("problem", v[3]), ("pack_id", v[4]), ("usr_ptr", ptr(v[5])),
                    ("duration", v[6]))


def _scsi(c: Ctx, req: int, arg: int) -> Optional[str]:
    if req in _INT_IN:
        return I.at_entry(c, arg, 4, _int)
    if req in _INT_OUT:
        return I.at_exit(c, arg, 4, _int)
    if req == code("SG_SCSI_RESET"):
        return I.at_entry(c, arg, 4, _reset)
    if req == code("SG_GET_SCSI_ID"):
        return I.at_exit(c, arg, 32, _scsi_id)
    if req == code("SG_GET_REQUEST_TABLE"):
        return I.at_exit(c, arg, 24, _req_info)
    if req == code("SG_SET_TRANSFORM"):
        return I.done(c, ", " + hexa(arg & 0xFFFFFFFF))
    if req == code("SG_GET_TIMEOUT"):
        return I.done(c, "")
    if req == code("SG_IO"):
        return sg_io(c, arg)
    return None


I.FAMILIES[0x22] = _scsi
