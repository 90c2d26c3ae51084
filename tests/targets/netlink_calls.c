/* aiotrace-cflags: -O1 -g -Wall */
/* netlink_calls: netlink messages sent on sockets of a few protocols (route, SELinux,
 * kobject uevent), an answer of the kernel peeked at, and data sent on a UDP socket
 * (decoding tests: strace prints the data of a netlink socket as messages). Nothing it
 * prints depends on the run: no pid, no address (the buffers are static and printed
 * as messages or strings; a bad one is NULL). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/selinux_netlink.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

struct req {
    struct nlmsghdr nlh;
    char data[4];
};

static struct req two[2];
static unsigned char err_msg[NLMSG_HDRLEN + sizeof(struct nlmsgerr)];
static unsigned char buf[256];

int main(void)
{
    int fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    if (fd < 0)
        return 1;
    /* a request the kernel acknowledges, then its answer, peeked at */
    struct req noop = {
        { sizeof(struct req), NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, 42, 0 }, "abcd"
    };
    sendto(fd, &noop, sizeof(noop), 0, NULL, 0);
    recvfrom(fd, buf, 4, MSG_PEEK | MSG_TRUNC, NULL, NULL);
    read(fd, buf, sizeof(buf));
    /* two messages; an error message; odd buffers */
    two[0] = noop;
    two[0].nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    two[1] = two[0];
    two[1].nlh.nlmsg_seq = 43;
    sendto(fd, two, sizeof(two), MSG_DONTWAIT, NULL, 0);
    struct nlmsghdr *e = (struct nlmsghdr *) err_msg;
    e->nlmsg_len = sizeof(err_msg);
    e->nlmsg_type = NLMSG_ERROR;
    e->nlmsg_flags = NLM_F_REQUEST | NLM_F_CAPPED;
    struct nlmsgerr *err = NLMSG_DATA(e);
    err->error = -13;
    err->msg = noop.nlh;
    sendto(fd, err_msg, sizeof(err_msg), MSG_DONTWAIT, NULL, 0);
    sendto(fd, NULL, sizeof(noop), MSG_DONTWAIT, NULL, 0);
    sendto(fd, "abcd", 4, MSG_DONTWAIT, NULL, 0);
    /* sendmsg to the kernel's netlink address */
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
    struct iovec iov = { &noop, sizeof(noop) };
    struct msghdr mh = { .msg_name = &kernel, .msg_namelen = sizeof(kernel),
                         .msg_iov = &iov, .msg_iovlen = 1 };
    noop.nlh.nlmsg_flags = NLM_F_REQUEST;
    sendmsg(fd, &mh, MSG_DONTWAIT);
    close(fd);

    /* SELinux's notifications: their payloads */
    /* (bound: the kernel lists an unbound one nowhere, and strace then knows only that
     * it is a netlink socket) */
    fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_SELINUX);
    if (fd >= 0 && bind(fd, (struct sockaddr *) &kernel, sizeof(kernel)) == 0) {
        struct {
            struct nlmsghdr nlh;
            struct selnl_msg_setenforce msg;
        } enforce = { { sizeof(enforce), SELNL_MSG_SETENFORCE, NLM_F_REQUEST, 0, 0 }, { 1 } };
        sendto(fd, &enforce, sizeof(enforce), MSG_DONTWAIT, NULL, 0);
        close(fd);
    }

    /* not netlink: the data is a string */
    /* a socket not bound before its first message (the kernel binds it then): from
     * its second message on, its protocol is known */
    fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
    if (fd >= 0) {
        struct req get = {
            { sizeof(struct req), RTM_GETLINK, NLM_F_REQUEST, 7, 0 }, { AF_UNSPEC }
        };
        sendto(fd, &get, sizeof(get), MSG_DONTWAIT, NULL, 0);
        sendto(fd, &get, sizeof(get), MSG_DONTWAIT, NULL, 0);
        close(fd);
    }
    fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(9) };
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sendto(fd, &noop, sizeof(noop), 0, (struct sockaddr *) &sin, sizeof(sin));
    close(fd);
    return 0;
}
