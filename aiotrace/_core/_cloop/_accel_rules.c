/* aiotrace's C tracer loop: the rules, what to do with one stop (decide()).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * See _accel.h for the whole and the structures.
 */

#include "_accel.h"

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
        d->paths = !(flags & W_PATHS) ? PA_NONE : flags & W_KEEP ? PA_KEEP : PA_MATCH;
    }
    go(s, d, w == W_HOLD ? D_HOLD : D_GO, kind, req, nr, slot_nr, expect_exit, want_exit);
}

/* What to do with *status*, a stop of *s*; *in*: its PTRACE_GET_SYSCALL_INFO, or NULL if
 * not read yet (D_INFO then, when it is needed). The same rules as Core._handle,
 * _syscall_stop and _event_stop, for the stops they apply to. */
void decide(const struct at_core *c, const struct at_slot *s, int status,
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
