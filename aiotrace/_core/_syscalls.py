"""System calls: the table of what aiotrace knows about each one (``_systable``), the numbers
of the three ABIs of an x86-64 kernel through Linux 6.18, and the *keys* that tell a call of
one ABI from the same number in another.

The table (``_systable.ROWS``) has one row per system call, and one more where a call of
the same name is decoded otherwise in another ABI (i386's ``stat``, x32's ``readv`` from
512 on). Each row gives the call's numbers, its argument count, strace's classes, how each
argument is decoded (by the names of ``aiotrace._decode``'s printers, which also say which
arguments are paths and descriptors) and its C prototype. It is written by
``scripts/syscall_table.py`` (see there for how to change it); python-ptrace's table stops
at Linux 5.8, which is why aiotrace keeps its own. This module reads it: the names and
numbers at import, the rest when first asked (``row``, ``class_names``).

Kernel facts (arch/x86/entry, arch/x86/include/asm/syscall.h) the keys rely on:

* A 64-bit process can make 32-bit system calls (``int $0x80``, or a 32-bit program):
  ``PTRACE_GET_SYSCALL_INFO`` then says ``arch`` AUDIT_ARCH_I386, the number is one of
  the i386 table (5 is ``open``, where x86-64's 5 is ``fstat``), and the arguments are
  ebx, ecx, edx, esi, edi, ebp, of which the kernel uses the low 32 bits.
* An x32 call has ``arch`` AUDIT_ARCH_X86_64 and __X32_SYSCALL_BIT (0x40000000) set in
  its number (strace takes any number with the bit, but -1, for one; so do we). Below
  512 it runs x86-64's own handler, with x86-64's structures; from 512 on (``readv``,
  ``execve``, ``rt_sigaction``...) a handler of its own, with 32-bit structures.
* The kernel dispatches on the low 32 bits of rax taken as a signed int: ``syscall(-1L)``
  and ``syscall(0xffffffff)`` are both -1 (skipped, ENOSYS), ``syscall(0x100000027)``
  runs getpid (39), ``syscall(1 << 63)`` runs read. So does seccomp (``seccomp_data.nr``
  is an int). Numbers here are those ints, never the raw 64-bit register.

A *key* is one int for (ABI, number): the x86-64 number itself (-2**31 .. 2**31-1),
``1 << 32`` plus the number for i386, ``2 << 32`` plus it for x32 (the number without
the x32 bit). Filters are sets of keys, so that a name stands for its call in every ABI
and the x86-64 path compares plain numbers as before.
"""

from __future__ import annotations

from ._systable import ROWS

AUDIT_ARCH_X86_64 = 0xC000003E
AUDIT_ARCH_I386 = 0x40000003
X32_SYSCALL_BIT = 0x40000000
ABI_X86_64, ABI_I386, ABI_X32 = 0, 1, 2
ABIS = ("x86_64", "i386", "x32")                 # ABI code -> name (events' ``abi``)
ABI_CODES = {name: code for code, name in enumerate(ABIS)}
# strace's qualifiers: open@64, open@32, open@x32
ABI_SUFFIXES = {"64": ABI_X86_64, "32": ABI_I386, "x32": ABI_X32}
ABI_SUFFIX = {code: suffix for suffix, code in ABI_SUFFIXES.items()}
# strace's "[ Process PID=N runs in ... mode. ]"
ABI_MODES = ("64 bit", "32 bit", "x32")


# number -> name and name -> number, per ABI (built at import: every event is named; a
# row's numbers are one string, x86-64's, i386's and x32's: "4 106 -")
def _names(abi: int) -> dict[int, str]:
    return {int(nr): r[0] for r in ROWS if (nr := r[1].split()[abi]) != "-"}


SYSCALL_NAMES: dict[int, str] = _names(ABI_X86_64)
I386_NAMES: dict[int, str] = _names(ABI_I386)
X32_NAMES: dict[int, str] = _names(ABI_X32)
NAMES_BY_ABI: tuple[dict[int, str], ...] = (SYSCALL_NAMES, I386_NAMES, X32_NAMES)
NUMBERS_BY_ABI: tuple[dict[str, int], ...] = tuple(
    {name: nr for nr, name in table.items()} for table in NAMES_BY_ABI)
SYSCALL_NUMBERS: dict[str, int] = NUMBERS_BY_ABI[ABI_X86_64]
# every name of some ABI
ALL_NAMES: frozenset[str] = frozenset().union(*NUMBERS_BY_ABI)
_SPAN = 1 << 32


def syscall_key(arch: int, raw: int) -> int:
    """The key of a call from ``PTRACE_GET_SYSCALL_INFO``'s *arch* and number *raw* (any
    64-bit value: only its low 32 bits count, as for the kernel)."""
    n = raw & 0xFFFFFFFF
    if n & 0x80000000:
        n -= _SPAN
    if arch == AUDIT_ARCH_I386:
        return _SPAN + n
    if n & X32_SYSCALL_BIT and n != -1:
        return 2 * _SPAN + n - X32_SYSCALL_BIT
    return n


def make_key(abi: int, nr: int) -> int:
    """The key of call *nr* (a number of that ABI's table, or any int) of ABI *abi*."""
    return abi * _SPAN + nr


def key_abi(key: int) -> int:
    """The ABI code (ABI_X86_64, ABI_I386, ABI_X32) of *key*."""
    return (key + 0x80000000) >> 32


def key_nr(key: int) -> int:
    """The number of *key* in its ABI's table."""
    return key - ((key + 0x80000000) >> 32) * _SPAN


def key_raw(key: int) -> int:
    """The number the thread puts in its register for *key* (the x32 bit set back), as the
    kernel's signed 32-bit int: what a rewrite writes to orig_rax."""
    abi = (key + 0x80000000) >> 32
    nr = key - abi * _SPAN
    if abi == ABI_X32:
        nr = (nr + X32_SYSCALL_BIT + 0x80000000) % _SPAN - 0x80000000
    return nr


def key_name(key: int) -> str:
    """The name of the call *key* stands for (see syscall_name)."""
    abi = (key + 0x80000000) >> 32
    return syscall_name(key - abi * _SPAN, ABIS[abi])


def syscall_name(nr: int, abi: str = "x86_64") -> str:
    """The name of syscall *nr* of ABI *abi*, or ``syscall_0xNNN`` (strace's spelling: the
    number as the thread passed it, 64 bits wide) when it has none."""
    if abi == "x86_64":
        name = SYSCALL_NAMES.get(nr)
    else:
        code = ABI_CODES[abi]
        name = NAMES_BY_ABI[code].get(nr)
        if name is None and code == ABI_X32:
            nr += X32_SYSCALL_BIT
    return name if name is not None else f"syscall_{nr & 0xFFFFFFFFFFFFFFFF:#x}"


def syscall_number(name: str, abi: str = "x86_64") -> int:
    """The number of syscall *name* in ABI *abi*'s table; ``KeyError`` with a helpful
    message when it is unknown."""
    try:
        return NUMBERS_BY_ABI[ABI_CODES[abi]][name]
    except KeyError:
        shown = abi.replace("_", "-")
        raise KeyError(f"unknown {shown} system call name {name!r}") from None


def selector_keys(selector: str) -> frozenset[int]:
    """The keys a name stands for: ``open`` is open in every ABI that has it, ``open@64``,
    ``open@32`` or ``open@x32`` in one (strace's qualifiers). Empty for an unknown name."""
    name, at, suffix = selector.rpartition("@")
    if at and suffix in ABI_SUFFIXES:
        abi = ABI_SUFFIXES[suffix]
        nr = NUMBERS_BY_ABI[abi].get(name)
        return frozenset() if nr is None else frozenset((abi * _SPAN + nr,))
    return frozenset(abi * _SPAN + table[selector]
                     for abi, table in enumerate(NUMBERS_BY_ABI) if selector in table)


# every key of a name: the set "all" stands for
ALL_KEYS: frozenset[int] = frozenset(
    abi * _SPAN + nr for abi, table in enumerate(NAMES_BY_ABI) for nr in table)


def key_selectors(keys: frozenset[int] | set[int]) -> frozenset[str]:
    """The names that stand for exactly the named calls among *keys*: a name alone when
    all of its calls are there, ``name@ABI`` for each one that is when some are not."""
    out: set[str] = set()
    by_name: dict[str, list[int]] = {}
    for key in keys:
        abi = (key + 0x80000000) >> 32
        name = NAMES_BY_ABI[abi].get(key - abi * _SPAN) if 0 <= abi < 3 else None
        if name is not None:
            by_name.setdefault(name, []).append(key)
    for name, got in by_name.items():
        if len(got) == len(selector_keys(name)):
            out.add(name)
        else:
            out.update(f"{name}@{ABI_SUFFIX[key_abi(k)]}" for k in got)
    return frozenset(out)


# -- the rows ---------------------------------------------------------------------------

# strace's classes (-e trace=%file...), in its order; "%stat" and "%statfs" are the
# stat-like and statfs-like calls (strace's %%stat, %%statfs)
CLASS_NAMES = ("file", "process", "network", "signal", "ipc", "desc", "memory", "creds",
               "clock", "pure", "stat", "lstat", "fstat", "%stat", "statfs", "fstatfs",
               "%statfs")
# -e read=/write=: the second argument of a call whose first is a descriptor, when it
# holds the data moved through it: (0 read, 1 write; how it is laid out)
_DATA_KINDS = {"data_out": (0, "buf"), "data_in(2)": (1, "buf"), "iov_out(2)": (0, "iov"),
               "iov_in(2)": (1, "iov"), "msghdr_out": (0, "msg"), "msghdr_in": (1, "msg"),
               "mmsg_out": (0, "mmsg"), "mmsg_in": (1, "mmsg"),
               "sockbuf_out": (0, "buf"), "sockbuf_in(2)": (1, "buf")}
# 64-bit parameters: an i386 call passes them in two registers, which moves the rest
_SPLIT = frozenset({"loff_t", "u64", "__u64", "off64_t", "s64", "__s64"})


class Row:
    """One row of the table: a system call, in the ABIs whose number it gives (see
    ``_systable`` for what each field says)."""

    __slots__ = ("name", "numbers", "nargs", "classes", "kinds", "ret", "decoder", "proto")

    def __init__(self, raw: tuple[str, str, int, str, str, str, str, str]) -> None:
        (self.name, numbers, self.nargs, self.classes, self.kinds, self.ret, self.decoder,
         self.proto) = raw
        self.numbers: tuple[int | None, ...] = tuple(
            None if nr == "-" else int(nr) for nr in numbers.split())

    def __repr__(self) -> str:
        return f"<Row {self.name} {self.numbers}>"

    def nr(self, abi: int) -> int | None:
        """The call's number in ABI *abi* (a code), None when the row is not that ABI's."""
        return self.numbers[abi]

    def args_of(self, role: str) -> tuple[int, ...]:
        """The indices of the arguments of kind *role* ("path", "target", "dirfd", "fd")."""
        return tuple(i for i, k in enumerate(self.kinds.split()) if k == role)

    @property
    def paths(self) -> tuple[int, ...]:
        """The arguments that are file names the kernel looks up (not symlink's target,
        which it stores as it is: see ``shown_paths``)."""
        return self.args_of("path")

    @property
    def shown_paths(self) -> tuple[int, ...]:
        """The arguments printed as paths: ``paths`` and symlink's target."""
        return tuple(i for i, k in enumerate(self.kinds.split()) if k in ("path", "target"))

    @property
    def dirfds(self) -> tuple[int, ...]:
        """The directory descriptors (AT_FDCWD or a descriptor) the paths are relative to."""
        return self.args_of("dirfd")

    @property
    def fds(self) -> tuple[int, ...]:
        """The arguments that are file descriptors (not the directory ones)."""
        return self.args_of("fd")

    @property
    def data(self) -> tuple[int, str] | None:
        """The data the call reads (0) or writes (1) through its descriptor, its first
        argument, and how the second lays it out ("buf", "iov", "msg" or "mmsg"); None for the
        other calls. What ``-e read=``/``-e write=`` dump. (A call with a decoder of its
        own may name its data so: sendmmsg's ``fd mmsg_in``.)"""
        kinds = self.kinds.split()
        if len(kinds) < 2 or kinds[0] != "fd":
            return None
        return _DATA_KINDS.get(kinds[1])

    def params(self, abi: int = ABI_X86_64) -> list[tuple[str, str]]:
        """The C prototype's parameters, ``(C type, name)``, one per register of ABI *abi*
        (a code): on i386 those before the first 64-bit one, which takes two registers."""
        out: list[tuple[str, str]] = []
        for text in self.proto.split(", ") if self.proto else ():
            # "const char *filename", "unsigned int fd": the name follows the last "*" or
            # space (the script checks that every prototype reads so)
            cut = text.rfind("*") + 1 or text.rfind(" ")
            ctype, pname = text[:cut].rstrip(), text[cut:].strip()
            if abi == ABI_I386 and ctype in _SPLIT:
                break
            out.append((ctype, pname))
        return out


_by_name: dict[str, tuple[Row, ...]] = {}


def rows() -> dict[str, tuple[Row, ...]]:
    """Every row by name (one per ABI where they differ), made on first use."""
    if not _by_name:
        made: dict[str, list[Row]] = {}
        for raw in ROWS:
            made.setdefault(raw[0], []).append(Row(raw))
        _by_name.update((name, tuple(got)) for name, got in made.items())
    return _by_name


def row(name: str, abi: int = ABI_X86_64) -> Row | None:
    """The row of call *name* of ABI *abi* (a code), None when that ABI has no such call."""
    for r in rows().get(name, ()):
        if r.numbers[abi] is not None:
            return r
    return None


def any_row(name: str) -> Row | None:
    """A row of call *name*, of any ABI (what holds for every ABI: nargs, classes)."""
    got = rows().get(name)
    return got[0] if got else None


_classes: dict[str, frozenset[str]] = {}


def class_names() -> dict[str, frozenset[str]]:
    """strace's classes: class (``"file"``, ``"%stat"``...) -> the names of its calls (of
    every ABI; a name is in the same classes in each)."""
    if not _classes:
        made: dict[str, set[str]] = {cls: set() for cls in CLASS_NAMES}
        for raw in ROWS:
            for cls in raw[3].split():
                made[cls].add(raw[0])
        _classes.update((cls, frozenset(names)) for cls, names in made.items())
    return _classes
