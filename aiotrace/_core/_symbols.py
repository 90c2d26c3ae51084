"""Symbols: what is mapped where in a process, and which function an address is in.

Pure reading, on any thread: ``/proc/PID/maps`` and the ELF files it names. Nothing here
touches a tracee's registers or stops it. What this depends on:

* ``/proc/PID/maps`` lists every mapping with its file offset; an ELF object (the
  program, the dynamic linker, each shared library) is mapped as several mappings of one
  file, one per ``PT_LOAD`` segment. A segment of file offset ``p_offset`` is loaded at
  ``p_vaddr + bias``; the *bias* is 0 for a fixed-address (``ET_EXEC``) program and the
  load address for a PIE or a library (``ET_DYN``). So a symbol's run-time address is
  ``st_value + bias``, and the bias is read off any mapping of the file: its start minus
  the virtual address of its file offset.
* Function symbols are in ``.symtab`` (absent from stripped files, such as Debian's
  libraries) and ``.dynsym`` (what a library exports, always there). Both are read, with
  ``.symtab`` first; each is an array of ``Elf64_Sym`` that is read here with ``struct``
  (pyelftools makes an object per symbol: 40 times slower for a large table).
* A library that is not mapped yet (loaded later, at start-up or by ``dlopen``) is found
  the way the dynamic linker finds it: the program's ``DT_RPATH``/``DT_RUNPATH``, the
  process's ``LD_LIBRARY_PATH``, then the system directories.

pyelftools reads the ELF headers; it is part of the ``probes`` extra, and what needs it
says so with :func:`need` when it is missing.
"""

from __future__ import annotations

import bisect
import fnmatch
import mmap
import os
import struct
import threading
from typing import Any, NamedTuple

EXTRA = ("probes, symbols and stack traces need the 'probes' extra (pyelftools and capstone):"
         " pip install 'aiotrace[probes]'")


def need(module: str) -> Any:
    """Import *module* of the ``probes`` extra, or raise ImportError saying what to
    install."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"{EXTRA} ({exc})") from None


class Region(NamedTuple):
    """One line of ``/proc/PID/maps``."""

    start: int
    end: int
    perms: str      # "r-xp"
    offset: int
    inode: int
    path: str       # "" for an anonymous mapping; "[vdso]", "[stack]"...

    @property
    def executable(self) -> bool:
        return self.perms[2] == "x"


def parse_maps(text: str) -> list[Region]:
    """The regions of a ``/proc/PID/maps`` text (pure)."""
    out = []
    for line in text.splitlines():
        parts = line.split(None, 5)
        if len(parts) < 5:
            continue
        lo, _, hi = parts[0].partition("-")
        path = parts[5] if len(parts) > 5 else ""
        out.append(Region(int(lo, 16), int(hi, 16), parts[1], int(parts[2], 16),
                          int(parts[4]), path))
    return out


def read_maps(pid: int) -> list[Region]:
    """The mappings of process *pid* (ProcessLookupError once it is gone)."""
    try:
        with open(f"/proc/{pid}/maps") as f:
            return parse_maps(f.read())
    except FileNotFoundError:
        raise ProcessLookupError(f"no process {pid}") from None


class Segment(NamedTuple):
    vaddr: int
    offset: int
    filesz: int
    memsz: int
    flags: int      # PF_X 1, PF_W 2, PF_R 4


_SYM = struct.Struct("<IBBHQQ")   # Elf64_Sym: name, info, other, shndx, value, size
_STT_FUNC, _STT_GNU_IFUNC = 2, 10
_SHN_UNDEF = 0
_PT_LOAD = "PT_LOAD"


class Image:
    """What aiotrace reads of one ELF file: its loadable segments, its function symbols
    (both tables, by name and by address), its dynamic section's names, and where its
    unwinding tables are. Made once per file (see :func:`image`); read-only after."""

    def __init__(self, path: str, data: Any) -> None:
        elftools = need("elftools.elf.elffile")
        self.path = path
        self.data = data   # (the file, mapped: bytes are read where they are needed)
        self.frame_table: Any = None   # its call frame information, once read (_unwind)
        elf = elftools.ELFFile(data)
        if elf.elfclass != 64 or elf["e_machine"] != "EM_X86_64":
            raise ValueError(f"{path} is not an x86-64 ELF file")
        self.pie = elf["e_type"] == "ET_DYN"
        self.segments = [
            Segment(s["p_vaddr"], s["p_offset"], s["p_filesz"], s["p_memsz"], s["p_flags"])
            for s in elf.iter_segments() if s["p_type"] == _PT_LOAD]
        self.soname = ""
        self.needed: list[str] = []
        self.runpath: list[str] = []
        self.interp = ""
        self.sections: dict[str, tuple[int, int, int]] = {}   # name -> (addr, offset, size)
        tables = []
        for sec in elf.iter_sections():
            self.sections[sec.name] = (sec["sh_addr"], sec["sh_offset"], sec["sh_size"])
            if sec["sh_type"] in ("SHT_SYMTAB", "SHT_DYNSYM"):
                link = elf.get_section(sec["sh_link"])
                tables.append((sec.name, sec["sh_offset"], sec["sh_size"], link["sh_offset"]))
            elif sec["sh_type"] == "SHT_DYNAMIC":
                for tag in sec.iter_tags():
                    t = tag.entry.d_tag
                    if t == "DT_SONAME":
                        self.soname = tag.soname
                    elif t == "DT_NEEDED":
                        self.needed.append(tag.needed)
                    elif t == "DT_RUNPATH":
                        self.runpath += tag.runpath.split(":")
                    elif t == "DT_RPATH":
                        self.runpath += tag.rpath.split(":")
            elif sec["sh_type"] == "SHT_PROGBITS" and sec.name == ".interp":
                self.interp = sec.data().rstrip(b"\0").decode(errors="replace")
        # name -> (value, size); .symtab first (it has the static functions too)
        self.functions: dict[str, tuple[int, int]] = {}
        tables.sort(key=lambda t: t[0] != ".symtab")
        for _, off, size, stroff in tables:
            self._read_symbols(off, size, stroff)
        by_addr = sorted((v, s, n) for n, (v, s) in self.functions.items() if v)
        self._starts = [v for v, _, _ in by_addr]
        self._by_addr = by_addr

    def _read_symbols(self, off: int, size: int, stroff: int) -> None:
        data = self.data
        funcs = self.functions
        for name_off, info, _, shndx, value, sz in _SYM.iter_unpack(data[off:off + size]):
            if shndx == _SHN_UNDEF or (info & 0xF) not in (_STT_FUNC, _STT_GNU_IFUNC):
                continue
            end = data.find(b"\0", stroff + name_off)
            name = data[stroff + name_off:end].decode(errors="replace")
            if name and name not in funcs:
                funcs[name] = (value, sz)

    def symbol_at(self, vaddr: int) -> tuple[str, int] | None:
        """The function that contains file address *vaddr*, and the offset in it (a
        symbol of size 0, as assembly often leaves them, contains what follows it up to
        the next symbol)."""
        i = bisect.bisect_right(self._starts, vaddr) - 1
        if i < 0:
            return None
        value, size, name = self._by_addr[i]
        if size and vaddr >= value + size:
            return None
        return name, vaddr - value

    def section(self, name: str) -> tuple[int, bytes] | None:
        """(address, contents) of section *name*, or None."""
        got = self.sections.get(name)
        if got is None:
            return None
        addr, off, size = got
        return addr, self.data[off:off + size]


_images: dict[tuple[int, int, int, int], Image] = {}
_images_lock = threading.Lock()


def image(path: str, pid: int | None = None) -> Image:
    """The ELF file *path* (as the process *pid* sees it, when given: through
    ``/proc/PID/root`` if it is not at that path here), read once per file version.
    OSError when it cannot be read, ValueError when it is not an x86-64 ELF file."""
    candidates = [path]
    if pid is not None:
        candidates.append(f"/proc/{pid}/root{path}")
    err: OSError | None = None
    for p in candidates:
        try:
            st = os.stat(p)
        except OSError as exc:
            err = err or exc
            continue
        key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        with _images_lock:
            got = _images.get(key)
        if got is not None:
            return got
        try:
            with open(p, "rb") as f:
                data: Any = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except ValueError:   # (an empty file)
            data = b""
        try:
            img = Image(path, data)
        except ImportError:
            raise
        except Exception as exc:   # (pyelftools raises its own errors on a bad file)
            raise ValueError(f"{path}: not an ELF file aiotrace can read ({exc})") from None
        with _images_lock:
            _images[key] = img
        return img
    assert err is not None
    raise err


class Module(NamedTuple):
    """An ELF object mapped in a process: its file, the bias of its addresses, and the
    address ranges of its mappings (other objects may be mapped in the gaps between)."""

    path: str
    image: Image
    bias: int
    ranges: tuple[tuple[int, int], ...]

    @property
    def name(self) -> str:
        return os.path.basename(self.path)

    @property
    def start(self) -> int:
        return self.ranges[0][0]

    @property
    def end(self) -> int:
        return self.ranges[-1][1]

    def names(self) -> tuple[str, ...]:
        """What a probe may call it: its path, its file name, its soname."""
        return (self.path, self.name, self.image.soname)


def modules(pid: int, regions: list[Region] | None = None) -> list[Module]:
    """Every ELF object mapped in *pid*, the program first (read from its maps, or from
    *regions*). Files that cannot be read are left out."""
    regions = read_maps(pid) if regions is None else regions
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        exe = ""
    seen: dict[tuple[int, str], list[Region]] = {}
    for r in regions:
        if r.inode and r.path.startswith("/"):
            seen.setdefault((r.inode, r.path), []).append(r)
    out = []
    for (_, path), regs in seen.items():
        clean = path[:-10] if path.endswith(" (deleted)") else path
        try:
            img = image(clean, pid)
        except (OSError, ValueError):
            continue
        bias = _bias(img, regs)
        if bias is None:
            continue
        out.append(Module(clean, img, bias, tuple(sorted((r.start, r.end) for r in regs))))
    out.sort(key=lambda m: (m.path != exe, m.start))
    return out


def _bias(img: Image, regions: list[Region]) -> int | None:
    """The load bias of *img*, from one of its mappings: the mapping's start minus the
    (page-aligned) virtual address of its file offset."""
    for r in regions:
        for s in img.segments:
            lo = s.offset & ~0xFFF
            if lo <= r.offset < s.offset + max(s.filesz, 1):
                return r.start - ((s.vaddr & ~0xFFF) + (r.offset - lo))
    return None


class AddressMap:
    """Which module an address is in, by binary search over the modules' ranges."""

    def __init__(self, mods: list[Module]) -> None:
        self.modules = mods
        spans = sorted((lo, hi, m) for m in mods for lo, hi in m.ranges)
        self._starts = [lo for lo, _, _ in spans]
        self._spans = spans

    def find(self, addr: int) -> Module | None:
        i = bisect.bisect_right(self._starts, addr) - 1
        if i >= 0:
            _, hi, m = self._spans[i]
            if addr < hi:
                return m
        return None


class Frame(NamedTuple):
    """One frame of a stack trace: the address, and, when known, the module, the
    function and the offset in it (``libc.so.6(malloc+0x14)``), and the address as an
    offset in the module's file (what strace -k prints in brackets)."""

    address: int
    module: str = ""
    symbol: str = ""
    offset: int = 0
    module_offset: int = 0

    def __str__(self) -> str:
        if not self.module:
            return f"[{self.address:#x}]"
        if not self.symbol:
            return f"{self.module}(+{self.module_offset:#x}) [{self.address:#x}]"
        return f"{self.module}({self.symbol}+{self.offset:#x}) [{self.address:#x}]"


def symbolize(amap: AddressMap, addr: int, caller: bool = False) -> Frame:
    """*addr* as a frame: its module, function and offset. *caller*: *addr* is a return
    address, which points after its call: the function is the one that holds addr-1
    (a call at the very end of a function returns to the next one's first byte)."""
    look = addr - 1 if caller else addr
    m = amap.find(look)
    if m is None:
        return Frame(addr)
    vaddr = addr - m.bias
    file_off = vaddr
    for seg in m.image.segments:
        if seg.vaddr <= vaddr < seg.vaddr + seg.memsz:
            file_off = vaddr - seg.vaddr + seg.offset
            break
    got = m.image.symbol_at(look - m.bias)
    if got is None:
        return Frame(addr, m.path, "", 0, file_off)
    return Frame(addr, m.path, got[0], got[1] + (addr - look), file_off)


# -- probe specifications ---------------------------------------------------------------


class Target(NamedTuple):
    """A resolved probe point: its address in the process, and what it is."""

    address: int
    module: str
    symbol: str     # "malloc", "main+0x4", or "" for a bare address


class Spec(NamedTuple):
    """A parsed probe specification: ``[MODULE:]SYMBOL[+OFFSET]`` (globs allowed in both
    parts), or an absolute address."""

    module: str | None
    symbol: str | None
    offset: int
    address: int | None

    @property
    def is_glob(self) -> bool:
        return any(c in (self.symbol or "") + (self.module or "") for c in "*?[")


def parse_spec(spec: str | int) -> Spec:
    """``"libc.so.6:malloc"``, ``"prog:main"``, ``"main+0x10"``, ``"*:str*"``,
    ``"0x401136"`` or an int: a Spec, or ValueError saying what is accepted."""
    if isinstance(spec, int) and not isinstance(spec, bool):
        if not 0 < spec < 1 << 64:
            raise ValueError(f"probe address {spec:#x} is out of range")
        return Spec(None, None, 0, spec)
    if not isinstance(spec, str):
        raise TypeError(f"a probe is a string such as 'libc.so.6:malloc' or an address, "
                        f"not {type(spec).__name__}")
    text = spec.strip()
    if text.lower().startswith("0x") and ":" not in text:
        try:
            return parse_spec(int(text, 16))
        except ValueError:
            pass
    mod, sep, sym = text.rpartition(":")
    module = mod if sep else None
    offset = 0
    if "+" in sym:
        sym, _, off = sym.partition("+")
        try:
            offset = int(off, 0)
        except ValueError:
            raise ValueError(f"probe {spec!r}: the offset {off!r} is not a number (write "
                             "SYMBOL+0x10)") from None
    if not sym or (module is not None and not module):
        raise ValueError(f"probe {spec!r}: write [MODULE:]SYMBOL[+OFFSET], such as "
                         "'libc.so.6:malloc', 'prog:main' or 'main', or an address '0x401136'")
    return Spec(module, sym, offset, None)


def module_matches(spec_module: str, m_names: tuple[str, ...], exe: bool) -> bool:
    """Whether a spec's module part names the module of *m_names* (its path, file name
    and soname): equal to one of them, or a glob matching one. ``prog`` (the program's
    own file name) needs nothing special: it is its file name."""
    if exe and spec_module in ("exe", "[exe]"):
        return True
    for n in m_names:
        if n and (n == spec_module or fnmatch.fnmatchcase(n, spec_module)):
            return True
    return False


def symbols_matching(img: Image, pattern: str) -> list[str]:
    """Names of *img*'s functions that *pattern* (a name or a glob) names."""
    if not any(c in pattern for c in "*?["):
        return [pattern] if pattern in img.functions else []
    return sorted(n for n in img.functions if fnmatch.fnmatchcase(n, pattern))


def find_library(name: str, pid: int, program: Image | None) -> str | None:
    """The file the dynamic linker would load for library *name* in process *pid*: a path
    as it is, else the program's run paths, the process's LD_LIBRARY_PATH, then the
    system's directories (as ld.so.conf lists them on Debian)."""
    if "/" in name:
        return name if os.path.exists(name) else None
    dirs: list[str] = []
    if program is not None:
        origin = os.path.dirname(program.path)
        dirs += [d.replace("$ORIGIN", origin) for d in program.runpath if d]
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            for item in f.read().split(b"\0"):
                if item.startswith(b"LD_LIBRARY_PATH="):
                    dirs += [d.decode(errors="replace") for d in item[16:].split(b":") if d]
    except OSError:
        pass
    dirs += ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64",
             "/lib", "/usr/lib", "/usr/local/lib"]
    for d in dirs:
        p = os.path.join(d, name)
        if os.path.isfile(p):
            return p
    return None


__all__ = [
    "EXTRA", "AddressMap", "Frame", "Image", "Module", "Region", "Segment", "Spec", "Target", "find_library",
    "image", "module_matches", "modules", "need", "parse_maps", "parse_spec",
    "read_maps", "symbolize", "symbols_matching",
]
