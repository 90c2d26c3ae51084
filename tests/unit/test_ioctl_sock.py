"""The socket ioctl requests (0x89) as strace 6.1 prints them (its test ioctl_sock.c):
ints through a pointer, bridge names, interface indexes, interface requests with every
field, and addresses. Tables, no tracee: the decoder is given the registers and a fake
memory (data at A)."""

from __future__ import annotations

import socket
import struct

import pytest

from fake_memory import EBADF, EBADF_TEXT, M32, A
from fake_memory import ioctl_line as line
from aiotrace._decode._xlat_ioctl_names import code



def ifreq(name: bytes, value: bytes) -> bytes:
    return name.ljust(16, b"\0")[:16] + value.ljust(24, b"\0")


SIN = struct.pack("<H", socket.AF_INET) + struct.pack(">H", 80) + socket.inet_aton("10.0.0.1")
SIN_TEXT = '{sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("10.0.0.1")}'


@pytest.mark.parametrize("args, ret, data, text", [
    # ints given or returned through a pointer
    ((3, code("FIOGETOWN"), A), 0, struct.pack("<i", 42), "ioctl(3, FIOGETOWN, [42]) = 0"),
    ((3, code("SIOCATMARK"), A), EBADF, struct.pack("<i", 1),
     "ioctl(3, SIOCATMARK, 0x10000) = " + EBADF_TEXT),
    ((3, code("SIOCSPGRP"), A), 0, struct.pack("<i", -1), "ioctl(3, SIOCSPGRP, [-1]) = 0"),
    ((M32, code("FIOSETOWN"), 0), EBADF, b"", "ioctl(-1, FIOSETOWN, NULL) = " + EBADF_TEXT),
    # bridge names: IFNAMSIZ bytes at most
    ((M32, code("SIOCBRADDBR"), A), EBADF, b"br0\0", 'ioctl(-1, SIOCBRADDBR, "br0") = '
     + EBADF_TEXT),
    ((M32, code("SIOCBRDELBR"), A), EBADF, b"0123456789abcdefXYZ",
     'ioctl(-1, SIOCBRDELBR, "0123456789abcdef"...) = ' + EBADF_TEXT),
    ((M32, code("SIOCBRDELBR"), A), EBADF, b"0123", "ioctl(-1, SIOCBRDELBR, 0x10000) = "
     + EBADF_TEXT),
    # an interface index, named when the tracer has that interface (1: lo)
    ((M32, code("SIOCBRADDIF"), A), EBADF, ifreq(b"", struct.pack("<i", 1)),
     'ioctl(-1, SIOCBRADDIF, {ifr_ifindex=if_nametoindex("lo")}) = ' + EBADF_TEXT),
    ((M32, code("SIOCBRADDIF"), A), EBADF, ifreq(b"", struct.pack("<i", -5)),
     "ioctl(-1, SIOCBRADDIF, {ifr_ifindex=-5}) = " + EBADF_TEXT),
    # interface requests: every setter, an unterminated name
    ((M32, code("SIOCSIFADDR"), A), EBADF, ifreq(b"eth0", SIN),
     'ioctl(-1, SIOCSIFADDR, {ifr_name="eth0", ifr_addr=%s}) = %s' % (SIN_TEXT, EBADF_TEXT)),
    ((M32, code("SIOCSIFNETMASK"), A), EBADF, ifreq(b"0123456789abcdef", SIN),
     'ioctl(-1, SIOCSIFNETMASK, {ifr_name="0123456789abcde"..., ifr_netmask=%s}) = %s'
     % (SIN_TEXT, EBADF_TEXT)),
    ((M32, code("SIOCSIFMETRIC"), A), EBADF, ifreq(b"lo", struct.pack("<i", -7)),
     'ioctl(-1, SIOCSIFMETRIC, {ifr_name="lo", ifr_metric=-7}) = ' + EBADF_TEXT),
    ((M32, code("SIOCSIFNAME"), A), EBADF, ifreq(b"lo", b"abcdefghijklmnop"),
     'ioctl(-1, SIOCSIFNAME, {ifr_name="lo", ifr_newname="abcdefghijklmno"...}) = '
     + EBADF_TEXT),
    ((M32, code("SIOCSIFSLAVE"), A), EBADF, ifreq(b"lo", b"eth1"),
     'ioctl(-1, SIOCSIFSLAVE, {ifr_name="lo", ifr_slave="eth1"}) = ' + EBADF_TEXT),
    ((M32, code("SIOCADDMULTI"), A), EBADF, ifreq(b"lo", struct.pack("<H6B", 1, 1, 2, 3, 4,
                                                                         5, 0xAB)),
     'ioctl(-1, SIOCADDMULTI, {ifr_name="lo", ifr_hwaddr={sa_family=ARPHRD_ETHER,'
     " sa_data=01:02:03:04:05:ab}}) = " + EBADF_TEXT),
    ((M32, code("SIOCSIFMAP"), A), EBADF, ifreq(b"lo", struct.pack("<QQHBBB", 1, 2, 3, 4, 5,
                                                                       6)),
     'ioctl(-1, SIOCSIFMAP, {ifr_name="lo", ifr_map={mem_start=0x1, mem_end=0x2,'
     " base_addr=0x3, irq=0x4, dma=0x5, port=0x6}}) = " + EBADF_TEXT),
    ((M32, code("SIOCSIFTXQLEN"), 0), EBADF, b"", "ioctl(-1, SIOCSIFTXQLEN, NULL) = "
     + EBADF_TEXT),
    ((3, code("SIOCGIFMETRIC"), A), 0, ifreq(b"lo", struct.pack("<i", 3)),
     'ioctl(3, SIOCGIFMETRIC, {ifr_name="lo", ifr_metric=3}) = 0'),
    ((M32, code("SIOCGIFFLAGS"), 0), EBADF, b"", "ioctl(-1, SIOCGIFFLAGS, NULL) = "
     + EBADF_TEXT),
    # the requests strace shows as an address
    ((M32, code("SIOCGSTAMP_OLD"), 0), EBADF, b"", "ioctl(-1, SIOCGSTAMP_OLD, NULL) = "
     + EBADF_TEXT),
    ((M32, code("SIOCETHTOOL"), A), EBADF, b"", "ioctl(-1, SIOCETHTOOL, 0x10000) = "
     + EBADF_TEXT),
])
def test_sock(args, ret, data, text):
    assert line(args, ret, data) == text
