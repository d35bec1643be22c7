// Thin wrappers over POSIX pieces Swift cannot import directly (macros, _GNU_SOURCE-only calls).
// Every symbol carries the `shq_` prefix. Keep this small: logic belongs in Swift.
#ifndef SHQ_SHIMS_H
#define SHQ_SHIMS_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

// Named here too so that a module cache built before shq_copy.h existed is seen to be stale (the umbrella
// directory alone did not invalidate it in an incremental release build).
#include "shq_copy.h"

// Wait-status macros (WIFEXITED and friends are macros, invisible to Swift).
int shq_wexitstatus(int status);
int shq_wifsignaled(int status);
int shq_wtermsig(int status);
int shq_wifstopped(int status);
int shq_wstopsig(int status);
int shq_wifcontinued(int status);

// pipe2(O_CLOEXEC): both ends close-on-exec, so children only see what spawn file actions dup.
int shq_pipe_cloexec(int fds[2]);

// Fills `buffer` from the kernel CSPRNG; returns bytes written or -1.
long shq_getrandom(void *buffer, unsigned long length);

// sqlite3_db_config is variadic, so Swift cannot call it: this sets one integer option
// (SQLITE_DBCONFIG_*) on a connection. Returns the SQLite result code.
typedef struct sqlite3 sqlite3;
int shq_sqlite_db_config_int(sqlite3 *db, int option, int value);

// Replaces SQLite's automatic checkpoint: once a commit leaves `pages` or more in the WAL, a TRUNCATE
// checkpoint that does not wait (busy timeout 0 for its duration, `busy_ms` restored after). The
// automatic one is PASSIVE and never empties the log: with short-lived connections the WAL only grew,
// every process re-read all of it on open, and every commit past `pages` copied all of it again.
void shq_sqlite_truncating_checkpoints(sqlite3 *db, int pages, int busy_ms);
// That checkpoint once, now (`schema` NULL: every attached database); returns SQLite's result code.
int shq_sqlite_truncate_wal(sqlite3 *db, const char *schema, int busy_ms);
// The run's store writer: once a gate is attached to its connection, lock waits last up to
// `timeout_ms`, as with sqlite3_busy_timeout, but give up (SQLITE_BUSY) `after_ms` after
// `shq_busy_gate_close(gate, after_ms)` (a wait that starts later: after `after_ms` of its own), so a
// lock taken by another process never delays the end of the run. Close from any thread; attach and
// detach on the connection's thread. The checkpoint above restores the handler of the last gate attached.
typedef struct shq_busy_gate shq_busy_gate;
shq_busy_gate *shq_busy_gate_new(int timeout_ms);
void shq_busy_gate_attach(shq_busy_gate *gate, sqlite3 *db);
void shq_busy_gate_detach(shq_busy_gate *gate);
void shq_busy_gate_close(shq_busy_gate *gate, int after_ms);
void shq_busy_gate_free(shq_busy_gate *gate);

// --- shq run: job-control signals -------------------------------------------------------------------

// Blocks the job-control set {CHLD, INT, QUIT, TSTP, CONT, WINCH, HUP, TERM, USR1, USR2, PIPE} in the
// calling thread (call it before any other thread exists, so every thread inherits the mask) and
// remembers the mask it replaced, which the child gets back at spawn.
void shq_block_job_signals(void);

// A non-blocking, close-on-exec signalfd for the blocked set; -1 on error.
int shq_signalfd_open(void);

// One signal read from the signalfd: number, si_code, sender pid.
typedef struct {
    int signo;
    int code;
    int pid;
} shq_signal_info;

// Reads one signal: 1 when one was read, 0 when none is pending, -1 on error.
int shq_signalfd_read(int fd, shq_signal_info *info);

// True when si_code says the signal came from kill()/sigqueue() rather than the kernel (terminal, child).
int shq_signal_from_user(int code);

// Discards a pending, blocked copy of `signo` without waiting (sigtimedwait with a zero timeout).
void shq_discard_pending(int signo);

// Stops the whole process with `signo` as if it had been delivered: default disposition, unblocked in
// this thread only, raised at the process; when the process is continued, restores the disposition and
// the mask. Returns after the process has been continued.
void shq_stop_self(int signo);

// As shq_stop_self, but the signal goes to shq's whole process group (kill(0, signo)), as a Ctrl-Z
// typed at the terminal would.
void shq_stop_job(int signo);

// Dies of `signo` (no core file): default disposition, unblocked, raised. Returns only if that failed.
void shq_die_of(int signo);

// --- shq run: spawning ------------------------------------------------------------------------------

// posix_spawnp `argv` with `out_fd`/`err_fd` as its fds 1 and 2 (when >= 0), every other inherited fd
// kept, the signal mask saved by shq_block_job_signals restored, in shq's own process group.
// Returns 0 and sets *pid, or an errno value (ENOENT, EACCES, ENOEXEC, ...).
int shq_spawn(pid_t *pid, const char *file, char *const argv[], char *const envp[], int out_fd, int err_fd);

// posix_spawn `path` in a session of its own with /dev/null on fds 0, 1 and 2 and the saved signal mask:
// a helper that outlives shq without holding its terminal or its output. Returns 0 or an errno value.
int shq_spawn_detached(pid_t *pid, const char *path, char *const argv[], char *const envp[]);

// Restores the mask saved by shq_block_job_signals and replaces shq with `argv` (execvp). Returns the
// errno only if that failed.
int shq_exec(const char *file, char *const argv[], char *const envp[]);

// waitpid(pid, WUNTRACED | WCONTINUED | WNOHANG): the pid when it reported, 0 when nothing changed,
// -1 on error. The raw status goes to *status.
int shq_wait_child(pid_t pid, int *status);


// Grows a pipe's buffer (F_SETPIPE_SZ); returns the new size or -1.
int shq_set_pipe_size(int fd, int size);

// --- shq run --pty: pseudo-terminals -----------------------------------------------------------------

struct winsize;

// Opens a new PTY pair, both ends close-on-exec and neither becoming shq's controlling terminal.
// Returns 0 or an errno value.
int shq_pty_open(int *master, int *slave);

// TIOCGWINSZ / TIOCSWINSZ (ioctl is variadic). Setting a new size on a PTY makes the kernel send
// SIGWINCH to its foreground group. 0 or -1.
int shq_pty_get_size(int fd, struct winsize *size);
int shq_pty_set_size(int fd, const struct winsize *size);

// TIOCSCTTY: makes `fd` the controlling terminal of the calling session leader. 0 or -1.
int shq_pty_make_controlling(int fd);

// Spawns the PTY monitor (shq itself) as leader of a new session, with the mask shq_block_job_signals
// replaced, `keep` (count `keep_count`) left open across exec. Returns 0 or an errno value.
int shq_pty_spawn_monitor(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                          const int *keep, int keep_count);

// In the monitor: blocks the signals it reads or must not act on (CHLD, TTOU, TTIN, TSTP, INT, QUIT,
// WINCH, HUP), remembering the mask they replaced, and returns a close-on-exec signalfd for SIGCHLD.
int shq_pty_monitor_signals(void);

// In the monitor: spawns the command on `tty` (fds 0, 1, 2) in a new process group, with the mask
// shq_pty_monitor_signals replaced. With `foreground`, the child makes its group the terminal's
// foreground before exec (no window in which it could read the terminal from the background).
// Returns 0 or an errno value.
int shq_pty_spawn_command(pid_t *pid, const char *file, char *const argv[], char *const envp[], int tty,
                          int foreground);

// --- shq session: the shell on a pseudo-terminal ------------------------------------------------------

// Spawns `argv` (`file` searched in PATH) as leader of a new session whose controlling terminal is the
// PTY slave at `tty_path` (opened after setsid, so it becomes the controlling terminal) on fds 0, 1, 2,
// with the mask shq_block_job_signals replaced. Returns 0 and sets *pid, or an errno value.
int shq_session_spawn(pid_t *pid, const char *file, char *const argv[], char *const envp[], const char *tty_path);

// --- shq grep: byte searches glibc has only under _GNU_SOURCE (memmem is its two-way/SIMD search) ----

// memmem(3): the first `needle` in `haystack`, or NULL.
const void *shq_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length);
// memrchr(3): the last `byte` in the first `length` bytes of `bytes`, or NULL.
const void *shq_memrchr(const void *bytes, int byte, size_t length);

// --- the store's chunk file --------------------------------------------------------------------------

// Releases `length` bytes at `offset` of a file without changing its size:
// fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE). Returns 0, or -1 with errno (EOPNOTSUPP where
// the file system cannot punch holes: the caller overwrites the range with zeros instead).
int shq_punch_hole(int fd, long long offset, long long length);

#endif
