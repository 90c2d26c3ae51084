/* Makes system calls at known depths, for stack traces: main -> outer -> inner ->
 * getppid(), then a signal handler's getppid() (raise(SIGUSR1) from inner: the stack
 * goes through the kernel's signal frame), then a write from printf at exit. */
#include <signal.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

__attribute__((noinline)) static void on_usr1(int sig) { syscall(SYS_getppid); (void)sig; }
__attribute__((noinline)) void inner(int n) {
    syscall(SYS_getppid);
    if (n)
        raise(SIGUSR1);
    __asm__ volatile("" ::: "memory");
}
__attribute__((noinline)) void outer(int n) { inner(n); __asm__ volatile("" ::: "memory"); }

int main(void) {
    signal(SIGUSR1, on_usr1);
    outer(0);
    outer(1);
    printf("done\n");
    return 0;
}
