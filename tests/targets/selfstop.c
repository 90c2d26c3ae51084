/* selfstop: a child stops itself with SIGSTOP; the parent sees stopped, continued, exited (job-control tests). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static void unexpected(const char *what, int st)
{
    printf("unexpected %s status 0x%x\n", what, st);
    fflush(stdout);
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 1) {
        fprintf(stderr, "usage: %s\n", argv[0]);
        return 2;
    }
    signal(SIGCHLD, SIG_DFL); /* an inherited SIG_IGN would auto-reap the child */

    /*
     * The child waits for EOF on this pipe before exiting. Without it the
     * child could exit before the parent's WCONTINUED wait, and the kernel
     * then reports only the exit (the "continued" event is lost).
     */
    int gate[2];
    if (pipe(gate) != 0) {
        perror("pipe");
        return 1;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0) {
        char c;
        close(gate[1]);
        raise(SIGSTOP);
        while (read(gate[0], &c, 1) > 0) /* until the parent closes its end */
            ;
        _exit(0);
    }
    close(gate[0]);

    int st;
    if (waitpid(pid, &st, WUNTRACED) != pid) {
        perror("waitpid");
        return 1;
    }
    if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP)
        unexpected("stop", st);
    printf("child stopped sig=%d\n", WSTOPSIG(st));
    fflush(stdout);

    if (kill(pid, SIGCONT) != 0) {
        perror("kill");
        return 1;
    }
    if (waitpid(pid, &st, WCONTINUED) != pid) {
        perror("waitpid");
        return 1;
    }
    if (!WIFCONTINUED(st))
        unexpected("continue", st);
    printf("child continued\n");
    fflush(stdout);

    close(gate[1]); /* lets the child exit */
    if (waitpid(pid, &st, 0) != pid) {
        perror("waitpid");
        return 1;
    }
    if (!WIFEXITED(st))
        unexpected("exit", st);
    printf("child exit=%d\n", WEXITSTATUS(st));
    fflush(stdout);
    return WEXITSTATUS(st) == 0 ? 0 : 1;
}
