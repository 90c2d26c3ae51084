/* aiotrace-cflags: -O1 -g -Wall -ldl */
/* dlopen(argv[1]), then calls its plugin_fn argv[2] times; prints the sum. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    void *h = dlopen(argv[1], RTLD_NOW);
    if (h == NULL) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 2;
    }
    long (*fn)(long) = (long (*)(long))dlsym(h, "plugin_fn");
    long n = atol(argv[2]), sum = 0;
    for (long i = 0; i < n; i++)
        sum += fn(i);
    printf("sum=%ld\n", sum);
    return 0;
}
