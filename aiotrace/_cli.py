# SPDX-License-Identifier: GPL-2.0-or-later
"""The ``aiotrace`` command: strace's options and output, on aiotrace's public API.

    aiotrace run [OPTIONS] [--] PROG [ARGS...]
    aiotrace attach [OPTIONS] PID...        (or: aiotrace [OPTIONS] -p PID)

See docs/cli.md. The printing happens in ``_cli_output`` (inside ``capture=``, on the
tracer thread, at each stop); this module parses the options, starts the tracer and the
engines, writes the text out, and makes aiotrace exit the way the program did.
"""

from __future__ import annotations

import ctypes
import errno as _errno
import functools
import json
import os
import re
import resource
import shutil
import signal
import sys
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable

import anyio

import aiotrace
from aiotrace import (
    AttachDenied, Clone, Continued, Death, Exec, Exit, GroupStop, Signal, SpawnFailed,
    SyscallEntry, SyscallExit, TraceeGone,
)

from ._cli_filter import (
    SetError, expand_token, parse_quiet_set, parse_signal_set, parse_status_set,
    parse_syscall_set, selectors_keys,
)
from ._core._ffi import current_cpu
from ._cli_output import Decoder, JsonPrinter, SeparatePrinter, TextPrinter, emit
from ._core._syscalls import ALL_KEYS, key_selectors
from ._decode import format_entry
from ._decode._quote import quote
from .lowlevel import Capture

PROG = "aiotrace"

USAGE = """\
usage: aiotrace run [OPTIONS] [--] PROG [ARGS...]
       aiotrace attach [OPTIONS] PID...
       aiotrace [OPTIONS] -p PID [-p PID...]

Trace the system calls and signals of a program, as strace does.

Tracing:
  -f, --follow-forks     follow children (fork, vfork, clone) and threads
  -p, --attach=PID       attach to a running process (same as 'attach PID')
  -E, --env=VAR[=VAL]    set VAR (or remove it) in the program's environment
  --seccomp-bpf          stop only at the traced system calls (a seccomp filter)
  --tracer-cpu=CPU|auto|any
                         let aiotrace's own threads move (any, the default), or keep
                         them on one CPU (auto: the one it starts on, when it may use
                         two or more); the program keeps every CPU it was given

Filtering (-e EXPR, or --EXPR):
  -e trace=SET           system calls to show: names, numbers, /regex, %file,
                         %process, %net(work), %signal, %ipc, %desc, %memory,
                         %creds, %clock, %pure, %stat, %lstat, %fstat, %%stat,
                         %statfs, %fstatfs, %%statfs, all, none; !SET negates
  -e signal=SET          signals to show (names, numbers, all, none, !SET)
  -e status=SET          successful, failed, unfinished, unavailable, detached
  -z, -Z                 only successful / only failed calls
  -e inject=SET:error=ERRNO|retval=VAL[:signal=SIG][:delay_enter=D][:delay_exit=D][:when=EXPR]
                         tamper with calls (strace's grammar)
  -e quiet=SET           attach, exit, thread-execve, personality, path-resolution
  -e read=FDS, -e write=FDS
                         hex-dump the data read from / written to these descriptors

Output:
  -o, --output=FILE      write the trace to FILE instead of stderr (-A: append);
                         with -ff, to FILE.PID for each process and thread
  -s, --string-limit=N   show at most N bytes of strings (default 32)
  -y, --decode-fds       show the paths of file descriptors
  -yy                    and sockets' addresses, devices' numbers, pidfds' processes
  -P, --trace-path=PATH  only the calls that use PATH (by name or descriptor)
  -x, -xx                strings with non-ASCII bytes in hex; every string in hex
      --strings-in-hex[=all|non-ascii|non-ascii-chars]
  -T, --syscall-times    show the time spent in each call
  -n, --syscall-number   start each line with the number of the call
  -i, --instruction-pointer
                         and with the thread's instruction pointer
  -t, -tt, -ttt          timestamps: time of day, with microseconds, epoch seconds
  -r                     timestamps relative to the previous line
  -a, --columns=N        align return values at column N (default 40)
  -q, -qq                suppress attach/detach messages; and exit messages
  --json                 one JSON object per event (JSON Lines)

Statistics:
  -c, --summary-only     count calls, errors and time per call; print a table
  -C, --summary          the table, and the trace too
  -S, --summary-sort-by=KEY   time (default), calls, errors, name, nothing

  -h, --help             this help;  -V, --version  the version

aiotrace exits with the program's exit status, and dies of the signal that killed it.
"""


class UsageError(Exception):
    """A mistake on the command line: printed as ``aiotrace: MESSAGE`` (exit status 1)."""

    def __init__(self, message: str, hint: bool = False) -> None:
        super().__init__(message)
        self.hint = hint   # add "Try 'aiotrace -h' for more information."


@dataclass
class Options:
    mode: str | None = None              # "run" or "attach"
    argv: list[str] = field(default_factory=list)
    pids: list[int] = field(default_factory=list)
    follow: int = 0
    output: str | None = None
    append: bool = False
    strsize: int = 32
    column: int = 40
    numbers: bool = False                 # -n
    ips: bool = False                     # -i
    dump_read: tuple[bool, frozenset[int]] | None = None    # -e read=: (negated, fds)
    dump_write: tuple[bool, frozenset[int]] | None = None   # -e write=
    paths: list[str] = field(default_factory=list)    # -P PATH...
    xflag: int = 0                        # -x 1, -xx 2, --strings-in-hex=non-ascii-chars 3
    decode_fds: int = 0                   # 1: -y (paths), 2: -yy (and sockets, devices)
    syscall_times: bool = False
    timestamps: int = 0
    relative: bool = False
    summary: str | None = None           # "only" (-c) or "also" (-C)
    sort_by: str = "time"
    quiet: frozenset[str] | None = None  # None: not given
    quiet_set: bool = False               # given by -e quiet= or --quiet (not -q)
    trace: frozenset[str] | None = None  # None: every call
    signals: frozenset[int] | None = None
    status: frozenset[str] | None = None
    injects: list[Any] = field(default_factory=list)
    json: bool = False
    env: list[str] = field(default_factory=list)
    seccomp: bool = False
    tracer_cpu: str = "any"              # "any", "auto" or a CPU number
    help: bool = False
    version: bool = False


# -- option parsing (getopt's rules, strace's options) ----------------------------------

_UNSUPPORTED = {
    "b": "-b (detach on a syscall)", "D": "-D (run as a detached grandchild)",
    "d": "-d (debug output)", "k": "-k (stack traces)",
    "N": "-N", "O": "-O (overhead)",
    "u": "-u (run as another user)", "U": "-U (summary columns)",
    "v": "-v (unabbreviated structures)",
    "X": "-X (constant format)", "I": "-I (interruptibility)",
}
_SHORT_WITH_ARG = set("aeEoOpsSuUIbXP")
_SORT_KEYS = {
    "time": "time", "total-time": "time", "total_time": "time", "calls": "calls",
    "count": "calls", "errors": "errors", "error": "errors", "name": "name",
    "syscall": "name", "syscall_name": "name", "nothing": "nothing", "none": "nothing",
}
# long option -> (argument: "no" | "required" | "optional", short equivalent or handler key)
_LONG = {
    "follow-forks": ("no", "f"), "output-separately": ("no", "ff"),
    "output": ("required", "o"), "append-output": ("no", "A"), "attach": ("required", "p"),
    "string-limit": ("required", "s"), "decode-fds": ("optional", "y"),
    "syscall-times": ("optional", "T"), "absolute-timestamps": ("optional", "t"),
    "timestamps": ("optional", "t"), "relative-timestamps": ("optional", "r"),
    "summary-only": ("no", "c"), "summary": ("no", "C"), "summary-sort-by": ("required", "S"),
    "summary-wall-clock": ("no", "w"), "columns": ("required", "a"),
    "quiet": ("optional", "=quiet"), "silent": ("optional", "=quiet"),
    "silence": ("optional", "=quiet"),
    "successful-only": ("no", "z"), "failed-only": ("no", "Z"), "env": ("required", "E"),
    "trace": ("required", "=trace"), "signal": ("required", "=signal"),
    "status": ("required", "=status"), "inject": ("required", "=inject"),
    "json": ("no", "json"), "seccomp-bpf": ("no", "seccomp"),
    "tracer-cpu": ("required", "tracer-cpu"), "help": ("no", "h"),
    "strings-in-hex": ("optional", "strings-in-hex"), "trace-path": ("required", "P"),
    "syscall-number": ("no", "n"), "instruction-pointer": ("no", "i"),
    "version": ("no", "V"),
}


_INT_MAX = (1 << 31) - 1
_STRSIZE_MAX = (1 << 30) - 1   # strace 6.1's largest -s
_C_NUMBER = re.compile(r"[ \t\n\v\f\r]*([+-]?)0*([0-9]+)")


def c_uint(text: str, limit: int = _INT_MAX) -> int | None:
    """A number as strace reads one (strtol in base 10: white space, a sign, ASCII
    digits and nothing after them) if it is in 0..*limit*, else None."""
    m = _C_NUMBER.fullmatch(text)
    if m is None or len(m.group(2)) > len(str(limit)):
        return None
    v = int(m.group(2))
    if m.group(1) == "-" and v:
        return None
    return v if v <= limit else None


def _int_arg(opt: str, text: str, limit: int = _INT_MAX) -> int:
    v = c_uint(text, limit)
    if v is None:
        raise UsageError(f"invalid -{opt} argument: '{text}'", hint=True)
    return v


def _pid_args(text: str) -> list[int]:
    """strace's -p list: process ids (1 to INT_MAX) each followed by one comma, space,
    tab or newline, the last one by nothing or by one of those."""
    out = []
    rest = text
    while rest:
        m = re.match(r"([^, \t\n]*)[, \t\n]?", rest)
        assert m is not None
        word = m.group(1)
        pid = c_uint(word) if word[:1].isdigit() or word[:1] == "+" else None
        if not pid:
            raise UsageError(f"Invalid process id: '{word}'")
        out.append(pid)
        rest = rest[m.end():]
    return out


def _inject_expand(token: str) -> set[str]:
    return expand_token(token)


def _qualify(opts: Options, expr: str) -> None:
    """One ``-e`` expression: ``[QUALIFIER=][!]VALUE[,VALUE]...``."""
    key, eq, value = expr.partition("=")
    if not eq:
        key, value = "trace", expr
    try:
        if key in ("trace", "t"):
            opts.trace = parse_syscall_set(value)          # the last -e trace= wins
        elif key in ("signal", "signals", "s"):
            opts.signals = parse_signal_set(value)
        elif key == "status":
            opts.status = parse_status_set(value)
        elif key in ("quiet", "silent", "silence", "q"):
            opts.quiet = parse_quiet_set(value)
            opts.quiet_set = True
        elif key == "inject":
            from .engines import parse_inject
            try:
                opts.injects.append(parse_inject(value, expand=_inject_expand))
            except ValueError as exc:   # (said as strace says it: the argument as given)
                reason = str(exc)
                given = f"invalid inject argument {value!r}: "
                if reason.startswith(given):
                    reason = reason[len(given):]
                raise SetError(f"invalid inject argument '{value}': {reason}") from None
        elif key in ("decode-fds", "decode_fds"):
            kinds = {k.strip() for k in value.split(",")}
            if value in ("none", "!all"):
                opts.decode_fds = 0
            elif kinds <= {"path"}:
                opts.decode_fds = 1
            elif kinds <= {"all", "path", "socket", "dev", "pidfd"}:
                opts.decode_fds = 2
            else:
                raise SetError(f"invalid decode-fds '{value}' (path, socket, dev, pidfd, all "
                               "or none)")
        elif key in ("read", "r", "write", "w"):
            fds = _fd_set(value)
            if key in ("read", "r"):
                opts.dump_read = fds
            else:
                opts.dump_write = fds
        elif key in ("abbrev", "a", "verbose", "v", "raw", "x",
                     "fault", "kvm", "decode-pids", "decode_pids", "secontext", "trace-fds",
                     "trace_fds", "fd"):
            raise SetError(f"-e {key}= is not supported by aiotrace (see docs/cli.md)")
        else:
            raise SetError(f"invalid -e qualifier '{key}' (aiotrace knows trace, signal, "
                           "status, inject, quiet and decode-fds)")
    except ValueError as exc:   # SetError, and parse_inject's ValueError
        raise UsageError(str(exc)) from None


def _apply(opts: Options, opt: str, arg: str | None, counts: dict[str, int]) -> None:
    counts[opt] = counts.get(opt, 0) + 1
    if opt == "f":
        opts.follow += 1
    elif opt == "F":
        opts.follow = max(opts.follow, 1)
    elif opt == "ff":
        opts.follow = 2
    elif opt == "o":
        opts.output = arg
    elif opt == "A":
        opts.append = True
    elif opt == "p":
        assert arg is not None
        opts.pids.extend(_pid_args(arg))
    elif opt == "s":
        opts.strsize = _int_arg("s", arg or "", _STRSIZE_MAX)
    elif opt == "a":
        opts.column = _int_arg("a", arg or "")
    elif opt == "y":
        opts.decode_fds = min(2, opts.decode_fds + 1)   # -yy: all strace's details
    elif opt == "P":
        if not arg:
            raise UsageError("-P: a path is needed", hint=True)
        opts.paths.append(arg)
    elif opt == "n":
        opts.numbers = True
    elif opt == "i":
        opts.ips = True
    elif opt == "x":
        opts.xflag = 2 if opts.xflag else 1             # -xx: every string in hex
    elif opt == "strings-in-hex":
        modes = {None: 2, "all": 2, "non-ascii": 1, "non-ascii-chars": 3, "none": 0}
        if arg not in modes:
            raise UsageError(f"invalid --strings-in-hex argument: '{arg}'")
        opts.xflag = modes[arg]
    elif opt == "T":
        opts.syscall_times = True
    elif opt == "t":
        opts.timestamps = min(3, opts.timestamps + 1) if arg is None else _ts_format(arg)
    elif opt == "r":
        opts.relative = True
    elif opt == "c":
        if opts.summary == "also":
            raise UsageError("-c/--summary-only and -C/--summary are mutually exclusive",
                             hint=True)
        opts.summary = "only"
    elif opt == "C":
        if opts.summary == "only":
            raise UsageError("-c/--summary-only and -C/--summary are mutually exclusive",
                             hint=True)
        opts.summary = "also"
    elif opt == "S":
        key = _SORT_KEYS.get(arg or "")
        if key is None:
            raise UsageError(f"invalid sortby: '{arg}' (expected time, calls, errors, name "
                             "or nothing)")
        opts.sort_by = key
    elif opt == "w":
        pass   # -c measures wall-clock time already
    elif opt == "q":
        n = counts[opt]
        opts.quiet = frozenset({"attach", "personality"} if n == 1 else
                               {"attach", "personality", "exit"} if n == 2 else
                               {"attach", "personality", "exit", "thread-execve",
                                "path-resolution"})
    elif opt == "=quiet" and arg is None:   # --quiet alone: -e quiet=attach,personality
        _qualify(opts, "quiet=attach,personality")
    elif opt == "z":
        opts.status = frozenset({"successful"})
    elif opt == "Z":
        opts.status = frozenset({"failed"})
    elif opt == "e":
        _qualify(opts, arg or "")
    elif opt.startswith("="):
        _qualify(opts, opt[1:] + "=" + (arg or ""))
    elif opt == "E":
        if (arg or "").startswith("="):   # (Python's execve cannot pass "=VALUE")
            raise UsageError(f"-E '{arg}': an environment variable needs a name (-E VAR=VALUE "
                             "sets it, -E VAR removes it)")
        opts.env.append(arg or "")
    elif opt == "json":
        opts.json = True
    elif opt == "seccomp":
        opts.seccomp = True
    elif opt == "tracer-cpu":
        if arg not in ("auto", "any") and c_uint(arg or "") is None:
            raise UsageError(f"invalid --tracer-cpu argument: '{arg}' (a CPU number, auto "
                             "or any)", hint=True)
        opts.tracer_cpu = arg or "any"
    elif opt == "h":
        opts.help = True
    elif opt == "V":
        opts.version = True
    elif opt in _UNSUPPORTED:
        raise UsageError(f"{_UNSUPPORTED[opt]} is not supported by aiotrace (see docs/cli.md)")
    else:  # pragma: no cover - every option letter is handled above
        raise UsageError(f"invalid option -- '{opt}'", hint=True)


def _ts_format(arg: str) -> int:
    # --absolute-timestamps=[format:]time|unix[,[precision:]s|ms|us|ns]: the common forms
    fmt, _, prec = arg.partition(",")
    fmt = fmt.split(":", 1)[-1]
    prec = prec.split(":", 1)[-1]
    if fmt not in ("", "time", "unix", "none") or prec not in ("", "s", "ms", "us"):
        raise UsageError(f"invalid --absolute-timestamps argument: '{arg}'", hint=True)
    if fmt == "none":
        return 0
    if fmt == "unix":
        return 3
    return 2 if prec in ("ms", "us") else 1


def parse_args(args: list[str]) -> Options:
    """Parse the command line (without the program name); raises UsageError."""
    opts = Options()
    counts: dict[str, int] = {}
    positional: list[str] = []
    i = 0
    n = len(args)
    while i < n:
        a = args[i]
        i += 1
        if a == "--":
            if opts.mode == "attach":
                positional.extend(args[i:])
            else:
                opts.argv = args[i:]
                if opts.mode is None and not opts.pids:
                    opts.mode = "run"
            break
        if a.startswith("--"):
            name, eq, value = a[2:].partition("=")
            matches = [k for k in _LONG if k == name] or [k for k in _LONG if k.startswith(name)]
            if len(matches) != 1:
                if matches:
                    raise UsageError(f"option '{a}' is ambiguous; possibilities: "
                                     + " ".join("'--" + m + "'" for m in matches), hint=True)
                raise UsageError(f"unrecognized option '{a}'", hint=True)
            kind, opt = _LONG[matches[0]]
            arg: str | None = None
            if kind == "no" and eq:
                raise UsageError(f"option '--{matches[0]}' doesn't allow an argument", hint=True)
            if kind == "required":
                if eq:
                    arg = value
                elif i < n:
                    arg = args[i]
                    i += 1
                else:
                    raise UsageError(f"option '--{matches[0]}' requires an argument", hint=True)
            elif kind == "optional" and eq:
                arg = value
            _apply(opts, opt, arg, counts)
            continue
        if a.startswith("-") and a != "-":
            j = 1
            while j < len(a):
                c = a[j]
                j += 1
                if c not in _SHORT_WITH_ARG and c not in "cCfFhinqrtTVwxyzZA" and c not in _UNSUPPORTED:
                    raise UsageError(f"invalid option -- '{c}'", hint=True)
                if c in _SHORT_WITH_ARG:
                    if j < len(a):
                        arg = a[j:]
                    elif i < n:
                        arg = args[i]
                        i += 1
                    else:
                        raise UsageError(f"option requires an argument -- '{c}'", hint=True)
                    _apply(opts, c, arg, counts)
                    break
                _apply(opts, c, None, counts)
            continue
        # a word
        if opts.mode is None and not positional:
            if a in ("run", "attach"):
                opts.mode = a
                continue
            if opts.pids:
                raise UsageError(f"unexpected argument '{a}': with -p PID there is no "
                                 "program to run (use 'aiotrace run PROG' to start one)")
            raise UsageError(f"unknown command '{a}': use 'aiotrace run [OPTIONS] {a} ...' to "
                             "trace a program, or 'aiotrace attach PID' to trace a running "
                             "process", hint=True)
        if opts.mode == "run":
            opts.argv = args[i - 1:]
            break
        positional.append(a)
    if opts.help or opts.version:
        return opts
    if counts.get("q") and opts.quiet_set:
        raise UsageError("-q and -e quiet/--quiet cannot be provided simultaneously")
    if opts.follow >= 2 and opts.summary is not None:
        raise UsageError("(-c/--summary-only or -C/--summary) and -ff/--output-separately "
                         "are mutually exclusive", hint=True)
    if opts.mode is None and opts.pids:
        opts.mode = "attach"
    if opts.mode == "attach":
        for word in positional:
            opts.pids.extend(_pid_args(word))
        if opts.argv:
            raise UsageError("attach takes process ids, not a program to run")
        if not opts.pids:
            raise UsageError("attach: must have PID... (the processes to trace)", hint=True)
    elif opts.mode == "run":
        if opts.pids:
            raise UsageError("-p PID attaches to a running process: it does not combine with "
                             "'run' (use 'aiotrace attach PID')")
        if not opts.argv:
            raise UsageError("must have PROG [ARGS] or -p PID", hint=True)
    else:
        raise UsageError("must have PROG [ARGS] or -p PID", hint=True)
    if opts.output is not None and opts.output[:1] in ("|", "!"):
        raise UsageError(f"-o '{opts.output}': piping the trace to a command is not supported "
                         "by aiotrace; pipe stderr instead (2>&1 >/dev/null | command)")
    if opts.follow >= 2 and opts.output is not None and opts.json:
        raise UsageError("--json does not combine with -ff -o FILE (one file per process)")
    if opts.paths and opts.summary is not None:
        raise UsageError("-P does not combine with -c/-C in aiotrace: the summary would count "
                         "every call (filter by name with -e trace= instead)")
    if opts.json and opts.timestamps:
        pass  # JSON objects always carry the time
    return opts


# -- running ------------------------------------------------------------------------------


class _Out:
    """Blocking writes of text to a file descriptor; stops at EPIPE.

    Any other error (a full disk, ``-o /dev/full``, an I/O error) loses the text that
    could not be written and is said on *err* (``aiotrace: FILE: No space left on
    device``, as strace says it), once until the next write that works: the program
    goes on, and so does tracing, as with strace."""

    def __init__(self, fd: int, name: str | None = None, err: _Out | None = None) -> None:
        self.fd = fd
        self.name = name
        self.err = err
        self.broken = False
        self.failing = 0   # the errno of the last write, when it failed

    def write(self, text: str) -> None:
        if not text or self.broken:
            return
        self.write_bytes(text.encode("utf-8", "surrogateescape"))

    def write_bytes(self, data: bytes | bytearray | memoryview) -> None:
        if self.broken:
            return
        view = memoryview(data)
        while view:
            try:
                k = os.write(self.fd, view)
            except BlockingIOError:
                import select
                select.select([], [self.fd], [])
                continue
            except InterruptedError:
                continue
            except BrokenPipeError:
                self.broken = True
                return
            except OSError as exc:
                if exc.errno != self.failing and self.err is not None:
                    self.err.write(f"{PROG}: {self.name}: {exc.strerror}\n")
                self.failing = exc.errno or -1
                return
            self.failing = 0
            view = view[k:]


_FLUSH_DELAY = 0.02   # seconds a finished line may wait to be written with the next ones
_FLUSH_PARTS = 512    # ... or this many pieces of text


class _Session:
    """One run of the command: the decoder and the printer, the output, the engines'
    results."""

    def __init__(self, opts: Options, out: _Out, err: _Out) -> None:
        self.opts = opts
        self.out = out
        self.err = err
        self.printer: TextPrinter | JsonPrinter | SeparatePrinter | None = None
        self.decoder: Decoder | None = None
        self.counts: list[Any] = []
        self.interrupted = 0
        self.program_cpus: frozenset[int] | None = None   # set when aiotrace's threads are pinned
        self._due = anyio.Event()
        self._internal_errors = 0
        # the traced calls as the tracer's keys (each ABI's apart: see _core._syscalls),
        # and as names for the library (open@32 where a name's other ABIs are left out)
        keys = None if opts.trace is None else selectors_keys(opts.trace)
        self.trace_nrs: frozenset[int] | None = None if keys == ALL_KEYS else keys
        self.trace_names: frozenset[str] | None = (
            None if self.trace_nrs is None else key_selectors(self.trace_nrs))
        self.trace_paths = _trace_paths(opts.paths, err)
        self.injects = self._traced_rules()
        if opts.summary != "only":
            self._make_printer()

    def _traced_rules(self) -> list[Any]:
        """The -e inject= rules, each cut down to the calls -e trace= traces: strace
        tampers with traced calls only (and, with -P, only with those that use a path:
        see start_engines), so the others are neither tampered with nor counted."""
        if self.trace_nrs is None:
            return list(self.opts.injects)
        out = []
        for rule in self.opts.injects:
            keys = selectors_keys(rule.syscalls)
            kept = keys & self.trace_nrs
            if kept:
                out.append(rule if kept == keys
                           else replace(rule, syscalls=key_selectors(kept)))
        return out

    def _make_printer(self) -> None:
        o = self.opts
        inject: dict[int, Any] = {}   # the tracer's keys: each ABI's call apart
        for rule in self.injects:
            for key in selectors_keys(rule.syscalls):
                inject[key] = rule     # the last rule wins, as in strace
        self.decoder = Decoder(strsize=o.strsize, decode_fds=o.decode_fds, xflag=o.xflag,
                               inject=inject, paths=self.trace_paths,
                               dumps=(o.dump_read, o.dump_write), ips=o.ips)
        common: dict[str, Any] = dict(signals=o.signals, status=o.status, follow=bool(o.follow))
        if o.json:
            self.printer = JsonPrinter(**common)
            return
        to_file = o.output is not None
        quiet = o.quiet
        if quiet is None:
            # strace: quiet about attaching when the trace goes to a file and we run PROG
            quiet = frozenset({"attach", "personality"}) if (to_file and o.mode == "run") \
                else frozenset()
        pid_prefix = to_file and (bool(o.follow) or len(o.pids) > 1)
        text: dict[str, Any] = dict(timestamps="r" if o.relative else o.timestamps,
                                    syscall_times=o.syscall_times, column=o.column,
                                    quiet=quiet, numbers=o.numbers, ips=o.ips, **common)
        if o.follow >= 2 and o.output is not None:
            self.printer = SeparatePrinter(o.output, append=o.append, **text)
        else:
            self.printer = TextPrinter(to_file=to_file, pid_prefix=pid_prefix, **text)

    # -- events -----------------------------------------------------------------------

    def event_types(self) -> tuple[type, ...]:
        o = self.opts
        types: list[type] = [Signal, GroupStop, Death, Exec]
        if self.trace_nrs is None or self.trace_nrs:
            types += [SyscallEntry, SyscallExit, Exit]
        elif o.json:
            types.append(Exit)
        if o.follow:
            types.append(Clone)
        if o.json:
            types.append(Continued)
        return tuple(types)

    def prefilter(self) -> frozenset[str] | None:
        """Syscalls to stop at with --seccomp-bpf (None: every call), by name: each in
        every ABI that -e trace= names it in (the filter is compiled per ABI, so that a
        traced i386 or x32 call stops too). Only with -f: the filter stays in the
        children, whose filtered calls would fail with ENOSYS if they ran untraced."""
        if not self.opts.seccomp or not self.opts.follow or self.trace_nrs is None:
            return None
        keys = set(self.trace_nrs)
        for rule in self.injects:
            keys |= selectors_keys(rule.syscalls)
        return key_selectors(keys)

    def flush(self) -> None:
        p = self.printer
        if p is None:
            return
        if isinstance(p, SeparatePrinter):
            p.flush_files()
        elif p.out:
            parts = p.out[:]
            p.out.clear()
            emit(parts, self.out.write_bytes)
        if p.err:
            text = "".join(p.err)
            p.err.clear()
            self.err.write(text)

    async def flusher(self, scope: anyio.CancelScope) -> None:
        """Writes pending lines out a little later, so that a burst of events makes one
        write; it wakes up only when there is something to write."""
        with scope:
            while True:
                await self._due.wait()
                await anyio.sleep(_FLUSH_DELAY)
                self._due = anyio.Event()
                self.flush()

    async def start_engines(self, tg: Any, proc: aiotrace.Process) -> None:
        o = self.opts
        if o.summary is not None:
            from .engines import count_syscalls
            counter = functools.partial(count_syscalls, syscalls=self.trace_names,
                                        injected=self.injects)
            self.counts.append(await tg.start(counter, proc))
        if self.injects:
            from .engines import inject
            decoder = self.decoder

            def uses_paths(call: Any) -> bool:   # -P: the calls that use one of the paths
                assert decoder is not None
                return decoder.uses_paths(call.name, call.args, call.thread, call.tid,
                                          call.abi)

            only = uses_paths if self.trace_paths is not None and decoder is not None else None
            await tg.start(functools.partial(inject, only=only), proc, *self.injects)

    def subscribe(self, proc: aiotrace.Process, tids: set[int] | None) -> Any:
        if self.decoder is None:
            return None
        return proc.events(*self.event_types(), syscalls=self.trace_names, tids=tids,
                           capture=Capture(self.decoder.capture, **self.decoder.after_resume()),
                           buffer=4096)

    async def drain(self, stream: Any) -> None:
        """Lay out each event as it comes, in order; write the text out in batches."""
        if stream is None:
            return
        p = self.printer
        assert p is not None
        render = p.render
        out = p.dirty if isinstance(p, SeparatePrinter) else p.out
        take = stream.receive_nowait
        async with stream:
            async for ev in stream:
                # then what else the same batch brought, without a checkpoint per event
                while True:
                    if isinstance(ev.captured, BaseException):
                        self._internal_error(ev)
                    else:
                        render(ev)
                    try:
                        ev = take()
                    except (anyio.WouldBlock, anyio.EndOfStream):
                        break
                if out:
                    if len(out) >= _FLUSH_PARTS:
                        self.flush()
                    elif not self._due.is_set():
                        self._due.set()
        self.flush()

    def _internal_error(self, ev: Any) -> None:
        self._internal_errors += 1
        if self._internal_errors <= 3:
            exc = ev.captured
            self.err.write(f"{PROG}: internal error while decoding {ev!r}: {exc!r} "
                           "(please report it)\n")

    def summary(self) -> None:
        o = self.opts
        if o.summary is None or not self.counts:
            return
        from .engines import SyscallCounts
        if len(self.counts) == 1:
            counts = self.counts[0]
        else:
            counts = SyscallCounts()
            for c in self.counts:
                for st in c.stats("nothing"):
                    counts.add(st.nr, st.name, 0, False, st.abi)
                    merged = counts[st.name if st.abi == "x86_64" else
                                    st.name + {"i386": "@32", "x32": "@x32"}[st.abi]]
                    merged.calls += st.calls - 1
                    merged.errors += st.errors
                    merged.time_ns += st.time_ns
        if o.json:
            rows = [{"syscall": st.name, "calls": st.calls, "errors": st.errors,
                     "seconds": round(st.seconds, 6), "usecs_per_call": st.usecs_per_call,
                     **({} if st.abi == "x86_64" else {"abi": st.abi})}
                    for st in counts.stats(o.sort_by)]
            self.out.write(json.dumps({"kind": "summary", "syscalls": rows,
                                       "calls": counts.calls, "errors": counts.errors,
                                       "seconds": round(counts.time_ns / 1e9, 6)},
                                      separators=(",", ":")) + "\n")
        else:
            self.out.write(counts.table(o.sort_by))


def _program_path(prog: str, env: dict[str, str]) -> str | None:
    if "/" in prog:
        return prog
    return shutil.which(prog, path=env.get("PATH", os.defpath))


def _environ_address() -> int:
    """Where this process's environment array is: strace prints its own ``environ``
    as the third execve argument, since its child passes it to execve."""
    try:
        return ctypes.c_void_p.in_dll(ctypes.CDLL(None), "environ").value or 0
    except (ValueError, OSError):  # pragma: no cover
        return 0


class _FakeMemory:
    """Memory holding the spawned program's execve arguments, to format its first line."""

    def __init__(self) -> None:
        self.regions: list[tuple[int, bytes]] = []
        self.next = 0x1000

    def put(self, data: bytes, addr: int | None = None) -> int:
        if addr is None:
            addr = self.next
            self.next += (len(data) + 16) & ~7
        self.regions.append((addr, data))
        return addr

    def read(self, addr: int, n: int) -> bytes:
        for base, data in self.regions:
            if base <= addr < base + len(data):
                return data[addr - base: addr - base + n]
        raise OSError(_errno.EFAULT, "Bad address")

    def read_string(self, addr: int, limit: int) -> bytes:
        return self.read(addr, limit).split(b"\0", 1)[0]


def execve_text(path: str, argv: list[str], nenv: int, strsize: int, xflag: int = 0) -> str:
    """The arguments of the spawned program's execve, formatted as strace prints them."""
    mem = _FakeMemory()
    fs = [os.fsencode(a) + b"\0" for a in argv]
    p_path = mem.put(os.fsencode(path) + b"\0")
    ptrs = [mem.put(a) for a in fs]
    p_argv = mem.put(b"".join(x.to_bytes(8, "little") for x in ptrs + [0]))
    envp = _environ_address() or 0x7FFC00000000
    mem.put(b"".join((envp + 0x1000 + 8 * k).to_bytes(8, "little") for k in range(nenv))
            + b"\0" * 8, envp)
    return format_entry("execve", (p_path, p_argv, envp), mem, strsize=strsize, xflag=xflag)


def _warn_seccomp_without_follow(s: _Session) -> None:
    if s.opts.seccomp and not s.opts.follow:
        s.err.write(f"{PROG}: --seccomp-bpf cannot be used without -f/--follow-forks, "
                    "disabling\n")


async def _run(s: _Session) -> tuple[str, int]:
    o = s.opts
    _warn_seccomp_without_follow(s)
    env = dict(os.environ)
    for item in o.env:
        var, eq, val = item.partition("=")
        if eq:
            env[var] = val
        else:
            env.pop(var, None)
    path = _program_path(o.argv[0], env)
    if path is None or ("/" in path and not os.path.exists(path)):
        s.err.write(f"{PROG}: Can't stat '{o.argv[0]}': No such file or directory\n")
        return "exit", 1
    p = s.printer
    exec_text = execve_text(path, o.argv, len(env), o.strsize, o.xflag) if p is not None else ""
    flush_scope = anyio.CancelScope()
    async with aiotrace.open_tracer() as tracer:
        t0 = time.monotonic_ns()
        # (from before the fork: a Ctrl-C that comes as soon as the program exists is
        # already the program's, not a reason to kill it)
        restore = _ignore_interrupts()
        try:
            proc = await tracer.spawn(o.argv, env=env, follow=bool(o.follow),
                                      syscalls=s.prefilter(), cpus=s.program_cpus)
        except SpawnFailed as exc:
            restore()
            err = exc.errno or _errno.ENOEXEC
            if p is not None and (s.trace_nrs is None or 59 in s.trace_nrs):
                line = "execve(%s) = -1 %s (%s)\n" % (
                    exec_text, _errno.errorcode.get(err, str(err)), os.strerror(err))
                if o.json:
                    from ._cli_output import split_args
                    line = json.dumps({
                        "kind": "syscall.exit", "seq": 0, "time": round(time.time(), 6),
                        "pid": None, "tid": None, "syscall": "execve", "nr": 59,
                        "args": split_args(exec_text), "retval": -err,
                        "return": line[line.rindex(" = ") + 3:-1],
                        "error": _errno.errorcode.get(err), "duration": None,
                    }, separators=(",", ":")) + "\n"
                s.out.write(line)
            s.err.write(f"{PROG}: exec: {os.strerror(err)}\n")
            if isinstance(p, TextPrinter) and not p.quiet_exit:
                s.out.write("+++ exited with 1 +++\n")
            return "exit", 1
        except BaseException:
            restore()
            raise
        try:
            if isinstance(p, SeparatePrinter):
                try:   # (strace opens it as it starts tracing, and stops if it cannot)
                    p.open_file(proc.pid)
                except OSError as exc:
                    s.err.write(f"{PROG}: Can't fopen '{o.output}.{proc.pid}': "
                                f"{exc.strerror}\n")
                    return "exit", 1   # (the program, still held, dies with the tracer)
            if p is not None and s.decoder is not None:
                p.add_thread(proc.pid, proc.pid)
                if s.trace_paths is None or os.fsencode(path) in s.trace_paths:
                    s.decoder.expect_exec(proc.pid, exec_text, t0)
            stream = s.subscribe(proc, None if o.follow else {proc.pid})
            async with anyio.create_task_group() as tg:
                await s.start_engines(tg, proc)
                forward = anyio.CancelScope()
                tg.start_soon(_forward_signals, proc, forward)
                tg.start_soon(s.flusher, flush_scope)
                proc.resume()
                await s.drain(stream)
                rc = await proc.wait()
                forward.cancel()
                flush_scope.cancel()
            if p is not None:
                p.finish()
                s.flush()
        finally:
            restore()
    s.summary()
    if rc is None:
        return "exit", 0
    if rc < 0:
        return "signal", -rc
    return "exit", rc


def _ignore_interrupts() -> Callable[[], None]:
    """While the program runs, Ctrl-C and Ctrl-\\ are for it (the terminal sends them to
    its whole process group, us included): we ignore them, as system(3) does. Not with
    SIG_IGN, which the program would inherit across its fork and exec, but with a handler
    that does nothing, which its exec resets to the default; a signal that was ignored
    when aiotrace started (``nohup``, ``cmd &``) stays ignored, for the program too."""
    old = {}
    for sig in (signal.SIGINT, signal.SIGQUIT):
        try:
            if signal.getsignal(sig) is not signal.SIG_IGN:
                old[sig] = signal.signal(sig, _no_op)
        except ValueError:   # not the main thread: nothing to do
            pass

    def restore() -> None:
        for sig, handler in old.items():
            signal.signal(sig, handler)
    return restore


def _no_op(signo: int, frame: Any) -> None:
    pass


async def _forward_signals(proc: aiotrace.Process, scope: anyio.CancelScope) -> None:
    """SIGTERM and SIGHUP sent to aiotrace go on to the program (which may die of them:
    aiotrace then dies of the same signal)."""
    with scope:
        try:
            receiver = anyio.open_signal_receiver(signal.SIGTERM, signal.SIGHUP)
            with receiver as signals:
                async for sig in signals:
                    proc.send_signal(sig)
        except (ValueError, NotImplementedError, RuntimeError):  # not the main thread
            await anyio.sleep_forever()


async def _attach(s: _Session) -> tuple[str, int]:
    o = s.opts
    if o.seccomp:   # both warnings, in strace's order
        s.err.write(f"{PROG}: --seccomp-bpf is not enabled for processes attached with -p\n")
        _warn_seccomp_without_follow(s)
    p = s.printer
    if isinstance(p, SeparatePrinter):
        for pid in o.pids:   # (FILE.PID: before attaching, as strace stops if it cannot)
            try:
                p.open_file(pid)
            except OSError as exc:
                s.err.write(f"{PROG}: Can't fopen '{o.output}.{pid}': {exc.strerror}\n")
                p.finish()
                return "exit", 1
    async with aiotrace.open_tracer() as tracer:
        attached: list[tuple[aiotrace.Process, Any]] = []
        procs: list[aiotrace.Process] = []
        async with anyio.create_task_group() as tg:
            # Ctrl-C (SIGTERM, SIGHUP, SIGQUIT) detaches; watched from before the first
            # attach, so that no signal finds us without a handler.
            watch = anyio.CancelScope()
            await tg.start(_detach_on_signal, s, procs, watch)
            flush_scope = anyio.CancelScope()
            tg.start_soon(s.flusher, flush_scope)
            # The engines (-c, -e inject=) in a group of their own, which ends when the
            # processes are gone or detached: until then Ctrl-C must find the watcher
            # (with -c alone there is no stream to drain, and nothing else waits).
            async with anyio.create_task_group() as engines:
                for pid in o.pids:
                    if s.interrupted:
                        break
                    try:
                        proc = await tracer.attach(pid, follow=bool(o.follow))
                    except TraceeGone:
                        s.err.write(f"{PROG}: attach: ptrace(PTRACE_SEIZE, {pid}): "
                                    "No such process\n")
                        continue
                    except AttachDenied as exc:
                        s.err.write(f"{PROG}: attach: ptrace(PTRACE_SEIZE, {pid}): "
                                    f"{os.strerror(exc.errno or _errno.EPERM)}\n{PROG}: {exc}\n")
                        continue
                    threads = proc.threads if o.follow else [pid]
                    if p is not None:
                        for tid in threads:
                            p.add_thread(tid, pid)
                    stream = s.subscribe(proc, None if o.follow else {pid})
                    await s.start_engines(engines, proc)
                    if isinstance(p, TextPrinter) and not p.quiet_attach:
                        more = f" with {len(threads)} threads" if len(threads) > 1 else ""
                        s.err.write(f"{PROG}: Process {pid} attached{more}\n")
                    attached.append((proc, stream))
                    procs.append(proc)
                    proc.resume()
                if s.interrupted:
                    for proc in procs:
                        await proc.detach()
                async with anyio.create_task_group() as readers:
                    for _, stream in attached:
                        readers.start_soon(s.drain, stream)
            watch.cancel()
            flush_scope.cancel()
        if s.interrupted and p is not None:
            p.detached(sorted(p.live))
        if p is not None:
            p.finish()
            s.flush()
    if not attached:
        return "exit", 1
    s.summary()
    if s.interrupted:
        return "signal", s.interrupted
    return "exit", 0


async def _detach_on_signal(s: _Session, procs: list[aiotrace.Process],
                            scope: anyio.CancelScope,
                            *, task_status: Any = anyio.TASK_STATUS_IGNORED) -> None:
    """Ctrl-C (or SIGTERM, SIGHUP, SIGQUIT) detaches from the processes, which go on."""
    with scope:
        try:
            receiver = anyio.open_signal_receiver(
                signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
        except (ValueError, NotImplementedError, RuntimeError):  # pragma: no cover
            task_status.started()
            await anyio.sleep_forever()
            return
        with receiver as signals:
            task_status.started()
            async for sig in signals:
                s.interrupted = int(sig)
                for proc in list(procs):
                    await proc.detach()
                return


def _open_output(opts: Options) -> int:
    if opts.output is None or (opts.follow >= 2 and not opts.json):
        return 2   # (-ff -o FILE writes FILE.PID files, see SeparatePrinter)
    flags = os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC | (os.O_APPEND if opts.append else os.O_TRUNC)
    return os.open(opts.output, flags, 0o666)


def _die_of(sig: int, tty: Any) -> int:
    """Die of *sig*, as the program did (strace does the same): no core file of our own."""
    if tty is not None:
        try:
            import termios
            termios.tcsetattr(0, termios.TCSANOW, tty)
        except (ImportError, OSError):
            pass
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ValueError, OSError):
        pass
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {sig})
    except (ValueError, OSError):
        pass
    os.kill(os.getpid(), sig)
    return 128 + sig   # the signal was not fatal after all


def _fd_set(value: str) -> tuple[bool, frozenset[int]] | None:
    """-e read=SET / write=SET: (negated, descriptors), or None for none."""
    neg = value.startswith("!")
    body = value[1:] if neg else value
    if body == "all":
        return None if neg else (True, frozenset())
    if body == "none":
        return (True, frozenset()) if neg else None
    fds = set()
    for item in body.split(","):
        if not item:
            continue   # (strace skips empty items)
        fd = c_uint(item)
        if fd is None:
            raise SetError(f"invalid descriptor '{item}'")
        fds.add(fd)
    if not fds:
        raise SetError(f"invalid descriptor '{value}'")
    return (neg, frozenset(fds))


def _trace_paths(paths: list[str], err: _Out) -> frozenset[bytes] | None:
    """-P: each path as given and, where a symbolic link or a relative path leads
    elsewhere, as resolved (said on stderr, as strace does); None without -P."""
    if not paths:
        return None
    out: set[bytes] = set()
    for p in paths:
        out.add(os.fsencode(p))
        try:
            real = os.path.realpath(p, strict=True)
        except OSError:
            continue
        if real != p:   # (quoted as strace quotes them: a name may hold any byte)
            err.write(f"{PROG}: Requested path {quote(os.fsencode(p))} resolved into "
                      f"{quote(os.fsencode(real))}\n")
            out.add(os.fsencode(real))
    return frozenset(out)


def _tracer_cpu(choice: str, allowed: set[int]) -> int | None:
    """The CPU for aiotrace's own threads (--tracer-cpu), or None to leave them free."""
    if choice == "any":
        return None
    if choice == "auto":
        if len(allowed) < 2:
            return None
        cpu = current_cpu()
        return cpu if cpu in allowed else min(allowed)
    number = c_uint(choice)   # (a number: checked by parse_args)
    if number not in allowed:
        cpus = ",".join(map(str, sorted(allowed)))
        raise UsageError(f"--tracer-cpu={number}: aiotrace may not run on CPU {number} (it "
                         f"may use {cpus}; or give auto or any)")
    return number


def _tty_state() -> Any:
    try:
        import termios
        if os.isatty(0):
            return termios.tcgetattr(0)
    except (ImportError, OSError):
        pass
    return None


def _aiotrace_error(exc: BaseException) -> BaseException | None:
    """The AiotraceError (cannot trace, cannot spawn...) behind *exc*, if any."""
    if isinstance(exc, aiotrace.AiotraceError):
        return exc
    for sub in getattr(exc, "exceptions", ()):
        found = _aiotrace_error(sub)
        if found is not None:
            return found
    return None


def _hold_standard_fds() -> None:
    """A closed stdin, stdout or stderr is opened on /dev/null, close-on-exec: otherwise
    the tracer's own pipes and its event loop's epoll would get those numbers, and the
    trace, written to 2, would go into one of them. (Close-on-exec: the program still
    finds it closed, as it would untraced.)"""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR | os.O_CLOEXEC)
            if null != fd:
                os.dup2(null, fd, inheritable=False)
                os.close(null)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``aiotrace`` command; returns the exit status."""
    _hold_standard_fds()
    args = sys.argv[1:] if argv is None else list(argv)
    err = _Out(2)
    try:
        opts = parse_args(args)
    except UsageError as exc:
        err.write(f"{PROG}: {exc}\n")
        if exc.hint:
            err.write(f"Try '{PROG} -h' for more information.\n")
        return 1
    if opts.help:
        sys.stdout.write(USAGE)
        sys.stdout.flush()
        return 0
    if opts.version:
        sys.stdout.write(f"{PROG} -- version {aiotrace.__version__}\n")
        sys.stdout.flush()
        return 0
    allowed = os.sched_getaffinity(0)
    try:
        cpu = _tracer_cpu(opts.tracer_cpu, allowed)
    except UsageError as exc:
        err.write(f"{PROG}: {exc}\n")
        return 1
    try:
        fd = _open_output(opts)
    except OSError as exc:
        err.write(f"{PROG}: Can't fopen '{opts.output}': {exc.strerror}\n")
        return 1
    out = err if fd == 2 else _Out(fd, opts.output, err)
    tty = _tty_state()
    session = _Session(opts, out, err)
    if cpu is not None:
        # This thread (and the tracer thread it starts, which inherits the mask) on one
        # CPU: the two hand every stop to each other and never run Python at once (the
        # GIL), so apart they only add cross-CPU wake-ups. The program gets back the CPUs
        # aiotrace was given. See docs/performance.md.
        os.sched_setaffinity(0, {cpu})
        session.program_cpus = frozenset(allowed)
    try:
        how, value = anyio.run(_run if opts.mode == "run" else _attach, session)
    except KeyboardInterrupt:
        return 130
    except BaseException as exc:   # aiotrace's own errors, maybe inside an ExceptionGroup
        found = _aiotrace_error(exc)
        if found is None:
            raise
        err.write(f"{PROG}: {found}\n")
        return 1
    finally:
        if fd != 2:
            os.close(fd)
        if cpu is not None:
            os.sched_setaffinity(0, allowed)   # (main() may be called from Python)
    if how == "signal":
        return _die_of(value, tty)
    return value
