/* aiotrace's tracer loop in C: the per-stop path without the GIL.
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
#define SI_KERNEL 0x80
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
enum { W_NONE = 0, W_RECORD = 1, W_SLOW = 2, W_HOLD = 3, W_CLASS = 0x0F, W_PIN = 0x10 };
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
    uint8_t pad;
    uint8_t entry[AT_NR];       /* W_* for each syscall's entry */
    uint8_t exit[AT_NR];        /* ... and exit */
    struct at_copy copies[2][AT_NR][AT_COPIES];   /* [0 entry, 1 exit][nr]: for records */
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
};

struct at_record {              /* one event made here, turned into a Python event later */
    int32_t tid;
    int32_t kind;               /* R_* */
    int64_t nr;
    uint64_t args[6];
    int64_t rval;
    int64_t time_ns;            /* CLOCK_MONOTONIC, as time.monotonic_ns() */
    uint32_t gen;               /* R_HELD_*: the slot's gen */
    uint32_t pad;
    uint64_t regs[27];          /* R_HELD_*: struct user_regs_struct */
    uint64_t copy_addr[AT_COPIES];   /* prefetch=: where each copy was read */
    uint64_t copy_at[AT_COPIES];     /* ... where it is in the arena (a running count) */
    uint32_t copy_len[AT_COPIES];    /* ... how many bytes (0: none, or unreadable) */
    uint64_t blob_end;          /* the arena's head after them: its tail once taken */
};

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
    uint8_t pad;
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

/* ---- the tid table ------------------------------------------------------------------ */

static uint32_t hash(int32_t tid, uint32_t mask) {
    return ((uint32_t)tid * 2654435761u) & mask;
}

static struct at_slot *lookup(struct at_private *p, int32_t tid) {
    uint32_t mask = p->cap - 1;
    for (uint32_t i = hash(tid, mask);; i = (i + 1) & mask) {
        struct at_slot *s = p->table[i];
        if (s == NULL)
            return NULL;
        if (s != TOMB && s->tid == tid)
            return s;
    }
}

static int grow(struct at_private *p) {
    uint32_t cap = p->cap * 2;
    if ((p->used + 1) * 4 < p->cap)
        cap = p->cap;   /* mostly tombstones: rebuild at the same size */
    struct at_slot **t = calloc(cap, sizeof *t);
    if (t == NULL)
        return -ENOMEM;
    for (uint32_t i = 0; i < p->cap; i++) {
        struct at_slot *s = p->table[i];
        if (s == NULL || s == TOMB)
            continue;
        uint32_t j = hash(s->tid, cap - 1);
        while (t[j] != NULL)
            j = (j + 1) & (cap - 1);
        t[j] = s;
    }
    free(p->table);
    p->table = t;
    p->cap = cap;
    p->tombs = 0;
    return 0;
}

/* Register *s* under its tid (replacing any slot of that tid). Tracer thread. */
int at_add(struct at_core *c, struct at_slot *s) {
    struct at_private *p = c->priv;
    if ((p->used + p->tombs + 1) * 2 > p->cap && grow(p) != 0)
        return -ENOMEM;
    uint32_t mask = p->cap - 1, tomb = UINT32_MAX;
    for (uint32_t i = hash(s->tid, mask);; i = (i + 1) & mask) {
        struct at_slot *t = p->table[i];
        if (t == TOMB) {
            if (tomb == UINT32_MAX)
                tomb = i;
            continue;
        }
        if (t == NULL) {
            if (tomb != UINT32_MAX) {
                i = tomb;
                p->tombs--;
            }
            p->table[i] = s;
            p->used++;
            return 0;
        }
        if (t->tid == s->tid) {
            p->table[i] = s;
            return 0;
        }
    }
}

/* Take *s* out of the queue of releases (1 if it was there). With the lock held. */
static int unqueue(struct at_core *c, struct at_slot *s) {
    struct at_private *p = c->priv;
    for (uint32_t i = 0; i < p->qlen; i++) {
        if (p->queue[i] == s) {
            p->queue[i] = p->queue[--p->qlen];
            __atomic_sub_fetch(&c->releases, 1, __ATOMIC_SEQ_CST);
            return 1;
        }
    }
    return 0;
}

/* Forget the slot of *tid*: the thread is gone, detached or moved. Tracer thread. */
void at_del(struct at_core *c, int32_t tid) {
    struct at_private *p = c->priv;
    uint32_t mask = p->cap - 1;
    for (uint32_t i = hash(tid, mask);; i = (i + 1) & mask) {
        struct at_slot *s = p->table[i];
        if (s == NULL)
            return;
        if (s != TOMB && s->tid == tid) {
            p->table[i] = TOMB;
            p->used--;
            p->tombs++;
            pthread_mutex_lock(&p->lock);
            /* (whatever its state says: Python may have taken a stop of it since the
             * release was queued; a slot left in the queue would be resumed freed) */
            unqueue(c, s);
            s->state = S_GONE;   /* a late at_release finds it gone */
            pthread_mutex_unlock(&p->lock);
            return;
        }
    }
}

/* ---- set-up --------------------------------------------------------------------------- */

/* Sizes and offsets, for Python's check of its mirror of these structures. */
int64_t at_layout(int what) {
    switch (what) {
    case 0: return sizeof(struct at_core);
    case 1: return sizeof(struct at_slot);
    case 2: return sizeof(struct at_family);
    case 3: return sizeof(struct at_record);
    case 4: return offsetof(struct at_core, info);
    case 5: return offsetof(struct at_core, ring);
    case 6: return offsetof(struct at_slot, nr);
    case 7: return offsetof(struct at_slot, fam);
    case 8: return offsetof(struct at_family, entry);
    case 9: return offsetof(struct at_record, regs);
    case 10: return offsetof(struct at_core, stops);
    case 11: return offsetof(struct at_slot, pin);
    case 12: return offsetof(struct at_record, copy_addr);
    case 13: return offsetof(struct at_core, arena);
    case 14: return offsetof(struct at_family, copies);
    case 15: return sizeof(struct at_decision);
    case 16: return offsetof(struct at_decision, nr);
    case 17: return offsetof(struct at_slot, bps);
    case 18: return sizeof(struct at_bp);
    case 19: return offsetof(struct at_slot, resume_rip);
    default: return -1;
    }
}

/* Make the ring (*ring_cap* records) and the arena (*arena_size* bytes), powers of two,
 * and the private part. */
int at_init(struct at_core *c, uint32_t ring_cap, uint64_t arena_size) {
    struct at_private *p = calloc(1, sizeof *p);
    if (p == NULL)
        return -ENOMEM;
    p->cap = 64;
    p->table = calloc(p->cap, sizeof *p->table);
    p->qcap = 16;
    p->queue = calloc(p->qcap, sizeof *p->queue);
    c->ring = calloc(ring_cap, sizeof *c->ring);
    c->arena = malloc(arena_size);
    if (p->table == NULL || p->queue == NULL || c->ring == NULL || c->arena == NULL) {
        free(p->table);
        free(p->queue);
        free(c->ring);
        free(c->arena);
        free(p);
        c->ring = NULL;
        c->arena = NULL;
        return -ENOMEM;
    }
    c->arena_size = arena_size;
    pthread_mutex_init(&p->lock, NULL);
    c->ring_mask = ring_cap - 1;
    c->priv = p;
    return 0;
}

void at_fini(struct at_core *c) {
    struct at_private *p = c->priv;
    if (p == NULL)
        return;
    pthread_mutex_destroy(&p->lock);
    free(p->table);
    free(p->queue);
    free(p);
    free(c->ring);
    free(c->arena);
    c->priv = NULL;
    c->ring = NULL;
    c->arena = NULL;
}

/* ---- waking the thread ---------------------------------------------------------------- */

/* Wake the tracer thread if it sleeps: a byte on the wake pipe when it sleeps in poll(),
 * SIGURG for the doorbell when it sleeps in waitpid (the doorbell's signal-delivery-stop
 * ends the wait). The caller has published its work (py_cmds, releases) with a sequentially
 * consistent operation before; the thread publishes `sleeping` the same way before it looks
 * at the work: so either it sees the work, or this sees it asleep. */
static void ring(struct at_core *c) {
    /* `sleeping` carries RUNG for the sleep it names: one compare-and-swap both claims
     * the ring and fixes which sleep it is for. (With a separate flag, a ring could read
     * IN_WAITPID, be overtaken by the thread's waking up and going to sleep in poll(),
     * and then send the doorbell a SIGURG poll() does not hear: a lost wake-up.) */
    int s = __atomic_load_n(&c->sleeping, __ATOMIC_SEQ_CST);
    do {
        if (s == AWAKE || (s & RUNG))
            return;
    } while (!__atomic_compare_exchange_n(&c->sleeping, &s, s | RUNG, 0, __ATOMIC_SEQ_CST,
                                          __ATOMIC_SEQ_CST));
    if (s == IN_POLL) {
        char b = 0;
        ssize_t n = write(c->wake_w, &b, 1);   /* EAGAIN: the pipe is full, it will wake */
        (void)n;
    } else {
        /* (through its pidfd: a doorbell that a tracee killed may be reaped, and its pid
         * reused, by now; its death woke the thread, which makes a new one) */
        syscall(SYS_pidfd_send_signal, c->doorbell_fd, SIGURG, NULL, 0);
    }
}

/* A Python command was queued (Core.post): make at_run return AT_CMDS. Any thread, GIL held. */
void at_post(struct at_core *c) {
    __atomic_add_fetch(&c->py_cmds, 1, __ATOMIC_SEQ_CST);
    ring(c);
}

/* Python takes the commands queued so far (then runs every one). Tracer thread. */
/* The loop thread has queued *n* new streams (n > 0), or the tracer thread has taken
 * them on (n < 0): while any is pending, the tables are stale and every stop is Python's,
 * which takes them on before it handles one. Any thread. */
void at_subscribing(struct at_core *c, int32_t n) {
    __atomic_add_fetch(&c->subscribing, n, __ATOMIC_SEQ_CST);
}

int at_take_cmds(struct at_core *c) {
    return __atomic_exchange_n(&c->py_cmds, 0, __ATOMIC_SEQ_CST);
}

/* The loop takes the records made so far: the next record writes a byte again. */
uint64_t at_take_records(struct at_core *c) {
    __atomic_exchange_n(&c->notified, 0, __ATOMIC_SEQ_CST);
    return __atomic_load_n(&c->head, __ATOMIC_ACQUIRE);
}

/* ... and hands their place in the ring back, and that of their copies in the arena. */
void at_consumed(struct at_core *c, uint64_t tail, uint64_t arena_tail) {
    __atomic_store_n(&c->arena_tail, arena_tail, __ATOMIC_RELEASE);
    __atomic_store_n(&c->tail, tail, __ATOMIC_RELEASE);
}

static void tell_loop(struct at_core *c) {
    /* The loop yielded the CPU right after a release, and looks at the ring when it gets
     * it back (at_unlook): no byte, and no read of it, at each intercepted stop. The
     * fence orders the caller's publication of head (and Python's of its outbox) before
     * the look at `looking`; at_unlook's exchange does the same on the other side: either
     * this sees the loop's look gone and writes, or the loop sees what was made. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (__atomic_load_n(&c->looking, __ATOMIC_SEQ_CST))
        return;
    if (!__atomic_exchange_n(&c->notified, 1, __ATOMIC_SEQ_CST)) {
        char b = 0;
        ssize_t n = write(c->notify_fd, &b, 1);
        (void)n;
    }
}

/* Python's own wake-up of the loop (its outbox), through the same flag: one byte for
 * both, until the loop takes them (at_take_records). Called with the GIL released. */
void at_notify(struct at_core *c) {
    tell_loop(c);
}

/* ---- C holds ---------------------------------------------------------------------------- */

/* The loop thread releases a C hold whose engine asked for nothing but to go on: 1 if it
 * is queued for at_run, 0 if the hold is no longer C's (adopted by Python, released, the
 * thread gone): the caller then goes through Python. With *look* (the loop thread only),
 * the caller yields the CPU next and then calls at_unlook: until then, records need no
 * byte. Any thread, GIL held. */
int at_release(struct at_core *c, struct at_slot *s, uint32_t gen, int look) {
    struct at_private *p = c->priv;
    int ok = 0;
    pthread_mutex_lock(&p->lock);
    if (s->state == S_HELD && s->gen == gen) {
        if (p->qlen == p->qcap) {
            struct at_slot **q = realloc(p->queue, 2 * p->qcap * sizeof *q);
            if (q != NULL) {
                p->queue = q;
                p->qcap *= 2;
            }
        }
        if (p->qlen < p->qcap) {
            p->queue[p->qlen++] = s;
            s->state = S_RELEASING;
            __atomic_add_fetch(&c->releases, 1, __ATOMIC_SEQ_CST);
            ok = 1;
        }
    }
    pthread_mutex_unlock(&p->lock);
    if (ok) {
        if (look)
            __atomic_store_n(&c->looking, 1, __ATOMIC_SEQ_CST);
        ring(c);
    }
    return ok;
}

/* After at_release(..., 1) and the yield: records need their byte again. 1 if records
 * were made meanwhile (perhaps without a byte: the caller turns them into events now,
 * and runs Python's outbox, which may have had no byte either). Loop thread, GIL held. */
int at_unlook(struct at_core *c) {
    __atomic_exchange_n(&c->looking, 0, __ATOMIC_SEQ_CST);
    return __atomic_load_n(&c->head, __ATOMIC_SEQ_CST) != __atomic_load_n(&c->tail, __ATOMIC_SEQ_CST);
}

/* PTRACE_O_TRACEEXIT must be toggled before *s* goes on: it is on exactly when a stream
 * wants Exit events (as Python's Core._resume); off, a thread's end costs one stop less */
static int exit_toggle(const struct at_slot *s) {
    return s->exit_off == s->fam->want_exit;
}

static void resume(struct at_slot *s, int req) {
    struct at_family *f = s->fam;
    if (exit_toggle(s)) {
        s->exit_off = !f->want_exit;
        uint32_t opts = f->want_exit ? f->options : f->options & ~OPT_TRACEEXIT;
        ptrace(REQ_SETOPTIONS, s->tid, 0, (void *)(uintptr_t)opts);
    }
    s->state = S_RUNNING;
    ptrace(req, s->tid, 0, 0);   /* ESRCH: killed in its stop, its death comes next */
}

/* Resume the C holds the loop released; how many. Tracer thread. */
static uint32_t apply_releases(struct at_core *c) {
    if (__atomic_load_n(&c->releases, __ATOMIC_SEQ_CST) == 0)
        return 0;
    struct at_private *p = c->priv;
    pthread_mutex_lock(&p->lock);
    uint32_t n = p->qlen;
    for (uint32_t i = 0; i < n; i++) {
        struct at_slot *s = p->queue[i];
        s->dirty = 1;
        if (s->resume_rip) {
            /* a breakpoint's hit: on at its slot (or the emulation's target). One word of
             * struct user (rip) instead of GETREGS and SETREGS; ESRCH: killed, as below */
            ptrace(REQ_POKEUSER, s->tid, (void *)USER_RIP, (void *)(uintptr_t)s->resume_rip);
            s->resume_rip = 0;
        }
        resume(s, s->req);
    }
    __atomic_sub_fetch(&c->releases, (int32_t)n, __ATOMIC_SEQ_CST);
    p->qlen = 0;
    pthread_mutex_unlock(&p->lock);
    return n;
}

void at_apply_releases(struct at_core *c) {
    (void)apply_releases(c);
}

/* Python handles a stop of a thread whose slot is not S_STOPPED: a C hold, released or
 * not, can only report the thread's death (or, killed, its PTRACE_EVENT_EXIT stop): that
 * hold is over, and a release queued for it must not resume the thread's next stop.
 * The slot is Python's (S_STOPPED). Tracer thread. */
void at_take(struct at_core *c, struct at_slot *s) {
    struct at_private *p = c->priv;
    pthread_mutex_lock(&p->lock);
    unqueue(c, s);
    s->state = S_STOPPED;
    s->resume_rip = 0;
    pthread_mutex_unlock(&p->lock);
}

/* Python takes over a C hold (before it applies a verdict of its own, or whenever it runs):
 * 1 if the slot was held here with *gen* and is now Python's (S_STOPPED), 0 if not. Tracer
 * thread, after at_apply_releases. */
int at_adopt(struct at_core *c, struct at_slot *s, uint32_t gen) {
    struct at_private *p = c->priv;
    int ok = 0;
    pthread_mutex_lock(&p->lock);
    if (s->state == S_HELD && s->gen == gen) {
        s->state = S_STOPPED;
        s->resume_rip = 0;   /* (Python sets the registers itself: _probes.apply) */
        ok = 1;
    }
    pthread_mutex_unlock(&p->lock);
    return ok;
}

/* ---- the stops ------------------------------------------------------------------------------ */

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int room(const struct at_core *c, const struct at_family *f) {
    if (f->issued >= f->limit)
        return 0;   /* a stream's buffer may be full: Python decides (backpressure) */
    uint64_t tail = __atomic_load_n(&c->tail, __ATOMIC_ACQUIRE);
    return c->head - tail <= c->ring_mask;
}

static struct at_record *record(struct at_core *c, struct at_slot *s, int kind) {
    struct at_record *r = &c->ring[c->head & c->ring_mask];
    r->tid = s->tid;
    r->kind = kind;
    r->time_ns = now_ns();
    r->copy_len[0] = r->copy_len[1] = 0;
    r->blob_end = c->arena_head;
    return r;
}

/* A NUL-terminated string of at most n bytes, the NUL included if it comes: read a page at
 * a time, as the next page may be unmapped. The bytes read, or -1. */
static ssize_t copy_string(pid_t tid, uint8_t *to, uint64_t addr, uint64_t n) {
    uint64_t done = 0;
    while (done < n) {
        uint64_t chunk = 4096 - ((addr + done) & 4095);
        if (chunk > n - done)
            chunk = n - done;
        struct iovec local = {to + done, chunk};
        struct iovec remote = {(void *)(uintptr_t)(addr + done), chunk};
        ssize_t got = process_vm_readv(tid, &local, 1, &remote, 1, 0);
        if (got <= 0)
            return done ? (ssize_t)done : -1;
        uint8_t *nul = memchr(to + done, 0, (size_t)got);
        if (nul != NULL)
            return (ssize_t)(nul - to) + 1;
        done += (uint64_t)got;
        if ((uint64_t)got < chunk)
            break;
    }
    return (ssize_t)done;
}

/* prefetch=: copy the memory the record's consumer will read, before the stop ends (at an
 * exit, only when the call succeeded). 0 if the arena has no room for it (Python handles
 * the stop then, reading at the stop). Each copy is contiguous in the arena: one that
 * would wrap starts at the arena's start. */
static int copy_memory(struct at_core *c, struct at_record *r, const struct at_copy *cp,
                       const uint64_t *args, int64_t rval) {
    if (rval < 0)
        return 1;
    uint64_t head = c->arena_head;
    uint64_t tail = __atomic_load_n(&c->arena_tail, __ATOMIC_ACQUIRE);
    uint64_t size = c->arena_size;
    for (int k = 0; k < AT_COPIES; k++) {
        uint64_t n = cp[k].size;
        if (cp[k].mode == C_NONE)
            continue;
        if (cp[k].mode == C_RETVAL)
            n = rval <= 0 ? 0 : (uint64_t)rval < n ? (uint64_t)rval : n;
        else if (cp[k].mode == C_ARG && cp[k].from < 6)
            n = args[cp[k].from] < n ? args[cp[k].from] : n;
        if (n > COPY_MAX)
            n = COPY_MAX;
        uint64_t addr = cp[k].arg < 6 ? args[cp[k].arg] : 0;
        if (n == 0 || addr == 0)
            continue;
        uint64_t at = head;
        if ((at & (size - 1)) + n > size)
            at += size - (at & (size - 1));   /* (the rest of the arena is skipped) */
        if (at + n - tail > size)
            return 0;
        ssize_t got;
        if (cp[k].mode == C_STRING)
            got = copy_string(r->tid, c->arena + (at & (size - 1)), addr, n);
        else {
            struct iovec local = {c->arena + (at & (size - 1)), n};
            struct iovec remote = {(void *)(uintptr_t)addr, n};
            got = process_vm_readv(r->tid, &local, 1, &remote, 1, 0);
        }
        r->copy_at[k] = at;
        r->copy_addr[k] = addr;
        r->copy_len[k] = got > 0 ? (uint32_t)got : 0;
        head = at + n;
    }
    r->blob_end = head;
    return 1;
}

static void publish(struct at_core *c, struct at_slot *s, int pins, int *made) {
    struct at_record *r = &c->ring[c->head & c->ring_mask];
    c->arena_head = r->blob_end;
    s->fam->issued++;
    __atomic_store_n(&c->head, c->head + 1, __ATOMIC_RELEASE);
    if (pins)
        s->pin = c->head;
    if (pins)
        *made |= MADE_RETURN;
    *made += 1;
}

/* A C hold: the registers go with the record, the thread stays stopped. 0 if they cannot
 * be read (killed meanwhile: Python handles the stop, and finds it gone). */
static int hold(struct at_slot *s, struct at_record *r, int req) {
    if (ptrace(REQ_GETREGS, s->tid, 0, r->regs) == -1)
        return 0;
    s->gen++;
    s->req = req;
    r->gen = s->gen;
    s->state = S_HELD;
    return 1;
}

/* ---- the rules: what to do with a stop ---------------------------------------------------- */

/* decide() says what the C loop does with one stop of a thread it has a slot for, and
 * fast_stop() does it. decide() makes no system call and writes nothing but its answer.
 * The same rules are written in Python in aiotrace/_core/_policy.py (decide), which is
 * the reference; tests/unit/test_policy.py gives both many inputs (through at_decide) and
 * checks that they answer the same: change one, change the other. */

/* A stop handled here: it goes on with *req* (D_GO), or stays stopped as a C hold whose
 * release resumes it with *req* (D_HOLD). */
static void go(const struct at_slot *s, struct at_decision *d, int act, int kind, int req,
               int64_t nr, int64_t slot_nr, int expect_exit, int want_exit) {
    d->act = act;
    d->kind = kind;
    d->req = req;
    d->nr = nr;
    d->slot_nr = slot_nr;
    d->expect_exit = (uint8_t)expect_exit;
    d->want_exit = (uint8_t)want_exit;
    d->state = act == D_HOLD ? S_HELD : S_RUNNING;
    d->options = act == D_GO && exit_toggle(s);
}

/* A syscall stop that needs PTRACE_GET_SYSCALL_INFO: D_INFO while *in* is NULL. */
static void decide_info(const struct at_core *c, const struct at_slot *s,
                        const struct syscall_info *in, struct at_decision *d) {
    const struct at_family *f = s->fam;
    if (in == NULL) {
        d->act = D_INFO;
        return;
    }
    d->reads_info = 1;
    int kind, flags, req, expect_exit, want_exit;
    int64_t nr, slot_nr;
    if (in->op == INFO_ENTRY || in->op == INFO_SECCOMP) {
        uint64_t n = in->u.entry.nr;   /* (the seccomp variant has the same layout) */
        /* Only x86-64 calls with a number of the tables are handled here: an i386 call
         * (int $0x80, a 32-bit program) numbers its calls otherwise, an x32 call has
         * __X32_SYSCALL_BIT set, and a number out of range (the kernel takes its low 32
         * bits as an int) needs Python's table of keys. */
        if (n >= AT_NR || in->arch != AUDIT_ARCH_X86_64)
            return;
        kind = K_ENTRY;
        nr = slot_nr = (int64_t)n;
        flags = f->entry[nr];
        /* (a syscall-entry-stop goes on with PTRACE_SYSCALL whatever the mode, so that its
         * seccomp stop, if the prefilter has one, is told from a new call's: Python's
         * _syscall_stop) */
        want_exit = in->op == INFO_SECCOMP ? (f->exit[nr] & W_CLASS) != W_NONE : 1;
        req = f->full_stops || want_exit ? REQ_SYSCALL : REQ_CONT;
        expect_exit = req == REQ_SYSCALL;
    } else if (in->op == INFO_EXIT) {
        nr = s->nr;
        if (nr < 0 || nr >= AT_NR || !s->expect_exit)
            return;   /* not right after its entry (attach, exec, fork): Python's, which
                       * reads the call's number in orig_rax */
        kind = K_EXIT;
        slot_nr = NR_NONE;
        flags = f->exit[nr];
        want_exit = expect_exit = 0;
        req = f->full_stops ? REQ_SYSCALL : REQ_CONT;
    } else {
        return;
    }
    int w = flags & W_CLASS;
    if (w == W_SLOW || (w != W_NONE && !room(c, f)))
        return;
    if (w != W_NONE) {
        d->record = kind == K_ENTRY ? (w == W_HOLD ? R_HELD_ENTRY : R_ENTRY)
                                    : (w == W_HOLD ? R_HELD_EXIT : R_EXIT);
        d->pins = (flags & W_PIN) != 0;
    }
    go(s, d, w == W_HOLD ? D_HOLD : D_GO, kind, req, nr, slot_nr, expect_exit, want_exit);
}

/* What to do with *status*, a stop of *s*; *in*: its PTRACE_GET_SYSCALL_INFO, or NULL if
 * not read yet (D_INFO then, when it is needed). The same rules as Core._handle,
 * _syscall_stop and _event_stop, for the stops they apply to. */
static void decide(const struct at_core *c, const struct at_slot *s, int status,
                   const struct syscall_info *in, struct at_decision *d) {
    const struct at_family *f = s->fam;
    memset(d, 0, sizeof *d);
    d->act = D_SLOW;
    d->state = s->state == S_RUNNING ? S_STOPPED : s->state;   /* (Python's now) */
    if (s->state != S_RUNNING || !s->fast || !f->fast
        || __atomic_load_n(&c->subscribing, __ATOMIC_SEQ_CST))
        return;
    if (s->pin) {
        if (__atomic_load_n(&c->tail, __ATOMIC_ACQUIRE) < s->pin)
            return;   /* its last record may still read its memory: Python converts first */
        d->unpin = 1;
    }
    int st = status & 0xFFFF;
    if (st == SYSCALL_STOP) {
        int64_t nr = s->nr;
        if (s->expect_exit && nr >= 0 && nr < AT_NR && f->exit[nr] == W_NONE) {
            /* the exit of a call nobody wants: on at once, without GET_SYSCALL_INFO */
            go(s, d, D_GO, K_QUIET_EXIT, f->full_stops ? REQ_SYSCALL : REQ_CONT, nr, NR_NONE,
               0, 0);
            return;
        }
        decide_info(c, s, in, d);
    } else if (status == SECCOMP_STOP) {   /* (its event is above the low 16 bits) */
        if (!s->expect_exit) {
            decide_info(c, s, in, d);
            return;
        }
        /* resumed from this call's syscall-entry-stop, which came first (Linux >= 4.8)
         * and reported it; not full_stops, which may have changed meanwhile (see
         * Python's _event_stop) */
        int64_t nr = s->nr;
        if (nr < 0 || nr >= AT_NR)
            return;   /* (a call of another ABI, or out of the tables: Python's) */
        int want_exit = (f->exit[nr] & W_CLASS) != W_NONE;
        int req = f->full_stops || want_exit ? REQ_SYSCALL : REQ_CONT;
        go(s, d, D_GO, K_SECCOMP, req, nr, nr, req == REQ_SYSCALL, want_exit);
    }
}

/* decide() alone, for tests/unit/test_policy.py: what the C loop does with a stop *status* of
 * a thread whose slot is *s* (and family s->fam; of *c*, head, tail and ring_mask are
 * read), *in* being what PTRACE_GET_SYSCALL_INFO says at that stop (read only if the
 * rules need it: reads_info). Nothing else is read or written. Any thread. */
void at_decide(const struct at_core *c, const struct at_slot *s, int32_t status,
               const struct syscall_info *in, struct at_decision *d) {
    decide(c, s, status, in, d);
}

/* 1 if the stop was handled here: what decide() says, done. 0: Python must handle it
 * (nothing was changed then, but the pin, and info, which Python takes instead of asking
 * again). */
static int fast_stop(struct at_core *c, struct at_slot *s, int status, int *made) {
    struct at_family *f = s->fam;
    struct syscall_info *in = &c->info;
    struct at_decision d;
    decide(c, s, status, NULL, &d);
    if (d.unpin)
        s->pin = 0;
    if (d.act == D_INFO) {
        if (ptrace(REQ_GET_SYSCALL_INFO, s->tid, (void *)sizeof *in, in) == -1)
            goto slow;
        c->info_tid = s->tid;
        /* (the same answer as with info at first, but unpin, done already) */
        decide(c, s, status, in, &d);
    }
    if (d.act == D_SLOW)
        goto slow;
    struct at_record *r = NULL;
    if (d.record != 0) {
        int at_exit = d.kind == K_EXIT;
        r = record(c, s, d.record);
        r->nr = d.nr;
        if (at_exit) {
            memcpy(r->args, s->args, sizeof r->args);
            r->rval = in->u.exit.rval;
        } else {
            memcpy(r->args, in->u.entry.args, sizeof r->args);
        }
        if (d.act == D_GO
            && !copy_memory(c, r, f->copies[at_exit][d.nr], r->args, at_exit ? r->rval : 0))
            goto slow;
        if (d.act == D_HOLD && !hold(s, r, d.req))
            goto slow;
    }
    s->want_exit = d.want_exit;
    s->expect_exit = d.expect_exit;
    if (d.kind == K_ENTRY)
        memcpy(s->args, in->u.entry.args, sizeof s->args);
    s->nr = d.slot_nr;
    s->dirty = 1;
    c->info_tid = 0;
    if (r != NULL)
        publish(c, s, d.pins, made);
    if (d.act == D_GO)
        resume(s, d.req);
    return 1;
slow:
    if (s->state == S_RUNNING)
        s->state = S_STOPPED;   /* Python's now (d.state) */
    return 0;
}

/* A SIGTRAP stop of *s*, whose process has breakpoints: 1 if it was a hit of a breakpoint
 * only observers want, handled here (a record, rip where the thread goes on, resumed), or
 * one intercepting engine alone (a C hold: the record has the registers as they are, rip
 * after the int3, as Python's own hits show an engine; the release sets rip); 0 if Python
 * must handle it (nothing was changed but the record's registers, not published). The
 * trap is an int3's when rip-1 is a breakpoint and si_code is SI_KERNEL (kill() of
 * SIGTRAP says SI_USER): the same check as Python's _breakpoints. */
/* A hit's record: the breakpoint's key, the argument registers, its address (rval). */
static void bp_args(struct at_record *r, const uint64_t *regs, int64_t key, uint64_t pc) {
    r->nr = key;
    /* rdi, rsi, rdx, rcx, r8, r9 in user_regs_struct order: 14 13 12 11 9 8 */
    r->args[0] = regs[14];
    r->args[1] = regs[13];
    r->args[2] = regs[12];
    r->args[3] = regs[11];
    r->args[4] = regs[9];
    r->args[5] = regs[8];
    r->rval = (int64_t)pc;
}

static int bp_stop(struct at_core *c, struct at_slot *s, int *made) {
    struct at_family *f = s->fam;
    struct at_bps *b = s->bps;
    if (s->state != S_RUNNING || !s->fast || !f->fast || s->pin
        || __atomic_load_n(&c->subscribing, __ATOMIC_SEQ_CST) || !room(c, f))
        return 0;
    struct at_record *r = record(c, s, R_PROBE);
    uint64_t *regs = r->regs;   /* struct user_regs_struct: rip is the 17th */
    if (ptrace(REQ_GETREGS, s->tid, 0, regs) == -1)
        return 0;
    uint64_t pc = regs[16] - 1;
    const struct at_bp *bp = NULL;
    for (uint64_t i = (pc * 0x9E3779B97F4A7C15ull) >> 40 & b->mask;; i = (i + 1) & b->mask) {
        const struct at_bp *e = &b->table[i];
        if (e->addr == pc) {
            bp = e;
            break;
        }
        if (e->addr == 0)
            return 0;
    }
    if (bp->to == 0)
        return 0;
    int32_t info[32];
    if (ptrace(REQ_GETSIGINFO, s->tid, 0, info) == -1 || info[2] != SI_KERNEL)
        return 0;
    int req = f->full_stops ? REQ_SYSCALL : REQ_CONT;
    if (bp->hold) {
        r->kind = R_HELD_PROBE;
        bp_args(r, regs, bp->key, pc);
        s->gen++;
        s->req = req;
        s->resume_rip = bp->to;
        r->gen = s->gen;
        s->state = S_HELD;
        publish(c, s, 0, made);
        return 1;
    }
    regs[16] = bp->to;
    if (ptrace(REQ_SETREGS, s->tid, 0, regs) == -1)
        return 0;
    regs[16] = pc;   /* (the event's registers are the hit's) */
    bp_args(r, regs, bp->key, pc);
    publish(c, s, 0, made);
    resume(s, req);
    return 1;
}

/* ---- sleeping ------------------------------------------------------------------------------- */

static int work_queued(struct at_core *c) {
    return __atomic_load_n(&c->py_cmds, __ATOMIC_SEQ_CST)
        || __atomic_load_n(&c->releases, __ATOMIC_SEQ_CST);
}

static int all_stopped(struct at_core *c) {
    struct at_private *p = c->priv;
    if (c->no_poll || p->used == 0)
        return 0;
    for (uint32_t i = 0; i < p->cap; i++) {
        struct at_slot *s = p->table[i];
        if (s != NULL && s != TOMB && s->state == S_RUNNING)
            return 0;
    }
    return 1;
}

/* PTRACE_O_TRACEEXIT off for every (stopped) thread before an all-held sleep: 0 if a
 * thread is already on its way out of its stop (waitpid must be used), 2 if an option was
 * changed now (a stop may have slipped in: look first), 1 otherwise. */
static int exit_stops_off(struct at_core *c) {
    struct at_private *p = c->priv;
    int changed = 1;
    for (uint32_t i = 0; i < p->cap; i++) {
        struct at_slot *s = p->table[i];
        if (s == NULL || s == TOMB || s->exit_off)
            continue;
        uint32_t opts = s->fam->options;
        if (opts & OPT_TRACEEXIT) {
            if (ptrace(REQ_SETOPTIONS, s->tid, 0, (void *)(uintptr_t)(opts & ~OPT_TRACEEXIT)) == -1)
                return 0;
            changed = 2;
        }
        s->exit_off = 1;
    }
    return changed;
}

static void drain_wake_pipe(struct at_core *c) {
    /* one read: a ring writes one byte per sleep, and a byte left over (more than 64, or
     * one written after the read) only ends a later poll() early, which looks again */
    char buf[64];
    ssize_t n = read(c->wake_r, buf, sizeof buf);
    (void)n;
}

/* Block until a stop (its pid), or until work was queued (0), or a waitpid error (-errno). */
static pid_t sleep_for_stop(struct at_core *c, int *status) {
    if (all_stopped(c)) {
        int off = exit_stops_off(c);
        if (off == 2) {
            pid_t pid = waitpid(-1, status, WAIT_FLAGS | WNOHANG);
            if (pid != 0)
                return pid < 0 ? -errno : pid;
        }
        if (off != 0) {
            __atomic_store_n(&c->sleeping, IN_POLL, __ATOMIC_SEQ_CST);
            if (work_queued(c)) {
                __atomic_store_n(&c->sleeping, AWAKE, __ATOMIC_SEQ_CST);
                return 0;
            }
            for (int i = 0; i < c->npfds; i++)
                c->pfds[i].revents = 0;
            int n = poll(c->pfds, (nfds_t)c->npfds, -1);
            __atomic_store_n(&c->sleeping, AWAKE, __ATOMIC_SEQ_CST);
            if (n <= 0)
                return 0;   /* EINTR */
            int piped = c->pfds[0].revents != 0;
            if (piped)
                drain_wake_pipe(c);
            if (piped && n == 1)
                return 0;   /* woken for work: the caller looks for stops first anyway */
            /* a pidfd: a process died (SIGKILL is the one way out of a held stop) */
            pid_t pid = waitpid(-1, status, WAIT_FLAGS | WNOHANG);
            if (pid != 0 || piped)
                return pid < 0 ? -errno : pid;
            /* nothing to reap yet (a zombie leader waits for its threads): wait in waitpid */
        }
    }
    __atomic_store_n(&c->sleeping, IN_WAITPID, __ATOMIC_SEQ_CST);
    if (work_queued(c)) {
        __atomic_store_n(&c->sleeping, AWAKE, __ATOMIC_SEQ_CST);
        return 0;
    }
    pid_t pid = waitpid(-1, status, WAIT_FLAGS);
    int err = errno;
    __atomic_store_n(&c->sleeping, AWAKE, __ATOMIC_SEQ_CST);
    if (pid < 0)
        return err == EINTR ? 0 : -err;
    return pid;
}

/* ---- the loop ---------------------------------------------------------------------------------- */

/* Wait for stops and handle what can be handled here, until Python is needed: AT_SLOW (a
 * stop for Python: slow_pid, slow_status; info if info_tid is slow_pid), AT_CMDS (Python
 * commands were queued), AT_IDLE (with *block* 0: nothing is pending), or -errno. Records
 * made are announced to the loop once per batch, when nothing more is pending and the
 * thread is about to sleep; those made before a return are Python's to convert. Called
 * with the GIL released (with *block* 0, it may be called with the GIL held). */
int at_run(struct at_core *c, int block) {
    int made = 0, res;
    c->info_tid = 0;
    for (;;) {
        uint32_t resumed = apply_releases(c);
        if (__atomic_load_n(&c->py_cmds, __ATOMIC_SEQ_CST)) {
            res = AT_CMDS;
            break;
        }
        int status = 0;
        /* (after a resume with nothing to announce, no WNOHANG look first: it would find
         * nothing the blocking wait does not, and on one CPU the thread has not run yet,
         * so it would find nothing: one syscall less at each intercepted stop) */
        pid_t pid = resumed && block && !made ? 0 : waitpid(-1, &status, WAIT_FLAGS | WNOHANG);
        if (pid < 0) {
            if (errno == EINTR)
                continue;
            res = -errno;
            break;
        }
        if (pid == 0) {
            if (!block || (made & MADE_RETURN)) {
                /* (a record that pins its thread: Python turns it into an event now,
                 * while the thread runs into its call, instead of at its next stop,
                 * while it waits there) */
                res = AT_IDLE;
                break;
            }
            /* drained: tell the loop what was made, then sleep */
            if (made) {
                tell_loop(c);
                made = 0;
            }
            pid = sleep_for_stop(c, &status);
            if (pid == 0)
                continue;
            if (pid < 0) {
                res = pid;
                break;
            }
        }
        if (pid == c->doorbell) {
            if (WIFSTOPPED(status)) {
                ptrace(REQ_CONT, pid, 0, 0);   /* SIGURG suppressed */
                continue;
            }
        } else {
            struct at_slot *s = lookup(c->priv, pid);
            if (s != NULL && s->bps != NULL && status == SIGTRAP_STOP) {
                if (bp_stop(c, s, &made)) {
                    c->stops++;
                    continue;
                }
                if (s->state == S_RUNNING)
                    s->state = S_STOPPED;   /* Python's now (as fast_stop's) */
            } else if (s != NULL && fast_stop(c, s, status, &made)) {
                c->stops++;
                continue;
            }
            /* (a C hold, released or not, can only report its death: Python adopts the
             * hold, then handles the death) */
        }
        c->slow_pid = pid;
        c->slow_status = status;
        res = AT_SLOW;
        break;
    }
    /* (records made since the last sleep are Python's to convert when this returns: the
     * tracer thread does it before anything else, and wakes the loop when it sleeps, so
     * that the loop does not take the GIL from it in the middle of a stop) */
    return res;
}
