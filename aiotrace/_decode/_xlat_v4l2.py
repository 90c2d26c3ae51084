# SPDX-License-Identifier: GPL-2.0-or-later
"""The constants of the Video4Linux2 requests of ``_ioctl_v4l2`` and ``_ioctl_v4l2_ctrl``
(linux/videodev2.h, linux/v4l2-controls.h), as strace 6.1 names them (xlat/xlat_v4l2.in;
``_tables`` says how they are read)."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_v4l2", globals())   # the tables declared below

V4L2_BUF_FLAGS: Flags
V4L2_BUF_FLAGS_TS_SRC: Names
V4L2_BUF_FLAGS_TS_TYPE: Names
V4L2_CAPTURE_MODES: Flags
V4L2_COLORSPACES: Names
V4L2_CONTROL_CLASSES: Names
V4L2_CONTROL_FLAGS: Flags
V4L2_CONTROL_ID_BASES: Names
V4L2_CONTROL_IDS: Names
V4L2_CONTROL_QUERY_FLAGS: Flags
V4L2_CONTROL_TYPES: Names
V4L2_DEVICE_CAPABILITIES_FLAGS: Flags
V4L2_FIELDS: Names
V4L2_FORMAT_DESCRIPTION_FLAGS: Flags
V4L2_FRAMEINTERVAL_TYPES: Names
V4L2_FRAMESIZE_TYPES: Names
V4L2_MEMORIES: Names
V4L2_META_FMTS: Names
V4L2_PIX_FMTS: Names
V4L2_SDR_FMTS: Names
V4L2_SLICED_FLAGS: Flags
V4L2_STREAMING_CAPABILITIES: Flags
V4L2_TUNER_AUDMODES: Names
V4L2_TUNER_CAPABILITIES: Flags
V4L2_TUNER_RXSUBCHANSES: Flags
V4L2_TUNER_TYPES: Names
V4L2_VBI_FLAGS: Flags
