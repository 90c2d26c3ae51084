/* many_forks N: fork N children that each make a few syscalls and then block on a pipe,
 * so that the N children are alive at the same time; the parent then closes the pipe and
 * reaps them all. The scale workload for a tracer's per-process cost and memory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long parse_count(const char *s)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 0)
        return -1;
    return v;
}

int main(int argc, char **argv)
{
    long n = argc == 2 ? parse_count(argv[1]) : -1;
    if (n < 1) {
        fprintf(stderr, "usage: %s N\n", argv[0]);
        return 2;
    }
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return 1;
    for (long i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "fork #%ld: %s\n", i, strerror(errno));
            return 1;
        }
        if (pid == 0) {
            char c;
            close(p[1]);
            syscall(SYS_getppid);
            int fd = (int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY | O_CLOEXEC);
            if (fd >= 0)
                close(fd);
            while (read(p[0], &c, 1) < 0 && errno == EINTR)
                ;
            _exit(0);
        }
    }
    close(p[0]);
    close(p[1]); /* all N children are alive here: release them */
    int status, failed = 0;
    for (long i = 0; i < n; i++) {
        if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed++;
    }
    return failed ? 1 : 0;
}
