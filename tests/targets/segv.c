/* segv: print a line, then die of SIGSEGV by storing through a NULL pointer (fatal-signal tests). */
#include <stdio.h>

int main(void)
{
    /*
     * Both volatile: the compiler cannot see that p is NULL, and may not drop
     * the store (with a plain int *volatile, gcc -O1 deletes the store).
     */
    volatile int *volatile p = NULL;

    printf("about to crash\n");
    fflush(stdout);
    *p = 42;
    return 0; /* not reached */
}
