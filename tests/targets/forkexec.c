/* forkexec: fork+_exit(3), vfork+exec sh "exit 5", fork+exec /bin/true, then exit 7 (follow-fork/exec tests). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Wait for pid and return its exit status; report and exit 1 on anything else. */
static int wait_exit(pid_t pid, const char *what)
{
    int st;
    if (waitpid(pid, &st, 0) != pid) {
        perror("waitpid");
        exit(1);
    }
    if (!WIFEXITED(st)) {
        printf("unexpected %s child status 0x%x\n", what, st);
        fflush(stdout);
        exit(1);
    }
    return WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
    if (argc != 1) {
        fprintf(stderr, "usage: %s\n", argv[0]);
        return 2;
    }
    /* An inherited SIG_IGN for SIGCHLD would auto-reap the children. */
    signal(SIGCHLD, SIG_DFL);
    fflush(stdout); /* nothing buffered may be duplicated into a child */

    /* (a) plain fork; the child exits at once. */
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0)
        _exit(3);
    printf("fork child exit=%d\n", wait_exit(pid, "fork"));
    fflush(stdout);

    /* (b) vfork; the child only execs (or _exits). */
    pid = vfork();
    if (pid < 0) {
        perror("vfork");
        return 1;
    }
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", "exit 5", (char *)NULL);
        _exit(127);
    }
    printf("vfork child exit=%d\n", wait_exit(pid, "vfork"));
    fflush(stdout);

    /* (c) fork, then exec in the child. */
    pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        execl("/bin/true", "true", (char *)NULL);
        _exit(127);
    }
    printf("exec child exit=%d\n", wait_exit(pid, "exec"));
    fflush(stdout);
    return 7;
}
