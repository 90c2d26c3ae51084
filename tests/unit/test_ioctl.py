# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl requests and arguments as strace 6.1 prints them, as tables (no tracee): the
names of the request numbers, the numbers that carry a parameter, ``_IOC(...)``, the
``-X`` styles.
The expected texts are strace 6.1's, for the same registers and memory (its test
suite's expectations: tests/ioctl_*.c)."""

from __future__ import annotations

import pytest

from aiotrace._decode import _style
from aiotrace._decode._ioctl import request
from aiotrace._decode._xlat_ioctl import IOCTL_NAMES, code

STYLE = {"abbrev": _style.ABBREV, "raw": _style.RAW, "verbose": _style.VERBOSE}


# -- request numbers ------------------------------------------------------------

@pytest.mark.parametrize("number, text", [
    (0x5401, "TCGETS"),
    (0x5402, "SNDCTL_TMR_START or TCSETS"),       # two names of one number, by name
    (0xC0045877, "FIFREEZE"),
    (0x40063E00, "COUNTER_ADD_WATCH_IOCTL"),
    (0x80044501, "EVIOCGVERSION"),
    # a parameter in the number: a size, an event type, an axis, a mixer channel
    (0x80FF4506, "EVIOCGNAME(255)"),
    (0x80604521, "EVIOCGBIT(EV_KEY, 96)"),
    (0x80044520, "EVIOCGBIT(0, 4)"),
    (0x8004453E, "EVIOCGBIT(0x1e /* EV_??? */, 4)"),
    (0x80184541, "EVIOCGABS(ABS_Y)"),
    (0x401845C0, "EVIOCSABS(ABS_X)"),
    (0x80044D02, "MIXER_READ(2) or MCE_GET_LOG_LEN"),   # then the names of the number
    (0x40044D05, "MIXER_WRITE(5)"),
    (0x40106B00, "SPI_IOC_MESSAGE(16)"),
    (0x80082102, "SECCOMP_IOCTL_NOTIF_ID_VALID_WRONG_DIR"),
    # no name: its fields, 0 as 0
    (0x4B00, "_IOC(_IOC_NONE, 0x4b, 0, 0)"),
    (0x1234ABCD, "_IOC(_IOC_NONE, 0xab, 0xcd, 0x1234)"),
    (0xC008ABFF, "_IOC(_IOC_READ|_IOC_WRITE, 0xab, 0xff, 0x8)"),
])
def test_request_names(number, text):
    assert request(number) == text


@pytest.mark.parametrize("style, text", [
    ("abbrev", "EVIOCGBIT(EV_KEY, 96)"),
    ("raw", "0x80604521"),
    # the parameter's name in abbrev style inside the comment
    ("verbose", "0x80604521 /* EVIOCGBIT(EV_KEY, 96) */"),
])
def test_request_in_each_style(style, text):
    with _style.using(STYLE[style]):
        assert request(0x80604521) == text


def test_unknown_request_verbose():
    with _style.using(_style.VERBOSE):
        assert request(0x4B00) == "0x4b00 /* _IOC(_IOC_NONE, 0x4b, 0, 0) */"


def test_names_table_is_sorted_like_strace():
    """Every number's names are in strace's order (by name), each name once."""
    for number, names in IOCTL_NAMES.items():
        parts = names.split(" or ")
        assert parts == sorted(parts), hex(number)
        assert all(code(p) == number for p in parts)

