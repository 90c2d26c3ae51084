# SPDX-License-Identifier: GPL-2.0-or-later
"""C-style quoting of byte strings, as strace prints them.

Rules (observed on strace 6.1 output):
- printable ASCII is printed as is, except ``"`` and ``\\`` which are backslashed;
- ``\\t \\n \\v \\f \\r`` use their C escapes;
- every other byte is an octal escape with as few digits as possible, unless the
  next byte is an octal digit, in which case three digits are used (``\\0001``);
- in "hex" mode (getrandom's buffer) every byte is ``\\xNN``.
"""

from __future__ import annotations

_SIMPLE = {
    0x09: "\\t",
    0x0A: "\\n",
    0x0B: "\\v",
    0x0C: "\\f",
    0x0D: "\\r",
    0x22: '\\"',
    0x5C: "\\\\",
}


# the bytes printed as they are; with `extra`, fewer (see escape's fast path)
_PLAIN = bytes(c for c in range(0x20, 0x7F) if c not in _SIMPLE)
_PLAIN_WITHOUT: dict[bytes, bytes] = {}


def _octal(c: int, next_is_octal_digit: bool) -> str:
    if next_is_octal_digit:
        return "\\%03o" % c
    return "\\%o" % c


def escape(data: bytes, *, extra: bytes = b"") -> str:
    """Escape ``data`` without surrounding quotes.

    ``extra`` lists further bytes that must be printed as octal escapes
    (``<`` and ``>`` inside ``-y`` path annotations).
    """
    if extra:
        plain = _PLAIN_WITHOUT.get(extra)
        if plain is None:
            plain = _PLAIN_WITHOUT[extra] = bytes(c for c in _PLAIN if c not in extra)
    else:
        plain = _PLAIN
    if not bytes(data).translate(None, plain):   # nothing to escape: most paths
        return bytes(data).decode("ascii")
    out: list[str] = []
    n = len(data)
    for i, c in enumerate(data):
        if c in extra:
            nxt = i + 1 < n and 0x30 <= data[i + 1] <= 0x37
            out.append(_octal(c, nxt))
            continue
        s = _SIMPLE.get(c)
        if s is not None:
            out.append(s)
        elif 0x20 <= c < 0x7F:
            out.append(chr(c))
        else:
            nxt = i + 1 < n and 0x30 <= data[i + 1] <= 0x37
            out.append(_octal(c, nxt))
    return "".join(out)


# -x modes (--strings-in-hex=): how strings with bytes that need an escape are printed
HEX_NONE, HEX_NON_ASCII, HEX_ALL, HEX_CHARS = 0, 1, 2, 3
_NO_ESCAPE_NEEDED = _PLAIN + bytes(_SIMPLE)   # printable, or a C escape such as \n


def quote(data: bytes, *, truncated: bool = False, hex: bool = False, xflag: int = HEX_NONE) -> str:
    """``"..."`` form of ``data``; ``truncated`` appends strace's ``...`` marker.
    *xflag*: ``-x`` (HEX_NON_ASCII) prints a string in hex when any byte of it would
    need a numeric escape; ``-xx`` (HEX_ALL) prints every string in hex;
    ``--strings-in-hex=non-ascii-chars`` (HEX_CHARS) uses ``\\xNN`` for those bytes
    instead of octal."""
    if hex or xflag == HEX_ALL or (
            xflag == HEX_NON_ASCII and bytes(data).translate(None, _NO_ESCAPE_NEEDED)):
        body = "".join("\\x%02x" % c for c in data)
    elif xflag == HEX_CHARS:
        body = "".join(_SIMPLE.get(c) or (chr(c) if 0x20 <= c < 0x7F else "\\x%02x" % c)
                       for c in data)
    else:
        body = escape(data)
    return '"' + body + '"' + ("..." if truncated else "")


def annotate_path(path: str | bytes) -> str:
    """Body of a ``-y`` annotation (between ``<`` and ``>``)."""
    if isinstance(path, str):
        path = path.encode("utf-8", "surrogateescape")
    return escape(path, extra=b"<>")
