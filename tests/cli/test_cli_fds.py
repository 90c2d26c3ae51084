# SPDX-License-Identifier: GPL-2.0-or-later
"""Descriptors, paths and data, against strace: ``-y`` and ``-yy`` (paths, sockets,
devices, pidfds, deleted files), ``-P PATH``, and the hex dumps of ``-e read=`` and
``-e write=``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from cli_helpers import (
    AIOTRACE, TIMEOUT, aiotrace, comparable, needs_strace, parse_trace, strace, unpad,
)

pytestmark = pytest.mark.usefixtures("tracer_loop")   # both tracer loops


@needs_strace
def test_dup2_new_descriptor_like_strace(tmp_path):
    """strace -y prints dup2's new descriptor at the entry, with the file it referred to
    before the call: ``dup2(4<pipe:[A]>, 1<pipe:[B]>) = 1<pipe:[A]>``."""
    argv = ["sh", "-c", "echo a | cat"]
    opts = ["-f", "-y", "-e", "trace=dup2", "-e", "signal=none", "-qq"]
    aiotrace("run", *opts, "-o", str(tmp_path / "a"), "--", *argv)
    strace(*opts, "-o", str(tmp_path / "s"), *argv)

    def shape(path):   # (oldfd, newfd, does newfd show oldfd's file?) for each dup2
        out = []
        for seq in parse_trace(path.read_text())[0].values():
            for item in seq:
                m = re.fullmatch(r"(\d+)<([^>]*)>, (\d+)(<[^>]*>)?", item[1])
                if item[0] == "dup2" and m:
                    out.append((m.group(1), m.group(3), m.group(4) == f"<{m.group(2)}>"))
        return sorted(out)
    assert shape(tmp_path / "a") == shape(tmp_path / "s") == [("3", "0", False),
                                                              ("4", "1", False)]


FD_KINDS_SCRIPT = """
import os, socket
a, b = socket.socketpair(); a.close(); b.close()
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM); a.close(); b.close()
u = socket.socket(socket.AF_UNIX); u.bind("\\0aiotrace-test-%d" % os.getpid()); u.close()
for fam, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
    t = socket.socket(fam)
    try:
        t.bind((host, 0))
    except OSError:   # no IPv6 loopback here
        t.close(); continue
    b = socket.socket(fam); b.bind((host, 0)); b.close()   # bound, never listening
    t.listen()
    c = socket.create_connection(t.getsockname()[:2]); s, _ = t.accept()
    s.close(); c.close(); t.close()
d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); d.bind(("127.0.0.1", 0))
d.connect(("127.0.0.1", 9)); d.close()
socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).close()
socket.socket(socket.AF_INET).close()   # TCP, unbound: in no table, its inode alone
os.close(os.open("/dev/null", os.O_RDONLY))
os.close(os.pidfd_open(os.getpid()))
n = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
n.bind(((1 << 30) + os.getpid(), 0)); n.getsockname(); n.close()   # (a 10-digit port id)
socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 4).close()         # not bound
"""


@needs_strace
@pytest.mark.parametrize("options", [["-yy"], ["-e", "decode-fds=all"], ["-y"],
                                     ["-e", "decode-fds=dev"], ["-e", "decode-fds=socket"],
                                     ["-e", "decode-fds=pidfd,path"]],
                         ids=lambda o: " ".join(o))
def test_fd_details_like_strace(options, tmp_path):
    """-yy: sockets with their protocol and addresses (UNIX peers and names, TCP and UDP
    over IPv4 and IPv6, netlink protocols and port ids), devices with their numbers, pidfds with their process; -y: the
    plain paths; -e decode-fds=KINDS: those kinds only (no path for the others). The
    close() lines of sockets, /dev/null and the pidfd, as strace's."""
    argv = [sys.executable, "-S", "-c", FD_KINDS_SCRIPT]
    opts = [*options, "-e", "trace=close", "-e", "signal=none"]
    a = aiotrace("run", *opts, "-o", str(tmp_path / "a"), "--", *argv)
    s = strace(*opts, "-o", str(tmp_path / "s"), *argv)
    assert a.returncode == s.returncode == 0, a.stderr

    def lines(path):   # the interesting closes, numbers (inodes, ports, pids) replaced
        keep = re.compile(r"socket|UNIX|TCP|UDP|NETLINK|/dev/null|pid(:|fd)")
        return [unpad(re.sub(r"\d{3,}", "N", ln)) for ln in path.read_text().splitlines()
                if keep.search(ln)]
    ours = lines(tmp_path / "a")
    assert ours == lines(tmp_path / "s")
    assert len(ours) >= (1 if options[-1] == "decode-fds=dev" else 10)   # (dev: /dev/null)
    shown = {"-yy": "TCP char NETLINK pid:", "decode-fds=all": "TCP char NETLINK pid:", "-y": "",
             "decode-fds=dev": "char", "decode-fds=socket": "TCP NETLINK",
             "decode-fds=pidfd,path": "pid:"}[options[-1]].split()
    for text in ("TCP:[N.0.0.1:N->N.0.0.1:N]", "<char 1:3>", "<NETLINK:[ROUTE:N]>", "pid:"):
        assert any(text in ln for ln in ours) == any(t in text for t in shown), text


UNBOUND_SCRIPT = """
import socket
s = socket.socket()
for _ in range(3):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # no port yet
s.bind(("127.0.0.1", 0))
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)       # bound, never listening
"""


def test_yy_asks_a_socket_without_a_port_nothing_more(tmp_path, monkeypatch):
    """-yy (main() in this process): a TCP socket with no local port yet is in no
    table, which the socket itself says: its /proc/net table is not read and no
    sock_diag dump is made for it, at any of its calls (each of them milliseconds on a
    busy machine); once bound, the same socket is looked for and found."""
    from aiotrace import _fdinfo
    from aiotrace._cli import main
    asked: list[str] = []
    read, dump = _fdinfo._inet, _fdinfo._tcp_diag
    monkeypatch.setattr(_fdinfo, "_inet", lambda *a: asked.append("table") or read(*a))
    monkeypatch.setattr(_fdinfo, "_tcp_diag", lambda *a: asked.append("dump") or dump(*a))
    monkeypatch.setattr(_fdinfo, "_cache", [None] * (_fdinfo._CACHE_MASK + 1))
    trace = tmp_path / "trace"
    assert main(["run", "-yy", "-e", "trace=setsockopt", "-o", str(trace), "--",
                 sys.executable, "-S", "-c", UNBOUND_SCRIPT]) == 0
    lines = [re.sub(r"\d{3,}", "N", ln.split(",")[0]) for ln in trace.read_text().splitlines()
             if ln.startswith("setsockopt(")]
    assert lines == ["setsockopt(3<TCP:[N]>"] * 3 + ["setsockopt(3<TCP:[N.0.0.1:N]>"]
    assert asked == ["table", "dump"]   # (the bound one only)


DELETED_SCRIPT = """
import os, sys
d = sys.argv[1]
def opened(name, unlink=False, then=None):
    fd = os.open(os.path.join(d, name), os.O_CREAT | os.O_RDWR)
    if unlink:
        os.unlink(os.path.join(d, name))
    if then:
        open(os.path.join(d, then), "w").close()
    os.fstat(fd)
    os.close(fd)
opened("x (deleted)")                        # a live file whose name ends so
opened("y", unlink=True)                     # deleted
opened("z (deleted)", unlink=True)           # deleted, and its name ends so
opened("w", unlink=True, then="w (deleted)") # deleted; another file has the marked name
for name in ("n\\nl", "e\\x1b[31mred", "q\\"uote", "a<b>c"):
    opened(name)
os.mkdir(os.path.join(d, "c (deleted)"))
os.chdir(os.path.join(d, "c (deleted)"))
try:
    os.stat("nothing")                       # AT_FDCWD, with its path
except OSError:
    pass
"""


@needs_strace
@pytest.mark.parametrize("options", [["-y"], ["-yy"]], ids=lambda o: " ".join(o))
def test_deleted_mark_and_names_like_strace(options, tmp_path):
    """-y: readlink's " (deleted)" goes after the brackets only for a file that is
    deleted, not for a live file whose name ends so (strace checks that the path leads
    to the open file); names with newlines and terminal escapes are quoted."""
    opts = [*options, "-e", "trace=fstat,newfstatat", "-e", "signal=none"]
    runs = {}
    for who, run in (("a", aiotrace), ("s", strace)):
        d = tmp_path / who
        d.mkdir()
        argv = [sys.executable, "-S", "-c", DELETED_SCRIPT, str(d)]
        r = run(*(["run"] if who == "a" else []), *opts, "-o", str(tmp_path / f"{who}.out"),
                *(["--"] if who == "a" else []), *argv)
        assert r.returncode == 0, r.stderr
        runs[who] = [re.sub(r"0x[0-9a-f]+", "ADDR", ln.replace(str(d), "D"))
                     for ln in (tmp_path / f"{who}.out").read_text().splitlines()
                     if str(d) in ln]
    assert runs["a"] == runs["s"]
    text = "\n".join(runs["a"])
    for shown in ("3<D/x (deleted)>, ", "3<D/y>(deleted), ", "3<D/z (deleted)>(deleted), ",
                  "3<D/w>(deleted), ", "4<D/w (deleted)>, ", "3<D/e\\33[31mred>, ",
                  "AT_FDCWD<D/c (deleted)>, "):
        assert "newfstatat(" + shown in text


@needs_strace
@pytest.mark.parametrize("how", ["path", "symlink", "two", "follow"])
def test_trace_path_like_strace(how, tmp_path):
    """-P PATH: only the calls that name the file or use a descriptor open on it (read,
    fstat, close...), as strace; a symbolic link is resolved, and said so."""
    f = tmp_path / "data.txt"
    f.write_text("some data\n")
    other = tmp_path / "other.txt"
    other.write_text("more\n")
    link = tmp_path / "link"
    link.symlink_to(f)
    argv = ["cat", str(f), str(other)]
    opts = {"path": ["-P", str(f)], "symlink": ["-P", str(link)],
            "two": ["-P", str(f), "-P", str(other)], "follow": ["-f", "-P", str(f)]}[how]
    if how == "follow":
        argv = ["sh", "-c", f"cat {f} {other}"]
    a = aiotrace("run", *opts, "-e", "signal=none", "--", *argv)
    s = strace(*opts, "-e", "signal=none", *argv)
    assert (a.returncode, a.stdout) == (s.returncode, s.stdout) == (0, "some data\nmore\n")

    def lines(text):
        return [unpad(re.sub(r"^\S*strace: ", "aiotrace: ", re.sub(
                    r"\d{3,}", "N", re.sub(r"^\[pid +\d+\] ", "[pid N] ", ln))))
                for ln in text.splitlines() if "attached" not in ln]
    ours = lines(a.stderr)
    assert ours == lines(s.stderr)
    calls = [ln for ln in ours if "(" in ln]
    assert any(re.match(r"(\[pid +N\] )?openat\(", ln) for ln in calls)
    assert any("close(3)" in ln for ln in calls)
    assert all("other.txt" not in ln for ln in calls) or how == "two"


@needs_strace
def test_trace_path_takes_the_descriptor_of_a_call_with_a_decoder_of_its_own(target, tmp_path):
    """-P PATH: fcntl on a descriptor open on PATH is shown, as strace shows it (the
    syscall table says its first argument is a descriptor)."""
    f = tmp_path / "data"
    f.write_text("x")
    argv = [target("fcntl_file"), str(f)]
    a = aiotrace("run", "-P", str(f), "--", *argv)
    s = strace("-P", str(f), *argv)
    assert a.returncode == s.returncode == 0
    assert comparable(a.stderr) == comparable(s.stderr)
    assert [ln.split("(")[0] for ln in comparable(a.stderr) if "(" in ln] == [
        "openat", "fcntl", "fcntl", "fcntl", "close"]


@needs_strace
def test_trace_path_resolved_message_quoted_like_strace(tmp_path):
    """-P LINK: the "resolved into" message quotes both names, as strace: a name can
    hold a newline or a terminal escape."""
    f = tmp_path / 'da"ta\n\x1b[31m'
    f.write_text("x")
    link = tmp_path / "li\nnk\x1b]0;t\x07"
    link.symlink_to(f)
    a = aiotrace("run", "-P", str(link), "-e", "trace=none", "--", "true")
    s = strace("-P", str(link), "-e", "trace=none", "true")
    assert a.returncode == s.returncode == 0
    first = a.stderr.splitlines()[0]
    assert first == re.sub(r"^\S*strace: ", "aiotrace: ", s.stderr.splitlines()[0])
    assert first.endswith('"' + str(tmp_path) + '/da\\"ta\\n\\33[31m"')
    assert "\x1b" not in a.stderr


@needs_strace
@pytest.mark.parametrize("options", [["-e", "read=all", "-e", "write=all"], ["-e", "write=3"],
                                     ["-e", "read=!5"]], ids=lambda o: " ".join(o))
def test_io_dumps_of_vectored_calls_like_strace(options, target):
    """writev/readv/sendmsg/recvmsg: '* N bytes in buffer I' and a dump per buffer, up to
    the bytes the call moved; like strace, the dump stops at an empty buffer."""
    opts = ["-e", "trace=writev,readv,sendmsg,recvmsg", *options]
    a = aiotrace("run", *opts, "--", target("iov_io"))
    s = strace(*opts, target("iov_io"))
    assert (a.returncode, a.stdout) == (s.returncode, s.stdout) == (0, "ok\n")
    assert a.stderr == s.stderr
    if "read=all" in options:
        assert " * 8 bytes in buffer 1\n" in a.stderr


@needs_strace
@pytest.mark.parametrize("call,option", [("write", "write=1"), ("writev", "write=1"),
                                         ("read", "read=0"), ("readv", "read=0")])
def test_dump_of_a_large_call_like_strace(call, option, target, tmp_path):
    """-e read=/write= of one call of a little over 1 MiB (two such buffers for readv and
    writev): every byte, with offsets six hex digits wide as strace makes them past
    0xfffff, a short last line, and the buffers' headers."""
    argv = [target("big_io"), call, "1048600", "fill"]
    opts = ["-e", f"trace={call}", "-e", option]
    with open("/dev/zero", "rb") as zero:
        a = aiotrace("run", *opts, "-o", str(tmp_path / "a"), "--", *argv, stdin=zero,
                     stdout=subprocess.DEVNULL)
        s = strace(*opts, "-o", str(tmp_path / "s"), *argv, stdin=zero, stdout=subprocess.DEVNULL)
    assert a.returncode == s.returncode == 0, a.stderr
    ours = (tmp_path / "a").read_bytes()
    assert ours == (tmp_path / "s").read_bytes()
    assert b"\n | 100010  " in ours and ours.count(b"\n") > 65536


@pytest.mark.parametrize("call,option,most", [("write", "write=1", 64), ("read", "read=0", 128)])
def test_dump_of_a_huge_call_in_bounded_memory(call, option, most, target):
    """The program decides how many bytes one call moves: the dump of a 64 MiB write or
    read is made a piece at a time, never whole (as text it is 5 times larger: aiotrace
    took 1.1 GB for it before). The peak memory of aiotrace and its program (measured
    together) stays below the call's 64 MiB for the write, whose program holds next to
    nothing; the read's program holds those 64 MiB itself."""
    with open("/dev/zero", "rb") as zero:
        r = subprocess.run([sys.executable, "-c", _PEAK_MEMORY, *AIOTRACE, "run", "-e",
                            f"trace={call}", "-e", option, "-o", os.devnull, "--",
                            target("big_io"), call, str(64 << 20)],
                           stdin=zero, capture_output=True, text=True, timeout=TIMEOUT)
    status, peak = map(int, r.stdout.split())
    assert status == 0, r.stderr
    assert peak < most * 1024, f"{peak} KiB"


# Runs a command and prints its exit status and the peak memory (KiB) of it and of its
# children. From a process of its own: a child's peak counts the memory of the process it
# was forked from (the kernel keeps it across exec), and pytest's may be larger.
_PEAK_MEMORY = """
import os, sys
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


PIDFD_GETFD_SCRIPT = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
null = os.open("/dev/null", os.O_RDONLY)
pidfd = os.pidfd_open(os.getpid())
got = libc.syscall(438, pidfd, null, 0)   # pidfd_getfd: a copy of our own /dev/null
assert got > 0, ctypes.get_errno()
libc.syscall(438, null, pidfd, 0)         # not a pidfd: EBADF, the target plain
libc.syscall(438, pidfd, 1000, 0)         # no such descriptor there: EBADF
"""


@needs_strace
@pytest.mark.parametrize("options", [["-y"], ["-yy"]], ids=lambda o: " ".join(o))
def test_pidfd_getfd_target_like_strace(options, tmp_path):
    """pidfd_getfd's target descriptor is one of the process the pidfd refers to: -y
    prints what it is open on there (``3</dev/null>``), plain when the first argument is
    no pidfd, as strace does."""
    argv = [sys.executable, "-S", "-c", PIDFD_GETFD_SCRIPT]
    opts = [*options, "-e", "trace=pidfd_getfd", "-e", "signal=none", "-a0"]
    a = aiotrace("run", *opts, "-o", str(tmp_path / "a"), "--", *argv)
    s = strace(*opts, "-o", str(tmp_path / "s"), *argv)
    assert a.returncode == s.returncode == 0, a.stderr
    def lines(path):   # (the pid of -yy's pidfd replaced)
        return re.sub(r"<pid:\d+>", "<pid:N>", path.read_text()).splitlines()
    ours = lines(tmp_path / "a")
    assert ours == lines(tmp_path / "s")
    assert len(ours) == 4 and "/dev/null" in ours[0].split(", ")[1], ours


FD_SETS_SCRIPT = """
import ctypes, os, select
libc = ctypes.CDLL(None, use_errno=True)
full = os.open("/dev/full", os.O_WRONLY)
null = os.open("/dev/null", os.O_RDONLY)
select.select([null], [full], [], 0)       # /dev/full in the write set
select.select([null], [], [null], 0)       # not
p = select.poll(); p.register(null); p.register(full, select.POLLOUT); p.poll(0)
q = select.poll(); q.register(null); q.poll(0)
libc.syscall(431, -1, 3, None, b"/dev/full", -100)    # fsconfig(FSCONFIG_SET_PATH): its path
libc.syscall(431, -1, 5, None, None, full)            # FSCONFIG_SET_FD: its descriptor
libc.syscall(431, full, 0, b"ro", None, 0)            # not its own descriptor
"""


@needs_strace
def test_paths_in_fd_sets_like_strace(tmp_path):
    """-P: select's and poll's calls match when a descriptor of their sets or arrays is
    open on the path; fsconfig by its command's path or descriptor, not its own
    descriptor: the lines strace prints."""
    argv = [sys.executable, "-S", "-c", FD_SETS_SCRIPT]
    opts = ["-P", "/dev/full", "-e", "trace=select,pselect6,poll,ppoll,fsconfig",
            "-e", "signal=none", "-a0"]
    a = aiotrace("run", *opts, "-o", str(tmp_path / "a"), "--", *argv)
    s = strace(*opts, "-o", str(tmp_path / "s"), *argv)
    assert a.returncode == s.returncode == 0, a.stderr
    ours = (tmp_path / "a").read_text().splitlines()
    assert ours == (tmp_path / "s").read_text().splitlines()
    assert [ln.split("(")[0] for ln in ours[:-1]] in (
        ["select", "poll", "fsconfig", "fsconfig"], ["pselect6", "ppoll", "fsconfig", "fsconfig"],
        ["select", "ppoll", "fsconfig", "fsconfig"], ["pselect6", "poll", "fsconfig", "fsconfig"]), ours


UNIX_PEER_SCRIPT = """
import os, socket, sys
path = os.path.join(sys.argv[1], "sock")
lsn = socket.socket(socket.AF_UNIX); lsn.bind(path); lsn.listen()
c = socket.socket(socket.AF_UNIX); c.connect(path)
a, _ = lsn.accept()
a.getsockname(); c.getsockname()        # (-yy looks them up: connected, with a peer)
c.close()                               # then a's peer goes away...
a.close()                               # ...and strace shows the peer it had
lsn.close()
os.unlink(path)
"""


@needs_strace
def test_unix_peer_kept_after_it_closed_like_strace(tmp_path):
    """-yy: a socket's details, once found, are shown again by its inode, as strace keeps
    them: the accepted socket's close shows the peer that already closed."""
    argv = [sys.executable, "-S", "-c", UNIX_PEER_SCRIPT, str(tmp_path)]
    opts = ["-yy", "-e", "trace=close,getsockname", "-e", "signal=none", "-a0"]
    a = aiotrace("run", *opts, "-o", str(tmp_path / "a"), "--", *argv)
    s = strace(*opts, "-o", str(tmp_path / "s"), *argv)
    assert a.returncode == s.returncode == 0, a.stderr

    def lines(path):   # the socket lines, inodes numbered in order of appearance
        out, seen = [], {}
        for ln in path.read_text().splitlines():
            if "UNIX" in ln:
                out.append(re.sub(r"(?<=:\[)\d+|(?<=->)\d+", lambda m: "I%d" % seen.setdefault(m[0], len(seen)), ln))
        return out
    ours = lines(tmp_path / "a")
    assert ours == lines(tmp_path / "s")
    closes = [ln for ln in ours if ln.startswith("close(")]
    assert len(closes) == 3 and "->" in closes[1], closes
