/* fcntl_file PATH: open PATH read-only, ask fcntl for its descriptor flags and file status
 * flags, set FD_CLOEXEC, close it (a call that uses a descriptor, for -P). */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s PATH\n", argv[0]);
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0)
        return 1;
    fcntl(fd, F_GETFD);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    fcntl(fd, F_GETFL);
    close(fd);
    return 0;
}
