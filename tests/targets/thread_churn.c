/* thread_churn N: for N rounds, start 4 threads that each make a few syscalls and exit,
 * and join them; print "ready PID" on stdout first, "done" at the end (attach tests:
 * threads come and go while a tracer attaches and detaches). N 0: until stdin closes. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile int stop;

static void *work(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++)
        syscall(SYS_getppid);
    return NULL;
}

static void *watch_stdin(void *arg)
{
    char c;
    (void)arg;
    while (read(0, &c, 1) > 0)
        ;
    stop = 1;
    return NULL;
}

int main(int argc, char **argv)
{
    char *end;
    long n = argc == 2 ? strtol(argv[1], &end, 10) : -1;
    if (argc != 2 || *end != '\0' || n < 0) {
        fprintf(stderr, "usage: %s N\n", argv[0]);
        return 2;
    }
    if (n == 0) {
        pthread_t w;
        if (pthread_create(&w, NULL, watch_stdin, NULL) != 0)
            return 1;
    }
    printf("ready %d\n", (int)getpid());
    fflush(stdout);
    for (long round = 0; n == 0 ? !stop : round < n; round++) {
        pthread_t t[4];
        for (int i = 0; i < 4; i++) {
            int err = pthread_create(&t[i], NULL, work, NULL);
            if (err != 0) {
                fprintf(stderr, "pthread_create: %s\n", strerror(err));
                return 1;
            }
        }
        for (int i = 0; i < 4; i++)
            pthread_join(t[i], NULL);
    }
    printf("done\n");
    fflush(stdout);
    return 0;
}
