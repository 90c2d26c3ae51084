/* exec_thread PROG [ARGS...]: a non-leader thread execs PROG while the leader blocks (exec-from-thread tests). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char **exec_argv; /* PROG ARGS..., NULL-terminated (points into main's argv) */

static void *exec_thread(void *arg)
{
    (void)arg;
    static const char msg[] = "thread execs\n";
    if (write(STDOUT_FILENO, msg, sizeof msg - 1) != (ssize_t)(sizeof msg - 1))
        _exit(1);
    execv(exec_argv[0], exec_argv);
    fprintf(stderr, "execv %s: %s\n", exec_argv[0], strerror(errno));
    _exit(127); /* exit_group: takes the blocked leader down too */
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s PROG [ARGS...]\n", argv[0]);
        return 2;
    }
    exec_argv = &argv[1];
    pthread_t tid;
    int err = pthread_create(&tid, NULL, exec_thread, NULL);
    if (err != 0) {
        fprintf(stderr, "pthread_create: %s\n", strerror(err));
        return 1;
    }
    /* Never returns: the exec in the other thread replaces the whole process. */
    pthread_join(tid, NULL);
    fprintf(stderr, "pthread_join returned\n");
    return 1;
}
