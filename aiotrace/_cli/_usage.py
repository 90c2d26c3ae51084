# SPDX-License-Identifier: GPL-2.0-or-later
"""``aiotrace -h``: the usage text, option by option as strace's."""

USAGE = """\
usage: aiotrace run [OPTIONS] [--] PROG [ARGS...]
       aiotrace attach [OPTIONS] PID...
       aiotrace [OPTIONS] -p PID [-p PID...]

Trace the system calls and signals of a program, as strace does.

Tracing:
  -f, --follow-forks     follow children (fork, vfork, clone) and threads
  -p, --attach=PID       attach to a running process (same as 'attach PID'); with
                         PROG, trace both until every one has ended
  -E, --env=VAR[=VAL]    set VAR (or remove it) in the program's environment
  --seccomp-bpf          stop only at the traced system calls (a seccomp filter)
  -I, --interruptible=anywhere|waiting|never|never_tstp (or 1 to 4)
                         what SIGHUP, SIGINT, SIGQUIT, SIGPIPE and SIGTERM do to
                         aiotrace: kill it; detach (2); are ignored (3), SIGTSTP too (4)
  -b, --detach-on=execve  let the program go when it execs another (without -f)
  -D, -DD, -DDD          run the tracer as a detached grandchild (in a process group,
                         a session of its own): the program keeps aiotrace's pid and
                         parent (--daemonize=grandchild|pgroup|session)
  --tracer-cpu=CPU|auto|any
                         let aiotrace's own threads move (any, the default), or keep
                         them on one CPU (auto: the one it starts on, when it may use
                         two or more); the program keeps every CPU it was given

Filtering (-e EXPR, or --EXPR):
  -e trace=SET           system calls to show: names, numbers, /regex, %file,
                         %process, %net(work), %signal, %ipc, %desc, %memory,
                         %creds, %clock, %pure, %stat, %lstat, %fstat, %%stat,
                         %statfs, %fstatfs, %%statfs, all, none; !SET negates
  -e signal=SET          signals to show (names, numbers, all, none, !SET)
  -e status=SET          successful, failed, unfinished, unavailable, detached
  -z, -Z                 only successful / only failed calls
  -e inject=SET:error=ERRNO|retval=VAL[:signal=SIG][:delay_enter=D][:delay_exit=D][:when=EXPR]
                         tamper with calls (strace's grammar)
  -e fault=SET[:error=ERRNO][:when=EXPR]
                         make calls fail (with ENOSYS unless error= says)
  -e quiet=SET           attach, exit, thread-execve, personality, path-resolution
      --probe=SPEC[,SPEC...]
                         function calls to show, as ltrace does: libc.so.6:malloc,
                         PROG:main, a name in any loaded object, globs (PROG:str*)
  -e read=FDS, -e write=FDS
                         hex-dump the data read from / written to these descriptors

Output:
  -o, --output=FILE      write the trace to FILE instead of stderr (-A: append);
                         with -ff, to FILE.PID for each process and thread;
                         -o '|COMMAND': to the input of a shell command
  -s, --string-limit=N   show at most N bytes of strings (default 32)
  -y, --decode-fds       show the paths of file descriptors
  -yy                    and sockets' addresses, devices' numbers, pidfds' processes
  -Y, --decode-pids=comm show the command names of process ids (pidns: their ids in
                         aiotrace's PID namespace; all, none)
  -P, --trace-path=PATH  only the calls that use PATH (by name or descriptor)
  -x, -xx                strings with non-ASCII bytes in hex; every string in hex
      --strings-in-hex[=all|non-ascii|non-ascii-chars]
  -T, --syscall-times[=s|ms|us|ns]
                         show the time spent in each call (precision: us)
  -n, --syscall-number   start each line with the number of the call
  -i, --instruction-pointer
                         and with the thread's instruction pointer
  -k, --stack-trace      a stack trace after each call (and each probed function)
  -d, --debug            say on stderr when a call has no name ("pid N invalid
                         syscall NR"), strace's only debug message aiotrace has
  -t, -tt, -ttt          timestamps: time of day, with microseconds, epoch seconds
      --absolute-timestamps=[format:]time|unix|none,[precision:]s|ms|us|ns
  -r, --relative-timestamps[=s|ms|us|ns]
                         timestamps relative to the previous line
  -a, --columns=N        align return values at column N (default 40)
  -q, -qq                suppress attach/detach messages; and exit messages
  --json                 one JSON object per event (JSON Lines)

Statistics:
  -c, --summary-only     count calls, errors and time per call; print a table
  -C, --summary          the table, and the trace too
  -w, --summary-wall-clock
                         count wall-clock time (by default: system CPU time)
  -O, --summary-syscall-overhead=TIME
                         take TIME off each call's time (microseconds, or with
                         a suffix s, ms, us or ns)
  -S, --summary-sort-by=KEY   time (default), calls, errors, name, min_time, max_time,
                         avg_time, nothing (and strace's other spellings of them)
  -U, --summary-columns=COLUMNS
                         the table's columns: time_percent, total_time, min_time,
                         max_time, avg_time, calls, errors, name

  -h, --help             this help;  -V, --version  the version

aiotrace exits with the program's exit status, and dies of the signal that killed it.
"""
