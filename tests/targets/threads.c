/* threads N M: N pthreads each make M raw getppid syscalls, then are joined (multi-thread tracing). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long per_thread; /* M: syscalls each thread makes */

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

static void *worker(void *arg)
{
    (void)arg;
    for (long i = 0; i < per_thread; i++)
        syscall(SYS_getppid);
    return NULL;
}

int main(int argc, char **argv)
{
    long n = argc == 3 ? parse_count(argv[1]) : -1;
    per_thread = argc == 3 ? parse_count(argv[2]) : -1;
    if (n < 0 || per_thread < 0) {
        fprintf(stderr, "usage: %s N M\n", argv[0]);
        return 2;
    }
    pthread_t *tids = calloc(n ? (size_t)n : 1, sizeof *tids);
    if (tids == NULL) {
        fprintf(stderr, "calloc failed\n");
        return 1;
    }
    for (long i = 0; i < n; i++) {
        int err = pthread_create(&tids[i], NULL, worker, NULL);
        if (err != 0) {
            fprintf(stderr, "pthread_create: %s\n", strerror(err));
            return 1;
        }
    }
    for (long i = 0; i < n; i++) {
        int err = pthread_join(tids[i], NULL);
        if (err != 0) {
            fprintf(stderr, "pthread_join: %s\n", strerror(err));
            return 1;
        }
    }
    free(tids);
    printf("threads done\n");
    fflush(stdout);
    return 0;
}
