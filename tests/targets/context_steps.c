/* context_steps DIR: getppid() as a marker after each change of its context: start,
 * prctl(PR_SET_NAME, "renamed"), chdir(DIR), then a forked child's marker, and the
 * child's non-leader thread execs this program with "done", which marks once more
 * (process context tests). */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static char *self;

static void *exec_thread(void *arg)
{
    (void)arg;
    char *argv[] = {self, "done", NULL};
    execv(self, argv);
    _exit(127);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "done") == 0) {
        getppid();                                  /* E: after the exec from a thread */
        return 0;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    self = argv[0];
    getppid();                                      /* A: as spawned */
    prctl(PR_SET_NAME, "renamed", 0, 0, 0);
    getppid();                                      /* B: renamed */
    if (chdir(argv[1]) != 0)
        return 3;
    getppid();                                      /* C: in DIR */
    pid_t pid = fork();
    if (pid == 0) {
        getppid();                                  /* D: the child */
        pthread_t t;
        if (pthread_create(&t, NULL, exec_thread, NULL) != 0)
            _exit(4);
        for (;;)
            pause();                                /* the exec ends this thread */
    }
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return 5;
    return WEXITSTATUS(st);
}
