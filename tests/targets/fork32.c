/* aiotrace-cflags: -m32 -ffreestanding -nostdlib -static -fno-pie -no-pie -fno-stack-protector -O1 -g -Wall
 * fork32: a 32-bit program (i386, no C library) that forks; the child calls getpid and
 * exits with 0, the parent waits for it (waitpid) and exits with 0. */
static long sys3(long nr, long a, long b, long c)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
    return r;
}
void _start(void)
{
    long pid = sys3(2, 0, 0, 0);   /* fork */
    if (pid == 0) { sys3(20, 0, 0, 0); sys3(1, 0, 0, 0); }
    sys3(7, pid, 0, 0);            /* waitpid */
    sys3(1, 0, 0, 0);
    for (;;) ;
}
