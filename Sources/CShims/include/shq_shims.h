// Thin wrappers over POSIX pieces Swift cannot import directly (macros, _GNU_SOURCE-only calls).
// Every symbol carries the `shq_` prefix. Keep this small: logic belongs in Swift.
#ifndef SHQ_SHIMS_H
#define SHQ_SHIMS_H

#include <signal.h>
#include <stdint.h>
#include <sys/types.h>

// Wait-status macros (WIFEXITED and friends are macros, invisible to Swift).
int shq_wifexited(int status);
int shq_wexitstatus(int status);
int shq_wifsignaled(int status);
int shq_wtermsig(int status);
int shq_wifstopped(int status);
int shq_wstopsig(int status);
int shq_wifcontinued(int status);
int shq_wcoredump(int status);

// pipe2(O_CLOEXEC): both ends close-on-exec, so children only see what spawn file actions dup.
int shq_pipe_cloexec(int fds[2]);

// Fills `buffer` from the kernel CSPRNG; returns bytes written or -1.
long shq_getrandom(void *buffer, unsigned long length);

// The calling thread's errno (a macro in glibc).
int shq_errno(void);

// sqlite3_db_config is variadic, so Swift cannot call it: this sets one integer option
// (SQLITE_DBCONFIG_*) on a connection. Returns the SQLite result code.
typedef struct sqlite3 sqlite3;
int shq_sqlite_db_config_int(sqlite3 *db, int option, int value);

#endif
