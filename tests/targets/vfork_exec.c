/* vfork_exec: vfork, the child execs sh -c 'exit 9', the parent exits with the child's status (vfork tests). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 1) {
        fprintf(stderr, "usage: %s\n", argv[0]);
        return 2;
    }
    signal(SIGCHLD, SIG_DFL); /* an inherited SIG_IGN would auto-reap the child */
    pid_t pid = vfork();
    if (pid < 0) {
        perror("vfork");
        return 1;
    }
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", "exit 9", (char *)NULL);
        _exit(127);
    }
    int st;
    if (waitpid(pid, &st, 0) != pid) {
        perror("waitpid");
        return 1;
    }
    if (!WIFEXITED(st)) {
        fprintf(stderr, "unexpected child status 0x%x\n", st);
        return 1;
    }
    return WEXITSTATUS(st);
}
