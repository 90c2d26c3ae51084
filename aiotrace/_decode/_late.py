# SPDX-License-Identifier: GPL-2.0-or-later
"""The stops a capture may decode after the thread has gone on: what
``aiotrace._decode.computed_late_captures()`` makes of the syscall table, kept here so
that the command's start does not import every module of printers. Written by
scripts/late_table.py: do not edit; tests/unit/test_late_table.py checks it.
"""

from __future__ import annotations

from typing import Any

ENTRIES: frozenset[str] = frozenset("""\
    access acct adjtimex afs_syscall alarm bind brk cachestat chdir chmod chown chroot
    clock_adjtime clock_getres clock_gettime close close_range connect creat create_module
    delete_module dup dup2 dup3 epoll_create epoll_create1 epoll_ctl_old epoll_pwait
    epoll_pwait2 epoll_wait epoll_wait_old eventfd eventfd2 exit exit_group faccessat
    faccessat2 fadvise64 fallocate fanotify_init fchdir fchmod fchmodat fchmodat2 fchown
    fchownat fdatasync fgetxattr file_getattr file_setattr finit_module flistxattr flock
    fork fremovexattr fsetxattr fsmount fsopen fspick fstat fstatfs fsync ftruncate
    futex_requeue futex_wait futex_wake futimesat get_kernel_syms get_mempolicy getcpu
    getcwd getdents getdents64 getegid geteuid getgid getgroups getitimer getpgrp getpid
    getpmsg getppid getrandom getresgid getresuid getrlimit getrusage gettid gettimeofday
    getuid getxattr getxattrat init_module inotify_add_watch inotify_init inotify_init1
    inotify_rm_watch io_destroy io_getevents io_pgetevents io_setup io_uring_enter ioperm
    iopl kexec_file_load landlock_create_ruleset landlock_restrict_self lchown lgetxattr
    link linkat listen listmount listxattr listxattrat llistxattr lookup_dcookie
    lremovexattr lseek lsetxattr lsm_get_self_attr lsm_list_modules lsm_set_self_attr lstat
    madvise map_shadow_stack membarrier mincore mkdir mkdirat mlock mlock2 mlockall mmap
    move_mount mprotect mq_timedreceive mseal msgrcv munlock munlockall munmap
    name_to_handle_at newfstatat nfsservctl open open_by_handle_at open_tree open_tree_attr
    openat pause pipe pipe2 pivot_root pkey_alloc pkey_free pkey_mprotect pread64 preadv
    preadv2 process_madvise process_mrelease putpmsg pwrite64 pwritev pwritev2 query_module
    read readahead readlink readlinkat readv reboot remap_file_pages removexattr
    removexattrat rename renameat renameat2 restart_syscall rmdir rt_sigaction rt_sigpending
    rt_sigprocmask rt_sigsuspend rt_sigtimedwait sched_get_priority_max
    sched_get_priority_min sched_yield security set_mempolicy_home_node set_robust_list
    set_tid_address setdomainname setfsgid setfsuid setgid sethostname setns setregid
    setresgid setresuid setreuid setrlimit setsid setuid setxattr setxattrat shmdt shutdown
    signalfd signalfd4 socket socketpair stat statfs statmount swapoff swapon symlink
    symlinkat sync sync_file_range syncfs sysfs sysinfo tee time timer_delete
    timer_getoverrun timer_gettime timerfd_create timerfd_gettime times truncate tuxcall
    umask umount2 uname unlink unlinkat unshare uselib userfaultfd ustat utime utimes vfork
    vhangup vmsplice vserver write writev
""".split())
EXITS: frozenset[str] = frozenset("""\
    _sysctl access acct add_key afs_syscall alarm bind brk cachestat capset chdir chmod
    chown chroot clock_settime close close_range connect copy_file_range creat create_module
    delete_module dup dup2 dup3 epoll_create epoll_create1 epoll_ctl epoll_ctl_old
    epoll_wait_old eventfd eventfd2 execve execveat exit exit_group faccessat faccessat2
    fadvise64 fallocate fanotify_init fanotify_mark fchdir fchmod fchmodat fchmodat2 fchown
    fchownat fdatasync file_getattr file_setattr finit_module flock fork fremovexattr
    fsconfig fsetxattr fsmount fsopen fspick fsync ftruncate futex futex_requeue futex_wait
    futex_waitv futex_wake futimesat get_kernel_syms getegid geteuid getgid getpgid getpgrp
    getpid getpmsg getppid getpriority getsid gettid getuid getxattrat init_module
    inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_destroy io_submit
    io_uring_enter ioperm iopl ioprio_set kcmp kexec_file_load kexec_load kill
    landlock_add_rule landlock_restrict_self lchown link linkat listen listmount listxattrat
    lremovexattr lseek lsetxattr lsm_get_self_attr lsm_list_modules lsm_set_self_attr
    madvise map_shadow_stack mbind memfd_create memfd_secret migrate_pages mkdir mkdirat
    mknod mknodat mlock mlock2 mlockall mmap mount mount_setattr move_mount mprotect
    mq_notify mq_open mq_timedsend mq_unlink mremap mseal msgget msgsnd msync munlock
    munlockall munmap name_to_handle_at nfsservctl open open_by_handle_at open_tree
    open_tree_attr openat openat2 pause pidfd_getfd pidfd_open pidfd_send_signal pivot_root
    pkey_alloc pkey_free pkey_mprotect process_madvise process_mrelease process_vm_writev
    putpmsg pwrite64 pwritev pwritev2 query_module readahead reboot remap_file_pages
    removexattr removexattrat rename renameat renameat2 request_key restart_syscall rmdir
    rseq rt_sigqueueinfo rt_sigreturn rt_sigsuspend rt_tgsigqueueinfo sched_get_priority_max
    sched_get_priority_min sched_setaffinity sched_setparam sched_setscheduler sched_yield
    security semget semop semtimedop sendmsg sendto set_mempolicy set_mempolicy_home_node
    set_robust_list set_tid_address setdomainname setfsgid setfsuid setgid setgroups
    sethostname setns setpgid setpriority setregid setresgid setresuid setreuid setrlimit
    setsid setsockopt settimeofday setuid setxattr setxattrat shmat shmdt shmget shutdown
    signalfd signalfd4 socket splice statmount swapoff swapon symlink symlinkat sync
    sync_file_range syncfs sysfs tee tgkill timer_delete timer_getoverrun timerfd_create
    tkill truncate tuxcall umask umount2 unlink unlinkat unshare uselib userfaultfd utime
    utimensat utimes vfork vhangup vmsplice vserver write writev
""".split())
QUIET: frozenset[str] = frozenset("""\
    adjtimex afs_syscall alarm brk cachestat clock_adjtime clock_getres clock_gettime close
    close_range create_module dup dup2 dup3 epoll_create epoll_create1 epoll_ctl_old
    epoll_pwait epoll_pwait2 epoll_wait epoll_wait_old eventfd eventfd2 exit exit_group
    fadvise64 fallocate fanotify_init fchdir fchmod fchmodat2 fchown fdatasync file_getattr
    file_setattr flistxattr flock fork fsmount fstat fstatfs fsync ftruncate futex_requeue
    futex_wait futex_wake get_kernel_syms get_mempolicy getcpu getcwd getdents getdents64
    getegid geteuid getgid getgroups getitimer getpgrp getpid getpmsg getppid getrandom
    getresgid getresuid getrlimit getrusage gettid gettimeofday getuid getxattrat
    inotify_init inotify_init1 inotify_rm_watch io_destroy io_getevents io_pgetevents
    io_setup ioperm iopl landlock_restrict_self listen listmount listxattrat lookup_dcookie
    lseek lsm_get_self_attr lsm_list_modules lsm_set_self_attr madvise map_shadow_stack
    membarrier mincore mlock mlock2 mlockall mmap mprotect mq_timedreceive mseal msgrcv
    munlock munlockall munmap name_to_handle_at nfsservctl open_by_handle_at open_tree_attr
    pause pipe pipe2 pkey_alloc pkey_free pkey_mprotect pread64 preadv preadv2
    process_mrelease putpmsg query_module read readahead readv remap_file_pages
    removexattrat restart_syscall rt_sigpending sched_get_priority_max
    sched_get_priority_min sched_yield security set_mempolicy_home_node set_robust_list
    set_tid_address setfsgid setfsuid setgid setns setregid setresgid setresuid setreuid
    setsid setuid setxattrat shmdt shutdown socket socketpair statmount sync sync_file_range
    syncfs sysfs sysinfo tee time timer_delete timer_getoverrun timer_gettime timerfd_create
    timerfd_gettime times tuxcall umask uname unshare userfaultfd ustat vfork vhangup
    vserver
""".split())
COPIED: dict[str, tuple[tuple[Any, ...], ...]] = {
    'fcntl': ((2, 'fixed', 32),), 'fgetxattr': ((2, 'retval', None),),
    'fstat': ((1, 'fixed', 72),), 'getdents': ((1, 'retval', 65536),),
    'getdents64': ((1, 'retval', 65536),), 'getxattr': ((2, 'retval', None),),
    'lgetxattr': ((2, 'retval', None),), 'lookup_dcookie': ((1, 'retval', None),),
    'lstat': ((1, 'fixed', 72),), 'newfstatat': ((2, 'fixed', 72),),
    'pread64': ((1, 'retval', None),), 'read': ((1, 'retval', None),),
    'stat': ((1, 'fixed', 72),),
}
COPIED_ENTRIES: dict[str, tuple[tuple[Any, ...], ...]] = {
    'access': ((0, 'string', 4096),), 'acct': ((0, 'string', 4096),),
    'chdir': ((0, 'string', 4096),), 'chmod': ((0, 'string', 4096),),
    'chown': ((0, 'string', 4096),), 'chroot': ((0, 'string', 4096),),
    'creat': ((0, 'string', 4096),), 'delete_module': ((0, 'string', None),),
    'faccessat': ((1, 'string', 4096),), 'faccessat2': ((1, 'string', 4096),),
    'fchmodat': ((1, 'string', 4096),), 'fchownat': ((1, 'string', 4096),),
    'fcntl': ((2, 'fixed', 32),), 'fgetxattr': ((1, 'string', None),),
    'finit_module': ((1, 'string', None),), 'fremovexattr': ((1, 'string', None),),
    'fsopen': ((0, 'string', None),), 'fspick': ((1, 'string', 4096),),
    'getxattr': ((0, 'string', 4096), (1, 'string', None)),
    'init_module': ((2, 'string', None),), 'inotify_add_watch': ((1, 'string', 4096),),
    'kexec_file_load': ((3, 'arg', None, 2),), 'lchown': ((0, 'string', 4096),),
    'lgetxattr': ((0, 'string', 4096), (1, 'string', None)),
    'link': ((0, 'string', 4096), (1, 'string', 4096)),
    'linkat': ((1, 'string', 4096), (3, 'string', 4096)),
    'listxattr': ((0, 'string', 4096),), 'llistxattr': ((0, 'string', 4096),),
    'lremovexattr': ((0, 'string', 4096), (1, 'string', None)),
    'lstat': ((0, 'string', 4096),), 'mkdir': ((0, 'string', 4096),),
    'mkdirat': ((1, 'string', 4096),),
    'move_mount': ((1, 'string', 4096), (3, 'string', 4096)),
    'newfstatat': ((1, 'string', 4096),), 'open': ((0, 'string', 4096),),
    'open_tree': ((1, 'string', 4096),), 'openat': ((1, 'string', 4096),),
    'pivot_root': ((0, 'string', 4096), (1, 'string', 4096)),
    'pwrite64': ((1, 'arg', None, 2),), 'readlink': ((0, 'string', 4096),),
    'readlinkat': ((1, 'string', 4096),),
    'removexattr': ((0, 'string', 4096), (1, 'string', None)),
    'rename': ((0, 'string', 4096), (1, 'string', 4096)),
    'renameat': ((1, 'string', 4096), (3, 'string', 4096)),
    'renameat2': ((1, 'string', 4096), (3, 'string', 4096)),
    'rmdir': ((0, 'string', 4096),), 'stat': ((0, 'string', 4096),),
    'statfs': ((0, 'string', 4096),), 'swapoff': ((0, 'string', 4096),),
    'swapon': ((0, 'string', 4096),), 'symlink': ((0, 'string', 4096), (1, 'string', 4096)),
    'symlinkat': ((0, 'string', 4096), (2, 'string', 4096)),
    'truncate': ((0, 'string', 4096),), 'umount2': ((0, 'string', 4096),),
    'unlink': ((0, 'string', 4096),), 'unlinkat': ((1, 'string', 4096),),
    'uselib': ((0, 'string', 4096),), 'write': ((1, 'arg', None, 2),),
}
