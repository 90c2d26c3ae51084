"""The Trusted Execution Environment's requests (0xa4, linux/tee.h) as strace 6.1 prints
them (its test ioctl_tee.c). Tables, no tracee: the decoder is given the registers and
a fake memory (data at A)."""

from __future__ import annotations

import struct

import pytest

from fake_memory import EBADF, EBADF_TEXT, M32, A
from fake_memory import ioctl_line as line
from aiotrace._decode._ioctl import ioc
from aiotrace._decode._xlat_ioctl_names import code

OK, FAIL = ") = 0", ") = " + EBADF_TEXT
B = A + 0x100      # (the arguments a buffer points to, in the same fake memory)


def at_b(head: bytes, tail: bytes) -> bytes:
    return head.ljust(0x100, b"\0") + tail


PARAMS = struct.pack("<4Q", 0, 0, 0, 0) + struct.pack("<4Q", 5, 1, 2, 3) \
    + struct.pack("<4Q", 0x101, 1, 2, 3)
PARAMS_TEXT = ("params=[{attr=TEE_IOCTL_PARAM_ATTR_TYPE_NONE}, {attr=TEE_IOCTL_PARAM_ATTR_TYPE_"
               "MEMREF_INPUT, shm_offs=0x1, size=0x2, shm_id=3}, {attr=TEE_IOCTL_PARAM_ATTR_"
               "TYPE_VALUE_INPUT|TEE_IOCTL_PARAM_ATTR_META, a=0x1, b=0x2, c=0x3}]")


@pytest.mark.parametrize("name, data, ret, text", [
    ("TEE_IOC_CANCEL", struct.pack("<II", 7, 0xBEEF), EBADF,
     "{cancel_id=7, session=0xbeef}" + FAIL),
    ("TEE_IOC_VERSION", struct.pack("<3I", 1, 1, 5), 0,
     "{impl_id=TEE_IMPL_ID_OPTEE, gen_caps=TEE_GEN_CAP_GP|TEE_GEN_CAP_REG_MEM,"
     " impl_caps=TEE_OPTEE_CAP_TZ}" + OK),
    ("TEE_IOC_SHM_ALLOC", struct.pack("<QIi", 4096, 1, 3), 0,
     "{size=0x1000, flags=TEE_IOCTL_SHM_MAPPED} => {size=0x1000, flags=TEE_IOCTL_SHM_MAPPED,"
     " id=3}" + OK),
    # the arguments in a buffer, and their parameters
    ("TEE_IOC_INVOKE", at_b(struct.pack("<QQ", B, 24 + 96),
                            struct.pack("<6I", 1, 2, 3, 0, 1, 3) + PARAMS), 0,
     "{buf_len=120, buf_ptr={func=1, session=0x2, cancel_id=3, num_params=3, " + PARAMS_TEXT
     + "} => {ret=0, ret_origin=TEEC_ORIGIN_API, " + PARAMS_TEXT + "}}" + OK),
    ("TEE_IOC_INVOKE", at_b(struct.pack("<QQ", B, 24 + 96),
                            struct.pack("<6I", 1, 2, 3, 0, 1, 3) + PARAMS), EBADF,
     "{buf_len=120, buf_ptr={func=1, session=0x2, cancel_id=3, num_params=3, " + PARAMS_TEXT
     + "}}" + FAIL),
    # a size that does not match the parameters
    ("TEE_IOC_SUPPL_SEND", at_b(struct.pack("<QQ", B, 9), struct.pack("<II", 0, 0)), EBADF,
     "{buf_len=9, buf_ptr=0x10100}" + FAIL),
    ("TEE_IOC_OPEN_SESSION", at_b(struct.pack("<QQ", B, 56), bytes(range(16))
                                  + struct.pack("<I12x6I", 0xFFFFFFFF, 2, 0, 0, 0, 0, 0)),
     EBADF, "{buf_len=56, buf_ptr={uuid=00010203-0405-0607-0809-0a0b0c0d0e0f,"
     " clnt_login=TEE_IOCTL_LOGIN_GROUP, clnt_uuid=-1, cancel_id=0, num_params=0,"
     " params=NULL}}" + FAIL),
])
def test_tee(name, data, ret, text):
    assert line((M32, code(name), A), ret, data) == "ioctl(-1, %s, %s" % (name, text)


def test_shm_register_fd():
    # (a request strace decodes though the kernel's headers do not name it)
    req = ioc(3, 0xA4, 8, 32)
    assert line((M32, req, A), EBADF, struct.pack("<qQI4xi4x", 3, 0, 2, 0)) == (
        "ioctl(-1, _IOC(_IOC_READ|_IOC_WRITE, 0xa4, 0x8, 0x20), {fd=3,"
        " flags=TEE_IOCTL_SHM_DMA_BUF}" + FAIL)
