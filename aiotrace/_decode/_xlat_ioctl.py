# SPDX-License-Identifier: GPL-2.0-or-later
"""The constants the ioctl decoders name (xlat/xlat_ioctl.in), by family: values the
requests' arguments carry, read on first use (see ``_tables``).  The names of the
request numbers themselves are in ``_xlat_ioctl_names``."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_ioctl", globals())   # the tables declared below: xlat/xlat_ioctl.in

# input events ('E'): request parameters, then the codes of the bit sets
EV_TYPES: Names
ABS_AXES: Names

# file systems ('X', 'f'), counters ('>'), IDE disks (0x03)
FS_XFLAGS: Flags
COUNTER_COMPONENT_TYPES: Names
COUNTER_SCOPES: Names
COUNTER_EVENT_TYPES: Names
ATA_CMDS: Names
HDIO_BUSSTATES: Names
HDIO_IDE_NICE: Flags

# GPIO (0xb4)
GPIOLINE_FLAGS: Flags
GPIOHANDLE_FLAGS: Flags
GPIOEVENT_FLAGS: Flags
GPIO_V2_LINE_FLAGS: Flags

# 'f': FIEMAP, inode flags
FIEMAP_FLAGS: Flags
FIEMAP_EXTENT_FLAGS: Flags
FS_IOC_FLAGS: Flags

# input events ('E'): the codes of the bit sets
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

# PTP clocks ('=')
PTP_EXTTS_FLAGS: Flags
PTP_PEROUT_FLAGS: Flags
PTP_PIN_FUNCS: Names

# network block devices (0xab), infrared remotes ('i')
NBD_FLAGS: Flags
LIRC_FEATURES: Flags
LIRC_MODES: Names

# real-time clocks ('p')
RTC_VL_FLAGS: Flags
RTC_PARAMS: Names
RTC_FEATURES: Flags
RTC_BSM: Names

# loop devices ('L')
LO_CRYPT: Names
LO_FLAGS: Flags

# seccomp notifications ('!'), block devices (0x12)
SECCOMP_ADDFD_FLAGS: Flags
SECCOMP_RESP_FLAGS: Flags
BLKPG_OPS: Names

# UBI ('o', 'O')
UBI_VOLUME_TYPES: Names
UBI_VOLUME_FLAGS: Flags
UBI_DATA_TYPES: Names
UBI_VOLUME_PROPS: Names

# perf events ('$')
PERF_IOC_FLAGS: Flags
