# SPDX-License-Identifier: GPL-2.0-or-later
"""strace-compatible formatting of syscall arguments and return values (x86-64).

Pure functions: the caller passes the syscall name, the six raw argument
registers, the return value and a :class:`Memory` to read the tracee with.

Entry and exit
--------------
``format_entry`` returns the text strace prints when the call starts.  When
some arguments are outputs (``read``'s buffer, ``fstat``'s struct...), the text
stops before them and ends with ``", "`` -- exactly what strace prints before
``<unfinished ...>`` -- or is empty when the first argument is an output.

``format_exit`` returns ``(args_text, ret_text)``.  Pass the string that
``format_entry`` returned as ``entry_text``: ``args_text`` then always starts
with it, so ``args_text[len(entry_text):]`` is what strace prints after
``<... NAME resumed>``.  The string returned by ``format_entry`` also carries
what the exit decoder must compare with (``accept``'s ``[128 => 16]``), and
``execve``'s arguments, which cannot be read again after a successful exec.

``fd_path(fd)`` gives the path shown by ``-y``; it is also called with
``AT_FDCWD`` (-100) for the current directory, as ``strace -y`` prints
``AT_FDCWD</cwd>``.  Call it from the stop being formatted: strace resolves
the arguments at the entry (``dup2``'s new descriptor shows the file it referred
to before the call) and returned descriptors after the call.

``rt_sigreturn`` needs ``sp=`` (the stack pointer at entry) to show
``{mask=[...]}``; other calls ignore it.

``abi=`` names the call's ABI: ``"x86_64"`` (the default), ``"i386"`` or ``"x32"``, whose
calls are printed from their own tables (``_compat``: what does not depend on the
32-bit layouts, and structures as addresses).

Layout
------
The syscall table (``aiotrace._core._systable``) names, for each call of each ABI, the
printer of each argument and of the return value, or a decoder of its own; ``_specs``
makes them into ``Spec`` objects from the printers of ``_kinds`` (the common ones),
``_files``, ``_process``, ``_waiting`` (the families of calls), ``_misc*`` (the smaller
calls, one family a module) and ``_compat`` (i386's),
built from the struct printers (``_structs``; ``_structs_net`` for sockets,
``_structs_tty`` for terminals), the constant tables (``_xlat``; ``_xlat_net``,
``_xlat_proc`` for processes, memory and time; the tables themselves are data, in
``xlat/*.in``, read by ``_tables``) and the string quoting (``_quote``).  A call the table marks ``raw`` (or does not have) is printed
the way strace prints calls it does not decode: every argument as ``%#lx``.

Known differences from strace 6.1: see ``KNOWN_DIFFERENCES``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from .._core._syscalls import SYSCALL_NAMES, SYSCALL_NUMBERS, syscall_name
from . import _style, _xlat
from .._core._args import Args
from ._ctx import Ctx, FdLink, FdNetlink, FdPath, Memory
from ._fast import ENTRIES as _FAST_ENTRIES
from ._fast import EXITS as _FAST_EXITS
from ._fast import regs as _fast_regs
from ._kinds import R_DEC, R_FD, R_HEX, R_NONE, R_OCT, R_TIME, Spec
from ._pids import R_PGID, R_SID, R_TGID, R_TID
from ._specs import decoded, nargs
from ._specs import spec as _spec
from ._texts import EntryText
from ._xlat import ERRNO_NAMES, RESTART_ERRNO, hexa

__all__ = [
    "Memory",
    "format_entry",
    "format_exit",
    "format_return",
    "format_syscall_line",
    "format_siginfo",
    "errno_name",
    "syscall_name",
    "SYSCALL_NAMES",
    "SYSCALL_NUMBERS",
    "known_syscalls",
    "late_captures",
    "ALIGN_COLUMN",
    "KNOWN_DIFFERENCES",
]

ALIGN_COLUMN = 40  # strace's default -a

KNOWN_DIFFERENCES = """\
- -v prints in full only stat, statx, rusage, utsname and execve's arrays (other
  structures keep their abbreviated form); -e verbose= leaves as addresses the structures
  read through Ctx.struct and execve's arrays only; -X styles the constants of the
  _xlat printers and of the composites built on them, not the names some decoders
  print from their own tables. -x/-xx apply to the strings of arguments and buffers,
  not to the names inside structs (ifr_name, sun_path).
- Calls the syscall table marks raw (io_uring, keyctl, ptrace,
  ...) print raw hex arguments; strace decodes them. On i386 and x32, SysV
  IPC, mq_*, the AIO calls, move_pages, migrate_pages, kexec_load, futex_waitv,
  modify_ldt and the thread areas too.
- ioctl: every request strace 6.1 names is named (and the numbers with a parameter,
  EVIOCGNAME(64)...); the arguments are decoded for terminals, FIO*, the interface
  requests (SIOC*IF*), and the families of _ioctl's FAMILIES (evdev, GPIO, HDIO, PTP,
  RTC, loop, block, fs, seccomp, UBI, MTD, SCSI generic but SG_IO's structures,
  userfaultfd, sockets, LIRC, perf, nsfs, termios, the first of v4l2's...); the others
  (most of v4l2, KD, DM, KVM...) keep a hex argument,.
- prctl(PR_GET_SPECULATION_CTRL) of a control strace 6.1 does not know: it prints the
  value, then the parentheses the thread's last call that had some printed (a string it
  does not clear); we print the value alone.
- sendmsg/recvmsg: control messages are not decoded (msg_control is an address).
- netlink: the messages' headers and attributes are decoded, and the payloads of the
  SELinux, netfilter and kobject-uevent protocols; the other protocols' payloads
  (NETLINK_ROUTE, NETLINK_SOCK_DIAG, crypto...) print in hex.
- termios with zero flag words: strace 6.1 prints "c_iflag=" and a trailing "|",
  we print "0" and no trailing bar.
- accept/getsockname/recvfrom's "[in => out]" needs the object format_entry
  returned; with a plain string only "[out]" is shown.
- time() and utimensat print dates in the tracer's local time zone, and IPv6
  scope ids use the tracer host's interface names, as strace does.
- i386 calls: structures whose 32-bit layout differs from x86-64's (stat64, the
  timespecs of calls without _time64, iovec, msghdr, sigaction, siginfo, rlimit...) are
  shown as addresses, and socketcall/ipc as their two arguments, where strace decodes
  them all (and names socketcall's subcall); rt_sigreturn and sigreturn print no mask;
  a signal set of 4 bytes (a size the kernel refuses) is shown as its address, where
  strace, taking i386's word size as the smallest, decodes it;
  x32 calls from 512 on print in hex.
"""


# (and the ids, which --decode-pids=pidns translates at the stop: see Decoder.after_resume)
_LATE_RETURNS = (R_DEC, R_HEX, R_OCT, R_FD, R_NONE, R_TIME, R_TGID, R_TID, R_PGID, R_SID)
# at entry: exec replaces the memory its arguments are in; rt_sigreturn reads the
# signal frame that the call consumes
_NEVER_LATE = frozenset({"execve", "execveat", "rt_sigreturn"})


class LateCaptures(NamedTuple):
    entries: frozenset[str]   # entries that decode the same after the thread was resumed
    exits: frozenset[str]     # exits that read nothing at all
    quiet: frozenset[str]     # entries (of `entries`) that read nothing of the tracee
    # exits whose decoding reads nothing but outputs of known size, and late entries that
    # read nothing but strings and buffers, and the stops of the decoders of their own
    # that name their copies (Spec.copies: fcntl): what the C loop may copy at the stop
    # (Capture(prefetch=...)): name -> ((argument index, *Kind.copy), ...)
    copied: dict[str, tuple[tuple[Any, ...], ...]]
    copied_entries: dict[str, tuple[tuple[Any, ...], ...]]


def late_captures() -> LateCaptures:
    """``computed_late_captures()``, as ``_late`` keeps it: what the syscall table's rows
    make of it, without the import of every module of printers that computing it takes
    (start-up time, issue 24). A change of a row that changes it fails
    tests/unit/test_late_table.py until ``scripts/late_table.py`` writes it again."""
    from . import _late
    return LateCaptures(_late.ENTRIES, _late.EXITS, _late.QUIET, _late.COPIED,
                        _late.COPIED_ENTRIES)


def computed_late_captures() -> LateCaptures:
    """The syscalls whose entry, and whose exit, decode to the same text when decoded
    after the thread was resumed (``Capture(after_resume=...)`` of a stream that also
    takes each call's exit), and the entries that read no memory at all, printed from
    the registers alone (``Capture(reads_nothing=...)``, with the exits).

    At an entry: when every argument printed then is a scalar or memory the kernel only
    reads (``Kind.late``), with no pre-hook saving state for the exit, and no decoder
    of its own. The thread is then inside the call, and stops at its exit before it
    runs on. At an exit: when nothing is read at all (no outputs, a plain return
    value). Not with fd paths (``-y``): those are read from /proc, which the call or the
    thread may change."""
    entries: set[str] = set()
    exits: set[str] = set()
    quiet: set[str] = set()
    copied: dict[str, tuple[tuple[Any, ...], ...]] = {}
    copied_entries: dict[str, tuple[tuple[Any, ...], ...]] = {}
    for name in SYSCALL_NUMBERS:
        spec = _spec(name, "x86_64")
        if spec is None:   # raw hex arguments and a number: nothing is read
            entries.add(name)
            exits.add(name)
            quiet.add(name)
            continue
        ins = spec.args[:len(spec.ins)]
        if (name not in _NEVER_LATE and spec.entry is None and not spec.pres
                and all(k.late for k in ins)):
            entries.add(name)
            if all(k.scalar for k in ins):
                quiet.add(name)
            else:
                copies = _copies(ins, 0, out=False)
                if copies:
                    copied_entries[name] = copies
        if spec.exit is None and spec.ret in _LATE_RETURNS:
            if spec.first_out is None:
                exits.add(name)
            elif not spec.pres and name not in _NEVER_LATE:
                copies = _copies(spec.args[spec.first_out:], spec.first_out, out=True)
                if copies:
                    copied[name] = copies
        if spec.copies is not None and name not in _NEVER_LATE and not spec.pres:
            # (a decoder of its own that says what it reads: fcntl's struct flock)
            copied_entries[name], copied[name] = spec.copies
    return LateCaptures(frozenset(entries), frozenset(exits), frozenset(quiet), copied,
                        copied_entries)


def _copies(kinds: Any, first: int, *, out: bool) -> tuple[tuple[Any, ...], ...] | None:
    """What an entry's inputs or an exit's outputs read, when it is nothing but copies
    the C loop can make (at most two) and scalars."""
    copies = []
    for i, k in enumerate(kinds, first):
        if k.copy is not None and k.out == out:
            copies.append((i, *k.copy))
        elif not k.scalar or k.out:
            return None
    return tuple(copies) if 0 < len(copies) <= 2 else None


def known_syscalls() -> frozenset[str]:
    """Names with a dedicated decoder."""
    return decoded("x86_64")


def errno_name(err: int) -> str | None:
    return ERRNO_NAMES.get(err)


def _undecoded(name: str, ctx: Ctx, abi: str = "x86_64") -> str:
    return ", ".join(hexa(a) for a in ctx.args[:nargs(name, abi)])


def _entry(spec: Spec | None, name: str, ctx: Ctx, abi: str) -> str:
    if spec is None:
        return _undecoded(name, ctx, abi)
    for i, pre in spec.pres:
        pre(ctx, i)
    if spec.entry is not None:
        return spec.entry(ctx)
    parts: list[str] = []
    for i, fn in spec.ins:
        s = fn(ctx, i)
        if s is not None:
            parts.append(s)
    if spec.first_out is not None:   # the outputs come at exit
        return ", ".join(parts) + ", " if parts else ""
    return ", ".join(parts)


def _exit(spec: Spec | None, ctx: Ctx, entry_text: str) -> str:
    if spec is None:
        return entry_text
    if spec.exit is not None:
        return spec.exit(ctx, entry_text)
    if spec.first_out is None:
        return entry_text
    parts: list[str] = []
    for i, fn in spec.outs:
        s = fn(ctx, i)
        if s is not None:
            parts.append(s)
    return entry_text + ", ".join(parts)




def format_entry(
    name: str,
    args: tuple[int, ...] | Args,
    mem: Memory | None,
    *,
    strsize: int = 32,
    fd_path: FdPath = None,
    netlink: FdNetlink = None,
    fd_link: FdLink = None,
    sp: int | None = None,
    xflag: int = 0,
    abi: str = "x86_64",
    xstyle: int = 0,
    raw: bool = False,
    abbrev: bool = True,
    verbose: bool = True,
) -> str:
    """Arguments text of a syscall at entry, e.g. ``AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC``.

    ``sp`` (the stack pointer register) is only used by ``rt_sigreturn``, whose
    ``{mask=[...]}`` strace reads from the signal frame; without it the
    arguments are left empty. ``xflag`` is strace's ``-x`` level for strings (the
    ``HEX_*`` modes of ``aiotrace._decode._quote``: 1 ``-x``, 2 ``-xx``, 3
    ``--strings-in-hex=non-ascii-chars``).

    The options of strace's output modes: ``xstyle`` is ``-X`` (``_style``'s ABBREV, RAW
    or VERBOSE), ``raw`` prints the arguments as hex numbers (``-e raw=``), ``abbrev=False``
    prints structures and arrays in full (``-v``), ``verbose=False`` prints structures
    as their addresses (``-e verbose=``). Give format_exit the same. ``netlink(fd)``
    says whether a descriptor is a netlink socket, and of which protocol (``FdNetlink``):
    the data sendto and recvfrom move on one print as netlink messages. ``fd_link(fd)``:
    what a descriptor is open on whatever *fd_path* is (``FdLink``).
    """
    fast = _FAST_ENTRIES.get(name)
    if (fast is not None and not (xstyle or raw or xflag or sp is not None)
            and abbrev and verbose and fd_path is None and abi == "x86_64"
            and not _style.get()):
        got = fast(_fast_regs(args), mem)
        if got is not None:
            text = EntryText(got)
            text.saved = {}
            return text
    if xstyle:
        with _style.using(xstyle):
            return format_entry(name, args, mem, strsize=strsize, fd_path=fd_path, sp=sp,
                                xflag=xflag, abi=abi, raw=raw, abbrev=abbrev,
                                verbose=verbose, netlink=netlink, fd_link=fd_link)
    ctx = Ctx(name, args, mem, strsize, fd_path, sp=sp, xflag=xflag, abbrev=abbrev,
              verbose=verbose, netlink=netlink, fd_link=fd_link)
    if raw:
        text = EntryText(_undecoded(name, ctx, abi))
        text.saved = {"raw": True}
        return text
    try:
        decoded = _entry(_spec(name, abi), name, ctx, abi)
    except Exception:  # a decoder bug must not stop the tracer: show raw values
        decoded = _undecoded(name, ctx, abi)
        ctx.saved["undecoded"] = True
    text = EntryText(decoded)
    text.saved = ctx.saved
    return text


def format_return(
    name: str,
    args: tuple[int, ...] | Args,
    retval: int,
    mem: Memory | None = None,
    *,
    strsize: int = 32,
    fd_path: FdPath = None,
    netlink: FdNetlink = None,
    abi: str = "x86_64",
) -> str:
    """Only the text after ``= ``."""
    ctx = Ctx(name, args, mem, strsize, fd_path, retval)
    return _ret(_spec(name, abi), name, ctx, abi=abi)


def _ret(spec: Spec | None, name: str, ctx: Ctx, success: bool = False,
         raw: bool = False, abi: str = "x86_64") -> str:
    r = ctx.retval if ctx.retval is not None else 0
    if name in ("exit", "exit_group") and not -4096 < r < 0:
        # (they return only when an injection skipped them: = -1 ENOSYS..., = 3)
        return str(r) if success else "?"
    if raw and not (-4096 < r < 0 and not success):   # -e raw=: errors as usual
        return hexa(r)
    if -4096 < r < 0 and not success:
        err = -r
        restart = RESTART_ERRNO.get(err)
        if restart is not None:
            return "? %s (%s)" % (ERRNO_NAMES[err], restart)
        ename = ERRNO_NAMES.get(err)
        if ename is None:
            return "-1 (errno %d)" % err
        return "-1 %s (%s)" % (ename, _xlat.strerror(err))
    if spec is None or spec.ret is R_DEC:
        # strace's default: an unsigned decimal of the ABI's long (an injected retval=,
        # or a value below -4095: geteuid() = 18446744073709551615)
        return str(r & (0xFFFFFFFF if abi == "i386" else 0xFFFFFFFFFFFFFFFF))
    return spec.ret(ctx)


def format_exit(
    name: str,
    args: tuple[int, ...] | Args,
    retval: int,
    mem: Memory | None,
    *,
    strsize: int = 32,
    fd_path: FdPath = None,
    netlink: FdNetlink = None,
    fd_link: FdLink = None,
    entry_text: str | None = None,
    sp: int | None = None,
    xflag: int = 0,
    success: bool = False,
    abi: str = "x86_64",
    xstyle: int = 0,
    raw: bool = False,
    abbrev: bool = True,
    verbose: bool = True,
) -> tuple[str, str]:
    """``(arguments text with the outputs decoded, return value text)``. *xflag*, *abi*,
    *xstyle*, *raw*, *abbrev*, *verbose*: see format_entry. *success*: the return value
    is one that ``-e inject=...:retval=`` set, shown as a value even in -4095..-1 (strace
    does not decode it as an errno)."""
    fast_exit = _FAST_EXITS.get(name)
    if (fast_exit is not None and retval >= 0 and entry_text is not None
            and (type(entry_text) is str or not getattr(entry_text, "saved", None))
            and not (xstyle or raw or xflag or sp is not None)
            and abbrev and verbose and fd_path is None and abi == "x86_64"
            and not _style.get()):
        got_exit = fast_exit(_fast_regs(args), retval, mem, entry_text)
        if got_exit is not None:
            return got_exit
    if xstyle:
        with _style.using(xstyle):
            return format_exit(name, args, retval, mem, strsize=strsize, fd_path=fd_path,
                               entry_text=entry_text, sp=sp, xflag=xflag, success=success,
                               abi=abi, raw=raw, abbrev=abbrev, verbose=verbose,
                               netlink=netlink, fd_link=fd_link)
    spec = _spec(name, abi)
    saved = getattr(entry_text, "saved", None)
    if entry_text is None:
        entry_text = format_entry(name, args, mem, strsize=strsize, fd_path=fd_path, sp=sp,
                                  xflag=xflag, abi=abi, raw=raw, abbrev=abbrev,
                                  verbose=verbose, netlink=netlink, fd_link=fd_link)
        saved = getattr(entry_text, "saved", None)
    ctx = Ctx(name, args, mem, strsize, fd_path, retval, dict(saved) if saved else {},
              xflag=xflag, abbrev=abbrev, verbose=verbose, netlink=netlink, fd_link=fd_link)
    if raw or ctx.saved.get("raw"):   # (-e raw=: the entry printed every argument)
        return str(entry_text), _ret(None, name, ctx, success, raw=True, abi=abi)
    if ctx.saved.get("undecoded"):
        spec = None
    try:
        text = _exit(spec, ctx, str(entry_text))
    except Exception:  # see format_entry
        text = (str(entry_text) if spec is None or spec.first_out is None
                else _undecoded(name, ctx, abi))
    try:
        ret = _ret(spec, name, ctx, success, abi=abi)
    except Exception:
        ret = _ret(None, name, ctx, success, abi=abi)
    return text, ret


class _Bytes:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, addr: int, n: int) -> bytes:
        return self.data[addr - 1: addr - 1 + n]

    def read_string(self, addr: int, limit: int) -> bytes:
        return self.read(addr, limit).split(b"\0", 1)[0]


def format_siginfo(raw: bytes, *, xstyle: int = 0) -> str:
    """A ``siginfo_t`` (as PTRACE_GETSIGINFO gives it) the way strace shows it in
    ``--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, ...} ---``; *xstyle*: ``-X``."""
    from ._siginfo import siginfo

    if xstyle:
        with _style.using(xstyle):
            return format_siginfo(raw)
    ctx = Ctx("", (), _Bytes(bytes(raw).ljust(128, b"\0")), 32, None)
    return siginfo(ctx, 1)


def format_syscall_line(name: str, args_text: str, ret_text: str, *, prefix: str = "",
                        column: int = ALIGN_COLUMN) -> str:
    """``openat(AT_FDCWD, "/x", O_RDONLY) = 3``, with ``= `` aligned like strace.

    ``prefix`` (e.g. ``"[pid  12] "``) is put in front and counts for the alignment.
    """
    head = "%s%s(%s)" % (prefix, name, args_text)
    if len(head) < column - 1:
        head = head.ljust(column - 1)
    return "%s = %s" % (head, ret_text)

