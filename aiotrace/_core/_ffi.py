"""All of aiotrace's ctypes in one place: ptrace(2), process_vm_readv(2), seccomp and friends.

Every function raises ``OSError(errno, strerror)`` on failure; callers translate ESRCH into
"the tracee is gone" at their own boundary.
"""

from __future__ import annotations

import ctypes
import enum
import os
import threading
from ctypes import c_int, c_long, c_ulong, c_void_p, c_size_t, c_ssize_t

_libc = ctypes.CDLL(None, use_errno=True)


class Req(enum.IntEnum):
    """ptrace(2) requests used by aiotrace (values from <linux/ptrace.h>, x86-64)."""

    PEEKDATA = 2
    PEEKUSER = 3
    POKEUSER = 6
    CONT = 7
    KILL = 8
    SINGLESTEP = 9
    GETREGS = 12
    SETREGS = 13
    DETACH = 17
    SYSCALL = 24
    SETOPTIONS = 0x4200
    GETEVENTMSG = 0x4201
    GETSIGINFO = 0x4202
    SETSIGINFO = 0x4203
    SEIZE = 0x4206
    INTERRUPT = 0x4207
    LISTEN = 0x4208
    GET_SYSCALL_INFO = 0x420E
    SET_SYSCALL_INFO = 0x4212


class Opt(enum.IntFlag):
    """PTRACE_O_* options."""

    TRACESYSGOOD = 0x1
    TRACEFORK = 0x2
    TRACEVFORK = 0x4
    TRACECLONE = 0x8
    TRACEEXEC = 0x10
    TRACEVFORKDONE = 0x20
    TRACEEXIT = 0x40
    TRACESECCOMP = 0x80
    EXITKILL = 0x100000


class Event(enum.IntEnum):
    """PTRACE_EVENT_* values, found in ``status >> 16`` of a ptrace-event-stop."""

    FORK = 1
    VFORK = 2
    CLONE = 3
    EXEC = 4
    VFORK_DONE = 5
    EXIT = 6
    SECCOMP = 7
    STOP = 128


SYSCALL_INFO_NONE = 0
SYSCALL_INFO_ENTRY = 1
SYSCALL_INFO_EXIT = 2
SYSCALL_INFO_SECCOMP = 3

# waitpid(2) flags that the os module does not name.
WALL = 0x40000000
WNOTHREAD = 0x20000000


class _Entry(ctypes.Structure):
    _fields_ = [("nr", ctypes.c_uint64), ("args", ctypes.c_uint64 * 6)]


class _Exit(ctypes.Structure):
    _fields_ = [("rval", ctypes.c_int64), ("is_error", ctypes.c_uint8)]


class _Seccomp(ctypes.Structure):
    _fields_ = [("nr", ctypes.c_uint64), ("args", ctypes.c_uint64 * 6), ("ret_data", ctypes.c_uint32)]


class _Union(ctypes.Union):
    _fields_ = [("entry", _Entry), ("exit", _Exit), ("seccomp", _Seccomp)]


class SyscallInfo(ctypes.Structure):
    """struct ptrace_syscall_info (Linux >= 5.3)."""

    _anonymous_ = ("u",)
    _fields_ = [
        ("op", ctypes.c_uint8),
        ("pad", ctypes.c_uint8 * 3),
        ("arch", ctypes.c_uint32),
        ("instruction_pointer", ctypes.c_uint64),
        ("stack_pointer", ctypes.c_uint64),
        ("u", _Union),
    ]


REG_NAMES = (
    "r15", "r14", "r13", "r12", "rbp", "rbx", "r11", "r10", "r9", "r8", "rax", "rcx",
    "rdx", "rsi", "rdi", "orig_rax", "rip", "cs", "eflags", "rsp", "ss", "fs_base",
    "gs_base", "ds", "es", "fs", "gs",
)


class UserRegs(ctypes.Structure):
    """struct user_regs_struct of x86-64 (PTRACE_GETREGS)."""

    _fields_ = [(name, ctypes.c_ulonglong) for name in REG_NAMES]


class IOVec(ctypes.Structure):
    _fields_ = [("iov_base", c_void_p), ("iov_len", c_size_t)]


# ptrace(2) requests never block (waitpid does, and is os.waitpid): called without
# releasing the GIL, which would cost a release and a re-acquire per call and let the loop
# thread take the GIL in the middle of a stop's handling (about 1 us per intercepted stop).
_ptrace = ctypes.PyDLL(None, use_errno=True).ptrace
_ptrace.argtypes = (c_long, c_long, c_void_p, c_void_p)
_ptrace.restype = c_long

_pvr = _libc.process_vm_readv
_pvr.argtypes = (c_int, ctypes.POINTER(IOVec), c_ulong, ctypes.POINTER(IOVec), c_ulong, c_ulong)
_pvr.restype = c_ssize_t

_pvw = _libc.process_vm_writev
_pvw.argtypes = _pvr.argtypes
_pvw.restype = c_ssize_t

_tgkill = _libc.tgkill
_tgkill.argtypes = (c_int, c_int, c_int)
_tgkill.restype = c_int

_gettid = _libc.gettid
_gettid.argtypes = ()
_gettid.restype = c_int


# The bare call, for the tracer's per-stop path (no wrapper frame): -1 means failure,
# with the errno in ctypes.get_errno().
raw_ptrace = _ptrace


def _raise() -> None:
    err = ctypes.get_errno()
    raise OSError(err, os.strerror(err))


def ptrace(req: int, tid: int, addr: int = 0, data: int = 0) -> int:
    """A ptrace request that returns 0 on success (not a PEEK)."""
    res = _ptrace(req, tid, addr, data)
    if res == -1:
        _raise()
    return int(res)


def write_byte(fd: int) -> None:
    """Write one byte on a nonblocking pipe (a wake-up); a full pipe (EAGAIN) is fine.

    ``os.write`` releases the GIL before the byte is written, which is what we want: on
    one CPU the thread woken by the byte usually runs at once, and finds the GIL free
    instead of blocking on it and handing the CPU back and forth (CPython's GIL is a
    condition variable and a mutex: 4 to 5 extra context switches per wake-up). Measured
    on the intercepted getppid loop, one CPU: 9 context switches per stop down to 4,
    46 to 41 us per stop on asyncio, 60 to 52 on trio (a write that kept the GIL was
    better only before the tracer thread slept in poll() while every tracee is held)."""
    try:
        os.write(fd, b"\0")
    except BlockingIOError:
        pass


def seize(tid: int, options: int) -> None:
    ptrace(Req.SEIZE, tid, 0, options)


def geteventmsg(tid: int) -> int:
    msg = c_ulong(0)
    ptrace(Req.GETEVENTMSG, tid, 0, ctypes.addressof(msg))
    return msg.value


def getsiginfo(tid: int) -> bytes:
    """The raw ``siginfo_t`` (128 bytes) of the signal a thread is stopped for."""
    buf = ctypes.create_string_buffer(128)
    ptrace(Req.GETSIGINFO, tid, 0, ctypes.addressof(buf))
    return buf.raw


def get_syscall_info(tid: int, info: SyscallInfo) -> int:
    """Fill *info*; returns its ``op``."""
    ptrace(Req.GET_SYSCALL_INFO, tid, ctypes.sizeof(SyscallInfo), ctypes.addressof(info))
    return int(info.op)


def getregs(tid: int) -> UserRegs:
    regs = UserRegs()
    ptrace(Req.GETREGS, tid, 0, ctypes.addressof(regs))
    return regs


def setregs(tid: int, regs: UserRegs) -> None:
    ptrace(Req.SETREGS, tid, 0, ctypes.addressof(regs))


def tgkill(tgid: int, tid: int, sig: int) -> None:
    if _tgkill(tgid, tid, sig) == -1:
        _raise()


_prctl = _libc.prctl
_prctl.argtypes = (c_int, c_ulong, c_ulong, c_ulong, c_ulong)
_prctl.restype = c_int
_syscall = _libc.syscall
_syscall.restype = c_long
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_NAME = 15
_SYS_SECCOMP = 317
_SECCOMP_SET_MODE_FILTER = 1


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", c_void_p)]


def install_seccomp_filter(program: bytes) -> None:
    """Install a seccomp-bpf filter on the calling thread (in a child before exec).
    Without CAP_SYS_ADMIN the kernel needs no_new_privs first."""
    buf = ctypes.create_string_buffer(program, len(program))
    prog = SockFprog(len(program) // 8, ctypes.cast(buf, c_void_p))
    args = (c_long(_SYS_SECCOMP), c_long(_SECCOMP_SET_MODE_FILTER), c_long(0),
            ctypes.c_void_p(ctypes.addressof(prog)))
    if _syscall(*args) == 0:
        return
    if ctypes.get_errno() != 13:  # EACCES: not privileged
        _raise()
    if _prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or _syscall(*args) != 0:
        _raise()


def set_thread_name(name: bytes) -> None:
    """The calling thread's name (``comm``, at most 15 bytes), as ps and pkill show it."""
    buf = ctypes.create_string_buffer(name[:15], 16)
    if _prctl(_PR_SET_NAME, ctypes.addressof(buf), 0, 0, 0) != 0:
        _raise()


def allow_any_tracer() -> None:
    """``prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY)``: under Yama's ptrace_scope 1, a
    process that is not an ancestor of this one may trace it (the CLI's -D, whose tracer
    is its grandchild). Without Yama the call fails with EINVAL, which does not matter."""
    _prctl(0x59616D61, 2**64 - 1, 0, 0, 0)


def gettid() -> int:
    return int(_gettid())


# process_vm_readv for reads of up to a page (the decoders' strings and structs, at every
# decoded stop): through a page-sized buffer and iovecs made once per OS thread, and a
# prototype without argtypes (their conversion was half of the call's cost): 4.5 -> 1.5 us
# for 256 bytes, 8 -> 1.6 us for a page. (libffi passes the int arguments sign-extended to
# 64 bits, as the unsigned long counts and flags need.)
_pvr_bare = ctypes.CDLL(None, use_errno=True).process_vm_readv
_pvr_bare.restype = c_ssize_t
_PAGE = 4096


class _Scratch(threading.local):
    def __init__(self) -> None:
        self.buf = ctypes.create_string_buffer(_PAGE)
        self.view = memoryview(self.buf)
        self.local = IOVec(ctypes.addressof(self.buf), _PAGE)
        self.remote = IOVec(0, 0)
        self.local_ref = ctypes.byref(self.local)
        self.remote_ref = ctypes.byref(self.remote)
        self.busy = False


_scratch = _Scratch()


def vm_read(pid: int, addr: int, n: int) -> bytes:
    """Read *n* bytes at *addr* of process *pid* (may return fewer at the end of a mapping)."""
    s = _scratch
    if 0 <= n <= _PAGE and not s.busy:   # (busy: re-entered from a signal handler)
        s.busy = True
        try:
            s.local.iov_len = n
            remote = s.remote
            remote.iov_base = addr
            remote.iov_len = n
            got = _pvr_bare(pid, s.local_ref, 1, s.remote_ref, 1, 0)
            if got == -1:
                _raise()
            return s.view[:got].tobytes()
        finally:
            s.busy = False
    buf = ctypes.create_string_buffer(n)
    # (addressof, not ctypes.cast: cast makes the buffer refer to itself, a cycle that
    # only the garbage collector frees; a dump of a 64 MiB write kept all of it)
    local = IOVec(ctypes.addressof(buf), n)
    remote = IOVec(addr, n)
    got = _pvr(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
    if got == -1:
        _raise()
    return buf.raw[:got]


# The tracer thread's reads at a stop for paths= on the Python loop (a call's path
# argument, /proc/PID/cwd and fd links): without releasing the GIL, as ptrace (a stopped
# tracee's memory and a /proc link: neither blocks), since a release at each read let the
# loop thread in in the middle of the stop, which on one CPU cost about 2 us per event.
_pvr_held = ctypes.PyDLL(None, use_errno=True).process_vm_readv
_pvr_held.restype = c_ssize_t
_readlink_held = ctypes.PyDLL(None, use_errno=True).readlink
_readlink_held.restype = c_ssize_t


class StopReader:
    """Strings and /proc links read at a stop by the one OS thread that uses it (each
    its own: the buffer and iovecs are its), holding the GIL."""

    __slots__ = ("_buf", "_view", "_iov", "_lref", "_rref")

    def __init__(self) -> None:
        self._buf = ctypes.create_string_buffer(_PAGE + 1)
        self._view = memoryview(self._buf)
        # the local iovec, then the remote one: base and length each
        self._iov = (ctypes.c_uint64 * 4)(ctypes.addressof(self._buf), 0, 0, 0)
        self._lref = ctypes.byref(self._iov)
        self._rref = ctypes.byref(self._iov, 16)

    def string(self, tid: int, addr: int) -> bytes | None:
        """The NUL-terminated string at *addr* of thread *tid*, without its NUL, when it
        ends in *addr*'s page (None when it goes on past it); OSError when that page
        cannot be read (as vm_read)."""
        n = _PAGE - addr % _PAGE
        iov = self._iov
        iov[1] = iov[3] = n
        iov[2] = addr
        got = _pvr_held(tid, self._lref, 1, self._rref, 1, 0)
        if got < 0:
            _raise()
        buf = self._buf
        buf[got] = b"\0"   # (value stops at the first NUL: at most here)
        text: bytes = buf.value
        return text if len(text) < got else None

    def link(self, path: bytes) -> bytes | None:
        """What the symbolic link *path* holds (readlink), or None."""
        n = _readlink_held(path, self._buf, _PAGE)
        return None if n < 0 else self._view[:n].tobytes()


def vm_write(pid: int, addr: int, data: bytes) -> int:
    buf = ctypes.create_string_buffer(data, len(data))
    local = IOVec(ctypes.addressof(buf), len(data))
    remote = IOVec(addr, len(data))
    got = _pvw(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)
    if got == -1:
        _raise()
    return int(got)


def current_cpu() -> int:
    """The CPU the calling thread runs on now (sched_getcpu(3)); -1 if unknown."""
    return int(_libc.sched_getcpu())


def environ_address() -> int:
    """Where this process's environment array is (the C library's ``environ``), or 0 if
    the C library does not say. (The CLI prints it as the third argument of the first
    execve, as strace prints its own: its child passes it on to execve.)"""
    try:
        return ctypes.c_void_p.in_dll(_libc, "environ").value or 0
    except ValueError:   # pragma: no cover - every C library on Linux has it
        return 0
