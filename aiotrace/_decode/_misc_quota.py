# SPDX-License-Identifier: GPL-2.0-or-later
"""quotactl and quotactl_fd, as strace 6.1 prints them.

The command word is ``QCMD(command, type)`` (its upper 24 bits and its low byte). What
follows depends on the command: nothing (Q_QUOTAOFF, the syncs), the id and a structure
the kernel reads (printed at entry) or writes (printed at exit: its address when the call
failed), a quota format, a file name, a set of flags in brackets. A command this module
does not know prints the id and the address. Each command is a row of ``_ROWS``: what its
arguments are at entry, and the printer of what the kernel writes, if it writes.
"""

from __future__ import annotations

from typing import Callable, NamedTuple, Optional

from . import _xlat_quota as XQ
from ._ctx import Ctx
from ._ioctl import struct as _umove
from ._kinds import Spec
from ._style import composite
from ._xlat import flags, hexa, ptr, u32, xval

Render = Callable[[Ctx, int], str]   # (ctx, address) -> the structure's text


@composite(lambda v: str(u32(v)))
def qcmd(v: int) -> str:
    """``QCMD(Q_GETQUOTA, USRQUOTA)``: raw the number in decimal, verbose both; the two
    halves are named in abbrev style in every style but raw."""
    v = u32(v)
    return "QCMD(%s, %s)" % (xval(v >> 8, XQ.QUOTA_CMDS, "Q_???"),
                             xval(v & 0xFF, XQ.QUOTA_TYPES, "???QUOTA"))


def _uid(v: int) -> str:
    v = u32(v)
    return "-1" if v == 0xFFFFFFFF else str(v)


def _named(*pairs: tuple[str, object]) -> list[str]:
    return ["%s=%s" % p for p in pairs]


def _brief(c: Ctx, shown: list[str], more: list[str]) -> str:
    """A structure of which -v shows *more* fields, and the default ``...`` instead."""
    return "{" + ", ".join(shown + (["..."] if c.abbrev else more)) + "}"


_DQBLK = ("dqb_bhardlimit", "dqb_bsoftlimit", "dqb_curspace", "dqb_ihardlimit",
          "dqb_isoftlimit", "dqb_curinodes")


def _dqblk(c: Ctx, addr: int, nextdq: bool = False) -> str:
    """struct if_dqblk (strace reads it without its padding), or if_nextdqblk, whose id
    is shown without -v too."""

    def render(*v: int) -> str:
        shown = _named(*zip(_DQBLK, v[:6], strict=True))
        more = _named(("dqb_btime", v[6]), ("dqb_itime", v[7]),
                      ("dqb_valid", flags(v[8], XQ.DQBLK_VALID, "QIF_???")))
        if nextdq:
            dq_id = "dqb_id=%d" % v[9]
            if c.abbrev:
                shown.append(dq_id)
            else:
                more.append(dq_id)
        return _brief(c, shown, more)
    return _umove(c, addr, "<8QII" if nextdq else "<8QI", render)


def _nextdqblk(c: Ctx, addr: int) -> str:
    return _dqblk(c, addr, nextdq=True)


def _dqinfo(c: Ctx, addr: int) -> str:
    return _umove(c, addr, "<QQII", lambda bgrace, igrace, fl, valid: "{%s}" % ", ".join(
        _named(("dqi_bgrace", bgrace), ("dqi_igrace", igrace),
               ("dqi_flags", flags(fl, XQ.DQINFO_FLAGS, "DQF_???")),
               ("dqi_valid", flags(valid, XQ.DQINFO_VALID, "IIF_???")))))


_DISK_QUOTA = ("d_id", "d_blk_hardlimit", "d_blk_softlimit", "d_ino_hardlimit",
               "d_ino_softlimit", "d_bcount", "d_icount")
_DISK_QUOTA_MORE = ("d_itimer", "d_btimer", "d_iwarns", "d_bwarns", "d_rtb_hardlimit",
                    "d_rtb_softlimit", "d_rtbcount", "d_rtbtimer", "d_rtbwarns")


def _disk_quota(c: Ctx, addr: int) -> str:
    """struct fs_disk_quota (XFS)."""

    def render(version: int, fl: int, mask: int, *v: int) -> str:
        shown = _named(("d_version", version),
                       ("d_flags", flags(fl, XQ.XFS_DQBLK_FLAGS, "FS_???_QUOTA")),
                       ("d_fieldmask", hexa(mask)))
        shown += _named(*zip(_DISK_QUOTA, v[:7], strict=True))
        return _brief(c, shown, _named(*zip(_DISK_QUOTA_MORE, v[7:], strict=True)))
    return _umove(c, addr, "<bBHI6QiiHH4x3QiH10x", render)


_FILESTAT = "QQI4x"   # struct fs_qfilestat, fs_qfilestatv
_LIMITS = ("qs_btimelimit", "qs_itimelimit", "qs_rtbtimelimit", "qs_bwarnlimit",
           "qs_iwarnlimit")


def _filestat(ino: int, nblks: int, nextents: int) -> str:
    return "{qfs_ino=%d, qfs_nblks=%d, qfs_nextents=%d}" % (ino, nblks, nextents)


def _quota_stat(c: Ctx, addr: int, statv: bool = False) -> str:
    """struct fs_quota_stat (XFS), or fs_quota_statv (its incore count before the files,
    and a third file, the project quotas')."""

    def render(version: int, fl: int, *v: int) -> str:
        head = _named(("qs_version", version),
                      ("qs_flags", flags(fl, XQ.XFS_QUOTA_FLAGS, "FS_QUOTA_???")))
        nfiles = 3 if statv else 2
        files = [_filestat(*v[i:i + 3]) for i in range(1 if statv else 0, 3 * nfiles, 3)]
        incore = v[0] if statv else v[3 * nfiles]
        names = ("qs_uquota", "qs_gquota", "qs_pquota")[:nfiles]
        more = _named(*zip(names, files, strict=True))
        more.insert(0 if statv else nfiles, "qs_incoredqs=%d" % incore)
        more += _named(*zip(_LIMITS, v[-5:], strict=True))
        return _brief(c, head[:1], head[1:] + more)
    if statv:
        return _umove(c, addr, "<bxHI" + _FILESTAT * 3 + "iiiHH64x", render)
    return _umove(c, addr, "<bxHxxxx" + _FILESTAT * 2 + "IiiiHH4x", render)


def _quota_statv(c: Ctx, addr: int) -> str:
    return _quota_stat(c, addr, statv=True)


def _in_brackets(show: Callable[[int], str]) -> Render:
    return lambda c, addr: _umove(c, addr, "<I", lambda v: "[%s]" % show(v))


_FORMAT = _in_brackets(lambda v: xval(v, XQ.QUOTA_FORMATS, "QFMT_VFS_???"))
_XFS_FLAGS = _in_brackets(lambda v: flags(v, XQ.XFS_QUOTA_FLAGS, "FS_QUOTA_???"))
_XFS_TYPES = _in_brackets(lambda v: flags(v, XQ.XFS_DQBLK_FLAGS, "FS_???_QUOTA"))


class _Row(NamedTuple):
    with_id: bool = False              # the id (argument 2) is printed
    at_entry: Optional[Render] = None  # a structure the kernel reads
    at_exit: Optional[Render] = None   # ... or writes
    data: bool = True                  # the data argument is printed at all


def _rows() -> dict[str, _Row]:
    none = _Row(data=False)
    return {
        "Q_QUOTAOFF": none, "Q_SYNC": none, "Q_XQUOTASYNC": none,
        "Q_GETQUOTA": _Row(True, at_exit=_dqblk), "Q_SETQUOTA": _Row(True, _dqblk),
        "Q_GETNEXTQUOTA": _Row(True, at_exit=_nextdqblk),
        "Q_XGETQUOTA": _Row(True, at_exit=_disk_quota),
        "Q_XGETNEXTQUOTA": _Row(True, at_exit=_disk_quota),
        "Q_XSETQLIM": _Row(True, _disk_quota),
        "Q_GETFMT": _Row(at_exit=_FORMAT),
        "Q_GETINFO": _Row(at_exit=_dqinfo), "Q_SETINFO": _Row(at_entry=_dqinfo),
        "Q_XGETQSTAT": _Row(at_exit=_quota_stat), "Q_XGETQSTATV": _Row(at_exit=_quota_statv),
        "Q_XQUOTAON": _Row(at_entry=_XFS_FLAGS), "Q_XQUOTAOFF": _Row(at_entry=_XFS_FLAGS),
        "Q_XQUOTARM": _Row(at_entry=_XFS_TYPES),
    }


_BY_CMD: dict[int, _Row] = {}
_Q_QUOTAON = 0x800002
_DEFAULT = _Row(True)


def _row(c: Ctx, qcmd_arg: int) -> _Row:
    if not _BY_CMD:
        codes = {name: cmd for cmd, name in XQ.QUOTA_CMDS.items()}
        _BY_CMD.update((codes[name], row) for name, row in _rows().items())
    return _BY_CMD.get(u32(c.args[qcmd_arg]) >> 8, _DEFAULT)


def _data_entry(c: Ctx, qcmd_arg: int) -> str:
    """What follows the command (and the file name or descriptor) at entry."""
    cmd = u32(c.args[qcmd_arg]) >> 8
    dq_id, data = c.args[2], c.args[3]
    if cmd == _Q_QUOTAON:
        return ", %s, %s" % (xval(u32(dq_id), XQ.QUOTA_FORMATS, "QFMT_VFS_???"),
                             c.path(data))
    row = _row(c, qcmd_arg)
    if not row.data:
        return ""
    out = ", " + _uid(dq_id) if row.with_id else ""
    if row.at_exit is not None:
        c.saved["quota_out"] = True
        return out + ", "
    if row.at_entry is not None:
        return out + ", " + row.at_entry(c, data)
    return out + ", " + ptr(data)


def _data_exit(qcmd_arg: int) -> Callable[[Ctx, str], str]:
    def fn(c: Ctx, entry: str) -> str:
        row = _row(c, qcmd_arg)
        if row.at_exit is None or not c.saved.get("quota_out"):
            return entry
        return entry + row.at_exit(c, c.args[3])
    return fn


def _quotactl_entry(c: Ctx) -> str:
    return qcmd(c.args[0]) + ", " + c.path(c.args[1]) + _data_entry(c, 0)


def _quotactl_fd_entry(c: Ctx) -> str:
    return c.fd(c.args[0]) + ", " + qcmd(c.args[1]) + _data_entry(c, 1)


DECODERS = {
    "quotactl": Spec(entry=_quotactl_entry, exit=_data_exit(0)),
    "quotactl_fd": Spec(entry=_quotactl_fd_entry, exit=_data_exit(1)),
}
