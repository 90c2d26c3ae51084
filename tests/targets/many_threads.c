/* many_threads N: N threads alive at once, each makes one getppid, then all end together;
 * then a pipe is made and "done" printed (a tracer whose descriptors ran out would lose
 * them, or the program). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

static pthread_barrier_t all;

static void *work(void *arg)
{
    (void)arg;
    syscall(SYS_getppid);
    pthread_barrier_wait(&all);
    return NULL;
}

int main(int argc, char **argv)
{
    char *end;
    long n = argc == 2 ? strtol(argv[1], &end, 10) : -1;
    if (argc != 2 || *end != '\0' || n < 1 || n > 1000) {
        fprintf(stderr, "usage: %s N (1 to 1000)\n", argv[0]);
        return 2;
    }
    pthread_t *t = calloc((size_t)n, sizeof *t);
    if (t == NULL || pthread_barrier_init(&all, NULL, (unsigned)n + 1) != 0)
        return 1;
    for (long i = 0; i < n; i++)
        if (pthread_create(&t[i], NULL, work, NULL) != 0)
            return 1;
    pthread_barrier_wait(&all);
    for (long i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    int fds[2];
    if (pipe(fds) != 0)
        return 1;
    puts("done");
    return 0;
}
