/* aiotrace-cflags: -m32 -ffreestanding -nostdlib -static -fno-pie -no-pie -fno-stack-protector -O1 -g -Wall
 * t32: a 32-bit program (i386, no C library: each call is an int $0x80). It opens
 * /dev/null, writes "hello from 32\n" to stdout, closes the descriptor and exits with 0
 * if the write wrote it all, 5 if it failed with EIO, 6 otherwise. */

static long sys3(long nr, long a, long b, long c)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return r;
}

static const char msg[] = "hello from 32\n";

void _start(void)
{
    long fd = sys3(5, (long)"/dev/null", 0, 0);         /* open */
    long w = sys3(4, 1, (long)msg, sizeof msg - 1);      /* write */
    sys3(6, fd, 0, 0);                                   /* close */
    sys3(1, w == (long)(sizeof msg - 1) ? 0 : w == -5 ? 5 : 6, 0, 0);   /* exit */
    for (;;)
        ;
}
