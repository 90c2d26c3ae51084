# SPDX-License-Identifier: GPL-2.0-or-later
"""The constants of the TEE requests of ``_ioctl_tee``, as strace 6.1 names them
(xlat/xlat_tee.in; ``_tables`` says how they are read)."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_tee", globals())   # the tables declared below

TEE_GEN_CAPS: Flags
TEE_IMPL_IDS: Names
TEE_LOGIN_TYPES: Names
TEE_OPTEE_CAPS: Flags
TEE_ORIGINS: Names
TEE_PARAM_ATTR_TYPES: Names
TEE_SHM_FLAGS: Flags
