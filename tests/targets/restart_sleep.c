/* restart_sleep: the main thread sleeps (clock_nanosleep, 60 s) with SIGALRM ignored. A
 * second thread waits until the sleep has begun (it reads /proc/self/task/TID/syscall),
 * sends the main thread SIGALRM, then ends the sleep with SIGUSR1 (a handler that does
 * nothing): once the sleep was resumed by restart_syscall when the program is traced,
 * at once when it is not. Untraced the ignored SIGALRM is discarded; traced, it
 * interrupts the sleep (ERESTART_RESTARTBLOCK), and the kernel resumes it with
 * restart_syscall since the signal is ignored. No timer: nothing depends on how long
 * anything takes. Prints "slept". */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static pid_t main_tid;

static void on_usr1(int sig)
{
    (void)sig;
}

/* The number of the system call the main thread is in (-1 if none, or unknown). */
static long main_syscall(void)
{
    char path[64], buf[128];
    snprintf(path, sizeof path, "/proc/self/task/%d/syscall", (int)main_tid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    long nr = -1;
    if (fgets(buf, sizeof buf, f) != NULL && buf[0] >= '0' && buf[0] <= '9')
        nr = strtol(buf, NULL, 10);
    fclose(f);
    return nr;
}

static int traced(void)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/self/task/%d/status", (int)main_tid);
    FILE *f = fopen(path, "r");
    int pid = 0;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "TracerPid:", 10) == 0)
            pid = atoi(line + 10);
    if (f != NULL)
        fclose(f);
    return pid != 0;
}

static void *helper(void *arg)
{
    (void)arg;
    while (main_syscall() != SYS_clock_nanosleep)
        sched_yield();
    syscall(SYS_tgkill, getpid(), main_tid, SIGALRM);
    if (traced())
        while (main_syscall() != SYS_restart_syscall)
            sched_yield();
    syscall(SYS_tgkill, getpid(), main_tid, SIGUSR1);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 1) {
        fprintf(stderr, "usage: %s\n", argv[0]);
        return 2;
    }
    signal(SIGALRM, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    main_tid = (pid_t)syscall(SYS_gettid);
    pthread_t t;
    if (pthread_create(&t, NULL, helper, NULL) != 0) {
        fprintf(stderr, "pthread_create failed\n");
        return 1;
    }
    struct timespec ts = {60, 0};
    int rc = clock_nanosleep(CLOCK_REALTIME, 0, &ts, NULL);
    if (rc != 0 && rc != EINTR) {
        fprintf(stderr, "clock_nanosleep failed\n");
        return 1;
    }
    pthread_join(t, NULL);
    puts("slept");
    return 0;
}
