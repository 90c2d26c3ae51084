# SPDX-License-Identifier: GPL-2.0-or-later
"""Constants of the smaller system calls (``_misc``): I/O priorities, protection keys,
kcmp, mount, memfd, as strace 6.1 names them (its tables, not newer kernels')."""

from __future__ import annotations

from ._xlat import Flags

IOPRIO_WHO = {1: "IOPRIO_WHO_PROCESS", 2: "IOPRIO_WHO_PGRP", 3: "IOPRIO_WHO_USER"}
IOPRIO_CLASSES = {0: "IOPRIO_CLASS_NONE", 1: "IOPRIO_CLASS_RT", 2: "IOPRIO_CLASS_BE",
                  3: "IOPRIO_CLASS_IDLE"}
IOPRIO_CLASS_SHIFT = 13

PKEY_ACCESS: Flags = (("PKEY_DISABLE_ACCESS", 1), ("PKEY_DISABLE_WRITE", 2),
                      ("PKEY_DISABLE_EXECUTE", 4))

KCMP_TYPES = {0: "KCMP_FILE", 1: "KCMP_VM", 2: "KCMP_FILES", 3: "KCMP_FS",
              4: "KCMP_SIGHAND", 5: "KCMP_IO", 6: "KCMP_SYSVSEM", 7: "KCMP_EPOLL_TFD"}
KCMP_FILE, KCMP_EPOLL_TFD = 0, 7

# (strace 6.1 knows three: the later MFD_NOEXEC_SEAL and MFD_EXEC print as a number)
MFD_FLAGS: Flags = (("MFD_CLOEXEC", 1), ("MFD_ALLOW_SEALING", 2), ("MFD_HUGETLB", 4))
MFD_HUGE_SHIFT, MFD_HUGE_MASK = 26, 0x3F
MEMFD_SECRET_FLAGS: Flags = (("O_CLOEXEC", 0o2000000),)

MS_MGC_VAL, MS_MGC_MSK = 0xC0ED0000, 0xFFFF0000
MS_REMOUNT = 1 << 5
MS_NO_TYPE_NOR_DATA = (1 << 12) | (1 << 13) | (1 << 17) | (1 << 18) | (1 << 19) | (1 << 20)
MOUNT_FLAGS: Flags = tuple((name, 1 << bit) for bit, name in enumerate((
    "MS_RDONLY", "MS_NOSUID", "MS_NODEV", "MS_NOEXEC", "MS_SYNCHRONOUS", "MS_REMOUNT",
    "MS_MANDLOCK", "MS_DIRSYNC", "MS_NOSYMFOLLOW", "", "MS_NOATIME", "MS_NODIRATIME",
    "MS_BIND", "MS_MOVE", "MS_REC", "MS_SILENT", "MS_POSIXACL", "MS_UNBINDABLE",
    "MS_PRIVATE", "MS_SLAVE", "MS_SHARED", "MS_RELATIME", "MS_KERNMOUNT", "MS_I_VERSION",
    "MS_STRICTATIME", "MS_LAZYTIME", "MS_SUBMOUNT", "MS_NOREMOTELOCK", "MS_NOSEC",
    "MS_BORN", "MS_ACTIVE", "MS_NOUSER")) if name)

RESOLVE_FLAGS: Flags = (("RESOLVE_NO_XDEV", 1), ("RESOLVE_NO_MAGICLINKS", 2),
                        ("RESOLVE_NO_SYMLINKS", 4), ("RESOLVE_BENEATH", 8),
                        ("RESOLVE_IN_ROOT", 16), ("RESOLVE_CACHED", 32))

MOVE_PAGES_FLAGS: Flags = (("MPOL_MF_MOVE", 2), ("MPOL_MF_MOVE_ALL", 4))
