# SPDX-License-Identifier: GPL-2.0-or-later
"""The constants of the virtual terminal requests of ``_ioctl_kd`` (linux/kd.h,
linux/keyboard.h), as strace 6.1 names them (xlat/xlat_kd.in; ``_tables`` says how they
are read)."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_kd", globals())   # the tables declared below

KD_LED_FLAGS: Flags
KD_KBD_TYPES: Names
KD_MODES: Names
KD_KBD_MODES: Names
KD_META_VALS: Names
KD_KEY_TABLES: Names
KD_KEY_TYPES: Names
KD_FONT_OPS: Names
KD_FONT_FLAGS: Flags
KD_KEYMAP_FLAGS: Flags
KD_DEFAULT_LED_FLAGS: Flags
KD_KEY_FN_KEYS: Names
KD_KEY_SPEC_KEYS: Names
KD_KEY_PAD_KEYS: Names
KD_KEY_DEAD_KEYS: Names
KD_KEY_CUR_KEYS: Names
KD_KEY_SHIFT_KEYS: Names
KD_KEY_ASCII_KEYS: Names
KD_KEY_LOCK_KEYS: Names
KD_KEY_SLOCK_KEYS: Names
KD_KEY_BRL_KEYS: Names
KD_KEY_FN_KEY_VALS: Names
