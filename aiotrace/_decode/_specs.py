# SPDX-License-Identifier: GPL-2.0-or-later
"""How each call is printed, per ABI: the syscall table's words made into ``Spec`` objects.

A row of the table (``aiotrace._core._systable``) names a printer per argument (``fd``,
``path``, ``buf_in(2)``: a kind that takes the index of another argument), one for the
return value, or a decoder of its own (``fcntl``); the modules here map those names to
functions, each in a ``KINDS``, ``FACTORIES``, ``RETURNS`` or ``DECODERS`` dict next to the
printers (``_kinds``: the common ones; ``_files``, ``_process``, ``_waiting``, ``_misc*``:
a family of calls' own; ``_compat``: i386's). On i386 a row that is x86-64's too prints its longs as
32 bits (the registers are). A call's spec is made when it is first decoded, and the
modules of its printers imported then.
"""

from __future__ import annotations

import importlib
import re
import threading
from types import ModuleType
from typing import Any

from .._core._syscalls import ABI_CODES, ABI_I386, ABI_X86_64, any_row, row, rows
from ._kinds import INT, UINT, Kind, Spec

# The modules of printers, by name: each is imported when a row first needs a name that
# the modules before it do not have (start-up time, issue 24: ``aiotrace run -- true``
# imports the first few only). A new family of calls: a module of its own here, most
# used first; a new printer: in its module's dict, nothing to add here.
_MODULES = ("_kinds", "_files", "_process", "_waiting", "_compat", "_pids", "_prctl",
            "_misc", "_misc_aio", "_misc_fs", "_misc_ipc", "_misc_proc", "_misc_quota",
            "_misc_uffd", "_sockopt", "_mmsg", "_io_uring", "_io_uring_register",
            "_misc_keyctl", "_misc_ptrace", "_misc_bpf", "_misc_perf",
            "_misc_sys", "_misc_landlock", "_misc_fanotify", "_misc_caps", "_misc_ldt",
            "_misc_args")
_WHAT = ("KINDS", "FACTORIES", "RETURNS", "DECODERS")
_WORD = re.compile(r"(\w+)\((\d)\)")
_NARROWED = {"long": INT, "ulong": UINT}
_loading = threading.Lock()   # (held by _load_next's callers)
_loaded: list[ModuleType] = []
_names: dict[str, dict[str, Any]] = {what: {} for what in _WHAT}   # what -> name -> value
_made_kinds: dict[str, Kind] = {}   # factories' kinds: "buf_in(2)"...
_specs: dict[str, dict[str, Spec | None]] = {}   # abi -> name -> spec (None: in hex)


def _load_next() -> bool:
    """Import the next module of _MODULES and take its names; False when all are."""
    if len(_loaded) == len(_MODULES):
        return False
    module = importlib.import_module("." + _MODULES[len(_loaded)], __package__)
    _loaded.append(module)
    for what in _WHAT:
        names = _names[what]
        for name, value in getattr(module, what, {}).items():
            assert name not in names, f"{name} is in two {what}"
            names[name] = value
    return True


def _named(what: str, name: str) -> Any:
    """The printer *name* of the dicts *what* of _MODULES, imported as far as needed."""
    names = _names[what]
    if name not in names:
        with _loading:   # (the loop's thread and the tracer's may decode at once)
            while name not in names:
                if not _load_next():
                    raise KeyError(f"no {what} has {name!r}")
    return names[name]


def _kind(word: str, narrow: bool) -> Kind:
    got = _NARROWED.get(word) if narrow else None
    if got is None:
        got = _made_kinds.get(word)
    if got is None:
        m = _WORD.fullmatch(word)
        if m is None:
            got = _named("KINDS", word)
        else:   # (a factory's kinds are made once each)
            factory = _named("FACTORIES", m.group(1))
            got = _made_kinds[word] = factory(int(m.group(2)))
    return got


def _made(name: str, code: int) -> Spec | None:
    """The spec of call *name* of ABI *code*, None when it is not decoded."""
    out: Spec | None = None
    for r in rows().get(name, ()):
        if r.nr(code) is None or r.decoder == "raw":
            continue
        if r.decoder:
            out = _named("DECODERS", r.decoder)
        else:
            narrow = code == ABI_I386 and r.numbers[ABI_X86_64] is not None
            out = Spec(tuple(_kind(w, narrow) for w in r.kinds.split()),
                       _named("RETURNS", r.ret))
    return out


def spec(name: str, abi: str = "x86_64") -> Spec | None:
    """How call *name* of *abi* is printed; None: every argument in hex (see nargs). Made
    when first asked for, with the modules of its printers."""
    table = _specs.get(abi)
    if table is None:
        table = _specs[abi] = {}
    try:
        return table[name]
    except KeyError:
        got = table[name] = _made(name, ABI_CODES[abi])
        return got


def decoded(abi: str = "x86_64") -> frozenset[str]:
    """The calls of *abi* that are decoded (every module of printers imported)."""
    with _loading:
        while _load_next():
            pass
    return frozenset(name for name in rows() if spec(name, abi) is not None)


def nargs(name: str, abi: str = "x86_64") -> int:
    """How many arguments of call *name* of *abi* to print when it is not decoded (6 for
    a call no ABI has)."""
    r = row(name, ABI_CODES[abi]) or any_row(name)
    return 6 if r is None else r.nargs
