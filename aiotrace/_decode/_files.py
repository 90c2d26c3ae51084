# SPDX-License-Identifier: GPL-2.0-or-later
"""Printers of the file and descriptor calls: fcntl, ioctl, sendfile, and the argument
kinds of open, stat, mknod, utimensat... (named in the syscall table: see ``KINDS``)."""

from __future__ import annotations

import struct
from typing import Optional

from . import _pidns
from . import _structs as S
from . import _structs_tty as ST
from . import _structs_net as SN
from . import _xlat as X
from ._ctx import Ctx
from ._structs_full import date_comment
from ._style import combine
from ._style import get as _style_now
from ._kinds import E, F, Kind, Spec, out
from ._xlat import flags, hexa, ptr, s32, s64, u32, u64, xval


# -- fcntl -----------------------------------------------------------------

_F_NOARG = {1, 3, 9, 11, 1025, 1032, 1034, 17}
_FLOCK_SIZE = 32   # struct flock; struct f_owner_ex is 8 bytes
_DN_FLAGS = (("DN_ACCESS", 1), ("DN_MODIFY", 2), ("DN_CREATE", 4), ("DN_DELETE", 8),
             ("DN_RENAME", 0x10), ("DN_ATTRIB", 0x20), ("DN_MULTISHOT", 0x80000000))
_F_OWNER_TYPES = {0: "F_OWNER_TID", 1: "F_OWNER_PID", 2: "F_OWNER_PGRP"}
_F_OWNER_IDS = {0: _pidns.TID, 1: _pidns.TGID, 2: _pidns.PGID}


def _f_owner_ex(c: Ctx, addr: int) -> str:
    """F_SETOWN_EX's and F_GETOWN_EX's struct f_owner_ex."""
    got = c.unpack("<ii", addr)
    if got is None:
        return ptr(addr)
    kind, pid = got
    idtype = _F_OWNER_IDS.get(kind)
    return "{type=%s, pid=%s}" % (xval(kind, _F_OWNER_TYPES, "F_OWNER_???"),
                                  str(pid) if idtype is None else _pidns.pid(pid, idtype))

def _fcntl_entry(c: Ctx) -> str:
    fd, cmd, arg = c.args[0], s32(c.args[1]), c.args[2]
    head = "%s, %s" % (c.fd(fd), xval(cmd, X.FCNTL_CMDS, "F_???"))
    if cmd in _F_NOARG:
        return head
    if cmd in (0, 1030):
        return "%s, %d" % (head, s32(arg))
    if cmd == 2:
        return "%s, %s" % (head, flags(u32(arg), X.FD_FLAGS, "FD_???"))
    if cmd == 4:
        return "%s, %s" % (head, X.open_flags(arg))
    if cmd in (6, 7, 37, 38):
        return "%s, %s" % (head, S.flock(c, arg, False))
    if cmd in (5, 36, 16):
        return head + ", "
    if cmd == 8:
        return "%s, %s" % (head, _pidns.tgid_or_pgid(s32(arg)))
    if cmd == 15:
        return "%s, %s" % (head, _f_owner_ex(c, arg))
    if cmd == 10:
        return "%s, %s" % (head, X.signame(arg))
    if cmd == 1024:
        return "%s, %s" % (head, xval(s32(arg), X.LOCK_TYPES, "F_???"))
    if cmd == 1033:
        return "%s, %s" % (head, flags(u32(arg), X.F_SEALS, "F_SEAL_???"))
    if cmd == 1026:   # F_NOTIFY
        return "%s, %s" % (head, flags(arg, _DN_FLAGS, "DN_???"))
    if cmd == 1031:
        return "%s, %d" % (head, s32(arg))
    return "%s, %s" % (head, hexa(arg))

def _fcntl_exit(c: Ctx, entry: str) -> str:
    cmd = s32(c.args[1])
    if cmd in (5, 36):
        if c.failed:
            return entry + ptr(c.args[2])
        return entry + S.flock(c, c.args[2], True)
    if cmd == 16:
        return entry + (ptr(c.args[2]) if c.failed else _f_owner_ex(c, c.args[2]))
    return entry

def _fcntl_ret(c: Ctx) -> str:
    cmd = s32(c.args[1])
    r = c.retval or 0
    if cmd in (0, 1030):
        return c.fd(r)
    if cmd == 1:
        return "%s (flags %s)" % (hexa(r), flags(r, X.FD_FLAGS, "FD_???")) if r else "0"
    if cmd == 3:
        return "%s (flags %s)" % (hexa(r), X.open_flags(r))
    if cmd == 1034:
        return "%s (seals %s)" % (hexa(r), flags(r, X.F_SEALS, "F_SEAL_???")) if r else "0"
    if cmd == 1025:   # F_GETLEASE: the lease in hex, and its name
        name = X.LOCK_TYPES.get(r)
        return hexa(r) if name is None else "%s (%s)" % (hexa(r), name)
    if cmd == 11 and r > 0:   # F_GETSIG: the signal's name too
        return "%d (%s)" % (r, X.signame(r))
    if cmd == 9:   # F_GETOWN: a process, or a process group as a negative number
        return _pidns.pid(s32(r), _pidns.PGID if s32(r) < 0 else _pidns.TGID)
    return str(s64(r))


# -- ioctl -----------------------------------------------------------------

# How the third argument of a request is printed, for the terminal, FIO* and interface
# requests (the request's name comes from the ioctl name table: see _ioctl.request);
# any other request's argument is printed by _ioctl's families, or in hex. None: no
# argument; "int": its value; "*_in": read at entry; "*_out": shown at exit (termios,
# termios2 and termio: see _ioctl_more). struct ifreq: "ifreq_in" is read at entry;
# "ifreq_out" shows the name at entry and the value at exit (SIOCGIFNAME: the index at
# entry, the name at exit).
_ARGUMENTS: dict[Optional[str], tuple[int, ...]] = {
    # TIOCEXCL TIOCNXCL TIOCCONS TIOCNOTTY FIONCLEX FIOCLEX
    None: (0x540C, 0x540D, 0x541D, 0x5422, 0x5450, 0x5451),
    "int": (0x5409, 0x540A, 0x540B, 0x540E),    # TCSBRK TCXONC TCFLSH TIOCSCTTY
    "winsize_in": (0x5414,),                    # TIOCSWINSZ
    "winsize_out": (0x5413,),                   # TIOCGWINSZ
    # TIOCSPGRP FIONBIO FIOASYNC TIOCSPTLCK; TIOCGPGRP TIOCOUTQ FIONREAD TIOCGSID TIOCGPTN
    "intptr_in": (0x5410, 0x5421, 0x5452, 0x40045431),
    "intptr_out": (0x540F, 0x5411, 0x541B, 0x5429, 0x80045430),
    # SIOCSIF- FLAGS MTU ADDR DSTADDR BRDADDR NETMASK METRIC NAME HWADDR SLAVE, SIOCADDMULTI
    # SIOCDELMULTI, SIOCSIF- HWBROADCAST TXQLEN MAP
    "ifreq_in": (0x8914, 0x8922, 0x8916, 0x8918, 0x891A, 0x891C, 0x891E, 0x8923, 0x8924,
                 0x8930, 0x8931, 0x8932, 0x8937, 0x8943, 0x8971),
    # SIOCGIFNAME, SIOCGIF- FLAGS ADDR DSTADDR BRDADDR NETMASK MTU HWADDR INDEX TXQLEN
    # METRIC SLAVE MAP
    "ifreq_out": (0x8910, 0x8913, 0x8915, 0x8917, 0x8919, 0x891B, 0x8921, 0x8927, 0x8933,
                  0x8942, 0x891D, 0x8929, 0x8970),
    "ifconf_out": (0x8912,),                    # SIOCGIFCONF
}
_HOW: dict[int, Optional[str]] = {req: how for how, reqs in _ARGUMENTS.items() for req in reqs}

# (_ioctl, its tables and families, are imported by the first ioctl decoded)
def ioctl_request(req: int) -> str:
    from . import _ioctl
    return _ioctl.request(req)

def _ioctl_how(c: Ctx) -> Optional[str]:
    return _HOW.get(u32(c.args[1]), "hex")

def _ioctl_entry(c: Ctx) -> str:
    from . import _ioctl
    head = "%s, %s" % (c.fd(c.args[0]), ioctl_request(c.args[1]))
    text = _ioctl.argument_entry(c)
    if text is not None:
        return head + text
    how = _ioctl_how(c)
    arg = c.args[2]
    if how is None:
        return head
    if how == "hex":
        return "%s, %s" % (head, hexa(arg))
    if how == "int":
        return "%s, %d" % (head, s32(arg))
    if how == "intptr_in":
        return "%s, %s" % (head, S.int_ptr(c, arg))
    if how == "winsize_in":
        return "%s, %s" % (head, ST.winsize(c, arg))
    if how == "ifconf_out":   # struct ifconf: its length and buffer, kept for the exit
        got = c.unpack("<i4xQ", arg)
        if got is not None:
            c.saved["ifconf"] = got
        return head + ", "
    if how.startswith("ifreq"):
        data = c.read(arg, SN.IFREQ_SIZE)
        if data is None:
            return "%s, %s" % (head, ptr(arg))
        req = u32(c.args[1])
        if req == SN.SIOCGIFNAME:
            c.saved["ifreq"] = True
            return "%s, {ifr_ifindex=%d" % (head, struct.unpack_from("<i", data, 16)[0])
        if how == "ifreq_in":
            return "%s, {%s, %s}" % (head, SN.ifr_name(data), SN.ifr_value(c, req, data, arg))
        c.saved["ifreq"] = True   # the exit closes the struct this opened
        return "%s, {%s" % (head, SN.ifr_name(data))
    return head + ", "  # decoded at exit

def _ioctl_ret(c: Ctx) -> str:
    from . import _ioctl
    return _ioctl.return_value(c)

def _ioctl_exit(c: Ctx, entry: str) -> str:
    from . import _ioctl
    rest = _ioctl.argument_exit(c)
    if rest is not None:
        return entry + rest
    how = _ioctl_how(c)
    if how is None or not how.endswith("_out"):
        return entry
    arg = c.args[2]
    if how == "ifconf_out":
        return entry + _ifconf(c, arg)
    if how == "ifreq_out":
        if "ifreq" not in c.saved:
            return entry   # unreadable at entry: its address is shown
        data = None if c.failed else c.read(arg, SN.IFREQ_SIZE)
        if data is None:
            return entry + "}"
        req = u32(c.args[1])
        if req == SN.SIOCGIFNAME:
            return "%s, %s}" % (entry, SN.ifr_name(data))
        return "%s, %s}" % (entry, SN.ifr_value(c, req, data, arg))
    if c.failed:
        return entry + ptr(arg)
    if how == "winsize_out":
        return entry + ST.winsize(c, arg)
    return entry + S.int_ptr(c, arg)

def _ifconf(c: Ctx, arg: int) -> str:
    """SIOCGIFCONF's ``{ifc_len=IN => OUT, ifc_buf=[{ifr_name=..., ifr_addr=...}, ...]}``;
    only OUT when the buffer is NULL (a size query) or the length did not change."""
    before = c.saved.get("ifconf")
    if before is None:   # (unreadable at entry)
        return ptr(arg)
    len_in, buf = before
    after = None if c.failed else c.unpack("<i", arg)
    n = len_in if after is None else after[0]

    def size(v: int) -> str:
        if v > 0 and v % SN.IFREQ_SIZE == 0:
            return "%d /* %d * sizeof(struct ifreq) */" % (v, v // SN.IFREQ_SIZE)
        return str(v)

    lens = size(n) if after is None or buf == 0 or n == len_in else \
        "%d => %s" % (len_in, size(n))
    if buf == 0 or after is None:
        return "{ifc_len=%s, ifc_buf=%s}" % (lens, ptr(buf))
    items = []
    for i in range(max(n, 0) // SN.IFREQ_SIZE):
        data = c.read(buf + i * SN.IFREQ_SIZE, SN.IFREQ_SIZE)
        if data is None:
            break
        items.append("{%s, ifr_addr=%s}" % (SN.ifr_name(data),
                                             SN.sockaddr(c, buf + i * SN.IFREQ_SIZE + 16, 16)))
    from . import _ioctl
    return "{ifc_len=%s, ifc_buf=%s}" % (lens, _ioctl.array(c, items))   # (-s: how many)


# -- futex -----------------------------------------------------------------


# -- sendfile, splice, copy_file_range ---------------------------------------

def _sendfile_off(c: Ctx, i: int) -> str:
    return c.fields(c.args[i], "<Q", lambda off: "[%d]" % off)   # (unsigned, as strace)

def _sendfile_entry(c: Ctx) -> str:
    off = c.args[2]
    c.saved["offset"] = off != 0 and c.read(off, 8) is not None and c.args[3] != 0
    return "%s, %s, %s" % (c.fd(c.args[0]), c.fd(c.args[1]), _sendfile_off(c, 2))

def _sendfile_exit(c: Ctx, entry: str) -> str:
    """The offset the call moved: after ``=>`` when it sent bytes (strace prints it
    then, moved or not)."""
    extra = ""
    if c.saved.get("offset") and not c.failed and c.retval:
        extra = " => %s" % _sendfile_off(c, 2)
    return "%s%s, %d" % (entry, extra, u64(c.args[3]))


# -- paths, modes, times -----------------------------------------------------

def _utimens_one(sec: int, nsec: int) -> str:
    """One time of utimensat: its date as a comment (none for 0, nor when it has none),
    UTIME_NOW and UTIME_OMIT by name (-X: the timespec, raw or with the name in a
    comment); tv_nsec unsigned, as strace prints it."""
    out_ = "{tv_sec=%d, tv_nsec=%d}" % (sec, u64(nsec))
    if nsec in (_UTIME_NOW, _UTIME_OMIT):
        name = "UTIME_NOW" if nsec == _UTIME_NOW else "UTIME_OMIT"
        return combine(out_, name) if _style_now() else name
    return out_ + date_comment(sec, nsec)


_UTIME_NOW = (1 << 30) - 1
_UTIME_OMIT = (1 << 30) - 2

def _utimens_times(c: Ctx, i: int) -> str:
    return c.fields(c.args[i], "<qqqq", lambda sec0, nsec0, sec1, nsec1: "[%s, %s]" % (
        _utimens_one(sec0, nsec0), _utimens_one(sec1, nsec1)))

def _statx_flags(c: Ctx, i: int) -> str:
    v = u32(c.args[i])
    sync = v & 0x6000
    rest = v & ~0x6000
    out_ = flags(sync, X.AT_STATX_FLAGS, None) if sync else X.AT_STATX_SYNC_TYPE[0]
    if rest:
        out_ += "|" + flags(rest, X.AT_FLAGS, None)
    return out_

def _path_or_buf_out(c: Ctx, i: int) -> str:
    """readlink's buffer: retval bytes, limited by strsize."""
    return c.buf(c.args[i], c.retval or 0)

def _getcwd_out(c: Ctx, i: int) -> str:
    return c.path(c.args[i])

def _mknod_mode(c: Ctx, i: int) -> str:
    return X.file_mode(c.args[i] & 0xFFFF)   # umode_t: 16 bits

def _mknod_dev(mode_index: int) -> Kind:
    def fn(c: Ctx, i: int) -> Optional[str]:
        if c.args[mode_index] & 0o170000 in (0o020000, 0o060000):
            return S.makedev(u32(c.args[i]))   # (mknod's dev is an unsigned int)
        return None

    return Kind(fn)

_FADVISE = {0: "POSIX_FADV_NORMAL", 1: "POSIX_FADV_RANDOM", 2: "POSIX_FADV_SEQUENTIAL",
            3: "POSIX_FADV_WILLNEED", 4: "POSIX_FADV_DONTNEED", 5: "POSIX_FADV_NOREUSE"}

_FALLOC: X.Flags = (("FALLOC_FL_KEEP_SIZE", 1), ("FALLOC_FL_PUNCH_HOLE", 2),
                    ("FALLOC_FL_NO_HIDE_STALE", 4), ("FALLOC_FL_COLLAPSE_RANGE", 8),
                    ("FALLOC_FL_ZERO_RANGE", 0x10), ("FALLOC_FL_INSERT_RANGE", 0x20),
                    ("FALLOC_FL_UNSHARE_RANGE", 0x40))

_PIDFD_OPEN: X.Flags = (("PIDFD_NONBLOCK", 0o4000),)


# the names the syscall table gives these (see _specs)
KINDS: dict[str, Kind] = {
    "at_flags": F(X.AT_FLAGS, "AT_???"),
    "fadvise_advice": E(_FADVISE, "POSIX_FADV_???", signed=False),
    "fallocate_mode": F(_FALLOC, "FALLOC_FL_???"),
    "getcwd_buf": out(_getcwd_out),
    "mknod_mode": Kind(_mknod_mode),
    "off_ptr": Kind(_sendfile_off),
    "pidfd_open_flags": F(_PIDFD_OPEN, "PIDFD_???"),
    "readlink_buf": out(_path_or_buf_out),
    "statx_flags": Kind(_statx_flags),
    "utimens": Kind(_utimens_times),
}
FACTORIES = {"mknod_dev": _mknod_dev}
DECODERS = {
    # (all it reads: the struct flock or f_owner_ex its third argument points to, as the
    # command says, at the entry, and at the exit of F_GETLK and F_GETOWN_EX)
    "fcntl": Spec(ret=_fcntl_ret, entry=_fcntl_entry, exit=_fcntl_exit,
                  copies=(((2, "fixed", _FLOCK_SIZE),), ((2, "fixed", _FLOCK_SIZE),))),
    "ioctl": Spec(entry=_ioctl_entry, exit=_ioctl_exit, ret=_ioctl_ret),
    "sendfile": Spec(entry=_sendfile_entry, exit=_sendfile_exit),
}
