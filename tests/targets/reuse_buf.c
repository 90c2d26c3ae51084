/* reuse_buf N: N rounds of raw calls whose memory is rewritten right after each call:
 * write(2) of "msg-I" to a pipe from one buffer, read(2) of it back into another, and
 * openat(2) of "/nonexistent/f-I" (ENOENT), I = 0 .. N-1: what a capture that runs
 * after the thread went on must still see (Capture(after_resume=, prefetch=)). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
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
    int p[2];
    if (pipe(p) != 0)
        return 1;
    char buf[32], in[32], path[64];
    for (long i = 0; i < n; i++) {
        int len = snprintf(buf, sizeof buf, "msg-%ld", i);
        if (syscall(SYS_write, p[1], buf, len) != len)
            return 1;
        memset(buf, '#', sizeof buf);
        if (syscall(SYS_read, p[0], in, sizeof in) != len)
            return 1;
        memset(in, '#', sizeof in);
        snprintf(path, sizeof path, "/nonexistent/f-%ld", i);
        if (syscall(SYS_openat, AT_FDCWD, path, O_RDONLY) != -1 || errno != ENOENT)
            return 1;
        memset(path, '#', sizeof path);
    }
    return 0;
}
