#include "shq_shims.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

int shq_wifexited(int status) { return WIFEXITED(status); }
int shq_wexitstatus(int status) { return WEXITSTATUS(status); }
int shq_wifsignaled(int status) { return WIFSIGNALED(status); }
int shq_wtermsig(int status) { return WTERMSIG(status); }
int shq_wifstopped(int status) { return WIFSTOPPED(status); }
int shq_wstopsig(int status) { return WSTOPSIG(status); }
int shq_wifcontinued(int status) { return WIFCONTINUED(status); }
int shq_wcoredump(int status) { return WCOREDUMP(status); }

int shq_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int shq_errno(void) { return errno; }

#include <sys/random.h>
long shq_getrandom(void *buffer, unsigned long length) { return (long)getrandom(buffer, length, 0); }

#include <sqlite3.h>
int shq_sqlite_db_config_int(sqlite3 *db, int option, int value) {
    return sqlite3_db_config(db, option, value, (int *)0);
}
