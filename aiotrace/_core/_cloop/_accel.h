#ifndef AIOTRACE_ACCEL_H
#define AIOTRACE_ACCEL_H

/* aiotrace's tracer loop in C: the per-stop path without the GIL (its shared declarations).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * The tracer thread (aiotrace/_core/_tracer.py) calls at_run() through ctypes, which
 * releases the GIL for the call. at_run() waits for the tracees' stops and handles the
 * common ones itself, so that a tracee never waits for Python, nor for the GIL that the
 * application's threads hold:
 *
 *   - a syscall stop that no stream wants: the thread goes on at once;
 *   - a syscall stop that only observers want, who may see it after the thread went on
 *     (no capture at the stop, room in their buffers): it becomes a *record* in a ring,
 *     which the event loop's thread turns into events later (Core.convert), and the
 *     thread goes on at once;
 *   - a syscall stop that one intercepting engine wants, alone: its registers are read,
 *     it becomes a record, and the thread stays stopped (a *C hold*) until the engine's
 *     verdict, which the loop thread queues with at_release() when it asks for nothing
 *     but to go on; anything else the engine decides goes through Python, which *adopts*
 *     the hold first (at_adopt);
 *   - the doorbell's stop (the loop woke the thread up): the doorbell goes on;
 *   - a breakpoint's SIGTRAP (a probe, see aiotrace/_core/_probes.py) that only observers
 *     want, where the displaced instruction runs from its slot (or is a no-op or a jump):
 *     a record with the registers, rip set where the thread goes on, and on it goes; one
 *     that one intercepting engine wants, alone: a C hold, as for a syscall stop, whose
 *     plain release sets rip where the thread goes on before it resumes it. The table of
 *     such breakpoints (struct at_bps) is Python's, made for each address space; any other
 *     breakpoint's stop is Python's.
 *
 * Everything else (other stops, deaths, threads Python holds, families being detached)
 * goes back to Python, which keeps the whole state machine; at_run() returns AT_SLOW with
 * the stop. Python returns to at_run() when it is done. Python commands queued by the loop
 * (Core.post) make at_run() return AT_CMDS.
 *
 * Nothing here includes Python.h: the library is plain C, built by setuptools as an
 * optional extension and loaded with ctypes (aiotrace/_core/_cloop/_binding.py). The structures
 * below are mirrored there field by field; at_layout() lets Python check the offsets.
 *
 * Kernel facts this file relies on (more in _tracer.py's docstring and docs/architecture.md):
 *   - ptrace requests are checked against the tracer *thread*: only the thread that runs
 *     at_run() may resume a tracee, so at_release() only queues, and at_run() resumes;
 *   - waitpid(-1, __WALL | __WNOTHREAD) reports only this thread's own children and
 *     tracees: the application's subprocesses are never reaped here;
 *   - a thread in a ptrace-stop cannot report anything but its death (SIGKILL takes it out
 *     of any stop); with every tracee stopped, the thread sleeps in poll() on a wake pipe
 *     and the tracees' pidfds (readable once a process is dead) instead of in waitpid,
 *     after turning PTRACE_O_TRACEEXIT off, so that a killed thread dies at once instead of
 *     stopping again in PTRACE_EVENT_EXIT, which no pidfd would report;
 *   - ESRCH from a resume means the thread was killed in its stop: its death comes next.
 *
 * The loop is in six files, one concept each (docs/architecture.md maps them):
 *   _accel.h        this header: the structures Python mirrors, the constants, and what
 *                   the files below share;
 *   _accel_slots.c  the table of traced threads by tid, and the set-up (at_init, at_layout);
 *   _accel_holds.c  waking the thread, the loop's notifications, C holds and their release;
 *   _accel_rules.c  decide(): what to do with one stop, the rules of _policy.py;
 *   _accel_stops.c  doing it: records, memory copies, C holds taken, probe hits;
 *   _accel_paths.c  paths=: the paths a call uses, resolved at its stop, and the filter;
 *   _accel_loop.c   sleeping (waitpid, or poll() when every tracee is held) and at_run().
 */

#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef __WALL
#define __WALL 0x40000000
#endif
#ifndef __WNOTHREAD
#define __WNOTHREAD 0x20000000
#endif

/* ptrace requests (<linux/ptrace.h>), as plain numbers: glibc's enum differs by version */
#define REQ_CONT 7
#define REQ_GETREGS 12
#define REQ_SETREGS 13
#define REQ_GETSIGINFO 0x4202
#define REQ_POKEUSER 6
#define USER_RIP (16 * 8)     /* offsetof(struct user, regs.rip) */
#ifndef SI_KERNEL   /* (glibc has it as an enum, and a macro of itself) */
#define SI_KERNEL 0x80
#endif
#define SIGTRAP_STOP ((SIGTRAP << 8) | 0x7F)   /* a signal-delivery-stop of SIGTRAP */
#define REQ_SYSCALL 24
#define REQ_SETOPTIONS 0x4200
#define REQ_GET_SYSCALL_INFO 0x420E
#define OPT_TRACEEXIT 0x40
#define INFO_ENTRY 1
#define INFO_EXIT 2
#define INFO_SECCOMP 3
#define SYSCALL_STOP ((((SIGTRAP | 0x80) << 8) | 0x7F))
#define SECCOMP_STOP ((((SIGTRAP | (7 << 8)) << 8) | 0x7F))   /* PTRACE_EVENT_SECCOMP */
#define WAIT_FLAGS (__WALL | __WNOTHREAD)

#define AT_NR 512               /* syscall numbers the per-family tables cover */
#define NR_NONE INT64_MIN       /* a slot's nr when no call is in progress: every other value
                                 * is a call's key (Python's _syscalls), -1 included */
#define AUDIT_ARCH_X86_64 0xC000003Eu
#define AT_COPIES 2             /* memory copies a record may carry (prefetch=) */
#define COPY_MAX (1 << 16)      /* bytes of one copy, at most */

/* what a family's streams want of one syscall's entry or exit (the low bits), and W_PIN:
 * a record whose consumer reads the thread's memory later, which stays valid only until
 * the thread leaves its next stop (capture_after_resume): the thread does not go past
 * its next stop here before the record is taken (Python converts first) */
enum { W_NONE = 0, W_RECORD = 1, W_SLOW = 2, W_HOLD = 3, W_CLASS = 0x0F, W_PIN = 0x10,
       W_PATHS = 0x20,     /* W_PATHS: a record only if a path of the call matches (paths=) */
       W_KEEP = 0x40 };    /* with W_PATHS: the record with its paths whatever they are
                            * (another stream, without paths=, wants the call too) */
/* a slot's state */
enum { S_RUNNING = 0, S_STOPPED = 1, S_HELD = 2, S_RELEASING = 3, S_GONE = 4 };
/* at_run's results (negative: -errno of waitpid) */
enum { AT_IDLE = 0, AT_SLOW = 1, AT_CMDS = 2 };
/* what the thread is blocked in, for the ring */
enum { AWAKE = 0, IN_WAITPID = 1, IN_POLL = 2, RUNG = 4 };   /* sleeping: a sleep, maybe | RUNG */
/* at_run's count of records made, with this bit once one of them pins its thread */
#define MADE_RETURN 0x40000000
/* record kinds */
enum { R_ENTRY = 1, R_EXIT = 2, R_HELD_ENTRY = 3, R_HELD_EXIT = 4, R_PROBE = 5,
       R_HELD_PROBE = 6 };
/* decide()'s answers: Python's; read PTRACE_GET_SYSCALL_INFO, then ask again; go on; a C hold */
enum { D_SLOW = 0, D_INFO = 1, D_GO = 2, D_HOLD = 3 };
/* ... and what it takes the stop for: a call's entry, its exit (both read with
 * PTRACE_GET_SYSCALL_INFO), the exit of a call nobody wants (not read), the seccomp stop of
 * the call its syscall-entry-stop reported */
enum { K_NONE = 0, K_ENTRY = 1, K_EXIT = 2, K_QUIET_EXIT = 3, K_SECCOMP = 4 };

struct syscall_info {           /* struct ptrace_syscall_info, Linux >= 5.3 */
    uint8_t op;
    uint8_t pad[3];
    uint32_t arch;
    uint64_t instruction_pointer;
    uint64_t stack_pointer;
    union {
        struct { uint64_t nr; uint64_t args[6]; } entry;
        struct { int64_t rval; uint8_t is_error; } exit;
        struct { uint64_t nr; uint64_t args[6]; uint32_t ret_data; } seccomp;
    } u;
};

struct at_copy {                /* prefetch=: memory to copy at a stop, before it ends */
    uint8_t arg;                /* the argument that holds the address */
    uint8_t mode;               /* C_*: how many bytes, at most `size` */
    uint16_t from;              /* C_ARG: the argument that holds the length */
    uint32_t size;
};
enum { C_NONE = 0, C_FIXED = 1, C_RETVAL = 2, C_STRING = 3, C_ARG = 4 };

struct at_family {              /* one Family: what its streams want */
    int64_t issued;             /* records made for it (written here only) */
    int64_t limit;              /* records may be made while issued < limit (Python's) */
    uint32_t options;           /* its PTRACE_SETOPTIONS */
    uint8_t fast;               /* its stops may be handled here at all */
    uint8_t full_stops;         /* resume with PTRACE_SYSCALL (no prefilter covers the interest) */
    uint8_t want_exit;          /* a stream wants Exit events: PTRACE_O_TRACEEXIT back on */
    uint8_t cpu_time;           /* a stream takes each syscall stop's CPU time of the thread
                                 * (count_syscalls' clock="cpu"): its records carry it */
    uint8_t entry[AT_NR];       /* W_* for each syscall's entry */
    uint8_t exit[AT_NR];        /* ... and exit */
    struct at_copy copies[2][AT_NR][AT_COPIES];   /* [0 entry, 1 exit][nr]: for records */
    const struct at_paths *paths;   /* W_PATHS: the steps and the patterns (NULL: none) */
};

/* paths=: how to find the paths each call uses, and the patterns of a family's streams
 * (Python's _pathrules.py states the same rules; see _accel_paths.c) */
enum { P_NONE = 0, P_PATH = 1, P_FD = 2, P_CHDIR = 3 };   /* a step's kind */
/* a pattern's kind: one path; a directory and what is under it (ends with '/'); a glob,
 * as the program _pathrules.glob_program makes of it: an ASCII byte is itself, G_STAR any
 * characters, G_ANY one, G_CLASS one of a set (then 16 bytes, a bit per ASCII character,
 * and one byte: whether any other character is in it) */
enum { PK_PATH = 0, PK_PREFIX = 1, PK_GLOB = 2 };
enum { G_STAR = 0x80, G_ANY = 0x81, G_CLASS = 0x82, G_CLASS_LEN = 18 };
struct at_pattern {
    uint32_t at;                /* its text in at_paths.text */
    uint32_t len;
    uint32_t prefix;            /* its kind: PK_PATH, PK_PREFIX or PK_GLOB */
    uint32_t pad;
};
struct at_paths {
    /* per x86-64 call, its steps in argument order, 0 ending them: kind << 6 | (the index
     * of the dirfd that goes with a path + 1) << 3 | the argument's index */
    uint8_t steps[AT_NR][AT_COPIES];
    uint32_t npat;
    uint32_t pad;
    const struct at_pattern *pat;
    const char *text;
};

struct at_bp {                  /* a breakpoint whose hits only observers want, or only
                                 * one intercepting engine, alone */
    uint64_t addr;              /* the int3's address (0: a free entry) */
    uint64_t to;                /* where the thread goes on (its slot, or the emulation's
                                 * target): 0 if Python must handle it */
    int64_t key;                /* the streams' key of it (the record's nr) */
    uint64_t hold;              /* 1: the engine's; a C hold (R_HELD_PROBE) */
};

struct at_bps {                 /* an address space's breakpoints (Python's, see _probes) */
    uint64_t mask;              /* entries - 1 (a power of two), open addressing on addr */
    struct at_bp *table;
};

struct at_slot {                /* one traced thread (Python's Thread.slot) */
    int32_t tid;
    uint8_t exit_off;           /* PTRACE_O_TRACEEXIT turned off for an all-held sleep */
    uint8_t state;              /* S_* */
    uint8_t fast;               /* its next syscall stop may be handled here (Python sets it) */
    uint8_t expect_exit;        /* resumed from an entry with PTRACE_SYSCALL: next is its exit */
    uint8_t want_exit;          /* prefiltered call: a stream wants its exit */
    uint8_t dirty;              /* a stop was handled here since Python last looked */
    uint8_t pad[6];
    int64_t nr;                 /* syscall in progress (its key: the x86-64 number, or a
                                 * call of another ABI, which Python handles), or NR_NONE */
    uint64_t args[6];           /* ... and its arguments */
    struct at_family *fam;
    uint32_t gen;               /* bumped at each C hold: a stale release is ignored */
    int32_t req;                /* C hold: the request that resumes it */
    uint64_t pin;               /* W_PIN: the ring's tail must reach this first */
    struct at_bps *bps;         /* its process's breakpoints (NULL: none handled here) */
    uint64_t resume_rip;        /* a C hold at a breakpoint: where its release sends the
                                 * thread (0: a syscall stop's hold, or none) */
    int32_t pid;                /* its process (for /proc/PID/fd and cwd: paths=) */
    int32_t cpu_fd;             /* its /proc/PID/task/TID/schedstat + 1, opened at the first
                                 * record that carries its CPU time (0: not open); closed
                                 * with the slot (at_del, at_close_fds) */
};

struct at_record {              /* one event made here, turned into a Python event later */
    int32_t tid;
    int32_t kind;               /* R_* */
    int64_t nr;
    uint64_t args[6];
    int64_t rval;
    int64_t time_ns;            /* CLOCK_MONOTONIC, as time.monotonic_ns() */
    uint32_t gen;               /* R_HELD_*: the slot's gen */
    uint32_t flags;             /* RF_PATHS: its copies are the paths its call uses */
    uint64_t regs[27];          /* R_HELD_*: struct user_regs_struct */
    uint64_t copy_addr[AT_COPIES];   /* prefetch=: where each copy was read */
    uint64_t copy_at[AT_COPIES];     /* ... where it is in the arena (a running count) */
    uint32_t copy_len[AT_COPIES];    /* ... how many bytes (0: none, or unreadable) */
    uint64_t blob_end;          /* the arena's head after them: its tail once taken */
    int64_t cpu_ns;             /* RF_CPU: the thread's time on a CPU so far, in ns (the
                                 * first field of its schedstat), -1 if unreadable */
};

/* a record's flags: its copies are the paths its call uses; it carries cpu_ns */
enum { RF_PATHS = 1, RF_CPU = 2 };
/* at_decision.paths: none; the record only if a path matches; the record with its paths */
enum { PA_NONE = 0, PA_MATCH = 1, PA_KEEP = 2 };

struct at_decision {            /* what the C loop does with one stop (decide()) */
    int32_t act;                /* D_* */
    int32_t kind;               /* K_* (D_GO, D_HOLD) */
    int32_t req;                /* D_GO: the resume's request; D_HOLD: its release's */
    int32_t record;             /* 0, or the R_* of the record made */
    uint8_t reads_info;         /* PTRACE_GET_SYSCALL_INFO was needed */
    uint8_t unpin;              /* the thread's pin is over (its record was taken): cleared,
                                 * whatever comes next */
    uint8_t pins;               /* the record pins the thread (W_PIN) */
    uint8_t options;            /* D_GO: PTRACE_SETOPTIONS first (the TRACEEXIT toggle) */
    uint8_t expect_exit;        /* the slot's, after (D_GO, D_HOLD) */
    uint8_t want_exit;          /* ... */
    uint8_t state;              /* the slot's state after (D_SLOW: what Python finds) */
    uint8_t paths;              /* PA_*: the call's paths with the record (W_PATHS, W_KEEP) */
    int64_t nr;                 /* the stop's call: the tables' index, the record's nr */
    int64_t slot_nr;            /* the slot's call after (NR_NONE: none) */
};

struct at_private;

struct at_core {
    /* set by Python */
    int32_t doorbell;           /* the doorbell's pid */
    int32_t doorbell_fd;        /* ... and its pidfd, which rings signal */
    int32_t notify_fd;          /* the loop's pipe: one byte when records are made */
    int32_t wake_r, wake_w;     /* the wake pipe of the all-held sleep */
    int32_t no_poll;            /* set by Python: a death might not make a pidfd readable
                                 * (a thread not its process's leader, a thread not traced,
                                 * a tid reported before its parent claimed it): no
                                 * all-held sleep in poll(), waitpid instead */
    int32_t npfds;              /* entries of pfds: the wake pipe, then the pidfds */
    int32_t subscribing;        /* atomic: new streams not yet taken on by Python, whose
                                 * tables are stale: every stop is Python's meanwhile */
    struct pollfd *pfds;
    /* shared, atomic */
    uint64_t head;              /* records made (written here) */
    uint64_t tail;              /* records taken (written by Python) */
    int32_t notified;           /* a byte is on its way to the loop for the records */
    int32_t sleeping;           /* AWAKE, or IN_WAITPID or IN_POLL, | RUNG once rung */
    int32_t py_cmds;            /* Python commands queued since Python last took them */
    int32_t releases;           /* C holds released by the loop, not yet resumed */
    /* results of at_run */
    int32_t slow_pid, slow_status;
    int32_t info_tid;           /* info holds PTRACE_GET_SYSCALL_INFO of slow_pid's stop */
    int32_t looking;            /* the loop will look at the ring: no byte needed */
    int64_t stops;              /* stops handled here (Python counts the others) */
    struct syscall_info info;
    /* the ring, made by at_init */
    struct at_record *ring;
    uint64_t ring_mask;
    struct at_private *priv;
    /* the arena of the records' memory copies (prefetch=), made by at_init */
    uint8_t *arena;
    uint64_t arena_size;        /* a power of two */
    uint64_t arena_head;        /* bytes used (written here) */
    uint64_t arena_tail;        /* bytes given back (written by Python) */
};

struct at_private {
    struct at_slot **table;     /* open addressing on tid; TOMB marks a deleted entry */
    uint32_t cap, used, tombs;
    pthread_mutex_t lock;       /* the release queue and the slots' HELD/RELEASING states */
    struct at_slot **queue;     /* released C holds, resumed by at_run */
    uint32_t qlen, qcap;
};

#define TOMB ((struct at_slot *)1)

/* Shared between the files of the loop, not exported from the library. */
#define INTERNAL __attribute__((visibility("hidden")))

/* PTRACE_O_TRACEEXIT must be toggled before *s* goes on: it is on exactly when a stream
 * wants Exit events (as Python's Core._resume); off, a thread's end costs one stop less */
static inline int exit_toggle(const struct at_slot *s) {
    return s->exit_off == s->fam->want_exit;
}

/* Room for a record of family *f*: its streams' credit, and the ring's. */
static inline int room(const struct at_core *c, const struct at_family *f) {
    if (f->issued >= f->limit)
        return 0;   /* a stream's buffer may be full: Python decides (backpressure) */
    uint64_t tail = __atomic_load_n(&c->tail, __ATOMIC_ACQUIRE);
    return c->head - tail <= c->ring_mask;
}

/* _accel_slots.c */
INTERNAL struct at_slot *lookup(struct at_private *p, int32_t tid);
INTERNAL int unqueue(struct at_core *c, struct at_slot *s);
/* _accel_holds.c */
INTERNAL void tell_loop(struct at_core *c);
INTERNAL void resume(struct at_slot *s, int req);
INTERNAL uint32_t apply_releases(struct at_core *c);
/* _accel_rules.c */
INTERNAL void decide(const struct at_core *c, const struct at_slot *s, int status,
                     const struct syscall_info *in, struct at_decision *d);
/* _accel_stops.c */
INTERNAL int64_t cpu_ns(struct at_slot *s);
INTERNAL void close_cpu(struct at_slot *s);
INTERNAL ssize_t copy_string(pid_t tid, uint8_t *to, uint64_t addr, uint64_t n, int whole);
INTERNAL int fast_stop(struct at_core *c, struct at_slot *s, int status, int *made);
INTERNAL int bp_stop(struct at_core *c, struct at_slot *s, int *made);
/* _accel_paths.c */
INTERNAL int resolve_paths(struct at_core *c, const struct at_slot *s, struct at_record *r,
                           int at_exit);

#endif
