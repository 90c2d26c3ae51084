# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: the virtual terminals and their keyboards ('K', linux/kd.h), as strace 6.1
decodes them: the beeper, the LEDs, the modes, the keymaps and their strings, the
accents, the screen maps and the fonts (the font requests in ``_ioctl_kd_font``)."""

from __future__ import annotations

import struct
from typing import Callable, Mapping

from . import _ioctl as I
from . import _style
from . import _xlat_kd as K
from ._ctx import Ctx
from ._misc import array
from ._quote import quote
from ._tables import Flags
from ._xlat import flags, hexa, s32, signame, u32, xval

PIT_TICK_RATE = 1193182       # the kernel's PIT_TICK_RATE: the beeper's clock
_E_TABSZ = 256                # the size of a screen map
_MAX_DIACR = 256              # the accents a table holds
_UNI_DIRECT_BASE, _UNI_DIRECT_MASK = 0xF000, 0x1FF
_GPFIRST, _GPLAST = 0x3B4, 0x3DF


def comment(text: str) -> str:
    """`` /* text */``, which -X raw leaves out."""
    return "" if _style.get() == _style.RAW else " /* %s */" % text


def hex_string(c: Ctx, addr: int, size: int, hex: bool = True) -> str:
    """*size* bytes at *addr* as a string of hex escapes (*hex*; else as -x says), at
    most -s of them then ``...`` (strace's printstr_ex with QUOTE_FORCE_HEX)."""
    if addr == 0:
        return "NULL"
    data = c.read(addr, min(size, c.strsize + 1))
    if data is None:
        return hexa(addr)
    return quote(data[:c.strsize], truncated=size > c.strsize, hex=hex, xflag=c.xflag)


def char(v: int, ws: bool = True) -> str:
    """A character in quotes, as a C literal (``'a'``, ``'\\n'``, ``'\\x00'``); *ws*:
    the white space as ``'\\t'``..., else in hex too."""
    if 0x20 <= v < 0x7F:
        return "'\\%c'" % v if v in (0x27, 0x5C) else "'%c'" % v
    if ws and 9 <= v <= 13:
        return "'\\%s'" % "tnvfr"[v - 9]
    return "'\\x%02x'" % v


def _at_exit(c: Ctx, show: Callable[[], str]) -> str:
    """The argument shown at exit (``, `` printed at entry)."""
    return show() if c.exiting else ", "


def _get(c: Ctx, arg: int, fmt: str, show: Callable[[int], str]) -> str:
    """A value the call writes, in brackets at exit."""
    size = struct.calcsize(fmt)
    return I.at_exit(c, arg, size, lambda d: "[%s]" % show(struct.unpack(fmt, d)[0]), True)


def _xval_d(v: int, table: Mapping[int, str], unknown: str) -> str:
    """A value named by *table*, in decimal where it has no name (printxval_d)."""
    name = table.get(u32(v))
    if name is None:
        return "%d%s" % (s32(v), comment(unknown))
    return _style.combine(str(s32(v)), name)


# -- the requests with a number for argument --------------------------------------

def _sound(c: Ctx, arg: int) -> str:
    freq = u32(PIT_TICK_RATE // arg) if arg else 0
    return I.done(c, ", %d%s" % (arg, comment("%d Hz" % freq if freq else "off")))


def _tone(c: Ctx, arg: int) -> str:
    ticks, count = arg >> 16 & 0xFFFF, arg & 0xFFFF
    freq = PIT_TICK_RATE // count if ticks and count else 0
    text = "%d<<16|%d" % (ticks, count) if ticks else "%d" % count
    note = "%d Hz, %d ms" % (freq, ticks) if freq else "off"
    return I.done(c, ", " + text + comment(note))


def _io(c: Ctx, arg: int) -> str:
    text = ", " + hexa(arg)
    if _GPFIRST <= arg <= _GPLAST:
        text += comment("GPFIRST + %d" % (arg - _GPFIRST))
    return I.done(c, text)


def _sigaccept(c: Ctx, arg: int) -> str:
    return I.done(c, ", " + (signame(arg) if arg < 0x7FFFFFFF else str(arg)))


def _value(show: Callable[[int], str]) -> I.Handler:
    return lambda c, req, arg: I.done(c, ", " + show(arg))


# -- the keymaps --------------------------------------------------------------

_KEY_NAMES: dict[int, str] = {}


def _key_names() -> dict[int, str]:
    """The names of the keys, by type (KTYP, the high byte of the value)."""
    if not _KEY_NAMES:
        for typ, table in ((1, K.KD_KEY_FN_KEYS), (2, K.KD_KEY_SPEC_KEYS),
                           (3, K.KD_KEY_PAD_KEYS), (4, K.KD_KEY_DEAD_KEYS),
                           (6, K.KD_KEY_CUR_KEYS), (7, K.KD_KEY_SHIFT_KEYS),
                           (9, K.KD_KEY_ASCII_KEYS), (10, K.KD_KEY_LOCK_KEYS),
                           (12, K.KD_KEY_SLOCK_KEYS), (14, K.KD_KEY_BRL_KEYS)):
            _KEY_NAMES.update((v, n) for v, n in table.items() if v >> 8 == typ)
    return _KEY_NAMES


_CHAR_TYPES = (0, 8, 11, 13)    # KT_LATIN, KT_META, KT_LETTER, KT_DEAD2: a character


def key_value(v: int) -> str:
    """kb_value: the value, and the key's name (or ``K(type, value)``) in a comment."""
    if _style.get() == _style.RAW:
        return hexa(v)
    name = _key_names().get(v)
    if name is None:
        typ, val = v >> 8, v & 0xFF
        with _style.using(_style.ABBREV):
            tname = K.KD_KEY_TYPES.get(typ) or hexa(typ)
        name = "K(%s, %s)" % (tname, char(val) if typ in _CHAR_TYPES else hexa(val))
    return "%s /* %s */" % (hexa(v), name)


def _kb_table(v: int) -> str:
    if v in K.KD_KEY_TABLES:
        return xval(v, K.KD_KEY_TABLES)
    return flags(v, K.KD_KEYMAP_FLAGS, "K_???")


def _entry(c: Ctx, req: int, arg: int) -> str:
    """KDGKBENT, KDSKBENT: the table and index at entry, the value at entry (set) or
    exit (get)."""
    get = req == _GKBENT
    if not c.exiting:
        head = c.read(arg, 2)
        if head is None:
            return I.done(c, ", " + hexa(arg) if arg else ", NULL")
        text = ", {kb_table=%s, kb_index=%d" % (_kb_table(head[0]), head[1])
        if get:
            return text
        return I.done(c, text + _kb_value(c, arg))
    return ("" if c.failed else _kb_value(c, arg)) + "}"


def _kb_value(c: Ctx, arg: int) -> str:
    data = c.read(arg + 2, 2)
    if data is None:
        return ", kb_value=???" + ("" if c.exiting else "}")
    return ", kb_value=%s%s" % (key_value(struct.unpack("<H", data)[0]),
                                "" if c.exiting else "}")


def _string_entry(c: Ctx, req: int, arg: int) -> str:
    """KDGKBSENT, KDSKBSENT: the function key at entry, its string at entry (set) or
    exit (get)."""
    get = req == _GKBSENT
    if not c.exiting:
        data = I.fetch(c, arg, 1)
        if isinstance(data, str):
            return I.done(c, ", " + data)
        text = ", {kb_func=%s" % xval(data[0], K.KD_KEY_FN_KEY_VALS, "KVAL(K_???)")
        return text if get else I.done(c, text + _kb_string(c, arg) + "}")
    return ("" if c.failed else _kb_string(c, arg)) + "}"


def _kb_string(c: Ctx, arg: int) -> str:
    raw = c.read_cstr(arg + 1, 512)
    if raw is None:
        return ", kb_string=???"
    # (the bytes up to the NUL, cut at -s; a NUL within them is not printed)
    size = min(c.strsize, len(raw) + 1 if len(raw) < 512 else 512)
    shown = (raw + b"\0")[:size]
    if shown.endswith(b"\0"):
        return ", kb_string=" + quote(shown[:-1], xflag=c.xflag)
    return ", kb_string=" + quote(shown, truncated=True, xflag=c.xflag)


def _diacr_item(d: bytes) -> str:
    return "{diacr=%s, base=%s, result=%s}" % (char(d[0]), char(d[1]), char(d[2]))


def _diacruc_item(d: bytes) -> str:
    return "{diacr=%s, base=%s, result=%s}" % tuple(map(hexa, struct.unpack("<3I", d)))


def _diacrs(name: str, size: int, item: Callable[[bytes], str], get: bool) -> I.Handler:
    """KDGKBDIACR(UC), KDSKBDIACR(UC): a count and that many accents (256 at most)."""
    def show(c: Ctx, arg: int) -> str:
        data = I.fetch(c, arg, 4)
        if isinstance(data, str):
            return data
        cnt = struct.unpack("<I", data)[0]
        items = array(c, arg + 4, min(cnt, _MAX_DIACR), size, item)
        if cnt > _MAX_DIACR and items.startswith("[") and not items.endswith("...]") \
                and not items.endswith("*/]"):
            items = items[:-1] + ", ...]"
        return "{kb_cnt=%d, %s=%s}" % (cnt, name, items)

    def decode(c: Ctx, req: int, arg: int) -> str:
        if not get:
            return I.done(c, ", " + show(c, arg))
        return _at_exit(c, lambda: show(c, arg))
    return decode


def _keycode(c: Ctx, req: int, arg: int) -> str:
    """KDGETKEYCODE, KDSETKEYCODE: the scan code and key code, `` => `` the key code
    the getter returns."""
    if not c.exiting:
        data = I.fetch(c, arg, 8)
        if isinstance(data, str):
            return I.done(c, ", " + data)
        text = ", {scancode=%s, keycode=%s" % tuple(map(hexa, struct.unpack("<2I", data)))
        return text if req == _GETKEYCODE else I.done(c, text + "}")
    out = None if c.failed else c.read(arg + 4, 4)
    return "}" if out is None else " => %s}" % hexa(struct.unpack("<I", out)[0])


def _repeat(d: bytes) -> str:
    return "{delay=%d, period=%d}" % struct.unpack("<2i", d)


def _kbdrep(c: Ctx, req: int, arg: int) -> str:
    """KDKBDREP: the rate asked for, `` => `` the one set (nothing when the call failed)."""
    if not c.exiting:
        data = I.fetch(c, arg, 8)
        return I.done(c, ", " + data) if isinstance(data, str) else ", " + _repeat(data)
    out = None if c.failed else c.read(arg, 8)
    return "" if out is None else " => " + _repeat(out)


# -- the screen maps ----------------------------------------------------------

def _uni(d: bytes) -> str:
    v = struct.unpack("<H", d)[0]
    st = _style.get()
    direct = v & ~_UNI_DIRECT_MASK == _UNI_DIRECT_BASE
    if not direct or st == _style.RAW:
        return hexa(v)
    text = "UNI_DIRECT_BASE+%s" % hexa(v & _UNI_DIRECT_MASK)
    return "%s /* %s */" % (hexa(v), text) if st == _style.VERBOSE else text


def _getter_setter(show: Callable[[Ctx, int], str], get: bool) -> I.Handler:
    """A request that sets (the argument shown at entry) or *get*s (shown at exit, the
    address when the call failed)."""
    def decode(c: Ctx, req: int, arg: int) -> str:
        if not c.exiting:
            return ", " if get else I.done(c, ", " + show(c, arg))
        return hexa(arg) if c.failed and arg else show(c, arg)
    return decode


def _leds(table: Flags) -> I.Handler:
    """The LEDs: set, the argument's low byte; get, the byte the call wrote."""
    def decode(c: Ctx, req: int, arg: int) -> str:
        if req in (_SETLED, _SKBLED):
            return I.done(c, ", " + flags(arg & 0xFF, table, "LED_???"))
        return _get(c, arg, "<B", lambda v: flags(v, table, "LED_???"))
    return decode


def _screen_map(c: Ctx, arg: int) -> str:
    return hex_string(c, arg, _E_TABSZ)


def _uni_map(c: Ctx, arg: int) -> str:
    return array(c, arg, _E_TABSZ, 2, _uni)


def _unimapclr(c: Ctx, req: int, arg: int) -> str:
    return I.at_entry(c, arg, 6, lambda d: "{advised_hashsize=%d, advised_hashstep=%d,"
                      " advised_hashlevel=%d}" % struct.unpack("<3H", d))


def _none(c: Ctx, req: int, arg: int) -> str:
    return I.done(c, "")       # no argument at all: not even the ", "


_GKBENT, _GKBSENT = 0x4B46, 0x4B48
_GETKEYCODE, _SETLED, _SKBLED = 0x4B4C, 0x4B32, 0x4B65

#: the requests' handlers, by name (those of the fonts are in _ioctl_kd_font)
HANDLERS: dict[str, I.Handler] = {
    "KIOCSOUND": lambda c, req, arg: _sound(c, arg),
    "KDMKTONE": lambda c, req, arg: _tone(c, u32(arg)),
    "KDADDIO": lambda c, req, arg: _io(c, arg),
    "KDDELIO": lambda c, req, arg: _io(c, arg),
    "KDSIGACCEPT": lambda c, req, arg: _sigaccept(c, arg),
    "KDSETMODE": _value(lambda v: xval(u32(v), K.KD_MODES, "KD_???")),
    "KDSKBMODE": _value(lambda v: _xval_d(v, K.KD_KBD_MODES, "K_???")),
    "KDSKBMETA": _value(lambda v: xval(u32(v), K.KD_META_VALS, "K_???")),
    "KDGETMODE": lambda c, req, arg: _get(c, arg, "<I", lambda v: xval(
        v, K.KD_MODES, "KD_???")),
    "KDGKBMODE": lambda c, req, arg: _get(c, arg, "<I", lambda v: _xval_d(
        v, K.KD_KBD_MODES, "K_???")),
    "KDGKBMETA": lambda c, req, arg: _get(c, arg, "<I", lambda v: xval(
        v, K.KD_META_VALS, "K_???")),
    "KDGKBTYPE": lambda c, req, arg: _get(c, arg, "<B", lambda v: xval(
        v, K.KD_KBD_TYPES, "KB_???")),
    "KDGETLED": lambda c, req, arg: _leds(K.KD_LED_FLAGS)(c, req, arg),
    "KDSETLED": lambda c, req, arg: _leds(K.KD_LED_FLAGS)(c, req, arg),
    "KDGKBLED": lambda c, req, arg: _leds(K.KD_DEFAULT_LED_FLAGS)(c, req, arg),
    "KDSKBLED": lambda c, req, arg: _leds(K.KD_DEFAULT_LED_FLAGS)(c, req, arg),
    **{io + "_SCRNMAP": _getter_setter(_screen_map, io == "GIO") for io in ("GIO", "PIO")},
    **{io + "_UNISCRNMAP": _getter_setter(_uni_map, io == "GIO")
       for io in ("GIO", "PIO")},
    # (the old font requests: 256 characters of 32 lines of 8 pixels)
    **{io + "_FONT": _getter_setter(lambda c, a: hex_string(c, a, 8192), io == "GIO")
       for io in ("GIO", "PIO")},
    **{io + "_CMAP": _getter_setter(lambda c, a: hex_string(c, a, 48), io == "GIO")
       for io in ("GIO", "PIO")},
    "KDGKBENT": _entry,
    "KDSKBENT": _entry,
    "KDGKBSENT": _string_entry,
    "KDSKBSENT": _string_entry,
    **{"KD%sKBDIACR" % gs: _diacrs("kbdiacr", 3, _diacr_item, gs == "G") for gs in "GS"},
    **{"KD%sKBDIACRUC" % gs: _diacrs("kbdiacruc", 12, _diacruc_item, gs == "G")
       for gs in "GS"},
    "KDGETKEYCODE": _keycode,
    "KDSETKEYCODE": _keycode,
    "KDKBDREP": _kbdrep,
    "PIO_UNIMAPCLR": _unimapclr,
    "KDENABIO": _none,
    "KDDISABIO": _none,
    "KDMAPDISP": _none,
    "KDUNMAPDISP": _none,
    "PIO_FONTRESET": _none,
}
