# SPDX-License-Identifier: GPL-2.0-or-later
"""io_uring_register, as strace 6.1 prints it.

The opcode says what the argument is, and the last argument how many of it (or its
size): an array of buffers (iovecs), of descriptors, of restrictions, of ring
descriptors, a CPU set, a structure (a files update, a resource registration or update
with its data and tags arrays and, past its 32 bytes, the nonzero bytes the caller
gave). An opcode of no argument, or unknown, prints the address. Each opcode is a row of
``_ARGS``; two are printed at entry and at exit: the probe (the kernel fills it in; a
probe the caller filled with anything but zeroes is shown as given, then ``=>`` what the
kernel wrote) and the io-wq worker counts (read and written).
"""

from __future__ import annotations

import struct
from typing import Callable

from . import _xlat_io_uring as XU
from ._ctx import Ctx
from ._kinds import Spec
from ._misc import array, nonzero_tail
from ._misc_keyctl import named_decimal
from ._structs import cpu_set, iovec_array
from ._xlat import flags, hexa, ptr, s32, u32, xval

Arg = Callable[[Ctx, int, int], str]   # (ctx, address, count) -> the argument's text


def _fd(c: Ctx, b: bytes) -> str:
    return c.fd(struct.unpack("<i", b)[0])


def _update_fd(c: Ctx, b: bytes) -> str:
    """A descriptor of a files update: -2 and lower are not descriptors."""
    fd = struct.unpack("<i", b)[0]
    return named_decimal(fd, XU.IORING_FILES_UPDATE_FDS, None) if fd < -1 else c.fd(fd)


def _fds(c: Ctx, addr: int, n: int) -> str:
    return array(c, addr, n, 4, lambda b: _fd(c, b))


def _update_fds(c: Ctx, addr: int, n: int) -> str:
    return array(c, addr, n, 4, lambda b: _update_fd(c, b))


def _buffers(c: Ctx, addr: int, n: int) -> str:
    """iovecs of buffers: their addresses, not their contents."""
    if n > 1 << 20:
        return ptr(addr)
    return iovec_array(c, addr, n, None, lambda base, _n: ptr(base))


def _tags(c: Ctx, addr: int, n: int) -> str:
    return array(c, addr, n, 8, lambda b: hexa(struct.unpack("<Q", b)[0]))


def _files_update(c: Ctx, addr: int, n: int) -> str:
    def render(offset: int, resv: int, fds: int) -> str:
        resv_text = ", resv=%s" % hexa(resv) if resv else ""
        return "{offset=%d%s, fds=%s}" % (offset, resv_text, _update_fds(c, fds, n))
    return c.fields(addr, "<IIQ", render)


# the data array of a resource registration or update, by opcode
_DATA: dict[str, Arg] = {
    "IORING_REGISTER_FILES2": _fds, "IORING_REGISTER_FILES_UPDATE2": _update_fds,
    "IORING_REGISTER_BUFFERS2": _buffers, "IORING_REGISTER_BUFFERS_UPDATE": _buffers,
}


def _rsrc(c: Ctx, addr: int, size: int, update: bool) -> str:
    """struct io_uring_rsrc_register, or (*update*) io_uring_rsrc_update2; *size* is the
    size the caller gives: smaller than the 32 bytes known, the address."""
    if size < 32:
        return ptr(addr)
    if update:
        v = c.unpack("<IIQQII", addr) if addr else None
    else:
        v = c.unpack("<IIQQQ", addr) if addr else None
    if v is None:
        return ptr(addr)
    op = XU.IORING_REGISTER_OPS.get(u32(c.args[1]), "")
    if update:
        offset, resv, data, tags, nr, resv2 = v
        fields = ["offset=%d" % offset] + (["resv=%s" % hexa(resv)] if resv else [])
    else:
        nr, fl, resv2, data, tags = v
        fields = ["nr=%d" % nr, "flags=" + flags(fl, XU.IORING_RSRC_REGISTER_FLAGS,
                                                 "IORING_RSRC_REGISTER_???")]
        fields += ["resv2=%s" % hexa(resv2)] if resv2 else []
    fields += ["data=" + _DATA[op](c, data, nr), "tags=" + _tags(c, tags, nr)]
    if update:
        fields += ["nr=%d" % nr] + (["resv2=%s" % hexa(resv2)] if resv2 else [])
    tail = nonzero_tail(c, addr, 32, size)
    return "{%s}" % ", ".join(fields + ([tail] if tail is not None else []))


def _restriction(b: bytes) -> str:
    opcode, arg, resv, *resv2 = struct.unpack("<HBB3I", b)
    fields = ["opcode=" + xval(opcode, XU.IORING_RESTRICTION_OPS, "IORING_RESTRICTION_???")]
    name = XU.IORING_RESTRICTION_OPS.get(opcode, "")
    if name == "IORING_RESTRICTION_REGISTER_OP":
        fields.append("register_op=" + xval(arg, XU.IORING_REGISTER_OPS, "IORING_REGISTER_???"))
    elif name == "IORING_RESTRICTION_SQE_OP":
        fields.append("sqe_op=" + xval(arg, XU.IORING_OPS, "IORING_OP_???"))
    elif name:
        fields.append("sqe_flags=" + flags(arg, XU.IOSQE_FLAGS, "IOSQE_???"))
    else:
        fields[0] += " /* op: %s */" % hexa(arg)
    fields += ["resv=%s" % hexa(resv)] if resv else []
    fields += ["resv2=[%s]" % ", ".join(map(hexa, resv2))] if any(resv2) else []
    return "{%s}" % ", ".join(fields)


def _ring_fd(c: Ctx, b: bytes, register: bool) -> str:
    offset, resv, data = struct.unpack("<IIQ", b)
    fields = ["offset=%d" % (s32(offset) if register and offset == 0xFFFFFFFF else offset)]
    fields += ["resv=%s" % hexa(resv)] if resv else []
    if register:
        fields.append("data=" + c.fd(s32(data)))
    elif data:
        fields.append("data=" + hexa(data))
    return "{%s}" % ", ".join(fields)


def _buf_reg(c: Ctx, addr: int, n: int) -> str:
    def render(ring: int, entries: int, bgid: int, pad: int, *resv: int) -> str:
        fields = ["ring_addr=" + ptr(ring), "ring_entries=%d" % entries, "bgid=%d" % bgid]
        fields += ["pad=%s" % hexa(pad)] if pad else []
        fields += ["resv=[%s]" % ", ".join(map(hexa, resv))] if any(resv) else []
        return "{%s}" % ", ".join(fields)
    return c.fields(addr, "<QIHH3Q", render)


def _affinity(c: Ctx, addr: int, n: int) -> str:
    if not addr:
        return "NULL"
    return "[]" if not n else cpu_set(c, addr, n)


_ARGS: dict[str, Arg] = {
    "IORING_REGISTER_BUFFERS": _buffers,
    "IORING_REGISTER_FILES": _fds, "IORING_REGISTER_EVENTFD": _fds,
    "IORING_REGISTER_EVENTFD_ASYNC": _fds,
    "IORING_REGISTER_FILES_UPDATE": _files_update,
    "IORING_REGISTER_RESTRICTIONS": lambda c, a, n: array(c, a, n, 16, _restriction),
    "IORING_REGISTER_FILES2": lambda c, a, n: _rsrc(c, a, n, False),
    "IORING_REGISTER_BUFFERS2": lambda c, a, n: _rsrc(c, a, n, False),
    "IORING_REGISTER_FILES_UPDATE2": lambda c, a, n: _rsrc(c, a, n, True),
    "IORING_REGISTER_BUFFERS_UPDATE": lambda c, a, n: _rsrc(c, a, n, True),
    "IORING_REGISTER_IOWQ_AFF": _affinity,
    "IORING_REGISTER_RING_FDS": lambda c, a, n: array(c, a, n, 16,
                                                      lambda b: _ring_fd(c, b, True)),
    "IORING_UNREGISTER_RING_FDS": lambda c, a, n: array(c, a, n, 16,
                                                        lambda b: _ring_fd(c, b, False)),
    "IORING_REGISTER_PBUF_RING": _buf_reg, "IORING_UNREGISTER_PBUF_RING": _buf_reg,
}

# -- the probe and the worker counts: at entry and at exit --------------------------

_PROBE = struct.Struct("<BBH3I")
_PROBE_OP = struct.Struct("<BBHI")


def _probe_op(b: bytes) -> str:
    op, resv, fl, resv2 = _PROBE_OP.unpack(b)
    fields = ["op=" + named_decimal(op, XU.IORING_OPS, "IORING_OP_???")]
    fields += ["resv=%s" % hexa(resv)] if resv else []
    fields.append("flags=" + flags(fl, XU.IO_URING_OP_FLAGS, "IO_URING_OP_???"))
    fields += ["resv2=%s" % hexa(resv2)] if resv2 else []
    return "{%s}" % ", ".join(fields)


def _probe(c: Ctx, data: bytes, n: int, cut: bool) -> str:
    last, ops_len, resv, *resv2 = _PROBE.unpack_from(data)
    fields = ["last_op=" + named_decimal(last, XU.IORING_OPS, "IORING_OP_???"),
              "ops_len=%d" % ops_len]
    fields += ["resv=%s" % hexa(resv)] if resv else []
    fields += ["resv2=[%s]" % ", ".join(map(hexa, resv2))] if any(resv2) else []
    limit = min(n, c.strsize if c.abbrev else n)
    ops = [_probe_op(data[_PROBE.size + 8 * k:_PROBE.size + 8 * k + 8]) for k in range(limit)]
    if limit < n or cut:
        ops.append("...")
    return "{%s, ops=[%s]}" % (", ".join(fields), ", ".join(ops))


def _probe_entry(c: Ctx, addr: int, n: int) -> str:
    """The probe at entry: the rest is printed at exit (c.saved["uring_probe"]: whether
    the probe given was printed, not only zeroes), but for one that cannot be read."""
    data = c.read(addr, _PROBE.size + 8 * n) if addr and n <= 256 else None
    if data is None:
        return ptr(addr) + ", %d" % n
    c.saved["uring_probe"] = bool(data.strip(b"\0"))
    return _probe(c, data, n, False) if c.saved["uring_probe"] else ""


def _probe_exit(c: Ctx, addr: int, n: int) -> str:
    before = c.saved.pop("uring_probe")
    if c.failed:
        return "" if before else ptr(addr)
    data = c.read(addr, _PROBE.size + 8 * n)
    if data is None:
        return (" => " if before else "") + ptr(addr)
    ops_len = data[1]
    text = _probe(c, data, min(ops_len, n), n < ops_len)
    return (" => " if before else "") + text


def _counts(c: Ctx, addr: int, n: int) -> str:
    """The io-wq worker counts: ``[[IO_WQ_BOUND]=4, [IO_WQ_UNBOUND]=8]``."""
    index = [-1]

    def render(b: bytes) -> str:
        index[0] += 1
        return "[%s]=%d" % (named_decimal(index[0], XU.IO_WQ_ACCTS, "IO_WQ_???"),
                            struct.unpack("<I", b)[0])
    return array(c, addr, n, 4, render)


def _entry(c: Ctx) -> str:
    fd, op, addr, n = c.args[0], u32(c.args[1]), c.args[2], u32(c.args[3])
    head = "%s, %s, " % (c.fd(fd), xval(op, XU.IORING_REGISTER_OPS, "IORING_REGISTER_???"))
    name = XU.IORING_REGISTER_OPS.get(op, "")
    if name == "IORING_REGISTER_PROBE":
        return head + _probe_entry(c, addr, n)
    if name == "IORING_REGISTER_IOWQ_MAX_WORKERS":
        text = _counts(c, addr, n)
        if text.startswith("[") and n and "... /* " not in text:   # read in full
            c.saved["uring_counts"] = True
            return head + text + " => "
        return head + text + ", %d" % n
    arg = _ARGS.get(name)
    return head + (ptr(addr) if arg is None else arg(c, addr, n)) + ", %d" % n


def _exit(c: Ctx, entry: str) -> str:
    addr, n = c.args[2], u32(c.args[3])
    if "uring_probe" in c.saved:
        return entry + _probe_exit(c, addr, n) + ", %d" % n
    if c.saved.pop("uring_counts", None):
        return entry + (ptr(addr) if c.failed else _counts(c, addr, n)) + ", %d" % n
    return entry


DECODERS = {"io_uring_register": Spec(entry=_entry, exit=_exit)}
