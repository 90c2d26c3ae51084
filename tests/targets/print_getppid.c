/* print_getppid: print the result of one raw getppid syscall (checks syscall results/retvals). */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 1) {
        fprintf(stderr, "usage: %s\n", argv[0]);
        return 2;
    }
    printf("getppid=%ld\n", (long)syscall(SYS_getppid));
    fflush(stdout);
    return 0;
}
