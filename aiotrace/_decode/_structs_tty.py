# SPDX-License-Identifier: GPL-2.0-or-later
"""The structures of terminals (the TCGETS and TIOCGWINSZ ioctls), as strace prints
them: the flags of termios here, the structures in ``_ioctl_more``."""

from __future__ import annotations

from ._ctx import Ctx
from ._xlat import Flags, flags, hexa

# ---------------------------------------------------------------------------
# terminals

_IFLAG: Flags = (
    ("IGNBRK", 0o1), ("BRKINT", 0o2), ("IGNPAR", 0o4), ("PARMRK", 0o10),
    ("INPCK", 0o20), ("ISTRIP", 0o40), ("INLCR", 0o100), ("IGNCR", 0o200),
    ("ICRNL", 0o400), ("IUCLC", 0o1000), ("IXON", 0o2000), ("IXANY", 0o4000),
    ("IXOFF", 0o10000), ("IMAXBEL", 0o20000), ("IUTF8", 0o40000),
)
_OFLAG: Flags = (
    ("OPOST", 0o1), ("OLCUC", 0o2), ("ONLCR", 0o4), ("OCRNL", 0o10),
    ("ONOCR", 0o20), ("ONLRET", 0o40), ("OFILL", 0o100), ("OFDEL", 0o200),
)
_LFLAG: Flags = (
    ("ISIG", 0o1), ("ICANON", 0o2), ("XCASE", 0o4), ("ECHO", 0o10),
    ("ECHOE", 0o20), ("ECHOK", 0o40), ("ECHONL", 0o100), ("NOFLSH", 0o200),
    ("IEXTEN", 0o100000), ("ECHOCTL", 0o1000), ("ECHOPRT", 0o2000),
    ("ECHOKE", 0o4000), ("FLUSHO", 0o10000), ("PENDIN", 0o40000),
    ("TOSTOP", 0o400), ("EXTPROC", 0o200000),
)
_CFLAG: Flags = (
    ("CSTOPB", 0o100), ("CREAD", 0o200), ("PARENB", 0o400), ("PARODD", 0o1000),
    ("HUPCL", 0o2000), ("CLOCAL", 0o4000), ("CMSPAR", 0o10000000000),
    ("CRTSCTS", 0o20000000000),
)
_BAUDS = {
    0: "B0", 1: "B50", 2: "B75", 3: "B110", 4: "B134", 5: "B150", 6: "B200",
    7: "B300", 8: "B600", 9: "B1200", 10: "B1800", 11: "B2400", 12: "B4800",
    13: "B9600", 14: "B19200", 15: "B38400", 0o10000: "BOTHER",
    0o10001: "B57600", 0o10002: "B115200", 0o10003: "B230400",
    0o10004: "B460800", 0o10005: "B500000", 0o10006: "B576000",
    0o10007: "B921600", 0o10010: "B1000000", 0o10011: "B1152000",
    0o10012: "B1500000", 0o10013: "B2000000", 0o10014: "B2500000",
    0o10015: "B3000000", 0o10016: "B3500000", 0o10017: "B4000000",
}
_CBAUD = 0o10017
_CSIZE = {0: "CS5", 0o20: "CS6", 0o40: "CS7", 0o60: "CS8"}


def _fl(v: int, table: Flags) -> str:
    s = flags(v, table)
    return s


def _oflag(v: int) -> str:
    parts = [
        "NL%d" % ((v >> 8) & 1),
        "CR%d" % ((v >> 9) & 3),
        "XTABS" if (v >> 11) & 3 == 3 else "TAB%d" % ((v >> 11) & 3),
        "BS%d" % ((v >> 13) & 1),
        "VT%d" % ((v >> 14) & 1),
        "FF%d" % ((v >> 15) & 1),
    ]
    rest = v & ~0o177400
    if rest:
        parts.append(flags(rest, _OFLAG, None))
    return "|".join(parts)


def _cflag(v: int) -> str:
    parts = [_BAUDS.get(v & _CBAUD, hexa(v & _CBAUD))]
    ibaud = (v >> 16) & _CBAUD
    if ibaud:
        parts.append("%s<<IBSHIFT" % _BAUDS.get(ibaud, hexa(ibaud)))
    parts.append(_CSIZE[v & 0o60])
    rest = v & ~(_CBAUD | (_CBAUD << 16) | 0o60)
    if rest:
        parts.append(flags(rest, _CFLAG, None))
    return "|".join(parts)


def termios_flags(i: int, o: int, c: int, lf: int) -> str:
    """The four flag words of struct termios, termios2 and termio (their first fields)."""
    return "c_iflag=%s, c_oflag=%s, c_cflag=%s, c_lflag=%s" % (
        _fl(i, _IFLAG), _oflag(o), _cflag(c), _fl(lf, _LFLAG))


def winsize(ctx: Ctx, addr: int) -> str:
    return ctx.struct(
        addr, "<HHHH",
        lambda r, c, x, y: "{ws_row=%d, ws_col=%d, ws_xpixel=%d, ws_ypixel=%d}" % (r, c, x, y),
    )
