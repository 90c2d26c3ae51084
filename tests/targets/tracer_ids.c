/* tracer_ids STATUS: print "pid ppid pgid sid tracer tracer_tgid tracer_ppid tracer_pgid
   tracer_sid" (the tracer's from /proc/TRACER/status and stat; 0 when untraced), then exit
   with STATUS (-D tests: who the program and its tracer are). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A numeric field "NAME:\tN" of /proc/PID/status (PID 0: self); -1 if not found. */
static long status_field(long pid, const char *name)
{
    char path[64], line[256];
    size_t len = strlen(name);
    long v = -1;
    if (pid)
        snprintf(path, sizeof path, "/proc/%ld/status", pid);
    else
        snprintf(path, sizeof path, "/proc/self/status");
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, name, len) == 0 && line[len] == ':') {
            v = strtol(line + len + 1, NULL, 10);
            break;
        }
    fclose(f);
    return v;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s STATUS\n", argv[0]);
        return 2;
    }
    long tracer = status_field(0, "TracerPid");
    long tgid = 0, ppid = 0, pgid = 0, sid = 0;
    if (tracer > 0) {
        char path[64], buf[512];
        tgid = status_field(tracer, "Tgid");
        snprintf(path, sizeof path, "/proc/%ld/stat", tracer);
        FILE *f = fopen(path, "r");
        if (!f || !fgets(buf, sizeof buf, f)) {
            perror(path);
            return 2;
        }
        fclose(f);
        char *p = strrchr(buf, ')');
        if (!p || sscanf(p + 1, " %*c %ld %ld %ld", &ppid, &pgid, &sid) != 3) {
            fprintf(stderr, "%s: cannot parse\n", path);
            return 2;
        }
    }
    printf("%ld %ld %ld %ld %ld %ld %ld %ld %ld\n", (long)getpid(), (long)getppid(),
           (long)getpgid(0), (long)getsid(0), tracer, tgid, ppid, pgid, sid);
    fflush(stdout);
    return atoi(argv[1]);
}
