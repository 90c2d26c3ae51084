# SPDX-License-Identifier: GPL-2.0-or-later
"""What ``-yy`` shows of a file descriptor beyond its path, as strace does: a socket's
protocol and addresses (``TCP:[127.0.0.1:80->127.0.0.1:4242]``, ``UNIX-STREAM:[17->18]``,
``NETLINK:[ROUTE:4242]``),
a device's type and numbers (``/dev/null<char 1:3>``), a pidfd's process (``pid:42``).

Facts this module relies on: the kernel names a socket's protocol in the extended
attribute ``system.sockprotoname`` of its ``/proc/PID/fd/N`` link; ``/proc/PID/net/tcp``
(``udp``, ``tcp6``, ``udp6``) lists the thread's network namespace's bound sockets with
their inodes (a TCP socket bound but neither listening nor connected is found by a
sock_diag dump instead, of every TCP socket; one with no local port, as getsockname of
a copy of it says, is in no table, and costs neither); a UNIX socket's peer and name come from the sock_diag netlink interface
(an exact lookup by inode), a netlink socket's protocol and port id from
``/proc/PID/net/netlink``; ``/proc/PID/fdinfo/N`` has a pidfd's ``Pid:`` line.
Everything is read at the stop, like the path of ``-y``; what cannot be read leaves the
plain form (``UDPv6:[INODE]`` for a socket nothing lists, the path alone otherwise).
"""

from __future__ import annotations

import errno
import os
import stat
import struct
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # (the decoders are imported on use: start-up time)
    from ._decode._ctx import FdText

_INET_TABLES = {"TCP": "tcp", "UDP": "udp", "UDPLITE": "udplite", "TCPv6": "tcp6",
                "UDPv6": "udp6", "UDPLITEv6": "udplite6"}
_NETLINK_SOCK_DIAG, _SOCK_DIAG_BY_FAMILY = 4, 20
_NLM_F_REQUEST, _NLMSG_ERROR = 1, 2
_UDIAG_SHOW_NAME, _UDIAG_SHOW_PEER = 1, 4
_UNIX_DIAG_NAME, _UNIX_DIAG_PEER = 0, 2


FD_KINDS = frozenset(("path", "socket", "dev", "pidfd"))   # what -e decode-fds= names


def fd_details(tid: int | str, fd: int, link: str, *, deleted: bool | None = None,
               kinds: frozenset[str] = FD_KINDS, thread: int | None = None) -> FdText | None:
    """The ``-yy`` annotation body for *link* (the fd's readlink), or None for the path.
    *tid*: the thread, or its directory in /proc (``_core._procns.proc_dir``); *thread*:
    its id in the tracer's PID namespace, when *fd* is that thread's (None: not known).
    *deleted*: whether the file is deleted (None: when readlink says " (deleted)").
    *kinds*: the details to show (``socket``, ``dev``, ``pidfd``: -e decode-fds=)."""
    from ._decode._ctx import FdText
    from ._decode._quote import annotate_path
    if deleted is None:
        deleted = link.endswith(" (deleted)")
    try:
        if link.startswith("socket:[") and "socket" in kinds:
            ino = int(link[8:-1])
            proto = os.getxattr("/proc/%s/fd/%d" % (tid, fd), "system.sockprotoname")
            name = proto.rstrip(b"\0").decode("ascii", "replace")
            detail = _socket(tid, thread, fd, name, ino)
            return FdText("%s:[%s]" % (name, detail if detail is not None else ino))
        if link == "anon_inode:[pidfd]" and "pidfd" in kinds:
            pid = _fdinfo_pid(tid, fd)
            return None if pid is None else FdText("pid:%s" % pid)
        if link.startswith("/") and not deleted and "dev" in kinds:
            st = os.stat("/proc/%s/fd/%d" % (tid, fd))
            kind = "char" if stat.S_ISCHR(st.st_mode) else \
                "block" if stat.S_ISBLK(st.st_mode) else None
            if kind is not None:
                return FdText("%s<%s %d:%d>" % (annotate_path(link), kind,
                                                os.major(st.st_rdev), os.minor(st.st_rdev)))
    except (OSError, ValueError, struct.error):   # gone, or an answer we cannot parse
        pass
    return None


def _fdinfo_pid(tid: int | str, fd: int) -> str | None:
    """The ``Pid:`` of descriptor *fd*'s fdinfo (a pidfd's), or None."""
    with open("/proc/%s/fdinfo/%d" % (tid, fd)) as f:
        for line in f:
            if line.startswith("Pid:"):
                return line.split()[1]
    return None


def pidfd_pid(tid: int | str, fd: int) -> int | None:
    """The process that descriptor *fd* of thread *tid* is a pidfd of (in the namespace of
    the /proc mounted), or None: not a pidfd, or of a process that is gone (-1)."""
    try:
        if os.readlink("/proc/%s/fd/%d" % (tid, fd)) != "anon_inode:[pidfd]":
            return None
        pid = _fdinfo_pid(tid, fd)
    except OSError:
        return None
    return int(pid) if pid is not None and pid.isdigit() and int(pid) > 0 else None


# A socket's details, once found, are kept by its inode and shown again, as strace keeps
# them (1024 entries, an inode in the entry of its low 10 bits): a connection whose peer
# closed still shows the peer it had.
_CACHE_MASK = 1023
_cache: list[tuple[int, str] | None] = [None] * (_CACHE_MASK + 1)


def _socket(tid: int | str, thread: int | None, fd: int, proto: str, ino: int) -> str | None:
    hit = _cache[ino & _CACHE_MASK]
    if hit is not None and hit[0] == ino:
        return hit[1]
    table = _INET_TABLES.get(proto)
    if table is not None:
        if thread is not None and _unbound(thread, fd):
            return None   # (in no table: neither read, and no dump)
        got = _inet(tid, table, ino)
        if got is None and proto in _DIAG_TCP:
            got = _tcp_diag(_DIAG_TCP[proto], ino)
    elif proto.startswith("UNIX"):
        got = _unix(ino)
    elif proto == "NETLINK":
        got = _netlink(tid, ino)
    else:
        return None
    if got is not None:
        _cache[ino & _CACHE_MASK] = (ino, got)
    return got


def _netlink(tid: int | str, ino: int) -> str | None:
    """``ROUTE:PORTID`` (a protocol strace does not name: its number alone) from the
    namespace's /proc/PID/net/netlink (columns: sk, Eth (the protocol), Pid (the port
    id), ..., Inode), which lists bound sockets only (the others: None)."""
    from ._decode import _xlat_net as XN
    want = str(ino)
    with open("/proc/%s/net/netlink" % tid) as f:
        next(f)
        for line in f:
            fields = line.split()
            if len(fields) > 9 and fields[9] == want:
                name = XN.NETLINK_PROTOS.get(int(fields[1]))
                if name is None:
                    return fields[1]
                return "%s:%s" % (name[len("NETLINK_"):], fields[2])
    return None


def _inet(tid: int | str, table: str, ino: int) -> str | None:
    """``local`` or ``local->remote`` from the namespace's table, by inode."""
    want = str(ino)
    with open("/proc/%s/net/%s" % (tid, table)) as f:
        next(f)
        for line in f:
            fields = line.split()
            if len(fields) > 9 and fields[9] == want:
                local, remote = _endpoint(fields[1]), _endpoint(fields[2])
                if remote is None:
                    return local
                return "%s->%s" % (local, remote)
    return None


# A TCP socket that is bound but neither listening nor connected is in no /proc/net
# table; sock_diag lists it (the kernel's "bound-inactive" state, asked with all states).
_DIAG_TCP = {"TCP": 2, "TCPv6": 10}    # AF_INET, AF_INET6
_IPPROTO_TCP = 6


_PIDFD_THREAD = os.O_EXCL   # pidfd_open's flag for a thread that is not a leader (6.9)
_SYS_PIDFD_GETFD = 438


def _unbound(tid: int, fd: int) -> bool | None:
    """Whether TCP or UDP socket *fd* of thread *tid* (of the tracer's PID namespace)
    has no local port (a socket before its bind or connect): then it is in no table,
    neither /proc/PID/net/tcp (whose read walks the namespace's hash tables:
    milliseconds, however few sockets it lists) nor the dump of every TCP socket. Asked
    of the socket itself, as it is now (getsockname of a copy of it, pidfd_getfd: the
    tracer may), so that nothing is kept that a later bind() could make stale. None:
    could not tell (a kernel before 6.9, for a thread that is not its process's
    leader; a tracer that may not copy it)."""
    import socket   # (on use: start-up time)

    from ._core._ffi import _syscall
    try:
        try:
            pidfd = os.pidfd_open(tid, _PIDFD_THREAD)
        except OSError as exc:   # (before 6.9: a leader's, without the flag)
            if exc.errno != errno.EINVAL:
                return None
            pidfd = os.pidfd_open(tid)
    except OSError:
        return None
    try:
        copy = _syscall(_SYS_PIDFD_GETFD, pidfd, fd, 0)
    finally:
        os.close(pidfd)
    if copy < 0:
        return None
    try:
        with socket.socket(fileno=copy) as sock:
            return bool(sock.getsockname()[1] == 0)
    except (OSError, IndexError, TypeError):
        return None


def _tcp_diag(family: int, ino: int) -> str | None:
    """``local`` (or ``local->remote``) of TCP socket *ino* from a sock_diag dump of this
    process's network namespace (the tracee's, unless it made its own), or None."""
    from ._decode._nldump import NLM_F_DUMP, NLM_F_REQUEST, dump
    req = struct.pack("<BBBBI", family, _IPPROTO_TCP, 0, 0, 0xFFFFFFFF) + bytes(48)
    msg = struct.pack("<IHHII", 16 + len(req), _SOCK_DIAG_BY_FAMILY,
                      NLM_F_REQUEST | NLM_F_DUMP, 1, 0) + req
    for payload in dump(_NETLINK_SOCK_DIAG, msg):
        # inet_diag_msg: family, state, timer, retrans, then the id (ports and addresses
        # in network order), expires, queues, uid, inode at 68
        if len(payload) >= 72 and struct.unpack_from("<I", payload, 68)[0] == ino:
            return _diag_endpoints(family, payload)
    return None


def _diag_endpoints(family: int, msg: bytes) -> str:
    import socket
    sport, dport = struct.unpack_from(">HH", msg, 4)
    size = 4 if family == socket.AF_INET else 16
    src, dst = msg[8:8 + size], msg[24:24 + size]

    def show(addr: bytes, port: int) -> str:
        text = socket.inet_ntop(family, addr)
        return ("%s:%d" if family == socket.AF_INET else "[%s]:%d") % (text, port)
    if dport == 0 and not any(dst):
        return show(src, sport)
    return "%s->%s" % (show(src, sport), show(dst, dport))


def _endpoint(text: str) -> str | None:
    """``ADDR:PORT`` of /proc/net/tcp (the address as 32-bit words in host order), or
    None for the unconnected ``0.0.0.0:0``."""
    import socket   # (on use: start-up time)
    addr_hex, port_hex = text.split(":")
    raw = bytes.fromhex(addr_hex)
    port = int(port_hex, 16)
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    if port == 0 and not any(words):
        return None
    if len(words) == 4:
        return "%s:%d" % (socket.inet_ntop(socket.AF_INET, words), port)
    return "[%s]:%d" % (socket.inet_ntop(socket.AF_INET6, words), port)


def _unix(ino: int) -> str | None:
    """``INODE->PEER``, ``INODE,"PATH"``, ``INODE->PEER,"PATH"`` from sock_diag (this
    process's network namespace: the tracee's, unless it made its own); None for a
    socket with neither (unbound, unconnected: not kept, as strace)."""
    import socket   # (on use: start-up time)

    from ._decode._quote import quote
    req = struct.pack("<BBHIIIII", socket.AF_UNIX, 0, 0, 0xFFFFFFFF, ino,
                      _UDIAG_SHOW_NAME | _UDIAG_SHOW_PEER, 0xFFFFFFFF, 0xFFFFFFFF)
    msg = struct.pack("<IHHII", 16 + len(req), _SOCK_DIAG_BY_FAMILY, _NLM_F_REQUEST, 1, 0) + req
    with socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, _NETLINK_SOCK_DIAG) as nl:
        nl.settimeout(1.0)   # the kernel answers at once; this only bounds a surprise
        nl.send(msg)
        data = nl.recv(65536)
    if len(data) < 32:
        return None
    length, kind = struct.unpack_from("<IH", data)
    if kind == _NLMSG_ERROR or struct.unpack_from("<I", data, 20)[0] != ino:
        return None
    peer, name = 0, ""
    off = 16 + 16            # nlmsghdr, unix_diag_msg
    end = min(length, len(data))
    while off + 4 <= end:
        alen, atype = struct.unpack_from("<HH", data, off)
        if alen < 4:
            break
        body = data[off + 4: off + alen]
        if atype == _UNIX_DIAG_PEER and len(body) >= 4:
            peer = struct.unpack_from("<I", body)[0]
        elif atype == _UNIX_DIAG_NAME:
            # an abstract name starts with a NUL (shown as @"..."); a path ends at its NUL
            name = "@" + quote(body[1:]) if body[:1] == b"\0" else quote(body.split(b"\0", 1)[0])
        off += (alen + 3) & ~3
    if not peer and not name:
        return None
    text = str(ino)
    if peer:
        text += "->%d" % peer
    if name:
        text += "," + name
    return text
