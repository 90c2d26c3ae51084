/* aiotrace's C tracer loop: waking the thread, telling the loop, C holds and their release.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * See _accel.h for the whole and the structures.
 */

#include "_accel.h"

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

void tell_loop(struct at_core *c) {
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

void resume(struct at_slot *s, int req) {
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
uint32_t apply_releases(struct at_core *c) {
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
