# SPDX-License-Identifier: GPL-2.0-or-later
"""System V IPC and POSIX message queues as strace 6.1 prints them (see ``_specs``):
msgget, msgsnd, msgrcv, msgctl, semget, semop, semtimedop, semctl, shmget, shmat, shmdt,
shmctl, with the x86-64 layouts of their structures (``struct msqid64_ds`` and
friends); mq_open, mq_timedsend, mq_timedreceive, mq_getsetattr."""

from __future__ import annotations

import struct
from typing import Callable

from . import _structs as S
from . import _xlat as X
from . import _xlat_misc as XM
from ._ctx import Ctx
from ._kinds import Kind, Spec, out
from ._misc import array
from ._style import combine
from ._xlat import Flags, flags, hexa, ptr, s32, u32, xval

IPC_64 = 0x100
IPC_SET = 1
_SHM_HUGE_SHIFT, _SHM_HUGE_MASK = 26, 0x3F
# the commands whose buffer the kernel fills: decoded at the exit
_STAT = {"msgctl": {2, 11, 13}, "semctl": {2, 18, 20}, "shmctl": {2, 13, 15}}
_INFO = {"msgctl": {3, 12}, "semctl": {3, 19}, "shmctl": {3, 14}}

# -- the get calls -------------------------------------------------------------------


def _key(c: Ctx, i: int) -> str:
    v = u32(c.args[i])
    return combine("0", "IPC_PRIVATE") if not v else hexa(v)


def _get_flags(table: Flags, huge: bool = False) -> Callable[[Ctx, int], str]:
    """The flags (nothing when none) then the permission bits: ``IPC_CREAT|0600``;
    shmget's huge page size as ``N<<SHM_HUGE_SHIFT``."""

    def fn(c: Ctx, i: int) -> str:
        v = c.args[i] & X.MASK64
        rest = u32(v & ~0o777)
        parts = []
        size = rest & (_SHM_HUGE_MASK << _SHM_HUGE_SHIFT) if huge else 0
        rest &= ~size
        if rest:
            parts.append(flags(rest, table, None))
        if size:
            shift = combine(str(_SHM_HUGE_SHIFT), "SHM_HUGE_SHIFT")
            parts.append("%d<<%s" % (size >> _SHM_HUGE_SHIFT, shift))
        parts.append(X.octal(v & 0o777))
        return "|".join(parts)

    return fn


# -- messages, semaphores ------------------------------------------------------------


def _msgbuf(c: Ctx, i: int) -> str:
    """``{mtype=N, mtext="..."}``: the text as long as argument 2 says."""
    addr = c.args[i]
    if addr == 0:
        return "NULL"
    v = c.unpack("<q8x", addr)
    if v is None or not c.verbose:
        return hexa(addr)
    return "{mtype=%d, mtext=%s}" % (v[0], c.buf(addr + 8, c.args[2]))


def _sembuf(data: bytes) -> str:
    num, op, flg = struct.unpack("<HhH", data)
    return "{sem_num=%d, sem_op=%d, sem_flg=%s}" % (num, op, flags(flg, XM.SEMOP_FLAGS, "SEM_???"))


def _sops(c: Ctx, i: int) -> str:
    return array(c, c.args[i], u32(c.args[i + 1]), 6, _sembuf)


# -- the ctl calls -------------------------------------------------------------------


def _cmd(v: int, table: dict[int, str], unknown: str) -> str:
    v = u32(v)
    text = xval(v & ~IPC_64, table, unknown)
    return combine(hexa(IPC_64), "IPC_64") + "|" + text if v & IPC_64 else text


def _id(v: int) -> str:
    """A uid or gid: -1 as such, the others unsigned."""
    return "-1" if v == 0xFFFFFFFF else str(v)


def _perm(data: bytes, cmd: int) -> str:
    key, uid, gid, cuid, cgid, mode = struct.unpack_from("<iIIIII", data)
    if cmd == IPC_SET:
        return "{uid=%s, gid=%s, mode=%s}" % (_id(uid), _id(gid), X.octal(mode))
    return "{uid=%s, gid=%s, mode=%s, key=%d, cuid=%s, cgid=%s}" % (
        _id(uid), _id(gid), X.octal(mode), u32(key), _id(cuid), _id(cgid))


def _msqid_ds(data: bytes, cmd: int) -> str:
    stime, rtime, ctime, _cbytes, qnum, qbytes, lspid, lrpid = struct.unpack_from(
        "<QQQQQQii", data, 48)
    if cmd == IPC_SET:
        return "{msg_perm=%s, msg_qbytes=%d}" % (_perm(data, cmd), qbytes)
    return ("{msg_perm=%s, msg_stime=%d, msg_rtime=%d, msg_ctime=%d, msg_qnum=%d, "
            "msg_qbytes=%d, msg_lspid=%d, msg_lrpid=%d}" % (
                _perm(data, cmd), stime, rtime, ctime, qnum, qbytes, lspid, lrpid))


def _msginfo(data: bytes, cmd: int) -> str:
    v = struct.unpack("<7iH2x", data)
    return ("{msgpool=%d, msgmap=%d, msgmax=%d, msgmnb=%d, msgmni=%d, msgssz=%d, "
            "msgtql=%d, msgseg=%d}" % v)


def _semid_ds(data: bytes, cmd: int) -> str:
    otime, _u1, ctime, _u2, nsems = struct.unpack_from("<QQQQQ", data, 48)
    if cmd == IPC_SET:
        return "{sem_perm=%s}" % _perm(data, cmd)
    return "{sem_perm=%s, sem_otime=%d, sem_ctime=%d, sem_nsems=%d}" % (
        _perm(data, cmd), otime, ctime, nsems)


def _seminfo(data: bytes, cmd: int) -> str:
    return ("{semmap=%d, semmni=%d, semmns=%d, semmnu=%d, semmsl=%d, semopm=%d, semume=%d, "
            "semusz=%d, semvmx=%d, semaem=%d}" % struct.unpack("<10i", data))


def _shmid_ds(data: bytes, cmd: int) -> str:
    segsz, atime, dtime, ctime, cpid, lpid, nattch = struct.unpack_from("<QQQQiiQ", data, 48)
    if cmd == IPC_SET:
        return "{shm_perm=%s}" % _perm(data, cmd)
    return ("{shm_perm=%s, shm_segsz=%d, shm_cpid=%d, shm_lpid=%d, shm_nattch=%d, "
            "shm_atime=%d, shm_dtime=%d, shm_ctime=%d}" % (
                _perm(data, cmd), segsz, cpid, lpid, nattch, atime, dtime, ctime))


def _shm_ipc_info(data: bytes, cmd: int) -> str:
    return "{shmmax=%d, shmmin=%d, shmmni=%d, shmseg=%d, shmall=%d}" % struct.unpack_from(
        "<5Q", data)


def _shm_info(data: bytes, cmd: int) -> str:
    return ("{used_ids=%d, shm_tot=%d, shm_rss=%d, shm_swp=%d, swap_attempts=%d, "
            "swap_successes=%d}" % struct.unpack("<i4x5Q", data))


Render = Callable[[bytes, int], str]
# per call: (its commands, their prefix, where cmd and buf are, the ds and info structs)
_CTLS: dict[str, tuple[dict[int, str], str, int, tuple[int, Render], tuple[int, Render],
                       tuple[int, Render] | None]] = {
    "msgctl": (XM.MSGCTL_CMDS, "MSG_???", 1, (120, _msqid_ds), (32, _msginfo), None),
    "semctl": (XM.SEMCTL_CMDS, "SEM_???", 2, (104, _semid_ds), (40, _seminfo), None),
    "shmctl": (XM.SHMCTL_CMDS, "SHM_???", 1, (112, _shmid_ds), (72, _shm_ipc_info),
               (48, _shm_info)),
}


def _ctl_buf(c: Ctx) -> str:
    cmds, _, at, ds, info, shm_info = _CTLS[c.name]
    cmd, addr = u32(c.args[at]) & ~IPC_64, c.args[at + 1]
    if cmd in _STAT[c.name] or cmd == IPC_SET:
        size, render = ds
    elif cmd in _INFO[c.name]:
        size, render = shm_info if shm_info and cmd == 14 else info
    else:
        return ptr(addr)
    if addr == 0:
        return "NULL"
    if c.failed or not c.verbose:
        return hexa(addr)
    data = c.read(addr, size)
    return hexa(addr) if data is None else render(data, cmd)


def _ctl_entry(c: Ctx) -> str:
    cmds, unknown, at, *_ = _CTLS[c.name]
    head = ", ".join(["%d" % s32(c.args[0])] + (["%d" % s32(c.args[1])] if at == 2 else [])
                     + [_cmd(c.args[at], cmds, unknown)])
    cmd = u32(c.args[at]) & ~IPC_64
    if cmd in _STAT[c.name] or cmd in _INFO[c.name]:
        return head + ", "
    return "%s, %s" % (head, _ctl_buf(c))


def _ctl_exit(c: Ctx, entry: str) -> str:
    return entry + _ctl_buf(c) if entry.endswith(", ") else entry


# -- POSIX message queues ------------------------------------------------------------

def _mq_attr(c: Ctx, addr: int, named: bool) -> str:
    """``struct mq_attr``: its flags named (mq_getsetattr) or in hex (mq_open)."""
    def render(fl: int, maxmsg: int, msgsize: int, curmsgs: int) -> str:
        shown = flags(fl, XM.MQ_ATTR_FLAGS, "O_???") if named else hexa(fl)
        return "{mq_flags=%s, mq_maxmsg=%d, mq_msgsize=%d, mq_curmsgs=%d}" % (
            shown, maxmsg, msgsize, curmsgs)

    return c.struct(addr, "<Qqqq32x", render)


def _mq_creating(c: Ctx) -> bool:
    return bool(c.args[1] & X.O_CREAT)


def _mq_mode(c: Ctx, i: int) -> str | None:
    return X.octal(c.args[i] & 0xFFFF) if _mq_creating(c) else None


def _mq_open_attr(c: Ctx, i: int) -> str | None:
    return _mq_attr(c, c.args[i], False) if _mq_creating(c) else None


def _mq_prio_out(c: Ctx, i: int) -> str:
    return c.struct(c.args[i], "<I", lambda v: "[%d]" % v)


def _mq_timeout_late(c: Ctx, i: int) -> str:
    """mq_timedreceive's timeout, read by the kernel at the entry: printed at the
    exit, failed or not."""
    return S.timespec(c, c.args[i])


_CTL_SPEC = Spec(entry=_ctl_entry, exit=_ctl_exit)
DECODERS = {"msgctl": _CTL_SPEC, "semctl": _CTL_SPEC, "shmctl": _CTL_SPEC}
KINDS: dict[str, Kind] = {
    "ipc_key": Kind(_key),
    "ipc_get_flags": Kind(_get_flags(XM.IPC_GET_FLAGS)),
    "shmget_flags": Kind(_get_flags(XM.SHMGET_FLAGS, huge=True)),
    "shmat_flags": Kind(lambda c, i: flags(u32(c.args[i]), XM.SHMAT_FLAGS, "SHM_???")),
    "msg_flags": Kind(lambda c, i: flags(u32(c.args[i]), XM.IPC_MSG_FLAGS, "MSG_???")),
    "msgbuf": Kind(_msgbuf),
    "msgbuf_out": out(_msgbuf),
    "sops": Kind(_sops),
    # (a queue's name, printed as a path, but not a file's: not one for -P)
    "mq_name": Kind(lambda c, i: c.path(c.args[i])),
    "mq_mode": Kind(_mq_mode),
    "mq_open_attr": Kind(_mq_open_attr),
    "mq_attr": Kind(lambda c, i: _mq_attr(c, c.args[i], True)),
    "mq_attr_out": out(lambda c, i: _mq_attr(c, c.args[i], True)),
    "mq_prio_out": out(_mq_prio_out),
    "mq_timeout_late": Kind(_mq_timeout_late, True),
}
