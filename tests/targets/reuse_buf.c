/* reuse_buf N: N raw write(2) calls to /dev/null from one buffer, rewritten before each
 * call with "msg-I" (I = 0 .. N-1): what a late capture of write's buffer must see. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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
    int fd = open("/dev/null", O_WRONLY);
    if (fd < 0)
        return 1;
    char buf[32];
    for (long i = 0; i < n; i++) {
        int len = snprintf(buf, sizeof buf, "msg-%ld", i);
        if (syscall(SYS_write, fd, buf, len) != len)
            return 1;
    }
    return 0;
}
