"""System call numbers of the three ABIs of an x86-64 kernel, through Linux 6.18, and the
*keys* that tell a call of one ABI from the same number in another.

The x86-64 table was generated once from the kernel's uapi <asm/unistd_64.h> (Linux 6.1)
and extended by hand with the numbers added since (cachestat 451 ... file_setattr 469);
the i386 table the same way from <asm/unistd_32.h>, and the x32 table is the x86-64 one
without the calls x32 does not have, plus its own 512..547 (<asm/unistd_x32.h>).
python-ptrace's table stops at Linux 5.8, which is why aiotrace keeps its own.

Kernel facts (arch/x86/entry, arch/x86/include/asm/syscall.h) the keys rely on:

* A 64-bit process can make 32-bit system calls (``int $0x80``, or a 32-bit program):
  ``PTRACE_GET_SYSCALL_INFO`` then says ``arch`` AUDIT_ARCH_I386, the number is one of
  the i386 table (5 is ``open``, where x86-64's 5 is ``fstat``), and the arguments are
  ebx, ecx, edx, esi, edi, ebp, of which the kernel uses the low 32 bits.
* An x32 call has ``arch`` AUDIT_ARCH_X86_64 and __X32_SYSCALL_BIT (0x40000000) set in
  its number (strace takes any number with the bit, but -1, for one; so do we).
* The kernel dispatches on the low 32 bits of rax taken as a signed int: ``syscall(-1L)``
  and ``syscall(0xffffffff)`` are both -1 (skipped, ENOSYS), ``syscall(0x100000027)``
  runs getpid (39), ``syscall(1 << 63)`` runs read. So does seccomp (``seccomp_data.nr``
  is an int). Numbers here are those ints, never the raw 64-bit register.

A *key* is one int for (ABI, number): the x86-64 number itself (-2**31 .. 2**31-1),
``1 << 32`` plus the number for i386, ``2 << 32`` plus it for x32 (the number without
the x32 bit). Filters are sets of keys, so that a name stands for its call in every ABI
and the x86-64 path compares plain numbers as before.
"""

from __future__ import annotations

SYSCALL_NAMES: dict[int, str] = {
    0: "read",
    1: "write",
    2: "open",
    3: "close",
    4: "stat",
    5: "fstat",
    6: "lstat",
    7: "poll",
    8: "lseek",
    9: "mmap",
    10: "mprotect",
    11: "munmap",
    12: "brk",
    13: "rt_sigaction",
    14: "rt_sigprocmask",
    15: "rt_sigreturn",
    16: "ioctl",
    17: "pread64",
    18: "pwrite64",
    19: "readv",
    20: "writev",
    21: "access",
    22: "pipe",
    23: "select",
    24: "sched_yield",
    25: "mremap",
    26: "msync",
    27: "mincore",
    28: "madvise",
    29: "shmget",
    30: "shmat",
    31: "shmctl",
    32: "dup",
    33: "dup2",
    34: "pause",
    35: "nanosleep",
    36: "getitimer",
    37: "alarm",
    38: "setitimer",
    39: "getpid",
    40: "sendfile",
    41: "socket",
    42: "connect",
    43: "accept",
    44: "sendto",
    45: "recvfrom",
    46: "sendmsg",
    47: "recvmsg",
    48: "shutdown",
    49: "bind",
    50: "listen",
    51: "getsockname",
    52: "getpeername",
    53: "socketpair",
    54: "setsockopt",
    55: "getsockopt",
    56: "clone",
    57: "fork",
    58: "vfork",
    59: "execve",
    60: "exit",
    61: "wait4",
    62: "kill",
    63: "uname",
    64: "semget",
    65: "semop",
    66: "semctl",
    67: "shmdt",
    68: "msgget",
    69: "msgsnd",
    70: "msgrcv",
    71: "msgctl",
    72: "fcntl",
    73: "flock",
    74: "fsync",
    75: "fdatasync",
    76: "truncate",
    77: "ftruncate",
    78: "getdents",
    79: "getcwd",
    80: "chdir",
    81: "fchdir",
    82: "rename",
    83: "mkdir",
    84: "rmdir",
    85: "creat",
    86: "link",
    87: "unlink",
    88: "symlink",
    89: "readlink",
    90: "chmod",
    91: "fchmod",
    92: "chown",
    93: "fchown",
    94: "lchown",
    95: "umask",
    96: "gettimeofday",
    97: "getrlimit",
    98: "getrusage",
    99: "sysinfo",
    100: "times",
    101: "ptrace",
    102: "getuid",
    103: "syslog",
    104: "getgid",
    105: "setuid",
    106: "setgid",
    107: "geteuid",
    108: "getegid",
    109: "setpgid",
    110: "getppid",
    111: "getpgrp",
    112: "setsid",
    113: "setreuid",
    114: "setregid",
    115: "getgroups",
    116: "setgroups",
    117: "setresuid",
    118: "getresuid",
    119: "setresgid",
    120: "getresgid",
    121: "getpgid",
    122: "setfsuid",
    123: "setfsgid",
    124: "getsid",
    125: "capget",
    126: "capset",
    127: "rt_sigpending",
    128: "rt_sigtimedwait",
    129: "rt_sigqueueinfo",
    130: "rt_sigsuspend",
    131: "sigaltstack",
    132: "utime",
    133: "mknod",
    134: "uselib",
    135: "personality",
    136: "ustat",
    137: "statfs",
    138: "fstatfs",
    139: "sysfs",
    140: "getpriority",
    141: "setpriority",
    142: "sched_setparam",
    143: "sched_getparam",
    144: "sched_setscheduler",
    145: "sched_getscheduler",
    146: "sched_get_priority_max",
    147: "sched_get_priority_min",
    148: "sched_rr_get_interval",
    149: "mlock",
    150: "munlock",
    151: "mlockall",
    152: "munlockall",
    153: "vhangup",
    154: "modify_ldt",
    155: "pivot_root",
    156: "_sysctl",
    157: "prctl",
    158: "arch_prctl",
    159: "adjtimex",
    160: "setrlimit",
    161: "chroot",
    162: "sync",
    163: "acct",
    164: "settimeofday",
    165: "mount",
    166: "umount2",
    167: "swapon",
    168: "swapoff",
    169: "reboot",
    170: "sethostname",
    171: "setdomainname",
    172: "iopl",
    173: "ioperm",
    174: "create_module",
    175: "init_module",
    176: "delete_module",
    177: "get_kernel_syms",
    178: "query_module",
    179: "quotactl",
    180: "nfsservctl",
    181: "getpmsg",
    182: "putpmsg",
    183: "afs_syscall",
    184: "tuxcall",
    185: "security",
    186: "gettid",
    187: "readahead",
    188: "setxattr",
    189: "lsetxattr",
    190: "fsetxattr",
    191: "getxattr",
    192: "lgetxattr",
    193: "fgetxattr",
    194: "listxattr",
    195: "llistxattr",
    196: "flistxattr",
    197: "removexattr",
    198: "lremovexattr",
    199: "fremovexattr",
    200: "tkill",
    201: "time",
    202: "futex",
    203: "sched_setaffinity",
    204: "sched_getaffinity",
    205: "set_thread_area",
    206: "io_setup",
    207: "io_destroy",
    208: "io_getevents",
    209: "io_submit",
    210: "io_cancel",
    211: "get_thread_area",
    212: "lookup_dcookie",
    213: "epoll_create",
    214: "epoll_ctl_old",
    215: "epoll_wait_old",
    216: "remap_file_pages",
    217: "getdents64",
    218: "set_tid_address",
    219: "restart_syscall",
    220: "semtimedop",
    221: "fadvise64",
    222: "timer_create",
    223: "timer_settime",
    224: "timer_gettime",
    225: "timer_getoverrun",
    226: "timer_delete",
    227: "clock_settime",
    228: "clock_gettime",
    229: "clock_getres",
    230: "clock_nanosleep",
    231: "exit_group",
    232: "epoll_wait",
    233: "epoll_ctl",
    234: "tgkill",
    235: "utimes",
    236: "vserver",
    237: "mbind",
    238: "set_mempolicy",
    239: "get_mempolicy",
    240: "mq_open",
    241: "mq_unlink",
    242: "mq_timedsend",
    243: "mq_timedreceive",
    244: "mq_notify",
    245: "mq_getsetattr",
    246: "kexec_load",
    247: "waitid",
    248: "add_key",
    249: "request_key",
    250: "keyctl",
    251: "ioprio_set",
    252: "ioprio_get",
    253: "inotify_init",
    254: "inotify_add_watch",
    255: "inotify_rm_watch",
    256: "migrate_pages",
    257: "openat",
    258: "mkdirat",
    259: "mknodat",
    260: "fchownat",
    261: "futimesat",
    262: "newfstatat",
    263: "unlinkat",
    264: "renameat",
    265: "linkat",
    266: "symlinkat",
    267: "readlinkat",
    268: "fchmodat",
    269: "faccessat",
    270: "pselect6",
    271: "ppoll",
    272: "unshare",
    273: "set_robust_list",
    274: "get_robust_list",
    275: "splice",
    276: "tee",
    277: "sync_file_range",
    278: "vmsplice",
    279: "move_pages",
    280: "utimensat",
    281: "epoll_pwait",
    282: "signalfd",
    283: "timerfd_create",
    284: "eventfd",
    285: "fallocate",
    286: "timerfd_settime",
    287: "timerfd_gettime",
    288: "accept4",
    289: "signalfd4",
    290: "eventfd2",
    291: "epoll_create1",
    292: "dup3",
    293: "pipe2",
    294: "inotify_init1",
    295: "preadv",
    296: "pwritev",
    297: "rt_tgsigqueueinfo",
    298: "perf_event_open",
    299: "recvmmsg",
    300: "fanotify_init",
    301: "fanotify_mark",
    302: "prlimit64",
    303: "name_to_handle_at",
    304: "open_by_handle_at",
    305: "clock_adjtime",
    306: "syncfs",
    307: "sendmmsg",
    308: "setns",
    309: "getcpu",
    310: "process_vm_readv",
    311: "process_vm_writev",
    312: "kcmp",
    313: "finit_module",
    314: "sched_setattr",
    315: "sched_getattr",
    316: "renameat2",
    317: "seccomp",
    318: "getrandom",
    319: "memfd_create",
    320: "kexec_file_load",
    321: "bpf",
    322: "execveat",
    323: "userfaultfd",
    324: "membarrier",
    325: "mlock2",
    326: "copy_file_range",
    327: "preadv2",
    328: "pwritev2",
    329: "pkey_mprotect",
    330: "pkey_alloc",
    331: "pkey_free",
    332: "statx",
    333: "io_pgetevents",
    334: "rseq",
    424: "pidfd_send_signal",
    425: "io_uring_setup",
    426: "io_uring_enter",
    427: "io_uring_register",
    428: "open_tree",
    429: "move_mount",
    430: "fsopen",
    431: "fsconfig",
    432: "fsmount",
    433: "fspick",
    434: "pidfd_open",
    435: "clone3",
    436: "close_range",
    437: "openat2",
    438: "pidfd_getfd",
    439: "faccessat2",
    440: "process_madvise",
    441: "epoll_pwait2",
    442: "mount_setattr",
    443: "quotactl_fd",
    444: "landlock_create_ruleset",
    445: "landlock_add_rule",
    446: "landlock_restrict_self",
    447: "memfd_secret",
    448: "process_mrelease",
    449: "futex_waitv",
    450: "set_mempolicy_home_node",
    451: "cachestat",
    452: "fchmodat2",
    453: "map_shadow_stack",
    454: "futex_wake",
    455: "futex_wait",
    456: "futex_requeue",
    457: "statmount",
    458: "listmount",
    459: "lsm_get_self_attr",
    460: "lsm_set_self_attr",
    461: "lsm_list_modules",
    462: "mseal",
    463: "setxattrat",
    464: "getxattrat",
    465: "listxattrat",
    466: "removexattrat",
    467: "open_tree_attr",
    468: "file_getattr",
    469: "file_setattr",
}

SYSCALL_NUMBERS: dict[str, int] = {name: nr for nr, name in SYSCALL_NAMES.items()}

# i386 (int $0x80, sysenter), from <asm/unistd_32.h> (Linux 6.1), then 451..469 by hand
I386_NAMES: dict[int, str] = {
    0: "restart_syscall", 1: "exit", 2: "fork", 3: "read", 4: "write", 5: "open",
    6: "close", 7: "waitpid", 8: "creat", 9: "link", 10: "unlink", 11: "execve",
    12: "chdir", 13: "time", 14: "mknod", 15: "chmod", 16: "lchown", 17: "break",
    18: "oldstat", 19: "lseek", 20: "getpid", 21: "mount", 22: "umount", 23: "setuid",
    24: "getuid", 25: "stime", 26: "ptrace", 27: "alarm", 28: "oldfstat", 29: "pause",
    30: "utime", 31: "stty", 32: "gtty", 33: "access", 34: "nice", 35: "ftime", 36: "sync",
    37: "kill", 38: "rename", 39: "mkdir", 40: "rmdir", 41: "dup", 42: "pipe", 43: "times",
    44: "prof", 45: "brk", 46: "setgid", 47: "getgid", 48: "signal", 49: "geteuid",
    50: "getegid", 51: "acct", 52: "umount2", 53: "lock", 54: "ioctl", 55: "fcntl",
    56: "mpx", 57: "setpgid", 58: "ulimit", 59: "oldolduname", 60: "umask", 61: "chroot",
    62: "ustat", 63: "dup2", 64: "getppid", 65: "getpgrp", 66: "setsid", 67: "sigaction",
    68: "sgetmask", 69: "ssetmask", 70: "setreuid", 71: "setregid", 72: "sigsuspend",
    73: "sigpending", 74: "sethostname", 75: "setrlimit", 76: "getrlimit", 77: "getrusage",
    78: "gettimeofday", 79: "settimeofday", 80: "getgroups", 81: "setgroups", 82: "select",
    83: "symlink", 84: "oldlstat", 85: "readlink", 86: "uselib", 87: "swapon",
    88: "reboot", 89: "readdir", 90: "mmap", 91: "munmap", 92: "truncate", 93: "ftruncate",
    94: "fchmod", 95: "fchown", 96: "getpriority", 97: "setpriority", 98: "profil",
    99: "statfs", 100: "fstatfs", 101: "ioperm", 102: "socketcall", 103: "syslog",
    104: "setitimer", 105: "getitimer", 106: "stat", 107: "lstat", 108: "fstat",
    109: "olduname", 110: "iopl", 111: "vhangup", 112: "idle", 113: "vm86old",
    114: "wait4", 115: "swapoff", 116: "sysinfo", 117: "ipc", 118: "fsync",
    119: "sigreturn", 120: "clone", 121: "setdomainname", 122: "uname", 123: "modify_ldt",
    124: "adjtimex", 125: "mprotect", 126: "sigprocmask", 127: "create_module",
    128: "init_module", 129: "delete_module", 130: "get_kernel_syms", 131: "quotactl",
    132: "getpgid", 133: "fchdir", 134: "bdflush", 135: "sysfs", 136: "personality",
    137: "afs_syscall", 138: "setfsuid", 139: "setfsgid", 140: "_llseek", 141: "getdents",
    142: "_newselect", 143: "flock", 144: "msync", 145: "readv", 146: "writev",
    147: "getsid", 148: "fdatasync", 149: "_sysctl", 150: "mlock", 151: "munlock",
    152: "mlockall", 153: "munlockall", 154: "sched_setparam", 155: "sched_getparam",
    156: "sched_setscheduler", 157: "sched_getscheduler", 158: "sched_yield",
    159: "sched_get_priority_max", 160: "sched_get_priority_min",
    161: "sched_rr_get_interval", 162: "nanosleep", 163: "mremap", 164: "setresuid",
    165: "getresuid", 166: "vm86", 167: "query_module", 168: "poll", 169: "nfsservctl",
    170: "setresgid", 171: "getresgid", 172: "prctl", 173: "rt_sigreturn",
    174: "rt_sigaction", 175: "rt_sigprocmask", 176: "rt_sigpending",
    177: "rt_sigtimedwait", 178: "rt_sigqueueinfo", 179: "rt_sigsuspend", 180: "pread64",
    181: "pwrite64", 182: "chown", 183: "getcwd", 184: "capget", 185: "capset",
    186: "sigaltstack", 187: "sendfile", 188: "getpmsg", 189: "putpmsg", 190: "vfork",
    191: "ugetrlimit", 192: "mmap2", 193: "truncate64", 194: "ftruncate64", 195: "stat64",
    196: "lstat64", 197: "fstat64", 198: "lchown32", 199: "getuid32", 200: "getgid32",
    201: "geteuid32", 202: "getegid32", 203: "setreuid32", 204: "setregid32",
    205: "getgroups32", 206: "setgroups32", 207: "fchown32", 208: "setresuid32",
    209: "getresuid32", 210: "setresgid32", 211: "getresgid32", 212: "chown32",
    213: "setuid32", 214: "setgid32", 215: "setfsuid32", 216: "setfsgid32",
    217: "pivot_root", 218: "mincore", 219: "madvise", 220: "getdents64", 221: "fcntl64",
    224: "gettid", 225: "readahead", 226: "setxattr", 227: "lsetxattr", 228: "fsetxattr",
    229: "getxattr", 230: "lgetxattr", 231: "fgetxattr", 232: "listxattr",
    233: "llistxattr", 234: "flistxattr", 235: "removexattr", 236: "lremovexattr",
    237: "fremovexattr", 238: "tkill", 239: "sendfile64", 240: "futex",
    241: "sched_setaffinity", 242: "sched_getaffinity", 243: "set_thread_area",
    244: "get_thread_area", 245: "io_setup", 246: "io_destroy", 247: "io_getevents",
    248: "io_submit", 249: "io_cancel", 250: "fadvise64", 252: "exit_group",
    253: "lookup_dcookie", 254: "epoll_create", 255: "epoll_ctl", 256: "epoll_wait",
    257: "remap_file_pages", 258: "set_tid_address", 259: "timer_create",
    260: "timer_settime", 261: "timer_gettime", 262: "timer_getoverrun",
    263: "timer_delete", 264: "clock_settime", 265: "clock_gettime", 266: "clock_getres",
    267: "clock_nanosleep", 268: "statfs64", 269: "fstatfs64", 270: "tgkill",
    271: "utimes", 272: "fadvise64_64", 273: "vserver", 274: "mbind", 275: "get_mempolicy",
    276: "set_mempolicy", 277: "mq_open", 278: "mq_unlink", 279: "mq_timedsend",
    280: "mq_timedreceive", 281: "mq_notify", 282: "mq_getsetattr", 283: "kexec_load",
    284: "waitid", 286: "add_key", 287: "request_key", 288: "keyctl", 289: "ioprio_set",
    290: "ioprio_get", 291: "inotify_init", 292: "inotify_add_watch",
    293: "inotify_rm_watch", 294: "migrate_pages", 295: "openat", 296: "mkdirat",
    297: "mknodat", 298: "fchownat", 299: "futimesat", 300: "fstatat64", 301: "unlinkat",
    302: "renameat", 303: "linkat", 304: "symlinkat", 305: "readlinkat", 306: "fchmodat",
    307: "faccessat", 308: "pselect6", 309: "ppoll", 310: "unshare",
    311: "set_robust_list", 312: "get_robust_list", 313: "splice", 314: "sync_file_range",
    315: "tee", 316: "vmsplice", 317: "move_pages", 318: "getcpu", 319: "epoll_pwait",
    320: "utimensat", 321: "signalfd", 322: "timerfd_create", 323: "eventfd",
    324: "fallocate", 325: "timerfd_settime", 326: "timerfd_gettime", 327: "signalfd4",
    328: "eventfd2", 329: "epoll_create1", 330: "dup3", 331: "pipe2", 332: "inotify_init1",
    333: "preadv", 334: "pwritev", 335: "rt_tgsigqueueinfo", 336: "perf_event_open",
    337: "recvmmsg", 338: "fanotify_init", 339: "fanotify_mark", 340: "prlimit64",
    341: "name_to_handle_at", 342: "open_by_handle_at", 343: "clock_adjtime",
    344: "syncfs", 345: "sendmmsg", 346: "setns", 347: "process_vm_readv",
    348: "process_vm_writev", 349: "kcmp", 350: "finit_module", 351: "sched_setattr",
    352: "sched_getattr", 353: "renameat2", 354: "seccomp", 355: "getrandom",
    356: "memfd_create", 357: "bpf", 358: "execveat", 359: "socket", 360: "socketpair",
    361: "bind", 362: "connect", 363: "listen", 364: "accept4", 365: "getsockopt",
    366: "setsockopt", 367: "getsockname", 368: "getpeername", 369: "sendto",
    370: "sendmsg", 371: "recvfrom", 372: "recvmsg", 373: "shutdown", 374: "userfaultfd",
    375: "membarrier", 376: "mlock2", 377: "copy_file_range", 378: "preadv2",
    379: "pwritev2", 380: "pkey_mprotect", 381: "pkey_alloc", 382: "pkey_free",
    383: "statx", 384: "arch_prctl", 385: "io_pgetevents", 386: "rseq", 393: "semget",
    394: "semctl", 395: "shmget", 396: "shmctl", 397: "shmat", 398: "shmdt", 399: "msgget",
    400: "msgsnd", 401: "msgrcv", 402: "msgctl", 403: "clock_gettime64",
    404: "clock_settime64", 405: "clock_adjtime64", 406: "clock_getres_time64",
    407: "clock_nanosleep_time64", 408: "timer_gettime64", 409: "timer_settime64",
    410: "timerfd_gettime64", 411: "timerfd_settime64", 412: "utimensat_time64",
    413: "pselect6_time64", 414: "ppoll_time64", 416: "io_pgetevents_time64",
    417: "recvmmsg_time64", 418: "mq_timedsend_time64", 419: "mq_timedreceive_time64",
    420: "semtimedop_time64", 421: "rt_sigtimedwait_time64", 422: "futex_time64",
    423: "sched_rr_get_interval_time64", 424: "pidfd_send_signal", 425: "io_uring_setup",
    426: "io_uring_enter", 427: "io_uring_register", 428: "open_tree", 429: "move_mount",
    430: "fsopen", 431: "fsconfig", 432: "fsmount", 433: "fspick", 434: "pidfd_open",
    435: "clone3", 436: "close_range", 437: "openat2", 438: "pidfd_getfd",
    439: "faccessat2", 440: "process_madvise", 441: "epoll_pwait2", 442: "mount_setattr",
    443: "quotactl_fd", 444: "landlock_create_ruleset", 445: "landlock_add_rule",
    446: "landlock_restrict_self", 447: "memfd_secret", 448: "process_mrelease",
    449: "futex_waitv", 450: "set_mempolicy_home_node", 451: "cachestat", 452: "fchmodat2",
    453: "map_shadow_stack", 454: "futex_wake", 455: "futex_wait", 456: "futex_requeue",
    457: "statmount", 458: "listmount", 459: "lsm_get_self_attr", 460: "lsm_set_self_attr",
    461: "lsm_list_modules", 462: "mseal", 463: "setxattrat", 464: "getxattrat",
    465: "listxattrat", 466: "removexattrat", 467: "open_tree_attr", 468: "file_getattr",
    469: "file_setattr",
}

# x32: x86-64's numbers but those it has in 512..547 instead (and map_shadow_stack, 64-bit
# only), from <asm/unistd_x32.h> (Linux 6.1), then 451..469 as x86-64 has them
_X32_OWN = {
    512: "rt_sigaction", 513: "rt_sigreturn", 514: "ioctl", 515: "readv", 516: "writev",
    517: "recvfrom", 518: "sendmsg", 519: "recvmsg", 520: "execve", 521: "ptrace",
    522: "rt_sigpending", 523: "rt_sigtimedwait", 524: "rt_sigqueueinfo", 525: "sigaltstack",
    526: "timer_create", 527: "mq_notify", 528: "kexec_load", 529: "waitid",
    530: "set_robust_list", 531: "get_robust_list", 532: "vmsplice", 533: "move_pages",
    534: "preadv", 535: "pwritev", 536: "rt_tgsigqueueinfo", 537: "recvmmsg", 538: "sendmmsg",
    539: "process_vm_readv", 540: "process_vm_writev", 541: "setsockopt", 542: "getsockopt",
    543: "io_setup", 544: "io_submit", 545: "execveat", 546: "preadv2", 547: "pwritev2",
}
_X32_LACKS = frozenset({
    13, 15, 16, 19, 20, 45, 46, 47, 54, 55, 59, 101, 127, 128, 129, 131, 134, 156, 174, 177,
    178, 180, 205, 206, 209, 211, 214, 215, 222, 236, 244, 246, 247, 273, 274, 278, 279, 295,
    296, 297, 299, 307, 310, 311, 322, 327, 328, 453,
})
X32_NAMES: dict[int, str] = {
    nr: name for nr, name in SYSCALL_NAMES.items() if nr not in _X32_LACKS}
X32_NAMES.update(_X32_OWN)

AUDIT_ARCH_X86_64 = 0xC000003E
AUDIT_ARCH_I386 = 0x40000003
X32_SYSCALL_BIT = 0x40000000
ABI_X86_64, ABI_I386, ABI_X32 = 0, 1, 2
ABIS = ("x86_64", "i386", "x32")                 # ABI code -> name (events' ``abi``)
ABI_CODES = {name: code for code, name in enumerate(ABIS)}
# strace's qualifiers: open@64, open@32, open@x32
ABI_SUFFIXES = {"64": ABI_X86_64, "32": ABI_I386, "x32": ABI_X32}
ABI_SUFFIX = {code: suffix for suffix, code in ABI_SUFFIXES.items()}
# strace's "[ Process PID=N runs in ... mode. ]"
ABI_MODES = ("64 bit", "32 bit", "x32")
NAMES_BY_ABI: tuple[dict[int, str], ...] = (SYSCALL_NAMES, I386_NAMES, X32_NAMES)
NUMBERS_BY_ABI: tuple[dict[str, int], ...] = tuple(
    {name: nr for nr, name in table.items()} for table in NAMES_BY_ABI)
# every name of some ABI
ALL_NAMES: frozenset[str] = frozenset().union(*NUMBERS_BY_ABI)
_SPAN = 1 << 32


def syscall_key(arch: int, raw: int) -> int:
    """The key of a call from ``PTRACE_GET_SYSCALL_INFO``'s *arch* and number *raw* (any
    64-bit value: only its low 32 bits count, as for the kernel)."""
    n = raw & 0xFFFFFFFF
    if n & 0x80000000:
        n -= _SPAN
    if arch == AUDIT_ARCH_I386:
        return _SPAN + n
    if n & X32_SYSCALL_BIT and n != -1:
        return 2 * _SPAN + n - X32_SYSCALL_BIT
    return n


def make_key(abi: int, nr: int) -> int:
    """The key of call *nr* (a number of that ABI's table, or any int) of ABI *abi*."""
    return abi * _SPAN + nr


def key_abi(key: int) -> int:
    """The ABI code (ABI_X86_64, ABI_I386, ABI_X32) of *key*."""
    return (key + 0x80000000) >> 32


def key_nr(key: int) -> int:
    """The number of *key* in its ABI's table."""
    return key - ((key + 0x80000000) >> 32) * _SPAN


def key_raw(key: int) -> int:
    """The number the thread puts in its register for *key* (the x32 bit set back), as the
    kernel's signed 32-bit int: what a rewrite writes to orig_rax."""
    abi = (key + 0x80000000) >> 32
    nr = key - abi * _SPAN
    if abi == ABI_X32:
        nr = (nr + X32_SYSCALL_BIT + 0x80000000) % _SPAN - 0x80000000
    return nr


def key_name(key: int) -> str:
    """The name of the call *key* stands for (see syscall_name)."""
    abi = (key + 0x80000000) >> 32
    return syscall_name(key - abi * _SPAN, ABIS[abi])


def syscall_name(nr: int, abi: str = "x86_64") -> str:
    """The name of syscall *nr* of ABI *abi*, or ``syscall_0xNNN`` (strace's spelling: the
    number as the thread passed it, 64 bits wide) when it has none."""
    if abi == "x86_64":
        name = SYSCALL_NAMES.get(nr)
    else:
        code = ABI_CODES[abi]
        name = NAMES_BY_ABI[code].get(nr)
        if name is None and code == ABI_X32:
            nr += X32_SYSCALL_BIT
    return name if name is not None else f"syscall_{nr & 0xFFFFFFFFFFFFFFFF:#x}"


def syscall_number(name: str, abi: str = "x86_64") -> int:
    """The number of syscall *name* in ABI *abi*'s table; ``KeyError`` with a helpful
    message when it is unknown."""
    try:
        return NUMBERS_BY_ABI[ABI_CODES[abi]][name]
    except KeyError:
        shown = abi.replace("_", "-")
        raise KeyError(f"unknown {shown} system call name {name!r}") from None


def selector_keys(selector: str) -> frozenset[int]:
    """The keys a name stands for: ``open`` is open in every ABI that has it, ``open@64``,
    ``open@32`` or ``open@x32`` in one (strace's qualifiers). Empty for an unknown name."""
    name, at, suffix = selector.rpartition("@")
    if at and suffix in ABI_SUFFIXES:
        abi = ABI_SUFFIXES[suffix]
        nr = NUMBERS_BY_ABI[abi].get(name)
        return frozenset() if nr is None else frozenset((abi * _SPAN + nr,))
    return frozenset(abi * _SPAN + table[selector]
                     for abi, table in enumerate(NUMBERS_BY_ABI) if selector in table)


# every key of a name: the set "all" stands for
ALL_KEYS: frozenset[int] = frozenset(
    abi * _SPAN + nr for abi, table in enumerate(NAMES_BY_ABI) for nr in table)


def key_selectors(keys: frozenset[int] | set[int]) -> frozenset[str]:
    """The names that stand for exactly the named calls among *keys*: a name alone when
    all of its calls are there, ``name@ABI`` for each one that is when some are not."""
    out: set[str] = set()
    by_name: dict[str, list[int]] = {}
    for key in keys:
        abi = (key + 0x80000000) >> 32
        name = NAMES_BY_ABI[abi].get(key - abi * _SPAN) if 0 <= abi < 3 else None
        if name is not None:
            by_name.setdefault(name, []).append(key)
    for name, got in by_name.items():
        if len(got) == len(selector_keys(name)):
            out.add(name)
        else:
            out.update(f"{name}@{ABI_SUFFIX[key_abi(k)]}" for k in got)
    return frozenset(out)
