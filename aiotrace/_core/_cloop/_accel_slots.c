/* aiotrace's C tracer loop: the table of traced threads by tid, and the set-up.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * See _accel.h for the whole and the structures.
 */

#include "_accel.h"

/* ---- the tid table ------------------------------------------------------------------ */

static uint32_t hash(int32_t tid, uint32_t mask) {
    return ((uint32_t)tid * 2654435761u) & mask;
}

struct at_slot *lookup(struct at_private *p, int32_t tid) {
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
            if (t != s)
                close_cpu(t);
            p->table[i] = s;
            return 0;
        }
    }
}

/* Take *s* out of the queue of releases (1 if it was there). With the lock held. */
int unqueue(struct at_core *c, struct at_slot *s) {
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
            close_cpu(s);
            return;
        }
    }
}

/* The schedstat files of the slots left in the table, closed: the tracer thread's end
 * (a crash of the loop may leave slots behind). Tracer thread. */
void at_close_fds(struct at_core *c) {
    struct at_private *p = c->priv;
    for (uint32_t i = 0; p != NULL && i < p->cap; i++) {
        struct at_slot *s = p->table[i];
        if (s != NULL && s != TOMB)
            close_cpu(s);
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
    case 20: return offsetof(struct at_slot, pid);
    case 21: return offsetof(struct at_family, paths);
    case 22: return sizeof(struct at_paths);
    case 23: return offsetof(struct at_record, flags);
    case 24: return offsetof(struct at_record, cpu_ns);
    case 25: return offsetof(struct at_slot, cpu_fd);
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
