# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: the real-time clocks ('p', linux/rtc.h), as strace 6.1 decodes them."""

from __future__ import annotations

import struct
from typing import Callable, Optional

from . import _ioctl as I
from ._ctx import Ctx
from ._xlat import flags, hexa, s64, xval
from ._xlat_ioctl import RTC_BSM, RTC_FEATURES, RTC_PARAMS, RTC_VL_FLAGS
from ._xlat_ioctl_names import code

_TM = "<9i"                        # struct rtc_time
_TM_SIZE = 36
_PARAM_FEATURES, _PARAM_CORRECTION, _PARAM_BSM = 0, 1, 2
# (the features are bit numbers: strace names each bit "1<<RTC_FEATURE_...")
_FEATURES = tuple(("1<<" + name, bit) for name, bit in RTC_FEATURES)


def _tm(c: Ctx, values: tuple[int, ...]) -> str:
    names = ("tm_sec", "tm_min", "tm_hour", "tm_mday", "tm_mon", "tm_year")
    out = ["%s=%d" % p for p in zip(names, values, strict=False)]
    if c.abbrev:
        out.append("...")
    else:
        out += ["tm_wday=%d" % values[6], "tm_yday=%d" % values[7], "tm_isdst=%d" % values[8]]
    return "{" + ", ".join(out) + "}"


def _time(c: Ctx, arg: int) -> str:
    return I.struct(c, arg, _TM, lambda *v: _tm(c, v))


def _wkalrm(c: Ctx, arg: int) -> str:
    return I.struct(c, arg, "<BB2x9i", lambda enabled, pending, *tm: "{enabled=%d, pending=%d,"
                    " time=%s}" % (enabled, pending, _tm(c, tm)))


def _pll(c: Ctx, arg: int) -> str:
    names = ("pll_ctrl", "pll_value", "pll_max", "pll_min", "pll_posmult", "pll_negmult",
             "pll_clock")
    return I.struct(c, arg, "<6iq", lambda *v: "{%s}" % ", ".join(
        "%s=%d" % p for p in zip(names, v, strict=True)))


def _param_value(param: int, value: int) -> str:
    if param == _PARAM_FEATURES:
        return "uvalue=" + flags(value, _FEATURES, "1<<RTC_FEATURE_???")
    if param == _PARAM_CORRECTION:
        return "svalue=%d" % s64(value)
    if param == _PARAM_BSM:
        return "uvalue=" + xval(value, RTC_BSM, "RTC_BSM_???")
    return "uvalue=" + hexa(value)


def _param(c: Ctx, arg: int, get: bool) -> str:
    """RTC_PARAM_GET (the parameter at entry, `` => `` its value at exit) and _SET."""
    data = I.fetch(c, arg, 24)
    if isinstance(data, str):
        return I.done(c, (" => " if c.exiting else ", ") + data)
    param, value, index, pad = struct.unpack("<QQII", data)
    out = []
    if not c.exiting:
        out.append("param=" + xval(param, RTC_PARAMS, "RTC_PARAM_???"))
    if c.exiting == get:      # the value: the setter's at entry, the getter's at exit
        out.append(_param_value(param, value))
    if not c.exiting:
        out.append("index=%d" % index)
    if pad:
        out.append("__pad=" + hexa(pad))
    text = "{" + ", ".join(out) + "}"
    if c.exiting:
        return " => " + text
    return ", " + text if get else I.done(c, ", " + text)


def _at_exit(c: Ctx, show: Callable[[], str]) -> str:
    return ", " + show() if c.exiting else ""


_NO_ARG = {code("RTC_" + n) for n in (
    "AIE_ON", "AIE_OFF", "UIE_ON", "UIE_OFF", "PIE_ON", "PIE_OFF", "WIE_ON", "WIE_OFF",
    "VL_CLR")}
_TIME_GET = (code("RTC_ALM_READ"), code("RTC_RD_TIME"))
_TIME_SET = (code("RTC_ALM_SET"), code("RTC_SET_TIME"))
_VALUE_SET = (code("RTC_IRQP_SET"), code("RTC_EPOCH_SET"))
_VALUE_GET = (code("RTC_IRQP_READ"), code("RTC_EPOCH_READ"))


def _rtc(c: Ctx, req: int, arg: int) -> Optional[str]:
    if req in _NO_ARG:
        return I.done(c, "")
    if req in _TIME_GET:
        return _at_exit(c, lambda: _time(c, arg))
    if req in _TIME_SET:
        return I.done(c, ", " + _time(c, arg))
    if req in _VALUE_SET:
        return I.done(c, ", %d" % arg)
    if req in _VALUE_GET:
        return _at_exit(c, lambda: I.struct(c, arg, "<Q", lambda v: "[%d]" % v))
    if req == code("RTC_WKALM_RD"):
        return _at_exit(c, lambda: _wkalrm(c, arg))
    if req == code("RTC_WKALM_SET"):
        return I.done(c, ", " + _wkalrm(c, arg))
    if req == code("RTC_PLL_GET"):
        return _at_exit(c, lambda: _pll(c, arg))
    if req == code("RTC_PLL_SET"):
        return I.done(c, ", " + _pll(c, arg))
    if req == code("RTC_VL_READ"):
        return _at_exit(c, lambda: I.struct(c, arg, "<I", lambda v: "[%s]" % flags(
            v, RTC_VL_FLAGS, "RTC_VL_???")))
    if req in (code("RTC_PARAM_GET"), code("RTC_PARAM_SET")):
        return _param(c, arg, req == code("RTC_PARAM_GET"))
    return None


I.FAMILIES[ord("p")] = _rtc
