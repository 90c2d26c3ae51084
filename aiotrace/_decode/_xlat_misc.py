# SPDX-License-Identifier: GPL-2.0-or-later
"""Constants of the smaller system calls (``_misc``): I/O priorities, protection keys,
kcmp, mount, memfd, as strace 6.1 names them (its tables, not newer kernels')."""

from __future__ import annotations

from ._xlat import AT_FLAGS, Flags

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

# the mount API
FSOPEN_FLAGS: Flags = (("FSOPEN_CLOEXEC", 1),)
FSMOUNT_FLAGS: Flags = (("FSMOUNT_CLOEXEC", 1),)
MOUNT_ATTR_FLAGS: Flags = (("MOUNT_ATTR_RDONLY", 1), ("MOUNT_ATTR_NOSUID", 2),
                           ("MOUNT_ATTR_NODEV", 4), ("MOUNT_ATTR_NOEXEC", 8),
                           ("MOUNT_ATTR_NOATIME", 0x10), ("MOUNT_ATTR_STRICTATIME", 0x20),
                           ("MOUNT_ATTR_NODIRATIME", 0x80))
# (mount_setattr's struct mount_attr: two more)
MOUNT_ATTR_ATTRS: Flags = tuple(MOUNT_ATTR_FLAGS) + (("MOUNT_ATTR_IDMAP", 0x100000),
                                                     ("MOUNT_ATTR_NOSYMFOLLOW", 0x200000))
MOUNT_ATTR_IDMAP = 0x100000
MOUNT_ATTR_PROPAGATION = {1 << 17: "MS_UNBINDABLE", 1 << 18: "MS_PRIVATE",
                          1 << 19: "MS_SLAVE", 1 << 20: "MS_SHARED"}
FSPICK_FLAGS: Flags = (("FSPICK_CLOEXEC", 1), ("FSPICK_SYMLINK_NOFOLLOW", 2),
                       ("FSPICK_NO_AUTOMOUNT", 4), ("FSPICK_EMPTY_PATH", 8))
MOVE_MOUNT_FLAGS: Flags = (("MOVE_MOUNT_F_SYMLINKS", 1), ("MOVE_MOUNT_F_AUTOMOUNTS", 2),
                           ("MOVE_MOUNT_F_EMPTY_PATH", 4), ("MOVE_MOUNT_T_SYMLINKS", 0x10),
                           ("MOVE_MOUNT_T_AUTOMOUNTS", 0x20),
                           ("MOVE_MOUNT_T_EMPTY_PATH", 0x40), ("MOVE_MOUNT_SET_GROUP", 0x100))
OPEN_TREE_FLAGS: Flags = (("OPEN_TREE_CLONE", 1), ("OPEN_TREE_CLOEXEC", 0o2000000),
                          *AT_FLAGS)
MOUNT_SETATTR_FLAGS: Flags = tuple(f for f in AT_FLAGS
                                   if f[0] not in ("AT_REMOVEDIR", "AT_SYMLINK_FOLLOW"))
FSCONFIG_SET_FLAG, FSCONFIG_SET_STRING, FSCONFIG_SET_BINARY = 0, 1, 2
FSCONFIG_SET_PATH, FSCONFIG_SET_PATH_EMPTY, FSCONFIG_SET_FD = 3, 4, 5
FSCONFIG_CMDS = {0: "FSCONFIG_SET_FLAG", 1: "FSCONFIG_SET_STRING", 2: "FSCONFIG_SET_BINARY",
                 3: "FSCONFIG_SET_PATH", 4: "FSCONFIG_SET_PATH_EMPTY", 5: "FSCONFIG_SET_FD",
                 6: "FSCONFIG_CMD_CREATE", 7: "FSCONFIG_CMD_RECONFIGURE"}
