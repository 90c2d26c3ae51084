/* aiotrace-cflags: -O1 -g -Wall -no-pie -fno-pie
 * int80 PATH: a 64-bit program that opens PATH with an i386 system call (int $0x80,
 * whose pointers must be below 4 GiB: a static buffer of a program that is not
 * position-independent), then with an x32 one (number 0x40000002: ENOSYS where the
 * kernel has no x32), between getppid markers, and prints "i386 open: R" and
 * "x32 open: R" (R: the result, or -errno). Exits with 0 if the i386 open gave a
 * descriptor, 1 if not. */
#include <stdio.h>
#include <string.h>

static char path[4096];

static long int80(long nr, long a, long b, long c)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return r;
}

static long sys64(long nr, long a, long b, long c)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c)
                     : "rcx", "r11", "memory");
    return r;
}

int main(int argc, char **argv)
{
    if (argc != 2 || strlen(argv[1]) >= sizeof path) {
        fprintf(stderr, "usage: %s PATH\n", argv[0]);
        return 2;
    }
    strcpy(path, argv[1]);
    sys64(110, 0, 0, 0);                               /* getppid */
    long fd = int80(5, (long)path, 0, 0);              /* i386 open(path, O_RDONLY) */
    long x = sys64(0x40000002L, (long)path, 0, 0);     /* x32 open(path, O_RDONLY) */
    sys64(110, 0, 0, 0);
    printf("i386 open: %ld\nx32 open: %ld\n", fd, x);
    return fd >= 0 ? 0 : 1;
}
