/* open_tree PATH: open_tree(AT_FDCWD, PATH, OPEN_TREE_CLOEXEC) (Linux 5.2; without
 * OPEN_TREE_CLONE it opens PATH as O_PATH does, with no privilege), then prints
 * "open_tree: ok" and exits with 0, or "open_tree: ERRNO" (its number) and exits with 1. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s PATH\n", argv[0]);
        return 2;
    }
    long fd = syscall(SYS_open_tree, AT_FDCWD, argv[1], O_CLOEXEC);   /* OPEN_TREE_CLOEXEC */
    if (fd < 0) {
        printf("open_tree: %d\n", errno);
        return 1;
    }
    printf("open_tree: ok\n");
    return 0;
}
