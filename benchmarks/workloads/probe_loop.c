/* N calls of a function that does nothing: the cost of a breakpoint per call. */
#include <stdlib.h>

__attribute__((noinline)) long probed(long i) { __asm__ volatile("" ::: "memory"); return i; }

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000, sum = 0;
    for (long i = 0; i < n; i++)
        sum += probed(i);
    return sum == n * (n - 1) / 2 ? 0 : 1;
}
