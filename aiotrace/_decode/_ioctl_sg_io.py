# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: SCSI generic's SG_IO, as strace 6.1 decodes it: struct sg_io_hdr (v3, whose
interface id is 'S') and struct sg_io_v4 (whose guard is 'Q'). The request at entry;
at exit -- whether the call failed or not -- what the driver wrote, the data read
(the residue left out) and the sense buffer."""

from __future__ import annotations

import struct

from . import _ioctl as I
from . import _xlat_sg_io as X
from ._ctx import Ctx
from ._ioctl_kd import hex_string
from ._structs import iovec_array
from ._xlat import flags, hexa, ptr, xval

_V3_SIZE, _V4_SIZE = 88, 160
_TO_DEV, _FROM_DEV, _TO_FROM_DEV = 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC


def _buffer(c: Ctx, addr: int, size: int, iovecs: int) -> str:
    """A data buffer: an iovec array of *iovecs* entries, else the bytes in hex."""
    if iovecs:
        return iovec_array(c, addr, iovecs, size)
    return hex_string(c, addr, size)


def _v3_request(c: Ctx, d: bytes) -> str:
    direction, cmd_len, sb_len, iovecs, dlen, dxferp, cmdp, _, timeout, fl = struct.unpack_from(
        "<IBBHIQQQII", d, 4)
    text = ("dxfer_direction=%s, cmd_len=%d, cmdp=%s, mx_sb_len=%d, iovec_count=%d,"
            " dxfer_len=%d, timeout=%d, flags=%s") % (
        xval(direction, X.SG_IO_DXFER_DIRECTION, "SG_DXFER_???"), cmd_len,
        _buffer(c, cmdp, cmd_len, 0), sb_len, iovecs, dlen, timeout,
        flags(fl, X.SG_IO_FLAGS, "SG_FLAG_???"))
    if direction in (_TO_DEV, _TO_FROM_DEV):
        text += ", dxferp=" + _buffer(c, dxferp, dlen, iovecs)
    return text


def _v3_response(c: Ctx, d: bytes, entry: bytes) -> str:
    if d[:4] != entry[:4]:
        return " => interface_id=%d" % struct.unpack_from("<i", d)[0]
    direction, _, _, iovecs, dlen, dxferp, _, sbp = struct.unpack_from("<IBBHIQQQ", d, 4)
    status, masked, msg, sb_len, host, driver, resid, duration, info = struct.unpack_from(
        "<BBBBHHiII", d, 64)
    text = ""
    if direction in (_FROM_DEV, _TO_FROM_DEV):
        din = dlen - resid if 0 < resid <= dlen else dlen
        if direction == _FROM_DEV:
            text = ", dxferp=" + _buffer(c, dxferp, din, iovecs)
        elif din:
            text = " => dxferp=" + _buffer(c, dxferp, din, iovecs)
    return text + (", status=%s, masked_status=%s, msg_status=%s, sb_len_wr=%d, sbp=%s,"
                   " host_status=%s, driver_status=%s, resid=%d, duration=%d, info=%s") % (
        hexa(status), hexa(masked), hexa(msg), sb_len, _buffer(c, sbp, sb_len, 0), hexa(host),
        hexa(driver), resid, duration, flags(info, X.SG_IO_INFO, "SG_INFO_???"))


def _v3_unread(entry: bytes) -> str:
    direction, dxferp, sbp = struct.unpack_from("<I12xQ8xQ", entry, 4)
    text = ", dxferp=" + ptr(dxferp) if direction == _FROM_DEV else ""
    return text + ", sbp=" + ptr(sbp)


def _v4_request(c: Ctx, d: bytes) -> str:
    (proto, sub, rlen, request, tag, attr, prio, extra, max_len, _, dout_n, dout_len, din_n,
     din_len, dout, _, timeout, fl, usr) = struct.unpack_from("<IIIQQIIIIQIIIIQQIIQ", d, 4)
    return ("protocol=%s, subprotocol=%s, request_len=%d, request=%s, request_tag=%s,"
            " request_attr=%d, request_priority=%d, request_extra=%d, max_response_len=%d,"
            " dout_iovec_count=%d, dout_xfer_len=%d, din_iovec_count=%d, din_xfer_len=%d,"
            " dout_xferp=%s, timeout=%d, flags=%s, usr_ptr=%s") % (
        xval(proto, X.BSG_PROTOCOL, "BSG_PROTOCOL_???"),
        xval(sub, X.BSG_SUBPROTOCOL, "BSG_SUB_PROTOCOL_???"), rlen,
        _buffer(c, request, rlen, 0), hexa(tag), attr, prio, extra, max_len, dout_n,
        dout_len, din_n, din_len, _buffer(c, dout, dout_len, dout_n), timeout,
        flags(fl, X.BSG_FLAGS, "BSG_FLAG_???"), hexa(usr))


def _v4_response(c: Ctx, d: bytes, entry: bytes) -> str:
    if d[:4] != entry[:4]:
        return " => guard=%d" % struct.unpack_from("<i", d)[0]
    response = struct.unpack_from("<Q", d, 48)[0]
    din_n, din_len = struct.unpack_from("<II", d, 64)
    din = struct.unpack_from("<Q", d, 80)[0]
    (driver, transport, device, delay, info, duration, rlen, din_resid, dout_resid,
     tag) = struct.unpack_from("<IIIIIIIiiQ", d, 108)
    shown = din_len - din_resid if 0 < din_resid <= din_len else din_len
    return (", response_len=%d, response=%s, din_xferp=%s, driver_status=%s,"
            " transport_status=%s, device_status=%s, retry_delay=%d, info=%s, duration=%d,"
            " response_len=%d, din_resid=%d, dout_resid=%d, generated_tag=%s") % (
        rlen, _buffer(c, response, rlen, 0), _buffer(c, din, shown, din_n), hexa(driver),
        hexa(transport), hexa(device), delay, flags(info, X.SG_IO_INFO, "SG_INFO_???"),
        duration, rlen, din_resid, dout_resid, hexa(tag))


def _v4_unread(entry: bytes) -> str:
    response, din = struct.unpack_from("<Q", entry, 48)[0], struct.unpack_from("<Q", entry, 80)[0]
    return ", response=%s, din_xferp=%s" % (hexa(response), hexa(din))


# the interface id -> (its field's name, the size, the printers of the request, of the
# response, and of what the entry knew when the response cannot be read)
_VERSIONS = {
    ord("S"): ("interface_id='S'", _V3_SIZE, _v3_request, _v3_response, _v3_unread),
    ord("Q"): ("guard='Q'", _V4_SIZE, _v4_request, _v4_response, _v4_unread),
}


def sg_io(c: Ctx, arg: int) -> str:
    """SG_IO: the structure its interface id says, or that id (``[N]``) when it is
    neither of theirs."""
    if not c.exiting:
        data = I.fetch(c, arg, 4)
        if isinstance(data, str):
            return I.done(c, ", " + data)
        iid = struct.unpack("<I", data)[0]
        version = _VERSIONS.get(iid)
        if version is None:
            return I.done(c, ", [%d]" % iid)
        head, size, request, _, _ = version
        rest = I.fetch(c, arg + 4, size - 4)
        if isinstance(rest, str):     # (the address of what follows the id)
            return I.done(c, ", {%s, %s}" % (head, rest))
        entry = data + rest
        c.saved["sg_io"] = entry
        return ", {%s, %s" % (head, request(c, entry))
    saved = c.saved.get("sg_io")
    if not isinstance(saved, bytes):
        return "}"
    _, size, _, response, unread = _VERSIONS[struct.unpack_from("<I", saved)[0]]
    out = c.read(arg, size)
    return (unread(saved) if out is None else response(c, out, saved)) + "}"
