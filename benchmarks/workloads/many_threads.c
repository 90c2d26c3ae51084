/* many_threads N: start N threads (small stacks) that each make a few syscalls, then all
 * wait at a barrier so that the N threads are alive at the same time, then exit; the main
 * thread joins them. The scale workload for a tracer's per-thread cost and memory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_barrier_t barrier;

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
    syscall(SYS_getppid);
    int fd = (int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd >= 0)
        syscall(SYS_close, fd);
    pthread_barrier_wait(&barrier);
    syscall(SYS_getppid);
    return NULL;
}

int main(int argc, char **argv)
{
    long n = argc == 2 ? parse_count(argv[1]) : -1;
    if (n < 1) {
        fprintf(stderr, "usage: %s N\n", argv[0]);
        return 2;
    }
    pthread_t *tids = calloc((size_t)n, sizeof *tids);
    if (tids == NULL || pthread_barrier_init(&barrier, NULL, (unsigned)n + 1) != 0)
        return 1;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    for (long i = 0; i < n; i++) {
        int err = pthread_create(&tids[i], &attr, worker, NULL);
        if (err != 0) {
            fprintf(stderr, "pthread_create #%ld: %s\n", i, strerror(err));
            return 1;
        }
    }
    pthread_barrier_wait(&barrier); /* all N threads are alive here */
    for (long i = 0; i < n; i++)
        pthread_join(tids[i], NULL);
    free(tids);
    return 0;
}
