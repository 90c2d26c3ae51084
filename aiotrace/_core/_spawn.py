"""Starting a tracee: what runs in the forked child before exec, and the errors of a spawn
or an attach.

The child is forked by the tracer thread (so that the tracee is the tracer thread's own
child, which only it may wait for), waits until that thread has seized it, then sets up
its stdio, directory, CPUs and seccomp prefilter and execs the target; a failure is
written on a close-on-exec pipe as ``STEP:ERRNO``. subprocess.Popen cannot be used: it
waits for the exec, which a tracee held before it would never reach.

With the C loop's library, the child is not forked: ``start_child`` makes it with
``clone(CLONE_VM)`` and it runs the same steps in C (``_cloop/_accel_spawn.c``), without
copying the interpreter's page tables nor making its pages copy-on-write (issue 24).
``child`` below is the Python loop's way, and the way for what the C child does not take
(an argument or variable with a NUL byte, an empty ``argv[0]``: os.execve's errors).
"""

from __future__ import annotations

import ctypes
import errno
import os
import signal
from typing import TYPE_CHECKING

from . import _ffi, _procns

if TYPE_CHECKING:
    from ._cloop._binding import Lib


class SpawnError(Exception):
    def __init__(self, path: str, err: int, step: str = "exec") -> None:
        super().__init__(path, err, step)
        self.path = path
        self.errno = err
        # what the child was doing: "stdio", "setsid", "chdir", "cpus", "seccomp" or "exec"
        self.step = step


class AttachError(Exception):
    def __init__(self, pid: int, err: int, message: str) -> None:
        super().__init__(message)
        self.pid = pid
        self.errno = err


def proc_status(tid: int, *names: bytes) -> list[int]:
    """Numeric fields of /proc/TID/status, by name (each 0 if the task is gone)."""
    if _procns.me().level > 0:   # /proc of another PID namespace
        found = _procns.status_fields(tid, names)
        return [found[n] for n in names]
    got = dict.fromkeys(names, 0)
    try:
        with open(f"/proc/{tid}/status", "rb") as f:
            left = len(names)
            for line in f:
                name, _, value = line.partition(b":")
                if name in got:
                    got[name] = int(value)
                    left -= 1
                    if not left:
                        break
    except OSError:
        pass
    return [got[n] for n in names]


def which(prog: str, path: str) -> str | None:
    """What ``shutil.which(prog, path=path)`` finds for a name without a slash: the first
    executable that is not a directory, in PATH's order (PATH='' finds nothing, an empty
    entry is the working directory). Here rather than shutil's, whose import loads three
    compression modules: some 5 ms of a traced ``true``'s start-up (issue 24)."""
    seen = set()
    for d in path.split(os.pathsep) if path else ():
        if d not in seen:
            seen.add(d)
            name = os.path.join(d, prog)
            if os.access(name, os.F_OK | os.X_OK) and not os.path.isdir(name):
                return name
    return None


def resolve(prog: str, path: str, cwd: str | None) -> str | SpawnError:
    """execvp's search, done before fork so that a missing program fails with its path."""
    if "/" in prog:
        full = prog if os.path.isabs(prog) or cwd is None else os.path.join(cwd, prog)
        if not os.path.exists(full):
            return SpawnError(prog, errno.ENOENT)
        if not os.access(full, os.X_OK) or os.path.isdir(full):
            return SpawnError(prog, errno.EACCES)
        return full
    found = which(prog, path)
    if found is None:
        return SpawnError(prog, errno.ENOENT)
    return found


_RESET_SIGNALS = (signal.SIGPIPE, signal.SIGXFSZ)   # (ignored by Python: not by a program)


def child(
    path: str,
    argv: list[str],
    env: dict[str, str],
    cwd: str | None,
    stdio: tuple[int | None, int | None, int | None],
    go_r: int,
    go_w: int,
    err_r: int,
    err_w: int,
    bpf: bytes | None,
    cpus: frozenset[int] | None,
    new_session: bool = False,
    sigmask: frozenset[int] = frozenset(),
) -> None:
    """Runs in the forked child; never returns. A failure is reported on *err_w* as
    ``STEP:ERRNO``."""
    step = b"stdio"
    try:
        os.close(go_w)
        os.close(err_r)
        # Wait until the tracer has seized us, before any step that can fail: a child that
        # exited before that could not be seized (EPERM), and its spawn would be reported
        # as an attach failure instead of what went wrong (seen with a missing cwd).
        os.read(go_r, 1)
        os.close(go_r)
        if new_session:
            # its own session and process group: signals sent to ours (a terminal's ^C, a
            # Jupyter kernel's interrupt, which signals the kernel's process group) miss it
            step = b"setsid"
            os.setsid()
        for target, fd in enumerate(stdio):
            if fd is not None and fd != target:
                os.dup2(fd, target)
        for s in _RESET_SIGNALS:
            signal.signal(s, signal.SIG_DFL)   # Python ignores SIGPIPE; a program must not
        # (the signals the thread that called spawn blocks: the tracer thread, which
        # forked us, blocks nearly all of them)
        signal.pthread_sigmask(signal.SIG_SETMASK, sigmask)
        if cwd is not None:
            step = b"chdir"
            os.chdir(cwd)
        if cpus is not None:
            step = b"cpus"
            os.sched_setaffinity(0, cpus)
        if bpf is not None:
            step = b"seccomp"
            _ffi.install_seccomp_filter(bpf)
        step = b"exec"
        os.execve(path, argv, env)
    except OSError as exc:
        try:
            os.write(err_w, step + b":" + str(exc.errno or errno.ENOEXEC).encode())
        except OSError:
            pass
    finally:
        os._exit(127)


_STACK = 16384   # the C child's stack: bytes (it calls no function that needs more)

# The memory of children started by start_child that a closing tracer let go of before
# their exec (detached, not killed): such a child may still run on its stack, for a while
# after the tracer is gone, so it is kept for as long as this process lives. (A few pages
# a child, and only where a spawn was detached in its first microseconds.)
let_go: list[object] = []


def start_child(
    lib: Lib,
    path: str,
    argv: list[str],
    env: dict[str, str],
    cwd: str | None,
    stdio: tuple[int | None, int | None, int | None],
    pipes: tuple[int, int, int, int],
    bpf: bytes | None,
    cpus: frozenset[int] | None,
    new_session: bool,
    sigmask: frozenset[int],
) -> tuple[int, object] | None:
    """The child of :func:`child`, made by the C library with ``clone(CLONE_VM)``: its pid
    and the memory it reads and runs on, which the caller keeps until the child has
    exec'd or died (the child shares this process's memory). None: what the C child does
    not take (see the module's docstring), to be forked instead. *pipes*: go_r, go_w,
    err_r, err_w. OSError: the clone failed, as os.fork would."""
    from ._cloop._binding import Spawn
    try:
        args = [os.fsencode(a) for a in argv]
        keys = [(os.fsencode(k), os.fsencode(v)) for k, v in env.items()]
        bpath = os.fsencode(path)
        bcwd = os.fsencode(cwd) if cwd is not None else b""
    except (UnicodeError, TypeError):
        return None
    if (not args or not args[0] or b"\0" in bpath + bcwd
            or any(b"\0" in a for a in args)
            or any(not k or b"=" in k or b"\0" in k + v for k, v in keys)
            or (cpus is not None and any(c < 0 or c >= 1 << 16 for c in cpus))):
        return None
    envs = [k + b"=" + v for k, v in keys]
    sp = Spawn()
    keep: list[object] = [sp]

    def text(b: bytes) -> int:
        buf = ctypes.create_string_buffer(b)
        keep.append(buf)
        return ctypes.addressof(buf)

    def array(items: list[bytes]) -> int:
        arr = (ctypes.c_char_p * (len(items) + 1))(*items, None)
        keep.append(arr)
        return ctypes.addressof(arr)

    sp.path = text(bpath)
    sp.argv = array(args)
    sp.envp = array(envs)
    sp.cwd = text(bcwd) if cwd is not None else None
    if cpus is not None:
        words = (max(cpus, default=0) // 64 + 1) or 1
        mask = (ctypes.c_uint64 * words)()
        for c in cpus:
            mask[c // 64] |= 1 << (c % 64)
        keep.append(mask)
        sp.cpus, sp.cpus_size = ctypes.addressof(mask), ctypes.sizeof(mask)
    if bpf is not None:
        prog = _ffi.SockFprog(len(bpf) // 8, text(bpf))
        keep.append(prog)
        sp.bpf = ctypes.addressof(prog)
    sp.sigmask = sum(1 << (s - 1) for s in sigmask if 1 <= s <= 64)
    sp.stdio[:] = [-1 if fd is None else fd for fd in stdio]
    sp.go_r, sp.go_w, sp.err_r, sp.err_w = pipes
    sp.new_session = int(new_session)
    stack = ctypes.create_string_buffer(_STACK)
    keep.append(stack)
    pid = lib.spawn_child(ctypes.addressof(sp), ctypes.addressof(stack), _STACK)
    if pid == -errno.ENOSYS:
        return None   # (not x86_64)
    if pid < 0:
        raise OSError(-pid, os.strerror(-pid))
    return pid, keep


def attach_message(pid: int, err: int, proc: str = "/proc") -> str:
    """Why the kernel refused to let us trace *pid* (``ptrace(PTRACE_SEIZE)`` failed with
    *err*), from what *proc* (``/proc``, or a directory laid out as it is, for tests) says
    of the process and of this one.

    Facts (kernel/ptrace.c, security/commoncap.c, security/yama): a seize fails with EPERM
    when the target is a kernel thread, a thread of the tracer's own process, has exited
    (a zombie), or is already traced; otherwise when ``__ptrace_may_access`` says no: a
    tracer without CAP_SYS_PTRACE (in the target's user namespace) may trace only a
    process whose real, effective and saved user and group ids are all its own real ones,
    that is dumpable (not set-user-ID, no ``prctl(PR_SET_DUMPABLE, 0)``), and whose
    permitted capabilities are a subset of the tracer's; then Yama, where it is built in:
    ``kernel.yama.ptrace_scope`` 1 lets such a tracer trace only its descendants (and
    processes that named it with ``PR_SET_PTRACER``), 2 only with CAP_SYS_PTRACE, 3 no
    one; then other security modules (SELinux, AppArmor, BPF)."""
    if err == errno.ESRCH:
        return f"no process {pid}"
    if err != errno.EPERM:
        return f"cannot trace pid {pid}: {os.strerror(err)}"
    import json   # (only here: the names, as a process chose them, quoted)

    def status(who: object) -> dict[str, str]:
        try:
            with open(f"{proc}/{who}/status", errors="replace") as f:
                return {k: v.strip() for k, sep, v in (ln.partition(":") for ln in f) if sep}
        except OSError:
            return {}

    def number(fields: dict[str, str], key: str, default: int = 0) -> int:
        try:
            return int(fields[key].split()[0], 16 if key.startswith("Cap") else 10)
        except (KeyError, IndexError, ValueError):
            return default

    cap_names = (
        "chown dac_override dac_read_search fowner fsetid kill setgid setuid setpcap "
        "linux_immutable net_bind_service net_broadcast net_admin net_raw ipc_lock "
        "ipc_owner sys_module sys_rawio sys_chroot sys_ptrace sys_pacct sys_admin sys_boot "
        "sys_nice sys_resource sys_time sys_tty_config mknod lease audit_write audit_control "
        "setfcap mac_override mac_admin syslog wake_alarm block_suspend audit_read perfmon "
        "bpf checkpoint_restore").split()
    cap_sys_ptrace = 1 << 19
    head = f"cannot trace pid {pid}"
    st = status(pid)
    if not st:
        return f"{head}: operation not permitted (and it is gone, or /proc cannot tell why)"
    head += f" ({json.dumps(st.get('Name', '?'))})"
    me = status("self")
    if st.get("State", "").startswith(("Z", "X")):
        try:
            threads = len(os.listdir(f"{proc}/{pid}/task"))
        except OSError:
            threads = 1
        if threads > 1:
            return (f"{head}: its main thread has exited (it is a zombie until the other "
                    f"threads end): attach to one of its {threads - 1} other threads, listed "
                    f"in /proc/{pid}/task")
        return (f"{head}: it has exited (a zombie, until its parent, pid "
                f"{number(st, 'PPid')}, reaps it): there is nothing left to trace")
    if st.get("Kthread") == "1" or ("Kthread" not in st and (
            pid == 2 or number(st, "PPid", -1) == 2)):
        return f"{head}: it is a kernel thread, and kernel threads cannot be traced"
    if number(st, "Tgid", -1) == number(me, "Tgid", -2):
        return f"{head}: it is a thread of this very process, which cannot trace itself"
    tracer = number(st, "TracerPid")
    if tracer:
        by = status(tracer)
        who = f"process {number(by, 'Tgid', tracer)}"
        if by.get("Name"):
            who += f" ({json.dumps(by['Name'])})"
        return (f"{head}: it is already traced, by {who}; a thread has one tracer at a "
                "time: stop the other tracer (or detach it) first")
    try:
        with open(f"{proc}/sys/kernel/yama/ptrace_scope") as f:
            yama: int | None = int(f.read().strip() or "0")
    except (OSError, ValueError):
        yama = None   # no Yama in this kernel
    if yama is not None and yama >= 3:
        return (f"{head}: kernel.yama.ptrace_scope is {yama}: no process may be traced on "
                "this system (a setting that only a reboot undoes)")
    privileged = bool(number(me, "CapEff") & cap_sys_ptrace)
    my_uid = number(me, "Uid", -1)
    my_gid = number(me, "Gid", -1)
    ids_differ = (any(int(v) != my_uid for v in st.get("Uid", "").split()[:3])
                  or any(int(v) != my_gid for v in st.get("Gid", "").split()[:3]))
    more_caps = number(st, "CapPrm") & ~number(me, "CapPrm")
    extra = ", ".join("CAP_" + cap_names[i].upper() if i < len(cap_names) else f"cap {i}"
                      for i in range(64) if more_caps >> i & 1)
    if privileged:
        why = (f"{head}: the kernel refused, although aiotrace has CAP_SYS_PTRACE: a "
               "security module (SELinux, AppArmor, a BPF program) may forbid it, or the "
               "process belongs to a user namespace aiotrace has no capabilities in")
        if extra:
            why += f" (it holds capabilities aiotrace lacks: {extra})"
        return why
    if my_uid == 0:
        need = ("aiotrace runs as root, but without CAP_SYS_PTRACE, which that needs (give "
                "it CAP_SYS_PTRACE)")
    else:
        need = "tracing it needs CAP_SYS_PTRACE (run aiotrace as root)"
    if ids_differ:
        uid = st.get("Uid", "?").split()
        return (f"{head}: it belongs to another user (user ids {'/'.join(uid)}, not "
                f"{my_uid}), or changed its ids (set-user-ID): {need}")
    if extra:
        return f"{head}: it holds capabilities aiotrace lacks ({extra}): {need}"
    if yama == 2:
        return (f"{head}: kernel.yama.ptrace_scope is 2: only a process with CAP_SYS_PTRACE "
                "may trace (run aiotrace as root)")
    if yama == 1:
        ancestor = number(st, "PPid")
        mine = number(me, "Tgid", -2)
        seen = 0
        while ancestor > 1 and ancestor != mine and seen < 4096:
            ancestor = number(status(ancestor), "PPid")
            seen += 1
        if ancestor != mine:
            return (f"{head}: kernel.yama.ptrace_scope is 1: without CAP_SYS_PTRACE only a "
                    "descendant can be traced (start it with 'aiotrace run' or "
                    "tracer.spawn(), run aiotrace as root, or set "
                    "kernel.yama.ptrace_scope=0; a program may also allow it with "
                    "prctl(PR_SET_PTRACER))")
    return (f"{head}: it may be non-dumpable (prctl(PR_SET_DUMPABLE, 0), or it was started "
            f"set-user-ID), or a security module forbids it: {need}")
