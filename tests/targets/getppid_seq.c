/* getppid_seq N: N raw getppid calls; after each, print its result (or -1 and the errno name) and the SIGUSR1 count (fault-injection tests). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile sig_atomic_t usr1_count;

static void on_usr1(int sig)
{
    (void)sig;
    usr1_count++;
}

/* Parse a non-negative decimal count; -1 if it is not one. */
static long parse_count(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 0)
        return -1;
    return v;
}

/* The errno's symbolic name (e.g. "EPERM") when libc can tell, else its number. */
static const char *errno_name(int err)
{
    static char buf[32];
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
    const char *name = strerrorname_np(err);
    if (name != NULL)
        return name;
#endif
    snprintf(buf, sizeof buf, "%d", err);
    return buf;
}

int main(int argc, char **argv)
{
    long n = argc == 2 ? parse_count(argv[1]) : -1;
    if (n < 0) {
        fprintf(stderr, "usage: %s N\n", argv[0]);
        return 2;
    }
    struct sigaction sa = {0};
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) != 0) {
        perror("sigaction");
        return 1;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_UNBLOCK, &set, NULL); /* do not depend on an inherited mask */

    for (long i = 0; i < n; i++) {
        /* Raw syscall: no libc wrapper or cache can hide a call. A signal queued
         * during the call is handled before syscall() returns. */
        long r = syscall(SYS_getppid);
        int err = errno;
        if (r == -1)
            printf("-1 %s usr1=%d\n", errno_name(err), (int)usr1_count);
        else
            printf("%ld usr1=%d\n", r, (int)usr1_count);
    }
    fflush(stdout);
    return 0;
}
