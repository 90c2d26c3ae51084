"""quotactl and quotactl_fd as strace 6.1 prints them (the lines its tests quotactl.c,
quotactl-xfs.c and quotactl_fd.c expect), in each -X style and with -v. Tables, no
tracee: the decoder is given the registers and a fake memory (data at A)."""

from __future__ import annotations

import errno
import struct

import pytest

from fake_memory import A, Memory
from aiotrace._decode import _style, format_entry, format_exit, format_syscall_line

ENOENT = -errno.ENOENT
ENOENT_TEXT = "-1 ENOENT (No such file or directory)"
EFAULT = -errno.EFAULT
M64 = (1 << 64) - 1
STYLES = {"abbrev": _style.ABBREV, "raw": _style.RAW, "verbose": _style.VERBOSE}


def qcmd(cmd: int, typ: int) -> int:
    return cmd << 8 | typ


Q_SYNC, Q_QUOTAON, Q_QUOTAOFF, Q_GETFMT = 0x800001, 0x800002, 0x800003, 0x800004
Q_GETINFO, Q_SETINFO, Q_GETQUOTA, Q_SETQUOTA = 0x800005, 0x800006, 0x800007, 0x800008
Q_GETNEXTQUOTA = 0x800009
Q_XQUOTAON, Q_XGETQUOTA, Q_XSETQLIM, Q_XGETQSTAT = 0x5801, 0x5803, 0x5804, 0x5805
Q_XQUOTARM, Q_XGETQSTATV = 0x5806, 0x5808
PATH = b"/dev/x\0\0"   # the file name, at A; the structures after it, at B
B = A + 8


def line(name: str, args: tuple[int, ...], ret: int, data: bytes = b"", *,
         style: str = "abbrev", v: bool = False) -> str:
    mem = Memory(data)
    kw = {"xstyle": STYLES[style], "abbrev": not v}
    entry = format_entry(name, args, mem, **kw)
    full, rtext = format_exit(name, args, ret, mem, entry_text=entry, **kw)
    return format_syscall_line(name, full, rtext, column=0)


DQBLK = struct.pack("<8QI", *range(1, 9), 0x41)                 # if_dqblk, unpadded
NEXTDQBLK = struct.pack("<8QII", *range(1, 9), 0xFFFFFFC3, 77)   # if_nextdqblk
DQINFO = struct.pack("<QQII", 7, 8, 0x10001 | 0x100, 0x4)
DISK_QUOTA = struct.pack("<bBHI6QiiHH4x3QiH10x", -2, 0x85, 0xABC, 0xFFFFFFFF, *range(10, 16),
                         -3, 4, 5, 6, 20, 21, 22, -7, 8)
FILESTAT = struct.pack("<QQI4x", 1, 2, 3)
QUOTA_STAT = (struct.pack("<bxHxxxx", 1, 0x21) + FILESTAT * 2
              + struct.pack("<IiiiHH4x", 9, -1, 2, 3, 4, 5))
QUOTA_STATV = (struct.pack("<bxHI", 1, 0x10, 9) + FILESTAT * 3
               + struct.pack("<iiiHH64x", -1, 2, 3, 4, 5))
DQ_ABBREV = "{dqb_bhardlimit=1, dqb_bsoftlimit=2, dqb_curspace=3, dqb_ihardlimit=4," \
            " dqb_isoftlimit=5, dqb_curinodes=6"
FS = "{qfs_ino=1, qfs_nblks=2, qfs_nextents=3}"

# (name, arguments, data at A, return value, style, -v, the line)
LINES = [
    # the command word: its two halves, named in each style
    ("quotactl", (0xBADC0DED, A, 0xCAFE, 0), PATH, ENOENT, "abbrev", False,
     'quotactl(QCMD(0xbadc0d /* Q_??? */, 0xed /* ???QUOTA */), "/dev/x", 51966, NULL) = '
     + ENOENT_TEXT),
    ("quotactl", (M64 << 32 | qcmd(Q_QUOTAON, 1), A, 2, A), PATH, ENOENT, "abbrev", False,
     'quotactl(QCMD(Q_QUOTAON, GRPQUOTA), "/dev/x", QFMT_VFS_V0, "/dev/x") = ' + ENOENT_TEXT),
    ("quotactl", (qcmd(Q_QUOTAON, 0), A, 9, A), PATH, ENOENT, "raw", False,
     'quotactl(2147484160, "/dev/x", 0x9, "/dev/x") = ' + ENOENT_TEXT),
    ("quotactl", (qcmd(Q_QUOTAON, 3), A, 9, 0), PATH, ENOENT, "verbose", False,
     'quotactl(2147484163 /* QCMD(Q_QUOTAON, 0x3 /* ???QUOTA */) */, "/dev/x",'
     " 0x9 /* QFMT_VFS_??? */, NULL) = " + ENOENT_TEXT),
    # no more arguments; an unknown command: the id and the address
    ("quotactl", (qcmd(Q_QUOTAOFF, 2), A + 0x100, 5, 6), PATH, 0, "abbrev", False,
     "quotactl(QCMD(Q_QUOTAOFF, PRJQUOTA), 0x10100) = 0"),
    ("quotactl", (qcmd(Q_SYNC, 0), 0), b"", 0, "abbrev", False,
     "quotactl(QCMD(Q_SYNC, USRQUOTA), NULL) = 0"),
    ("quotactl", (qcmd(0x42, 0), 0, 0xFFFFFFFF, 0x1234), b"", 0, "abbrev", False,
     "quotactl(QCMD(0x42 /* Q_??? */, USRQUOTA), NULL, -1, 0x1234) = 0"),
    # structures the kernel writes: at exit, their address when the call failed
    ("quotactl", (qcmd(Q_GETQUOTA, 0), A, 3, B), PATH + DQBLK, 0, "abbrev", False,
     'quotactl(QCMD(Q_GETQUOTA, USRQUOTA), "/dev/x", 3, %s, ...}) = 0' % DQ_ABBREV),
    ("quotactl", (qcmd(Q_GETQUOTA, 0), A, 3, B), PATH + DQBLK, 0, "abbrev", True,
     'quotactl(QCMD(Q_GETQUOTA, USRQUOTA), "/dev/x", 3, %s, dqb_btime=7, dqb_itime=8,'
     " dqb_valid=QIF_BLIMITS|0x40}) = 0" % DQ_ABBREV),
    ("quotactl", (qcmd(Q_GETQUOTA, 0), A, 3, B), PATH + DQBLK, ENOENT, "abbrev", False,
     'quotactl(QCMD(Q_GETQUOTA, USRQUOTA), "/dev/x", 3, 0x10008) = ' + ENOENT_TEXT),
    ("quotactl", (qcmd(Q_GETNEXTQUOTA, 0), A, 3, B), PATH + NEXTDQBLK, 0, "abbrev", False,
     'quotactl(QCMD(Q_GETNEXTQUOTA, USRQUOTA), "/dev/x", 3, %s, dqb_id=77, ...}) = 0'
     % DQ_ABBREV),
    ("quotactl", (qcmd(Q_GETNEXTQUOTA, 0), A, 3, B), PATH + NEXTDQBLK, 0, "abbrev", True,
     'quotactl(QCMD(Q_GETNEXTQUOTA, USRQUOTA), "/dev/x", 3, %s, dqb_btime=7, dqb_itime=8,'
     " dqb_valid=QIF_BLIMITS|QIF_SPACE|0xffffffc0, dqb_id=77}) = 0" % DQ_ABBREV),
    ("quotactl", (qcmd(Q_GETINFO, 1), A, 0, B), PATH + DQINFO, 0, "abbrev", False,
     'quotactl(QCMD(Q_GETINFO, GRPQUOTA), "/dev/x", {dqi_bgrace=7, dqi_igrace=8,'
     " dqi_flags=DQF_ROOT_SQUASH|DQF_SYS_FILE|0x100, dqi_valid=IIF_FLAGS}) = 0"),
    ("quotactl", (qcmd(Q_GETFMT, 1), A, 0, B), PATH + struct.pack("<I", 4), 0, "abbrev",
     False, 'quotactl(QCMD(Q_GETFMT, GRPQUOTA), "/dev/x", [QFMT_VFS_V1]) = 0'),
    ("quotactl", (qcmd(Q_GETFMT, 1), A, 0, B), PATH + struct.pack("<I", 5), 0, "raw",
     False, 'quotactl(2147484673, "/dev/x", [0x5]) = 0'),
    ("quotactl", (qcmd(Q_GETFMT, 1), A, 0, 0), PATH, EFAULT, "abbrev", False,
     'quotactl(QCMD(Q_GETFMT, GRPQUOTA), "/dev/x", NULL) = -1 EFAULT (Bad address)'),
    # structures the kernel reads: at entry, whatever the call returns
    ("quotactl", (qcmd(Q_SETQUOTA, 2), A, 0xFFFFFFFF, B), PATH + DQBLK, ENOENT, "abbrev",
     False, 'quotactl(QCMD(Q_SETQUOTA, PRJQUOTA), "/dev/x", -1, %s, ...}) = %s'
     % (DQ_ABBREV, ENOENT_TEXT)),
    ("quotactl", (qcmd(Q_SETINFO, 0), A, 0, B), PATH + DQINFO, ENOENT, "verbose", False,
     'quotactl(2147485184 /* QCMD(Q_SETINFO, USRQUOTA) */, "/dev/x", {dqi_bgrace=7,'
     " dqi_igrace=8, dqi_flags=0x10101 /* DQF_ROOT_SQUASH|DQF_SYS_FILE|0x100 */,"
     " dqi_valid=0x4 /* IIF_FLAGS */}) = " + ENOENT_TEXT),
    ("quotactl", (qcmd(Q_SETINFO, 0), A, 0, B + 4), PATH + DQINFO, ENOENT, "abbrev", False,
     'quotactl(QCMD(Q_SETINFO, USRQUOTA), "/dev/x", 0x1000c) = ' + ENOENT_TEXT),
    # XFS
    ("quotactl", (qcmd(Q_XQUOTAON, 0), A, 0, B), PATH + struct.pack("<I", 0xF00000FF),
     ENOENT, "abbrev", False,
     'quotactl(QCMD(Q_XQUOTAON, USRQUOTA), "/dev/x", [FS_QUOTA_UDQ_ACCT|FS_QUOTA_UDQ_ENFD|'
     "FS_QUOTA_GDQ_ACCT|FS_QUOTA_GDQ_ENFD|FS_QUOTA_PDQ_ACCT|FS_QUOTA_PDQ_ENFD|0xf00000c0]) = "
     + ENOENT_TEXT),
    ("quotactl", (qcmd(Q_XQUOTARM, 1), 0, 0, B), PATH + struct.pack("<I", 0x10), ENOENT,
     "abbrev", False,
     "quotactl(QCMD(Q_XQUOTARM, GRPQUOTA), NULL, [0x10 /* FS_???_QUOTA */]) = "
     + ENOENT_TEXT),
    ("quotactl", (qcmd(Q_XGETQUOTA, 0), A, 5, B), PATH + DISK_QUOTA, 0, "abbrev", False,
     'quotactl(QCMD(Q_XGETQUOTA, USRQUOTA), "/dev/x", 5, {d_version=-2,'
     " d_flags=FS_USER_QUOTA|FS_GROUP_QUOTA|0x80, d_fieldmask=0xabc, d_id=4294967295,"
     " d_blk_hardlimit=10, d_blk_softlimit=11, d_ino_hardlimit=12, d_ino_softlimit=13,"
     " d_bcount=14, d_icount=15, ...}) = 0"),
    ("quotactl", (qcmd(Q_XSETQLIM, 0), A, 5, B), PATH + DISK_QUOTA, ENOENT, "abbrev", True,
     'quotactl(QCMD(Q_XSETQLIM, USRQUOTA), "/dev/x", 5, {d_version=-2,'
     " d_flags=FS_USER_QUOTA|FS_GROUP_QUOTA|0x80, d_fieldmask=0xabc, d_id=4294967295,"
     " d_blk_hardlimit=10, d_blk_softlimit=11, d_ino_hardlimit=12, d_ino_softlimit=13,"
     " d_bcount=14, d_icount=15, d_itimer=-3, d_btimer=4, d_iwarns=5, d_bwarns=6,"
     " d_rtb_hardlimit=20, d_rtb_softlimit=21, d_rtbcount=22, d_rtbtimer=-7,"
     " d_rtbwarns=8}) = " + ENOENT_TEXT),
    ("quotactl", (qcmd(Q_XGETQSTAT, 0), A, 0, B), PATH + QUOTA_STAT, 0, "abbrev", False,
     'quotactl(QCMD(Q_XGETQSTAT, USRQUOTA), "/dev/x", {qs_version=1, ...}) = 0'),
    ("quotactl", (qcmd(Q_XGETQSTAT, 0), A, 0, B), PATH + QUOTA_STAT, 0, "abbrev", True,
     'quotactl(QCMD(Q_XGETQSTAT, USRQUOTA), "/dev/x", {qs_version=1,'
     " qs_flags=FS_QUOTA_UDQ_ACCT|FS_QUOTA_PDQ_ENFD, qs_uquota=%s, qs_gquota=%s,"
     " qs_incoredqs=9, qs_btimelimit=-1, qs_itimelimit=2, qs_rtbtimelimit=3,"
     " qs_bwarnlimit=4, qs_iwarnlimit=5}) = 0" % (FS, FS)),
    ("quotactl", (qcmd(Q_XGETQSTATV, 0), A, 0, B), PATH + QUOTA_STATV, 0, "abbrev", True,
     'quotactl(QCMD(Q_XGETQSTATV, USRQUOTA), "/dev/x", {qs_version=1,'
     " qs_flags=FS_QUOTA_PDQ_ACCT, qs_incoredqs=9, qs_uquota=%s, qs_gquota=%s,"
     " qs_pquota=%s, qs_btimelimit=-1, qs_itimelimit=2, qs_rtbtimelimit=3,"
     " qs_bwarnlimit=4, qs_iwarnlimit=5}) = 0" % (FS, FS, FS)),
    ("quotactl", (qcmd(Q_XGETQSTATV, 0), A, 0, B + 8), PATH + QUOTA_STATV, 0, "abbrev",
     False, 'quotactl(QCMD(Q_XGETQSTATV, USRQUOTA), "/dev/x", 0x10010) = 0'),
    # quotactl_fd: the descriptor, then the same
    ("quotactl_fd", (0xFFFFFFFF, qcmd(Q_GETFMT, 1), 0, B), b"", -errno.EBADF, "abbrev",
     False, "quotactl_fd(-1, QCMD(Q_GETFMT, GRPQUOTA), 0x10008) = -1 EBADF"
     " (Bad file descriptor)"),
    ("quotactl_fd", (3, qcmd(Q_GETQUOTA, 0), 3, B), PATH + DQBLK, 0, "abbrev", False,
     "quotactl_fd(3, QCMD(Q_GETQUOTA, USRQUOTA), 3, %s, ...}) = 0" % DQ_ABBREV),
]


@pytest.mark.parametrize("name, args, data, ret, style, v, text", LINES)
def test_quotactl(name, args, data, ret, style, v, text):
    assert line(name, args, ret, data, style=style, v=v) == text
