/* getppid_loop N: make N raw getppid syscalls and print nothing (syscall-count / overhead baseline). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Parse a non-negative decimal count; -1 if it is not one. */
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
    if (n < 0) {
        fprintf(stderr, "usage: %s N\n", argv[0]);
        return 2;
    }
    /* Raw syscall so that no libc wrapper or cache can hide a call. */
    for (long i = 0; i < n; i++)
        syscall(SYS_getppid);
    return 0;
}
