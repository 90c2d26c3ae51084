# SPDX-License-Identifier: GPL-2.0-or-later
"""sendmmsg and recvmmsg, as strace 6.1 prints them.

sendmmsg's messages are printed at its end, with each sent one's ``msg_len`` (the
messages too when it failed). recvmmsg's are printed at its end, the ones it received
(its address when it failed); the ``msg_namelen`` of each as the caller gave it at
entry, ``=>`` what the kernel wrote; its timeout as it was at entry, and what was left
of it after the return value (``= 1 (left {...})``, ``= 0 (Timeout)``). With ``-e
verbose=`` for the call, the addresses alone, all at entry.
"""

from __future__ import annotations

import struct

from . import _structs as S
from . import _structs_net as SN
from . import _xlat_net as XN
from ._ctx import Ctx
from ._kinds import Spec
from ._xlat import flags, ptr, s64, u32

IOV_MAX = 1024
_MMSGHDR = struct.Struct("<QI4xQQQQi4xI4x")   # struct mmsghdr: a msghdr and msg_len


def _flags(c: Ctx) -> str:
    return flags(u32(c.args[3]), XN.MSG_FLAGS, "MSG_???")


def _sendmmsg_entry(c: Ctx) -> str:
    if not c.verbose:
        return "%s, %s, %d, %s" % (c.fd(c.args[0]), ptr(c.args[1]), u32(c.args[2]), _flags(c))
    return c.fd(c.args[0]) + ", "


def _sendmmsg_exit(c: Ctx, entry: str) -> str:
    if not c.verbose:
        return entry
    sent = 0 if c.failed else s64(c.retval or 0)
    return "%s%s, %d, %s" % (entry, SN.mmsghdr_array(c, c.args[1], u32(c.args[2]), sent),
                              u32(c.args[2]), _flags(c))


def _namelens(c: Ctx, addr: int, count: int) -> list[int]:
    """The msg_namelen of the first *count* messages (up to the first unreadable)."""
    out = []
    for i in range(min(count, IOV_MAX)):
        data = c.read(addr + _MMSGHDR.size * i, _MMSGHDR.size)
        if data is None:
            break
        out.append(_MMSGHDR.unpack(data)[1])
    return out


def _recvmmsg_entry(c: Ctx) -> str:
    timeout = S.timespec(c, c.args[4])
    if not c.verbose:
        return "%s, %s, %d, %s, %s" % (c.fd(c.args[0]), ptr(c.args[1]), u32(c.args[2]),
                                       _flags(c), timeout)
    c.saved["namelens"] = _namelens(c, c.args[1], u32(c.args[2]))
    c.saved["timeout"] = timeout
    return c.fd(c.args[0]) + ", "


def _recvmmsg_exit(c: Ctx, entry: str) -> str:
    if not c.verbose:
        return entry
    if c.failed:
        msgs = ptr(c.args[1])
    else:
        got = u32(c.retval or 0)
        msgs = SN.mmsghdr_array(c, c.args[1], got, got, c.saved.get("namelens") or [])
    return "%s%s, %d, %s, %s" % (entry, msgs, u32(c.args[2]), _flags(c),
                                 c.saved.get("timeout") or S.timespec(c, c.args[4]))


def _recvmmsg_ret(c: Ctx) -> str:
    r = c.retval or 0
    if r == 0:
        return "0 (Timeout)"
    if c.verbose and c.args[4]:
        return "%d (left %s)" % (r, S.timespec(c, c.args[4]))
    return str(r)


DECODERS = {
    "sendmmsg": Spec(entry=_sendmmsg_entry, exit=_sendmmsg_exit),
    "recvmmsg": Spec(entry=_recvmmsg_entry, exit=_recvmmsg_exit, ret=_recvmmsg_ret),
}
