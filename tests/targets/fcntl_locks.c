/* fcntl_locks PATH: fcntl on PATH (opened read-write, created if need be) with the commands
 * that read or write a struct flock (F_SETLK, F_GETLK, F_OFD_SETLK, F_OFD_GETLK), a struct
 * f_owner_ex (F_GETOWN_EX), scalars (F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC),
 * and F_GETLK and F_SETLK with a bad pointer; nothing locked by another process, so every
 * value is the same from run to run. Exits with 0. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void set(struct flock *fl, short type, off_t start, off_t len)
{
    memset(fl, 0, sizeof *fl);
    fl->l_type = type;
    fl->l_whence = SEEK_SET;
    fl->l_start = start;
    fl->l_len = len;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s PATH\n", argv[0]);
        return 2;
    }
    int fd = open(argv[1], O_RDWR | O_CREAT, 0600);
    if (fd < 0) {
        perror("open");
        return 1;
    }
    struct flock fl;
    set(&fl, F_WRLCK, 0, 10);
    fcntl(fd, F_SETLK, &fl);
    set(&fl, F_RDLCK, 5, 100);
    fcntl(fd, F_GETLK, &fl);       /* its own lock: F_UNLCK written back */
    set(&fl, F_RDLCK, 20, 3);
    fcntl(fd, F_OFD_SETLK, &fl);
    set(&fl, F_WRLCK, 50, 5);
    fcntl(fd, F_OFD_GETLK, &fl);   /* (no lock there: F_UNLCK) */
    struct f_owner_ex owner = {F_OWNER_TID, 12345};
    fcntl(fd, F_GETOWN_EX, &owner);
    fcntl(fd, F_GETLK, (void *)8);   /* EFAULT */
    fcntl(fd, F_SETLK, (void *)8);
    fcntl(fd, F_GETFD);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    fcntl(fd, F_GETFL);
    fcntl(fd, F_SETFL, O_NONBLOCK | O_APPEND);
    int dup = fcntl(fd, F_DUPFD_CLOEXEC, 20);
    if (dup >= 0)
        close(dup);
    close(fd);
    return 0;
}
