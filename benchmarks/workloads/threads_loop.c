/* threads_loop T N: T threads (default workload: 8) each make N raw getppid syscalls,
 * plus one openat+close of /dev/null every 16 iterations (so that a trace=openat filter
 * has something to catch); prints nothing. The multithreaded overhead workload. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static long iterations;

/* Parse a positive decimal count; -1 if it is not one. */
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
    for (long i = 0; i < iterations; i++) {
        syscall(SYS_getppid);
        if (i % 16 == 0) {
            int fd = (int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY | O_CLOEXEC);
            if (fd >= 0)
                syscall(SYS_close, fd);
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    long t = argc == 3 ? parse_count(argv[1]) : -1;
    iterations = argc == 3 ? parse_count(argv[2]) : -1;
    if (t < 1 || iterations < 0) {
        fprintf(stderr, "usage: %s THREADS N\n", argv[0]);
        return 2;
    }
    pthread_t *tids = calloc((size_t)t, sizeof *tids);
    if (tids == NULL)
        return 1;
    for (long i = 0; i < t; i++) {
        int err = pthread_create(&tids[i], NULL, worker, NULL);
        if (err != 0) {
            fprintf(stderr, "pthread_create: %s\n", strerror(err));
            return 1;
        }
    }
    for (long i = 0; i < t; i++)
        pthread_join(tids[i], NULL);
    free(tids);
    return 0;
}
