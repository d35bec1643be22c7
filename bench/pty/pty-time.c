// The terminal end of the PTY benchmark (bench/25-pty.sh). Two modes:
//   pty-time CMD [ARG...]  runs CMD as the foreground job of a fresh pseudo-terminal (forkpty: new session,
//                          the slave as controlling terminal on fds 0-2), reads the master until the slave
//                          side is closed, as a terminal emulator would, reaps CMD and prints three numbers:
//                          the wall time from fork to reaping (s), the number of reads, and the CPU time
//                          the reader itself used (s, user + system). Exits 1 if CMD did not exit 0.
//   pty-time -r            reads stdin to its end and discards it: the same reader on a pipe, to compare
//                          with `cat >/dev/null` (the drain must be faster than what it measures).
// One read of up to 1 MiB per wake-up, nothing else per byte: the reader is never the bottleneck.
#include <errno.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char buffer[1 << 20];

// Reads fd until end of file or EIO (a PTY master whose slave side is closed); returns the reads made.
static long long drain(int fd) {
    long long reads = 0;
    for (;;) {
        ssize_t n = read(fd, buffer, sizeof buffer);
        if (n > 0) { reads++; continue; }
        if (n < 0 && errno == EINTR) continue;
        return reads;
    }
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "-r") == 0) {
        drain(0);
        return 0;
    }
    if (argc < 2) {
        fprintf(stderr, "usage: pty-time CMD [ARG...] | pty-time -r\n");
        return 2;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int master;
    pid_t pid = forkpty(&master, NULL, NULL, NULL);
    if (pid < 0) { perror("pty-time: forkpty"); return 1; }
    if (pid == 0) {
        execvp(argv[1], argv + 1);
        fprintf(stderr, "pty-time: %s: %s\n", argv[1], strerror(errno));
        _exit(127);
    }
    long long reads = drain(master);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    clock_gettime(CLOCK_MONOTONIC, &end);
    close(master);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "pty-time: %s ended with status %d\n", argv[1], status);
        return 1;
    }
    struct rusage self;
    getrusage(RUSAGE_SELF, &self);
    double cpu = self.ru_utime.tv_sec + self.ru_stime.tv_sec + (self.ru_utime.tv_usec + self.ru_stime.tv_usec) / 1e6;
    printf("%.6f %lld %.6f\n", (double)(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9, reads, cpu);
    return 0;
}
