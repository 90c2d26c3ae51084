# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: the input event devices ('E', linux/input.h), as strace 6.1 decodes them.

The requests that read (``_IOC_READ``) are decoded at exit, where the device has
filled the buffer; those that write (``_IOC_WRITE``) at entry; the others keep their
argument in hex.  Several requests carry a parameter in their number (the length of
the buffer, an event type, an axis: see ``_ioctl``); the event bit sets are printed
as the names of their set bits, and, with ``-X raw`` or ``-X verbose``, as words."""

from __future__ import annotations

import struct
from typing import Callable, Mapping, Optional

from . import _ioctl as I
from . import _style
from ._ctx import Ctx
from ._xlat import hexa, ptr, s32, u64, xval
from ._xlat_ioctl import (ABS_AXES, EV_AUTOREPEAT, EV_FF_STATUS, EV_FF_TYPES, EV_KEYCODES,
                          EV_LEDS, EV_MISC, EV_MTSLOTS, EV_PROPS, EV_REL_AXES, EV_SNDS,
                          EV_SWITCHES, EV_TYPES)
from ._xlat_ioctl_names import code

_IOC_WRITE, _IOC_READ = 1, 2
_WORD = 8

# bit sets: (names, the highest bit, the name of an unknown bit)
_EV = (EV_TYPES, 0x1F, "EV_???")
_KEY = (EV_KEYCODES, 0x2FF, "KEY_???")
_BITS_BY_TYPE: dict[int, tuple[Mapping[int, str], int, str]] = {
    0x01: _KEY, 0x02: (EV_REL_AXES, 0x0F, "REL_???"), 0x03: (ABS_AXES, 0x3F, "ABS_???"),
    0x04: (EV_MISC, 0x07, "MSC_???"), 0x05: (EV_SWITCHES, 0x10, "SW_???"),
    0x11: (EV_LEDS, 0x0F, "LED_???"), 0x12: (EV_SNDS, 0x07, "SND_???"),
    0x14: (EV_AUTOREPEAT, 0x01, "REP_???"), 0x15: (EV_FF_TYPES, 0x7F, "FF_???"),
    0x17: (EV_FF_STATUS, 0x01, "FF_STATUS_???"),
}
# the requests of a variable length that read a bit set, by number
_BITS_BY_NR = {0x09: (EV_PROPS, 0x1F, "PROP_???"), 0x1A: _BITS_BY_TYPE[0x12],
               0x1B: _BITS_BY_TYPE[0x05], 0x18: _KEY, 0x19: _BITS_BY_TYPE[0x11]}
_STRINGS = (0x06, 0x07, 0x08)      # EVIOCGNAME, EVIOCGPHYS, EVIOCGUNIQ
_MTSLOTS = 0x0A


def _round_up(n: int, unit: int) -> int:
    return (n + unit - 1) // unit * unit


def _bitset(c: Ctx, arg: int, bits: tuple[Mapping[int, str], int, str]) -> str:
    table, max_nr, unknown = bits
    rval = c.retval or 0
    nbits = max_nr if u64(rval) > max_nr // 8 else rval * 8
    size = _round_up(_round_up(nbits, 8) // 8, _WORD)
    if c.failed or not size:
        return ptr(arg)
    data = I.fetch(c, arg, size)
    if isinstance(data, str):
        return data
    st = _style.get()
    out = ""
    if st != _style.RAW:
        value = int.from_bytes(data, "little")
        names: list[str] = []
        for i in range(nbits):
            if value >> i & 1:
                if c.abbrev and len(names) > 3:
                    names.append("...")
                    break
                names.append(xval(i, table, unknown))
        out = "[" + " ".join(names) + "]"     # (a bit set: names apart by spaces)
    if st != _style.ABBREV:
        words = struct.unpack("<%dQ" % (size // _WORD), data)
        array = I.array(c, [hexa(w) for w in words])
        out = array if st == _style.RAW else "%s /* %s */" % (out, array)
    return out


def _absinfo(c: Ctx, req: int, arg: int) -> str:
    size = I.ioc_size(req)
    if size < 20:
        return ptr(arg)
    data = I.fetch(c, arg, min(size, 24))
    if isinstance(data, str):
        return data
    vals = struct.unpack_from("<%dI" % (len(data) // 4), data)
    out = ["value=%d" % vals[0], "minimum=%d" % vals[1]]
    if not c.abbrev:
        out += ["maximum=%d" % vals[2], "fuzz=%d" % vals[3], "flat=%d" % vals[4]]
        if size > 20:
            if size >= 24:
                out.append("resolution=%d" % vals[5])
            if size != 24:
                out.append("...")
    else:
        out.append("...")
    return "{" + ", ".join(out) + "}"


def _keycode(c: Ctx, arg: int) -> str:
    return I.struct(c, arg, "<2I", lambda scan, key: "[%d, %s]" % (
        scan, xval(key, EV_KEYCODES, "KEY_???")))


def _keycode_v2(c: Ctx, arg: int) -> str:
    def render(flags: int, length: int, index: int, key: int, scancode: bytes) -> str:
        head = "flags=%d, len=%d" % (flags, length)
        if c.abbrev:
            return "{%s, ...}" % head
        return "{%s, index=%d, keycode=%s, scancode=%s}" % (
            head, index, xval(key, EV_KEYCODES, "KEY_???"), I.hex_array(scancode))
    return I.struct(c, arg, "<BBHI32s", render)


def _int(c: Ctx, arg: int) -> str:
    return I.struct(c, arg, "<i", lambda v: "[%d]" % v)


def _uint(c: Ctx, arg: int) -> str:
    return I.struct(c, arg, "<I", lambda v: "[%d]" % v)


def _pair(c: Ctx, arg: int) -> str:
    return I.struct(c, arg, "<2I", lambda a, b: "[%d, %d]" % (a, b))


def _string(c: Ctx, arg: int) -> str:
    if c.failed:
        return ptr(arg)
    return c.buf(arg, c.retval or 0)


def _mtslots(c: Ctx, req: int, arg: int) -> str:
    n = I.ioc_size(req) // 4
    if not n:
        return ptr(arg)
    data = I.fetch(c, arg, 4)
    if isinstance(data, str):
        return data
    slot = struct.unpack("<I", data)[0]
    values = I.mem_array(c, arg + 4, n - 1, 4, lambda d: str(s32(struct.unpack("<I", d)[0])))
    return "{code=%s, values=%s}" % (xval(slot, EV_MTSLOTS, "ABS_MT_???"), values)


def _read(c: Ctx, req: int, arg: int) -> str:
    """A read of a variable number or length (the fixed ones are in _FIXED)."""
    nr = I.ioc_nr(req)
    if nr == _MTSLOTS:
        return _mtslots(c, req, arg)
    if nr in _STRINGS:
        return _string(c, arg)
    bits = _BITS_BY_NR.get(nr)
    if bits is not None:
        return _bitset(c, arg, bits)
    if nr & ~0x3F == 0x40:       # EVIOCGABS(axis)
        return _absinfo(c, req, arg)
    if nr & ~0x1F == 0x20:       # EVIOCGBIT(type, length)
        ev = nr & 0x1F
        if ev == 0:
            return _bitset(c, arg, _EV)
        if ev == 0x16:           # EV_PWR
            return _int(c, arg)
        got = _BITS_BY_TYPE.get(ev)
        return ptr(arg) if got is None else _bitset(c, arg, got)
    return ptr(arg)


# -- writes ---------------------------------------------------------------------------

_FF_RUMBLE, _FF_PERIODIC, _FF_CONSTANT, _FF_RAMP = 0x50, 0x51, 0x52, 0x57


def _envelope(d: bytes, offset: int) -> str:
    attack_length, attack_level, fade_length, fade_level = struct.unpack_from("<4H", d, offset)
    return I.fields(("attack_length", attack_length), ("attack_level", attack_level),
                    ("fade_length", fade_length), ("fade_level", hexa(fade_level)))


def _ff_effect_body(typ: int, d: bytes) -> Optional[str]:
    if typ == _FF_CONSTANT:
        return "constant=" + I.fields(("level", struct.unpack_from("<h", d, 16)[0]),
                                      ("envelope", _envelope(d, 18)))
    if typ == _FF_RAMP:
        start, end = struct.unpack_from("<hh", d, 16)
        return "ramp=" + I.fields(("start_level", start), ("end_level", end),
                                  ("envelope", _envelope(d, 20)))
    if typ == _FF_PERIODIC:
        waveform, period, magnitude, offset, phase = struct.unpack_from("<HHhhH", d, 16)
        custom_len, custom_data = struct.unpack_from("<IQ", d, 36)
        return "periodic=" + I.fields(
            ("waveform", waveform), ("period", period), ("magnitude", magnitude),
            ("offset", offset), ("phase", phase), ("envelope", _envelope(d, 26)),
            ("custom_len", custom_len), ("custom_data", ptr(custom_data)))
    if typ == _FF_RUMBLE:
        strong, weak = struct.unpack_from("<HH", d, 16)
        return "rumble=" + I.fields(("strong_magnitude", strong), ("weak_magnitude", weak))
    return None


def _ff_effect(c: Ctx, arg: int) -> str:
    data = I.fetch(c, arg, 48)
    if isinstance(data, str):
        return data
    typ, eid, direction, button, interval, length, delay = struct.unpack_from("<HhH4H", data)
    head = "type=%s, id=%d, direction=%d" % (xval(typ, EV_FF_TYPES, "FF_???"), eid, direction)
    if c.abbrev:
        return "{%s, ...}" % head
    out = [head, "trigger=" + I.fields(("button", button), ("interval", interval)),
           "replay=" + I.fields(("length", length), ("delay", delay))]
    body = _ff_effect_body(typ, data)
    if body is not None:
        out.append(body)
    return "{" + ", ".join(out) + "}"


def _write(c: Ctx, req: int, arg: int) -> str:
    if I.ioc_nr(req) & ~0x3F == 0xC0:    # EVIOCSABS(axis)
        return _absinfo(c, req, arg)
    return ptr(arg)


# the requests of a fixed number, reads and writes
_FIXED: dict[int, Callable[[Ctx, int], str]] = {code(name): fn for name, fn in (
    ("EVIOCGVERSION", lambda c, arg: I.struct(c, arg, "<I", lambda v: "[%s]" % hexa(v))),
    ("EVIOCGEFFECTS", lambda c, arg: _uint(c, arg)),
    ("EVIOCGID", lambda c, arg: I.struct(c, arg, "<4H", lambda bus, vendor, product, version: (
        I.fields(("bustype", bus), ("vendor", vendor), ("product", product),
                 ("version", version))))),
    ("EVIOCGREP", lambda c, arg: _pair(c, arg)),
    ("EVIOCGKEYCODE", lambda c, arg: _keycode(c, arg)),
    ("EVIOCGKEYCODE_V2", lambda c, arg: _keycode_v2(c, arg)),
    ("EVIOCSREP", lambda c, arg: _pair(c, arg)),
    ("EVIOCSKEYCODE", lambda c, arg: _keycode(c, arg)),
    ("EVIOCSKEYCODE_V2", lambda c, arg: _keycode_v2(c, arg)),
    ("EVIOCRMFF", lambda c, arg: str(s32(arg))),
    ("EVIOCGRAB", lambda c, arg: str(u64(arg))),
    ("EVIOCREVOKE", lambda c, arg: str(u64(arg))),
    ("EVIOCSCLOCKID", lambda c, arg: _uint(c, arg)),
    ("EVIOCSFF", lambda c, arg: _ff_effect(c, arg)))}


def _evdev(c: Ctx, req: int, arg: int) -> Optional[str]:
    d = I.ioc_dir(req)
    if d not in (_IOC_READ, _IOC_WRITE):
        return None
    if d == _IOC_READ and not c.exiting:
        return ""
    fixed = _FIXED.get(req)
    if fixed is not None:
        text = fixed(c, arg)
    else:
        text = _read(c, req, arg) if d == _IOC_READ else _write(c, req, arg)
    return ", " + text if d == _IOC_READ else I.done(c, ", " + text)


I.FAMILIES[ord("E")] = _evdev
