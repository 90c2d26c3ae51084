/* restart_sleep: sleep 300 ms while an ignored SIGALRM fires at 150 ms. Untraced the
 * signal is discarded; traced, it interrupts the sleep (ERESTART_RESTARTBLOCK), and the
 * kernel resumes it with restart_syscall once the signal is ignored. Prints "slept". */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

int main(int argc, char **argv)
{
    if (argc != 1) {
        fprintf(stderr, "usage: %s\n", argv[0]);
        return 2;
    }
    signal(SIGALRM, SIG_IGN);
    struct itimerval it = {{0, 0}, {0, 150000}};
    if (setitimer(ITIMER_REAL, &it, NULL) != 0) {
        perror("setitimer");
        return 1;
    }
    struct timespec ts = {0, 300000000};
    if (clock_nanosleep(CLOCK_REALTIME, 0, &ts, NULL) != 0) {
        fprintf(stderr, "clock_nanosleep failed\n");
        return 1;
    }
    puts("slept");
    return 0;
}
