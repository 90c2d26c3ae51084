/* getppid_numbered N: N raw getppid calls, the i-th (from 0) with i as its first argument
 * (the kernel ignores it; a tracer reads it in rdi): which call an event is. */
#define _GNU_SOURCE
#include <errno.h>
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
    for (long i = 0; i < n; i++)
        syscall(SYS_getppid, i);
    return 0;
}
