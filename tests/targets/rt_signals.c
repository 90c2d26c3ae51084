/* rt_signals SIG...: ignore each signal number (raw rt_sigaction: glibc refuses 32 and 33)
 * and send it to itself; a tracer still sees ignored signals (signal-name tests). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

struct kernel_sigaction {
    void *handler;
    unsigned long flags;
    void *restorer;
    unsigned long mask;
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s SIG...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        char *end;
        errno = 0;
        long sig = strtol(argv[i], &end, 10);
        if (errno != 0 || end == argv[i] || *end != '\0' || sig < 1 || sig > 64) {
            fprintf(stderr, "bad signal number %s\n", argv[i]);
            return 2;
        }
        struct kernel_sigaction act = {.handler = SIG_IGN};
        if (syscall(SYS_rt_sigaction, sig, &act, NULL, sizeof act.mask) != 0) {
            perror("rt_sigaction");
            return 1;
        }
        if (syscall(SYS_kill, getpid(), sig) != 0) {
            perror("kill");
            return 1;
        }
    }
    printf("sent %d\n", argc - 1);
    return 0;
}
