# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: the GPIO character devices (0xb4, linux/gpio.h), the first ABI and v2, as
strace 6.1 decodes them."""

from __future__ import annotations

import struct
from typing import Callable, Optional

from . import _ioctl as I
from ._ctx import Ctx
from ._xlat import flags, hexa
from ._xlat_ioctl import (GPIO_V2_LINE_FLAGS, GPIOEVENT_FLAGS, GPIOHANDLE_FLAGS,
                          GPIOLINE_FLAGS)
from ._xlat_ioctl_names import code

_NAME = 32                 # GPIO_MAX_NAME_SIZE
_HANDLES = 64              # GPIOHANDLES_MAX
_LINES = 64                # GPIO_V2_LINES_MAX
_ATTRS = 10                # GPIO_V2_LINE_NUM_ATTRS_MAX
_ATTR_FLAGS, _ATTR_VALUES, _ATTR_DEBOUNCE = 1, 2, 3


def _u32s(data: bytes, offset: int, n: int) -> tuple[int, ...]:
    return struct.unpack_from("<%dI" % n, data, offset)


def _line_flags(v: int) -> str:
    return flags(v, GPIO_V2_LINE_FLAGS, "GPIO_V2_LINE_FLAG_???")


def _handle_flags(v: int) -> str:
    return flags(v, GPIOHANDLE_FLAGS, "GPIOHANDLE_REQUEST_???")


def _upto(c: Ctx, values: tuple[int, ...], n: int) -> str:
    return I.array(c, values[:n])


# -- the first ABI ----------------------------------------------------------------

def _chip_info(c: Ctx, data: bytes) -> str:
    name, label, lines = struct.unpack("<32s32sI", data)
    return I.fields(("name", I.cstring(c, name)), ("label", I.cstring(c, label)),
                    ("lines", lines))


def _line_info(c: Ctx, arg: int) -> str:
    return I.in_out(c, arg, 72, lambda d: I.fields(("line_offset", _u32s(d, 0, 1)[0])),
                    lambda d: I.fields(
                        ("flags", flags(_u32s(d, 4, 1)[0], GPIOLINE_FLAGS, "GPIOLINE_FLAG_???")),
                        ("name", I.cstring(c, d[8:40])), ("consumer", I.cstring(c, d[40:72]))))


def _fd_out(c: Ctx, offset: int) -> Callable[[bytes], str]:
    return lambda d: I.fields(("fd", c.fd(struct.unpack_from("<i", d, offset)[0])))


def _handle_request_in(c: Ctx, d: bytes) -> str:
    lines = _u32s(d, 356, 1)[0]
    return I.fields(("lines", lines), ("lineoffsets", _upto(c, _u32s(d, 0, _HANDLES), lines)),
                    ("flags", _handle_flags(_u32s(d, 256, 1)[0])),
                    ("default_values", _upto(c, tuple(d[260:324]), lines)),
                    ("consumer_label", I.cstring(c, d[324:324 + _NAME])))


def _event_request_in(c: Ctx, d: bytes) -> str:
    offset, handle, event = _u32s(d, 0, 3)
    return I.fields(("lineoffset", offset), ("handleflags", _handle_flags(handle)),
                    ("eventflags", flags(event, GPIOEVENT_FLAGS, "GPIOEVENT_REQUEST_???")),
                    ("consumer_label", I.cstring(c, d[12:12 + _NAME])))


def _handle_data(c: Ctx, d: bytes) -> str:
    return I.fields(("values", I.array(c, tuple(d[:_HANDLES]))))


def _handle_config(c: Ctx, d: bytes) -> str:
    return I.fields(("flags", _handle_flags(_u32s(d, 0, 1)[0])),
                    ("default_values", I.array(c, tuple(d[4:4 + _HANDLES]))))


# -- v2 -----------------------------------------------------------------------------

def _attribute(d: bytes, offset: int, as_field: bool) -> str:
    """struct gpio_v2_line_attribute's fields (no braces, but those of ``attr=``)."""
    aid, padding, value = struct.unpack_from("<IIQ", d, offset)
    if not padding:
        if aid == _ATTR_FLAGS:
            return "flags=" + _line_flags(value)
        if aid == _ATTR_VALUES:
            return "values=" + hexa(value)
        if aid == _ATTR_DEBOUNCE:
            return "debounce_period_us=%d" % (value & 0xFFFFFFFF)
    raw = "id=%d%s, data=%s" % (aid, ", padding=" + hexa(padding) if padding else "",
                                hexa(value))
    return "attr={%s}" % raw if as_field else raw


def _padding(values: tuple[int, ...]) -> list[tuple[str, object]]:
    return [("padding", I.hex_array(values))] if any(values) else []


def _line_config(c: Ctx, d: bytes, base: int) -> str:
    line_flags, nattrs = struct.unpack_from("<QI", d, base)
    out: list[tuple[str, object]] = [("flags", _line_flags(line_flags)), ("num_attrs", nattrs)]
    out += _padding(_u32s(d, base + 12, 5))
    if nattrs:
        attrs = ["{%s, mask=%s}" % (_attribute(d, base + 32 + 24 * i, True),
                                    hexa(struct.unpack_from("<Q", d, base + 48 + 24 * i)[0]))
                 for i in range(min(nattrs, _ATTRS))]
        out.append(("attrs", I.array(c, attrs)))
    return I.fields(*out)


def _v2_line_info_out(c: Ctx, d: bytes) -> str:
    offset, nattrs, line_flags = struct.unpack_from("<IIQ", d, 64)
    out: list[tuple[str, object]] = [
        ("name", I.cstring(c, d[:_NAME])), ("consumer", I.cstring(c, d[_NAME:64])),
        ("flags", _line_flags(line_flags)), ("num_attrs", nattrs)]
    if nattrs:
        out.append(("attrs", I.array(c, ["{%s}" % _attribute(d, 80 + 16 * i, False)
                                         for i in range(min(nattrs, _ATTRS))])))
    out += _padding(_u32s(d, 240, 4))
    return I.fields(*out)


_V2_REQUEST_SIZE = 592


def _v2_request_in(c: Ctx, d: bytes) -> str:
    nlines, buffer_size = _u32s(d, 560, 2)
    out: list[tuple[str, object]] = [
        ("num_lines", nlines), ("offsets", _upto(c, _u32s(d, 0, _LINES), nlines)),
        ("consumer", I.cstring(c, d[256:288])), ("config", _line_config(c, d, 288))]
    if buffer_size:
        out.append(("event_buffer_size", buffer_size))
    out += _padding(_u32s(d, 568, 5))
    return I.fields(*out)


def _values(d: bytes) -> tuple[int, int]:
    bits, mask = struct.unpack_from("<QQ", d)
    return bits, mask


# -- the family -----------------------------------------------------------------------

def _at_entry(c: Ctx, arg: int, size: int, show: Callable[[bytes], str]) -> str:
    data = I.fetch(c, arg, size)
    return I.done(c, ", " + (data if isinstance(data, str) else show(data)))


def _at_exit(c: Ctx, arg: int, size: int, show: Callable[[bytes], str]) -> str:
    if not c.exiting:
        return ""
    data = I.fetch(c, arg, size)
    return ", " + (data if isinstance(data, str) else show(data))


_CHIPINFO = code("GPIO_GET_CHIPINFO_IOCTL")
_LINEINFO = (code("GPIO_GET_LINEINFO_IOCTL"), code("GPIO_GET_LINEINFO_WATCH_IOCTL"))
_UNWATCH = code("GPIO_GET_LINEINFO_UNWATCH_IOCTL")
_LINEHANDLE = code("GPIO_GET_LINEHANDLE_IOCTL")
_LINEEVENT = code("GPIO_GET_LINEEVENT_IOCTL")
_GET_VALUES = code("GPIOHANDLE_GET_LINE_VALUES_IOCTL")
_SET_VALUES = code("GPIOHANDLE_SET_LINE_VALUES_IOCTL")
_SET_CONFIG = code("GPIOHANDLE_SET_CONFIG_IOCTL")
_V2_LINEINFO = (code("GPIO_V2_GET_LINEINFO_IOCTL"), code("GPIO_V2_GET_LINEINFO_WATCH_IOCTL"))
_V2_LINE = code("GPIO_V2_GET_LINE_IOCTL")
_V2_SET_CONFIG = code("GPIO_V2_LINE_SET_CONFIG_IOCTL")
_V2_GET_VALUES = code("GPIO_V2_LINE_GET_VALUES_IOCTL")
_V2_SET_VALUES = code("GPIO_V2_LINE_SET_VALUES_IOCTL")


def _gpio(c: Ctx, req: int, arg: int) -> Optional[str]:
    if req == _CHIPINFO:
        return _at_exit(c, arg, 68, lambda d: _chip_info(c, d))
    if req in _LINEINFO:
        return _line_info(c, arg)
    if req == _UNWATCH:
        return _at_entry(c, arg, 4, lambda d: I.fields(("offset", _u32s(d, 0, 1)[0])))
    if req == _LINEHANDLE:
        return I.in_out(c, arg, 364, lambda d: _handle_request_in(c, d), _fd_out(c, 360))
    if req == _LINEEVENT:
        return I.in_out(c, arg, 48, lambda d: _event_request_in(c, d), _fd_out(c, 44))
    if req == _GET_VALUES:
        return _at_exit(c, arg, _HANDLES, lambda d: _handle_data(c, d))
    if req == _SET_VALUES:
        return _at_entry(c, arg, _HANDLES, lambda d: _handle_data(c, d))
    if req == _SET_CONFIG:
        return _at_entry(c, arg, 84, lambda d: _handle_config(c, d))
    if req in _V2_LINEINFO:
        return I.in_out(c, arg, 256, lambda d: I.fields(("offset", _u32s(d, 64, 1)[0])),
                        lambda d: _v2_line_info_out(c, d))
    if req == _V2_LINE:
        return I.in_out(c, arg, _V2_REQUEST_SIZE, lambda d: _v2_request_in(c, d),
                        _fd_out(c, 588))
    if req == _V2_SET_CONFIG:
        return _at_entry(c, arg, 272, lambda d: _line_config(c, d, 0))
    if req == _V2_GET_VALUES:
        return I.in_out(c, arg, 16, lambda d: I.fields(("mask", hexa(_values(d)[1]))),
                        lambda d: I.fields(("bits", hexa(_values(d)[0]))))
    if req == _V2_SET_VALUES:
        return _at_entry(c, arg, 16, lambda d: I.fields(("bits", hexa(_values(d)[0])),
                                                         ("mask", hexa(_values(d)[1]))))
    return None


I.FAMILIES[0xB4] = _gpio
