// How a relay could move a command's output past the capture cap, each way measured alone: spawns
// `cat FILE` with its stdout on a pipe (grown to 1 MiB, as shq does), relays to fd 1 and prints
// "<mode> child <cpu s> relay <cpu s>" on stderr (user + system, from wait4 and getrusage).
//   read-ring  read 1 MiB, write it, copy it into a 16 MiB tail ring (what shq's relay does)
//   read-ring-nt  the same, the copy into the ring with non-temporal (streaming) stores (shq since #22's
//              second round)
//   read-inplace  readv(2) straight into a ring 1 MiB larger than the tail, write from there: no copy
//   read       read 1 MiB, write it; no tail kept (the floor of a copying relay)
//   splice     splice(2) pipe -> fd 1; no tail kept (the floor of any relay)
//   tee        tee(2) each piece into a chain of 1 MiB pipes holding the last 16 MiB, then splice(2)
//              it to fd 1: the tail kept without copying it
//   direct     no pipe: cat writes to fd 1 itself (what the command costs when nothing relays it)
// A "-64k" suffix (read-64k, splice-64k) leaves the pipe at the default 64 KiB instead of 1 MiB: whether
// the bigger pipe lowers the command's own cost (fewer wake-ups).
// Usage: relay-mechanisms MODE FILE >DEST
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__x86_64__)
#include <emmintrin.h>
#endif

extern char **environ;
enum { piece = 1 << 20, tail = 16 << 20, chain = 64 };

static double seconds(struct rusage *u) {
  return u->ru_utime.tv_sec + u->ru_utime.tv_usec / 1e6 + u->ru_stime.tv_sec + u->ru_stime.tv_usec / 1e6;
}

static void write_all(const char *p, ssize_t n) {
  while (n > 0) {
    ssize_t w = write(1, p, n);
    if (w < 0) { perror("write"); exit(1); }
    p += w; n -= w;
  }
}

// memcpy with non-temporal stores (x86-64; elsewhere memcpy): the ring's lines are not read first.
static void copy_streaming(char *out, const char *in, long n) {
#if defined(__x86_64__)
  long lead = (16 - ((unsigned long)out & 15)) & 15;
  if (lead > n) lead = n;
  memcpy(out, in, lead);
  out += lead; in += lead; n -= lead;
  for (; n >= 64; n -= 64, in += 64, out += 64)
    for (int k = 0; k < 64; k += 16) _mm_stream_si128((__m128i *)(out + k), _mm_loadu_si128((const __m128i *)(in + k)));
  _mm_sfence();
#endif
  memcpy(out, in, n);
}

// ring_kept: 0 none, 1 memcpy, 2 streaming stores.
static void relay_read(int in, int ring_kept) {
  char *buf = malloc(piece), *ring = malloc(tail);
  long end = 0;
  for (;;) {
    ssize_t n = read(in, buf, piece);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    write_all(buf, n);
    for (ssize_t o = 0; ring_kept && o < n;) {
      long at = end % tail, c = tail - at < n - o ? tail - at : n - o;
      if (ring_kept == 2) copy_streaming(ring + at, buf + o, c);
      else memcpy(ring + at, buf + o, c);
      o += c; end += c;
    }
  }
}

// Reads straight into a ring one piece larger than the tail, so a read never overwrites the last `tail`
// bytes, and writes from there.
static void relay_inplace(int in) {
  long size = tail + piece, end = 0;
  char *ring = malloc(size);
  for (;;) {
    long at = end % size, first = size - at < piece ? size - at : piece;
    struct iovec v[2] = {{ring + at, first}, {ring, piece - first}};
    ssize_t n = readv(in, v, first < piece ? 2 : 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    write_all(ring + at, n < first ? n : first);
    if (n > first) write_all(ring, n - first);
    end += n;
  }
}

static void relay_splice(int in) {
  while (splice(in, NULL, 1, NULL, piece, SPLICE_F_MOVE) > 0) {}
}

static int new_pipe(int fds[2]) {
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) { perror("pipe2"); exit(1); }
  fcntl(fds[0], F_SETPIPE_SZ, piece);
  return 0;
}

static void relay_tee(int in) {
  int pipes[chain][2];
  long held[chain], total = 0;
  int first = 0, last = 0;
  new_pipe(pipes[0]); held[0] = 0;
  struct pollfd f = {in, POLLIN, 0};
  for (;;) {
    ssize_t t = tee(in, pipes[last % chain][1], piece, SPLICE_F_NONBLOCK);
    if (t < 0 && errno == EAGAIN) {
      int ready = 0;
      ioctl(in, FIONREAD, &ready);
      if (ready > 0) {  // the tail pipe is full: start the next, drop the oldest no longer needed
        last++;
        new_pipe(pipes[last % chain]); held[last % chain] = 0;
        while (total - held[first % chain] >= tail) {
          total -= held[first % chain];
          close(pipes[first % chain][0]); close(pipes[first % chain][1]);
          first++;
        }
        continue;
      }
      poll(&f, 1, -1);  // nothing to read: wait, and stop at end of file
      if (!(f.revents & POLLIN) && (f.revents & POLLHUP)) break;
      continue;
    }
    if (t <= 0) break;
    held[last % chain] += t; total += t;
    for (ssize_t left = t; left > 0;) {
      ssize_t s = splice(in, NULL, 1, NULL, left, SPLICE_F_MOVE);
      if (s <= 0) { perror("splice"); exit(1); }
      left -= s;
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: relay-mechanisms read-ring|read-ring-nt|read-inplace|read|splice|tee|direct[-64k] FILE\n"); return 2; }
  char mode[32];
  snprintf(mode, sizeof mode, "%s", argv[1]);
  size_t length = strlen(mode);
  int small = length > 4 && !strcmp(mode + length - 4, "-64k");
  if (small) mode[length - 4] = 0;
  int direct = !strcmp(mode, "direct");
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) { perror("pipe2"); return 1; }
  if (!small) fcntl(p[0], F_SETPIPE_SZ, piece);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (!direct) posix_spawn_file_actions_adddup2(&actions, p[1], 1);
  pid_t pid;
  char *child[] = {"cat", argv[2], NULL};
  if (posix_spawnp(&pid, "cat", &actions, NULL, child, environ) != 0) { perror("spawn"); return 1; }
  close(p[1]);
  if (direct) close(p[0]);
  else if (!strcmp(mode, "read-ring")) relay_read(p[0], 1);
  else if (!strcmp(mode, "read-ring-nt")) relay_read(p[0], 2);
  else if (!strcmp(mode, "read-inplace")) relay_inplace(p[0]);
  else if (!strcmp(mode, "read")) relay_read(p[0], 0);
  else if (!strcmp(mode, "splice")) relay_splice(p[0]);
  else if (!strcmp(mode, "tee")) relay_tee(p[0]);
  else { fprintf(stderr, "unknown mode %s\n", mode); return 2; }
  int status;
  struct rusage child_usage, own;
  wait4(pid, &status, 0, &child_usage);
  getrusage(RUSAGE_SELF, &own);
  fprintf(stderr, "%s child %.3f relay %.3f\n", argv[1], seconds(&child_usage), seconds(&own));
  return 0;
}
