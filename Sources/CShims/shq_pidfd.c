#include "shq_pidfd.h"

#include <sys/syscall.h>
#include <unistd.h>

// Called through syscall(2): glibc 2.36 has wrappers, but older C libraries that build shq do not.
int shq_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

int shq_pidfd_send_signal(int pidfd, int signal) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0);
}
