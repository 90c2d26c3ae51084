/* sigkill_self: print a line, then SIGKILL itself (killed-by-SIGKILL tests). */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    printf("bye\n");
    fflush(stdout);
    kill(getpid(), SIGKILL);
    return 1; /* not reached */
}
