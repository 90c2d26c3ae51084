/* poke_edge: chdir to a path at the end of a mapping, the page after it unmapped: its
 * last byte, then its last 8 bytes (each '/', no NUL before the end), and to the first
 * byte of the unmapped page; prints each result ("0", or the errno's name: EFAULT).
 * A poke of more bytes than are left there is cut short (poke tests). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
    long page = sysconf(_SC_PAGESIZE);
    char *p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED || munmap(p + page, page) != 0)
        return 2;
    char *ends[] = {p + page - 1, p + page - 8, p + page};
    for (int i = 0; i < 3; i++) {
        memset(p, '/', page);
        int r = chdir(ends[i]);
        printf("%s\n", r == 0 ? "0" : errno == EFAULT ? "EFAULT" : strerror(errno));
    }
    return 0;
}
