/* paths_thread_cwd DIR: a thread with a working directory of its own (unshare(CLONE_FS),
 * then chdir DIR) opens "f" relative to it and closes it; the main thread stays where it
 * was started, and joins it (paths= resolves a thread's relative paths with its own
 * working directory and descriptors, /proc/TID's). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>

static void *worker(void *dir)
{
    if (unshare(CLONE_FS) != 0 || chdir(dir) != 0) {
        perror("unshare/chdir");
        return (void *)1;
    }
    int fd = open("f", O_RDONLY);
    if (fd < 0) {
        perror("open");
        return (void *)1;
    }
    close(fd);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    pthread_t t;
    void *res;
    if (pthread_create(&t, NULL, worker, argv[1]) != 0 || pthread_join(t, &res) != 0)
        return 1;
    return res != NULL;
}
