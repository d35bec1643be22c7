#include "shq_shims.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

int shq_wexitstatus(int status) { return WEXITSTATUS(status); }
int shq_wifsignaled(int status) { return WIFSIGNALED(status); }
int shq_wtermsig(int status) { return WTERMSIG(status); }
int shq_wifstopped(int status) { return WIFSTOPPED(status); }
int shq_wstopsig(int status) { return WSTOPSIG(status); }
int shq_wifcontinued(int status) { return WIFCONTINUED(status); }

int shq_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

#include <sys/random.h>
long shq_getrandom(void *buffer, unsigned long length) { return (long)getrandom(buffer, length, 0); }

#include <sqlite3.h>
#include <stdint.h>
int shq_sqlite_db_config_int(sqlite3 *db, int option, int value) {
    return sqlite3_db_config(db, option, value, (int *)0);
}

// Before main, so before SQLite initializes: no memory statistics. With them (Debian's default) every
// sqlite3_malloc and free takes a process-wide mutex; shq never reads them, and a 100k-command import
// spent ~3% of its writer locking and unlocking it (perf).
__attribute__((constructor)) static void shq_sqlite_configure(void) {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

// --- shq run: lock waits that give up when the run ends ---------------------------------------------
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

struct shq_busy_gate {
    _Atomic int64_t closes_at;  // monotonic µs; 0: open
    _Atomic int64_t grace_us;   // after closing, a wait that starts still gets this long
    int64_t wait_started;       // only the connection's thread touches it
    int timeout_ms;
    sqlite3 *db;
};

// SQLite has no per-connection user data in Debian's 3.40: the checkpoint below finds the gate of the
// connection it restores the handler on here (the last connection gated; one per `shq run`).
static pthread_mutex_t shq_gate_lock = PTHREAD_MUTEX_INITIALIZER;
static shq_busy_gate *shq_gate_attached;

static int64_t shq_monotonic_us(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
}

static int shq_gated_busy(void *arg, int count) {
    shq_busy_gate *gate = arg;
    int64_t now = shq_monotonic_us();
    if (count == 0) gate->wait_started = now;
    int64_t closes = atomic_load(&gate->closes_at);
    if (closes != 0 && now >= closes && now - gate->wait_started >= atomic_load(&gate->grace_us)) return 0;
    if (now - gate->wait_started >= (int64_t)gate->timeout_ms * 1000) return 0;
    // Short sleeps: a closing gate is noticed within 2 ms.
    struct timespec nap = {0, count < 4 ? 250000 : 2000000};
    nanosleep(&nap, (struct timespec *)0);
    return 1;
}

shq_busy_gate *shq_busy_gate_new(int timeout_ms) {
    shq_busy_gate *gate = calloc(1, sizeof *gate);
    if (gate) gate->timeout_ms = timeout_ms;
    return gate;
}

void shq_busy_gate_attach(shq_busy_gate *gate, sqlite3 *db) {
    if (!gate) return;
    pthread_mutex_lock(&shq_gate_lock);
    gate->db = db;
    shq_gate_attached = gate;
    sqlite3_busy_handler(db, shq_gated_busy, gate);
    pthread_mutex_unlock(&shq_gate_lock);
}

void shq_busy_gate_detach(shq_busy_gate *gate) {
    if (!gate || !gate->db) return;
    pthread_mutex_lock(&shq_gate_lock);
    if (shq_gate_attached == gate) shq_gate_attached = 0;
    sqlite3_busy_timeout(gate->db, gate->timeout_ms);
    gate->db = 0;
    pthread_mutex_unlock(&shq_gate_lock);
}

void shq_busy_gate_close(shq_busy_gate *gate, int after_ms) {
    if (!gate) return;
    atomic_store(&gate->grace_us, (int64_t)after_ms * 1000);
    atomic_store(&gate->closes_at, shq_monotonic_us() + (int64_t)after_ms * 1000);
}

void shq_busy_gate_free(shq_busy_gate *gate) {
    shq_busy_gate_detach(gate);
    free(gate);
}

static void shq_sqlite_restore_busy(sqlite3 *db, int busy_ms) {
    pthread_mutex_lock(&shq_gate_lock);
    if (shq_gate_attached && shq_gate_attached->db == db) sqlite3_busy_handler(db, shq_gated_busy, shq_gate_attached);
    else sqlite3_busy_timeout(db, busy_ms);
    pthread_mutex_unlock(&shq_gate_lock);
}

int shq_sqlite_truncate_wal(sqlite3 *db, const char *schema, int busy_ms) {
    // Without waiting: a reader holding an old snapshot makes it return SQLITE_BUSY after copying what
    // it can, and a later commit tries again.
    sqlite3_busy_timeout(db, 0);
    int rc = sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_TRUNCATE, (int *)0, (int *)0);
    shq_sqlite_restore_busy(db, busy_ms);
    return rc;
}

// TRUNCATE, not RESTART: a new process rebuilds the WAL index from the log and then counts nothing as
// copied, so only an emptied log file stops it from re-reading (and re-copying) every frame again.
// The hook's argument packs both numbers: pages in the low 32 bits, the busy timeout above them.
static int shq_wal_hook(void *arg, sqlite3 *db, const char *schema, int frames) {
    uintptr_t packed = (uintptr_t)arg;
    int pages = (int)(packed & 0xffffffffu);
    int busy_ms = (int)(packed >> 32);
    if (frames >= pages) shq_sqlite_truncate_wal(db, schema, busy_ms);
    return SQLITE_OK;
}

void shq_sqlite_truncating_checkpoints(sqlite3 *db, int pages, int busy_ms) {
    uintptr_t packed = ((uintptr_t)(unsigned)busy_ms << 32) | (unsigned)pages;
    sqlite3_wal_hook(db, shq_wal_hook, (void *)packed);
}

// --- shq run: job-control signals -------------------------------------------------------------------
#include <signal.h>
#include <pthread.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>

static sigset_t shq_job_set;
static sigset_t shq_saved_mask;

static void shq_fill_job_set(void) {
    sigemptyset(&shq_job_set);
    int signals[] = {SIGCHLD, SIGINT, SIGQUIT, SIGTSTP, SIGCONT, SIGWINCH, SIGHUP, SIGTERM, SIGUSR1, SIGUSR2, SIGPIPE};
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) sigaddset(&shq_job_set, signals[i]);
}

void shq_block_job_signals(void) {
    shq_fill_job_set();
    sigprocmask(SIG_BLOCK, &shq_job_set, &shq_saved_mask);
}

int shq_signalfd_open(void) { return signalfd(-1, &shq_job_set, SFD_NONBLOCK | SFD_CLOEXEC); }

int shq_signalfd_read(int fd, shq_signal_info *info) {
    struct signalfd_siginfo raw;
    for (;;) {
        ssize_t n = read(fd, &raw, sizeof raw);
        if (n == (ssize_t)sizeof raw) break;
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) return 0;
        return -1;
    }
    info->signo = (int)raw.ssi_signo;
    info->code = raw.ssi_code;
    info->pid = (int)raw.ssi_pid;
    return 1;
}

int shq_signal_from_user(int code) { return code == SI_USER || code == SI_QUEUE || code == SI_TKILL; }

void shq_discard_pending(int signo) {
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, signo);
    struct timespec zero = {0, 0};
    while (sigtimedwait(&one, NULL, &zero) == signo) {}
}

static void shq_stop_as(int signo, pid_t target) {
    struct sigaction dfl, old;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    int settable = signo != SIGSTOP && signo != SIGKILL;
    if (settable) sigaction(signo, &dfl, &old);
    sigset_t one, previous;
    sigemptyset(&one);
    sigaddset(&one, signo);
    pthread_sigmask(SIG_UNBLOCK, &one, &previous);
    // Only this thread accepts signo, so the kernel delivers it here on return from kill(): the whole
    // process stops inside this call and continues when the shell sends SIGCONT.
    kill(target, signo);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (settable) sigaction(signo, &old, NULL);
}

void shq_stop_self(int signo) { shq_stop_as(signo, getpid()); }
void shq_stop_job(int signo) { shq_stop_as(signo, 0); }

void shq_die_of(int signo) {
    struct rlimit none = {0, 0};
    setrlimit(RLIMIT_CORE, &none);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigaction(signo, &dfl, NULL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, signo);
    sigprocmask(SIG_UNBLOCK, &one, NULL);
    pthread_sigmask(SIG_UNBLOCK, &one, NULL);
    kill(getpid(), signo);
}

// --- shq run: spawning ------------------------------------------------------------------------------

int shq_spawn(pid_t *pid, const char *file, char *const argv[], char *const envp[], int out_fd, int err_fd) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    // The capture pipes are close-on-exec; dup2 gives the child non-CLOEXEC copies on 1 and 2.
    if (out_fd >= 0) posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
    if (err_fd >= 0) posix_spawn_file_actions_adddup2(&actions, err_fd, 2);
    // Only the mask is restored: shq never installs handlers, so dispositions are already what the
    // caller gave (SIG_IGN from nohup stays ignored), and exec resets nothing else we touched.
    posix_spawnattr_setsigmask(&attr, &shq_saved_mask);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
    int rc = posix_spawnp(pid, file, &actions, &attr, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    return rc;
}

int shq_spawn_detached(pid_t *pid, const char *path, char *const argv[], char *const envp[]) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    // Nothing of the caller's: no terminal (setsid), no pipe a `$(...)` waits on (/dev/null on 0, 1, 2).
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    // Nor any descriptor shq inherited without close-on-exec (a test harness's pipe ends, say).
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    posix_spawnattr_setsigmask(&attr, &shq_saved_mask);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK);
    int rc = posix_spawn(pid, path, &actions, &attr, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    return rc;
}

int shq_exec(const char *file, char *const argv[], char *const envp[]) {
    sigprocmask(SIG_SETMASK, &shq_saved_mask, NULL);
    execvpe(file, argv, envp);
    int error = errno;
    sigprocmask(SIG_BLOCK, &shq_job_set, NULL);
    return error;
}

int shq_wait_child(pid_t pid, int *status) {
    for (;;) {
        int rc = waitpid(pid, status, WUNTRACED | WCONTINUED | WNOHANG);
        if (rc < 0 && errno == EINTR) continue;
        return rc;
    }
}

int shq_set_pipe_size(int fd, int size) { return fcntl(fd, F_SETPIPE_SZ, size); }

// --- shq run --pty: pseudo-terminals -----------------------------------------------------------------
#include <sys/ioctl.h>
#include <termios.h>

int shq_pty_open(int *master, int *slave) {
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m < 0) return errno;
    char name[128];
    if (grantpt(m) != 0 || unlockpt(m) != 0 || ptsname_r(m, name, sizeof name) != 0) {
        int error = errno;
        close(m);
        return error;
    }
    int s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (s < 0) {
        int error = errno;
        close(m);
        return error;
    }
    *master = m;
    *slave = s;
    return 0;
}

int shq_pty_get_size(int fd, struct winsize *size) { return ioctl(fd, TIOCGWINSZ, size); }
int shq_pty_set_size(int fd, const struct winsize *size) { return ioctl(fd, TIOCSWINSZ, size); }
int shq_pty_make_controlling(int fd) { return ioctl(fd, TIOCSCTTY, 0); }

int shq_pty_spawn_monitor(pid_t *pid, const char *path, char *const argv[], char *const envp[],
                          const int *keep, int keep_count) {
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigmask(&attr, &shq_saved_mask);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK);
    // The fds are close-on-exec everywhere else; only this spawn must pass them on. No other thread
    // spawns while shq run is running, so clearing the flag for the duration of the call is safe.
    for (int i = 0; i < keep_count; i++) fcntl(keep[i], F_SETFD, 0);
    int rc = posix_spawn(pid, path, NULL, &attr, argv, envp);
    for (int i = 0; i < keep_count; i++) fcntl(keep[i], F_SETFD, FD_CLOEXEC);
    posix_spawnattr_destroy(&attr);
    return rc;
}

static sigset_t shq_pty_saved_mask;

int shq_pty_monitor_signals(void) {
    sigset_t set;
    sigemptyset(&set);
    int signals[] = {SIGCHLD, SIGTTOU, SIGTTIN, SIGTSTP, SIGINT, SIGQUIT, SIGWINCH, SIGHUP};
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) sigaddset(&set, signals[i]);
    sigprocmask(SIG_BLOCK, &set, &shq_pty_saved_mask);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    return signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
}

int shq_pty_spawn_command(pid_t *pid, const char *file, char *const argv[], char *const envp[], int tty,
                          int foreground) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    for (int fd = 0; fd < 3; fd++) posix_spawn_file_actions_adddup2(&actions, tty, fd);
    // glibc runs file actions after setpgid and with every signal blocked, so tcsetpgrp cannot stop it.
    if (foreground) posix_spawn_file_actions_addtcsetpgrp_np(&actions, tty);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setsigmask(&attr, &shq_pty_saved_mask);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
    int rc = posix_spawnp(pid, file, &actions, &attr, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    return rc;
}

// --- shq session ---------------------------------------------------------------------------------------

int shq_session_spawn(pid_t *pid, const char *file, char *const argv[], char *const envp[], const char *tty_path) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&actions);
    posix_spawnattr_init(&attr);
    // glibc runs setsid before the file actions: the open (without O_NOCTTY) by a session leader with
    // no controlling terminal makes the PTY its controlling terminal, as login and script(1) do.
    posix_spawn_file_actions_addopen(&actions, 0, tty_path, O_RDWR, 0);
    posix_spawn_file_actions_adddup2(&actions, 0, 1);
    posix_spawn_file_actions_adddup2(&actions, 0, 2);
    posix_spawnattr_setsigmask(&attr, &shq_saved_mask);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK);
    int rc = posix_spawnp(pid, file, &actions, &attr, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    return rc;
}

const void *shq_memmem(const void *haystack, size_t haystack_length, const void *needle, size_t needle_length) {
    return memmem(haystack, haystack_length, needle, needle_length);
}

const void *shq_memrchr(const void *bytes, int byte, size_t length) {
    return memrchr(bytes, byte, length);
}

// --- the store's chunk file --------------------------------------------------------------------------
#include <linux/falloc.h>

int shq_punch_hole(int fd, long long offset, long long length) {
    return fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t)offset, (off_t)length);
}
