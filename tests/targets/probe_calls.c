/* Calls probed functions a known number of times, in threads: argv[1] threads (0: in
 * main alone), argv[2] calls each. add() returns a+b; fact() recurses; leaf() is a
 * one-instruction function (ret). Prints the sum of add()'s results, so that a probe
 * that changes an argument or a return value shows in the output. With a third argument,
 * reads stdin to its end before it prints (a test looks at its memory meanwhile); when
 * that argument is "before", before its calls instead (a test attaches meanwhile); when
 * it is "around", a line before its calls and the rest before it prints. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((noinline)) long add(long a, long b) { __asm__ volatile("" ::: "memory"); return a + b; }
__attribute__((noinline)) long fact(long n) { return n <= 1 ? 1 : n * fact(n - 1); }
__attribute__((noinline)) void leaf(void) { __asm__ volatile(""); }

static long calls;

static void *worker(void *arg) {
    long sum = 0;
    for (long i = 0; i < calls; i++) {
        sum += add(i, 1);
        leaf();
    }
    return (void *)sum;
}

static void read_line(void) {
    char c;
    while (read(0, &c, 1) > 0 && c != '\n')
        ;
}

static void drain_stdin(void) {
    char c;
    while (read(0, &c, 1) > 0)
        ;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 0;
    calls = argc > 2 ? atol(argv[2]) : 10;
    int before = argc > 3 && strcmp(argv[3], "before") == 0;
    long total = 0;
    if (before)
        drain_stdin();
    else if (argc > 3 && strcmp(argv[3], "around") == 0)
        read_line();
    if (threads == 0) {
        total = (long)worker(NULL);
    } else {
        pthread_t t[64];
        for (int i = 0; i < threads && i < 64; i++)
            pthread_create(&t[i], NULL, worker, NULL);
        for (int i = 0; i < threads && i < 64; i++) {
            void *r;
            pthread_join(t[i], &r);
            total += (long)r;
        }
    }
    if (argc > 3 && !before)
        drain_stdin();
    printf("sum=%ld fact5=%ld\n", total, fact(5));
    return 0;
}
