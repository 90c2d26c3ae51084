/* iov_io: writev with an empty middle buffer, then readv, sendmsg and recvmsg over a
 * socketpair (tests of -e read= / -e write= dumps of vectored calls). */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 1) {
        fprintf(stderr, "usage: %s\n", argv[0]);
        return 2;
    }
    int fd = open("/dev/null", O_WRONLY);
    struct iovec v[3] = {{"hello ", 6}, {"", 0}, {"world\n", 6}};
    int sv[2];
    char a[4], b[10];
    struct iovec r[2] = {{a, 4}, {b, 10}};
    struct msghdr m = {0}, m2 = {0};
    if (fd < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        perror("iov_io");
        return 1;
    }
    if (writev(fd, v, 3) != 12 || write(sv[0], "abcdefghij", 10) != 10
            || readv(sv[1], r, 2) != 10) {
        perror("iov_io");
        return 1;
    }
    m.msg_iov = v;
    m.msg_iovlen = 3;
    m2.msg_iov = r;
    m2.msg_iovlen = 2;
    if (sendmsg(sv[0], &m, 0) != 12 || recvmsg(sv[1], &m2, 0) != 12) {
        perror("iov_io");
        return 1;
    }
    puts("ok");
    return 0;
}
