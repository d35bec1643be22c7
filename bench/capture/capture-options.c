// What a capture into a new store costs, each option of issue 22 alone: reads FILE in 1 MiB pieces (as
// the relay does), cuts 256 KiB chunks, zstd-compresses each and commits it into a fresh WAL database
// the way `OutputWriter` does (one transaction per chunk: the chunk row and two size updates; TRUNCATE
// checkpoint every 1000 WAL pages, as `Store.beginBulkWrite`). Prints "<mode> wall <s> cpu <s>".
//   base     as shq does today (synchronous=NORMAL)
//   off      synchronous=OFF
//   nockpt   no checkpoint until the end (the WAL grows to the whole output, copied once at the end)
//   batch    8 chunks (2 MiB) per transaction
//   thread   compression on a second thread (a queue of 4 chunks), commits on the first
//   raw      no compression (SQLite's share alone)
//   level3   zstd level 3 instead of 1
//   page64k  64 KiB database pages instead of 4 KiB (fewer, larger WAL writes; set before the first table)
//   sidefile the compressed chunks appended to a side file (DB.data, synced before the last commit);
//            the rows keep only offset and size: blobs outside the WAL
// Usage: capture-options MODE FILE DB
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

enum { chunk = 256 << 10, piece = 1 << 20, slots = 4 };
static sqlite3 *db;
static sqlite3_stmt *insert, *grow, *count;
static int level = 1, per_txn = 1, compress_on = 1, pending = 0;
static long seq = 0;
static int side = -1;
static int frames_per_checkpoint = 1000;  // 4 MB of 4 KiB pages, as shq's bulk writes
static long side_offset = 0;

static void check(int rc, const char *what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) { fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db)); exit(1); }
}
static int wal_hook(void *arg, sqlite3 *d, const char *schema, int frames) {
  (void)arg;
  if (frames >= frames_per_checkpoint) { sqlite3_busy_timeout(d, 0); sqlite3_wal_checkpoint_v2(d, schema, SQLITE_CHECKPOINT_TRUNCATE, 0, 0); }
  return SQLITE_OK;
}
static void commit_chunk(const void *data, size_t size, size_t raw) {
  if (pending == 0) check(sqlite3_exec(db, "BEGIN IMMEDIATE", 0, 0, 0), "begin");
  sqlite3_bind_int64(insert, 1, seq++); sqlite3_bind_int64(insert, 2, (sqlite3_int64)raw);
  if (side >= 0) {
    for (size_t done = 0; done < size;) {
      ssize_t w = write(side, (const char *)data + done, size - done);
      if (w <= 0) { perror("side file"); exit(1); }
      done += (size_t)w;
    }
    sqlite3_bind_int64(insert, 3, side_offset);
    side_offset += (long)size;
  } else {
    sqlite3_bind_blob(insert, 3, data, (int)size, SQLITE_STATIC);
  }
  check(sqlite3_step(insert), "insert"); sqlite3_reset(insert);
  sqlite3_bind_int64(grow, 1, (sqlite3_int64)raw); check(sqlite3_step(grow), "grow"); sqlite3_reset(grow);
  sqlite3_bind_int64(count, 1, (sqlite3_int64)raw); check(sqlite3_step(count), "count"); sqlite3_reset(count);
  if (++pending == per_txn) { check(sqlite3_exec(db, "COMMIT", 0, 0, 0), "commit"); pending = 0; }
}

static ZSTD_CCtx *cctx;
static size_t compress_into(void *out, size_t cap, const void *in, size_t n) {
  if (!compress_on) { memcpy(out, in, n); return n; }
  return ZSTD_compressCCtx(cctx, out, cap, in, n, level);
}

// The compressing thread's queue.
static struct { char *raw; size_t n; } queue[slots];
static int head = 0, tail = 0, done = 0;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static void *compressor(void *arg) {
  (void)arg;
  ZSTD_CCtx *own = ZSTD_createCCtx();
  size_t cap = ZSTD_compressBound(chunk);
  char *out = malloc(cap);
  for (;;) {
    pthread_mutex_lock(&lock);
    while (head == tail && !done) pthread_cond_wait(&changed, &lock);
    if (head == tail && done) { pthread_mutex_unlock(&lock); break; }
    char *raw = queue[head % slots].raw; size_t n = queue[head % slots].n;
    pthread_mutex_unlock(&lock);
    size_t size = ZSTD_compressCCtx(own, out, cap, raw, n, level);
    commit_chunk(out, size, n);
    pthread_mutex_lock(&lock); head++; pthread_cond_broadcast(&changed); pthread_mutex_unlock(&lock);
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: capture-options MODE FILE DB\n"); return 2; }
  const char *mode = argv[1];
  int threaded = !strcmp(mode, "thread");
  if (!strcmp(mode, "batch")) per_txn = 8;
  if (!strcmp(mode, "raw")) compress_on = 0;
  if (!strcmp(mode, "level3")) level = 3;
  if (!strcmp(mode, "page64k")) frames_per_checkpoint = 64;  // the same 4 MB
  if (!strcmp(mode, "sidefile")) {
    char path[4096];
    snprintf(path, sizeof path, "%s.data", argv[3]);
    side = open(path, O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
    if (side < 0) { perror(path); return 1; }
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  check(sqlite3_open(argv[3], &db), "open");
  if (!strcmp(mode, "page64k")) check(sqlite3_exec(db, "PRAGMA page_size=65536", 0, 0, 0), "page size");
  check(sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE blobs(id INTEGER PRIMARY KEY, size INTEGER);"
    "CREATE TABLE outputs(id INTEGER PRIMARY KEY, bytes INTEGER);"
    "CREATE TABLE blob_chunks(blob INTEGER, seq INTEGER, raw_size INTEGER, data BLOB);"
    "CREATE UNIQUE INDEX chunk_order ON blob_chunks(blob, seq);"
    "INSERT INTO blobs VALUES (1, 0); INSERT INTO outputs VALUES (1, 0);", 0, 0, 0), "schema");
  check(sqlite3_exec(db, !strcmp(mode, "off") ? "PRAGMA synchronous=OFF" : "PRAGMA synchronous=NORMAL", 0, 0, 0), "sync");
  sqlite3_wal_autocheckpoint(db, 0);
  if (strcmp(mode, "nockpt")) sqlite3_wal_hook(db, wal_hook, 0);
  check(sqlite3_prepare_v2(db, "INSERT INTO blob_chunks(blob, seq, raw_size, data) VALUES (1, ?, ?, ?)", -1, &insert, 0), "p1");
  check(sqlite3_prepare_v2(db, "UPDATE blobs SET size = size + ? WHERE id = 1", -1, &grow, 0), "p2");
  check(sqlite3_prepare_v2(db, "UPDATE outputs SET bytes = bytes + ? WHERE id = 1", -1, &count, 0), "p3");
  cctx = ZSTD_createCCtx();
  pthread_t worker;
  if (threaded) {
    for (int i = 0; i < slots; i++) queue[i].raw = malloc(chunk);
    pthread_create(&worker, 0, compressor, 0);
  }
  int fd = open(argv[2], O_RDONLY);
  char *in = malloc(piece), *buffer = malloc(chunk), *out = malloc(ZSTD_compressBound(chunk));
  size_t filled = 0;
  for (;;) {
    ssize_t n = read(fd, in, piece);
    if (n <= 0) break;
    for (ssize_t o = 0; o < n;) {
      size_t take = (size_t)(n - o) < chunk - filled ? (size_t)(n - o) : chunk - filled;
      memcpy(buffer + filled, in + o, take); filled += take; o += take;
      if (filled < chunk) continue;
      if (threaded) {
        pthread_mutex_lock(&lock);
        while (tail - head == slots) pthread_cond_wait(&changed, &lock);
        memcpy(queue[tail % slots].raw, buffer, filled); queue[tail % slots].n = filled; tail++;
        pthread_cond_broadcast(&changed); pthread_mutex_unlock(&lock);
      } else {
        commit_chunk(out, compress_into(out, ZSTD_compressBound(chunk), buffer, filled), filled);
      }
      filled = 0;
    }
  }
  if (threaded) {
    pthread_mutex_lock(&lock); done = 1; pthread_cond_broadcast(&changed); pthread_mutex_unlock(&lock);
    pthread_join(worker, 0);
  }
  if (filled) commit_chunk(out, compress_into(out, ZSTD_compressBound(chunk), buffer, filled), filled);
  if (side >= 0) { fsync(side); close(side); }
  if (pending) check(sqlite3_exec(db, "COMMIT", 0, 0, 0), "commit");
  sqlite3_wal_checkpoint_v2(db, 0, SQLITE_CHECKPOINT_TRUNCATE, 0, 0);
  sqlite3_finalize(insert); sqlite3_finalize(grow); sqlite3_finalize(count);
  sqlite3_close(db);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  double cpu = u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
  printf("%s wall %.3f cpu %.3f\n", mode, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, cpu);
  return 0;
}
