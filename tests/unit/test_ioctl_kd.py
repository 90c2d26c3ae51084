"""The virtual terminal requests ('K', linux/kd.h) as strace 6.1 prints them (its test
ioctl_kd.c). Tables, no tracee: the decoder is given the registers and a fake memory
(data at A)."""

from __future__ import annotations

import struct

import pytest

from fake_memory import EBADF, EBADF_TEXT, M32, A
from fake_memory import ioctl_line as line
from aiotrace._decode._style import RAW, VERBOSE
from aiotrace._decode._xlat_ioctl_names import code

OK = " = 42"
FAIL = " = " + EBADF_TEXT
AOK, AFAIL = ")" + OK, ")" + FAIL     # (after an argument)


def kd(name: str, arg: int, data: bytes = b"", ret: int = 42, **kw: object) -> str:
    return line((M32, code(name), arg), ret, data, **kw)


@pytest.mark.parametrize("name, arg, data, ret, kw, text", [
    # numbers for argument, with a comment
    ("KIOCSOUND", 0, b"", EBADF, {}, "ioctl(-1, KIOCSOUND, 0 /* off */)" + FAIL),
    ("KIOCSOUND", 440, b"", 42, {}, "ioctl(-1, KIOCSOUND, 440 /* 2711 Hz */)" + OK),
    ("KIOCSOUND", 1193183, b"", 42, {}, "ioctl(-1, KIOCSOUND, 1193183 /* off */)" + OK),
    ("KIOCSOUND", 440, b"", 42, {"xstyle": RAW}, "ioctl(-1, 0x4b2f, 440)" + OK),
    ("KDMKTONE", 0x10001, b"", 42, {},
     "ioctl(-1, KDMKTONE, 1<<16|1 /* 1193182 Hz, 1 ms */)" + OK),
    ("KDMKTONE", 0xFFFF_0000_0000_0000, b"", 42, {}, "ioctl(-1, KDMKTONE, 0 /* off */)" + OK),
    ("KDADDIO", 0x3DF, b"", 42, {}, "ioctl(-1, KDADDIO, 0x3df /* GPFIRST + 43 */)" + OK),
    ("KDDELIO", 0x3B3, b"", 42, {}, "ioctl(-1, KDDELIO, 0x3b3)" + OK),
    ("KDENABIO", A, b"", 42, {}, "ioctl(-1, KDENABIO)" + OK),
    ("KDSIGACCEPT", 10, b"", 42, {}, "ioctl(-1, KDSIGACCEPT, SIGUSR1)" + OK),
    ("KDSIGACCEPT", 2**64 - 1, b"", 42, {},
     "ioctl(-1, KDSIGACCEPT, 18446744073709551615)" + OK),
    # names: 32 bits of the argument; decimal for the keyboard modes
    ("KDSETMODE", 0xBADC0DEDCACAFEFE, b"", 42, {},
     "ioctl(-1, KDSETMODE, 0xcacafefe /* KD_??? */)" + OK),
    ("KDSETMODE", 1, b"", 42, {"xstyle": VERBOSE},
     "ioctl(-1, 0x4b3a /* KDSETMODE */, 0x1 /* KD_GRAPHICS */)" + OK),
    ("KDSKBMODE", M32, b"", 42, {}, "ioctl(-1, KDSKBMODE, -1 /* K_??? */)" + OK),
    ("KDSKBMODE", 3, b"", 42, {}, "ioctl(-1, KDSKBMODE, K_UNICODE)" + OK),
    ("KDSKBMETA", 0, b"", 42, {}, "ioctl(-1, KDSKBMETA, 0 /* K_??? */)" + OK),
    ("KDGKBMODE", A, struct.pack("<i", 5), 42, {},
     "ioctl(-1, KDGKBMODE, [5 /* K_??? */])" + OK),
    ("KDGKBMODE", A, struct.pack("<i", 5), EBADF, {}, "ioctl(-1, KDGKBMODE, 0x10000)" + FAIL),
    ("KDGKBTYPE", A, b"\2", 42, {}, "ioctl(-1, KDGKBTYPE, [KB_101])" + OK),
    # the LEDs: the low byte of a setter's argument
    ("KDSETLED", 0x1F0, b"", 42, {}, "ioctl(-1, KDSETLED, 0xf0 /* LED_??? */)" + OK),
    ("KDSKBLED", 0x77, b"", 42, {},
     "ioctl(-1, KDSKBLED, LED_SCR|LED_NUM|LED_CAP|LED_SCR<<4|LED_NUM<<4|LED_CAP<<4)" + OK),
    ("KDGETLED", A, b"\x06", 42, {}, "ioctl(-1, KDGETLED, [LED_NUM|LED_CAP])" + OK),
])
def test_values(name, arg, data, ret, kw, text):
    assert kd(name, arg, data, ret, **kw) == text


def entry(table: int, index: int, value: int) -> bytes:
    return struct.pack("<BBH", table, index, value)


@pytest.mark.parametrize("name, data, ret, kw, text", [
    # a table's name, else its modifiers; the key's name, else K(type, value)
    ("KDGKBENT", entry(3, 71, 0x313), EBADF, {},
     "{kb_table=K_ALTSHIFTTAB, kb_index=71}" + AFAIL),
    ("KDGKBENT", entry(0xA4, 1, 0x313), 42, {},
     "{kb_table=1<<KG_CTRL|1<<KG_SHIFTR|1<<KG_CTRLR, kb_index=1,"
     " kb_value=0x313 /* K_PPARENR */}" + AOK),
    ("KDSKBENT", entry(4, 1, 0x7E), 42, {},
     "{kb_table=1<<KG_CTRL, kb_index=1, kb_value=0x7e /* K(KT_LATIN, '~') */}" + AOK),
    ("KDSKBENT", entry(1, 2, 0x800), 42, {},
     "{kb_table=K_SHIFTTAB, kb_index=2, kb_value=0x800 /* K(KT_META, '\\x00') */}" + AOK),
    ("KDSKBENT", entry(1, 2, 0x80A), 42, {},
     "{kb_table=K_SHIFTTAB, kb_index=2, kb_value=0x80a /* K(KT_META, '\\n') */}" + AOK),
    ("KDSKBENT", entry(1, 2, 0xF00D), 42, {},
     "{kb_table=K_SHIFTTAB, kb_index=2, kb_value=0xf00d /* K(0xf0, 0xd) */}" + AOK),
    ("KDSKBENT", entry(1, 2, 0x214), 42, {"xstyle": RAW},
     "{kb_table=0x1, kb_index=2, kb_value=0x214}" + AOK),
    ("KDSKBENT", entry(1, 2, 0)[:2], 42, {}, "{kb_table=K_SHIFTTAB, kb_index=2, kb_value=???}"
     + AOK),
    # the function keys' strings: cut at -s, no NUL shown
    ("KDSKBSENT", b"\x01abc\0", 42, {}, '{kb_func=KVAL(K_F2), kb_string="abc"}' + AOK),
    ("KDGKBSENT", b"\xff" + b"x" * 40 + b"\0", 42, {"strsize": 8},
     '{kb_func=KVAL(K_UNDO), kb_string="xxxxxxxx"...}' + AOK),
    ("KDGKBSENT", b"\xff" + b"x" * 40 + b"\0", EBADF, {}, "{kb_func=KVAL(K_UNDO)}" + AFAIL),
    # the accents: at most 256, and a "..." for more
    ("KDSKBDIACR", struct.pack("<I", 2) + b"()*+,-", 42, {},
     "{kb_cnt=2, kbdiacr=[{diacr='(', base=')', result='*'}, {diacr='+', base=',',"
     " result='-'}]}" + AOK),
    ("KDSKBDIACR", struct.pack("<I", 3) + b"()*+,-", 42, {},
     "{kb_cnt=3, kbdiacr=[{diacr='(', base=')', result='*'}, {diacr='+', base=',',"
     " result='-'}, ... /* 0x1000a */]}" + AOK),
    ("KDGKBDIACRUC", struct.pack("<4I", 257, 1, 2, 3) + bytes(12 * 255), 42, {"strsize": 1},
     "{kb_cnt=257, kbdiacruc=[{diacr=0x1, base=0x2, result=0x3}, ...]}" + AOK),
    ("KDGKBDIACRUC", struct.pack("<4I", 257, 1, 2, 3) + bytes(12 * 255), 42,
     {"abbrev": False}, "{kb_cnt=257, kbdiacruc=[{diacr=0x1, base=0x2, result=0x3}, "
     + "{diacr=0, base=0, result=0}, " * 255 + "...]}" + AOK),
    # the key codes, the repeat rate: `` => `` what the call wrote
    ("KDGETKEYCODE", struct.pack("<2I", 0xFACEFEED, 0), 42, {},
     "{scancode=0xfacefeed, keycode=0 => 0}" + AOK),
    ("KDSETKEYCODE", struct.pack("<2I", 1, 2), EBADF, {}, "{scancode=0x1, keycode=0x2}" + AFAIL),
    ("KDKBDREP", struct.pack("<2i", -1, 0), 42, {},
     "{delay=-1, period=0} => {delay=-1, period=0}" + AOK),
    ("KDKBDREP", struct.pack("<2i", -1, 0), EBADF, {}, "{delay=-1, period=0}" + AFAIL),
    # the maps: strings in hex, Unicode values
    ("PIO_SCRNMAP", bytes(range(256)), 42, {"strsize": 4}, '"\\x00\\x01\\x02\\x03"...' + AOK),
    ("GIO_SCRNMAP", bytes(range(256)), EBADF, {}, "0x10000" + AFAIL),
    ("GIO_CMAP", b"a" * 48, 42, {"strsize": 48}, '"' + "\\x61" * 48 + '"' + AOK),
    ("PIO_UNISCRNMAP", struct.pack("<3H", 0xEFFF, 0xF000, 0xF1FF) + bytes(506), 42,
     {"strsize": 3}, "[0xefff, UNI_DIRECT_BASE+0, UNI_DIRECT_BASE+0x1ff, ...]" + AOK),
    ("PIO_UNISCRNMAP", struct.pack("<3H", 0xEFFF, 0xF000, 0xF1FF) + bytes(506), 42,
     {"strsize": 2, "xstyle": VERBOSE}, "[0xefff, 0xf000 /* UNI_DIRECT_BASE+0 */, ...]" + AOK),
    ("GIO_UNISCRNMAP", bytes(512), EBADF, {}, "0x10000" + AFAIL),
    ("PIO_UNIMAPCLR", struct.pack("<3H", 1, 2, 3), 42, {},
     "{advised_hashsize=1, advised_hashstep=2, advised_hashlevel=3}" + AOK),
])
def test_structures(name, data, ret, kw, text):
    # (the argument and the return value: the line after its second ", ")
    assert kd(name, A, data, ret, **kw).split(", ", 2)[2] == text


def test_unreadable():
    assert kd("KDGKBENT", A + 4096, b"") == "ioctl(-1, KDGKBENT, 0x11000)" + OK
    assert kd("KDGKBENT", 0, b"") == "ioctl(-1, KDGKBENT, NULL)" + OK
    assert kd("KDSKBDIACR", 0, b"") == "ioctl(-1, KDSKBDIACR, NULL)" + OK


B = A + 0x100      # (a second buffer, in the same fake memory)


def at_b(head: bytes, tail: bytes) -> bytes:
    return head.ljust(0x100, b"\0") + tail


@pytest.mark.parametrize("name, data, ret, text", [
    # the Unicode map: the count, again at exit, the pairs
    ("PIO_UNIMAP", at_b(struct.pack("<H6xQ", 2, B), struct.pack("<4H", 1, 2, 3, 4)), 42,
     "{entry_ct=2, entries=[{unicode=0x1, fontpos=0x2}, {unicode=0x3, fontpos=0x4}]}" + AOK),
    ("GIO_UNIMAP", at_b(struct.pack("<H6xQ", 1, B), struct.pack("<2H", 1, 2)), 42,
     "{entry_ct=1 => 1, entries=[{unicode=0x1, fontpos=0x2}]}" + AOK),
    ("GIO_UNIMAP", at_b(struct.pack("<H6xQ", 1, B), b""), EBADF,
     "{entry_ct=1 => 1, entries=0x10100}" + AFAIL),
    # the fonts: the data in hex
    ("GIO_FONTX", at_b(struct.pack("<HH4xQ", 1, 8, B), b"\1" * 32), 42,
     "{charcount=1, charheight=8, chardata=0x10100} => {charcount=1, charheight=8,"
     ' chardata="' + "\\x01" * 32 + '"}' + AOK),
    ("PIO_FONTX", at_b(struct.pack("<HH4xQ", 1, 8, B), b"\1" * 31), 42,
     "{charcount=1, charheight=8, chardata=0x10100}" + AOK),
    ("KDFONTOP", at_b(struct.pack("<5I4xQ", 0, 1, 8, 16, 1, B), b"\2" * 32), 42,
     "{op=KD_FONT_OP_SET, flags=KD_FONT_FLAG_DONT_RECALC, width=8, height=16, charcount=1,"
     ' data="' + "\\x02" * 32 + '"}' + AOK),
    ("KDFONTOP", at_b(struct.pack("<5I4xQ", 1, 0, 8, 16, 1, B), b"\2" * 32), 42,
     "{op=KD_FONT_OP_GET, flags=0, width=8, height=16, charcount=1, data=0x10100} =>"
     ' {width=8, height=16, charcount=1, data="' + "\\x02" * 32 + '"}' + AOK),
    ("KDFONTOP", at_b(struct.pack("<5I4xQ", 2, 0, 1, 0, 1, B), b"x" * 40), 42,
     '{op=KD_FONT_OP_SET_DEFAULT, width=1, height=0, data="' + "x" * 31 + '"...}'
     " => {width=1, height=0}" + AOK),
    ("KDFONTOP", at_b(struct.pack("<5I4xQ", 2, 0, 1, 0, 1, B), b"x" * 31), EBADF,
     '{op=KD_FONT_OP_SET_DEFAULT, width=1, height=0, data="' + "x" * 31 + '"}' + AFAIL),
    ("KDFONTOP", struct.pack("<5I4xQ", 3, 0, 1, 2, 3, 0), 42,
     "{op=KD_FONT_OP_COPY, height=2}" + AOK),
    ("KDFONTOP", struct.pack("<5I4xQ", 9, 0, 1, 2, 3, 0), EBADF,
     "{op=0x9 /* KD_FONT_OP_??? */, flags=0, width=1, height=2, charcount=3, data=NULL}"
     + AFAIL),
])
def test_fonts(name, data, ret, text):
    assert kd(name, A, data, ret).split(", ", 2)[2] == text
