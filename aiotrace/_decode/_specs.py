# SPDX-License-Identifier: GPL-2.0-or-later
"""How each call is printed, per ABI: the syscall table's words made into ``Spec`` objects.

A row of the table (``aiotrace._core._systable``) names a printer per argument (``fd``,
``path``, ``buf_in(2)``: a kind that takes the index of another argument), one for the
return value, or a decoder of its own (``fcntl``); the modules here map those names to
functions, each in a ``KINDS``, ``FACTORIES``, ``RETURNS`` or ``DECODERS`` dict next to the
printers (``_kinds``: the common ones; ``_files``, ``_process``, ``_waiting``, ``_misc*``:
a family of calls' own; ``_compat``: i386's). On i386 a row that is x86-64's too prints its longs as
32 bits (the registers are). The specs of an ABI are made when it is first decoded.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from .._core._syscalls import ABI_CODES, ABI_I386, ABI_X86_64, any_row, row, rows
from . import (_compat, _files, _io_uring, _kinds, _misc, _misc_aio, _misc_fs, _misc_ipc,
               _misc_proc, _misc_quota, _misc_uffd, _mmsg, _pids, _prctl, _process, _sockopt,
               _waiting)
from . import _io_uring_register, _misc_bpf, _misc_keyctl, _misc_perf, _misc_ptrace
from . import _misc_args, _misc_caps, _misc_fanotify, _misc_landlock, _misc_ldt, _misc_sys
from ._kinds import INT, UINT, Kind, RetFn, Spec

_MODULES = (_kinds, _files, _process, _waiting, _compat, _pids, _prctl, _misc, _misc_aio,
            _misc_fs, _misc_ipc, _misc_proc, _misc_quota, _misc_uffd, _sockopt, _mmsg,
            _io_uring, _io_uring_register, _misc_keyctl,
            _misc_ptrace, _misc_bpf, _misc_perf,
            _misc_sys, _misc_landlock, _misc_fanotify, _misc_caps, _misc_ldt, _misc_args)
_WORD = re.compile(r"(\w+)\((\d)\)")
_specs: dict[str, dict[str, Spec]] = {}


def _merged(what: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for module in _MODULES:
        for name, value in getattr(module, what, {}).items():
            assert name not in out, f"{name} is in two {what}"
            out[name] = value
    return out


def _made(abi: str) -> dict[str, Spec]:
    """The specs of every call of *abi* that is decoded (not printed in hex), by name."""
    code = ABI_CODES[abi]
    kinds: dict[str, Kind] = _merged("KINDS")
    factories: dict[str, Callable[[int], Kind]] = _merged("FACTORIES")
    returns: dict[str, RetFn] = _merged("RETURNS")
    decoders: dict[str, Spec] = _merged("DECODERS")
    narrowed = {"long": INT, "ulong": UINT}

    def kind(word: str, narrow: bool) -> Kind:
        got = narrowed.get(word) if narrow else None
        if got is None:
            got = kinds.get(word)
        if got is None:
            m = _WORD.fullmatch(word)
            if m is None or m.group(1) not in factories:
                raise KeyError(f"no printer for the argument kind {word!r}")
            got = kinds[word] = factories[m.group(1)](int(m.group(2)))
        return got

    out: dict[str, Spec] = {}
    for name, got in rows().items():
        for r in got:
            if r.nr(code) is None or r.decoder == "raw":
                continue
            if r.decoder:
                out[name] = decoders[r.decoder]
            else:
                narrow = code == ABI_I386 and r.numbers[ABI_X86_64] is not None
                out[name] = Spec(tuple(kind(w, narrow) for w in r.kinds.split()),
                                 returns[r.ret])
    return out


def spec(name: str, abi: str = "x86_64") -> Spec | None:
    """How call *name* of *abi* is printed; None: every argument in hex (see nargs)."""
    table = _specs.get(abi)
    if table is None:
        table = _specs[abi] = _made(abi)
    return table.get(name)


def decoded(abi: str = "x86_64") -> frozenset[str]:
    """The calls of *abi* that are decoded."""
    spec("", abi)
    return frozenset(_specs[abi])


def nargs(name: str, abi: str = "x86_64") -> int:
    """How many arguments of call *name* of *abi* to print when it is not decoded (6 for
    a call no ABI has)."""
    r = row(name, ABI_CODES[abi]) or any_row(name)
    return 6 if r is None else r.nargs
