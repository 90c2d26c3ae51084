/* fuzz_syscalls SEED N: N system calls chosen by a generator seeded with SEED, between
 * two marker writes, then exit status 7.
 *
 * The calls are of two kinds, half and half: numbers drawn from all 64 bits that no
 * kernel implements (the kernel reads the low 32 bits as an int; those that land on a
 * real x86-64 or x32 call are drawn again), with random arguments; and real calls that
 * are harmless whatever their arguments, given invalid descriptors, bad pointers
 * (addresses that are never mapped, or NULL) and random integers. Nothing changes the
 * process's memory, descriptors or signals, so that every call gives exactly one line of
 * a trace and the program goes on. The markers are write(1, "<<<\n", 4) before the calls
 * and write(1, ">>>\n", 4) after them; no call in between writes to a valid descriptor. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* the argument kinds: I any integer, F a bad descriptor, P a bad pointer, S a small
 * integer */
struct call { long nr; char args[7]; };

/* Calls that only read or fail whatever their arguments are (with the kinds above). */
static const struct call SAFE[] = {
    {SYS_getpid, ""}, {SYS_getppid, ""}, {SYS_getuid, ""}, {SYS_geteuid, ""},
    {SYS_getgid, ""}, {SYS_getegid, ""}, {SYS_gettid, ""}, {SYS_getpgrp, ""},
    {SYS_sched_yield, ""}, {SYS_getpgid, "I"}, {SYS_getsid, "I"},
    {SYS_getpriority, "SI"}, {SYS_read, "FPI"}, {SYS_write, "FPI"}, {SYS_close, "F"},
    {SYS_fstat, "FP"}, {SYS_lseek, "FII"}, {SYS_pread64, "FPII"}, {SYS_pwrite64, "FPII"},
    {SYS_readv, "FPI"}, {SYS_writev, "FPI"}, {SYS_ioctl, "FII"}, {SYS_fcntl, "FSI"},
    {SYS_dup, "F"}, {SYS_dup2, "FF"}, {SYS_fsync, "F"}, {SYS_fdatasync, "F"},
    {SYS_ftruncate, "FI"}, {SYS_getdents64, "FPI"}, {SYS_fchdir, "F"},
    {SYS_fchmod, "FI"}, {SYS_fchown, "FII"}, {SYS_flock, "FI"},
    {SYS_connect, "FPI"}, {SYS_bind, "FPI"}, {SYS_getsockname, "FPP"},
    {SYS_sendto, "FPIIPI"}, {SYS_recvfrom, "FPIIPP"}, {SYS_sendmsg, "FPI"},
    {SYS_recvmsg, "FPI"}, {SYS_shutdown, "FI"}, {SYS_fstatfs, "FP"},
    {SYS_fgetxattr, "FPPI"}, {SYS_epoll_ctl, "FSFP"}, {SYS_inotify_add_watch, "FPI"},
    {SYS_open, "PII"}, {SYS_openat, "FPII"}, {SYS_stat, "PP"}, {SYS_lstat, "PP"},
    {SYS_access, "PI"}, {SYS_chdir, "P"}, {SYS_mkdir, "PI"}, {SYS_rmdir, "P"},
    {SYS_unlink, "P"}, {SYS_readlink, "PPI"}, {SYS_chmod, "PI"}, {SYS_truncate, "PI"},
    {SYS_newfstatat, "FPPI"}, {SYS_statx, "FPIIP"}, {SYS_rename, "PP"},
    {SYS_uname, "P"}, {SYS_sysinfo, "P"}, {SYS_times, "P"}, {SYS_gettimeofday, "PP"},
    {SYS_clock_gettime, "IP"}, {SYS_clock_getres, "IP"}, {SYS_getrusage, "IP"},
    {SYS_getcwd, "PI"}, {SYS_getrlimit, "IP"}, {SYS_getitimer, "IP"},
    {SYS_sched_getparam, "IP"}, {SYS_rt_sigpending, "PI"}, {SYS_time, "P"},
    {SYS_capget, "PP"}, {SYS_getrandom, "PII"}, {SYS_mincore, "PIP"},
    {SYS_wait4, "IPIP"}, {SYS_waitid, "IIPIP"}, {SYS_pipe, "P"}, {SYS_pipe2, "PI"},
    {SYS_socket, "SSS"}, {SYS_getxattr, "PPPI"}, {SYS_statfs, "PP"},
};

static uint64_t state;

static uint64_t next(void)   /* xorshift64* */
{
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 2685821657736338717ULL;
}

static long arg(char kind)
{
    static const long bad_fds[] = {-1, -100, 100000, 0x7fffffff, 65535};
    static const long bad_ptrs[] = {0, 1, 0x1000, 0xdeadbeef000L, -1L, -4096L,
                                    0x7fffffffe000L, 0x0000800000000000L};
    uint64_t r = next();
    switch (kind) {
    case 'F': return bad_fds[r % 5];
    case 'P': return bad_ptrs[r % 8];
    case 'S': return (long)(r % 1000);
    default:
        switch (r % 4) {   /* integers of every size, and the edges */
        case 0: return (long)(next() % 256);
        case 1: return (long)(int32_t)next();
        case 2: return (long)next();
        default: return (long)(r % 3) - 1;
        }
    }
}

/* A number no kernel implements (ENOSYS), from all 64 bits. */
static long unknown_number(void)
{
    for (;;) {
        uint64_t r = next();
        switch (r % 4) {
        case 0: break;                                  /* any 64 bits */
        case 1: r = (r & 0xffffffff00000000ULL) | (1024 + (r >> 40) % 100000); break;
        case 2: r = 0xffffffffffffffffULL - (r >> 60); break;   /* -1 .. -16 */
        default: r = 0x80000000ULL | (r & 0xffffffffULL); break; /* bit 31 set */
        }
        int32_t low = (int32_t)(uint32_t)r;
        if (low >= 0 && low < 1024)
            continue;                                   /* a real x86-64 call */
        if (low >= 0x40000000 && low < 0x40000000 + 1024)
            continue;                                   /* an x32 call */
        return (long)r;
    }
}

int main(int argc, char **argv)
{
    char *end;
    if (argc != 3) {
        fprintf(stderr, "usage: %s SEED N\n", argv[0]);
        return 2;
    }
    state = strtoull(argv[1], &end, 10) * 0x9E3779B97F4A7C15ULL + 1;
    long n = strtol(argv[2], &end, 10);
    if (*end != '\0' || n < 0) {
        fprintf(stderr, "usage: %s SEED N\n", argv[0]);
        return 2;
    }
    if (write(1, "<<<\n", 4) != 4)
        return 1;
    for (long i = 0; i < n; i++) {
        long nr, a[6];
        const char *kinds = "IIIIII";
        if (next() % 2) {
            nr = unknown_number();
        } else {
            const struct call *c = &SAFE[next() % (sizeof SAFE / sizeof SAFE[0])];
            nr = c->nr;
            kinds = c->args;
        }
        for (int k = 0; k < 6; k++)
            a[k] = arg(kinds[k] ? kinds[k] : 'I');   /* (unused ones: anything) */
        syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    }
    if (write(1, ">>>\n", 4) != 4)
        return 1;
    return 7;
}
