#!/usr/bin/env python3
"""A stand-in for ``$STRACE`` in strace's test suite: strace's command line, run by
``aiotrace run``.

    standin.py AIOTRACE_CMD... -- STRACE_ARGS...

``STRACE_ARGS`` is read the way strace 6.1's getopt reads it (options first, ``+``: the
first word that is not an option, or the word after ``--``, is the program). With a
program, it runs ``AIOTRACE_CMD run OPTIONS -- PROG ARGS``; without one (``-V``, ``-h``,
``-p PID``, a command line strace refuses), ``AIOTRACE_CMD OPTIONS``. The options are
passed as they are, in their order, unknown ones included, so that what aiotrace does not
support fails as it should. Nothing else is changed: not the environment, not the file
descriptors (tests hand the tracer descriptors such as 3), not the messages.

The harness (run.py) writes a small shell script that runs this file with AIOTRACE_CMD
filled in; that script is the ``$STRACE`` of the tests. When AIOTRACE_CMD is aiotrace's
console script, the harness writes instead a Python script (the console script's
interpreter) that runs aiotrace in its own process (``in_process``): aiotrace's messages
then begin with ``$STRACE``, the name the test invoked, as strace's do.
"""

from __future__ import annotations

import os
import sys

# strace 6.1's options that take an argument (src/strace.c: the optstring
# "+a:Ab:cCdDe:E:fFhiI:kno:O:p:P:qrs:S:tTu:U:vVwxX:yYzZ", and the long options declared
# with required_argument; optional arguments are only ever attached with '=').
SHORT_WITH_ARG = frozenset("abeEIoOpPsSuUX")
LONG_REQUIRED = frozenset({
    "columns", "detach-on", "env", "interruptible", "output", "summary-syscall-overhead",
    "attach", "trace-path", "string-limit", "summary-sort-by", "user", "summary-columns",
    "const-print-style", "trace", "abbrev", "verbose", "raw", "signals", "status", "read",
    "write", "fault", "inject", "kvm", "decode-pids",
})
LONG_OTHER = frozenset({
    "output-append-mode", "summary-only", "summary", "debug", "daemonize", "daemonised",
    "daemonized", "follow-forks", "output-separately", "help", "instruction-pointer",
    "stack-traces", "syscall-number", "relative-timestamps", "absolute-timestamps",
    "timestamps", "syscall-times", "no-abbrev", "version", "summary-wall-clock",
    "strings-in-hex", "pidns-translation", "successful-only", "failed-only",
    "failing-only", "seccomp-bpf", "tips", "quiet", "silent", "silence", "decode-fds",
    "secontext",
})
LONG_ALL = LONG_REQUIRED | LONG_OTHER


def _long_takes_arg(word: str) -> bool:
    """Whether the long option *word* (``--name``, without ``=``) takes the next word as
    its argument, as getopt_long decides it (an unambiguous prefix is the option)."""
    name = word[2:]
    if name in LONG_ALL:
        return name in LONG_REQUIRED
    matches = [n for n in LONG_ALL if n.startswith(name)]
    return len(matches) == 1 and matches[0] in LONG_REQUIRED


def split(args: list[str]) -> tuple[list[str], list[str]]:
    """strace's *args* as (options, program and its arguments)."""
    i, n = 0, len(args)
    while i < n:
        a = args[i]
        if a == "--":
            return args[:i], args[i + 1:]
        if a.startswith("--"):
            i += 1
            if "=" not in a and _long_takes_arg(a):
                i += 1
            continue
        if a.startswith("-") and a != "-":
            i += 1
            for j in range(1, len(a)):
                if a[j] in SHORT_WITH_ARG:
                    if j == len(a) - 1:
                        i += 1   # the argument is the next word
                    break
            continue
        return args[:i], args[i:]   # the program ('+': options end at the first word)
    return args[:min(i, n)], []


def command(aiotrace: list[str], args: list[str]) -> list[str]:
    """The aiotrace command line for strace's *args*."""
    options, program = split(args)
    if program:
        return [*aiotrace, "run", *options, "--", *program]
    return [*aiotrace, *options]


def in_process() -> None:
    """The stand-in as aiotrace's own command, in this process: the harness writes
    ``$STRACE`` as a script of the Python of aiotrace's console script that calls this,
    so that aiotrace's messages begin with the name the test invoked it by
    (``$STRACE: exec: Permission denied``), as strace's begin with its argv[0]."""
    sys.argv[1:] = command([], sys.argv[1:])
    from aiotrace._cli import main as aiotrace_main
    sys.exit(aiotrace_main())


def main() -> None:
    argv = sys.argv[1:]
    try:
        cut = argv.index("--")
    except ValueError:
        sys.stderr.write("usage: standin.py AIOTRACE_CMD... -- STRACE_ARGS...\n")
        sys.exit(2)
    cmd = command(argv[:cut], argv[cut + 1:])
    try:
        os.execvp(cmd[0], cmd)
    except OSError as exc:
        sys.stderr.write(f"standin.py: cannot run {cmd[0]}: {exc.strerror}\n")
        sys.exit(127)


if __name__ == "__main__":
    main()
