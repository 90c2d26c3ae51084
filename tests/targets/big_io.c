/* big_io MODE N [fill]: one call that moves N bytes: write or writev (two buffers of N
 * bytes) to fd 1, read or readv (two buffers) from fd 0, with buffers in a fresh anonymous
 * mapping. Without "fill" a written buffer is never touched (zeros: the program stays
 * small however large N is); with it, it holds a pattern. Prints nothing; exit status 0
 * if the call moved all its bytes (tests of -e read= / -e write= dumps). */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3)
        return 2;
    size_t n = strtoul(argv[2], NULL, 10);
    char *p = mmap(NULL, 2 * n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 2;
    if (argc > 3 && strcmp(argv[3], "fill") == 0)
        for (size_t i = 0; i < 2 * n; i++)
            p[i] = (char)(i * 7 + i / 251);
    struct iovec iov[2] = {{p, n}, {p + n, n}};
    long want = (long)n, got;
    if (strcmp(argv[1], "write") == 0)
        got = syscall(SYS_write, 1, p, n);
    else if (strcmp(argv[1], "read") == 0)
        got = syscall(SYS_read, 0, p, n);
    else if (strcmp(argv[1], "writev") == 0)
        got = syscall(SYS_writev, 1, iov, 2), want = 2 * (long)n;
    else if (strcmp(argv[1], "readv") == 0)
        got = syscall(SYS_readv, 0, iov, 2), want = 2 * (long)n;
    else
        return 2;
    return got == want ? 0 : 1;
}
