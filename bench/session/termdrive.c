// A minimal "terminal" for bench/45-session.sh: runs argv as the session leader of a fresh PTY and
// drives it as a terminal emulator would, draining output as fast as it comes.
//   termdrive startup -- argv…                 µs from fork to the first byte of output (the prompt)
//   termdrive full FILE KEYS ROUNDS -- argv…   at the prompt: wake-ups of argv's process over 10 s idle,
//       echo latency of KEYS keystrokes (x / DEL alternately), `cat FILE` ROUNDS times (time until a
//       marker printed after it arrives), argv's process CPU time over those rounds and its peak RSS.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char buf[1 << 16];

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

// Reads until nothing arrives for quiet_ms; returns bytes read.
static long drain_quiet(int fd, int quiet_ms) {
    long total = 0;
    struct pollfd p = {fd, POLLIN, 0};
    while (poll(&p, 1, quiet_ms) > 0) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) break;
        total += n;
    }
    return total;
}

static long status_field(pid_t pid, const char *name) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    long value = -1;
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, name, strlen(name)) == 0) value = atol(line + strlen(name));
    fclose(f);
    return value;
}

static double cpu_ms(pid_t pid) {
    char path[64], text[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f || !fgets(text, sizeof text, f)) return -1;
    fclose(f);
    char *p = strrchr(text, ')') + 2;
    long utime = 0, stime = 0;
    for (int field = 3; field <= 15 && p; field++) {
        if (field == 14) utime = atol(p);
        if (field == 15) stime = atol(p);
        p = strchr(p, ' ');
        if (p) p++;
    }
    return (utime + stime) * 1000.0 / sysconf(_SC_CLK_TCK);
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void type_text(int fd, const char *text) {
    size_t left = strlen(text);
    while (left > 0) {
        ssize_t n = write(fd, text, left);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) { perror("write"); exit(1); }
        text += n;
        left -= n;
    }
}

int main(int argc, char **argv) {
    int dash = 1;
    while (dash < argc && strcmp(argv[dash], "--") != 0) dash++;
    if (dash >= argc - 1) { fprintf(stderr, "usage: termdrive startup|full … -- argv…\n"); return 2; }
    struct winsize size = {40, 120, 0, 0};
    int master;
    double start = now_us();
    pid_t pid = forkpty(&master, NULL, NULL, &size);
    if (pid == 0) {
        execvp(argv[dash + 1], argv + dash + 1);
        _exit(127);
    }
    struct pollfd p = {master, POLLIN, 0};
    poll(&p, 1, 10000);
    double first = now_us() - start;
    drain_quiet(master, 300);  // the prompt is up

    if (strcmp(argv[1], "startup") == 0) {
        printf("%.0f\n", first);
    } else {
        const char *file = argv[2];
        int keys = atoi(argv[3]), rounds = atoi(argv[4]);
        long before = status_field(pid, "voluntary_ctxt_switches:") + status_field(pid, "nonvoluntary_ctxt_switches:");
        drain_quiet(master, 10000);
        long after = status_field(pid, "voluntary_ctxt_switches:") + status_field(pid, "nonvoluntary_ctxt_switches:");

        double *latency = calloc(keys, sizeof *latency);
        for (int i = 0; i < keys; i++) {
            double t = now_us();
            type_text(master, i % 2 ? "\x7f" : "x");
            if (poll(&p, 1, 5000) <= 0 || read(master, buf, sizeof buf) <= 0) { fprintf(stderr, "no echo\n"); return 1; }
            latency[i] = now_us() - t;
            drain_quiet(master, 2);
        }
        qsort(latency, keys, sizeof *latency, cmp);

        char command[4096];
        snprintf(command, sizeof command, "cat %s; echo __DO\"\"NE__\r", file);
        double *elapsed = calloc(rounds, sizeof *elapsed);
        double cpu_before = cpu_ms(pid);
        long bytes = 0;
        for (int r = 0; r < rounds; r++) {
            double t = now_us();
            type_text(master, command);
            char tail[16] = {0};
            for (;;) {
                ssize_t n = read(master, buf, sizeof buf);
                if (n <= 0) { fprintf(stderr, "output ended\n"); return 1; }
                bytes += n;
                // The marker may be split across reads: look in the last bytes before and this read.
                char joined[16 + 64];
                size_t head = n < 64 ? (size_t)n : 64;
                memcpy(joined, tail, 15);
                memcpy(joined + 15, buf, head);
                if (memmem(joined, 15 + head, "__DONE__", 8) || memmem(buf, n, "__DONE__", 8)) break;
                if (n >= 15) memcpy(tail, buf + n - 15, 15);
                else { memmove(tail, tail + n, 15 - n); memcpy(tail + 15 - n, buf, n); }
            }
            elapsed[r] = (now_us() - t) / 1e6;
            drain_quiet(master, 300);
        }
        double cpu = cpu_ms(pid) - cpu_before;
        qsort(elapsed, rounds, sizeof *elapsed, cmp);
        printf("startup_us=%.0f idle_wakeups=%ld echo_median_us=%.1f echo_p99_us=%.1f cat_median_s=%.4f "
               "bytes_per_round=%ld cpu_ms_per_round=%.1f peak_rss_kb=%ld\n",
               first, after - before, latency[keys / 2], latency[keys * 99 / 100], elapsed[rounds / 2],
               bytes / rounds, cpu / rounds, status_field(pid, "VmHWM:"));
    }
    type_text(master, "exit\r");
    drain_quiet(master, 500);
    close(master);
    int status;
    waitpid(pid, &status, 0);
    return 0;
}
