/* aiotrace's C tracer loop: doing what decide() says: records, memory copies, C holds, probe hits.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * See _accel.h for the whole and the structures.
 */

#include "_accel.h"

#include <fcntl.h>
#include <stdio.h>

/* ---- the stops ------------------------------------------------------------------------------ */

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static struct at_record *record(struct at_core *c, struct at_slot *s, int kind) {
    struct at_record *r = &c->ring[c->head & c->ring_mask];
    r->tid = s->tid;
    r->kind = kind;
    r->time_ns = now_ns();
    r->copy_len[0] = r->copy_len[1] = 0;
    r->flags = 0;
    r->blob_end = c->arena_head;
    return r;
}

/* How many schedstat files the slots keep open, in this process (all tracers): at most
 * CPU_FDS, so that a tracee with many threads cannot take the tracer's descriptors (with
 * one a thread, a low RLIMIT_NOFILE ran out, and the tracer's own opens failed). */
#define CPU_FDS 64
static int cpu_fds;

/* The thread's time on a CPU so far, in ns: the first field of /proc/PID/task/TID/schedstat
 * (what engines/_count.py reads on the Python loop), or -1 (the thread is gone). The slot
 * keeps the file open while fewer than CPU_FDS are: a read at offset 0 makes its text
 * again, one system call a stop; beyond, the file is opened and closed at each stop. */
int64_t cpu_ns(struct at_slot *s) {
    int fd = s->cpu_fd - 1;
    if (s->cpu_fd == 0) {
        char name[64];
        snprintf(name, sizeof name, "/proc/%d/task/%d/schedstat", (int)s->pid, (int)s->tid);
        fd = open(name, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return -1;
        if (__atomic_add_fetch(&cpu_fds, 1, __ATOMIC_RELAXED) <= CPU_FDS)
            s->cpu_fd = fd + 1;
        else
            __atomic_sub_fetch(&cpu_fds, 1, __ATOMIC_RELAXED);
    }
    char text[64];
    ssize_t n = pread(fd, text, sizeof text, 0);
    if (s->cpu_fd == 0)
        close(fd);   /* (not kept: see CPU_FDS) */
    if (n <= 0 || text[0] < '0' || text[0] > '9')
        return -1;
    int64_t ns = 0;
    for (ssize_t i = 0; i < n && text[i] >= '0' && text[i] <= '9' && ns < INT64_MAX / 10; i++)
        ns = ns * 10 + (text[i] - '0');
    return ns;
}

/* The slot's schedstat closed (the thread is gone, detached, moved, or the loop ends). */
void close_cpu(struct at_slot *s) {
    if (s->cpu_fd > 0) {
        close(s->cpu_fd - 1);
        s->cpu_fd = 0;
        __atomic_sub_fetch(&cpu_fds, 1, __ATOMIC_RELAXED);
    }
}

/* A NUL-terminated string of at most n bytes, the NUL included if it comes: read a page at
 * a time, as the next page may be unmapped. The bytes read, or -1 (with *whole*, also when
 * a read after the first fails: what was read is then not the string). */
ssize_t copy_string(pid_t tid, uint8_t *to, uint64_t addr, uint64_t n, int whole) {
    uint64_t done = 0;
    while (done < n) {
        uint64_t chunk = 4096 - ((addr + done) & 4095);
        if (chunk > n - done)
            chunk = n - done;
        struct iovec local = {to + done, chunk};
        struct iovec remote = {(void *)(uintptr_t)(addr + done), chunk};
        ssize_t got = process_vm_readv(tid, &local, 1, &remote, 1, 0);
        if (got < 0 && whole)
            return -1;
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
            got = copy_string(r->tid, c->arena + (at & (size - 1)), addr, n, 0);
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

/* 1 if the stop was handled here: what decide() says, done. 0: Python must handle it
 * (nothing was changed then, but the pin, and info, which Python takes instead of asking
 * again). */
int fast_stop(struct at_core *c, struct at_slot *s, int status, int *made) {
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
        if (d.act == D_GO && d.paths) {   /* paths=: a record only if a path matches */
            int got = resolve_paths(c, s, r, at_exit);
            if (got < 0)
                goto slow;
            if (got == 0 && d.paths == PA_MATCH)
                r = NULL;   /* (not published: nobody wants it) */
        }
        if (d.act == D_HOLD && !hold(s, r, d.req))
            goto slow;
        if (r != NULL && f->cpu_time) {
            r->cpu_ns = cpu_ns(s);
            r->flags |= RF_CPU;
        }
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

int bp_stop(struct at_core *c, struct at_slot *s, int *made) {
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
