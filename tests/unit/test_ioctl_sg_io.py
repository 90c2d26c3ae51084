"""SCSI generic's SG_IO (scsi/sg.h: struct sg_io_hdr, linux/bsg.h: struct sg_io_v4) as
strace 6.1 prints it (its tests ioctl_sg_io_v3.c and ioctl_sg_io_v4.c). Tables, no
tracee: the decoder is given the registers and a fake memory (data at A)."""

from __future__ import annotations

import struct

import pytest

from fake_memory import EBADF, EBADF_TEXT, M32, A
from fake_memory import ioctl_line as line
from aiotrace._decode._xlat_ioctl_names import code

B = A + 0x200      # (the buffers, in the same fake memory)
NOWHERE = 0xFACEFEEDFFFFFFF0


def v3(direction: int, iovecs: int, dlen: int, dxferp: int, fl: int, resid: int,
       sb_len: int = 0, sbp: int = NOWHERE) -> bytes:
    return struct.pack("<iiBBHIQQQIIi4xQBBBBHHiII4x", ord("S"), direction, 6, 16, iovecs, dlen,
                       dxferp, NOWHERE, sbp, 1000, fl, 0, 0, 2, 0, 0, sb_len, 7, 8, resid,
                       12, 1)


def at_b(head: bytes, tail: bytes) -> bytes:
    return head.ljust(0x200, b"\0") + tail


TAIL = (", status=0x2, masked_status=0, msg_status=0, sb_len_wr=%d, sbp=%s, host_status=0x7,"
        " driver_status=0x8, resid=%d, duration=12, info=SG_INFO_CHECK}")


@pytest.mark.parametrize("data, ret, text", [
    # the request; at exit, the status (even when the call failed)
    (at_b(v3(-2, 0, 3, B, 0x21, 0), bytes(3)), EBADF,
     "{interface_id='S', dxfer_direction=SG_DXFER_TO_DEV, cmd_len=6, cmdp=0xfacefeedfffffff0,"
     ' mx_sb_len=16, iovec_count=0, dxfer_len=3, timeout=1000, flags=SG_FLAG_DIRECT_IO|'
     'SG_FLAG_Q_AT_HEAD, dxferp="\\x00\\x00\\x00"' + TAIL % (0, '""', 0)
     + ") = " + EBADF_TEXT),
    # the data read, but the residue
    (at_b(v3(-3, 0, 4, B, 0, 1, 2, B + 8), b"abcd\0\0\0\0\x70\x71"), 0,
     "{interface_id='S', dxfer_direction=SG_DXFER_FROM_DEV, cmd_len=6, cmdp=0xfacefeedfffffff0,"
     " mx_sb_len=16, iovec_count=0, dxfer_len=4, timeout=1000, flags=0,"
     ' dxferp="\\x61\\x62\\x63"' + TAIL % (2, '"\\x70\\x71"', 1) + ") = 0"),
    (at_b(v3(-4, 0, 2, B, 0, 0), b"ab"), 0,
     "{interface_id='S', dxfer_direction=SG_DXFER_TO_FROM_DEV, cmd_len=6,"
     " cmdp=0xfacefeedfffffff0, mx_sb_len=16, iovec_count=0, dxfer_len=2, timeout=1000,"
     ' flags=0, dxferp="\\x61\\x62" => dxferp="\\x61\\x62"' + TAIL % (0, '""', 0)
     + ") = 0"),
    # an iovec array
    (at_b(v3(-2, 1, 2, B, 0, 0), struct.pack("<QQ", B + 16, 5) + b"xyz"), 0,
     "{interface_id='S', dxfer_direction=SG_DXFER_TO_DEV, cmd_len=6, cmdp=0xfacefeedfffffff0,"
     " mx_sb_len=16, iovec_count=1, dxfer_len=2, timeout=1000, flags=0,"
     ' dxferp=[{iov_base="xy", iov_len=5}]' + TAIL % (0, '""', 0) + ") = 0"),
    # what follows the id cannot be read
    (struct.pack("<i", ord("Q")), 0, "{guard='Q', 0x10004}) = 0"),
])
def test_sg_io(data, ret, text):
    assert line((M32, code("SG_IO"), A), ret, data) == "ioctl(-1, SG_IO, " + text


def test_sg_io_v4():
    data = bytearray(160)
    struct.pack_into("<iIIIQQIIII", data, 0, ord("Q"), 0, 1, 2, B, 0xAB, 1, 2, 3, 4)
    struct.pack_into("<QIIIIQQIIQ", data, 48, NOWHERE, 0, 0, 0, 0, NOWHERE, NOWHERE, 60, 0x10,
                     0)
    struct.pack_into("<IIIIIIIiiQ", data, 108, 1, 2, 3, 4, 1, 9, 0, 0, -1, 0x99)
    assert line((M32, code("SG_IO"), A), EBADF, at_b(bytes(data), b"\x01\x02")) == (
        "ioctl(-1, SG_IO, {guard='Q', protocol=BSG_PROTOCOL_SCSI,"
        " subprotocol=BSG_SUB_PROTOCOL_SCSI_TMF, request_len=2, request=\"\\x01\\x02\","
        " request_tag=0xab, request_attr=1, request_priority=2, request_extra=3,"
        " max_response_len=4, dout_iovec_count=0, dout_xfer_len=0, din_iovec_count=0,"
        " din_xfer_len=0, dout_xferp=\"\", timeout=60, flags=BSG_FLAG_Q_AT_TAIL, usr_ptr=0,"
        " response_len=0, response=\"\", din_xferp=\"\", driver_status=0x1,"
        " transport_status=0x2, device_status=0x3, retry_delay=4, info=SG_INFO_CHECK,"
        " duration=9, response_len=0, din_resid=0, dout_resid=-1, generated_tag=0x99}) = "
        + EBADF_TEXT)
