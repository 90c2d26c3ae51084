/* buf_edge S: buffers that end at a page that is not mapped, around -s S bytes (strace
 * reads one byte more than it shows of a longer buffer, and shows the address when that
 * byte cannot be read):
 *   write of 2S bytes, S of them readable: the address;
 *   write of 2S bytes, S + 1 readable: S bytes and "...";
 *   write of S bytes, S readable: the S bytes;
 *   read of S bytes into S writable bytes: the S bytes read;
 * then a write of 2S bytes whose byte S + 1 is on a page unmapped right after the call
 * (what the call was given is what is shown: S bytes and "...", however late the tracer
 * decodes it).
 * buf_edge S dump: only a write of 18 pages and 3 bytes, of which the 18 pages can be
 * read (for -e write=: strace dumps the 64 KiB it can read whole, then says what it
 * could not fetch). */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    size_t s = argc > 1 ? strtoul(argv[1], NULL, 0) : 8;
    long page = sysconf(_SC_PAGESIZE);
    char *p = mmap(NULL, 4 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED || s == 0 || s >= (size_t) page)
        return 1;
    munmap(p + page, page);             /* a hole after the first page */
    char *end = p + page;
    memset(p, 'a', page);
    memset(p + 2 * page, 'z', 2 * page);
    int null = open("/dev/null", O_WRONLY);
    if (argc > 2 && strcmp(argv[2], "dump") == 0) {
        char *d = mmap(NULL, 20 * page, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (d == MAP_FAILED)
            return 1;
        munmap(d + 18 * page, 2 * page);
        for (long i = 0; i < 18 * page; i++)
            d[i] = (char) i;
        write(null, d, 18 * page + 3);
        return 0;
    }
    int zero = open("/dev/zero", O_RDONLY);
    write(null, end - s, 2 * s);
    write(null, end - s - 1, 2 * s);
    write(null, end - s, s);
    read(zero, end - s, s);
    char *q = p + 3 * page - s;         /* S bytes at the third page's end, byte S + 1 */
    write(null, q, 2 * s);              /* on the fourth page, unmapped after the call */
    munmap(p + 3 * page, page);
    return 0;
}
