# SPDX-License-Identifier: GPL-2.0-or-later
"""The command line: strace's options, read by getopt's rules, into :class:`Options`.

``parse_args`` takes the arguments after the program name and returns the options, or
raises :class:`UsageError` with the message aiotrace prints (strace's own, for strace's
mistakes). The sets of ``-e trace=``, ``signal=``, ``status=`` and ``quiet=`` are read by
``_filter``, ``-e inject=`` by ``aiotrace.engines.parse_inject``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from ._filter import (
    BARE_CLASSES, SetError, expand_token, parse_quiet_set, parse_signal_set, parse_status_set,
    parse_syscall_set,
)
from ._stamps import absolute_format, time_scale
from ._summary import parse_columns, sort_key
from ._usage import USAGE

__all__ = ["USAGE", "Options", "UsageError", "c_uint", "parse_args"]

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
    xstyle: int = 0                       # -X: 0 abbrev, 1 raw, 2 verbose (_decode._style)
    abbrev: frozenset[str] | None = None  # -e abbrev=: the calls abbreviated (None: all)
    verbose: frozenset[str] | None = None  # -e verbose=: structures decoded (None: all)
    raw: frozenset[str] = frozenset()     # -e raw=: arguments in hex
    decode_fds: int = 0                   # 1: -y (paths), 2: -yy (and sockets, devices)
    decode_fd_kinds: frozenset[str] | None = None   # -e decode-fds=dev,...: those only
    syscall_times: int | None = None      # -T: digits after the second (None: not asked)
    timestamps: int = 0                   # how many -t
    ts_format: str | None = None          # --absolute-timestamps: None, "time", "unix"
    ts_width: int = 0                     # its digits after the second
    ts_long: bool = False                 # given as --absolute-timestamps / --timestamps
    relative: int | None = None           # -r: digits after the second (None: not asked)
    summary: str | None = None           # "only" (-c) or "also" (-C)
    sort_by: str = "time"
    wall_clock: bool = False              # -w: the summary counts wall-clock time
    overhead_ns: int = 0                  # -O: taken off each call's time in the summary
    columns: tuple[str, ...] | None = None   # -U: the summary's columns (None: strace's)
    quiet: frozenset[str] | None = None  # None: not given
    quiet_set: bool = False               # given by -e quiet= or --quiet (not -q)
    trace: frozenset[str] | None = None  # None: every call
    signals: frozenset[int] | None = None
    status: frozenset[str] | None = None
    injects: list[Any] = field(default_factory=list)
    json: bool = False
    env: list[str] = field(default_factory=list)
    seccomp: bool = False
    decode_pids: frozenset[str] = frozenset()   # --decode-pids=: "pidns", "comm" (-Y)
    kvm_vcpu: bool = False                # -e kvm=vcpu: KVM_RUN's exit reason
    stack_trace: bool = False             # -k
    debug: bool = False                   # -d: say which calls have no name
    probes: list[str] = field(default_factory=list)   # --probe SPEC...
    tracer_cpu: str = "any"              # "any", "auto" or a CPU number
    interruptible: int | None = None      # -I: 1 to 4 (_intr), None: run's own rule
    detach_on_execve: bool = False        # -b execve
    daemonize: int = 0                    # -D 1, -DD 2, -DDD 3: see _daemon
    daemonize_long: int = 0               # --daemonize=
    help: bool = False
    version: bool = False


# -- option parsing (getopt's rules, strace's options) ----------------------------------

_UNSUPPORTED = {
    "N": "-N",
    "u": "-u (run as another user)",
}
_DAEMONIZE = {"grandchild": 1, "pgroup": 2, "pgrp": 2, "session": 3}
_SHORT_WITH_ARG = set("aeEoOpsSuUIbXP")
_TIME_OPTS = {"T": "--syscall-times", "r": "--relative-timestamps"}
# long option -> its short equivalent or handler key, by what it takes (getopt_long's
# has_arg: "no", "required" or "optional" argument)
_LONG_BY_ARGUMENT: dict[str, dict[str, str]] = {
    "no": {
        "follow-forks": "f", "output-separately": "ff", "append-output": "A",
        "summary-only": "c", "summary": "C", "summary-wall-clock": "w",
        "successful-only": "z", "failed-only": "Z", "json": "json",
        "seccomp-bpf": "seccomp", "stack-trace": "k", "help": "h", "syscall-number": "n",
        "instruction-pointer": "i", "version": "V", "pidns-translation": "pidns",
        "no-abbrev": "v", "debug": "d",
    },
    "required": {
        "output": "o", "attach": "p", "string-limit": "s", "summary-sort-by": "S",
        "summary-syscall-overhead": "summary-syscall-overhead",
        "columns": "a", "summary-columns": "U", "env": "E", "trace": "=trace",
        "signal": "=signal", "status": "=status", "inject": "=inject", "fault": "=fault",
        "probe": "probe", "tracer-cpu": "tracer-cpu", "trace-path": "P",
        "interruptible": "interruptible", "detach-on": "b",
        "decode-pids": "=decode-pids", "const-print-style": "X", "abbrev": "=abbrev",
        "verbose": "=verbose", "raw": "=raw", "read": "=read", "write": "=write",
    },
    "optional": {
        "decode-fds": "=decode-fds", "syscall-times": "T",
        "absolute-timestamps": "=absolute-timestamps", "timestamps": "=timestamps",
        "relative-timestamps": "r", "quiet": "=quiet", "silent": "=quiet",
        "daemonize": "daemonize", "daemonise": "daemonize", "daemonized": "daemonize",
        "silence": "=quiet", "strings-in-hex": "strings-in-hex",
    },
}
_LONG = {name: (arg, key) for arg, names in _LONG_BY_ARGUMENT.items()
         for name, key in names.items()}


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
        elif key in ("inject", "fault"):
            opts.injects.append(_inject_rule(value, key))
        elif key in ("decode-fds", "decode_fds", "decode-fd"):   # (strace: both spellings)
            kinds = {k.strip() for k in value.split(",")}
            opts.decode_fd_kinds = None
            if value in ("none", "!all"):
                opts.decode_fds = 0
            elif kinds <= {"path"}:
                opts.decode_fds = 1
            elif kinds <= {"all", "path", "socket", "dev", "pidfd"}:
                opts.decode_fds = 2
                opts.decode_fd_kinds = None if "all" in kinds else frozenset(kinds)
            else:
                raise SetError(f"invalid decode-fds '{value}' (path, socket, dev, pidfd, all "
                               "or none)")
        elif key in ("read", "r", "write", "w"):
            fds = _fd_set(value)
            if key in ("read", "r"):
                opts.dump_read = fds
            else:
                opts.dump_write = fds
        elif key in ("decode-pids", "decode_pids"):
            opts.decode_pids = _decode_pids(value)
        elif key in ("abbrev", "a"):
            opts.abbrev = parse_syscall_set(value)
        elif key in ("verbose", "v"):
            opts.verbose = parse_syscall_set(value)
        elif key in ("raw", "x"):
            opts.raw = parse_syscall_set(value)
        elif key == "kvm":
            if value != "vcpu":
                raise SetError(f"invalid -e kvm= argument '{value}' (vcpu)")
            opts.kvm_vcpu = True
        elif key in ("secontext", "trace-fds", "trace_fds", "fd"):
            raise SetError(f"-e {key}= is not supported by aiotrace (see docs/cli.md)")
        else:
            raise SetError(f"invalid -e qualifier '{key}' (aiotrace knows trace, signal, "
                           "status, inject, quiet, decode-fds, abbrev, verbose, raw, read "
                           "and write)")
    except ValueError as exc:   # SetError, and parse_inject's ValueError
        raise UsageError(str(exc)) from None


# what -e fault= leaves to -e inject=
_INJECT_ONLY = ("retval", "signal", "delay_enter", "delay_exit", "poke_enter", "poke_exit")


def _inject_rule(value: str, key: str) -> Any:
    """-e inject=VALUE, or -e fault=VALUE: strace's older spelling, which only fails calls
    (error=, ENOSYS when not given; when=, syscall=)."""
    from aiotrace.engines import parse_inject
    # (bare class names, such as process: as %process, which the library expands)
    names, colon, rest = value.partition(":")
    neg = "!" if names.startswith("!") else ""
    spec = neg + ",".join("%" + t if t in BARE_CLASSES else t
                          for t in names[len(neg):].split(",")) + colon + rest
    if key == "fault":
        keys = [t.partition("=")[0] for t in value.split(":")[1:] if "=" in t]
        for k in keys:
            if k in _INJECT_ONLY:
                raise SetError(f"invalid fault argument '{value}': {k}= is an option of "
                               "-e inject=, -e fault= only fails calls (error=, when=)")
        if "error" not in keys:
            spec += ":error=ENOSYS"
    try:
        return parse_inject(spec, expand=_inject_expand)
    except ValueError as exc:   # (said as strace says it: the argument as given)
        reason = str(exc)
        given = f"invalid inject argument {spec!r}: "
        if reason.startswith(given):
            reason = reason[len(given):]
        raise SetError(f"invalid {key} argument '{value}': {reason}") from None


def _decode_pids(value: str) -> frozenset[str]:
    """strace's -e decode-pids= set: pidns (ids of other PID namespaces translated), comm
    (-Y: the command names of threads and processes), all, none; "!" negates."""
    neg = value.startswith("!")
    words = {w.strip() for w in value[neg:].split(",")}
    if value in ("", "!"):
        raise SetError("invalid decode-pids '%s' (pidns, comm, all or none)" % value)
    got: set[str] = set()
    for w in words:
        if w == "all":
            got |= {"pidns", "comm"}
        elif w in ("pidns", "comm"):
            got.add(w)
        elif w != "none":
            raise SetError("invalid decode-pids '%s' (pidns, comm, all or none)" % value)
    return frozenset({"pidns", "comm"} - got if neg else got)


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
        opts.decode_fd_kinds = None
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
    elif opt == "v":
        opts.abbrev = frozenset()                       # -e abbrev=none
    elif opt == "X":
        from .._decode._style import STYLES
        if arg not in STYLES:
            raise UsageError(f"invalid -X argument: '{arg}' (raw, abbrev or verbose)",
                             hint=True)
        opts.xstyle = STYLES[arg]
    elif opt == "strings-in-hex":
        modes = {None: 2, "all": 2, "non-ascii": 1, "non-ascii-chars": 3, "none": 0}
        if arg not in modes:
            raise UsageError(f"invalid --strings-in-hex argument: '{arg}'")
        opts.xflag = modes[arg]
    elif opt in ("T", "r"):
        width = time_scale(arg)
        if width is None:
            raise UsageError(f"invalid {_TIME_OPTS[opt]} argument: '{arg}'", hint=True)
        if opt == "T":
            opts.syscall_times = width
        else:
            opts.relative = width
    elif opt == "t":
        opts.timestamps += 1
    elif opt in ("=timestamps", "=absolute-timestamps"):
        got = absolute_format("format:time" if arg is None else arg, opts.ts_format,
                              opts.ts_width)
        if got is None:
            raise UsageError(f"invalid -{opt.replace('=', '-')} argument: '{arg}'", hint=True)
        opts.ts_format, opts.ts_width = got
        opts.ts_long = True
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
        key = sort_key(arg or "")
        if key is None:
            raise UsageError(f"invalid sortby: '{arg}' (expected time, calls, errors, name, "
                             "min_time, max_time, avg_time or nothing)", hint=True)
        opts.sort_by = key
    elif opt == "U":
        try:
            opts.columns = parse_columns(arg or "")
        except ValueError as exc:
            raise UsageError(str(exc), hint=True) from None
    elif opt == "w":
        opts.wall_clock = True
    elif opt in ("O", "summary-syscall-overhead"):
        from aiotrace.engines import parse_delay   # (strace's durations, as delay_enter=)
        try:
            opts.overhead_ns = parse_delay(arg or "")
        except ValueError:
            raise UsageError(f"invalid {'-O' if opt == 'O' else '--' + opt} argument: "
                             f"'{arg}'", hint=True) from None
    elif opt == "q":
        n = counts[opt]
        opts.quiet = frozenset({"attach", "personality"} if n == 1 else
                               {"attach", "personality", "exit"} if n == 2 else
                               {"attach", "personality", "exit", "thread-execve",
                                "path-resolution"})
    elif opt == "=quiet" and arg is None:   # --quiet alone: -e quiet=attach,personality
        _qualify(opts, "quiet=attach,personality")
    elif opt == "=decode-fds" and arg is None:   # --decode-fds alone: -e decode-fds=path
        _qualify(opts, "decode-fds=path")
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
    elif opt == "k":
        opts.stack_trace = True
    elif opt == "d":
        opts.debug = True
    elif opt == "probe":
        from ._probes import probe_specs
        specs = probe_specs(arg or "")
        if not specs:
            raise UsageError("--probe: name a function (libc.so.6:malloc, PROG:main, main)",
                             hint=True)
        opts.probes += specs
    elif opt == "Y":   # -Y: --decode-pids=comm
        _qualify(opts, "decode-pids=comm")
    elif opt == "pidns":   # --pidns-translation: --decode-pids=pidns
        _qualify(opts, "decode-pids=pidns")
    elif opt == "json":
        opts.json = True
    elif opt == "seccomp":
        opts.seccomp = True
    elif opt == "tracer-cpu":
        if arg not in ("auto", "any") and c_uint(arg or "") is None:
            raise UsageError(f"invalid --tracer-cpu argument: '{arg}' (a CPU number, auto "
                             "or any)", hint=True)
        opts.tracer_cpu = arg or "any"
    elif opt in ("I", "interruptible"):
        from ._intr import parse_interruptible
        level = parse_interruptible(arg or "")
        if level is None:
            raise UsageError(f"invalid {'-I' if opt == 'I' else '--' + opt} argument: "
                             f"'{arg}'", hint=True)
        opts.interruptible = level
    elif opt == "b":
        if arg != "execve":
            raise UsageError(f"Syscall '{arg}' for -b isn't supported")
        opts.detach_on_execve = True
    elif opt == "h":
        opts.help = True
    elif opt == "V":
        opts.version = True
    elif opt == "D":
        opts.daemonize += 1
    elif opt == "daemonize":
        opts.daemonize_long = _DAEMONIZE.get("grandchild" if arg is None else arg, 0)
        if not opts.daemonize_long:
            raise UsageError(f"invalid --daemonize argument: '{arg}'", hint=True)
    elif opt in _UNSUPPORTED:
        raise UsageError(f"{_UNSUPPORTED[opt]} is not supported by aiotrace (see docs/cli.md)")
    else:  # pragma: no cover - every option letter is handled above
        raise UsageError(f"invalid option -- '{opt}'", hint=True)


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
                if opts.mode is None and (opts.argv or not opts.pids):
                    opts.mode = "run"   # (-p PID and a program: both traced, as strace does)
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
                if (c not in _SHORT_WITH_ARG and c not in "cCdDfFhiknqrtTvVwxyYzZA"
                        and c not in _UNSUPPORTED):
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
            if opts.pids:   # -p PID PROG: the program is run, PID attached, both traced
                opts.mode = "run"
                opts.argv = args[i - 1:]
                break
            raise UsageError(f"unknown command '{a}': use 'aiotrace run [OPTIONS] {a} ...' to "
                             "trace a program, or 'aiotrace attach PID' to trace a running "
                             "process", hint=True)
        if opts.mode == "run":
            opts.argv = args[i - 1:]
            break
        positional.append(a)
    if opts.help or opts.version:
        return opts
    if opts.timestamps:
        if opts.ts_long:
            raise UsageError("-t and --absolute-timestamps cannot be provided simultaneously")
        opts.ts_format = "unix" if opts.timestamps >= 3 else "time"
        opts.ts_width = 0 if opts.timestamps == 1 else 6
    if counts.get("q") and opts.quiet_set:
        raise UsageError("-q and -e quiet/--quiet cannot be provided simultaneously")
    if opts.columns is not None and opts.summary is None:
        raise UsageError("-U/--summary-columns must be given with (-c/--summary-only or "
                         "-C/--summary)", hint=True)
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
        if opts.probes:
            raise UsageError("--probe works with 'run' only for now: attach to the process "
                             "from Python with Process.probe() (docs/probes.md)")
    elif opts.mode == "run":
        if opts.pids and opts.probes:
            raise UsageError("--probe does not combine with -p PID: it probes the program "
                             "that 'run' starts")
        if not opts.argv:
            raise UsageError("must have PROG [ARGS] or -p PID", hint=True)
        if opts.detach_on_execve and (opts.follow or opts.pids):
            raise UsageError("-b execve works without -f and -p in aiotrace: it detaches the "
                             "program when it execs (aiotrace detaches a process with "
                             "every process it follows)")
    else:
        raise UsageError("must have PROG [ARGS] or -p PID", hint=True)
    if opts.daemonize_long:
        if opts.daemonize:
            raise UsageError("-D and --daemonize cannot be provided simultaneously")
        opts.daemonize = opts.daemonize_long
    if opts.daemonize:
        if opts.mode != "run":
            raise UsageError("-D/--daemonize needs PROG [ARGS]: the program to run (with -p "
                             "alone, aiotrace attaches; it starts nothing)", hint=True)
        if opts.daemonize > 3:
            raise UsageError(f"-D given {opts.daemonize} times: -D, -DD or -DDD (at most 3)",
                             hint=True)
        if opts.probes:
            raise UsageError("--probe does not combine with -D: it needs the program spawned "
                             "by aiotrace")
    if os.getpid() in opts.pids:   # (strace refuses it as it reads the option)
        raise UsageError(f"-p {os.getpid()} is aiotrace's own process: it cannot trace "
                         "itself (give the process id of another process)")
    if opts.output is not None and opts.output[:1] in ("|", "!") and opts.follow >= 2:
        raise UsageError("piping the output and -ff/--output-separately are mutually "
                         "exclusive", hint=True)
    if opts.follow >= 2 and opts.output is not None and opts.json:
        raise UsageError("--json does not combine with -ff -o FILE (one file per process)")
    if opts.paths and opts.summary is not None:
        raise UsageError("-P does not combine with -c/-C in aiotrace: the summary would count "
                         "every call (filter by name with -e trace= instead)")
    return opts


def _fd_set(value: str) -> tuple[bool, frozenset[int]] | None:
    """-e read=SET / write=SET: (negated, descriptors), or None for none."""
    body = value.lstrip("!")   # (strace: each leading '!' inverts what follows)
    neg = (len(value) - len(body)) % 2 == 1
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
