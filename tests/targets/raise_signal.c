/* raise_signal SIG: raise signal number SIG with its default action (fatal / ignored signal tests). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    char *end;
    long sig = 0;

    if (argc == 2) {
        errno = 0;
        sig = strtol(argv[1], &end, 10);
        if (errno != 0 || end == argv[1] || *end != '\0')
            sig = 0;
    }
    if (sig < 1 || sig >= NSIG) {
        fprintf(stderr, "usage: %s SIG (1..%d)\n", argv[0], NSIG - 1);
        return 2;
    }
    /* No handler: make sure the default action applies whatever was inherited. */
    if (sig != SIGKILL && sig != SIGSTOP) {
        signal((int)sig, SIG_DFL);
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, (int)sig);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
    }
    raise((int)sig);
    /* Only reached when the default action is to ignore (or stop, then continue). */
    printf("survived signal %ld\n", sig);
    fflush(stdout);
    return 0;
}
