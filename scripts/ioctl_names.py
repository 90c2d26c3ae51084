#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write aiotrace/_decode/xlat/xlat_ioctl_names.in, the names of the ioctl requests, from the
lists of the kernel's request numbers that a strace source tree keeps (generated there
from the uapi headers: ``src/linux/64/ioctls_inc.h``, ``src/linux/x86_64/ioctls_arch0.h``
and ``src/ioctls_zfs.h``).

    python3 scripts/ioctl_names.py STRACE_SOURCE_TREE

A request number can have several names; they are listed in the order strace prints
them ("A or B"): by number, then by name.  A name defined twice (in two headers) keeps
its first definition, ``asm/`` before ``asm-generic/``; a name that only extends the
name before it with the same number (``FOO`` then ``FOO_OLD``) is left out, as strace
leaves it out.
"""

from __future__ import annotations

import os
import re
import sys

# (the type and number: a hex number, or, in ioctls_zfs.h, "(0x12 << 8) | 125"; the size
# in hex or decimal)
_ENTRY = re.compile(r'\{\s*"([^"]*)",\s*"(\w+)",\s*([\w|]+),\s*'
                    r'(0x[0-9a-fA-F]+|\(0x[0-9a-fA-F]+ << 8\) \| \d+),\s*(0x[0-9a-fA-F]+|\d+)\s*\}')
_DIRS = {"0": 0, "_IOC_NONE": 0, "_IOC_WRITE": 1, "_IOC_READ": 2}
_FILES = ("src/linux/x86_64/ioctls_arch0.h", "src/linux/64/ioctls_inc.h", "src/ioctls_zfs.h")
_OUT = os.path.join(os.path.dirname(__file__), "..", "aiotrace", "_decode", "xlat",
                    "xlat_ioctl_names.in")


def _header_key(header: str) -> tuple[int, str]:
    # asm/ sorts before asm-generic/ (the arch's definition wins)
    return (0 if header.startswith("asm/") else 1, header)


def _number(type_nr: str) -> int:
    if type_nr.startswith("("):
        typ, nr = re.findall(r"0x[0-9a-fA-F]+|\d+", type_nr)[::2]
        return int(typ, 16) << 8 | int(nr)
    return int(type_nr, 16)


def entries(tree: str) -> list[tuple[int, str]]:
    found: list[tuple[str, str, int]] = []
    for rel in _FILES:
        with open(os.path.join(tree, rel), encoding="ascii") as f:
            for m in _ENTRY.finditer(f.read()):
                header, name, dirs, type_nr, size = m.groups()
                d = 0
                for word in dirs.split("|"):
                    d |= _DIRS[word]
                found.append((name, header, _number(type_nr) | int(size, 0) << 16 | d << 30))
    found.sort(key=lambda e: (e[0], _header_key(e[1])))
    first: dict[str, int] = {}
    for name, _header, code in found:
        first.setdefault(name, code)
    out = sorted(((code, name) for name, code in first.items()))
    # compared with the name just before, kept or not
    return [e for i, e in enumerate(out)
            if i == 0 or out[i - 1][0] != e[0] or not e[1].startswith(out[i - 1][1])]


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit("usage: ioctl_names.py STRACE_SOURCE_TREE")
    kept = entries(sys.argv[1])
    with open(_OUT, "w", encoding="ascii") as f:
        f.write("# The names of the ioctl requests (the kernel's uapi headers, as strace 6.1 lists\n"
                "# them), by number then name: the order of strace's \"A or B\".  Written by\n"
                "# scripts/ioctl_names.py; do not edit.\n[IOCTL_NAMES]\n")
        for code, name in kept:
            f.write("%s %#x\n" % (name, code))
    print("%d names" % len(kept))


if __name__ == "__main__":
    main()
