# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: the GPIO character devices (0xb4, linux/gpio.h), the first ABI and v2, as
strace 6.1 decodes them."""

from __future__ import annotations

import struct
from typing import Callable

from . import _ioctl as I
from ._ctx import Ctx
from ._xlat import flags, hexa
from ._xlat_ioctl import (GPIO_V2_LINE_FLAGS, GPIOEVENT_FLAGS, GPIOHANDLE_FLAGS,
                          GPIOLINE_FLAGS)

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

def _line_info_v2(c: Ctx, arg: int) -> str:
    return I.in_out(c, arg, 256, lambda d: I.fields(("offset", _u32s(d, 64, 1)[0])),
                    lambda d: _v2_line_info_out(c, d))


def _values_v2(c: Ctx, arg: int) -> str:
    return I.in_out(c, arg, 16, lambda d: I.fields(("mask", hexa(_values(d)[1]))),
                    lambda d: I.fields(("bits", hexa(_values(d)[0]))))


_GPIO: dict[str, I.Handler] = {
    "GPIO_GET_CHIPINFO_IOCTL": lambda c, r, a: I.at_exit(c, a, 68, lambda d: _chip_info(c, d)),
    "GPIO_GET_LINEINFO_IOCTL": lambda c, r, a: _line_info(c, a),
    "GPIO_GET_LINEINFO_UNWATCH_IOCTL": lambda c, r, a: I.at_entry(
        c, a, 4, lambda d: I.fields(("offset", _u32s(d, 0, 1)[0]))),
    "GPIO_GET_LINEHANDLE_IOCTL": lambda c, r, a: I.in_out(
        c, a, 364, lambda d: _handle_request_in(c, d), _fd_out(c, 360)),
    "GPIO_GET_LINEEVENT_IOCTL": lambda c, r, a: I.in_out(
        c, a, 48, lambda d: _event_request_in(c, d), _fd_out(c, 44)),
    "GPIOHANDLE_GET_LINE_VALUES_IOCTL": lambda c, r, a: I.at_exit(
        c, a, _HANDLES, lambda d: _handle_data(c, d)),
    "GPIOHANDLE_SET_LINE_VALUES_IOCTL": lambda c, r, a: I.at_entry(
        c, a, _HANDLES, lambda d: _handle_data(c, d)),
    "GPIOHANDLE_SET_CONFIG_IOCTL": lambda c, r, a: I.at_entry(
        c, a, 84, lambda d: _handle_config(c, d)),
    "GPIO_V2_GET_LINEINFO_IOCTL": lambda c, r, a: _line_info_v2(c, a),
    "GPIO_V2_GET_LINE_IOCTL": lambda c, r, a: I.in_out(
        c, a, _V2_REQUEST_SIZE, lambda d: _v2_request_in(c, d), _fd_out(c, 588)),
    "GPIO_V2_LINE_SET_CONFIG_IOCTL": lambda c, r, a: I.at_entry(
        c, a, 272, lambda d: _line_config(c, d, 0)),
    "GPIO_V2_LINE_GET_VALUES_IOCTL": lambda c, r, a: _values_v2(c, a),
    "GPIO_V2_LINE_SET_VALUES_IOCTL": lambda c, r, a: I.at_entry(c, a, 16, lambda d: I.fields(
        ("bits", hexa(_values(d)[0])), ("mask", hexa(_values(d)[1])))),
}
# (watching a line prints as getting its information)
_GPIO["GPIO_GET_LINEINFO_WATCH_IOCTL"] = _GPIO["GPIO_GET_LINEINFO_IOCTL"]
_GPIO["GPIO_V2_GET_LINEINFO_WATCH_IOCTL"] = _GPIO["GPIO_V2_GET_LINEINFO_IOCTL"]

I.FAMILIES[0xB4] = I.family(_GPIO)
