#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write aiotrace's system call table, ``aiotrace/_core/_systable.py``, again.

    .venv/bin/python scripts/syscall_table.py                  # rewrite the table
    .venv/bin/python scripts/syscall_table.py --check          # is it what this writes?
    .venv/bin/python scripts/syscall_table.py --unistd /usr/include/x86_64-linux-gnu

Where each field of a row comes from:

* The prototypes (the last field: argument names and C types, what ``ev.args.NAME``
  reads) come from python-ptrace's ``SYSCALL_PROTOTYPES`` (Linux 5.8), or from
  ``PROTOTYPES`` below for the calls it lacks or names badly. Do not edit them in the
  table: add or fix them here, then run this.
* Everything else is the table's own, kept as it is: edit the row in ``_systable.py``
  (a new decoder kind also needs its printer in ``aiotrace/_decode``), then run this to
  put the row in its place and check it.
* With ``--unistd DIR`` the numbers are checked against the kernel's uapi headers,
  ``DIR/asm/unistd_64.h``, ``unistd_32.h`` and ``unistd_x32.h`` (the linux-libc-dev
  package, or a kernel tree's ``usr/include`` after ``make headers_install``): a number
  that differs is an error, and a call the headers name that the table lacks gets a row,
  printed in hex until someone writes how to decode it. Calls newer than the headers are
  left alone.

The table was first made (Linux 6.18) from what aiotrace kept in six places: the numbers
of ``_core/_syscalls.py``, the argument names of python-ptrace and ``_core/_args.py``,
``_decode/_table.py``'s decoders and argument counts, ``_cli/_filter.py``'s classes (read
off strace 6.1 and checked by tests/cli/test_cli_args.py), ``engines/_paths.py``'s path
arguments and ``_cli/_dump.py``'s lists of calls whose data is dumped.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

TABLE = Path(__file__).resolve().parent.parent / "aiotrace" / "_core" / "_systable.py"

# Prototypes python-ptrace lacks (calls newer than Linux 5.8) or names badly (an argument
# without a name), as (C type, name) pairs. They win over python-ptrace's.
PROTOTYPES: dict[str, tuple[tuple[str, str], ...]] = {
    "openat2": (("int", "dirfd"), ("const char *", "pathname"), ("struct open_how *", "how"),
                ("size_t", "size")),
    "faccessat2": (("int", "dirfd"), ("const char *", "pathname"), ("int", "mode"),
                   ("int", "flags")),
    "close_range": (("unsigned int", "fd"), ("unsigned int", "max_fd"),
                    ("unsigned int", "flags")),
    "pidfd_open": (("pid_t", "pid"), ("unsigned int", "flags")),
    "clone3": (("struct clone_args *", "cl_args"), ("size_t", "size")),
    "execveat": (("int", "dirfd"), ("const char *", "pathname"),
                 ("const char *const *", "argv"), ("const char *const *", "envp"),
                 ("int", "flags")),
    "statx": (("int", "dirfd"), ("const char *", "pathname"), ("int", "flags"),
              ("unsigned int", "mask"), ("struct statx *", "statxbuf")),
    "fchmodat2": (("int", "dirfd"), ("const char *", "pathname"), ("umode_t", "mode"),
                  ("unsigned int", "flags")),
    "rt_sigaction": (("int", "signum"), ("const struct sigaction *", "act"),
                     ("struct sigaction *", "oldact"), ("size_t", "sigsetsize")),
    "ppoll": (("struct pollfd *", "fds"), ("unsigned int", "nfds"),
              ("struct timespec *", "tmo_p"), ("const sigset_t *", "sigmask"),
              ("size_t", "sigsetsize")),
}

HEADER = '''\
# SPDX-License-Identifier: GPL-2.0-or-later
"""aiotrace's table of system calls: what it knows about each one, in one row.

Written by scripts/syscall_table.py, which keeps the rows in order and checks them: edit a
row here, or a prototype there, then run it (``.venv/bin/python scripts/syscall_table.py``;
its docstring says where each field comes from). Read through ``aiotrace._core._syscalls``
(and the public ``aiotrace.syscalls``).

One row per system call, and one more where a call of that name is decoded otherwise in
another ABI (i386's ``stat``, whose structure is not x86-64's; x32's ``readv`` from 512 on).
Each row is one line, however long: one call a line, every row of the same shape. The
fields, in order:

* name;
* its numbers on x86-64, i386 and x32, "-" where that ABI has no such call (or where
  another row of the same name gives it);
* the number of arguments it takes (strace 6.1's count: on i386, of registers), or, for
  a call printed in hex, as many as are printed (for some of i386's own, not strace's);
* strace's classes it is in (``-e trace=%file``): file, process, network, signal, ipc,
  desc, memory, creds, clock, pure, stat, lstat, fstat, %stat (stat-like), statfs,
  fstatfs, %statfs (statfs-like) -- read off strace 6.1, later calls as later strace
  classes them;
* how each argument is decoded, one word each, by the name of one of ``aiotrace._decode``'s
  printers (``buf_in(2)``: its size is argument 2); fewer words than arguments: the rest
  are "-". Some words also say what the argument is: ``path`` (a file name the kernel
  looks up), ``target`` (a path stored as it is: symlink's), ``dirfd``, ``fd``, and the
  data moved through the descriptor of the first argument: ``data_in(2)``, ``data_out``,
  ``iov_in(2)``, ``iov_out(2)``, ``msghdr_in``, ``msghdr_out``, and on a socket
  ``sockbuf_in(2)``, ``sockbuf_out`` (netlink messages are decoded);
* how the return value is printed: "" a signed number, ``fd``, ``hex``, ``oct``,
  ``none`` (never returns)... or a printer of its own;
* the decoder: "" (the words above), ``raw`` (every argument in hex: not decoded yet), or
  a decoder of its own in ``aiotrace._decode`` (fcntl, ioctl...), for which the words only
  say which arguments are paths and descriptors ("-" for the others);
* the C prototype: argument types and names (python-ptrace's), for ``ev.args.NAME``.
"""

from __future__ import annotations

# name, numbers (x86-64 i386 x32), number of arguments, classes, argument kinds, return,
#     decoder, prototype
ROWS: tuple[tuple[str, str, int, str, str, str, str, str], ...] = (
'''

FOOTER = ")\n"


# -- reading ---------------------------------------------------------------------------------

# Here a row is (name, x86-64, i386, x32, nargs, classes, kinds, return, decoder, prototype),
# its numbers ints or None; in the table the three numbers are one string ("4 106 -").

def read_rows(path: Path = TABLE) -> list[tuple[Any, ...]]:
    """The rows of the table as it is (without importing aiotrace)."""
    space: dict[str, Any] = {}
    exec(compile(path.read_text(), str(path), "exec"), space)
    return [(r[0], *(None if n == "-" else int(n) for n in r[1].split()), *r[2:])
            for r in space["ROWS"]]


def prototype(name: str) -> str:
    """*name*'s C prototype, ``"int dirfd, const char *pathname"``; "" when unknown."""
    proto = PROTOTYPES.get(name)
    if proto is None:
        from ptrace.syscall.prototypes import SYSCALL_PROTOTYPES

        found = SYSCALL_PROTOTYPES.get(name)
        if found is None:
            return ""
        proto = found[1]
    parts = []
    for ctype, pname in proto:
        if not pname:
            sys.exit(f"{name}: an argument without a name ({ctype}): name it in PROTOTYPES")
        # (read back by _syscalls.Row.params: the type is up to the last "*", or the last
        # space when it has none)
        assert ("*" not in ctype or ctype.endswith("*")) and re.fullmatch(r"\w+", pname), (
            name, ctype, pname)
        parts.append(ctype + pname if ctype.endswith("*") else f"{ctype} {pname}")
    return ", ".join(parts)


def read_unistd(directory: Path) -> dict[str, dict[str, int]]:
    """ABI -> name -> number, from the kernel's uapi headers in *directory*."""
    out: dict[str, dict[str, int]] = {}
    for abi, header in (("x86_64", "unistd_64.h"), ("i386", "unistd_32.h"),
                        ("x32", "unistd_x32.h")):
        text = (directory / "asm" / header).read_text()
        table = out[abi] = {}
        for m in re.finditer(r"^#define __NR_(\w+)\s+(?:\(__X32_SYSCALL_BIT \+ )?(\d+)\)?",
                             text, re.M):
            table[m.group(1)] = int(m.group(2))
    return out


# -- checking ---------------------------------------------------------------------------------

ABIS = ("x86_64", "i386", "x32")
CLASSES = ("file", "process", "network", "signal", "ipc", "desc", "memory", "creds", "clock",
           "pure", "stat", "lstat", "fstat", "%stat", "statfs", "fstatfs", "%statfs")


def check(rows: list[tuple[Any, ...]]) -> list[str]:
    """What is wrong with *rows*: a number twice in one ABI, a call twice in one ABI, rows of
    one name that disagree on what holds for every ABI, an unknown class..."""
    errors = []
    seen: dict[tuple[str, int], str] = {}
    per_name: dict[str, list[tuple[Any, ...]]] = {}
    for r in rows:
        name, numbers, nargs, classes, kinds, ret, decoder = r[0], r[1:4], *r[4:9]
        per_name.setdefault(name, []).append(r)
        if all(n is None for n in numbers):
            errors.append(f"{name}: a row without a number")
        for abi, nr in zip(ABIS, numbers, strict=True):
            if nr is not None:
                other = seen.setdefault((abi, nr), name)
                if other != name:
                    errors.append(f"{abi} {nr}: both {other} and {name}")
        for cls in classes.split():
            if cls not in CLASSES:
                errors.append(f"{name}: unknown class {cls!r}")
        if len(kinds.split()) > nargs:
            errors.append(f"{name}: more argument kinds than its {nargs} arguments")
        if decoder and ret:
            errors.append(f"{name}: a decoder of its own prints the return value too")
    for name, got in per_name.items():
        for abi_i, abi in enumerate(ABIS):
            if sum(r[1 + abi_i] is not None for r in got) > 1:
                errors.append(f"{name}: two rows for {abi}")
        if len({(r[5], r[9]) for r in got}) > 1:
            errors.append(f"{name}: its rows differ in classes or prototype")
    return errors


# -- writing ---------------------------------------------------------------------------------

def _order(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """By x86-64 number (i386 calls of their own after, by number), each call's other rows
    after its first."""
    first: dict[str, tuple[int, int]] = {}
    for r in rows:
        place = (0, r[1]) if r[1] is not None else (1, r[2]) if r[2] is not None else (2, r[3])
        first[r[0]] = min(first.get(r[0], place), place)

    def key(r: tuple[Any, ...]) -> tuple[Any, ...]:
        abi = next(i for i in range(3) if r[1 + i] is not None)
        return (first[r[0]], r[0], abi)

    return sorted(rows, key=key)


def render_row(r: tuple[Any, ...]) -> str:
    numbers = " ".join("-" if n is None else str(n) for n in r[1:4])
    fields = [r[0], numbers, r[4], *r[5:9]]
    head = ", ".join('"%s"' % v if isinstance(v, str) else repr(v) for v in fields)
    return '    (%s, "%s"),' % (head, r[9])


def render(rows: list[tuple[Any, ...]]) -> str:
    return HEADER + "\n".join(render_row(r) for r in _order(rows)) + "\n" + FOOTER


def refresh(rows: list[tuple[Any, ...]], unistd: Path | None) -> list[tuple[Any, ...]]:
    """*rows* with their prototypes made again, and checked against the headers."""
    out = [r[:9] + (prototype(r[0]),) for r in rows]
    if unistd is None:
        return out
    headers = read_unistd(unistd)
    known = {(abi, r[0]): r[1 + i] for r in out for i, abi in enumerate(ABIS)
             if r[1 + i] is not None}
    errors = []
    new: dict[str, list[Any]] = {}
    for i, abi in enumerate(ABIS):
        for name, nr in headers[abi].items():
            had = known.get((abi, name))
            if had is None:
                numbers = new.setdefault(name, [None, None, None])
                numbers[i] = nr
            elif had != nr:
                errors.append(f"{abi} {name}: {had} in the table, {nr} in the headers")
    if errors:
        sys.exit("\n".join(errors))
    names = {r[0] for r in out}
    for name, numbers in new.items():
        if name in names:
            sys.exit(f"{name}: the headers have it in an ABI the table does not: add it to "
                     "its row by hand")
        proto = prototype(name)
        nargs = len(proto.split(", ")) if proto else 6
        out.append((name, *numbers, nargs, "", "", "", "raw", proto))
        print(f"new: {name} {numbers}", file=sys.stderr)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the table is not what this writes")
    parser.add_argument("--unistd", type=Path, metavar="DIR",
                        help="check the numbers against DIR/asm/unistd_{64,32,x32}.h")
    opts = parser.parse_args()
    rows = refresh(read_rows(), opts.unistd)
    errors = check(rows)
    if errors:
        print("\n".join(errors), file=sys.stderr)
        return 1
    text = render(rows)
    if opts.check:
        if TABLE.read_text() != text:
            print(f"{TABLE} is not what scripts/syscall_table.py writes: run it",
                  file=sys.stderr)
            return 1
        return 0
    TABLE.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
