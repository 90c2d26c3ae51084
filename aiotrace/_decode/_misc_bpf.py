# SPDX-License-Identifier: GPL-2.0-or-later
"""bpf, as strace 6.1 prints it: the command, its union bpf_attr, the size.

The attributes are read whole (as many bytes as the size says, at most a page) and
printed field by field as far as the size reaches (``_bpf_attr``), the bytes past the
structure known, when not all zero, as ``...`` (``-v``: their hex). Most commands are
printed whole at entry (``_bpf_cmds``); those the kernel answers in the attributes are
printed part at entry, the rest read again at exit (``_bpf_info``). An unknown command,
a size of 0 or more than a page, or attributes that cannot be read print their address.
A command that makes a program, a map, a link... returns a descriptor.
"""

from __future__ import annotations

from . import _xlat_bpf as XB
from ._bpf_attr import PAGE_SIZE, attr, extra, field_texts
from ._bpf_cmds import COMMANDS, Cmd
from ._bpf_info import STAGED
from ._ctx import Ctx
from ._kinds import R_DEC, Spec
from ._xlat import ptr, u32, xval


def _text(c: Ctx, cmd: Cmd, data: bytes) -> str:
    a = attr(data, cmd.size)
    parts = field_texts(c, cmd.fields, a)
    if cmd.wrap:
        parts = ["%s={%s}" % (cmd.wrap, ", ".join(parts))]
    size = cmd.sized(a) if cmd.sized is not None else cmd.size
    return "{%s}" % ", ".join(parts + extra(c, data, size))


def _command(c: Ctx) -> str:
    return XB.BPF_COMMANDS.get(u32(c.args[0]), "")


def _entry(c: Ctx) -> str:
    cmd, addr, size = u32(c.args[0]), c.args[1], u32(c.args[2])
    head = xval(cmd, XB.BPF_COMMANDS, "BPF_???")
    name = _command(c)
    simple, staged = COMMANDS.get(name), STAGED.get(name)
    data = None
    if (simple is not None or staged is not None) and 0 < size <= PAGE_SIZE:
        data = c.read(addr, size)
    if data is None:
        return "%s, %s, %d" % (head, ptr(addr), size)
    if simple is not None:
        return "%s, %s, %d" % (head, _text(c, simple, data), size)
    assert staged is not None
    c.saved["bpf_staged"] = True
    return "%s, %s" % (head, staged.enter(c, data))


def _exit(c: Ctx, entry: str) -> str:
    if not c.saved.get("bpf_staged"):
        return entry
    addr, size = c.args[1], u32(c.args[2])
    data = c.read(addr, size)
    if data is None:   # (what strace prints: the address after the fields at entry)
        return "%s%s, %d" % (entry, ptr(addr), size)
    return "%s%s, %d" % (entry, STAGED[_command(c)].leave(c, data), size)


def _ret(c: Ctx) -> str:
    name = _command(c)
    known = COMMANDS.get(name) or STAGED.get(name)
    if known is not None and known.fd and 0 <= (c.retval or 0) <= 0x7FFFFFFF:
        return c.fd(c.retval or 0)
    return R_DEC(c)


DECODERS = {"bpf": Spec(entry=_entry, exit=_exit, ret=_ret)}
