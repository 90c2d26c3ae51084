/* paths_steps DIR: DIR holds a file "f" and a directory "sub" with a file "g". Opens f
 * through a dirfd (twice, once as "sub/../f"), chdirs into sub, opens g relative to the
 * new cwd, dup2()s it to fd 10, reads and closes it there (resolved-path tests). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    char buf[1];
    int dfd = open(argv[1], O_RDONLY | O_DIRECTORY);
    int f1 = openat(dfd, "f", O_RDONLY);
    int f2 = openat(dfd, "sub/../f", O_RDONLY);
    if (dfd < 0 || f1 < 0 || f2 < 0 || fchdir(dfd) != 0 || chdir("sub") != 0)
        return 3;
    int g = openat(AT_FDCWD, "g", O_RDONLY);
    close(10);   /* (whatever the spawner left there) */
    if (g < 0 || dup2(g, 10) != 10 || read(10, buf, 1) != 1)
        return 4;
    close(10);
    close(g);
    close(f2);
    close(f1);
    close(dfd);
    return 0;
}
