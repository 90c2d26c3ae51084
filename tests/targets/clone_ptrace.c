/* clone_ptrace: clone(CLONE_PTRACE | SIGCHLD) a child that calls getppid() and _exit(3);
 * wait for it, print "child exit=3", exit 0. Traced, the child is traced by the same
 * tracer from its first instruction whatever the tracer's options, with no clone event
 * for its parent when the tracer does not follow forks. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static char stack[64 * 1024] __attribute__((aligned(16)));

static int child(void *arg)
{
    (void)arg;
    syscall(SYS_getppid);
    _exit(3);
}

int main(void)
{
    pid_t pid = clone(child, stack + sizeof(stack), CLONE_PTRACE | SIGCHLD, NULL);
    if (pid < 0) {
        perror("clone");
        return 1;
    }
    int st;
    if (waitpid(pid, &st, 0) != pid) {
        perror("waitpid");
        return 1;
    }
    if (!WIFEXITED(st)) {
        printf("unexpected child status 0x%x\n", st);
        return 1;
    }
    printf("child exit=%d\n", WEXITSTATUS(st));
    return 0;
}
