# SPDX-License-Identifier: GPL-2.0-or-later
"""The native asynchronous I/O calls as strace 6.1 prints them (see ``_specs``):
io_setup, io_destroy, io_submit (``struct iocb``), io_cancel, io_getevents and
io_pgetevents (``struct io_event``)."""

from __future__ import annotations

import struct

from . import _structs as S
from . import _xlat as X
from . import _xlat_misc as XM
from ._ctx import Ctx
from ._kinds import Kind, out
from ._misc import array, ioprio_value
from ._style import RAW, combine
from ._style import get as _style_now
from ._xlat import flags, hexa, ptr, s64, u32

_PREAD, _PWRITE, _POLL, _PREADV, _PWRITEV = 0, 1, 5, 7, 8
IOCB_SIZE, IO_EVENT_SIZE = 64, 32
_IOCB = "<QIiHhIQQqQII"   # data, key, rw_flags, opcode, reqprio, fildes, buf, nbytes,
#                          offset, reserved2, flags, resfd


def _opcode(v: int) -> str:
    """In decimal: ``IOCB_CMD_PREAD``, ``61453 /* IOCB_CMD_??? */``."""
    name = XM.IOCB_CMDS.get(v)
    if name is not None or _style_now() == RAW:
        return combine(str(v), name)
    return "%d /* IOCB_CMD_??? */" % v


def _iocb_head(c: Ctx, v: tuple[int, ...]) -> list[str]:
    data, key, rw_flags, opcode, reqprio, fildes, *_, fl, _resfd = v
    parts = ["aio_data=%s" % hexa(data)]
    if key:
        parts.append("aio_key=%d" % key)
    if rw_flags:
        parts.append("aio_rw_flags=%s" % flags(u32(rw_flags), XM.RWF_FLAGS, "RWF_???"))
    parts.append("aio_lio_opcode=%s" % _opcode(opcode))
    if fl & 2:
        prio = reqprio & 0xFFFF   # (the 16 bits of the field)
        parts.append("aio_reqprio=%s" % combine(hexa(prio), ioprio_value(prio)))
    elif reqprio:
        parts.append("aio_reqprio=%d" % reqprio)
    parts.append("aio_fildes=%s" % c.fd(fildes))
    return parts


def _common_flags(c: Ctx, fl: int, resfd: int) -> list[str]:
    parts = []
    if fl:
        parts.append("aio_flags=%s" % flags(fl, XM.IOCB_FLAGS, "IOCB_FLAG_???"))
    if fl & 1:
        parts.append("aio_resfd=%s" % c.fd(resfd))
    elif resfd:
        parts.append("aio_resfd=%s" % hexa(resfd))
    return parts


def _iocb(c: Ctx, addr: int) -> str:
    if addr == 0:
        return "NULL"
    v = c.unpack(_IOCB, addr)
    if v is None:
        return hexa(addr)
    opcode, buf, nbytes, offset, fl, resfd = v[3], v[6], v[7], v[8], v[10], v[11]
    parts = _iocb_head(c, v)
    valid = nbytes < 1 << 63
    if opcode in (_PREAD, _PWRITE):
        parts.append("aio_buf=%s" % (c.buf(buf, nbytes) if opcode == _PWRITE and valid
                                     else hexa(buf)))
        parts += ["aio_nbytes=%d" % nbytes, "aio_offset=%d" % offset]
        parts += _common_flags(c, fl, resfd)
    elif opcode in (_PREADV, _PWRITEV):
        if valid:
            parts.append("aio_buf=%s" % (S.iovec_array(c, buf, nbytes, None) if opcode == _PWRITEV
                                         else _iov_addresses(c, buf, nbytes)))
        else:
            parts += ["aio_buf=%s" % hexa(buf), "aio_nbytes=%d" % nbytes]
        parts.append("aio_offset=%d" % offset)
        parts += _common_flags(c, fl, resfd)
    elif opcode == _POLL:
        parts.append("aio_buf=%s" % flags(buf, X.POLL_EVENTS, "POLL???"))
        parts += _common_flags(c, fl, resfd)
    return "{%s}" % ", ".join(parts)


def _iov_addresses(c: Ctx, addr: int, n: int) -> str:
    def one(data: bytes) -> str:
        base, length = struct.unpack("<QQ", data)
        return "{iov_base=%s, iov_len=%d}" % (ptr(base), length)

    return array(c, addr, n, 16, one)


def _iocbpp(c: Ctx, i: int) -> str:
    nr = s64(c.args[1])
    if nr < 0:
        return ptr(c.args[i])
    return array(c, c.args[i], nr, 8, lambda d: _iocb(c, int.from_bytes(d, "little")))


def _io_event(data: bytes) -> str:
    return "{data=%s, obj=%s, res=%d, res2=%d}" % (
        (hexa(int.from_bytes(data[:8], "little")), hexa(int.from_bytes(data[8:16], "little")))
        + struct.unpack("<qq", data[16:]))


def _cancel_iocb(c: Ctx, i: int) -> str:
    addr = c.args[i]
    if addr == 0:
        return "NULL"
    v = c.unpack(_IOCB, addr)
    return hexa(addr) if v is None else "{%s}" % ", ".join(_iocb_head(c, v))


def _cancel_result(c: Ctx, i: int) -> str:
    data = c.read(c.args[i], IO_EVENT_SIZE)
    return ptr(c.args[i]) if data is None else _io_event(data)


def _events(c: Ctx, i: int) -> str:
    return array(c, c.args[i], c.retval or 0, IO_EVENT_SIZE, _io_event)


def _late_timeout(c: Ctx, i: int) -> str:
    """The timeout and the signal set the kernel read at the entry: printed at the exit,
    failed or not."""
    return S.timespec(c, c.args[i])


def _late_sig(c: Ctx, i: int) -> str:
    """io_pgetevents' ``{sigmask=..., sigsetsize=N}``."""
    addr = c.args[i]
    v = c.unpack("<QQ", addr) if addr else None
    if v is None:
        return ptr(addr)
    return "{sigmask=%s, sigsetsize=%d}" % (S.sigset(c, v[0], v[1]), v[1])


def _ctx_out(c: Ctx, i: int) -> str:
    return c.struct(c.args[i], "<Q", lambda v: "[%s]" % hexa(v))


KINDS: dict[str, Kind] = {
    "aio_ctx_out": out(_ctx_out),
    "iocbpp": Kind(_iocbpp),
    "aio_cancel_iocb": Kind(_cancel_iocb),
    "io_event_out": out(_cancel_result),
    "io_events_out": out(_events),
    "aio_timeout_late": Kind(_late_timeout, True),
    "aio_sig_late": Kind(_late_sig, True),
}
