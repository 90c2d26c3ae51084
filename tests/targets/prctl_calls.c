/* aiotrace-cflags: -O1 -g -Wall -no-pie -fno-pie */
/* prctl_calls: a fixed sequence of raw prctl calls, most options with good and bad
 * arguments, seccomp's operations, then a seccomp filter that allows everything
 * (decoding tests). Nothing it prints depends on the run: no pid, no address but fixed
 * ones (-no-pie). */
#define _GNU_SOURCE
#include <linux/filter.h>
#include <linux/prctl.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#define BAD 0xbadc0ded00000000UL   /* bits above an int */

static long p(unsigned long option, unsigned long a2, unsigned long a3, unsigned long a4,
              unsigned long a5)
{
    return syscall(SYS_prctl, option, a2, a3, a4, a5);
}

static int ival = -1;
static uint64_t cookie = 0xdeadc0debadc0dedULL;
static char name[32] = "none";
static uint32_t action = SECCOMP_RET_LOG;
static uint16_t sizes[3] = { 1, 2, 3 };

static struct sock_filter insns[] = {
    BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
    BPF_JUMP(BPF_JMP | BPF_K | BPF_JEQ, SYS_getpid, 0, 1),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};
static struct sock_fprog prog = { sizeof insns / sizeof insns[0], insns };

int main(void)
{
    p(-1U, -2U, -3U, -4U, -5U);                          /* unknown */
    p(0x7fff, 1, 2, 3, 4);
    p(PR_SET_NAME, (unsigned long) "prctl_calls", 0, 0, 0);
    p(PR_GET_NAME, (unsigned long) name, 0, 0, 0);
    p(PR_SET_NAME, (unsigned long) "0123456789abcdefgh", 0, 0, 0);
    p(PR_GET_NAME, 8, 0, 0, 0);
    p(BAD | PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0);
    p(PR_GET_PDEATHSIG, (unsigned long) &ival, 0, 0, 0);
    p(PR_SET_PDEATHSIG, 0xbadc0deddeadfeedUL, 0, 0, 0);
    p(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    p(PR_GET_DUMPABLE, 0, 0, 0, 0);
    p(PR_SET_DUMPABLE, 3, 0, 0, 0);
    p(PR_GET_UNALIGN, (unsigned long) &ival, 0, 0, 0);
    p(PR_SET_UNALIGN, 0xff00, 0, 0, 0);
    p(PR_GET_KEEPCAPS, 0, 0, 0, 0);
    p(PR_GET_TSC, (unsigned long) &ival, 0, 0, 0);
    p(PR_SET_TSC, 0, 0, 0, 0);
    p(PR_GET_SECUREBITS, 0, 0, 0, 0);
    p(PR_SET_SECUREBITS, 0xdeadc0defacebeefUL, 0, 0, 0);
    p(PR_CAPBSET_READ, 13, 0, 0, 0);                     /* CAP_NET_RAW */
    p(PR_CAPBSET_READ, 0xff, 0, 0, 0);
    p(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 13, 0, 0);
    p(PR_CAP_AMBIENT, 0xff, 0xaaaa, 0xbbbb, 0xcccc);
    p(PR_MCE_KILL_GET, 0, 0, 0, 0);
    p(PR_MCE_KILL, 0xaaaa, 0xbbbb, 0xcccc, 0xdddd);
    p(PR_SET_MM, BAD | 0xff, 1, 2, 3);
    p(PR_GET_CHILD_SUBREAPER, (unsigned long) &ival, 0, 0, 0);
    p(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
    p(PR_GET_TID_ADDRESS, 8, 0, 0, 0);
    p(PR_GET_FP_MODE, 0, 0, 0, 0);
    p(PR_SET_FP_MODE, 0x23, 0, 0, 0);
    p(PR_SVE_SET_VL, 0x2ea57, 0, 0, 0);
    p(PR_SVE_GET_VL, 0, 0, 0, 0);
    p(PR_GET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, 0, 0, 0);
    p(PR_SET_SPECULATION_CTRL, PR_SPEC_L1D_FLUSH, 3, 0, 0);
    p(PR_PAC_RESET_KEYS, 0xcafe, 0, 0, 0);
    p(PR_SET_TAGGED_ADDR_CTRL, 0x57ae57f4, 0, 0, 0);
    p(PR_GET_TAGGED_ADDR_CTRL, 0, 0, 0, 0);
    p(PR_SET_SYSCALL_USER_DISPATCH, 2, 1, 1, 8);
    p(PR_PAC_SET_ENABLED_KEYS, 0x1e, 0x7ffffff0, 0, 1);
    p(PR_PAC_GET_ENABLED_KEYS, 0, 0, 0, 0);
    p(PR_SCHED_CORE, BAD | PR_SCHED_CORE_GET, 0, 0, (unsigned long) &cookie);
    p(PR_SCHED_CORE, 4, 0, -1U, 8);
    p(PR_SME_GET_VL, 0, 0, 0, 0);
    p(PR_SET_VMA, 0xface1fed, 0x1000, 0x2000, 8);
    p(PR_SET_SECCOMP, 0xff, 1, 2, 3);
    syscall(SYS_seccomp, BAD | SECCOMP_GET_ACTION_AVAIL, BAD, &action);
    syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0xcafef00d, 0);
    syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, sizes);
    syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, 8);
    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, -64L, 8);
    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, -1L, &prog);
    syscall(SYS_seccomp, 0xff, 1, 8);
    p(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    p(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, (unsigned long) &prog, 0, 0);
    p(PR_GET_SECCOMP, 0, 0, 0, 0);
    syscall(SYS_exit_group, 0);
    return 0; /* not reached */
}
