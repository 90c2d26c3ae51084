# SPDX-License-Identifier: GPL-2.0-or-later
"""ioctl: seccomp's user notifications ('!', linux/seccomp.h), as strace 6.1 decodes
them: the notification received (the call a filtered thread made), the response, the
validity check of an id, and the descriptor added to the notifying process."""

from __future__ import annotations

import struct
from typing import Optional

from . import _ioctl as I
from . import _pidns, _style
from . import _xlat as X
from ._ctx import Ctx
from ._siginfo import AUDIT_ARCHES as _AUDIT_ARCHES
from ._siginfo import syscall_nr as _nr
from ._xlat import flags, hexa, ptr, s32, xval
from ._xlat_ioctl import SECCOMP_ADDFD_FLAGS, SECCOMP_RESP_FLAGS
from ._xlat_ioctl_names import code

_RECV, _SEND = code("SECCOMP_IOCTL_NOTIF_RECV"), code("SECCOMP_IOCTL_NOTIF_SEND")
# (and the number of the same request with _IOC_READ, that strace names too)
_ID_VALID = (code("SECCOMP_IOCTL_NOTIF_ID_VALID"), I.ioc(2, ord("!"), 2, 8))
_ADDFD = code("SECCOMP_IOCTL_NOTIF_ADDFD")
_NOTIF = 80                        # struct seccomp_notif


def _notif(d: bytes) -> str:
    nid, pid, nflags, nr, arch, ip = struct.unpack_from("<QIIiIQ", d)
    args = struct.unpack_from("<6Q", d, 32)
    data = "{nr=%s, arch=%s, instruction_pointer=%s, args=%s}" % (
        _nr(nr & 0xFFFFFFFF, arch), xval(arch, _AUDIT_ARCHES, "AUDIT_ARCH_???"), ptr(ip),
        I.hex_array(args))
    return "{id=%s, pid=%s, flags=%s, data=%s}" % (
        hexa(nid), _pidns.pid(s32(pid), _pidns.TGID), hexa(nflags), data)


def _recv(c: Ctx, arg: int) -> str:
    """At entry, the structure when it is not all zeros, then `` => ``; at exit, the
    structure the call filled (its address when the call failed)."""
    data = I.fetch(c, arg, _NOTIF)
    if not c.exiting:
        if isinstance(data, str):
            return I.done(c, ", " + data)
        return ", " + _notif(data) + " => " if any(data) else ", "
    return data if isinstance(data, str) else _notif(data)


def _errno(err: int) -> str:
    name = X.ERRNO_NAMES.get(-err) if err < 0 else None
    if name is None:
        return str(err)
    return _style.combine(str(err), "-" + name)


def _resp(d: bytes) -> str:
    rid, val, err, rflags = struct.unpack_from("<QqiI", d)
    return "{id=%s, val=%d, error=%s, flags=%s}" % (
        hexa(rid), val, _errno(err),
        flags(rflags, SECCOMP_RESP_FLAGS, "SECCOMP_USER_NOTIF_FLAG_???"))


def _addfd(c: Ctx, d: bytes) -> str:
    aid, aflags, srcfd, newfd, newfd_flags = struct.unpack_from("<QIIiI", d)
    return "{id=%s, flags=%s, srcfd=%s, newfd=%d, newfd_flags=%s}" % (
        hexa(aid), flags(aflags, SECCOMP_ADDFD_FLAGS, "SECCOMP_ADDFD_FLAG_???"),
        c.fd(srcfd), newfd, flags(newfd_flags, X.O_FLAGS, "O_???"))


def _seccomp(c: Ctx, req: int, arg: int) -> Optional[str]:
    if req == _RECV:
        return _recv(c, arg)
    if req == _SEND:
        return I.at_entry(c, arg, 24, _resp)
    if req in _ID_VALID:
        return I.at_entry(c, arg, 8, lambda d: "[%s]" % hexa(struct.unpack("<Q", d)[0]))
    if req == _ADDFD:
        return I.at_entry(c, arg, 24, lambda d: _addfd(c, d))
    return None


I.FAMILIES[ord("!")] = _seccomp
