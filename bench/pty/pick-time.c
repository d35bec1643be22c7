// The terminal end of the picker benchmark (bench/50-pick.sh): runs an interactive picker (shq pick, fzf,
// atuin search -i) as the foreground job of a fresh pseudo-terminal of COLSxROWS, as a terminal emulator
// would, and times what it draws:
//   pick-time [-s COLS ROWS] [-m MARKER] [-p PRE] [-f] [-q QUIET_MS] [-k KEYS] CMD [ARG...]
// prints, in milliseconds: the first frame (the first time MARKER was drawn, e.g. "\033[?25h" that ends
// each shq frame; with -p only a MARKER drawn after PRE, e.g. the cursor moving to the first list row, so
// an empty frame drawn before the rows does not count; without -m the first byte), the settled frame (the last byte before QUIET_MS of
// silence: everything loaded and drawn), then for each byte of KEYS, typed one at a time after the last
// one settled, the time from writing it to the last byte of its redraw (with -f: to the first MARKER
// after it, for a picker that repaints on a timer and so is never quiet for long); then the picker's peak RSS (KiB)
// and CPU time (user + system, ms) after Esc ended it; then the CPU time (ms, every thread of the picker's
// process, read with clock_getcpuclockid) it had used when its first frame was seen, and the CPU time each
// key cost (which, unlike the wall times, a loaded machine does not inflate). Answers cursor-position queries (ESC [ 6 n) as a terminal would.
#define _GNU_SOURCE  // memmem
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int master;
static clockid_t picker_clock;
static int have_clock;

// CPU time of the picker's process so far (all its threads, those that ended included), in ms.
static double cpu_ms(void) {
    struct timespec t;
    if (!have_clock || clock_gettime(picker_clock, &t) != 0) return -1;
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}
static char window[64];  // the last bytes read, to find markers split across reads
static size_t window_len;

// Reads what is there; returns bytes read (0: nothing before the timeout, -1: closed). Sets *found when
// `marker` was in it, and answers cursor-position queries.
static const char *pre;  // -p: MARKER counts only after this was seen
static int pre_seen = 1;

static ssize_t read_some(int timeout_ms, const char *marker, int *found) {
    struct pollfd p = {master, POLLIN, 0};
    int r = poll(&p, 1, timeout_ms);
    if (r == 0) return 0;
    if (r < 0) return errno == EINTR ? 0 : -1;
    char buffer[65536];
    ssize_t n = read(master, buffer, sizeof buffer);
    if (n <= 0) return n < 0 && errno == EINTR ? 0 : -1;
    char joined[sizeof window + sizeof buffer + 1];
    memcpy(joined, window, window_len);
    memcpy(joined + window_len, buffer, (size_t)n);
    size_t total = window_len + (size_t)n;
    joined[total] = 0;
    if (marker && found) {
        // Only in what is new (and the few bytes before it a marker may have started in).
        size_t from = 0, length = strlen(marker);
        if (window_len >= length) from = window_len - (length - 1);
        if (!pre_seen) {
            size_t pre_from = window_len >= strlen(pre) ? window_len - (strlen(pre) - 1) : 0;
            char *at = memmem(joined + pre_from, total - pre_from, pre, strlen(pre));
            if (at) { pre_seen = 1; from = (size_t)(at - joined) + strlen(pre); }
        }
        if (pre_seen && from < total && memmem(joined + from, total - from, marker, length)) *found = 1;
    }
    if (memmem(joined + (window_len > 3 ? window_len - 3 : 0), total - (window_len > 3 ? window_len - 3 : 0), "\033[6n", 4)) {
        if (write(master, "\033[1;1R", 6) < 0) {}
    }
    size_t keep = total < sizeof window ? total : sizeof window;
    memcpy(window, joined + total - keep, keep);
    window_len = keep;
    return n;
}

// Reads until `quiet_ms` pass with nothing; returns the time of the last byte (or `since` if none came).
static double settle(double since, int quiet_ms) {
    double last = since;
    for (;;) {
        ssize_t n = read_some(quiet_ms, NULL, NULL);
        if (n == 0) return last;
        if (n < 0) return last;
        last = now_ms();
    }
}

// "\033" in an argument stands for ESC.
static void decode(const char **text, char *into, size_t size) {
    if (!*text) return;
    size_t k = 0;
    for (const char *m = *text; *m && k + 1 < size; m++) {
        if (!strncmp(m, "\\033", 4)) { into[k++] = 27; m += 3; } else into[k++] = *m;
    }
    into[k] = 0;
    *text = into;
}

int main(int argc, char **argv) {
    unsigned short cols = 120, rows = 40;
    const char *marker = NULL, *keys = "";
    int quiet = 300, first_marker = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-s") && i + 2 < argc) { cols = (unsigned short)atoi(argv[++i]); rows = (unsigned short)atoi(argv[++i]); }
        else if (!strcmp(argv[i], "-m") && i + 1 < argc) marker = argv[++i];
        else if (!strcmp(argv[i], "-q") && i + 1 < argc) quiet = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-p") && i + 1 < argc) { pre = argv[++i]; pre_seen = 0; }
        else if (!strcmp(argv[i], "-f")) first_marker = 1;
        else if (!strcmp(argv[i], "-k") && i + 1 < argc) keys = argv[++i];
        else break;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: pick-time [-s COLS ROWS] [-m MARKER] [-q QUIET_MS] [-k KEYS] CMD [ARG...]\n");
        return 2;
    }
    static char decoded[64], decoded_pre[64];
    decode(&marker, decoded, sizeof decoded);
    decode(&pre, decoded_pre, sizeof decoded_pre);
    if (first_marker && !marker) { fprintf(stderr, "pick-time: -f needs -m\n"); return 2; }
    struct winsize size = {rows, cols, 0, 0};
    double start = now_ms();
    pid_t pid = forkpty(&master, NULL, NULL, &size);
    if (pid < 0) { perror("pick-time: forkpty"); return 1; }
    if (pid == 0) {
        execvp(argv[i], argv + i);
        fprintf(stderr, "pick-time: %s: %s\n", argv[i], strerror(errno));
        _exit(127);
    }
    have_clock = clock_getcpuclockid(pid, &picker_clock) == 0;
    int found = 0;
    double first = -1;
    while (!found) {
        ssize_t n = read_some(10000, marker, &found);
        if (n < 0 || (n == 0 && now_ms() - start > 60000)) { fprintf(stderr, "pick-time: no frame\n"); return 1; }
        if (n > 0 && !marker) found = 1;
    }
    first = now_ms() - start;
    double first_cpu = cpu_ms();
    double settled = settle(now_ms(), quiet) - start;
    printf("%.2f %.2f", first, settled);
    double key_cpu[256];
    size_t key_count = 0;
    for (const char *k = keys; *k; k++) {
        double typed = now_ms(), cpu = cpu_ms();
        if (write(master, k, 1) != 1) { perror("pick-time: write"); return 1; }
        if (first_marker) {
            int seen = 0;
            double at = typed;
            while (!seen) {
                ssize_t n = read_some(10000, marker, &seen);
                if (n < 0 || (n == 0 && now_ms() - typed > 60000)) { fprintf(stderr, "pick-time: no frame after a key\n"); return 1; }
                at = now_ms();
            }
            printf(" %.2f", at - typed);
            settle(at, quiet);
        } else {
            printf(" %.2f", settle(typed, quiet) - typed);
        }
        if (key_count < 256) key_cpu[key_count++] = cpu_ms() - cpu;
    }
    if (write(master, "\033", 1) != 1) {}
    while (read_some(5000, NULL, NULL) > 0 || 0) {}
    int status;
    struct rusage usage;
    if (wait4(pid, &status, 0, &usage) < 0) { perror("pick-time: wait"); return 1; }
    double cpu = usage.ru_utime.tv_sec * 1e3 + usage.ru_utime.tv_usec / 1e3 + usage.ru_stime.tv_sec * 1e3 + usage.ru_stime.tv_usec / 1e3;
    printf(" %ld %.1f %.2f", usage.ru_maxrss, cpu, first_cpu);
    for (size_t k = 0; k < key_count; k++) printf(" %.2f", key_cpu[k]);
    printf("\n");
    return 0;
}
