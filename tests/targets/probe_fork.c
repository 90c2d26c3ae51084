/* Calls add() argv[1] times, forks; the child calls add() argv[2] times, then, when
 * argv[3] is given, execs argv[3] with the arguments after it; the parent waits. Each
 * process prints its sum. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((noinline)) long add(long a, long b) { __asm__ volatile("" ::: "memory"); return a + b; }

static long run(long n) {
    long sum = 0;
    for (long i = 0; i < n; i++)
        sum += add(i, 1);
    return sum;
}

int main(int argc, char **argv) {
    long before = run(atol(argv[1]));
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        printf("child sum=%ld\n", run(atol(argv[2])));
        fflush(stdout);
        if (argc > 3) {
            execv(argv[3], argv + 3);
            _exit(127);
        }
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("parent sum=%ld child=%d\n", before, WEXITSTATUS(status));
    return 0;
}
