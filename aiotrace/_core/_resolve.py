"""Where a probe's spec points in a process: its functions' addresses, checked (see
_symbols for the reading of maps and ELF files, and docs/probes.md for the specs)."""

from __future__ import annotations

import os

from . import _symbols


class ProbeFailure(Exception):
    """A probe cannot be placed (the message says why and what to do); the loop side
    raises it as ``aiotrace.ProbeError``."""


def resolve(spec: _symbols.Spec, pid: int, mods: list[_symbols.Module],
            strict: bool) -> list[_symbols.Target]:
    """Where *spec* points in process *pid*, whose objects are *mods*. With *strict*, a
    ProbeFailure when it names nothing (a symbol only in a library not loaded yet is not
    an error: it is armed when the library comes)."""
    text = _spec_text(spec)
    if spec.address is not None:
        return [_address_target(spec.address, pid, mods, strict, text)]
    assert spec.symbol is not None
    exe = mods[0] if mods else None
    if spec.module is not None:
        wanted = {spec.module}
        if "/" in spec.module:
            wanted.add(os.path.realpath(spec.module))
        chosen = [m for m in mods if any(
            _symbols.module_matches(w, m.names(), m is exe) for w in wanted)]
    else:
        chosen = list(mods)
    out: list[_symbols.Target] = []
    for m in chosen:
        for name in _symbols.symbols_matching(m.image, spec.symbol):
            value = m.image.functions[name][0]
            sym = name if not spec.offset else f"{name}+{spec.offset:#x}"
            out.append(_symbols.Target(m.bias + value + spec.offset, m.path, sym))
    if out or not strict:
        return out
    # nothing now: is it in a library the process will load?
    later = _later_library(spec, pid, exe, mods)
    if later is not None:
        return []
    where = ", ".join(m.name for m in chosen) or "no mapped object"
    if spec.module is not None and not chosen:
        raise ProbeFailure(
            f"probe {text!r}: process {pid} has no library {spec.module!r} mapped, and no "
            "file of that name is on its library path: check the name (a file name such as "
            "libc.so.6, a soname, or a path; the program itself is its file name)")
    raise ProbeFailure(f"probe {text!r}: no function {spec.symbol!r} in {where} (process "
                       f"{pid}): check the name (nm -D FILE lists a library's functions)")


def _later_library(spec: _symbols.Spec, pid: int, exe: _symbols.Module | None,
                   mods: list[_symbols.Module]) -> str | None:
    """The file of a library not mapped yet in which *spec* names a function: the one it
    names (found as the dynamic linker would), or, without a module, one the program
    needs; None if there is none. A ProbeFailure if the named library lacks the symbol."""
    assert spec.symbol is not None
    img = exe.image if exe is not None else None
    mapped = {m.path for m in mods} | {m.name for m in mods}
    if spec.module is not None:
        if spec.is_glob:
            return None
        path = _symbols.find_library(spec.module, pid, img)
        if path is None:
            return None
        try:
            lib = _symbols.image(path, pid)
        except (OSError, ValueError) as exc:
            raise ProbeFailure(f"probe {_spec_text(spec)!r}: cannot read {path}: {exc}") from None
        if not _symbols.symbols_matching(lib, spec.symbol):
            raise ProbeFailure(f"probe {_spec_text(spec)!r}: no function {spec.symbol!r} in "
                               f"{path}: check the name (nm -D {path} lists them)")
        return path
    for name in (img.needed if img is not None else []):
        if name in mapped:
            continue
        path = _symbols.find_library(name, pid, img)
        if path is None:
            continue
        try:
            if _symbols.symbols_matching(_symbols.image(path, pid), spec.symbol):
                return path
        except (OSError, ValueError):
            continue
    return None


def _address_target(addr: int, pid: int, mods: list[_symbols.Module], strict: bool,
                    text: str) -> _symbols.Target:
    regions = _symbols.read_maps(pid)
    for r in regions:
        if r.start <= addr < r.end and r.executable:
            f = _symbols.symbolize(_symbols.AddressMap(mods), addr)
            sym = f"{f.symbol}+{f.offset:#x}" if f.symbol and f.offset else f.symbol
            return _symbols.Target(addr, f.module or r.path, sym)
    raise ProbeFailure(f"probe {text!r}: {addr:#x} is not in an executable mapping of "
                       f"process {pid} (see /proc/{pid}/maps)")


def _spec_text(spec: _symbols.Spec) -> str:
    if spec.address is not None:
        return hex(spec.address)
    off = f"+{spec.offset:#x}" if spec.offset else ""
    return f"{spec.module + ':' if spec.module else ''}{spec.symbol}{off}"


__all__ = ["ProbeFailure", "resolve"]
