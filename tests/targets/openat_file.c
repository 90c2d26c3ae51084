/* openat_file PATH: openat PATH read-only and print what one read returns (syscall decoding / error tests). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The errno's symbolic name (e.g. "EACCES") when libc can tell, else its number. */
static void print_errno(const char *what, int err)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
    const char *name = strerrorname_np(err);
    if (name != NULL) {
        printf("%s failed: %s\n", what, name);
        return;
    }
#endif
    printf("%s failed: %d\n", what, err);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s PATH\n", argv[0]);
        return 2;
    }
    int fd = openat(AT_FDCWD, argv[1], O_RDONLY);
    if (fd < 0) {
        print_errno("open", errno);
        fflush(stdout);
        return 1;
    }
    static char buf[4096];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
        print_errno("read", errno);
        fflush(stdout);
        return 1;
    }
    close(fd);
    printf("read %zd: ", n);
    fwrite(buf, 1, (size_t)n, stdout);
    fflush(stdout);
    return 0;
}
