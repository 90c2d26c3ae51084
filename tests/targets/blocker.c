/* blocker N: N threads block in read() forever; main prints "ready PID" and waits for a stdin line (attach tests). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int never[2]; /* a pipe that is never written; we keep the write end open */

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

static void *block(void *arg)
{
    char c;
    (void)arg;
    for (;;)
        read(never[0], &c, 1); /* blocks forever (restart if a signal interrupts it) */
    return NULL;
}

int main(int argc, char **argv)
{
    long n = argc == 2 ? parse_count(argv[1]) : -1;
    if (n < 0) {
        fprintf(stderr, "usage: %s N\n", argv[0]);
        return 2;
    }
    if (pipe(never) != 0) {
        perror("pipe");
        return 1;
    }
    for (long i = 0; i < n; i++) {
        pthread_t tid;
        int err = pthread_create(&tid, NULL, block, NULL);
        if (err != 0) {
            fprintf(stderr, "pthread_create: %s\n", strerror(err));
            return 1;
        }
    }
    /* All N threads exist now (pthread_create returns after the clone). */
    printf("ready %d\n", (int)getpid());
    fflush(stdout);

    int c;
    while ((c = getchar()) != EOF && c != '\n') /* one line, or EOF */
        ;
    printf("bye\n");
    fflush(stdout);
    exit(0); /* exit_group: the blocked threads are not joined */
}
