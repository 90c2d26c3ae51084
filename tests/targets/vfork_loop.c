/* vfork_loop N: vfork; the child makes N raw getppid syscalls and _exits, while the
 * parent is still inside its vfork call (which returns only once the child has exited);
 * the parent then reaps it. Exit status 0 if the child's was. A call (the parent's vfork)
 * that certainly begins before and ends after every call of another process. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char *end;
    errno = 0;
    long n = argc == 2 ? strtol(argv[1], &end, 10) : -1;
    if (argc != 2 || errno != 0 || end == argv[1] || *end != '\0' || n < 0) {
        fprintf(stderr, "usage: %s N\n", argv[0]);
        return 2;
    }
    pid_t pid = vfork();
    if (pid < 0) {
        perror("vfork");
        return 1;
    }
    if (pid == 0) {
        /* only raw system calls here: the child borrows the parent's memory and stack */
        for (long i = 0; i < n; i++)
            syscall(SYS_getppid);
        _exit(0);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid) {
        perror("waitpid");
        return 1;
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
