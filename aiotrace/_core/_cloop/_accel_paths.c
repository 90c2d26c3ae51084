/* aiotrace's C tracer loop: paths=, the paths a call uses resolved at its stop, and the filter.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * See _accel.h for the whole and the structures.
 *
 * A call that a family's streams want only for its paths (events(paths=...) observers whose
 * patterns are exact paths, directory prefixes and ASCII globs, nobody else) is W_PATHS in
 * the family's tables. At its stop, the C loop resolves the paths the call uses as aiotrace/_paths.py's
 * resolve() does, which is the reference: each path argument made absolute against its
 * dirfd (/proc/PID/fd/N) or the working directory (/proc/PID/cwd) and normalised
 * lexically; each descriptor argument as /proc/PID/fd/N reads; chdir's successful exit, the
 * working directory it went to. The record is made only if one of them matches a pattern,
 * and it carries them as its copies (RF_PATHS), so that Python makes the event's paths
 * without reading anything. The rules (the steps of each call, joining, normalising,
 * matching) are stated in Python in aiotrace/_core/_pathrules.py; tests/unit/test_pathrules.py
 * gives both the same inputs (at_path_join, at_path_match) and compares their answers.
 */

#include "_accel.h"

#include <stdio.h>

#define PATH_READ 4096          /* a path argument, at most (as _paths._PATH_MAX) */
#define LINK_READ 4096          /* a /proc link, at most (the kernel's d_path in one page) */
#define AT_FDCWD_ (-100)

/* The NUL-terminated string at *addr*, at most *n* bytes, without its NUL, as
 * _args.read_cstring: its length, or -1 if a read fails (the argument is then skipped, as
 * Python's OSError). */
static ssize_t read_path(pid_t tid, char *to, uint64_t addr, uint64_t n) {
    ssize_t got = copy_string(tid, (uint8_t *)to, addr, n, 1);
    return got > 0 && to[got - 1] == 0 ? got - 1 : got;
}

/* What /proc/PID/cwd (fd < 0) or /proc/PID/fd/FD links to, in *out* (LINK_READ + 1 bytes):
 * its length, or -1. */
static ssize_t proc_link(int32_t pid, int64_t fd, char *out) {
    char name[64];
    if (fd < 0)
        snprintf(name, sizeof name, "/proc/%d/cwd", (int)pid);
    else
        snprintf(name, sizeof name, "/proc/%d/fd/%lld", (int)pid, (long long)fd);
    return readlink(name, out, LINK_READ);
}

/* posixpath.normpath of the absolute path s[0..n), in place (it only gets shorter): two
 * leading slashes stay two, one or three and more become one; empty and "." components
 * go; ".." takes the one before it away (none at the root). Its length. */
static size_t normalise(char *s, size_t n) {
    size_t lead = 0;
    while (lead < n && s[lead] == '/')
        lead++;
    size_t initial = lead == 2 ? 2 : 1;
    size_t len = initial, comps = 0, i = lead;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != '/')
            j++;
        size_t from = i, clen = j - i;
        i = j + 1;
        if (clen == 0 || (clen == 1 && s[from] == '.'))
            continue;
        if (clen == 2 && s[from] == '.' && s[from + 1] == '.') {
            if (comps > 0) {   /* (the last component, and the slash before it) */
                while (len > initial && s[len - 1] != '/')
                    len--;
                if (len > initial)
                    len--;
                comps--;
            }
            continue;
        }
        if (comps > 0)
            s[len++] = '/';
        memmove(s + len, s + from, clen);   /* (len <= from: what is read was read first) */
        len += clen;
        comps++;
    }
    return len;
}

/* *raw* made absolute against *base* (absolute, or empty when *raw* is absolute), then
 * normalised, into *out* (blen + rlen + 1 bytes): its length. An empty *raw* is *base*
 * (AT_EMPTY_PATH). As _pathrules.join; for tests/unit/test_pathrules.py too. */
size_t at_path_join(const char *base, size_t blen, const char *raw, size_t rlen, char *out) {
    size_t n = 0;
    if (rlen > 0 && raw[0] == '/') {
        memcpy(out, raw, rlen);
        n = rlen;
    } else {
        memcpy(out, base, blen);
        n = blen;
        if (rlen > 0) {
            if (n == 0 || out[n - 1] != '/')
                out[n++] = '/';
            memcpy(out + n, raw, rlen);
            n += rlen;
        }
    }
    if (n == 0 || out[0] != '/')
        return n;   /* (not absolute: never asked) */
    return normalise(out, n);
}

/* The bytes of the character that starts s[0..n) (n > 0), as Python's os.fsdecode cuts a
 * path into characters (UTF-8, surrogateescape): a well-formed UTF-8 sequence is one, and
 * any other byte is one on its own (an ASCII byte never is in a sequence). */
static size_t char_len(const uint8_t *s, size_t n) {
    uint8_t c = s[0], lo = 0x80, hi = 0xBF;
    size_t len;
    if (c < 0xC2 || c > 0xF4)
        return 1;   /* (ASCII, a continuation byte, an overlong lead, beyond U+10FFFF) */
    len = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (c == 0xE0)
        lo = 0xA0;   /* (overlong) */
    else if (c == 0xED)
        hi = 0x9F;   /* (a surrogate) */
    else if (c == 0xF0)
        lo = 0x90;   /* (overlong) */
    else if (c == 0xF4)
        hi = 0x8F;   /* (beyond U+10FFFF) */
    if (n < len || s[1] < lo || s[1] > hi)
        return 1;
    for (size_t i = 2; i < len; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 1;
    return len;
}

/* Whether the glob program g[0..glen) (see G_STAR) matches all of s[0..n), character by
 * character: each G_STAR takes any run of characters ('/' too), tried shortest first,
 * the latest one taking one more when what follows it fails (which is enough: an earlier
 * star never needs to take more than the latest can). */
static int glob_match(const uint8_t *g, size_t glen, const uint8_t *s, size_t n) {
    size_t gi = 0, si = 0, star = SIZE_MAX, from = 0;
    while (si < n) {
        if (gi < glen && g[gi] == G_STAR) {
            star = ++gi;
            from = si;
            continue;
        }
        if (gi < glen) {
            size_t w = char_len(s + si, n - si);
            int in;
            if (g[gi] == G_ANY)
                in = 1;
            else if (g[gi] == G_CLASS)
                in = w == 1 && s[si] < 0x80 ? (g[gi + 1 + s[si] / 8] >> (s[si] % 8)) & 1
                                            : g[gi + 17];
            else
                in = g[gi] == s[si];   /* (an ASCII byte: a character of its own) */
            if (in) {
                gi += g[gi] == G_CLASS ? G_CLASS_LEN : 1;
                si += w;
                continue;
            }
        }
        if (star == SIZE_MAX)
            return 0;
        from += char_len(s + from, n - from);   /* (the latest star takes one more) */
        gi = star;
        si = from;
    }
    while (gi < glen && g[gi] == G_STAR)
        gi++;
    return gi == glen;
}

/* Whether *path* matches one of *p*'s patterns: equal to an exact one, under a prefix, or
 * matched by a glob, as _paths.PathFilter.matches. */
int at_path_match(const struct at_paths *p, const char *path, size_t len) {
    for (uint32_t i = 0; i < p->npat; i++) {
        const struct at_pattern *t = &p->pat[i];
        const char *text = p->text + t->at;
        if (t->prefix == PK_GLOB ? glob_match((const uint8_t *)text, t->len,
                                              (const uint8_t *)path, len)
            : t->prefix == PK_PREFIX ? len >= t->len && memcmp(path, text, t->len) == 0
                                     : len == t->len && memcmp(path, text, len) == 0)
            return 1;
    }
    return 0;
}

/* The path argument at *addr* of thread *tid* of process *pid*, relative to *dirfd*
 * (AT_FDCWD: the working directory), made absolute and normalised as resolve_paths()
 * does, into *out* (PATH_READ + LINK_READ + 2 bytes), NUL-terminated: its length, or -1
 * when it is skipped (it cannot be read, or the directory it is relative to is not
 * known). Also the Python loop's (aiotrace/_paths.py), when this library is built. */
ssize_t at_path_arg(int32_t pid, int32_t tid, uint64_t addr, int32_t dirfd, char *out) {
    char raw[PATH_READ + 1], base[LINK_READ + 1];
    ssize_t n = read_path(tid, raw, addr, PATH_READ);
    size_t len;
    if (n < 0)
        return -1;
    if (n > 0 && raw[0] == '/') {
        len = at_path_join(NULL, 0, raw, (size_t)n, out);
    } else {
        ssize_t b = dirfd == AT_FDCWD_ ? proc_link(pid, -1, base)
                  : dirfd >= 0 ? proc_link(pid, dirfd, base) : -1;
        if (b <= 0 || base[0] != '/')
            return -1;
        len = at_path_join(base, (size_t)b, raw, (size_t)n, out);
    }
    out[len] = 0;
    return (ssize_t)len;
}

/* One resolved path into the record's copy *k*, in the arena (contiguous, as copy_memory's):
 * 0 if there is no room. */
static int keep(struct at_core *c, struct at_record *r, int k, const char *path, size_t n,
                uint64_t *head) {
    uint64_t size = c->arena_size;
    uint64_t tail = __atomic_load_n(&c->arena_tail, __ATOMIC_ACQUIRE);
    uint64_t at = *head;
    if ((at & (size - 1)) + n > size)
        at += size - (at & (size - 1));
    if (at + n - tail > size)
        return 0;
    memcpy(c->arena + (at & (size - 1)), path, n);
    r->copy_at[k] = at;
    r->copy_addr[k] = 0;
    r->copy_len[k] = (uint32_t)n;
    *head = at + n;
    return 1;
}

/* The paths the call of record *r* of *s* uses (at its exit if *at_exit*, r->rval its
 * result), into the record's copies: 1 if one matches the family's patterns, 0 if none
 * does (no record), -1 if Python must handle the stop (no room in the arena). */
int resolve_paths(struct at_core *c, const struct at_slot *s, struct at_record *r,
                  int at_exit) {
    const struct at_paths *p = s->fam->paths;
    if (p == NULL || r->nr < 0 || r->nr >= AT_NR)
        return -1;
    /* (on this thread's stack: each tracer has its own C loop, on a thread of its own) */
    char out[PATH_READ + LINK_READ + 2];
    /* (the links are the thread's, /proc/TID: see _paths.stop_paths) */
    const uint8_t *steps = p->steps[r->nr];
    uint64_t head = r->blob_end;
    int matched = 0, k = 0;
    for (int i = 0; i < AT_COPIES && steps[i] != 0; i++) {
        int kind = steps[i] >> 6, arg = steps[i] & 7, dirfd_at = ((steps[i] >> 3) & 7) - 1;
        ssize_t n;
        size_t len;
        if (kind == P_CHDIR && at_exit && r->rval == 0) {
            /* (chdir's exit: the directory it named is the working directory now) */
            n = proc_link(r->tid, -1, out);
            if (n < 0)
                break;
            len = (size_t)n;
            if (!keep(c, r, k++, out, len, &head))
                return -1;
            matched |= at_path_match(p, out, len);
            break;
        }
        if (arg > 5 || dirfd_at > 5)
            continue;
        if (kind == P_FD) {
            int32_t fd = (int32_t)r->args[arg];
            if (fd < 0 || (n = proc_link(r->tid, fd, out)) < 0)
                continue;
            len = (size_t)n;
        } else {
            int32_t dirfd = dirfd_at >= 0 ? (int32_t)r->args[dirfd_at] : AT_FDCWD_;
            n = at_path_arg(r->tid, r->tid, r->args[arg], dirfd, out);
            if (n < 0)
                continue;
            len = (size_t)n;
        }
        if (!keep(c, r, k++, out, len, &head))
            return -1;
        matched |= at_path_match(p, out, len);
    }
    r->blob_end = head;
    r->flags |= RF_PATHS;
    return matched;
}
