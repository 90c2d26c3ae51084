"""SCSI generic's ioctl requests (0x22, scsi/sg.h) as strace 6.1 prints them (its test
ioctl_scsi.c). Tables, no tracee: the decoder is given the registers and a fake memory
(data at A)."""

from __future__ import annotations

import struct

import pytest

from fake_memory import EBADF, EBADF_TEXT, M32, A
from fake_memory import ioctl_line as line
from aiotrace._decode._xlat_ioctl_names import code



def i32(v: int) -> bytes:
    return struct.pack("<i", v)


@pytest.mark.parametrize("args, ret, data, text", [
    ((M32, code("SG_GET_TIMEOUT"), A), EBADF, b"", "ioctl(-1, SG_GET_TIMEOUT) = " + EBADF_TEXT),
    ((M32, code("SG_SET_TIMEOUT"), 0), EBADF, b"", "ioctl(-1, SG_SET_TIMEOUT, NULL) = "
     + EBADF_TEXT),
    ((M32, code("SG_SET_TIMEOUT"), A), EBADF, i32(-5), "ioctl(-1, SG_SET_TIMEOUT, [-5]) = "
     + EBADF_TEXT),
    ((3, code("SG_GET_VERSION_NUM"), A), 0, i32(30536), "ioctl(3, SG_GET_VERSION_NUM, [30536])"
     " = 0"),
    ((M32, code("SG_GET_VERSION_NUM"), A), EBADF, i32(1), "ioctl(-1, SG_GET_VERSION_NUM,"
     " 0x10000) = " + EBADF_TEXT),
    ((3, code("SG_SCSI_RESET"), A), 0, i32(0x101), "ioctl(3, SG_SCSI_RESET,"
     " [SG_SCSI_RESET_NO_ESCALATE|SG_SCSI_RESET_DEVICE]) = 0"),
    ((3, code("SG_SCSI_RESET"), A), 0, i32(9), "ioctl(3, SG_SCSI_RESET,"
     " [0x9 /* SG_SCSI_RESET_??? */]) = 0"),
    ((3, code("SG_GET_SCSI_ID"), A), 0, struct.pack("<5ihh8x", 1, 2, 3, 4, 5, 6, 7),
     "ioctl(3, SG_GET_SCSI_ID, {host_no=1, channel=2, scsi_id=0x3, lun=4, scsi_type=0x5,"
     " h_cmd_per_lun=6, d_queue_depth=7}) = 0"),
    ((3, code("SG_GET_REQUEST_TABLE"), A), 0, struct.pack("<4biQIi", 1, 0, 1, -1, 9, 0, 7, 0),
     "ioctl(3, SG_GET_REQUEST_TABLE, {req_state=1, orphan=0, sg_io_owned=1, problem=-1,"
     " pack_id=9, usr_ptr=NULL, duration=7}) = 0"),
    ((3, code("SG_SET_TRANSFORM"), 0xDEADBEEF12345678), 0, b"",
     "ioctl(3, SG_SET_TRANSFORM, 0x12345678) = 0"),
    # SG_IO: an interface id neither v3's nor v4's (theirs: test_ioctl_sg_io.py)
    ((3, code("SG_IO"), A), 0, i32(7), "ioctl(3, SG_IO, [7]) = 0"),
    ((3, code("SG_IO"), A), 0, i32(ord("S")), "ioctl(3, SG_IO, {interface_id='S', 0x10004})"
     " = 0"),
    ((3, code("SG_IO"), 0), EBADF, b"", "ioctl(3, SG_IO, NULL) = " + EBADF_TEXT),
])
def test_scsi(args, ret, data, text):
    assert line(args, ret, data) == text
