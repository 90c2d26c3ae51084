# SPDX-License-Identifier: GPL-2.0-or-later
"""The constants the ioctl decoders name (xlat/xlat_ioctl.in), by family: values the
requests' arguments carry, read on first use (see ``_tables``).  The names of the
request numbers themselves are in ``_xlat_ioctl_names``."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_ioctl", globals())   # the tables declared below: xlat/xlat_ioctl.in

EV_TYPES: Names
ABS_AXES: Names
FS_XFLAGS: Flags
COUNTER_COMPONENT_TYPES: Names
COUNTER_SCOPES: Names
COUNTER_EVENT_TYPES: Names
ATA_CMDS: Names
HDIO_BUSSTATES: Names
HDIO_IDE_NICE: Flags
GPIOLINE_FLAGS: Flags
GPIOHANDLE_FLAGS: Flags
GPIOEVENT_FLAGS: Flags
GPIO_V2_LINE_FLAGS: Flags
FIEMAP_FLAGS: Flags
FIEMAP_EXTENT_FLAGS: Flags
FS_IOC_FLAGS: Flags
EV_KEYCODES: Names
EV_REL_AXES: Names
EV_MISC: Names
EV_SWITCHES: Names
EV_LEDS: Names
EV_SNDS: Names
EV_AUTOREPEAT: Names
EV_FF_TYPES: Names
EV_FF_STATUS: Names
EV_MTSLOTS: Names
EV_PROPS: Names
PTP_EXTTS_FLAGS: Flags
PTP_PEROUT_FLAGS: Flags
PTP_PIN_FUNCS: Names
NBD_FLAGS: Flags
LIRC_FEATURES: Flags
LIRC_MODES: Names
RTC_VL_FLAGS: Flags
RTC_PARAMS: Names
RTC_FEATURES: Flags
RTC_BSM: Names
LO_CRYPT: Names
LO_FLAGS: Flags
SECCOMP_ADDFD_FLAGS: Flags
SECCOMP_RESP_FLAGS: Flags
BLKPG_OPS: Names
UBI_VOLUME_TYPES: Names
UBI_VOLUME_FLAGS: Flags
UBI_DATA_TYPES: Names
UBI_VOLUME_PROPS: Names
PERF_IOC_FLAGS: Flags


def __getattr__(name: str) -> object:   # the tables declared above, read on first use
    return _T.attribute(name)
