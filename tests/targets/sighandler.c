/* sighandler N: send self SIGUSR1 N times and SIGUSR2 once, counting handler runs (signal-delivery tests). */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static volatile sig_atomic_t usr1_count;
static volatile sig_atomic_t usr2_count;

static void on_usr1(int sig)
{
    (void)sig;
    usr1_count++;
}

static void on_usr2(int sig)
{
    (void)sig;
    usr2_count++;
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

static void install(int sig, void (*handler)(int))
{
    struct sigaction sa = {0};
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, NULL) != 0) {
        perror("sigaction");
        exit(1);
    }
}

int main(int argc, char **argv)
{
    long n = argc == 2 ? parse_count(argv[1]) : -1;
    if (n < 0) {
        fprintf(stderr, "usage: %s N\n", argv[0]);
        return 2;
    }
    install(SIGUSR1, on_usr1);
    install(SIGUSR2, on_usr2);

    /* Do not depend on an inherited signal mask. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_UNBLOCK, &set, NULL);

    /* Unblocked signals sent to oneself are delivered before kill() returns. */
    for (long i = 0; i < n; i++)
        kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR2);

    printf("usr1=%d usr2=%d\n", (int)usr1_count, (int)usr2_count);
    fflush(stdout);
    return 0;
}
