/* pidns_ids: in a new user and PID namespace, a child (pid 1 there) and a grandchild
 * (pid 2) make calls whose arguments and return values are process ids of that
 * namespace: getpid, gettid, getpgid, getsid, kill, tgkill, wait4. Exits 77 when
 * unshare is refused. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void ids(void)
{
    pid_t me = (pid_t)syscall(SYS_getpid);
    syscall(SYS_gettid);
    syscall(SYS_getpgid, me);
    syscall(SYS_getsid, me);
    syscall(SYS_kill, me, 0);
    syscall(SYS_tgkill, me, me, 0);
}

int main(void)
{
    if (unshare(CLONE_NEWUSER | CLONE_NEWPID) != 0) {
        perror("unshare");
        return 77;
    }
    pid_t child = fork();
    if (child < 0)
        return 1;
    if (child == 0) {          /* pid 1 of the new namespace */
        ids();
        pid_t grandchild = fork();
        if (grandchild < 0)
            _exit(1);
        if (grandchild == 0) { /* pid 2 */
            ids();
            syscall(SYS_kill, 1, 0);   /* its parent, by its id in the namespace */
            _exit(0);
        }
        int st;
        _exit(syscall(SYS_wait4, grandchild, &st, 0, NULL) == grandchild ? 0 : 1);
    }
    int status;
    if (syscall(SYS_wait4, child, &status, 0, NULL) != child)
        return 1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
