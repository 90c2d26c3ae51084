/* comm_names: renames itself ("par<ent>") and then a child it forks ("kid" ESC "x"), which
 * shows both ids to the tracer: getppid() returns the parent's, kill(own pid, 0) names
 * its own (-Y prints each id with the command name, escaped). */
#define _GNU_SOURCE
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    prctl(PR_SET_NAME, "par<ent>");
    pid_t child = fork();
    if (child < 0)
        return 1;
    if (child == 0) {
        syscall(SYS_getppid);
        prctl(PR_SET_NAME, "kid\033x");
        syscall(SYS_kill, getpid(), 0);
        syscall(SYS_getppid);
        _exit(0);
    }
    int status;
    if (waitpid(child, &status, 0) != child)
        return 1;
    syscall(SYS_kill, getpid(), 0);
    return 0;
}
