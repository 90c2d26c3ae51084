/* misc_calls: the smaller calls strace 6.1 decodes one by one, each made so that it
 * fails the same way every time (or returns what does not change from run to run), with
 * every pointer NULL or to a structure that is printed in full: no address in the trace. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct how { uint64_t flags, mode, resolve; };
struct clone_args_v0 { uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
                       stack_size, tls; };
struct mq_attr_k { long flags, maxmsg, msgsize, curmsgs, reserved[4]; };
struct sembuf_k { unsigned short num; short op; short flg; };

int main(void)
{
    struct how how = { O_WRONLY | O_CREAT, 0644, 0 };
    struct clone_args_v0 ca;
    struct mq_attr_k attr = { 04000, 10, 8192, 0, { 0 } };
    struct sembuf_k sops = { 0, -1, 0x1000 };
    struct timespec ts = { 1, 2 };

    memset(&ca, 0, sizeof(ca));
    ca.flags = 0xfedcba9800000000ULL;   /* unknown flags: EINVAL */
    ca.exit_signal = 0x11;
    syscall(SYS_ioprio_set, 0xdead, 0, 0x4007);
    syscall(SYS_ioprio_get, 0xdead, 0);
    syscall(SYS_pkey_alloc, 1, 7);
    syscall(SYS_pkey_free, -1);
    syscall(SYS_kcmp, -1, -1, 1, 0, 0);
    syscall(SYS_memfd_create, "misc", 1 | (30 << 26) | 0x100);
    syscall(SYS_mount, "none", "/nonexistent/misc_calls", "tmpfs", 0xc0ed0000 | 0xf, "size=1");
    syscall(SYS_dup3, 0, 0, O_CLOEXEC);
    syscall(SYS_inotify_init1, 0x4 | 04000 | 02000000);
    syscall(SYS_openat2, AT_FDCWD, "/nonexistent/misc_calls", &how, sizeof(how));
    syscall(SYS_clone3, &ca, sizeof(ca));
    syscall(SYS_move_pages, 0, 0, NULL, NULL, NULL, 2);
    syscall(SYS_migrate_pages, 0x7ffffff0, 0, NULL, NULL);
    syscall(SYS_fsopen, "nonexistentfs", 1);
    syscall(SYS_fsmount, -1, 0, 1);
    syscall(SYS_fspick, -1, "", 0xfffffff0);
    syscall(SYS_open_tree, -1, "/nonexistent/misc_calls", 1 | 02000000);
    syscall(SYS_mount_setattr, -1, "", 0x100, NULL, 0);
    syscall(SYS_msgget, 0x7fff1234, 04000 | 0600);
    syscall(SYS_msgctl, -1, 2, NULL);
    syscall(SYS_semop, -1, &sops, 1);
    syscall(SYS_semtimedop, -1, &sops, 1, &ts);
    syscall(SYS_shmget, 0x7fff1234, 1, (21 << 26) | 0600);
    syscall(SYS_shmat, -1, NULL, 010000);
    syscall(SYS_mq_open, "/misc_calls-nonexistent", O_RDONLY);
    syscall(SYS_mq_getsetattr, -1, &attr, NULL);
    syscall(SYS_io_setup, 1, NULL);
    syscall(SYS_io_destroy, 0);
    syscall(SYS_io_getevents, 0, 1, 1, NULL, &ts);
    syscall(SYS_sched_getattr, 0, NULL, 0, 0);
    syscall(SYS_sched_rr_get_interval, 0, NULL);
    return 0;
}
