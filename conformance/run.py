#!/usr/bin/env python3
"""Run strace's own test suite against strace and against ``aiotrace run``.

    python3 conformance/run.py --source STRACE_TREE [--work DIR] [-j N] [--only REGEX]

See conformance/README.md. In short: the strace source tree (at the tag of the installed
strace) is copied into the work directory, bootstrapped and configured with its own
autotools, and its test programs are built once (``make -C tests check TESTS=``). Then
every test script of the suite runs twice, unchanged: with ``$STRACE`` the installed
strace, and with ``$STRACE`` a stand-in (standin.py) that runs ``aiotrace run``. The
report gives pass counts by area, hangs, crashes and what was left running first, then,
for each test that strace passes and aiotrace fails, the first lines that differ (or
aiotrace's error). A JSON file with every outcome lets a later run be compared
(``--compare OLD.json``).

Nothing here knows anything about a particular test: the scripts, the test programs and
the expected outputs are strace's, as they are.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
STANDIN = HERE / "standin.py"

PASS, FAIL, SKIP, ERROR, HANG = "pass", "fail", "skip", "error", "hang"

# -- areas -----------------------------------------------------------------------------
# A test's area comes from its name and, for a generated test, its line in gen_tests.in
# (the options it runs with): first the option families that change how everything is
# printed, then netlink and ioctl decoders, then the strace class of the system call the
# test is named after (src/linux/x86_64/syscallent.h's flags), then the rest by name.

AREAS = [
    "PID-namespace translation", "-X formats", "-v/abbrev/raw/verbose", "-e inject/fault",
    "-y/decode-fds", "netlink", "ioctl", "file/fs", "events/poll/aio", "process",
    "signals", "memory", "network", "ipc", "creds", "time", "other syscalls",
    "output/filter options",
]

_OPTION_AREAS = [
    ("PID-namespace translation", r"pidns", r"test_pidns|--pidns-translation|decode-pids"),
    ("-X formats", r"-v?w?X(abbrev|raw|verbose)?(-|$)", r"(^|\s)-X|const-print-style"),
    ("-v/abbrev/raw/verbose", r"-v(-|$)|-vw?$|-w$|abbrev|nonverbose|-raw(-|$)",
     r"(^|\s)-v|-e ?(verbose|abbrev|raw)=|--(no-abbrev|verbose|abbrev|raw)"),
    ("-e inject/fault", r"inject|fault|poke|-success|scno|tampering|delay",
     r"inject|fault=|poke_"),
    ("-y/decode-fds", r"-y(-|$)|-yy|decode-fds|secontext",
     r"(^|\s)-y|decode-fds|secontext"),
]
_NAME_AREAS = [
    ("netlink", r"^(nlattr|netlink|nfnetlink|nl_|sock_diag|sockopt-sol_netlink)"),
    ("ioctl", r"ioctl|^btrfs|^block_reset|^kvm|^evdev|^v4l2"),
    ("events/poll/aio", r"^(_?new)?select|^oldselect|^p?poll|^epoll|^aio|^io_|^eventfd"
                        r"|^inotify|^fanotify|^signalfd|^timerfd"),
    ("process", r"^(prctl|getpid|getppid|gettid|getpgrp|getsid|xetpgid|arch_prctl|unshare"
                r"|personality|kcmp|ptrace|process_vm|restart_syscall|seccomp)"),
    ("time", r"^(clock|time$|times|timer_|adjtimex|nanosleep|xettimeofday|alarm|xetitimer"
             r"|osf_utimes)"),
]
_FLAG_AREAS = [   # (flag in syscallent.h, area), the first that the call has wins
    ("TN", "network"), ("TI", "ipc"), ("TS", "signals"), ("TM", "memory"), ("TP", "process"),
    ("TC", "creds"), ("TCL", "time"),
]
_EVENTS = r"poll|select|epoll|aio|io_|eventfd|inotify|fanotify|signalfd|timerfd"
_REST_AREAS = [
    ("events/poll/aio", _EVENTS),
    ("ipc", r"^(ipc|msg|sem|shm|mq)"),
    ("network", r"^(sock|net|unix|inet|scm_|mmsg|msg_|so_|sun_path|recv|send|getsockname"
                r"|ip_|sendfile|group_req)"),
    ("signals", r"^(sig|rt_sig|kill|tgkill|tkill|pidfd_send|sxetmask|segv_|erestartsys)"),
    ("time", r"^(clock|time|adjtimex|nanosleep|xettimeofday|utime|getitimer|setitimer)"),
    ("memory", r"^(mmap|old_mmap|munmap|m(un)?lock|madvise|mprotect|brk|mremap|msync"
               r"|mincore|remap|process_madvise|map_|mbind|xet_mempolicy|migrate"
               r"|move_pages|memfd|pkey)"),
    ("creds", r"^(caps|xet.*(uid|gid)|getgroups|setgroups|getresuid|getresgid)"),
    ("process", r"^(clone|fork|vfork|exec|wait|exit|kill_child|threads|prctl|sched"
                r"|personality|getpid|gettid|getppid|xet_robust|set_tid|unshare|setns"
                r"|arch_prctl|xet_thread_area|getpgrp|setpgid|getsid|setsid|vhangup|kcmp"
                r"|ptrace|process_vm|seccomp|pidfd|restart_syscall|looping_threads|orphaned)"),
    ("file/fs", r"^(file|fs|stat|mount|umount|quotactl|getdents|readdir|xattr|fchown"
                r"|chown|lchown|link|sym|unlink|rename|mkdir|rmdir|open|access|chmod"
                r"|truncate|sync|fallocate|splice|tee|dup|fcntl|flock|lseek|llseek|read"
                r"|write|pread|pwrite|uio|copy_file|close|statx|pipe|mknod|umask|chroot"
                r"|chdir|fchdir|getcwd|name_to|fadvise|readahead|ustat|sysfs|xet_fs|swap)"),
]


def load_syscall_flags(src: Path) -> dict[str, set[str]]:
    """strace's syscall classes (flags) by name, from its tables (x86-64, then i386 and
    the common part for names that only they have)."""
    flags: dict[str, set[str]] = {}
    pat = re.compile(r"=\s*\{\s*[\w\s|]+,\s*([\w|]+)\s*,\s*SEN\(\w+\)\s*,\s*\"(\w+)\"")
    for rel in ("src/linux/x86_64/syscallent.h", "src/linux/generic/syscallent-common.h",
                "src/linux/i386/syscallent.h", "src/linux/32/syscallent-time32.h"):
        try:
            text = (src / rel).read_text()
        except OSError:
            continue
        for m in pat.finditer(text):
            flags.setdefault(m.group(2), set(m.group(1).split("|")))
    return flags


def area_of(name: str, args: str, syscalls: dict[str, set[str]]) -> str:
    """The area of test *name*, run with gen_tests.in's *args* ('' if hand-written)."""
    for area, name_re, args_re in _OPTION_AREAS:
        if re.search(name_re, name) or (args and re.search(args_re, args)):
            return area
    for area, name_re in _NAME_AREAS:
        if re.search(name_re, name):
            return area
    base = name.split("-")[0]
    cands = [base, base.lstrip("_"), re.sub(r"(64|32)$", "", base)]
    for cand in cands:
        fl = syscalls.get(cand)
        if fl is None:
            continue
        for flag, area in _FLAG_AREAS:
            if flag in fl:
                return area
        if "TF" in fl:
            return "file/fs"
        if "TD" in fl:
            return "events/poll/aio" if re.search(_EVENTS, base) else "file/fs"
        return "other syscalls"
    for area, name_re in _REST_AREAS:
        if re.search(name_re, base):
            return area
    return "output/filter options"


# -- the strace tree and its build -----------------------------------------------------

def run(cmd: list[str], cwd: Path | None = None, log: Path | None = None) -> None:
    """Run a build step; on failure, show the end of its log and stop."""
    print(f"  $ {' '.join(shlex.quote(c) for c in cmd)}" + (f"   (in {cwd})" if cwd else ""),
          flush=True)
    with open(log or os.devnull, "ab") as out:
        rc = subprocess.call(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL)
    if rc != 0:
        if log is not None:
            tail = log.read_text(errors="replace").splitlines()[-30:]
            print("\n".join(tail), file=sys.stderr)
        sys.exit(f"conformance: {cmd[0]} failed with status {rc}" +
                 (f" (log: {log})" if log else ""))


def strace_version(strace: str) -> str:
    out = subprocess.run([strace, "-V"], capture_output=True, text=True, check=False).stdout
    m = re.search(r"version (\S+)", out)
    if not m:
        sys.exit(f"conformance: cannot read the version of {strace} (-V said {out!r})")
    return m.group(1)


def tree_version(src: Path) -> str:
    """The strace version of source tree *src*: its .tarball-version, or the tag git
    describes."""
    tv = src / ".tarball-version"
    if tv.exists():
        return tv.read_text().strip()
    if (src / ".git").exists():
        r = subprocess.run(["git", "-C", str(src), "describe", "--tags", "--exact-match"],
                           capture_output=True, text=True, check=False)
        if r.returncode == 0:
            return r.stdout.strip().lstrip("v")
        sys.exit(f"conformance: {src} is not checked out at a tag (git describe: "
                 f"{r.stderr.strip()}); check out the tag of the installed strace")
    sys.exit(f"conformance: cannot tell the version of {src}: it has neither a "
             ".tarball-version nor a .git")


def prepare(args: argparse.Namespace, version: str) -> tuple[Path, Path]:
    """The source copy and the build directory in the work directory, built; each step
    is done once (a stamp file records it)."""
    work: Path = args.work
    src = work / f"strace-{version}"
    build = work / "build"
    logs = work / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    if not (work / ".stamp-copy").exists():
        if args.source is None:
            sys.exit(f"conformance: no strace tree in {work} yet: give --source DIR, a "
                     f"strace source tree checked out at v{version} (see README.md)")
        source = args.source.resolve()
        have = tree_version(source)
        if have != version:
            sys.exit(f"conformance: {source} is strace {have}, the installed strace is "
                     f"{version}: check out the tag v{version}")
        print(f"copying {source} to {src}", flush=True)
        if src.exists():
            shutil.rmtree(src)
        shutil.copytree(source, src, symlinks=True, ignore=shutil.ignore_patterns(".git"))
        # (what git-version-gen reads when there is no .git)
        (src / ".tarball-version").write_text(version + "\n")
        (work / ".stamp-copy").touch()
    if not (work / ".stamp-bootstrap").exists():
        print("bootstrapping (about 2 minutes)", flush=True)
        run(["./bootstrap"], cwd=src, log=logs / "bootstrap.log")
        (work / ".stamp-bootstrap").touch()
    if not (work / ".stamp-configure").exists():
        print("configuring (about 3 minutes)", flush=True)
        build.mkdir(exist_ok=True)
        run([str(src / "configure"), "--enable-mpers=no"], cwd=build,
            log=logs / "configure.log")
        (work / ".stamp-configure").touch()
    if not (work / ".stamp-make").exists():
        print(f"building the test programs with make -j{args.jobs} (15 to 25 minutes)",
              flush=True)
        run(["make", "-C", "tests", f"-j{args.jobs}", "check", "TESTS="], cwd=build,
            log=logs / "make.log")
        (work / ".stamp-make").touch()
    return src, build


def make_vars(tests_dir: Path, names: list[str]) -> dict[str, str]:
    """Values of variables of the tests' Makefile."""
    with tempfile.NamedTemporaryFile("w", suffix=".mk", delete=False) as mk:
        mk.write("print-vars:\n")
        for n in names:
            mk.write(f"\t@echo '{n}=$({n})'\n")
    try:
        out = subprocess.run(["make", "-s", "-f", "Makefile", "-f", mk.name, "print-vars"],
                             cwd=tests_dir, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(mk.name)
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def gen_tests_args(src: Path) -> dict[str, str]:
    """gen_tests.in: test name -> the rest of its line."""
    out = {}
    for line in (src / "tests" / "gen_tests.in").read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, rest = line.strip().partition(" ")
        out[name.split("\t")[0]] = (name.partition("\t")[2] + " " + rest).strip()
    return out


# -- running tests -----------------------------------------------------------------------

@dataclass
class Outcome:
    outcome: str                 # pass, fail, skip, error (framework failure), hang
    rc: int | None
    seconds: float
    detail: list[str] = field(default_factory=list)   # first differing lines, or the error
    crash: str | None = None     # "traceback" or "internal error" when aiotrace said so
    leftovers: list[str] = field(default_factory=list)  # processes still there at the end
    rerun: bool = False          # failed in the parallel run, this is the serial rerun's
    first: str | None = None     # (a rerun's) the outcome of the parallel run


_TRACEBACK = "Traceback (most recent call last)"
_INTERNAL = "internal error"


def _group_members(pgid: int) -> list[str]:
    """Processes of process group *pgid* (pid, state and command)."""
    found = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            # (a command name is any bytes: strace's tests set some that are not UTF-8)
            stat = Path(f"/proc/{d}/stat").read_bytes().decode(errors="replace")
        except OSError:
            continue
        rest = stat[stat.rfind(")") + 2:].split()
        if len(rest) > 2 and int(rest[2]) == pgid:
            comm = stat[stat.find("(") + 1:stat.rfind(")")]
            found.append(f"{d} {rest[0]} {comm}")
    return found


def run_test(test: str, tool: str, strace_cmd: str, env: dict[str, str], tests_dir: Path,
             src_tests: Path, timeout: float, logdir: Path, diff_lines: int) -> Outcome:
    """Run strace's test script *test* with $STRACE = *strace_cmd*."""
    script = tests_dir / test if (tests_dir / test).exists() else src_tests / test
    log = logdir / (test + ".log")
    e = dict(env)
    e["STRACE"] = strace_cmd
    t0 = time.monotonic()
    with open(log, "wb") as out:
        p = subprocess.Popen([str(src_tests / "run.sh"), str(script)], cwd=tests_dir,
                             env=e, stdin=subprocess.DEVNULL, stdout=out,
                             stderr=subprocess.STDOUT, start_new_session=True)
        hung = False
        try:
            rc: int | None = p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            hung = True
            rc = None
        leftovers = _group_members(p.pid)
        if leftovers:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
    secs = round(time.monotonic() - t0, 2)
    text = log.read_text(errors="replace")
    crash = ("traceback" if _TRACEBACK in text else
             "internal error" if tool == "aiotrace" and _INTERNAL in text else None)
    if hung:
        outcome = HANG
    elif rc == 0:
        outcome = PASS
    elif rc == 77:
        outcome = SKIP
    elif rc == 99:
        outcome = ERROR
    else:
        outcome = FAIL
    detail = [] if outcome in (PASS, SKIP) else first_difference(text, diff_lines, crash)
    return Outcome(outcome, rc, secs, detail, crash, [] if hung else leftovers)


def first_difference(text: str, n: int, crash: str | None) -> list[str]:
    """What to show of a failed test's output: its verdict line, then the first *n* lines
    of the first diff hunk (expected '-', got '+'), or, without a diff, aiotrace's
    messages and the end of the output; a traceback's last lines first."""
    lines = text.splitlines()
    out = [ln for ln in lines if ": failed test: " in ln or ": framework failure: " in ln
           or ": skipped test: " in ln][:1]
    if crash == "traceback":
        i = max(i for i, ln in enumerate(lines) if _TRACEBACK in ln)
        tb = lines[i:]
        end = next((j for j, ln in enumerate(tb) if j and not ln.startswith(" ")), len(tb))
        out += tb[max(1, end - 3):end + 1]
    diff: list[str] = []
    in_hunk = False
    for ln in lines:
        if ln.startswith("@@"):
            in_hunk = True
            continue
        if in_hunk and ln.startswith(("-", "+")) and not ln.startswith(("---", "+++")):
            diff.append(ln)
            if len(diff) >= n:
                break
        elif in_hunk and diff and not ln.startswith(" "):
            break
    if diff:
        return out + diff
    said = [ln for ln in lines if ln.startswith(("aiotrace:", "strace:"))
            or "Failed patterns" in ln][:n]
    if said:
        return out + said
    rest = [ln for ln in lines if ln not in out]
    return out + rest[-n:]


# -- the report ---------------------------------------------------------------------------

def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    fmt = "  ".join(f"{{:<{w}}}" if i == 0 else f"{{:>{w}}}" for i, w in enumerate(widths))
    return "\n".join(fmt.format(*r) for r in rows)


def summarise(results: dict[str, dict]) -> dict:
    """Counts by area and by kind (generated / hand-written)."""
    def count(sel: list[dict]) -> dict[str, int]:
        s_pass = [r for r in sel if r["strace"]["outcome"] == PASS]
        return {
            "tests": len(sel),
            "strace_pass": len(s_pass),
            "strace_skip": sum(r["strace"]["outcome"] == SKIP for r in sel),
            "aiotrace_pass": sum(r["aiotrace"]["outcome"] == PASS for r in s_pass),
            "aiotrace_pass_strace_not": sum(
                r["aiotrace"]["outcome"] == PASS for r in sel if r["strace"]["outcome"] != PASS),
            "aiotrace_hang": sum(r["aiotrace"]["outcome"] == HANG for r in sel),
            "aiotrace_crash": sum(bool(r["aiotrace"].get("crash")) for r in sel),
        }
    done = [r for r in results.values() if "strace" in r and "aiotrace" in r]
    return {
        "all": count(done),
        "by_area": {a: count([r for r in done if r["area"] == a]) for a in AREAS
                    if any(r["area"] == a for r in done)},
        "by_kind": {k: count([r for r in done if r["kind"] == k])
                    for k in ("generated", "hand-written")},
    }


def report(doc: dict, diff_lines: int, old: dict | None) -> str:
    res = doc["tests"]
    out: list[str] = []
    w = out.append
    w(f"strace {doc['strace_version']} test suite, {doc['date']}, aiotrace "
      f"{doc['aiotrace_commit']}, kernel {doc['kernel']}")
    if doc.get("kept"):
        w(f"(run: the tests matching {doc['only']!r}; the others' outcomes are those of "
          f"{doc['kept']})")
    w("")
    bad = [(n, r) for n, r in sorted(res.items()) if "aiotrace" in r and (
        r["aiotrace"]["outcome"] == HANG or r["aiotrace"].get("crash")
        or (r["aiotrace"].get("leftovers") and not r.get("strace", {}).get("leftovers")))]
    w(f"== aiotrace hangs, crashes and processes left behind: {len(bad)}")
    for n, r in bad:
        a = r["aiotrace"]
        what = ("HANG (timeout)" if a["outcome"] == HANG else
                a["crash"].upper() if a.get("crash") else "LEFT PROCESSES")
        w(f"{n}: {what} [strace: {r.get('strace', {}).get('outcome', '?')}]")
        for ln in a.get("detail", [])[:diff_lines + 4]:
            w(f"    {ln}")
        for ln in a.get("leftovers", []):
            w(f"    left: {ln}")
    w("")
    s = doc["summary"]
    rows = [("area", "tests", "strace passes", "aiotrace passes", "%", "skipped by strace")]
    for area, c in list(s["by_area"].items()) + [("ALL", s["all"])]:
        pct = f"{100 * c['aiotrace_pass'] / c['strace_pass']:.0f}" if c["strace_pass"] else "-"
        rows.append((area, str(c["tests"]), str(c["strace_pass"]), str(c["aiotrace_pass"]),
                     pct, str(c["strace_skip"])))
    w("== pass counts by area (aiotrace passes: of the tests strace passes)")
    w(table(rows))
    w("")
    rows = [("kind", "tests", "strace passes", "aiotrace passes")]
    for kind, c in s["by_kind"].items():
        rows.append((kind, str(c["tests"]), str(c["strace_pass"]), str(c["aiotrace_pass"])))
    w(table(rows))
    extra = [n for n, r in sorted(res.items()) if "strace" in r and "aiotrace" in r
             and r["aiotrace"]["outcome"] == PASS and r["strace"]["outcome"] != PASS]
    if extra:
        w(f"aiotrace passes {len(extra)} that strace does not: {' '.join(extra)}")
    w("")
    if old is not None:
        w(f"== changes since {old.get('date')} ({old.get('aiotrace_commit')})")
        for n, r in sorted(res.items()):
            o = old.get("tests", {}).get(n, {}).get("aiotrace", {}).get("outcome")
            new = r.get("aiotrace", {}).get("outcome")
            if o and new and o != new:
                w(f"{n}: {o} -> {new}")
        w("")
    fails = [(n, r) for n, r in sorted(res.items()) if "aiotrace" in r
             and r.get("strace", {}).get("outcome") == PASS and r["aiotrace"]["outcome"] != PASS]
    w(f"== tests strace passes and aiotrace does not: {len(fails)}")
    for area in AREAS:
        these = [(n, r) for n, r in fails if r["area"] == area]
        if not these:
            continue
        w(f"--- {area}: {len(these)}")
        for n, r in these:
            a = r["aiotrace"]
            w(f"{n}: {a['outcome']}" + (f" ({a['crash']})" if a.get("crash") else ""))
            for ln in a.get("detail", [])[:diff_lines + 1]:
                w(f"    {ln[:300]}")
    return "\n".join(out) + "\n"


# -- main ---------------------------------------------------------------------------------

def run_all(tool: str, strace_cmd: str, todo: list[str], results: dict[str, dict],
            env: dict[str, str], tests_dir: Path, src_tests: Path,
            args: argparse.Namespace) -> None:
    """Run the tests *todo* with *tool*, *args.jobs* at once, then those that failed
    again one at a time; each outcome goes to results[test][tool]."""
    logdir = args.work / "logs" / tool
    logdir.mkdir(parents=True, exist_ok=True)
    print(f"running {len(todo)} tests with {tool} ({args.jobs} at once, "
          f"{args.timeout:g} s each at most)", flush=True)
    t0 = time.monotonic()
    lock = threading.Lock()
    done = 0

    def one(t: str, rerun: bool = False) -> None:
        nonlocal done
        o = run_test(t, tool, strace_cmd, env, tests_dir, src_tests, args.timeout, logdir,
                     args.diff_lines)
        o.rerun = rerun
        with lock:
            results[t][tool] = asdict(o)
            done += 1
            if o.outcome == HANG or o.crash:
                print(f"  {t}: {o.outcome.upper() if o.outcome == HANG else o.crash}",
                      flush=True)
            if done % 100 == 0:
                print(f"  {done}/{len(todo)} ({time.monotonic() - t0:.0f} s)", flush=True)

    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        list(ex.map(one, todo))
    if args.rerun != "none" and args.jobs > 1:
        again = [t for t in todo if results[t][tool]["outcome"] in (FAIL, ERROR, HANG)
                 and (args.rerun == "all" or tool == "strace"
                      or results[t].get("strace", {}).get("rerun"))]
        if again:
            print(f"  running the {len(again)} that failed again, one at a time",
                  flush=True)
        for t in again:
            first = results[t][tool]["outcome"]
            one(t, rerun=True)
            results[t][tool]["first"] = first
    print(f"  {tool}: {time.monotonic() - t0:.0f} s", flush=True)


def aiotrace_commit() -> str:
    try:
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain",
                                "--untracked-files=no", "aiotrace"],
                               capture_output=True, text=True, check=False).stdout.strip()
        return rev + ("+changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def console_script_python(aio: list[str]) -> str | None:
    """The Python that runs *aio* when it is aiotrace's console script (one file whose
    first line is ``#!PYTHON``), else None."""
    if len(aio) != 1:
        return None
    try:
        with open(aio[0], "rb") as f:
            first = f.readline(4096)
    except OSError:
        return None
    if not first.startswith(b"#!") or b"python" not in first:
        return None
    words = first[2:].decode(errors="replace").split()
    return words[0] if len(words) == 1 else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", type=Path,
                    help="strace source tree at the tag of the installed strace (needed "
                    "for the first run only: it is copied into the work directory)")
    ap.add_argument("--work", type=Path, default=Path("/var/tmp/aiotrace-conformance"),
                    help="work directory: the copy, the build, logs, results "
                    "(default: %(default)s)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2,
                    help="tests run at once (default: the number of CPUs)")
    ap.add_argument("--timeout", type=float, default=120,
                    help="seconds a test may take before it counts as a hang "
                    "(default: %(default)s)")
    ap.add_argument("--only", metavar="REGEX", help="run only the tests whose name matches")
    ap.add_argument("--tools", default="strace,aiotrace",
                    help="which runs to make (default: %(default)s)")
    ap.add_argument("--strace", default=shutil.which("strace") or "/usr/bin/strace",
                    help="the reference strace (default: %(default)s)")
    ap.add_argument("--aiotrace", help="the aiotrace command (default: the repository's "
                    ".venv/bin/aiotrace, else this Python's -m aiotrace)")
    ap.add_argument("--reuse-strace", type=Path, metavar="OLD.json",
                    help="take strace's outcomes from an earlier result instead of running "
                    "strace again")
    ap.add_argument("--keep", type=Path, metavar="OLD.json",
                    help="with --only: the tests left out keep their outcomes from an "
                    "earlier result, so that the report covers the whole suite")
    ap.add_argument("--compare", type=Path, metavar="OLD.json",
                    help="list the tests whose aiotrace outcome changed since OLD.json")
    ap.add_argument("--json", type=Path, help="where to write the result "
                    "(default: WORK/results-DATE.json, and WORK/results.json)")
    ap.add_argument("--diff-lines", type=int, default=4,
                    help="differing lines shown per failed test (default: %(default)s)")
    ap.add_argument("--rerun", choices=("strace", "all", "none"), default="strace",
                    help="which failures of the parallel run are run again, alone: "
                    "strace's, and aiotrace's of the tests that strace passed only so "
                    "(strace, the default); every failure (all); none")
    ap.add_argument("--build-only", action="store_true", help="prepare the build and stop")
    args = ap.parse_args()
    args.work = args.work.resolve()

    version = strace_version(args.strace)
    src, build = prepare(args, version)
    if args.build_only:
        return
    tests_dir = build / "tests"
    src_tests = src / "tests"
    mv = make_vars(tests_dir, ["TESTS", "ARCH", "NATIVE_ARCH", "SIZEOF_KERNEL_LONG_T",
                               "SIZEOF_LONG", "MIPS_ABI"])
    every = mv["TESTS"].split()
    tests = [t for t in every if re.search(args.only, t)] if args.only else every
    gen_args = gen_tests_args(src)
    syscalls = load_syscall_flags(src)

    aio = shlex.split(args.aiotrace) if args.aiotrace else (
        [str(REPO / ".venv/bin/aiotrace")] if (REPO / ".venv/bin/aiotrace").exists()
        else [sys.executable, "-m", "aiotrace"])
    bindir = args.work / "bin"
    bindir.mkdir(exist_ok=True)
    standin = bindir / "strace-as-aiotrace"
    python = console_script_python(aio)
    if python is not None:   # aiotrace in the stand-in's process: see standin.in_process
        standin.write_text(f"#!{python}\nimport sys\nsys.path.insert(0, {str(HERE)!r})\n"
                           "import standin\nstandin.in_process()\n")
    else:
        standin.write_text("#!/bin/sh\nexec " + " ".join(shlex.quote(c) for c in (
            sys.executable, str(STANDIN), *aio, "--")) + ' "$@"\n')
    standin.chmod(0o755)
    tools = {"strace": args.strace, "aiotrace": str(standin)}

    env = dict(os.environ)
    env.update(STRACE_ARCH=mv["ARCH"], STRACE_NATIVE_ARCH=mv["NATIVE_ARCH"],
               SIZEOF_KERNEL_LONG_T=mv["SIZEOF_KERNEL_LONG_T"],
               SIZEOF_LONG=mv["SIZEOF_LONG"], MIPS_ABI=mv["MIPS_ABI"],
               srcdir=str(src_tests),
               # run.sh's own limit, a fallback behind ours
               TIMEOUT_DURATION=str(int(args.timeout) + 60))
    env.pop("STRACE_EXE", None)
    env.pop("VERBOSE", None)

    date = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    results: dict[str, dict] = {}
    for t in tests:
        name = re.sub(r"(\.gen)?\.test$", "", t)
        kind = "generated" if t.endswith(".gen.test") else "hand-written"
        results[t] = {"name": name, "kind": kind,
                      "area": area_of(name, gen_args.get(name, ""), syscalls)}
    if args.reuse_strace:
        old = json.loads(args.reuse_strace.read_text())["tests"]
        for t, r in results.items():
            if t in old and "strace" in old[t]:
                r["strace"] = old[t]["strace"]
    if args.keep:
        old = json.loads(args.keep.read_text())["tests"]
        for t in every:
            if t not in results and t in old:
                results[t] = old[t]

    stamp = date[:19].replace(":", "")
    path = args.json or args.work / f"results-{stamp}.json"
    commit = aiotrace_commit()

    def save() -> dict:
        doc = {
            "date": date,
            "strace_version": version,
            "strace": args.strace,
            "aiotrace_commit": commit,
            "aiotrace_command": aio,
            "kernel": os.uname().release,
            "jobs": args.jobs,
            "timeout": args.timeout,
            "rerun": args.rerun,
            "only": args.only,
        "kept": str(args.keep) if args.keep else None,
            "summary": summarise(results),
            "tests": results,
        }
        path.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
        if args.json is None:
            shutil.copyfile(path, args.work / "results.json")
        return doc

    for tool in [t.strip() for t in args.tools.split(",") if t.strip()]:
        todo = [t for t in tests if tool not in results[t]]
        if todo:
            run_all(tool, tools[tool], todo, results, env, tests_dir, src_tests, args)
            save()   # (a run stopped later keeps this one: --reuse-strace)

    doc = save()
    old_doc = json.loads(args.compare.read_text()) if args.compare else None
    text = report(doc, args.diff_lines, old_doc)
    (args.work / "report.txt").write_text(text)
    sys.stdout.write(text)
    print(f"(result: {path}; this report: {args.work / 'report.txt'}; logs of each test: "
          f"{args.work / 'logs'})")


if __name__ == "__main__":
    main()
