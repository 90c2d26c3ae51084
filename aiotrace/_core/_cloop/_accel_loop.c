/* aiotrace's C tracer loop: sleeping until a stop, and at_run(), the loop.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * See _accel.h for the whole and the structures.
 */

#include "_accel.h"

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
