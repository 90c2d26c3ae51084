/* quiet_calls: calls whose text strace makes from the registers alone, repeated with the same arguments and other results (dup(0) three times), with other arguments (lseek, close), and failing then succeeding; prints nothing. */
#define _GNU_SOURCE
#include <sys/syscall.h>
#include <unistd.h>

int main(void)
{
    for (int i = 0; i < 3; i++)
        syscall(SYS_dup, 0);            /* = 3, 4, 5: one call, three results */
    syscall(SYS_close, 4);              /* = 0 */
    syscall(SYS_close, 4);              /* = -1 EBADF: the same call, failing */
    for (long off = 0; off < 3; off++)
        syscall(SYS_lseek, 3, off, SEEK_SET);
    syscall(SYS_lseek, 3, 1, SEEK_CUR);
    syscall(SYS_getppid);
    syscall(SYS_getppid);
    syscall(SYS_fchdir, -1);            /* = -1 EBADF */
    syscall(SYS_fchdir, 3);             /* an fd that is not a directory (or is one) */
    return 0;
}
