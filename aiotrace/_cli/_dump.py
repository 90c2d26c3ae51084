# SPDX-License-Identifier: GPL-2.0-or-later
"""``-e read=`` / ``-e write=``: the data a call moved, as strace's hex dump.

``dump_call`` runs in the decoder, on the tracer thread, at the exit stop of a read or a
write of a chosen descriptor: it keeps the bytes (a :class:`Dump`); ``emit`` makes them
into strace's dump lines as the printer's output is written out, on the event loop.
"""

from __future__ import annotations

import os
import struct
from typing import Any, Callable, Iterator

from ._internals import ABI_CODES, row


def dump_call(dumps: tuple[Any, Any], name: str, args: Any, retval: int, mem: Any,
              abi: str = "x86_64", tid: int = 0) -> Dump | None:
    """-e read=/write=: the bytes a call moved, for strace's hex dump lines (*dumps*:
    the ``(negated, fds)`` of ``-e read=`` and of ``-e write=``, each or None; *tid*:
    the thread, named where its memory ends before the buffer does)."""
    r = row(name, ABI_CODES[abi])
    data = None if r is None else r.data   # (the table's: see _core._syscalls.Row)
    if data is None or mem is None:
        return None
    kind, layout = data
    # what a read got; what a write was given, whatever it returned (strace dumps the
    # buffers of a failed write too)
    wrote = kind == 1 and layout in ("buf", "iov")
    if retval <= 0 and not wrote:
        return None
    if wrote:
        retval = args[2] if layout == "buf" else 1 << 62
    which = dumps[kind]
    fd = args[0] & 0xFFFFFFFF
    if which is None or (fd in which[1]) == which[0]:
        return None
    dump = Dump(tid)
    try:
        if layout == "iov":
            _dump_iov(dump, mem, args[1], args[2], retval)
        elif layout == "mmsg":
            _dump_mmsg(dump, mem, args[1], retval)
        elif layout == "msg":
            iov, iovlen = struct.unpack("<QQ", mem.read(args[1] + 16, 16))
            _dump_iov(dump, mem, iov, iovlen, retval)
        else:
            dump.copy(mem, args[1], min(retval, args[2]))
    except (OSError, struct.error):
        if not dump.parts:
            return None
    return dump


def _dump_iov(dump: Dump, mem: Any, iov: int, count: int, total: int) -> None:
    """A vectored call's dump: ``* N bytes in buffer I`` and its bytes, buffer by buffer,
    until *total* bytes; like strace, it stops at the first empty buffer, and dumps
    nothing when the iovecs cannot all be read."""
    count = min(count, 1024)
    vec = mem.read(iov, 16 * count) if count > 0 else b""
    if len(vec) < 16 * count:   # (a short read: as strace, all of them or nothing)
        return
    for i in range(count):
        base, length = struct.unpack_from("<QQ", vec, 16 * i)
        n = min(length, total)
        if n <= 0:
            break
        dump.copy(mem, base, n, " * %d bytes in buffer %d\n" % (n, i))
        total -= n


def _dump_mmsg(dump: Dump, mem: Any, vec: int, count: int) -> None:
    """sendmmsg's and recvmmsg's: each message (of the *count* the call moved) as
    `` = N buffers in vector I``, then its buffers' dumps, up to its msg_len."""
    for i in range(min(count, 1024)):
        # struct mmsghdr: msg_iov and msg_iovlen in the msghdr, then msg_len
        iov, iovlen, msg_len = struct.unpack("<16xQQ24xI", mem.read(vec + 64 * i, 60))
        dump.parts.append((" = %d buffers in vector %d\n" % (iovlen, i), b"", 0, 0))
        _dump_iov(dump, mem, iov, iovlen, msg_len)


_DUMP_KEPT = 1 << 16    # the bytes of a dump kept in memory; beyond, in a temporary file
_DUMP_COPY = 1 << 20    # bytes copied from the tracee to that file at a time
_DUMP_CHUNK = 1 << 16   # bytes made into text at a time (_hexdump's chunks start at multiples)
# strace reads a buffer to dump 64 KiB at a time: where a piece cannot all be read, the
# dump stops there, with a line that says so (none if nothing was dumped)
_FETCH = 1 << 16


class _NoSpool(Exception):
    pass


class Dump:
    """-e read=/write=: the bytes one call moved, to be shown as strace's hex dump.

    The program decides how many bytes a call moves (a single write can move 2 GiB), and
    the dump is 5 times larger as text: so a dump is kept as bytes, not text, and, past
    its first 64 KiB, in an unnamed temporary file rather than in memory (copied from
    the stopped thread 1 MiB at a time). Its text is made 64 KiB of bytes at a time, as
    it is written out (``emit``): a 128 MiB write once took 2 GB, as text. The file goes
    when the dump does (written out, or left out by a filter)."""

    __slots__ = ("parts", "file", "kept", "spooled", "tid")

    def __init__(self, tid: int = 0) -> None:
        self.tid = tid
        # (header, bytes or None for a range of the file, its offset there, size)
        self.parts: list[tuple[str, bytes | None, int, int]] = []
        self.file: Any = None
        self.kept = 0
        self.spooled = 0

    def copy(self, mem: Any, addr: int, n: int, header: str = "") -> None:
        """Keep *n* bytes at *addr* of the stopped thread; where its memory ends before,
        the 64 KiB pieces that could all be read and strace's line about the next one.
        Raises OSError if no whole piece can be read."""
        if self.kept + n > _DUMP_KEPT:
            start = self.spooled
            try:
                size = self._spool(mem, addr, n)
            except _NoSpool:
                pass   # no temporary file to be had, or it is full: kept in memory
            else:
                size = self._whole(addr, n, size)
                self.spooled = start + size
                self.parts.append((header, None, start, size))
                self._cannot_fetch(addr, n, size)
                return
        data = mem.read(addr, n)
        size = self._whole(addr, n, len(data))
        self.kept += size
        self.parts.append((header, data[:size], 0, size))
        self._cannot_fetch(addr, n, size)

    @staticmethod
    def _whole(addr: int, n: int, got: int) -> int:
        """Of *got* bytes read of *n*: those of whole pieces, as strace reads them."""
        if got >= n:
            return n
        got -= got % _FETCH
        if not got:
            raise OSError("no whole piece of the buffer at %#x can be read" % addr)
        return got

    def _cannot_fetch(self, addr: int, n: int, size: int) -> None:
        if size < n:
            k = min(n - size, _FETCH)
            self.parts.append((" | <Cannot fetch %d byte%s from pid %d @%#x>\n"
                               % (k, "" if k == 1 else "s", self.tid, addr + size),
                               b"", 0, 0))

    def _spool(self, mem: Any, addr: int, n: int) -> int:
        """Copy the bytes to the end of the file; returns how many (OSError if none could
        be read, _NoSpool if the file cannot be made or written)."""
        import tempfile   # (on use: start-up time)
        try:
            if self.file is None:
                self.file = tempfile.TemporaryFile(prefix="aiotrace-dump-")
            fd = self.file.fileno()
        except OSError:
            raise _NoSpool from None
        start = self.spooled
        done = 0
        while done < n:
            want = min(_DUMP_COPY, n - done)
            try:
                data = mem.read(addr + done, want)
            except OSError:
                if done == 0:
                    raise
                break
            view = memoryview(data)
            at = start + done
            try:
                while view:
                    k = os.pwrite(fd, view, at)
                    view = view[k:]
                    at += k
            except OSError:
                raise _NoSpool from None
            done += len(data)
            if len(data) < want:
                break
        self.spooled = start + done
        return done

    def chunks(self) -> Iterator[bytes]:
        """The dump's text, as strace prints it, a piece at a time."""
        for header, data, offset, size in self.parts:
            if header:
                yield header.encode()
            # strace: the offsets as wide as the last line's needs, 5 hex digits at least
            width = max(5, len("%x" % ((size - 1) & ~15))) if size else 5
            for base in range(0, size, _DUMP_CHUNK):
                n = min(_DUMP_CHUNK, size - base)
                if data is not None:
                    piece = data[base:base + n]
                else:
                    try:
                        piece = os.pread(self.file.fileno(), n, offset + base)
                    except OSError:   # (the temporary file failed us: the rest is lost)
                        return
                yield _hexdump(piece, base, width)


def emit(parts: list[Any], write: Callable[[bytes], None]) -> None:
    """Write printer output out: text, and dumps made into text a chunk at a time."""
    text: list[str] = []
    for part in parts:
        if type(part) is str:
            text.append(part)
            continue
        if text:
            write("".join(text).encode("utf-8", "surrogateescape"))
            text.clear()
        for chunk in part.chunks():
            write(chunk)
    if text:
        write("".join(text).encode("utf-8", "surrogateescape"))


_PRINTABLE = bytes(b if 0x20 <= b < 0x7F else 0x2E for b in range(256))   # others: "."
_LINES = _DUMP_CHUNK // 16
_TEMPLATES: dict[int, bytes] = {}


def _template(width: int) -> bytes:
    """_LINES blank dump lines, their offsets' last 4 hex digits filled in (0000, 0010...
    fff0: the same in every chunk, since chunks start at multiples of 64 KiB)."""
    t = _TEMPLATES.get(width)
    if t is None:
        line = b" | " + b"0" * width + b"  " + b" " * 48 + b"  " + b" " * 16 + b" |\n"
        out = bytearray(line * _LINES)
        low = b"".join(b"%04x" % (16 * i) for i in range(_LINES))
        for d in range(4):
            out[3 + width - 4 + d::len(line)] = low[d::4]
        t = _TEMPLATES[width] = bytes(out)
    return t


def _hexdump(data: bytes, base: int, width: int) -> bytes:
    """strace's dump lines of *data*, found at offset *base* (a multiple of 64 KiB) of
    its buffer: `` | OFFSET  xx xx xx xx xx xx xx xx  xx ... xx  TEXT |``, 16 bytes a
    line. Column by column (extended slices of a template), not line by line: ten
    times faster in CPython."""
    full = len(data) // 16
    size = 74 + width                       # the length of one line
    out = bytearray(_template(width)[:full * size])
    if full:
        high = b"%0*x" % (width - 4, base >> 16)   # the offsets' other digits
        for d in range(width - 4):
            out[3 + d::size] = high[d:d + 1] * full
        whole = data[:full * 16]
        hexed = whole.hex().encode()
        h0 = 5 + width
        for j in range(16):
            at = h0 + 3 * j + (j >= 8)
            out[at::size] = hexed[2 * j::32]
            out[at + 1::size] = hexed[2 * j + 1::32]
        shown = whole.translate(_PRINTABLE)
        t0 = h0 + 50
        for j in range(16):
            out[t0 + j::size] = shown[j::16]
    rest = data[full * 16:]
    if rest:   # the last line, shorter
        h = " ".join("%02x" % b for b in rest[:8])
        if len(rest) > 8:
            h += "  " + " ".join("%02x" % b for b in rest[8:])
        out += b" | %0*x  %-48s  %-16s |\n" % (width, base + full * 16, h.encode(),
                                                rest.translate(_PRINTABLE))
    return bytes(out)
