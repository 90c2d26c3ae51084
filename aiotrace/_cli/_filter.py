# SPDX-License-Identifier: GPL-2.0-or-later
"""strace's ``-e trace=``, ``-e signal=``, ``-e status=`` and ``-e quiet=`` sets.

The system call classes (``%file``, ``%process``...) are those of strace 6.1 on x86-64.
They were read off strace itself: a probe program called every system call number
under a seccomp filter that made each call fail with ENOSYS, and ``strace -e
trace=%CLASS`` printed the members of each class (``tests/cli/test_cli_args.py`` repeats that
probe against /usr/bin/strace). Calls newer than strace 6.1 (451 and up) are classed
as later strace releases class them.
"""

from __future__ import annotations

import difflib
import re

from ._internals import (
    ABI_SUFFIX, ABI_SUFFIXES, ALL_KEYS, ALL_NAMES, NAMES_BY_ABI, NUMBERS_BY_ABI, SIGNAL_NAMES,
    key_selectors, selector_keys,
)

__all__ = [
    "CLASSES", "SetError", "parse_syscall_set", "expand_token", "parse_signal_set",
    "parse_status_set", "parse_quiet_set", "SIGNAL_NAMES", "signal_name", "STATUSES",
    "selectors_keys",
]


class SetError(ValueError):
    """A bad -e expression; the message is what aiotrace prints after ``aiotrace: ``."""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# strace 6.1 (x86-64), plus the calls it did not know yet, as later strace classes them.
CLASSES: dict[str, frozenset[str]] = {
    "file": _words("""
        access acct chdir chmod chown chroot creat execve execveat faccessat faccessat2
        fanotify_mark fchmodat fchownat fsconfig fspick futimesat getcwd getxattr
        inotify_add_watch lchown lgetxattr link linkat listxattr llistxattr lremovexattr
        lsetxattr lstat mkdir mkdirat mknod mknodat mount mount_setattr move_mount
        name_to_handle_at newfstatat open open_tree openat openat2 pivot_root quotactl
        readlink readlinkat removexattr rename renameat renameat2 rmdir setxattr stat
        statfs statx swapoff swapon symlink symlinkat truncate umount2 unlink unlinkat
        uselib utime utimensat utimes
        fchmodat2 setxattrat getxattrat listxattrat removexattrat open_tree_attr
        file_getattr file_setattr"""),
    "process": _words("""
        clone clone3 execve execveat exit exit_group fork kill pidfd_send_signal
        rt_sigqueueinfo rt_tgsigqueueinfo tgkill tkill vfork wait4 waitid"""),
    "network": _words("""
        accept accept4 bind connect getpeername getpmsg getsockname getsockopt listen
        putpmsg recvfrom recvmmsg recvmsg sendfile sendmmsg sendmsg sendto setsockopt
        shutdown socket socketpair"""),
    "signal": _words("""
        io_uring_enter kill pause pidfd_send_signal rt_sigaction rt_sigpending
        rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend rt_sigtimedwait
        rt_tgsigqueueinfo sigaltstack signalfd signalfd4 tgkill tkill"""),
    "ipc": _words("""
        msgctl msgget msgrcv msgsnd semctl semget semop semtimedop shmat shmctl shmdt
        shmget"""),
    "desc": _words("""
        bpf close copy_file_range creat dup dup2 dup3 epoll_create epoll_create1
        epoll_ctl epoll_pwait epoll_pwait2 epoll_wait eventfd eventfd2 execveat
        faccessat faccessat2 fadvise64 fallocate fanotify_init fanotify_mark fchdir
        fchmod fchmodat fchown fchownat fcntl fdatasync fgetxattr finit_module
        flistxattr flock fremovexattr fsconfig fsetxattr fsmount fsopen fspick fstat
        fstatfs fsync ftruncate futimesat getdents getdents64 inotify_add_watch
        inotify_init inotify_init1 inotify_rm_watch io_uring_enter io_uring_register
        io_uring_setup ioctl kexec_file_load landlock_add_rule landlock_create_ruleset
        landlock_restrict_self linkat lseek memfd_create memfd_secret mkdirat mknodat
        mmap mount_setattr move_mount mq_getsetattr mq_notify mq_open mq_timedreceive
        mq_timedsend name_to_handle_at newfstatat open open_by_handle_at open_tree
        openat openat2 perf_event_open pidfd_getfd pidfd_open pidfd_send_signal pipe
        pipe2 poll ppoll pread64 preadv preadv2 process_madvise process_mrelease
        pselect6 pwrite64 pwritev pwritev2 quotactl_fd read readahead readlinkat readv
        renameat renameat2 select sendfile setns signalfd signalfd4 splice statx
        symlinkat sync_file_range syncfs tee timerfd_create timerfd_gettime
        timerfd_settime unlinkat userfaultfd utimensat vmsplice write writev
        cachestat fchmodat2 setxattrat getxattrat listxattrat removexattrat
        open_tree_attr file_getattr file_setattr"""),
    "memory": _words("""
        brk get_mempolicy io_destroy io_setup io_uring_register madvise mbind
        migrate_pages mincore mlock mlock2 mlockall mmap move_pages mprotect mremap
        msync munlock munlockall munmap pkey_mprotect remap_file_pages set_mempolicy
        set_mempolicy_home_node shmat shmdt map_shadow_stack mseal"""),
    "creds": _words("""
        capget capset getegid geteuid getgid getgroups getresgid getresuid getuid prctl
        setfsgid setfsuid setgid setgroups setregid setresgid setresuid setreuid
        setuid"""),
    "clock": _words("""
        adjtimex clock_adjtime clock_getres clock_gettime clock_settime gettimeofday
        settimeofday time"""),
    "pure": _words("getegid geteuid getgid getpgrp getpid getppid gettid getuid"),
    "stat": _words("stat"),
    "lstat": _words("lstat"),
    "fstat": _words("fstat newfstatat statx"),
    "%stat": _words("fstat lstat newfstatat stat statx"),
    "statfs": _words("statfs"),
    "fstatfs": _words("fstatfs"),
    "%statfs": _words("fstatfs statfs ustat"),
}
# The calls only i386 has (a 32-bit program, or int $0x80), in the classes strace puts them.
_I386_CLASSES = {
    "file": """chown32 lchown32 lstat64 oldlstat oldstat stat64 statfs64 truncate64 umount
        fstatat64 utimensat_time64""",
    "process": "waitpid",
    "network": "socketcall",
    "signal": """sigaction sigpending sigprocmask sigreturn sigsuspend signal sgetmask ssetmask
        rt_sigtimedwait_time64""",
    "ipc": "ipc semtimedop_time64",
    "desc": """_llseek _newselect fadvise64_64 fcntl64 fchown32 fstat64 fstatat64 fstatfs64
        ftruncate64 mmap2 oldfstat readdir sendfile64 pselect6_time64 ppoll_time64
        timerfd_gettime64 timerfd_settime64 utimensat_time64 mq_timedsend_time64
        mq_timedreceive_time64""",
    "memory": "mmap2",
    "creds": """getegid32 geteuid32 getgid32 getgroups32 getresgid32 getresuid32 getuid32
        setfsgid32 setfsuid32 setgid32 setgroups32 setregid32 setresgid32 setresuid32
        setreuid32 setuid32""",
    "clock": "clock_adjtime64 clock_getres_time64 clock_gettime64 clock_settime64 stime",
    "pure": "getegid32 geteuid32 getgid32 getuid32",
    "stat": "stat64 oldstat",
    "lstat": "lstat64 oldlstat",
    "fstat": "fstat64 fstatat64 oldfstat",
    "%stat": "fstat64 fstatat64 lstat64 oldfstat oldlstat oldstat stat64",
    "statfs": "statfs64",
    "fstatfs": "fstatfs64",
    "%statfs": "fstatfs64 statfs64",
}
for _cls, _names in _I386_CLASSES.items():
    CLASSES[_cls] = CLASSES[_cls] | _words(_names)
CLASSES["net"] = CLASSES["network"]
# strace still accepts these without the "%" (deprecated spelling).
_BARE_CLASSES = ("file", "process", "network", "signal", "ipc", "desc", "memory")


def _unknown(token: str) -> SetError:
    msg = f"invalid system call '{token}'"
    name = token.lstrip("%")
    close = difflib.get_close_matches(name, sorted(ALL_NAMES), n=3, cutoff=0.75)
    if token.startswith("%"):
        classes = sorted("%" + c for c in CLASSES)
        near = difflib.get_close_matches(token, classes, n=2, cutoff=0.6)
        msg += f" (classes: {', '.join(classes)})" if not near else \
            f" (did you mean {' or '.join(near)}?)"
    elif close:
        msg += f" (did you mean {', '.join(close)}?)"
    return SetError(msg)


def expand_token(token: str) -> set[str]:
    """Names for one element of a syscall set (a name, number, ``%class``, bare class
    name, ``/regex``, ``all``, ``none``, with ``@64``/``@32``/``@x32``); raises SetError.
    An unknown element or one matching nothing is an error unless it starts with ``?``.

    A name stands for its call in every ABI that has it (``open`` is also i386's and
    x32's), a name with ``@64``, ``@32`` or ``@x32`` for that ABI's only, and a number
    for the call of that number in each ABI (as strace takes them): the names returned
    are qualified (``fstat@64``, ``open@32``) where they stand for less than every ABI."""
    optional = token.startswith("?")
    if optional:
        token = token[1:]
    orig = token
    pers = None
    m = re.fullmatch(r"(.*)@(64|32|x32)", token)
    if m is not None and not token.startswith("/"):
        token, pers = m.group(1), ABI_SUFFIXES[m.group(2)]
    found: set[str]
    if token == "all":
        found = set(ALL_NAMES)
    elif token == "none":
        found = set()
    elif token.startswith("/"):
        try:
            rx = re.compile(token[1:])
        except re.error as exc:
            raise SetError(f"invalid regular expression '{token[1:]}': {exc}") from None
        found = {n for n in ALL_NAMES if rx.search(n)}
        if not found and not optional:
            raise SetError(f"invalid system call '{token}' (the regular expression "
                           "matches no system call)")
    elif token.startswith("%"):
        cls = CLASSES.get(token[1:])
        if cls is None:
            if optional:
                return set()
            raise _unknown(token)
        found = {n for n in cls if n in ALL_NAMES}
    elif token in _BARE_CLASSES:
        found = {n for n in CLASSES[token] if n in ALL_NAMES}
    elif token.isascii() and token.isdigit():
        nr = int(token) if len(token.lstrip("0")) <= 9 else -1   # (-1: no call has it)
        found = {f"{table[nr]}@{ABI_SUFFIX[abi]}" for abi, table in enumerate(NAMES_BY_ABI)
                 if nr in table and (pers is None or pers == abi)}
        if not found:
            if optional:
                return set()
            raise SetError(f"invalid system call '{token}' (no system call has that number)")
        return found
    elif token in ALL_NAMES:
        found = {token}
    else:
        if optional:
            return set()
        raise _unknown(orig)
    if pers is not None:
        # (that ABI's calls only, of those names it has)
        return {f"{n}@{ABI_SUFFIX[pers]}" for n in found if n in NUMBERS_BY_ABI[pers]}
    return found


def selectors_keys(names: frozenset[str] | set[str]) -> frozenset[int]:
    """The tracer's keys (see aiotrace._core._syscalls) of a set of names (qualified or
    not)."""
    keys: set[int] = set()
    for n in names:
        keys |= selector_keys(n)
    return frozenset(keys)


def _split_set(text: str, what: str) -> tuple[bool, list[str]]:
    """strace's ``[!]value[,value]...``: whether it is negated, and its values (at least
    one, or SetError ``invalid WHAT 'TEXT'``)."""
    negate = text.startswith("!")
    body = text[1:] if negate else text
    tokens = [t for t in body.split(",") if t]
    if not tokens:
        raise SetError(f"invalid {what} '{text}'")
    return negate, tokens


def parse_syscall_set(text: str) -> frozenset[str]:
    """strace's ``[!]value[,value]...``; returns the set of names (``open``, or ``open@32``
    where a name stands for less than every ABI that has it). Raises SetError."""
    negate, tokens = _split_set(text, "system call")
    names: set[str] = set()
    for tok in tokens:
        names |= expand_token(tok)
    if negate:
        return key_selectors(ALL_KEYS - selectors_keys(names))
    return frozenset(names)


# -- signals ----------------------------------------------------------------------------

_SIGNAL_NUMBERS = {name: n for n, name in SIGNAL_NAMES.items()}
_SIGNAL_NUMBERS.update({"SIGIOT": 6, "SIGPOLL": 29, "SIGCLD": 17, "SIGUNUSED": 31})


def signal_name(signo: int) -> str:
    """``SIGCHLD``, ``SIGRT_3``... as strace prints them."""
    return SIGNAL_NAMES.get(signo, str(signo))


def signal_number(text: str) -> int | None:
    """A signal name (any case, with or without ``SIG``) or a decimal number in 0..255, as
    strace accepts them (numbers outside 1..64 are valid but match no signal)."""
    if text.isdigit() and text.isascii():
        n = int(text, 10) if len(text.lstrip("0")) <= 9 else 256
        return n if n <= 255 else None
    name = text.upper()
    if not name.startswith("SIG"):
        name = "SIG" + name
    return _SIGNAL_NUMBERS.get(name)


def parse_signal_set(text: str) -> frozenset[int]:
    """``-e signal=[!]sig[,sig]...``: names (``SIGUSR1``, ``usr1``), numbers, ``all``,
    ``none``. Raises SetError."""
    negate, tokens = _split_set(text, "signal")
    sigs: set[int] = set()
    for tok in tokens:
        if tok == "all":
            sigs.update(range(1, 65))
        elif tok == "none":
            pass
        else:
            n = signal_number(tok)
            if n is None:
                raise SetError(f"invalid signal '{tok}'")
            sigs.add(n)
    if negate:
        sigs = set(range(1, 65)) - sigs
    return frozenset(s for s in sigs if 1 <= s <= 64)


# -- status and quiet -------------------------------------------------------------------

STATUSES = ("successful", "failed", "unfinished", "unavailable", "detached")


def _parse_keywords(text: str, universe: tuple[str, ...], what: str,
                    aliases: dict[str, tuple[str, ...]] | None = None) -> frozenset[str]:
    negate, tokens = _split_set(text, what)
    got: set[str] = set()
    for tok in tokens:
        if tok == "all":
            got.update(universe)
        elif tok == "none":
            pass
        elif aliases and tok in aliases:
            got.update(aliases[tok])
        elif tok in universe:
            got.add(tok)
        else:
            raise SetError(f"invalid {what} '{tok}' (expected {', '.join(universe)}, "
                           "all or none)")
    if negate:
        got = set(universe) - got
    return frozenset(got)


def parse_status_set(text: str) -> frozenset[str]:
    """``-e status=SET``: successful, failed, unfinished, unavailable, detached."""
    return _parse_keywords(text, STATUSES, "status")


QUIET = ("attach", "exit", "path-resolution", "personality", "thread-execve")


def parse_quiet_set(text: str) -> frozenset[str]:
    """``-e quiet=SET`` / ``--quiet=SET``: attach, exit, path-resolution, personality,
    thread-execve (alias superseded)."""
    return _parse_keywords(text, QUIET, "quiet argument",
                           {"exits": ("exit",), "superseded": ("thread-execve",),
                            "personalities": ("personality",), "attaches": ("attach",)})
