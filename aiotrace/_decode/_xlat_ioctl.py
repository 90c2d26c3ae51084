# SPDX-License-Identifier: GPL-2.0-or-later
"""The constants of the ioctl decoders, kept as data: the names of the request numbers
in ``xlat/xlat_ioctl_names.in`` (3 300 of them, written by ``scripts/ioctl_names.py``),
the values the decoded requests name in ``xlat/xlat_ioctl.in``.

The file is a list of tables: a line ``[NAME]`` starts one, each line after it is a
name and a Python integer literal; ``#`` starts a comment line."""

from __future__ import annotations

import os
from typing import Mapping

from ._xlat import Flags

_DIR = os.path.join(os.path.dirname(__file__), "xlat")


def _read(path: str) -> dict[str, list[tuple[str, int]]]:
    tables: dict[str, list[tuple[str, int]]] = {}
    table: list[tuple[str, int]] | None = None
    with open(path, encoding="ascii") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                table = tables.setdefault(line.strip("[]"), [])
                continue
            words = line.split()
            if table is None or len(words) != 2:
                raise ValueError("%s:%d: not a table's line: %r" % (path, n, line))
            table.append((words[0], int(words[1], 0)))
    return tables


_TABLES = _read(os.path.join(_DIR, "xlat_ioctl_names.in"))
_TABLES.update(_read(os.path.join(_DIR, "xlat_ioctl.in")))


def names(table: str) -> dict[int, str]:
    """value -> name; several names of one value are joined with `` or `` (in the
    file's order), as strace prints them."""
    out: dict[int, str] = {}
    for name, value in _TABLES[table]:
        out[value] = out[value] + " or " + name if value in out else name
    return out


def flags(table: str) -> Flags:
    """``(name, value)`` pairs in the file's order."""
    return tuple(_TABLES[table])


# request number -> its names ("SNDCTL_TMR_START or TCSETS")
IOCTL_NAMES: Mapping[int, str] = names("IOCTL_NAMES")
EV_TYPES = names("EV_TYPES")
ABS_AXES = names("ABS_AXES")
FS_XFLAGS = flags("FS_XFLAGS")
COUNTER_COMPONENT_TYPES = names("COUNTER_COMPONENT_TYPES")
COUNTER_SCOPES = names("COUNTER_SCOPES")
COUNTER_EVENT_TYPES = names("COUNTER_EVENT_TYPES")
ATA_CMDS = names("ATA_CMDS")
HDIO_BUSSTATES = names("HDIO_BUSSTATES")
# (strace names these bits by the expression that makes them: "1 << IDE_NICE_0")
HDIO_IDE_NICE = tuple(("1 << " + name, bit) for name, bit in flags("HDIO_IDE_NICE"))


def code(name: str) -> int:
    """The number of the request *name*."""
    return _CODES[name]


_CODES = {name: value for name, value in _TABLES["IOCTL_NAMES"]}
GPIOLINE_FLAGS = flags("GPIOLINE_FLAGS")
GPIOHANDLE_FLAGS = flags("GPIOHANDLE_FLAGS")
GPIOEVENT_FLAGS = flags("GPIOEVENT_FLAGS")
GPIO_V2_LINE_FLAGS = flags("GPIO_V2_LINE_FLAGS")
FIEMAP_FLAGS = flags("FIEMAP_FLAGS")
FIEMAP_EXTENT_FLAGS = flags("FIEMAP_EXTENT_FLAGS")
FS_IOC_FLAGS = flags("FS_IOC_FLAGS")
EV_KEYCODES = names("EV_KEYCODES")
EV_REL_AXES = names("EV_REL_AXES")
EV_MISC = names("EV_MISC")
EV_SWITCHES = names("EV_SWITCHES")
EV_LEDS = names("EV_LEDS")
EV_SNDS = names("EV_SNDS")
EV_AUTOREPEAT = names("EV_AUTOREPEAT")
EV_FF_TYPES = names("EV_FF_TYPES")
EV_FF_STATUS = names("EV_FF_STATUS")
EV_MTSLOTS = names("EV_MTSLOTS")
EV_PROPS = names("EV_PROPS")
PTP_EXTTS_FLAGS = flags("PTP_EXTTS_FLAGS")
PTP_PEROUT_FLAGS = flags("PTP_PEROUT_FLAGS")
PTP_PIN_FUNCS = names("PTP_PIN_FUNCS")
NBD_FLAGS = flags("NBD_FLAGS")
LIRC_FEATURES = flags("LIRC_FEATURES")
LIRC_MODES = names("LIRC_MODES")
RTC_VL_FLAGS = flags("RTC_VL_FLAGS")
RTC_PARAMS = names("RTC_PARAMS")
RTC_FEATURES = tuple(("1<<" + name, bit) for name, bit in flags("RTC_FEATURES"))
RTC_BSM = names("RTC_BSM")
LO_CRYPT = names("LO_CRYPT")
LO_FLAGS = flags("LO_FLAGS")
SECCOMP_ADDFD_FLAGS = flags("SECCOMP_ADDFD_FLAGS")
SECCOMP_RESP_FLAGS = flags("SECCOMP_RESP_FLAGS")
BLKPG_OPS = names("BLKPG_OPS")
UBI_VOLUME_TYPES = names("UBI_VOLUME_TYPES")
UBI_VOLUME_FLAGS = flags("UBI_VOLUME_FLAGS")
UBI_DATA_TYPES = names("UBI_DATA_TYPES")
UBI_VOLUME_PROPS = names("UBI_VOLUME_PROPS")
PERF_IOC_FLAGS = flags("PERF_IOC_FLAGS")
