"""The small ioctl families of _ioctl_more (namespaces, modem lines), the return values
of requests that print theirs, and SIOCGIFCONF's array, as strace 6.1 prints them (its
tests ioctl_nsfs.c, ioctl_tiocm.c, ioctl_sock_gifconf.c). Tables, no tracee: the
decoder is given the registers and a fake memory (data at A)."""

from __future__ import annotations

import errno
import socket
import struct

import pytest

from fake_memory import EBADF, EBADF_TEXT, M32, A
from fake_memory import ioctl_line as line
from aiotrace._decode._xlat_ioctl_names import code



def _u32(v: int) -> bytes:
    return struct.pack("<I", v)


ALL_LINES = "TIOCM_LE|TIOCM_DTR|TIOCM_RTS|TIOCM_ST|TIOCM_SR|TIOCM_CTS|TIOCM_CAR|TIOCM_RNG|" \
            "TIOCM_DSR|TIOCM_OUT1|TIOCM_OUT2|TIOCM_LOOP"

LINES = [
    # namespaces: no argument; a descriptor or a type returned; the owner at exit
    ((M32, code("NS_GET_USERNS"), A), EBADF, b"", "ioctl(-1, NS_GET_USERNS) = " + EBADF_TEXT),
    ((3, code("NS_GET_PARENT"), 0), 7, b"", "ioctl(3, NS_GET_PARENT) = 7"),
    ((3, code("NS_GET_NSTYPE"), 0), 0x20000, b"", "ioctl(3, NS_GET_NSTYPE) = 131072 (CLONE_NEWNS)"),
    ((3, code("NS_GET_NSTYPE"), 0), 3, b"", "ioctl(3, NS_GET_NSTYPE) = 3"),
    ((3, code("NS_GET_OWNER_UID"), A), 0, _u32(1000), "ioctl(3, NS_GET_OWNER_UID, [1000]) = 0"),
    ((3, code("NS_GET_OWNER_UID"), A), 0, _u32(M32), "ioctl(3, NS_GET_OWNER_UID, [-1]) = 0"),
    ((M32, code("NS_GET_OWNER_UID"), 0), EBADF, b"",
     "ioctl(-1, NS_GET_OWNER_UID, NULL) = " + EBADF_TEXT),
    ((M32, code("NS_GET_OWNER_UID"), A), EBADF, _u32(0),
     "ioctl(-1, NS_GET_OWNER_UID, 0x10000) = " + EBADF_TEXT),
    # modem lines: read at entry (BIS, BIC, SET), written at exit (GET)
    ((M32, code("TIOCMBIS"), A), EBADF, _u32(0xFFFF1E00),
     "ioctl(-1, TIOCMBIS, [0xffff1e00 /* TIOCM_??? */]) = " + EBADF_TEXT),
    ((M32, code("TIOCMSET"), A), EBADF, _u32(0xE1FF), "ioctl(-1, TIOCMSET, [%s]) = %s"
     % (ALL_LINES, EBADF_TEXT)),
    ((M32, code("TIOCMBIC"), 0), EBADF, b"", "ioctl(-1, TIOCMBIC, NULL) = " + EBADF_TEXT),
    ((3, code("TIOCMGET"), A), 0, _u32(0x10006), "ioctl(3, TIOCMGET, [TIOCM_DTR|TIOCM_RTS|"
     "0x10000]) = 0"),
    ((M32, code("TIOCMGET"), A), EBADF, _u32(6), "ioctl(-1, TIOCMGET, 0x10000) = "
     + EBADF_TEXT),
    # the other terminal requests are decoded as before
    ((3, code("TIOCGSID"), A), 0, struct.pack("<i", 42), "ioctl(3, TIOCGSID, [42]) = 0"),
]


@pytest.mark.parametrize("args, ret, data, text", LINES)
def test_small_families(args, ret, data, text):
    assert line(args, ret, data) == text


def _ifreq(name: bytes, addr: str) -> bytes:
    sin = struct.pack("<H", socket.AF_INET) + bytes(2) + socket.inet_aton(addr) + bytes(8)
    return name.ljust(16, b"\0") + sin + bytes(8)


IFCONF = struct.pack("<i4xQ", 80, A + 16) + _ifreq(b"lo", "127.0.0.1") \
    + _ifreq(b"eth0", "192.0.2.2")
LO = '{ifr_name="lo", ifr_addr={sa_family=AF_INET, sin_port=htons(0),' \
     ' sin_addr=inet_addr("127.0.0.1")}}'
ETH = '{ifr_name="eth0", ifr_addr={sa_family=AF_INET, sin_port=htons(0),' \
      ' sin_addr=inet_addr("192.0.2.2")}}'


@pytest.mark.parametrize("args, ret, kw, text", [
    ((3, code("SIOCGIFCONF"), 0), -errno.EFAULT, {},
     "ioctl(3, SIOCGIFCONF, NULL) = -1 EFAULT (Bad address)"),
    ((3, code("SIOCGIFCONF"), A), 0, {},
     "ioctl(3, SIOCGIFCONF, {ifc_len=80 /* 2 * sizeof(struct ifreq) */, ifc_buf=[%s, %s]})"
     " = 0" % (LO, ETH)),
    # the array is cut at -s items (without -v)
    ((3, code("SIOCGIFCONF"), A), 0, {"strsize": 1},
     "ioctl(3, SIOCGIFCONF, {ifc_len=80 /* 2 * sizeof(struct ifreq) */, ifc_buf=[%s, ...]})"
     " = 0" % LO),
    ((3, code("SIOCGIFCONF"), A), 0, {"strsize": 1, "abbrev": False},
     "ioctl(3, SIOCGIFCONF, {ifc_len=80 /* 2 * sizeof(struct ifreq) */, ifc_buf=[%s, %s]})"
     " = 0" % (LO, ETH)),
])
def test_ifconf(args, ret, kw, text):
    assert line(args, ret, IFCONF, **kw) == text


# -- the termios structures ('T') ---------------------------------------------------

FLAGS = "c_iflag=IGNCR|ICRNL, c_oflag=NL0|CR0|TAB0|BS0|VT0|FF0|OPOST, c_cflag=B9600|CS8|CREAD," \
        " c_lflag=ISIG|ECHO"
TERMIOS = struct.pack("<4IB19s", 0o600, 1, 0o275, 0o11, 0, bytes(range(1, 20)))
TERMIOS2 = TERMIOS + struct.pack("<II", 9600, 38400)
TERMIO = struct.pack("<4HB8sx", 0o600, 1, 0o275, 0o11, 0x42, bytes(range(1, 9)))
CC = ", ".join("[%s]=%#x" % (n, i + 1) for i, n in enumerate(
    ("VINTR", "VQUIT", "VERASE", "VKILL", "VEOF", "VTIME", "VMIN", "VSWTC", "VSTART", "VSTOP",
     "VSUSP", "VEOL", "VREPRINT", "VDISCARD", "VWERASE", "VLNEXT", "VEOL2", "17", "18")))


@pytest.mark.parametrize("args, ret, data, kw, text", [
    ((3, code("TCGETS"), A), 0, TERMIOS, {}, "ioctl(3, TCGETS, {%s, ...}) = 0" % FLAGS),
    ((3, code("TCGETS"), A), 0, TERMIOS, {"abbrev": False},
     "ioctl(3, TCGETS, {%s, c_line=N_TTY, c_cc=[%s]}) = 0" % (FLAGS, CC)),
    # the whole structure is read: a short one is an address
    ((3, code("TCSETS"), A), -errno.EFAULT, TERMIOS[:32], {},
     "ioctl(3, SNDCTL_TMR_START or TCSETS, 0x10000) = -1 EFAULT (Bad address)"),
    ((3, code("TCSETSW2"), A), 0, TERMIOS2, {},
     "ioctl(3, TCSETSW2, {%s, ...}) = 0" % FLAGS),
    ((3, code("TCSETSW2"), A), 0, TERMIOS2, {"abbrev": False},
     "ioctl(3, TCSETSW2, {%s, c_line=N_TTY, c_cc=[%s], c_ispeed=9600, c_ospeed=38400}) = 0"
     % (FLAGS, CC)),
    ((3, code("TCGETS2"), 0), -errno.EFAULT, b"", {},
     "ioctl(3, TCGETS2, NULL) = -1 EFAULT (Bad address)"),
    ((3, code("TCSETAF"), A), 0, TERMIO, {"abbrev": False},
     "ioctl(3, TCSETAF, {%s, c_line=0x42 /* N_??? */, c_cc=[%s]}) = 0"
     % (FLAGS, CC.split(", [VSTART]")[0])),
    ((3, code("TCGETA"), A), 0, TERMIO[:17], {}, "ioctl(3, TCGETA, 0x10000) = 0"),
    ((3, code("TIOCGLCKTRMIOS"), A), EBADF, TERMIOS, {},
     "ioctl(3, TIOCGLCKTRMIOS, 0x10000) = " + EBADF_TEXT),
])
def test_termios(args, ret, data, kw, text):
    assert line(args, ret, data, **kw) == text
