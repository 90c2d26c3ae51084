/* pidns_ids: in a new user and PID namespace, a child (pid 1 there) and a second child
 * (pid 2) make calls whose arguments and return values are process ids of that
 * namespace: getpid, gettid, getpgid, getsid, kill, tgkill. The program waits for the
 * second child with WNOWAIT and ends without reaping it, while the first waits for the
 * program's end (a pipe): both are left to the init of the program's namespace, as
 * strace's pidns tests leave theirs. Exits 77 when unshare is refused. */
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
    int end[2], ready[2];
    char c;
    if (unshare(CLONE_NEWUSER | CLONE_NEWPID) != 0) {
        perror("unshare");
        return 77;
    }
    if (pipe(end) != 0 || pipe(ready) != 0)
        return 1;
    pid_t first = fork();
    if (first < 0)
        return 1;
    if (first == 0) {          /* pid 1 of the new namespace: until the program ends */
        close(end[1]);
        close(ready[0]);
        ids();
        close(ready[1]);
        _exit(read(end[0], &c, 1) == 0 ? 0 : 1);
    }
    close(ready[1]);
    if (read(ready[0], &c, 1) != 0)   /* (the first is done with its calls) */
        return 1;
    pid_t second = fork();
    if (second < 0)
        return 1;
    if (second == 0) {         /* pid 2 */
        close(end[1]);
        ids();
        syscall(SYS_kill, 1, 0);   /* the first, by its id in the namespace */
        _exit(0);
    }
    siginfo_t si;
    if (waitid(P_PID, second, &si, WEXITED | WNOWAIT) != 0 || si.si_status != 0)
        return 1;
    return 0;                  /* (neither child reaped) */
}
