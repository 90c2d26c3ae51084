# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: the Trusted Execution Environment (0xa4, linux/tee.h), as strace 6.1 decodes
it: the version, the sessions and the functions invoked in them (a buffer holding the
arguments and their parameters), the supplicant's requests and answers, the shared
memory."""

from __future__ import annotations

import struct
from typing import Callable, Optional

from . import _ioctl as I
from . import _xlat_tee as T
from ._ctx import Ctx
from ._ioctl_btrfs import uuid
from ._misc import array
from ._xlat import flags, hexa, ptr, s32, xval

_MAX_ARG_SIZE = 1024           # TEE_MAX_ARG_SIZE
_META = 0x100                  # TEE_IOCTL_PARAM_ATTR_META
_MEMREFS = (5, 6, 7)           # TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_*
_LOGIN_GROUPS = (2, 6)         # TEE_IOCTL_LOGIN_GROUP, TEE_IOCTL_LOGIN_GROUP_APPLICATION
_LOGIN_OTHERS = (0, 1, 4, 5)
_SHM_REGISTER_FD = I.ioc(3, 0xA4, 8, 32)   # (not a request of the kernel's headers)


def _param(d: bytes) -> str:
    attr, a, b, c = struct.unpack("<4Q", d)
    text = "{attr=" + xval(attr & ~_META, T.TEE_PARAM_ATTR_TYPES, "TEE_IOCTL_PARAM_ATTR_")
    if attr & _META:
        text += "|TEE_IOCTL_PARAM_ATTR_META"
    if attr in _MEMREFS:
        return text + ", shm_offs=%s, size=%s, shm_id=%d}" % (hexa(a), hexa(b), c)
    if attr == 0:
        return text + "}"
    return text + ", a=%s, b=%s, c=%s}" % (hexa(a), hexa(b), hexa(c))


# the arguments' structure of a request passed in a buffer: (its size, the offset of
# its number of parameters, its fields at entry, its fields at exit)
Show = Callable[[Ctx, bytes], str]


def _buffer(c: Ctx, arg: int, size: int, count_at: int) -> tuple[str, Optional[bytes], int]:
    """struct tee_ioctl_buf_data and the arguments it points to: (the text when they
    are not to be decoded, else "", the arguments, the address of the parameters)."""
    data = I.fetch(c, arg, 16)
    if isinstance(data, str):
        return data, None, 0
    buf, length = struct.unpack("<QQ", data)
    short = "{buf_len=%d, buf_ptr=%s}" % (length, ptr(buf))
    if not size <= length <= _MAX_ARG_SIZE:
        return short, None, 0
    args = c.read(buf, size)
    if args is None:
        return short, None, 0
    n = struct.unpack_from("<I", args, count_at)[0]
    if not c.exiting and size + 32 * n != length:
        return short, None, 0
    return "{buf_len=%d, buf_ptr=" % length, args, buf + size if n else 0


def _params(c: Ctx, args: bytes, addr: int, count_at: int) -> str:
    return ", params=" + array(c, addr, struct.unpack_from("<I", args, count_at)[0], 32, _param)


def _in_buffer(size: int, count_at: int, first: Show, then: Show) -> I.Handler:
    """A request whose arguments are in a buffer: *first* at entry, `` => `` *then* at
    exit when the call succeeded; each followed by the parameters."""
    def decode(c: Ctx, req: int, arg: int) -> str:
        if c.exiting and c.failed:
            return "}"
        text, args, params = _buffer(c, arg, size, count_at)
        if args is None:
            return (" => " if c.exiting else ", ") + (text if c.exiting else I.done(c, text))
        shown = (then if c.exiting else first)(c, args) + _params(c, args, params, count_at)
        if c.exiting:
            return " => {%s}}" % shown
        return ", %s{%s}" % (text, shown)
    return decode


def _open_session_in(c: Ctx, d: bytes) -> str:
    login, cancel, _, _, _, n = struct.unpack_from("<6I", d, 32)
    text = "uuid=%s, clnt_login=%s" % (uuid(d[:16]), xval(login, T.TEE_LOGIN_TYPES,
                                                          "TEE_IOCTL_LOGIN_???"))
    if login in _LOGIN_GROUPS:
        gid = struct.unpack_from("<I", d, 16)[0]
        text += ", clnt_uuid=%s" % ("-1" if gid == 0xFFFFFFFF else str(gid))
    elif login not in _LOGIN_OTHERS:
        text += ", clnt_uuid=" + I.hex_array(d[16:32])
    return text + ", cancel_id=%d, num_params=%d" % (cancel, n)


def _open_session_out(c: Ctx, d: bytes) -> str:
    session, ret, origin = struct.unpack_from("<3I", d, 40)
    return "session=%s, ret=%d, ret_origin=%s" % (hexa(session), ret, xval(
        origin, T.TEE_ORIGINS, "TEEC_ORIGIN_???"))


def _invoke_in(c: Ctx, d: bytes) -> str:
    func, session, cancel, _, _, n = struct.unpack("<6I", d)
    return "func=%d, session=%s, cancel_id=%d, num_params=%d" % (func, hexa(session), cancel, n)


def _invoke_out(c: Ctx, d: bytes) -> str:
    ret, origin = struct.unpack_from("<II", d, 12)
    return "ret=%d, ret_origin=%s" % (ret, xval(origin, T.TEE_ORIGINS, "TEEC_ORIGIN_???"))


def _version(d: bytes) -> str:
    impl, caps, gen = struct.unpack("<3I", d)
    return "{impl_id=%s, gen_caps=%s, impl_caps=%s}" % (
        xval(impl, T.TEE_IMPL_IDS, "TEE_IMPL_ID_???"),
        flags(gen, T.TEE_GEN_CAPS, "TEE_GEN_CAP_???"),
        flags(caps, T.TEE_OPTEE_CAPS, "TEE_OPTEE_CAP_???") if impl == 1 else hexa(caps))


def _shm(size: int, first: Callable[[Ctx, bytes], str], then: Callable[[bytes], str]
         ) -> I.Handler:
    """The shared memory requests: *first* at entry, `` => `` *then* at exit when the
    call succeeded."""
    def decode(c: Ctx, req: int, arg: int) -> str:
        if c.exiting and c.failed:
            return ""
        data = I.fetch(c, arg, size)
        if isinstance(data, str):
            return " => " + data if c.exiting else I.done(c, ", " + data)
        return " => " + then(data) if c.exiting else ", " + first(c, data)
    return decode


def _shm_flags(v: int) -> str:
    return flags(v, T.TEE_SHM_FLAGS, "TEE_IOCTL_SHM_???")


_FAMILY = I.family({
    "TEE_IOC_VERSION": lambda c, req, arg: I.at_exit(c, arg, 12, _version, True),
    "TEE_IOC_OPEN_SESSION": _in_buffer(56, 52, _open_session_in, _open_session_out),
    "TEE_IOC_INVOKE": _in_buffer(24, 20, _invoke_in, _invoke_out),
    "TEE_IOC_SUPPL_RECV": _in_buffer(8, 4, lambda c, d: "func=%d, num_params=%d" % struct.unpack(
        "<II", d), lambda c, d: "num_params=%d" % struct.unpack_from("<I", d, 4)[0]),
    "TEE_IOC_SUPPL_SEND": _in_buffer(8, 4, lambda c, d: "num_params=%d" % struct.unpack_from(
        "<I", d, 4)[0], lambda c, d: "ret=%d" % struct.unpack_from("<I", d)[0]),
    "TEE_IOC_CANCEL": lambda c, req, arg: I.at_entry(c, arg, 8, lambda d: (
        "{cancel_id=%d, session=%s}" % (struct.unpack_from("<I", d)[0],
                                        hexa(struct.unpack_from("<I", d, 4)[0])))),
    "TEE_IOC_CLOSE_SESSION": lambda c, req, arg: I.at_entry(c, arg, 4, lambda d: (
        "{session=%s}" % hexa(struct.unpack("<I", d)[0]))),
    "TEE_IOC_SHM_ALLOC": _shm(16, lambda c, d: "{size=%s, flags=%s}" % (
        hexa(struct.unpack_from("<Q", d)[0]), _shm_flags(struct.unpack_from("<I", d, 8)[0])),
        lambda d: "{size=%s, flags=%s, id=%d}" % (
            hexa(struct.unpack_from("<Q", d)[0]), _shm_flags(struct.unpack_from("<I", d, 8)[0]),
            struct.unpack_from("<i", d, 12)[0])),
    "TEE_IOC_SHM_REGISTER": _shm(24, lambda c, d: "{addr=%s, length=%s, flags=%s}" % (
        ptr(struct.unpack_from("<Q", d)[0]), hexa(struct.unpack_from("<Q", d, 8)[0]),
        _shm_flags(struct.unpack_from("<I", d, 16)[0])),
        lambda d: "{length=%s, flags=%s, id=%d}" % (
            hexa(struct.unpack_from("<Q", d, 8)[0]), _shm_flags(struct.unpack_from("<I", d, 16)[0]),
            struct.unpack_from("<i", d, 20)[0])),
})
_REGISTER_FD = _shm(32, lambda c, d: "{fd=%s, flags=%s}" % (
    c.fd(s32(struct.unpack_from("<q", d)[0])), _shm_flags(struct.unpack_from("<I", d, 16)[0])),
    lambda d: "{size=%s, id=%d}" % (hexa(struct.unpack_from("<Q", d, 8)[0]),
                                    struct.unpack_from("<i", d, 24)[0]))


def _tee(c: Ctx, req: int, arg: int) -> Optional[str]:
    return _REGISTER_FD(c, req, arg) if req == _SHM_REGISTER_FD else _FAMILY(c, req, arg)


I.FAMILIES[0xA4] = _tee
