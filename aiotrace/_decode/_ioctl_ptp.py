# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: the PTP hardware clocks ('=', linux/ptp_clock.h), as strace 6.1 decodes them.

Each request has a second form (``PTP_*2``) that checks its reserved fields: those are
printed only when they are not zero (``rsv=[...]``).  Clock times that are dates (not
durations) get the date in a comment, as strace prints it.  With ``-e verbose=none``
no argument is decoded."""

from __future__ import annotations

import struct
from typing import Optional

from . import _ioctl as I
from . import _style
from ._ctx import Ctx
from ._structs_full import date_comment
from ._xlat import flags, hexa, xval
from ._xlat_ioctl import PTP_EXTTS_FLAGS, PTP_PEROUT_FLAGS, PTP_PIN_FUNCS
from ._xlat_ioctl_names import code

_MAX_SAMPLES = 25
_TIME = 16                          # struct ptp_clock_time
_PEROUT_DUTY_CYCLE, _PEROUT_PHASE = 0x2, 0x4


def _codes(name: str) -> tuple[int, int]:
    return code(name), code(name + "2")


# (the requests whose two forms print differently)
_EXTTS = _codes("PTP_EXTTS_REQUEST")
_PEROUT = _codes("PTP_PEROUT_REQUEST")
_SYS_OFFSET = _codes("PTP_SYS_OFFSET")
_PIN_GET = _codes("PTP_PIN_GETFUNC")
_PIN_SET = _codes("PTP_PIN_SETFUNC")


def _time(d: bytes, offset: int, date: bool) -> str:
    sec, nsec, reserved = struct.unpack_from("<qII", d, offset)
    out = "{sec=%d, nsec=%d%s}" % (sec, nsec, ", reserved=" + hexa(reserved) if reserved else "")
    if date and _style.get() != _style.RAW:
        out += date_comment(sec, nsec)
    return out


def _rsv(d: bytes, offset: int, n: int) -> str:
    values = struct.unpack_from("<%dI" % n, d, offset)
    return ", rsv=" + I.hex_array(values) if any(values) else ""


def _caps(d: bytes) -> str:
    values = struct.unpack_from("<8i", d)
    names = ("max_adj", "n_alarm", "n_ext_ts", "n_per_out", "pps", "n_pins",
             "cross_timestamping", "adjust_phase")
    return "{%s%s}" % (", ".join("%s=%d" % p for p in zip(names, values, strict=True)), _rsv(d, 32, 12))


def _extts(req: int, d: bytes) -> str:
    index, ext_flags = struct.unpack_from("<II", d)
    return "{index=%d, flags=%s%s}" % (index, flags(ext_flags, PTP_EXTTS_FLAGS, "PTP_???"),
                                        _rsv(d, 8, 2) if req == _EXTTS[1] else "")


def _perout(req: int, d: bytes) -> str:
    index, out_flags = struct.unpack_from("<II", d, 32)
    first = ("phase=" + _time(d, 0, False) if out_flags & _PEROUT_PHASE
             else "start=" + _time(d, 0, True))
    out = "{%s, period=%s, index=%d, flags=%s" % (
        first, _time(d, 16, False), index, flags(out_flags, PTP_PEROUT_FLAGS, "PTP_PEROUT_???"))
    if out_flags & _PEROUT_DUTY_CYCLE:
        out += ", on=" + _time(d, 40, False)
    elif req == _PEROUT[1]:
        out += _rsv(d, 40, 4)
    return out + "}"


def _pin(c: Ctx, req: int, d: bytes) -> str:
    """The fields of struct ptp_pin_desc after its index (the setters' at entry, the
    getters' at exit)."""
    func, chan = struct.unpack_from("<II", d, 68)
    out = ""
    if req in _PIN_GET:
        out += ", name=" + I.cstring(c, d[:64])
    out += ", func=%s, chan=%d" % (xval(func, PTP_PIN_FUNCS, "PTP_PF_???"), chan)
    if req == _PIN_SET[1]:
        out += _rsv(d, 76, 5)
    return out + "}"


def _samples(c: Ctx, req: int, arg: int, size: int) -> str:
    """PTP_SYS_OFFSET and _EXTENDED: the count at entry (the struct left open), the
    samples at exit."""
    if not c.exiting:
        data = I.fetch(c, arg, size)
        if isinstance(data, str):
            return I.done(c, ", " + data)
        return ", {n_samples=%d%s" % (struct.unpack_from("<I", data)[0], _rsv(data, 4, 3))
    if c.failed:
        return "}"
    got = c.read(arg, size)
    if got is None:
        return ", ???}"
    n = min(struct.unpack_from("<I", got)[0], _MAX_SAMPLES)
    if req in _SYS_OFFSET:
        times = [_time(got, 16 + _TIME * i, True) for i in range(2 * n + 1)]
    else:
        times = ["[%s]" % ", ".join(_time(got, 16 + _TIME * (3 * i + j), True)
                                    for j in range(3)) for i in range(n)]
    return ", ts=%s}" % I.array(c, times)


def _pin_desc(c: Ctx, req: int, arg: int) -> str:
    if not c.exiting:
        data = I.fetch(c, arg, 96)
        if isinstance(data, str):
            return I.done(c, ", " + data)
        head = ", {index=%d" % struct.unpack_from("<I", data, 64)[0]
        if req in _PIN_GET:
            return head + (_rsv(data, 76, 5) if req == _PIN_GET[1] else "")
        return I.done(c, head + _pin(c, req, data))
    if c.failed:
        return "}"
    got = c.read(arg, 96)
    return ", ???}" if got is None else _pin(c, req, got)


def _precise(d: bytes) -> str:
    return "{device=%s, sys_realtime=%s, sys_monoraw=%s%s}" % (
        _time(d, 0, True), _time(d, 16, True), _time(d, 32, False), _rsv(d, 48, 4))


_PTP: dict[str, I.Handler] = {}
for _name, _handler in (
        ("PTP_CLOCK_GETCAPS", lambda c, r, a: I.at_exit(c, a, 80, _caps, comma_first=True)),
        ("PTP_EXTTS_REQUEST", lambda c, r, a: I.at_entry(c, a, 16, lambda d: _extts(r, d))),
        ("PTP_PEROUT_REQUEST", lambda c, r, a: I.at_entry(c, a, 56, lambda d: _perout(r, d))),
        ("PTP_ENABLE_PPS", lambda c, r, a: I.done(c, ", " + hexa(a))),
        ("PTP_SYS_OFFSET", lambda c, r, a: _samples(c, r, a, 16 + _TIME * (2 * _MAX_SAMPLES + 1))),
        ("PTP_PIN_GETFUNC", _pin_desc),
        ("PTP_PIN_SETFUNC", _pin_desc),
        ("PTP_SYS_OFFSET_PRECISE", lambda c, r, a: I.at_exit(c, a, 64, _precise, comma_first=True)),
        ("PTP_SYS_OFFSET_EXTENDED", lambda c, r, a: _samples(c, r, a, 16 + _TIME * 3 * _MAX_SAMPLES))):
    _PTP[_name] = _PTP[_name + "2"] = _handler   # (both forms of each request)
_decode = I.family(_PTP)


def _ptp(c: Ctx, req: int, arg: int) -> Optional[str]:
    return _decode(c, req, arg) if c.verbose else None


I.FAMILIES[ord("=")] = _ptp
