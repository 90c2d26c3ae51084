/* syscall_mix FILE: exact raw syscall sequence openat, read, close, write, getpid, exit_group (decoding tests). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Report a failure with raw syscalls only, then exit_group(1). */
static void fail(const char *msg)
{
    syscall(SYS_write, 2, msg, strlen(msg));
    syscall(SYS_exit_group, 1);
}

int main(int argc, char **argv)
{
    static char buf[64];

    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    /* From here on only raw syscalls, so libc adds nothing in between. */
    long fd = syscall(SYS_openat, AT_FDCWD, argv[1], O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fail("syscall_mix: openat failed\n");
    if (syscall(SYS_read, fd, buf, sizeof buf) < 0)
        fail("syscall_mix: read failed\n");
    syscall(SYS_close, fd);
    syscall(SYS_write, 1, "hi\n", 3);
    syscall(SYS_getpid);
    syscall(SYS_exit_group, 0);
    return 0; /* not reached */
}
