/* huge_nr [wait]: system calls with numbers the kernel has no call for, or takes only the
 * low 32 bits of (so that 0x100000027 is getpid), or that came after strace 6.1, each
 * between getppid markers; prints "after" and exits with 3. With "wait", it first prints
 * "ready PID" and waits for a line on stdin (attach tests). */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static const long numbers[] = {
    -1L,                    /* all 64 bits set: -1 */
    0xffffffffL,            /* 2**32 - 1: -1 as well */
    0x80000000L,            /* 2**31: the most negative int */
    0x8000000000000000L,    /* 2**63: its low 32 bits are 0, read(-1, NULL, 0) */
    0x100000027L,           /* getpid, with bit 32 set */
    0x40000000L + 39,       /* x32's getpid (ENOSYS where the kernel has no x32) */
    600L, 0x7fffffffL,      /* no call has them */
    -2L, 0xc0000000L,       /* negative, with the x32 bit */
    451L, 469L,             /* after strace 6.1: cachestat, file_setattr */
};

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "wait") == 0) {
        printf("ready %d\n", (int)getpid());
        fflush(stdout);
        int c;
        while ((c = getchar()) != EOF && c != '\n')
            ;
    }
    syscall(SYS_getppid);
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
        syscall(numbers[i], -1L, 0L, 0L, 0L, 0L, 0L);
    syscall(SYS_getppid);
    puts("after");
    return 3;
}
