/* timed_getppid: time one raw getppid with CLOCK_MONOTONIC (vDSO: no syscall of its own) and print "getppid=R usecs=T" (delay-injection tests). */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 1) {
        fprintf(stderr, "usage: %s\n", argv[0]);
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long r = syscall(SYS_getppid);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long usecs = ((long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL
                       + (t1.tv_nsec - t0.tv_nsec)) / 1000;
    printf("getppid=%ld usecs=%lld\n", r, usecs);
    fflush(stdout);
    return 0;
}
