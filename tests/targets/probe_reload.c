/* aiotrace-cflags: -O1 -g -Wall -ldl */
/* A library loaded, unloaded and loaded again: dlopen(argv[1]), its plugin_fn called
 * argv[3] times, dlclose; then dlopen(argv[2]) (which may take the address the first one
 * left), its other_fn called once, a read of stdin (a test looks at the memory
 * meanwhile), dlclose; then argv[1] again, plugin_fn argv[3] times. Prints the sums. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *open_lib(const char *path) {
    void *h = dlopen(path, RTLD_NOW);
    if (h == NULL) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        exit(2);
    }
    return h;
}

static long calls(const char *path, long n) {
    void *h = open_lib(path);
    long (*fn)(long) = (long (*)(long))dlsym(h, "plugin_fn");
    long sum = 0;
    for (long i = 0; i < n; i++)
        sum += fn(i);
    dlclose(h);
    return sum;
}

int main(int argc, char **argv) {
    if (argc < 4)
        return 2;
    long n = atol(argv[3]);
    long first = calls(argv[1], n);
    void *h = open_lib(argv[2]);
    long (*other)(long) = (long (*)(long))dlsym(h, "other_fn");
    long o = other(5);
    char c;
    if (read(0, &c, 1) < 0)
        return 3;
    dlclose(h);
    long second = calls(argv[1], n);
    printf("first=%ld other=%ld second=%ld\n", first, o, second);
    return 0;
}
