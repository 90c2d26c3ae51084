# SPDX-License-Identifier: GPL-2.0-or-later
"""Constants of the smaller system calls (``_misc*``): I/O priorities, protection keys,
kcmp, mount and the mount API, memfd, System V IPC, message queues, native AIO,
sched_attr, as strace 6.1 names them (its tables, not newer kernels'). The tables are
in ``xlat/xlat_misc.in`` (``_tables`` says how they are read)."""

from __future__ import annotations

from ._tables import Flags, Names, Tables

_T = Tables("xlat_misc", globals())   # the tables declared below: xlat/xlat_misc.in

IOPRIO_WHO: Names
IOPRIO_CLASSES: Names
IOPRIO_CLASS_SHIFT = 13
PKEY_ACCESS: Flags
KCMP_TYPES: Names
KCMP_FILE, KCMP_EPOLL_TFD = 0, 7
MFD_FLAGS: Flags
MFD_HUGE_SHIFT, MFD_HUGE_MASK = 26, 0x3F
MEMFD_SECRET_FLAGS: Flags
MOVE_PAGES_FLAGS: Flags
FUTEX_WAITER_FLAGS: Flags
KEXEC_ARCHES: Names
KEXEC_ARCH_MASK = 0xFFFF0000
KEXEC_SEGMENT_MAX = 16
KEXEC_LOAD_FLAGS: Flags
KEXEC_FILE_FLAGS: Flags

# mount, openat2, the mount API
MOUNT_FLAGS: Flags
MS_MGC_VAL, MS_MGC_MSK = 0xC0ED0000, 0xFFFF0000
MS_REMOUNT = 1 << 5
MS_NO_TYPE_NOR_DATA = (1 << 12) | (1 << 13) | (1 << 17) | (1 << 18) | (1 << 19) | (1 << 20)
FSOPEN_FLAGS: Flags
FSMOUNT_FLAGS: Flags
MOUNT_ATTR_FLAGS: Flags
MOUNT_ATTR_MORE: Flags
MOUNT_ATTR_IDMAP = 0x100000
MOUNT_ATTR_PROPAGATION: Names
FSPICK_FLAGS: Flags
MOVE_MOUNT_FLAGS: Flags
OPEN_TREE_FLAGS: Flags
FSCONFIG_CMDS: Names
FSCONFIG_SET_FLAG, FSCONFIG_SET_STRING, FSCONFIG_SET_BINARY = 0, 1, 2
FSCONFIG_SET_PATH, FSCONFIG_SET_PATH_EMPTY, FSCONFIG_SET_FD = 3, 4, 5

# System V IPC, POSIX message queues
IPC_GET_FLAGS: Flags
SHMGET_FLAGS: Flags
SHMAT_FLAGS: Flags
IPC_MSG_FLAGS: Flags
SEMOP_FLAGS: Flags
MSGCTL_CMDS: Names
SEMCTL_CMDS: Names
SHMCTL_CMDS: Names
MQ_ATTR_FLAGS: Flags

# native AIO, sched_attr
IOCB_CMDS: Names
IOCB_FLAGS: Flags
RWF_FLAGS: Flags
SCHED_FLAGS: Flags
