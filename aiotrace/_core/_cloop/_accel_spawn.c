/* Starting the doorbell and a tracee without copying the interpreter's address space.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 *
 * os.fork() copies the page tables of the whole Python process (some 40 MB mapped) and
 * marks its pages copy-on-write: every page the interpreter writes afterwards faults and is
 * copied while the child lives. The doorbell lives as long as the tracer, so the whole run
 * paid those faults (issue 24: about half of a traced `true`'s page faults). Here the
 * child is made with clone(CLONE_VM) instead, as posix_spawn does, with a stack of its
 * own that Python allocated (and keeps until the child has exec'd or died): no copy, no
 * copy-on-write. Not CLONE_VFORK: the tracee waits until the tracer thread, which must
 * go on meanwhile, has seized it, and the doorbell never execs.
 *
 * A child that shares the parent's memory must write nothing but its own stack. So it
 * calls no C library function: each system call is made with the `syscall` instruction
 * (a libc wrapper would set errno, which is the parent thread's, through the shared
 * thread pointer), and every signal the parent catches is reset to SIG_DFL first (or, in
 * the doorbell, ignored), with every signal still blocked (start() clones with all blocked), so
 * that no handler of the application ever runs in the child. Every value it needs is in struct
 * at_spawn, made and kept alive by Python (_core/_spawn.py).
 *
 * Kernel fact: setting a signal's disposition to SIG_IGN (or to SIG_DFL when the default
 * is to ignore it) discards its pending instances, blocked or not (do_sigaction). The
 * doorbell is rung with SIGURG as soon as it is seized, maybe before it has done this, so
 * it leaves alone every signal the application does not catch (a ring there would be
 * lost, and the tracer thread would sleep on); where the application catches SIGURG
 * itself, the doorbell is forked as before.
 *
 * x86_64 only (the instruction and the numbers); elsewhere both functions return -ENOSYS
 * and Python forks.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>

struct at_spawn {                 /* mirrored by _binding.Spawn */
    const char *path;             /* the program, resolved */
    char *const *argv;            /* NULL-terminated */
    char *const *envp;            /* NULL-terminated */
    const char *cwd;              /* or NULL */
    const void *cpus;             /* a cpu_set_t of cpus_size bytes, or NULL */
    const void *bpf;              /* a struct sock_fprog, or NULL */
    uint64_t sigmask;             /* the signals blocked at exec (bit n-1: signal n) */
    uint64_t cpus_size;
    int32_t stdio[3];             /* -1: inherited */
    int32_t go_r, go_w, err_r, err_w;
    int32_t new_session;
};

#if defined(__x86_64__)

static inline long sys6(long n, long a, long b, long c, long d, long e, long f) {
    long ret;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}
#define sys3(n, a, b, c) sys6((n), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(n, a, b, c, d) sys6((n), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

/* the kernel's struct sigaction on x86_64 */
struct k_sigaction {
    unsigned long handler, flags, restorer, mask;
};

#define SIG_MAX 64
#define PR_SET_NAME_ 15
#define PR_SET_NO_NEW_PRIVS_ 38
#define SECCOMP_SET_MODE_FILTER_ 1

/* Every signal whose disposition is a handler gets *to* (SIG_DFL or SIG_IGN). */
static void reset_handlers(unsigned long to) {
    struct k_sigaction act, old;
    act.handler = to;
    act.flags = 0;
    act.restorer = 0;
    act.mask = 0;
    for (long s = 1; s <= SIG_MAX; s++) {
        if (s == SIGKILL || s == SIGSTOP)
            continue;
        if (sys4(SYS_rt_sigaction, s, 0, &old, 8) != 0)
            continue;
        if (old.handler != (unsigned long)SIG_DFL && old.handler != (unsigned long)SIG_IGN)
            sys4(SYS_rt_sigaction, s, &act, 0, 8);
    }
}

__attribute__((noreturn)) static void die(long code) {
    for (;;)
        sys3(SYS_exit_group, code, 0, 0);
}

static void close_from_to(long first, long last) {
    if (first > last)
        return;
    if (sys3(SYS_close_range, first, last, 0) != 0) {   /* (before Linux 5.9) */
        for (long fd = first; fd <= last && fd < 65536; fd++)
            sys3(SYS_close, fd, 0, 0);
    }
}

/* *arg*: the descriptor it writes one byte on once it is set up, then closes */
static int bell_main(void *arg) {
    static const char name[16] = "aiotrace-bell";
    uint64_t none = 0;
    long ready = (long)(intptr_t)arg;
    /* Ignored, every signal the application catches: the tracer thread sees them all the
     * same once it has seized the doorbell (a tracee's ignored signals still stop it), and
     * suppresses them; the others keep their disposition (see above: SIGURG). */
    reset_handlers((unsigned long)SIG_IGN);
    close_from_to(0, ready - 1);
    close_from_to(ready + 1, 0x7FFFFFFF);
    sys6(SYS_prctl, PR_SET_NAME_, (long)name, 0, 0, 0, 0);
    sys4(SYS_rt_sigprocmask, SIG_SETMASK, &none, 0, 8);
    sys3(SYS_write, ready, name, 1);
    sys3(SYS_close, ready, 0, 0);
    for (;;)
        sys3(SYS_pause, 0, 0, 0);
    return 0;
}

/* "STEP:ERRNO" on the error pipe, then exit 127 (as _spawn.child does) */
__attribute__((noreturn)) static void fail(const struct at_spawn *sp, const char *step,
                                           long err) {
    char buf[32];
    int n = 0;
    char digits[12];
    int d = 0;
    while (step[n] && n < 16) {
        buf[n] = step[n];
        n++;
    }
    buf[n++] = ':';
    if (err <= 0)
        err = ENOEXEC;
    while (err > 0 && d < 12) {
        digits[d++] = (char)('0' + err % 10);
        err /= 10;
    }
    while (d > 0)
        buf[n++] = digits[--d];
    sys3(SYS_write, sp->err_w, buf, n);
    die(127);
}

static int child_main(void *arg) {
    const struct at_spawn *sp = arg;
    const char *step = "stdio";
    char byte;
    long r;
    /* (every signal is blocked: see start()) */
    reset_handlers((unsigned long)SIG_DFL);
    if ((r = sys3(SYS_close, sp->go_w, 0, 0)) < 0 || (r = sys3(SYS_close, sp->err_r, 0, 0)) < 0)
        fail(sp, step, -r);
    /* wait until the tracer thread has seized us (see _spawn.child) */
    while ((r = sys3(SYS_read, sp->go_r, &byte, 1)) == -EINTR)
        ;
    if (r < 0)
        fail(sp, step, -r);
    if ((r = sys3(SYS_close, sp->go_r, 0, 0)) < 0)
        fail(sp, step, -r);
    if (sp->new_session) {
        step = "setsid";
        if ((r = sys3(SYS_setsid, 0, 0, 0)) < 0)
            fail(sp, step, -r);
    }
    for (long target = 0; target < 3; target++) {
        long fd = sp->stdio[target];
        if (fd >= 0 && fd != target && (r = sys3(SYS_dup2, fd, target, 0)) < 0)
            fail(sp, step, -r);
    }
    /* (SIGPIPE and SIGXFSZ, which Python ignores, are reset by _spawn's caller: they are in
     * the handlers reset above only when caught) */
    {
        struct k_sigaction dfl;
        dfl.handler = (unsigned long)SIG_DFL;
        dfl.flags = 0;
        dfl.restorer = 0;
        dfl.mask = 0;
        sys4(SYS_rt_sigaction, SIGPIPE, &dfl, 0, 8);
        sys4(SYS_rt_sigaction, SIGXFSZ, &dfl, 0, 8);
    }
    if ((r = sys4(SYS_rt_sigprocmask, SIG_SETMASK, &sp->sigmask, 0, 8)) < 0)
        fail(sp, step, -r);
    if (sp->cwd) {
        step = "chdir";
        if ((r = sys3(SYS_chdir, sp->cwd, 0, 0)) < 0)
            fail(sp, step, -r);
    }
    if (sp->cpus) {
        step = "cpus";
        if ((r = sys3(SYS_sched_setaffinity, 0, sp->cpus_size, sp->cpus)) < 0)
            fail(sp, step, -r);
    }
    if (sp->bpf) {
        step = "seccomp";
        r = sys3(SYS_seccomp, SECCOMP_SET_MODE_FILTER_, 0, sp->bpf);
        if (r == -EACCES) {   /* not privileged: no_new_privs first */
            r = sys6(SYS_prctl, PR_SET_NO_NEW_PRIVS_, 1, 0, 0, 0, 0);
            if (r == 0)
                r = sys3(SYS_seccomp, SECCOMP_SET_MODE_FILTER_, 0, sp->bpf);
        }
        if (r < 0)
            fail(sp, step, -r);
    }
    step = "exec";
    r = sys3(SYS_execve, sp->path, sp->argv, sp->envp);
    fail(sp, step, -r);
    return 0;
}

static long start(int (*fn)(void *), void *arg, void *stack, uint64_t size) {
    /* The child starts with every signal blocked (the calling thread's mask, for the
     * instant of the clone): no handler of the application can run in it, on memory it
     * shares with us, before it has reset them; it sets the mask it runs with itself.
     * (glibc's clone: the parent's errno only is set on failure) */
    char *top = (char *)stack + size;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int pid = clone(fn, top, CLONE_VM | SIGCHLD, arg);
    int err = errno;
    pthread_sigmask(SIG_SETMASK, &old, 0);
    return pid < 0 ? -err : pid;
}

#else

static long start(int (*fn)(void *), void *arg, void *stack, uint64_t size) {
    (void)fn; (void)arg; (void)stack; (void)size;
    return -ENOSYS;
}
static int bell_main(void *arg) { (void)arg; return 0; }
static int child_main(void *arg) { (void)arg; return 0; }

#endif

/* The doorbell (see _core/_doorbell.py), on *stack*: its pid, or -errno (-ENOSYS: to be
 * forked, see above). It writes a byte on *ready* once it is set up. */
long at_spawn_bell(void *stack, uint64_t size, int ready) {
    struct sigaction urg;
    if (sigaction(SIGURG, 0, &urg) != 0
            || (urg.sa_handler != SIG_DFL && urg.sa_handler != SIG_IGN))
        return -ENOSYS;
    return start(bell_main, (void *)(intptr_t)ready, stack, size);
}

/* A tracee's child before exec (see _core/_spawn.py's child), on *stack*: its pid, or
 * -errno. *sp* and everything it points to must live until it has exec'd or died. */
long at_spawn_child(struct at_spawn *sp, void *stack, uint64_t size) {
    return start(child_main, sp, stack, size);
}

/* sizeof(struct at_spawn), for _binding's check */
long at_spawn_size(void) {
    return (long)sizeof(struct at_spawn);
}
